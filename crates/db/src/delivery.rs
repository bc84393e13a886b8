//! What the delivery worker asks of the database: plan today's overdue
//! reminders, claim due messages under a lease, tell it everything needed
//! to write one, and record what happened. Also what people read about
//! deliveries: a case's delivery records, and the dead letters.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::business_day::lima_date;
use domain::deadline::{Deadline, DeadlineStatus};
use domain::place::DepartmentCode;
use domain::reminders;
use domain::request::Request;
use domain::workflow::Topic;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::case_store::{self, deadline_from_row};
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::{cases, deadlines, delivery_attempts, outbox, users};
use crate::error::{DbError, DbResult};
use crate::outbox::{Planner, REQUESTER, topic_from_columns};
use crate::parse::parse_code;
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

/// An attempt in progress: recorded when it began, completed with its
/// outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    id: Uuid,
    /// 1 for the message's first attempt.
    pub number: i32,
}

/// One attempt to deliver a message, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The outbox message.
    pub message: Uuid,
    pub number: i32,
    /// The worker that made it.
    pub worker: String,
    pub started_at: DateTime<Utc>,
    /// `None`: the attempt never finished (the worker stopped mid-send).
    pub finished_at: Option<DateTime<Utc>>,
    /// SENT, RETRY or DEAD.
    pub outcome: Option<String>,
    pub error: Option<String>,
}

/// What an outbox message is, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryKind {
    /// Something happened (a request filed, a measure notified…).
    Notice,
    /// A deadline's milestone.
    Reminder,
    /// A deadline's calendar event withdrawn.
    Cancel,
}

/// Where an outbox message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeliveryStatus {
    /// Waiting for its time or for a retry.
    Pending,
    Sent,
    /// Replaced before it was sent (its deadline moved or closed).
    Cancelled,
    /// Too late to be useful.
    Expired,
    /// Could not be delivered (permanent refusal, no address, too many attempts).
    Dead,
}

impl DeliveryStatus {
    /// As stored.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Sent => "SENT",
            DeliveryStatus::Cancelled => "CANCELLED",
            DeliveryStatus::Expired => "EXPIRED",
            DeliveryStatus::Dead => "DEAD",
        }
    }

    fn parse(code: &str) -> DbResult<Self> {
        [Self::Pending, Self::Sent, Self::Cancelled, Self::Expired, Self::Dead]
            .into_iter()
            .find(|status| status.code() == code)
            .ok_or(DbError::Corrupt("outbox.status"))
    }
}

impl DeliveryKind {
    fn parse(code: &str) -> DbResult<Self> {
        match code {
            "NOTICE" => Ok(Self::Notice),
            "REMINDER" => Ok(Self::Reminder),
            "CANCEL" => Ok(Self::Cancel),
            _ => Err(DbError::Corrupt("outbox.kind")),
        }
    }
}

/// A delivery record, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub kind: DeliveryKind,
    /// The topic or, for reminders, the deadline kind.
    pub topic: String,
    pub milestone: Option<String>,
    /// The staff account, or none for the requester.
    pub recipient: Option<Uuid>,
    pub to_requester: bool,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub planned_for: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn record(row: outbox::Model) -> DbResult<DeliveryRecord> {
    Ok(DeliveryRecord {
        id: row.id,
        case_id: row.case_id,
        recipient: row.recipient.strip_prefix("user:").and_then(|id| Uuid::parse_str(id).ok()),
        to_requester: row.recipient == REQUESTER,
        kind: DeliveryKind::parse(&row.kind)?,
        topic: row.topic,
        milestone: row.milestone,
        status: DeliveryStatus::parse(&row.status)?,
        attempts: row.attempts,
        last_error: row.last_error,
        planned_for: row.not_before,
        sent_at: row.sent_at,
    })
}

