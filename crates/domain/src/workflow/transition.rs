//! The workflow as pure functions: `(case, command, today, context) ->
//! (new case, effects)`. Nothing here reads a clock or a database; every
//! `match` on a state or a command is exhaustive, so a new state or command
//! does not compile until each transition has decided what it means.

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::deadline::{
    Deadline, DeadlineKey, DeadlineKind, DeadlineRule, DeadlineRules, DeadlineStatus, RuleError, StartEvent,
};
use crate::place::DepartmentCode;
use crate::workflow::agreement::next_agreement_no;
use crate::workflow::complaint::next_complaint_no;
use crate::workflow::steps;
use crate::workflow::{
    ActReference, AdmissibilityDecision, Agreement, AgreementNo, ArchiveReason, Audience, AuditAction, AuditEvent,
    Case, CaseStatus, Command, Complaint, ComplaintNo, ComplaintStatus, DeadlineChange, Effect,
    MAX_AGREEMENT_WORKING_DAYS, Measure, MeasureNo, MeasureStatus, Notification, OpenInformationRequest, Topic, Track,
};

/// What a transition is computed with besides the case and the command.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub calendar: &'a Calendar,
    pub rules: &'a DeadlineRules,
}

/// The outcome of a transition: the case as it is now and what the shell
/// must do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case: Case,
    pub effects: Vec<Effect>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The step does not fit where the request stands; `allowed` are the
    /// states where it does.
    #[error("{}", refusal("la solicitud", *.action, .status.label(), .allowed.iter().map(|s| s.label())))]
    NotAllowed { action: AuditAction, status: CaseStatus, allowed: Vec<CaseStatus> },
    /// The step does not fit where the measure stands.
    #[error("{}", refusal("la medida", *.action, .status.label(), .allowed.iter().map(|s| s.label())))]
    MeasureNotAllowed { action: AuditAction, status: MeasureStatus, allowed: Vec<MeasureStatus> },
    #[error("la solicitud no tiene la medida n.° {}", .0.0)]
    UnknownMeasure(MeasureNo),
    #[error("la fecha del acto no puede ser posterior a hoy ni anterior a la recepción de la solicitud")]
    ActDate,
    #[error("la resolución debe otorgar o denegar al menos una medida")]
    EmptyResolution,
    #[error("el plazo de respuesta del solicitante aún no ha vencido")]
    InformationPeriodRunning,
    #[error("hay medidas pendientes: levántelas o espere el informe del sector antes de archivar")]
    PendingMeasures,
    #[error("la prórroga debe terminar después de hoy")]
    ExtensionNotInFuture,
    /// A renewal needs the risk assessed since the measure was granted or
    /// last renewed.
    #[error(
        "para renovar la medida, evalúe antes el riesgo de nuevo: la última evaluación es anterior a su otorgamiento o última renovación"
    )]
    AssessmentRequired,
    #[error("la fecha del incidente no puede ser posterior a hoy ni anterior a la recepción de la solicitud")]
    IncidentDate,
    #[error("la fecha de la denuncia no puede ser posterior a hoy")]
    ComplaintDate,
    #[error("la fecha no puede ser posterior a hoy ni anterior a la del estado anterior de la denuncia")]
    ComplaintUpdateDate,
    #[error("la fecha de la reunión no puede ser posterior a hoy ni anterior a la recepción de la solicitud")]
    MeetingDate,
    #[error("el plazo de un acuerdo debe estar entre 1 y 365 días hábiles")]
    AgreementPeriod,
    #[error("la solicitud no tiene el acuerdo n.° {}", .0.0)]
    UnknownAgreement(AgreementNo),
    #[error("el sector ya informó que cumplió este acuerdo")]
    AgreementAlreadyDone,
    #[error("la solicitud no tiene la denuncia n.° {}", .0.0)]
    UnknownComplaint(ComplaintNo),
    #[error("la denuncia ya está en ese estado")]
    ComplaintStatusUnchanged,
    /// What closing for this reason needs is missing.
    #[error("{}", archive_requirement(*.0))]
    ArchiveRequirement(ArchiveReason),
    #[error(transparent)]
    Rules(#[from] RuleError),
}

/// What archiving for `reason` needs, said to the person who tried.
fn archive_requirement(reason: ArchiveReason) -> &'static str {
    match reason {
        ArchiveReason::Concluded => {
            "para archivar por conclusión, ninguna medida debe seguir vigente: levántelas antes"
        }
        ArchiveReason::RiskCeased => {
            "para archivar por cese del riesgo, evalúe antes el riesgo de nuevo: hace falta una evaluación posterior a la resolución"
        }
        ArchiveReason::ConsentWithdrawn => "la persona protegida no ha retirado su consentimiento",
        ArchiveReason::BeneficiaryUnreachable => "explique en la nota cómo se intentó ubicar a la persona beneficiaria",
        ArchiveReason::Referred => "indique en la nota a qué entidad se derivó el caso",
        ArchiveReason::RequestWithdrawn | ArchiveReason::Duplicate | ArchiveReason::NotAdmitted => "",
    }
}

