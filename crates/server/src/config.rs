//! Configuration: defaults that work for development, overridden by an
//! optional TOML file, overridden by `RESGUARDO_*` environment variables.
//! This is the only code that reads the environment; everything else gets
//! a `Config`.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// Every environment variable the server reads, in `deploy/env.example`
/// order. A test fails when the two disagree.
pub const VARIABLES: &[&str] = &[
    "RESGUARDO_CONFIG",
    "RESGUARDO_MODE",
    "RESGUARDO_KEY_FILE",
    "RESGUARDO_ENCRYPTION_KEYS",
    "RESGUARDO_ACCESS_KEY_SECRET",
    "RESGUARDO_DATABASE_URL",
    "RESGUARDO_DATABASE_MAX_CONNECTIONS",
    "RESGUARDO_LISTEN",
    "RESGUARDO_MIGRATE_ON_START",
    "RESGUARDO_LOG",
    "RESGUARDO_LOG_FORMAT",
    "RESGUARDO_METRICS",
    "RESGUARDO_GRAPHIQL",
    "RESGUARDO_RESOLUTIONS_NEED_SUPERVISOR",
    "RESGUARDO_SESSION_HOURS",
    "RESGUARDO_SESSION_IDLE_MINUTES",
    "RESGUARDO_PUBLIC_URL",
    "RESGUARDO_WS_ALLOWED_ORIGINS",
    "RESGUARDO_QUICK_EXIT_URL",
    "RESGUARDO_MAIL_FROM",
    "RESGUARDO_MAIL_DIR",
    "RESGUARDO_SMTP_HOST",
    "RESGUARDO_SMTP_PORT",
    "RESGUARDO_SMTP_TLS",
    "RESGUARDO_SMTP_USERNAME",
    "RESGUARDO_SMTP_PASSWORD",
    "RESGUARDO_SMTP_TIMEOUT_SECONDS",
    "RESGUARDO_WORKER",
    "RESGUARDO_WORKER_INTERVAL_SECONDS",
    "RESGUARDO_GRAPHQL_BATCH_MAX",
    "RESGUARDO_REQUEST_TIMEOUT_SECONDS",
    "RESGUARDO_SECOND_FACTOR_ROLES",
    "RESGUARDO_RATE_INTAKE_PER_HOUR",
    "RESGUARDO_RATE_INTAKE_GLOBAL_PER_HOUR",
    "RESGUARDO_RATE_LOGIN_PER_HOUR",
    "RESGUARDO_RATE_REQUESTER_PER_HOUR",
    "RESGUARDO_RATE_APP_PER_HOUR",
    "RESGUARDO_EVIDENCE_MAX_FILE_MIB",
    "RESGUARDO_EVIDENCE_MAX_CASE_MIB",
    "RESGUARDO_EVIDENCE_MAX_FILES",
    "RESGUARDO_EVIDENCE_UPLOAD_HOURS",
    "RESGUARDO_CLIENT_IP_HEADER",
    "RESGUARDO_STATISTICS_THRESHOLD",
    "RESGUARDO_STATISTICS_EXACT_ROLES",
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `development` (the default) or `production`, which refuses unsafe
    /// settings.
    pub mode: String,
    /// The encryption key file (created on a first development run).
    pub key_file: String,
    /// Keys given directly, `id:base64,…` (the first is current); takes
    /// precedence over the key file.
    pub encryption_keys: Option<String>,
    /// The secret access keys are derived with (base64, 32 bytes), when
    /// the keys are in the environment; a key file holds its own.
    pub access_key_secret: Option<String>,
    /// `sqlite://path?mode=rwc` (embedded) or `postgres://user@host/db`.
    pub database_url: String,
    pub database_max_connections: u32,
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// A `tracing` filter, e.g. `info` or `server=debug,info`.
    pub log: String,
    /// `text` (for people) or `json` (one object per line, for collectors).
    pub log_format: String,
    /// Serve Prometheus metrics at `/metrics`.
    pub metrics: bool,
    /// Serve GraphiQL at `/graphiql`.
    pub graphiql: bool,
    /// Only supervisors may issue resolutions (they sign them).
    pub resolutions_need_supervisor: bool,
    /// A session ends this many hours after login, whatever happens.
    pub session_hours: u32,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u32,
    /// The web client's address, for links in e-mails.
    pub public_url: String,
    /// The sender of e-mails.
    pub mail_from: String,
    /// Where e-mails are written as `.eml` files when no SMTP host is set.
    pub mail_dir: String,
    /// The SMTP server; empty means "write files instead".
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (required), `implicit` (TLS from the start) or `none`.
    pub smtp_tls: String,
    pub smtp_username: String,
    pub smtp_password: String,
    /// Each send is abandoned (and retried later) after this many seconds.
    pub smtp_timeout_seconds: u64,
    /// Run the delivery worker inside `serve`.
    pub worker: bool,
    /// Seconds between delivery passes.
    pub worker_interval_seconds: u64,
    /// GraphQL requests allowed in one JSON array; 0 refuses batches.
    pub graphql_batch_max: usize,
    /// Longest a GraphQL request may run, in seconds.
    pub request_timeout_seconds: u64,
    /// Roles that must sign in with a second factor (`admin,supervisor`),
    /// or `none`. Production mode wants it said explicitly.
    pub second_factor_roles: String,
    /// `submitRequest` per client address and hour (0: no limit).
    pub rate_intake_per_hour: u32,
    /// `submitRequest` from all addresses together, per hour.
    pub rate_intake_global_per_hour: u32,
    /// `login` per client address and hour.
    pub rate_login_per_hour: u32,
    /// Operations with a file number and access key, per client address
    /// and hour.
    pub rate_requester_per_hour: u32,
    /// New submissions per app token (OpenRosa).
    pub rate_app_per_hour: u32,
    /// Evidence files: the largest file and the most a case holds (MiB),
    /// files per case, and how long an unfinished upload is kept.
    pub evidence_max_file_mib: u32,
    pub evidence_max_case_mib: u32,
    pub evidence_max_files: u32,
    pub evidence_upload_hours: u32,
    /// Behind a reverse proxy: the header holding the client's address.
    pub client_ip_header: String,
    /// Origins (`https://host[:port]`, comma-separated) whose pages may
    /// open `/graphql/ws`; empty means the origin of `public_url`.
    pub ws_allowed_origins: String,
    /// Where the pages' "Salir rápido" leads: an `https://` page of the
    /// operator's choice (a neutral site); empty means the server's own
    /// blank `/salir`.
    pub quick_exit_url: String,
    /// Statistics: counts above zero and below this are shown as "< N".
    pub statistics_threshold: u64,
    /// Roles that see exact statistics (`supervisor,auditor`), or `none`.
    pub statistics_exact_roles: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: "development".into(),
            key_file: "data/keys.toml".into(),
            encryption_keys: None,
            access_key_secret: None,
            database_url: "sqlite://data/resguardo.db?mode=rwc".into(),
            database_max_connections: 10,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            migrate_on_start: true,
            log: "info".into(),
            log_format: "text".into(),
            metrics: true,
            graphiql: true,
            resolutions_need_supervisor: false,
            session_hours: 12,
            session_idle_minutes: 60,
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Resguardo <no-responder@resguardo.local>".into(),
            mail_dir: "data/mail".into(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            smtp_timeout_seconds: 20,
            worker: true,
            worker_interval_seconds: 15,
            graphql_batch_max: 0,
            request_timeout_seconds: 10,
            second_factor_roles: String::new(),
            rate_intake_per_hour: 20,
            rate_intake_global_per_hour: 2000,
            rate_login_per_hour: 60,
            rate_requester_per_hour: 120,
            rate_app_per_hour: 120,
            evidence_max_file_mib: 64,
            evidence_max_case_mib: 512,
            evidence_max_files: 50,
            evidence_upload_hours: 24,
            client_ip_header: String::new(),
            ws_allowed_origins: String::new(),
            quick_exit_url: String::new(),
            statistics_threshold: domain::statistics::DEFAULT_THRESHOLD,
            statistics_exact_roles: "supervisor,auditor".into(),
        }
    }
}

