//! Reference data anyone may read: departments, sectors, the catalogue of
//! measures. Nothing here is personal.

use async_graphql::{Context, Object, SimpleObject};

use crate::authz::{Operation, Target};
use crate::context::{authorize, db};
use crate::error::ApiResult;
use crate::inputs::ref_code;

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
        authorize(ctx, Operation::Departments, Target::Nothing)?;
        Ok(db(ctx)
            .departments()
            .await?
            .into_iter()
            .map(|d| Department { code: d.code.to_string(), name: d.name })
            .collect())
    }

    /// The sectors (ministries and agencies) that carry out measures.
    async fn sectors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Sector>> {
        authorize(ctx, Operation::Sectors, Target::Nothing)?;
        Ok(db(ctx)
            .sectors()
            .await?
            .into_iter()
            .map(|s| Sector { code: s.code.to_string(), name: s.name, active: s.active })
            .collect())
    }

    /// The catalogue of protection measures.
    async fn measure_types(&self, ctx: &Context<'_>) -> ApiResult<Vec<MeasureType>> {
        crate::context::authorize(ctx, crate::authz::Operation::MeasureTypes, crate::authz::Target::Nothing)?;
        Ok(db(ctx)
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

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum MeasureKind {
    Protection,
    Urgent,
    CrossCutting,
}

impl MeasureKind {
    fn code(self) -> &'static str {
        match self {
            MeasureKind::Protection => "PROTECTION",
            MeasureKind::Urgent => "URGENT",
            MeasureKind::CrossCutting => "CROSS_CUTTING",
        }
    }
}

#[derive(Default)]
pub(crate) struct ReferenceMutation;

#[Object]
impl ReferenceMutation {
    /// Creates or updates a sector (admins).
    async fn save_sector(&self, ctx: &Context<'_>, code: String, name: String, active: bool) -> ApiResult<Sector> {
        let request = authorize(ctx, Operation::SaveSector, Target::Nothing)?;
        let sector = db::Sector { code: ref_code("code", &code)?, name, active };
        let saved = db(ctx).save_sector(&sector, &request.actor(), request.now).await?;
        Ok(Sector { code: saved.code.to_string(), name: saved.name, active: saved.active })
    }

    /// Creates or updates an entry of the catalogue of measures (admins).
    async fn save_measure_type(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
        kind: MeasureKind,
        default_sector: String,
        active: bool,
    ) -> ApiResult<MeasureType> {
        let request =
            crate::context::authorize(ctx, crate::authz::Operation::SaveMeasureType, crate::authz::Target::Nothing)?;
        let measure = db::MeasureType {
            code: ref_code("code", &code)?,
            name,
            kind: kind.code().to_owned(),
            default_sector: ref_code("defaultSector", &default_sector)?,
            active,
        };
        let saved = db(ctx).save_measure_type(&measure, &request.actor(), request.now).await?;
        Ok(MeasureType {
            code: saved.code.to_string(),
            name: saved.name,
            kind: saved.kind,
            default_sector: saved.default_sector.to_string(),
            active: saved.active,
        })
    }
}