/// `no se puede calificar la solicitud: la solicitud está en estado
/// «Recibida»; solo puede hacerse en estado «En calificación»`. The states
/// where it can be done are named when they are few (three at most);
/// otherwise the one it is in says enough (an archived request).
fn refusal<'a>(what: &str, action: AuditAction, status: &str, allowed: impl Iterator<Item = &'a str>) -> String {
    let allowed: Vec<String> = allowed.map(|label| format!("«{label}»")).collect();
    let hint = match allowed.as_slice() {
        [one] => format!("; solo puede hacerse en estado {one}"),
        [first, second] => format!("; solo puede hacerse en los estados {first} y {second}"),
        [first, second, third] => format!("; solo puede hacerse en los estados {first}, {second} o {third}"),
        _ => String::new(),
    };
    format!("no se puede {}: {what} está en estado «{status}»{hint}", action.label())
}

impl TransitionError {
    /// The command's input a person must correct, when the refusal is
    /// about one (the act's date, an empty resolution, an extension's end)
    /// rather than about the case's state.
    pub fn input_field(&self) -> Option<&'static str> {
        match self {
            TransitionError::ActDate => Some("act.date"),
            TransitionError::EmptyResolution => Some("granted"),
            TransitionError::ExtensionNotInFuture => Some("until"),
            TransitionError::IncidentDate => Some("incident.occurredOn"),
            TransitionError::ComplaintDate => Some("filedOn"),
            TransitionError::ComplaintUpdateDate => Some("on"),
            TransitionError::UnknownComplaint(_) => Some("complaintNumber"),
            TransitionError::ComplaintStatusUnchanged => Some("status"),
            TransitionError::MeetingDate => Some("heldOn"),
            TransitionError::AgreementPeriod => Some("workingDays"),
            TransitionError::UnknownAgreement(_) => Some("agreementNumber"),
            TransitionError::ArchiveRequirement(reason) => match reason {
                ArchiveReason::BeneficiaryUnreachable | ArchiveReason::Referred => Some("note"),
                ArchiveReason::Concluded
                | ArchiveReason::RiskCeased
                | ArchiveReason::ConsentWithdrawn
                | ArchiveReason::RequestWithdrawn
                | ArchiveReason::Duplicate
                | ArchiveReason::NotAdmitted => Some("reason"),
            },
            TransitionError::NotAllowed { .. }
            | TransitionError::MeasureNotAllowed { .. }
            | TransitionError::UnknownMeasure(_)
            | TransitionError::InformationPeriodRunning
            | TransitionError::PendingMeasures
            | TransitionError::AssessmentRequired
            | TransitionError::AgreementAlreadyDone
            | TransitionError::Rules(_) => None,
        }
    }
}

impl Case {
    /// A request has just been received: the case is born.
    pub fn receive(
        received_on: NaiveDate,
        department: DepartmentCode,
        ctx: &Context<'_>,
    ) -> Result<Transition, TransitionError> {
        let case = Case {
            status: CaseStatus::Received,
            department,
            received_on,
            admitted_on: None,
            assigned_officer: None,
            consent_withdrawn_on: None,
            track: None,
            risk_level: None,
            risk_assessed_on: None,
            information_request: None,
            resolution: None,
            plan_set_on: None,
            measures: Vec::new(),
            complaints: Vec::new(),
            agreements: Vec::new(),
            deadlines: Vec::new(),
        };
        let mut step = Step::new(&case, received_on, ctx);
        step.start_decision_clock_on(StartEvent::Receipt)?;
        step.notify(Audience::Officers, Topic::NewRequest);
        Ok(step.finish(AuditAction::Received, None))
    }

