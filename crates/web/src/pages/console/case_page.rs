//! `/consola/casos/{id}`: the case as the officer may see it, and every
//! step its state allows, each a form. A post runs the step's mutation and
//! comes back to the page (303, so a reload does not post again). When the
//! case changed since the page was drawn (someone else acted), nothing is
//! run: the page says so, shows the case as it is now and keeps what was
//! typed. Attaching a file of evidence posts `multipart/form-data`; its
//! form is drawn with the case's files.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::case_actions::{self, Builder, Step, StepForm};
use super::case_view::{self, Data, DeadlineLine, listed};
use super::evidence_list::{self, FileRow};
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedUpload;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{ControlKind, Feedback, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;
use crate::pages::sizes;
use crate::pages::upload::{self, Attached};

/// The hidden field with the history's last entry the page showed.
const SEEN: &str = "visto";
/// The hidden field with the measure a measure's form is about.
const MEASURE: &str = "medida";

#[derive(Template)]
#[template(path = "consola/caso.html")]
struct CasePage {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    data: Data,
    department: String,
    place: String,
    today: NaiveDate,
    deadlines: Vec<DeadlineLine>,
    case_forms: Vec<StepForm>,
    measure_forms: HashMap<String, Vec<StepForm>>,
    files: Vec<FileRow>,
    /// Attaching a file, drawn with the files (open cases only).
    attach_form: Option<StepForm>,
    deliveries: Vec<DeliveryRow>,
    hidden: Vec<(String, String)>,
    /// Where the steps' forms post.
    action: String,
}

struct DeliveryRow {
    planned: String,
    recipient: Text,
    what: String,
    status: Text,
    attempts: u32,
}

impl CasePage {
    fn listed(&self, list: &str, code: &str) -> Text {
        listed(self.t, list, code)
    }

    /// A measure type's name in the catalogue (a requested one may be
    /// inactive now); its code when unknown.
    fn measure_type_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.data.measure_types.iter().find(|m| m.code == code).map_or(code, |m| m.name.as_str())
    }

    fn forms_of(&self, measure_id: &str) -> &[StepForm] {
        self.measure_forms.get(measure_id).map_or(&[], Vec::as_slice)
    }

    fn date(&self, day: &NaiveDate) -> Text {
        super::due::weekday_date(self.t, *day, self.today)
    }
}

#[derive(Deserialize)]
pub(crate) struct Done {
    hecho: Option<String>,
}

