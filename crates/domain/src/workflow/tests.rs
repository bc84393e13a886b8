//! The procedure walked through as officers and coordinators would.

use chrono::NaiveDate;

use super::*;
use crate::calendar::{Calendar, NonWorkingDay};
use crate::categories::AggressionType;
use crate::codes::RefCode;
use crate::deadline::{DeadlineKey, DeadlineKind, DeadlineRules, DeadlineStatus, StartEvent};
use crate::place::DepartmentCode;
use crate::text::Text;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn text<const N: usize>(s: &str) -> Text<N> {
    Text::parse(s).unwrap()
}

/// A case and the context it lives in, advanced one command at a time.
struct Walk {
    case: Case,
    calendar: Calendar,
    rules: DeadlineRules,
    last: Vec<Effect>,
}

impl Walk {
    fn received(on: &str) -> Self {
        Self::received_with(on, DeadlineRules::peru_default())
    }

    fn received_with(on: &str, rules: DeadlineRules) -> Self {
        let calendar = Calendar::peru_default();
        let ctx = Context { calendar: &calendar, rules: &rules };
        let t = Case::receive(date(on), DepartmentCode::parse("16").unwrap(), &ctx).unwrap();
        Self { case: t.case, last: t.effects, calendar, rules }
    }

    fn try_apply(&mut self, command: Command, on: &str) -> Result<(), TransitionError> {
        let ctx = Context { calendar: &self.calendar, rules: &self.rules };
        let t = self.case.apply(command, date(on), &ctx)?;
        self.case = t.case;
        self.last = t.effects;
        Ok(())
    }

    fn apply(&mut self, command: Command, on: &str) -> &mut Self {
        self.try_apply(command, on).unwrap();
        self
    }

    fn decision(&self) -> &crate::deadline::Deadline {
        self.case.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap()
    }

    fn audits(&self) -> Vec<AuditAction> {
        self.last
            .iter()
            .filter_map(|e| match e {
                Effect::Audit(a) => Some(a.action),
                Effect::Deadline { .. } | Effect::Notify(_) => None,
            })
            .collect()
    }

    fn deadline_changes(&self) -> Vec<(DeadlineKind, DeadlineChange)> {
        self.last
            .iter()
            .filter_map(|e| match e {
                Effect::Deadline { change, deadline } => Some((deadline.key.kind, *change)),
                Effect::Audit(_) | Effect::Notify(_) => None,
            })
            .collect()
    }

    fn notifications(&self) -> Vec<Notification> {
        self.last
            .iter()
            .filter_map(|e| match e {
                Effect::Notify(n) => Some(n.clone()),
                Effect::Audit(_) | Effect::Deadline { .. } => None,
            })
            .collect()
    }
}

fn all_met() -> Vec<CriterionCheck> {
    Criterion::ALL.iter().map(|c| CriterionCheck { criterion: *c, met: true, note: None }).collect()
}

fn admit() -> Command {
    let evaluation =
        AdmissibilityEvaluation::new(all_met(), AdmissibilityDecision::Admit { override_reason: None }).unwrap();
    Command::EvaluateAdmissibility(evaluation)
}

fn assess(track: Track) -> Command {
    Command::AssessRisk { track, level: RiskLevel::High, summary: text("Amenazas de muerte reiteradas.") }
}

fn act(number: &str, on: &str) -> ActReference {
    ActReference { number: text(number), date: date(on) }
}

fn resolution(on: &str) -> Command {
    let granted = |measure: &str, sector: &str| GrantedMeasure {
        measure_type: RefCode::parse(measure).unwrap(),
        sector: RefCode::parse(sector).unwrap(),
        details: None,
    };
    Command::IssueResolution(Resolution {
        act: act("RD 001-2026-JUS/DGDH", on),
        granted: vec![granted("POLICE_PROTECTION", "MININTER"), granted("LEGAL_AID", "MINJUSDH")],
        denied: vec![DeniedMeasure { description: text("Reubicación"), reason: text("No corresponde.") }],
    })
}

const M1: MeasureNo = MeasureNo(1);
const M2: MeasureNo = MeasureNo(2);

