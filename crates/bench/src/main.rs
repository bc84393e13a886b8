//! Resguardo's benchmarks. Each prints its figures (medians, p99,
//! throughput) and ratios against a baseline measured in the same run: this
//! machine is shared and noisy, so only same-run ratios compare.
//!
//! `cargo run --release -p bench -- intake-cost [--database-url URL] [--requests N]`
//!
//! Without a URL the database is a fresh SQLite file; with a PostgreSQL URL
//! a fresh database is created on that server and dropped afterwards.

mod fresh;
mod intake_cost;
mod sample;
mod stats;

use anyhow::{Context, bail};

#[derive(Debug)]
struct Args {
    command: String,
    database_url: Option<String>,
    requests: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut args = std::env::args().skip(1);
    let command = args.next().context("usage: bench intake-cost [--database-url URL] [--requests N]")?;
    let mut parsed = Args { command, database_url: None, requests: 300 };
    while let Some(flag) = args.next() {
        let value = args.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--database-url" => parsed.database_url = Some(value),
            "--requests" => parsed.requests = value.parse().context("--requests: a number")?,
            _ => bail!("unknown option {flag}"),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    match args.command.as_str() {
        "intake-cost" => {
            let db = fresh::Fresh::create(args.database_url.as_deref()).await?;
            let outcome = intake_cost::run(db.database(), args.requests).await;
            db.drop().await?;
            outcome
        }
        other => bail!("unknown benchmark {other}; known: intake-cost"),
    }
}
