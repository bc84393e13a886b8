//! What officers (and supervisors) do to a case: assign, review, decide
//! admissibility, ask for information, assess risk, resolve, notify and
//! follow measures, archive. Each mutation builds one domain command; the
//! workflow decides whether it fits the case's state.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use domain::roles::Role;
use domain::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityError, AdmissibilityEvaluation, Command, CriterionCheck,
    DeniedMeasure, GrantedMeasure, Resolution, StaffRef,
};

use crate::authz::{Operation, Target};
use crate::cases::CaseView;
use crate::context::{authorize, db};
use crate::enums::{ArchiveReason, Criterion, RiskLevel, Track};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{id, optional_text, ref_code, text};
use crate::measures::{MeasureView, measure_command};
use crate::scalars::Date;

/// One admissibility criterion, checked.
#[derive(InputObject)]
pub(crate) struct CriterionInput {
    /// Which criterion.
    criterion: Criterion,
    /// Whether the request meets it.
    met: bool,
    /// Why not, up to 2 000 characters; required when the criterion is not
    /// met. Sealed.
    #[graphql(secret)]
    note: Option<String>,
}

/// How admissibility (the *calificación*) is decided.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum AdmissibilityOutcome {
    /// Admitted: the decision clock starts (by default).
    Admit,
    /// Not admitted, with reasons.
    NotAdmit,
    /// Sent to the competent entity, with reasons.
    Refer,
}

impl AdmissibilityOutcome {
    /// As the registry stores it (`ADMIT`, `NOT_ADMIT`, `REFER`).
    pub(crate) fn from_code(code: &str) -> Option<Self> {
        match code {
            "ADMIT" => Some(Self::Admit),
            "NOT_ADMIT" => Some(Self::NotAdmit),
            "REFER" => Some(Self::Refer),
            _ => None,
        }
    }
}

/// The admissibility evaluation of a request under review (DOMAIN.md §2.2).
#[derive(InputObject)]
pub(crate) struct AdmissibilityInput {
    /// Every criterion, once each.
    #[graphql(secret)]
    criteria: Vec<CriterionInput>,
    /// The decision.
    outcome: AdmissibilityOutcome,
    /// Why it is admitted although a criterion failed, up to 2 000
    /// characters; required then. Sealed.
    #[graphql(secret)]
    override_reason: Option<String>,
    /// Why it is not admitted or referred, up to 2 000 characters; required
    /// then. Sealed.
    #[graphql(secret)]
    reasons: Option<String>,
    /// The entity the request is referred to; required to refer.
    referred_to: Option<String>,
}

/// A risk assessment (DOMAIN.md §2.3).
#[derive(InputObject)]
pub(crate) struct RiskInput {
    /// URGENT for imminent risk to life or integrity (15 working days to
    /// decide), else ORDINARY (30).
    track: Track,
    /// The level of risk found.
    level: RiskLevel,
    /// The assessment's reasoning, up to 20 000 characters. Sealed.
    #[graphql(secret)]
    summary: String,
}

/// The numbered act that decides (a *Resolución Directoral* or
/// *Viceministerial*).
#[derive(InputObject)]
pub(crate) struct ActInput {
    /// The act's number, up to 80 characters (`RD N.° 012-2026-JUS/DGDH`).
    number: String,
    /// The act's date (Lima), from the case's receipt to today.
    date: Date,
}

/// A measure the resolution grants.
#[derive(InputObject)]
pub(crate) struct GrantedMeasureInput {
    /// An active code from `measureTypes`.
    measure_type: String,
    /// The responsible sector's code (active); the measure type's usual
    /// sector when absent.
    sector: Option<String>,
    /// What exactly is to be done, up to 20 000 characters. Sealed.
    #[graphql(secret)]
    details: Option<String>,
}

/// Something asked for and refused.
#[derive(InputObject)]
pub(crate) struct DeniedMeasureInput {
    /// What was refused, up to 2 000 characters. Sealed.
    #[graphql(secret)]
    description: String,
    /// Why, up to 2 000 characters. Sealed.
    #[graphql(secret)]
    reason: String,
}

