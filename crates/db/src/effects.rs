//! Carrying out a transition's effects inside its transaction: the deadline
//! history, the notifications and reminders to send (see `outbox`), and the
//! audit trail.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::deadline::DeadlineKey;
use domain::roles::Role;
use domain::workflow::{AuditAction, DeadlineChange, Effect};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::audit_chain::{self, NewEntry};
use crate::entities::deadline_changes;
use crate::error::{DbError, DbResult};
use crate::outbox::Planner;

/// Who is acting, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff account; `None` for the public and the system.
    pub user_id: Option<Uuid>,
    pub role: Role,
    /// The HTTP request this happens in, to tie audit entries to logs.
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self { user_id: None, role: Role::System, request_id: None }
    }

    pub fn public(request_id: Option<String>) -> Self {
        Self { user_id: None, role: Role::Public, request_id }
    }
}

/// Where the effects come from: which case, which event of its history.
pub(crate) struct Origin<'a> {
    pub(crate) case_id: Uuid,
    pub(crate) event_seq: i32,
    pub(crate) actor: &'a Actor,
    pub(crate) now: DateTime<Utc>,
}

/// Carries out a transition's effects: written as they come, or, for one
/// of many cases of a pass, kept in `deferred` for the batch's end.
pub(crate) async fn carry_out(
    conn: &impl ConnectionTrait,
    origin: &Origin<'_>,
    effects: &[Effect],
    deadline_ids: &HashMap<DeadlineKey, Uuid>,
    planner: &mut Planner<'_>,
    mut deferred: Option<&mut Deferred>,
) -> DbResult<()> {
    for effect in effects {
        match effect {
            Effect::Deadline { change, deadline } => {
                let deadline_id = *deadline_ids.get(&deadline.key).ok_or(DbError::Corrupt("deadlines.id"))?;
                let (code, previous_due) = change_columns(*change);
                let row = deadline_changes::ActiveModel {
                    id: NotSet,
                    deadline_id: Set(deadline_id),
                    change: Set(code.to_owned()),
                    previous_due: Set(previous_due),
                    due_on: Set(deadline.due),
                    version: Set(i32::try_from(deadline.version).map_err(|_| DbError::Corrupt("deadlines.version"))?),
                    recorded_at: Set(origin.now),
                };
                match deferred.as_deref_mut() {
                    Some(deferred) => deferred.deadline_changes.push(row),
                    None => {
                        deadline_changes::Entity::insert(row).exec_without_returning(conn).await?;
                    }
                }
                planner.deadline_changed(conn, deadline_id, *change, deadline).await?;
            }
            Effect::Notify(notification) => planner.notify(conn, origin.event_seq, notification).await?,
            Effect::Audit(event) => {
                let measure = event.measure.map(|m| i32::from(m.0));
                match deferred.as_deref_mut() {
                    Some(deferred) => deferred.audit.push((origin.case_id, event.action, measure)),
                    None => audit(conn, origin.actor, origin.now, Some(origin.case_id), event.action, measure).await?,
                }
            }
        }
    }
    Ok(())
}

/// The deadline history and audit entries of a batch of transitions made
/// by one actor at one time (a pass over many cases), written together.
#[derive(Default)]
pub(crate) struct Deferred {
    deadline_changes: Vec<deadline_changes::ActiveModel>,
    audit: Vec<(Uuid, AuditAction, Option<i32>)>,
}

impl Deferred {
    /// The history, then the audit entries: the last statements before the
    /// batch commits, so the chain's head is held as briefly as it can be.
    pub(crate) async fn write(self, conn: &impl ConnectionTrait, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        crate::bulk::insert_all(conn, self.deadline_changes).await?;
        let entries: Vec<NewEntry<'_>> = self
            .audit
            .into_iter()
            .map(|(case_id, action, measure_no)| NewEntry {
                actor,
                at,
                case_id: Some(case_id),
                action,
                measure_no,
                fields: None,
                read_cases: Vec::new(),
            })
            .collect();
        for chunk in entries.chunks(audit_chain::ENTRIES_PER_APPEND) {
            audit_chain::append(conn, chunk).await?;
        }
        Ok(())
    }
}

/// Appends one entry to the audit trail (chained; the caller's
/// transaction holds the chain's head until it commits).
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    case_id: Option<Uuid>,
    action: AuditAction,
    measure_no: Option<i32>,
) -> DbResult<()> {
    let entry = NewEntry { actor, at: now, case_id, action, measure_no, fields: None, read_cases: Vec::new() };
    audit_chain::append(conn, &[entry]).await
}

fn change_columns(change: DeadlineChange) -> (&'static str, Option<chrono::NaiveDate>) {
    match change {
        DeadlineChange::Set => ("SET", None),
        DeadlineChange::Moved { previous_due } => ("MOVED", Some(previous_due)),
        DeadlineChange::Suspended => ("SUSPENDED", None),
        DeadlineChange::Resumed { previous_due } => ("RESUMED", Some(previous_due)),
        DeadlineChange::Met => ("MET", None),
        DeadlineChange::Lapsed => ("LAPSED", None),
        DeadlineChange::Cancelled => ("CANCELLED", None),
    }
}