#[test]
fn an_urgent_request_from_receipt_to_archive() {
    let mut w = Walk::received("2026-07-13");
    assert_eq!(w.case.status, CaseStatus::Received);
    assert!(w.case.deadlines.is_empty(), "the decision clock starts at admission by default");
    assert_eq!(w.audits(), [AuditAction::Received]);
    assert_eq!(w.notifications()[0].audience, Audience::Officers);

    w.apply(Command::StartReview, "2026-07-14").apply(admit(), "2026-07-15");
    assert_eq!(w.case.status, CaseStatus::Admitted);
    assert_eq!(w.decision().due, date("2026-09-01"), "30 working days while the track is ordinary");
    assert_eq!(w.deadline_changes(), [(DeadlineKind::Decision, DeadlineChange::Set)]);

    w.apply(assess(Track::Urgent), "2026-07-16");
    assert_eq!(w.case.status, CaseStatus::RiskAssessed);
    assert_eq!(w.decision().due, date("2026-08-11"), "15 working days from admission (DOMAIN.md §4)");
    assert_eq!(w.decision().version, 2);
    assert_eq!(
        w.deadline_changes(),
        [(DeadlineKind::Decision, DeadlineChange::Moved { previous_due: date("2026-09-01") })]
    );

    w.apply(resolution("2026-08-10"), "2026-08-10");
    assert_eq!(w.case.status, CaseStatus::ResolutionIssued);
    assert_eq!(w.decision().status, DeadlineStatus::Met { on: date("2026-08-10"), on_time: true });
    assert_eq!(w.case.measures.len(), 2);

    w.apply(Command::NotifyMeasure { measure: M1 }, "2026-08-10");
    assert_eq!(w.case.status, CaseStatus::MeasuresInImplementation);
    let sector = RefCode::parse("MININTER").unwrap();
    assert!(w.notifications().iter().any(|n| n.audience == Audience::SectorCoordinators(sector.clone())));
    let ack = w.case.deadline(DeadlineKey::measure(DeadlineKind::MeasureAcknowledgement, M1)).unwrap();
    assert_eq!(ack.due, date("2026-08-11"), "one working day to acknowledge an urgent measure");

    w.apply(Command::AcknowledgeMeasure { measure: M1 }, "2026-08-11")
        .apply(Command::ReportImplemented { measure: M1, report: None }, "2026-08-12");
    assert_eq!(w.case.status, CaseStatus::MeasuresInImplementation, "measure 2 is still pending");

    let lift =
        Command::LiftMeasure { measure: M2, act: act("RD 002", "2026-08-12"), reason: text("Ya no se requiere.") };
    w.apply(lift, "2026-08-12");
    assert_eq!(w.case.status, CaseStatus::FollowUp);

    // Measure 1 is still in force: closing needs an assessment that finds
    // the risk over.
    let concluded = Command::Archive { reason: ArchiveReason::Concluded, note: None };
    assert_eq!(
        w.try_apply(concluded, "2026-12-01"),
        Err(TransitionError::ArchiveRequirement(ArchiveReason::Concluded))
    );
    let ceased = || Command::Archive { reason: ArchiveReason::RiskCeased, note: None };
    assert_eq!(
        w.try_apply(ceased(), "2026-12-01"),
        Err(TransitionError::ArchiveRequirement(ArchiveReason::RiskCeased))
    );
    w.apply(Command::AssessRisk { track: Track::Urgent, level: RiskLevel::Low, summary: text("Cesó.") }, "2026-12-01");
    w.apply(ceased(), "2026-12-01");
    assert_eq!(w.case.status, CaseStatus::Archived);
    assert!(w.case.pending_deadlines().next().is_none());
}

fn review(w: &Walk, measure: MeasureNo) -> &crate::deadline::Deadline {
    w.case.deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, measure)).unwrap()
}

fn reassessment(w: &Walk) -> Option<&crate::deadline::Deadline> {
    w.case.deadline(DeadlineKey::case(DeadlineKind::Reassessment))
}

/// Admitted 2026-07-15, assessed ordinary, resolved 2026-08-10; measure 1
/// notified, acknowledged and implemented.
fn granted_ordinary() -> Walk {
    let mut w = Walk::received("2026-07-13");
    w.apply(Command::StartReview, "2026-07-14")
        .apply(admit(), "2026-07-15")
        .apply(assess(Track::Ordinary), "2026-07-16")
        .apply(resolution("2026-08-10"), "2026-08-10")
        .apply(Command::NotifyMeasure { measure: M2 }, "2026-08-10")
        .apply(Command::ReportImplemented { measure: M2, report: None }, "2026-08-12");
    w
}

