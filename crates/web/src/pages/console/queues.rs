//! `/consola/casos`, the officer's home: the work, sorted by what is due.
//! Queues with their counts (late, due within five working days, new and
//! unassigned, mine, waiting for the requester, urgent track, changed in
//! the last three days), the chosen one listed by the nearest deadline
//! with the time left in working days and the date written out; filters
//! by department, track, status and sector apply to every count and to
//! the list. One operation draws the page (`cases` with `totalCount`,
//! keyset pages), and no personal data is read: a list shows file
//! numbers, places by department, states and deadlines.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use domain::workflow::{CaseStatus, Track};
use serde::Deserialize;
use serde_json::{Value, json};

use super::due::{self, DueText};
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use super::{Me, PageInfo};
use crate::WebState;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::operation;
use crate::pages::posted;

/// The queues, in the order the page lists them: what is late first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Overdue,
    DueSoon,
    New,
    Mine,
    Waiting,
    Urgent,
    Recent,
}

impl Queue {
    const ALL: [Queue; 7] =
        [Queue::Overdue, Queue::DueSoon, Queue::New, Queue::Mine, Queue::Waiting, Queue::Urgent, Queue::Recent];

    /// The `cola` parameter.
    fn code(self) -> &'static str {
        match self {
            Queue::Overdue => "vencidas",
            Queue::DueSoon => "por-vencer",
            Queue::New => "nuevas",
            Queue::Mine => "mias",
            Queue::Waiting => "esperan",
            Queue::Urgent => "urgentes",
            Queue::Recent => "recientes",
        }
    }

    fn parse(code: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.code() == code)
    }

    fn label_id(self) -> &'static str {
        match self {
            Queue::Overdue => "cola-vencidas",
            Queue::DueSoon => "cola-por-vencer",
            Queue::New => "cola-nuevas",
            Queue::Mine => "cola-mias",
            Queue::Waiting => "cola-esperan",
            Queue::Urgent => "cola-urgentes",
            Queue::Recent => "cola-recientes",
        }
    }

    /// What the queue holds, as `CaseFilterInput` fields; statuses and
    /// track are the queue's own (a person's filter narrows them).
    fn filter(
        self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (serde_json::Map<String, Value>, Vec<CaseStatus>, Option<Track>) {
        let in_progress: Vec<CaseStatus> = CaseStatus::ALL.iter().copied().filter(|s| s.is_in_progress()).collect();
        let mut fields = serde_json::Map::new();
        let (statuses, track) = match self {
            Queue::Overdue => {
                fields.insert("overdue".into(), json!(true));
                (in_progress, None)
            }
            Queue::DueSoon => {
                fields.insert("dueWithinWorkingDays".into(), json!(DUE_SOON_WORKING_DAYS));
                (in_progress, None)
            }
            Queue::New => {
                fields.insert("unassigned".into(), json!(true));
                (vec![CaseStatus::Received], None)
            }
            Queue::Mine => {
                fields.insert("mine".into(), json!(true));
                (in_progress, None)
            }
            Queue::Waiting => (vec![CaseStatus::InformationRequested], None),
            Queue::Urgent => (in_progress, Some(Track::Urgent)),
            Queue::Recent => {
                let since = now - Duration::days(RECENT_DAYS);
                fields.insert("changedSince".into(), json!(since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)));
                (CaseStatus::ALL.to_vec(), None)
            }
        };
        (fields, statuses, track)
    }
}

/// "Due soon" is what `dueSoon` lists by default: five working days.
const DUE_SOON_WORKING_DAYS: u32 = 5;
/// "Recently changed": the last three days.
const RECENT_DAYS: i64 = 3;
/// Cases per page of a queue.
const PAGE_SIZE: u32 = 25;

