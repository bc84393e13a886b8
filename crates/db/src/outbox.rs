//! Planning messages in the transaction that causes them: one outbox row per
//! recipient, each with a key that makes planning it twice a no-op.
//!
//! - A notification (a workflow `Notify` effect) becomes NOTICE rows.
//! - A deadline set or moved gets REMINDER rows for its milestones before
//!   and on the due date (its older version's pending rows are cancelled);
//!   overdue reminders are planned by the worker's daily pass.
//! - A deadline closed loses its pending reminders, and whoever received
//!   one gets a CANCEL for the calendar event.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::business_day::{lima_date, lima_instant};
use domain::calendar::Calendar;
use domain::deadline::Deadline;
use domain::reminders::{self, PlannedReminder, ReminderPolicies};
use domain::roles::Role;
use domain::workflow::{AgreementNo, Audience, Case, CaseStatus, DeadlineChange, MeasureNo, Notification, Topic};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::case_store::deadline_key_code;
use crate::entities::{outbox, users};
use crate::error::DbResult;

/// How long a notice stays worth sending.
const NOTICE_LIFETIME: Duration = Duration::days(3);

/// Who a row is for, as stored: `user:<id>` or `requester`.
pub(crate) fn staff_recipient(id: Uuid) -> String {
    format!("user:{id}")
}

pub(crate) const REQUESTER: &str = "requester";

/// How a topic is stored: a code and what it is about.
pub(crate) fn topic_columns(topic: &Topic) -> (&'static str, Option<String>) {
    match topic {
        Topic::NewRequest => ("NEW_REQUEST", None),
        Topic::Assigned => ("ASSIGNED", None),
        Topic::InformationRequested => ("INFORMATION_REQUESTED", None),
        Topic::InformationReceived => ("INFORMATION_RECEIVED", None),
        Topic::EvidenceAdded => ("EVIDENCE_ADDED", None),
        Topic::ConsentWithdrawn => ("CONSENT_WITHDRAWN", None),
        Topic::StatusChanged(status) => ("STATUS_CHANGED", Some(status.code().to_owned())),
        Topic::MeasureNotified(no) => ("MEASURE_NOTIFIED", Some(no.0.to_string())),
        Topic::MeasureProgressReported(no) => ("MEASURE_PROGRESS_REPORTED", Some(no.0.to_string())),
        Topic::MeasureImplemented(no) => ("MEASURE_IMPLEMENTED", Some(no.0.to_string())),
        Topic::MeasureNotFeasible(no) => ("MEASURE_NOT_FEASIBLE", Some(no.0.to_string())),
        Topic::MeasureLifted(no) => ("MEASURE_LIFTED", Some(no.0.to_string())),
        Topic::MeasureVerificationFailed(no) => ("MEASURE_VERIFICATION_FAILED", Some(no.0.to_string())),
        Topic::DeadlineMoved(key) => ("DEADLINE_MOVED", Some(deadline_key_code(*key))),
        Topic::IncidentReported => ("INCIDENT_REPORTED", None),
        Topic::AgreementAdded(no) => ("AGREEMENT_ADDED", Some(no.0.to_string())),
        Topic::AgreementDone(no) => ("AGREEMENT_DONE", Some(no.0.to_string())),
    }
}

