//! `/seguimiento`: with the file number and the access key (always
//! posted, never in a URL), the request's status as `myRequest` gives it,
//! and what the requester can do: answer the DGDH's question, add
//! evidence (with a file: the one form posted as `multipart/form-data`),
//! report a new incident, withdraw consent (after a confirmation). Every
//! post carries the two in hidden fields; nothing is remembered between
//! posts.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::categories::{AggressionType, AggressorType};
use serde::Deserialize;
use serde_json::{Value, json};

use super::catalogue::{Text, Tr};
use super::chrome::{self, Chrome, LangSwitch};
use super::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use super::dates;
use super::file_receipt::FileReceipt;
use super::form_data::FormData;
use super::form_token::same_origin;
use super::home::LangParam;
use super::notice;
use super::operation::{self, Failure, FieldProblem};
use super::posted::{self, Posted};
use super::sizes;
use super::upload::{self, Attached, Received};
use crate::WebState;
use crate::graphql_http::Peer;

const FILE_NUMBER: &str = "fileNumber";
const ACCESS_KEY: &str = "accessKey";
const FORM_ID: &str = "seguimiento";
/// The evidence form's file.
const FILE: &str = "evidence.file";
/// The incident form's required fields.
const INCIDENT_DAY: &str = "incident.occurredOn";
const INCIDENT_DESCRIPTION: &str = "incident.description";
const INCIDENT_TYPES: &str = "incident.aggressionTypes";
/// What the file chooser offers: what the API takes (it checks the content).
const ACCEPT: &str = "image/*,audio/*,video/*,application/pdf";

/// What every operation here reads back: the status as the requester sees it.
macro_rules! with_status {
    ($operation:literal) => {
        concat!(
            $operation,
            " fragment Estado on RequestStatus { fileNumber status receivedOn consentWithdrawn \
             pendingQuestion { question answerDue } measures { number name status } }"
        )
    };
}

const STATUS: &str = with_status!(
    "query SeguimientoEstado($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { ...Estado } }"
);
const ANSWER: &str = with_status!(
    "mutation SeguimientoResponder($f: String!, $k: String!, $a: String!) { \
     answerInformationRequest(fileNumber: $f, accessKey: $k, answer: $a) { ...Estado } }"
);
const EVIDENCE: &str = with_status!(
    "mutation SeguimientoPrueba($f: String!, $k: String!, $e: EvidenceInput!, $file: Upload) { \
     addEvidence(fileNumber: $f, accessKey: $k, evidence: $e, file: $file) { ...Estado } }"
);
const INCIDENT: &str = with_status!(
    "mutation SeguimientoIncidente($f: String!, $k: String!, $i: IncidentInput!) { \
     reportIncident(fileNumber: $f, accessKey: $k, incident: $i) { ...Estado } }"
);
const WITHDRAW: &str = with_status!(
    "mutation SeguimientoRetirar($f: String!, $k: String!, $r: String) { \
     withdrawConsent(fileNumber: $f, accessKey: $k, reason: $r) { ...Estado } }"
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    file_number: String,
    status: String,
    received_on: chrono::NaiveDate,
    consent_withdrawn: bool,
    pending_question: Option<Question>,
    measures: Vec<Measure>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Question {
    question: String,
    answer_due: Option<chrono::NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct Measure {
    number: u32,
    name: String,
    status: String,
}

/// The data of each operation, under its field's name.
#[derive(Deserialize)]
struct Answered {
    #[serde(
        alias = "myRequest",
        alias = "answerInformationRequest",
        alias = "addEvidence",
        alias = "reportIncident",
        alias = "withdrawConsent"
    )]
    status: Status,
}

#[derive(Template)]
#[template(path = "seguimiento.html")]
struct Lookup {
    chrome: Chrome,
    t: Tr,
    form_id: &'static str,
    feedback: Feedback,
    groups: Vec<Group>,
    hidden: Vec<(String, String)>,
}

/// A form of the status page, each posting the credentials with its action.
struct ActionForm {
    action: &'static str,
    heading: Text,
    intro: Option<Text>,
    groups: Vec<Group>,
    button: Text,
    /// A consequential action (withdrawing consent) looks different.
    serious: bool,
    /// A second button that does nothing but show the status again.
    cancel: Option<Text>,
    /// It sends a file (`multipart/form-data`).
    multipart: bool,
}

