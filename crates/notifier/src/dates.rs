//! Dates written out in Spanish, the way people read them in a letter:
//! "martes 11 de agosto de 2026".

use chrono::{Datelike, NaiveDate, Weekday};

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
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or("");
    format!("{} {} de {} de {}", weekday(date.weekday()), date.day(), month, date.year())
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
