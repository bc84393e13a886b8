//! Why a day does not count, and how a due date came about.
//!
//! A defender or an official who disputes a due date must be able to see
//! every day that was skipped and the law behind it. The reasons are also the
//! calendar's ground truth: the index behind the fast arithmetic is checked
//! against them, and dates outside the index are decided by them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Calendar, HolidayRule, NonWorkingDay, SuspensionPeriod, is_weekend};
use crate::place::DepartmentCode;

/// Why deadlines do not run on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// Saturday or Sunday.
    Weekend,
    NationalHoliday {
        name: String,
        legal_basis: String,
    },
    /// A decreed public-sector non-working day, national (`None`) or for the
    /// case's department.
    NonWorkingDay {
        department: Option<DepartmentCode>,
        legal_basis: String,
    },
    /// A day inside a suspension period, national (`None`) or for the case's
    /// department.
    Suspension {
        department: Option<DepartmentCode>,
        legal_basis: String,
    },
}

impl SkipReason {
    /// What people read, in Spanish: "Feriado nacional: Navidad".
    pub fn description(&self) -> String {
        let scope = |department: &Option<DepartmentCode>| match department {
            Some(code) => format!(" (departamento {code})"),
            None => String::new(),
        };
        match self {
            SkipReason::Weekend => "Sábado o domingo".to_owned(),
            SkipReason::NationalHoliday { name, .. } => format!("Feriado nacional: {name}"),
            SkipReason::NonWorkingDay { department, .. } => {
                format!("Día no laborable para el sector público{}", scope(department))
            }
            SkipReason::Suspension { department, .. } => format!("Suspensión de plazos{}", scope(department)),
        }
    }

    /// The law or decree behind it; none for weekends.
    pub fn legal_basis(&self) -> Option<&str> {
        match self {
            SkipReason::Weekend => None,
            SkipReason::NationalHoliday { legal_basis, .. }
            | SkipReason::NonWorkingDay { legal_basis, .. }
            | SkipReason::Suspension { legal_basis, .. } => Some(legal_basis),
        }
    }
}

/// A day that did not count towards a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedDay {
    pub date: NaiveDate,
    /// Every reason that applies, weekend first, then holidays, decreed
    /// days and suspensions.
    pub reasons: Vec<SkipReason>,
}

/// How a due date was computed, for showing to the people concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDateExplanation {
    /// The triggering date (it never counts).
    pub from: NaiveDate,
    pub working_days: u32,
    pub department: Option<DepartmentCode>,
    pub due: NaiveDate,
    /// Every non-working day strictly after `from` up to `due`, in date order.
    pub skipped: Vec<SkippedDay>,
}

/// A reason borrowed from the calendar's data, so that asking "is this a
/// working day?" the slow way allocates nothing.
pub(super) enum Reason<'a> {
    Weekend,
    Holiday(&'a HolidayRule),
    Decreed(&'a NonWorkingDay),
    Suspended(&'a SuspensionPeriod),
}

impl Reason<'_> {
    fn to_owned(&self) -> SkipReason {
        match self {
            Reason::Weekend => SkipReason::Weekend,
            Reason::Holiday(rule) => {
                SkipReason::NationalHoliday { name: rule.name.clone(), legal_basis: rule.legal_basis.clone() }
            }
            Reason::Decreed(day) => {
                SkipReason::NonWorkingDay { department: day.department, legal_basis: day.legal_basis.clone() }
            }
            Reason::Suspended(period) => {
                SkipReason::Suspension { department: period.department, legal_basis: period.legal_basis.clone() }
            }
        }
    }
}

/// A date outside the days the calendar answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutOfSpan {
    #[error("la fecha debe estar entre el 1 de enero de 1900 y el 31 de diciembre de 2300")]
    Start,
    #[error("el plazo terminaría después del 31 de diciembre de 2300, el último día del calendario")]
    Due,
}

impl Calendar {
    /// The first and last days the calendar answers for: deadlines are
    /// computed, and dates accepted from people, only within them.
    pub fn span() -> (NaiveDate, NaiveDate) {
        (super::index::FIRST_DAY, super::index::LAST_DAY)
    }

    /// Why deadlines do not run on `date` for a case in `department`: every
    /// reason that applies, in the order of [`SkipReason`]'s variants. Empty
    /// on a working day.
    pub fn skip_reasons(&self, date: NaiveDate, department: Option<DepartmentCode>) -> Vec<SkipReason> {
        self.reasons(date, department).map(|reason| reason.to_owned()).collect()
    }

    /// As [`Calendar::explain_working_days`], for dates people type: both
    /// `from` and the due date must lie within the days the calendar
    /// answers for ([`Calendar::span`]); outside it the answer would be
    /// wrong (or, at the end of the representable dates, silently `from`).
    pub fn checked_explain_working_days(
        &self,
        from: NaiveDate,
        n: u32,
        department: Option<DepartmentCode>,
    ) -> Result<DueDateExplanation, OutOfSpan> {
        let (first, last) = Calendar::span();
        if !(first..=last).contains(&from) {
            return Err(OutOfSpan::Start);
        }
        let due = self.add_working_days(from, n, department);
        if due > last || due <= from {
            return Err(OutOfSpan::Due);
        }
        Ok(self.explain_working_days(from, n, department))
    }

    /// [`Calendar::add_working_days`] with every skipped day and why.
    pub fn explain_working_days(
        &self,
        from: NaiveDate,
        n: u32,
        department: Option<DepartmentCode>,
    ) -> DueDateExplanation {
        let due = self.add_working_days(from, n, department);
        let skipped = from
            .iter_days()
            .skip(1)
            .take_while(|date| *date <= due)
            .filter(|date| !self.is_working_day(*date, department))
            .map(|date| SkippedDay { date, reasons: self.skip_reasons(date, department) })
            .collect();
        DueDateExplanation { from, working_days: n, department, due, skipped }
    }

    /// The reasons `date` is not a working day, straight from the data.
    pub(super) fn reasons(
        &self,
        date: NaiveDate,
        department: Option<DepartmentCode>,
    ) -> impl Iterator<Item = Reason<'_>> {
        let inner = &*self.inner;
        let weekend = is_weekend(date).then_some(Reason::Weekend);
        let holidays = inner.rules.iter().filter(move |rule| rule.falls_on(date)).map(Reason::Holiday);
        // The days are sorted by date: the ones on `date` are a run.
        let start = inner.days.partition_point(|day| day.date < date);
        let decreed = inner.days[start..]
            .iter()
            .take_while(move |day| day.date == date)
            .filter(move |day| day.applies_to(department))
            .map(Reason::Decreed);
        let suspended = inner
            .suspensions
            .iter()
            .take_while(move |period| period.first_day <= date)
            .filter(move |period| period.covers(date) && period.applies_to(department))
            .map(Reason::Suspended);
        weekend.into_iter().chain(holidays).chain(decreed).chain(suspended)
    }
}
