//! Working days (*días hábiles*) and the deadlines counted in them.
//!
//! Peruvian administrative deadlines (TUO Ley 27444, arts. 144–145) count
//! working days starting the working day after the triggering act: weekends,
//! national holidays, decreed public-sector non-working days (national or for
//! one department) and suspension periods do not count. A [`Calendar`] is
//! built from that data (the database owns it and gives each change a
//! version) and answers the questions deadlines ask: is this a working day,
//! when is the n-th working day after a date, and why.

mod decreed;
mod error;
mod explain;
mod holidays;
mod index;
#[cfg(test)]
mod properties;

use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate, Weekday};

pub use decreed::{NonWorkingDay, SuspensionPeriod};
pub use error::CalendarError;
pub use explain::{DueDateExplanation, OutOfSpan, SkipReason, SkippedDay};
pub use holidays::{HolidayDate, HolidayRule, easter_sunday, peru_national_holiday_rules};

use crate::place::DepartmentCode;
use index::DayIndex;

/// The working-day calendar: holiday rules, decreed non-working days and
/// suspension periods, with an index built once for fast deadline arithmetic.
///
/// Cloning is cheap (the data is shared).
#[derive(Debug, Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    version: u64,
    rules: Vec<HolidayRule>,
    /// Sorted by date (stably, so records of one day keep their order).
    days: Vec<NonWorkingDay>,
    /// Sorted by first day (stably).
    suspensions: Vec<SuspensionPeriod>,
    index: DayIndex,
}

impl Calendar {
    /// Validates the data and builds the calendar.
    ///
    /// `version` identifies the calendar data this was built from (the
    /// database bumps it on every change; deadlines remember it).
    /// Non-working days and suspensions are kept sorted by date.
    pub fn new(
        version: u64,
        rules: Vec<HolidayRule>,
        days: Vec<NonWorkingDay>,
        suspensions: Vec<SuspensionPeriod>,
    ) -> Result<Self, CalendarError> {
        for rule in &rules {
            rule.validate()?;
        }
        if let Some(period) = suspensions.iter().find(|p| p.last_day < p.first_day) {
            return Err(CalendarError::InvertedSuspension {
                first_day: period.first_day,
                last_day: period.last_day,
                legal_basis: period.legal_basis.clone(),
            });
        }
        Ok(Self::build(version, rules, days, suspensions))
    }

    /// Weekends and the national holiday rules only: what tests and the CLI
    /// fall back on. Version 0.
    pub fn peru_default() -> Self {
        // Built once per process: the index costs far more than a clone.
        static DEFAULT: OnceLock<Calendar> = OnceLock::new();
        DEFAULT.get_or_init(|| Self::build(0, peru_national_holiday_rules(), Vec::new(), Vec::new())).clone()
    }

    /// Builds from data already validated.
    fn build(
        version: u64,
        rules: Vec<HolidayRule>,
        mut days: Vec<NonWorkingDay>,
        mut suspensions: Vec<SuspensionPeriod>,
    ) -> Self {
        days.sort_by_key(|day| day.date);
        suspensions.sort_by_key(|period| period.first_day);
        let index = DayIndex::build(&rules, &days, &suspensions);
        Self { inner: Arc::new(Inner { version, rules, days, suspensions, index }) }
    }

    /// The version of the calendar data this was built from.
    pub fn version(&self) -> u64 {
        self.inner.version
    }

    pub fn rules(&self) -> &[HolidayRule] {
        &self.inner.rules
    }

    /// The decreed non-working days, sorted by date.
    pub fn non_working_days(&self) -> &[NonWorkingDay] {
        &self.inner.days
    }

    /// The suspension periods, sorted by first day.
    pub fn suspensions(&self) -> &[SuspensionPeriod] {
        &self.inner.suspensions
    }

    /// Whether deadlines run on `date` for a case in `department` (`None`:
    /// only national days off apply).
    pub fn is_working_day(&self, date: NaiveDate, department: Option<DepartmentCode>) -> bool {
        match self.inner.index.position(date) {
            Some(pos) => index::is_set(self.inner.index.bits(department), pos),
            None => self.reasons(date, department).next().is_none(),
        }
    }

    /// The `n`-th working day after `from` (`from` itself never counts): the
    /// due date of a deadline of `n` working days triggered on `from`.
    ///
    /// `n == 0` returns `from` unchanged, even when it is not a working day.
    /// A deadline that would end after the last date chrono can represent
    /// ends on [`NaiveDate::MAX`].
    pub fn add_working_days(&self, from: NaiveDate, n: u32, department: Option<DepartmentCode>) -> NaiveDate {
        let index = &self.inner.index;
        let bits = index.bits(department);
        let mut remaining = n;
        let mut day = from;
        while remaining > 0 {
            let Some(next) = day.succ_opt() else {
                return NaiveDate::MAX;
            };
            if let Some(pos) = index.position(next) {
                match index::nth_set_from(bits, pos, remaining) {
                    Ok(found) => return index.date_at(found),
                    Err(seen) => {
                        // The deadline runs past the index: go on day by day
                        // from its last day.
                        remaining -= seen;
                        day = index::LAST_DAY;
                    }
                }
            } else {
                if self.reasons(next, department).next().is_none() {
                    remaining -= 1;
                }
                day = next;
            }
        }
        day
    }

    /// The number of working days `d` with `after < d <= through` (0 when
    /// `through <= after`): how many days of a deadline have run, or how far
    /// a due date moved. Saturates at `u32::MAX`.
    pub fn working_days_between(
        &self,
        after: NaiveDate,
        through: NaiveDate,
        department: Option<DepartmentCode>,
    ) -> u32 {
        if through <= after {
            return 0;
        }
        let index = &self.inner.index;
        let inside = index.count_set_between(index.bits(department), after, through);
        // Days outside the index (data errors, mostly) are evaluated one by one.
        let before = self.count_day_by_day(after, through.min(index::BEFORE_FIRST_DAY), department);
        let beyond = self.count_day_by_day(after.max(index::LAST_DAY), through, department);
        before.saturating_add(inside).saturating_add(beyond)
    }

    /// Working days in `after < d <= through`, evaluating every day's rules.
    fn count_day_by_day(&self, after: NaiveDate, through: NaiveDate, department: Option<DepartmentCode>) -> u32 {
        let mut count = 0u32;
        let mut day = after;
        while day < through {
            let Some(next) = day.succ_opt() else { break };
            if self.reasons(next, department).next().is_none() {
                count = count.saturating_add(1);
            }
            day = next;
        }
        count
    }
}

/// Saturday and Sunday.
fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests;
