//! Deadlines at scale: one reminder-planning pass over a database where
//! every request waits for its decision and about a hundred are past due
//! (it must cost what the due ones cost, not what all of them do: the
//! baseline is the same pass over the due ones alone); recomputing every
//! running deadline after a decreed non-working day; and
//! `add_working_days` per call against counting day by day.

use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate};
use db::{Actor, CalendarChange, Database};
use domain::calendar::Calendar;
use domain::place::DepartmentCode;

use crate::fresh::Fresh;
use crate::generate::{Profile, generate, noon};
use crate::results::{Results, percentile_ms};

/// Past-due requests in both databases.
const OVERDUE: usize = 100;

pub(crate) async fn run(
    db: &Database,
    database_url: Option<&str>,
    today: NaiveDate,
    runs: usize,
    results: &mut Results,
) -> anyhow::Result<()> {
    // The baseline: the due requests and nothing else.
    let small = Fresh::create(database_url).await?;
    generate(small.database(), OVERDUE, Profile::OpenDeadlines { overdue: OVERDUE }, today).await?;
    let now = noon(today);
    for run in 0..runs {
        // Later runs find everything planned already: planning is
        // idempotent, so they measure the pass itself.
        let started = Instant::now();
        let planned = db.plan_overdue_reminders(now).await?;
        let large = started.elapsed().as_secs_f64() * 1e3;
        let started = Instant::now();
        small.database().plan_overdue_reminders(now).await?;
        let baseline = started.elapsed().as_secs_f64() * 1e3;
        if run == 0 {
            eprintln!("  first pass planned {planned} reminders");
        }
        results.record("deadlines", "reminder pass, all open deadlines", "ms", large);
        results.record("deadlines", "reminder pass, the due ones alone (baseline)", "ms", baseline);
        results.record("deadlines", "ratio all / due alone", "×", large / baseline);
    }
    small.drop().await?;

    // A regional non-working day three days ahead, decreed for Madre de
    // Dios (about 4 % of the requests): every running deadline there moves.
    // Removing it moves them back. (A national decree touches every
    // running deadline; the cost per deadline is the same.) Meanwhile a
    // writer files a request after another: its latency, against the same
    // writer with nothing else running, says whether writers wait.
    let day = today + Days::new(3);
    let department = Some(DepartmentCode::parse("17").map_err(|e| anyhow::anyhow!("{e}"))?);
    let alone = crate::intake_cost::writer_latencies(db, Duration::from_secs(3)).await?;
    record_writer(results, "a writer alone (baseline)", &alone);
    for _ in 0..runs {
        let add = CalendarChange::AddNonWorkingDay {
            day,
            department,
            legal_basis: "Decreto regional 000-2026 (prueba de carga)".into(),
            source: None,
        };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let writer = tokio::spawn(crate::intake_cost::writer_until(db.clone(), stopped));
        let started = Instant::now();
        let report = db.change_calendar(add, &Actor::system(), noon(today)).await?;
        let took = started.elapsed().as_secs_f64();
        stop.send(true)?;
        let beside = writer.await??;
        let moved = report.deadlines_moved as f64;
        results.record("deadlines", "recompute after a regional decreed day: time", "s", took);
        results.record("deadlines", "recompute after a regional decreed day: deadlines moved", "deadlines", moved);
        results.record("deadlines", "recompute: time per moved deadline", "µs", took * 1e6 / moved.max(1.0));
        record_writer(results, "a writer beside the recompute", &beside);
        let id = db.non_working_days().await?.into_iter().find(|d| d.first_day == day).map(|d| d.id);
        if let Some(id) = id {
            db.change_calendar(CalendarChange::RemoveNonWorkingDay { id }, &Actor::system(), noon(today)).await?;
        }
    }

    let calendar = db.calendar().await?;
    for _ in 0..runs {
        let (fast, naive) = add_working_days(&calendar, today);
        results.record("deadlines", "add_working_days(30) per call", "ns", fast);
        results.record("deadlines", "counting day by day (baseline) per call", "ns", naive);
        results.record("deadlines", "ratio add_working_days / day by day", "×", fast / naive);
    }
    Ok(())
}

/// A writer's intake latencies (median, p99, worst), in ms.
fn record_writer(results: &mut Results, label: &str, latencies: &[Duration]) {
    let mut samples = latencies.to_vec();
    for (name, p) in [("p50", 50.0), ("p99", 99.0), ("max", 100.0)] {
        results.record("deadlines", &format!("{label}: intake {name}"), "ms", percentile_ms(&mut samples, p));
    }
}

/// Nanoseconds per call of `add_working_days(from, 30)` and of the naive
/// loop over `is_working_day`, from 10 000 different days.
fn add_working_days(calendar: &Calendar, today: NaiveDate) -> (f64, f64) {
    const CALLS: u64 = 10_000;
    let days: Vec<NaiveDate> = (0..CALLS).map(|n| today - Days::new(n % 3000)).collect();
    let started = Instant::now();
    let mut sink = 0u64;
    for day in &days {
        sink = sink.wrapping_add(u64::from(calendar.add_working_days(*day, 30, None).ordinal()));
    }
    let fast = started.elapsed().as_secs_f64() * 1e9 / CALLS as f64;
    let started = Instant::now();
    for day in &days {
        let (mut current, mut left) = (*day, 30);
        while left > 0 {
            current = current.succ_opt().unwrap_or(current);
            if calendar.is_working_day(current, None) {
                left -= 1;
            }
        }
        sink = sink.wrapping_add(u64::from(current.ordinal()));
    }
    let naive = started.elapsed().as_secs_f64() * 1e9 / CALLS as f64;
    std::hint::black_box(sink);
    (fast, naive)
}