#[test]
fn granted_measures_are_reviewed_by_the_rule_for_their_type_and_renewed_after_a_new_assessment() {
    let w = granted_ordinary();
    let calendar = Calendar::peru_default();
    let lima_or_loreto = DepartmentCode::parse("16").unwrap();
    // Police protection: 20 working days; legal aid: the ordinary 120.
    assert_eq!(review(&w, M1).due, calendar.add_working_days(date("2026-08-10"), 20, Some(lima_or_loreto)));
    assert_eq!(review(&w, M2).due, calendar.add_working_days(date("2026-08-10"), 120, Some(lima_or_loreto)));
    assert_eq!(review(&w, M2).rule.start_event, StartEvent::MeasureAct);

    let mut w = w;
    let renew = |on: &str| Command::RenewMeasure { measure: M2, act: act("RD 010", on) };
    assert_eq!(w.try_apply(renew("2026-12-01"), "2026-12-01"), Err(TransitionError::AssessmentRequired));
    w.apply(assess(Track::Ordinary), "2026-12-01").apply(renew("2026-12-01"), "2026-12-01");
    assert_eq!(w.audits(), [AuditAction::MeasureRenewed]);
    assert_eq!(w.case.measure(M2).unwrap().status, MeasureStatus::Implemented);
    assert_eq!(
        w.deadline_changes(),
        [(DeadlineKind::MeasureReview, DeadlineChange::Met), (DeadlineKind::MeasureReview, DeadlineChange::Set)]
    );
    assert_eq!(review(&w, M2).start, date("2026-12-01"));
    assert_eq!(review(&w, M2).version, 2);

    // Lifting meets the review; modifying meets it and starts the next.
    let lift = Command::LiftMeasure { measure: M2, act: act("RD 011", "2026-12-02"), reason: text("Cesó.") };
    w.apply(lift, "2026-12-02");
    assert!(matches!(review(&w, M2).status, DeadlineStatus::Met { .. }));
    let modify = Command::ModifyMeasure { measure: M1, act: act("RD 012", "2026-12-02"), details: text("Otra.") };
    w.apply(modify, "2026-12-02");
    assert_eq!((review(&w, M1).start, review(&w, M1).status), (date("2026-12-02"), DeadlineStatus::Open));
}

#[test]
fn an_incident_starts_a_reassessment_and_an_urgent_one_moves_the_running_deadlines() {
    let mut w = granted_ordinary();
    let incident = |on: &str, aggression| {
        Command::ReportIncident(Incident {
            occurred_on: date(on),
            description: text("Volvieron a rondar la casa."),
            aggression_types: vec![aggression],
            aggressor: None,
        })
    };
    assert_eq!(
        w.try_apply(incident("2026-09-02", AggressionType::Threat), "2026-09-01"),
        Err(TransitionError::IncidentDate)
    );
    w.apply(incident("2026-09-01", AggressionType::Threat), "2026-09-01");
    assert_eq!(w.audits(), [AuditAction::IncidentReported]);
    assert_eq!(
        w.notifications()[0],
        Notification { audience: Audience::AssignedOfficer, topic: Topic::IncidentReported }
    );
    assert_eq!(reassessment(&w).unwrap().due, date("2026-09-08"), "5 working days on the ordinary track");

    // Violence against life: the urgent period, and the supervisors told.
    w.apply(incident("2026-09-02", AggressionType::AttemptedKilling), "2026-09-02");
    assert_eq!(reassessment(&w).unwrap().due, date("2026-09-04"), "2 working days");
    assert!(w.notifications().iter().any(|n| n.audience == Audience::Supervisors));
    // A later, milder one does not push it back.
    w.apply(incident("2026-09-03", AggressionType::Threat), "2026-09-03");
    assert_eq!(reassessment(&w).unwrap().due, date("2026-09-04"));

    let review_before = review(&w, M2).due;
    w.apply(assess(Track::Urgent), "2026-09-03");
    assert_eq!(reassessment(&w).unwrap().status, DeadlineStatus::Met { on: date("2026-09-03"), on_time: true });
    let moved = review(&w, M2);
    assert!(moved.due < review_before, "the urgent track's 60 working days replace the ordinary 120");
    assert!(
        w.deadline_changes()
            .contains(&(DeadlineKind::MeasureReview, DeadlineChange::Moved { previous_due: review_before }))
    );
}

#[test]
fn an_incident_before_admission_starts_no_reassessment() {
    let mut w = Walk::received("2026-07-13");
    let incident = Incident {
        occurred_on: date("2026-07-13"),
        description: text("Otra amenaza."),
        aggression_types: vec![AggressionType::Killing],
        aggressor: None,
    };
    w.apply(Command::ReportIncident(incident), "2026-07-14");
    assert!(reassessment(&w).is_none());
    assert_eq!(w.audits(), [AuditAction::IncidentReported]);
}

