//! What the delivery worker asks of the database: plan today's overdue
//! reminders, claim due messages under a lease, tell it everything needed
//! to write one, and record what happened. Also what people read about
//! deliveries: a case's delivery records, and the dead letters.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::business_day::lima_date;
use domain::deadline::{Deadline, DeadlineStatus};
use domain::reminders;
use domain::request::Request;
use domain::workflow::Topic;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::case_store::{self, deadline_from_row};
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::{cases, deadlines, outbox, users};
use crate::error::{DbError, DbResult};
use crate::outbox::{Planner, REQUESTER, topic_from_columns};
use crate::sealed;

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageKind {
    Notice(Topic),
    /// A reminder of a deadline milestone (`D-2`, `OVERDUE:…`).
    Reminder {
        milestone: String,
    },
    /// The deadline's calendar event is withdrawn.
    Cancel,
}

/// Who reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    Staff(Uuid),
    Requester,
}

/// A claimed message with everything needed to write it.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: Uuid,
    pub kind: MessageKind,
    pub reader: Reader,
    /// The address; `None` when the account or the address is gone.
    pub to: Option<String>,
    pub case_id: Uuid,
    pub file_number: String,
    /// For reminders and cancellations: the deadline as it now stands, its
    /// id, and the version the message was planned for.
    pub deadline: Option<(Uuid, Deadline, i32)>,
    pub attempts: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A transient failure: try again at `at`.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// A permanent failure, or too many attempts.
    Dead {
        error: String,
    },
    /// Too late to be useful.
    Expired,
}

/// A delivery record, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub kind: String,
    /// The topic or, for reminders, the deadline kind.
    pub topic: String,
    pub milestone: Option<String>,
    /// The staff account, or none for the requester.
    pub recipient: Option<Uuid>,
    pub to_requester: bool,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub planned_for: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn record(row: outbox::Model) -> DeliveryRecord {
    DeliveryRecord {
        id: row.id,
        case_id: row.case_id,
        recipient: row.recipient.strip_prefix("user:").and_then(|id| Uuid::parse_str(id).ok()),
        to_requester: row.recipient == REQUESTER,
        kind: row.kind,
        topic: row.topic,
        milestone: row.milestone,
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
        planned_for: row.not_before,
        sent_at: row.sent_at,
    }
}

