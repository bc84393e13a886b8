//! Deadlines and e-mail against a real SMTP server, on both databases: a
//! case followed day by day with every message checked, an SMTP server down
//! then back, a 451 then 250, two workers racing, a calendar change and a
//! suspension moving a due date.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use db::{Actor, CalendarChange, Database, DeliveryKind, DeliveryStatus, NewUser};
use domain::categories::Channel;
use domain::place::DepartmentCode;
use domain::request::{
    BeneficiaryInput, ConsentInput, ContactInput, PlaceInput, Request, RequestInput, RequestedMeasureInput,
};
use domain::roles::Role;
use domain::workflow::{Command, Track};
use server::worker::{Pass, Worker, WorkerConfig};
use uuid::Uuid;

use crate::fixtures::{admit, fresh_keys, resolution, text};
use crate::smtp::{Received, SmtpServer};
use crate::support::on_both_databases;

on_both_databases!(
    a_case_followed_day_by_day,
    smtp_down_then_back_delivers_everything_once,
    a_transient_refusal_is_retried,
    a_permanent_refusal_is_dead_lettered,
    two_workers_racing_send_each_message_once,
    a_calendar_change_moves_the_due_date_and_its_reminders,
    a_recomputation_cut_short_sends_nothing_of_the_previous_calendar,
    a_request_for_information_stops_the_reminders,
    two_workers_on_a_slow_relay_send_each_message_once,
    a_hanging_relay_holds_up_neither_announcements_nor_the_pass,
    the_overdue_pass_costs_the_same_statements_for_3_or_30_cases,
);

/// Words planted in the case that must never appear in an e-mail.
const CANARIES: [&str; 5] = ["CANARIO-NOMBRE", "CANARIO-LUGAR", "CANARIO-HECHOS", "CANARIO-RIESGO", "CANARIO-DETALLE"];

struct Office {
    officer: Uuid,
    officer_actor: Actor,
}