#[test]
fn a_measure_reported_carried_out_is_verified_by_the_officer_or_goes_back_to_its_sector() {
    // Measure 2 was reported implemented on 12 August: verification due.
    let mut w = granted_ordinary();
    let verification =
        |w: &Walk| w.case.deadline(DeadlineKey::measure(DeadlineKind::MeasureVerification, M2)).cloned().unwrap();
    assert_eq!((verification(&w).start, verification(&w).status), (date("2026-08-12"), DeadlineStatus::Open));
    assert_eq!(verification(&w).due, w.calendar.add_working_days(date("2026-08-12"), 10, w.case.department.into()));

    w.apply(Command::SetPlanGoal { goal: text("Que la lideresa siga en su comunidad.") }, "2026-08-13");
    assert_eq!((w.audits(), w.case.plan_set_on), (vec![AuditAction::PlanGoalSet], Some(date("2026-08-13"))));

    // Not as reported: back to the sector, told, with its time again.
    let verify = |verified| Command::VerifyMeasure { measure: M2, verified, note: text("Visita a la comunidad.") };
    w.apply(verify(false), "2026-08-14");
    assert_eq!(w.case.measure(M2).unwrap().status, MeasureStatus::Acknowledged);
    assert_eq!(verification(&w).status, DeadlineStatus::Met { on: date("2026-08-14"), on_time: true });
    let implementation = w.case.deadline(DeadlineKey::measure(DeadlineKind::MeasureImplementation, M2));
    assert_eq!(
        (implementation.unwrap().start, implementation.unwrap().status),
        (date("2026-08-14"), DeadlineStatus::Open)
    );
    assert!(
        w.notifications().iter().any(|n| n.topic == Topic::MeasureVerificationFailed(M2)
            && matches!(n.audience, Audience::SectorCoordinators(_)))
    );
    let refused = w.try_apply(verify(true), "2026-08-14").unwrap_err().to_string();
    assert!(refused.contains("«Recibida por el sector»"), "nothing to verify until reported again: {refused}");

    // Reported again, then verified.
    w.apply(Command::ReportImplemented { measure: M2, report: None }, "2026-08-17");
    assert_eq!((verification(&w).start, verification(&w).version), (date("2026-08-17"), 2));
    w.apply(verify(true), "2026-08-18");
    assert_eq!(w.case.measure(M2).unwrap().verified_on, Some(date("2026-08-18")));
    assert_eq!(w.case.measure(M2).unwrap().status, MeasureStatus::Implemented);
    // A modification undoes the verification.
    let modify = Command::ModifyMeasure { measure: M2, act: act("RD 013", "2026-08-19"), details: text("Otra.") };
    w.apply(modify, "2026-08-19");
    assert_eq!(w.case.measure(M2).unwrap().verified_on, None);
}

fn agreement(sector: &str, held_on: &str, working_days: Option<u32>) -> Command {
    Command::AddAgreement(AgreementTerms {
        meeting: MeetingRef("meeting-1".into()),
        held_on: date(held_on),
        sector: RefCode::parse(sector).unwrap(),
        text: text("Patrullaje semanal en la comunidad."),
        working_days,
    })
}

#[test]
fn a_meetings_agreement_runs_as_its_sectors_deadline_until_reported_done() {
    let mut w = granted_ordinary();
    let calendar = Calendar::peru_default();
    let department = DepartmentCode::parse("16").unwrap();
    w.apply(agreement("MININTER", "2026-08-13", Some(5)), "2026-08-14");
    let a1 = AgreementNo(1);
    let key = DeadlineKey::agreement(a1);
    let deadline = w.case.deadline(key).unwrap().clone();
    // Five working days from the meeting's day, not from the day recorded.
    assert_eq!(deadline.due, calendar.add_working_days(date("2026-08-13"), 5, Some(department)));
    assert_eq!((deadline.rule.amount, deadline.rule.start_event), (5, StartEvent::CoordinationMeeting));
    let mininter = RefCode::parse("MININTER").unwrap();
    assert_eq!(w.case.sector_of(key), Some(&mininter));
    assert_eq!(w.notifications()[0].audience, Audience::SectorCoordinators(mininter.clone()));
    assert_eq!(w.audits(), [AuditAction::AgreementAdded]);
    // Without a period of its own: the rule's fifteen.
    w.apply(agreement("MINAM", "2026-08-13", None), "2026-08-14");
    let second = w.case.deadline(DeadlineKey::agreement(AgreementNo(2))).unwrap();
    assert_eq!(second.rule.amount, 15);

    // Owed by the sector; overdue, its lead coordinators and supervisors hear.
    assert_eq!(crate::reminders::owners(&w.case, &deadline), [Audience::SectorCoordinators(mininter.clone())]);
    assert_eq!(
        crate::reminders::escalation(&w.case, &deadline),
        [Audience::SectorLeadCoordinators(mininter), Audience::Supervisors]
    );
    // An urgent re-assessment moves the track's deadlines, not what was agreed.
    w.apply(assess(Track::Urgent), "2026-08-17");
    assert_eq!(w.case.deadline(key).unwrap().due, deadline.due);

    w.apply(Command::ReportAgreementDone { agreement: a1, report: None }, "2026-08-25");
    assert_eq!(w.case.agreement(a1).unwrap().done_on, Some(date("2026-08-25")));
    assert_eq!(w.case.deadline(key).unwrap().status, DeadlineStatus::Met { on: date("2026-08-25"), on_time: false });
    assert_eq!(w.notifications()[0].audience, Audience::AssignedOfficer);
    let again = Command::ReportAgreementDone { agreement: a1, report: None };
    assert_eq!(w.try_apply(again, "2026-08-26"), Err(TransitionError::AgreementAlreadyDone));
    let unknown = Command::ReportAgreementDone { agreement: AgreementNo(9), report: None };
    assert_eq!(w.try_apply(unknown, "2026-08-26"), Err(TransitionError::UnknownAgreement(AgreementNo(9))));
    assert_eq!(w.try_apply(agreement("MINAM", "2026-08-27", None), "2026-08-26"), Err(TransitionError::MeetingDate));
    assert_eq!(
        w.try_apply(agreement("MINAM", "2026-08-26", Some(0)), "2026-08-26"),
        Err(TransitionError::AgreementPeriod)
    );
    let records = AgreementRecord::from_history(
        [agreement("MINAM", "2026-08-13", None), Command::ReportAgreementDone { agreement: a1, report: None }].iter(),
    );
    assert_eq!((records.len(), records[0].no, records[0].terms.sector.as_str()), (1, a1, "MINAM"));
}