impl Config {
    /// Reads the file named by `file` (or by `RESGUARDO_CONFIG`) if any, then
    /// the environment through `env`.
    pub fn load(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let from_env = env("RESGUARDO_CONFIG");
        let file = file.map(Path::to_path_buf).or_else(|| from_env.map(Into::into));
        let mut config = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(value) = env("RESGUARDO_DATABASE_URL") {
            config.database_url = value;
        }
        check_database_url(&config.database_url)?;
        if let Some(value) = env("RESGUARDO_DATABASE_MAX_CONNECTIONS") {
            config.database_max_connections = parse("RESGUARDO_DATABASE_MAX_CONNECTIONS", &value)?;
        }
        if let Some(value) = env("RESGUARDO_LISTEN") {
            config.listen = parse("RESGUARDO_LISTEN", &value)?;
        }
        if let Some(value) = env("RESGUARDO_MIGRATE_ON_START") {
            config.migrate_on_start = parse_bool("RESGUARDO_MIGRATE_ON_START", &value)?;
        }
        if let Some(value) = env("RESGUARDO_LOG") {
            config.log = value;
        }
        if let Some(value) = env("RESGUARDO_LOG_FORMAT") {
            config.log_format = value;
        }
        if let Some(value) = env("RESGUARDO_METRICS") {
            config.metrics = parse_bool("RESGUARDO_METRICS", &value)?;
        }
        if let Some(value) = env("RESGUARDO_GRAPHIQL") {
            config.graphiql = parse_bool("RESGUARDO_GRAPHIQL", &value)?;
        }
        if let Some(value) = env("RESGUARDO_RESOLUTIONS_NEED_SUPERVISOR") {
            config.resolutions_need_supervisor = parse_bool("RESGUARDO_RESOLUTIONS_NEED_SUPERVISOR", &value)?;
        }
        if let Some(value) = env("RESGUARDO_SESSION_HOURS") {
            config.session_hours = parse("RESGUARDO_SESSION_HOURS", &value)?;
        }
        if let Some(value) = env("RESGUARDO_SESSION_IDLE_MINUTES") {
            config.session_idle_minutes = parse("RESGUARDO_SESSION_IDLE_MINUTES", &value)?;
        }
        if let Some(value) = env("RESGUARDO_ENCRYPTION_KEYS") {
            config.encryption_keys = Some(value);
        }
        if let Some(value) = env("RESGUARDO_ACCESS_KEY_SECRET") {
            config.access_key_secret = Some(value);
        }
        for (name, field) in [
            ("RESGUARDO_MODE", &mut config.mode),
            ("RESGUARDO_KEY_FILE", &mut config.key_file),
            ("RESGUARDO_PUBLIC_URL", &mut config.public_url),
            ("RESGUARDO_MAIL_FROM", &mut config.mail_from),
            ("RESGUARDO_MAIL_DIR", &mut config.mail_dir),
            ("RESGUARDO_SMTP_HOST", &mut config.smtp_host),
            ("RESGUARDO_SMTP_TLS", &mut config.smtp_tls),
            ("RESGUARDO_SMTP_USERNAME", &mut config.smtp_username),
            ("RESGUARDO_SMTP_PASSWORD", &mut config.smtp_password),
            ("RESGUARDO_SECOND_FACTOR_ROLES", &mut config.second_factor_roles),
            ("RESGUARDO_CLIENT_IP_HEADER", &mut config.client_ip_header),
            ("RESGUARDO_WS_ALLOWED_ORIGINS", &mut config.ws_allowed_origins),
            ("RESGUARDO_QUICK_EXIT_URL", &mut config.quick_exit_url),
            ("RESGUARDO_STATISTICS_EXACT_ROLES", &mut config.statistics_exact_roles),
        ] {
            if let Some(value) = env(name) {
                *field = value;
            }
        }
        for (name, field) in [
            ("RESGUARDO_RATE_INTAKE_PER_HOUR", &mut config.rate_intake_per_hour),
            ("RESGUARDO_RATE_INTAKE_GLOBAL_PER_HOUR", &mut config.rate_intake_global_per_hour),
            ("RESGUARDO_RATE_LOGIN_PER_HOUR", &mut config.rate_login_per_hour),
            ("RESGUARDO_RATE_REQUESTER_PER_HOUR", &mut config.rate_requester_per_hour),
            ("RESGUARDO_RATE_APP_PER_HOUR", &mut config.rate_app_per_hour),
            ("RESGUARDO_EVIDENCE_MAX_FILE_MIB", &mut config.evidence_max_file_mib),
            ("RESGUARDO_EVIDENCE_MAX_CASE_MIB", &mut config.evidence_max_case_mib),
            ("RESGUARDO_EVIDENCE_MAX_FILES", &mut config.evidence_max_files),
            ("RESGUARDO_EVIDENCE_UPLOAD_HOURS", &mut config.evidence_upload_hours),
        ] {
            if let Some(value) = env(name) {
                *field = parse(name, &value)?;
            }
        }
        config.evidence()?;
        if let Some(value) = env("RESGUARDO_STATISTICS_THRESHOLD") {
            config.statistics_threshold = parse("RESGUARDO_STATISTICS_THRESHOLD", &value)?;
        }
        if config.statistics_threshold < 2 {
            bail!("RESGUARDO_STATISTICS_THRESHOLD must be at least 2 (below that nothing is suppressed)");
        }
        if let Some(value) = env("RESGUARDO_SMTP_PORT") {
            config.smtp_port = parse("RESGUARDO_SMTP_PORT", &value)?;
        }
        if let Some(value) = env("RESGUARDO_SMTP_TIMEOUT_SECONDS") {
            config.smtp_timeout_seconds = parse("RESGUARDO_SMTP_TIMEOUT_SECONDS", &value)?;
        }
        if let Some(value) = env("RESGUARDO_WORKER") {
            config.worker = parse_bool("RESGUARDO_WORKER", &value)?;
        }
        if let Some(value) = env("RESGUARDO_WORKER_INTERVAL_SECONDS") {
            config.worker_interval_seconds = parse("RESGUARDO_WORKER_INTERVAL_SECONDS", &value)?;
        }
        if let Some(value) = env("RESGUARDO_GRAPHQL_BATCH_MAX") {
            config.graphql_batch_max = parse("RESGUARDO_GRAPHQL_BATCH_MAX", &value)?;
        }
        if let Some(value) = env("RESGUARDO_REQUEST_TIMEOUT_SECONDS") {
            config.request_timeout_seconds = parse("RESGUARDO_REQUEST_TIMEOUT_SECONDS", &value)?;
        }
        if config.request_timeout_seconds == 0 {
            bail!("RESGUARDO_REQUEST_TIMEOUT_SECONDS must be at least 1");
        }
        config.mailer()?;
        config.api()?;
        config.web()?;
        config.check_mode()?;
        if config.session_hours == 0 || config.session_idle_minutes == 0 {
            bail!("session_hours and session_idle_minutes must be at least 1");
        }
        if config.database_max_connections == 0 {
            bail!("database_max_connections must be at least 1");
        }
        Ok(config)
    }

