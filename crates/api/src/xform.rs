//! The request as an XForm (ODK XForms 1.0) for the apps defenders carry
//! (ODK Collect, Tella), and a filled instance of it back as the request
//! `submitRequest` parses: both from one definition here, so a question
//! the form asks is a field the parse reads. Choices come from the
//! domain's closed lists and the reference data (departments, measure
//! types); the labels are the Spanish ones the domain and the catalogue
//! hold (no other language is invented here).

use std::fmt::Write as _;

use domain::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, IdDocumentKind, Language, Relationship,
};
use domain::request as r;
use sha2::{Digest, Sha256};

/// The form's id in the apps' lists.
pub(crate) const FORM_ID: &str = "resguardo-solicitud";
pub(crate) const TITLE: &str = "Solicitud de protección para personas defensoras";
/// Stands for the version while the form is written; the version is then
/// derived from what was written, so it changes with any change.
const VERSION_SLOT: &str = "@@VERSION@@";

/// What the form's choices are drawn from besides the domain's lists.
pub(crate) struct Reference<'a> {
    /// Department codes and names.
    pub(crate) departments: &'a [(String, String)],
    /// Province codes (four digits) and names, and district codes (six).
    pub(crate) provinces: &'a [(String, String)],
    pub(crate) districts: &'a [(String, String)],
    /// Active measure types: codes and names.
    pub(crate) measure_types: &'a [(String, String)],
    /// The public key (SubjectPublicKeyInfo DER, base64) ODK Collect
    /// encrypts each submission to.
    pub(crate) public_key: Option<&'a str>,
}

/// The form as served: its bytes and its version.
pub(crate) struct Form {
    pub(crate) xml: String,
    pub(crate) version: String,
}

/// The secondary instances listing provinces and districts.
const PROVINCES: &str = "provinces";
const DISTRICTS: &str = "districts";

/// One choice of a list: the value stored and the label shown.
type Choice = (String, String);

fn choices<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|v| (code(*v).to_owned(), label(*v).to_owned())).collect()
}

fn yes_no() -> Vec<Choice> {
    vec![("yes".into(), "Sí".into()), ("no".into(), "No".into())]
}

/// A question of the form.
enum Question {
    Text {
        name: &'static str,
        label: &'static str,
        required: bool,
        long: bool,
    },
    One {
        name: &'static str,
        label: &'static str,
        required: bool,
        choices: Vec<Choice>,
    },
    Many {
        name: &'static str,
        label: &'static str,
        required: bool,
        choices: Vec<Choice>,
    },
    Upload {
        name: &'static str,
        label: &'static str,
        media: &'static str,
    },
    /// One choice among the items of a secondary instance (`list`) whose
    /// code lies in the answer to the sibling question `within`: a
    /// province of the department chosen, a district of the province.
    /// Optional: a requester may know the department only.
    Within {
        name: &'static str,
        label: &'static str,
        list: &'static str,
        within: &'static str,
    },
    /// A group of questions, shown when `relevant` holds (an XPath
    /// expression on the instance), repeated when `repeat`.
    Group {
        name: &'static str,
        label: &'static str,
        relevant: Option<&'static str>,
        repeat: bool,
        items: Vec<Question>,
    },
}

use Question as Q;

fn text(name: &'static str, label: &'static str, required: bool) -> Question {
    Q::Text { name, label, required, long: false }
}

