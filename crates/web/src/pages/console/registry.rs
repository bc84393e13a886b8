//! `/consola/registro`: the registry of risk situations for a period
//! (`statistics`, small counts suppressed as the API suppresses them for
//! the caller's role), with charts drawn on the server beside their
//! tables (the funnel received → admitted → activated, requests by month,
//! by department, by kind of aggression); compliance with the deadlines
//! (`compliance`) and what is overdue now (`overdue`), for the roles that
//! follow deadlines; the CSV downloads of the same figures.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::roles::Role;
use domain::workflow::Track;
use serde::Deserialize;
use serde_json::json;

use super::Me;
use super::charts::{self, Bar};
use super::due::{self, DueText};
use super::frame::{self, Frame, tr};
use super::session::Session;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};

const QUERY: &str = with_me!(
    "query ConsolaRegistro($from: Date!, $to: Date!, $filter: StatisticsFilterInput, $deadlines: Boolean!) { \
     me { ...Yo } \
     statistics(from: $from, to: $to, filter: $filter) { threshold \
       received { ...V } admitted { ...V } activated { ...V } notAdmitted { ...V } referred { ...V } pending { ...V } \
       tables { id title columns { id label } rows { group code label values { ...V } } } } \
     compliance(from: $from, to: $to) @include(if: $deadlines) { label metOnTime metLate onTimeRate openOverdue } \
     overdue(first: 20) @include(if: $deadlines) { totalCount \
       nodes { caseId fileNumber deadline { label due workingDaysLeft } } } \
     departments { code name } sectors { code name } } \
     fragment V on StatisticsValue { value display suppressed }"
);

/// The tables drawn as charts too, by the API's ids, and which column.
const CHARTED: [&str; 3] = ["meses", "departamentos", "tipos_de_agresion"];

const FROM: &str = "desde";
const TO: &str = "hasta";
const DEPARTMENT: &str = "departamento";
const TRACK: &str = "via";
const SECTOR: &str = "sector";

