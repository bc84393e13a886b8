//! Reference data in memory: departments (with their provinces and
//! districts), sectors, the catalogue of
//! measures, the deadline rules, the reminder policies and the calendar. Pages read them
//! at every request (a measure's name, a rule's length) and admins change
//! them a few times a year, so each instance keeps them and forgets them
//! when they are edited (and when a calendar change's recomputation starts
//! or ends, since it changes what a due date shows):
//!
//! - the edit's own transaction announces it (on PostgreSQL a `pg_notify`
//!   on [`CHANNEL`], sent only if the edit commits, heard by every
//!   instance's listener), and the instance that made it forgets at once
//!   after the commit, so its next page shows the change;
//! - a load that was running when an edit was announced is not kept
//!   (the generation moved on meanwhile);
//! - on PostgreSQL nothing is kept unless the listener is listening: while
//!   it reconnects after a lost connection, announcements could be missed,
//!   so every request reads the tables (correct, only slower).
//!
//! Commands keep reading rules inside their own transaction
//! (`Database::rules_in`): what they write must agree with what they read.

use std::sync::{Arc, Mutex};

use domain::calendar::Calendar;
use domain::deadline::DeadlineRules;
use domain::place::DepartmentCode;
use domain::reminders::ReminderPolicies;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};

use crate::connection::Database;
use crate::error::DbResult;
use crate::reference::{self, Department, MeasureType, Sector, Subdivision};

/// The PostgreSQL channel edits of reference data are announced on.
pub(crate) const CHANNEL: &str = "resguardo_reference";

/// Everything cached, read together.
#[derive(Debug)]
pub(crate) struct ReferenceData {
    pub(crate) departments: Vec<Department>,
    /// Never edited, but read with the rest: the XForm lists them.
    pub(crate) provinces: Vec<Subdivision>,
    pub(crate) districts: Vec<Subdivision>,
    pub(crate) sectors: Vec<Sector>,
    pub(crate) measure_types: Vec<MeasureType>,
    pub(crate) deadline_rules: DeadlineRules,
    pub(crate) reminder_policies: ReminderPolicies,
    pub(crate) calendar: Calendar,
    /// The departments (`None`: all of them) where a calendar change's
    /// recomputation is under way.
    pub(crate) recomputing: Vec<Option<DepartmentCode>>,
}

#[derive(Default)]
struct Slot {
    /// Moves on at every edit announced and every listener outage.
    generation: u64,
    data: Option<Arc<ReferenceData>>,
    /// Whether announcements reach this instance (always on SQLite; on
    /// PostgreSQL while the listener listens).
    heard: bool,
}

/// Shared by every clone of one `Database`.
pub(crate) struct ReferenceCache {
    slot: Mutex<Slot>,
    /// Held by the one load under way: a burst of requests on a cold
    /// instance waits for it instead of each reading the two thousand
    /// places again (sixteen such loads at once outlasted the request
    /// timeout on a loaded machine).
    loading: tokio::sync::Mutex<()>,
}

impl ReferenceCache {
    pub(crate) fn new(backend: DbBackend) -> Self {
        let heard = backend != DbBackend::Postgres;
        Self { slot: Mutex::new(Slot { heard, ..Slot::default() }), loading: tokio::sync::Mutex::new(()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Slot) -> T) -> T {
        // A poisoned lock only means a panic elsewhere while holding it;
        // the slot itself is always consistent.
        let mut slot = self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut slot)
    }

    /// What is kept, and the generation a new load would belong to.
    fn current(&self) -> (Option<Arc<ReferenceData>>, u64) {
        self.with(|slot| (slot.data.clone(), slot.generation))
    }

    /// Keeps `data` unless an edit or an outage came after its load began.
    fn keep(&self, generation: u64, data: &Arc<ReferenceData>) {
        self.with(|slot| {
            if slot.heard && slot.generation == generation {
                slot.data = Some(Arc::clone(data));
            }
        });
    }

    /// An edit was announced (here or by another instance).
    pub(crate) fn forget(&self) {
        self.with(|slot| {
            slot.generation += 1;
            slot.data = None;
        });
    }

    /// The listener lost its connection (`false`) or listens again
    /// (`true`); either way what was kept may be stale.
    pub(crate) fn set_heard(&self, heard: bool) {
        self.with(|slot| {
            slot.heard = heard;
            slot.generation += 1;
            slot.data = None;
        });
    }
}

impl Database {
    /// The reference data, from memory when this instance has it.
    pub(crate) async fn reference_data(&self) -> DbResult<Arc<ReferenceData>> {
        if let (Some(data), _) = self.reference_cache().current() {
            return Ok(data);
        }
        // Announcements must be heard before anything is kept.
        self.start_listening().await?;
        // While announcements go unheard nothing is kept, so waiting for
        // another load would only queue the requests.
        let _loading = match self.reference_cache().with(|slot| slot.heard) {
            true => Some(self.reference_cache().loading.lock().await),
            false => None,
        };
        // Another request may have loaded it while this one waited.
        let (kept, generation) = self.reference_cache().current();
        if let Some(data) = kept {
            return Ok(data);
        }
        let conn = self.connection();
        let data = Arc::new(ReferenceData {
            departments: reference::departments(conn).await?,
            provinces: reference::provinces(conn).await?,
            districts: reference::districts(conn).await?,
            sectors: reference::sectors(conn).await?,
            measure_types: reference::measure_types(conn).await?,
            deadline_rules: reference::load_deadline_rules(conn).await?,
            reminder_policies: reference::load_reminder_policies(conn).await?,
            calendar: reference::load_calendar(conn, reference::calendar_version(conn).await?).await?,
            recomputing: crate::recomputation::under_way(conn).await?,
        });
        self.reference_cache().keep(generation, &data);
        Ok(data)
    }

    /// Commits an edit of reference data, announced to every instance.
    pub(crate) async fn commit_reference_edit(&self, tx: DatabaseTransaction) -> DbResult<()> {
        announce_reference_edit(&tx).await?;
        tx.commit().await?;
        self.reference_cache().forget();
        Ok(())
    }
}

/// Within an edit's transaction, before it commits: on PostgreSQL every
/// instance hears of it once it commits. The instance committing must
/// then forget its own copy (`ReferenceCache::forget`) so its next read
/// shows the edit without waiting for the notification.
pub(crate) async fn announce_reference_edit(tx: &DatabaseTransaction) -> DbResult<()> {
    if tx.get_database_backend() == DbBackend::Postgres {
        let notify = Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_notify($1, '')", [CHANNEL.into()]);
        tx.execute_raw(notify).await?;
    }
    Ok(())
}
