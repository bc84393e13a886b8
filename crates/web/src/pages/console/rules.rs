//! `/consola/reglas`: how long each kind of deadline runs and from which
//! event (`deadlineRules`), and when each track's deadlines are reminded
//! (`reminderPolicies`): any staff reads them, admins change them
//! (`saveDeadlineRule`, `saveReminderPolicy`). A changed rule applies to
//! deadlines set from then on; the page says so before saving.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::deadline::{DeadlineKind, StartEvent};
use domain::roles::Role;
use domain::workflow::Track;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Me;
use super::admin_form::{self, Saved};
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use crate::WebState;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind};
use crate::pages::form_data::FormData;
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaReglas { me { ...Yo } deadlineRules { kind track workingDays startEvent measureType } \
     measureTypes { code name active } \
     reminderPolicies { track beforeDue overdueEveryWorkingDay sendAt } }"
);
const SAVE_RULE: &str = "mutation ConsolaRegla($kind: DeadlineKind!, $track: Track, $workingDays: Int!, \
     $startEvent: StartEvent!, $measureType: String) { saveDeadlineRule(kind: $kind, track: $track, \
     workingDays: $workingDays, startEvent: $startEvent, measureType: $measureType) { kind } }";
const SAVE_POLICY: &str = "mutation ConsolaAvisos($track: Track!, $beforeDue: [Int!]!, \
     $overdueEveryWorkingDay: Boolean!, $sendAt: String!) { saveReminderPolicy(track: $track, \
     beforeDue: $beforeDue, overdueEveryWorkingDay: $overdueEveryWorkingDay, sendAt: $sendAt) { track } }";

/// The rule form's fields' prefix and `accion` value.
const RULE: &str = "regla";

/// A reminder policy form's prefix and `accion` value: `avisos-URGENT`.
fn policy_prefix(track: Track) -> String {
    format!("avisos-{}", track.code())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    me: Me,
    deadline_rules: Vec<Rule>,
    measure_types: Vec<MeasureType>,
    reminder_policies: Vec<Policy>,
}

#[derive(Deserialize)]
struct MeasureType {
    code: String,
    name: String,
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    kind: String,
    track: Option<String>,
    working_days: u32,
    start_event: String,
    /// Reviews: the type of measure it is for; every type when absent.
    measure_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Policy {
    track: String,
    before_due: Vec<i64>,
    overdue_every_working_day: bool,
    send_at: String,
}

struct RuleRow {
    kind: String,
    track: String,
    length: Text,
    start: String,
    /// The link that opens the form on this rule (admins).
    change: Option<String>,
}

struct PolicyRow {
    track: String,
    before: String,
    overdue: Text,
    send_at: String,
}

#[derive(Template)]
#[template(path = "consola/reglas.html")]
struct Rules {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    rules: Vec<RuleRow>,
    policies: Vec<PolicyRow>,
    /// (`accion`, heading, fields): admins only.
    forms: Vec<(String, Text, Vec<Group>)>,
    hidden: Vec<(String, String)>,
}

/// The rule the form starts from (a row's link).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Editing {
    regla: Option<String>,
    via: Option<String>,
    tipo: Option<String>,
}

/// `GET /consola/reglas[?regla=KIND&via=TRACK&tipo=MEASURE_TYPE]`.
pub(crate) async fn page(State(app): State<WebState>, session: Session, Query(editing): Query<Editing>) -> Response {
    draw(&app, &session, &editing, None, Feedback::default(), Vec::new()).await
}

