//! `resguardo import`: the cases the DGDH kept before Resguardo, from its
//! two CSV files (docs/import.md). Every row is checked first (parsed as
//! intake parses a request, its places and codes against the reference
//! data, its acts through the workflow on their own dates); nothing is
//! written unless every case is right, or, with `--skip-invalid`, the cases
//! with a problem are left out and listed. A case imported before (the same
//! `expediente_origen`) is left as it is, so importing a file twice
//! changes nothing; one whose rows changed since is a problem.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use db::{Actor, Database, ImportSource, ImportedCase, ImportedStep};
use domain::business_day::lima_instant;
use domain::historic::csv::Table;
use domain::historic::{HistoricCase, Problem, SourceFile};
use domain::workflow::{Command, Context};
use sha2::{Digest, Sha256};

/// Cases written per transaction.
const BATCH: usize = 500;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The requests and their beneficiaries (`solicitudes`, docs/import.md).
    #[arg(long)]
    pub requests: PathBuf,
    /// The decisions and acts on them (`decisiones`).
    #[arg(long)]
    pub decisions: PathBuf,
    /// Import the valid cases and list those left out, instead of
    /// importing nothing while any row has a problem.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    /// Imported before, unchanged: left as they are.
    pub already_imported: usize,
    /// Left out (`--skip-invalid`), each with its problems.
    pub skipped: BTreeMap<String, Vec<Problem>>,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum Refusal {
    /// A file is not a CSV table.
    Unreadable(String),
    /// The database failed (nothing of the batch it was writing is kept).
    Database(db::DbError),
    /// Every problem found, in file and line order.
    Problems(Vec<Problem>),
}

/// How far an import has gone, told as it goes.
pub trait Progress {
    fn advance(&mut self, done: usize, total: usize);
}

/// A bar on standard error when it is a terminal; nothing otherwise.
pub struct TerminalBar {
    shown: bool,
}

impl TerminalBar {
    pub fn new() -> Self {
        Self { shown: std::io::stderr().is_terminal() }
    }
}

