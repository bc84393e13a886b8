//! `/consola/reuniones`, the intersectoral coordination meetings (the
//! seed's §59–60). Officers and supervisors see every meeting and record a
//! new one with its agreements (`recordMeeting`: the cases by their file
//! numbers, looked up through `cases`); coordinators see the meetings their
//! sector attended with only their sector's agreements (what `meetings`
//! gives them) and report each one carried out (`reportAgreementDone`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Me;
use super::due::{self, DueText};
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaReuniones { me { ...Yo } sectors { code name active } \
     meetings { id heldOn sectors otherBodies caseCount cases { caseId fileNumber } \
       agreements { caseId fileNumber number sector doneOn text report \
         deadline { due status onTime workingDaysLeft } } } }"
);
const RECORD: &str = "mutation ConsolaRegistrarReunion($input: MeetingInput!) { recordMeeting(input: $input) { id } }";
const FIND_CASE: &str = "query ConsolaExpediente($number: String!) { \
     cases(first: 1, filter: { fileNumber: $number }) { nodes { caseId: id fileNumber } } }";
const DONE: &str = "mutation ConsolaAcuerdoCumplido($caseId: ID!, $agreementNumber: Int!, $report: String) { \
     reportAgreementDone(caseId: $caseId, agreementNumber: $agreementNumber, report: $report) { number } }";

/// The meeting form's fields' prefix and `accion` value.
const MEETING: &str = "reunion";
/// The `accion` of a coordinator's report.
const DONE_ACTION: &str = "acuerdo-cumplido";
/// Agreements the form offers (more: record the meeting twice, or use the API).
const AGREEMENT_ROWS: usize = 4;
/// File numbers the "other cases discussed" field takes.
const MAX_OTHER_CASES: usize = 20;

#[derive(Deserialize)]
struct Data {
    me: Me,
    sectors: Vec<Sector>,
    meetings: Vec<Meeting>,
}