async fn office(db: &Database) -> Office {
    let mut officer = None;
    for (role, email, sector, lead) in [
        (Role::Officer, "oficial@dgdh.gob.pe", None, false),
        (Role::Supervisor, "supervisora@dgdh.gob.pe", None, false),
        (Role::Coordinator, "lider@mininter.gob.pe", Some("MININTER"), true),
        (Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER"), false),
    ] {
        let user = db
            .create_user(
                NewUser {
                    email: email.into(),
                    display_name: role.label().into(),
                    role,
                    sector: sector.map(|s| domain::codes::RefCode::parse(s).unwrap()),
                    lead_coordinator: lead,
                    password_hash: "no se usa".into(),
                },
                &Actor::system(),
                at("2026-07-01", "08:00"),
            )
            .await
            .unwrap();
        if role == Role::Officer {
            officer = Some(user.id);
        }
    }
    let officer = officer.unwrap();
    Office { officer, officer_actor: Actor { user_id: Some(officer), role: Role::Officer, request_id: None } }
}

/// The instant it is `time` in Lima on `date`.
pub(crate) fn at(date: &str, time: &str) -> DateTime<Utc> {
    let date: NaiveDate = date.parse().unwrap();
    domain::business_day::lima_instant(date, chrono::NaiveTime::parse_from_str(time, "%H:%M").unwrap())
}

fn request() -> Request {
    Request::parse(RequestInput {
        contact: ContactInput { email: Some("solicitante@example.pe".into()), ..Default::default() },
        beneficiaries: vec![BeneficiaryInput { name: "CANARIO-NOMBRE Quispe".into(), ..Default::default() }],
        place: PlaceInput { ubigeo: "250101".into(), detail: Some("CANARIO-LUGAR junto al río".into()) },
        defender_category: Some(domain::categories::DefenderCategory::Environmental),
        aggression_types: vec![domain::categories::AggressionType::Threat],
        language: Some(domain::categories::Language::Spanish),
        consent: ConsentInput::default(),
        facts: "CANARIO-HECHOS: amenazas de muerte.".into(),
        requested_measures: vec![RequestedMeasureInput {
            measure_type: Some("POLICE_PROTECTION".into()),
            description: None,
        }],
        ..Default::default()
    })
    .unwrap()
}

pub(crate) fn worker(db: &Database, smtp: &SmtpServer) -> Worker {
    worker_sending(db, smtp, WorkerConfig::default().concurrency)
}

/// A worker that sends `concurrency` messages at a time.
fn worker_sending(db: &Database, smtp: &SmtpServer, concurrency: usize) -> Worker {
    let mailer = notifier::Mailer::new(&smtp.mailer()).unwrap();
    let config = WorkerConfig { mail_domain: "resguardo.test".into(), concurrency, ..WorkerConfig::default() };
    Worker::new(db.clone(), Arc::new(mailer), config).unwrap()
}

/// Files the request, assigns it, admits it on `admitted` and puts it on
/// the urgent track (decision due 15 working days later).
async fn urgent_case(db: &Database, office: &Office, filed: &str, admitted: &str) -> Uuid {
    let id = db
        .submit_request(&request(), Channel::Web, &fresh_keys(), at(filed, "10:00"), &Actor::public(None))
        .await
        .unwrap()
        .id;
    let assess_urgent = Command::AssessRisk {
        track: Track::Urgent,
        level: domain::workflow::RiskLevel::Extreme,
        summary: text("CANARIO-RIESGO inminente"),
    };
    for (command, on) in [
        (Command::Assign { officer: domain::workflow::StaffRef(office.officer.to_string()) }, filed),
        (Command::StartReview, filed),
        (admit(), admitted),
        (assess_urgent, admitted),
    ] {
        db.apply(id, command, at(on, "11:00"), &office.officer_actor).await.unwrap();
    }
    id
}

/// Runs the worker at 09:30 in Lima every day from `from` to `to`, and
/// returns what each day sent (by date).
pub(crate) async fn days(
    worker: &Worker,
    smtp: &SmtpServer,
    from: &str,
    to: &str,
) -> BTreeMap<NaiveDate, Vec<Received>> {
    let mut by_day = BTreeMap::new();
    let mut seen: HashSet<String> = smtp.received().into_iter().map(|m| m.message_id).collect();
    let mut day: NaiveDate = from.parse().unwrap();
    let last: NaiveDate = to.parse().unwrap();
    while day <= last {
        worker.run_once(at(&day.to_string(), "09:30")).await.unwrap();
        let new: Vec<Received> = smtp.received().into_iter().filter(|m| seen.insert(m.message_id.clone())).collect();
        if !new.is_empty() {
            by_day.insert(day, new);
        }
        day = day.succ_opt().unwrap();
    }
    by_day
}

fn no_canary(messages: &[Received]) {
    for message in messages {
        for canary in CANARIES {
            assert!(
                !message.raw.contains(canary) && !message.text.contains(canary),
                "{canary} leaked in {}",
                message.subject
            );
        }
    }
}

pub(crate) fn summary(messages: &[Received]) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = messages
        .iter()
        .map(|m| {
            (
                m.to.clone(),
                m.subject.split(" (").next().unwrap_or_default().trim_start_matches("Resguardo: ").to_owned(),
            )
        })
        .collect();
    lines.sort();
    lines
}

const OFFICER: &str = "oficial@dgdh.gob.pe";
const SUPERVISOR: &str = "supervisora@dgdh.gob.pe";
const REQUESTER: &str = "solicitante@example.pe";

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    v.sort();
    v
}