const QUERY: &str = with_me!(
    "query ConsolaColas($q0: CaseFilterInput!, $s0: Boolean!, $q1: CaseFilterInput!, $s1: Boolean!, \
     $q2: CaseFilterInput!, $s2: Boolean!, $q3: CaseFilterInput!, $s3: Boolean!, $q4: CaseFilterInput!, \
     $s4: Boolean!, $q5: CaseFilterInput!, $s5: Boolean!, $q6: CaseFilterInput!, $s6: Boolean!, \
     $list: CaseFilterInput!, $skipList: Boolean!, $first: Int!, $after: String) { \
     me { ...Yo } \
     q0: cases(first: 1, filter: $q0) @skip(if: $s0) { totalCount } \
     q1: cases(first: 1, filter: $q1) @skip(if: $s1) { totalCount } \
     q2: cases(first: 1, filter: $q2) @skip(if: $s2) { totalCount } \
     q3: cases(first: 1, filter: $q3) @skip(if: $s3) { totalCount } \
     q4: cases(first: 1, filter: $q4) @skip(if: $s4) { totalCount } \
     q5: cases(first: 1, filter: $q5) @skip(if: $s5) { totalCount } \
     q6: cases(first: 1, filter: $q6) @skip(if: $s6) { totalCount } \
     list: cases(first: $first, after: $after, filter: $list, orderBy: DUE_ASC) @skip(if: $skipList) { \
       totalCount pageInfo { hasNextPage endCursor } \
       nodes { id fileNumber status statusLabel department track receivedOn assignedOfficer { displayName } \
         deadlines { label due status workingDaysLeft } } } \
     departments { code name } sectors { code name } }"
);

/// The lookup of one file number, to open its case.
const FIND: &str =
    "query ConsolaAbrirExpediente($f: String!) { cases(first: 1, filter: { fileNumber: $f }) { nodes { id } } }";

#[derive(Deserialize)]
struct Count {
    #[serde(rename = "totalCount")]
    total_count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    total_count: u64,
    page_info: PageInfo,
    nodes: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    id: String,
    file_number: String,
    status_label: String,
    department: String,
    track: Option<String>,
    received_on: NaiveDate,
    assigned_officer: Option<Officer>,
    deadlines: Vec<RowDeadline>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Officer {
    display_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RowDeadline {
    label: String,
    due: NaiveDate,
    status: String,
    working_days_left: Option<i64>,
}

#[derive(Deserialize)]
struct Named {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct Data {
    me: Me,
    q0: Option<Count>,
    q1: Option<Count>,
    q2: Option<Count>,
    q3: Option<Count>,
    q4: Option<Count>,
    q5: Option<Count>,
    q6: Option<Count>,
    list: Option<Listed>,
    departments: Vec<Named>,
    sectors: Vec<Named>,
}

/// The page's parameters: the queue, the filters, the page. Codes only.
#[derive(Deserialize, Default)]
pub(crate) struct Params {
    cola: Option<String>,
    departamento: Option<String>,
    via: Option<String>,
    estado: Option<String>,
    sector: Option<String>,
    despues: Option<String>,
}

/// A person's filters, checked against the closed lists.
#[derive(Default)]
struct Filters {
    department: Option<String>,
    track: Option<Track>,
    status: Option<CaseStatus>,
    sector: Option<String>,
}

impl Filters {
    fn from(params: &Params) -> Self {
        let code = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Self {
            department: code(&params.departamento).filter(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit())),
            track: code(&params.via).and_then(|v| Track::parse(&v).ok()),
            status: code(&params.estado).and_then(|v| CaseStatus::parse(&v).ok()),
            sector: code(&params.sector)
                .filter(|s| s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')),
        }
    }

    /// The query string that keeps them (for the queue links and paging).
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.department {
            parts.push(format!("departamento={d}"));
        }
        if let Some(track) = self.track {
            parts.push(format!("via={}", track.code()));
        }
        if let Some(status) = self.status {
            parts.push(format!("estado={}", status.code()));
        }
        if let Some(s) = &self.sector {
            parts.push(format!("sector={s}"));
        }
        parts.join("&")
    }

    /// `queue`'s filter narrowed by these; `None` when nothing can match
    /// (a status or a track the queue excludes).
    fn apply(&self, queue: Queue, now: chrono::DateTime<chrono::Utc>) -> Option<Value> {
        let (mut fields, statuses, track) = queue.filter(now);
        let statuses: Vec<CaseStatus> = match self.status {
            Some(status) if statuses.contains(&status) => vec![status],
            Some(_) => return None,
            None => statuses,
        };
        let track = match (track, self.track) {
            (Some(a), Some(b)) if a != b => return None,
            (a, b) => a.or(b),
        };
        fields.insert("statuses".into(), json!(statuses.iter().map(|s| s.code()).collect::<Vec<_>>()));
        if let Some(track) = track {
            fields.insert("track".into(), json!(track.code()));
        }
        if let Some(d) = &self.department {
            fields.insert("department".into(), json!(d));
        }
        if let Some(s) = &self.sector {
            fields.insert("sector".into(), json!(s));
        }
        Some(Value::Object(fields))
    }
}

/// One queue in the list of queues.
struct QueueLink {
    href: String,
    label: Text,
    count: u64,
    current: bool,
    /// Late cases are the alarm, said in words as well.
    alarm: bool,
}

/// One case of the chosen queue.
struct CaseRow {
    href: String,
    file_number: String,
    status: String,
    department: String,
    track: Text,
    officer: Option<String>,
    received_on: Text,
    next: Option<(String, DueText)>,
}

/// One option of a filter.
struct FilterChoice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "consola/colas.html")]
struct Queues {
    frame: Frame,
    t: Tr,
    queues: Vec<QueueLink>,
    current: Text,
    current_code: &'static str,
    total: u64,
    rows: Vec<CaseRow>,
    next_page: Option<String>,
    first_page: Option<String>,
    departments: Vec<FilterChoice>,
    tracks: Vec<FilterChoice>,
    statuses: Vec<FilterChoice>,
    sectors: Vec<FilterChoice>,
    /// Some filter is on: the filters' box is drawn open.
    filtered: bool,
    open_form: Vec<(String, String)>,
    open_problem: Option<Text>,
}

