//! Reference data anyone may read: departments, sectors, the catalogue of
//! measures. Nothing here is personal.

use async_graphql::{Context, Object, SimpleObject};

use crate::authz::{Operation, Target};
use crate::context::{authorize, db};
use crate::error::{ApiError, ApiResult};
use crate::inputs::ref_code;

/// One of Peru's 25 departments (DOMAIN.md §9).
#[derive(SimpleObject)]
pub(crate) struct Department {
    /// Two-digit INEI ubigeo code (`15` is Lima).
    code: String,
    /// Its name in Spanish, with accents (`Huánuco`).
    name: String,
}

/// A ministry or agency, with the bodies attached to it, that carries out
/// measures through its coordinator (DOMAIN.md §1).
#[derive(SimpleObject)]
pub(crate) struct Sector {
    /// Reference code (`MININTER`), as measures and coordinator accounts name it.
    code: String,
    /// Its name in Spanish.
    name: String,
    /// When false, resolutions can no longer assign it measures, nor can
    /// coordinator accounts be given it.
    active: bool,
}

/// An entry of the catalogue of measures the mechanism can grant
/// (DOMAIN.md §3).
#[derive(SimpleObject)]
pub(crate) struct MeasureType {
    /// Reference code (`POLICE_PROTECTION`), as resolutions name it.
    code: String,
    /// Its name in Spanish.
    name: String,
    /// Protection, urgent or cross-cutting.
    kind: MeasureKind,
    /// Code of the sector that usually carries it out, used when a
    /// resolution names no sector.
    default_sector: String,
    /// When false, requests can no longer ask for it nor resolutions grant it.
    active: bool,
}

#[derive(Default)]
pub(crate) struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// Peru's departments, by ubigeo code. Anyone.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        authorize(ctx, Operation::Departments, Target::Nothing)?;
        Ok(db(ctx)
            .departments()
            .await?
            .into_iter()
            .map(|d| Department { code: d.code.to_string(), name: d.name })
            .collect())
    }

    /// The sectors (ministries and agencies) that carry out measures,
    /// inactive ones included. Anyone.
    async fn sectors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Sector>> {
        authorize(ctx, Operation::Sectors, Target::Nothing)?;
        Ok(db(ctx)
            .sectors()
            .await?
            .into_iter()
            .map(|s| Sector { code: s.code.to_string(), name: s.name, active: s.active })
            .collect())
    }

    /// The catalogue of protection measures, inactive ones included. Anyone.
    async fn measure_types(&self, ctx: &Context<'_>) -> ApiResult<Vec<MeasureType>> {
        crate::context::authorize(ctx, crate::authz::Operation::MeasureTypes, crate::authz::Target::Nothing)?;
        Ok(db(ctx).measure_types().await?.into_iter().map(MeasureType::try_from).collect::<ApiResult<_>>()?)
    }
}

impl TryFrom<db::MeasureType> for MeasureType {
    type Error = ApiError;

    fn try_from(m: db::MeasureType) -> ApiResult<Self> {
        Ok(Self {
            code: m.code.to_string(),
            name: m.name,
            kind: MeasureKind::from_code(&m.kind)?,
            default_sector: m.default_sector.to_string(),
            active: m.active,
        })
    }
}

/// What a measure is for, in the catalogue's terms (DOMAIN.md §3).
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum MeasureKind {
    /// A protection measure (patrols, legal aid, guarantees…).
    Protection,
    /// An urgent measure for imminent risk (evacuation, police protection).
    Urgent,
    /// Support any measure may need (an interpreter, intercultural support).
    CrossCutting,
}

impl MeasureKind {
    const ALL: [MeasureKind; 3] = [MeasureKind::Protection, MeasureKind::Urgent, MeasureKind::CrossCutting];

    fn code(self) -> &'static str {
        match self {
            MeasureKind::Protection => "PROTECTION",
            MeasureKind::Urgent => "URGENT",
            MeasureKind::CrossCutting => "CROSS_CUTTING",
        }
    }

    /// As stored; anything else is a stored value that does not parse.
    fn from_code(code: &str) -> ApiResult<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code).ok_or_else(|| {
            tracing::error!(column = "measure_types.kind", "stored data does not parse");
            ApiError::Internal
        })
    }
}

#[derive(Default)]
pub(crate) struct ReferenceMutation;

#[Object]
impl ReferenceMutation {
    /// Creates or updates a sector, by its code. Admins.
    async fn save_sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Reference code: 2 to 40 of `A`–`Z`, `0`–`9` and `_` (`MININTER`).")] code: String,
        #[graphql(desc = "Its name in Spanish; not blank.")] name: String,
        #[graphql(desc = "False: no new measures or coordinator accounts for it.")] active: bool,
    ) -> ApiResult<Sector> {
        let request = authorize(ctx, Operation::SaveSector, Target::Nothing)?;
        let sector = db::Sector { code: ref_code("code", &code)?, name, active };
        let saved = db(ctx).save_sector(&sector, &request.actor(), request.now).await?;
        Ok(Sector { code: saved.code.to_string(), name: saved.name, active: saved.active })
    }

    /// Creates or updates an entry of the catalogue of measures, by its code.
    /// Admins.
    async fn save_measure_type(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Reference code: 2 to 40 of `A`–`Z`, `0`–`9` and `_` (`POLICE_PROTECTION`).")] code: String,
        #[graphql(desc = "Its name in Spanish; not blank.")] name: String,
        #[graphql(desc = "Protection, urgent or cross-cutting.")] kind: MeasureKind,
        #[graphql(desc = "Code of the active sector that usually carries it out.")] default_sector: String,
        #[graphql(desc = "False: requests can no longer ask for it, nor resolutions grant it.")] active: bool,
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
        MeasureType::try_from(db(ctx).save_measure_type(&measure, &request.actor(), request.now).await?)
    }
}
