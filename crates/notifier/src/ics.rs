//! The calendar attachment of a deadline: one all-day event per deadline,
//! with a stable UID, its version as SEQUENCE (so a moved date updates the
//! same event) and a CANCEL when the deadline is done.

use chrono::{DateTime, NaiveDate, Utc};

/// The event of one deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineEvent {
    /// Stable per deadline, e.g. `8b2f…@resguardo`.
    pub uid: String,
    /// The deadline's version: bumped whenever the due date moves.
    pub sequence: u32,
    pub due: NaiveDate,
    /// Neutral: the file number and nothing about the case.
    pub summary: String,
    pub link: String,
    pub cancelled: bool,
}

/// RFC 5545 text: commas, semicolons and backslashes escaped, no newlines.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace(['\n', '\r'], " ")
}

impl DeadlineEvent {
    /// The `.ics` text, stamped at `now`.
    pub fn to_ics(&self, now: DateTime<Utc>) -> String {
        let method = if self.cancelled { "CANCEL" } else { "REQUEST" };
        let status = if self.cancelled { "CANCELLED" } else { "CONFIRMED" };
        let next_day = self.due.succ_opt().unwrap_or(self.due);
        let lines = [
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Resguardo//Plazos//ES".to_owned(),
            format!("METHOD:{method}"),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escape(&self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
            format!("DTSTART;VALUE=DATE:{}", self.due.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.format("%Y%m%d")),
            format!("SUMMARY:{}", escape(&self.summary)),
            format!("DESCRIPTION:{}", escape(&self.link)),
            format!("URL:{}", self.link),
            format!("STATUS:{status}"),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
            "END:VCALENDAR".to_owned(),
        ];
        // RFC 5545 wants CRLF line endings.
        lines.join("\r\n") + "\r\n"
    }

    pub fn method(&self) -> &'static str {
        if self.cancelled { "CANCEL" } else { "REQUEST" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_day_event_that_can_be_updated_and_cancelled() {
        let mut event = DeadlineEvent {
            uid: "deadline-1@resguardo".into(),
            sequence: 2,
            due: "2026-08-11".parse().unwrap(),
            summary: "Vence un plazo del expediente AT-2026-000001".into(),
            link: "https://resguardo.example/casos/1".into(),
            cancelled: false,
        };
        let now: DateTime<Utc> = "2026-07-15T14:00:00Z".parse().unwrap();
        let ics = event.to_ics(now);
        for line in [
            "METHOD:REQUEST",
            "UID:deadline-1@resguardo",
            "SEQUENCE:2",
            "DTSTART;VALUE=DATE:20260811",
            "DTEND;VALUE=DATE:20260812",
        ] {
            assert!(ics.contains(&format!("{line}\r\n")), "{line}");
        }
        event.cancelled = true;
        assert!(event.to_ics(now).contains("METHOD:CANCEL\r\n"));
        assert!(event.to_ics(now).contains("STATUS:CANCELLED\r\n"));
    }
}
