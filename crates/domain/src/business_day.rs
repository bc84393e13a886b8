//! Business dates are in America/Lima (DOMAIN.md §4). Peru has kept UTC−5
//! all year since 1994, so the conversion is a fixed offset and needs no
//! time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

const LIMA_OFFSET_SECONDS: i32 = -5 * 3600;

/// The month's name in Spanish, in lower case as written inside a date
/// ("11 de agosto de 2026"); `month` is 1–12 (empty otherwise).
pub fn month_name(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    month.checked_sub(1).and_then(|i| MONTHS.get(i as usize)).copied().unwrap_or("")
}

/// The date in Lima at the instant `at`: the "today" of every transition.
pub fn lima_date(at: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(LIMA_OFFSET_SECONDS) {
        Some(lima) => at.with_timezone(&lima).date_naive(),
        // The constant is within ±24 h, so this arm is never taken.
        None => at.date_naive(),
    }
}

/// The instant at which it is `time` in Lima on `date`.
pub fn lima_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match FixedOffset::east_opt(LIMA_OFFSET_SECONDS).and_then(|lima| lima.from_local_datetime(&local).single()) {
        Some(at) => at.with_timezone(&Utc),
        // A fixed offset maps every local time exactly once.
        None => local.and_utc(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evening_in_lima_is_already_tomorrow_in_utc() {
        let at: DateTime<Utc> = "2026-07-29T03:30:00Z".parse().unwrap();
        assert_eq!(lima_date(at), "2026-07-28".parse::<NaiveDate>().unwrap());
        let at: DateTime<Utc> = "2026-07-29T05:00:00Z".parse().unwrap();
        assert_eq!(lima_date(at), "2026-07-29".parse::<NaiveDate>().unwrap());
    }

    #[test]
    fn nine_in_lima_is_two_in_the_afternoon_utc() {
        let date: NaiveDate = "2026-08-11".parse().unwrap();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(lima_instant(date, nine).to_rfc3339(), "2026-08-11T14:00:00+00:00");
    }
}
