//! The request as the form holds it, read into the domain's
//! `RequestInput` and checked with the domain's own `Request::parse` (the
//! rules and messages `submitRequest` applies), so each step is checked as
//! the API will check it. The form's names are the API's input paths;
//! values of closed lists are the domain's codes.

use domain::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, IdDocumentKind, Language, Relationship,
};
use domain::codes::UnknownCode;
use domain::request::{
    BeneficiaryInput, ConsentInput, ConsentStatus, ContactInput, EvidenceInput, PlaceInput, Request, RequestInput,
    RequestedMeasureInput, ThirdPartyInput,
};

use super::steps::Step;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::form_data::FormData;

/// Who files: the person at risk, or someone for them.
pub(crate) const FILER: &str = "filer";
pub(crate) const FILER_SELF: &str = "SELF";
pub(crate) const FILER_OTHER: &str = "OTHER";
/// A person rather than a collective, in `beneficiaries[i].collective`.
pub(crate) const PERSON: &str = "PERSON";
/// How many people and pieces of evidence the form shows.
pub(crate) const PEOPLE: &str = "personas";
pub(crate) const EVIDENCE: &str = "pruebas";
/// The catalogue's measures ticked, and the measure in one's own words.
pub(crate) const MEASURE_TYPES: &str = "requestedMeasures.types";
pub(crate) const MEASURE_OTHER: &str = "requestedMeasures.other";

/// The fields of a person or collective to protect.
pub(crate) const PERSON_FIELDS: [&str; 6] =
    ["collective", "name", "documentKind", "documentNumber", "gender", "approximateMembers"];
/// The fields of a piece of evidence.
pub(crate) const EVIDENCE_FIELDS: [&str; 2] = ["description", "reference"];

/// The most rows of each kind a form holds (the API's own limits).
pub(crate) const MAX_PEOPLE: usize = domain::request::MAX_BENEFICIARIES;
pub(crate) const MAX_EVIDENCE: usize = domain::request::MAX_ITEMS;

pub(crate) fn row_field(list: &str, row: usize, field: &str) -> String {
    format!("{list}[{row}].{field}")
}

/// How many rows of `list` the form holds: its count field, else the
/// highest row index posted, at least `min`.
pub(crate) fn row_count(form: &FormData, list: &str, count_field: &str, min: usize, max: usize) -> usize {
    let counted = form.value(count_field).trim().parse::<usize>().ok();
    let posted = form
        .pairs()
        .filter_map(|(name, _)| name.strip_prefix(list)?.strip_prefix('[')?.split(']').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max();
    counted.max(posted).unwrap_or(0).clamp(min, max)
}

/// Rows of `list` in which nothing was typed are dropped and the rest
/// numbered again from 0, so the indices the API reports are the form's.
/// At least `min` rows stay.
pub(crate) fn compact_rows(
    form: &mut FormData,
    list: &str,
    fields: &[&str],
    count_field: &str,
    min: usize,
    max: usize,
) {
    let count = row_count(form, list, count_field, 0, max);
    let rows: Vec<Vec<(String, String)>> = (0..count)
        .map(|row| fields.iter().map(|f| ((*f).to_owned(), form.value(&row_field(list, row, f)).to_owned())).collect())
        .collect();
    form.retain(|name| !name.starts_with(&format!("{list}[")));
    let kept: Vec<_> = rows
        .into_iter()
        .filter(|row| row.iter().any(|(field, value)| !value.trim().is_empty() && !is_default(field, value)))
        .collect();
    for (row, values) in kept.iter().enumerate() {
        for (field, value) in values {
            if !value.is_empty() {
                form.push(row_field(list, row, field), value.clone());
            }
        }
    }
    form.set(count_field, kept.len().max(min).to_string());
}

/// A value the form shows chosen before anyone types (a person, not a
/// collective): it alone does not make a row worth keeping.
fn is_default(field: &str, value: &str) -> bool {
    field == "collective" && value == PERSON
}

/// The draft read from the form: the domain's input, and the problems
/// the form itself finds (a choice not in its list, a count that is not a
/// number, a question not answered that the domain would default).
pub(crate) struct Draft {
    pub(crate) input: RequestInput,
    pub(crate) problems: Vec<(String, Text)>,
}

struct Reader<'a> {
    form: &'a FormData,
    t: Tr,
    problems: Vec<(String, Text)>,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> String {
        self.form.value(name).to_owned()
    }

    fn optional(&self, name: &str) -> Option<String> {
        self.form.optional(name)
    }

    fn code<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, UnknownCode>) -> Option<T> {
        let value = self.form.value(name).trim();
        if value.is_empty() {
            return None;
        }
        match parse(value) {
            Ok(value) => Some(value),
            Err(_) => {
                self.problems.push((name.to_owned(), self.t.t("error-opcion-desconocida")));
                None
            }
        }
    }

    /// A choice the request needs: left blank, the form asks for one in
    /// its own words (the domain would say "es obligatorio").
    fn required_code<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, UnknownCode>) -> Option<T> {
        if self.form.value(name).trim().is_empty() {
            self.problem(name, "error-elija-opcion");
        }
        self.code(name, parse)
    }

    fn problem(&mut self, name: &str, message_id: &str) {
        self.problems.push((name.to_owned(), self.t.t(message_id)));
    }
}

