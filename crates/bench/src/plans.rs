//! How the database runs each list the officer's console offers, on the
//! generated registry: the queues of the home page (as the console asks
//! for them), a department's work (the officer's page) and the due-soon
//! list of every department. On PostgreSQL each plan is run
//! (`EXPLAIN (ANALYZE, BUFFERS)`) and its pages read recorded: a plan that
//! reads O(page) rows reads about the same at 10⁵ and 10⁶. On SQLite the
//! plan says which index serves and whether rows are sorted.

use chrono::{Days, NaiveDate};
use db::{CaseFilter, CaseOrder, Database};
use domain::place::DepartmentCode;
use domain::workflow::{CaseStatus, Track};

use crate::generate::noon;
use crate::results::Results;

/// The page the console shows.
const PAGE: u64 = 25;

/// Every list, named as in BENCHMARKS.md.
fn lists(today: NaiveDate) -> anyhow::Result<Vec<(&'static str, CaseFilter)>> {
    let in_progress: Vec<CaseStatus> = CaseStatus::ALL.iter().copied().filter(|s| s.is_in_progress()).collect();
    let working = vec![
        CaseStatus::UnderReview,
        CaseStatus::Admitted,
        CaseStatus::RiskAssessed,
        CaseStatus::MeasuresInImplementation,
    ];
    let ucayali = DepartmentCode::parse("25").map_err(|e| anyhow::anyhow!("{e}"))?;
    let some = |statuses: &[CaseStatus]| CaseFilter { statuses: statuses.to_vec(), ..CaseFilter::default() };
    Ok(vec![
        ("overdue", CaseFilter { overdue_on: Some(today), ..some(&in_progress) }),
        (
            "due soon",
            CaseFilter { due_from: Some(today), due_before: Some(today + Days::new(7)), ..some(&in_progress) },
        ),
        ("new, unassigned", CaseFilter { unassigned: true, ..some(&[CaseStatus::Received]) }),
        ("waiting for the requester", some(&[CaseStatus::InformationRequested])),
        ("urgent", CaseFilter { track: Some(Track::Urgent), ..some(&in_progress) }),
        (
            "changed in the last 3 days",
            CaseFilter { changed_since: Some(noon(today) - chrono::Duration::days(3)), ..some(CaseStatus::ALL) },
        ),
        ("in progress, one department", CaseFilter { department: Some(ucayali), ..some(&in_progress) }),
        (
            "the officer's page (4 working states, one department)",
            CaseFilter { department: Some(ucayali), ..some(&working) },
        ),
    ])
}

/// Pages (8 KiB) a PostgreSQL plan read: the top node's buffers.
fn buffers(plan: &str) -> Option<f64> {
    let line = plan.lines().find(|l| l.trim_start().starts_with("Buffers:"))?;
    let count = |key: &str| {
        line.split(key).nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<f64>().ok())
    };
    Some(count("hit=").unwrap_or(0.0) + count("read=").unwrap_or(0.0))
}

pub(crate) async fn record(db: &Database, today: NaiveDate, results: &mut Results) -> anyhow::Result<()> {
    for (name, filter) in lists(today)? {
        let plan = db.explain_cases_page(&filter, CaseOrder::DueSoonestFirst, PAGE).await?;
        eprintln!("  plan of \"{name}\":\n{}", plan.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n"));
        match db.backend() {
            db::Backend::Postgres => {
                let read = buffers(&plan).ok_or_else(|| anyhow::anyhow!("no buffers in the plan of {name}"))?;
                results.record("plans", &format!("{name}: pages read"), "pages", read);
            }
            db::Backend::Sqlite => {
                let sorted = plan.contains("TEMP B-TREE");
                results.record("plans", &format!("{name}: sorts its rows"), "yes=1", f64::from(u8::from(sorted)));
            }
        }
    }
    Ok(())
}
