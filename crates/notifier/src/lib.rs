//! E-mail for Resguardo: the only crate that knows SMTP. It renders the
//! Spanish messages ([`templates`]), their calendar attachments ([`ics`]),
//! and sends them through lettre to an SMTP server, or, with no server
//! configured, writes them as `.eml` files to a folder. It never touches
//! the database: the delivery worker gives it a rendered message and an
//! address and records what happened.

pub mod dates;
pub mod ics;
pub mod templates;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use templates::{Body, Letter, Reader, Rendered, render};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// TLS from the first byte (port 465).
    Implicit,
    /// STARTTLS, required (port 587).
    StartTls,
    /// None: only for a relay on the same host or network (and tests).
    None,
}

#[derive(Debug, Clone)]
pub enum Transport {
    Smtp {
        host: String,
        port: u16,
        tls: Tls,
        credentials: Option<(String, String)>,
    },
    /// Messages are written as `.eml` files (development, no SMTP server).
    Files {
        dir: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct MailerConfig {
    pub transport: Transport,
    /// `Resguardo <no-responder@…>`.
    pub from: String,
    /// Every send is abandoned (and retried later) after this long.
    pub send_timeout: Duration,
}

/// Why a message was not sent, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 4xx, timeouts, refused connections: retry later.
    #[error("fallo temporal: {0}")]
    Transient(String),
    /// 5xx, invalid addresses: retrying will not help.
    #[error("fallo permanente: {0}")]
    Permanent(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid sender address")]
    From,
    #[error("invalid SMTP settings: {0}")]
    Smtp(String),
}

enum Backend {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Sends rendered messages. Cheap to share: the SMTP transport pools its
/// connections.
pub struct Mailer {
    backend: Backend,
    from: Mailbox,
    timeout: Duration,
}

impl Mailer {
    pub fn new(config: &MailerConfig) -> Result<Self, ConfigError> {
        let from: Mailbox = config.from.parse().map_err(|_| ConfigError::From)?;
        let backend = match &config.transport {
            Transport::Files { dir } => Backend::Files(dir.clone()),
            Transport::Smtp { host, port, tls, credentials } => {
                let builder = match tls {
                    Tls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                    Tls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
                    Tls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
                }
                .map_err(|e| ConfigError::Smtp(e.to_string()))?;
                // Short idle times: a pooled connection the server closed
                // fails once, and our retry covers that.
                let pool = lettre::transport::smtp::PoolConfig::new().idle_timeout(Duration::from_secs(30));
                let mut builder = builder.port(*port).timeout(Some(config.send_timeout)).pool_config(pool);
                if let Some((user, password)) = credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Backend::Smtp(builder.build())
            }
        };
        Ok(Self { backend, from, timeout: config.send_timeout })
    }

    /// How long one send may take before it is abandoned: a delivery lease
    /// must outlast it.
    pub fn send_timeout(&self) -> Duration {
        self.timeout
    }

    /// Describes where messages go, without credentials (for the log).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Smtp(_) => "SMTP".to_owned(),
            Backend::Files(dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends `rendered` to `to` with the given stable Message-ID (the same
    /// for every attempt, so a message delivered twice is recognisable).
    pub async fn send(&self, message_id: &str, to: &str, rendered: &Rendered) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|_| SendError::Permanent("dirección de destino inválida".into()))?;
        let message = build(&self.from, to, message_id, rendered)?;
        match &self.backend {
            Backend::Smtp(transport) => match tokio::time::timeout(self.timeout, transport.send(message)).await {
                Err(_) => Err(SendError::Transient("tiempo de espera agotado".into())),
                Ok(Ok(_)) => Ok(()),
                Ok(Err(error)) if error.is_permanent() => Err(SendError::Permanent(smtp_reason(&error))),
                Ok(Err(error)) => Err(SendError::Transient(smtp_reason(&error))),
            },
            Backend::Files(dir) => {
                let name = message_id.trim_matches(['<', '>']).replace(['/', '\\', '@'], "_");
                tokio::fs::create_dir_all(dir).await.map_err(|e| SendError::Transient(e.to_string()))?;
                tokio::fs::write(dir.join(format!("{name}.eml")), message.formatted())
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

/// The SMTP code and kind, never the addresses lettre may quote.
fn smtp_reason(error: &lettre::transport::smtp::Error) -> String {
    match error.status() {
        Some(code) => format!("SMTP {code}"),
        None if error.is_timeout() => "tiempo de espera agotado".to_owned(),
        None => "sin conexión con el servidor SMTP".to_owned(),
    }
}

fn build(from: &Mailbox, to: Mailbox, message_id: &str, rendered: &Rendered) -> Result<Message, SendError> {
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(rendered.text.clone()))
        .singlepart(SinglePart::html(rendered.html.clone()));
    let body = match &rendered.calendar {
        None => alternative,
        Some((ics, method)) => {
            let content_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|_| SendError::Permanent("tipo de contenido inválido".into()))?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new("plazo.ics".into()).body(ics.clone(), content_type))
        }
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(rendered.subject.clone())
        .message_id(Some(message_id.to_owned()))
        .multipart(body)
        .map_err(|_| SendError::Permanent("mensaje inválido".into()))
}
