//! A calendar change's recomputation, after the change has committed: in
//! batches of cases, each its own transaction; finished by the worker when
//! cut short; never leaving a due date of the previous calendar shown as
//! current; and a preview that leaves nothing behind.

use db::{Actor, CalendarChange, Database, ImportedCase};
use domain::categories::Channel;
use domain::deadline::{DeadlineKind, DeadlineRules};
use domain::place::DepartmentCode;
use domain::roles::Role;
use domain::workflow::{Case, Command, Context, Track};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::TestApp;
use crate::fixtures::{admit, assess, at, date, request, resolution};
use crate::support::on_both_databases;

on_both_databases!(
    a_national_decree_recomputes_every_case_a_batch_at_a_time,
    a_due_date_is_never_shown_from_the_previous_calendar,
    a_preview_leaves_no_calendar_behind,
    measure_deadlines_move_with_their_measures,
);

/// The request fixture's department (Ucayali).
fn ucayali() -> DepartmentCode {
    DepartmentCode::parse("25").unwrap()
}

fn national_day(day: &str, basis: &str) -> CalendarChange {
    CalendarChange::AddNonWorkingDay { day: date(day), department: None, legal_basis: basis.into(), source: None }
}

/// `count` cases admitted on Monday 13 July 2026 (ordinary decision due
/// Friday 28 August), imported in one go.
async fn admitted_cases(db: &Database, count: usize) -> Vec<Uuid> {
    let case = received_then(db, [(Command::StartReview, "2026-07-13"), (admit(), "2026-07-13")]).await;
    db.import_cases(&vec![imported(case, "2026-07-13"); count], &Actor::system(), at("2026-07-13")).await.unwrap()
}

/// `case`, received on 13 July, for an import; its last step on `last`.
fn imported(case: Case, last: &str) -> ImportedCase {
    ImportedCase {
        request: request(),
        channel: Channel::Web,
        received_at: at("2026-07-13"),
        case,
        evaluation: None,
        last_changed_at: at(last),
        history: Vec::new(),
        source: None,
    }
}

/// A case received in Ucayali on 13 July, taken through `steps`.
async fn received_then<const N: usize>(db: &Database, steps: [(Command, &str); N]) -> Case {
    let calendar = db.calendar().await.unwrap();
    let rules = DeadlineRules::peru_default();
    let ctx = Context { calendar: &calendar, rules: &rules };
    let mut case = Case::receive(date("2026-07-13"), ucayali(), &ctx).unwrap().case;
    for (command, on) in steps {
        case = case.apply(command, date(on), &ctx).unwrap().case;
    }
    case
}

async fn decision(db: &Database, case_id: Uuid) -> domain::deadline::Deadline {
    let file = db.case_file(case_id).await.unwrap();
    file.case.deadlines.into_iter().find(|d| d.key.kind == DeadlineKind::Decision).unwrap()
}

async fn a_national_decree_recomputes_every_case_a_batch_at_a_time(db: Database) {
    // Two full batches of 250 and one more case.
    const CASES: usize = 501;
    let ids = admitted_cases(&db, CASES).await;
    assert_eq!(decision(&db, ids[0]).await.due, date("2026-08-28"));

    let before = db.statements_executed();
    let change = national_day("2026-08-03", "DS 901-2026-PCM");
    let report = db.change_calendar(change, &Actor::system(), at("2026-07-21")).await.unwrap();
    let statements = db.statements_executed() - before;
    assert_eq!((report.cases_recomputed, report.deadlines_moved, report.finished), (CASES, CASES, true));
    // A few statements per batch of 250, whatever the number of cases
    // (reading the cases, their history numbers, the staff, the keys;
    // updating cases, deadlines and measures; writing events, history,
    // messages, audit entries). SQLite, in process, updates each case and
    // each deadline on its own: two statements more per case.
    let per_case = if db.backend() == db::Backend::Sqlite { 2 } else { 0 };
    let bound = per_case * CASES as u64 + 3 * 30;
    assert!(statements <= bound, "{statements} statements for {CASES} cases");
    for id in [ids[0], ids[250], ids[CASES - 1]] {
        let moved = decision(&db, id).await;
        assert_eq!((moved.due, moved.version, moved.calendar_version), (date("2026-08-31"), 2, report.version));
        let history = db.case_events(id).await.unwrap();
        assert_eq!(history.last().unwrap().action, domain::workflow::AuditAction::DeadlinesRecomputed);
    }
    assert!(db.recomputations_under_way().await.unwrap().is_empty());
    let chain = db.verify_audit_chain().await.unwrap();
    assert!(chain.broken.is_none(), "{:?}", chain.broken);

    // Nothing is left to finish, and a second pass changes nothing.
    assert_eq!(db.finish_recomputations(at("2026-07-21")).await.unwrap(), 0);
}

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

/// What the officer's case page shows of its due dates.
async fn shown(app: &TestApp, officer: &str, case: &str) -> Value {
    let query = "query($c: ID!) { case(id: $c) { nextDueOn overdue deadlines { kind due version workingDaysLeft } } }";
    ok(app.graphql_as(Some(officer), query, json!({ "c": case })).await)["case"].clone()
}

