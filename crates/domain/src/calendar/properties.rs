//! Properties of deadline arithmetic over random but realistic calendars:
//! extra non-working days and suspension periods, some regional, over
//! 2020–2030, checked against the definition (walking day by day through
//! [`Calendar::skip_reasons`]) and against each other.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;

const FIRST: (i32, u32, u32) = (2020, 1, 1);
/// Days in 2020–2030.
const SPAN: u32 = 4018;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST.0, FIRST.1, FIRST.2).unwrap()
}

fn code(code: &str) -> DepartmentCode {
    DepartmentCode::parse(code).unwrap()
}

fn date_in_span() -> impl Strategy<Value = NaiveDate> {
    (0..SPAN).prop_map(|offset| base() + Days::new(offset.into()))
}

/// Where records apply: the nation, Lima, Loreto or Callao.
fn scope() -> impl Strategy<Value = Option<DepartmentCode>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(code("15"))),
        1 => Just(Some(code("16"))),
        1 => Just(Some(code("07"))),
    ]
}

/// The department of the case: none, Lima or Loreto.
fn case_department() -> impl Strategy<Value = Option<DepartmentCode>> {
    prop_oneof![Just(None), Just(Some(code("15"))), Just(Some(code("16")))]
}

fn non_working_day() -> impl Strategy<Value = NonWorkingDay> {
    (date_in_span(), scope()).prop_map(|(date, department)| NonWorkingDay {
        date,
        department,
        legal_basis: "DS de prueba".into(),
        source: None,
    })
}

fn suspension() -> impl Strategy<Value = SuspensionPeriod> {
    (date_in_span(), 0u64..90, scope()).prop_map(|(first_day, extra, department)| SuspensionPeriod {
        first_day,
        last_day: first_day + Days::new(extra),
        department,
        legal_basis: "DU de prueba".into(),
        source: None,
    })
}

#[derive(Debug, Clone)]
struct Data {
    days: Vec<NonWorkingDay>,
    suspensions: Vec<SuspensionPeriod>,
}

impl Data {
    fn calendar(&self) -> Calendar {
        Calendar::new(1, peru_national_holiday_rules(), self.days.clone(), self.suspensions.clone()).unwrap()
    }
}

fn data() -> impl Strategy<Value = Data> {
    (prop::collection::vec(non_working_day(), 0..40), prop::collection::vec(suspension(), 0..4))
        .prop_map(|(days, suspensions)| Data { days, suspensions })
}

/// A deadline: triggering date, working days and the case's department.
fn deadline() -> impl Strategy<Value = (NaiveDate, u32, Option<DepartmentCode>)> {
    (date_in_span(), 1u32..=60, case_department())
}

/// The definition, evaluated without the index.
fn reference_due(cal: &Calendar, from: NaiveDate, n: u32, department: Option<DepartmentCode>) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if cal.skip_reasons(day, department).is_empty() {
            left -= 1;
        }
    }
    day
}