/// `POST /consola/reglas`: save a rule (`regla`) or a track's reminders
/// (`avisos-TRACK`).
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let form = &posted.form;
    let action = form.value(posted::ACTION).to_owned();
    let field = |prefix: &str, f: &str| form.value(&format!("{prefix}.{f}")).trim().to_owned();
    let policy_track = Track::ALL.iter().copied().find(|track| policy_prefix(*track) == action);
    let (query, variables) = if action == RULE {
        let mut problems = Vec::new();
        let working_days = field(RULE, "workingDays");
        let days = working_days.parse::<u32>().ok();
        if days.is_none() {
            let message = if working_days.is_empty() { "error-obligatorio" } else { "reglas-error-dias" };
            problems.push((format!("{RULE}.workingDays"), t.t(message)));
        }
        for (name, known) in [
            ("kind", DeadlineKind::parse(&field(RULE, "kind")).is_ok()),
            ("startEvent", StartEvent::parse(&field(RULE, "startEvent")).is_ok()),
        ] {
            if !known {
                problems.push((format!("{RULE}.{name}"), t.t("error-elija-opcion")));
            }
        }
        let track = field(RULE, "track");
        if !track.is_empty() && Track::parse(&track).is_err() {
            problems.push((format!("{RULE}.track"), t.t("error-elija-opcion")));
        }
        if !problems.is_empty() {
            return draw(&app, &session, &Editing::default(), Some((RULE, form)), Feedback::default(), problems).await;
        }
        let optional = |value: String| if value.is_empty() { Value::Null } else { json!(value) };
        let variables = json!({
            "kind": field(RULE, "kind"),
            "track": optional(track),
            "workingDays": days,
            "startEvent": field(RULE, "startEvent"),
            "measureType": optional(field(RULE, "measureType")),
        });
        (SAVE_RULE, variables)
    } else if let Some(track) = policy_track {
        let prefix = policy_prefix(track);
        let Some(before) = before_due(&field(&prefix, "beforeDue")) else {
            let problems = vec![(format!("{prefix}.beforeDue"), t.t("reglas-error-antes"))];
            return draw(&app, &session, &Editing::default(), Some((&prefix, form)), Feedback::default(), problems)
                .await;
        };
        let variables = json!({
            "track": track.code(),
            "beforeDue": before,
            "overdueEveryWorkingDay": form.contains(&format!("{prefix}.overdueEveryWorkingDay")),
            "sendAt": field(&prefix, "sendAt"),
        });
        (SAVE_POLICY, variables)
    } else {
        return draw(&app, &session, &Editing::default(), None, Feedback::default(), Vec::new()).await;
    };
    match admin_form::save::<Value>(&app, &session, &posted, &action, query, variables).await {
        Saved::Done(_, feedback) => draw(&app, &session, &Editing::default(), None, feedback, Vec::new()).await,
        Saved::Again(feedback, problems) => {
            // `beforeDue[1]` is one number of the field that lists them.
            let problems = problems
                .into_iter()
                .map(|(name, message)| (name.split('[').next().unwrap_or_default().to_owned(), message))
                .collect();
            draw(&app, &session, &Editing::default(), Some((&action, form)), feedback, problems).await
        }
        Saved::Refused(response) => response,
    }
}

/// "5, 2, 0" → [5, 2, 0]; `None` when something there is not a whole number.
fn before_due(text: &str) -> Option<Vec<i64>> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<i64>().ok())
        .collect()
}

fn track_label(t: Tr, code: Option<&str>) -> String {
    match code.and_then(|c| Track::parse(c).ok()) {
        Some(track) => track.label().to_owned(),
        None => t.t("reglas-ambas-vias").as_str().to_owned(),
    }
}

async fn draw(
    app: &WebState,
    session: &Session,
    editing: &Editing,
    posted: Option<(&str, &FormData)>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let data = match frame::load::<Data>(app, session, QUERY, json!({})).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let admin = data.me.role == Role::Admin;
    let rules = data
        .deadline_rules
        .iter()
        .map(|r| {
            let kind = DeadlineKind::parse(&r.kind).map_or(r.kind.clone(), |k| k.label().to_owned());
            let measure_type = r.measure_type.as_deref().unwrap_or("");
            RuleRow {
                kind: match data.measure_types.iter().find(|m| m.code == measure_type) {
                    Some(m) => format!("{kind}: {}", m.name),
                    None => kind,
                },
                track: track_label(t, r.track.as_deref()),
                length: t.t1("reglas-dias-habiles", "dias", r.working_days as usize),
                start: StartEvent::parse(&r.start_event).map_or(r.start_event.clone(), |e| e.label().to_owned()),
                change: admin.then(|| {
                    let track = r.track.as_deref().unwrap_or("");
                    format!("/consola/reglas?regla={}&via={track}&tipo={measure_type}#regla-titulo", r.kind)
                }),
            }
        })
        .collect();
    let policies = data
        .reminder_policies
        .iter()
        .map(|p| PolicyRow {
            track: track_label(t, Some(&p.track)),
            before: days_list(&p.before_due),
            overdue: t.t(if p.overdue_every_working_day { "reglas-vencidos-si" } else { "reglas-vencidos-no" }),
            send_at: p.send_at.clone(),
        })
        .collect();
    let mut forms = Vec::new();
    if admin {
        let from = |prefix: &str| posted.filter(|(to, _)| *to == prefix).map(|(_, form)| form);
        let rule = match from(RULE) {
            Some(form) => RuleValues::posted(form),
            None => data
                .deadline_rules
                .iter()
                .find(|r| {
                    Some(&r.kind) == editing.regla.as_ref()
                        && r.track.as_deref().unwrap_or("") == editing.via.as_deref().unwrap_or("")
                        && r.measure_type.as_deref().unwrap_or("") == editing.tipo.as_deref().unwrap_or("")
                })
                .map_or_else(RuleValues::default, RuleValues::of),
        };
        forms.push((RULE.to_owned(), t.t("reglas-regla-form"), vec![rule_group(t, &rule, &data.measure_types)]));
        for track in Track::ALL.iter().copied() {
            let prefix = policy_prefix(track);
            let current = data.reminder_policies.iter().find(|p| p.track == track.code());
            let group = policy_group(t, &prefix, from(&prefix), current);
            forms.push((prefix, t.t1("reglas-avisos-form", "via", track.label()), vec![group]));
        }
    }
    admin_form::place(&mut forms, problems, &mut feedback);
    let page = Rules {
        frame: Frame::signed_in(app, session, data.me, t.t("reglas-titulo"), "/consola/reglas"),
        t,
        feedback,
        rules,
        policies,
        forms,
        hidden: posted::own_fields_for(app, t, &session.binding),
    };
    frame::with_feedback(&page, &page.feedback)
}