#[test]
fn a_complaint_is_followed_through_its_stages_even_after_the_case_is_archived() {
    let mut w = Walk::received("2026-07-13");
    let filing = |on: &str| {
        Command::RecordComplaint(ComplaintFiling {
            filed_on: date(on),
            office: text("Fiscalía Provincial Penal de Coronel Portillo"),
            file_number: text("CF 1506014500-2026-123-0"),
        })
    };
    assert_eq!(w.try_apply(filing("2026-07-15"), "2026-07-14"), Err(TransitionError::ComplaintDate));
    assert_eq!(TransitionError::ComplaintDate.input_field(), Some("filedOn"));
    // Filed before the request: the complaint is often what came first.
    w.apply(filing("2026-07-01"), "2026-07-14");
    assert_eq!(w.audits(), [AuditAction::ComplaintRecorded]);
    assert_eq!(
        w.case.complaints,
        [Complaint {
            no: ComplaintNo(1),
            filed_on: date("2026-07-01"),
            status: ComplaintStatus::Filed,
            status_on: date("2026-07-01")
        }]
    );
    w.apply(filing("2026-07-14"), "2026-07-14");
    assert_eq!(w.case.complaints[1].no, ComplaintNo(2));

    let update = |no: u16, status, on: &str| {
        Command::UpdateComplaint(ComplaintUpdate { complaint: ComplaintNo(no), status, on: date(on), note: None })
    };
    assert_eq!(
        w.try_apply(update(3, ComplaintStatus::Dismissed, "2026-07-14"), "2026-07-14"),
        Err(TransitionError::UnknownComplaint(ComplaintNo(3)))
    );
    assert_eq!(
        w.try_apply(update(1, ComplaintStatus::Filed, "2026-07-14"), "2026-07-14"),
        Err(TransitionError::ComplaintStatusUnchanged)
    );
    assert_eq!(
        w.try_apply(update(1, ComplaintStatus::PreliminaryInquiry, "2026-06-30"), "2026-07-14"),
        Err(TransitionError::ComplaintUpdateDate),
        "before the complaint's last stage"
    );
    w.apply(update(1, ComplaintStatus::PreliminaryInquiry, "2026-07-10"), "2026-07-14");
    assert_eq!(w.audits(), [AuditAction::ComplaintUpdated]);
    assert!(w.case.complaint(ComplaintNo(1)).unwrap().status.is_open());

    // Archived, the case still follows its complaints; it takes no new one.
    w.apply(Command::Archive { reason: ArchiveReason::RequestWithdrawn, note: None }, "2026-07-15");
    w.apply(update(1, ComplaintStatus::Dismissed, "2026-07-15"), "2026-07-15");
    assert!(!w.case.complaint(ComplaintNo(1)).unwrap().status.is_open());
    assert!(matches!(w.try_apply(filing("2026-07-15"), "2026-07-15"), Err(TransitionError::NotAllowed { .. })));
}

#[test]
fn each_closing_reason_needs_what_the_procedure_asks() {
    let unreachable =
        |note: Option<&str>| Command::Archive { reason: ArchiveReason::BeneficiaryUnreachable, note: note.map(text) };
    let mut w = Walk::received("2026-07-13");
    assert_eq!(
        w.try_apply(unreachable(None), "2026-07-14"),
        Err(TransitionError::ArchiveRequirement(ArchiveReason::BeneficiaryUnreachable))
    );
    assert_eq!(TransitionError::ArchiveRequirement(ArchiveReason::BeneficiaryUnreachable).input_field(), Some("note"));
    let withdrawn = Command::Archive { reason: ArchiveReason::ConsentWithdrawn, note: None };
    assert!(w.try_apply(withdrawn, "2026-07-14").is_err());
    w.apply(unreachable(Some("Tres llamadas y una visita sin respuesta.")), "2026-07-14");
    assert_eq!(w.case.status, CaseStatus::Archived);
}

