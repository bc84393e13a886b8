//! `bench import`: how fast `resguardo import` brings in the DGDH's files
//! (docs/import.md). Each run imports the same generated files into a
//! fresh database: the whole import (read, check every row, replay every
//! act through the workflow, write), and, as its baseline in the same run,
//! writing the same prepared cases alone; their ratio is what checking
//! costs on top of writing.

use std::time::Instant;

use db::Actor;
use server::import::{Progress, prepare, write};

use crate::fresh::Fresh;
use crate::results::Results;

/// Says nothing: the figures are printed at the end.
struct Quiet;

impl Progress for Quiet {
    fn advance(&mut self, _: usize, _: usize) {}
}

/// `cases` requests received in April 2021 with two people each (two
/// rows), admitted, half assessed, a quarter resolved with a measure
/// notified: `3 × cases` rows of `solicitudes` and `decisiones` together
/// and a little more.
pub(crate) fn files(cases: usize) -> (String, String) {
    let (requests, decisions): (Vec<_>, Vec<_>) = (0..cases).map(case_rows).unzip();
    let request_header: Vec<&str> = domain::historic::REQUEST_COLUMNS.iter().map(|(c, _)| *c).collect();
    let decision_header: Vec<&str> = domain::historic::DECISION_COLUMNS.iter().map(|(c, _)| *c).collect();
    (
        format!("{}\n{}", request_header.join(","), requests.join("\n")),
        format!("{}\n{}", decision_header.join(","), decisions.join("\n")),
    )
}

fn case_rows(n: usize) -> (String, String) {
    let source = format!("DGDH-AT-2021-{n:06}");
    let requests = format!(
        "{source},2021-04-05,PHONE,250101,Comunidad {n},INDIGENOUS,THREAT|HARASSMENT,ILLEGAL_LOGGING,SPANISH,no,,,\
         \"Amenazas reiteradas, caso {n}\",POLICE_PROTECTION,,,,,+51 999 111 222,Persona {n},,DNI,{:08},FEMALE\n\
         {source},,,,,,,,,,,,,,,,,,,Comunidad Nativa {n},INDIGENOUS_COMMUNITY,,,",
        10_000_000 + n
    );
    let mut decisions = vec![format!("{source},2021-04-07,ADMISION,,,,,,,,")];
    if n.is_multiple_of(2) {
        decisions.push(format!("{source},2021-04-08,EVALUACION_RIESGO,ORDINARY,HIGH,,,,,,"));
    }
    if n.is_multiple_of(4) {
        decisions.push(format!("{source},2021-05-10,RESOLUCION,,,RD {n}-2021-JUS/DGDH,POLICE_PROTECTION,MININTER,,,"));
        decisions.push(format!("{source},2021-05-11,NOTIFICACION,,,,,,1,,"));
    }
    (requests, decisions.join("\n"))
}

pub(crate) async fn run(
    database_url: Option<&str>,
    cases: usize,
    runs: usize,
    results: &mut Results,
) -> anyhow::Result<()> {
    let (requests, decisions) = files(cases);
    let rows = requests.lines().count() + decisions.lines().count() - 2;
    eprintln!("import: {cases} cases, {rows} rows, {runs} run(s)…");
    let actor = Actor::system();
    for _ in 0..runs {
        let fresh = Fresh::create(database_url).await?;
        let db = fresh.database();
        let started = Instant::now();
        let prepared = prepare(db, &requests, &decisions, false).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let checked = started.elapsed();
        let report =
            write(db, prepared, &actor, chrono::Utc::now(), &mut Quiet).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let whole = started.elapsed();
        anyhow::ensure!(report.imported == cases, "imported {} of {cases}", report.imported);
        let written = whole - checked;
        results.record(
            "import",
            "whole import (read, check, replay, write): rows/s",
            "rows/s",
            rows as f64 / whole.as_secs_f64(),
        );
        results.record("import", "baseline, writing alone: rows/s", "rows/s", rows as f64 / written.as_secs_f64());
        results.record("import", "whole import / writing alone", "×", whole.as_secs_f64() / written.as_secs_f64());
        results.record("import", "whole import: time", "s", whole.as_secs_f64());
        fresh.drop().await?;
    }
    Ok(())
}