/// "5, 2, 0", as the form writes the list.
fn days_list(days: &[i64]) -> String {
    days.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// What the rule form shows.
#[derive(Default)]
struct RuleValues {
    kind: String,
    track: String,
    working_days: String,
    start_event: String,
    measure_type: String,
}

impl RuleValues {
    fn of(rule: &Rule) -> Self {
        Self {
            kind: rule.kind.clone(),
            track: rule.track.clone().unwrap_or_default(),
            working_days: rule.working_days.to_string(),
            start_event: rule.start_event.clone(),
            measure_type: rule.measure_type.clone().unwrap_or_default(),
        }
    }

    fn posted(form: &FormData) -> Self {
        let value = |f: &str| form.value(&format!("{RULE}.{f}")).to_owned();
        Self {
            kind: value("kind"),
            track: value("track"),
            working_days: value("workingDays"),
            start_event: value("startEvent"),
            measure_type: value("measureType"),
        }
    }
}

fn rule_group(t: Tr, values: &RuleValues, measure_types: &[MeasureType]) -> Group {
    let name = |f: &str| format!("{RULE}.{f}");
    let choices = |field: &str, items: Vec<(&'static str, &'static str)>, selected: &str| -> Vec<Choice> {
        items
            .into_iter()
            .map(|(code, label)| Choice::new(&name(field), code, Text::plain(label), selected == code))
            .collect()
    };
    Group::untitled(
        RULE,
        vec![
            Control::select(
                Field::new(name("kind"), t.t("reglas-tipo")).required(),
                t.t("elija"),
                choices("kind", DeadlineKind::ALL.iter().map(|k| (k.code(), k.label())).collect(), &values.kind),
            ),
            Control::select(
                Field::new(name("track"), t.t("reglas-via")).hint(t.t("reglas-via-ayuda")),
                t.t("reglas-ambas-vias"),
                choices("track", Track::ALL.iter().map(|k| (k.code(), k.label())).collect(), &values.track),
            ),
            Control::select(
                Field::new(name("measureType"), t.t("reglas-tipo-medida")).hint(t.t("reglas-tipo-medida-ayuda")),
                t.t("reglas-todos-los-tipos"),
                measure_types
                    .iter()
                    .filter(|m| m.active || m.code == values.measure_type)
                    .map(|m| {
                        let selected = m.code == values.measure_type;
                        Choice::new(&name("measureType"), &m.code, Text::plain(&m.name), selected)
                    })
                    .collect(),
            ),
            Control::input(
                Field::new(name("workingDays"), t.t("reglas-duracion")).required().hint(t.t("reglas-duracion-ayuda")),
                values.working_days.clone(),
                InputKind::Number,
            ),
            Control::select(
                Field::new(name("startEvent"), t.t("reglas-inicio")).required().hint(t.t("reglas-inicio-ayuda")),
                t.t("elija"),
                choices(
                    "startEvent",
                    StartEvent::ALL.iter().map(|k| (k.code(), k.label())).collect(),
                    &values.start_event,
                ),
            ),
        ],
    )
}

fn policy_group(t: Tr, prefix: &str, posted: Option<&FormData>, current: Option<&Policy>) -> Group {
    let name = |f: &str| format!("{prefix}.{f}");
    let (before, overdue, send_at) = match (posted, current) {
        (Some(form), _) => (
            form.value(&name("beforeDue")).to_owned(),
            form.contains(&name("overdueEveryWorkingDay")),
            form.value(&name("sendAt")).to_owned(),
        ),
        (None, Some(p)) => (days_list(&p.before_due), p.overdue_every_working_day, p.send_at.clone()),
        (None, None) => (String::new(), true, "09:00".to_owned()),
    };
    Group::untitled(
        prefix,
        vec![
            Control::input(
                Field::new(name("beforeDue"), t.t("reglas-antes")).hint(t.t("reglas-antes-ayuda")),
                before,
                InputKind::Text,
            ),
            Control::checkbox(Field::new(name("overdueEveryWorkingDay"), t.t("reglas-vencidos")), overdue),
            Control::input(
                Field::new(name("sendAt"), t.t("reglas-hora")).required().hint(t.t("reglas-hora-ayuda")),
                send_at,
                InputKind::Text,
            ),
        ],
    )
}