    /// Applies one command on `today`.
    pub fn apply(&self, command: Command, today: NaiveDate, ctx: &Context<'_>) -> Result<Transition, TransitionError> {
        let mut step = Step::new(self, today, ctx);
        let measure = command.measure();
        let action = match command {
            Command::Assign { officer } => {
                step.require(AuditAction::Assigned)?;
                step.case.assigned_officer = Some(officer);
                step.notify(Audience::AssignedOfficer, Topic::Assigned);
                AuditAction::Assigned
            }
            Command::AddEvidence { description: _, reference: _, file: _ } => {
                step.require(AuditAction::EvidenceAdded)?;
                step.notify(Audience::AssignedOfficer, Topic::EvidenceAdded);
                AuditAction::EvidenceAdded
            }
            Command::WithdrawConsent { reason: _ } => {
                step.require(AuditAction::ConsentWithdrawn)?;
                // Kept whatever follows: the requester and the registry see
                // that (and when) consent was withdrawn.
                step.case.consent_withdrawn_on = Some(today);
                // Measures in force are lifted by acts, one by one: the
                // officer is told and the case says why. With none, nothing
                // is left to do.
                if !step.case.measures.iter().any(|m| m.status.is_in_force()) {
                    step.archive();
                }
                step.notify(Audience::AssignedOfficer, Topic::ConsentWithdrawn);
                step.notify(Audience::Supervisors, Topic::ConsentWithdrawn);
                AuditAction::ConsentWithdrawn
            }
            Command::StartReview => {
                step.require(AuditAction::ReviewStarted)?;
                step.case.status = CaseStatus::UnderReview;
                AuditAction::ReviewStarted
            }
            Command::RequestInformation { question: _ } => {
                let action = AuditAction::InformationRequested;
                step.require(action)?;
                step.case.information_request =
                    Some(OpenInformationRequest { requested_on: today, resume_status: step.case.status });
                step.case.status = CaseStatus::InformationRequested;
                step.set_deadline(DeadlineKey::case(DeadlineKind::InformationAnswer), today)?;
                step.suspend(decision_key());
                step.notify(Audience::Requester, Topic::InformationRequested);
                action
            }
            Command::ReceiveInformation { answer: _ } => {
                let action = AuditAction::InformationReceived;
                step.require(action)?;
                step.end_information_request(DeadlineChange::Met);
                step.notify(Audience::AssignedOfficer, Topic::InformationReceived);
                action
            }
            Command::CloseInformationPeriod => {
                let action = AuditAction::InformationPeriodClosed;
                step.require(action)?;
                let still_running =
                    step.case.deadline(information_key()).is_some_and(|d| d.is_pending() && today <= d.due);
                if still_running {
                    return Err(TransitionError::InformationPeriodRunning);
                }
                step.end_information_request(DeadlineChange::Lapsed);
                action
            }
            Command::EvaluateAdmissibility(evaluation) => {
                let action = AuditAction::AdmissibilityEvaluated;
                step.require(action)?;
                match evaluation.decision() {
                    AdmissibilityDecision::Admit { .. } => {
                        step.case.status = CaseStatus::Admitted;
                        step.case.admitted_on = Some(today);
                        step.start_decision_clock_on(StartEvent::Admission)?;
                    }
                    AdmissibilityDecision::NotAdmit { .. } => {
                        step.case.status = CaseStatus::NotAdmitted;
                        step.close(decision_key(), DeadlineChange::Met, today);
                    }
                    AdmissibilityDecision::Refer { .. } => {
                        step.case.status = CaseStatus::Referred;
                        step.close(decision_key(), DeadlineChange::Met, today);
                    }
                }
                step.notify(Audience::Requester, Topic::StatusChanged(step.case.status));
                action
            }
            Command::AssessRisk { track, level, summary: _ } => {
                let action = AuditAction::RiskAssessed;
                let before_decision = [CaseStatus::Admitted, CaseStatus::RiskAssessed];
                step.require(action)?;
                // Deadlines so far were computed for the effective track
                // (ordinary until a first assessment says otherwise).
                let track_changed = step.case.effective_track() != track;
                step.case.track = Some(track);
                step.case.risk_level = Some(level);
                step.case.risk_assessed_on = Some(today);
                step.close(reassessment_key(), DeadlineChange::Met, today);
                if before_decision.contains(&step.case.status) {
                    step.case.status = CaseStatus::RiskAssessed;
                }
                step.start_decision_clock_on(StartEvent::RiskAssessment)?;
                if track_changed {
                    step.follow_track_change();
                }
                action
            }
            Command::IssueResolution(resolution) => {
                let action = AuditAction::ResolutionIssued;
                step.require(action)?;
                step.check_act_date(&resolution.act)?;
                if resolution.granted.is_empty() && resolution.denied.is_empty() {
                    return Err(TransitionError::EmptyResolution);
                }
                let first_no = step.case.measures.iter().map(|m| m.no.0).max().unwrap_or(0) + 1;
                let granted_nos: Vec<MeasureNo> = (first_no..).take(resolution.granted.len()).map(MeasureNo).collect();
                for (no, granted) in (first_no..).zip(resolution.granted) {
                    step.case.measures.push(Measure {
                        no: MeasureNo(no),
                        measure_type: granted.measure_type,
                        sector: granted.sector,
                        status: MeasureStatus::Granted,
                        notified_on: None,
                        extended_until: None,
                        verified_on: None,
                    });
                }
                for no in granted_nos {
                    step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, no), resolution.act.date)?;
                }
                step.close(decision_key(), DeadlineChange::Met, resolution.act.date);
                step.case.resolution = Some(resolution.act);
                step.case.status = CaseStatus::ResolutionIssued;
                step.notify(Audience::Requester, Topic::StatusChanged(CaseStatus::ResolutionIssued));
                action
            }
            Command::NotifyMeasure { measure } => {
                let action = AuditAction::MeasureNotified;
                step.require(action)?;
                let sector = step.measure_transition(measure, action, MeasureStatus::Notified)?.sector.clone();
                if let Some(m) = step.case.measures.iter_mut().find(|m| m.no == measure) {
                    m.notified_on = Some(today);
                }
                step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureAcknowledgement, measure), today)?;
                step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureImplementation, measure), today)?;
                step.notify(Audience::SectorCoordinators(sector), Topic::MeasureNotified(measure));
                action
            }
            Command::AcknowledgeMeasure { measure } => {
                let action = AuditAction::MeasureAcknowledged;
                step.require(action)?;
                step.measure_transition(measure, action, MeasureStatus::Acknowledged)?;
                step.close(
                    DeadlineKey::measure(DeadlineKind::MeasureAcknowledgement, measure),
                    DeadlineChange::Met,
                    today,
                );
                action
            }
            Command::ReportProgress { measure, report: _ } => {
                let action = AuditAction::MeasureProgressReported;
                step.require(action)?;
                step.measure_transition(measure, action, MeasureStatus::Acknowledged)?;
                step.close(
                    DeadlineKey::measure(DeadlineKind::MeasureAcknowledgement, measure),
                    DeadlineChange::Met,
                    today,
                );
                step.notify(Audience::AssignedOfficer, Topic::MeasureProgressReported(measure));
                action
            }
            Command::ReportImplemented { measure, report: _ } => {
                let action = AuditAction::MeasureImplemented;
                step.require(action)?;
                step.measure_transition(measure, action, MeasureStatus::Implemented)?;
                step.close_measure_deadlines(measure, DeadlineChange::Met);
                // The sector's word is checked: the officer verifies it.
                step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureVerification, measure), today)?;
                step.notify(Audience::AssignedOfficer, Topic::MeasureImplemented(measure));
                action
            }
            Command::ReportNotFeasible { measure, reason: _ } => {
                let action = AuditAction::MeasureNotFeasible;
                step.require(action)?;
                step.measure_transition(measure, action, MeasureStatus::NotFeasible)?;
                step.close_measure_deadlines(measure, DeadlineChange::Met);
                step.notify(Audience::AssignedOfficer, Topic::MeasureNotFeasible(measure));
                step.notify(Audience::Supervisors, Topic::MeasureNotFeasible(measure));
                action
            }
            Command::ModifyMeasure { measure, act, details: _ } => {
                let action = AuditAction::MeasureModified;
                step.require(action)?;
                step.check_act_date(&act)?;
                step.measure_transition(measure, action, MeasureStatus::Modified)?;
                step.close_measure_deadlines(measure, DeadlineChange::Cancelled);
                step.close(
                    DeadlineKey::measure(DeadlineKind::MeasureVerification, measure),
                    DeadlineChange::Cancelled,
                    today,
                );
                // The measure as changed has yet to be carried out and checked.
                step.set_verified(measure, None);
                // The review happened: the measure as changed is reviewed
                // in its turn, counted from the act that changed it.
                step.close(DeadlineKey::measure(DeadlineKind::MeasureReview, measure), DeadlineChange::Met, today);
                step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, measure), act.date)?;
                action
            }
            Command::ExtendMeasure { measure, act, until } => {
                let action = AuditAction::MeasureExtended;
                step.require(action)?;
                step.check_act_date(&act)?;
                if until <= today {
                    return Err(TransitionError::ExtensionNotInFuture);
                }
                step.measure_transition(measure, action, MeasureStatus::Extended)?;
                if let Some(m) = step.case.measures.iter_mut().find(|m| m.no == measure) {
                    m.extended_until = Some(until);
                }
                action
            }
            Command::LiftMeasure { measure, act, reason: _ } => {
                let action = AuditAction::MeasureLifted;
                step.require(action)?;
                step.check_act_date(&act)?;
                let lifted = step.measure_transition(measure, action, MeasureStatus::Lifted)?;
                let (sector, was_notified) = (lifted.sector.clone(), lifted.notified_on.is_some());
                step.close_measure_deadlines(measure, DeadlineChange::Cancelled);
                step.close(
                    DeadlineKey::measure(DeadlineKind::MeasureVerification, measure),
                    DeadlineChange::Cancelled,
                    today,
                );
                step.close(DeadlineKey::measure(DeadlineKind::MeasureReview, measure), DeadlineChange::Met, today);
                if was_notified {
                    step.notify(Audience::SectorCoordinators(sector), Topic::MeasureLifted(measure));
                }
                action
            }
            Command::RenewMeasure { measure, act } => {
                let action = AuditAction::MeasureRenewed;
                step.require(action)?;
                step.check_act_date(&act)?;
                let review = DeadlineKey::measure(DeadlineKind::MeasureReview, measure);
                step.measure_transition(measure, action, None)?;
                let granted_on = step.case.resolution.as_ref().map_or(step.case.received_on, |r| r.date);
                let period_start = step.case.deadline(review).map_or(granted_on, |d| d.start);
                if step.case.risk_assessed_on.is_none_or(|on| on < period_start) {
                    return Err(TransitionError::AssessmentRequired);
                }
                step.close(review, DeadlineChange::Met, today);
                step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, measure), act.date)?;
                action
            }
            Command::SetPlanGoal { goal: _ } => {
                let action = AuditAction::PlanGoalSet;
                step.require(action)?;
                step.case.plan_set_on = Some(today);
                action
            }
            Command::VerifyMeasure { measure, verified, note: _ } => {
                let action = AuditAction::MeasureVerified;
                step.require(action)?;
                // Not as reported: back to the sector, whose time to carry
                // it out runs again from today.
                let back_to = (!verified).then_some(MeasureStatus::Acknowledged);
                let sector = step.measure_transition(measure, action, back_to)?.sector.clone();
                step.close(
                    DeadlineKey::measure(DeadlineKind::MeasureVerification, measure),
                    DeadlineChange::Met,
                    today,
                );
                if verified {
                    step.set_verified(measure, Some(today));
                } else {
                    step.set_verified(measure, None);
                    step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureImplementation, measure), today)?;
                    step.notify(Audience::SectorCoordinators(sector), Topic::MeasureVerificationFailed(measure));
                }
                action
            }
            Command::ReportIncident(incident) => {
                let action = AuditAction::IncidentReported;
                step.require(action)?;
                if incident.occurred_on > today || incident.occurred_on < step.case.received_on {
                    return Err(TransitionError::IncidentDate);
                }
                // Before admission the incident joins the facts the first
                // assessment weighs; afterwards it starts a new one.
                if steps::case_allows(AuditAction::RiskAssessed, step.case.status) {
                    let track = match incident.threatens_life_or_integrity() {
                        true => Track::Urgent,
                        false => step.case.effective_track(),
                    };
                    step.start_reassessment(track)?;
                }
                step.notify(Audience::AssignedOfficer, Topic::IncidentReported);
                if incident.threatens_life_or_integrity() {
                    step.notify(Audience::Supervisors, Topic::IncidentReported);
                }
                action
            }
            Command::RecordComplaint(filing) => {
                let action = AuditAction::ComplaintRecorded;
                step.require(action)?;
                if filing.filed_on > today {
                    return Err(TransitionError::ComplaintDate);
                }
                let no = next_complaint_no(step.case.complaints.iter().map(|c| c.no));
                step.case.complaints.push(Complaint {
                    no,
                    filed_on: filing.filed_on,
                    status: ComplaintStatus::Filed,
                    status_on: filing.filed_on,
                });
                action
            }
            Command::UpdateComplaint(update) => {
                let action = AuditAction::ComplaintUpdated;
                step.require(action)?;
                let complaint = step
                    .case
                    .complaints
                    .iter_mut()
                    .find(|c| c.no == update.complaint)
                    .ok_or(TransitionError::UnknownComplaint(update.complaint))?;
                if update.status == complaint.status {
                    return Err(TransitionError::ComplaintStatusUnchanged);
                }
                if update.on > today || update.on < complaint.status_on {
                    return Err(TransitionError::ComplaintUpdateDate);
                }
                complaint.status = update.status;
                complaint.status_on = update.on;
                action
            }
            Command::AddAgreement(terms) => {
                let action = AuditAction::AgreementAdded;
                step.require(action)?;
                if terms.held_on > today || terms.held_on < step.case.received_on {
                    return Err(TransitionError::MeetingDate);
                }
                let mut rule = ctx.rules.rule(DeadlineKind::Agreement, step.case.effective_track())?.clone();
                if let Some(days) = terms.working_days {
                    if !(1..=MAX_AGREEMENT_WORKING_DAYS).contains(&days) {
                        return Err(TransitionError::AgreementPeriod);
                    }
                    rule.amount = days;
                }
                let no = next_agreement_no(step.case.agreements.iter().map(|a| a.no));
                step.case.agreements.push(Agreement {
                    no,
                    meeting: terms.meeting,
                    sector: terms.sector.clone(),
                    agreed_on: terms.held_on,
                    done_on: None,
                });
                step.set_deadline_with(DeadlineKey::agreement(no), &rule, terms.held_on);
                step.notify(Audience::SectorCoordinators(terms.sector), Topic::AgreementAdded(no));
                action
            }
            Command::ReportAgreementDone { agreement, report: _ } => {
                let action = AuditAction::AgreementDone;
                step.require(action)?;
                let done = step
                    .case
                    .agreements
                    .iter_mut()
                    .find(|a| a.no == agreement)
                    .ok_or(TransitionError::UnknownAgreement(agreement))?;
                if done.done_on.is_some() {
                    return Err(TransitionError::AgreementAlreadyDone);
                }
                done.done_on = Some(today);
                step.close(DeadlineKey::agreement(agreement), DeadlineChange::Met, today);
                step.notify(Audience::AssignedOfficer, Topic::AgreementDone(agreement));
                action
            }
            Command::Archive { reason, note } => {
                let action = AuditAction::Archived;
                step.require(action)?;
                if step.case.measures.iter().any(|m| m.status.is_pending()) {
                    return Err(TransitionError::PendingMeasures);
                }
                if !step.case.allows_archiving(reason, note.is_some()) {
                    return Err(TransitionError::ArchiveRequirement(reason));
                }
                let pending: Vec<DeadlineKey> = step.case.pending_deadlines().map(|d| d.key).collect();
                for key in pending {
                    step.close(key, DeadlineChange::Cancelled, today);
                }
                step.case.information_request = None;
                step.case.status = CaseStatus::Archived;
                action
            }
        };
        step.settle_measure_phase();
        Ok(step.finish(action, measure))
    }

    /// Recomputes every pending deadline with `ctx.calendar` (after the
    /// calendar changed). Deadlines keep the rule they were set with.
    pub fn recompute_deadlines(&self, ctx: &Context<'_>) -> Transition {
        let mut step = Step::new(self, self.received_on, ctx);
        let keys: Vec<DeadlineKey> = step.case.pending_deadlines().map(|d| d.key).collect();
        for key in keys {
            step.recompute(key, None);
        }
        step.finish(AuditAction::DeadlinesRecomputed, None)
    }
}

