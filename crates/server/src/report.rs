//! `resguardo report`: the registry report (or the anonymised case-level
//! export) for a period, on standard output, for operators and scheduled
//! publications. Small counts are suppressed unless `--exact` is given.

use anyhow::Context;
use chrono::NaiveDate;
use db::Database;
use domain::statistics::ReportFilter;
use domain::statistics::anonymised::{anonymise, to_csv as cases_csv};
use domain::statistics::csv::to_csv;

use crate::config::Config;

/// CSV (one long-format file) or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// What to report on.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// First day of reception (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day of reception (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: NaiveDate,
    /// `csv` (one long-format file) or `json`.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Two-digit ubigeo code.
    #[arg(long)]
    pub department: Option<String>,
    /// ORDINARY or URGENT.
    #[arg(long)]
    pub track: Option<String>,
    /// A defender category code (INDIGENOUS, JOURNALIST…).
    #[arg(long)]
    pub defender_category: Option<String>,
    /// Requests with a measure for this sector, and only its measures.
    #[arg(long)]
    pub sector: Option<String>,
    /// Exact figures, small counts included: not for publication.
    #[arg(long)]
    pub exact: bool,
    /// The anonymised case-level export instead of the figures (always
    /// generalised, `--exact` or not).
    #[arg(long)]
    pub cases: bool,
}

/// The report as text to print.
pub async fn render(config: &Config, db: &Database, args: &ReportArgs, today: NaiveDate) -> anyhow::Result<String> {
    let filter = ReportFilter::checked(
        args.from,
        args.to,
        args.department.as_deref(),
        args.track.as_deref(),
        args.defender_category.as_deref(),
        args.sector.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("--{}: {}", e.field, e.message))?;
    let threshold = config.statistics_threshold;
    if args.cases {
        let rows = anonymise(db.case_records(&filter).await?, threshold);
        return match args.format {
            Format::Csv => Ok(cases_csv(&rows)),
            Format::Json => serde_json::to_string_pretty(&rows).context("JSON"),
        };
    }
    let report = db.registry_report(&filter, today).await?.publish((!args.exact).then_some(threshold));
    match args.format {
        Format::Csv => Ok(to_csv(&report)),
        Format::Json => serde_json::to_string_pretty(&report).context("JSON"),
    }
}
