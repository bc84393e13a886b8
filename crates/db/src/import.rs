//! Bulk import of cases that already went through the procedure: the same
//! rows the commands write (sealed request, state columns, measures,
//! deadlines, the filing in the history and the audit trail, the
//! admissibility outcome and criteria), many cases per statement. For
//! loading data (benchmarks, a migration from another system): nothing is
//! planned in the outbox, and the daily pass plans what is overdue.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::business_day::lima_date;
use domain::categories::Channel;
use domain::request::Request;
use domain::workflow::{AdmissibilityEvaluation, AuditAction, Case, MeasureNo};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::audit_chain::{self, NewEntry};
use crate::bulk::insert_all;
use crate::case_store::{case_state_columns, deadline_model, measure_model};
use crate::commands::{event_row, file_number, request_rows, reserve_file_numbers};
use crate::connection::Database;
use crate::effects::{Actor, Origin};
use crate::entities::cases;
use crate::error::DbResult;
use crate::registry::{criteria_rows, outcome_of};

/// A case to import: the request as filed and where the workflow left it.
#[derive(Debug, Clone)]
pub struct ImportedCase {
    pub request: Request,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    /// The state reached by applying the procedure's commands to
    /// `Case::receive` (deadlines, measures and all).
    pub case: Case,
    /// The admissibility evaluation and its day, once made.
    pub evaluation: Option<(AdmissibilityEvaluation, NaiveDate)>,
    /// When the case last changed (its last step): what the officers'
    /// "recently changed" queue goes by, so an old case brought in is not
    /// shown as new work.
    pub last_changed_at: DateTime<Utc>,
    /// The steps that brought it there, each on its own day, for its
    /// history after the receipt (none from a generator).
    pub history: Vec<ImportedStep>,
    /// Where it came from, when importing it again must change nothing.
    pub source: Option<ImportSource>,
}

/// One step of an imported case's history, on the day it happened.
#[derive(Debug, Clone)]
pub struct ImportedStep {
    pub on: NaiveDate,
    pub action: AuditAction,
    pub measure: Option<MeasureNo>,
    /// The command, as a history entry holds it (sealed).
    pub payload: serde_json::Value,
}

/// The key and content hashes of a case from another system: the same key
/// with the same content is already here; with other content, it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    pub key_hash: String,
    pub fingerprint: String,
}

impl Database {
    /// Imports `batch` in one transaction; returns the new cases' ids, in
    /// order. File numbers are taken from each year's counter, as for
    /// requests filed one by one.
    pub async fn import_cases(&self, batch: &[ImportedCase], actor: &Actor, at: DateTime<Utc>) -> DbResult<Vec<Uuid>> {
        let tx = self.write_transaction().await?;
        let sealing = self.sealing_keys(&tx).await?;
        let keys = &*sealing;
        let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
        for imported in batch {
            *per_year.entry(lima_date(imported.received_at).year()).or_default() += 1;
        }
        let mut next_number = BTreeMap::new();
        for (year, count) in per_year {
            let last = reserve_file_numbers(&tx, year, count).await?;
            next_number.insert(year, last - count + 1);
        }

        let (mut case_rows, mut aggressions, mut people, mut events, mut criteria) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut measure_rows, mut deadline_rows) = (Vec::new(), Vec::new());
        let mut ids = Vec::with_capacity(batch.len());
        for imported in batch {
            let id = Uuid::new_v4();
            let received_on = lima_date(imported.received_at);
            let year = received_on.year();
            let number = next_number.get(&year).copied().unwrap_or(1);
            next_number.insert(year, number + 1);
            let mut rows = request_rows(
                keys,
                id,
                &file_number(year, number),
                &imported.request,
                imported.channel,
                imported.received_at,
            )?;
            case_state_columns(&imported.case, &mut rows.case)?;
            rows.case.updated_at = Set(imported.last_changed_at);
            if let Some(source) = &imported.source {
                rows.case.intake_key_hash = Set(Some(source.key_hash.clone()));
                rows.case.intake_fingerprint = Set(Some(source.fingerprint.clone()));
            }
            if let Some((evaluation, on)) = &imported.evaluation {
                rows.case.admissibility_outcome = Set(Some(outcome_of(evaluation).code().to_owned()));
                rows.case.admissibility_decided_on = Set(Some(*on));
                criteria.extend(criteria_rows(id, evaluation));
            }
            case_rows.push(rows.case);
            aggressions.extend(rows.aggressions);
            people.extend(rows.beneficiaries);
            let origin = Origin { case_id: id, event_seq: 1, actor, now: imported.received_at };
            let payload = serde_json::json!({ "channel": imported.channel.code() });
            events.push(event_row(keys, &origin, AuditAction::Received, None, received_on, &payload)?);
            for (seq, step) in (2..).zip(&imported.history) {
                let origin = Origin { case_id: id, event_seq: seq, actor, now: at };
                let measure = step.measure.map(|m| i32::from(m.0));
                events.push(event_row(keys, &origin, step.action, measure, step.on, &step.payload)?);
            }
            for measure in &imported.case.measures {
                measure_rows.push(measure_model(Uuid::new_v4(), id, measure, &imported.case, at));
            }
            for deadline in &imported.case.deadlines {
                deadline_rows.push(deadline_model(Uuid::new_v4(), id, deadline, &imported.case, at)?);
            }
            ids.push(id);
        }
        insert_all(&tx, case_rows).await?;
        insert_all(&tx, aggressions).await?;
        insert_all(&tx, people).await?;
        insert_all(&tx, criteria).await?;
        insert_all(&tx, events).await?;
        insert_all(&tx, measure_rows).await?;
        insert_all(&tx, deadline_rows).await?;
        let entries: Vec<NewEntry<'_>> = batch
            .iter()
            .zip(&ids)
            .map(|(imported, id)| NewEntry {
                actor,
                at: imported.received_at,
                case_id: Some(*id),
                action: AuditAction::Received,
                measure_no: None,
                fields: None,
                read_cases: Vec::new(),
            })
            .collect();
        for chunk in entries.chunks(audit_chain::ENTRIES_PER_APPEND) {
            audit_chain::append(&tx, chunk).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The fingerprints of the cases imported (or filed) under these key
    /// hashes, by key hash.
    pub async fn imported_fingerprints(&self, key_hashes: &[String]) -> DbResult<HashMap<String, String>> {
        let mut found = HashMap::new();
        for chunk in key_hashes.chunks(crate::bulk::MAX_PARAMETERS) {
            let rows = cases::Entity::find()
                .select_only()
                .columns([cases::Column::IntakeKeyHash, cases::Column::IntakeFingerprint])
                .filter(cases::Column::IntakeKeyHash.is_in(chunk.iter().cloned()))
                .into_tuple::<(Option<String>, Option<String>)>()
                .all(self.connection())
                .await?;
            found.extend(rows.into_iter().filter_map(|(key, print)| Some((key?, print.unwrap_or_default()))));
        }
        Ok(found)
    }

    /// Puts an import run on the audit trail (how many cases it brought
    /// in is in the cases' own `RECEIVED` entries).
    pub async fn audit_import(&self, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        crate::effects::audit(&tx, actor, at, None, AuditAction::CasesImported, None).await?;
        tx.commit().await?;
        Ok(())
    }
}