    /// The API's settings, with the system clock.
    pub fn api(&self) -> anyhow::Result<api::ApiConfig> {
        let rate = |per_hour| api::Rate { per_hour };
        Ok(api::ApiConfig {
            policy: api::authz::Policy {
                resolutions_need_supervisor: self.resolutions_need_supervisor,
                second_factor_roles: roles("RESGUARDO_SECOND_FACTOR_ROLES", &self.second_factor_roles)?,
            },
            statistics: api::StatisticsPolicy {
                threshold: self.statistics_threshold,
                exact_roles: roles("RESGUARDO_STATISTICS_EXACT_ROLES", &self.statistics_exact_roles)?,
            },
            sessions: db::SessionPolicy {
                absolute: chrono::Duration::hours(i64::from(self.session_hours)),
                idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
            },
            production: self.production(),
            request_timeout: std::time::Duration::from_secs(self.request_timeout_seconds),
            rate_limits: api::RateLimits {
                intake: rate(self.rate_intake_per_hour),
                intake_global: rate(self.rate_intake_global_per_hour),
                login: rate(self.rate_login_per_hour),
                requester: rate(self.rate_requester_per_hour),
                app: rate(self.rate_app_per_hour),
            },
            evidence: self.evidence()?,
            ..api::ApiConfig::default()
        })
    }

