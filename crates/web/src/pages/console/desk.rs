//! `/consola/medidas`, the coordinator's desk: their sector's measures,
//! the most urgent first (`measures`, which gives a coordinator nothing
//! but their sector's, with the minimum case data the API allows them:
//! file number, people's names, place, language), and what they do with
//! each: acknowledge it, report progress, report it carried out or not
//! feasible. Officers opening it see every sector's.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::workflow::steps::measure_states;
use domain::workflow::{AuditAction, MeasureStatus};
use serde::Deserialize;
use serde_json::{Value, json};

use super::case_actions::StepForm;
use super::due::{self, DueText};
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use super::{Me, PageInfo, case_view::listed};
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Control, ControlKind, Feedback, Field, Group, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaMedidas($first: Int!, $after: String, $filter: MeasureFilterInput) { me { ...Yo } \
     measures(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } \
       nodes { id number measureTypeName sector status statusLabel notifiedOn \
         deadlines { label due status workingDaysLeft } \
         case { fileNumber track department beneficiaries place placeDetail language interpreterNeeded } } } \
     departments { code name } }"
);

const PAGE_SIZE: u32 = 25;

/// What a sector does with a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectorStep {
    Acknowledge,
    Progress,
    Implemented,
    NotFeasible,
}

impl SectorStep {
    const ALL: [SectorStep; 4] =
        [SectorStep::Acknowledge, SectorStep::Progress, SectorStep::Implemented, SectorStep::NotFeasible];

    fn code(self) -> &'static str {
        match self {
            SectorStep::Acknowledge => "acusar-recibo",
            SectorStep::Progress => "informar-avance",
            SectorStep::Implemented => "informar-implementada",
            SectorStep::NotFeasible => "informar-no-viable",
        }
    }

    fn parse(code: &str) -> Option<SectorStep> {
        SectorStep::ALL.into_iter().find(|s| s.code() == code)
    }

    fn action(self) -> AuditAction {
        match self {
            SectorStep::Acknowledge => AuditAction::MeasureAcknowledged,
            SectorStep::Progress => AuditAction::MeasureProgressReported,
            SectorStep::Implemented => AuditAction::MeasureImplemented,
            SectorStep::NotFeasible => AuditAction::MeasureNotFeasible,
        }
    }

    /// Its text field: the argument's name, required or not.
    fn text(self) -> Option<(&'static str, bool)> {
        match self {
            SectorStep::Acknowledge => None,
            SectorStep::Progress => Some(("report", true)),
            SectorStep::Implemented => Some(("report", false)),
            SectorStep::NotFeasible => Some(("reason", true)),
        }
    }

    fn mutation(self) -> &'static str {
        match self {
            SectorStep::Acknowledge => {
                "mutation ConsolaAcusarRecibo($measureId: ID!) { acknowledgeMeasure(measureId: $measureId) { id } }"
            }
            SectorStep::Progress => {
                "mutation ConsolaInformarAvance($measureId: ID!, $report: String!) { \
                 reportMeasureProgress(measureId: $measureId, report: $report) { id } }"
            }
            SectorStep::Implemented => {
                "mutation ConsolaInformarImplementada($measureId: ID!, $report: String) { \
                 reportMeasureImplemented(measureId: $measureId, report: $report) { id } }"
            }
            SectorStep::NotFeasible => {
                "mutation ConsolaInformarNoViable($measureId: ID!, $reason: String!) { \
                 reportMeasureNotFeasible(measureId: $measureId, reason: $reason) { id } }"
            }
        }
    }
}