#[derive(Template)]
#[template(path = "seguimiento_estado.html")]
struct StatusPage {
    chrome: Chrome,
    t: Tr,
    form_id: &'static str,
    feedback: Feedback,
    file_number: String,
    status_label: Text,
    status_explained: Text,
    received_on: Text,
    question: Option<(Text, Option<Text>)>,
    measures: Vec<(u32, Text, Text)>,
    consent_withdrawn: bool,
    /// The file just added, said for the defender to keep.
    receipt: Option<FileReceipt>,
    forms: Vec<ActionForm>,
    hidden: Vec<(String, String)>,
}

/// What the status page says besides the status.
#[derive(Default)]
struct Said {
    /// Each next to its field (an action's), or in the summary.
    problems: Vec<(String, Text)>,
    notice: Option<Text>,
    /// Withdrawing consent: ask to confirm.
    confirming: bool,
    /// The action succeeded: its fields start empty again.
    done: bool,
    /// The post carried a file that was not added: it must be chosen again.
    file_again: bool,
    receipt: Option<FileReceipt>,
}

/// `GET /seguimiento`: the form for the file number and the access key.
/// A file number in the query (old e-mails linked with one) is not used:
/// the page asks for both, so neither lands in the history.
pub(crate) async fn start(State(app): State<WebState>, Query(lang): Query<LangParam>, headers: HeaderMap) -> Response {
    let t = Tr::new(chrome::language(lang.get(), &headers));
    lookup(&app, &FormData::default(), t, Vec::new(), None)
}