proptest! {
    #[test]
    fn matches_the_definition((data, (from, n, department)) in (data(), deadline())) {
        let cal = data.calendar();
        prop_assert_eq!(
            cal.add_working_days(from, n, department),
            reference_due(&cal, from, n, department)
        );
    }

    #[test]
    fn the_index_agrees_with_the_reasons(
        data in data(),
        dates in prop::collection::vec(date_in_span(), 50),
        department in case_department(),
    ) {
        let cal = data.calendar();
        for date in dates {
            prop_assert_eq!(
                cal.is_working_day(date, department),
                cal.skip_reasons(date, department).is_empty(),
                "{}", date
            );
        }
    }

    #[test]
    fn the_due_date_is_a_working_day((data, (from, n, department)) in (data(), deadline())) {
        let cal = data.calendar();
        let due = cal.add_working_days(from, n, department);
        prop_assert!(due > from);
        prop_assert!(cal.is_working_day(due, department));
    }

    #[test]
    fn more_days_end_later(
        data in data(),
        (from, n, department) in deadline(),
        more in 1u32..=60,
    ) {
        let cal = data.calendar();
        prop_assert!(
            cal.add_working_days(from, n, department)
                < cal.add_working_days(from, n + more, department)
        );
    }

    #[test]
    fn another_day_off_never_brings_a_due_date_forward(
        data in data(),
        (from, n, department) in deadline(),
        // Near the deadline often, anywhere sometimes.
        offset in prop_oneof![-5i64..120, -4000i64..4000],
        extra_scope in scope(),
    ) {
        let cal = data.calendar();
        let due = cal.add_working_days(from, n, department);
        let Some(date) = from.checked_add_signed(chrono::TimeDelta::days(offset)) else {
            return Ok(());
        };
        let mut more = data.clone();
        more.days.push(NonWorkingDay {
            date,
            department: extra_scope,
            legal_basis: "DS adicional".into(),
            source: None,
        });
        let later = more.calendar().add_working_days(from, n, department);
        prop_assert!(later >= due);
        let applies = extra_scope.is_none() || extra_scope == department;
        if !applies || date <= from || date > due {
            prop_assert_eq!(later, due);
        }
    }

    #[test]
    fn a_suspension_moves_the_due_date_by_the_working_days_it_covers(
        data in data(),
        (from, n, department) in deadline(),
        start in any::<u32>(),
        length in any::<u32>(),
        national in any::<bool>(),
    ) {
        let cal = data.calendar();
        let due = cal.add_working_days(from, n, department);
        // A period inside (from, due].
        let span = u32::try_from((due - from).num_days()).unwrap();
        let first_day = from + Days::new(u64::from(1 + start % span));
        let room = u32::try_from((due - first_day).num_days()).unwrap();
        let last_day = first_day + Days::new(u64::from(length % (room + 1)));
        let k = cal.working_days_between(first_day.pred_opt().unwrap(), last_day, department);

        let mut suspended = data.clone();
        suspended.suspensions.push(SuspensionPeriod {
            first_day,
            last_day,
            department: if national { None } else { department },
            legal_basis: "DU adicional".into(),
            source: None,
        });
        let moved = suspended.calendar().add_working_days(from, n, department);
        prop_assert_eq!(moved, cal.add_working_days(from, n + k, department));
        prop_assert_eq!(cal.working_days_between(due, moved, department), k);
    }

    #[test]
    fn counting_back_gives_the_days_added((data, (from, n, department)) in (data(), deadline())) {
        let cal = data.calendar();
        let due = cal.add_working_days(from, n, department);
        prop_assert_eq!(cal.working_days_between(from, due, department), n);
    }

    #[test]
    fn working_days_between_matches_counting_day_by_day(
        data in data(),
        after in date_in_span(),
        days in 0u64..400,
        department in case_department(),
    ) {
        let cal = data.calendar();
        let through = after + Days::new(days);
        let expected = after
            .iter_days()
            .skip(1)
            .take_while(|date| *date <= through)
            .filter(|date| cal.skip_reasons(*date, department).is_empty())
            .count();
        prop_assert_eq!(
            cal.working_days_between(after, through, department) as usize,
            expected
        );
    }

    #[test]
    fn the_explanation_lists_exactly_the_days_skipped(
        (data, (from, n, department)) in (data(), deadline()),
    ) {
        let cal = data.calendar();
        let explanation = cal.explain_working_days(from, n, department);
        prop_assert_eq!(explanation.due, cal.add_working_days(from, n, department));
        prop_assert_eq!(explanation.from, from);
        prop_assert_eq!(explanation.working_days, n);
        prop_assert_eq!(explanation.department, department);
        let expected: Vec<SkippedDay> = from
            .iter_days()
            .skip(1)
            .take_while(|date| *date <= explanation.due)
            .filter_map(|date| {
                let reasons = cal.skip_reasons(date, department);
                (!reasons.is_empty()).then_some(SkippedDay { date, reasons })
            })
            .collect();
        prop_assert_eq!(explanation.skipped, expected);
    }
}
