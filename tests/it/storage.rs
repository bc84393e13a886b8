//! The storage facade: filing requests, applying commands in one
//! transaction each, and what is recorded alongside.

use std::collections::HashSet;

use db::{Actor, Database, DbError};
use domain::categories::Channel;
use domain::deadline::{DeadlineKey, DeadlineKind, DeadlineStatus};
use domain::roles::Role;
use domain::workflow::{AuditAction, CaseStatus, Command, MeasureNo, MeasureStatus, Track, TransitionError};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::fixtures::{admit, assess, at, date, fresh_keys, request, resolution, text};
use crate::support::on_both_databases;

on_both_databases!(
    filing_a_request_records_everything_once,
    file_numbers_are_unique_under_concurrency,
    the_procedure_end_to_end,
    a_refused_command_changes_nothing,
    unknown_references_are_refused_before_anything_is_written,
    two_officers_acting_at_once_cannot_both_win,
    the_decision_clock_can_start_at_receipt,
    a_request_for_information_moves_the_stored_deadline,
);

fn officer() -> Actor {
    Actor { user_id: Some(Uuid::new_v4()), role: Role::Officer, request_id: Some("req-1".into()) }
}

async fn file(db: &Database, on: &str) -> Uuid {
    db.submit_request(&request(), Channel::Web, &fresh_keys(), at(on), &Actor::public(None)).await.unwrap().id
}

async fn filing_a_request_records_everything_once(db: Database) {
    let filed = db
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13"), &Actor::public(None))
        .await
        .unwrap();
    assert_eq!(filed.file_number, "AT-2026-000001");

    let file = db.case_file(filed.id).await.unwrap();
    assert_eq!(file.request, request(), "the request reads back exactly as filed");
    assert_eq!(file.case.status, CaseStatus::Received);
    assert_eq!(file.case.department.as_str(), "25");
    assert_eq!(file.case.received_on, date("2026-07-13"));
    assert_eq!(db.find_case_by_file_number("AT-2026-000001").await.unwrap(), filed.id);

    let audit = db.audit_trail(filed.id).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!((audit[0].action, audit[0].actor_role), (AuditAction::Received, Role::Public));

    let outbox = db.planned_notifications(filed.id).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!((outbox[0].audience.as_str(), outbox[0].topic.as_str()), ("OFFICERS", "NEW_REQUEST"));

    let events = db.case_events(filed.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, AuditAction::Received);
}

async fn file_numbers_are_unique_under_concurrency(db: Database) {
    let filings = (0..8).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            db.submit_request(&request(), Channel::Phone, &fresh_keys(), at("2026-03-02"), &Actor::public(None)).await
        })
    });
    let mut numbers = HashSet::new();
    for filing in filings.collect::<Vec<_>>() {
        numbers.insert(filing.await.unwrap().unwrap().file_number);
    }
    let expected: HashSet<String> = (1..=8).map(|n| format!("AT-2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
    // A new year starts again at 1.
    let next_year = db
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2027-01-04"), &Actor::public(None))
        .await
        .unwrap();
    assert_eq!(next_year.file_number, "AT-2027-000001");
}

async fn the_procedure_end_to_end(db: Database) {
    let id = file(&db, "2026-07-13").await;
    let officer = officer();
    for (command, on) in [
        (Command::StartReview, "2026-07-14"),
        (admit(), "2026-07-15"),
        (assess(Track::Urgent), "2026-07-16"),
        (resolution("2026-08-10", &[("POLICE_PROTECTION", "MININTER"), ("LEGAL_AID", "MINJUSDH")]), "2026-08-10"),
        (Command::NotifyMeasure { measure: MeasureNo(1) }, "2026-08-10"),
        (Command::AcknowledgeMeasure { measure: MeasureNo(1) }, "2026-08-11"),
    ] {
        db.apply(id, command, at(on), &officer).await.unwrap();
    }

    let file = db.case_file(id).await.unwrap();
    assert_eq!(file.case.status, CaseStatus::MeasuresInImplementation);
    assert_eq!(file.case.track, Some(Track::Urgent));
    let decision = file.case.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap();
    assert_eq!(decision.due, date("2026-08-11"));
    assert_eq!(decision.status, DeadlineStatus::Met { on: date("2026-08-10"), on_time: true });
    assert_eq!(file.case.measure(MeasureNo(1)).unwrap().status, MeasureStatus::Acknowledged);
    assert_eq!(file.case.measure(MeasureNo(2)).unwrap().status, MeasureStatus::Granted);
    let implementation =
        file.case.deadline(DeadlineKey::measure(DeadlineKind::MeasureImplementation, MeasureNo(1))).unwrap();
    assert_eq!(implementation.due, date("2026-08-13"), "three working days for an urgent measure");

    let changes = db.deadline_changes(id).await.unwrap();
    let decision_changes: Vec<(&str, String)> =
        changes.iter().filter(|c| c.deadline == "DECISION").map(|c| (c.change.as_str(), c.due.to_string())).collect();
    assert_eq!(
        decision_changes,
        [("SET", "2026-09-01".into()), ("MOVED", "2026-08-11".into()), ("MET", "2026-08-11".into())]
    );

    let events = db.case_events(id).await.unwrap();
    assert_eq!(events.len(), 7);
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=7).collect::<Vec<_>>());
    assert!(matches!(events[2].command, Some(Command::EvaluateAdmissibility(_))), "commands read back");

    let audit = db.audit_trail(id).await.unwrap();
    assert_eq!(audit.len(), 7);
    assert_eq!(audit[1].actor_id, officer.user_id);
    assert_eq!(audit[1].request_id.as_deref(), Some("req-1"));

    let outbox = db.planned_notifications(id).await.unwrap();
    assert!(outbox.iter().any(|n| n.topic == "MEASURE_NOTIFIED" && n.sector.as_deref() == Some("MININTER")));
    assert!(outbox.iter().any(|n| n.topic == "DEADLINE_MOVED" && n.topic_ref.as_deref() == Some("DECISION")));
}

