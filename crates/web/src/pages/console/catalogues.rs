//! `/consola/catalogos`, for admins: the sectors (with the coordinators
//! each has) and the catalogue of measures, and a form for each
//! (`saveSector`, `saveMeasureType`: created or changed by code). A row's
//! "Cambiar" link opens the form filled with that entry. A sector or
//! measure switched off stays in the lists, so the cases that name it keep
//! reading; it is only no longer offered.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Me;
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use crate::WebState;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind};
use crate::pages::form_data::FormData;
use crate::pages::posted;

use super::admin_form::{self, Saved};

const QUERY: &str = with_me!(
    "query ConsolaCatalogos { me { ...Yo } sectors { code name active } \
     measureTypes { code name kind defaultSector active } \
     users { displayName role sector leadCoordinator active } }"
);
const SAVE_SECTOR: &str = "mutation ConsolaSector($code: String!, $name: String!, $active: Boolean!) { \
     saveSector(code: $code, name: $name, active: $active) { code } }";
const SAVE_MEASURE: &str = "mutation ConsolaMedida($code: String!, $name: String!, $kind: MeasureKind!, \
     $defaultSector: String!, $active: Boolean!) { saveMeasureType(code: $code, name: $name, kind: $kind, \
     defaultSector: $defaultSector, active: $active) { code } }";

/// The sector form's fields' prefix and `accion` value.
const SECTOR: &str = "sector";
/// The measure form's.
const MEASURE: &str = "medida";

/// The catalogue's kinds of measure (`MeasureKind`), with their labels.
const KINDS: [(&str, &str); 3] = [
    ("PROTECTION", "catalogos-tipo-proteccion"),
    ("URGENT", "catalogos-tipo-urgente"),
    ("CROSS_CUTTING", "catalogos-tipo-transversal"),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    me: Me,
    sectors: Vec<Sector>,
    measure_types: Vec<MeasureType>,
    users: Vec<User>,
}

#[derive(Deserialize)]
struct Sector {
    code: String,
    name: String,
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeasureType {
    code: String,
    name: String,
    kind: String,
    default_sector: String,
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    display_name: String,
    #[serde(deserialize_with = "super::role")]
    role: Role,
    sector: Option<String>,
    lead_coordinator: bool,
    active: bool,
}

/// A sector's row: its coordinators by name, the lead one first.
struct SectorRow {
    code: String,
    name: String,
    active: bool,
    coordinators: String,
}

struct MeasureRow {
    code: String,
    name: String,
    kind: Text,
    sector: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "consola/catalogos.html")]
struct Catalogues {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    sectors: Vec<SectorRow>,
    measures: Vec<MeasureRow>,
    /// (`accion`, heading, fields) of the two forms.
    forms: Vec<(&'static str, Text, Vec<Group>)>,
    hidden: Vec<(String, String)>,
}

/// Which entry the forms start from (a row's "Cambiar" link).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Editing {
    sector: Option<String>,
    medida: Option<String>,
}

/// `GET /consola/catalogos[?sector=CODE|?medida=CODE]`.
pub(crate) async fn page(State(app): State<WebState>, session: Session, Query(editing): Query<Editing>) -> Response {
    draw(&app, &session, &editing, None, Feedback::default(), Vec::new()).await
}