#[derive(Deserialize)]
struct Data {
    me: Me,
    statistics: Statistics,
    compliance: Option<Vec<Compliance>>,
    overdue: Option<Overdue>,
    departments: Vec<Named>,
    sectors: Vec<Named>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Statistics {
    threshold: Option<u32>,
    received: Figure,
    admitted: Figure,
    activated: Figure,
    not_admitted: Figure,
    referred: Figure,
    pending: Figure,
    tables: Vec<Table>,
}

#[derive(Deserialize, Clone)]
pub(crate) struct Figure {
    value: Option<f64>,
    pub(crate) display: String,
    pub(crate) suppressed: bool,
}

#[derive(Deserialize)]
pub(crate) struct Table {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Row>,
}

#[derive(Deserialize)]
pub(crate) struct Column {
    pub(crate) label: String,
}

#[derive(Deserialize)]
pub(crate) struct Row {
    pub(crate) group: Option<String>,
    /// `TOTAL` for the sum of the others (not charted).
    pub(crate) code: String,
    pub(crate) label: String,
    pub(crate) values: Vec<Figure>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Compliance {
    label: String,
    met_on_time: u64,
    met_late: u64,
    on_time_rate: Option<f64>,
    open_overdue: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Overdue {
    total_count: u64,
    nodes: Vec<OverdueEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OverdueEntry {
    case_id: String,
    file_number: String,
    deadline: OverdueDeadline,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OverdueDeadline {
    label: String,
    due: NaiveDate,
    working_days_left: Option<i64>,
}

#[derive(Deserialize)]
struct Named {
    code: String,
    name: String,
}

/// A table as the page draws it, with its chart when it has one.
struct Shown {
    table: Table,
    chart: Option<String>,
    /// Its rows are grouped (by department, by sector): a column for the group.
    grouped: bool,
}

struct ComplianceRow {
    label: String,
    on_time: u64,
    late: u64,
    rate: String,
    overdue: u64,
}

struct Escalation {
    href: Option<String>,
    file_number: String,
    label: String,
    due: DueText,
}

#[derive(Template)]
#[template(path = "consola/registro.html")]
struct Registry {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    groups: Vec<Group>,
    /// The filters are shown open: some were given, or one was wrong.
    filtered: bool,
    period: Text,
    threshold: Option<u32>,
    headline: Vec<(Text, Figure)>,
    funnel: String,
    tables: Vec<Shown>,
    compliance: Option<Vec<ComplianceRow>>,
    overdue_total: u64,
    escalations: Vec<Escalation>,
    downloads: Vec<(Text, String)>,
}

/// `GET /consola/registro`.
pub(crate) async fn page(
    State(app): State<WebState>,
    session: Session,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let t = tr();
    let form = FormData::new(params);
    let today = domain::business_day::lima_date(app.api.now());
    let mut problems = Vec::new();
    let mut day = |name: &str, default: NaiveDate| match form.optional(name) {
        None => default,
        Some(value) => value.trim().parse::<NaiveDate>().unwrap_or_else(|_| {
            problems.push((name.to_owned(), t.t("error-fecha")));
            default
        }),
    };
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let (from, to) = (day(FROM, year_start), day(TO, today));
    let code = |name: &str| form.optional(name).map(|v| v.trim().to_owned());
    let filter = json!({
        "department": code(DEPARTMENT),
        "track": code(TRACK).filter(|v| Track::parse(v).is_ok()),
        "sector": code(SECTOR),
    });
    let variables = |deadlines: bool| json!({ "from": from, "to": to, "filter": filter, "deadlines": deadlines });
    // The deadlines' lists are for the roles that follow deadlines
    // (auditors read the registry only): the role decides what is asked.
    let me = match operation::run::<frame::OnlyMe>(&app, &session.caller, frame::ME_ONLY, json!({})).await {
        Ok(only) => only.me,
        Err(failure) => return frame::refused(&app, &session, failure).await,
    };
    let follows_deadlines = matches!(me.role, Role::Officer | Role::Supervisor | Role::Coordinator);
    let data = match operation::run::<Data>(&app, &session.caller, QUERY, variables(follows_deadlines)).await {
        Ok(data) => data,
        Err(Failure::Input(found)) => {
            problems
                .extend(found.into_iter().map(|p| (p.path.replace("filter.", ""), Text::spanish(p.message, Lang::Es))));
            return draw_problems(&app, &session, me, &form, problems).await;
        }
        Err(failure) => return frame::refused(&app, &session, failure).await,
    };
    let mut groups = filters(t, &form, &data.departments, &data.sectors);
    let filtered = !problems.is_empty()
        || [FROM, TO, DEPARTMENT, TRACK, SECTOR].iter().any(|name| code(name).is_some_and(|v| !v.is_empty()));
    let mut feedback = Feedback::default();
    feedback.summary = place_problems(&mut groups, &problems, &mut feedback.general);
    let query: Vec<String> = [
        ("from", Some(from.to_string())),
        ("to", Some(to.to_string())),
        ("department", code(DEPARTMENT)),
        ("track", code(TRACK)),
        ("sector", code(SECTOR)),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .map(|v| format!("{k}={v}"))
    })
    .collect();
    let query = query.join("&");
    let mut downloads = vec![(t.t("registro-descargar-csv"), format!("/reports/statistics.csv?{query}"))];
    if matches!(data.me.role, Role::Supervisor | Role::Auditor) {
        downloads.push((t.t("registro-descargar-casos"), format!("/reports/cases.csv?{query}")));
    }
    let s = data.statistics;
    let funnel = charts::bars(
        "embudo",
        t.t("registro-embudo").as_str(),
        &[
            bar(t.t("registro-recibidas").as_str(), &s.received),
            bar(t.t("registro-admitidas").as_str(), &s.admitted),
            bar(t.t("registro-activadas").as_str(), &s.activated),
        ],
    );
    let headline = vec![
        (t.t("registro-recibidas"), s.received),
        (t.t("registro-admitidas"), s.admitted),
        (t.t("registro-activadas"), s.activated),
        (t.t("registro-no-admitidas"), s.not_admitted),
        (t.t("registro-derivadas"), s.referred),
        (t.t("registro-pendientes"), s.pending),
    ];
    let tables = s
        .tables
        .into_iter()
        .map(|table| {
            let chart = CHARTED.contains(&table.id.as_str()).then(|| {
                let bars: Vec<Bar> = table
                    .rows
                    .iter()
                    .filter(|row| row.group.is_none() && row.code != "TOTAL")
                    .filter_map(|row| row.values.first().map(|v| bar(&row.label, v)))
                    .collect();
                charts::bars(&format!("grafico-{}", table.id), &table.title, &bars)
            });
            let grouped = table.rows.iter().any(|row| row.group.is_some());
            Shown { table, chart, grouped }
        })
        .collect();
    let compliance = data.compliance.map(|rows| {
        rows.into_iter()
            .map(|c| ComplianceRow {
                label: c.label,
                on_time: c.met_on_time,
                late: c.met_late,
                rate: c.on_time_rate.map_or_else(|| "—".to_owned(), |r| format!("{:.0} %", r * 100.0)),
                overdue: c.open_overdue,
            })
            .collect()
    });
    let opens_cases = matches!(data.me.role, Role::Officer | Role::Supervisor);
    let (overdue_total, escalations) = match data.overdue {
        Some(overdue) => (
            overdue.total_count,
            overdue
                .nodes
                .into_iter()
                .map(|e| Escalation {
                    href: opens_cases.then(|| format!("/consola/casos/{}", e.case_id)),
                    file_number: e.file_number,
                    label: e.deadline.label,
                    due: due::say(t, e.deadline.due, e.deadline.working_days_left.unwrap_or(-1), today),
                })
                .collect(),
        ),
        None => (0, Vec::new()),
    };
    let page = Registry {
        frame: Frame::signed_in(&app, &session, data.me, t.t("registro-titulo"), "/consola/registro"),
        t,
        feedback,
        groups,
        filtered,
        period: t.with(
            "registro-periodo",
            [
                ("desde", due::weekday_date(t, from, today).as_str().into()),
                ("hasta", due::weekday_date(t, to, today).as_str().into()),
            ],
        ),
        threshold: s.threshold,
        headline,
        funnel,
        tables,
        compliance,
        overdue_total,
        escalations,
        downloads,
    };
    frame::with_feedback(&page, &page.feedback)
}

fn bar(label: &str, figure: &Figure) -> Bar {
    Bar { label: label.to_owned(), value: figure.value.filter(|_| !figure.suppressed), display: figure.display.clone() }
}

/// The period and filters' form.
fn filters(t: Tr, form: &FormData, departments: &[Named], sectors: &[Named]) -> Vec<Group> {
    let input = |name: &str, label: &str| {
        Control::input(
            Field::new(name, t.t(label)).hint(t.t("campo-fecha-ayuda")),
            form.value(name).to_owned(),
            InputKind::Text,
        )
    };
    let select = |name: &str, label: &str, items: Vec<(String, String)>| {
        let choices = items
            .into_iter()
            .map(|(value, text)| {
                let selected = form.value(name) == value;
                Choice::new(name, value, Text::plain(text), selected)
            })
            .collect();
        Control::select(Field::new(name, t.t(label)), t.t("consola-filtro-todos"), choices)
    };
    // The summary of the filters' fold names them.
    vec![Group::untitled(
        "",
        vec![
            input(FROM, "registro-desde"),
            input(TO, "registro-hasta"),
            select(
                DEPARTMENT,
                "consola-filtro-departamento",
                departments.iter().map(|d| (d.code.clone(), d.name.clone())).collect(),
            ),
            select(
                TRACK,
                "consola-filtro-via",
                Track::ALL.iter().map(|v| (v.code().to_owned(), v.label().to_owned())).collect(),
            ),
            select(SECTOR, "consola-filtro-sector", sectors.iter().map(|s| (s.code.clone(), s.name.clone())).collect()),
        ],
    )]
}

/// The form alone, with what the API refused in it.
async fn draw_problems(
    app: &WebState,
    session: &Session,
    me: Me,
    form: &FormData,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let mut groups = filters(t, form, &[], &[]);
    let mut feedback = Feedback::default();
    feedback.summary = place_problems(&mut groups, &problems, &mut feedback.general);
    let page = Registry {
        frame: Frame::signed_in(app, session, me, t.t("registro-titulo"), "/consola/registro"),
        t,
        feedback,
        groups,
        filtered: true,
        period: Text::plain(""),
        threshold: None,
        headline: Vec::new(),
        funnel: String::new(),
        tables: Vec::new(),
        compliance: None,
        overdue_total: 0,
        escalations: Vec::new(),
        downloads: Vec::new(),
    };
    frame::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