impl Case {
    /// Gives every measure still in force that has no review deadline one,
    /// by the rules, from the resolution's date: for measures granted
    /// before reviews existed. `None` when none lacks one.
    pub fn schedule_missing_reviews(&self, ctx: &Context<'_>) -> Result<Option<Transition>, TransitionError> {
        let granted_on = self.resolution.as_ref().map_or(self.received_on, |r| r.date);
        let missing: Vec<MeasureNo> = self
            .measures
            .iter()
            .filter(|m| m.status.is_in_force())
            .filter(|m| self.deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, m.no)).is_none())
            .map(|m| m.no)
            .collect();
        if missing.is_empty() || !self.status.is_open() {
            return Ok(None);
        }
        let mut step = Step::new(self, granted_on, ctx);
        for no in missing {
            step.set_deadline(DeadlineKey::measure(DeadlineKind::MeasureReview, no), granted_on)?;
        }
        Ok(Some(step.finish(AuditAction::ReviewsScheduled, None)))
    }

    /// Whether the case may be closed for `reason` (with a note or not),
    /// besides having no measure pending.
    fn allows_archiving(&self, reason: ArchiveReason, has_note: bool) -> bool {
        match reason {
            ArchiveReason::Concluded => !self.measures.iter().any(|m| m.status.is_in_force()),
            ArchiveReason::RiskCeased => match (&self.resolution, self.risk_assessed_on) {
                (_, None) => false,
                (Some(resolution), Some(assessed)) => assessed >= resolution.date,
                (None, Some(_)) => true,
            },
            ArchiveReason::ConsentWithdrawn => self.consent_withdrawn_on.is_some(),
            ArchiveReason::BeneficiaryUnreachable | ArchiveReason::Referred => has_note,
            ArchiveReason::RequestWithdrawn | ArchiveReason::Duplicate | ArchiveReason::NotAdmitted => true,
        }
    }
}

