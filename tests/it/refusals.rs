//! Every refusal the workflow can show a person, as they read it, is in
//! `refusals.txt` beside this file, which a Spanish reader has gone through:
//! each kind of command is tried on a request in each state, with its
//! measure in each state, plus the refusals of what was written (an act
//! dated tomorrow, an empty resolution, an extension that ends in the
//! past, a measure that does not exist). When a sentence changes, the file
//! is rewritten and the test fails, so the new wording is read before it
//! ships. (The domain crate may not touch the file system, so this lives
//! here.)

use std::collections::BTreeSet;

use domain::calendar::Calendar;
use domain::categories::AggressionType;
use domain::codes::RefCode;
use domain::deadline::DeadlineRules;
use domain::place::DepartmentCode;
use domain::workflow::{
    ActReference, ArchiveReason, Case, CaseStatus, Command, ComplaintFiling, ComplaintNo, ComplaintStatus,
    ComplaintUpdate, Context, Incident, Measure, MeasureNo, MeasureStatus, Resolution, StaffRef, Track,
};

use crate::fixtures::{admit, assess, date, resolution, text};

fn act(number: &str, on: &str) -> ActReference {
    ActReference { number: text(number), date: date(on) }
}

/// One command of every kind, and the ones refused for what they say.
fn commands() -> Vec<Command> {
    let on = "2026-03-10";
    let m1 = MeasureNo(1);
    vec![
        Command::Assign { officer: StaffRef("oficial".into()) },
        Command::StartReview,
        Command::RequestInformation { question: text("¿Dónde vive ahora la lideresa?") },
        Command::ReceiveInformation { answer: text("En la comunidad.") },
        Command::AddEvidence { description: text("Foto de la amenaza"), reference: None, file: None },
        Command::WithdrawConsent { reason: None },
        Command::CloseInformationPeriod,
        admit(),
        assess(Track::Urgent),
        resolution(on, &[("POLICE_PROTECTION", "MININTER")]),
        Command::NotifyMeasure { measure: m1 },
        Command::AcknowledgeMeasure { measure: m1 },
        Command::ReportProgress { measure: m1, report: text("Rondas diarias.") },
        Command::ReportImplemented { measure: m1, report: None },
        Command::ReportNotFeasible { measure: m1, reason: text("No hay efectivos.") },
        Command::ModifyMeasure { measure: m1, act: act("RD 2", on), details: text("Rondas nocturnas.") },
        Command::ExtendMeasure { measure: m1, act: act("RD 3", on), until: date("2026-09-30") },
        Command::LiftMeasure { measure: m1, act: act("RD 4", on), reason: text("Cesó el riesgo.") },
        Command::RenewMeasure { measure: m1, act: act("RD 7", on) },
        Command::VerifyMeasure { measure: m1, verified: true, note: text("Visita a la comunidad.") },
        Command::SetPlanGoal { goal: text("Que siga en su comunidad.") },
        Command::ReportIncident(Incident {
            occurred_on: date("2026-03-11"),
            description: text("Otra amenaza."),
            aggression_types: vec![AggressionType::Threat],
            aggressor: None,
        }),
        Command::RecordComplaint(ComplaintFiling {
            filed_on: date("2026-03-11"),
            office: text("Fiscalía Provincial Penal"),
            file_number: text("CF 1-2026"),
        }),
        Command::UpdateComplaint(ComplaintUpdate {
            complaint: ComplaintNo(1),
            status: ComplaintStatus::Dismissed,
            on: date("2026-03-10"),
            note: None,
        }),
        Command::Archive { reason: ArchiveReason::Concluded, note: None },
        resolution("2026-03-11", &[("POLICE_PROTECTION", "MININTER")]),
        Command::IssueResolution(Resolution { act: act("RD 5", on), granted: Vec::new(), denied: Vec::new() }),
        Command::ExtendMeasure { measure: m1, act: act("RD 6", on), until: date("2026-03-01") },
        Command::NotifyMeasure { measure: MeasureNo(2) },
    ]
}

#[test]
fn every_refusal_reads_as_refusals_txt_says() {
    let calendar = Calendar::peru_default();
    let rules = DeadlineRules::peru_default();
    let ctx = Context { calendar: &calendar, rules: &rules };
    let received = Case::receive(date("2026-03-02"), DepartmentCode::parse("16").unwrap(), &ctx).unwrap().case;
    let mut sentences = BTreeSet::new();
    for status in CaseStatus::ALL {
        for measure_status in MeasureStatus::ALL {
            let measure = Measure {
                no: MeasureNo(1),
                measure_type: RefCode::parse("POLICE_PROTECTION").unwrap(),
                sector: RefCode::parse("MININTER").unwrap(),
                status: *measure_status,
                notified_on: None,
                extended_until: None,
                verified_on: None,
            };
            let case = Case { status: *status, measures: vec![measure], ..received.clone() };
            for command in commands() {
                if let Err(refusal) = case.apply(command, date("2026-03-10"), &ctx) {
                    sentences.insert(refusal.to_string());
                }
            }
        }
    }
    let rendered: String = sentences.iter().map(|s| format!("{s}\n")).collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("it/refusals.txt");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        std::fs::write(&path, &rendered).unwrap();
        panic!("tests/it/refusals.txt was stale and has been rewritten: read the sentences and commit them");
    }
    assert!(sentences.len() > 150, "{} sentences", sentences.len());
}