/// The topic a stored row is about (`None` for a code this version does
/// not know).
pub(crate) fn topic_from_columns(code: &str, reference: Option<&str>) -> Option<Topic> {
    let measure = || reference.and_then(|r| r.parse().ok()).map(MeasureNo);
    Some(match code {
        "NEW_REQUEST" => Topic::NewRequest,
        "ASSIGNED" => Topic::Assigned,
        "INFORMATION_REQUESTED" => Topic::InformationRequested,
        "INFORMATION_RECEIVED" => Topic::InformationReceived,
        "EVIDENCE_ADDED" => Topic::EvidenceAdded,
        "CONSENT_WITHDRAWN" => Topic::ConsentWithdrawn,
        "STATUS_CHANGED" => Topic::StatusChanged(CaseStatus::parse(reference?).ok()?),
        "MEASURE_NOTIFIED" => Topic::MeasureNotified(measure()?),
        "MEASURE_PROGRESS_REPORTED" => Topic::MeasureProgressReported(measure()?),
        "MEASURE_IMPLEMENTED" => Topic::MeasureImplemented(measure()?),
        "MEASURE_NOT_FEASIBLE" => Topic::MeasureNotFeasible(measure()?),
        "MEASURE_LIFTED" => Topic::MeasureLifted(measure()?),
        "MEASURE_VERIFICATION_FAILED" => Topic::MeasureVerificationFailed(measure()?),
        "DEADLINE_MOVED" => Topic::DeadlineMoved(crate::case_store::parse_deadline_key(reference?)?),
        "INCIDENT_REPORTED" => Topic::IncidentReported,
        "AGREEMENT_ADDED" => Topic::AgreementAdded(AgreementNo(reference?.parse().ok()?)),
        "AGREEMENT_DONE" => Topic::AgreementDone(AgreementNo(reference?.parse().ok()?)),
        _ => return None,
    })
}

/// How an audience is stored: a code and, for sector audiences, the sector.
pub(crate) fn audience_columns(audience: &Audience) -> (&'static str, Option<String>) {
    match audience {
        Audience::Officers => ("OFFICERS", None),
        Audience::AssignedOfficer => ("ASSIGNED_OFFICER", None),
        Audience::Supervisors => ("SUPERVISORS", None),
        Audience::SectorCoordinators(sector) => ("SECTOR_COORDINATORS", Some(sector.as_str().to_owned())),
        Audience::SectorLeadCoordinators(sector) => ("SECTOR_LEAD_COORDINATORS", Some(sector.as_str().to_owned())),
        Audience::Requester => ("REQUESTER", None),
    }
}

/// A row to insert.
struct Row {
    kind: &'static str,
    dedupe_key: String,
    audience: &'static str,
    sector: Option<String>,
    topic: String,
    topic_ref: Option<String>,
    recipient: String,
    deadline: Option<(Uuid, i32)>,
    milestone: Option<String>,
    not_before: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    /// Rows that cannot be delivered are stored dead, with the reason.
    dead: Option<String>,
}

/// Plans the messages of one case inside a write transaction.
pub(crate) struct Planner<'a> {
    case_id: Uuid,
    case: &'a Case,
    calendar: &'a Calendar,
    policies: &'a ReminderPolicies,
    /// Whether the requester left an e-mail address.
    requester_reachable: bool,
    now: DateTime<Utc>,
    /// Active staff accounts, read once when first needed (or given, when
    /// one pass plans for many cases).
    staff: Option<Arc<Vec<users::Model>>>,
    /// When planning for many cases: the writes, made together by the
    /// caller (`Collected::write`) instead of one statement each.
    collected: Option<Collected>,
}

/// What planners for many cases write together at the end of their batch:
/// the cancellations first, then the new rows.
#[derive(Default)]
pub(crate) struct Collected {
    /// Deadlines whose pending reminders are cancelled: those of versions
    /// below the one given, or all of them.
    cancellations: Vec<(Uuid, Option<i32>)>,
    rows: Vec<outbox::ActiveModel>,
}

impl Collected {
    pub(crate) fn extend(&mut self, other: Collected) {
        self.cancellations.extend(other.cancellations);
        self.rows.extend(other.rows);
    }

    /// A statement per distinct version cancelled below (deadline versions
    /// are small numbers), one for the "all of them", then the inserts.
    pub(crate) async fn write(self, conn: &impl ConnectionTrait) -> DbResult<()> {
        let mut by_version: std::collections::BTreeMap<Option<i32>, Vec<Uuid>> = Default::default();
        for (deadline, below) in self.cancellations {
            by_version.entry(below).or_default().push(deadline);
        }
        for (below, deadlines) in by_version {
            for chunk in deadlines.chunks(crate::bulk::MAX_PARAMETERS) {
                cancel_pending(conn, chunk, below).await?;
            }
        }
        insert_planned(conn, self.rows).await
    }
}

