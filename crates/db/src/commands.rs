//! The commands: filing a request and applying a workflow command. One
//! transaction each.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use domain::business_day::{lima_date, lima_instant};
use domain::categories::Channel;
use domain::request::{Beneficiary, Request};
use domain::workflow::{AuditAction, Case, Command, Context, Effect};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::case_store::{self, case_state_columns};
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::effects::{self, Actor, Origin};
use crate::entities::{beneficiaries, case_aggression_types, case_events, cases, file_number_counters};
use crate::error::{DbError, DbResult};
use crate::live::{self, LiveEvent};
use crate::outbox::Planner;
use crate::reference;
use crate::sealed;

/// A request just filed: its id and its file number (*expediente*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledCase {
    pub id: Uuid,
    /// `AT-2026-000123`: per year, never reused.
    pub file_number: String,
    /// The same idempotency key and request were filed before: this is
    /// that case, and nothing new was written.
    pub replayed: bool,
}

/// What makes filing idempotent and lets the requester come back: hashes
/// only (the API derives them from the client's secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeKeys {
    /// Hash of the client-chosen idempotency key.
    pub idempotency_hash: String,
    /// Hash of the request's content: the same key with other content is
    /// refused instead of replayed.
    pub fingerprint: String,
    /// Hash of the requester's access key.
    pub access_key_hash: String,
}