async fn a_case_followed_day_by_day(db: Database) {
    let Some(smtp) = SmtpServer::start() else { return };
    let office = office(&db).await;
    let worker = worker(&db, &smtp);
    let case_id = urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;

    let sent = days(&worker, &smtp, "2026-07-13", "2026-08-13").await;
    let by_day: BTreeMap<String, Vec<(String, String)>> =
        sent.iter().map(|(day, messages)| (day.to_string(), summary(messages))).collect();
    // Filed at 10:00 on 13 July, after that day's 09:30 pass: the notices
    // go out with the next morning's.
    assert_eq!(
        by_day.get("2026-07-14").cloned().unwrap_or_default(),
        pairs(&[(OFFICER, "Aviso"), (SUPERVISOR, "Aviso"), (OFFICER, "Aviso")]),
        "new request to officers and supervisors, assignment to the officer"
    );
    assert_eq!(
        by_day.get("2026-07-16").cloned().unwrap_or_default(),
        pairs(&[(REQUESTER, "Aviso"), (OFFICER, "Aviso")]),
        "admitted: the requester is told; urgent track: the decision deadline moved"
    );
    // D-3, D-1 and D-0 of Tuesday 11 August: Wednesday 5 (Thursday 6 is a
    // holiday), Monday 10 and Tuesday 11.
    assert_eq!(by_day.get("2026-08-05").cloned().unwrap_or_default(), pairs(&[(OFFICER, "Recordatorio de plazo")]));
    assert_eq!(by_day.get("2026-08-10").cloned().unwrap_or_default(), pairs(&[(OFFICER, "Recordatorio de plazo")]));
    assert_eq!(by_day.get("2026-08-11").cloned().unwrap_or_default(), pairs(&[(OFFICER, "Plazo que vence hoy")]));
    // Overdue: every working day, to the officer and, escalated, the supervisor.
    for day in ["2026-08-12", "2026-08-13"] {
        assert_eq!(
            by_day.get(day).cloned().unwrap_or_default(),
            pairs(&[(OFFICER, "Plazo vencido"), (SUPERVISOR, "Plazo vencido")]),
            "{day}"
        );
    }
    assert_eq!(by_day.len(), 7, "nothing on any other day: {:?}", by_day.keys().collect::<Vec<_>>());

    let reminders: Vec<&Received> = sent.values().flatten().filter(|m| m.text.contains("BEGIN:VCALENDAR")).collect();
    assert_eq!(reminders.len(), 7);
    let d3 = &sent[&"2026-08-05".parse::<NaiveDate>().unwrap()][0];
    assert!(d3.text.contains("vence el martes 11 de agosto de 2026"), "{}", d3.text);
    assert!(d3.text.contains("<html lang=\"es\">"));
    let uids: HashSet<&str> = reminders.iter().filter_map(|m| m.text.lines().find(|l| l.starts_with("UID:"))).collect();
    assert_eq!(uids.len(), 1, "one calendar event per deadline");
    assert!(
        reminders.iter().all(|m| m.text.contains("SEQUENCE:2")),
        "the urgent track is the deadline's second version"
    );

    // The resolution on 13 August closes the deadline: the reminded get
    // their calendar event cancelled, the requester a notice.
    let act = resolution("2026-08-13", &[("POLICE_PROTECTION", "MININTER")]);
    db.apply(case_id, act, at("2026-08-13", "12:00"), &office.officer_actor).await.unwrap();
    let closing = days(&worker, &smtp, "2026-08-14", "2026-08-20").await;
    let closing_summary: Vec<(String, String)> = closing.values().flat_map(|m| summary(m)).collect();
    assert_eq!(
        closing_summary,
        pairs(&[
            (OFFICER, "Plazo cumplido o cancelado"),
            (SUPERVISOR, "Plazo cumplido o cancelado"),
            (REQUESTER, "Aviso")
        ])
    );
    let cancel = closing.values().flatten().find(|m| m.to == OFFICER).unwrap();
    assert!(cancel.text.contains("METHOD:CANCEL") && cancel.text.contains(uids.iter().next().unwrap()));

    let everything = smtp.received();
    no_canary(&everything);
    let ids: HashSet<&str> = everything.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), everything.len(), "every message once");
    assert!(everything.iter().all(|m| m.message_id.ends_with("@resguardo.test>")));
    let records = db.deliveries(case_id).await.unwrap();
    assert!(records.iter().all(|r| r.status != DeliveryStatus::Pending || r.planned_for > at("2026-08-20", "23:59")));
}