/// The request's questions, in the order people answer them.
fn questions(reference: &Reference<'_>) -> Vec<Question> {
    let mut kinds = vec![("PERSON".to_owned(), "Una persona".to_owned())];
    kinds.extend(choices(CollectiveKind::ALL, CollectiveKind::code, CollectiveKind::label));
    vec![
        Q::One {
            name: "filer",
            label: "¿Quién presenta la solicitud?",
            required: true,
            choices: vec![
                ("SELF".into(), "La propia persona defensora".into()),
                ("THIRD_PARTY".into(), "Otra persona u organización, en su nombre".into()),
            ],
        },
        Q::Group {
            name: "third_party",
            label: "Quién presenta la solicitud",
            relevant: Some("/data/filer = 'THIRD_PARTY'"),
            repeat: false,
            items: vec![
                text("name", "Su nombre completo", true),
                Q::One {
                    name: "relationship",
                    label: "¿Qué relación tiene con la persona defensora?",
                    required: true,
                    choices: choices(Relationship::ALL, Relationship::code, Relationship::label),
                },
                text("organisation", "Organización a la que representa (si corresponde)", false),
            ],
        },
        Q::Group {
            name: "contact",
            label: "Cómo comunicarnos de forma segura",
            relevant: None,
            repeat: false,
            items: vec![
                text("email", "Correo electrónico", false),
                text("phone", "Teléfono", false),
                text("instructions", "Horarios o formas seguras de contacto", false),
            ],
        },
        Q::Group {
            name: "beneficiary",
            label: "Persona o colectivo a proteger",
            relevant: None,
            repeat: true,
            items: vec![
                Q::One { name: "kind", label: "¿Es una persona o un colectivo?", required: true, choices: kinds },
                text("name", "Nombre", true),
                Q::One {
                    name: "document_kind",
                    label: "Documento de identidad",
                    required: false,
                    choices: choices(IdDocumentKind::ALL, IdDocumentKind::code, IdDocumentKind::label),
                },
                text("document_number", "Número de documento", false),
                Q::One {
                    name: "gender",
                    label: "Género",
                    required: false,
                    choices: choices(Gender::ALL, Gender::code, Gender::label),
                },
            ],
        },
        Q::Group {
            name: "place",
            label: "Dónde se encuentra",
            relevant: None,
            repeat: false,
            items: vec![
                Q::One {
                    name: "department",
                    label: "Departamento",
                    required: true,
                    choices: reference.departments.to_vec(),
                },
                Q::Within { name: "province", label: "Provincia (si la sabe)", list: PROVINCES, within: "department" },
                Q::Within { name: "district", label: "Distrito (si lo sabe)", list: DISTRICTS, within: "province" },
                text("detail", "Comunidad, dirección o indicaciones para llegar", false),
            ],
        },
        Q::One {
            name: "defender_category",
            label: "¿Qué defiende la persona?",
            required: true,
            choices: choices(DefenderCategory::ALL, DefenderCategory::code, DefenderCategory::label),
        },
        text("defender_category_detail", "Precise, si lo desea", false),
        Q::Many {
            name: "aggression_types",
            label: "¿Qué agresiones sufrió?",
            required: true,
            choices: choices(AggressionType::ALL, AggressionType::code, AggressionType::label),
        },
        Q::One {
            name: "aggressor_type",
            label: "¿Quién estaría detrás de la agresión? (si lo sabe)",
            required: false,
            choices: choices(AggressorType::ALL, AggressorType::code, AggressorType::label),
        },
        Q::Text { name: "facts", label: "¿Qué pasó? Cuéntenos los hechos", required: true, long: true },
        Q::Many {
            name: "measures",
            label: "¿Qué medidas de protección pide? (si sabe cuáles)",
            required: false,
            choices: reference.measure_types.to_vec(),
        },
        text("measures_detail", "Otras medidas o intervención urgente que pide", false),
        Q::One {
            name: "language",
            label: "¿Qué lengua habla la persona defensora?",
            required: true,
            choices: choices(Language::ALL, Language::code, Language::label),
        },
        text("language_detail", "Nombre de la lengua, si no está en la lista", false),
        Q::One { name: "interpreter_needed", label: "¿Necesita intérprete?", required: true, choices: yes_no() },
        Q::One {
            name: "consent",
            label: "¿La persona a proteger está de acuerdo con esta solicitud?",
            required: true,
            choices: vec![
                ("GIVEN".into(), "Sí, dio su consentimiento".into()),
                ("REFUSED".into(), "No".into()),
                ("UNABLE".into(), "No puede darlo (detenida, desaparecida u otra razón)".into()),
            ],
        },
        text("consent_reason", "¿Por qué no puede darlo?", false),
        Q::Group {
            name: "evidence",
            label: "Pruebas: fotos, audios, videos",
            relevant: None,
            repeat: true,
            items: vec![
                text("description", "Qué muestra", false),
                Q::Upload { name: "photo", label: "Foto", media: "image/*" },
                Q::Upload { name: "audio", label: "Audio", media: "audio/*" },
                Q::Upload { name: "video", label: "Video", media: "video/*" },
            ],
        },
    ]
}