impl Database {
    /// Files a request received at `at` through `channel`.
    pub async fn submit_request(
        &self,
        request: &Request,
        channel: Channel,
        keys: &IntakeKeys,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> DbResult<FiledCase> {
        self.register_request(request, channel, keys, lima_date(at), at, actor).await
    }

    /// Files, at `at`, a request that staff received on `received_on` (by
    /// phone, e-mail, in person, on paper last week): its deadlines count
    /// from `received_on`; the history and the audit trail say who entered
    /// it, and when.
    pub async fn register_request(
        &self,
        request: &Request,
        channel: Channel,
        keys: &IntakeKeys,
        received_on: NaiveDate,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> DbResult<FiledCase> {
        // A receipt of another day is dated at noon in Lima: only the day is known.
        let received_at = if received_on == lima_date(at) {
            at
        } else {
            lima_instant(received_on, NaiveTime::MIN + chrono::Duration::hours(12))
        };
        match self.file(request, channel, keys, received_at, at, actor).await {
            // Two identical submissions raced: the loser finds the winner's.
            Err(DbError::Database(error)) if is_unique_violation(&error) => match self.replay(keys).await? {
                Some(filed) => Ok(filed),
                None => Err(DbError::Database(error)),
            },
            other => other,
        }
    }

    /// The case filed earlier with the same idempotency key, if its content
    /// is the same; an error if it is not.
    pub async fn replay(&self, keys: &IntakeKeys) -> DbResult<Option<FiledCase>> {
        replay_in(self.connection(), keys).await
    }

    async fn file(
        &self,
        request: &Request,
        channel: Channel,
        keys: &IntakeKeys,
        received_at: DateTime<Utc>,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> DbResult<FiledCase> {
        let tx = self.write_transaction().await?;
        if let Some(filed) = replay_in(&tx, keys).await? {
            return Ok(filed);
        }
        let department = request.place().ubigeo().department();
        reference::require_place(&tx, request.place().ubigeo()).await?;
        reference::require_active_measure_types(
            &tx,
            request.requested_measures().iter().filter_map(|m| m.measure_type()),
        )
        .await?;

        let (calendar, rules, policies) = self.rules_in(&tx).await?;
        let received_on = lima_date(received_at);
        let transition = Case::receive(received_on, department, &Context { calendar: &calendar, rules: &rules })?;
        let last = reserve_file_numbers(&tx, received_on.year(), 1).await?;
        let file_number = file_number(received_on.year(), last);
        let id = Uuid::new_v4();

        let sealing = self.sealing_keys(&tx).await?;
        let mut rows = request_rows(&sealing, id, &file_number, request, channel, received_at)?;
        rows.case.created_at = Set(at);
        rows.case.updated_at = Set(at);
        rows.case.intake_key_hash = Set(Some(keys.idempotency_hash.clone()));
        rows.case.intake_fingerprint = Set(Some(keys.fingerprint.clone()));
        rows.case.access_key_hash = Set(Some(keys.access_key_hash.clone()));
        case_state_columns(&transition.case, &mut rows.case)?;
        cases::Entity::insert(rows.case).exec_without_returning(&tx).await?;
        case_aggression_types::Entity::insert_many(rows.aggressions).exec_without_returning(&tx).await?;
        beneficiaries::Entity::insert_many(rows.beneficiaries).exec_without_returning(&tx).await?;

        let blank = Case { deadlines: Vec::new(), measures: Vec::new(), ..transition.case.clone() };
        let deadline_ids =
            case_store::save_children(&tx, id, &blank, &transition.case, &Default::default(), Default::default(), at)
                .await?;
        let origin = Origin { case_id: id, event_seq: 1, actor, now: at };
        record_event(
            &tx,
            &sealing,
            &origin,
            AuditAction::Received,
            None,
            received_on,
            receipt_payload(channel, received_on, at),
        )
        .await?;
        let reachable = request.requester().contact().email().is_some();
        let mut planner = Planner::new(id, &transition.case, &calendar, &policies, reachable, at);
        effects::carry_out(&tx, &origin, &transition.effects, &deadline_ids, &mut planner, None).await?;
        let events = live::transition_events(id, &file_number, None, &transition.case, &transition.effects, at);
        self.commit_announcing(tx, events).await?;
        Ok(FiledCase { id, file_number, replayed: false })
    }

    /// The case a requester may see: the one with this file number whose
    /// access key hashes to `access_key_hash`.
    pub async fn case_for_requester(&self, file_number: &str, access_key_hash: &str) -> DbResult<Option<Uuid>> {
        let row =
            cases::Entity::find().filter(cases::Column::FileNumber.eq(file_number)).one(self.connection()).await?;
        Ok(row.and_then(|row| {
            let stored = row.access_key_hash.as_deref().unwrap_or("");
            constant_time_eq(stored.as_bytes(), access_key_hash.as_bytes()).then_some(row.id)
        }))
    }

    /// Gives the case a new access key (its hash): the old one stops
    /// working at once. Audited on the case.
    pub async fn replace_access_key(
        &self,
        case_id: Uuid,
        access_key_hash: &str,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        let updated = cases::Entity::update_many()
            .col_expr(cases::Column::AccessKeyHash, Expr::value(access_key_hash))
            .filter(cases::Column::Id.eq(case_id))
            .exec(&tx)
            .await?;
        if updated.rows_affected == 0 {
            return Err(DbError::CaseNotFound);
        }
        effects::audit(&tx, actor, at, Some(case_id), AuditAction::AccessKeyIssued, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies `command` to the case at `at` (its Lima date is "today").
    /// Returns the case as it now stands.
    pub async fn apply(&self, case_id: Uuid, command: Command, at: DateTime<Utc>, actor: &Actor) -> DbResult<Case> {
        let tx = self.write_transaction().await?;
        let (case, events) = self.apply_in(&tx, case_id, command, at, actor).await?;
        self.commit_announcing(tx, events).await?;
        Ok(case)
    }

    /// [`Database::apply`]'s work inside `tx`, for a change that commits
    /// with more than the command (an evidence file completed with the
    /// history's entry that records it). Returns the case and the live
    /// events to announce once `tx` commits.
    pub(crate) async fn apply_in(
        &self,
        tx: &DatabaseTransaction,
        case_id: Uuid,
        command: Command,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> DbResult<(Case, Vec<LiveEvent>)> {
        let loaded = case_store::load(tx, case_id).await?;
        if let Command::IssueResolution(resolution) = &command {
            reference::require_active_sectors(tx, resolution.granted.iter().map(|g| &g.sector)).await?;
            reference::require_active_measure_types(tx, resolution.granted.iter().map(|g| &g.measure_type)).await?;
        }
        let (calendar, rules, policies) = self.rules_in(tx).await?;
        let today = lima_date(at);
        let payload = serde_json::to_value(&command).map_err(|_| DbError::Corrupt("case_events.payload"))?;
        let evaluation = match &command {
            Command::EvaluateAdmissibility(evaluation) => Some(evaluation.clone()),
            _ => None,
        };
        let incident = match &command {
            Command::ReportIncident(incident) => Some(incident.aggression_types.clone()),
            _ => None,
        };
        let transition = loaded.case.apply(command, today, &Context { calendar: &calendar, rules: &rules })?;

        let deadline_ids = case_store::save(tx, &loaded, &transition.case, at).await?;
        if let Some(evaluation) = evaluation {
            crate::registry::record_admissibility(tx, case_id, &evaluation, today).await?;
        }
        if let Some(aggression_types) = incident {
            crate::registry::record_incident(tx, case_id, &aggression_types).await?;
        }
        let rules = (&calendar, &policies);
        let events = self.record_transition(tx, &loaded, &transition, &deadline_ids, rules, payload, at, actor).await?;
        Ok((transition.case, events))
    }

    /// What follows a transition saved in `tx`: its history entry (with
    /// `payload`, sealed), its deadlines, reminders and notices, and the
    /// live events to announce once `tx` commits.
    #[expect(clippy::too_many_arguments, reason = "the transition, where it stands and who made it")]
    pub(crate) async fn record_transition(
        &self,
        tx: &DatabaseTransaction,
        loaded: &case_store::LoadedCase,
        transition: &domain::workflow::Transition,
        deadline_ids: &std::collections::HashMap<domain::deadline::DeadlineKey, Uuid>,
        (calendar, policies): (&domain::calendar::Calendar, &domain::reminders::ReminderPolicies),
        payload: serde_json::Value,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> DbResult<Vec<LiveEvent>> {
        let case_id = loaded.row.id;
        let seq = next_event_seq(tx, case_id).await?;
        let origin = Origin { case_id, event_seq: seq, actor, now: at };
        let (action, measure) = transition
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::Audit(event) => Some((event.action, event.measure)),
                Effect::Deadline { .. } | Effect::Notify(_) => None,
            })
            .ok_or(DbError::Corrupt("audit event"))?;
        let sealing = self.sealing_keys(tx).await?;
        record_event(tx, &sealing, &origin, action, measure.map(|m| i32::from(m.0)), lima_date(at), payload).await?;
        let reachable = crate::delivery::requester_reachable(&sealing, &loaded.row)?;
        let mut planner = Planner::new(case_id, &transition.case, calendar, policies, reachable, at);
        effects::carry_out(tx, &origin, &transition.effects, deadline_ids, &mut planner, None).await?;
        Ok(live::transition_events(
            case_id,
            &loaded.row.file_number,
            Some(&loaded.case),
            &transition.case,
            &transition.effects,
            at,
        ))
    }
}

/// The history's first entry: how the request came, and, for one entered
/// after the day it was received, the day it was entered.
fn receipt_payload(channel: Channel, received_on: NaiveDate, at: DateTime<Utc>) -> serde_json::Value {
    let entered_on = lima_date(at);
    match entered_on == received_on {
        true => json!({ "channel": channel.code() }),
        false => json!({ "channel": channel.code(), "enteredOn": entered_on.to_string() }),
    }
}

async fn replay_in(conn: &impl ConnectionTrait, keys: &IntakeKeys) -> DbResult<Option<FiledCase>> {
    let existing =
        cases::Entity::find().filter(cases::Column::IntakeKeyHash.eq(keys.idempotency_hash.clone())).one(conn).await?;
    match existing {
        None => Ok(None),
        Some(row) if row.intake_fingerprint.as_deref() == Some(keys.fingerprint.as_str()) => {
            Ok(Some(FiledCase { id: row.id, file_number: row.file_number, replayed: true }))
        }
        Some(_) => Err(DbError::IdempotencyKeyReused),
    }
}

fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Compares secrets' hashes without leaking, through timing, how much of
/// them matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn consent_code(request: &Request) -> &'static str {
    match request.consent().status() {
        domain::request::ConsentStatus::Given => "GIVEN",
        domain::request::ConsentStatus::Refused => "REFUSED",
        domain::request::ConsentStatus::Unable => "UNABLE",
    }
}

/// Hands out the next file number of `year` (`AT-2026-000123`). The counter
/// row is locked by the upsert until the transaction ends, so numbers are
/// unique and, once committed, never reused.
/// Takes the next `count` file numbers of `year`; returns the last one
/// taken (the first is `last - count + 1`). Numbers are never reused.
pub(crate) async fn reserve_file_numbers(conn: &impl ConnectionTrait, year: i32, count: i64) -> DbResult<i64> {
    use file_number_counters::Column;
    let mut insert = Query::insert();
    insert
        .into_table(file_number_counters::Entity)
        .columns([Column::Year, Column::LastNumber])
        .values([year.into(), count.into()])
        .map_err(|_| DbError::Corrupt("file_number_counters"))?;
    insert
        .on_conflict(
            OnConflict::column(Column::Year)
                .value(Column::LastNumber, Expr::col((file_number_counters::Entity, Column::LastNumber)).add(count))
                .to_owned(),
        )
        .returning_col(Column::LastNumber);
    let row = conn.query_one(&insert).await?.ok_or(DbError::Corrupt("file_number_counters"))?;
    Ok(row.try_get("", "last_number")?)
}

/// `AT-2026-000123`.
pub(crate) fn file_number(year: i32, number: i64) -> String {
    format!("AT-{year}-{number:06}")
}

/// The rows a request is stored in: the case row (its state columns still
/// to be set), its aggression types and its beneficiaries.
pub(crate) struct RequestRows {
    pub(crate) case: cases::ActiveModel,
    pub(crate) aggressions: Vec<case_aggression_types::ActiveModel>,
    pub(crate) beneficiaries: Vec<beneficiaries::ActiveModel>,
}

pub(crate) fn request_rows(
    keys: &Keyring,
    id: Uuid,
    file_number: &str,
    request: &Request,
    channel: Channel,
    at: DateTime<Utc>,
) -> DbResult<RequestRows> {
    let received_on = lima_date(at);
    let case = cases::ActiveModel {
        id: Set(id),
        file_number: Set(file_number.to_owned()),
        channel: Set(channel.code().to_owned()),
        department_code: Set(request.place().ubigeo().department().as_str().to_owned()),
        province_code: Set(request.place().ubigeo().province().map(str::to_owned)),
        received_on: Set(received_on),
        received_at: Set(at),
        defender_category: Set(request.defender_category().code().to_owned()),
        aggressor_type: Set(request.aggressor_type().map(|a| a.code().to_owned())),
        language: Set(request.language().code().to_owned()),
        interpreter_needed: Set(request.interpreter_needed()),
        consent_status: Set(consent_code(request).to_owned()),
        is_collective: Set(request.is_collective()),
        beneficiary_count: Set(i32::try_from(request.beneficiaries().len()).unwrap_or(i32::MAX)),
        request_details: Set(sealed::seal_request(keys, id, request)?),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    let aggressions = request
        .aggression_types()
        .iter()
        .map(|a| case_aggression_types::ActiveModel { case_id: Set(id), aggression_type: Set(a.code().to_owned()) })
        .collect();
    let beneficiaries = request
        .beneficiaries()
        .iter()
        .zip(0..)
        .map(|(b, position)| beneficiaries::ActiveModel {
            case_id: Set(id),
            position: Set(position),
            kind: Set(match b {
                Beneficiary::Person(_) => "PERSON",
                Beneficiary::Collective(_) => "COLLECTIVE",
            }
            .to_owned()),
            collective_kind: Set(b.collective_kind().map(|k| k.code().to_owned())),
            gender: Set(b.gender().map(|g| g.code().to_owned())),
        })
        .collect();
    Ok(RequestRows { case, aggressions, beneficiaries })
}

pub(crate) async fn next_event_seq(conn: &impl ConnectionTrait, case_id: Uuid) -> DbResult<i32> {
    let last = case_events::Entity::find()
        .filter(case_events::Column::CaseId.eq(case_id))
        .order_by_desc(case_events::Column::Seq)
        .limit(1)
        .one(conn)
        .await?;
    Ok(last.map_or(1, |e| e.seq + 1))
}

/// Appends one entry to the case's history, its payload sealed.
pub(crate) async fn record_event(
    conn: &impl ConnectionTrait,
    keys: &Keyring,
    origin: &Origin<'_>,
    action: AuditAction,
    measure_no: Option<i32>,
    occurred_on: chrono::NaiveDate,
    payload: serde_json::Value,
) -> DbResult<()> {
    let row = event_row(keys, origin, action, measure_no, occurred_on, &payload)?;
    case_events::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// A history entry, its payload sealed.
pub(crate) fn event_row(
    keys: &Keyring,
    origin: &Origin<'_>,
    action: AuditAction,
    measure_no: Option<i32>,
    occurred_on: chrono::NaiveDate,
    payload: &serde_json::Value,
) -> DbResult<case_events::ActiveModel> {
    let id = Uuid::new_v4();
    Ok(case_events::ActiveModel {
        id: Set(id),
        case_id: Set(origin.case_id),
        seq: Set(origin.event_seq),
        action: Set(action.code().to_owned()),
        measure_no: Set(measure_no),
        occurred_on: Set(occurred_on),
        recorded_at: Set(origin.now),
        actor_id: Set(origin.actor.user_id),
        payload: Set(sealed::seal_payload(keys, id, payload)?),
    })
}
