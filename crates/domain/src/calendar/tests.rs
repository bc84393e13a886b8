//! Worked examples of the calendar, from the rules and decrees of DOMAIN.md §4.

use chrono::{Days, NaiveDate};

use super::*;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dept(code: &str) -> Option<DepartmentCode> {
    Some(DepartmentCode::parse(code).unwrap())
}

fn day_off(d: &str, department: Option<DepartmentCode>, basis: &str) -> NonWorkingDay {
    NonWorkingDay { date: date(d), department, legal_basis: basis.into(), source: None }
}

fn suspension(first: &str, last: &str, department: Option<DepartmentCode>, basis: &str) -> SuspensionPeriod {
    SuspensionPeriod {
        first_day: date(first),
        last_day: date(last),
        department,
        legal_basis: basis.into(),
        source: None,
    }
}

fn calendar(days: Vec<NonWorkingDay>, suspensions: Vec<SuspensionPeriod>) -> Calendar {
    Calendar::new(7, peru_national_holiday_rules(), days, suspensions).unwrap()
}

/// Checks a due date and that the skipped days are exactly `skipped`.
fn check(cal: &Calendar, from: &str, n: u32, department: Option<DepartmentCode>, due: &str) {
    assert_eq!(cal.add_working_days(date(from), n, department), date(due), "{from} + {n}");
    assert_eq!(cal.explain_working_days(date(from), n, department).due, date(due));
}

fn holiday(name: &str, basis: &str) -> SkipReason {
    SkipReason::NationalHoliday { name: name.into(), legal_basis: basis.into() }
}

#[test]
fn april_2025_skips_holy_week_labour_day_and_the_decreed_2_may() {
    let cal = calendar(
        vec![
            day_off("2025-05-02", None, "DS 042-2025-PCM"),
            day_off("2025-12-26", None, "DS 042-2025-PCM"),
            day_off("2026-01-02", None, "DS 042-2025-PCM"),
        ],
        vec![],
    );
    check(&cal, "2025-04-09", 15, None, "2025-05-06");
    check(&cal, "2025-04-09", 15, dept("15"), "2025-05-06");

    let explanation = cal.explain_working_days(date("2025-04-09"), 15, None);
    let dl713 = "Decreto Legislativo 713";
    let skipped: Vec<(NaiveDate, Vec<SkipReason>)> =
        explanation.skipped.iter().map(|day| (day.date, day.reasons.clone())).collect();
    let weekend = || vec![SkipReason::Weekend];
    assert_eq!(
        skipped,
        vec![
            (date("2025-04-12"), weekend()),
            (date("2025-04-13"), weekend()),
            (date("2025-04-17"), vec![holiday("Jueves Santo", dl713)]),
            (date("2025-04-18"), vec![holiday("Viernes Santo", dl713)]),
            (date("2025-04-19"), weekend()),
            (date("2025-04-20"), weekend()),
            (date("2025-04-26"), weekend()),
            (date("2025-04-27"), weekend()),
            (date("2025-05-01"), vec![holiday("Día del Trabajo", dl713)]),
            (
                date("2025-05-02"),
                vec![SkipReason::NonWorkingDay { department: None, legal_basis: "DS 042-2025-PCM".into() }]
            ),
            (date("2025-05-03"), weekend()),
            (date("2025-05-04"), weekend()),
        ]
    );
    assert_eq!(explanation.from, date("2025-04-09"));
    assert_eq!(explanation.working_days, 15);
    assert_eq!(explanation.department, None);
}

#[test]
fn without_the_decree_the_april_2025_deadline_ends_a_day_earlier() {
    check(&Calendar::peru_default(), "2025-04-09", 15, None, "2025-05-05");
}

#[test]
fn july_2026_skips_the_new_holidays() {
    let cal = Calendar::peru_default();
    check(&cal, "2026-07-15", 15, None, "2026-08-11");
    check(&cal, "2026-07-15", 30, None, "2026-09-01");
    let holidays: Vec<NaiveDate> = cal
        .explain_working_days(date("2026-07-15"), 30, None)
        .skipped
        .into_iter()
        .filter(|day| !day.reasons.contains(&SkipReason::Weekend))
        .map(|day| day.date)
        .collect();
    assert_eq!(holidays, ["2026-07-23", "2026-07-28", "2026-07-29", "2026-08-06"].map(date));
}

