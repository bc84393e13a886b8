//! Reading: a case file, its history, its deadline changes, its planned
//! notifications, its audit trail, and the reference data.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::Calendar;
use domain::categories::Channel;
use domain::deadline::DeadlineRules;
use domain::request::Request;
use domain::roles::Role;
use domain::workflow::{AuditAction, Case, Command, MeasureNo};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::case_store;
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::{audit_events, case_events, cases, deadline_changes, deadlines, outbox};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, to_u16};
use crate::reference::{Department, MeasureType, Sector, Subdivision};
use crate::sealed;

/// Everything about one case: the request as filed and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub id: Uuid,
    pub file_number: String,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub request: Request,
    pub case: Case,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub seq: i32,
    pub action: AuditAction,
    pub measure: Option<MeasureNo>,
    pub occurred_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The command as given; `None` for the filing itself.
    pub command: Option<Command>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_role: Role,
    pub case_id: Option<Uuid>,
    pub action: AuditAction,
    pub measure: Option<MeasureNo>,
    pub request_id: Option<String>,
    /// What a sensitive read touched, or the operation denied.
    pub fields: Option<String>,
    /// The cases a read of several names (`fields` has a line for each);
    /// empty for any other entry.
    pub cases_read: Vec<Uuid>,
}

/// A notification waiting in (or gone through) the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedNotification {
    pub audience: String,
    pub sector: Option<String>,
    pub topic: String,
    pub topic_ref: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineChangeRecord {
    /// `DECISION`, `MEASURE_IMPLEMENTATION:2`…
    pub deadline: String,
    pub change: String,
    pub previous_due: Option<NaiveDate>,
    pub due: NaiveDate,
    pub version: i32,
}

impl Database {
    pub async fn case_file(&self, id: Uuid) -> DbResult<CaseFile> {
        let loaded = case_store::load(self.connection(), id).await?;
        let request: Request = sealed::open_request(&*self.keys()?, &loaded.row)?;
        Ok(CaseFile {
            id,
            channel: parse_code(Channel::parse, &loaded.row.channel, "cases.channel")?,
            file_number: loaded.row.file_number,
            received_at: loaded.row.received_at,
            request,
            case: loaded.case,
        })
    }

    pub async fn find_case_by_file_number(&self, file_number: &str) -> DbResult<Uuid> {
        cases::Entity::find()
            .filter(cases::Column::FileNumber.eq(file_number))
            .one(self.connection())
            .await?
            .map(|row| row.id)
            .ok_or(DbError::CaseNotFound)
    }

    pub async fn case_events(&self, case_id: Uuid) -> DbResult<Vec<CaseEvent>> {
        Ok(self.events_by_case(&[case_id]).await?.remove(&case_id).unwrap_or_default())
    }

    /// The histories of several cases, in one statement.
    pub async fn events_by_case(&self, case_ids: &[Uuid]) -> DbResult<HashMap<Uuid, Vec<CaseEvent>>> {
        let mut by_case: HashMap<Uuid, Vec<CaseEvent>> = HashMap::new();
        if case_ids.is_empty() {
            return Ok(by_case);
        }
        let rows = case_events::Entity::find()
            .filter(case_events::Column::CaseId.is_in(case_ids.iter().copied()))
            .order_by_asc(case_events::Column::CaseId)
            .order_by_asc(case_events::Column::Seq)
            .all(self.connection())
            .await?;
        let keys = self.keys()?;
        for row in rows {
            let case_id = row.case_id;
            by_case.entry(case_id).or_default().push(case_event(&keys, row)?);
        }
        Ok(by_case)
    }

    pub async fn audit_trail(&self, case_id: Uuid) -> DbResult<Vec<AuditEntry>> {
        audit_events::Entity::find()
            .filter(crate::audit_chain::about_case(case_id))
            .order_by_asc(audit_events::Column::Id)
            .all(self.connection())
            .await?
            .into_iter()
            .map(audit_entry)
            .collect()
    }

