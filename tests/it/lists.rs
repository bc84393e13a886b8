//! Work lists over GraphQL: cursor pages in a stable order, filters, and a
//! constant number of SQL statements per page whatever its size.

use std::collections::HashSet;

use db::{Actor, Database};
use domain::categories::Channel;
use domain::roles::Role;
use domain::workflow::{Command, MeasureNo, Track};
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::fixtures::{admit, assess, at, fresh_keys, request, resolution};
use crate::support::on_both_databases;

on_both_databases!(
    a_page_costs_the_same_statements_whatever_its_size,
    a_page_read_is_one_audit_entry_naming_every_case,
    concurrent_reads_keep_the_audit_chain_whole,
    pages_cover_every_case_once_in_order,
    filters_narrow_the_list,
    measures_and_deadlines_read_together_are_those_read_alone
);

const PAGE: &str = "query($first: Int!, $after: String, $order: CaseOrderBy!, $filter: CaseFilterInput) {
    cases(first: $first, after: $after, orderBy: $order, filter: $filter) {
        pageInfo { hasNextPage endCursor }
        edges { node {
            id fileNumber status nextDueOn overdue
            assignedOfficer { displayName }
            request { beneficiaries { name } place { ubigeo } }
            measures { measureTypeName sector status deadlines { kind due } }
            deadlines { kind due status }
        } }
    }
}";

/// Files `count` cases on consecutive days; every third one goes as far as
/// measures notified to MININTER and MINJUSDH.
async fn seed(db: &Database, count: usize) {
    let officer = Actor { user_id: None, role: Role::Officer, request_id: None };
    for i in 0..count {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + chrono::Days::new(i as u64);
        let on = day.to_string();
        let id =
            db.submit_request(&request(), Channel::Web, &fresh_keys(), at(&on), &Actor::public(None)).await.unwrap().id;
        if i % 3 == 0 {
            for command in [
                Command::StartReview,
                admit(),
                assess(Track::Urgent),
                resolution(&on, &[("POLICE_PATROLS", "MININTER"), ("LEGAL_AID", "MINJUSDH")]),
                Command::NotifyMeasure { measure: MeasureNo(1) },
                Command::NotifyMeasure { measure: MeasureNo(2) },
            ] {
                db.apply(id, command, at(&on), &officer).await.unwrap();
            }
        }
    }
}