#[test]
fn holidays_added_since_2022_apply_from_their_year_only() {
    let cal = Calendar::peru_default();
    // 7 June (Ley 31788, from 2024): a Wednesday in 2023, a Friday in 2024.
    assert!(cal.is_working_day(date("2023-06-07"), None));
    assert!(!cal.is_working_day(date("2024-06-07"), None));
    assert_eq!(
        cal.skip_reasons(date("2024-06-07"), None),
        vec![holiday("Batalla de Arica y Día de la Bandera", "Ley 31788")]
    );
    // 23 July (Ley 31822, from 2023): Friday in 2021, Tuesday in 2024.
    assert!(cal.is_working_day(date("2021-07-23"), None));
    assert!(!cal.is_working_day(date("2024-07-23"), None));
    // 6 August and 9 December (Ley 31530, from 2022): Friday 2021-08-06 and
    // Thursday 2021-12-09 were working days; Friday 2022-12-09 and Tuesday
    // 2024-08-06 are holidays.
    assert!(cal.is_working_day(date("2021-08-06"), None));
    assert!(cal.is_working_day(date("2021-12-09"), None));
    assert!(!cal.is_working_day(date("2022-12-09"), None));
    assert!(!cal.is_working_day(date("2024-08-06"), None));
}

#[test]
fn holidays_on_a_weekend_are_not_moved() {
    let cal = Calendar::peru_default();
    // 2027-05-01 is a Saturday: both reasons, and Monday 3 May works.
    assert_eq!(
        cal.skip_reasons(date("2027-05-01"), None),
        vec![SkipReason::Weekend, holiday("Día del Trabajo", "Decreto Legislativo 713")]
    );
    assert!(cal.is_working_day(date("2027-05-03"), None));
}

#[test]
fn lima_and_callao_days_off_apply_to_them_only() {
    let basis = "DS 110-2024-PCM";
    let cal = calendar(
        ["2024-11-14", "2024-11-15", "2024-11-16"]
            .into_iter()
            .flat_map(|d| [day_off(d, dept("15"), basis), day_off(d, dept("07"), basis)])
            .collect(),
        vec![],
    );
    // Wednesday 13 November 2024 + 5 working days.
    check(&cal, "2024-11-13", 5, None, "2024-11-20");
    check(&cal, "2024-11-13", 5, dept("16"), "2024-11-20");
    check(&cal, "2024-11-13", 5, dept("15"), "2024-11-22");
    check(&cal, "2024-11-13", 5, dept("07"), "2024-11-22");
    assert!(cal.is_working_day(date("2024-11-14"), dept("16")));
    assert_eq!(
        cal.skip_reasons(date("2024-11-14"), dept("15")),
        vec![SkipReason::NonWorkingDay { department: dept("15"), legal_basis: basis.into() }]
    );
    // Saturday 16 November: the weekend and the decree both apply.
    assert_eq!(cal.skip_reasons(date("2024-11-16"), dept("07")).len(), 2);
    assert_eq!(cal.working_days_between(date("2024-11-13"), date("2024-11-22"), dept("15")), 5);
    assert_eq!(cal.working_days_between(date("2024-11-13"), date("2024-11-22"), None), 7);
}

#[test]
fn national_and_regional_records_of_one_day_are_all_reasons() {
    let cal = calendar(
        vec![day_off("2025-06-30", dept("15"), "Ordenanza regional"), day_off("2025-06-30", None, "DS nacional")],
        vec![suspension("2025-06-30", "2025-06-30", None, "DU prueba")],
    );
    assert_eq!(
        cal.skip_reasons(date("2025-06-30"), dept("15")),
        vec![
            SkipReason::NonWorkingDay { department: dept("15"), legal_basis: "Ordenanza regional".into() },
            SkipReason::NonWorkingDay { department: None, legal_basis: "DS nacional".into() },
            SkipReason::Suspension { department: None, legal_basis: "DU prueba".into() },
        ]
    );
    assert_eq!(cal.skip_reasons(date("2025-06-30"), None).len(), 2);
}

