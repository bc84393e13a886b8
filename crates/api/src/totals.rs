//! `totalCount` on the connections: how many objects the filter matches
//! over every page, counted by the database (`COUNT(*)` with the page's
//! filter, no row loaded), and only when a client asks for it.

use async_graphql::{Context, Object};

use crate::context::db;
use crate::error::ApiResult;

macro_rules! total {
    ($(#[$meta:meta])* $name:ident($filter:ty) = $count:ident, $doc:literal) => {
        $(#[$meta])*
        pub(crate) struct $name(pub(crate) $filter);

        #[Object]
        impl $name {
            #[doc = $doc]
            async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
                Ok(i32::try_from(db(ctx).$count(&self.0).await?).unwrap_or(i32::MAX))
            }
        }
    };
}

total!(
    /// The count behind a page of cases.
    CaseTotal(db::CaseFilter) = count_cases,
    "How many cases the filter matches, over every page."
);
total!(
    /// The count behind a page of measures.
    MeasureTotal(db::MeasureFilter) = count_measures,
    "How many measures the filter matches, over every page (a coordinator's: their sector's)."
);
total!(
    /// The count behind a page of the audit trail.
    AuditTotal(db::AuditFilter) = count_audit_entries,
    "How many audit entries the filter matches, over every page."
);
total!(
    /// The count behind a page of deadlines.
    DeadlineTotal(db::DeadlineFilter) = count_deadlines,
    "How many running deadlines the list holds, over every page (in the caller's scope)."
);

/// Whether the connection's selection reads a page (its edges, nodes or
/// paging), rather than only `totalCount`: a count alone (a console's
/// queue counts) loads no row at all.
pub(crate) fn reads_page(ctx: &Context<'_>) -> bool {
    let selection = ctx.look_ahead();
    ["edges", "nodes", "pageInfo"].into_iter().any(|field| selection.field(field).exists())
}
