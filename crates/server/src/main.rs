//! `resguardo`: the server and its administrative commands.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::io::IsTerminal as _;

use domain::place::DepartmentCode;
use server::config::{self, Config};
use tracing_subscriber::EnvFilter;

/// Shown after every `--help`: where the settings are.
const SETTINGS_HELP: &str = "\
Settings come from RESGUARDO_* environment variables (or a TOML file, --config); every one is listed,
with its default, in deploy/env.example. The most used:
  RESGUARDO_LISTEN          address and port to serve on (127.0.0.1:8080)
  RESGUARDO_DATABASE_URL    sqlite://data/resguardo.db?mode=rwc, or postgres://USER:PASSWORD@HOST:5432/DB
  RESGUARDO_KEY_FILE        the encryption key file (data/keys.toml), or RESGUARDO_ENCRYPTION_KEYS
  RESGUARDO_MODE            development (default) or production
  RESGUARDO_SMTP_HOST       the SMTP relay (none: e-mails are written to data/mail/)
Commands other than serve and migrate use the server's settings: run them with the same environment.";

#[derive(Parser)]
#[command(
    name = "resguardo",
    version,
    about = "Case manager for Peru's early-alert procedure for human rights defenders",
    after_help = SETTINGS_HELP
)]
struct Cli {
    /// A TOML configuration file (also RESGUARDO_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (GraphQL at /graphql, probes at /healthz and /readyz).
    Serve {
        /// Load sample accounts and cases into an empty database and print how to log in.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Working-day calendar tools.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Account administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Encryption keys: a new key, status, rotation, retirement.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Bring in the cases the DGDH kept before Resguardo, from two CSV
    /// files (docs/import.md): nothing is written unless every row is right.
    Import(server::import::ImportArgs),
    /// The registry of risk situations for a period, on standard output
    /// (small counts suppressed unless --exact).
    Report(server::report::ReportArgs),
    /// Ask the running server's probe (exit status 0 when it answers 200):
    /// a container health check where there is no curl.
    Probe {
        /// `/healthz` (the process answers) or `/readyz` (the database too).
        #[arg(long, default_value = "/readyz")]
        path: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit trail's hash chain and say where it breaks (exit status 1 if it does).
    Verify {
        /// An `ID:HASH` printed by an earlier run and kept outside the database; repeatable.
        #[arg(long = "anchor")]
        anchors: Vec<db::Anchor>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new key: print it as `id:base64` (for RESGUARDO_ENCRYPTION_KEYS) or write a new key file.
    Generate {
        /// The key's id (default: one more than the configured keys' highest, or 1).
        #[arg(long)]
        id: Option<u32>,
        /// Write a new key file here (with an access-key secret) instead of printing the key.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print a new secret for RESGUARDO_ACCESS_KEY_SECRET instead (keys in the environment).
        #[arg(long, conflicts_with_all = ["id", "file"])]
        access_key_secret: bool,
    },
    /// Show the keys and how many sealed values each one holds.
    Status,
    /// Add a new current key (key file) or take the first of RESGUARDO_ENCRYPTION_KEYS as current,
    /// record the others as superseded, and seal every value again with the current key.
    Rotate {
        /// Also seal values written before encryption existed.
        #[arg(long)]
        seal_plaintext: bool,
    },
    /// Seal again with the current key every value still sealed under an older one.
    Reseal {
        /// Also seal values written before encryption existed.
        #[arg(long)]
        seal_plaintext: bool,
    },
    /// Retire a key: refused while any value is sealed under it; removes it from the key file.
    Retire {
        /// The id of the key to retire (see `resguardo keys status`).
        #[arg(long)]
        id: u32,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print the due date of a period of working days (ISO date on the last line).
    Due {
        /// The day of the triggering act (YYYY-MM-DD); counting starts the next working day.
        #[arg(long)]
        from: NaiveDate,
        /// Number of working days.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
        days: u32,
        /// Department ubigeo code (two digits) whose regional non-working days apply.
        #[arg(long)]
        department: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator account (the first one; admins create the rest through the API).
    Create {
        /// The administrator's e-mail address, used to sign in.
        #[arg(long)]
        email: String,
        /// The name shown to other staff.
        #[arg(long)]
        name: String,
        /// Read the password from one line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Errors end the process with status 1 and one line on standard error:
/// what went wrong and why, never a backtrace (operators read these).
fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref(), &|name| std::env::var(name).ok())?;
    let filter = EnvFilter::try_new(&config.log)
        .context("RESGUARDO_LOG: expected a log filter such as info, warn or server=debug,info")?;
    // Colour only on a terminal: files and journald get plain text.
    let ansi = std::io::stderr().is_terminal();
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if config.json_logs()? {
        // One object per line; the request's span (its id, method, route)
        // is in every line logged while answering it.
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    report_unknown_variables(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve { demo } => serve(config, demo).await,
            Command::Migrate => migrate(&config).await,
            Command::Calendar { command: CalendarCommand::Due { from, days, department } } => {
                due(&config, from, days, department.as_deref()).await
            }
            Command::Audit { command: AuditCommand::Verify { anchors } } => {
                // The chain is hashes over stored rows: no keys needed.
                let db = server::open::existing(&config).await?;
                let report = db.verify_audit_chain_against(&anchors).await?;
                match report.broken {
                    None => {
                        println!("audit trail intact: {} entries, {} anchors matched", report.entries, anchors.len());
                        if let Some(head) = report.head {
                            println!("anchor for next time (keep it outside the database): {head}");
                        }
                        Ok(())
                    }
                    Some(broken) => {
                        println!(
                            "audit trail BROKEN at entry {}: {} ({} entries verified before it)",
                            broken.id, broken.reason, report.entries
                        );
                        std::process::exit(1);
                    }
                }
            }
            Command::Report(args) => {
                let (db, _, _) = server::open::existing_with_keys(&config).await?;
                let today = domain::business_day::lima_date(chrono::Utc::now());
                print!("{}", server::report::render(&config, &db, &args, today).await?);
                Ok(())
            }
            Command::Import(args) => {
                let (db, _, _) = server::open::existing_with_keys(&config).await?;
                server::import::run(&db, &args).await
            }
            Command::Probe { path } => server::probe::run(config.listen, &path),
            // A new key needs no database (and no keys yet).
            Command::Keys { command: KeysCommand::Generate { id, file, access_key_secret } } => {
                server::keys::generate(&config, id, file.as_deref(), access_key_secret)
            }
            Command::Keys { command: KeysCommand::Status } => {
                let (db, ring, source) = server::open::existing_with_keys(&config).await?;
                server::keys::status(&db, &ring, &source).await
            }
            Command::Keys { command: KeysCommand::Rotate { seal_plaintext } } => {
                let (db, ring, source) = server::open::existing_with_keys(&config).await?;
                server::keys::rotate(db, ring, &source, seal_plaintext).await
            }
            Command::Keys { command: KeysCommand::Reseal { seal_plaintext } } => {
                let (db, ring, _) = server::open::existing_with_keys(&config).await?;
                server::keys::reseal(db, ring, seal_plaintext).await
            }
            Command::Keys { command: KeysCommand::Retire { id } } => {
                let (db, ring, source) = server::open::existing_with_keys(&config).await?;
                server::keys::retire(&db, &ring, &source, id).await
            }
            Command::Admin { command: AdminCommand::Create { email, name, password_stdin } } => {
                let source = match password_stdin {
                    true => server::admin::PasswordSource::Stdin,
                    false => server::admin::PasswordSource::Prompt,
                };
                let (db, _, _) = server::open::existing_with_keys(&config).await?;
                server::admin::create(&db, &email, &name, source).await
            }
        }
    })
}

/// Misspelt settings would be ignored without a word: they are named at
/// start, with what they likely meant; production refuses to start.
fn report_unknown_variables(config: &Config) -> anyhow::Result<()> {
    let names: Vec<String> = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok()).collect();
    let unknown = config::unknown_variables(names.iter().map(String::as_str));
    for (name, likely) in &unknown {
        match likely {
            Some(known) => tracing::warn!(variable = %name, "unknown setting {name} is ignored: did you mean {known}?"),
            None => tracing::warn!(variable = %name, "unknown setting {name} is ignored (see deploy/env.example)"),
        }
    }
    if config.production() && !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|(name, _)| name.as_str()).collect();
        anyhow::bail!("production mode: unknown settings {} (see deploy/env.example)", names.join(", "));
    }
    Ok(())
}

/// A startup message: a line on standard output for people, or a log
/// event when the logs are JSON (one format for whoever reads them).
fn announce(config: &Config, message: &str) {
    if config.json_logs().unwrap_or(false) {
        tracing::info!("{message}");
    } else {
        println!("{message}");
    }
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let (db, access_key_secret) = server::open::for_serving(&config).await?;
    if demo {
        print_demo(server::demo::load(&db, &access_key_secret, chrono::Utc::now()).await?);
    } else if !db.has_users().await? {
        announce(
            &config,
            "No staff accounts yet. Create the first administrator, with the server's settings: \
             resguardo admin create --email EMAIL --name NAME (or start with serve --demo to try it out)",
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    announce(&config, &format!("Pages for defenders: http://{address}/ (request form at /solicitud)"));
    if config.graphiql {
        announce(&config, &format!("GraphiQL: http://{address}/graphiql"));
    }
    // Both the HTTP server and the worker stop on the same signal.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = if config.worker {
        let mailer = notifier::Mailer::new(&config.mailer()?).context("e-mail settings")?;
        match &config.mailer()?.transport {
            notifier::Transport::Files { dir } => announce(
                &config,
                &format!(
                    "E-mail: no SMTP server configured (RESGUARDO_SMTP_HOST); messages are written as .eml files to {}",
                    dir.display()
                ),
            ),
            notifier::Transport::Smtp { host, port, .. } => tracing::info!(%host, port, "e-mail through SMTP"),
        }
        let worker = server::worker::Worker::new(db.clone(), std::sync::Arc::new(mailer), config.worker())?;
        let interval = std::time::Duration::from_secs(config.worker_interval_seconds.max(1));
        Some(tokio::spawn(worker.run(api::Clock::system(), interval, stopped.clone())))
    } else {
        None
    };
    announce(
        &config,
        &format!("Resguardo listening on http://{address}/graphql (database: {})", config.database_description()),
    );
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    // Open WebSockets hear the same signal and close with 1001.
    // Every instance derives the same form key, so a form one drew may be
    // posted to another.
    let form_secret = web::FormSecret::new(access_key_secret.derive("web-form-token"));
    let api = api::ApiConfig { access_key_secret, ..config.api()? };
    let web = web::WebConfig { shutdown: Some(stopped), form_secret, ..config.web()? };
    let app = server::app::router(db, api, web);
    // The peer address feeds the per-client rate limits.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    if let Some(worker) = worker {
        // The worker finishes the message it is sending, then stops.
        let _ = worker.await;
    }
    tracing::info!("stopped");
    Ok(())
}

fn print_demo(summary: Option<server::demo::Summary>) {
    let Some(summary) = summary else {
        println!("Demo: the database already has accounts; nothing was loaded.");
        return;
    };
    println!("Demo data loaded. Every account's password is: {}", server::demo::PASSWORD);
    for (role, email) in &summary.accounts {
        println!("  {:<12} {email}", role.code());
    }
    println!("Cases:");
    for (file_number, state, key) in &summary.cases {
        match key {
            Some(key) => println!("  {file_number}  {state} (requester's access key: {key})"),
            None => println!("  {file_number}  {state}"),
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let applied = server::open::for_migrating(config).await?;
    println!("{applied} migration(s) applied to {}", config.database_description());
    Ok(())
}

async fn due(config: &Config, from: NaiveDate, days: u32, department: Option<&str>) -> anyhow::Result<()> {
    let department = department.map(DepartmentCode::parse).transpose().context("--department")?;
    let db = server::open::existing(config).await?;
    let explanation = db
        .calendar()
        .await?
        .checked_explain_working_days(from, days, department)
        .map_err(|error| anyhow::anyhow!("--from/--days: {error}"))?;
    for day in &explanation.skipped {
        let reasons: Vec<String> = day
            .reasons
            .iter()
            .map(|r| match r.legal_basis() {
                Some(basis) => format!("{} ({basis})", r.description()),
                None => r.description(),
            })
            .collect();
        println!("{}  no cuenta: {}", day.date, reasons.join("; "));
    }
    println!("{}", explanation.due);
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish first.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
