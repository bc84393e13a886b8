//! Live events: what subscribers hear right after a change commits.
//!
//! Payloads carry identifiers and codes only, never what a requester wrote
//! or who they are. On PostgreSQL each event is a `pg_notify` sent inside
//! the command's own transaction, so it goes out only if that transaction
//! commits, and it reaches every instance that `LISTEN`s on the channel
//! (one listener connection per instance, opened on the first
//! subscription). On SQLite there is one process: events are broadcast in
//! process once the transaction has committed.
//!
//! It is a live view, not a log: a subscriber that falls behind, or an
//! instance whose listener lost its connection, gets [`LiveSignal::Gap`]
//! and must read the current state again.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use domain::codes::SectorCode;
use domain::deadline::DeadlineKind;
use domain::workflow::{AuditAction, Case, CaseStatus, DeadlineChange, Effect, MeasureNo, MeasureStatus};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, broadcast, oneshot};
use uuid::Uuid;

use crate::connection::{Backend, Database};
use crate::error::{DbError, DbResult};
use crate::reference_cache::{self, ReferenceCache};

/// The PostgreSQL channel events travel on.
const CHANNEL: &str = "resguardo_live";

/// Events kept for a subscriber that has not read them yet; beyond this it
/// gets a gap instead.
const BUFFERED_EVENTS: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LiveEventKind {
    /// A request was filed (by its requester or by staff).
    RequestReceived,
    /// Any other step of a case (its status may or may not have changed).
    CaseChanged,
    /// A measure was granted or changed status, or changed sector.
    MeasureChanged,
    /// A running deadline's due date moved (calendar change, suspension
    /// ended).
    DeadlineMoved,
    /// A running deadline is due within the next working days.
    DeadlineDueSoon,
    /// A running deadline is past due.
    DeadlineOverdue,
}

/// One event. Which fields are set depends on the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub kind: LiveEventKind,
    pub case_id: Uuid,
    pub file_number: String,
    pub at: DateTime<Utc>,
    /// The step taken (request and case events).
    pub action: Option<AuditAction>,
    /// The case's status after the step.
    pub status: Option<CaseStatus>,
    /// Its status before the step (none for a new request).
    pub previous_status: Option<CaseStatus>,
    pub measure: Option<MeasureNo>,
    /// The sector that carries the measure out.
    pub sector: Option<SectorCode>,
    pub measure_status: Option<MeasureStatus>,
    pub deadline: Option<DeadlineKind>,
    pub due_on: Option<NaiveDate>,
    pub previous_due: Option<NaiveDate>,
}

impl LiveEvent {
    fn new(kind: LiveEventKind, case_id: Uuid, file_number: &str, at: DateTime<Utc>) -> Self {
        Self {
            kind,
            case_id,
            file_number: file_number.to_owned(),
            at,
            action: None,
            status: None,
            previous_status: None,
            measure: None,
            sector: None,
            measure_status: None,
            deadline: None,
            due_on: None,
            previous_due: None,
        }
    }

    /// The case's status changed with this event.
    pub fn changes_status(&self) -> bool {
        matches!(self.kind, LiveEventKind::RequestReceived | LiveEventKind::CaseChanged)
            && self.status.is_some()
            && self.status != self.previous_status
    }
}

/// What a subscription receives.
#[derive(Debug, Clone)]
pub enum LiveSignal {
    Event(Arc<LiveEvent>),
    /// Events may have been missed: the subscriber fell behind, or this
    /// instance's listener lost its connection to PostgreSQL.
    Gap,
}