impl<'a> Planner<'a> {
    pub(crate) fn new(
        case_id: Uuid,
        case: &'a Case,
        calendar: &'a Calendar,
        policies: &'a ReminderPolicies,
        requester_reachable: bool,
        now: DateTime<Utc>,
    ) -> Self {
        Self { case_id, case, calendar, policies, requester_reachable, now, staff: None, collected: None }
    }

    /// The same, for one of many cases planned in one pass: `staff` read
    /// once for all, writes collected for the pass (`into_collected`).
    pub(crate) fn collecting(mut self, staff: Arc<Vec<users::Model>>) -> Self {
        self.staff = Some(staff);
        self.collected = Some(Collected::default());
        self
    }

    /// The writes collected so far.
    pub(crate) fn into_collected(self) -> Collected {
        self.collected.unwrap_or_default()
    }

    async fn cancel(&mut self, conn: &impl ConnectionTrait, deadline_id: Uuid, below: Option<i32>) -> DbResult<()> {
        match &mut self.collected {
            Some(collected) => collected.cancellations.push((deadline_id, below)),
            None => cancel_pending(conn, &[deadline_id], below).await?,
        }
        Ok(())
    }

    async fn staff(&mut self, conn: &impl ConnectionTrait) -> DbResult<&[users::Model]> {
        if self.staff.is_none() {
            self.staff = Some(Arc::new(active_staff(conn).await?));
        }
        Ok(self.staff.as_deref().map_or(&[], Vec::as_slice))
    }

    /// The recipients of an audience. Staff audiences nobody fills fall back
    /// to the supervisors; an empty result means nobody can be told.
    async fn recipients(&mut self, conn: &impl ConnectionTrait, audience: &Audience) -> DbResult<Vec<String>> {
        if *audience == Audience::Requester {
            return Ok(if self.requester_reachable { vec![REQUESTER.to_owned()] } else { Vec::new() });
        }
        let assigned = self.case.assigned_officer.as_ref().and_then(|s| Uuid::parse_str(&s.0).ok());
        let staff = self.staff(conn).await?;
        let role = |u: &users::Model, roles: &[Role]| roles.iter().any(|r| r.code() == u.role);
        let officers = |u: &users::Model| role(u, &[Role::Officer, Role::Supervisor]);
        let of_sector =
            |u: &users::Model, sector: &str| role(u, &[Role::Coordinator]) && u.sector_code.as_deref() == Some(sector);
        let chosen: Vec<&users::Model> = match audience {
            Audience::Officers => staff.iter().filter(|u| officers(u)).collect(),
            Audience::AssignedOfficer => {
                let mine: Vec<&users::Model> = staff.iter().filter(|u| Some(u.id) == assigned && officers(u)).collect();
                if mine.is_empty() { staff.iter().filter(|u| officers(u)).collect() } else { mine }
            }
            Audience::Supervisors => staff.iter().filter(|u| role(u, &[Role::Supervisor])).collect(),
            Audience::SectorCoordinators(sector) => staff.iter().filter(|u| of_sector(u, sector.as_str())).collect(),
            Audience::SectorLeadCoordinators(sector) => {
                let leads: Vec<&users::Model> =
                    staff.iter().filter(|u| of_sector(u, sector.as_str()) && u.lead_coordinator).collect();
                if leads.is_empty() { staff.iter().filter(|u| of_sector(u, sector.as_str())).collect() } else { leads }
            }
            Audience::Requester => Vec::new(),
        };
        let mut ids: Vec<String> = chosen.iter().map(|u| staff_recipient(u.id)).collect();
        if ids.is_empty() && *audience != Audience::Supervisors {
            ids = staff.iter().filter(|u| role(u, &[Role::Supervisor])).map(|u| staff_recipient(u.id)).collect();
        }
        Ok(ids)
    }

