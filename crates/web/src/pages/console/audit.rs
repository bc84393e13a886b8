//! `/consola/auditoria`, the auditor's view: the audit trail (`auditTrail`),
//! oldest first, filtered by period (days in Lima), case and account, 50
//! entries a page; and the chain's verification (`auditChain`), run on
//! request since it reads the whole trail.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use super::{Me, PageInfo};
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaAuditoria($first: Int!, $after: String, $filter: AuditFilterInput) { me { ...Yo } \
     auditTrail(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } \
       nodes { id recordedAt actorId actorRole caseId casesRead description measureNumber requestId fields } } }"
);
const CHAIN: &str = "query ConsolaAuditoriaCadena { auditChain { intact entries brokenAt reason anchor } }";

const PAGE_SIZE: u32 = 50;
/// The filters' names, in the address (dates and ids only).
const FROM: &str = "desde";
const TO: &str = "hasta";
const CASE: &str = "caso";
const ACCOUNT: &str = "cuenta";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    me: Me,
    audit_trail: Trail,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trail {
    total_count: u64,
    page_info: PageInfo,
    nodes: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    id: String,
    recorded_at: DateTime<Utc>,
    actor_id: Option<String>,
    actor_role: String,
    case_id: Option<String>,
    cases_read: Vec<String>,
    description: String,
    measure_number: Option<u32>,
    request_id: Option<String>,
    fields: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chain {
    audit_chain: ChainStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChainStatus {
    intact: bool,
    entries: u64,
    broken_at: Option<String>,
    reason: Option<String>,
    anchor: Option<String>,
}

struct Row {
    id: String,
    when: String,
    who: String,
    what: String,
    case: Option<String>,
    /// A read of several cases (a page of a list): their ids, shown folded.
    cases_read: Vec<String>,
    fields: Option<String>,
    request_id: Option<String>,
}

#[derive(Template)]
#[template(path = "consola/auditoria.html")]
struct Audit {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    groups: Vec<Group>,
    total: u64,
    rows: Vec<Row>,
    next_page: Option<String>,
    first_page: Option<String>,
    verify: Vec<(String, String)>,
}

/// `GET /consola/auditoria`.
pub(crate) async fn page(
    State(app): State<WebState>,
    session: Session,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    draw(&app, &session, &FormData::new(params), None).await
}

/// `POST /consola/auditoria`: verify the chain, the filters kept.
pub(crate) async fn verify(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let notice = match operation::run::<Chain>(&app, &session.caller, CHAIN, json!({})).await {
        Ok(Chain { audit_chain: chain }) if chain.intact => t.with(
            "auditoria-cadena-integra",
            [("entradas", (chain.entries as usize).into()), ("ancla", chain.anchor.unwrap_or_default().into())],
        ),
        Ok(Chain { audit_chain: chain }) => t.with(
            "auditoria-cadena-rota",
            [
                ("entrada", chain.broken_at.unwrap_or_default().into()),
                ("motivo", chain.reason.unwrap_or_default().into()),
                ("entradas", (chain.entries as usize).into()),
            ],
        ),
        Err(failure) => return frame::refused(&app, &session, failure).await,
    };
    draw(&app, &session, &posted.form, Some(notice)).await
}

/// The filters as `AuditFilterInput`, or the problems with them.
fn filter(t: Tr, form: &FormData) -> Result<Value, Vec<(String, Text)>> {
    let mut problems = Vec::new();
    let mut day = |name: &str| -> Option<NaiveDate> {
        let value = form.optional(name)?;
        let parsed = value.trim().parse::<NaiveDate>().ok();
        if parsed.is_none() {
            problems.push((name.to_owned(), t.t("error-fecha")));
        }
        parsed
    };
    let (from, to) = (day(FROM), day(TO));
    let mut id = |name: &str| -> Option<String> {
        let value = form.optional(name)?;
        let value = value.trim().to_owned();
        if uuid::Uuid::parse_str(&value).is_err() {
            problems.push((name.to_owned(), t.t("error-identificador")));
        }
        Some(value)
    };
    let (case, account) = (id(CASE), id(ACCOUNT));
    if !problems.is_empty() {
        return Err(problems);
    }
    // Days are Lima's: from its first instant to the next day's.
    let instant = |date: NaiveDate| {
        domain::business_day::lima_instant(date, NaiveTime::MIN).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    Ok(json!({
        "from": from.map(instant),
        "to": to.and_then(|d| d.succ_opt()).map(instant),
        "caseId": case,
        "actorId": account,
    }))
}

async fn draw(app: &WebState, session: &Session, form: &FormData, notice: Option<Text>) -> Response {
    let t = tr();
    let mut feedback = Feedback { notice, ..Feedback::default() };
    let field = |name: &str, label: &str, hint: &str| {
        Control::input(Field::new(name, t.t(label)).hint(t.t(hint)), form.value(name).to_owned(), InputKind::Text)
    };
    let mut groups = vec![Group::new(
        "",
        t.t("auditoria-filtros"),
        vec![
            field(FROM, "auditoria-desde", "campo-fecha-ayuda"),
            field(TO, "auditoria-hasta", "campo-fecha-ayuda"),
            field(CASE, "auditoria-caso", "auditoria-id-ayuda"),
            field(ACCOUNT, "auditoria-cuenta-id", "auditoria-id-ayuda"),
        ],
    )];
    // The filters as typed, for the verification's form and the paging links.
    let filters: Vec<(String, String)> = [FROM, TO, CASE, ACCOUNT]
        .into_iter()
        .filter_map(|name| form.optional(name).map(|v| (name.to_owned(), v.trim().to_owned())))
        .collect();
    let kept: Vec<String> = filters.iter().map(|(name, v)| format!("{name}={}", encode(v))).collect();
    let (filter, status, filters) = match filter(t, form) {
        Ok(filter) => (filter, StatusCode::OK, filters),
        // The verification's form does not carry filters that were refused.
        Err(problems) => {
            feedback.summary = place_problems(&mut groups, &problems, &mut feedback.general);
            (json!({}), StatusCode::UNPROCESSABLE_ENTITY, Vec::new())
        }
    };
    let after = form.optional("despues").filter(|c| c.len() < 24);
    let variables = json!({ "first": PAGE_SIZE, "after": after, "filter": filter });
    let data = match operation::run::<Data>(app, &session.caller, QUERY, variables).await {
        Ok(data) => data,
        Err(Failure::Input(problems)) => {
            feedback.general.extend(problems.into_iter().map(|p| Text::spanish(p.message, Lang::Es)));
            return match operation::run::<super::frame::OnlyMe>(app, &session.caller, super::frame::ME_ONLY, json!({}))
                .await
            {
                Ok(only) => {
                    render(app, session, only.me, filters, feedback, groups, None, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(failure) => frame::refused(app, session, failure).await,
            };
        }
        Err(failure) => return frame::refused(app, session, failure).await,
    };
    let with_filters = |base: String| if kept.is_empty() { base } else { format!("{base}&{}", kept.join("&")) };
    let trail = Some((
        data.audit_trail.total_count,
        data.audit_trail.nodes.into_iter().map(|entry| row(entry, &t)).collect(),
        data.audit_trail
            .page_info
            .end_cursor
            .filter(|_| data.audit_trail.page_info.has_next_page)
            .map(|cursor| with_filters(format!("/consola/auditoria?despues={cursor}"))),
        after.map(|_| with_filters("/consola/auditoria?".to_owned())),
    ));
    render(app, session, data.me, filters, feedback, groups, trail, status)
}

type Listed = (u64, Vec<Row>, Option<String>, Option<String>);

#[expect(clippy::too_many_arguments, reason = "the page's parts, each decided by the request")]
fn render(
    app: &WebState,
    session: &Session,
    me: Me,
    filters: Vec<(String, String)>,
    feedback: Feedback,
    groups: Vec<Group>,
    trail: Option<Listed>,
    status: StatusCode,
) -> Response {
    let t = tr();
    let (total, rows, next_page, first_page) = trail.unwrap_or((0, Vec::new(), None, None));
    let mut verify = posted::own_fields_for(app, t, &session.binding);
    verify.extend(filters);
    let page = Audit {
        frame: Frame::signed_in(app, session, me, t.t("auditoria-titulo"), "/consola/auditoria"),
        t,
        feedback,
        groups,
        total,
        rows,
        next_page,
        first_page,
        verify,
    };
    frame::html(status, &page)
}

fn row(entry: Entry, t: &Tr) -> Row {
    let role = Role::parse(&entry.actor_role).map_or(entry.actor_role.clone(), |r| r.label().to_owned());
    let lima = chrono::FixedOffset::west_opt(5 * 3600).expect("a valid offset");
    Row {
        id: entry.id,
        when: entry.recorded_at.with_timezone(&lima).format("%Y-%m-%d %H:%M:%S").to_string(),
        who: match entry.actor_id {
            Some(id) => format!("{role} · {id}"),
            None => role,
        },
        what: match entry.measure_number {
            Some(n) => format!("{} (medida n.° {n})", entry.description),
            None => entry.description,
        },
        case: match entry.cases_read.len() {
            0 => entry.case_id,
            n => Some(t.t1("auditoria-casos-leidos", "cantidad", n).to_string()),
        },
        fields: if entry.cases_read.is_empty() { entry.fields } else { entry.fields.as_deref().map(fields_read) },
        cases_read: entry.cases_read,
        request_id: entry.request_id,
    }
}

/// What a read of several cases read, each different set once: its
/// `fields` has a line per case, `CASE-ID fields`.
fn fields_read(lines: &str) -> String {
    let mut sets: Vec<&str> = Vec::new();
    for set in lines.lines().filter_map(|line| line.split_once(' ').map(|(_, fields)| fields)) {
        if !sets.contains(&set) {
            sets.push(set);
        }
    }
    sets.join(" · ")
}

/// A filter's value in a query string: dates and ids hold nothing to
/// escape but `-`; anything else is dropped rather than carried.
fn encode(value: &str) -> String {
    value.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}
