//! One bit per day, computed once, so that deadline arithmetic is a scan.
//!
//! Recomputing every open deadline after a calendar change, or checking a
//! million of them in a pass, must not evaluate holiday rules and look up
//! decrees day by day. When a [`super::Calendar`] is built, every day from
//! 1900 to 2300 becomes one bit (set: a working day), once for the nation and
//! once for each department that has regional data. Counting working days is
//! then a popcount over 64 days at a time, and a suspension of months costs a
//! few words. Days outside that span are rare (they would be data errors) and
//! go through the rules one by one instead.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{HolidayRule, NonWorkingDay, SuspensionPeriod};
use crate::place::DepartmentCode;

/// The span covered, in whole years: far wider than any deadline the system
/// will see, small enough (about 18 KiB per scope) to build in well under a
/// millisecond.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2300;
/// The first and last days covered, and the day before the first.
pub(super) const FIRST_DAY: NaiveDate = const_date(FIRST_YEAR, 1, 1);
pub(super) const LAST_DAY: NaiveDate = const_date(LAST_YEAR, 12, 31);
pub(super) const BEFORE_FIRST_DAY: NaiveDate = const_date(FIRST_YEAR - 1, 12, 31);

/// Seven words are 448 days, a whole number of weeks: the weekend pattern
/// repeats every seven words.
const PATTERN_WORDS: usize = 7;

/// The working days of [`FIRST_DAY`]..=[`LAST_DAY`], as bit sets.
pub(super) struct DayIndex {
    /// The day of bit 0, as `num_days_from_ce`.
    first: i32,
    /// Number of days covered; bits past it are zero.
    len: usize,
    national: Box<[u64]>,
    /// Departments with regional data, sorted by code, each with the national
    /// days plus its own.
    regional: Box<[(DepartmentCode, Box<[u64]>)]>,
}

impl DayIndex {
    pub(super) fn build(rules: &[HolidayRule], days: &[NonWorkingDay], suspensions: &[SuspensionPeriod]) -> Self {
        let first = FIRST_DAY.num_days_from_ce();
        // Positive: the constants are in order.
        let len = usize::try_from(LAST_DAY.num_days_from_ce() - first + 1).unwrap_or(0);
        // The bits are filled in before they are moved in.
        let mut index = Self { first, len, national: Box::new([]), regional: Box::new([]) };

        let mut national = weekdays(FIRST_DAY, len);
        for year in FIRST_YEAR..=LAST_YEAR {
            for rule in rules {
                if let Some(date) = rule.date_in(year) {
                    index.clear(&mut national, date, date);
                }
            }
        }
        index.clear_decreed(&mut national, days, suspensions, None);

        let mut departments: Vec<DepartmentCode> = days
            .iter()
            .filter_map(|day| day.department)
            .chain(suspensions.iter().filter_map(|period| period.department))
            .collect();
        departments.sort_unstable();
        departments.dedup();
        let regional = departments
            .into_iter()
            .map(|department| {
                let mut bits = national.clone();
                index.clear_decreed(&mut bits, days, suspensions, Some(department));
                (department, bits)
            })
            .collect();

        index.national = national;
        index.regional = regional;
        index
    }

    /// Clears the decreed days and suspensions of exactly `scope` (national
    /// ones when `None`): a department's bits start as a copy of the national
    /// ones, which already carry the national records.
    fn clear_decreed(
        &self,
        bits: &mut [u64],
        days: &[NonWorkingDay],
        suspensions: &[SuspensionPeriod],
        scope: Option<DepartmentCode>,
    ) {
        for day in days.iter().filter(|day| day.department == scope) {
            self.clear(bits, day.date, day.date);
        }
        for period in suspensions.iter().filter(|p| p.department == scope) {
            self.clear(bits, period.first_day, period.last_day);
        }
    }

    /// Marks `first..=last` (clipped to the span) as non-working.
    fn clear(&self, bits: &mut [u64], first: NaiveDate, last: NaiveDate) {
        let start = self.offset(first).max(0);
        let end = self.offset(last).min(self.len_i64() - 1);
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            return;
        };
        for pos in start..=end {
            bits[pos / 64] &= !(1u64 << (pos % 64));
        }
    }

    /// The bit sets that apply to a case in `department`.
    pub(super) fn bits(&self, department: Option<DepartmentCode>) -> &[u64] {
        department
            .and_then(|department| self.regional.binary_search_by_key(&department, |(code, _)| *code).ok())
            .and_then(|found| self.regional.get(found))
            .map_or(&self.national, |(_, bits)| bits)
    }

    /// The bit of `date`, if the index covers it.
    pub(super) fn position(&self, date: NaiveDate) -> Option<usize> {
        usize::try_from(self.offset(date)).ok().filter(|pos| *pos < self.len)
    }

    /// Days from the first day covered to `date` (negative before it); wide
    /// enough for any two dates chrono can represent.
    fn offset(&self, date: NaiveDate) -> i64 {
        i64::from(date.num_days_from_ce()) - i64::from(self.first)
    }

    fn len_i64(&self) -> i64 {
        i64::try_from(self.len).unwrap_or(0)
    }

    /// The date of bit `pos`; `pos` must be below the span's length.
    pub(super) fn date_at(&self, pos: usize) -> NaiveDate {
        i32::try_from(pos)
            .ok()
            .and_then(|pos| self.first.checked_add(pos))
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or(NaiveDate::MAX)
    }

    /// The number of set bits for the days `d` with `after < d <= through`
    /// that the index covers.
    pub(super) fn count_set_between(&self, bits: &[u64], after: NaiveDate, through: NaiveDate) -> u32 {
        let len = self.len_i64();
        let start = (self.offset(after) + 1).clamp(0, len);
        let end = (self.offset(through) + 1).clamp(0, len);
        match (usize::try_from(start), usize::try_from(end)) {
            (Ok(start), Ok(end)) => count_set(bits, start, end),
            _ => 0,
        }
    }
}