#[derive(Deserialize)]
struct Sector {
    code: String,
    name: String,
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meeting {
    held_on: NaiveDate,
    sectors: Vec<String>,
    other_bodies: Option<String>,
    case_count: u32,
    cases: Vec<MeetingCase>,
    agreements: Vec<Agreement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeetingCase {
    case_id: String,
    file_number: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Agreement {
    case_id: String,
    file_number: String,
    number: u32,
    sector: String,
    done_on: Option<NaiveDate>,
    text: String,
    report: Option<String>,
    deadline: Option<AgreementDeadline>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgreementDeadline {
    due: NaiveDate,
    on_time: Option<bool>,
    working_days_left: Option<i64>,
}

/// A meeting as the page lists it.
struct MeetingCard {
    heading: Text,
    sectors: String,
    other_bodies: Option<String>,
    /// The cases discussed: file number and, for officers, the case page.
    cases: Vec<(String, Option<String>)>,
    case_count: u32,
    agreements: Vec<AgreementCard>,
}

/// An agreement as the page lists it.
struct AgreementCard {
    anchor: String,
    /// "Acuerdo n.° 1 del expediente AT-2026-000123".
    heading: Text,
    number: u32,
    sector: String,
    text: String,
    /// Where it stands: running (with the time left), or done and when.
    standing: Standing,
    report: Option<String>,
    /// The coordinator's "carried out" form (their own, not yet done).
    form: Option<Vec<Group>>,
    case_id: String,
}

enum Standing {
    Running(DueText),
    Done(Text),
}

#[derive(Template)]
#[template(path = "consola/reuniones.html")]
struct Meetings {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    intro: Text,
    meetings: Vec<MeetingCard>,
    /// (`accion`, heading, fields) of the officers' form.
    forms: Vec<(&'static str, Text, Vec<Group>)>,
    hidden: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    hecho: Option<String>,
}

/// `GET /consola/reuniones`.
pub(crate) async fn page(State(app): State<WebState>, session: Session, Query(params): Query<Params>) -> Response {
    let t = tr();
    let notice = match params.hecho.as_deref() {
        Some(MEETING) => Some(t.t("reuniones-registrada")),
        Some(DONE_ACTION) => Some(t.t("reuniones-cumplido-informado")),
        _ => None,
    };
    draw(&app, &session, None, Feedback { notice, ..Feedback::default() }, Vec::new()).await
}

/// `POST /consola/reuniones`: record a meeting, or report an agreement done.
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let form = &posted.form;
    if posted.expired {
        let feedback = Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() };
        return draw(&app, &session, Some(form), feedback, Vec::new()).await;
    }
    // The form's agreement row of each agreement sent, by position.
    let mut rows = Vec::new();
    let (query, variables) = match form.value(posted::ACTION) {
        MEETING => match meeting_variables(&app, &session, form).await {
            Ok(Ok((variables, sent))) => {
                rows = sent;
                (RECORD, variables)
            }
            Ok(Err(problems)) => return draw(&app, &session, Some(form), Feedback::default(), problems).await,
            Err(response) => return response,
        },
        DONE_ACTION => {
            let number: Option<u32> = form.value("numero").parse().ok();
            let report = form.value("acuerdo.report").trim().to_owned();
            let variables = json!({
                "caseId": form.value("caso"),
                "agreementNumber": number,
                "report": if report.is_empty() { Value::Null } else { json!(report) },
            });
            (DONE, variables)
        }
        _ => return draw(&app, &session, None, Feedback::default(), Vec::new()).await,
    };
    match operation::run::<Value>(&app, &session.caller, query, variables).await {
        Ok(_) => frame::see_other(&format!("/consola/reuniones?hecho={}", form.value(posted::ACTION))),
        Err(Failure::Input(problems)) => {
            let problems = problems
                .into_iter()
                .map(|p| (page_field(&p.path, &rows), Text::spanish(p.message, Lang::Es)))
                .collect();
            draw(&app, &session, Some(form), Feedback::default(), problems).await
        }
        Err(Failure::Refused { code, message, .. }) if code == "INVALID_TRANSITION" || code == "CONFLICT" => {
            let feedback = Feedback { general: vec![Text::spanish(message, Lang::Es)], ..Feedback::default() };
            draw(&app, &session, Some(form), feedback, Vec::new()).await
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

/// The form field an API problem is about: `input.agreements.1.caseId` is
/// the file number of the form's row the second agreement sent came from
/// (`rows`); `input.cases.3` one of the other cases (all in one field).
fn page_field(path: &str, rows: &[usize]) -> String {
    if path.starts_with("input.cases") {
        return format!("{MEETING}.casos");
    }
    let Some(rest) = path.strip_prefix("input.agreements.") else {
        return format!("{MEETING}.{path}");
    };
    let (index, field) = rest.split_once('.').unwrap_or((rest, ""));
    let row = index.parse::<usize>().ok().and_then(|i| rows.get(i).copied());
    let field = if field == "caseId" { "fileNumber" } else { field };
    match row {
        Some(row) => format!("{MEETING}.input.agreements.{row}.{field}"),
        None => format!("{MEETING}.{path}"),
    }
}

/// The meeting's variables from the form, with the file numbers looked up,
/// and the form's row of each agreement sent; or the problems found before
/// asking the API (a file number that names
/// no case, a date that is not one); or the page refused.
async fn meeting_variables(
    app: &WebState,
    session: &Session,
    form: &FormData,
) -> Result<Result<(Value, Vec<usize>), Vec<(String, Text)>>, Response> {
    let t = tr();
    let field = |name: &str| form.value(&format!("{MEETING}.{name}")).trim().to_owned();
    let mut problems = Vec::new();
    let held_on = field("input.heldOn");
    if held_on.parse::<NaiveDate>().is_err() {
        let message = if held_on.is_empty() { "error-obligatorio" } else { "error-fecha" };
        problems.push((format!("{MEETING}.input.heldOn"), t.t(message)));
    }
    let other_cases: Vec<String> =
        field("casos").split(['\n', ',', ';']).map(|n| n.trim().to_uppercase()).filter(|n| !n.is_empty()).collect();
    if other_cases.len() > MAX_OTHER_CASES {
        problems.push((format!("{MEETING}.casos"), t.t("reuniones-demasiados-casos")));
    }
    // Agreement rows the officer filled in (an empty row is no agreement).
    let rows: Vec<usize> = (0..AGREEMENT_ROWS)
        .filter(|i| {
            ["fileNumber", "sector", "text", "workingDays"].iter().any(|f| !agreement_value(form, *i, f).is_empty())
        })
        .collect();
    let mut numbers: Vec<String> = other_cases.clone();
    numbers.extend(rows.iter().map(|i| agreement_value(form, *i, "fileNumber").to_uppercase()));
    numbers.retain(|n| !n.is_empty());
    numbers.sort();
    numbers.dedup();
    let found = match case_ids(app, session, &numbers).await {
        Ok(found) => found,
        Err(response) => return Err(response),
    };
    let id_of = |number: &str| found.iter().find(|(n, _)| n == number).map(|(_, id)| id.clone());
    let unknown: Vec<&String> = other_cases.iter().filter(|n| id_of(n).is_none()).collect();
    if !unknown.is_empty() {
        problems
            .push((format!("{MEETING}.casos"), t.t1("reuniones-expedientes-desconocidos", "cantidad", unknown.len())));
    }
    let mut agreements = Vec::new();
    for &row in &rows {
        let value = |f: &str| agreement_value(form, row, f).to_owned();
        let number = value("fileNumber").to_uppercase();
        let name = |f: &str| format!("{MEETING}.input.agreements.{row}.{f}");
        let case_id = match id_of(&number) {
            Some(id) => Some(id),
            None => {
                let message = if number.is_empty() { "error-obligatorio" } else { "reuniones-expediente-desconocido" };
                problems.push((name("fileNumber"), t.t(message)));
                None
            }
        };
        let working_days = value("workingDays");
        let working_days = match working_days.parse::<i32>() {
            Ok(days) => json!(days),
            Err(_) if working_days.is_empty() => Value::Null,
            Err(_) => {
                problems.push((name("workingDays"), t.t("error-numero")));
                Value::Null
            }
        };
        agreements.push(json!({
            "caseId": case_id.unwrap_or_default(),
            "sector": value("sector"),
            "text": value("text"),
            "workingDays": working_days,
        }));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let other_bodies = field("input.otherBodies");
    let variables = json!({ "input": {
        "heldOn": held_on,
        "sectors": form.values(&format!("{MEETING}.input.sectors")).collect::<Vec<_>>(),
        "otherBodies": if other_bodies.is_empty() { Value::Null } else { json!(other_bodies) },
        "cases": other_cases.iter().filter_map(|n| id_of(n)).collect::<Vec<_>>(),
        "agreements": agreements,
    } });
    Ok(Ok((variables, rows)))
}

/// What the form's agreement row `row` holds in field `f`.
fn agreement_value<'a>(form: &'a FormData, row: usize, f: &str) -> &'a str {
    form.value(&format!("{MEETING}.input.agreements.{row}.{f}")).trim()
}

/// The cases with these file numbers, found through `cases` (a query per
/// number: a meeting names a few): `(file number, id)` for those that exist.
async fn case_ids(app: &WebState, session: &Session, numbers: &[String]) -> Result<Vec<(String, String)>, Response> {
    #[derive(Deserialize)]
    struct Found {
        cases: FoundCases,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct FoundCases {
        nodes: Vec<MeetingCase>,
    }
    let mut found = Vec::new();
    for number in numbers {
        match operation::run::<Found>(app, &session.caller, FIND_CASE, json!({ "number": number })).await {
            Ok(data) => found.extend(data.cases.nodes.into_iter().map(|c| (c.file_number, c.case_id))),
            Err(failure) => return Err(frame::refused(app, session, failure).await),
        }
    }
    Ok(found)
}

async fn draw(
    app: &WebState,
    session: &Session,
    posted: Option<&FormData>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let today = domain::business_day::lima_date(app.api.now());
    let data = match frame::load::<Data>(app, session, QUERY, json!({})).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let role = data.me.role;
    let officer = matches!(role, Role::Officer | Role::Supervisor);
    let own_sector = data.me.sector.clone().filter(|_| role == Role::Coordinator);
    let sector_name = |code: &str| -> String {
        data.sectors.iter().find(|s| s.code == code).map_or_else(|| code.to_owned(), |s| s.name.clone())
    };
    let meetings = data
        .meetings
        .iter()
        .map(|m| MeetingCard {
            heading: t.t1("reuniones-reunion-del", "fecha", due::weekday_date(t, m.held_on, today).as_str()),
            sectors: m.sectors.iter().map(|s| sector_name(s)).collect::<Vec<_>>().join(", "),
            other_bodies: m.other_bodies.clone(),
            cases: m
                .cases
                .iter()
                .map(|c| (c.file_number.clone(), officer.then(|| format!("/consola/casos/{}", c.case_id))))
                .collect(),
            case_count: m.case_count,
            agreements: m
                .agreements
                .iter()
                .map(|a| {
                    let standing = match (a.done_on, &a.deadline) {
                        (Some(on), deadline) => {
                            let late = deadline.as_ref().and_then(|d| d.on_time) == Some(false);
                            let id = if late { "reuniones-cumplido-tarde" } else { "reuniones-cumplido" };
                            Standing::Done(t.t1(id, "fecha", due::weekday_date(t, on, today).as_str()))
                        }
                        (None, Some(d)) => {
                            Standing::Running(due::say(t, d.due, d.working_days_left.unwrap_or(0), today))
                        }
                        (None, None) => Standing::Done(t.t("reuniones-sin-plazo")),
                    };
                    let reportable = a.done_on.is_none() && own_sector.as_deref() == Some(a.sector.as_str());
                    let anchor = format!("acuerdo-{}-{}", a.case_id, a.number);
                    AgreementCard {
                        heading: t.with(
                            "reuniones-acuerdo-de",
                            [("numero", (a.number as usize).into()), ("expediente", a.file_number.as_str().into())],
                        ),
                        form: reportable.then(|| done_groups(t, &anchor)),
                        anchor,
                        number: a.number,
                        sector: sector_name(&a.sector),
                        text: a.text.clone(),
                        standing,
                        report: a.report.clone(),
                        case_id: a.case_id.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let mut forms = Vec::new();
    if officer {
        let active: Vec<(&str, &str)> =
            data.sectors.iter().filter(|s| s.active).map(|s| (s.code.as_str(), s.name.as_str())).collect();
        let empty = FormData::default();
        let form = posted.filter(|f| f.value(posted::ACTION) == MEETING).unwrap_or(&empty);
        forms.push((MEETING, t.t("reuniones-registrar"), meeting_groups(t, form, &active, today, posted.is_none())));
        super::admin_form::place(&mut forms, problems, &mut feedback);
    } else {
        feedback.general.extend(problems.into_iter().map(|(_, message)| message));
    }
    let intro = t.t(if officer { "reuniones-intro" } else { "reuniones-intro-sector" });
    let page = Meetings {
        frame: Frame::signed_in(app, session, data.me, t.t("reuniones-titulo"), "/consola/reuniones"),
        t,
        feedback,
        intro,
        meetings,
        forms,
        hidden: posted::own_fields_for(app, t, &session.binding),
    };
    frame::with_feedback(&page, &page.feedback)
}

/// The coordinator's report of one agreement.
fn done_groups(t: Tr, anchor: &str) -> Vec<Group> {
    let field = Field::new("acuerdo.report", t.t("reuniones-informe")).hint(t.t("reuniones-informe-ayuda"));
    vec![Group::untitled("acuerdo", vec![Control::text_area(field, String::new(), 3)]).suffix_ids(anchor)]
}

/// The officers' form: the day, who was there, the cases, the agreements.
fn meeting_groups(t: Tr, form: &FormData, sectors: &[(&str, &str)], today: NaiveDate, fresh: bool) -> Vec<Group> {
    let name = |f: &str| format!("{MEETING}.{f}");
    let value = |f: &str| form.value(&name(f)).to_owned();
    let held_on = if fresh { today.to_string() } else { value("input.heldOn") };
    let sectors_field = name("input.sectors");
    let present: Vec<&str> = form.values(&sectors_field).collect();
    let choices = |field: &str, chosen: &dyn Fn(&str) -> bool| -> Vec<Choice> {
        sectors.iter().map(|(code, label)| Choice::new(field, *code, Text::plain(*label), chosen(code))).collect()
    };
    let mut groups = vec![Group::new(
        name("input"),
        t.t("reuniones-grupo-reunion"),
        vec![
            Control::input(
                Field::new(name("input.heldOn"), t.t("reuniones-fecha")).required().hint(t.t("campo-fecha-ayuda")),
                held_on,
                InputKind::Text,
            ),
            Control::checkboxes(
                Field::new(name("input.sectors"), t.t("reuniones-sectores")).required(),
                choices(&name("input.sectors"), &|code| present.contains(&code)),
            ),
            Control::text_area(
                Field::new(name("input.otherBodies"), t.t("reuniones-otras-entidades"))
                    .hint(t.t("reuniones-otras-entidades-ayuda")),
                value("input.otherBodies"),
                2,
            ),
            Control::text_area(
                Field::new(name("casos"), t.t("reuniones-casos")).hint(t.t("reuniones-casos-ayuda")),
                value("casos"),
                2,
            ),
        ],
    )];
    for row in 0..AGREEMENT_ROWS {
        let field = |f: &str| name(&format!("input.agreements.{row}.{f}"));
        let chosen = value(&format!("input.agreements.{row}.sector"));
        groups.push(Group::new(
            field("").trim_end_matches('.').to_owned(),
            t.t1("reuniones-acuerdo-n", "numero", row + 1),
            vec![
                Control::input(
                    Field::new(field("fileNumber"), t.t("reuniones-expediente"))
                        .hint(t.t("reuniones-expediente-ayuda")),
                    form.value(&field("fileNumber")).to_owned(),
                    InputKind::Text,
                ),
                Control::select(
                    Field::new(field("sector"), t.t("reuniones-sector-responsable")),
                    t.t("elija"),
                    choices(&field("sector"), &|code| code == chosen),
                ),
                Control::text_area(
                    Field::new(field("text"), t.t("reuniones-acuerdo-texto")),
                    form.value(&field("text")).to_owned(),
                    3,
                ),
                Control::input(
                    Field::new(field("workingDays"), t.t("reuniones-plazo")).hint(t.t("reuniones-plazo-ayuda")),
                    form.value(&field("workingDays")).to_owned(),
                    InputKind::Number,
                ),
            ],
        ));
    }
    groups
}
