//! What each step asks, as groups of controls filled with what the form
//! holds; and the review of everything on the last step.

use domain::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, IdDocumentKind, Language, Relationship,
};
use serde::Deserialize;

use super::draft::{
    EVIDENCE, FILER, FILER_OTHER, FILER_SELF, MAX_EVIDENCE, MAX_PEOPLE, MEASURE_OTHER, MEASURE_TYPES, PEOPLE, PERSON,
    row_count, row_field,
};
use super::steps::Step;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::controls::{Choice, Control, Field, Group, InputKind};
use crate::pages::form_data::FormData;

/// What the API's reference lists give the form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Reference {
    #[serde(default)]
    pub(crate) departments: Vec<Department>,
    #[serde(default, rename = "measureTypes")]
    pub(crate) measure_types: Vec<MeasureType>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Department {
    pub(crate) code: String,
    pub(crate) name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MeasureType {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) active: bool,
}

/// The GraphQL operation that reads the lists a step needs.
pub(crate) fn reference_query(step: Step) -> Option<&'static str> {
    match step {
        Step::Place => Some("query SolicitudDepartamentos { departments { code name } }"),
        Step::Protection => Some("query SolicitudMedidas { measureTypes { code name active } }"),
        Step::Consent => {
            Some("query SolicitudRevision { departments { code name } measureTypes { code name active } }")
        }
        Step::People | Step::Facts | Step::Contact => None,
    }
}

struct Builder<'a> {
    form: &'a FormData,
    t: Tr,
}

impl Builder<'_> {
    fn field(&self, name: &str, label_id: &str) -> Field {
        Field::new(name, self.t.t(label_id))
    }

    fn input(&self, field: Field, kind: InputKind) -> Control {
        let value = self.form.value(&field.name).to_owned();
        Control::input(field, value, kind)
    }

    fn text_area(&self, field: Field, rows: u8) -> Control {
        let value = self.form.value(&field.name).to_owned();
        Control::text_area(field, value, rows)
    }

    /// A closed list of the domain, labelled from the catalogue (`prefix-CODE`).
    fn coded<T: Copy>(&self, name: &str, all: &[T], code: fn(T) -> &'static str, prefix: &str) -> Vec<Choice> {
        let chosen: Vec<&str> = self.form.values(name).collect();
        all.iter()
            .map(|v| {
                let code = code(*v);
                Choice::new(name, code, self.t.t(&format!("{prefix}-{code}")), chosen.contains(&code))
            })
            .collect()
    }

    fn select(&self, field: Field, choices: Vec<Choice>) -> Control {
        Control::select(field, self.t.t("elija"), choices)
    }
}

/// The controls of `step`, with what the form holds.
pub(crate) fn groups(step: Step, form: &FormData, t: Tr, reference: &Reference) -> Vec<Group> {
    let b = Builder { form, t };
    match step {
        Step::People => people(&b),
        Step::Place => place(&b, reference),
        Step::Facts => facts(&b),
        Step::Protection => protection(&b, reference),
        Step::Contact => contact(&b),
        Step::Consent => consent(&b),
    }
}

/// The button that adds a row on this step, if it has rows.
pub(crate) fn add_button(step: Step, form: &FormData, t: Tr) -> Option<(String, Text)> {
    match step {
        Step::People if row_count(form, "beneficiaries", PEOPLE, 1, MAX_PEOPLE) < MAX_PEOPLE => {
            Some(("agregar-persona".into(), t.t("agregar-persona")))
        }
        Step::Facts if row_count(form, "evidence", EVIDENCE, 1, MAX_EVIDENCE) < MAX_EVIDENCE => {
            Some(("agregar-prueba".into(), t.t("agregar-prueba")))
        }
        _ => None,
    }
}

