//! Dates written out in Spanish, the way people read them in a letter:
//! "martes 11 de agosto de 2026".

use chrono::{Datelike, NaiveDate, Weekday};
use domain::business_day::month_name;

fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

pub fn long_date(date: NaiveDate) -> String {
    format!("{} {} de {} de {}", weekday(date.weekday()), date.day(), month_name(date.month()), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_out_with_the_weekday() {
        assert_eq!(long_date("2026-08-11".parse().unwrap()), "martes 11 de agosto de 2026");
        assert_eq!(long_date("2025-05-06".parse().unwrap()), "martes 6 de mayo de 2025");
        assert_eq!(long_date("2026-01-01".parse().unwrap()), "jueves 1 de enero de 2026");
    }
}
