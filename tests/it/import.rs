//! Bulk import: cases that went through the procedure elsewhere (or in a
//! benchmark's generator) read exactly like cases filed one by one, take
//! their file numbers from the same counters, and chain into the audit
//! trail.

use db::{Actor, Database, ImportedCase};
use domain::categories::Channel;
use domain::deadline::DeadlineRules;
use domain::place::DepartmentCode;
use domain::workflow::{Case, CaseStatus, Command, Context, MeasureNo, Track};

use crate::fixtures::{admit, assess, at, date, fresh_keys, request, resolution};
use crate::support::on_both_databases;

on_both_databases!(imported_cases_read_like_filed_ones);

async fn imported_cases_read_like_filed_ones(db: Database) {
    let public = Actor::public(None);
    let first = db.submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-03-02"), &public).await.unwrap();
    assert_eq!(first.file_number, "AT-2026-000001");

    let calendar = db.calendar().await.unwrap();
    let rules = DeadlineRules::peru_default();
    let ctx = Context { calendar: &calendar, rules: &rules };
    let mut case = Case::receive(date("2026-03-02"), DepartmentCode::parse("25").unwrap(), &ctx).unwrap().case;
    let admission = admit();
    let evaluation = match &admission {
        Command::EvaluateAdmissibility(evaluation) => evaluation.clone(),
        _ => unreachable!(),
    };
    for (command, on) in [
        (Command::StartReview, "2026-03-02"),
        (admission, "2026-03-03"),
        (assess(Track::Urgent), "2026-03-04"),
        (resolution("2026-03-09", &[("POLICE_PATROLS", "MININTER"), ("LEGAL_AID", "MINJUSDH")]), "2026-03-09"),
        (Command::NotifyMeasure { measure: MeasureNo(1) }, "2026-03-10"),
    ] {
        case = case.apply(command, date(on), &ctx).unwrap().case;
    }
    let resolved = ImportedCase {
        request: request(),
        channel: Channel::Phone,
        received_at: at("2026-03-02"),
        case: case.clone(),
        evaluation: Some((evaluation, date("2026-03-03"))),
        last_changed_at: at("2026-03-10"),
        history: Vec::new(),
        source: None,
    };
    let fresh = ImportedCase {
        case: Case::receive(date("2025-12-30"), DepartmentCode::parse("25").unwrap(), &ctx).unwrap().case,
        received_at: at("2025-12-30"),
        evaluation: None,
        last_changed_at: at("2025-12-30"),
        history: Vec::new(),
        source: None,
        ..resolved.clone()
    };
    let ids = db.import_cases(&[resolved, fresh], &Actor::system(), at("2026-03-11")).await.unwrap();

    let file = db.case_file(ids[0]).await.unwrap();
    assert_eq!(file.file_number, "AT-2026-000002");
    // Deadlines read back in their keys' order (reviews, set at the
    // resolution, come after the notification's deadlines).
    let mut written = case.clone();
    written.deadlines.sort_by_key(|d| d.key);
    assert_eq!(file.case, written, "the state, measures and deadlines read back as written");
    assert_eq!(file.case.status, CaseStatus::MeasuresInImplementation);
    assert_eq!(file.request, request());
    assert_eq!(db.case_file(ids[1]).await.unwrap().file_number, "AT-2025-000001");
    let next = db.submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-03-12"), &public).await.unwrap();
    assert_eq!(next.file_number, "AT-2026-000003", "the counters moved on");

    let report = db.verify_audit_chain().await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.entries, 4, "two filings and two imports");
    let filter =
        domain::statistics::ReportFilter::checked(date("2026-03-01"), date("2026-03-31"), None, None, None, None)
            .unwrap();
    let published = db.registry_report(&filter, date("2026-03-31")).await.unwrap().publish(None);
    let summary = &published.tables[0].rows;
    assert_eq!(summary[0].figures[0], domain::statistics::Figure::Count(3), "received in March");
    assert_eq!(summary[2].figures[0], domain::statistics::Figure::Count(1), "activated");
}
