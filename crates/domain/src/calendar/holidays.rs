//! Peru's national holidays as rules, not as a list of dates.
//!
//! A deadline may run into any year, and Congress adds holidays now and then
//! (three since 2022), so the holidays are kept as data the database stores
//! and edits: a day of the year or an offset from Easter, the years a rule is
//! in force, and the law behind it. [`peru_national_holiday_rules`] is the list
//! in force today, used to seed the database and as the fallback calendar.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// The general holidays law, basis of every holiday older than 2022.
const DL_713: &str = "Decreto Legislativo 713";

/// The widest offsets from Easter that keep a holiday inside Easter's own
/// year: Easter falls between 22 March (day 81 or 82 of the year) and
/// 25 April (day 115 or 116). Keeping each rule inside one year means the
/// holidays of a year depend on that year's Easter alone.
pub(super) const EASTER_OFFSET_MIN: i32 = -80;
pub(super) const EASTER_OFFSET_MAX: i32 = 250;

/// When in the year a holiday falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HolidayDate {
    /// The same day every year. 29 February is accepted and only falls in
    /// leap years.
    Fixed { month: u32, day: u32 },
    /// A number of days from Gregorian Easter Sunday (Holy Thursday is `-3`),
    /// from -80 to 250 so that the day stays in Easter's year.
    EasterOffset { days: i32 },
}

/// A national holiday: when it falls, the years it is in force and its legal
/// basis. Holidays fall on their day even on a weekend (Peru does not move
/// them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRule {
    /// The holiday's name as shown to users, in Spanish.
    pub name: String,
    pub date: HolidayDate,
    /// First year the holiday is observed (inclusive); `None` for always.
    pub from_year: Option<i32>,
    /// Last year the holiday is observed (inclusive); `None` while in force.
    pub until_year: Option<i32>,
    /// The law that makes it a holiday, e.g. `"Ley 31788"`.
    pub legal_basis: String,
}

impl HolidayRule {
    /// Whether the rule is in force in `year`.
    pub fn in_force(&self, year: i32) -> bool {
        self.from_year.is_none_or(|from| from <= year) && self.until_year.is_none_or(|until| year <= until)
    }

    /// The day the holiday falls in `year`, if it is in force that year (and,
    /// for 29 February, if the year is a leap year).
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        if !self.in_force(year) {
            return None;
        }
        match self.date {
            HolidayDate::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayDate::EasterOffset { days } => {
                easter_sunday(year).checked_add_signed(chrono::TimeDelta::days(days.into()))
            }
        }
    }

    /// Whether the holiday falls on `date`.
    pub fn falls_on(&self, date: NaiveDate) -> bool {
        self.date_in(date.year()) == Some(date)
    }

    /// Rejects what would make the calendar wrong rather than merely odd.
    pub(super) fn validate(&self) -> Result<(), CalendarError> {
        if let (Some(from_year), Some(until_year)) = (self.from_year, self.until_year)
            && from_year > until_year
        {
            return Err(CalendarError::InvertedRuleYears { name: self.name.clone(), from_year, until_year });
        }
        match self.date {
            HolidayDate::Fixed { month, day } => {
                // 2000 is a leap year, so 29 February passes.
                if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                    return Err(CalendarError::InvalidFixedDate { name: self.name.clone(), month, day });
                }
            }
            HolidayDate::EasterOffset { days } => {
                if !(EASTER_OFFSET_MIN..=EASTER_OFFSET_MAX).contains(&days) {
                    return Err(CalendarError::EasterOffsetOutOfRange { name: self.name.clone(), days });
                }
            }
        }
        Ok(())
    }
}

/// Gregorian Easter Sunday of `year` (the anonymous Gregorian algorithm, as
/// given by Meeus). Years chrono cannot represent (beyond ±262 000) give
/// [`NaiveDate::MIN`] or [`NaiveDate::MAX`].
pub fn easter_sunday(year: i32) -> NaiveDate {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // Both are small and positive (month 3 or 4, day 1 to 31) by construction.
    let (month, day) = (u32::try_from(month).unwrap_or(4), u32::try_from(day).unwrap_or(1));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if year < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}