/// Every status but `Archived`.
fn decision_key() -> DeadlineKey {
    DeadlineKey::case(DeadlineKind::Decision)
}

fn information_key() -> DeadlineKey {
    DeadlineKey::case(DeadlineKind::InformationAnswer)
}

fn reassessment_key() -> DeadlineKey {
    DeadlineKey::case(DeadlineKind::Reassessment)
}

/// A transition being computed: the case as it becomes and the effects so far.
struct Step<'a> {
    case: Case,
    effects: Vec<Effect>,
    today: NaiveDate,
    ctx: &'a Context<'a>,
}

impl<'a> Step<'a> {
    fn new(case: &Case, today: NaiveDate, ctx: &'a Context<'a>) -> Self {
        Self { case: case.clone(), effects: Vec::new(), today, ctx }
    }

    fn finish(mut self, action: AuditAction, measure: Option<MeasureNo>) -> Transition {
        self.effects.push(Effect::Audit(AuditEvent { action, measure }));
        Transition { case: self.case, effects: self.effects }
    }

    /// The case must be in one of the states where `action` may be taken
    /// ([`steps::case_states`]; a measure's steps once a resolution granted
    /// measures).
    fn require(&self, action: AuditAction) -> Result<(), TransitionError> {
        let allowed = steps::case_states(action);
        if allowed.contains(&self.case.status) {
            Ok(())
        } else {
            Err(TransitionError::NotAllowed { action, status: self.case.status, allowed })
        }
    }

