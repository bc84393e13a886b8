//! The audit trail, for auditors: who did what, to which case, when.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use db::{AuditEntry, AuditFilter};

use crate::authz::{Operation, Target};
use crate::context::{authorize, db};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{id, page_size};
use crate::scalars::Timestamp;

/// One entry of the audit trail (auditors): a change, a read of sensitive
/// data or a refused attempt. Entries are chained by SHA-256 and never
/// edited.
#[derive(SimpleObject)]
#[graphql(name = "AuditEntry")]
pub(crate) struct AuditEntryView {
    /// The entry's sequence number in the trail, as a string.
    id: ID,
    /// When it was recorded (RFC 3339, UTC, to the millisecond).
    recorded_at: Timestamp,
    /// The staff account that acted; none for requesters, anonymous callers
    /// and the system.
    actor_id: Option<ID>,
    /// The actor's role when they acted (`PUBLIC`, `OFFICER`…).
    actor_role: String,
    /// The case concerned, if any.
    case_id: Option<ID>,
    /// Stable code of what happened.
    action: String,
    /// In Spanish, for people.
    description: String,
    /// The measure concerned: its number within the case.
    measure_number: Option<i32>,
    /// The id of the request that caused it (`X-Request-Id`), to match server
    /// logs; none for the system's own work.
    request_id: Option<String>,
    /// For sensitive reads, the fields read; for refusals, the operation.
    /// A read of several cases at once (a page of a list) has one line per
    /// case: its id, a space, the fields read.
    fields: Option<String>,
    /// The cases a read of several names (the ids its `fields` lines start
    /// with); empty for any other entry, whose case is `caseId`.
    cases_read: Vec<ID>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: ID(entry.id.to_string()),
            recorded_at: Timestamp(entry.recorded_at),
            actor_id: entry.actor_id.map(|a| ID(a.to_string())),
            actor_role: entry.actor_role.code().to_owned(),
            case_id: entry.case_id.map(|c| ID(c.to_string())),
            action: entry.action.code().to_owned(),
            description: entry.action.label().to_owned(),
            measure_number: entry.measure.map(|m| i32::from(m.0)),
            request_id: entry.request_id,
            fields: entry.fields,
            cases_read: entry.cases_read.iter().map(|c| ID(c.to_string())).collect(),
        }
    }
}

/// Which audit entries to list; all conditions must hold.
#[derive(InputObject, Default)]
pub(crate) struct AuditFilterInput {
    /// Entries about this case (reads of several cases that include it too).
    case_id: Option<ID>,
    /// Entries by this staff account.
    actor_id: Option<ID>,
    /// Entries recorded at or after this instant (RFC 3339).
    from: Option<Timestamp>,
    /// Entries recorded before this instant (RFC 3339; exclusive).
    to: Option<Timestamp>,
}

/// Whether the audit trail is whole: every entry recomputed in order
/// (each one's SHA-256 over its content and the previous hash).
#[derive(SimpleObject)]
pub(crate) struct AuditChainStatus {
    /// No entry was deleted, reordered or modified, and the last one is
    /// the one the chain's head records.
    intact: bool,
    /// How many entries were checked before the end or the first break.
    entries: i32,
    /// The first entry where the chain breaks; none when intact.
    broken_at: Option<ID>,
    /// Why it breaks there, in Spanish; none when intact.
    reason: Option<String>,
    /// When intact, the last entry's id and hash (`ID:HASH`): kept outside
    /// the database, it lets a later check catch a rewritten chain
    /// (`resguardo audit verify --anchor`).
    anchor: Option<String>,
}

#[derive(Default)]
pub(crate) struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit entries, oldest first, a page at a time (auditors).
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 1 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page; absent for the first page.")] after: Option<String>,
        #[graphql(desc = "Which entries; all of them when absent.")] filter: Option<AuditFilterInput>,
    ) -> ApiResult<Connection<String, AuditEntryView, crate::totals::AuditTotal>> {
        authorize(ctx, Operation::AuditTrail, Target::Nothing)?;
        let first = page_size(first)?;
        let filter = filter.unwrap_or_default();
        let after_id = after
            .as_deref()
            .map(|a| a.parse::<i64>().map_err(|_| ApiError::bad_input("after", "cursor inválido")))
            .transpose()?;
        let filter = AuditFilter {
            case_id: filter.case_id.as_ref().map(|c| id("filter.caseId", c)).transpose()?,
            actor_id: filter.actor_id.as_ref().map(|a| id("filter.actorId", a)).transpose()?,
            from: filter.from.map(|t| t.0),
            to: filter.to.map(|t| t.0),
        };
        let (entries, has_next) = db(ctx).audit_entries(&filter, after_id, first).await?;
        let total = crate::totals::AuditTotal(filter);
        let mut connection = Connection::with_additional_fields(after_id.is_some(), has_next, total);
        connection.edges.extend(entries.into_iter().map(|e| Edge::new(e.id.to_string(), AuditEntryView::from(e))));
        Ok(connection)
    }

    /// Recomputes the whole audit chain now and says whether it is intact
    /// (auditors). It reads every entry: seconds on a large trail.
    async fn audit_chain(&self, ctx: &Context<'_>) -> ApiResult<AuditChainStatus> {
        authorize(ctx, Operation::AuditChain, Target::Nothing)?;
        let report = db(ctx).verify_audit_chain().await?;
        Ok(AuditChainStatus {
            intact: report.broken.is_none(),
            entries: i32::try_from(report.entries).unwrap_or(i32::MAX),
            broken_at: report.broken.as_ref().map(|b| ID(b.id.to_string())),
            reason: report.broken.map(|b| b.reason),
            anchor: report.head.map(|h| h.to_string()),
        })
    }
}