/// Cases the reminder pass plans for in one transaction.
const OVERDUE_BATCH: usize = 200;

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
        // A batch of cases per transaction, each batch a constant number of
        // statements: short transactions, a cost that follows the due cases.
        for batch in overdue.chunks(OVERDUE_BATCH) {
            let tx = self.write_transaction().await?;
            let (calendar, _, policies) = self.rules_in(&tx).await?;
            let staff = Arc::new(crate::outbox::active_staff(&tx).await?);
            let keys = self.keys()?;
            let mut collected = crate::outbox::Collected::default();
            for loaded in case_store::load_many(&tx, batch).await? {
                let reachable = requester_reachable(&keys, &loaded.row)?;
                let mut planner = Planner::new(loaded.row.id, &loaded.case, &calendar, &policies, reachable, now)
                    .collecting(Arc::clone(&staff));
                for stored in loaded.case.deadlines.iter().filter(|d| d.status == DeadlineStatus::Open) {
                    let Some(id) = loaded.deadline_ids.get(&stored.key) else { continue };
                    // As its recomputation will write it, if a calendar
                    // change has not reached it yet (same version: what is
                    // planned now stays valid after it).
                    let deadline = &stored.on_calendar(&calendar, loaded.case.department);
                    if let Some(reminder) = reminders::plan_overdue(&loaded.case, deadline, &policies, &calendar, today)
                    {
                        planner.plan_reminder(&tx, *id, deadline, &reminder).await?;
                        planned += 1;
                    }
                }
                collected.extend(planner.into_collected());
            }
            collected.write(&tx).await?;
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
        let keys = self.keys()?;
        // A message speaks of the deadline as the calendar in force makes
        // it: a reminder planned on a calendar since changed, whose
        // recomputation has not reached it yet, is superseded, not sent.
        let calendar = self.calendar().await?;
        let mut envelopes = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(case) = row.case_id.and_then(|id| cases.get(&id)) else { continue };
            let (reader, to) = if row.recipient == REQUESTER {
                (Reader::Requester, requester_email(&keys, case)?)
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
                Some(stored) => {
                    let deadline = deadline_from_row(stored)?.on_calendar(
                        &calendar,
                        parse_code(DepartmentCode::parse, &case.department_code, "cases.department_code")?,
                    );
                    Some((stored.id, deadline, row.deadline_version.unwrap_or(0)))
                }
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

    /// Starts an attempt to send message `id`, if `owner` still holds its
    /// lease at `now`: the lease is extended to `now + lease` and the
    /// attempt is counted and recorded, in one transaction, before anything
    /// goes to the SMTP server. `None` means the lease ran out and another
    /// worker may have the message: it must not be sent. A worker that
    /// sends only under `Some`, within a time shorter than `lease`, sends
    /// only while its claim holds.
    pub async fn begin_attempt(
        &self,
        id: Uuid,
        owner: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> DbResult<Option<Attempt>> {
        use outbox::Column as O;
        let tx = self.write_transaction().await?;
        let extended = outbox::Entity::update_many()
            .col_expr(O::LeaseUntil, Expr::value(Some(now + lease)))
            .col_expr(O::Attempts, Expr::col(O::Attempts).add(1))
            .filter(O::Id.eq(id))
            .filter(O::LeaseOwner.eq(owner))
            .filter(O::Status.eq("PENDING"))
            .filter(O::LeaseUntil.gt(now))
            .exec(&tx)
            .await?;
        if extended.rows_affected != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let number: i32 = outbox::Entity::find_by_id(id)
            .select_only()
            .column(O::Attempts)
            .into_tuple()
            .one(&tx)
            .await?
            .ok_or(DbError::Corrupt("outbox.attempts"))?;
        let attempt = Attempt { id: Uuid::new_v4(), number };
        delivery_attempts::Entity::insert(delivery_attempts::ActiveModel {
            id: Set(attempt.id),
            outbox_id: Set(id),
            attempt: Set(number),
            worker: Set(owner.to_owned()),
            started_at: Set(now),
            finished_at: Set(None),
            outcome: Set(None),
            error: Set(None),
        })
        .exec_without_returning(&tx)
        .await?;
        tx.commit().await?;
        Ok(Some(attempt))
    }

    /// Records the outcome for message `id`, if the lease is still `owner`'s
    /// (a worker whose lease ran out must not overwrite another's result),
    /// and completes `attempt` when a send was attempted. Returns whether
    /// the outcome was recorded.
    pub async fn record_delivery(
        &self,
        id: Uuid,
        owner: &str,
        attempt: Option<Attempt>,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        use outbox::Column as O;
        let tx = self.write_transaction().await?;
        if let Some(attempt) = attempt {
            let (code, error) = match &outcome {
                Outcome::Sent => ("SENT", None),
                Outcome::Retry { error, .. } => ("RETRY", Some(error.clone())),
                Outcome::Dead { error } => ("DEAD", Some(error.clone())),
                Outcome::Expired => ("EXPIRED", None),
            };
            delivery_attempts::Entity::update_many()
                .col_expr(delivery_attempts::Column::FinishedAt, Expr::value(Some(now)))
                .col_expr(delivery_attempts::Column::Outcome, Expr::value(Some(code)))
                .col_expr(delivery_attempts::Column::Error, Expr::value(error))
                .filter(delivery_attempts::Column::Id.eq(attempt.id))
                .exec(&tx)
                .await?;
        }
        let no_lease = Expr::value(Option::<DateTime<Utc>>::None);
        let mut update = outbox::Entity::update_many()
            .col_expr(O::LeaseUntil, no_lease)
            .col_expr(O::LeaseOwner, Expr::value(Option::<String>::None))
            .filter(O::Id.eq(id))
            .filter(O::LeaseOwner.eq(owner))
            .filter(O::Status.eq("PENDING"));
        update = match outcome {
            Outcome::Sent => {
                update.col_expr(O::Status, Expr::value("SENT")).col_expr(O::SentAt, Expr::value(Some(now)))
            }
            Outcome::Retry { error, at } => {
                update.col_expr(O::NotBefore, Expr::value(at)).col_expr(O::LastError, Expr::value(Some(error)))
            }
            Outcome::Dead { error } => {
                update.col_expr(O::Status, Expr::value("DEAD")).col_expr(O::LastError, Expr::value(Some(error)))
            }
            Outcome::Expired => update.col_expr(O::Status, Expr::value("EXPIRED")),
        };
        let recorded = update.exec(&tx).await?.rows_affected == 1;
        tx.commit().await?;
        Ok(recorded)
    }

    /// Every attempt made to deliver the messages of a case, oldest first.
    pub async fn delivery_attempts(&self, case_id: Uuid) -> DbResult<Vec<AttemptRecord>> {
        let messages = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(outbox::Column::CaseId.eq(case_id))
            .into_query();
        Ok(delivery_attempts::Entity::find()
            .filter(delivery_attempts::Column::OutboxId.in_subquery(messages))
            .order_by_asc(delivery_attempts::Column::StartedAt)
            .order_by_asc(delivery_attempts::Column::Attempt)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| AttemptRecord {
                message: row.outbox_id,
                number: row.attempt,
                worker: row.worker,
                started_at: row.started_at,
                finished_at: row.finished_at,
                outcome: row.outcome,
                error: row.error,
            })
            .collect())
    }

    /// Who was told what about a case, and how it went.
    pub async fn deliveries(&self, case_id: Uuid) -> DbResult<Vec<DeliveryRecord>> {
        outbox::Entity::find()
            .filter(outbox::Column::CaseId.eq(case_id))
            .order_by_asc(outbox::Column::NotBefore)
            .order_by_asc(outbox::Column::DedupeKey)
            .all(self.connection())
            .await?
            .into_iter()
            .map(record)
            .collect::<DbResult<_>>()
    }

    /// Messages that could not be delivered, newest first.
    pub async fn dead_letters(&self, limit: u64) -> DbResult<Vec<DeliveryRecord>> {
        outbox::Entity::find()
            .filter(outbox::Column::Status.eq("DEAD"))
            .order_by_desc(outbox::Column::NotBefore)
            .limit(limit)
            .all(self.connection())
            .await?
            .into_iter()
            .map(record)
            .collect::<DbResult<_>>()
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