/// `POST /consola/catalogos`: save a sector (`sector`) or a measure (`medida`).
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let form = &posted.form;
    let field = |prefix: &str, f: &str| form.value(&format!("{prefix}.{f}")).trim().to_owned();
    let active = |prefix: &str| form.contains(&format!("{prefix}.active"));
    let (prefix, query, variables) = match form.value(posted::ACTION) {
        SECTOR => (
            SECTOR,
            SAVE_SECTOR,
            json!({ "code": field(SECTOR, "code"), "name": field(SECTOR, "name"), "active": active(SECTOR) }),
        ),
        MEASURE => {
            let kind = field(MEASURE, "kind");
            if !KINDS.iter().any(|(code, _)| *code == kind) {
                let problems = vec![(format!("{MEASURE}.kind"), tr().t("error-elija"))];
                return draw(&app, &session, &Editing::default(), Some((MEASURE, form)), Feedback::default(), problems)
                    .await;
            }
            (
                MEASURE,
                SAVE_MEASURE,
                json!({
                    "code": field(MEASURE, "code"),
                    "name": field(MEASURE, "name"),
                    "kind": kind,
                    "defaultSector": field(MEASURE, "defaultSector"),
                    "active": active(MEASURE),
                }),
            )
        }
        _ => return draw(&app, &session, &Editing::default(), None, Feedback::default(), Vec::new()).await,
    };
    match admin_form::save::<Value>(&app, &session, &posted, prefix, query, variables).await {
        Saved::Done(_, feedback) => draw(&app, &session, &Editing::default(), None, feedback, Vec::new()).await,
        Saved::Again(feedback, problems) => {
            draw(&app, &session, &Editing::default(), Some((prefix, form)), feedback, problems).await
        }
        Saved::Refused(response) => response,
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
    let sector_name = |code: &str| -> String {
        data.sectors.iter().find(|s| s.code == code).map_or_else(|| code.to_owned(), |s| s.name.clone())
    };
    let sectors = data
        .sectors
        .iter()
        .map(|s| {
            let mut coordinators: Vec<&User> = data
                .users
                .iter()
                .filter(|u| u.active && u.role == Role::Coordinator && u.sector.as_deref() == Some(s.code.as_str()))
                .collect();
            coordinators.sort_by_key(|u| !u.lead_coordinator);
            let names: Vec<String> = coordinators
                .iter()
                .map(|u| {
                    if u.lead_coordinator {
                        format!("{} ({})", u.display_name, t.t("cuentas-principal"))
                    } else {
                        u.display_name.clone()
                    }
                })
                .collect();
            SectorRow { code: s.code.clone(), name: s.name.clone(), active: s.active, coordinators: names.join(", ") }
        })
        .collect();
    let measures = data
        .measure_types
        .iter()
        .map(|m| MeasureRow {
            code: m.code.clone(),
            name: m.name.clone(),
            kind: KINDS.iter().find(|(code, _)| *code == m.kind).map_or(Text::plain(&m.kind), |(_, id)| t.t(id)),
            sector: sector_name(&m.default_sector),
            active: m.active,
        })
        .collect();

    // A form starts from what was posted, else from the entry being
    // changed, else empty (a new one, active).
    let posted_to = |prefix: &str| posted.filter(|(to, _)| *to == prefix).map(|(_, form)| form);
    let sector_values = if let Some(form) = posted_to(SECTOR) {
        Values::posted(form, SECTOR)
    } else {
        match data.sectors.iter().find(|s| Some(&s.code) == editing.sector.as_ref()) {
            Some(s) => Values::of([("code", &s.code), ("name", &s.name)], s.active),
            None => Values::new(),
        }
    };
    let measure_values = if let Some(form) = posted_to(MEASURE) {
        Values::posted(form, MEASURE)
    } else {
        match data.measure_types.iter().find(|m| Some(&m.code) == editing.medida.as_ref()) {
            Some(m) => Values::of(
                [("code", &m.code), ("name", &m.name), ("kind", &m.kind), ("defaultSector", &m.default_sector)],
                m.active,
            ),
            None => Values::new(),
        }
    };
    let active_sectors: Vec<(&str, &str)> =
        data.sectors.iter().filter(|s| s.active).map(|s| (s.code.as_str(), s.name.as_str())).collect();
    let mut forms = vec![
        (SECTOR, t.t("catalogos-sector-form"), vec![sector_group(t, &sector_values)]),
        (MEASURE, t.t("catalogos-medida-form"), vec![measure_group(t, &measure_values, &active_sectors)]),
    ];
    admin_form::place(&mut forms, problems, &mut feedback);
    let page = Catalogues {
        frame: Frame::signed_in(app, session, data.me, t.t("catalogos-titulo"), "/consola/catalogos"),
        t,
        feedback,
        sectors,
        measures,
        forms,
        hidden: posted::own_fields_for(app, t, &session.binding),
    };
    frame::with_feedback(&page, &page.feedback)
}

/// What a form shows: its fields' values and whether "active" is ticked.
struct Values {
    fields: Vec<(&'static str, String)>,
    active: bool,
}

impl Values {
    fn new() -> Self {
        Self { fields: Vec::new(), active: true }
    }

    fn of<const N: usize>(fields: [(&'static str, &String); N], active: bool) -> Self {
        Self { fields: fields.into_iter().map(|(f, v)| (f, v.clone())).collect(), active }
    }

    fn posted(form: &FormData, prefix: &str) -> Self {
        let fields = ["code", "name", "kind", "defaultSector"]
            .into_iter()
            .map(|f| (f, form.value(&format!("{prefix}.{f}")).to_owned()))
            .collect();
        Self { fields, active: form.contains(&format!("{prefix}.active")) }
    }

    fn get(&self, field: &str) -> String {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

fn text_input(t: Tr, prefix: &str, field: &str, label: &str, hint: &str, values: &Values) -> Control {
    Control::input(
        Field::new(format!("{prefix}.{field}"), t.t(label)).required().hint(t.t(hint)),
        values.get(field),
        InputKind::Text,
    )
}

fn sector_group(t: Tr, values: &Values) -> Group {
    Group::untitled(
        SECTOR,
        vec![
            text_input(t, SECTOR, "code", "catalogos-codigo", "catalogos-codigo-ayuda", values),
            text_input(t, SECTOR, "name", "catalogos-nombre", "catalogos-nombre-ayuda", values),
            Control::checkbox(
                Field::new(format!("{SECTOR}.active"), t.t("catalogos-activo")).hint(t.t("catalogos-sector-activo")),
                values.active,
            ),
        ],
    )
}

fn measure_group(t: Tr, values: &Values, sectors: &[(&str, &str)]) -> Group {
    let name = |f: &str| format!("{MEASURE}.{f}");
    let kinds =
        KINDS.iter().map(|&(code, label)| Choice::new(&name("kind"), code, t.t(label), values.get("kind") == code));
    let sectors = sectors.iter().map(|&(code, label)| {
        Choice::new(&name("defaultSector"), code, Text::plain(label), values.get("defaultSector") == code)
    });
    Group::untitled(
        MEASURE,
        vec![
            text_input(t, MEASURE, "code", "catalogos-codigo", "catalogos-codigo-medida-ayuda", values),
            text_input(t, MEASURE, "name", "catalogos-nombre", "catalogos-nombre-ayuda", values),
            Control::radios(Field::new(name("kind"), t.t("catalogos-tipo")).required(), kinds.collect()),
            Control::select(
                Field::new(name("defaultSector"), t.t("catalogos-sector-habitual"))
                    .required()
                    .hint(t.t("catalogos-sector-habitual-ayuda")),
                t.t("elija"),
                sectors.collect(),
            ),
            Control::checkbox(
                Field::new(name("active"), t.t("catalogos-activo")).hint(t.t("catalogos-medida-activa")),
                values.active,
            ),
        ],
    )
}
