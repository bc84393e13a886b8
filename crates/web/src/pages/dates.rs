//! Dates as people read them: "1 de diciembre de 2026".

use chrono::{Datelike, NaiveDate};

use super::catalogue::{Text, Tr};

/// "1 de diciembre de 2026" (the catalogue decides the order and words).
pub(crate) fn long_date(t: Tr, day: NaiveDate) -> Text {
    let month = t.t(&format!("mes-{}", day.month()));
    t.with(
        "fecha-larga",
        [("dia", (day.day() as usize).into()), ("mes", month.as_str().into()), ("anio", (day.year() as usize).into())],
    )
}