impl Database {
    /// Plans today's overdue reminders (owners plus escalation) for every
    /// running deadline already past due. Reads only deadlines due before
    /// today (an index range), so it costs what the overdue ones cost, not
    /// what all of them do. Planning is idempotent: any number of instances
    /// may run it.
    pub async fn plan_overdue_reminders(&self, now: DateTime<Utc>) -> DbResult<usize> {
        let today = lima_date(now);
        let overdue: Vec<Uuid> = deadlines::Entity::find()
            .select_only()
            .column(deadlines::Column::CaseId)
            .distinct()
            .filter(deadlines::Column::Status.eq("OPEN"))
            .filter(deadlines::Column::DueOn.lt(today))
            .into_tuple()
            .all(self.connection())
            .await?;
        let mut planned = 0;
        for case_id in overdue {
            let tx = self.write_transaction().await?;
            let loaded = case_store::load(&tx, case_id).await?;
            let (calendar, _, policies) = self.rules_in(&tx).await?;
            let reachable = requester_reachable(self.keys()?, &loaded.row)?;
            let mut planner = Planner::new(case_id, &loaded.case, &calendar, &policies, reachable, now);
            for deadline in loaded.case.deadlines.iter().filter(|d| d.status == DeadlineStatus::Open) {
                let Some(id) = loaded.deadline_ids.get(&deadline.key) else { continue };
                if let Some(reminder) = reminders::plan_overdue(&loaded.case, deadline, &policies, &calendar, today) {
                    planner.plan_reminder(&tx, *id, deadline, &reminder).await?;
                    planned += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(planned)
    }

    /// Claims up to `limit` messages due at `now` for `lease`, for the worker
    /// called `owner`, and commits the claim before any sending happens. On
    /// PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so
    /// concurrent workers never claim the same row; on SQLite the write
    /// transaction is exclusive. An expired lease makes a row claimable
    /// again.
    pub async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: Duration,
        owner: &str,
    ) -> DbResult<Vec<Envelope>> {
        use outbox::Column as O;
        let tx = self.write_transaction().await?;
        let due = Query::select()
            .column(O::Id)
            .from(outbox::Entity)
            .and_where(Expr::col(O::Status).eq("PENDING"))
            .and_where(Expr::col(O::NotBefore).lte(now))
            .and_where(Expr::col(O::LeaseUntil).is_null().or(Expr::col(O::LeaseUntil).lt(now)))
            .order_by(O::NotBefore, sea_orm::Order::Asc)
            .order_by(O::Id, sea_orm::Order::Asc)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        let ids: Vec<Uuid> = outbox::Entity::find()
            .select_only()
            .column(O::Id)
            .filter(O::Id.in_subquery(due))
            .into_tuple()
            .all(&tx)
            .await?;
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        outbox::Entity::update_many()
            .col_expr(O::LeaseUntil, Expr::value(Some(now + lease)))
            .col_expr(O::LeaseOwner, Expr::value(Some(owner.to_owned())))
            .filter(O::Id.is_in(ids.clone()))
            .exec(&tx)
            .await?;
        let rows = outbox::Entity::find().filter(O::Id.is_in(ids)).order_by_asc(O::NotBefore).all(&tx).await?;
        tx.commit().await?;
        self.envelopes(rows).await
    }

    /// Everything needed to write each claimed message, in a few batch reads.
    async fn envelopes(&self, rows: Vec<outbox::Model>) -> DbResult<Vec<Envelope>> {
        let conn = self.connection();
        let case_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.case_id).collect();
        let cases: HashMap<Uuid, cases::Model> = cases::Entity::find()
            .filter(cases::Column::Id.is_in(case_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let user_ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| r.recipient.strip_prefix("user:"))
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        let users: HashMap<Uuid, users::Model> = users::Entity::find()
            .filter(users::Column::Id.is_in(user_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        // Reminders name their deadline; a "deadline moved" notice names it
        // by case and key.
        let deadline_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.deadline_id).collect();
        let moved: Vec<String> =
            rows.iter().filter(|r| r.topic == "DEADLINE_MOVED").filter_map(|r| r.topic_ref.clone()).collect();
        let mut wanted = sea_orm::Condition::any().add(deadlines::Column::Id.is_in(deadline_ids));
        if !moved.is_empty() {
            let of_cases = rows.iter().filter(|r| r.topic == "DEADLINE_MOVED").filter_map(|r| r.case_id);
            wanted = wanted.add(
                sea_orm::Condition::all()
                    .add(deadlines::Column::CaseId.is_in(of_cases))
                    .add(deadlines::Column::DeadlineKey.is_in(moved)),
            );
        }
        let found = deadlines::Entity::find().filter(wanted).all(conn).await?;
        let by_key: HashMap<(Uuid, String), Uuid> =
            found.iter().map(|d| ((d.case_id, d.deadline_key.clone()), d.id)).collect();
        let deadlines: HashMap<Uuid, deadlines::Model> = found.into_iter().map(|d| (d.id, d)).collect();
        let mut envelopes = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(case) = row.case_id.and_then(|id| cases.get(&id)) else { continue };
            let (reader, to) = if row.recipient == REQUESTER {
                (Reader::Requester, requester_email(self.keys()?, case)?)
            } else {
                let id = row
                    .recipient
                    .strip_prefix("user:")
                    .and_then(|id| Uuid::parse_str(id).ok())
                    .ok_or(DbError::Corrupt("outbox.recipient"))?;
                let to = users.get(&id).filter(|u| u.active).map(|u| u.email.clone());
                (Reader::Staff(id), to)
            };
            let kind = match row.kind.as_str() {
                "REMINDER" => MessageKind::Reminder { milestone: row.milestone.clone().unwrap_or_default() },
                "CANCEL" => MessageKind::Cancel,
                _ => MessageKind::Notice(
                    topic_from_columns(&row.topic, row.topic_ref.as_deref()).ok_or(DbError::Corrupt("outbox.topic"))?,
                ),
            };
            let deadline_id = row.deadline_id.or_else(|| {
                let key = row.topic_ref.clone().filter(|_| row.topic == "DEADLINE_MOVED")?;
                by_key.get(&(case.id, key)).copied()
            });
            let deadline = match deadline_id.and_then(|id| deadlines.get(&id)) {
                Some(stored) => Some((stored.id, deadline_from_row(stored)?, row.deadline_version.unwrap_or(0))),
                None => None,
            };
            envelopes.push(Envelope {
                id: row.id,
                kind,
                reader,
                to,
                case_id: case.id,
                file_number: case.file_number.clone(),
                deadline,
                attempts: row.attempts,
                expires_at: row.expires_at,
            });
        }
        Ok(envelopes)
    }

    /// Records the outcome of an attempt, if the lease is still `owner`'s
    /// (a worker whose lease ran out must not overwrite another's result).
    pub async fn record_delivery(&self, id: Uuid, owner: &str, outcome: Outcome, now: DateTime<Utc>) -> DbResult<bool> {
        use outbox::Column as O;
        let no_lease = Expr::value(Option::<DateTime<Utc>>::None);
        let mut update = outbox::Entity::update_many()
            .col_expr(O::LeaseUntil, no_lease)
            .col_expr(O::LeaseOwner, Expr::value(Option::<String>::None))
            .filter(O::Id.eq(id))
            .filter(O::LeaseOwner.eq(owner))
            .filter(O::Status.eq("PENDING"));
        update = match outcome {
            Outcome::Sent => update
                .col_expr(O::Status, Expr::value("SENT"))
                .col_expr(O::SentAt, Expr::value(Some(now)))
                .col_expr(O::Attempts, Expr::col(O::Attempts).add(1)),
            Outcome::Retry { error, at } => update
                .col_expr(O::NotBefore, Expr::value(at))
                .col_expr(O::LastError, Expr::value(Some(error)))
                .col_expr(O::Attempts, Expr::col(O::Attempts).add(1)),
            Outcome::Dead { error } => update
                .col_expr(O::Status, Expr::value("DEAD"))
                .col_expr(O::LastError, Expr::value(Some(error)))
                .col_expr(O::Attempts, Expr::col(O::Attempts).add(1)),
            Outcome::Expired => update.col_expr(O::Status, Expr::value("EXPIRED")),
        };
        Ok(update.exec(self.connection()).await?.rows_affected == 1)
    }

    /// Who was told what about a case, and how it went.
    pub async fn deliveries(&self, case_id: Uuid) -> DbResult<Vec<DeliveryRecord>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::CaseId.eq(case_id))
            .order_by_asc(outbox::Column::NotBefore)
            .order_by_asc(outbox::Column::DedupeKey)
            .all(self.connection())
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Messages that could not be delivered, newest first.
    pub async fn dead_letters(&self, limit: u64) -> DbResult<Vec<DeliveryRecord>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::Status.eq("DEAD"))
            .order_by_desc(outbox::Column::NotBefore)
            .limit(limit)
            .all(self.connection())
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Messages by status, for tests and metrics.
    pub async fn outbox_counts(&self) -> DbResult<HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Status)
            .column_as(outbox::Column::Id.count(), "n")
            .group_by(outbox::Column::Status)
            .into_tuple()
            .all(self.connection())
            .await?;
        Ok(rows.into_iter().collect())
    }
}

fn requester_email(keys: &Keyring, row: &cases::Model) -> DbResult<Option<String>> {
    let request: Request = sealed::open_request(keys, row)?;
    Ok(request.requester().contact().email().map(|e| e.as_str().to_owned()))
}

/// Whether a case's requester left an e-mail address.
pub(crate) fn requester_reachable(keys: &Keyring, row: &cases::Model) -> DbResult<bool> {
    Ok(requester_email(keys, row)?.is_some())
}