/// `GET /consola/casos/{id}`.
pub(crate) async fn page(
    State(app): State<WebState>,
    session: Session,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let notice = done.hecho.as_deref().and_then(Step::parse).map(|step| frame::done_notice(step.code()));
    match load(&app, &session, &id).await {
        Ok(data) => draw(
            &app,
            &session,
            data,
            &FormData::default(),
            None,
            Feedback { notice, ..Feedback::default() },
            Vec::new(),
        ),
        // A coordinator following an e-mail about a case: the case is not
        // theirs to read, its measures for their sector are, on their desk.
        Err(Failure::Refused { code, .. }) if code == "FORBIDDEN" && is_coordinator(&app, &session).await => {
            match uuid::Uuid::parse_str(&id) {
                Ok(case) => frame::see_other(&format!("/consola/medidas?caso={case}")),
                Err(_) => frame::see_other("/consola/medidas"),
            }
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

async fn is_coordinator(app: &WebState, session: &Session) -> bool {
    operation::run::<frame::OnlyMe>(app, &session.caller, frame::ME_ONLY, json!({}))
        .await
        .is_ok_and(|only| only.me.role == domain::roles::Role::Coordinator)
}

async fn load(app: &WebState, session: &Session, id: &str) -> Result<Data, Failure> {
    operation::run::<Data>(app, &session.caller, case_view::QUERY, json!({ "id": id })).await
}

fn last_seen(data: &Data) -> u32 {
    data.case.history.iter().map(|e| e.seq).max().unwrap_or(0)
}

/// Where the case's history stands: enough to tell whether it moved since
/// a page was drawn, without reading (and auditing) the request.
const HISTORY_SEEN: &str = "query ConsolaCasoVisto($id: ID!) { case(id: $id) { history { seq } } }";

#[derive(Deserialize)]
struct Seen {
    case: SeenCase,
}

#[derive(Deserialize)]
struct SeenCase {
    history: Vec<SeenEvent>,
}

#[derive(Deserialize)]
struct SeenEvent {
    seq: u32,
}

/// `POST /consola/casos/{id}`: one step (urlencoded; attaching a file,
/// multipart).
pub(crate) async fn post(
    State(app): State<WebState>,
    Path(id): Path<String>,
    SignedUpload { session, posted, file }: SignedUpload,
) -> Response {
    let t = tr();
    let form = posted.form;
    // Only attaching sends a file; its button comes after the file,
    // unread when the file was too long to wait for.
    let sent_file = !matches!(file, Attached::Nothing);
    let step = Step::parse(form.value(posted::ACTION)).or(sent_file.then_some(Step::AttachEvidence));
    let measure = form.optional(MEASURE);
    let posted_step = step.map(|step| (step, measure.clone()));
    let seen = match operation::run::<Seen>(&app, &session.caller, HISTORY_SEEN, json!({ "id": id })).await {
        Ok(seen) => seen.case.history.iter().map(|e| e.seq).max().unwrap_or(0),
        Err(failure) => return frame::refused(&app, &session, failure).await,
    };
    // Nothing is run: the page again, saying why.
    let notice = match step {
        None => None,
        Some(_) if posted.expired => Some(t.t("aviso-caducado")),
        Some(step) if step.needs_fresh_page() && form.value(SEEN) != seen.to_string() => {
            Some(t.t("consola-caso-cambio"))
        }
        Some(step) => {
            let mut variables = case_actions::variables(t, step, &form, &id, measure.as_deref());
            let upload = match step.carries_file() {
                true => attachment(&app, t, step, &form, file, &mut variables),
                false => None,
            };
            return run_step(&app, &session, &id, step, &form, posted_step, variables, upload).await;
        }
    };
    match load(&app, &session, &id).await {
        Ok(data) => {
            draw(&app, &session, data, &form, posted_step, Feedback { notice, ..Feedback::default() }, Vec::new())
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

/// The file a step that carries one sends; a file missing or over the
/// limit is a problem next to its field.
fn attachment(
    app: &WebState,
    t: Tr,
    step: Step,
    form: &FormData,
    file: Attached,
    variables: &mut Result<serde_json::Value, Vec<(String, Text)>>,
) -> Option<async_graphql::UploadValue> {
    let problem = match file {
        Attached::File(file) => return variables.is_ok().then(|| file.into_upload()),
        Attached::Nothing => t.t("error-elija-archivo"),
        Attached::TooLarge => {
            let largest = sizes::size(t, upload::largest_file(app) as u64);
            t.t1("error-archivo-grande", "tamano", largest.as_str())
        }
    };
    let problem = (case_actions::field_of(step, form, "file"), problem);
    match variables {
        Ok(_) => *variables = Err(vec![problem]),
        Err(problems) => problems.push(problem),
    }
    None
}

/// Runs `step` (its `variables` and its file, or the problems the page
/// found) and comes back to the case.
#[expect(clippy::too_many_arguments, reason = "the post's parts, each read from it")]
async fn run_step(
    app: &WebState,
    session: &Session,
    id: &str,
    step: Step,
    form: &FormData,
    posted_step: Option<(Step, Option<String>)>,
    variables: Result<serde_json::Value, Vec<(String, Text)>>,
    file: Option<async_graphql::UploadValue>,
) -> Response {
    let (notice, problems) = match variables {
        // What the page itself found: nothing sent.
        Err(problems) => (None, problems),
        Ok(variables) => {
            let file = file.map(|file| ("file", file));
            let mutation = step.mutation();
            match operation::run_with_file::<serde_json::Value>(app, &session.caller, mutation, variables, file).await {
                Ok(_) => return frame::see_other(&format!("/consola/casos/{id}?hecho={}", step.code())),
                Err(Failure::Input(problems)) => (
                    None,
                    problems
                        .into_iter()
                        .map(|p| (case_actions::field_of(step, form, &p.path), Text::spanish(p.message, Lang::Es)))
                        .collect(),
                ),
                Err(Failure::Refused { code, message, path }) if code == "INVALID_TRANSITION" || code == "CONFLICT" => {
                    let message = Text::spanish(message, Lang::Es);
                    match path {
                        Some(path) => (None, vec![(case_actions::field_of(step, form, &path), message)]),
                        None => (Some(message), Vec::new()),
                    }
                }
                Err(failure) => return frame::refused(app, session, failure).await,
            }
        }
    };
    // The case as it is now (the step may have raced another).
    match load(app, session, id).await {
        Ok(data) => draw(app, session, data, form, posted_step, Feedback { notice, ..Feedback::default() }, problems),
        Err(failure) => frame::refused(app, session, failure).await,
    }
}

fn draw(
    app: &WebState,
    session: &Session,
    data: Data,
    posted: &FormData,
    posted_step: Option<(Step, Option<String>)>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let today = domain::business_day::lima_date(app.api.now());
    let posted_form = posted_step.clone();
    let largest_file = upload::largest_file(app) as u64;
    let builder = Builder { t, data: &data, today, posted, posted_step, largest_file };
    let (mut case_forms, mut measure_forms) = builder.forms();
    // The problems belong to the form that was posted; if the case no
    // longer offers it, they are said at the top.
    let target = posted_form.and_then(|(step, measure)| {
        case_forms
            .iter_mut()
            .chain(measure_forms.iter_mut().flat_map(|(_, forms)| forms.iter_mut()))
            .find(|form| form.code == step.code() && form.measure_id == measure)
    });
    match target {
        Some(form) => feedback.summary = place_problems(&mut form.groups, &problems, &mut feedback.general),
        None => feedback.general.extend(problems.into_iter().map(|(_, message)| message)),
    }
    // Attaching a file is drawn with the files, not with the steps.
    let attach_form =
        case_forms.iter().position(|form| form.code == Step::AttachEvidence.code()).map(|at| case_forms.remove(at));
    let people: HashMap<&str, &str> = data.officers.iter().map(|o| (o.id.as_str(), o.display_name.as_str())).collect();
    let deliveries = data
        .case
        .deliveries
        .iter()
        .map(|d| DeliveryRow {
            planned: d.sent_at.unwrap_or(d.planned_for).with_timezone(&lima()).format("%Y-%m-%d %H:%M").to_string(),
            recipient: case_view::recipient(t, d, &people),
            what: format!("{} · {}", listed(t, "envio-tipo", &d.kind), case_view::delivery_topic(t, &d.topic)),
            status: listed(t, "envio-estado", &d.status),
            attempts: d.attempts,
        })
        .collect();
    let department = data
        .departments
        .iter()
        .find(|d| d.code == data.case.department)
        .map_or_else(|| data.case.department.clone(), |d| d.name.clone());
    let place = data.case.request.place.ubigeo.clone();
    let mut hidden = posted::own_fields_for(app, t, &session.binding);
    hidden.push((SEEN.to_owned(), last_seen(&data).to_string()));
    let title = t.t1("consola-caso-titulo", "expediente", data.case.file_number.as_str());
    let path = format!("/consola/casos/{}", data.case.id);
    let frame = Frame::signed_in(app, session, data.me.clone(), title, "/consola/casos")
        .listening(format!("/consola/vivo?de=casos&caso={}", data.case.id), path);
    let page = CasePage {
        frame,
        t,
        feedback,
        deadlines: case_view::deadline_lines(t, &data.case.deadlines, today),
        department,
        place,
        today,
        case_forms,
        measure_forms: measure_forms.into_iter().collect(),
        files: evidence_list::rows(t, &data.case.evidence_files, today),
        attach_form,
        deliveries,
        hidden,
        action: format!("/consola/casos/{}", data.case.id),
        data,
    };
    frame::with_feedback(&page, &page.feedback)
}

fn lima() -> chrono::FixedOffset {
    // Peru keeps UTC−5 all year.
    chrono::FixedOffset::west_opt(5 * 3600).expect("a valid offset")
}