    /// NOTICE rows for a notification, one per recipient.
    pub(crate) async fn notify(
        &mut self,
        conn: &impl ConnectionTrait,
        event_seq: i32,
        n: &Notification,
    ) -> DbResult<()> {
        let (audience, sector) = audience_columns(&n.audience);
        let (topic, topic_ref) = topic_columns(&n.topic);
        let recipients = self.recipients(conn, &n.audience).await?;
        let (case_id, now) = (self.case_id, self.now);
        let key = |recipient: &str| {
            format!(
                "{}/{event_seq}/{audience}:{}/{topic}:{}/{recipient}",
                case_id,
                sector.as_deref().unwrap_or(""),
                topic_ref.as_deref().unwrap_or("")
            )
        };
        let row = |recipient: String, dead: Option<String>| Row {
            kind: "NOTICE",
            dedupe_key: key(if recipient.is_empty() { "nobody" } else { &recipient }),
            audience,
            sector: sector.clone(),
            topic: topic.to_owned(),
            topic_ref: topic_ref.clone(),
            recipient,
            deadline: None,
            milestone: None,
            not_before: now,
            expires_at: Some(now + NOTICE_LIFETIME),
            dead,
        };
        if recipients.is_empty() {
            // The requester without an e-mail address chose not to be
            // written to; anyone else unreachable is an administrator's
            // problem, recorded where they look.
            if n.audience != Audience::Requester {
                let reason = format!("sin destinatarios activos para {audience}");
                self.insert(conn, row(String::new(), Some(reason))).await?;
            }
            return Ok(());
        }
        for recipient in recipients {
            self.insert(conn, row(recipient, None)).await?;
        }
        Ok(())
    }

    /// Keeps a deadline's reminders in step with the deadline.
    pub(crate) async fn deadline_changed(
        &mut self,
        conn: &impl ConnectionTrait,
        deadline_id: Uuid,
        change: DeadlineChange,
        deadline: &Deadline,
    ) -> DbResult<()> {
        let version = i32::try_from(deadline.version).unwrap_or(i32::MAX);
        match change {
            DeadlineChange::Set | DeadlineChange::Moved { .. } | DeadlineChange::Resumed { .. } => {
                self.cancel(conn, deadline_id, Some(version)).await?;
                let today = lima_date(self.now);
                for planned in reminders::plan_before_due(self.case, deadline, self.policies, self.calendar, today) {
                    self.plan_reminder(conn, deadline_id, deadline, &planned).await?;
                }
            }
            DeadlineChange::Suspended => self.cancel(conn, deadline_id, None).await?,
            DeadlineChange::Met | DeadlineChange::Lapsed | DeadlineChange::Cancelled => {
                self.cancel(conn, deadline_id, None).await?;
                self.plan_cancellations(conn, deadline_id, version).await?;
            }
        }
        Ok(())
    }

    /// REMINDER rows of one milestone, one per recipient.
    pub(crate) async fn plan_reminder(
        &mut self,
        conn: &impl ConnectionTrait,
        deadline_id: Uuid,
        deadline: &Deadline,
        planned: &PlannedReminder,
    ) -> DbResult<()> {
        let version = i32::try_from(deadline.version).unwrap_or(i32::MAX);
        let send_at =
            self.policies.for_track(deadline.rule.track.unwrap_or_else(|| self.case.effective_track())).send_at;
        let not_before = lima_instant(planned.send_on, send_at);
        // Useful until the end of its day in Lima: later, the next one goes.
        let expires_at = lima_instant(planned.send_on.succ_opt().unwrap_or(planned.send_on), NaiveTime::MIN);
        let milestone = planned.milestone.code();
        let mut recipients = Vec::new();
        for audience in &planned.audiences {
            for recipient in self.recipients(conn, audience).await? {
                if !recipients.contains(&recipient) {
                    recipients.push(recipient);
                }
            }
        }
        for recipient in recipients {
            self.insert(
                conn,
                Row {
                    kind: "REMINDER",
                    dedupe_key: format!("{deadline_id}/{version}/{milestone}/{recipient}"),
                    audience: "DEADLINE_OWNERS",
                    sector: None,
                    topic: deadline.key.kind.code().to_owned(),
                    topic_ref: Some(deadline_key_code(deadline.key)),
                    recipient,
                    deadline: Some((deadline_id, version)),
                    milestone: Some(milestone.clone()),
                    not_before,
                    expires_at: Some(expires_at),
                    dead: None,
                },
            )
            .await?;
        }
        Ok(())
    }