#[test]
fn measures_granted_before_reviews_existed_get_their_review_date() {
    let mut w = granted_ordinary();
    w.case.deadlines.retain(|d| d.key.kind != DeadlineKind::MeasureReview);
    let ctx = Context { calendar: &w.calendar, rules: &w.rules };
    let scheduled = w.case.schedule_missing_reviews(&ctx).unwrap().unwrap();
    let reviews: Vec<_> =
        scheduled.case.deadlines.iter().filter(|d| d.key.kind == DeadlineKind::MeasureReview).collect();
    assert_eq!(reviews.len(), 2);
    assert!(reviews.iter().all(|d| d.start == date("2026-08-10")));
    assert!(
        scheduled.effects.contains(&Effect::Audit(AuditEvent { action: AuditAction::ReviewsScheduled, measure: None }))
    );
    assert_eq!(scheduled.case.schedule_missing_reviews(&ctx).unwrap(), None);
}

#[test]
fn a_request_for_information_suspends_the_decision_clock() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02").apply(admit(), "2026-03-02").apply(assess(Track::Urgent), "2026-03-03");
    assert_eq!(w.decision().due, date("2026-03-23"));

    w.apply(Command::RequestInformation { question: text("¿Dónde se encuentra?") }, "2026-03-04");
    assert_eq!(w.case.status, CaseStatus::InformationRequested);
    assert_eq!(w.decision().status, DeadlineStatus::Suspended { since: date("2026-03-04") });
    assert!(w.notifications().iter().any(|n| n.audience == Audience::Requester));

    w.apply(Command::ReceiveInformation { answer: text("En la comunidad.") }, "2026-03-11");
    assert_eq!(w.case.status, CaseStatus::RiskAssessed, "back where it was");
    assert_eq!(w.decision().status, DeadlineStatus::Open);
    assert_eq!(w.decision().due, date("2026-03-30"), "five working days later");
    assert_eq!(
        w.deadline_changes(),
        [
            (DeadlineKind::InformationAnswer, DeadlineChange::Met),
            (DeadlineKind::Decision, DeadlineChange::Resumed { previous_due: date("2026-03-23") }),
        ]
    );
}

#[test]
fn an_unanswered_request_lapses_only_after_its_period() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02")
        .apply(Command::RequestInformation { question: text("¿Consiente?") }, "2026-03-02");
    // Ten working days: due Mon 2026-03-16.
    assert_eq!(
        w.try_apply(Command::CloseInformationPeriod, "2026-03-16"),
        Err(TransitionError::InformationPeriodRunning)
    );
    w.apply(Command::CloseInformationPeriod, "2026-03-17");
    assert_eq!(w.case.status, CaseStatus::UnderReview);
    assert_eq!(w.deadline_changes(), [(DeadlineKind::InformationAnswer, DeadlineChange::Lapsed)]);
}

#[test]
fn commands_out_of_order_are_refused_without_change() {
    let mut w = Walk::received("2026-03-02");
    let before = w.case.clone();
    assert_eq!(
        w.try_apply(resolution("2026-03-02"), "2026-03-02"),
        Err(TransitionError::NotAllowed {
            action: AuditAction::ResolutionIssued,
            status: CaseStatus::Received,
            allowed: vec![CaseStatus::RiskAssessed],
        })
    );
    assert_eq!(
        w.try_apply(resolution("2026-03-02"), "2026-03-02").unwrap_err().to_string(),
        "no se puede emitir la resolución: la solicitud está en estado «Recibida»; \
         solo puede hacerse en estado «Riesgo evaluado»"
    );
    assert_eq!(w.case, before);
    assert!(matches!(
        w.try_apply(Command::NotifyMeasure { measure: M1 }, "2026-03-02"),
        Err(TransitionError::NotAllowed { .. })
    ));
}