/// Peru's national holidays as in force today (Decreto Legislativo 713 and
/// the laws that added to it), in calendar order.
pub fn peru_national_holiday_rules() -> Vec<HolidayRule> {
    fn rule(name: &str, date: HolidayDate, from_year: Option<i32>, basis: &str) -> HolidayRule {
        HolidayRule { name: name.to_owned(), date, from_year, until_year: None, legal_basis: basis.to_owned() }
    }
    let fixed = |month, day| HolidayDate::Fixed { month, day };
    let easter = |days| HolidayDate::EasterOffset { days };
    vec![
        rule("Año Nuevo", fixed(1, 1), None, DL_713),
        rule("Jueves Santo", easter(-3), None, DL_713),
        rule("Viernes Santo", easter(-2), None, DL_713),
        rule("Día del Trabajo", fixed(5, 1), None, DL_713),
        rule("Batalla de Arica y Día de la Bandera", fixed(6, 7), Some(2024), "Ley 31788"),
        rule("San Pedro y San Pablo", fixed(6, 29), None, DL_713),
        rule("Día de la Fuerza Aérea del Perú", fixed(7, 23), Some(2023), "Ley 31822"),
        rule("Fiestas Patrias", fixed(7, 28), None, DL_713),
        rule("Fiestas Patrias", fixed(7, 29), None, DL_713),
        rule("Batalla de Junín", fixed(8, 6), Some(2022), "Ley 31530"),
        rule("Santa Rosa de Lima", fixed(8, 30), None, DL_713),
        rule("Combate de Angamos", fixed(10, 8), None, DL_713),
        rule("Todos los Santos", fixed(11, 1), None, DL_713),
        rule("Inmaculada Concepción", fixed(12, 8), None, DL_713),
        rule("Batalla de Ayacucho", fixed(12, 9), Some(2022), "Ley 31530"),
        rule("Navidad", fixed(12, 25), None, DL_713),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_of_known_years() {
        for (year, expected) in [
            (1900, "1900-04-15"),
            (1961, "1961-04-02"),
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2019, "2019-04-21"),
            (2021, "2021-04-04"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year), date(expected), "{year}");
        }
    }

    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=3000 {
            let easter = easter_sunday(year);
            assert_eq!(easter.weekday(), chrono::Weekday::Sun, "{year}");
            assert!((date(&format!("{year}-03-22"))..=date(&format!("{year}-04-25"))).contains(&easter), "{year}");
        }
    }

    #[test]
    fn easter_saturates_outside_chronos_range() {
        assert_eq!(easter_sunday(i32::MAX), NaiveDate::MAX);
        assert_eq!(easter_sunday(i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn the_peruvian_rules_are_valid_and_give_sixteen_days_from_2024() {
        let rules = peru_national_holiday_rules();
        assert!(rules.iter().all(|rule| rule.validate().is_ok()));
        let days_in = |year| rules.iter().filter_map(|r| r.date_in(year)).count();
        assert_eq!(days_in(2021), 12);
        assert_eq!(days_in(2022), 14);
        assert_eq!(days_in(2023), 15);
        assert_eq!(days_in(2024), 16);
        assert_eq!(days_in(2026), 16);
    }

    #[test]
    fn holy_week_follows_easter() {
        let rules = peru_national_holiday_rules();
        let holiday = |d: &str| rules.iter().find(|rule| rule.falls_on(date(d))).map(|rule| rule.name.as_str());
        assert_eq!(holiday("2025-04-17"), Some("Jueves Santo"));
        assert_eq!(holiday("2025-04-18"), Some("Viernes Santo"));
        assert_eq!(holiday("2026-04-02"), Some("Jueves Santo"));
        assert_eq!(holiday("2026-04-03"), Some("Viernes Santo"));
        assert_eq!(holiday("2025-04-19"), None);
    }

    #[test]
    fn rule_years_are_inclusive() {
        let rule = HolidayRule {
            name: "Prueba".into(),
            date: HolidayDate::Fixed { month: 3, day: 3 },
            from_year: Some(2020),
            until_year: Some(2022),
            legal_basis: "Ley de prueba".into(),
        };
        assert_eq!(rule.date_in(2019), None);
        assert_eq!(rule.date_in(2020), Some(date("2020-03-03")));
        assert_eq!(rule.date_in(2022), Some(date("2022-03-03")));
        assert_eq!(rule.date_in(2023), None);
    }

    #[test]
    fn leap_day_rule_falls_in_leap_years_only() {
        let rule = HolidayRule {
            name: "Bisiesto".into(),
            date: HolidayDate::Fixed { month: 2, day: 29 },
            from_year: None,
            until_year: None,
            legal_basis: "Ley de prueba".into(),
        };
        assert!(rule.validate().is_ok());
        assert_eq!(rule.date_in(2024), Some(date("2024-02-29")));
        assert_eq!(rule.date_in(2025), None);
    }

    #[test]
    fn extreme_easter_offsets_stay_in_easters_year() {
        for days in [EASTER_OFFSET_MIN, EASTER_OFFSET_MAX] {
            let rule = HolidayRule {
                name: "Extremo".into(),
                date: HolidayDate::EasterOffset { days },
                from_year: None,
                until_year: None,
                legal_basis: "Ley de prueba".into(),
            };
            for year in 1583..=3000 {
                assert_eq!(rule.date_in(year).map(|d| d.year()), Some(year));
            }
        }
    }
}
