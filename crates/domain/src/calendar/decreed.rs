//! Days the government decrees off, one by one or as a period.
//!
//! Unlike holidays these follow no rule: the PCM publishes public-sector
//! *días no laborables* every year, sometimes for one region only, and in
//! 2020 decrees suspended every administrative deadline for months. They are
//! records the database keeps, each with its legal basis and scope.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::place::DepartmentCode;

/// A public-sector non-working day (*día no laborable*) decreed for the whole
/// country or for one department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonWorkingDay {
    pub date: NaiveDate,
    /// The department it applies to; `None` for the whole country.
    pub department: Option<DepartmentCode>,
    /// The decree, e.g. `"DS 042-2025-PCM"`.
    pub legal_basis: String,
    /// Where the decree can be read (e.g. a link to El Peruano), if recorded.
    pub source: Option<String>,
}

/// A period during which administrative deadlines do not run, for the whole
/// country or for one department. Both ends are included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionPeriod {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The department it applies to; `None` for the whole country.
    pub department: Option<DepartmentCode>,
    /// The decree, e.g. `"DU 026-2020"`.
    pub legal_basis: String,
    /// Where the decree can be read, if recorded.
    pub source: Option<String>,
}

impl NonWorkingDay {
    /// Whether the day counts for a case in `department` (`None`: a case with
    /// no department, to which only national days apply).
    pub fn applies_to(&self, department: Option<DepartmentCode>) -> bool {
        scope_applies(self.department, department)
    }
}

impl SuspensionPeriod {
    /// Whether the period counts for a case in `department` (`None`: a case
    /// with no department, to which only national periods apply).
    pub fn applies_to(&self, department: Option<DepartmentCode>) -> bool {
        scope_applies(self.department, department)
    }

    /// Whether `date` is inside the period.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.first_day <= date && date <= self.last_day
    }
}

/// A national record applies everywhere; a regional one only to its own
/// department.
fn scope_applies(scope: Option<DepartmentCode>, department: Option<DepartmentCode>) -> bool {
    scope.is_none() || scope == department
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_records_apply_to_their_department_only() {
        let lima = DepartmentCode::parse("15").ok();
        let loreto = DepartmentCode::parse("16").ok();
        let day = |department| NonWorkingDay {
            date: "2024-11-14".parse().unwrap(),
            department,
            legal_basis: "DS 110-2024-PCM".into(),
            source: None,
        };
        assert!(day(None).applies_to(None));
        assert!(day(None).applies_to(lima));
        assert!(day(lima).applies_to(lima));
        assert!(!day(lima).applies_to(loreto));
        assert!(!day(lima).applies_to(None));
    }
}