/// `POST /seguimiento`: urlencoded, or `multipart/form-data` from the
/// evidence form.
pub(crate) async fn post(State(app): State<WebState>, peer: Peer, request: Request) -> Response {
    let headers = request.headers().clone();
    // Nothing of a post another site started is read, a file least of all.
    if !same_origin(&headers) {
        return notice::forbidden(Tr::new(chrome::language(None, &headers)));
    }
    let Received { pairs, file } = match upload::receive(&app, request).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    let Posted { form, t, expired } = match posted::receive(&app, &headers, pairs) {
        Ok(posted) => posted,
        Err(t) => return notice::forbidden(t),
    };
    let caller = crate::graphql_http::anonymous_caller(&app, &headers, peer);
    let credentials = json!({ "f": form.value(FILE_NUMBER).trim(), "k": form.value(ACCESS_KEY).trim() });
    if form.optional(FILE_NUMBER).is_none() || form.optional(ACCESS_KEY).is_none() {
        let problems = [FILE_NUMBER, ACCESS_KEY]
            .into_iter()
            .filter(|name| form.optional(name).is_none())
            .map(|name| (name.to_owned(), t.t("error-obligatorio")))
            .collect();
        let shown = if form.contains(posted::SWITCH_LANG) { Vec::new() } else { problems };
        return lookup(&app, &form, t, shown, None);
    }
    let with = |mut extra: serde_json::Value| {
        if let (Some(all), Some(more)) = (extra.as_object_mut(), credentials.as_object()) {
            all.extend(more.clone());
        }
        extra
    };
    let file_again = !matches!(file, Attached::Nothing);
    let action = match (expired || form.contains(posted::SWITCH_LANG), form.value(posted::ACTION)) {
        (true, _) => "",
        // Only the evidence form sends a file; its button comes after the
        // file, unread when the file was too long to wait for.
        (false, "") if file_again => "agregar-prueba",
        (false, action) => action,
    };
    // What the page itself finds wrong, before asking the API.
    let problems = match action {
        "agregar-prueba" => file_problems(&app, t, &form, &file),
        "informar-incidente" => incident_problems(t, &form),
        _ => Vec::new(),
    };
    if !problems.is_empty() {
        let said = Said { problems, file_again, ..Said::default() };
        return match operation::run::<Answered>(&app, &caller, STATUS, credentials).await {
            Ok(answered) => status(&app, &form, t, answered.status, said),
            Err(failure) => refused(&app, &form, t, failure),
        };
    }
    let mut receipt = None;
    let (outcome, done) = match action {
        "responder" => (
            operation::run::<Answered>(&app, &caller, ANSWER, with(json!({ "a": form.value("answer") }))).await,
            Some("seguimiento-respuesta-enviada"),
        ),
        "agregar-prueba" => {
            let evidence = with(json!({ "e": {
                "description": form.value("evidence.description"),
                "reference": form.optional("evidence.reference"),
            } }));
            let (outcome, shown) = add_evidence(&app, &caller, t, file, evidence).await;
            receipt = shown;
            (outcome, Some("seguimiento-prueba-enviada"))
        }
        "informar-incidente" => (
            operation::run::<Answered>(&app, &caller, INCIDENT, with(json!({ "i": incident(&form) }))).await,
            Some("seguimiento-incidente-enviado"),
        ),
        "retirar-confirmado" => (
            operation::run::<Answered>(&app, &caller, WITHDRAW, with(json!({ "r": form.optional("reason") }))).await,
            Some("seguimiento-retiro-hecho"),
        ),
        _ => (operation::run::<Answered>(&app, &caller, STATUS, credentials.clone()).await, None),
    };
    let confirming = action == "retirar";
    match outcome {
        Ok(answered) => {
            let notice = match (expired, done) {
                (true, _) => Some(t.t("aviso-caducado")),
                (false, Some(id)) => Some(t.t(id)),
                (false, None) => None,
            };
            let done = done.is_some();
            let said = Said { notice, confirming, done, file_again: file_again && !done, receipt, ..Said::default() };
            status(&app, &form, t, answered.status, said)
        }
        Err(Failure::Input(problems)) => {
            // The action's input was refused: show the status again, with
            // the problems next to that form's fields.
            let problems =
                problems.into_iter().map(|p| (action_field(action, &p), Text::spanish(p.message, t.lang))).collect();
            match operation::run::<Answered>(&app, &caller, STATUS, credentials).await {
                Ok(answered) => {
                    let confirming = action == "retirar-confirmado";
                    status(
                        &app,
                        &form,
                        t,
                        answered.status,
                        Said { problems, confirming, file_again, ..Said::default() },
                    )
                }
                Err(failure) => refused(&app, &form, t, failure),
            }
        }
        Err(Failure::Refused { code, message, .. }) if code == "INVALID_TRANSITION" => {
            match operation::run::<Answered>(&app, &caller, STATUS, credentials).await {
                Ok(answered) => {
                    let notice = Some(Text::spanish(message, t.lang));
                    status(&app, &form, t, answered.status, Said { notice, file_again, ..Said::default() })
                }
                Err(failure) => refused(&app, &form, t, failure),
            }
        }
        Err(failure) => refused(&app, &form, t, failure),
    }
}

/// What the page itself finds wrong with evidence sent with a file: a file
/// over the limit (dropped unread), a description or reference the API
/// would refuse (with a file, it blames the file for any problem).
fn file_problems(app: &WebState, t: Tr, form: &FormData, file: &Attached) -> Vec<(String, Text)> {
    match file {
        Attached::Nothing => Vec::new(),
        Attached::TooLarge => vec![(FILE.to_owned(), t.t1("seguimiento-archivo-grande", "tamano", largest(app, t)))],
        Attached::File(_) => {
            let mut problems = Vec::new();
            let description = domain::text::ShortText::parse(form.value("evidence.description"));
            if let Err(error) = description {
                let message = match error {
                    domain::text::TextError::Empty => t.t("error-obligatorio"),
                    other => Text::spanish(other.to_string(), t.lang),
                };
                problems.push(("evidence.description".to_owned(), message));
            }
            let reference = domain::text::ShortText::parse_optional(Some(form.value("evidence.reference")));
            if let Err(error) = reference {
                problems.push(("evidence.reference".to_owned(), Text::spanish(error.to_string(), t.lang)));
            }
            problems
        }
    }
}