#[test]
fn days_inside_a_suspension_do_not_count() {
    // A COVID-like suspension of more than two months.
    let basis = "DU 026-2020";
    let cal = calendar(vec![], vec![suspension("2020-03-16", "2020-05-24", None, basis)]);
    // Friday 13 March 2020 + 1: 16 March is suspended, Monday 25 May is the
    // first day that counts again.
    check(&cal, "2020-03-13", 1, None, "2020-05-25");
    check(&cal, "2020-03-12", 2, None, "2020-05-25");
    let explanation = cal.explain_working_days(date("2020-03-13"), 1, None);
    assert_eq!(explanation.skipped.len(), 2 + 70);
    let monday = &explanation.skipped[2];
    assert_eq!(monday.date, date("2020-03-16"));
    assert_eq!(monday.reasons, vec![SkipReason::Suspension { department: None, legal_basis: basis.into() }]);
    // Holy Thursday inside the period: holiday first, then suspension.
    let thursday = explanation.skipped.iter().find(|day| day.date == date("2020-04-09")).unwrap();
    assert_eq!(thursday.reasons.len(), 2);
    assert!(matches!(thursday.reasons[1], SkipReason::Suspension { .. }));
    assert_eq!(cal.working_days_between(date("2020-03-13"), date("2020-05-25"), None), 1);
}

#[test]
fn a_regional_suspension_spares_other_departments() {
    let cal = calendar(vec![], vec![suspension("2025-03-03", "2025-03-07", dept("20"), "DS emergencia Piura")]);
    check(&cal, "2025-02-28", 1, dept("20"), "2025-03-10");
    check(&cal, "2025-02-28", 1, dept("15"), "2025-03-03");
    check(&cal, "2025-02-28", 1, None, "2025-03-03");
}

#[test]
fn zero_days_is_the_triggering_date_itself() {
    let cal = Calendar::peru_default();
    let saturday = date("2025-04-12");
    assert_eq!(cal.add_working_days(saturday, 0, None), saturday);
    let explanation = cal.explain_working_days(saturday, 0, None);
    assert_eq!(explanation.due, saturday);
    assert!(explanation.skipped.is_empty());
}

#[test]
fn the_triggering_day_never_counts_even_when_it_is_a_working_day() {
    let cal = Calendar::peru_default();
    // Friday + 1 is Monday.
    check(&cal, "2025-06-06", 1, None, "2025-06-09");
    // Saturday + 1 is Monday too.
    check(&cal, "2025-06-07", 1, None, "2025-06-09");
}

#[test]
fn working_days_between_is_empty_backwards() {
    let cal = Calendar::peru_default();
    assert_eq!(cal.working_days_between(date("2025-05-06"), date("2025-04-09"), None), 0);
    assert_eq!(cal.working_days_between(date("2025-05-06"), date("2025-05-06"), None), 0);
}