    /// Evidence files' limits, checked: a file no larger than a case holds,
    /// and no larger than a request held in memory should be (1 GiB).
    fn evidence(&self) -> anyhow::Result<api::EvidenceSettings> {
        let (file, case) = (self.evidence_max_file_mib, self.evidence_max_case_mib);
        if file == 0 || file > 1024 || case < file {
            bail!("RESGUARDO_EVIDENCE_MAX_FILE_MIB must be 1 to 1024 and at most RESGUARDO_EVIDENCE_MAX_CASE_MIB");
        }
        if self.evidence_max_files == 0 || self.evidence_upload_hours == 0 {
            bail!("RESGUARDO_EVIDENCE_MAX_FILES and RESGUARDO_EVIDENCE_UPLOAD_HOURS must be at least 1");
        }
        Ok(api::EvidenceSettings {
            limits: domain::evidence::EvidenceLimits {
                max_file_bytes: u64::from(file) << 20,
                max_case_bytes: u64::from(case) << 20,
                max_files_per_case: self.evidence_max_files,
            },
            upload_lifetime: chrono::Duration::hours(i64::from(self.evidence_upload_hours)),
        })
    }

    /// The transports' settings.
    pub fn web(&self) -> anyhow::Result<web::WebConfig> {
        let header = self.client_ip_header.trim();
        if !header.is_empty() && axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
            bail!("RESGUARDO_CLIENT_IP_HEADER: {header:?} is not a header name such as X-Real-IP");
        }
        Ok(web::WebConfig {
            graphiql: self.graphiql,
            batch_max: self.graphql_batch_max,
            client_ip_header: (!header.is_empty()).then(|| header.to_ascii_lowercase()),
            metrics: self.metrics,
            ws_allowed_origins: self.ws_allowed_origins()?,
            quick_exit_url: self.quick_exit_url()?,
            // A file at the limit and the form around it.
            upload_max_bytes: ((self.evidence_max_file_mib as usize) << 20) + (64 << 10),
            public_url: Some(self.public_url.trim_end_matches('/').to_owned()),
            ..web::WebConfig::default()
        })
    }

    /// The quick exit's destination, when one is set: a whole `https://`
    /// (or, in development, `http://`) address, so a typo cannot leave the
    /// page where it is.
    fn quick_exit_url(&self) -> anyhow::Result<Option<String>> {
        let url = self.quick_exit_url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let (scheme, rest) = url.split_once("://").unwrap_or(("", ""));
        let allowed = scheme == "https" || (scheme == "http" && !self.production());
        if !allowed || rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
            bail!("RESGUARDO_QUICK_EXIT_URL: expected an address such as https://www.example.org/");
        }
        Ok(Some(url.to_owned()))
    }

    /// The origins whose pages may open `/graphql/ws`: the list given, or
    /// else the web client's (the origin of `public_url`).
    fn ws_allowed_origins(&self) -> anyhow::Result<Vec<String>> {
        let given = self.ws_allowed_origins.trim();
        let list: Vec<&str> = if given.is_empty() {
            vec![origin_of(&self.public_url)]
        } else {
            given.split(',').map(str::trim).filter(|o| !o.is_empty()).collect()
        };
        for origin in &list {
            let (scheme, rest) = origin.split_once("://").unwrap_or(("", origin));
            if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
                bail!("RESGUARDO_WS_ALLOWED_ORIGINS: {origin:?} is not an origin such as https://resguardo.example.pe");
            }
        }
        Ok(list.into_iter().map(str::to_owned).collect())
    }

    /// JSON log lines (`RESGUARDO_LOG_FORMAT=json`) rather than text.
    pub fn json_logs(&self) -> anyhow::Result<bool> {
        match self.log_format.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(false),
            "json" => Ok(true),
            _ => bail!("RESGUARDO_LOG_FORMAT: expected text or json"),
        }
    }

    pub fn production(&self) -> bool {
        self.mode.trim().eq_ignore_ascii_case("production")
    }

    /// Production refuses what is only acceptable on a developer's machine,
    /// saying what to set instead. (Missing encryption keys are refused
    /// where keys are loaded.)
    fn check_mode(&self) -> anyhow::Result<()> {
        match self.mode.trim().to_ascii_lowercase().as_str() {
            "development" => return Ok(()),
            "production" => {}
            _ => bail!("RESGUARDO_MODE: expected development or production"),
        }
        if self.graphiql {
            bail!("production mode: set RESGUARDO_GRAPHIQL=false (GraphiQL is for development)");
        }
        if self.second_factor_roles.trim().is_empty() {
            bail!(
                "production mode: set RESGUARDO_SECOND_FACTOR_ROLES to the roles that must use a second factor \
                 (e.g. admin,supervisor), or to none"
            );
        }
        let local = ["localhost", "127.0.0.1", "::1"].contains(&self.smtp_host.trim());
        if !self.smtp_host.trim().is_empty() && !local && self.smtp_tls.trim().eq_ignore_ascii_case("none") {
            bail!("production mode: set RESGUARDO_SMTP_TLS=starttls or implicit (no TLS is only for a local relay)");
        }
        Ok(())
    }

    /// The mailer's settings: SMTP when a host is set, files otherwise.
    pub fn mailer(&self) -> anyhow::Result<notifier::MailerConfig> {
        let transport = if self.smtp_host.trim().is_empty() {
            notifier::Transport::Files { dir: self.mail_dir.clone().into() }
        } else {
            let tls = match self.smtp_tls.trim().to_ascii_lowercase().as_str() {
                "starttls" => notifier::Tls::StartTls,
                "implicit" | "tls" => notifier::Tls::Implicit,
                "none" => notifier::Tls::None,
                _ => bail!("RESGUARDO_SMTP_TLS: expected starttls, implicit or none"),
            };
            let credentials =
                (!self.smtp_username.is_empty()).then(|| (self.smtp_username.clone(), self.smtp_password.clone()));
            notifier::Transport::Smtp { host: self.smtp_host.trim().to_owned(), port: self.smtp_port, tls, credentials }
        };
        if self.smtp_timeout_seconds == 0 {
            bail!("RESGUARDO_SMTP_TIMEOUT_SECONDS must be at least 1");
        }
        Ok(notifier::MailerConfig {
            transport,
            from: self.mail_from.clone(),
            send_timeout: std::time::Duration::from_secs(self.smtp_timeout_seconds),
        })
    }

    /// The delivery worker's settings.
    pub fn worker(&self) -> crate::worker::WorkerConfig {
        let domain =
            self.mail_from.rsplit_once('@').map_or("resguardo.local", |(_, d)| d.trim_end_matches('>')).to_owned();
        let defaults = crate::worker::WorkerConfig::default();
        // The lease outlasts any send: three SMTP timeouts, two minutes at least.
        let timeout = chrono::Duration::seconds(i64::try_from(self.smtp_timeout_seconds).unwrap_or(i64::MAX / 4));
        crate::worker::WorkerConfig {
            public_url: self.public_url.clone(),
            mail_domain: domain,
            lease: defaults.lease.max(timeout * 3),
            ..defaults
        }
    }

    /// The database, described without credentials (for logs).
    pub fn database_description(&self) -> String {
        describe_database(&self.database_url)
    }
}

