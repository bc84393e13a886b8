//! A deadline as a work list says it: the time left in working days and
//! the date written out, "vence en 3 días hábiles, el jueves 10 de
//! diciembre", with a word for where it stands (never colour alone).

use chrono::{Datelike, NaiveDate};

use crate::pages::catalogue::{Text, Tr};

/// How urgent a running deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Urgency {
    /// More than five working days left.
    OnTime,
    /// Five working days or fewer (what `dueSoon` lists by default).
    Soon,
    /// Past its due date.
    Late,
}

impl Urgency {
    /// The stylesheet's class.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Urgency::OnTime => "en-plazo",
            Urgency::Soon => "por-vencer",
            Urgency::Late => "vencido",
        }
    }

    /// The word beside the date.
    pub(crate) fn label(self, t: &Tr) -> Text {
        t.t(match self {
            Urgency::OnTime => "plazo-en-plazo",
            Urgency::Soon => "plazo-por-vencer",
            Urgency::Late => "plazo-vencido-etiqueta",
        })
    }
}

/// A running deadline, said.
pub(crate) struct DueText {
    pub(crate) urgency: Urgency,
    pub(crate) text: Text,
}

/// `due` with `left` working days to go (negative: late), seen `today`.
pub(crate) fn say(t: Tr, due: NaiveDate, left: i64, today: NaiveDate) -> DueText {
    let date = weekday_date(t, due, today);
    let days = left.unsigned_abs() as usize;
    let (urgency, text) = match left {
        0 if due >= today => (Urgency::Soon, t.t1("plazo-vence-hoy", "fecha", date.as_str())),
        1.. => {
            let urgency = if left <= 5 { Urgency::Soon } else { Urgency::OnTime };
            (urgency, t.with("plazo-vence-en", [("dias", days.into()), ("fecha", date.as_str().into())]))
        }
        _ => (Urgency::Late, t.with("plazo-vencio", [("dias", days.into()), ("fecha", date.as_str().into())])),
    };
    DueText { urgency, text }
}

/// "jueves 10 de diciembre", with the year when it is not this one.
pub(crate) fn weekday_date(t: Tr, day: NaiveDate, today: NaiveDate) -> Text {
    let weekday = t.t(&format!("dia-semana-{}", day.weekday().number_from_monday()));
    let month = t.t(&format!("mes-{}", day.month()));
    let id = if day.year() == today.year() { "fecha-con-dia" } else { "fecha-con-dia-y-anio" };
    t.with(
        id,
        [
            ("dia_semana", weekday.as_str().into()),
            ("dia", (day.day() as usize).into()),
            ("mes", month.as_str().into()),
            ("anio", (day.year() as usize).into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::catalogue::Lang;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_deadline_is_said_in_working_days_and_written_out() {
        let t = Tr::new(Lang::Es);
        let today = date("2026-12-07");
        let said = say(t, date("2026-12-10"), 3, today);
        assert_eq!(said.text.as_str(), "vence en 3 días hábiles, el jueves 10 de diciembre");
        assert_eq!(said.urgency, Urgency::Soon);
        assert_eq!(
            say(t, date("2026-12-08"), 1, today).text.as_str(),
            "vence en 1 día hábil, el martes 8 de diciembre"
        );
        assert_eq!(say(t, today, 0, today).text.as_str(), "vence hoy, lunes 7 de diciembre");
        let late = say(t, date("2026-12-03"), -2, today);
        assert_eq!(late.text.as_str(), "venció hace 2 días hábiles, el jueves 3 de diciembre");
        assert_eq!(late.urgency, Urgency::Late);
        // Due on Friday, seen on Saturday: late, though no working day passed.
        assert_eq!(say(t, date("2026-12-04"), 0, date("2026-12-05")).text.as_str(), "venció el viernes 4 de diciembre");
        assert_eq!(say(t, date("2027-01-20"), 30, today).urgency, Urgency::OnTime);
        assert_eq!(weekday_date(t, date("2027-01-20"), today).as_str(), "miércoles 20 de enero de 2027");
    }
}