#[derive(Deserialize)]
struct Data {
    me: Me,
    measures: Measures,
    departments: Vec<Department>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Measures {
    total_count: u64,
    page_info: PageInfo,
    nodes: Vec<Measure>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Measure {
    id: String,
    number: u32,
    measure_type_name: String,
    sector: String,
    status: String,
    status_label: String,
    notified_on: Option<NaiveDate>,
    deadlines: Vec<MeasureDeadline>,
    case: MeasureCase,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeasureDeadline {
    label: String,
    due: NaiveDate,
    status: String,
    working_days_left: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeasureCase {
    file_number: String,
    track: Option<String>,
    department: String,
    beneficiaries: Vec<String>,
    place: String,
    place_detail: Option<String>,
    language: String,
    interpreter_needed: bool,
}

#[derive(Deserialize)]
struct Department {
    code: String,
    name: String,
}

struct Card {
    id: String,
    title: String,
    sector: String,
    status: String,
    track: Option<Text>,
    people: String,
    place: String,
    language: Text,
    interpreter: bool,
    notified_on: Option<Text>,
    deadlines: Vec<(String, DueText)>,
    forms: Vec<StepForm>,
}

#[derive(Template)]
#[template(path = "consola/medidas.html")]
struct Desk {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    total: u64,
    cards: Vec<Card>,
    next_page: Option<String>,
    first_page: Option<String>,
    hidden: Vec<(String, String)>,
    action: &'static str,
}

#[derive(Deserialize, Default)]
pub(crate) struct Params {
    despues: Option<String>,
    hecho: Option<String>,
    /// One case's measures only (where a staff e-mail about a case leads a
    /// coordinator: the case page is not theirs).
    caso: Option<String>,
}

/// Which page of which measures.
#[derive(Default)]
struct Listing {
    after: Option<String>,
    case: Option<String>,
}

impl Listing {
    fn of_form(form: &FormData) -> Self {
        Self { after: None, case: form.optional(CASE) }
    }

    /// The desk's address for this listing, with `extra` parameters.
    fn path(&self, extra: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !extra.is_empty() {
            parts.push(extra.to_owned());
        }
        if let Some(case) = self.case.as_deref().filter(|c| uuid::Uuid::parse_str(c).is_ok()) {
            parts.push(format!("{CASE}={case}"));
        }
        if parts.is_empty() { "/consola/medidas".to_owned() } else { format!("/consola/medidas?{}", parts.join("&")) }
    }
}

const CASE: &str = "caso";

/// `GET /consola/medidas`.
pub(crate) async fn page(State(app): State<WebState>, session: Session, Query(params): Query<Params>) -> Response {
    let notice = params.hecho.as_deref().and_then(SectorStep::parse).map(|step| frame::done_notice(step.code()));
    let listing = Listing { after: params.despues, case: params.caso };
    draw(&app, &session, &listing, &FormData::default(), None, Feedback { notice, ..Feedback::default() }, Vec::new())
        .await
}

/// `POST /consola/medidas`: one step on one measure.
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let form = posted.form;
    let (Some(step), Some(measure)) = (SectorStep::parse(form.value(posted::ACTION)), form.optional("medida")) else {
        return draw(&app, &session, &Listing::default(), &FormData::default(), None, Feedback::default(), Vec::new())
            .await;
    };
    let target = Some((step, measure.clone()));
    let listing = Listing::of_form(&form);
    if posted.expired {
        let feedback = Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() };
        return draw(&app, &session, &listing, &form, target, feedback, Vec::new()).await;
    }
    let mut variables = json!({ "measureId": measure });
    if let Some((name, required)) = step.text() {
        let value = form.value(&format!("{}.{name}", step.code())).to_owned();
        if required && value.trim().is_empty() {
            let problems = vec![(format!("{}.{name}", step.code()), t.t("error-obligatorio"))];
            return draw(&app, &session, &listing, &form, target, Feedback::default(), problems).await;
        }
        variables[name] = if value.trim().is_empty() { Value::Null } else { json!(value) };
    }
    match operation::run::<Value>(&app, &session.caller, step.mutation(), variables).await {
        Ok(_) => frame::see_other(&listing.path(&format!("hecho={}", step.code()))),
        Err(Failure::Input(problems)) => {
            let problems = problems
                .into_iter()
                .map(|p| (format!("{}.{}", step.code(), p.path), Text::spanish(p.message, Lang::Es)))
                .collect();
            draw(&app, &session, &listing, &form, target, Feedback::default(), problems).await
        }
        Err(Failure::Refused { code, message, .. }) if code == "INVALID_TRANSITION" || code == "CONFLICT" => {
            let feedback = Feedback { notice: Some(Text::spanish(message, Lang::Es)), ..Feedback::default() };
            draw(&app, &session, &listing, &form, target, feedback, Vec::new()).await
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

async fn draw(
    app: &WebState,
    session: &Session,
    listing: &Listing,
    posted: &FormData,
    target: Option<(SectorStep, String)>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let today = domain::business_day::lima_date(app.api.now());
    let after = listing.after.as_deref().filter(|c| !c.is_empty() && c.len() < 200);
    let variables = json!({ "first": PAGE_SIZE, "after": after, "filter": { "caseId": listing.case } });
    let data = match frame::load::<Data>(app, session, QUERY, variables).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let mut cards: Vec<Card> =
        data.measures.nodes.iter().map(|m| card(t, m, &data.departments, today, posted, target.as_ref())).collect();
    let form = target.as_ref().and_then(|(step, measure)| {
        cards.iter_mut().filter(|c| &c.id == measure).flat_map(|c| c.forms.iter_mut()).find(|f| f.code == step.code())
    });
    match form {
        Some(form) => feedback.summary = place_problems(&mut form.groups, &problems, &mut feedback.general),
        None => feedback.general.extend(problems.into_iter().map(|(_, m)| m)),
    }
    let next_page = data
        .measures
        .page_info
        .end_cursor
        .filter(|_| data.measures.page_info.has_next_page)
        .map(|cursor| listing.path(&format!("despues={cursor}")));
    let page = Desk {
        frame: Frame::signed_in(app, session, data.me, t.t("consola-medidas-titulo"), "/consola/medidas").listening(
            match listing.case.as_deref().filter(|c| uuid::Uuid::parse_str(c).is_ok()) {
                Some(case) => format!("/consola/vivo?de=medidas&caso={case}"),
                None => "/consola/vivo?de=medidas".to_owned(),
            },
            listing.path(""),
        ),
        t,
        total: data.measures.total_count,
        cards,
        next_page,
        first_page: after.map(|_| listing.path("")),
        hidden: {
            let mut hidden = posted::own_fields_for(app, t, &session.binding);
            hidden.extend(listing.case.iter().map(|case| (CASE.to_owned(), case.clone())));
            hidden
        },
        action: "/consola/medidas",
        feedback,
    };
    frame::with_feedback(&page, &page.feedback)
}

fn card(
    t: Tr,
    m: &Measure,
    departments: &[Department],
    today: NaiveDate,
    posted: &FormData,
    target: Option<&(SectorStep, String)>,
) -> Card {
    let status = MeasureStatus::parse(&m.status).ok();
    let forms = SectorStep::ALL
        .into_iter()
        .filter(|s| status.is_some_and(|st| measure_states(s.action()).contains(&st)))
        .map(|step| {
            let is_target = target.is_some_and(|(s, id)| *s == step && *id == m.id);
            let groups = match step.text() {
                None => Vec::new(),
                Some((name, required)) => {
                    let field_name = format!("{}.{name}", step.code());
                    let mut field = Field::new(&field_name, t.t(&format!("campo-{}", step.code())));
                    if required {
                        field = field.required();
                    }
                    let value = if is_target { posted.value(&field_name).to_owned() } else { String::new() };
                    vec![Group::untitled(step.code(), vec![Control::text_area(field, value, 4)]).suffix_ids(&m.id)]
                }
            };
            StepForm {
                code: step.code(),
                heading: t.with(
                    "paso-de-medida-de-caso",
                    [
                        ("paso", t.t(&format!("paso-{}", step.code())).as_str().into()),
                        ("numero", (m.number as usize).into()),
                        ("expediente", m.case.file_number.as_str().into()),
                    ],
                ),
                groups,
                button: t.t(&format!("paso-{}-boton", step.code())),
                serious: step == SectorStep::NotFeasible,
                measure_id: Some(m.id.clone()),
                anchor: format!("{}-{}", step.code(), m.id),
                multipart: false,
            }
        })
        .collect();
    let department = departments
        .iter()
        .find(|d| d.code == m.case.department)
        .map_or(m.case.department.as_str(), |d| d.name.as_str());
    Card {
        id: m.id.clone(),
        title: format!(
            "{} · {}: {}",
            m.case.file_number,
            t.t1("consola-medida-numero", "numero", m.number as usize).as_str(),
            m.measure_type_name
        ),
        sector: m.sector.clone(),
        status: m.status_label.clone(),
        track: m.case.track.as_deref().map(|track| listed(t, "via", track)),
        people: m.case.beneficiaries.join(", "),
        place: match &m.case.place_detail {
            Some(detail) => format!("{} ({department}) · {detail}", m.case.place),
            None => format!("{} ({department})", m.case.place),
        },
        language: listed(t, "lengua", &m.case.language),
        interpreter: m.case.interpreter_needed,
        notified_on: m.notified_on.map(|on| due::weekday_date(t, on, today)),
        deadlines: m
            .deadlines
            .iter()
            .filter(|d| d.status == "OPEN")
            .filter_map(|d| d.working_days_left.map(|left| (d.label.clone(), due::say(t, d.due, left, today))))
            .collect(),
        forms,
    }
}