/// `admin, supervisor` → those roles; `none` or nothing → no role.
/// `https://host:port` of `https://host:port/path`.
fn origin_of(url: &str) -> &str {
    let authority = url.find("://").map_or(0, |i| i + 3);
    url[authority..].find('/').map_or(url, |i| &url[..authority + i])
}

fn roles(name: &str, text: &str) -> anyhow::Result<api::authz::RoleSet> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(api::authz::RoleSet::default());
    }
    let roles = text
        .split(',')
        .map(|role| match domain::roles::Role::parse(&role.trim().to_ascii_uppercase()) {
            Ok(domain::roles::Role::Public | domain::roles::Role::System | domain::roles::Role::Device) | Err(_) => {
                bail!("{name}: expected none or roles among officer, supervisor, coordinator, admin, auditor")
            }
            Ok(role) => Ok(role),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(api::authz::RoleSet::of(&roles))
}

/// A setting's type, and how its expected form is told to someone who
/// gave a bad value.
trait Setting: std::str::FromStr {
    const EXPECTED: &'static str;
}

impl Setting for SocketAddr {
    const EXPECTED: &'static str = "an address and port such as 127.0.0.1:8080 or [::1]:8080";
}

impl Setting for u16 {
    const EXPECTED: &'static str = "a whole number from 0 to 65535";
}

impl Setting for u32 {
    const EXPECTED: &'static str = "a whole number from 0 to 4294967295";
}

impl Setting for u64 {
    const EXPECTED: &'static str = "a whole number, 0 or more";
}

impl Setting for usize {
    const EXPECTED: &'static str = "a whole number, 0 or more";
}

/// Parses a setting that holds no secret, so its bad value may be shown
/// (shortened) beside the form expected.
fn parse<T: Setting>(name: &str, value: &str) -> anyhow::Result<T> {
    value.trim().parse().map_err(|_| {
        let shown: String = value.chars().take(60).collect();
        anyhow::anyhow!("{name}: {shown:?} is not {}", T::EXPECTED)
    })
}

fn parse_bool(name: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("{name}: expected true or false"),
    }
}