/// What the page itself finds wrong with an incident, all at once: what
/// is missing, and a day not written as a date, which the API could not
/// even be asked about. (The API checks everything else.)
fn incident_problems(t: Tr, form: &FormData) -> Vec<(String, Text)> {
    let mut problems = Vec::new();
    let day = form.value(INCIDENT_DAY).trim();
    if day.is_empty() {
        problems.push((INCIDENT_DAY.to_owned(), t.t("error-obligatorio")));
    } else if day.parse::<chrono::NaiveDate>().is_err() {
        problems.push((INCIDENT_DAY.to_owned(), t.t("incidente-fecha-error")));
    }
    if form.optional(INCIDENT_DESCRIPTION).is_none() {
        problems.push((INCIDENT_DESCRIPTION.to_owned(), t.t("error-obligatorio")));
    }
    if form.values(INCIDENT_TYPES).next().is_none() {
        problems.push((INCIDENT_TYPES.to_owned(), t.t("error-obligatorio")));
    }
    problems
}

/// The incident as `IncidentInput`.
fn incident(form: &FormData) -> Value {
    json!({
        "occurredOn": form.value(INCIDENT_DAY).trim(),
        "description": form.value(INCIDENT_DESCRIPTION),
        "aggressionTypes": form.values(INCIDENT_TYPES).collect::<Vec<_>>(),
        "aggressor": form.optional("incident.aggressor"),
    })
}

/// Adds the evidence, with its file if one came; the file's receipt once
/// the API took it.
async fn add_evidence(
    app: &WebState,
    caller: &api::Caller,
    t: Tr,
    file: Attached,
    variables: Value,
) -> (Result<Answered, Failure>, Option<FileReceipt>) {
    let Attached::File(file) = file else {
        return (operation::run::<Answered>(app, caller, EVIDENCE, variables).await, None);
    };
    let content = file.content.clone();
    let upload = Some(("file", file.into_upload()));
    let outcome = operation::run_with_file::<Answered>(app, caller, EVIDENCE, variables, upload).await;
    let receipt = outcome.is_ok().then(|| FileReceipt::of(t, &content));
    (outcome, receipt)
}

/// The largest file the page takes, said.
fn largest(app: &WebState, t: Tr) -> String {
    sizes::size(t, upload::largest_file(app) as u64).as_str().to_owned()
}

/// The form field a problem the API found belongs to.
fn action_field(action: &str, problem: &FieldProblem) -> String {
    let field = problem.field.as_str();
    match action {
        "agregar-prueba" => format!("evidence.{}", field.rsplit('.').next().unwrap_or(field)),
        // Its fields are named by the whole path (`incident.occurredOn`).
        "informar-incidente" => problem.path.clone(),
        _ => field.to_owned(),
    }
}

/// The lookup form again, saying why.
fn refused(app: &WebState, form: &FormData, t: Tr, failure: Failure) -> Response {
    let notice = match failure {
        Failure::TooMany { retry_after_seconds } => {
            t.t1("aviso-demasiadas-consultas", "minutos", retry_after_seconds.div_ceil(60).max(1) as usize)
        }
        Failure::Refused { code, .. } if code == "FORBIDDEN" || code == "NOT_FOUND" => t.t("seguimiento-no-coincide"),
        Failure::Input(_) => t.t("seguimiento-no-coincide"),
        Failure::Refused { message, .. } => Text::spanish(message, t.lang),
        Failure::Unavailable => t.t("aviso-no-disponible"),
    };
    let mut kept = FormData::default();
    // The file number stays; the key is typed again.
    kept.set(FILE_NUMBER, form.value(FILE_NUMBER));
    lookup(app, &kept, t, Vec::new(), Some(notice))
}

fn credentials_groups(form: &FormData, t: Tr) -> Vec<Group> {
    let number =
        Field::new(FILE_NUMBER, t.t("seguimiento-expediente")).required().hint(t.t("seguimiento-expediente-ayuda"));
    let key = Field::new(ACCESS_KEY, t.t("seguimiento-clave")).required().hint(t.t("seguimiento-clave-ayuda"));
    vec![Group::new(
        "",
        t.t("seguimiento-grupo"),
        vec![
            Control::input(number, form.value(FILE_NUMBER).to_owned(), InputKind::Text),
            Control::input(key, form.value(ACCESS_KEY).to_owned(), InputKind::Text),
        ],
    )]
}

