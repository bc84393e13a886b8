//! The GraphQL API of Resguardo: the only crate that knows GraphQL.
//!
//! GraphQL types here are the API's own (never sea-orm models); raw input
//! becomes domain values once, at this edge; every error reaches clients
//! through [`error::ApiError`] with a Spanish message and a stable
//! `extensions.code`.

mod calendar;
mod error;
mod http;
mod reference;
mod scalars;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};
use db::Database;

pub use error::ApiError;
pub use http::router;

#[derive(MergedObject, Default)]
pub struct Query(reference::ReferenceQuery, calendar::CalendarQuery);

pub type ResguardoSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The schema, serving from `db`.
pub fn schema(db: Database) -> ResguardoSchema {
    builder().data(db).finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

fn builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
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
}