    /// Moves one measure from one of the states `action` starts from
    /// ([`steps::measure_states`]) to `to`, returning it.
    fn measure_transition(
        &mut self,
        no: MeasureNo,
        action: AuditAction,
        to: impl Into<Option<MeasureStatus>>,
    ) -> Result<&Measure, TransitionError> {
        let measure = self.case.measures.iter_mut().find(|m| m.no == no).ok_or(TransitionError::UnknownMeasure(no))?;
        let from = steps::measure_states(action);
        if !from.contains(&measure.status) {
            return Err(TransitionError::MeasureNotAllowed { action, status: measure.status, allowed: from });
        }
        if let Some(to) = to.into() {
            measure.status = to;
        }
        Ok(measure)
    }

    /// Once measures exist, the case is "in implementation" while any is
    /// pending and "in follow-up" when none is; before the first
    /// notification it stays "resolution issued".
    fn settle_measure_phase(&mut self) {
        let any_notified = self.case.measures.iter().any(|m| m.notified_on.is_some());
        let any_pending = self.case.measures.iter().any(|m| m.status.is_pending());
        self.case.status = match self.case.status {
            CaseStatus::ResolutionIssued if !any_notified => CaseStatus::ResolutionIssued,
            CaseStatus::ResolutionIssued | CaseStatus::MeasuresInImplementation | CaseStatus::FollowUp => {
                if any_pending { CaseStatus::MeasuresInImplementation } else { CaseStatus::FollowUp }
            }
            status @ (CaseStatus::Received
            | CaseStatus::UnderReview
            | CaseStatus::InformationRequested
            | CaseStatus::NotAdmitted
            | CaseStatus::Referred
            | CaseStatus::Admitted
            | CaseStatus::RiskAssessed
            | CaseStatus::Archived) => status,
        };
    }