fn people(b: &Builder<'_>) -> Vec<Group> {
    let t = b.t;
    let filer = b.form.value(FILER);
    let mut groups = vec![Group::untitled(
        FILER,
        vec![Control::radios(
            b.field(FILER, "personas-quien").required(),
            vec![
                Choice::new(FILER, FILER_SELF, t.t("personas-quien-yo"), filer == FILER_SELF),
                Choice::new(FILER, FILER_OTHER, t.t("personas-quien-otra"), filer == FILER_OTHER),
            ],
        )],
    )];
    let mut third = Group::new(
        "thirdParty",
        t.t("tercero-grupo"),
        vec![
            b.input(b.field("thirdParty.name", "tercero-nombre").required(), InputKind::Text),
            b.select(
                b.field("thirdParty.relationship", "tercero-relacion").required(),
                b.coded("thirdParty.relationship", Relationship::ALL, Relationship::code, "relacion"),
            ),
            b.input(b.field("thirdParty.relationshipDetail", "tercero-relacion-detalle"), InputKind::Text),
            b.input(b.field("thirdParty.organisation", "tercero-organizacion"), InputKind::Text),
        ],
    );
    third.hint = Some(t.t("tercero-ayuda"));
    third.class = "tercero";
    groups.push(third);

    let rows = row_count(b.form, "beneficiaries", PEOPLE, 1, MAX_PEOPLE);
    for row in 0..rows {
        let name = |f: &str| row_field("beneficiaries", row, f);
        let kind = name("collective");
        let chosen = match b.form.value(&kind) {
            "" => PERSON,
            other => other,
        };
        let mut kinds = vec![Choice::new(&kind, PERSON, t.t("persona-una-persona"), chosen == PERSON)];
        kinds.extend(
            CollectiveKind::ALL
                .iter()
                .map(|c| Choice::new(&kind, c.code(), t.t(&format!("colectivo-{}", c.code())), chosen == c.code())),
        );
        let mut group = Group::new(
            format!("beneficiaries[{row}]"),
            t.t1("persona-grupo", "numero", row + 1),
            vec![
                Control::radios(b.field(&kind, "persona-tipo"), kinds),
                b.input(
                    b.field(&name("name"), "persona-nombre").required().hint(t.t("persona-nombre-ayuda")),
                    InputKind::Text,
                ),
                b.select(
                    b.field(&name("documentKind"), "persona-documento"),
                    b.coded(&name("documentKind"), IdDocumentKind::ALL, IdDocumentKind::code, "documento"),
                ),
                b.input(b.field(&name("documentNumber"), "persona-documento-numero"), InputKind::Text),
                b.select(
                    b.field(&name("gender"), "persona-genero"),
                    b.coded(&name("gender"), Gender::ALL, Gender::code, "genero"),
                ),
                b.input(b.field(&name("approximateMembers"), "persona-integrantes"), InputKind::Number),
            ],
        );
        if rows > 1 {
            group.remove = Some((format!("quitar-persona-{row}"), t.t1("quitar-persona", "numero", row + 1)));
        }
        groups.push(group);
    }
    groups
}

fn place(b: &Builder<'_>, reference: &Reference) -> Vec<Group> {
    let t = b.t;
    let chosen = b.form.value("place.ubigeo");
    let departments = reference
        .departments
        .iter()
        .map(|d| Choice::new("place.ubigeo", d.code.clone(), Text::plain(d.name.clone()), d.code == chosen))
        .collect();
    let mut group = Group::new(
        "place",
        t.t("lugar-grupo"),
        vec![
            b.select(b.field("place.ubigeo", "lugar-departamento").required(), departments),
            b.text_area(b.field("place.detail", "lugar-detalle").hint(t.t("lugar-detalle-ayuda")), 3),
        ],
    );
    group.hint = Some(t.t("lugar-ayuda"));
    vec![group]
}

fn facts(b: &Builder<'_>) -> Vec<Group> {
    let t = b.t;
    let chosen = b.form.value("defenderCategory");
    let categories = DefenderCategory::ALL
        .iter()
        .map(|c| Choice::new("defenderCategory", c.code(), t.t(&format!("categoria-{}", c.code())), chosen == c.code()))
        .collect();
    let mut groups = vec![
        Group::new(
            "defenderCategory",
            t.t("hechos-grupo-defiende"),
            vec![
                Control::radios(b.field("defenderCategory", "hechos-categoria").required(), categories),
                b.input(b.field("defenderCategoryDetail", "hechos-categoria-detalle"), InputKind::Text),
            ],
        ),
        Group::new(
            "aggression",
            t.t("hechos-grupo-agresion"),
            vec![
                Control::checkboxes(
                    b.field("aggressionTypes", "hechos-agresiones").required().hint(t.t("hechos-agresiones-ayuda")),
                    b.coded("aggressionTypes", AggressionType::ALL, AggressionType::code, "agresion"),
                ),
                b.select(
                    b.field("aggressorType", "hechos-agresor"),
                    b.coded("aggressorType", AggressorType::ALL, AggressorType::code, "agresor"),
                ),
            ],
        ),
        Group::new(
            "facts",
            t.t("hechos-grupo-relato"),
            vec![b.text_area(b.field("facts", "hechos-relato").required().hint(t.t("hechos-relato-ayuda")), 8)],
        ),
    ];
    let rows = row_count(b.form, "evidence", EVIDENCE, 1, MAX_EVIDENCE);
    for row in 0..rows {
        let name = |f: &str| row_field("evidence", row, f);
        let mut group = Group::new(
            format!("evidence[{row}]"),
            t.t1("prueba-grupo", "numero", row + 1),
            vec![
                b.input(b.field(&name("description"), "prueba-descripcion"), InputKind::Text),
                b.input(b.field(&name("reference"), "prueba-referencia"), InputKind::Text),
            ],
        );
        group.hint = (row == 0).then(|| t.t("prueba-ayuda"));
        if rows > 1 {
            group.remove = Some((format!("quitar-prueba-{row}"), t.t1("quitar-prueba", "numero", row + 1)));
        }
        groups.push(group);
    }
    groups
}

