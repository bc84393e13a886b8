//! A real SMTP server for tests: Debian's `python3-aiosmtpd` with its
//! Maildir handler (or `tests/smtp/flaky.py`, which answers 451 first),
//! started per test on a free port, and the messages it received, decoded.
//! Without aiosmtpd installed the e-mail tests are skipped, except in CI.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

const PYTHON: &str = "/usr/bin/python3";

pub(crate) struct SmtpServer {
    pub(crate) port: u16,
    /// Holds the Maildir (`<dir>/mail`).
    dir: tempfile::TempDir,
    child: Option<Child>,
    handler: Handler,
}

/// How the server answers.
#[derive(Debug, Clone, Copy)]
enum Handler {
    /// Every message accepted at once.
    Mailbox,
    /// The first `n` messages refused with `code` (`tests/smtp/flaky.py`).
    Flaky(u32, u16),
    /// Every message accepted after this many seconds (`tests/smtp/slow.py`).
    Slow(f64),
}

/// One received message.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) to: String,
    pub(crate) subject: String,
    pub(crate) message_id: String,
    /// Every MIME part, decoded, one after the other.
    pub(crate) text: String,
    pub(crate) raw: String,
}

impl SmtpServer {
    /// Starts a server, or returns `None` (skip) when aiosmtpd is missing
    /// outside CI.
    pub(crate) fn start() -> Option<Self> {
        Self::start_with(Handler::Mailbox)
    }

    /// A server that answers `451` to the first `failures` messages.
    pub(crate) fn start_flaky(failures: u32) -> Option<Self> {
        Self::start_with(Handler::Flaky(failures, 451))
    }

    /// A server that refuses every message permanently with `code` (5xx).
    pub(crate) fn start_refusing(code: u16) -> Option<Self> {
        Self::start_with(Handler::Flaky(u32::MAX, code))
    }

    /// A slow relay: each message is accepted `seconds` after its data.
    pub(crate) fn start_slow(seconds: f64) -> Option<Self> {
        Self::start_with(Handler::Slow(seconds))
    }

    fn start_with(handler: Handler) -> Option<Self> {
        let available = Command::new(PYTHON)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            assert!(std::env::var_os("CI").is_none(), "CI is set but python3-aiosmtpd is not installed");
            eprintln!("skipped: python3-aiosmtpd is not installed (apt-get install -y python3-aiosmtpd)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Self { port, dir: tempfile::tempdir().unwrap(), child: None, handler };
        server.launch();
        Some(server)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    fn launch(&mut self) {
        let mut command = Command::new(PYTHON);
        command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port), "-c"]);
        let ours = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp");
        match self.handler {
            Handler::Mailbox => command.args(["aiosmtpd.handlers.Mailbox"]).arg(self.maildir()),
            Handler::Flaky(n, code) => command
                .env("PYTHONPATH", ours)
                .args(["flaky.Flaky"])
                .arg(self.maildir())
                .arg(n.to_string())
                .arg(code.to_string()),
            Handler::Slow(seconds) => {
                command.env("PYTHONPATH", ours).args(["slow.Slow"]).arg(self.maildir()).arg(seconds.to_string())
            }
        };
        let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start aiosmtpd");
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(15), "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server goes down (connections are refused).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The server comes back on the same port and Maildir.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// The mailer settings to reach this server.
    pub(crate) fn mailer(&self) -> notifier::MailerConfig {
        notifier::MailerConfig {
            transport: notifier::Transport::Smtp {
                host: "127.0.0.1".into(),
                port: self.port,
                tls: notifier::Tls::None,
                credentials: None,
            },
            from: "Resguardo <no-responder@resguardo.test>".into(),
            send_timeout: Duration::from_secs(5),
        }
    }

    /// Every message received so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(self.maildir().join("new")) else { return Vec::new() };
        let mut messages: Vec<Received> =
            entries.filter_map(Result::ok).map(|e| parse(&std::fs::read_to_string(e.path()).unwrap())).collect();
        messages.sort_by(|a, b| a.message_id.cmp(&b.message_id));
        messages
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn header(raw: &str, name: &str) -> String {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    raw.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_owned())
        .unwrap_or_default()
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes every leaf MIME part (headers, then a blank line, then a body up
/// to the next boundary line).
fn parse(raw: &str) -> Received {
    let mut text = String::new();
    for part in raw.split("\n--") {
        let Some((headers, body)) = part.split_once("\n\n") else { continue };
        let headers = headers.to_ascii_lowercase();
        if headers.contains("content-type: multipart/") {
            continue;
        }
        let body = body.trim_end_matches("--").trim_end();
        let decoded = if headers.contains("content-transfer-encoding: base64") {
            let compact: String = body.split_whitespace().collect();
            String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(compact).unwrap_or_default())
                .into_owned()
        } else if headers.contains("content-transfer-encoding: quoted-printable") {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        };
        text.push_str(&decoded);
        text.push('\n');
    }
    Received {
        to: header(raw, "X-RcptTo"),
        subject: header(raw, "Subject"),
        message_id: header(raw, "Message-ID"),
        text,
        raw: raw.to_owned(),
    }
}