/// Counts the rows a command could have written.
async fn footprint(db: &Database) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["case_events", "audit_events", "outbox", "deadlines", "deadline_changes", "measures"] {
        let row = db
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                db.connection().get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.push(row.try_get::<i64>("", "n").unwrap());
    }
    counts
}

async fn a_refused_command_changes_nothing(db: Database) {
    let id = file(&db, "2026-03-02").await;
    let before = (db.case_file(id).await.unwrap(), footprint(&db).await);
    let refused =
        db.apply(id, resolution("2026-03-02", &[("LEGAL_AID", "MINJUSDH")]), at("2026-03-02"), &officer()).await;
    assert!(matches!(
        refused,
        Err(DbError::Transition(TransitionError::NotAllowed { status: CaseStatus::Received, .. }))
    ));
    assert_eq!((db.case_file(id).await.unwrap(), footprint(&db).await), before);
    assert!(matches!(
        db.apply(Uuid::new_v4(), Command::StartReview, at("2026-03-02"), &officer()).await,
        Err(DbError::CaseNotFound)
    ));
}

async fn unknown_references_are_refused_before_anything_is_written(db: Database) {
    let id = file(&db, "2026-03-02").await;
    for (command, on) in
        [(Command::StartReview, "2026-03-02"), (admit(), "2026-03-02"), (assess(Track::Ordinary), "2026-03-03")]
    {
        db.apply(id, command, at(on), &officer()).await.unwrap();
    }
    let before = footprint(&db).await;
    let unknown_sector = resolution("2026-03-04", &[("LEGAL_AID", "MINSALUD")]);
    assert!(matches!(
        db.apply(id, unknown_sector, at("2026-03-04"), &officer()).await,
        Err(DbError::UnknownReference(_))
    ));
    let unknown_measure = resolution("2026-03-04", &[("JETPACK", "MININTER")]);
    assert!(matches!(
        db.apply(id, unknown_measure, at("2026-03-04"), &officer()).await,
        Err(DbError::UnknownReference(_))
    ));
    db.connection().execute_unprepared("UPDATE sectors SET active = FALSE WHERE code = 'MINAM'").await.unwrap();
    let inactive = resolution("2026-03-04", &[("ENVIRONMENTAL_SUPERVISION", "MINAM")]);
    assert!(matches!(db.apply(id, inactive, at("2026-03-04"), &officer()).await, Err(DbError::UnknownReference(_))));
    assert_eq!(footprint(&db).await, before);
    assert_eq!(db.case_file(id).await.unwrap().case.status, CaseStatus::RiskAssessed);
}

async fn two_officers_acting_at_once_cannot_both_win(db: Database) {
    let id = file(&db, "2026-03-02").await;
    let attempts: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { db.apply(id, Command::StartReview, at("2026-03-02"), &officer()).await })
        })
        .collect();
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => won += 1,
            Err(DbError::Conflict | DbError::Transition(TransitionError::NotAllowed { .. })) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(db.case_events(id).await.unwrap().len(), 2);
}

async fn the_decision_clock_can_start_at_receipt(db: Database) {
    db.connection()
        .execute_unprepared("UPDATE deadline_rules SET start_event = 'RECEIPT' WHERE kind = 'DECISION'")
        .await
        .unwrap();
    let id = file(&db, "2026-07-15").await;
    let file = db.case_file(id).await.unwrap();
    let decision = file.case.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap();
    assert_eq!(decision.due, date("2026-09-01"), "30 working days from receipt");
}

async fn a_request_for_information_moves_the_stored_deadline(db: Database) {
    let id = file(&db, "2026-03-02").await;
    for (command, on) in
        [(Command::StartReview, "2026-03-02"), (admit(), "2026-03-02"), (assess(Track::Urgent), "2026-03-03")]
    {
        db.apply(id, command, at(on), &officer()).await.unwrap();
    }
    let question = Command::RequestInformation { question: text("¿Puede precisar la ubicación?") };
    db.apply(id, question, at("2026-03-04"), &officer()).await.unwrap();
    let suspended = db.case_file(id).await.unwrap();
    assert_eq!(suspended.case.status, CaseStatus::InformationRequested);
    let answer = Command::ReceiveInformation { answer: text("En el caserío, a una hora de la capital.") };
    db.apply(id, answer, at("2026-03-11"), &Actor::public(None)).await.unwrap();
    let file = db.case_file(id).await.unwrap();
    let decision = file.case.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap();
    assert_eq!((decision.due, decision.suspended_working_days), (date("2026-03-30"), 5));
    let outbox = db.planned_notifications(id).await.unwrap();
    assert!(outbox.iter().any(|n| n.audience == "REQUESTER" && n.topic == "INFORMATION_REQUESTED"));
}
