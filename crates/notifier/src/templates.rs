//! The e-mails, in Spanish. E-mail is not safe (DOMAIN.md §7): a message
//! carries the opaque file number, a date, a link that requires signing in
//! (or the file number and access key, for requesters) and nothing else:
//! never names, places, threats, measures or risk levels. Subjects are
//! neutral because lock screens show them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::workflow::Topic;

use crate::dates::long_date;
use crate::ics::DeadlineEvent;

/// Who reads the message: the wording and the link differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Staff,
    Requester,
}

/// What the message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A deadline is coming up, is due today, or has passed.
    Reminder { deadline: String, due: NaiveDate, today: NaiveDate, event: DeadlineEvent },
    /// A deadline no longer needs action: its calendar event is cancelled.
    DeadlineClosed { deadline: String, event: DeadlineEvent },
    /// Something happened in the case.
    Notice { topic: Topic, due: Option<NaiveDate> },
}

/// One message to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub file_number: String,
    pub reader: Reader,
    /// Where to sign in (staff) or follow the request (requesters).
    pub link: String,
    pub body: Body,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The calendar attachment and its method (REQUEST or CANCEL).
    pub calendar: Option<(String, &'static str)>,
}

fn notice_sentence(topic: &Topic, file: &str, due: Option<NaiveDate>, reader: Reader) -> String {
    match (topic, reader) {
        (Topic::InformationRequested, Reader::Requester) => format!(
            "La Dirección General de Derechos Humanos necesita información adicional sobre su solicitud {file}. \
             Ingrese con su número de expediente y su clave de acceso para responder."
        ),
        (_, Reader::Requester) => {
            format!(
                "Hay novedades sobre su solicitud {file}. Ingrese con su número de expediente y su clave de acceso para verlas."
            )
        }
        (Topic::NewRequest, Reader::Staff) => {
            format!("Se recibió una nueva solicitud de protección: expediente {file}.")
        }
        (Topic::Assigned, Reader::Staff) => format!("Se le asignó el expediente {file}."),
        (Topic::MeasureNotified(_), Reader::Staff) => {
            format!("Su sector tiene una nueva asignación en el expediente {file}. Acuse recibo en Resguardo.")
        }
        (Topic::MeasureVerificationFailed(_), Reader::Staff) => format!(
            "La verificación de la Dirección General de Derechos Humanos encontró que una medida del expediente {file} \
             no está implementada como se informó. Revise la medida en Resguardo: el plazo para implementarla corre de nuevo."
        ),
        // Nothing of what happened: an e-mail can be read by anyone near the inbox.
        (Topic::IncidentReported, Reader::Staff) => {
            format!(
                "Se reportó un nuevo incidente en el expediente {file}. Revise el caso y evalúe el riesgo de nuevo."
            )
        }
        (Topic::AgreementAdded(_), Reader::Staff) => format!(
            "La reunión de coordinación encargó a su sector un acuerdo sobre el expediente {file}. \
             Revíselo en Resguardo e informe cuando esté cumplido."
        ),
        (Topic::AgreementDone(_), Reader::Staff) => {
            format!("El sector responsable informó que cumplió un acuerdo de coordinación del expediente {file}.")
        }
        (Topic::DeadlineMoved(_), Reader::Staff) => match due {
            Some(due) => format!("Un plazo del expediente {file} cambió: ahora vence el {}.", long_date(due)),
            None => format!("Un plazo del expediente {file} cambió."),
        },
        (
            Topic::InformationRequested
            | Topic::InformationReceived
            | Topic::EvidenceAdded
            | Topic::ConsentWithdrawn
            | Topic::StatusChanged(_)
            | Topic::MeasureProgressReported(_)
            | Topic::MeasureImplemented(_)
            | Topic::MeasureNotFeasible(_)
            | Topic::MeasureLifted(_),
            Reader::Staff,
        ) => format!("Hay novedades en el expediente {file}."),
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Renders `letter` (the calendar attachment is stamped at `now`).
pub fn render(letter: &Letter, now: DateTime<Utc>) -> Rendered {
    let file = &letter.file_number;
    let (kind, sentence, calendar) = match &letter.body {
        Body::Reminder { deadline, due, today, event } => {
            let when = long_date(*due);
            let (kind, sentence) = if due < today {
                (
                    "Plazo vencido",
                    format!("El plazo «{deadline}» del expediente {file} venció el {when} y sigue pendiente."),
                )
            } else if due == today {
                ("Plazo que vence hoy", format!("El plazo «{deadline}» del expediente {file} vence hoy, {when}."))
            } else {
                ("Recordatorio de plazo", format!("El plazo «{deadline}» del expediente {file} vence el {when}."))
            };
            (kind, sentence, Some((event.to_ics(now), event.method())))
        }
        Body::DeadlineClosed { deadline, event } => (
            "Plazo cumplido o cancelado",
            format!("El plazo «{deadline}» del expediente {file} ya no requiere acción; se retira del calendario."),
            Some((event.to_ics(now), event.method())),
        ),
        Body::Notice { topic, due } => ("Aviso", notice_sentence(topic, file, *due, letter.reader), None),
    };
    let how = match letter.reader {
        Reader::Staff => {
            "Por seguridad, este mensaje no incluye datos del caso. Para verlos, inicie sesión en Resguardo:"
        }
        Reader::Requester => "Por seguridad, este mensaje no incluye datos de su solicitud. Puede consultarla aquí:",
    };
    let subject = format!("Resguardo: {kind} ({file})");
    let text = format!(
        "{sentence}\n\n{how}\n{link}\n\nEste es un mensaje automático de Resguardo; por favor, no lo responda.\n",
        link = letter.link
    );
    let html = format!(
        "<!doctype html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><p>{sentence}</p><p>{how}<br><a href=\"{link}\">{link}</a></p>\
         <p><small>Este es un mensaje automático de Resguardo; por favor, no lo responda.</small></p></body></html>\n",
        title = escape_html(&subject),
        sentence = escape_html(&sentence),
        how = escape_html(how),
        link = escape_html(&letter.link),
    );
    Rendered { subject, text, html, calendar }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(due: &str) -> DeadlineEvent {
        DeadlineEvent {
            uid: "d1@resguardo".into(),
            sequence: 1,
            due: due.parse().unwrap(),
            summary: "Vence un plazo del expediente AT-2026-000001".into(),
            link: "https://resguardo.example/casos/1".into(),
            cancelled: false,
        }
    }

    fn reminder(due: &str, today: &str) -> Rendered {
        let letter = Letter {
            file_number: "AT-2026-000001".into(),
            reader: Reader::Staff,
            link: "https://resguardo.example/casos/1".into(),
            body: Body::Reminder {
                deadline: "Decisión sobre la solicitud".into(),
                due: due.parse().unwrap(),
                today: today.parse().unwrap(),
                event: event(due),
            },
        };
        render(&letter, "2026-08-05T14:00:00Z".parse().unwrap())
    }

    #[test]
    fn reminders_say_when_with_the_weekday() {
        let before = reminder("2026-08-11", "2026-08-05");
        assert_eq!(before.subject, "Resguardo: Recordatorio de plazo (AT-2026-000001)");
        assert!(before.text.contains("vence el martes 11 de agosto de 2026"));
        assert!(before.html.starts_with("<!doctype html>\n<html lang=\"es\">"));
        assert_eq!(before.calendar.as_ref().map(|c| c.1), Some("REQUEST"));
        assert!(reminder("2026-08-11", "2026-08-11").text.contains("vence hoy, martes 11 de agosto"));
        let late = reminder("2026-08-11", "2026-08-12");
        assert_eq!(late.subject, "Resguardo: Plazo vencido (AT-2026-000001)");
        assert!(late.text.contains("venció el martes 11 de agosto de 2026"));
    }

    #[test]
    fn the_protection_cycles_notices_say_what_to_do_and_nothing_of_the_case() {
        let notice = |topic| {
            let letter = Letter {
                file_number: "AT-2026-000009".into(),
                reader: Reader::Staff,
                link: "https://resguardo.example/consola".into(),
                body: Body::Notice { topic, due: None },
            };
            render(&letter, "2026-08-05T14:00:00Z".parse().unwrap()).text
        };
        let incident = notice(Topic::IncidentReported);
        assert!(incident.contains("nuevo incidente en el expediente AT-2026-000009"), "{incident}");
        assert!(incident.contains("evalúe el riesgo de nuevo"));
        let verification = notice(Topic::MeasureVerificationFailed(domain::workflow::MeasureNo(2)));
        assert!(verification.contains("no está implementada como se informó"), "{verification}");
        assert!(verification.contains("AT-2026-000009") && !verification.contains("n.° 2"), "the file number alone");
    }

    #[test]
    fn requesters_are_sent_to_their_tracking_page() {
        let letter = Letter {
            file_number: "AT-2026-000007".into(),
            reader: Reader::Requester,
            link: "https://resguardo.example/seguimiento".into(),
            body: Body::Notice { topic: Topic::InformationRequested, due: None },
        };
        let rendered = render(&letter, "2026-08-05T14:00:00Z".parse().unwrap());
        assert!(rendered.text.contains("clave de acceso"));
        assert!(rendered.calendar.is_none());
    }
}
