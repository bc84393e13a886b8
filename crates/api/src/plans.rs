//! The protection plan: the measures granted to a case, each with the
//! sector in charge and its coordinators' reports, grouped under one goal;
//! and the officer's verification of each measure a sector reports carried
//! out, separate from the sector's own word (public reviews found measures
//! never verified).

use async_graphql::{Context, ID, Object};
use domain::workflow::Command;

use crate::authz::{Operation, Target};
use crate::cases::CaseView;
use crate::context::authorize;
use crate::error::ApiResult;
use crate::inputs::text;
use crate::measures::{MeasureView, measure_command};
use crate::triage::case_command_under;

#[derive(Default)]
pub(crate) struct PlansMutation;

#[Object]
impl PlansMutation {
    /// Sets (or replaces) the goal of the case's protection plan, once a
    /// resolution granted measures: what they are for, together. The goal
    /// is sealed at rest. Officers and supervisors.
    async fn set_protection_plan_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(secret, desc = "The plan's goal, up to 2 000 characters. Sealed.")] goal: String,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::SetProtectionPlanGoal, Target::Nothing)?;
        let command = Command::SetPlanGoal { goal: text("goal", &goal)? };
        case_command_under(ctx, Operation::SetProtectionPlanGoal, &case_id, command, None).await
    }

    /// Records the officer's check of an IMPLEMENTED (or EXTENDED) measure,
    /// which meets its MEASURE_VERIFICATION deadline: verified, or not
    /// carried out as the sector reported, when it goes back to
    /// ACKNOWLEDGED with its implementation deadline running again from
    /// today and its sector told. Officers and supervisors.
    async fn verify_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(desc = "Whether it is carried out as reported.")] verified: bool,
        #[graphql(secret, desc = "How it was checked and what was found, up to 2 000 characters. Sealed.")]
        note: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::VerifyMeasure, &measure_id, |measure| {
            Ok(Command::VerifyMeasure { measure, verified, note: text("note", &note)? })
        })
        .await
    }
}
