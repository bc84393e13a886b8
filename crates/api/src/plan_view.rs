//! A case's protection plan as the API shows it: the goal the history
//! keeps sealed, last set.

use async_graphql::SimpleObject;
use domain::workflow::Command;

use crate::scalars::Date;

/// The goal of a case's protection plan; its parts are the case's
/// `measures`, each with its sector, status and verification.
#[derive(SimpleObject)]
#[graphql(name = "ProtectionPlan")]
pub(crate) struct ProtectionPlanView {
    /// What the measures are for, together. Personal data.
    pub(crate) goal: String,
    /// When it was set (`YYYY-MM-DD`, America/Lima).
    pub(crate) set_on: Date,
}

/// The plan's goal as the history last set it.
pub(crate) fn plan_of(events: &[db::CaseEvent]) -> Option<ProtectionPlanView> {
    events.iter().rev().find_map(|event| {
        let Some(Command::SetPlanGoal { goal }) = &event.command else { return None };
        Some(ProtectionPlanView { goal: goal.as_str().to_owned(), set_on: Date(event.occurred_on) })
    })
}