fn protection(b: &Builder<'_>, reference: &Reference) -> Vec<Group> {
    let t = b.t;
    let chosen: Vec<&str> = b.form.values(MEASURE_TYPES).collect();
    let choices = reference
        .measure_types
        .iter()
        .filter(|m| m.active)
        .map(|m| {
            Choice::new(
                MEASURE_TYPES,
                m.code.clone(),
                Text::spanish(m.name.clone(), t.lang),
                chosen.contains(&m.code.as_str()),
            )
        })
        .collect();
    vec![Group::new(
        "requestedMeasures",
        t.t("proteccion-grupo"),
        vec![
            Control::checkboxes(
                b.field(MEASURE_TYPES, "proteccion-medidas").hint(t.t("proteccion-medidas-ayuda")),
                choices,
            ),
            b.text_area(b.field(MEASURE_OTHER, "proteccion-otra"), 4),
        ],
    )]
}

fn contact(b: &Builder<'_>) -> Vec<Group> {
    let t = b.t;
    let mut reach = Group::new(
        "contact",
        t.t("contacto-grupo"),
        vec![
            b.input(b.field("contact.phone", "contacto-telefono"), InputKind::Tel),
            b.input(b.field("contact.email", "contacto-correo"), InputKind::Email),
            b.text_area(
                b.field("contact.instructions", "contacto-indicaciones").hint(t.t("contacto-indicaciones-ayuda")),
                3,
            ),
        ],
    );
    reach.hint = Some(t.t("contacto-ayuda"));
    let language = Group::new(
        "language",
        t.t("lengua-grupo"),
        vec![
            b.select(
                b.field("language", "lengua-cual").required(),
                b.coded("language", Language::ALL, Language::code, "lengua"),
            ),
            b.input(b.field("languageDetail", "lengua-detalle"), InputKind::Text),
            Control::checkbox(
                b.field("interpreterNeeded", "lengua-interprete"),
                b.form.value("interpreterNeeded") == "true",
            ),
        ],
    );
    vec![reach, language]
}

fn consent(b: &Builder<'_>) -> Vec<Group> {
    let t = b.t;
    let chosen = b.form.value("consent.status");
    let options =
        [("GIVEN", "consentimiento-si"), ("REFUSED", "consentimiento-no"), ("UNABLE", "consentimiento-no-puede")];
    let mut group = Group::new(
        "consent",
        t.t("consentimiento-grupo"),
        vec![
            Control::radios(
                b.field("consent.status", "consentimiento-pregunta").required(),
                options
                    .iter()
                    .map(|(code, id)| Choice::new("consent.status", *code, t.t(id), chosen == *code))
                    .collect(),
            ),
            b.text_area(b.field("consent.reason", "consentimiento-razon"), 3),
        ],
    );
    group.hint = Some(t.t("consentimiento-ayuda"));
    vec![group]
}

/// One step's part of the review: what was given, to check before sending.
pub(crate) struct ReviewSection {
    pub(crate) step: usize,
    pub(crate) title: Text,
    pub(crate) lines: Vec<(Text, Text)>,
}

