//! Reference data: departments, sectors, the catalogue of measures, and
//! the calendar and deadline rules the workflow computes with.

use chrono::NaiveTime;
use domain::calendar::{Calendar, HolidayDate, HolidayRule, NonWorkingDay, SuspensionPeriod};
use domain::codes::RefCode;
use domain::deadline::{DeadlineKind, DeadlineRule, DeadlineRules, DurationUnit, OwnerRole, StartEvent};
use domain::place::{DepartmentCode, Precision, Ubigeo};
use domain::reminders::{ReminderPolicies, ReminderPolicy};
use domain::workflow::Track;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{
    calendar_state, deadline_rules, departments, districts, holiday_rules, measure_types, non_working_days, provinces,
    reminder_policies, sectors, suspension_periods,
};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, parse_opt_code};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: DepartmentCode,
    pub name: String,
}

/// A province or a district: its ubigeo code (which says what it lies
/// in) and its name as INEI writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subdivision {
    pub code: Ubigeo,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sector {
    pub code: RefCode,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureType {
    pub code: RefCode,
    pub name: String,
    /// PROTECTION, URGENT or CROSS_CUTTING (DOMAIN.md §3).
    pub kind: String,
    pub default_sector: RefCode,
    pub active: bool,
}

pub(crate) async fn departments(conn: &impl ConnectionTrait) -> DbResult<Vec<Department>> {
    departments::Entity::find()
        .order_by_asc(departments::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Department {
                code: DepartmentCode::parse(&row.code).map_err(|_| DbError::Corrupt("departments.code"))?,
                name: row.name,
            })
        })
        .collect()
}

fn subdivision(code: &str, name: String, column: &'static str) -> DbResult<Subdivision> {
    Ok(Subdivision { code: Ubigeo::parse(code).map_err(|_| DbError::Corrupt(column))?, name })
}

/// Every province, by code.
pub(crate) async fn provinces(conn: &impl ConnectionTrait) -> DbResult<Vec<Subdivision>> {
    let rows = provinces::Entity::find().order_by_asc(provinces::Column::Code).all(conn).await?;
    rows.into_iter().map(|row| subdivision(&row.code, row.name, "provinces.code")).collect()
}

/// Every district, by code.
pub(crate) async fn districts(conn: &impl ConnectionTrait) -> DbResult<Vec<Subdivision>> {
    let rows = districts::Entity::find().order_by_asc(districts::Column::Code).all(conn).await?;
    rows.into_iter().map(|row| subdivision(&row.code, row.name, "districts.code")).collect()
}

pub(crate) async fn sectors(conn: &impl ConnectionTrait) -> DbResult<Vec<Sector>> {
    sectors::Entity::find()
        .order_by_asc(sectors::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Sector {
                code: RefCode::parse(&row.code).map_err(|_| DbError::Corrupt("sectors.code"))?,
                name: row.name,
                active: row.active,
            })
        })
        .collect()
}

pub(crate) async fn measure_types(conn: &impl ConnectionTrait) -> DbResult<Vec<MeasureType>> {
    measure_types::Entity::find()
        .order_by_asc(measure_types::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(MeasureType {
                code: RefCode::parse(&row.code).map_err(|_| DbError::Corrupt("measure_types.code"))?,
                name: row.name,
                kind: row.kind,
                default_sector: RefCode::parse(&row.default_sector_code)
                    .map_err(|_| DbError::Corrupt("measure_types.default_sector_code"))?,
                active: row.active,
            })
        })
        .collect()
}

pub(crate) async fn department_exists(conn: &impl ConnectionTrait, code: DepartmentCode) -> DbResult<bool> {
    Ok(departments::Entity::find_by_id(code.as_str().to_owned()).one(conn).await?.is_some())
}

/// Fails unless the place is in INEI's list at the level it names.
pub(crate) async fn require_place(conn: &impl ConnectionTrait, place: Ubigeo) -> DbResult<()> {
    let code = place.as_str().to_owned();
    let (found, level) = match place.precision() {
        Precision::Department => (department_exists(conn, place.department()).await?, "el departamento indicado"),
        Precision::Province => {
            (provinces::Entity::find_by_id(code).one(conn).await?.is_some(), "la provincia indicada")
        }
        Precision::District => (districts::Entity::find_by_id(code).one(conn).await?.is_some(), "el distrito indicado"),
    };
    if found { Ok(()) } else { Err(DbError::UnknownPlace(level)) }
}

/// Fails unless every code names an active sector.
pub(crate) async fn require_active_sectors<'a>(
    conn: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = &'a RefCode>,
) -> DbResult<()> {
    let wanted: Vec<String> = codes.into_iter().map(|c| c.as_str().to_owned()).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let found = sectors::Entity::find()
        .filter(sectors::Column::Code.is_in(wanted.clone()))
        .filter(sectors::Column::Active.eq(true))
        .all(conn)
        .await?;
    if wanted.iter().all(|w| found.iter().any(|f| &f.code == w)) {
        Ok(())
    } else {
        Err(DbError::UnknownReference("el sector"))
    }
}