/// The form, its version derived from its own content.
pub(crate) fn form(reference: &Reference<'_>) -> Form {
    let questions = questions(reference);
    let mut instance = String::new();
    let mut binds = String::new();
    let mut body = String::new();
    for question in &questions {
        write_instance(&mut instance, question);
        write_binds(&mut binds, "/data", question, None);
        write_body(&mut body, "/data", question);
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\" \
         xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" \
         xmlns:odk=\"http://www.opendatakit.org/xforms\">\n\
         <h:head>\n<h:title>{title}</h:title>\n<model odk:xforms-version=\"1.0.0\">\n\
         <instance>\n<data id=\"{FORM_ID}\" orx:version=\"{VERSION_SLOT}\" version=\"{VERSION_SLOT}\">\n{instance}\
         <meta><instanceID/></meta>\n</data>\n</instance>\n{lists}{binds}\
         <bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\" jr:preload=\"uid\"/>\n\
         {submission}</model>\n</h:head>\n<h:body>\n{body}</h:body>\n</h:html>\n",
        title = escape(TITLE),
        lists = [(PROVINCES, reference.provinces), (DISTRICTS, reference.districts)]
            .iter()
            .map(|(id, items)| secondary_instance(id, items))
            .collect::<String>(),
        submission = reference
            .public_key
            .map(|key| format!("<submission base64RsaPublicKey=\"{}\"/>\n", escape(key)))
            .unwrap_or_default(),
    );
    let digest = Sha256::digest(xml.as_bytes());
    let version = crate::auth::secrets::hex(&digest[..5]);
    Form { xml: xml.replace(VERSION_SLOT, &version), version }
}

/// A list as a secondary instance: each item's code, its name, and the
/// code of what it lies in (the code less its last two digits), which the
/// choice filters compare with an equality JavaRosa indexes.
fn secondary_instance(id: &str, items: &[Choice]) -> String {
    let mut out = format!("<instance id=\"{id}\">\n<root>\n");
    for (code, name) in items {
        let parent = &code[..code.len().saturating_sub(2)];
        let _ = writeln!(
            out,
            "<item><name>{}</name><label>{}</label><parent>{}</parent></item>",
            escape(code),
            escape(name),
            escape(parent)
        );
    }
    out.push_str("</root>\n</instance>\n");
    out
}

fn write_instance(out: &mut String, question: &Question) {
    match question {
        Q::Text { name, .. }
        | Q::One { name, .. }
        | Q::Many { name, .. }
        | Q::Upload { name, .. }
        | Q::Within { name, .. } => {
            let _ = writeln!(out, "<{name}/>");
        }
        Q::Group { name, repeat, items, .. } => {
            // A repeat's template, and its first instance to fill.
            let copies: &[&str] = if *repeat { &[" jr:template=\"\"", ""] } else { &[""] };
            for attributes in copies {
                let _ = writeln!(out, "<{name}{attributes}>");
                for item in items {
                    write_instance(out, item);
                }
                let _ = writeln!(out, "</{name}>");
            }
        }
    }
}