/// The review of steps 1 to 5 shown on the last step: every answer given,
/// labelled as its step asked it.
pub(crate) fn review(form: &FormData, t: Tr, reference: &Reference) -> Vec<ReviewSection> {
    let mut lines = Lines { form, t, lines: Vec::new() };
    let mut sections = Vec::new();
    let mut close = |step: Step, lines: &mut Lines<'_>| {
        sections.push(ReviewSection {
            step: step.number(),
            title: t.t(step.title_id()),
            lines: std::mem::take(&mut lines.lines),
        });
    };

    lines.push(
        "personas-quien",
        match form.value(FILER) {
            FILER_SELF => Some(t.t("personas-quien-yo")),
            FILER_OTHER => Some(t.t("personas-quien-otra")),
            _ => None,
        },
    );
    if form.value(FILER) == FILER_OTHER {
        lines.text("thirdParty.name", "tercero-nombre");
        lines.coded("thirdParty.relationship", "relacion", "tercero-relacion");
        lines.text("thirdParty.relationshipDetail", "tercero-relacion-detalle");
        lines.text("thirdParty.organisation", "tercero-organizacion");
    }
    for row in 0..row_count(form, "beneficiaries", PEOPLE, 1, MAX_PEOPLE) {
        let name = |f: &str| row_field("beneficiaries", row, f);
        let heading = t.t1("persona-grupo", "numero", row + 1);
        lines.lines.push((heading, form.optional(&name("name")).map_or_else(|| t.t("revision-nada"), Text::plain)));
        match form.value(&name("collective")) {
            "" | PERSON => {
                lines.coded(&name("documentKind"), "documento", "persona-documento");
                lines.text(&name("documentNumber"), "persona-documento-numero");
                lines.coded(&name("gender"), "genero", "persona-genero");
            }
            _ => {
                lines.coded(&name("collective"), "colectivo", "persona-tipo");
                lines.text(&name("approximateMembers"), "persona-integrantes");
            }
        }
    }
    close(Step::People, &mut lines);

    let ubigeo = form.value("place.ubigeo");
    let department = reference.departments.iter().find(|d| d.code == ubigeo).map(|d| Text::plain(d.name.clone()));
    lines.push("lugar-departamento", department);
    lines.text("place.detail", "lugar-detalle");
    close(Step::Place, &mut lines);

    lines.coded("defenderCategory", "categoria", "hechos-categoria");
    lines.text("defenderCategoryDetail", "hechos-categoria-detalle");
    let aggressions: Vec<String> =
        form.values("aggressionTypes").map(|c| t.t(&format!("agresion-{c}")).as_str().to_owned()).collect();
    lines.push("hechos-agresiones", (!aggressions.is_empty()).then(|| Text::plain(aggressions.join(", "))));
    lines.coded("aggressorType", "agresor", "hechos-agresor");
    lines.text("facts", "hechos-relato");
    for row in 0..row_count(form, "evidence", EVIDENCE, 0, MAX_EVIDENCE) {
        let piece = [row_field("evidence", row, "description"), row_field("evidence", row, "reference")]
            .iter()
            .filter_map(|name| form.optional(name))
            .collect::<Vec<_>>()
            .join(" — ");
        if !piece.is_empty() {
            lines.lines.push((t.t1("prueba-grupo", "numero", row + 1), Text::plain(piece)));
        }
    }
    close(Step::Facts, &mut lines);

    for code in form.values(MEASURE_TYPES) {
        let measure = reference.measure_types.iter().find(|m| m.code == code);
        lines.push("proteccion-medidas", measure.map(|m| Text::spanish(m.name.clone(), t.lang)));
    }
    lines.text(MEASURE_OTHER, "proteccion-otra");
    close(Step::Protection, &mut lines);

    lines.text("contact.phone", "contacto-telefono");
    lines.text("contact.email", "contacto-correo");
    lines.text("contact.instructions", "contacto-indicaciones");
    lines.coded("language", "lengua", "lengua-cual");
    lines.text("languageDetail", "lengua-detalle");
    if form.value("interpreterNeeded") == "true" {
        lines.lines.push((t.t("lengua-interprete"), t.t("revision-si")));
    }
    close(Step::Contact, &mut lines);
    sections
}

/// The lines of one step's review, as they are gathered.
struct Lines<'a> {
    form: &'a FormData,
    t: Tr,
    lines: Vec<(Text, Text)>,
}

impl Lines<'_> {
    fn push(&mut self, label_id: &str, value: Option<Text>) {
        if let Some(value) = value {
            self.lines.push((self.t.t(label_id), value));
        }
    }

    /// A typed answer, if any.
    fn text(&mut self, name: &str, label_id: &str) {
        let value = self.form.optional(name).map(Text::plain);
        self.push(label_id, value);
    }

    /// A choice of a closed list, by its label (`prefix-CODE`).
    fn coded(&mut self, name: &str, prefix: &str, label_id: &str) {
        let code = self.form.value(name);
        let id = format!("{prefix}-{code}");
        let value = (!code.is_empty() && self.t.has(&id)).then(|| self.t.t(&id));
        self.push(label_id, value);
    }
}