/// A resolution: the act, the measures granted and those denied (at least
/// one of either).
#[derive(InputObject)]
pub(crate) struct ResolutionInput {
    /// The numbered act.
    act: ActInput,
    /// Measures granted, each with its sector; they start as GRANTED, to be
    /// notified with `notifyMeasure`.
    #[graphql(default)]
    #[graphql(secret)]
    granted: Vec<GrantedMeasureInput>,
    /// Measures asked for and denied, with reasons.
    #[graphql(default)]
    #[graphql(secret)]
    denied: Vec<DeniedMeasureInput>,
}

#[derive(Default)]
pub(crate) struct TriageMutation;

#[Object]
impl TriageMutation {
    /// Puts an officer (or supervisor) in charge of an open case; they are
    /// told by e-mail. Officers and supervisors.
    async fn assign_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The `id` of an active officer or supervisor (see `officers`).")] officer_id: ID,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::AssignCase, Target::Nothing)?;
        let officer = id("officerId", &officer_id)?;
        let user = db(ctx).user(officer).await?;
        if !user.is_some_and(|u| u.active && matches!(u.role, Role::Officer | Role::Supervisor)) {
            return Err(ApiError::bad_input("officerId", "no es un especialista activo"));
        }
        case_command(ctx, Operation::AssignCase, &case_id, Command::Assign { officer: StaffRef(officer.to_string()) })
            .await
    }

    /// Starts reviewing a RECEIVED request; it becomes UNDER_REVIEW. Officers
    /// and supervisors.
    async fn start_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
    ) -> ApiResult<CaseView> {
        case_command(ctx, Operation::StartReview, &case_id, Command::StartReview).await
    }

    /// Records the admissibility of a case UNDER_REVIEW: every criterion,
    /// with a note where it fails, and the outcome (ADMITTED, NOT_ADMITTED or
    /// REFERRED). Officers and supervisors.
    async fn evaluate_admissibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The criteria and the outcome.")] input: AdmissibilityInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::EvaluateAdmissibility, Target::Nothing)?;
        let checks = input
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(CriterionCheck {
                    criterion: c.criterion.into(),
                    met: c.met,
                    note: optional_text(&format!("input.criteria[{i}].note"), c.note.as_deref())?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let reasons = || text("input.reasons", input.reasons.as_deref().unwrap_or(""));
        let decision = match input.outcome {
            AdmissibilityOutcome::Admit => AdmissibilityDecision::Admit {
                override_reason: optional_text("input.overrideReason", input.override_reason.as_deref())?,
            },
            AdmissibilityOutcome::NotAdmit => AdmissibilityDecision::NotAdmit { reasons: reasons()? },
            AdmissibilityOutcome::Refer => AdmissibilityDecision::Refer {
                entity: text("input.referredTo", input.referred_to.as_deref().unwrap_or(""))?,
                reasons: reasons()?,
            },
        };
        let evaluation = AdmissibilityEvaluation::new(checks, decision).map_err(|e| {
            // The input a form must point at: the failed criterion's note,
            // the override reason, the outcome; the list as a whole when a
            // criterion is missing or repeated.
            let field = match &e {
                AdmissibilityError::FailedWithoutNote(criterion) => input
                    .criteria
                    .iter()
                    .position(|c| domain::workflow::Criterion::from(c.criterion) == *criterion)
                    .map_or_else(|| "input.criteria".to_owned(), |i| format!("input.criteria[{i}].note")),
                AdmissibilityError::OverrideRequired(_) => "input.overrideReason".to_owned(),
                AdmissibilityError::NothingFailed => "input.outcome".to_owned(),
                AdmissibilityError::MissingCriterion(_) | AdmissibilityError::RepeatedCriterion(_) => {
                    "input.criteria".to_owned()
                }
            };
            ApiError::bad_input(field, e.to_string())
        })?;
        case_command(ctx, Operation::EvaluateAdmissibility, &case_id, Command::EvaluateAdmissibility(evaluation)).await
    }

    /// Asks the requester to complete the request (*subsanación*), from
    /// review up to the resolution; the decision clock stops until they answer
    /// or the answer period (10 working days by default) ends. Officers and
    /// supervisors.
    async fn request_information(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(
            secret,
            desc = "What the requester is asked, up to 20 000 characters; they read it in `myRequest`. Sealed."
        )]
        question: String,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::RequestInformation, Target::Nothing)?;
        let command = Command::RequestInformation { question: text("question", &question)? };
        case_command(ctx, Operation::RequestInformation, &case_id, command).await
    }

    /// Records that the answer period ended without an answer: the decision
    /// clock runs again. Officers and supervisors.
    async fn close_information_period(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
    ) -> ApiResult<CaseView> {
        case_command(ctx, Operation::CloseInformationPeriod, &case_id, Command::CloseInformationPeriod).await
    }

    /// Assesses the risk of an admitted case, or assesses it again later; an
    /// urgent track shortens the decision deadline to 15 working days.
    /// Officers and supervisors.
    async fn assess_risk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The track, the level and the reasoning.")] input: RiskInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::AssessRisk, Target::Nothing)?;
        let command = Command::AssessRisk {
            track: input.track.into(),
            level: input.level.into(),
            summary: text("input.summary", &input.summary)?,
        };
        case_command(ctx, Operation::AssessRisk, &case_id, command).await
    }

    /// Issues the numbered act for a RISK_ASSESSED case: measures granted
    /// (each with its sector) and those denied with reasons; the decision
    /// deadline is met. Officers and supervisors (supervisors only when
    /// `RESGUARDO_RESOLUTIONS_NEED_SUPERVISOR=true`).
    async fn issue_resolution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The act and the measures.")] input: ResolutionInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::IssueResolution, Target::Nothing)?;
        let types = db(ctx).measure_types().await?;
        let granted = input
            .granted
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let field = format!("input.granted[{i}]");
                let measure_type = ref_code(&format!("{field}.measureType"), &g.measure_type)?;
                let sector = match &g.sector {
                    Some(sector) => ref_code(&format!("{field}.sector"), sector)?,
                    None => {
                        types.iter().find(|t| t.code == measure_type).map(|t| t.default_sector.clone()).ok_or_else(
                            || ApiError::bad_input(format!("{field}.measureType"), "tipo de medida desconocido"),
                        )?
                    }
                };
                Ok(GrantedMeasure {
                    measure_type,
                    sector,
                    details: optional_text(&format!("{field}.details"), g.details.as_deref())?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let denied = input
            .denied
            .iter()
            .enumerate()
            .map(|(i, d)| {
                Ok(DeniedMeasure {
                    description: text(&format!("input.denied[{i}].description"), &d.description)?,
                    reason: text(&format!("input.denied[{i}].reason"), &d.reason)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let command = Command::IssueResolution(Resolution { act: act("input.act", &input.act)?, granted, denied });
        case_command_under(ctx, Operation::IssueResolution, &case_id, command, Some("input")).await
    }

    /// Notifies a GRANTED or MODIFIED measure to its sector's coordinators by
    /// e-mail; its acknowledgement and implementation deadlines start.
    /// Officers and supervisors.
    async fn notify_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::NotifyMeasure, &measure_id, |measure| Ok(Command::NotifyMeasure { measure }))
            .await
    }

    /// Changes a measure by a new act; it becomes MODIFIED and must be
    /// notified again. Officers and supervisors.
    async fn modify_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(desc = "The act that modifies it.")] act: ActInput,
        #[graphql(secret, desc = "What is to be done now, up to 20 000 characters. Sealed.")] details: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ModifyMeasure, &measure_id, |measure| {
            Ok(Command::ModifyMeasure { measure, act: self::act("act", &act)?, details: text("details", &details)? })
        })
        .await
    }

    /// Extends an IMPLEMENTED (or already EXTENDED) measure until a date, by
    /// a new act. Officers and supervisors.
    async fn extend_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(desc = "The act that extends it.")] act: ActInput,
        #[graphql(desc = "The date it stays in force until (Lima); after today.")] until: Date,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ExtendMeasure, &measure_id, |measure| {
            Ok(Command::ExtendMeasure { measure, act: self::act("act", &act)?, until: until.0 })
        })
        .await
    }

    /// Lifts a measure by a new act; its running deadlines are cancelled and,
    /// if it was notified, its sector told. Officers and supervisors.
    async fn lift_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(desc = "The act that lifts it.")] act: ActInput,
        #[graphql(secret, desc = "Why (the risk ended, consent withdrawn…), up to 2 000 characters. Sealed.")]
        reason: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::LiftMeasure, &measure_id, |measure| {
            Ok(Command::LiftMeasure { measure, act: self::act("act", &act)?, reason: text("reason", &reason)? })
        })
        .await
    }

    /// Renews an in-force measure at its review, by a new act, once the risk
    /// was assessed again since it was granted or last renewed; its next
    /// review counts from the act. Officers and supervisors.
    async fn renew_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(desc = "The act that renews it.")] act: ActInput,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::RenewMeasure, &measure_id, |measure| {
            Ok(Command::RenewMeasure { measure, act: self::act("act", &act)? })
        })
        .await
    }

    /// Records a new incident an officer learnt of (by phone, from an
    /// organisation): as the requester's `reportIncident`. Officers and
    /// supervisors.
    async fn report_case_incident(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The incident; its description sealed at rest.")] incident: crate::incidents::IncidentInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::ReportCaseIncident, Target::Nothing)?;
        let command = Command::ReportIncident(crate::incidents::incident("incident", &incident)?);
        case_command(ctx, Operation::ReportCaseIncident, &case_id, command).await
    }

    /// Closes the file; its running deadlines are cancelled. Refused while a
    /// measure is GRANTED, NOTIFIED, ACKNOWLEDGED or MODIFIED, and unless the
    /// reason's condition holds: RISK_CEASED after an assessment later than
    /// the resolution, CONCLUDED with no measure in force, CONSENT_WITHDRAWN
    /// once withdrawn, BENEFICIARY_UNREACHABLE and REFERRED with a note.
    /// Officers and supervisors.
    async fn archive_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "Why the case is closed.")] reason: ArchiveReason,
        #[graphql(secret, desc = "A note, up to 2 000 characters. Sealed.")] note: Option<String>,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::ArchiveCase, Target::Nothing)?;
        let command = Command::Archive { reason: reason.into(), note: optional_text("note", note.as_deref())? };
        case_command(ctx, Operation::ArchiveCase, &case_id, command).await
    }
}

fn act(field: &str, input: &ActInput) -> ApiResult<ActReference> {
    Ok(ActReference { number: text(&format!("{field}.number"), &input.number)?, date: input.date.0 })
}

/// Authorizes `operation`, applies `command` to the case and returns it.
async fn case_command(ctx: &Context<'_>, operation: Operation, case_id: &ID, command: Command) -> ApiResult<CaseView> {
    case_command_under(ctx, operation, case_id, command, None).await
}

/// As [`case_command`], for a command built from an input argument: what
/// the workflow refuses about the command's fields is reported under
/// `input` (`input.act.date`).
pub(crate) async fn case_command_under(
    ctx: &Context<'_>,
    operation: Operation,
    case_id: &ID,
    command: Command,
    input: Option<&str>,
) -> ApiResult<CaseView> {
    let request = authorize(ctx, operation, Target::Nothing)?;
    let case_id = id("caseId", case_id)?;
    let applied = db(ctx).apply(case_id, command, request.now, &request.actor()).await;
    if let Err(error) = applied {
        let error = ApiError::from(error);
        return Err(match input {
            Some(prefix) => error.under(prefix),
            None => error,
        });
    }
    Ok(CaseView(db(ctx).case_record(case_id).await?))
}