/// The database URL names a database we can open; refused with the URL
/// shown without its credentials.
fn check_database_url(url: &str) -> anyhow::Result<()> {
    let known = ["sqlite:", "postgres://", "postgresql://"].iter().any(|scheme| url.trim().starts_with(scheme));
    if !known {
        bail!(
            "RESGUARDO_DATABASE_URL: {} is not a database URL Resguardo can open; expected \
             sqlite://PATH?mode=rwc or postgres://USER:PASSWORD@HOST:5432/DATABASE",
            mask_credentials(url.trim())
        );
    }
    Ok(())
}

/// Text with the password of every `scheme://user:password@host` in it
/// replaced by `***` (driver errors may quote a connection URL).
pub fn mask_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("://") {
        let (before, after) = rest.split_at(start + 3);
        out.push_str(before);
        // The authority ends at the first '/', whitespace or quote.
        let end = after.find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"').unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
                let masked = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
                out.push_str(&masked);
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `RESGUARDO_*` names in `present` that this version does not read, each
/// with the known name it most likely meant (a misspelt setting would
/// otherwise be ignored without a word).
pub fn unknown_variables<'a>(present: impl IntoIterator<Item = &'a str>) -> Vec<(String, Option<&'static str>)> {
    present
        .into_iter()
        .filter(|name| name.starts_with("RESGUARDO_") && !VARIABLES.contains(name))
        .map(|name| {
            let closest = VARIABLES.iter().copied().min_by_key(|known| edit_distance(name, known));
            let likely = closest.filter(|known| edit_distance(name, known) <= 3);
            (name.to_owned(), likely)
        })
        .collect()
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// `postgres://user:secret@db:5432/resguardo` → `PostgreSQL at db:5432/resguardo`.
pub fn describe_database(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = rest.split('?').next().unwrap_or(rest);
        return format!("SQLite at {path}");
    }
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    let host_and_db = host_and_db.split('?').next().unwrap_or(host_and_db);
    format!("PostgreSQL at {host_and_db}")
}