async fn page(app: &TestApp, token: &str, first: usize, after: Option<&str>, order: &str, filter: Value) -> Value {
    let variables = json!({ "first": first, "after": after, "order": order, "filter": filter });
    let body = app.graphql_as(Some(token), PAGE, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["cases"].clone()
}

async fn a_page_costs_the_same_statements_whatever_its_size(db: Database) {
    seed(&db, 60).await;
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    // The first page also reads the reference data into memory.
    page(&app, &officer, 1, None, "DUE_ASC", json!({})).await;
    let mut costs = Vec::new();
    for size in [5, 50] {
        let before = db.statements_executed();
        let cases = page(&app, &officer, size, None, "DUE_ASC", json!({})).await;
        costs.push(db.statements_executed() - before);
        assert_eq!(cases["edges"].as_array().unwrap().len(), size);
    }
    assert_eq!(costs[0], costs[1], "statements for a page of 5 and of 50: {costs:?}");
    // The session with its account; the page; its measures and deadlines
    // together; the audit entry of the names read. The measure types'
    // names come from memory. SQLite's audit append is four statements in
    // a transaction (the chain's head read, the entry, the cases it names,
    // the head moved) where PostgreSQL's is one: in process, no round trip.
    let most = match db.backend() {
        db::Backend::Postgres => 4,
        db::Backend::Sqlite => 7,
    };
    assert!(costs[1] <= most, "a page of 50 with nested lists took {} statements", costs[1]);
}

/// The names on a page of 7 cases: one audit entry, which names every case
/// (the hash covers them), found by the auditor under each of them.
async fn a_page_read_is_one_audit_entry_naming_every_case(db: Database) {
    seed(&db, 7).await;
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let auditor = app.staff(Role::Auditor, "auditoria@dgdh.gob.pe", None).await;
    let before = db.verify_audit_chain().await.unwrap().entries;
    let cases = page(&app, &officer, 7, None, "DUE_ASC", json!({})).await;
    assert_eq!(db.verify_audit_chain().await.unwrap().entries, before + 1, "one entry for the page");
    let ids: HashSet<String> =
        cases["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 7);
    let trail = "query($c: ID) { auditTrail(first: 100, filter: { caseId: $c }) {
        totalCount edges { node { action actorRole caseId casesRead fields } } } }";
    let mut reads = Vec::new();
    for id in &ids {
        let body = app.graphql_as(Some(&auditor), trail, json!({ "c": id })).await;
        assert!(body["errors"].is_null(), "{body}");
        let entries = body["data"]["auditTrail"]["edges"].as_array().unwrap().clone();
        let read: Vec<&Value> = entries.iter().filter(|e| e["node"]["action"] == "SENSITIVE_READ").collect();
        assert_eq!(read.len(), 1, "the page's read, found under {id}");
        assert_eq!(body["data"]["auditTrail"]["totalCount"], entries.len(), "the count agrees with the list");
        reads.push(read[0]["node"].clone());
    }
    let entry = &reads[0];
    assert!(reads.iter().all(|r| r == entry), "the same entry under every case");
    assert!(entry["caseId"].is_null() && entry["actorRole"] == "OFFICER");
    let named: HashSet<String> =
        entry["casesRead"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(named, ids, "it names every case of the page");
    let lines: Vec<&str> = entry["fields"].as_str().unwrap().lines().collect();
    assert_eq!(lines.len(), 7, "a line per case: {lines:?}");
    assert!(lines.iter().all(|l| l.contains(" request:beneficiaries")), "{lines:?}");
    // A case alone: its own entry, as before.
    let one = "query($c: ID!) { case(id: $c) { request { beneficiaries { name } } } }";
    let first = ids.iter().next().unwrap();
    app.graphql_as(Some(&officer), one, json!({ "c": first })).await;
    let body = app.graphql_as(Some(&auditor), trail, json!({ "c": first })).await;
    let last = body["data"]["auditTrail"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
    assert_eq!((last["caseId"].as_str(), last["casesRead"].clone()), (Some(first.as_str()), json!([])));
    assert_eq!(db.verify_audit_chain().await.unwrap().broken, None);
}

/// Sixteen readers at once, each a page: sixteen entries, chained in some
/// order, none lost or forked.
async fn concurrent_reads_keep_the_audit_chain_whole(db: Database) {
    seed(&db, 6).await;
    let app = std::sync::Arc::new(TestApp::spawn(db.clone()).await);
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let before = db.verify_audit_chain().await.unwrap().entries;
    let mut readers = Vec::new();
    for _ in 0..16 {
        let (app, officer) = (std::sync::Arc::clone(&app), officer.clone());
        readers.push(tokio::spawn(async move { page(&app, &officer, 6, None, "DUE_ASC", json!({})).await }));
    }
    for reader in readers {
        assert_eq!(reader.await.unwrap()["edges"].as_array().unwrap().len(), 6);
    }
    let report = db.verify_audit_chain().await.unwrap();
    assert_eq!((report.entries, report.broken), (before + 16, None));
}

async fn pages_cover_every_case_once_in_order(db: Database) {
    seed(&db, 23).await;
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    for order in ["RECEIVED_DESC", "DUE_ASC"] {
        let (mut seen, mut keys, mut after) = (HashSet::new(), Vec::new(), None::<String>);
        loop {
            let cases = page(&app, &officer, 7, after.as_deref(), order, json!({})).await;
            for edge in cases["edges"].as_array().unwrap() {
                assert!(seen.insert(edge["node"]["id"].as_str().unwrap().to_owned()), "a case appeared twice");
                keys.push((
                    edge["node"]["nextDueOn"].as_str().map(str::to_owned),
                    edge["node"]["fileNumber"].as_str().unwrap().to_owned(),
                ));
            }
            if cases["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = cases["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        assert_eq!(seen.len(), 23, "{order}");
        let numbers: Vec<&String> = keys.iter().map(|(_, n)| n).collect();
        if order == "RECEIVED_DESC" {
            let mut sorted = numbers.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(numbers, sorted, "newest first");
        } else {
            // Cases with a running deadline first, earliest due first.
            let dues: Vec<&Option<String>> = keys.iter().map(|(d, _)| d).collect();
            let with_due = dues.iter().take_while(|d| d.is_some()).count();
            assert_eq!(with_due, 8, "one case in three has measures running");
            assert!(dues[..with_due].windows(2).all(|w| w[0] <= w[1]), "earliest due first");
            assert!(dues[with_due..].iter().all(|d| d.is_none()));
        }
    }
    let tampered =
        app.graphql_as(Some(&officer), PAGE, json!({ "first": 5, "after": "not-a-cursor", "order": "DUE_ASC" })).await;
    assert_eq!(tampered["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{tampered}");
    let too_big = app.graphql_as(Some(&officer), PAGE, json!({ "first": 1000, "order": "DUE_ASC" })).await;
    assert_eq!(too_big["errors"][0]["extensions"]["field"], "first");
}

async fn filters_narrow_the_list(db: Database) {
    seed(&db, 12).await;
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let count = |cases: Value| cases["edges"].as_array().unwrap().len();
    let all = json!({});
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", all).await), 12);
    let running = json!({ "statuses": ["MEASURES_IN_IMPLEMENTATION"] });
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", running).await), 4);
    let received = json!({ "statuses": ["RECEIVED"], "department": "25", "track": null });
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", received).await), 8);
    let sector = json!({ "sector": "MINJUSDH" });
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", sector).await), 4);
    let urgent = json!({ "track": "URGENT" });
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", urgent).await), 4);
    let elsewhere = json!({ "department": "15" });
    assert_eq!(count(page(&app, &officer, 50, None, "DUE_ASC", elsewhere).await), 0);

    // Cases seeded 2 March onwards; urgent acknowledgements are due the next
    // working day, so by mid-April all four are overdue.
    app.set_today("2026-04-15");
    let overdue = page(&app, &officer, 50, None, "DUE_ASC", json!({ "overdue": true })).await;
    assert_eq!(count(overdue.clone()), 4);
    assert!(overdue["edges"].as_array().unwrap().iter().all(|e| e["node"]["overdue"] == true));
    let due_before = page(&app, &officer, 50, None, "DUE_ASC", json!({ "dueBefore": "2026-03-05" })).await;
    assert_eq!(count(due_before), 1, "only the case notified on 2 March");
}

/// The page's one statement for both nested lists (a union read by
/// position) finds what each list's own statement finds.
async fn measures_and_deadlines_read_together_are_those_read_alone(db: Database) {
    seed(&db, 7).await;
    let page = db.cases_page(&Default::default(), Default::default(), None, 50).await.unwrap();
    let ids: Vec<uuid::Uuid> = page.items.iter().map(|(case, _)| case.id).collect();
    let together = db.measures_and_deadlines_by_case(&ids).await.unwrap();
    let measures = db.measures_by_case(&ids).await.unwrap();
    let deadlines = db.deadlines_by_case(&ids).await.unwrap();
    assert_eq!(measures.values().map(Vec::len).sum::<usize>(), 6, "two measures in each of three cases");
    assert!(deadlines.values().map(Vec::len).sum::<usize>() > 7, "{deadlines:?}");
    assert_eq!(together.measures, measures);
    assert_eq!(together.deadlines, deadlines);
}