    /// Closes the file: every pending deadline is cancelled.
    fn archive(&mut self) {
        let pending: Vec<DeadlineKey> = self.case.pending_deadlines().map(|d| d.key).collect();
        for key in pending {
            self.close(key, DeadlineChange::Cancelled, self.today);
        }
        self.case.information_request = None;
        self.case.status = CaseStatus::Archived;
    }

    fn check_act_date(&self, act: &ActReference) -> Result<(), TransitionError> {
        if act.date > self.today || act.date < self.case.received_on {
            return Err(TransitionError::ActDate);
        }
        Ok(())
    }

    fn notify(&mut self, audience: Audience, topic: Topic) {
        self.effects.push(Effect::Notify(Notification { audience, topic }));
    }

    /// Puts `deadline` in the case, replacing the one with the same key.
    fn store(&mut self, deadline: Deadline) {
        match self.case.deadlines.iter_mut().find(|d| d.key == deadline.key) {
            Some(slot) => *slot = deadline,
            None => self.case.deadlines.push(deadline),
        }
    }

    fn record(&mut self, change: DeadlineChange, deadline: Deadline) {
        self.store(deadline.clone());
        self.effects.push(Effect::Deadline { change, deadline });
    }

    /// Sets the decision deadline if the rules start it on `event` and it is
    /// not set yet.
    fn start_decision_clock_on(&mut self, event: StartEvent) -> Result<(), TransitionError> {
        if self.ctx.rules.decision_start() == event && self.case.deadline(decision_key()).is_none() {
            self.set_deadline(DeadlineKey::case(DeadlineKind::Decision), self.today)?;
        }
        Ok(())
    }

    /// Sets (or sets again) a deadline counted from `start`, on the case's
    /// current track. Setting again keeps counting versions upwards so that
    /// reminders of the earlier one are recognisably stale.
    fn set_deadline(&mut self, key: DeadlineKey, start: NaiveDate) -> Result<(), TransitionError> {
        self.set_deadline_on(key, start, self.case.effective_track())
    }

    /// As [`Step::set_deadline`], with `track`'s rule.
    fn set_deadline_on(&mut self, key: DeadlineKey, start: NaiveDate, track: Track) -> Result<(), TransitionError> {
        let rule = self.rule(key, track)?;
        self.set_deadline_with(key, &rule, start);
        Ok(())
    }

    /// As [`Step::set_deadline`], with `rule`.
    fn set_deadline_with(&mut self, key: DeadlineKey, rule: &DeadlineRule, start: NaiveDate) {
        let mut deadline = Deadline::set(key, rule, start, self.ctx.calendar, self.case.department);
        if let Some(previous) = self.case.deadline(key) {
            deadline.version = previous.version + 1;
        }
        self.record(DeadlineChange::Set, deadline);
    }

    /// The rule for `key` on `track`: for a measure's deadline, the rule
    /// for its type if there is one.
    fn rule(&self, key: DeadlineKey, track: Track) -> Result<DeadlineRule, TransitionError> {
        let measure_type = key.measure.and_then(|no| self.case.measure(no)).map(|m| &m.measure_type);
        Ok(self.ctx.rules.rule_for(key.kind, track, measure_type)?.clone())
    }

