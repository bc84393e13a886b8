//! `/solicitud`: the request for protection, in six short steps, with no
//! script and no cookie. Each step posts the whole form (earlier steps'
//! answers travel in hidden fields, never in the URL); the server checks
//! the steps answered so far with the domain's rules and shows each
//! problem next to its field and in a summary at the top, keeping all
//! input. The last step carries an idempotency key the server made when it
//! drew that step, so a double tap, a reload or a resend after a dropped
//! connection gets the same receipt, never a second case. The receipt is
//! the answer to that post: the file number and access key appear in no
//! URL, title or history entry.

mod draft;
mod receipt;
mod steps;
mod view;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use self::draft::{EVIDENCE, EVIDENCE_FIELDS, MAX_EVIDENCE, MAX_PEOPLE, PEOPLE, PERSON_FIELDS};
use self::steps::Step;
use self::view::{Reference, ReviewSection};
use super::catalogue::{Text, Tr};
use super::chrome::{self, Chrome, LangSwitch};
use super::controls::{ControlKind, Feedback, Group, place_problems};
use super::form_data::FormData;
use super::home::LangParam;
use super::notice;
use super::operation::{self, Failure};
use super::posted::{self, Posted};
use crate::WebState;
use crate::graphql_http::Peer;

/// The form's own fields, besides the answers (and `posted`'s).
const STEP: &str = "paso";
const IDEMPOTENCY_KEY: &str = "idempotencyKey";
/// The form's `id`, for the language switch's buttons.
const FORM_ID: &str = "solicitud";

const SUBMIT: &str = "mutation SolicitudEnviar($i: RequestInput!) { \
     submitRequest(input: $i) { fileNumber accessKey replayed receivedAt } }";

#[derive(Template)]
#[template(path = "solicitud.html")]
struct StepPage {
    chrome: Chrome,
    t: Tr,
    form_id: &'static str,
    /// "Paso 2 de 6".
    progress: Text,
    heading: Text,
    intro: Option<Text>,
    feedback: Feedback,
    groups: Vec<Group>,
    add: Option<(String, Text)>,
    hidden: Vec<(String, String)>,
    review: Vec<ReviewSection>,
    first: bool,
    last: bool,
}

/// `GET /solicitud`: the first step, empty.
pub(crate) async fn start(
    State(app): State<WebState>,
    peer: Peer,
    Query(lang): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let t = Tr::new(chrome::language(lang.get(), &headers));
    let caller = crate::graphql_http::anonymous_caller(&app, &headers, peer);
    let mut form = FormData::default();
    form.set(PEOPLE, "1");
    render(&app, &caller, form, Step::People, t, Vec::new(), None).await
}

/// `POST /solicitud`: a step answered, or a move between steps.
pub(crate) async fn post(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Posted { mut form, t, expired } = match posted::receive(&app, &headers, pairs) {
        Ok(posted) => posted,
        Err(t) => return notice::forbidden(t),
    };
    let step = Step::from_number(form.value(STEP)).unwrap_or(Step::People);
    let action = form.value(posted::ACTION).to_owned();
    draft::compact_rows(&mut form, "beneficiaries", &PERSON_FIELDS, PEOPLE, 1, MAX_PEOPLE);
    draft::compact_rows(&mut form, "evidence", &EVIDENCE_FIELDS, EVIDENCE, 1, MAX_EVIDENCE);
    let caller = crate::graphql_http::anonymous_caller(&app, &headers, peer);

    if expired {
        return render(&app, &caller, form, step, t, Vec::new(), Some(t.t("aviso-caducado"))).await;
    }
    if form.contains(posted::SWITCH_LANG) {
        return render(&app, &caller, form, step, t, Vec::new(), None).await;
    }
    let show = |form, step| render(&app, &caller, form, step, t, Vec::new(), None);
    match action.as_str() {
        "anterior" => show(form, step.previous().unwrap_or(step)).await,
        "agregar-persona" => {
            add_row(&mut form, PEOPLE, MAX_PEOPLE);
            show(form, step).await
        }
        "agregar-prueba" => {
            add_row(&mut form, EVIDENCE, MAX_EVIDENCE);
            show(form, step).await
        }
        "siguiente" | "enviar" => {
            let draft = draft::read(&form, t);
            let problems = draft::problems_up_to(&draft, step, t);
            if let Some(first) = problems.iter().map(|(field, _)| Step::of_field(field)).min() {
                let shown = problems.into_iter().filter(|(field, _)| Step::of_field(field) == first).collect();
                return render(&app, &caller, form, first, t, shown, None).await;
            }
            match step.next() {
                Some(next) => show(form, next).await,
                None => submit(&app, &caller, form, &draft.input, t).await,
            }
        }
        other => {
            if let Some(row) = other.strip_prefix("quitar-persona-").and_then(|n| n.parse().ok()) {
                remove_row(&mut form, "beneficiaries", &PERSON_FIELDS, PEOPLE, row, MAX_PEOPLE);
            } else if let Some(row) = other.strip_prefix("quitar-prueba-").and_then(|n| n.parse().ok()) {
                remove_row(&mut form, "evidence", &EVIDENCE_FIELDS, EVIDENCE, row, MAX_EVIDENCE);
            } else if let Some(target) = other.strip_prefix("ir-").and_then(Step::from_number) {
                return show(form, target).await;
            }
            show(form, step).await
        }
    }
}