/// `GET /consola/casos`.
pub(crate) async fn page(State(app): State<WebState>, session: Session, Query(params): Query<Params>) -> Response {
    draw(&app, &session, &params, None).await
}

async fn draw(app: &WebState, session: &Session, params: &Params, open_problem: Option<Text>) -> Response {
    let t = tr();
    let now = app.api.now();
    let today = domain::business_day::lima_date(now);
    let filters = Filters::from(params);
    let chosen = params.cola.as_deref().and_then(Queue::parse).unwrap_or(Queue::Overdue);
    let mut variables = serde_json::Map::new();
    for (i, queue) in Queue::ALL.into_iter().enumerate() {
        let filter = filters.apply(queue, now);
        variables.insert(format!("s{i}"), json!(filter.is_none()));
        variables.insert(format!("q{i}"), filter.unwrap_or_else(|| json!({})));
    }
    let list = filters.apply(chosen, now);
    variables.insert("skipList".into(), json!(list.is_none()));
    variables.insert("list".into(), list.unwrap_or_else(|| json!({})));
    variables.insert("first".into(), json!(PAGE_SIZE));
    variables.insert("after".into(), json!(params.despues.as_deref().filter(|c| !c.is_empty() && c.len() < 200)));
    let data = match frame::load::<Data>(app, session, QUERY, Value::Object(variables)).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let kept = filters.query();
    let with_filters = |base: String| if kept.is_empty() { base } else { format!("{base}&{kept}") };
    let counts = [&data.q0, &data.q1, &data.q2, &data.q3, &data.q4, &data.q5, &data.q6];
    let queues = Queue::ALL
        .into_iter()
        .zip(counts)
        .map(|(queue, count)| QueueLink {
            href: with_filters(format!("/consola/casos?cola={}", queue.code())),
            label: t.t(queue.label_id()),
            count: count.as_ref().map_or(0, |c| c.total_count),
            current: queue == chosen,
            alarm: queue == Queue::Overdue && count.as_ref().is_some_and(|c| c.total_count > 0),
        })
        .collect();
    let department_names: HashMap<&str, &str> =
        data.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let (total, rows, next_page) = match &data.list {
        Some(list) => (
            list.total_count,
            list.nodes.iter().map(|row| case_row(t, row, &department_names, today)).collect(),
            list.page_info
                .end_cursor
                .as_ref()
                .filter(|_| list.page_info.has_next_page)
                .map(|cursor| with_filters(format!("/consola/casos?cola={}&despues={cursor}", chosen.code()))),
        ),
        None => (0, Vec::new(), None),
    };
    let first_page = params.despues.as_ref().map(|_| with_filters(format!("/consola/casos?cola={}", chosen.code())));
    let choices = |items: Vec<(String, String)>, selected: Option<&str>| -> Vec<FilterChoice> {
        items
            .into_iter()
            .map(|(value, label)| FilterChoice { selected: Some(value.as_str()) == selected, value, label })
            .collect()
    };
    let page = Queues {
        frame: Frame::signed_in(app, session, data.me, t.t("consola-colas-titulo"), "/consola/casos").listening(
            "/consola/vivo?de=casos".to_owned(),
            with_filters(format!(
                "/consola/casos?cola={}{}",
                chosen.code(),
                params.despues.as_ref().map_or(String::new(), |cursor| format!("&despues={cursor}"))
            )),
        ),
        t,
        queues,
        current: t.t(chosen.label_id()),
        current_code: chosen.code(),
        total,
        rows,
        next_page,
        first_page,
        departments: choices(
            data.departments.iter().map(|d| (d.code.clone(), d.name.clone())).collect(),
            filters.department.as_deref(),
        ),
        tracks: choices(
            Track::ALL.iter().map(|v| (v.code().to_owned(), v.label().to_owned())).collect(),
            filters.track.map(|v| v.code()),
        ),
        statuses: choices(
            CaseStatus::ALL.iter().map(|v| (v.code().to_owned(), v.label().to_owned())).collect(),
            filters.status.map(|v| v.code()),
        ),
        sectors: choices(
            data.sectors.iter().map(|s| (s.code.clone(), s.name.clone())).collect(),
            filters.sector.as_deref(),
        ),
        filtered: !kept.is_empty(),
        open_form: posted::own_fields_for(app, t, &session.binding),
        open_problem,
    };
    let status = if page.open_problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    frame::html(status, &page)
}

