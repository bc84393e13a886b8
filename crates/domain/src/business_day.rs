//! Business dates are in America/Lima (DOMAIN.md §4). Peru has kept UTC−5
//! all year since 1994, so the conversion is a fixed offset and needs no
//! time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

const LIMA_OFFSET_SECONDS: i32 = -5 * 3600;

/// The date in Lima at the instant `at`: the "today" of every transition.
pub fn lima_date(at: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(LIMA_OFFSET_SECONDS) {
        Some(lima) => at.with_timezone(&lima).date_naive(),
        // The constant is within ±24 h, so this arm is never taken.
        None => at.date_naive(),
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
}
