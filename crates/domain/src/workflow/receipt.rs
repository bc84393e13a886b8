//! When a request was received. Staff who type in a request that arrived
//! by phone, by e-mail, in person or on paper give the day it arrived, and
//! its deadlines count from that day, not from the day it was typed in.

use chrono::NaiveDate;

/// The first day a request can have been received: the procedure began with
/// the 2019 protocol (RM 0159-2019-JUS, DOMAIN.md §1).
pub const FIRST_RECEIPT_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// A receipt day that cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptDayError {
    #[error("la fecha de recepción no puede ser posterior a hoy")]
    InTheFuture,
    #[error("la fecha de recepción no puede ser anterior a 2019, cuando empezó el procedimiento")]
    BeforeTheProcedure,
}

/// `received_on` checked against `today` (in Lima).
pub fn receipt_day(received_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ReceiptDayError> {
    if received_on > today {
        Err(ReceiptDayError::InTheFuture)
    } else if received_on < FIRST_RECEIPT_DAY {
        Err(ReceiptDayError::BeforeTheProcedure)
    } else {
        Ok(received_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_day_is_between_the_procedure_and_today() {
        let today: NaiveDate = "2026-07-13".parse().unwrap();
        assert_eq!(receipt_day(today, today), Ok(today));
        let last_week = "2026-07-06".parse().unwrap();
        assert_eq!(receipt_day(last_week, today), Ok(last_week));
        assert_eq!(receipt_day("2026-07-14".parse().unwrap(), today), Err(ReceiptDayError::InTheFuture));
        assert_eq!(receipt_day("2018-12-31".parse().unwrap(), today), Err(ReceiptDayError::BeforeTheProcedure));
        assert_eq!(receipt_day(FIRST_RECEIPT_DAY, today), Ok(FIRST_RECEIPT_DAY));
    }
}