async fn smtp_down_then_back_delivers_everything_once(db: Database) {
    let Some(mut smtp) = SmtpServer::start() else { return };
    office(&db).await;
    let worker = worker(&db, &smtp);
    db.submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13", "10:00"), &Actor::public(None))
        .await
        .unwrap();
    smtp.stop();
    let down = worker.run_once(at("2026-07-13", "10:01")).await.unwrap();
    assert_eq!((down.sent, down.retried), (0, 2), "officer and supervisor, both refused");
    smtp.restart();
    let too_soon = worker.run_once(at("2026-07-13", "10:01")).await.unwrap();
    assert_eq!(too_soon.sent, 0, "retries wait their backoff");
    let back = worker.run_once(at("2026-07-13", "10:03")).await.unwrap();
    assert_eq!(back.sent, 2);
    assert_eq!(worker.run_once(at("2026-07-13", "10:30")).await.unwrap(), Pass::default());
    assert_eq!(smtp.received().len(), 2);
}

async fn a_transient_refusal_is_retried(db: Database) {
    let Some(smtp) = SmtpServer::start_flaky(1) else { return };
    office(&db).await;
    let worker = worker(&db, &smtp);
    let id = db
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13", "10:00"), &Actor::public(None))
        .await
        .unwrap()
        .id;
    let first = worker.run_once(at("2026-07-13", "10:01")).await.unwrap();
    assert_eq!((first.sent, first.retried), (1, 1), "451 for the first message, 250 for the second");
    let retried = db.deliveries(id).await.unwrap().into_iter().find(|d| d.status == DeliveryStatus::Pending).unwrap();
    assert_eq!((retried.attempts, retried.last_error.as_deref()), (1, Some("SMTP 451")));
    let second = worker.run_once(at("2026-07-13", "10:05")).await.unwrap();
    assert_eq!(second.sent, 1);
    assert_eq!(smtp.received().len(), 2, "each message delivered once");
}

async fn a_permanent_refusal_is_dead_lettered(db: Database) {
    let Some(smtp) = SmtpServer::start_refusing(550) else { return };
    office(&db).await;
    let worker = worker(&db, &smtp);
    db.submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13", "10:00"), &Actor::public(None))
        .await
        .unwrap();
    let pass = worker.run_once(at("2026-07-13", "10:01")).await.unwrap();
    assert_eq!((pass.sent, pass.retried, pass.dead), (0, 0, 2), "550 is not retried");
    let dead = db.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 2);
    assert!(dead.iter().all(|d| d.last_error.as_deref() == Some("SMTP 550") && d.attempts == 1));
    assert_eq!(worker.run_once(at("2026-07-13", "11:00")).await.unwrap(), Pass::default(), "nothing left to try");
}