fn write_binds(out: &mut String, parent: &str, question: &Question, relevant: Option<&str>) {
    let relevance = relevant.map(|r| format!(" relevant=\"{}\"", escape(r))).unwrap_or_default();
    let (name, kind, required) = match question {
        Q::Text { name, required, .. } => (name, "string", *required),
        Q::One { name, required, .. } => (name, "select1", *required),
        Q::Many { name, required, .. } => (name, "select", *required),
        Q::Upload { name, .. } => (name, "binary", false),
        Q::Within { name, within, .. } => {
            // Asked once the wider place is known; an answer left from an
            // earlier choice of the wider place is refused, not sent.
            let _ = writeln!(
                out,
                "<bind nodeset=\"{parent}/{name}\" type=\"select1\" relevant=\"{parent}/{within} != ''\" \
                 constraint=\"starts-with(., {parent}/{within})\" jr:constraintMsg=\"{}\"/>",
                escape(PLACE_MISMATCH)
            );
            return;
        }
        Q::Group { name, relevant, items, .. } => {
            let path = format!("{parent}/{name}");
            if let Some(relevant) = relevant {
                let _ = writeln!(out, "<bind nodeset=\"{path}\" relevant=\"{}\"/>", escape(relevant));
            }
            for item in items {
                write_binds(out, &path, item, None);
            }
            return;
        }
    };
    let required = if required { " required=\"true()\"" } else { "" };
    let constraint = match *name {
        // Why "unable" needs a reason: the parse refuses it without one.
        "consent_reason" => " relevant=\"/data/consent = 'UNABLE'\" required=\"true()\"",
        "language_detail" => " relevant=\"/data/language = 'OTHER' or /data/language = 'OTHER_AMAZONIAN'\"",
        "document_number" | "document_kind" | "gender" if parent.ends_with("beneficiary") => {
            " relevant=\"../kind = 'PERSON'\""
        }
        _ => "",
    };
    let _ = writeln!(out, "<bind nodeset=\"{parent}/{name}\" type=\"{kind}\"{required}{relevance}{constraint}/>");
}