fn lookup(app: &WebState, form: &FormData, t: Tr, problems: Vec<(String, Text)>, notice: Option<Text>) -> Response {
    let mut groups = credentials_groups(form, t);
    let mut general = Vec::new();
    let summary = place_problems(&mut groups, &problems, &mut general);
    let page = Lookup {
        chrome: Chrome::new(t, "seguimiento-titulo", LangSwitch::FormButtons { form: FORM_ID }),
        t,
        form_id: FORM_ID,
        feedback: Feedback { notice, summary, general },
        groups,
        hidden: posted::own_fields(app, t),
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    chrome::html(status, t.lang, &page)
}

fn status(app: &WebState, form: &FormData, t: Tr, status: Status, said: Said) -> Response {
    let Said { problems, notice, confirming, done, file_again, receipt } = said;
    // After an action succeeded its fields start empty again.
    let empty = FormData::default();
    let values = if done { &empty } else { form };
    // An archived request takes nothing more from its requester.
    let open = domain::workflow::CaseStatus::parse(&status.status).is_ok_and(|s| s.is_open());
    let mut forms = Vec::new();
    // Confirming a withdrawal, the page asks that alone, right under the
    // status, with a way back.
    if open && !status.consent_withdrawn && confirming {
        forms.push(withdrawal_form(t, values, true));
    } else {
        if status.pending_question.is_some() {
            forms.push(answer_form(t, values));
        }
        if open {
            let hint = if file_again { "seguimiento-archivo-otra-vez" } else { "seguimiento-archivo-ayuda" };
            forms.push(evidence_form(t, values, t.t1(hint, "tamano", largest(app, t))));
        }
        if open {
            forms.push(incident_form(t, values));
        }
        if open && !status.consent_withdrawn {
            forms.push(withdrawal_form(t, values, false));
        }
    }
    // Each problem next to its field in whichever form holds it; any other
    // in the summary alone.
    let mut summary = Vec::new();
    for action in &mut forms {
        summary.extend(place_problems(&mut action.groups, &problems, &mut Vec::new()));
    }
    let general = problems
        .into_iter()
        .filter(|(field, _)| {
            !forms.iter().any(|f| f.groups.iter().any(|g| g.controls.iter().any(|c| c.field.name == *field)))
        })
        .map(|(_, message)| message)
        .collect();
    let mut hidden = posted::own_fields(app, t);
    hidden.push((FILE_NUMBER.to_owned(), status.file_number.clone()));
    hidden.push((ACCESS_KEY.to_owned(), form.value(ACCESS_KEY).trim().to_owned()));
    let explained = format!("estado-explica-{}", status.status);
    let page = StatusPage {
        chrome: Chrome::new(t, "seguimiento-estado-titulo", LangSwitch::FormButtons { form: FORM_ID }),
        t,
        form_id: FORM_ID,
        feedback: Feedback { notice, summary, general },
        status_label: t.t(&format!("estado-{}", status.status)),
        status_explained: if t.has(&explained) { t.t(&explained) } else { Text::plain("") },
        received_on: dates::long_date(t, status.received_on),
        question: status.pending_question.map(|q| {
            (
                Text::spanish(q.question, t.lang),
                q.answer_due.map(|day| t.t1("seguimiento-responder-hasta", "fecha", dates::long_date(t, day).as_str())),
            )
        }),
        measures: status
            .measures
            .into_iter()
            .map(|m| (m.number, Text::spanish(m.name, t.lang), t.t(&format!("estado-medida-{}", m.status))))
            .collect(),
        consent_withdrawn: status.consent_withdrawn,
        receipt,
        file_number: status.file_number,
        forms,
        hidden,
    };
    // A page that says what to correct answers 422, as the lookup does.
    let code = if page.feedback.count() > 0 { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    chrome::html(code, t.lang, &page)
}

fn text_area(field: Field, values: &FormData, rows: u8) -> Control {
    let value = values.value(&field.name).to_owned();
    Control::text_area(field, value, rows)
}

fn answer_form(t: Tr, values: &FormData) -> ActionForm {
    let answer = text_area(Field::new("answer", t.t("seguimiento-respuesta")).required(), values, 6);
    ActionForm {
        action: "responder",
        heading: t.t("seguimiento-responder-titulo"),
        intro: None,
        groups: vec![Group::untitled("answer", vec![answer])],
        button: t.t("seguimiento-responder"),
        serious: false,
        cancel: None,
        multipart: false,
    }
}

/// What the evidence is and, if the defender has it, its file; `file_hint`
/// says what the file may be, or that it must be chosen again.
fn evidence_form(t: Tr, values: &FormData, file_hint: Text) -> ActionForm {
    let input = |field: Field| {
        let value = values.value(&field.name).to_owned();
        Control::input(field, value, InputKind::Text)
    };
    ActionForm {
        action: "agregar-prueba",
        heading: t.t("seguimiento-prueba-titulo"),
        intro: Some(t.t("seguimiento-prueba-ayuda")),
        groups: vec![Group::untitled(
            "evidence",
            vec![
                input(Field::new("evidence.description", t.t("prueba-descripcion")).required()),
                input(Field::new("evidence.reference", t.t("prueba-referencia"))),
                Control::file(Field::new(FILE, t.t("seguimiento-archivo")).hint(file_hint), ACCEPT),
            ],
        )],
        button: t.t("seguimiento-prueba-enviar"),
        serious: false,
        cancel: None,
        multipart: true,
    }
}

/// A new incident: when, what happened, what it was and who is thought to
/// be behind it, as in the request's facts.
fn incident_form(t: Tr, values: &FormData) -> ActionForm {
    let coded = |name: &str, choices: Vec<(&'static str, Text)>| -> Vec<Choice> {
        let chosen: Vec<&str> = values.values(name).collect();
        choices.into_iter().map(|(code, label)| Choice::new(name, code, label, chosen.contains(&code))).collect()
    };
    let aggressions = AggressionType::ALL.iter().map(|a| (a.code(), t.t(&format!("agresion-{}", a.code())))).collect();
    let aggressors = AggressorType::ALL.iter().map(|a| (a.code(), t.t(&format!("agresor-{}", a.code())))).collect();
    let day = Field::new(INCIDENT_DAY, t.t("incidente-fecha")).required().hint(t.t("incidente-fecha-ayuda"));
    ActionForm {
        action: "informar-incidente",
        heading: t.t("seguimiento-incidente-titulo"),
        intro: Some(t.t("seguimiento-incidente-ayuda")),
        groups: vec![Group::untitled(
            "incident",
            vec![
                Control::input(day, values.value(INCIDENT_DAY).to_owned(), InputKind::Text),
                text_area(Field::new(INCIDENT_DESCRIPTION, t.t("incidente-relato")).required(), values, 5),
                Control::checkboxes(
                    Field::new(INCIDENT_TYPES, t.t("hechos-agresiones"))
                        .required()
                        .hint(t.t("hechos-agresiones-ayuda")),
                    coded(INCIDENT_TYPES, aggressions),
                ),
                Control::select(
                    Field::new("incident.aggressor", t.t("hechos-agresor")),
                    t.t("elija"),
                    coded("incident.aggressor", aggressors),
                ),
            ],
        )],
        button: t.t("seguimiento-incidente-enviar"),
        serious: false,
        cancel: None,
        multipart: false,
    }
}

/// Withdrawing consent takes two posts: the first only asks to confirm.
fn withdrawal_form(t: Tr, values: &FormData, confirming: bool) -> ActionForm {
    match confirming {
        false => ActionForm {
            action: "retirar",
            heading: t.t("seguimiento-retiro-titulo"),
            intro: Some(t.t("seguimiento-retiro-explica")),
            groups: Vec::new(),
            button: t.t("seguimiento-retiro-empezar"),
            serious: false,
            cancel: None,
            multipart: false,
        },
        true => ActionForm {
            action: "retirar-confirmado",
            heading: t.t("seguimiento-retiro-confirmar-titulo"),
            intro: Some(t.t("seguimiento-retiro-confirmar-explica")),
            groups: vec![Group::untitled(
                "reason",
                vec![text_area(Field::new("reason", t.t("seguimiento-retiro-razon")), values, 3)],
            )],
            button: t.t("seguimiento-retiro-confirmar"),
            serious: true,
            cancel: Some(t.t("seguimiento-retiro-cancelar")),
            multipart: false,
        },
    }
}