    /// An incident asks for the risk to be assessed again within `track`'s
    /// period; a re-assessment already due sooner stays as it is.
    fn start_reassessment(&mut self, track: Track) -> Result<(), TransitionError> {
        let key = reassessment_key();
        let rule = self.rule(key, track)?;
        let candidate = Deadline::set(key, &rule, self.today, self.ctx.calendar, self.case.department);
        match self.case.deadline(key).filter(|d| d.is_pending()) {
            Some(running) if running.due <= candidate.due => Ok(()),
            _ => self.set_deadline_on(reassessment_key(), self.today, track),
        }
    }

    /// Closes a pending deadline (met, lapsed or cancelled on `on`).
    fn close(&mut self, key: DeadlineKey, change: DeadlineChange, on: NaiveDate) {
        let Some(deadline) = self.case.deadline(key).filter(|d| d.is_pending()) else {
            return;
        };
        let status = match change {
            DeadlineChange::Met => DeadlineStatus::Met { on, on_time: on <= deadline.due },
            DeadlineChange::Lapsed => DeadlineStatus::Lapsed { on },
            DeadlineChange::Cancelled => DeadlineStatus::Cancelled { on },
            DeadlineChange::Set
            | DeadlineChange::Moved { .. }
            | DeadlineChange::Suspended
            | DeadlineChange::Resumed { .. } => return,
        };
        let closed = deadline.with_status(status);
        self.record(change, closed);
    }

    fn set_verified(&mut self, measure: MeasureNo, on: Option<NaiveDate>) {
        if let Some(m) = self.case.measures.iter_mut().find(|m| m.no == measure) {
            m.verified_on = on;
        }
    }

    fn close_measure_deadlines(&mut self, measure: MeasureNo, change: DeadlineChange) {
        for kind in [DeadlineKind::MeasureAcknowledgement, DeadlineKind::MeasureImplementation] {
            self.close(DeadlineKey::measure(kind, measure), change, self.today);
        }
    }

    fn suspend(&mut self, key: DeadlineKey) {
        let Some(deadline) = self.case.deadline(key) else {
            return;
        };
        if deadline.status == DeadlineStatus::Open {
            let suspended = deadline.with_status(DeadlineStatus::Suspended { since: self.today });
            self.record(DeadlineChange::Suspended, suspended);
        }
    }

    fn resume(&mut self, key: DeadlineKey) {
        let Some(deadline) = self.case.deadline(key) else {
            return;
        };
        if matches!(deadline.status, DeadlineStatus::Suspended { .. }) {
            let previous_due = deadline.due;
            let resumed = deadline.resumed(self.today, self.ctx.calendar, self.case.department);
            self.record(DeadlineChange::Resumed { previous_due }, resumed);
        }
    }

    /// The information request ends (answered or lapsed): the case goes back
    /// where it was and the decision clock runs again.
    fn end_information_request(&mut self, change: DeadlineChange) {
        if let Some(open) = self.case.information_request.take() {
            self.case.status = open.resume_status;
        }
        self.close(information_key(), change, self.today);
        self.resume(decision_key());
    }

    /// Recomputes one pending deadline, with `rule_track`'s rule when the
    /// track changed or its own rule otherwise, and reports a move.
    fn recompute(&mut self, key: DeadlineKey, rule_track: Option<Track>) {
        let Some(deadline) = self.case.deadline(key).filter(|d| d.is_pending()) else {
            return;
        };
        let rule = match rule_track {
            Some(track) => self.rule(key, track).unwrap_or_else(|_| deadline.rule.clone()),
            None => deadline.rule.clone(),
        };
        let previous_due = deadline.due;
        let recomputed = deadline.recomputed(&rule, self.ctx.calendar, self.case.department);
        if recomputed.due != previous_due {
            self.record(DeadlineChange::Moved { previous_due }, recomputed);
            let audience = match (key.kind.is_sectors(), self.case.sector_of(key)) {
                (true, Some(sector)) => Audience::SectorCoordinators(sector.clone()),
                (true, None) | (false, _) => Audience::AssignedOfficer,
            };
            self.notify(audience, Topic::DeadlineMoved(key));
        } else {
            // Same date, perhaps a newer calendar version: no one to tell.
            self.store(recomputed);
        }
    }

    /// The track changed: every pending deadline whose length depends on
    /// the track is computed again with the new track's rule.
    fn follow_track_change(&mut self) {
        let track = self.case.effective_track();
        let keys: Vec<DeadlineKey> =
            self.case.pending_deadlines().filter(|d| d.key.kind.follows_track()).map(|d| d.key).collect();
        for key in keys {
            self.recompute(key, Some(track));
        }
    }
}