    /// CANCEL rows for whoever was sent a reminder of the deadline.
    async fn plan_cancellations(
        &mut self,
        conn: &impl ConnectionTrait,
        deadline_id: Uuid,
        version: i32,
    ) -> DbResult<()> {
        let reminded: Vec<String> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Recipient)
            .distinct()
            .filter(outbox::Column::DeadlineId.eq(deadline_id))
            .filter(outbox::Column::Kind.eq("REMINDER"))
            .filter(outbox::Column::Status.eq("SENT"))
            .into_tuple()
            .all(conn)
            .await?;
        for recipient in reminded {
            self.insert(
                conn,
                Row {
                    kind: "CANCEL",
                    dedupe_key: format!("{deadline_id}/{version}/CANCEL/{recipient}"),
                    audience: "DEADLINE_OWNERS",
                    sector: None,
                    topic: "DEADLINE_CLOSED".to_owned(),
                    topic_ref: None,
                    recipient,
                    deadline: Some((deadline_id, version)),
                    milestone: Some("CANCEL".to_owned()),
                    not_before: self.now,
                    expires_at: Some(self.now + NOTICE_LIFETIME),
                    dead: None,
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn insert(&mut self, conn: &impl ConnectionTrait, row: Row) -> DbResult<()> {
        let (status, last_error) = match row.dead {
            Some(reason) => ("DEAD", Some(reason)),
            None => ("PENDING", None),
        };
        let model = outbox::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(Some(self.case_id)),
            dedupe_key: Set(row.dedupe_key),
            audience: Set(row.audience.to_owned()),
            sector_code: Set(row.sector),
            topic: Set(row.topic),
            topic_ref: Set(row.topic_ref),
            status: Set(status.to_owned()),
            not_before: Set(row.not_before),
            attempts: Set(0),
            lease_until: Set(None),
            last_error: Set(last_error),
            created_at: Set(self.now),
            sent_at: Set(None),
            kind: Set(row.kind.to_owned()),
            deadline_id: Set(row.deadline.map(|d| d.0)),
            deadline_version: Set(row.deadline.map(|d| d.1)),
            milestone: Set(row.milestone),
            recipient: Set(row.recipient),
            expires_at: Set(row.expires_at),
            lease_owner: Set(None),
        };
        match &mut self.collected {
            Some(collected) => collected.rows.push(model),
            None => insert_planned(conn, vec![model]).await?,
        }
        Ok(())
    }
}

/// Active staff accounts: who messages can go to.
pub(crate) async fn active_staff(conn: &impl ConnectionTrait) -> DbResult<Vec<users::Model>> {
    Ok(users::Entity::find().filter(users::Column::Active.eq(true)).all(conn).await?)
}

/// Inserts planned rows, those planned already (by their key) left as
/// they are, in as few statements as the parameter limits allow.
pub(crate) async fn insert_planned(conn: &impl ConnectionTrait, rows: Vec<outbox::ActiveModel>) -> DbResult<()> {
    let per_statement = crate::bulk::rows_per_statement::<outbox::Entity>();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<outbox::ActiveModel> = rows.by_ref().take(per_statement).collect();
        outbox::Entity::insert_many(chunk)
            .on_conflict(OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Cancels the deadlines' pending reminders: of versions before `below`, or
/// all of them.
async fn cancel_pending(conn: &impl ConnectionTrait, deadline_ids: &[Uuid], below: Option<i32>) -> DbResult<()> {
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("CANCELLED"))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::SentAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::DeadlineId.is_in(deadline_ids.iter().copied()))
        .filter(outbox::Column::Kind.eq("REMINDER"))
        .filter(outbox::Column::Status.eq("PENDING"));
    if let Some(version) = below {
        update = update.filter(outbox::Column::DeadlineVersion.lt(version));
    }
    update.exec(conn).await?;
    Ok(())
}