#[test]
fn failed_criteria_need_an_override_or_a_refusal() {
    let mut checks = all_met();
    checks[1] = CriterionCheck { criterion: Criterion::Consent, met: false, note: None };
    let admit = AdmissibilityDecision::Admit { override_reason: None };
    assert_eq!(
        AdmissibilityEvaluation::new(checks.clone(), admit.clone()),
        Err(AdmissibilityError::FailedWithoutNote(Criterion::Consent))
    );
    checks[1].note = Some(text("Se negó a firmar."));
    assert_eq!(
        AdmissibilityEvaluation::new(checks.clone(), admit),
        Err(AdmissibilityError::OverrideRequired(Criterion::Consent))
    );
    let overridden = AdmissibilityDecision::Admit { override_reason: Some(text("Riesgo inminente para su vida.")) };
    let evaluation = AdmissibilityEvaluation::new(checks.clone(), overridden).unwrap();
    assert_eq!(evaluation.failed_criteria().collect::<Vec<_>>(), [Criterion::Consent]);

    let refuse = AdmissibilityDecision::NotAdmit { reasons: text("No consiente.") };
    assert!(AdmissibilityEvaluation::new(checks, refuse.clone()).is_ok());
    assert_eq!(AdmissibilityEvaluation::new(all_met(), refuse), Err(AdmissibilityError::NothingFailed));

    let mut missing = all_met();
    missing.pop();
    assert!(matches!(
        AdmissibilityEvaluation::new(missing, AdmissibilityDecision::Admit { override_reason: None }),
        Err(AdmissibilityError::MissingCriterion(_))
    ));
}

#[test]
fn not_admitted_requests_close_a_running_decision_clock() {
    let mut rules = DeadlineRules::peru_default().all().to_vec();
    for rule in rules.iter_mut().filter(|r| r.kind == DeadlineKind::Decision) {
        rule.start_event = StartEvent::Receipt;
    }
    let mut w = Walk::received_with("2026-03-02", DeadlineRules::new(rules).unwrap());
    assert_eq!(w.deadline_changes(), [(DeadlineKind::Decision, DeadlineChange::Set)], "clock starts at receipt");

    let mut checks = all_met();
    checks[4] = CriterionCheck { criterion: Criterion::IsDefender, met: false, note: Some(text("No es defensor.")) };
    let evaluation =
        AdmissibilityEvaluation::new(checks, AdmissibilityDecision::NotAdmit { reasons: text("Fuera del ámbito.") })
            .unwrap();
    w.apply(Command::StartReview, "2026-03-03").apply(Command::EvaluateAdmissibility(evaluation), "2026-03-04");
    assert_eq!(w.case.status, CaseStatus::NotAdmitted);
    assert_eq!(w.decision().status, DeadlineStatus::Met { on: date("2026-03-04"), on_time: true });
    w.apply(Command::Archive { reason: ArchiveReason::NotAdmitted, note: None }, "2026-03-05");
    assert_eq!(w.case.status, CaseStatus::Archived);
}

#[test]
fn a_modified_measure_goes_back_to_its_sector() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02")
        .apply(admit(), "2026-03-02")
        .apply(assess(Track::Ordinary), "2026-03-03")
        .apply(resolution("2026-03-04"), "2026-03-04")
        .apply(Command::NotifyMeasure { measure: M1 }, "2026-03-04")
        .apply(Command::ReportImplemented { measure: M1, report: None }, "2026-03-05");
    let implementation = DeadlineKey::measure(DeadlineKind::MeasureImplementation, M1);
    assert_eq!(w.case.deadline(implementation).unwrap().version, 1);

    let modify =
        Command::ModifyMeasure { measure: M1, act: act("RD 010", "2026-03-09"), details: text("Rondas diarias.") };
    w.apply(modify, "2026-03-09");
    assert_eq!(w.case.measure(M1).unwrap().status, MeasureStatus::Modified);
    w.apply(Command::NotifyMeasure { measure: M1 }, "2026-03-10");
    let again = w.case.deadline(implementation).unwrap();
    assert_eq!((again.version, again.start, again.status), (2, date("2026-03-10"), DeadlineStatus::Open));

    assert_eq!(
        w.try_apply(Command::Archive { reason: ArchiveReason::Concluded, note: None }, "2026-03-11"),
        Err(TransitionError::PendingMeasures)
    );
    assert_eq!(
        w.try_apply(Command::AcknowledgeMeasure { measure: MeasureNo(9) }, "2026-03-11"),
        Err(TransitionError::UnknownMeasure(MeasureNo(9)))
    );
}

#[test]
fn acts_cannot_be_dated_in_the_future() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02").apply(admit(), "2026-03-02").apply(assess(Track::Urgent), "2026-03-03");
    assert_eq!(w.try_apply(resolution("2026-03-05"), "2026-03-04"), Err(TransitionError::ActDate));
    assert_eq!(w.try_apply(resolution("2026-03-01"), "2026-03-04"), Err(TransitionError::ActDate));
}