fn case_row(t: Tr, row: &Row, departments: &HashMap<&str, &str>, today: NaiveDate) -> CaseRow {
    let next = row
        .deadlines
        .iter()
        .filter(|d| d.status == "OPEN")
        .filter_map(|d| d.working_days_left.map(|left| (d, left)))
        .min_by_key(|(d, _)| d.due)
        .map(|(d, left)| (d.label.clone(), due::say(t, d.due, left, today)));
    CaseRow {
        href: format!("/consola/casos/{}", row.id),
        file_number: row.file_number.clone(),
        status: row.status_label.clone(),
        department: departments
            .get(row.department.as_str())
            .map_or_else(|| row.department.clone(), |n| (*n).to_owned()),
        track: match row.track.as_deref().and_then(|v| Track::parse(v).ok()) {
            Some(track) => Text::plain(track.label()),
            None => t.t("consola-via-sin-evaluar"),
        },
        officer: row.assigned_officer.as_ref().map(|o| o.display_name.clone()),
        received_on: due::weekday_date(t, row.received_on, today),
        next,
    }
}

#[derive(Deserialize)]
struct Found {
    cases: FoundCases,
}

#[derive(Deserialize)]
struct FoundCases {
    nodes: Vec<FoundCase>,
}

#[derive(Deserialize)]
struct FoundCase {
    id: String,
}

/// `POST /consola/casos`: open a case by its file number (posted, so the
/// number stays out of addresses and the history).
pub(crate) async fn open(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let number = posted.form.value("expediente").trim().to_owned();
    if number.is_empty() {
        return draw(&app, &session, &Params::default(), Some(t.t("error-obligatorio"))).await;
    }
    match operation::run::<Found>(&app, &session.caller, FIND, json!({ "f": number })).await {
        Ok(found) => match found.cases.nodes.first() {
            Some(case) => frame::see_other(&format!("/consola/casos/{}", case.id)),
            None => draw(&app, &session, &Params::default(), Some(t.t("consola-abrir-no-existe"))).await,
        },
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}
