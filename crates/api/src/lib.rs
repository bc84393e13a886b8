//! The GraphQL API of Resguardo: the schema, its resolvers, authorization,
//! loaders and errors, with no web framework. Its surface is the schema and
//! [`Api`]: one function that executes a request for a caller, one that
//! starts a subscription; the `web` crate carries them over HTTP and
//! WebSocket.
//!
//! GraphQL types here are the API's own (never sea-orm models); raw input
//! becomes domain values once, at this edge; every resolver asks
//! [`authz::authorize`] first; every error reaches clients through
//! [`error::ApiError`] with a Spanish message and a stable `extensions.code`.

mod accounts;
mod audit;
pub mod auth;
pub mod authz;
mod calendar;
mod cases;
mod complaint_view;
mod complaints;
mod context;
mod deadlines;
mod document;
mod encrypted_submission;
mod enums;
mod error;
mod evidence;
mod execution;
mod field_order;
mod incidents;
mod inputs;
mod intake;
mod limits;
mod live;
mod loaders;
mod measures;
mod meetings;
mod node;
mod openrosa;
mod plan_view;
mod plans;
mod rate_limit;
mod reference;
mod request_errors;
mod requester;
mod scalars;
mod schedule;
mod second_factor;
#[cfg(test)]
mod secret_inputs;
mod service;
mod statistics;
mod subscribe;
mod totals;
mod triage;
mod xform;

pub use auth::password::{MIN_PASSWORD_CHARS, PasswordHasher, check_strength};
pub use auth::secrets::AccessKeySecret;
pub use authz::StatisticsPolicy;
pub use context::{ApiConfig, Clock, EvidenceSettings};
pub use error::ApiError;
pub use execution::{Caller, Executed, Refusal, is_request_error};
pub use inputs::request_input_variable;
pub use intake::intake_keys;
pub use live::LiveSubscription;
pub use rate_limit::{Rate, RateLimits};
pub use service::Api;
pub use subscribe::{Admitted, LiveStream, NotStarted, refusal_error};

use async_graphql::{MergedObject, Schema};

/// Reads: reference data and due-date planning for anyone, a request's status
/// for its requester (file number and access key), and cases, measures,
/// deadlines, statistics and the audit trail for staff, as each field says.
#[derive(MergedObject, Default)]
pub struct Query(
    reference::ReferenceQuery,
    calendar::CalendarQuery,
    accounts::AccountsQuery,
    intake::IntakeQuery,
    evidence::EvidenceQuery,
    openrosa::OpenRosaQuery,
    cases::CasesQuery,
    measures::MeasuresQuery,
    node::NodeQuery,
    audit::AuditQuery,
    schedule::ScheduleQuery,
    statistics::StatisticsQuery,
    meetings::MeetingsQuery,
);

/// Changes: filing and following a request (anyone, then the requester with
/// file number and access key), signing in, each step of the procedure for
/// officers, supervisors and coordinators, and administration for admins.
/// Every change is written to the audit trail.
#[derive(MergedObject, Default)]
pub struct Mutation(
    intake::IntakeMutation,
    evidence::EvidenceMutation,
    openrosa::OpenRosaMutation,
    accounts::AccountsMutation,
    second_factor::SecondFactorMutation,
    triage::TriageMutation,
    complaints::ComplaintsMutation,
    meetings::MeetingsMutation,
    plans::PlansMutation,
    measures::MeasuresMutation,
    reference::ReferenceMutation,
    schedule::ScheduleMutation,
);

pub type ResguardoSchema = Schema<Query, Mutation, LiveSubscription>;

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// The names of every query, mutation and subscription field, for the authorization
/// matrix test.
pub async fn operation_fields() -> Vec<String> {
    let query = "{ __schema { queryType { fields { name } } mutationType { fields { name } } \
                 subscriptionType { fields { name } } } }";
    let response = builder().finish().execute(query).await;
    let json = response.data.into_json().unwrap_or_default();
    ["queryType", "mutationType", "subscriptionType"]
        .iter()
        .flat_map(|root| json["__schema"][root]["fields"].as_array().cloned().unwrap_or_default())
        .filter_map(|field| field["name"].as_str().map(str::to_owned))
        .collect()
}

pub(crate) fn builder() -> async_graphql::SchemaBuilder<Query, Mutation, LiveSubscription> {
    use async_graphql::connection::Connection;
    Schema::build(Query::default(), Mutation::default(), LiveSubscription)
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .limit_directives(limits::MAX_DIRECTIVES)
        // async-graphql gives its connection types no description, and no
        // type parameter carries one: they are set here.
        .override_output_type_description::<cases::CaseConnection>(
            "A page of cases (up to 100); pass `pageInfo.endCursor` as `after` for the next.",
        )
        .override_output_type_description::<measures::MeasureConnection>(
            "A page of measures (up to 100); pass `pageInfo.endCursor` as `after` for the next.",
        )
        .override_output_type_description::<schedule::DeadlineConnection>(
            "A page of running deadlines (up to 100); pass `pageInfo.endCursor` as `after` for the next.",
        )
        .override_output_type_description::<Connection<String, audit::AuditEntryView, totals::AuditTotal>>(
            "A page of audit entries (up to 100); pass `pageInfo.endCursor` as `after` for the next.",
        )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `schema.graphql` is the public contract: generated from the code and
    /// committed. When it is stale this test rewrites it and fails, so the
    /// change shows up in review.
    #[test]
    fn schema_graphql_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql");
        let generated = super::sdl();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            std::fs::write(&path, &generated).expect("write schema.graphql");
            panic!("schema.graphql was stale and has been regenerated: review and commit it");
        }
    }

    /// Every operation of the schema is named in the authorization policy.
    #[tokio::test]
    async fn every_operation_has_a_policy() {
        let named: Vec<&str> = crate::authz::Operation::ALL.iter().map(|o| o.field()).collect();
        let fields = super::operation_fields().await;
        let mut missing: Vec<&String> = fields.iter().filter(|f| !named.contains(&f.as_str())).collect();
        missing.sort();
        assert!(missing.is_empty(), "operations without a policy: {missing:?}");
        assert_eq!(named.len(), fields.len(), "the policy names operations the schema lacks");
    }
}