/// The events one transition of a case produces: the request received or
/// the step taken, each measure whose status (or sector) changed, and each
/// running deadline whose due date moved.
pub(crate) fn transition_events(
    case_id: Uuid,
    file_number: &str,
    before: Option<&Case>,
    after: &Case,
    effects: &[Effect],
    at: DateTime<Utc>,
) -> Vec<LiveEvent> {
    let action = effects.iter().find_map(|e| match e {
        Effect::Audit(event) => Some(event.action),
        Effect::Deadline { .. } | Effect::Notify(_) => None,
    });
    let kind = if before.is_some() { LiveEventKind::CaseChanged } else { LiveEventKind::RequestReceived };
    let mut events = vec![LiveEvent {
        action,
        status: Some(after.status),
        previous_status: before.map(|case| case.status),
        ..LiveEvent::new(kind, case_id, file_number, at)
    }];
    for measure in &after.measures {
        let earlier = before.and_then(|case| case.measure(measure.no));
        if earlier.is_some_and(|m| m.status == measure.status && m.sector == measure.sector) {
            continue;
        }
        // A measure moved to another sector is news to both.
        let sectors = earlier.filter(|m| m.sector != measure.sector).map(|m| &m.sector);
        for sector in std::iter::once(&measure.sector).chain(sectors) {
            events.push(LiveEvent {
                measure: Some(measure.no),
                sector: Some(sector.clone()),
                measure_status: Some(measure.status),
                ..LiveEvent::new(LiveEventKind::MeasureChanged, case_id, file_number, at)
            });
        }
    }
    for effect in effects {
        if let Effect::Deadline {
            change: DeadlineChange::Moved { previous_due } | DeadlineChange::Resumed { previous_due },
            deadline,
        } = effect
            && *previous_due != deadline.due
        {
            let measure = deadline.key.measure;
            let sector = measure.and_then(|no| after.measure(no)).map(|m| m.sector.clone());
            let about = DeadlineRef { kind: deadline.key.kind, measure, sector, due_on: deadline.due };
            events.push(LiveEvent {
                previous_due: Some(*previous_due),
                ..LiveEvent::about_deadline(LiveEventKind::DeadlineMoved, case_id, file_number, about, at)
            });
        }
    }
    events
}

/// Which deadline an event is about: a moved one (from the case) or an
/// announced one (from its stored row).
pub(crate) struct DeadlineRef {
    pub(crate) kind: DeadlineKind,
    pub(crate) measure: Option<MeasureNo>,
    /// The measure's sector, for measure deadlines.
    pub(crate) sector: Option<SectorCode>,
    pub(crate) due_on: NaiveDate,
}

impl LiveEvent {
    pub(crate) fn about_deadline(
        kind: LiveEventKind,
        case_id: Uuid,
        file_number: &str,
        deadline: DeadlineRef,
        at: DateTime<Utc>,
    ) -> Self {
        LiveEvent {
            measure: deadline.measure,
            sector: deadline.sector,
            deadline: Some(deadline.kind),
            due_on: Some(deadline.due_on),
            ..LiveEvent::new(kind, case_id, file_number, at)
        }
    }
}

/// Shared by every clone of one `Database`.
pub(crate) struct LiveBus {
    sender: broadcast::Sender<LiveSignal>,
    /// PostgreSQL: where the listener connects (its own connection, outside
    /// the pool). `None` on SQLite.
    listen_url: Option<String>,
    /// Set once the listener is running; dropping it (with the last clone
    /// of the database) stops the listener.
    listening: OnceCell<oneshot::Sender<()>>,
    /// The reference data the listener also keeps fresh.
    reference: Arc<ReferenceCache>,
}

impl LiveBus {
    pub(crate) fn new(backend: DbBackend, url: &str) -> Self {
        let (sender, _) = broadcast::channel(BUFFERED_EVENTS);
        let listen_url = (backend == DbBackend::Postgres).then(|| url.to_owned());
        let reference = Arc::new(ReferenceCache::new(backend));
        Self { sender, listen_url, listening: OnceCell::new(), reference }
    }

    fn broadcast(&self, event: LiveEvent) {
        // No receiver is not an error: nobody is subscribed right now.
        let _ = self.sender.send(LiveSignal::Event(Arc::new(event)));
    }
}