/// Reads the whole form (every step's fields travel with each post).
pub(crate) fn read(form: &FormData, t: Tr) -> Draft {
    let mut r = Reader { form, t, problems: Vec::new() };

    let third_party = match form.value(FILER) {
        FILER_SELF => None,
        FILER_OTHER => Some(ThirdPartyInput {
            name: r.text("thirdParty.name"),
            relationship: r.required_code("thirdParty.relationship", Relationship::parse),
            relationship_detail: r.optional("thirdParty.relationshipDetail"),
            organisation: r.optional("thirdParty.organisation"),
        }),
        _ => {
            r.problem(FILER, "error-elija-opcion");
            None
        }
    };

    let people = row_count(form, "beneficiaries", PEOPLE, 1, MAX_PEOPLE);
    let beneficiaries = (0..people)
        .map(|row| {
            let field = |f: &str| row_field("beneficiaries", row, f);
            let collective = match form.value(&field("collective")) {
                "" | PERSON => None,
                _ => r.code(&field("collective"), CollectiveKind::parse),
            };
            let members = field("approximateMembers");
            let approximate_members = match form.value(&members).trim() {
                "" => None,
                digits => match digits.replace(['.', ',', ' '], "").parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        r.problem(&members, "error-numero");
                        None
                    }
                },
            };
            BeneficiaryInput {
                collective,
                name: r.text(&field("name")),
                document_kind: r.code(&field("documentKind"), IdDocumentKind::parse),
                document_number: r.optional(&field("documentNumber")),
                gender: r.code(&field("gender"), Gender::parse),
                ethnicity: None,
                health: None,
                approximate_members,
            }
        })
        .collect();

    let evidence_rows = row_count(form, "evidence", EVIDENCE, 0, MAX_EVIDENCE);
    let evidence = (0..evidence_rows)
        .filter_map(|row| {
            let description = form.value(&row_field("evidence", row, "description")).to_owned();
            let reference = form.optional(&row_field("evidence", row, "reference"));
            (!description.trim().is_empty() || reference.is_some()).then_some(EvidenceInput { description, reference })
        })
        .collect();

    let mut requested_measures: Vec<RequestedMeasureInput> = form
        .values(MEASURE_TYPES)
        .map(|code| RequestedMeasureInput { measure_type: Some(code.to_owned()), description: None })
        .collect();
    if let Some(other) = form.optional(MEASURE_OTHER) {
        requested_measures.push(RequestedMeasureInput { measure_type: None, description: Some(other) });
    }

    let consent_status = match form.value("consent.status") {
        "GIVEN" => Some(ConsentStatus::Given),
        "REFUSED" => Some(ConsentStatus::Refused),
        "UNABLE" => Some(ConsentStatus::Unable),
        "" => {
            r.problem("consent.status", "error-elija-opcion");
            None
        }
        _ => {
            r.problem("consent.status", "error-opcion-desconocida");
            None
        }
    };

    let input = RequestInput {
        third_party,
        contact: ContactInput {
            email: r.optional("contact.email"),
            phone: r.optional("contact.phone"),
            instructions: r.optional("contact.instructions"),
        },
        beneficiaries,
        place: PlaceInput { ubigeo: r.text("place.ubigeo"), detail: r.optional("place.detail") },
        defender_category: r.required_code("defenderCategory", DefenderCategory::parse),
        defender_category_detail: r.optional("defenderCategoryDetail"),
        aggression_types: form.values("aggressionTypes").filter_map(|c| AggressionType::parse(c).ok()).collect(),
        aggressor_type: r.code("aggressorType", AggressorType::parse),
        language: r.required_code("language", Language::parse),
        language_detail: r.optional("languageDetail"),
        interpreter_needed: form.value("interpreterNeeded") == "true",
        // Never defaulted: a missing answer is a problem above.
        consent: ConsentInput { status: consent_status.unwrap_or_default(), reason: r.optional("consent.reason") },
        facts: r.text("facts"),
        evidence,
        requested_measures,
    };
    Draft { input, problems: r.problems }
}

/// Every problem with the steps up to `last` (included): the form's own
/// first, then the domain's (Spanish, marked so on a page in another
/// language).
pub(crate) fn problems_up_to(draft: &Draft, last: Step, t: Tr) -> Vec<(String, Text)> {
    let mut problems: Vec<(String, Text)> = draft.problems.clone();
    if let Err(invalid) = Request::parse(draft.input.clone()) {
        for problem in invalid.0 {
            if !problems.iter().any(|(field, _)| *field == problem.field) {
                problems.push((problem.field, Text::spanish(problem.message, t.lang)));
            }
        }
    }
    problems.retain(|(field, _)| Step::of_field(field) <= last);
    problems
}