fn add_row(form: &mut FormData, count_field: &str, max: usize) {
    let count = form.value(count_field).parse::<usize>().unwrap_or(1);
    form.set(count_field, (count + 1).min(max).to_string());
}

fn remove_row(form: &mut FormData, list: &str, fields: &[&str], count_field: &str, row: usize, max: usize) {
    for field in fields {
        form.remove(&draft::row_field(list, row, field));
    }
    draft::compact_rows(form, list, fields, count_field, 1, max);
}

async fn submit(
    app: &WebState,
    caller: &api::Caller,
    mut form: FormData,
    input: &domain::request::RequestInput,
    t: Tr,
) -> Response {
    if form.optional(IDEMPOTENCY_KEY).is_none() {
        form.set(IDEMPOTENCY_KEY, new_idempotency_key());
    }
    let Some(variable) = api::request_input_variable(form.value(IDEMPOTENCY_KEY), input) else {
        // Request::parse accepted it, so every value the schema needs is
        // there; should that ever fail, the answers are kept.
        return notice::retry(t, "/solicitud", form.pairs(), &retry_fields(app, Step::Consent, t));
    };
    match operation::run::<receipt::Submitted>(app, caller, SUBMIT, json!({ "i": variable })).await {
        Ok(submitted) => receipt::page(t, submitted.submit_request),
        Err(Failure::Input(problems)) => {
            let problems: Vec<(String, Text)> =
                problems.into_iter().map(|p| (p.field, Text::spanish(p.message, t.lang))).collect();
            let first = problems.iter().map(|(field, _)| Step::of_field(field)).min().unwrap_or(Step::Consent);
            let shown = problems.into_iter().filter(|(field, _)| Step::of_field(field) == first).collect();
            render(app, caller, form, first, t, shown, None).await
        }
        Err(Failure::TooMany { retry_after_seconds }) => {
            let minutes = retry_after_seconds.div_ceil(60).max(1) as usize;
            let notice = t.t1("aviso-demasiadas", "minutos", minutes);
            render(app, caller, form, Step::Consent, t, Vec::new(), Some(notice)).await
        }
        Err(Failure::Refused { message, .. }) => {
            let notice = Text::spanish(message, t.lang);
            render(app, caller, form, Step::Consent, t, Vec::new(), Some(notice)).await
        }
        Err(Failure::Unavailable) => {
            let notice = t.t("aviso-no-disponible");
            render(app, caller, form, Step::Consent, t, Vec::new(), Some(notice)).await
        }
    }
}

/// 128 random bits, as the API asks of a client's idempotency key.
fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source");
    crate::hex(&bytes)
}

async fn render(
    app: &WebState,
    caller: &api::Caller,
    mut form: FormData,
    step: Step,
    t: Tr,
    problems: Vec<(String, Text)>,
    notice: Option<Text>,
) -> Response {
    let reference = match view::reference_query(step) {
        Some(query) => match operation::run::<Reference>(app, caller, query, json!({})).await {
            Ok(reference) => reference,
            // Without the lists the step cannot be drawn; what was typed is
            // kept in a form that asks for the same step again.
            Err(_) => return notice::retry(t, "/solicitud", form.pairs(), &retry_fields(app, step, t)),
        },
        None => Reference::default(),
    };
    if step.is_last() && form.optional(IDEMPOTENCY_KEY).is_none() {
        form.set(IDEMPOTENCY_KEY, new_idempotency_key());
    }
    let mut groups = view::groups(step, &form, t, &reference);
    let mut general = Vec::new();
    let summary = place_problems(&mut groups, &problems, &mut general);
    let shown: Vec<&str> = groups.iter().flat_map(|g| g.controls.iter().map(|c| c.field.name.as_str())).collect();
    let mut hidden: Vec<(String, String)> = form
        .pairs()
        .filter(|(name, _)| !is_form_field(name) && !shown.contains(name))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    for name in [IDEMPOTENCY_KEY] {
        if let Some(value) = form.optional(name) {
            hidden.push((name.to_owned(), value));
        }
    }
    hidden.extend(retry_fields(app, step, t));
    let review = if step.is_last() { view::review(&form, t, &reference) } else { Vec::new() };
    let intro_id = format!("{}-intro", step.title_id());
    let page = StepPage {
        chrome: Chrome::new(t, step.title_id(), LangSwitch::FormButtons { form: FORM_ID }),
        t,
        form_id: FORM_ID,
        progress: t.with("paso-de", [("numero", step.number().into()), ("total", Step::ALL.len().into())]),
        heading: t.t(step.title_id()),
        intro: t.has(&intro_id).then(|| t.t(&intro_id)),
        feedback: Feedback { notice, summary, general },
        add: view::add_button(step, &form, t),
        groups,
        hidden,
        review,
        first: step.previous().is_none(),
        last: step.is_last(),
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    chrome::html(status, t.lang, &page)
}

/// The form's own fields for a post that draws `step` again.
fn retry_fields(app: &WebState, step: Step, t: Tr) -> Vec<(String, String)> {
    let mut fields = vec![(STEP.to_owned(), step.number().to_string())];
    fields.extend(posted::own_fields(app, t));
    fields
}

/// The form's own fields, written apart from the answers.
fn is_form_field(name: &str) -> bool {
    posted::is_own_field(name) || matches!(name, STEP | IDEMPOTENCY_KEY)
}