impl Default for TerminalBar {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for TerminalBar {
    fn advance(&mut self, done: usize, total: usize) {
        if !self.shown || total == 0 {
            return;
        }
        let filled = done * 30 / total;
        let bar = format!("{}{}", "#".repeat(filled), ".".repeat(30 - filled));
        let mut err = std::io::stderr();
        let _ = write!(err, "\rImportando [{bar}] {:>3} % ({done} de {total} casos)", done * 100 / total);
        if done == total {
            let _ = writeln!(err);
        }
    }
}

/// Imports the two files' text, as `actor`, at `at`.
pub async fn import(
    db: &Database,
    requests: &str,
    decisions: &str,
    skip_invalid: bool,
    actor: &Actor,
    at: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, Refusal> {
    let prepared = prepare(db, requests, decisions, skip_invalid).await?;
    write(db, prepared, actor, at, progress).await
}

/// What an import will write, every row checked.
pub struct Prepared {
    /// The cases not imported before, as they will be written.
    pub cases: Vec<ImportedCase>,
    /// What was found imported already, and what is left out.
    report: ImportReport,
}

/// Reads and checks both files (nothing written): the cases to write, or
/// every problem.
pub async fn prepare(db: &Database, requests: &str, decisions: &str, skip_invalid: bool) -> Result<Prepared, Refusal> {
    let table = |text: &str, file: SourceFile| {
        Table::parse(text).map_err(|e| Refusal::Unreadable(format!("{}: {e}", file.name())))
    };
    let (requests, decisions) = (table(requests, SourceFile::Requests)?, table(decisions, SourceFile::Decisions)?);
    let (cases, mut problems) = domain::historic::read(&requests, &decisions);
    let checked = check(db, cases, &mut problems).await.map_err(unavailable)?;

    let keys: Vec<String> = checked.iter().map(|c| c.source.key_hash.clone()).collect();
    let earlier = db.imported_fingerprints(&keys).await.map_err(unavailable)?;
    let mut report = ImportReport::default();
    let mut new = Vec::new();
    for case in checked {
        match earlier.get(&case.source.key_hash) {
            None => new.push(case),
            Some(print) if *print == case.source.fingerprint => report.already_imported += 1,
            Some(_) => problems.push(Problem {
                file: SourceFile::Requests,
                line: case.line,
                column: Some("expediente_origen"),
                source: Some(case.historic_source.clone()),
                message: "este expediente ya se importó con otro contenido: corríjalo en Resguardo".into(),
            }),
        }
    }
    problems.sort_by_key(|p| (p.file, p.line));
    if !problems.is_empty() {
        // A problem of no case (a missing column) leaves nothing to import.
        if !skip_invalid || problems.iter().any(|p| p.source.is_none()) {
            return Err(Refusal::Problems(problems));
        }
        for problem in problems {
            report.skipped.entry(problem.source.clone().unwrap_or_default()).or_default().push(problem);
        }
        new.retain(|c| !report.skipped.contains_key(&c.historic_source));
    }
    Ok(Prepared { cases: new.into_iter().map(|c| c.imported).collect(), report })
}

/// Writes what `prepare` found, in batches, telling `progress`; audits the
/// run when it wrote anything.
pub async fn write(
    db: &Database,
    prepared: Prepared,
    actor: &Actor,
    at: DateTime<Utc>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, Refusal> {
    let Prepared { cases, mut report } = prepared;
    let total = cases.len();
    progress.advance(0, total);
    for batch in cases.chunks(BATCH) {
        db.import_cases(batch, actor, at).await.map_err(unavailable)?;
        report.imported += batch.len();
        progress.advance(report.imported, total);
    }
    if report.imported > 0 {
        db.audit_import(actor, at).await.map_err(unavailable)?;
    }
    Ok(report)
}

fn unavailable(error: db::DbError) -> Refusal {
    Refusal::Database(error)
}

/// A case ready to write.
struct Checked {
    historic_source: String,
    line: usize,
    source: ImportSource,
    imported: ImportedCase,
}

/// The cases whose places and codes the reference data has and whose acts
/// the workflow takes, as they will be written; a problem for each other.
async fn check(db: &Database, cases: Vec<HistoricCase>, problems: &mut Vec<Problem>) -> db::DbResult<Vec<Checked>> {
    let mut places: BTreeSet<String> = db.departments().await?.iter().map(|d| d.code.as_str().to_owned()).collect();
    places.extend(db.provinces().await?.iter().map(|p| p.code.as_str().to_owned()));
    places.extend(db.districts().await?.iter().map(|d| d.code.as_str().to_owned()));
    let measure_types: BTreeSet<String> =
        db.measure_types().await?.into_iter().filter(|m| m.active).map(|m| m.code.to_string()).collect();
    let sectors: BTreeSet<String> =
        db.sectors().await?.into_iter().filter(|s| s.active).map(|s| s.code.to_string()).collect();
    let calendar = db.calendar().await?;
    let rules = db.deadline_rules().await?;
    let ctx = Context { calendar: &calendar, rules: &rules };

    let mut checked = Vec::with_capacity(cases.len());
    for case in cases {
        let before = problems.len();
        let problem = |file, line, column, message: &str| Problem {
            file,
            line,
            column: Some(column),
            source: Some(case.source.clone()),
            message: message.to_owned(),
        };
        if !places.contains(case.request.place().ubigeo().as_str()) {
            let message = "el lugar indicado no existe en la lista de ubigeos del INEI";
            problems.push(problem(SourceFile::Requests, case.line, "ubigeo", message));
        }
        let requested = case.request.requested_measures().iter().filter_map(|m| m.measure_type());
        if requested.into_iter().any(|t| !measure_types.contains(t.as_str())) {
            let message = "una de las medidas no está en el catálogo o no está activa";
            problems.push(problem(SourceFile::Requests, case.line, "medidas_solicitadas", message));
        }
        for step in &case.steps {
            if let Command::IssueResolution(resolution) = &step.command {
                for granted in &resolution.granted {
                    if !measure_types.contains(granted.measure_type.as_str()) {
                        let message = "el tipo de medida no está en el catálogo o no está activo";
                        problems.push(problem(SourceFile::Decisions, step.line, "tipo_medida", message));
                    }
                    if !sectors.contains(granted.sector.as_str()) {
                        let message = "el sector no existe o no está activo";
                        problems.push(problem(SourceFile::Decisions, step.line, "sector", message));
                    }
                }
            }
        }
        if problems.len() > before {
            continue;
        }
        match case.replay(&ctx).and_then(|(state, events)| ready(case, state, events)) {
            Ok(ready) => checked.push(ready),
            Err(refused) => problems.push(refused),
        }
    }
    Ok(checked)
}

/// Noon in Lima: only the day of a historic act is known.
fn noon(on: NaiveDate) -> DateTime<Utc> {
    lima_instant(on, NaiveTime::MIN + chrono::Duration::hours(12))
}

/// The case as `import_cases` writes it: its state, its history, and the
/// keys that recognise it next time.
fn ready(
    case: HistoricCase,
    state: domain::workflow::Case,
    events: Vec<domain::workflow::AuditEvent>,
) -> Result<Checked, Problem> {
    let evaluation = case.steps.iter().find_map(|s| match &s.command {
        Command::EvaluateAdmissibility(evaluation) => Some((evaluation.clone(), s.on)),
        _ => None,
    });
    let mut history = Vec::with_capacity(case.steps.len());
    for (step, event) in case.steps.iter().zip(&events) {
        // A command is plain data: it always serialises; were it not to,
        // the act is refused rather than written without its content.
        let payload = serde_json::to_value(&step.command).map_err(|_| Problem {
            file: SourceFile::Decisions,
            line: step.line,
            column: None,
            source: Some(case.source.clone()),
            message: "no se pudo registrar este acto".into(),
        })?;
        history.push(ImportedStep { on: step.on, action: event.action, measure: event.measure, payload });
    }
    let last_changed_at = noon(case.steps.last().map_or(case.received_on, |s| s.on));
    let source = ImportSource { key_hash: key_hash(&case.source), fingerprint: fingerprint(&case) };
    let imported = ImportedCase {
        request: case.request,
        channel: case.channel,
        received_at: noon(case.received_on),
        case: state,
        evaluation,
        last_changed_at,
        history,
        source: Some(source.clone()),
    };
    Ok(Checked { historic_source: case.source, line: case.line, source, imported })
}

/// What identifies a historic case among the imported ones: its
/// `expediente_origen`, in a namespace of its own (no intake key can be it).
fn key_hash(source: &str) -> String {
    hex(&Sha256::digest(format!("resguardo/historic-case/v1\0{source}").as_bytes()))
}

/// What its rows said: the same rows give the same fingerprint.
fn fingerprint(case: &HistoricCase) -> String {
    let steps: Vec<(NaiveDate, &Command)> = case.steps.iter().map(|s| (s.on, &s.command)).collect();
    let content = serde_json::json!({
        "received_on": case.received_on,
        "channel": case.channel.code(),
        "request": case.request,
        "steps": steps,
    });
    hex(&Sha256::digest(content.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `resguardo import` and prints what it did; an error when nothing
/// was imported because of problems (each one printed).
pub async fn run(db: &Database, args: &ImportArgs) -> anyhow::Result<()> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("no se pudo leer {}: {e}", path.display()))
    };
    let (requests, decisions) = (read(&args.requests)?, read(&args.decisions)?);
    let mut bar = TerminalBar::new();
    let done = import(db, &requests, &decisions, args.skip_invalid, &Actor::system(), Utc::now(), &mut bar).await;
    match done {
        Ok(report) => {
            println!(
                "importados: {}; ya importados antes: {}; omitidos: {}",
                report.imported,
                report.already_imported,
                report.skipped.len()
            );
            for (source, problems) in &report.skipped {
                println!("omitido {source}:");
                for problem in problems {
                    println!("  {problem}");
                }
            }
            Ok(())
        }
        Err(Refusal::Unreadable(why)) => anyhow::bail!("no se importó nada: {why}"),
        Err(Refusal::Database(error)) => Err(anyhow::Error::new(error)
            .context("la importación se detuvo; vuelva a ejecutarla: los casos ya importados no se repiten")),
        Err(Refusal::Problems(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            anyhow::bail!(
                "no se importó nada: {} problema(s); corríjalos o use --skip-invalid para importar los demás casos",
                problems.len()
            )
        }
    }
}
