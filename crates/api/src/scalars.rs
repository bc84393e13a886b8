//! Scalars of our own: `Date` is an ISO calendar date (`2026-07-15`), the
//! unit every deadline is counted in.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date, `YYYY-MM-DD`, in America/Lima.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Date(pub NaiveDate);

/// A calendar date in America/Lima, `YYYY-MM-DD` (`2026-07-15`). Deadlines
/// are dates, counted in working days (DOMAIN.md §4).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("fecha inválida: use el formato AAAA-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant, in RFC 3339 at UTC to the millisecond
/// (`2026-07-13T17:00:00.000Z`): when something happened or expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp(pub chrono::DateTime<chrono::Utc>);

/// An instant in RFC 3339 at UTC to the millisecond
/// (`2026-07-13T17:00:00.000Z`); any RFC 3339 offset is accepted as input.
#[Scalar(name = "DateTime", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339")]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|instant| Timestamp(instant.with_timezone(&chrono::Utc)))
                .map_err(|_| {
                    InputValueError::custom("fecha y hora inválidas: use RFC 3339, como 2026-07-13T12:00:00Z")
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}

impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(instant: chrono::DateTime<chrono::Utc>) -> Self {
        Timestamp(instant)
    }
}