/// Whether bit `pos` is set (the day is a working day).
pub(super) fn is_set(bits: &[u64], pos: usize) -> bool {
    bits.get(pos / 64).is_some_and(|word| word & (1u64 << (pos % 64)) != 0)
}

/// The position of the `n`-th set bit (`n >= 1`) at or after `start`, or,
/// when there are fewer, `Err` with how many there were.
pub(super) fn nth_set_from(bits: &[u64], start: usize, n: u32) -> Result<usize, u32> {
    let mut remaining = n;
    let mut word_index = start / 64;
    let Some(&first) = bits.get(word_index) else {
        return Err(0);
    };
    let mut word = first & (u64::MAX << (start % 64));
    loop {
        let count = word.count_ones();
        if count >= remaining {
            // Drop the lower set bits; the one wanted is then the lowest.
            for _ in 1..remaining {
                word &= word - 1;
            }
            return Ok(word_index * 64 + word.trailing_zeros() as usize);
        }
        remaining -= count;
        word_index += 1;
        match bits.get(word_index) {
            Some(&next) => word = next,
            None => return Err(n - remaining),
        }
    }
}

/// The number of set bits in `start..end`.
pub(super) fn count_set(bits: &[u64], start: usize, end: usize) -> u32 {
    if start >= end {
        return 0;
    }
    let (first_word, last_word) = (start / 64, (end - 1) / 64);
    let low_mask = u64::MAX << (start % 64);
    let high_mask = u64::MAX >> (63 - (end - 1) % 64);
    let word = |i: usize| bits.get(i).copied().unwrap_or(0);
    if first_word == last_word {
        return (word(first_word) & low_mask & high_mask).count_ones();
    }
    let middle: u32 = (first_word + 1..last_word).map(|i| word(i).count_ones()).sum();
    (word(first_word) & low_mask).count_ones() + middle + (word(last_word) & high_mask).count_ones()
}

/// A date known to be valid, checked at compile time.
const fn const_date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

/// Bits set on Monday to Friday over `len` days from `first`.
fn weekdays(first: NaiveDate, len: usize) -> Box<[u64]> {
    let mut bits = vec![0u64; len.div_ceil(64)];
    let first_weekday = first.weekday().num_days_from_monday() as usize;
    let pattern_days = len.min(PATTERN_WORDS * 64);
    for pos in 0..pattern_days {
        let weekday = (first_weekday + pos) % 7;
        if weekday < Weekday::Sat.num_days_from_monday() as usize {
            bits[pos / 64] |= 1u64 << (pos % 64);
        }
    }
    for i in PATTERN_WORDS..bits.len() {
        bits[i] = bits[i - PATTERN_WORDS];
    }
    // Past the span nothing is a working day, so scans stop at its end.
    if let Some(last) = bits.last_mut()
        && !len.is_multiple_of(64)
    {
        *last &= u64::MAX >> (64 - len % 64);
    }
    bits.into_boxed_slice()
}

impl fmt::Debug for DayIndex {
    // Thousands of words of bits would drown the calendar's own data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DayIndex")
            .field("span", &(FIRST_DAY..=LAST_DAY))
            .field("departments", &self.regional.iter().map(|(code, _)| code).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_finds_bits_across_words() {
        let bits = [0b1011u64, 0, u64::MAX, 1];
        assert_eq!(count_set(&bits, 0, 256), 3 + 64 + 1);
        assert_eq!(count_set(&bits, 1, 2), 1);
        assert_eq!(count_set(&bits, 2, 3), 0);
        assert_eq!(count_set(&bits, 130, 193), 62 + 1);
        assert_eq!(count_set(&bits, 5, 5), 0);
        assert_eq!(nth_set_from(&bits, 0, 1), Ok(0));
        assert_eq!(nth_set_from(&bits, 1, 2), Ok(3));
        assert_eq!(nth_set_from(&bits, 2, 2), Ok(128));
        assert_eq!(nth_set_from(&bits, 4, 65), Ok(192));
        assert_eq!(nth_set_from(&bits, 4, 66), Err(65));
        assert_eq!(nth_set_from(&bits, 400, 1), Err(0));
    }

    #[test]
    fn weekends_repeat_through_the_span() {
        let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let len = 3000;
        let bits = weekdays(first, len);
        for pos in 0..len + 64 {
            let date = first + chrono::Days::new(pos as u64);
            let weekday = pos < len && date.weekday().num_days_from_monday() < 5;
            assert_eq!(is_set(&bits, pos), weekday, "{date}");
        }
    }
}