fn write_body(out: &mut String, parent: &str, question: &Question) {
    match question {
        Q::Text { name, label, long, .. } => {
            let appearance = if *long { " appearance=\"multiline\"" } else { "" };
            let _ =
                writeln!(out, "<input ref=\"{parent}/{name}\"{appearance}><label>{}</label></input>", escape(label));
        }
        Q::One { name, label, choices, .. } | Q::Many { name, label, choices, .. } => {
            let element = if matches!(question, Q::One { .. }) { "select1" } else { "select" };
            let _ = writeln!(out, "<{element} ref=\"{parent}/{name}\"><label>{}</label>", escape(label));
            for (value, label) in choices {
                let _ = writeln!(out, "<item><label>{}</label><value>{}</value></item>", escape(label), escape(value));
            }
            let _ = writeln!(out, "</{element}>");
        }
        Q::Within { name, label, list, within } => {
            let _ = writeln!(
                out,
                "<select1 ref=\"{parent}/{name}\"><label>{}</label>\n\
                 <itemset nodeset=\"instance('{list}')/root/item[parent = {parent}/{within}]\">\
                 <value ref=\"name\"/><label ref=\"label\"/></itemset>\n</select1>",
                escape(label)
            );
        }
        Q::Upload { name, label, media } => {
            let _ = writeln!(
                out,
                "<upload ref=\"{parent}/{name}\" mediatype=\"{media}\"><label>{}</label></upload>",
                escape(label)
            );
        }
        Q::Group { name, label, repeat, items, .. } => {
            let path = format!("{parent}/{name}");
            let _ = writeln!(out, "<group ref=\"{path}\"><label>{}</label>", escape(label));
            if *repeat {
                let _ = writeln!(out, "<repeat nodeset=\"{path}\">");
            }
            for item in items {
                write_body(out, &path, item);
            }
            if *repeat {
                let _ = writeln!(out, "</repeat>");
            }
            let _ = writeln!(out, "</group>");
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// A filled form as the parse of a request takes it.
#[derive(Debug)]
pub(crate) struct Instance {
    /// The idempotency key: the instance's `instanceID` (a UUID), as a key
    /// of the app channel.
    pub(crate) idempotency_key: String,
    pub(crate) input: r::RequestInput,
    /// The files the form names (its answers to the upload questions), with
    /// what the evidence item says they show.
    pub(crate) attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attachment {
    pub(crate) file_name: String,
    pub(crate) description: String,
}

/// Why an instance is not a filled form of ours, said for the app to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InstanceError {
    #[error("el envío no es un formulario XML legible")]
    NotXml,
    #[error("el envío no corresponde al formulario de solicitud de protección")]
    OtherForm,
    #[error("el envío no tiene un identificador de instancia (meta/instanceID) válido")]
    NoInstanceId,
    #[error("el envío cifrado no pudo descifrarse; descargue de nuevo el formulario y vuelva a enviarlo")]
    Undecryptable,
    #[error("el envío cifrado fue alterado o está dañado; no se registró")]
    Tampered,
    #[error("faltan partes cifradas del envío; envíelo de nuevo completo")]
    EncryptedPartMissing,
    #[error("{PLACE_MISMATCH} (/data/place)")]
    PlaceMismatch,
}

/// Said when a province or district is not in the department or province
/// chosen (the form's constraint, and the parse's check behind it).
const PLACE_MISMATCH: &str = "el lugar elegido no está dentro del departamento o la provincia elegidos";

/// An app's XML, parsed with no DTD (so no entities: a document declaring
/// one is refused rather than expanded).
pub(crate) fn parse_xml(xml: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    roxmltree::Document::parse_with_options(xml, options)
}

/// Reads a filled instance of the form.
pub(crate) fn instance(xml: &str) -> Result<Instance, InstanceError> {
    let document = parse_xml(xml).map_err(|_| InstanceError::NotXml)?;
    let root = document.root_element();
    if root.attribute("encrypted") == Some("yes") {
        // A manifest is opened first (`encrypted_submission`).
        return Err(InstanceError::Undecryptable);
    }
    if root.attribute("id") != Some(FORM_ID) {
        return Err(InstanceError::OtherForm);
    }
    let instance_id =
        child(root, "meta").and_then(|meta| value(meta, "instanceID")).ok_or(InstanceError::NoInstanceId)?;
    let uuid = instance_id.strip_prefix("uuid:").unwrap_or(&instance_id);
    let uuid = uuid::Uuid::parse_str(uuid).map_err(|_| InstanceError::NoInstanceId)?;
    let get = |name: &str| value(root, name);
    let third_party = match get("filer").as_deref() {
        Some("THIRD_PARTY") => child(root, "third_party").map(|group| r::ThirdPartyInput {
            name: value(group, "name").unwrap_or_default(),
            relationship: value(group, "relationship").and_then(|code| Relationship::parse(&code).ok()),
            relationship_detail: None,
            organisation: value(group, "organisation"),
        }),
        _ => None,
    };
    let contact = child(root, "contact").map_or_else(r::ContactInput::default, |group| r::ContactInput {
        email: value(group, "email"),
        phone: value(group, "phone"),
        instructions: value(group, "instructions"),
    });
    let beneficiaries = children(root, "beneficiary").map(beneficiary).collect();
    let place = child(root, "place");
    let place = r::PlaceInput {
        ubigeo: place.map(most_precise_place).transpose()?.flatten().unwrap_or_default(),
        detail: place.and_then(|p| value(p, "detail")),
    };
    let mut requested_measures: Vec<r::RequestedMeasureInput> = words(get("measures"))
        .map(|code| r::RequestedMeasureInput { measure_type: Some(code), description: None })
        .collect();
    if let Some(description) = get("measures_detail") {
        requested_measures.push(r::RequestedMeasureInput { measure_type: None, description: Some(description) });
    }
    let consent = r::ConsentInput {
        status: match get("consent").as_deref() {
            Some("REFUSED") => r::ConsentStatus::Refused,
            Some("UNABLE") => r::ConsentStatus::Unable,
            _ => r::ConsentStatus::Given,
        },
        reason: get("consent_reason"),
    };
    let mut evidence = Vec::new();
    let mut attachments = Vec::new();
    for item in children(root, "evidence") {
        let files: Vec<String> = ["photo", "audio", "video"].iter().filter_map(|name| value(item, name)).collect();
        let description = value(item, "description");
        if description.is_none() && files.is_empty() {
            continue;
        }
        let description = description.unwrap_or_else(|| "Archivo enviado desde la aplicación".to_owned());
        if files.is_empty() {
            evidence.push(r::EvidenceInput { description: description.clone(), reference: None });
        }
        attachments
            .extend(files.into_iter().map(|file_name| Attachment { file_name, description: description.clone() }));
    }
    let input = r::RequestInput {
        third_party,
        contact,
        beneficiaries,
        place,
        defender_category: get("defender_category").and_then(|code| DefenderCategory::parse(&code).ok()),
        defender_category_detail: get("defender_category_detail"),
        aggression_types: words(get("aggression_types")).filter_map(|code| AggressionType::parse(&code).ok()).collect(),
        aggressor_type: get("aggressor_type").and_then(|code| AggressorType::parse(&code).ok()),
        language: get("language").and_then(|code| Language::parse(&code).ok()),
        language_detail: get("language_detail"),
        interpreter_needed: get("interpreter_needed").as_deref() == Some("yes"),
        consent,
        facts: get("facts").unwrap_or_default(),
        evidence,
        requested_measures,
    };
    Ok(Instance { idempotency_key: format!("odk-{}", uuid.simple()), input, attachments })
}

/// The district, else the province, else the department answered, each
/// lying in the one before (the form's constraint, checked again here:
/// a submission need not come from the form).
fn most_precise_place(place: roxmltree::Node<'_, '_>) -> Result<Option<String>, InstanceError> {
    let mut chosen: Option<String> = None;
    for level in ["department", "province", "district"] {
        let Some(code) = value(place, level) else { break };
        if chosen.as_ref().is_some_and(|wider| !code.starts_with(wider.as_str())) {
            return Err(InstanceError::PlaceMismatch);
        }
        chosen = Some(code);
    }
    Ok(chosen)
}

fn beneficiary(group: roxmltree::Node<'_, '_>) -> r::BeneficiaryInput {
    let collective = value(group, "kind").and_then(|code| CollectiveKind::parse(&code).ok());
    r::BeneficiaryInput {
        collective,
        name: value(group, "name").unwrap_or_default(),
        document_kind: value(group, "document_kind").and_then(|code| IdDocumentKind::parse(&code).ok()),
        document_number: value(group, "document_number"),
        gender: value(group, "gender").and_then(|code| Gender::parse(&code).ok()),
        ethnicity: None,
        health: None,
        approximate_members: None,
    }
}

/// The instance path (`/data/beneficiary[1]/name`) of a field the parse
/// of a request names (`beneficiaries[0].name`), for the app to show.
pub(crate) fn question_of(field: &str) -> String {
    let mut path = String::from("/data");
    for part in field.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let name = match name {
            "beneficiaries" => "beneficiary".to_owned(),
            "thirdParty" => "third_party".to_owned(),
            "ubigeo" => "department".to_owned(),
            "requestedMeasures" => "measures".to_owned(),
            "idempotencyKey" => "meta/instanceID".to_owned(),
            other => snake_case(other),
        };
        path.push('/');
        path.push_str(&name);
        if let Some(index) = index {
            let _ = write!(path, "[{}]", index + 1);
        }
    }
    path
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// A question's answer, trimmed; none when unanswered.
fn value(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    let answer: String = child(node, name)?.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    let answer = answer.trim();
    (!answer.is_empty()).then(|| answer.to_owned())
}

/// A multiple choice's answer: its values, space-separated.
fn words(answer: Option<String>) -> impl Iterator<Item = String> {
    answer.unwrap_or_default().split_whitespace().map(str::to_owned).collect::<Vec<_>>().into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(code: &str, name: &str) -> Choice {
        (code.to_owned(), name.to_owned())
    }

    #[test]
    fn the_version_changes_with_the_reference_data() {
        let departments = [choice("25", "Ucayali"), choice("15", "Lima")];
        let provinces = [choice("2501", "Coronel Portillo")];
        let districts = [choice("250101", "Callería")];
        let measure_types = [choice("PATROL", "Patrullaje policial")];
        let reference = Reference {
            departments: &departments,
            provinces: &provinces,
            districts: &districts,
            measure_types: &measure_types,
            public_key: None,
        };
        let one = form(&reference);
        assert_eq!(one.xml, form(&reference).xml);
        assert!(one.xml.contains(&format!("version=\"{}\"", one.version)));
        assert!(one.xml.contains("<item><name>250101</name><label>Callería</label><parent>2501</parent></item>"));
        let more = [departments.to_vec(), vec![choice("08", "Cusco")]].concat();
        let more_districts = [districts.to_vec(), vec![choice("250102", "Campoverde")]].concat();
        for other in [
            Reference { departments: &more, ..reference },
            Reference { districts: &more_districts, ..reference },
            Reference { measure_types: &[], ..reference },
        ] {
            assert_ne!(one.version, form(&other).version);
        }
    }

    #[test]
    fn the_place_is_the_most_precise_answer_within_the_wider_ones() {
        let place = |inner: &str| {
            let xml = format!(
                "<data id=\"resguardo-solicitud\"><place>{inner}</place>\
                 <meta><instanceID>uuid:3f0e2e8a-5a4c-4d0b-9f57-2b1f5f3f6a11</instanceID></meta></data>"
            );
            instance(&xml).map(|read| read.input.place.ubigeo)
        };
        assert_eq!(place("<department>25</department>").unwrap(), "25");
        assert_eq!(place("<department>25</department><province>2501</province><district/>").unwrap(), "2501");
        let full = "<department>25</department><province>2501</province><district>250101</district>";
        assert_eq!(place(full).unwrap(), "250101");
        let stale = "<department>15</department><province>2501</province><district>250101</district>";
        assert_eq!(place(stale).unwrap_err(), InstanceError::PlaceMismatch);
        let other_province = "<department>25</department><province>2502</province><district>250101</district>";
        assert_eq!(place(other_province).unwrap_err(), InstanceError::PlaceMismatch);
    }

    #[test]
    fn an_instance_reads_as_the_request_it_answers() {
        let xml = "<data id=\"resguardo-solicitud\" version=\"x\"><filer>THIRD_PARTY</filer>\
            <third_party><name>Federación</name><relationship>ORGANISATION</relationship></third_party>\
            <beneficiary><kind>PERSON</kind><name>Juana</name><gender>FEMALE</gender></beneficiary>\
            <beneficiary><kind>INDIGENOUS_COMMUNITY</kind><name>Comunidad</name></beneficiary>\
            <place><department>25</department><detail>Río arriba</detail></place>\
            <defender_category>INDIGENOUS</defender_category><aggression_types>THREAT HARASSMENT</aggression_types>\
            <facts> Amenazas </facts><measures>PATROL</measures><language>SPANISH</language>\
            <interpreter_needed>no</interpreter_needed><consent>GIVEN</consent>\
            <evidence><description>Foto</description><photo>123.jpg</photo><audio/></evidence>\
            <meta><instanceID>uuid:3f0e2e8a-5a4c-4d0b-9f57-2b1f5f3f6a11</instanceID></meta></data>";
        let read = instance(xml).unwrap();
        assert_eq!(read.idempotency_key, "odk-3f0e2e8a5a4c4d0b9f572b1f5f3f6a11");
        assert_eq!(read.input.beneficiaries.len(), 2);
        assert_eq!(read.input.beneficiaries[1].collective, Some(CollectiveKind::IndigenousCommunity));
        assert_eq!(read.input.facts, "Amenazas");
        assert_eq!(read.input.aggression_types, [AggressionType::Threat, AggressionType::Harassment]);
        assert_eq!(read.input.place.ubigeo, "25");
        assert_eq!(read.attachments, [Attachment { file_name: "123.jpg".into(), description: "Foto".into() }]);
        assert!(domain::request::Request::parse(read.input).is_ok());
        assert_eq!(instance("<data id=\"otro\"/>").unwrap_err(), InstanceError::OtherForm);
        assert_eq!(instance("no es xml").unwrap_err(), InstanceError::NotXml);
        let doctype = "<!DOCTYPE d [<!ENTITY e \"x\">]><data id=\"resguardo-solicitud\"/>";
        assert_eq!(instance(doctype).unwrap_err(), InstanceError::NotXml, "no DTD, no entities");
    }

    #[test]
    fn a_field_is_named_by_its_question() {
        assert_eq!(question_of("beneficiaries[0].name"), "/data/beneficiary[1]/name");
        assert_eq!(question_of("place.ubigeo"), "/data/place/department");
        assert_eq!(question_of("defenderCategory"), "/data/defender_category");
    }
}