    pub async fn planned_notifications(&self, case_id: Uuid) -> DbResult<Vec<PlannedNotification>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::CaseId.eq(case_id))
            .order_by_asc(outbox::Column::CreatedAt)
            .order_by_asc(outbox::Column::DedupeKey)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| PlannedNotification {
                audience: row.audience,
                sector: row.sector_code,
                topic: row.topic,
                topic_ref: row.topic_ref,
                status: row.status,
            })
            .collect())
    }

    pub async fn deadline_changes(&self, case_id: Uuid) -> DbResult<Vec<DeadlineChangeRecord>> {
        let keys: std::collections::HashMap<Uuid, String> = deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.eq(case_id))
            .all(self.connection())
            .await?
            .into_iter()
            .map(|d| (d.id, d.deadline_key))
            .collect();
        let ids: Vec<Uuid> = keys.keys().copied().collect();
        deadline_changes::Entity::find()
            .filter(deadline_changes::Column::DeadlineId.is_in(ids))
            .order_by_asc(deadline_changes::Column::Id)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| {
                Ok(DeadlineChangeRecord {
                    deadline: keys.get(&row.deadline_id).cloned().ok_or(DbError::Corrupt("deadline_changes"))?,
                    change: row.change,
                    previous_due: row.previous_due,
                    due: row.due_on,
                    version: row.version,
                })
            })
            .collect()
    }

    // Reference data comes from memory (`reference_cache`), read again
    // after an edit.

    pub async fn departments(&self) -> DbResult<Vec<Department>> {
        Ok(self.reference_data().await?.departments.clone())
    }

    pub async fn provinces(&self) -> DbResult<Vec<Subdivision>> {
        Ok(self.reference_data().await?.provinces.clone())
    }

    pub async fn districts(&self) -> DbResult<Vec<Subdivision>> {
        Ok(self.reference_data().await?.districts.clone())
    }

    pub async fn sectors(&self) -> DbResult<Vec<Sector>> {
        Ok(self.reference_data().await?.sectors.clone())
    }

    pub async fn measure_types(&self) -> DbResult<Vec<MeasureType>> {
        Ok(self.reference_data().await?.measure_types.clone())
    }

    /// The working-day calendar in force, for reads (commands read it in
    /// their transaction).
    pub async fn calendar(&self) -> DbResult<Calendar> {
        Ok(self.reference_data().await?.calendar.clone())
    }

    /// The deadline rules in force.
    pub async fn deadline_rules(&self) -> DbResult<DeadlineRules> {
        Ok(self.reference_data().await?.deadline_rules.clone())
    }
}

fn case_event(keys: &Keyring, row: case_events::Model) -> DbResult<CaseEvent> {
    let action = parse_code(AuditAction::parse, &row.action, "case_events.action")?;
    // The filing and recomputations are not commands: their payloads say
    // how the request came in, or which calendar version moved deadlines.
    let command = match action {
        AuditAction::Received | AuditAction::DeadlinesRecomputed => None,
        _ => Some(
            serde_json::from_str(&sealed::open_payload(keys, &row)?)
                .map_err(|_| DbError::Corrupt("case_events.payload"))?,
        ),
    };
    Ok(CaseEvent {
        seq: row.seq,
        action,
        measure: measure_no(row.measure_no, "case_events.measure_no")?,
        occurred_on: row.occurred_on,
        recorded_at: row.recorded_at,
        actor_id: row.actor_id,
        command,
    })
}

pub(crate) fn audit_entry(row: audit_events::Model) -> DbResult<AuditEntry> {
    let action = parse_code(AuditAction::parse, &row.action, "audit_events.action")?;
    Ok(AuditEntry {
        cases_read: crate::audit_chain::cases_read(action, row.case_id, row.fields.as_deref()),
        id: row.id,
        recorded_at: row.recorded_at,
        actor_id: row.actor_id,
        actor_role: parse_code(Role::parse, &row.actor_role, "audit_events.actor_role")?,
        case_id: row.case_id,
        action,
        measure: measure_no(row.measure_no, "audit_events.measure_no")?,
        request_id: row.request_id,
        fields: row.fields,
    })
}

fn measure_no(value: Option<i32>, column: &'static str) -> DbResult<Option<MeasureNo>> {
    value.map(|n| to_u16(n, column).map(MeasureNo)).transpose()
}