/// For an SQLite URL, the database file (`None` for an in-memory one).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (path != ":memory:" && !path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// For an SQLite URL, the file's directory (created before connecting so
/// that a first run needs no setup).
pub fn sqlite_directory(url: &str) -> Option<&Path> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = Path::new(rest.split('?').next()?);
    if path.as_os_str() == ":memory:" {
        return None;
    }
    path.parent().filter(|p| !p.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn production_refuses_unsafe_settings() {
        let production = |extra: &[(&str, &str)]| {
            let mut pairs = vec![
                ("RESGUARDO_MODE", "production"),
                ("RESGUARDO_GRAPHIQL", "false"),
                ("RESGUARDO_SECOND_FACTOR_ROLES", "admin"),
            ];
            pairs.extend_from_slice(extra);
            Config::load(None, &env_of(&pairs))
        };
        assert!(production(&[]).is_ok());
        let unsaid = production(&[("RESGUARDO_SECOND_FACTOR_ROLES", " ")]).unwrap_err();
        assert!(unsaid.to_string().contains("RESGUARDO_SECOND_FACTOR_ROLES"));
        assert!(production(&[("RESGUARDO_SECOND_FACTOR_ROLES", "none")]).is_ok());
        let graphiql = Config::load(None, &env_of(&[("RESGUARDO_MODE", "production")])).unwrap_err();
        assert!(graphiql.to_string().contains("RESGUARDO_GRAPHIQL=false"));
        let plain =
            production(&[("RESGUARDO_SMTP_HOST", "smtp.example.pe"), ("RESGUARDO_SMTP_TLS", "none")]).unwrap_err();
        assert!(plain.to_string().contains("RESGUARDO_SMTP_TLS"));
        assert!(production(&[("RESGUARDO_SMTP_HOST", "127.0.0.1"), ("RESGUARDO_SMTP_TLS", "none")]).is_ok());
        assert!(Config::load(None, &env_of(&[("RESGUARDO_MODE", "staging")])).is_err());
    }

    #[test]
    fn second_factor_roles_and_rates_are_read() {
        let config = Config::load(
            None,
            &env_of(&[
                ("RESGUARDO_SECOND_FACTOR_ROLES", "Admin, supervisor"),
                ("RESGUARDO_RATE_LOGIN_PER_HOUR", "0"),
                ("RESGUARDO_CLIENT_IP_HEADER", "X-Forwarded-For"),
            ]),
        )
        .unwrap();
        let api = config.api().unwrap();
        let roles = api.policy.second_factor_roles;
        assert!(roles.contains(domain::roles::Role::Admin) && roles.contains(domain::roles::Role::Supervisor));
        assert!(!roles.contains(domain::roles::Role::Officer));
        assert_eq!(api.rate_limits.login, api::Rate::OFF);
        assert_eq!(api.rate_limits.intake, api::Rate { per_hour: 20 });
        assert_eq!(config.web().unwrap().client_ip_header.as_deref(), Some("x-forwarded-for"));
        for bad in [("RESGUARDO_SECOND_FACTOR_ROLES", "public"), ("RESGUARDO_CLIENT_IP_HEADER", "no such header")] {
            assert!(Config::load(None, &env_of(&[bad])).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn defaults_need_nothing() {
        let config = Config::load(None, &env_of(&[])).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(sqlite_directory(&config.database_url), Some(Path::new("data")));
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("resguardo-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("resguardo.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nmigrate_on_start = false\n").unwrap();
        let env = env_of(&[("RESGUARDO_LISTEN", "127.0.0.1:7000"), ("RESGUARDO_DATABASE_MAX_CONNECTIONS", "3")]);
        let config = Config::load(Some(&file), &env).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:7000");
        assert!(!config.migrate_on_start, "from the file");
        assert_eq!(config.database_max_connections, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_values_are_named() {
        let error = Config::load(None, &env_of(&[("RESGUARDO_LISTEN", "somewhere")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "RESGUARDO_LISTEN: \"somewhere\" is not an address and port such as 127.0.0.1:8080 or [::1]:8080"
        );
        let error = Config::load(None, &env_of(&[("RESGUARDO_SMTP_PORT", "70000")])).unwrap_err();
        assert_eq!(error.to_string(), "RESGUARDO_SMTP_PORT: \"70000\" is not a whole number from 0 to 65535");
        let error = Config::load(None, &env_of(&[("RESGUARDO_MIGRATE_ON_START", "maybe")])).unwrap_err();
        assert!(error.to_string().starts_with("RESGUARDO_MIGRATE_ON_START"));
        let missing = env_of(&[("RESGUARDO_CONFIG", "/nonexistent/resguardo.toml")]);
        assert!(Config::load(None, &missing).is_err());
    }

    #[test]
    fn a_mistyped_database_url_is_refused_without_its_password() {
        let error = Config::load(None, &env_of(&[("RESGUARDO_DATABASE_URL", "postgress://app:s3cret@db:5432/x")]))
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cret"), "{error}");
        assert!(error.contains("postgress://app:***@db:5432/x") && error.contains("postgres://USER"), "{error}");
        assert_eq!(
            mask_credentials("error 'postgres://a:b@h/d' and sqlite://x.db, mysql://u@h"),
            "error 'postgres://a:***@h/d' and sqlite://x.db, mysql://u@h"
        );
    }

    #[test]
    fn unknown_variables_are_named_with_what_they_likely_meant() {
        let unknown = unknown_variables(["RESGUARDO_SMPT_HOST", "RESGUARDO_LISTEN", "PATH", "RESGUARDO_COLOUR"]);
        assert_eq!(
            unknown,
            vec![
                ("RESGUARDO_SMPT_HOST".to_owned(), Some("RESGUARDO_SMTP_HOST")),
                ("RESGUARDO_COLOUR".to_owned(), None)
            ]
        );
    }

    #[test]
    fn database_descriptions_hide_credentials() {
        assert_eq!(
            describe_database("postgres://app:s3cret@db:5432/resguardo?sslmode=require"),
            "PostgreSQL at db:5432/resguardo"
        );
        assert_eq!(describe_database("sqlite://data/resguardo.db?mode=rwc"), "SQLite at data/resguardo.db");
    }

    /// `deploy/env.example` documents exactly the variables read here.
    #[test]
    fn env_example_lists_every_variable() {
        let example = include_str!("../../../deploy/env.example");
        let documented: Vec<&str> = example
            .lines()
            .map(|line| line.trim_start_matches('#').trim())
            .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
            .filter(|name| name.starts_with("RESGUARDO_"))
            .collect();
        assert_eq!(documented, VARIABLES);
    }
}