async fn two_workers_racing_send_each_message_once(db: Database) {
    let Some(smtp) = SmtpServer::start() else { return };
    let office = office(&db).await;
    // Twenty urgent cases admitted on 15 July: decisions due 11 August.
    for _ in 0..20 {
        urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    }
    // On 12 August both workers plan the day's overdue reminders (officer
    // and supervisor for each case) and race to send them; everything
    // older has outlived its day and expires.
    let (one, two) = (worker_sending(&db, &smtp, 3), worker_sending(&db, &smtp, 3));
    let now = at("2026-08-12", "09:30");
    let (a, b) = tokio::join!(one.run_once(now), two.run_once(now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 40, "20 cases × (officer + supervisor): {a:?} {b:?}");
    let received = smtp.received();
    let ids: HashSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!((received.len(), ids.len()), (40, 40), "each reminder exactly once");
    assert!(received.iter().all(|m| m.subject.starts_with("Resguardo: Plazo vencido")));
    eprintln!(
        "race: worker one sent {}, worker two sent {}, the server received {} distinct messages",
        a.sent,
        b.sent,
        received.len()
    );
}

/// The overdue pass reads the due cases, their rules and the staff in a
/// batch and inserts their reminders together: its statements do not grow
/// with the cases due.
async fn the_overdue_pass_costs_the_same_statements_for_3_or_30_cases(db: Database) {
    let office = office(&db).await;
    for _ in 0..3 {
        urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    }
    let before = db.statements_executed();
    let planned = db.plan_overdue_reminders(at("2026-08-12", "09:30")).await.unwrap();
    let few = db.statements_executed() - before;
    assert_eq!(planned, 3, "one overdue reminder per case");
    for _ in 0..27 {
        urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    }
    let before = db.statements_executed();
    let planned = db.plan_overdue_reminders(at("2026-08-13", "09:30")).await.unwrap();
    let many = db.statements_executed() - before;
    assert_eq!(planned, 30);
    assert_eq!(few, many, "statements for 3 and for 30 due cases");
    assert!(many <= 10, "{many} statements");
    // Planned once: the same pass again adds nothing.
    let pending = |db: Database| async move { db.outbox_counts().await.unwrap() };
    let once = pending(db.clone()).await;
    db.plan_overdue_reminders(at("2026-08-13", "10:30")).await.unwrap();
    assert_eq!(pending(db.clone()).await, once);
}

async fn a_calendar_change_moves_the_due_date_and_its_reminders(db: Database) {
    let Some(smtp) = SmtpServer::start() else { return };
    let office = office(&db).await;
    let worker = worker(&db, &smtp);
    let case_id = urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    days(&worker, &smtp, "2026-07-13", "2026-07-20").await;

    // A regional day elsewhere touches nothing.
    let loreto = CalendarChange::AddNonWorkingDay {
        day: "2026-08-03".parse().unwrap(),
        department: Some(DepartmentCode::parse("16").unwrap()),
        legal_basis: "DS 900-2026-PCM".into(),
        source: None,
    };
    let report = db.change_calendar(loreto, &Actor::system(), at("2026-07-21", "08:00")).await.unwrap();
    assert_eq!(report.cases_recomputed, 0);

    // A national one inside the window moves the decision to Wednesday 12.
    let report = db.change_calendar(national_day_off(), &Actor::system(), at("2026-07-21", "08:05")).await.unwrap();
    assert_eq!((report.cases_recomputed, report.deadlines_moved), (1, 1));
    let file = db.case_file(case_id).await.unwrap();
    let decision = file.case.deadlines.iter().find(|d| d.key.kind == domain::deadline::DeadlineKind::Decision).unwrap();
    assert_eq!((decision.due, decision.version), ("2026-08-12".parse().unwrap(), 3));
    let records = db.deliveries(case_id).await.unwrap();
    let old =
        records.iter().filter(|r| r.kind == DeliveryKind::Reminder && r.status == DeliveryStatus::Cancelled).count();
    assert!(old >= 3, "the superseded version's reminders are cancelled ({old})");

    moved_to_wednesday_12(&worker, &smtp).await;
}

async fn a_recomputation_cut_short_sends_nothing_of_the_previous_calendar(db: Database) {
    let Some(smtp) = SmtpServer::start() else { return };
    let office = office(&db).await;
    let worker = worker(&db, &smtp);
    let case_id = urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    days(&worker, &smtp, "2026-07-13", "2026-07-20").await;
    let planned = db.deliveries(case_id).await.unwrap();
    let first_reminder = planned
        .iter()
        .filter(|r| r.kind == DeliveryKind::Reminder && r.status == DeliveryStatus::Pending)
        .map(|r| r.planned_for)
        .min()
        .expect("reminders planned for the decision due on 11 August");

    // The national day commits; the instance stops before recomputing.
    db.commit_calendar_change(national_day_off(), &Actor::system(), at("2026-07-21", "08:05")).await.unwrap();
    // The first reminder of the old date falls due, and another worker
    // sends (without housekeeping): it names a date that no longer holds,
    // so it is not sent.
    let sent = smtp.received().len();
    let pass = worker.deliver_due(first_reminder).await.unwrap();
    assert_eq!((pass.sent, smtp.received().len()), (0, sent), "nothing of the previous calendar goes out");
    assert!(pass.expired >= 1, "{pass:?}");

    // The next housekeeping finishes the recomputation; from then on it
    // goes as if the change had been recomputed at once (the test above).
    moved_to_wednesday_12(&worker, &smtp).await;
    assert!(db.recomputations_under_way().await.unwrap().is_empty());
}

/// A national day off on Monday 3 August.
fn national_day_off() -> CalendarChange {
    CalendarChange::AddNonWorkingDay {
        day: "2026-08-03".parse().unwrap(),
        department: None,
        legal_basis: "DS 901-2026-PCM".into(),
        source: None,
    }
}

/// From 21 July: the officer is told the decision now falls due on
/// Wednesday 12 August, and reminded of that date only.
async fn moved_to_wednesday_12(worker: &Worker, smtp: &SmtpServer) {
    let sent = days(worker, smtp, "2026-07-21", "2026-08-12").await;
    let moved = &sent[&"2026-07-21".parse::<NaiveDate>().unwrap()];
    assert_eq!(summary(moved), pairs(&[(OFFICER, "Aviso")]));
    assert!(moved[0].text.contains("ahora vence el miércoles 12 de agosto de 2026"), "{}", moved[0].text);
    // D-3 of Wednesday 12: Friday 7 (6 is a holiday, 3 is the new day off).
    let reminder_days: Vec<String> = sent.keys().skip(1).map(NaiveDate::to_string).collect();
    assert_eq!(reminder_days, ["2026-08-07", "2026-08-11", "2026-08-12"]);
    assert!(sent.values().flatten().skip(1).all(|m| m.text.contains("SEQUENCE:3")));
    no_canary(&smtp.received());
}

async fn a_request_for_information_stops_the_reminders(db: Database) {
    let Some(smtp) = SmtpServer::start() else { return };
    let office = office(&db).await;
    let worker = worker(&db, &smtp);
    let case_id = urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    days(&worker, &smtp, "2026-07-13", "2026-07-31").await;
    // Asked on Monday 3 August, answered on Monday 10: the clock stood
    // still for four working days (4, 5, 7 and 10; the 6th is a holiday).
    let ask = Command::RequestInformation { question: text("¿Dónde se encuentra ahora?") };
    db.apply(case_id, ask, at("2026-08-03", "12:00"), &office.officer_actor).await.unwrap();
    let while_suspended = days(&worker, &smtp, "2026-08-04", "2026-08-09").await;
    let staff_reminders =
        while_suspended.values().flatten().filter(|m| m.to == OFFICER && m.subject.contains("plazo")).count();
    assert_eq!(staff_reminders, 0, "no decision reminders while the clock is stopped");
    let answer = Command::ReceiveInformation { answer: text("En la comunidad.") };
    db.apply(case_id, answer, at("2026-08-10", "12:00"), &Actor::public(None)).await.unwrap();
    let file = db.case_file(case_id).await.unwrap();
    let decision = file.case.deadlines.iter().find(|d| d.key.kind == domain::deadline::DeadlineKind::Decision).unwrap();
    assert_eq!((decision.due, decision.suspended_working_days), ("2026-08-17".parse().unwrap(), 4));
    let after = days(&worker, &smtp, "2026-08-10", "2026-08-17").await;
    let reminder_days: Vec<String> = after
        .iter()
        .filter(|(_, m)| m.iter().any(|m| m.to == OFFICER && m.text.contains("BEGIN:VCALENDAR")))
        .map(|(d, _)| d.to_string())
        .collect();
    assert_eq!(reminder_days, ["2026-08-12", "2026-08-14", "2026-08-17"], "D-3, D-1 and D-0 of Monday 17");
}

/// A worker whose sends give up after `timeout` and whose leases last
/// `lease`, sending `concurrency` messages at a time.
fn impatient_worker(
    db: &Database,
    smtp_port: u16,
    timeout: Duration,
    lease: chrono::Duration,
    concurrency: usize,
) -> Worker {
    let mailer = notifier::MailerConfig {
        transport: notifier::Transport::Smtp {
            host: "127.0.0.1".into(),
            port: smtp_port,
            tls: notifier::Tls::None,
            credentials: None,
        },
        from: "Resguardo <no-responder@resguardo.test>".into(),
        send_timeout: timeout,
    };
    let config = WorkerConfig { mail_domain: "resguardo.test".into(), concurrency, lease, ..WorkerConfig::default() };
    Worker::new(db.clone(), Arc::new(notifier::Mailer::new(&mailer).unwrap()), config).unwrap()
}

/// Files `n` requests at 10:00 on 13 July; each tells the officer and the
/// supervisor at once. Returns the cases.
async fn filed(db: &Database, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let filed = db
            .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13", "10:00"), &Actor::public(None))
            .await
            .unwrap();
        ids.push(filed.id);
    }
    ids
}

