//! Carrying out a transition's effects inside its transaction: the deadline
//! history, the notification outbox and the audit trail.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::deadline::DeadlineKey;
use domain::roles::Role;
use domain::workflow::{Audience, AuditAction, DeadlineChange, Effect, Notification, Topic};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::case_store::deadline_key_code;
use crate::entities::{audit_events, deadline_changes, outbox};
use crate::error::{DbError, DbResult};

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
        Self {
            user_id: None,
            role: Role::System,
            request_id: None,
        }
    }

    pub fn public(request_id: Option<String>) -> Self {
        Self {
            user_id: None,
            role: Role::Public,
            request_id,
        }
    }
}

/// Where the effects come from: which case, which event of its history.
pub(crate) struct Origin<'a> {
    pub(crate) case_id: Uuid,
    pub(crate) event_seq: i32,
    pub(crate) actor: &'a Actor,
    pub(crate) now: DateTime<Utc>,
}

pub(crate) async fn carry_out(
    conn: &impl ConnectionTrait,
    origin: &Origin<'_>,
    effects: &[Effect],
    deadline_ids: &HashMap<DeadlineKey, Uuid>,
) -> DbResult<()> {
    for effect in effects {
        match effect {
            Effect::Deadline { change, deadline } => {
                let deadline_id = *deadline_ids
                    .get(&deadline.key)
                    .ok_or(DbError::Corrupt("deadlines.id"))?;
                let (code, previous_due) = change_columns(*change);
                deadline_changes::Entity::insert(deadline_changes::ActiveModel {
                    id: NotSet,
                    deadline_id: Set(deadline_id),
                    change: Set(code.to_owned()),
                    previous_due: Set(previous_due),
                    due_on: Set(deadline.due),
                    version: Set(i32::try_from(deadline.version).map_err(|_| DbError::Corrupt("deadlines.version"))?),
                    recorded_at: Set(origin.now),
                })
                .exec_without_returning(conn)
                .await?;
            }
            Effect::Notify(notification) => plan_notification(conn, origin, notification).await?,
            Effect::Audit(event) => {
                let measure = event.measure.map(|m| i32::from(m.0));
                audit(
                    conn,
                    origin.actor,
                    origin.now,
                    Some(origin.case_id),
                    event.action,
                    measure,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Appends one entry to the audit trail.
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    case_id: Option<Uuid>,
    action: AuditAction,
    measure_no: Option<i32>,
) -> DbResult<()> {
    audit_events::Entity::insert(audit_events::ActiveModel {
        id: NotSet,
        recorded_at: Set(now),
        actor_id: Set(actor.user_id),
        actor_role: Set(actor.role.code().to_owned()),
        case_id: Set(case_id),
        action: Set(action.code().to_owned()),
        measure_no: Set(measure_no),
        request_id: Set(actor.request_id.clone()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
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

/// How an audience is stored: a code and, for sector coordinators, the sector.
pub(crate) fn audience_columns(audience: &Audience) -> (&'static str, Option<String>) {
    match audience {
        Audience::Officers => ("OFFICERS", None),
        Audience::AssignedOfficer => ("ASSIGNED_OFFICER", None),
        Audience::Supervisors => ("SUPERVISORS", None),
        Audience::SectorCoordinators(sector) => ("SECTOR_COORDINATORS", Some(sector.as_str().to_owned())),
        Audience::Requester => ("REQUESTER", None),
    }
}

/// How a topic is stored: a code and what it is about.
pub(crate) fn topic_columns(topic: &Topic) -> (&'static str, Option<String>) {
    match topic {
        Topic::NewRequest => ("NEW_REQUEST", None),
        Topic::Assigned => ("ASSIGNED", None),
        Topic::EvidenceAdded => ("EVIDENCE_ADDED", None),
        Topic::ConsentWithdrawn => ("CONSENT_WITHDRAWN", None),
        Topic::MeasureProgressReported(no) => ("MEASURE_PROGRESS_REPORTED", Some(no.0.to_string())),
        Topic::InformationRequested => ("INFORMATION_REQUESTED", None),
        Topic::InformationReceived => ("INFORMATION_RECEIVED", None),
        Topic::StatusChanged(status) => ("STATUS_CHANGED", Some(status.code().to_owned())),
        Topic::MeasureNotified(no) => ("MEASURE_NOTIFIED", Some(no.0.to_string())),
        Topic::MeasureImplemented(no) => ("MEASURE_IMPLEMENTED", Some(no.0.to_string())),
        Topic::MeasureNotFeasible(no) => ("MEASURE_NOT_FEASIBLE", Some(no.0.to_string())),
        Topic::MeasureLifted(no) => ("MEASURE_LIFTED", Some(no.0.to_string())),
        Topic::DeadlineMoved(key) => ("DEADLINE_MOVED", Some(deadline_key_code(*key))),
    }
}

/// One outbox row per notification. The key makes planning idempotent: the
/// same event can never plan the same notification twice.
async fn plan_notification(conn: &impl ConnectionTrait, origin: &Origin<'_>, n: &Notification) -> DbResult<()> {
    let (audience, sector) = audience_columns(&n.audience);
    let (topic, topic_ref) = topic_columns(&n.topic);
    let dedupe_key = format!(
        "{}/{}/{}:{}/{}:{}",
        origin.case_id,
        origin.event_seq,
        audience,
        sector.as_deref().unwrap_or(""),
        topic,
        topic_ref.as_deref().unwrap_or("")
    );
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(Some(origin.case_id)),
        dedupe_key: Set(dedupe_key),
        audience: Set(audience.to_owned()),
        sector_code: Set(sector),
        topic: Set(topic.to_owned()),
        topic_ref: Set(topic_ref),
        status: Set("PENDING".to_owned()),
        not_before: Set(origin.now),
        attempts: Set(0),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(origin.now),
        sent_at: Set(None),
    })
    .on_conflict(OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned())
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
