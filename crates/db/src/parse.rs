//! Reading stored codes back into domain values. A value that does not
//! parse is reported by column name only.

use crate::error::{DbError, DbResult};

pub(crate) fn parse_code<T, E>(parse: impl Fn(&str) -> Result<T, E>, raw: &str, column: &'static str) -> DbResult<T> {
    parse(raw).map_err(|_| DbError::Corrupt(column))
}

pub(crate) fn parse_opt_code<T, E>(
    parse: impl Fn(&str) -> Result<T, E>,
    raw: Option<&str>,
    column: &'static str,
) -> DbResult<Option<T>> {
    raw.map(|r| parse_code(&parse, r, column)).transpose()
}

pub(crate) fn to_u32(value: i32, column: &'static str) -> DbResult<u32> {
    u32::try_from(value).map_err(|_| DbError::Corrupt(column))
}

pub(crate) fn to_u16(value: i32, column: &'static str) -> DbResult<u16> {
    u16::try_from(value).map_err(|_| DbError::Corrupt(column))
}