/// The messages of `cases` planned for `by` or earlier, by status.
async fn due_by_status(db: &Database, cases: &[Uuid], by: DateTime<Utc>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for case in cases {
        for record in db.deliveries(*case).await.unwrap().into_iter().filter(|r| r.planned_for <= by) {
            *counts.entry(record.status.code().to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// A relay that takes a second per message, two workers, and more
/// messages than one lease covers if they were sent one after another:
/// each is delivered exactly once, and every attempt is on record.
async fn two_workers_on_a_slow_relay_send_each_message_once(db: Database) {
    let Some(smtp) = SmtpServer::start_slow(1.0) else { return };
    office(&db).await;
    let cases = filed(&db, 12).await;
    let base = at("2026-07-13", "10:01");
    let planned = due_by_status(&db, &cases, base).await;
    assert_eq!(planned, BTreeMap::from([("PENDING".to_owned(), 24)]), "officer and supervisor for each request");
    // A lease of 5 s covers five sends in a row at most: one worker taking
    // all 24 at once would lose its claim long before the last.
    let timeout = Duration::from_secs(2);
    let lease = chrono::Duration::seconds(5);
    let one = impatient_worker(&db, smtp.port, timeout, lease, 3);
    let two = impatient_worker(&db, smtp.port, timeout, lease, 3);
    let started = std::time::Instant::now();
    // Each worker keeps passing (time runs on from `base`) until nothing due is pending.
    let drain = |worker: Worker| {
        let (db, cases) = (db.clone(), cases.clone());
        async move {
            let mut total = Pass::default();
            while due_by_status(&db, &cases, base).await.contains_key("PENDING") {
                assert!(started.elapsed() < Duration::from_secs(90), "the workers did not drain the outbox");
                let now = base + chrono::Duration::from_std(started.elapsed()).unwrap();
                let pass = worker.run_once(now).await.unwrap();
                total.sent += pass.sent;
                total.lost += pass.lost;
                total.retried += pass.retried;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            total
        }
    };
    let (a, b) = tokio::join!(drain(one), drain(two));
    let received = smtp.received();
    let ids: HashSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    eprintln!(
        "slow relay: worker one sent {}, two sent {} in {:.1} s; the relay received {} messages, {} distinct",
        a.sent,
        b.sent,
        started.elapsed().as_secs_f64(),
        received.len(),
        ids.len()
    );
    assert_eq!((a.retried, b.retried), (0, 0), "no send timed out");
    assert_eq!(a.sent + b.sent, 24);
    assert_eq!((received.len(), ids.len()), (24, 24), "delivered = planned, no Message-ID twice");
    assert_eq!(due_by_status(&db, &cases, base).await, BTreeMap::from([("SENT".to_owned(), 24)]));
    let mut attempts = Vec::new();
    for case in &cases {
        attempts.extend(db.delivery_attempts(*case).await.unwrap());
    }
    assert_eq!(attempts.len(), 24, "one attempt per message, each recorded");
    assert!(attempts.iter().all(|a| a.number == 1 && a.outcome.as_deref() == Some("SENT") && a.finished_at.is_some()));
    let workers: HashSet<&str> = attempts.iter().map(|a| a.worker.as_str()).collect();
    assert_eq!(workers.len(), 2, "both workers sent");
}

/// An SMTP "server" that accepts connections and never says a word.
struct HangingRelay {
    port: u16,
}

impl HangingRelay {
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        });
        Self { port }
    }
}

/// With a relay that never answers, a worker still announces a deadline
/// that became due soon within one send timeout, and a pass over twenty
/// waiting messages ends after one round of sends instead of twenty
/// timeouts.
async fn a_hanging_relay_holds_up_neither_announcements_nor_the_pass(db: Database) {
    let relay = HangingRelay::start();
    let office = office(&db).await;
    // An urgent case admitted on 15 July (decision due 11 August), and
    // twenty requests whose notices wait to be sent.
    let case = urgent_case(&db, &office, "2026-07-13", "2026-07-15").await;
    let cases = filed(&db, 10).await;
    let timeout = Duration::from_secs(1);
    let worker = impatient_worker(&db, relay.port, timeout, chrono::Duration::seconds(5), 4);

    let started = std::time::Instant::now();
    let pass = worker.deliver_due(at("2026-07-15", "12:00")).await.unwrap();
    let took = started.elapsed();
    eprintln!("hanging relay: one pass took {:.1} s: {pass:?}", took.as_secs_f64());
    assert_eq!((pass.sent, pass.retried), (0, 4), "one round of four sends, all timed out");
    assert!(took < Duration::from_secs(4), "the pass stopped after one round ({took:?})");
    assert!(due_by_status(&db, &cases, at("2026-07-15", "12:00")).await.contains_key("PENDING"), "the rest waits");

    // The worker runs as in `serve`, with twenty more notices waiting, all
    // due: a worker sending them one after another would spend twenty
    // timeouts before it looked at deadlines again. On 5 August (four
    // working days before the due date) the deadline becomes due soon.
    filed(&db, 10).await;
    let now = Arc::new(std::sync::Mutex::new(at("2026-07-15", "12:00")));
    let clock = {
        let now = Arc::clone(&now);
        api::Clock::from_fn(move || *now.lock().unwrap())
    };
    let mut events = db.live_events().await.unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(clock, Duration::from_millis(200), stopped));
    tokio::time::sleep(Duration::from_millis(500)).await;
    *now.lock().unwrap() = at("2026-08-05", "09:30");
    let changed = std::time::Instant::now();
    let announced = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(db::LiveSignal::Event(event)) = events.recv().await
                && event.kind == db::LiveEventKind::DeadlineDueSoon
                && event.case_id == case
            {
                return changed.elapsed();
            }
        }
    })
    .await
    .expect("the deadline was announced");
    eprintln!("hanging relay: due soon announced {:.1} s after it became so", announced.as_secs_f64());
    assert!(announced < timeout + Duration::from_secs(1), "announced within one send timeout ({announced:?})");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), running).await.expect("the worker stopped").unwrap();
}
