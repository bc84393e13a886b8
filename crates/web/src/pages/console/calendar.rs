//! `/consola/calendario`: the working-day calendar every deadline is
//! counted with (`calendar`: holiday rules, decreed non-working days,
//! suspension periods, national or by department) and, for admins, its
//! changes. A change is measured first (the mutation's `dryRun`: how many
//! running deadlines would move, nothing kept) and saved only after that,
//! from the page that shows the effect.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Me;
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaCalendario { me { ...Yo } \
     calendar { version holidayRules { name fixedDate easterOffset legalBasis } \
       nonWorkingDays { id firstDay department legalBasis source } \
       suspensionPeriods { id firstDay lastDay department legalBasis source } } \
     departments { code name } }"
);

/// A change to the calendar, as the page offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    AddDay,
    RemoveDay,
    AddSuspension,
    RemoveSuspension,
}

impl Change {
    const ALL: [Change; 4] = [Change::AddDay, Change::RemoveDay, Change::AddSuspension, Change::RemoveSuspension];

    /// Its fields' prefix, and the `accion` value with `revisar-` (measure)
    /// or `guardar-` (apply) before it.
    fn code(self) -> &'static str {
        match self {
            Change::AddDay => "dia",
            Change::RemoveDay => "quitar-dia",
            Change::AddSuspension => "suspension",
            Change::RemoveSuspension => "quitar-suspension",
        }
    }

    /// `accion` → the change, and whether to apply it.
    fn parse(action: &str) -> Option<(Change, bool)> {
        let (apply, code) = match action.split_once('-') {
            Some(("revisar", code)) => (false, code),
            Some(("guardar", code)) => (true, code),
            _ => return None,
        };
        Change::ALL.into_iter().find(|c| c.code() == code).map(|c| (c, apply))
    }

    fn mutation(self) -> &'static str {
        match self {
            Change::AddDay => {
                "mutation ConsolaDiaNoLaborable($date: Date!, $department: String, $legalBasis: String!, \
                 $source: String, $dryRun: Boolean!) { addNonWorkingDay(date: $date, department: $department, \
                 legalBasis: $legalBasis, source: $source, dryRun: $dryRun) { applied casesRecomputed deadlinesMoved recomputationPending } }"
            }
            Change::RemoveDay => {
                "mutation ConsolaQuitarDia($id: ID!, $dryRun: Boolean!) { removeNonWorkingDay(nonWorkingDayId: $id, \
                 dryRun: $dryRun) { applied casesRecomputed deadlinesMoved recomputationPending } }"
            }
            Change::AddSuspension => {
                "mutation ConsolaSuspension($firstDay: Date!, $lastDay: Date!, $department: String, \
                 $legalBasis: String!, $source: String, $dryRun: Boolean!) { addSuspensionPeriod(firstDay: $firstDay, \
                 lastDay: $lastDay, department: $department, legalBasis: $legalBasis, source: $source, \
                 dryRun: $dryRun) { applied casesRecomputed deadlinesMoved recomputationPending } }"
            }
            Change::RemoveSuspension => {
                "mutation ConsolaQuitarSuspension($id: ID!, $dryRun: Boolean!) { removeSuspensionPeriod(\
                 suspensionPeriodId: $id, dryRun: $dryRun) { applied casesRecomputed deadlinesMoved recomputationPending } }"
            }
        }
    }

    /// The dates among its fields.
    fn dates(self) -> &'static [&'static str] {
        match self {
            Change::AddDay => &["date"],
            Change::AddSuspension => &["firstDay", "lastDay"],
            Change::RemoveDay | Change::RemoveSuspension => &[],
        }
    }

    /// Every field it posts, by the mutation's argument names.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Change::AddDay => &["date", "department", "legalBasis", "source"],
            Change::AddSuspension => &["firstDay", "lastDay", "department", "legalBasis", "source"],
            Change::RemoveDay | Change::RemoveSuspension => &["id"],
        }
    }
}

