//! Why calendar data can be refused.
//!
//! The calendar is edited by people, so a mistake in it must be caught when
//! it is saved, with a message an official can act on, rather than silently
//! shifting every deadline.

use chrono::NaiveDate;

/// Calendar data that cannot be used. The messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("el feriado «{name}» tiene una fecha que no existe: día {day} del mes {month}")]
    InvalidFixedDate { name: String, month: u32, day: u32 },
    #[error(
        "el feriado «{name}» se fija a {days} días del Domingo de Resurrección; \
         solo se admiten de -80 a 250 días, para que caiga en el mismo año"
    )]
    EasterOffsetOutOfRange { name: String, days: i32 },
    #[error("el feriado «{name}» rige desde {from_year}, que es posterior a su último año, {until_year}")]
    InvertedRuleYears { name: String, from_year: i32, until_year: i32 },
    #[error(
        "la suspensión de plazos ({legal_basis}) termina el {} antes de empezar el {}",
        .last_day.format("%d/%m/%Y"),
        .first_day.format("%d/%m/%Y")
    )]
    InvertedSuspension { first_day: NaiveDate, last_day: NaiveDate, legal_basis: String },
}
