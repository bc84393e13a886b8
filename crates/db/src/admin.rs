//! Administration of reference data: sectors and the catalogue of
//! measures (calendar and deadline rules come with the deadlines work).

use chrono::{DateTime, Utc};
use domain::codes::RefCode;
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::{Actor, audit};
use crate::entities::{audit_events, measure_types, sectors};
use crate::error::{DbError, DbResult};
use crate::queries::AuditEntry;
use crate::reference::{MeasureType, Sector};

/// The kinds of measure in the catalogue (DOMAIN.md §3).
pub const MEASURE_KINDS: &[&str] = &["PROTECTION", "URGENT", "CROSS_CUTTING"];

/// Which audit entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub case_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Database {
    /// Creates or updates a sector.
    pub async fn save_sector(&self, sector: &Sector, actor: &Actor, at: DateTime<Utc>) -> DbResult<Sector> {
        if sector.name.trim().is_empty() {
            return Err(DbError::Rejected("el nombre del sector no puede estar vacío".into()));
        }
        let tx = self.write_transaction().await?;
        sectors::Entity::insert(sectors::ActiveModel {
            code: Set(sector.code.as_str().to_owned()),
            name: Set(sector.name.trim().to_owned()),
            active: Set(sector.active),
        })
        .on_conflict(
            OnConflict::column(sectors::Column::Code)
                .update_columns([sectors::Column::Name, sectors::Column::Active])
                .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
        audit(&tx, actor, at, None, AuditAction::SectorSaved, None).await?;
        self.commit_reference_edit(tx).await?;
        Ok(Sector { name: sector.name.trim().to_owned(), ..sector.clone() })
    }

    /// Creates or updates an entry of the catalogue of measures.
    pub async fn save_measure_type(
        &self,
        measure: &MeasureType,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<MeasureType> {
        if measure.name.trim().is_empty() {
            return Err(DbError::Rejected("el nombre de la medida no puede estar vacío".into()));
        }
        if !MEASURE_KINDS.contains(&measure.kind.as_str()) {
            return Err(DbError::Rejected("el tipo debe ser PROTECTION, URGENT o CROSS_CUTTING".into()));
        }
        let tx = self.write_transaction().await?;
        crate::reference::require_active_sectors(&tx, [&measure.default_sector]).await?;
        measure_types::Entity::insert(measure_types::ActiveModel {
            code: Set(measure.code.as_str().to_owned()),
            name: Set(measure.name.trim().to_owned()),
            kind: Set(measure.kind.clone()),
            default_sector_code: Set(measure.default_sector.as_str().to_owned()),
            active: Set(measure.active),
        })
        .on_conflict(
            OnConflict::column(measure_types::Column::Code)
                .update_columns([
                    measure_types::Column::Name,
                    measure_types::Column::Kind,
                    measure_types::Column::DefaultSectorCode,
                    measure_types::Column::Active,
                ])
                .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
        audit(&tx, actor, at, None, AuditAction::MeasureTypeSaved, None).await?;
        self.commit_reference_edit(tx).await?;
        Ok(MeasureType { name: measure.name.trim().to_owned(), ..measure.clone() })
    }

    /// Audit entries matching `filter`, oldest first, after entry `after`.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        after: Option<i64>,
        first: u64,
    ) -> DbResult<(Vec<AuditEntry>, bool)> {
        use audit_events::Column as A;
        let mut query = audit_matching(filter);
        if let Some(after) = after {
            query = query.filter(A::Id.gt(after));
        }
        let rows = query.order_by_asc(A::Id).limit(first + 1).all(self.connection()).await?;
        let has_next = rows.len() as u64 > first;
        let entries = rows
            .into_iter()
            .take(usize::try_from(first).unwrap_or(usize::MAX))
            .map(crate::queries::audit_entry)
            .collect::<DbResult<Vec<_>>>()?;
        Ok((entries, has_next))
    }

    /// How many audit entries `filter` matches: one `COUNT(*)`.
    pub async fn count_audit_entries(&self, filter: &AuditFilter) -> DbResult<u64> {
        Ok(audit_matching(filter).count(self.connection()).await?)
    }
}

/// The audit entries `filter` selects, in no order.
fn audit_matching(filter: &AuditFilter) -> sea_orm::Select<audit_events::Entity> {
    use audit_events::Column as A;
    let mut query = audit_events::Entity::find();
    if let Some(case_id) = filter.case_id {
        query = query.filter(crate::audit_chain::about_case(case_id));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(A::ActorId.eq(actor));
    }
    if let Some(from) = filter.from {
        query = query.filter(A::RecordedAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(A::RecordedAt.lt(to));
    }
    query
}

/// Whether a code is a well-formed sector or measure code.
pub fn parse_ref_code(raw: &str) -> DbResult<RefCode> {
    RefCode::parse(raw).map_err(|e| DbError::Rejected(e.to_string()))
}
