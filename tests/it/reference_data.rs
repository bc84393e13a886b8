//! The migrations seed the reference data of DOMAIN.md, and the calendar
//! built from it gives the worked examples' due dates.

use db::{Actor, Database};
use domain::place::DepartmentCode;
use migrations::MigratorTrait;
use sea_orm::ConnectionTrait;

use crate::fixtures::{at, date};
use crate::support::{EmptyPostgres, on_both_databases};

on_both_databases!(
    seeds_places_sectors_and_measures,
    calendar_from_the_database_gives_the_worked_examples,
    reference_data_stays_editable,
    reference_data_is_read_once_and_again_after_an_edit
);

/// Measure types, sectors and rules come from memory once read; an admin's
/// edit is seen at once by the instance that made it.
async fn reference_data_is_read_once_and_again_after_an_edit(db: Database) {
    let first = db.measure_types().await.unwrap();
    let before = db.statements_executed();
    assert_eq!(db.measure_types().await.unwrap(), first);
    db.sectors().await.unwrap();
    db.departments().await.unwrap();
    db.deadline_rules().await.unwrap();
    db.reminder_policies().await.unwrap();
    assert_eq!(db.statements_executed(), before, "every reference read from memory");
    let police = first.iter().find(|m| m.code.as_str() == "POLICE_PROTECTION").unwrap();
    let renamed = db::MeasureType { name: "Protección policial (renombrada)".into(), ..police.clone() };
    db.save_measure_type(&renamed, &Actor::system(), at("2026-07-13")).await.unwrap();
    let after = db.measure_types().await.unwrap();
    assert!(after.iter().any(|m| m.name == "Protección policial (renombrada)"), "the edit is seen at once");
}

/// On PostgreSQL two instances (two pools, as two processes would have)
/// share the database: an edit through one reaches the other's memory
/// through `pg_notify`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_edits_reach_every_instance_on_postgres() {
    let Some(empty) = EmptyPostgres::create().await else { return };
    let one = Database::connect(&empty.url, 2).await.unwrap();
    migrations::Migrator::up(one.connection(), None).await.unwrap();
    let other = Database::connect(&empty.url, 2).await.unwrap();
    let catalogue = other.measure_types().await.unwrap();
    let before = other.statements_executed();
    other.measure_types().await.unwrap();
    assert_eq!(other.statements_executed(), before, "the other instance reads from memory");
    let police = catalogue.iter().find(|m| m.code.as_str() == "POLICE_PROTECTION").unwrap();
    let renamed = db::MeasureType { name: "Protección policial (otra instancia)".into(), ..police.clone() };
    one.save_measure_type(&renamed, &Actor::system(), at("2026-07-13")).await.unwrap();
    let mut seen = false;
    for _ in 0..100 {
        if other.measure_types().await.unwrap().iter().any(|m| m.name == renamed.name) {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "the other instance forgot its copy within 5 s");
    one.close().await.unwrap();
    other.close().await.unwrap();
    empty.drop().await;
}

async fn seeds_places_sectors_and_measures(db: Database) {
    let departments = db.departments().await.unwrap();
    assert_eq!(departments.len(), 25);
    assert_eq!((departments[1].code.as_str(), departments[1].name.as_str()), ("02", "Áncash"));
    assert_eq!(departments[24].name, "Ucayali");

    let sectors = db.sectors().await.unwrap();
    let codes: Vec<&str> = sectors.iter().map(|s| s.code.as_str()).collect();
    for expected in ["MINJUSDH", "MININTER", "MINAM", "MINCU", "MIMP", "RREE", "MINEM", "MIDAGRI", "DEVIDA"] {
        assert!(codes.contains(&expected), "{expected}");
    }

    let measures = db.measure_types().await.unwrap();
    assert_eq!(measures.len(), 13);
    let evacuation = measures.iter().find(|m| m.code.as_str() == "EVACUATION").unwrap();
    assert_eq!((evacuation.kind.as_str(), evacuation.default_sector.as_str()), ("URGENT", "MININTER"));

    let rules = db.deadline_rules().await.unwrap();
    // Seven from the start, five for reviews and re-assessments, two for
    // verifications and one for coordination agreements (issue 19).
    assert_eq!(rules.all().len(), 15);
    assert_eq!(rules.all().len(), domain::deadline::DeadlineRules::peru_default().all().len(), "as the defaults");
}

async fn calendar_from_the_database_gives_the_worked_examples(db: Database) {
    let calendar = db.calendar().await.unwrap();
    assert_eq!(calendar.rules().len(), 16);
    assert_eq!(calendar.version(), 1);
    // DOMAIN.md §4: skips 17–18 Apr, 1 May and the decreed 2 May.
    assert_eq!(calendar.add_working_days(date("2025-04-09"), 15, None), date("2025-05-06"));
    assert_eq!(calendar.add_working_days(date("2026-07-15"), 15, None), date("2026-08-11"));
    assert_eq!(calendar.add_working_days(date("2026-07-15"), 30, None), date("2026-09-01"));
    // DS 110-2024-PCM: 14–16 Nov 2024 for Lima and Callao only.
    let lima = DepartmentCode::parse("15").unwrap();
    let callao = DepartmentCode::parse("07").unwrap();
    let loreto = DepartmentCode::parse("16").unwrap();
    assert!(!calendar.is_working_day(date("2024-11-14"), Some(lima)));
    assert!(!calendar.is_working_day(date("2024-11-15"), Some(callao)));
    assert!(calendar.is_working_day(date("2024-11-14"), Some(loreto)));
    assert!(calendar.is_working_day(date("2024-11-14"), None));
    let explanation = calendar.explain_working_days(date("2024-11-13"), 1, Some(lima));
    assert_eq!(explanation.due, date("2024-11-18"));
    assert_eq!(explanation.skipped.len(), 4, "14, 15 (decree), 16 (decree, Saturday), 17 (Sunday)");
}

async fn reference_data_stays_editable(db: Database) {
    let conn = db.connection();
    conn.execute_unprepared("UPDATE sectors SET name = 'Ministerio del Interior (Mininter)' WHERE code = 'MININTER'")
        .await
        .unwrap();
    conn.execute_unprepared(
        "INSERT INTO sectors (code, name, active) VALUES ('MINEDU', 'Ministerio de Educación', TRUE)",
    )
    .await
    .unwrap();
    conn.execute_unprepared(
        "INSERT INTO non_working_days (day, department_code, legal_basis) VALUES ('2026-12-24', NULL, 'DS 000-2026-PCM')",
    )
    .await
    .unwrap();
    conn.execute_unprepared("UPDATE calendar_state SET version = version + 1").await.unwrap();

    let sectors = db.sectors().await.unwrap();
    assert_eq!(sectors.len(), 10);
    assert!(sectors.iter().any(|s| s.name == "Ministerio del Interior (Mininter)"));
    let calendar = db.calendar().await.unwrap();
    assert_eq!(calendar.version(), 2, "the cached calendar is rebuilt when the version moves");
    assert!(!calendar.is_working_day(date("2026-12-24"), None));
}
