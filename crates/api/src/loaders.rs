//! Batch loading for nested fields: a page of cases asks for its measures,
//! deadlines, officers and history in one statement each, whatever the
//! page size. Loaders are created per request (what a caller may see
//! depends on who they are), without a cache across requests.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use db::{CaseEvent, CaseRecord, Database, MeasureRecord, User};
use domain::deadline::Deadline;
use uuid::Uuid;

use crate::error::ApiError;

/// The loader a request carries (with its own cache).
pub(crate) type RequestLoader = async_graphql::dataloader::DataLoader<Loaders, async_graphql::dataloader::HashMapCache>;

pub(crate) struct Loaders {
    db: Database,
}

impl Loaders {
    pub(crate) fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Keys: which batch a lookup belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct MeasuresOf(pub(crate) Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DeadlinesOf(pub(crate) Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct EventsOf(pub(crate) Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct UserId(pub(crate) Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CaseId(pub(crate) Uuid);

fn rekey<K: Copy + Eq + std::hash::Hash, V>(
    keys: &[K],
    inner: impl Fn(K) -> Uuid,
    mut found: HashMap<Uuid, V>,
) -> HashMap<K, V> {
    keys.iter().filter_map(|k| found.remove(&inner(*k)).map(|v| (*k, v))).collect()
}

/// For one-to-many loads: every key gets an entry, empty when nothing was
/// found, so that "none" is cached too and never asked again.
fn rekey_all<K: Copy + Eq + std::hash::Hash, V>(
    keys: &[K],
    inner: impl Fn(K) -> Uuid,
    mut found: HashMap<Uuid, Vec<V>>,
) -> HashMap<K, Vec<V>> {
    keys.iter().map(|k| (*k, found.remove(&inner(*k)).unwrap_or_default())).collect()
}

fn ids<K: Copy>(keys: &[K], inner: impl Fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(|k| inner(*k)).collect()
}

impl Loader<MeasuresOf> for Loaders {
    type Value = Vec<MeasureRecord>;
    type Error = ApiError;

    async fn load(&self, keys: &[MeasuresOf]) -> Result<HashMap<MeasuresOf, Self::Value>, Self::Error> {
        let found = self.db.measures_by_case(&ids(keys, |k| k.0)).await?;
        Ok(rekey_all(keys, |k| k.0, found))
    }
}

impl Loader<DeadlinesOf> for Loaders {
    type Value = Vec<Deadline>;
    type Error = ApiError;

    async fn load(&self, keys: &[DeadlinesOf]) -> Result<HashMap<DeadlinesOf, Self::Value>, Self::Error> {
        let found = self.db.deadlines_by_case(&ids(keys, |k| k.0)).await?;
        Ok(rekey_all(keys, |k| k.0, found))
    }
}

impl Loader<EventsOf> for Loaders {
    type Value = Vec<CaseEvent>;
    type Error = ApiError;

    async fn load(&self, keys: &[EventsOf]) -> Result<HashMap<EventsOf, Self::Value>, Self::Error> {
        let found = self.db.events_by_case(&ids(keys, |k| k.0)).await?;
        Ok(rekey_all(keys, |k| k.0, found))
    }
}

impl Loader<UserId> for Loaders {
    type Value = User;
    type Error = ApiError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Self::Value>, Self::Error> {
        let found = self.db.users_by_id(&ids(keys, |k| k.0)).await?;
        Ok(rekey(keys, |k| k.0, found))
    }
}

impl Loader<CaseId> for Loaders {
    type Value = CaseRecord;
    type Error = ApiError;

    async fn load(&self, keys: &[CaseId]) -> Result<HashMap<CaseId, Self::Value>, Self::Error> {
        let found = self.db.cases_by_id(&ids(keys, |k| k.0)).await?;
        Ok(rekey(keys, |k| k.0, found))
    }
}

/// Loads, in one batch each, what the selected fields of a page of cases
/// will ask for, so that nested fields hit the request's cache instead of
/// forming batches whose number depends on timing.
pub(crate) async fn prefetch_cases(
    loader: &RequestLoader,
    node: async_graphql::Lookahead<'_>,
    cases: &[CaseRecord],
) -> Result<(), ApiError> {
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    loader.feed_many(cases.iter().map(|c| (CaseId(c.id), c.clone()))).await;
    let measures = node.field("measures");
    let deadlines = node.field("deadlines").exists() || measures.field("deadlines").exists();
    if measures.exists() && deadlines {
        // Both lists in one statement.
        let mut found = loader.loader().db.measures_and_deadlines_by_case(&ids).await?;
        loader.feed_many(ids.iter().map(|id| (MeasuresOf(*id), found.measures.remove(id).unwrap_or_default()))).await;
        loader.feed_many(ids.iter().map(|id| (DeadlinesOf(*id), found.deadlines.remove(id).unwrap_or_default()))).await;
    } else if measures.exists() {
        loader.load_many(ids.iter().copied().map(MeasuresOf)).await?;
    } else if deadlines {
        loader.load_many(ids.iter().copied().map(DeadlinesOf)).await?;
    }
    if node.field("history").exists() {
        loader.load_many(ids.iter().copied().map(EventsOf)).await?;
    }
    if node.field("assignedOfficer").exists() {
        loader.load_many(cases.iter().filter_map(|c| c.assigned_officer).map(UserId)).await?;
    }
    Ok(())
}

/// The same for a page of measures: their cases and deadlines.
pub(crate) async fn prefetch_measures(
    loader: &RequestLoader,
    node: async_graphql::Lookahead<'_>,
    measures: &[MeasureRecord],
) -> Result<(), ApiError> {
    let case_ids: Vec<Uuid> = measures.iter().map(|m| m.case_id).collect();
    if node.field("case").exists() || node.field("deadlines").exists() {
        loader.load_many(case_ids.iter().copied().map(CaseId)).await?;
    }
    if node.field("deadlines").exists() {
        loader.load_many(case_ids.iter().copied().map(DeadlinesOf)).await?;
    }
    Ok(())
}