#[test]
fn every_transition_has_exactly_one_audit_event() {
    let mut w = Walk::received("2026-03-02");
    let commands = [
        (Command::StartReview, "2026-03-02"),
        (admit(), "2026-03-02"),
        (assess(Track::Ordinary), "2026-03-03"),
        (resolution("2026-03-04"), "2026-03-04"),
        (Command::NotifyMeasure { measure: M1 }, "2026-03-04"),
        (Command::NotifyMeasure { measure: M2 }, "2026-03-04"),
        (Command::AcknowledgeMeasure { measure: M2 }, "2026-03-05"),
        (Command::ReportNotFeasible { measure: M2, reason: text("Sin presupuesto.") }, "2026-03-06"),
    ];
    for (command, on) in commands {
        w.apply(command, on);
        assert_eq!(w.audits().len(), 1);
    }
    assert!(w.notifications().iter().any(|n| n.audience == Audience::Supervisors));
}

#[test]
fn a_calendar_change_moves_open_deadlines_and_tells_the_owner() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02").apply(admit(), "2026-03-02").apply(assess(Track::Urgent), "2026-03-03");
    assert_eq!(w.decision().due, date("2026-03-23"));

    // A decree makes Friday 2026-03-13 a non-working day for Loreto (16).
    let decree = NonWorkingDay {
        date: date("2026-03-13"),
        department: Some(DepartmentCode::parse("16").unwrap()),
        legal_basis: "DS 999-2026-PCM".into(),
        source: None,
    };
    let calendar = Calendar::new(1, crate::calendar::peru_national_holiday_rules(), vec![decree], vec![]).unwrap();
    let ctx = Context { calendar: &calendar, rules: &w.rules };
    let t = w.case.recompute_deadlines(&ctx);
    let decision = t.case.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap();
    assert_eq!((decision.due, decision.version, decision.calendar_version), (date("2026-03-24"), 3, 1));
    assert!(t.effects.iter().any(|e| matches!(e, Effect::Notify(n) if n.audience == Audience::AssignedOfficer)));

    // The same change again moves nothing and tells no one.
    let again = t.case.recompute_deadlines(&ctx);
    assert_eq!(again.effects.len(), 1, "only the audit event");
}

#[test]
fn consent_withdrawn_before_a_resolution_archives_the_request() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02").apply(admit(), "2026-03-02");
    w.apply(Command::WithdrawConsent { reason: None }, "2026-03-03");
    assert_eq!(w.case.status, CaseStatus::Archived);
    assert_eq!(w.decision().status, DeadlineStatus::Cancelled { on: date("2026-03-03") });
    assert!(w.notifications().iter().any(|n| n.audience == Audience::Supervisors));
}

#[test]
fn consent_withdrawn_with_measures_in_force_asks_the_officer_to_lift_them() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::StartReview, "2026-03-02")
        .apply(admit(), "2026-03-02")
        .apply(assess(Track::Ordinary), "2026-03-03")
        .apply(resolution("2026-03-04"), "2026-03-04")
        .apply(Command::WithdrawConsent { reason: Some(text("Ya no desea protección.")) }, "2026-03-05");
    assert_eq!(w.case.status, CaseStatus::ResolutionIssued);
    assert_eq!(w.case.consent_withdrawn_on, Some(date("2026-03-05")));
    assert_eq!(
        w.try_apply(Command::Archive { reason: ArchiveReason::ConsentWithdrawn, note: None }, "2026-03-05"),
        Err(TransitionError::PendingMeasures)
    );
    for measure in [M1, M2] {
        let lift = Command::LiftMeasure { measure, act: act("RD 003", "2026-03-05"), reason: text("Retiro.") };
        w.apply(lift, "2026-03-05");
    }
    w.apply(Command::Archive { reason: ArchiveReason::ConsentWithdrawn, note: None }, "2026-03-06");
    assert_eq!(w.case.status, CaseStatus::Archived);
}

#[test]
fn a_progress_report_acknowledges_and_assignment_is_recorded() {
    let mut w = Walk::received("2026-03-02");
    w.apply(Command::Assign { officer: StaffRef("officer-1".into()) }, "2026-03-02");
    assert_eq!(w.case.assigned_officer, Some(StaffRef("officer-1".into())));
    assert_eq!(w.audits(), [AuditAction::Assigned]);
    w.apply(Command::StartReview, "2026-03-02")
        .apply(admit(), "2026-03-02")
        .apply(assess(Track::Ordinary), "2026-03-03")
        .apply(resolution("2026-03-04"), "2026-03-04")
        .apply(Command::NotifyMeasure { measure: M1 }, "2026-03-04")
        .apply(Command::ReportProgress { measure: M1, report: text("Patrullaje coordinado.") }, "2026-03-05");
    assert_eq!(w.case.measure(M1).unwrap().status, MeasureStatus::Acknowledged);
    assert_eq!(w.deadline_changes(), [(DeadlineKind::MeasureAcknowledgement, DeadlineChange::Met)]);
    w.apply(Command::AddEvidence { description: text("Nueva amenaza"), reference: None, file: None }, "2026-03-06");
    assert_eq!(w.audits(), [AuditAction::EvidenceAdded]);
}
