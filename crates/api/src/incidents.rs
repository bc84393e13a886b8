//! A new incident (*hechos sobrevinientes*) as the API takes it, from the
//! requester (file number and access key) or from an officer: the risk is
//! assessed again within the re-assessment deadline.

use async_graphql::InputObject;
use domain::workflow::Incident;

use crate::enums::{AggressionType, AggressorType};
use crate::error::{ApiError, ApiResult};
use crate::inputs::text;
use crate::scalars::Date;

/// What happened, when, and who is thought to be behind it.
#[derive(InputObject)]
pub(crate) struct IncidentInput {
    /// The day it happened (Lima); not after today nor before the request.
    occurred_on: Date,
    /// What happened, up to 20 000 characters. Sealed.
    #[graphql(secret)]
    description: String,
    /// The aggressions, at least one. Physical aggression, attempted
    /// killing or killing shorten the re-assessment to the urgent period.
    aggression_types: Vec<AggressionType>,
    /// Who is thought to be behind it, if known.
    aggressor: Option<AggressorType>,
}

/// The incident `input` (the argument `field`) describes.
pub(crate) fn incident(field: &str, input: &IncidentInput) -> ApiResult<Incident> {
    if input.aggression_types.is_empty() {
        return Err(ApiError::bad_input(format!("{field}.aggressionTypes"), "indique al menos un tipo de agresión"));
    }
    let mut aggression_types: Vec<_> = input.aggression_types.iter().map(|a| (*a).into()).collect();
    aggression_types.sort_unstable();
    aggression_types.dedup();
    Ok(Incident {
        occurred_on: input.occurred_on.0,
        description: text(&format!("{field}.description"), &input.description)?,
        aggression_types,
        aggressor: input.aggressor.map(Into::into),
    })
}
