//! Key rotation's database side: seal every sensitive value again under the
//! current key, and count which keys values are sealed with (a key can be
//! retired once nothing uses it).

use std::collections::BTreeMap;

use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::{case_events, cases};
use crate::error::DbResult;
use crate::sealed::{PAYLOAD, REQUEST, reseal};

/// Rows re-sealed by a rotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub cases: u64,
    pub events: u64,
}

const BATCH: u64 = 500;

impl Database {
    /// Seals every sensitive value under the current key, in batches, each
    /// batch in its own transaction. `legacy_plaintext` also seals values
    /// written before encryption existed.
    pub async fn reseal_all(&self, legacy_plaintext: bool) -> DbResult<ResealReport> {
        let keys = self.keys()?;
        let mut report = ResealReport::default();
        let mut after = Uuid::nil();
        loop {
            let tx = self.write_transaction().await?;
            let rows = cases::Entity::find()
                .filter(cases::Column::Id.gt(after))
                .order_by_asc(cases::Column::Id)
                .limit(BATCH)
                .all(&tx)
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            for row in rows {
                if let Some(sealed) = reseal(keys, REQUEST, row.id, &row.request_details, legacy_plaintext)? {
                    cases::Entity::update(cases::ActiveModel {
                        id: Set(row.id),
                        request_details: Set(sealed),
                        ..Default::default()
                    })
                    .exec(&tx)
                    .await?;
                    report.cases += 1;
                }
            }
            tx.commit().await?;
            after = last;
        }
        let mut after = Uuid::nil();
        loop {
            let tx = self.write_transaction().await?;
            let rows = case_events::Entity::find()
                .filter(case_events::Column::Id.gt(after))
                .order_by_asc(case_events::Column::Id)
                .limit(BATCH)
                .all(&tx)
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            for row in rows {
                if let Some(sealed) = reseal(keys, PAYLOAD, row.id, &row.payload, legacy_plaintext)? {
                    case_events::Entity::update(case_events::ActiveModel {
                        id: Set(row.id),
                        payload: Set(sealed),
                        ..Default::default()
                    })
                    .exec(&tx)
                    .await?;
                    report.events += 1;
                }
            }
            tx.commit().await?;
            after = last;
        }
        Ok(report)
    }

    /// How many sensitive values each key seals (0: not sealed at all).
    pub async fn keys_in_use(&self) -> DbResult<BTreeMap<u32, u64>> {
        let mut counts = BTreeMap::new();
        let details: Vec<String> = cases::Entity::find()
            .select_only()
            .column(cases::Column::RequestDetails)
            .into_tuple()
            .all(self.connection())
            .await?;
        let payloads: Vec<String> = case_events::Entity::find()
            .select_only()
            .column(case_events::Column::Payload)
            .into_tuple()
            .all(self.connection())
            .await?;
        for value in details.iter().chain(payloads.iter()) {
            *counts.entry(Keyring::key_of(value).unwrap_or(0)).or_insert(0) += 1;
        }
        Ok(counts)
    }
}
