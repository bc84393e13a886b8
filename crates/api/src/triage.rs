//! What officers (and supervisors) do to a case: assign, review, decide
//! admissibility, ask for information, assess risk, resolve, notify and
//! follow measures, archive. Each mutation builds one domain command; the
//! workflow decides whether it fits the case's state.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use domain::roles::Role;
use domain::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityEvaluation, Command, CriterionCheck, DeniedMeasure,
    GrantedMeasure, Resolution, StaffRef,
};

use crate::authz::{Operation, Target};
use crate::cases::CaseView;
use crate::context::{authorize, db};
use crate::enums::{ArchiveReason, Criterion, RiskLevel, Track};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{id, optional_text, ref_code, text};
use crate::measures::{MeasureView, measure_command};
use crate::scalars::Date;

#[derive(InputObject)]
pub(crate) struct CriterionInput {
    criterion: Criterion,
    met: bool,
    /// Required when the criterion is not met.
    #[graphql(secret)]
    note: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum AdmissibilityOutcome {
    Admit,
    NotAdmit,
    /// Send to the competent entity.
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

#[derive(InputObject)]
pub(crate) struct AdmissibilityInput {
    /// Every criterion, once each.
    #[graphql(secret)]
    criteria: Vec<CriterionInput>,
    outcome: AdmissibilityOutcome,
    /// Required to admit with a failed criterion.
    #[graphql(secret)]
    override_reason: Option<String>,
    /// Required to refuse or refer.
    #[graphql(secret)]
    reasons: Option<String>,
    /// The entity the request is referred to.
    referred_to: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct RiskInput {
    track: Track,
    level: RiskLevel,
    #[graphql(secret)]
    summary: String,
}

#[derive(InputObject)]
pub(crate) struct ActInput {
    /// E.g. `RD N.° 012-2026-JUS/DGDH`.
    number: String,
    date: Date,
}

#[derive(InputObject)]
pub(crate) struct GrantedMeasureInput {
    /// A code from `measureTypes`.
    measure_type: String,
    /// The responsible sector; the measure type's usual sector when absent.
    sector: Option<String>,
    #[graphql(secret)]
    details: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct DeniedMeasureInput {
    #[graphql(secret)]
    description: String,
    #[graphql(secret)]
    reason: String,
}

#[derive(InputObject)]
pub(crate) struct ResolutionInput {
    act: ActInput,
    #[graphql(default)]
    #[graphql(secret)]
    granted: Vec<GrantedMeasureInput>,
    #[graphql(default)]
    #[graphql(secret)]
    denied: Vec<DeniedMeasureInput>,
}

#[derive(Default)]
pub(crate) struct TriageMutation;

#[Object]
impl TriageMutation {
    /// Puts an officer (or supervisor) in charge of the case.
    async fn assign_case(&self, ctx: &Context<'_>, case_id: ID, officer_id: ID) -> ApiResult<CaseView> {
        authorize(ctx, Operation::AssignCase, Target::Nothing)?;
        let officer = id("officerId", &officer_id)?;
        let user = db(ctx).user(officer).await?;
        if !user.is_some_and(|u| u.active && matches!(u.role, Role::Officer | Role::Supervisor)) {
            return Err(ApiError::bad_input("officerId", "no es un especialista activo"));
        }
        case_command(ctx, Operation::AssignCase, &case_id, Command::Assign { officer: StaffRef(officer.to_string()) })
            .await
    }

    async fn start_review(&self, ctx: &Context<'_>, case_id: ID) -> ApiResult<CaseView> {
        case_command(ctx, Operation::StartReview, &case_id, Command::StartReview).await
    }

    /// Records every criterion with a note and the outcome.
    async fn evaluate_admissibility(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: AdmissibilityInput,
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
        let evaluation = AdmissibilityEvaluation::new(checks, decision)
            .map_err(|e| ApiError::bad_input("input.criteria", e.to_string()))?;
        case_command(ctx, Operation::EvaluateAdmissibility, &case_id, Command::EvaluateAdmissibility(evaluation)).await
    }

    /// Asks the requester to complete the request; the decision clock stops
    /// until they answer or the answer period ends.
    async fn request_information(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        #[graphql(secret)] question: String,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::RequestInformation, Target::Nothing)?;
        let command = Command::RequestInformation { question: text("question", &question)? };
        case_command(ctx, Operation::RequestInformation, &case_id, command).await
    }

    /// The answer period ended without an answer: the clock runs again.
    async fn close_information_period(&self, ctx: &Context<'_>, case_id: ID) -> ApiResult<CaseView> {
        case_command(ctx, Operation::CloseInformationPeriod, &case_id, Command::CloseInformationPeriod).await
    }

    /// Assesses (or re-assesses) the risk; an urgent track shortens the
    /// decision deadline to 15 working days.
    async fn assess_risk(&self, ctx: &Context<'_>, case_id: ID, input: RiskInput) -> ApiResult<CaseView> {
        authorize(ctx, Operation::AssessRisk, Target::Nothing)?;
        let command = Command::AssessRisk {
            track: input.track.into(),
            level: input.level.into(),
            summary: text("input.summary", &input.summary)?,
        };
        case_command(ctx, Operation::AssessRisk, &case_id, command).await
    }

    /// Issues the numbered act: measures granted (each with its sector) and
    /// those denied with reasons.
    async fn issue_resolution(&self, ctx: &Context<'_>, case_id: ID, input: ResolutionInput) -> ApiResult<CaseView> {
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

    /// Notifies the measure to its sector's coordinators; its deadlines start.
    async fn notify_measure(&self, ctx: &Context<'_>, measure_id: ID) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::NotifyMeasure, &measure_id, |measure| Ok(Command::NotifyMeasure { measure }))
            .await
    }

    /// Changes a measure by a new act; it must be notified again.
    async fn modify_measure(
        &self,
        ctx: &Context<'_>,
        measure_id: ID,
        act: ActInput,
        #[graphql(secret)] details: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ModifyMeasure, &measure_id, |measure| {
            Ok(Command::ModifyMeasure { measure, act: self::act("act", &act)?, details: text("details", &details)? })
        })
        .await
    }

    /// Extends an implemented measure until a date, by a new act.
    async fn extend_measure(
        &self,
        ctx: &Context<'_>,
        measure_id: ID,
        act: ActInput,
        until: Date,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ExtendMeasure, &measure_id, |measure| {
            Ok(Command::ExtendMeasure { measure, act: self::act("act", &act)?, until: until.0 })
        })
        .await
    }

    /// Lifts a measure by a new act.
    async fn lift_measure(
        &self,
        ctx: &Context<'_>,
        measure_id: ID,
        act: ActInput,
        #[graphql(secret)] reason: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::LiftMeasure, &measure_id, |measure| {
            Ok(Command::LiftMeasure { measure, act: self::act("act", &act)?, reason: text("reason", &reason)? })
        })
        .await
    }

    /// Closes the file.
    async fn archive_case(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        reason: ArchiveReason,
        #[graphql(secret)] note: Option<String>,
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
async fn case_command_under(
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