#[test]
fn refuses_bad_data() {
    let rule = |date, from_year, until_year| HolidayRule {
        name: "Prueba".into(),
        date,
        from_year,
        until_year,
        legal_basis: "Ley de prueba".into(),
    };
    let build = |rules, suspensions| Calendar::new(1, rules, vec![], suspensions);

    let err = build(vec![rule(HolidayDate::Fixed { month: 2, day: 31 }, None, None)], vec![]).unwrap_err();
    assert_eq!(err, CalendarError::InvalidFixedDate { name: "Prueba".into(), month: 2, day: 31 });
    assert_eq!(err.to_string(), "el feriado «Prueba» tiene una fecha que no existe: día 31 del mes 2");
    assert!(matches!(
        build(vec![rule(HolidayDate::Fixed { month: 13, day: 1 }, None, None)], vec![]),
        Err(CalendarError::InvalidFixedDate { .. })
    ));
    assert!(matches!(
        build(vec![rule(HolidayDate::Fixed { month: 0, day: 1 }, None, None)], vec![]),
        Err(CalendarError::InvalidFixedDate { .. })
    ));
    assert!(matches!(
        build(vec![rule(HolidayDate::EasterOffset { days: 300 }, None, None)], vec![]),
        Err(CalendarError::EasterOffsetOutOfRange { days: 300, .. })
    ));
    assert_eq!(
        build(vec![rule(HolidayDate::Fixed { month: 1, day: 1 }, Some(2025), Some(2024))], vec![]).unwrap_err(),
        CalendarError::InvertedRuleYears { name: "Prueba".into(), from_year: 2025, until_year: 2024 }
    );
    let err = build(vec![], vec![suspension("2020-05-24", "2020-03-16", None, "DU 026-2020")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "la suspensión de plazos (DU 026-2020) termina el 16/03/2020 antes de empezar el 24/05/2020"
    );
    // A one-day suspension and a rule of a single year are fine.
    assert!(
        build(
            vec![rule(HolidayDate::Fixed { month: 1, day: 2 }, Some(2025), Some(2025))],
            vec![suspension("2020-03-16", "2020-03-16", None, "DU")]
        )
        .is_ok()
    );
}

#[test]
fn keeps_its_data_and_version() {
    let cal = calendar(
        vec![day_off("2025-12-26", None, "DS 042-2025-PCM"), day_off("2025-05-02", None, "DS 042-2025-PCM")],
        vec![suspension("2020-03-16", "2020-05-24", None, "DU 026-2020")],
    );
    assert_eq!(cal.version(), 7);
    assert_eq!(cal.rules(), peru_national_holiday_rules().as_slice());
    // Sorted by date.
    assert_eq!(cal.non_working_days()[0].date, date("2025-05-02"));
    assert_eq!(cal.suspensions().len(), 1);
    let default = Calendar::peru_default();
    assert_eq!(default.version(), 0);
    assert!(default.non_working_days().is_empty());
    assert!(default.suspensions().is_empty());
}

#[test]
fn dates_outside_the_index_follow_the_same_rules() {
    // Data beyond the indexed years, and deadlines that cross its edges.
    let cal = calendar(
        vec![day_off("1899-12-29", None, "Antiguo"), day_off("2301-01-02", dept("15"), "Futuro")],
        vec![suspension("2300-12-28", "2301-01-05", None, "Cruza el borde")],
    );
    let reference = |from: NaiveDate, n: u32, department| {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            if cal.skip_reasons(day, department).is_empty() {
                left -= 1;
            }
        }
        day
    };
    for from in ["1899-12-01", "1899-12-28", "1899-12-31", "2300-12-20", "2300-12-31", "2301-01-01"] {
        for department in [None, dept("15")] {
            for n in [1, 2, 5, 10, 30] {
                let from = date(from);
                let due = cal.add_working_days(from, n, department);
                assert_eq!(due, reference(from, n, department), "{from} + {n}");
                assert_eq!(cal.working_days_between(from, due, department), n);
            }
        }
    }
    assert!(!cal.is_working_day(date("1899-12-29"), None));
    assert!(!cal.is_working_day(date("2301-01-02"), None));
    assert!(cal.is_working_day(date("2301-01-08"), None));
    // 1899-12-25 is Navidad, a Monday.
    assert!(!cal.is_working_day(date("1899-12-25"), None));
    assert_eq!(
        cal.working_days_between(date("1899-12-20"), date("2301-01-10"), None),
        cal.working_days_between(date("1899-12-20"), date("1900-01-10"), None)
            + cal.working_days_between(date("1900-01-10"), date("2300-12-20"), None)
            + cal.working_days_between(date("2300-12-20"), date("2301-01-10"), None)
    );
}

#[test]
fn never_panics_at_the_ends_of_chronos_range() {
    let cal = Calendar::peru_default();
    assert_eq!(cal.add_working_days(NaiveDate::MAX, 1, None), NaiveDate::MAX);
    let near_end = NaiveDate::MAX - Days::new(3);
    assert_eq!(cal.add_working_days(near_end, 10, None), NaiveDate::MAX);
    let last_three = (1..=3).filter(|i| cal.is_working_day(near_end + Days::new(*i), None)).count();
    assert_eq!(cal.working_days_between(near_end, NaiveDate::MAX, None) as usize, last_three);
    let near_start = NaiveDate::MIN + Days::new(2);
    assert!(cal.add_working_days(near_start, 3, None) > near_start);
    assert_eq!(cal.working_days_between(NaiveDate::MAX, NaiveDate::MIN, None), 0);
    let _ = cal.skip_reasons(NaiveDate::MIN, None);
    let _ = cal.is_working_day(NaiveDate::MAX, dept("15"));
}

#[test]
fn can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Calendar>();
}

#[test]
fn dates_outside_the_calendar_are_refused_not_answered() {
    let calendar = Calendar::peru_default();
    // The last representable date would come back as the due date itself.
    assert_eq!(calendar.add_working_days(NaiveDate::MAX, 365, None), NaiveDate::MAX);
    assert_eq!(calendar.checked_explain_working_days(NaiveDate::MAX, 365, None).err(), Some(OutOfSpan::Start));
    assert_eq!(calendar.checked_explain_working_days(date("1899-12-31"), 1, None).err(), Some(OutOfSpan::Start));
    assert_eq!(calendar.checked_explain_working_days(date("2300-12-01"), 30, None).err(), Some(OutOfSpan::Due));
    let (first, last) = Calendar::span();
    assert_eq!((first, last), (date("1900-01-01"), date("2300-12-31")));
    assert_eq!(calendar.checked_explain_working_days(date("2026-07-15"), 30, None).unwrap().due, date("2026-09-01"));
}