async fn a_due_date_is_never_shown_from_the_previous_calendar(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.set_today("2026-07-21");
    let ids = admitted_cases(&app.db, 2).await;
    let case = ids[0].to_string();
    let before = shown(&app, &officer, &case).await;
    assert_eq!(before["nextDueOn"], "2026-08-28");

    // The change commits and the instance stops before recomputing.
    let change = national_day("2026-08-03", "DS 901-2026-PCM");
    app.db.commit_calendar_change(change, &Actor::system(), at("2026-07-21")).await.unwrap();
    assert_eq!(app.db.recomputations_under_way().await.unwrap(), vec![None]);
    let stored = decision(&app.db, ids[0]).await;
    assert_eq!((stored.due, stored.version), (date("2026-08-28"), 1), "still the previous calendar's, as stored");
    // Shown as the recomputation will write it, everywhere it shows.
    let during = shown(&app, &officer, &case).await;
    assert_eq!(during["nextDueOn"], "2026-08-31");
    assert_eq!(during["deadlines"][0]["due"], "2026-08-31");
    assert_eq!(during["deadlines"][0]["version"], 2);
    assert_eq!(during["deadlines"][0]["workingDaysLeft"], before["deadlines"][0]["workingDaysLeft"]);

    // The worker finishes it: the same figures, now stored.
    assert_eq!(app.db.finish_recomputations(at("2026-07-21")).await.unwrap(), 1);
    assert!(app.db.recomputations_under_way().await.unwrap().is_empty());
    let stored = decision(&app.db, ids[0]).await;
    assert_eq!((stored.due, stored.version), (date("2026-08-31"), 2));
    assert_eq!(shown(&app, &officer, &case).await, during);
}

async fn a_preview_leaves_no_calendar_behind(db: Database) {
    let ids = admitted_cases(&db, 1).await;
    // Measured, not saved: version 2 of the calendar would hold 3 August.
    let preview = db.preview_calendar_change(national_day("2026-08-03", "DS 901-2026-PCM")).await.unwrap();
    assert_eq!((preview.version, preview.cases_recomputed, preview.deadlines_moved), (2, 1, 1));
    // The real version 2 is a day decreed elsewhere, touching nothing here.
    let elsewhere = CalendarChange::AddNonWorkingDay {
        day: date("2026-08-03"),
        department: Some(DepartmentCode::parse("16").unwrap()),
        legal_basis: "Decreto regional 001-2026".into(),
        source: None,
    };
    let report = db.change_calendar(elsewhere, &Actor::system(), at("2026-07-21")).await.unwrap();
    assert_eq!((report.version, report.cases_recomputed), (2, 0));
    // A command now computes its deadline on the real version 2, not on
    // the preview's: the urgent decision skips no 3 August.
    let officer = Actor { user_id: None, role: Role::Officer, request_id: None };
    db.apply(ids[0], assess(Track::Urgent), at("2026-07-21"), &officer).await.unwrap();
    let urgent = decision(&db, ids[0]).await;
    let calendar = db.calendar().await.unwrap();
    assert_eq!(urgent.calendar_version, 2);
    assert_eq!(urgent.due, urgent.explain(&calendar, ucayali()).due);
    // 15 working days after 13 July; with 3 August off it would be the 10th.
    assert_eq!(urgent.due, date("2026-08-07"));
}

async fn measure_deadlines_move_with_their_measures(db: Database) {
    // Two measures granted on 13 July, the first notified on the 14th: its
    // acknowledgement and implementation deadlines run, the second's not yet.
    let granted = [("POLICE_PATROLS", "MININTER"), ("LEGAL_AID", "MINJUSDH")];
    let steps = [
        (Command::StartReview, "2026-07-13"),
        (admit(), "2026-07-13"),
        (assess(Track::Urgent), "2026-07-13"),
        (resolution("2026-07-13", &granted), "2026-07-13"),
        (Command::NotifyMeasure { measure: domain::workflow::MeasureNo(1) }, "2026-07-14"),
    ];
    let case = imported(received_then(&db, steps).await, "2026-07-14");
    let id = db.import_cases(&[case], &Actor::system(), at("2026-07-14")).await.unwrap()[0];
    let before = db.case_file(id).await.unwrap().case;
    let running = before.deadlines.iter().filter(|d| d.is_pending()).count();
    assert!(running >= 2, "{running} running deadlines");

    let change = national_day("2026-07-15", "DS 902-2026-PCM");
    let report = db.change_calendar(change, &Actor::system(), at("2026-07-14")).await.unwrap();
    assert_eq!((report.cases_recomputed, report.deadlines_moved), (1, running));
    let after = db.case_file(id).await.unwrap().case;
    let calendar = db.calendar().await.unwrap();
    for deadline in after.deadlines.iter().filter(|d| d.is_pending()) {
        let old = before.deadline(deadline.key).unwrap();
        assert_eq!(deadline.due, deadline.explain(&calendar, ucayali()).due, "{:?}", deadline.key);
        assert!(deadline.due > old.due, "{:?} moved", deadline.key);
        assert_eq!((deadline.version, deadline.calendar_version), (old.version + 1, report.version));
    }
    // The rows that hold the next due dates moved with them.
    let next = domain::deadline::next_due(&after.deadlines);
    assert_eq!(db.case_record(id).await.unwrap().next_due_on, next);
    let filter = db::MeasureFilter { case_id: Some(id), ..Default::default() };
    for (measure, _) in db.measures_page(&filter, None, 10).await.unwrap().items {
        let own: Vec<_> =
            after.deadlines.iter().filter(|d| d.key.measure == Some(measure.measure.no)).cloned().collect();
        assert_eq!(measure.next_due_on, domain::deadline::next_due(&own), "measure {:?}", measure.measure.no);
    }
}