/// Fails unless every code names an active entry of the catalogue.
pub(crate) async fn require_active_measure_types<'a>(
    conn: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = &'a RefCode>,
) -> DbResult<()> {
    let wanted: Vec<String> = codes.into_iter().map(|c| c.as_str().to_owned()).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let found = measure_types::Entity::find()
        .filter(measure_types::Column::Code.is_in(wanted.clone()))
        .filter(measure_types::Column::Active.eq(true))
        .all(conn)
        .await?;
    if wanted.iter().all(|w| found.iter().any(|f| &f.code == w)) {
        Ok(())
    } else {
        Err(DbError::UnknownReference("el tipo de medida"))
    }
}

pub(crate) async fn calendar_version(conn: &impl ConnectionTrait) -> DbResult<u64> {
    let state = calendar_state::Entity::find_by_id(1).one(conn).await?.ok_or(DbError::Corrupt("calendar_state"))?;
    u64::try_from(state.version).map_err(|_| DbError::Corrupt("calendar_state.version"))
}

/// Builds the calendar from its tables at `version`.
pub(crate) async fn load_calendar(conn: &impl ConnectionTrait, version: u64) -> DbResult<Calendar> {
    let rules = holiday_rules::Entity::find()
        .order_by_asc(holiday_rules::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(holiday_rule)
        .collect::<DbResult<Vec<_>>>()?;
    let days = non_working_days::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(NonWorkingDay {
                date: row.day,
                department: parse_department(row.department_code.as_deref())?,
                legal_basis: row.legal_basis,
                source: row.source,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let suspensions = suspension_periods::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(SuspensionPeriod {
                first_day: row.first_day,
                last_day: row.last_day,
                department: parse_department(row.department_code.as_deref())?,
                legal_basis: row.legal_basis,
                source: row.source,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(Calendar::new(version, rules, days, suspensions)?)
}

fn holiday_rule(row: holiday_rules::Model) -> DbResult<HolidayRule> {
    let date = match (row.month, row.day, row.easter_offset) {
        (Some(month), Some(day), None) => HolidayDate::Fixed {
            month: u32::try_from(month).map_err(|_| DbError::Corrupt("holiday_rules.month"))?,
            day: u32::try_from(day).map_err(|_| DbError::Corrupt("holiday_rules.day"))?,
        },
        (None, None, Some(days)) => HolidayDate::EasterOffset { days },
        _ => return Err(DbError::Corrupt("holiday_rules")),
    };
    Ok(HolidayRule {
        name: row.name,
        date,
        from_year: row.from_year,
        until_year: row.until_year,
        legal_basis: row.legal_basis,
    })
}

fn parse_department(code: Option<&str>) -> DbResult<Option<DepartmentCode>> {
    code.map(|c| DepartmentCode::parse(c).map_err(|_| DbError::Corrupt("department_code"))).transpose()
}

pub(crate) async fn load_reminder_policies(conn: &impl ConnectionTrait) -> DbResult<ReminderPolicies> {
    let policies = reminder_policies::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            let before_due = row
                .before_due
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse::<u32>().map_err(|_| DbError::Corrupt("reminder_policies.before_due")))
                .collect::<DbResult<Vec<_>>>()?;
            Ok(ReminderPolicy {
                track: parse_code(Track::parse, &row.track, "reminder_policies.track")?,
                before_due,
                overdue_every_working_day: row.overdue_every_working_day,
                send_at: NaiveTime::parse_from_str(&row.send_at, "%H:%M")
                    .map_err(|_| DbError::Corrupt("reminder_policies.send_at"))?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    ReminderPolicies::new(policies).map_err(|_| DbError::Corrupt("reminder_policies"))
}

pub(crate) async fn load_deadline_rules(conn: &impl ConnectionTrait) -> DbResult<DeadlineRules> {
    let rules = deadline_rules::Entity::find()
        .order_by_asc(deadline_rules::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(DeadlineRule {
                kind: parse_code(DeadlineKind::parse, &row.kind, "deadline_rules.kind")?,
                track: parse_opt_code(Track::parse, row.track.as_deref(), "deadline_rules.track")?,
                amount: u32::try_from(row.amount).map_err(|_| DbError::Corrupt("deadline_rules.amount"))?,
                unit: parse_code(DurationUnit::parse, &row.unit, "deadline_rules.unit")?,
                start_event: parse_code(StartEvent::parse, &row.start_event, "deadline_rules.start_event")?,
                owner: parse_code(OwnerRole::parse, &row.owner, "deadline_rules.owner")?,
                measure_type: parse_opt_code(
                    RefCode::parse,
                    row.measure_type_code.as_deref(),
                    "deadline_rules.measure_type_code",
                )?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(DeadlineRules::new(rules)?)
}