impl Database {
    /// Commits `tx` with its `events`: sent to every instance once it has
    /// committed, never if it fails. On PostgreSQL they are notifications
    /// in the transaction itself; on SQLite they are broadcast after it.
    pub(crate) async fn commit_announcing(&self, tx: DatabaseTransaction, events: Vec<LiveEvent>) -> DbResult<()> {
        if self.backend() == Backend::Sqlite {
            tx.commit().await?;
            for event in events {
                self.live().broadcast(event);
            }
            return Ok(());
        }
        // One statement for many (a recomputation's batch announces
        // hundreds), in chunks well within the parameter limit.
        for chunk in events.chunks(1000) {
            let mut values: Vec<sea_orm::Value> = vec![CHANNEL.into()];
            for event in chunk {
                values.push(serde_json::to_string(event).map_err(|_| DbError::Corrupt("live event"))?.into());
            }
            let rows: Vec<String> = (2..=values.len()).map(|n| format!("(${n})")).collect();
            let sql = format!("SELECT pg_notify($1, payload) FROM (VALUES {}) AS events (payload)", rows.join(", "));
            tx.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) fn reference_cache(&self) -> &ReferenceCache {
        &self.live().reference
    }

    /// Subscribes to the events of every instance. On PostgreSQL the first
    /// call starts this instance's listener and returns once it listens, so
    /// nothing committed afterwards is missed.
    pub async fn live_events(&self) -> DbResult<broadcast::Receiver<LiveSignal>> {
        let receiver = self.live().sender.subscribe();
        self.start_listening().await?;
        Ok(receiver)
    }

    /// On PostgreSQL, starts this instance's listener (live events and
    /// edits of reference data) unless it runs, and returns once it
    /// listens. Nothing to do on SQLite: one process hears itself.
    pub(crate) async fn start_listening(&self) -> DbResult<()> {
        let bus = self.live();
        if let Some(url) = &bus.listen_url {
            bus.listening
                .get_or_try_init(|| async {
                    let listener = connect_listener(url).await?;
                    bus.reference.set_heard(true);
                    let (stop, stopped) = oneshot::channel();
                    let relay =
                        Relay { url: url.clone(), events: bus.sender.clone(), reference: Arc::clone(&bus.reference) };
                    tokio::spawn(relay.run(listener, stopped));
                    Ok::<_, DbError>(stop)
                })
                .await?;
        }
        Ok(())
    }
}

async fn connect_listener(url: &str) -> DbResult<PgListener> {
    let mut listener = PgListener::connect(url).await.map_err(connection_error)?;
    listener.listen_all([CHANNEL, reference_cache::CHANNEL]).await.map_err(connection_error)?;
    Ok(listener)
}

fn connection_error(error: sea_orm::SqlxError) -> DbError {
    DbError::Database(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(Arc::new(error))))
}

/// Where the listener passes on what it hears.
struct Relay {
    url: String,
    events: broadcast::Sender<LiveSignal>,
    reference: Arc<ReferenceCache>,
}

impl Relay {
    /// Relays notifications until the database is dropped. After a lost
    /// connection it connects again itself, so that it knows when it
    /// listens again: whatever was sent meanwhile is lost, so subscribers
    /// are told and reference data is not kept until then.
    async fn run(self, listener: PgListener, mut stopped: oneshot::Receiver<()>) {
        let mut listener = Some(listener);
        loop {
            let Some(current) = listener.as_mut() else {
                tokio::select! {
                    _ = &mut stopped => return,
                    connected = connect_listener(&self.url) => match connected {
                        Ok(connected) => {
                            self.reference.set_heard(true);
                            listener = Some(connected);
                        }
                        Err(error) => {
                            tracing::warn!(error = %error, "live events: cannot listen; retrying in 1 s");
                            tokio::select! {
                                _ = &mut stopped => return,
                                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            }
                        }
                    },
                }
                continue;
            };
            let received = tokio::select! {
                _ = &mut stopped => return,
                received = current.try_recv() => received,
            };
            match received {
                Ok(Some(notification)) if notification.channel() == reference_cache::CHANNEL => self.reference.forget(),
                Ok(Some(notification)) => match serde_json::from_str::<LiveEvent>(notification.payload()) {
                    Ok(event) => {
                        let _ = self.events.send(LiveSignal::Event(Arc::new(event)));
                    }
                    Err(_) => tracing::warn!("unreadable live event ignored"),
                },
                Ok(None) | Err(_) => {
                    tracing::warn!("live events: connection to PostgreSQL lost; reconnecting");
                    self.reference.set_heard(false);
                    let _ = self.events.send(LiveSignal::Gap);
                    listener = None;
                }
            }
        }
    }
}
