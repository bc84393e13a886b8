//! Reference data anyone may read: departments, sectors, the catalogue of
//! measures. Nothing here is personal.

use async_graphql::{Context, Object, SimpleObject};
use db::Database;

use crate::error::ApiResult;

#[derive(SimpleObject)]
pub(crate) struct Department {
    /// Two-digit INEI ubigeo code.
    code: String,
    name: String,
}

#[derive(SimpleObject)]
pub(crate) struct Sector {
    code: String,
    name: String,
    active: bool,
}

#[derive(SimpleObject)]
pub(crate) struct MeasureType {
    code: String,
    name: String,
    /// `PROTECTION`, `URGENT` or `CROSS_CUTTING`.
    kind: String,
    /// The sector that usually carries it out.
    default_sector: String,
    active: bool,
}

#[derive(Default)]
pub(crate) struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// Peru's departments.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        let db = ctx.data_unchecked::<Database>();
        Ok(db
            .departments()
            .await?
            .into_iter()
            .map(|d| Department {
                code: d.code.to_string(),
                name: d.name,
            })
            .collect())
    }

    /// The sectors (ministries and agencies) that carry out measures.
    async fn sectors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Sector>> {
        let db = ctx.data_unchecked::<Database>();
        Ok(db
            .sectors()
            .await?
            .into_iter()
            .map(|s| Sector {
                code: s.code.to_string(),
                name: s.name,
                active: s.active,
            })
            .collect())
    }

    /// The catalogue of protection measures.
    async fn measure_types(&self, ctx: &Context<'_>) -> ApiResult<Vec<MeasureType>> {
        let db = ctx.data_unchecked::<Database>();
        Ok(db
            .measure_types()
            .await?
            .into_iter()
            .map(|m| MeasureType {
                code: m.code.to_string(),
                name: m.name,
                kind: m.kind,
                default_sector: m.default_sector.to_string(),
                active: m.active,
            })
            .collect())
    }
}