#[derive(Deserialize)]
struct Data {
    me: Me,
    calendar: Calendar,
    departments: Vec<Named>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Calendar {
    version: u64,
    holiday_rules: Vec<HolidayRule>,
    non_working_days: Vec<Entry>,
    suspension_periods: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HolidayRule {
    name: String,
    fixed_date: Option<String>,
    easter_offset: Option<i32>,
    legal_basis: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    id: String,
    first_day: NaiveDate,
    last_day: Option<NaiveDate>,
    department: Option<String>,
    legal_basis: String,
    source: Option<String>,
}

#[derive(Deserialize)]
struct Named {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Effect {
    cases_recomputed: u64,
    deadlines_moved: u64,
    recomputation_pending: bool,
}

/// A row of the lists, with its removal's form when the person may remove it.
struct Line {
    when: String,
    place: String,
    basis: String,
    /// Its `accion` value and hidden fields.
    remove: Option<(String, Vec<(String, String)>)>,
}

/// A change measured and waiting to be saved.
struct Pending {
    heading: Text,
    effect: Text,
    action: String,
    hidden: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "consola/calendario.html")]
struct CalendarPage {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    version: u64,
    rules: Vec<(String, String, String)>,
    days: Vec<Line>,
    suspensions: Vec<Line>,
    pending: Option<Pending>,
    /// The admin's forms to add a day or a period (none for other roles).
    add_forms: Vec<(String, Text, Vec<Group>)>,
    hidden: Vec<(String, String)>,
}

/// `GET /consola/calendario`.
pub(crate) async fn page(State(app): State<WebState>, session: Session) -> Response {
    draw(&app, &session, &FormData::default(), None, Feedback::default(), Vec::new()).await
}

/// `POST /consola/calendario`: measure a change, or save one measured.
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let form = posted.form;
    let Some((change, apply)) = Change::parse(form.value(posted::ACTION)) else {
        return draw(&app, &session, &FormData::default(), None, Feedback::default(), Vec::new()).await;
    };
    if posted.expired {
        let feedback = Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() };
        return draw(&app, &session, &form, None, feedback, Vec::new()).await;
    }
    let variables = match variables(t, change, &form, !apply) {
        Ok(variables) => variables,
        Err(problems) => return draw(&app, &session, &form, None, Feedback::default(), problems).await,
    };
    let outcome = operation::run::<Value>(&app, &session.caller, change.mutation(), variables).await;
    match outcome {
        Ok(data) => {
            let effect: Option<Effect> =
                data.as_object().and_then(|o| o.values().next()).and_then(|v| serde_json::from_value(v.clone()).ok());
            let Some(effect) = effect else { return frame::refused(&app, &session, Failure::Unavailable).await };
            let said = t.with(
                if apply { "calendario-efecto-hecho" } else { "calendario-efecto-previsto" },
                [
                    ("casos", (effect.cases_recomputed as usize).into()),
                    ("plazos", (effect.deadlines_moved as usize).into()),
                ],
            );
            if apply {
                let said = if effect.recomputation_pending { t.t("calendario-efecto-pendiente") } else { said };
                let feedback = Feedback { notice: Some(said), ..Feedback::default() };
                return draw(&app, &session, &FormData::default(), None, feedback, Vec::new()).await;
            }
            let mut hidden = posted::own_fields_for(&app, t, &session.binding);
            hidden.extend(
                change.fields().iter().map(|f| {
                    (format!("{}.{f}", change.code()), form.value(&format!("{}.{f}", change.code())).to_owned())
                }),
            );
            let pending = Pending {
                heading: t.t(&format!("calendario-revisar-{}", change.code())),
                effect: said,
                action: format!("guardar-{}", change.code()),
                hidden,
            };
            draw(&app, &session, &form, Some(pending), Feedback::default(), Vec::new()).await
        }
        Err(Failure::Input(problems)) => {
            let problems = problems
                .into_iter()
                .map(|p| (format!("{}.{}", change.code(), p.path), Text::spanish(p.message, Lang::Es)))
                .collect();
            draw(&app, &session, &form, None, Feedback::default(), problems).await
        }
        Err(Failure::Refused { code, message, .. }) if code == "CONFLICT" || code == "INVALID_TRANSITION" => {
            let feedback = Feedback { general: vec![Text::spanish(message, Lang::Es)], ..Feedback::default() };
            draw(&app, &session, &form, None, feedback, Vec::new()).await
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

/// The mutation's variables, or what the page finds wrong first (a date
/// not written as one: the API would refuse the whole document).
fn variables(t: Tr, change: Change, form: &FormData, dry_run: bool) -> Result<Value, Vec<(String, Text)>> {
    let name = |f: &str| format!("{}.{f}", change.code());
    let problems: Vec<(String, Text)> = change
        .dates()
        .iter()
        .filter_map(|f| {
            let value = form.value(&name(f)).trim().to_owned();
            match value.parse::<NaiveDate>() {
                Ok(_) => None,
                Err(_) if value.is_empty() => Some((name(f), t.t("error-obligatorio"))),
                Err(_) => Some((name(f), t.t("error-fecha"))),
            }
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut variables = serde_json::Map::new();
    for f in change.fields() {
        let value = form.value(&name(f)).trim().to_owned();
        let optional = matches!(*f, "department" | "source");
        variables.insert((*f).to_owned(), if optional && value.is_empty() { Value::Null } else { json!(value) });
    }
    variables.insert("dryRun".into(), json!(dry_run));
    Ok(Value::Object(variables))
}

async fn draw(
    app: &WebState,
    session: &Session,
    form: &FormData,
    pending: Option<Pending>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let data = match frame::load::<Data>(app, session, QUERY, json!({})).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let admin = data.me.role == Role::Admin;
    let department_name = |code: &Option<String>| match code {
        Some(code) => data.departments.iter().find(|d| &d.code == code).map_or(code.clone(), |d| d.name.clone()),
        None => t.t("calendario-todo-el-pais").as_str().to_owned(),
    };
    let remove = |change: Change, id: &str| {
        admin.then(|| {
            let mut fields = posted::own_fields_for(app, t, &session.binding);
            fields.push((format!("{}.id", change.code()), id.to_owned()));
            (format!("revisar-{}", change.code()), fields)
        })
    };
    let basis = |e: &Entry| match &e.source {
        Some(source) => format!("{} ({source})", e.legal_basis),
        None => e.legal_basis.clone(),
    };
    let days = data
        .calendar
        .non_working_days
        .iter()
        .rev()
        .map(|e| Line {
            when: e.first_day.to_string(),
            place: department_name(&e.department),
            basis: basis(e),
            remove: remove(Change::RemoveDay, &e.id),
        })
        .collect();
    let suspensions = data
        .calendar
        .suspension_periods
        .iter()
        .rev()
        .map(|e| Line {
            when: format!("{} – {}", e.first_day, e.last_day.unwrap_or(e.first_day)),
            place: department_name(&e.department),
            basis: basis(e),
            remove: remove(Change::RemoveSuspension, &e.id),
        })
        .collect();
    let rules = data
        .calendar
        .holiday_rules
        .iter()
        .map(|r| {
            let when = match (&r.fixed_date, r.easter_offset) {
                (Some(date), _) => date.clone(),
                (None, Some(offset)) => t.t1("calendario-pascua", "dias", offset.to_string()).as_str().to_owned(),
                (None, None) => String::new(),
            };
            (r.name.clone(), when, r.legal_basis.clone())
        })
        .collect();
    let mut add_forms = Vec::new();
    if admin {
        let departments: Vec<(String, String)> =
            data.departments.iter().map(|d| (d.code.clone(), d.name.clone())).collect();
        for change in [Change::AddDay, Change::AddSuspension] {
            let mut groups = add_groups(t, change, form, &departments);
            let mine: Vec<(String, Text)> =
                problems.iter().filter(|(n, _)| n.starts_with(&format!("{}.", change.code()))).cloned().collect();
            if !mine.is_empty() {
                feedback.summary.extend(place_problems(&mut groups, &mine, &mut feedback.general));
            }
            add_forms.push((
                format!("revisar-{}", change.code()),
                t.t(&format!("calendario-anadir-{}", change.code())),
                groups,
            ));
        }
    }
    let page = CalendarPage {
        frame: Frame::signed_in(app, session, data.me, t.t("calendario-titulo"), "/consola/calendario"),
        t,
        feedback,
        version: data.calendar.version,
        rules,
        days,
        suspensions,
        pending,
        add_forms,
        hidden: posted::own_fields_for(app, t, &session.binding),
    };
    frame::with_feedback(&page, &page.feedback)
}

fn add_groups(t: Tr, change: Change, form: &FormData, departments: &[(String, String)]) -> Vec<Group> {
    let name = |f: &str| format!("{}.{f}", change.code());
    let date = |f: &str, label: &str| {
        Control::input(
            Field::new(name(f), t.t(label)).required().hint(t.t("campo-fecha-ayuda")),
            form.value(&name(f)).to_owned(),
            InputKind::Text,
        )
    };
    let mut controls = match change {
        Change::AddDay => vec![date("date", "calendario-dia")],
        _ => vec![date("firstDay", "calendario-primer-dia"), date("lastDay", "calendario-ultimo-dia")],
    };
    let choices = departments
        .iter()
        .map(|(code, label)| {
            Choice::new(&name("department"), code, Text::plain(label), form.value(&name("department")) == code)
        })
        .collect();
    controls.push(Control::select(
        Field::new(name("department"), t.t("calendario-departamento")).hint(t.t("calendario-departamento-ayuda")),
        t.t("calendario-todo-el-pais"),
        choices,
    ));
    controls.push(Control::input(
        Field::new(name("legalBasis"), t.t("calendario-base-legal"))
            .required()
            .hint(t.t("calendario-base-legal-ayuda")),
        form.value(&name("legalBasis")).to_owned(),
        InputKind::Text,
    ));
    controls.push(Control::input(
        Field::new(name("source"), t.t("calendario-fuente")),
        form.value(&name("source")).to_owned(),
        InputKind::Text,
    ));
    vec![Group::untitled(name(""), controls)]
}
