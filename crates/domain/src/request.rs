//! A request for protection as filed: who asks, whom to protect, where, what
//! happened and what is asked for.
//!
//! `RequestInput` is what a client sends (strings for free text, enums for
//! closed lists, already typed by the API). `Request::parse` checks it once,
//! reports every problem at the same time with the path of the field, and
//! returns a value whose parts can no longer be wrong.

use serde::{Deserialize, Serialize};

use crate::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, IdDocumentKind, Language, Relationship,
};
use crate::codes::{MeasureTypeCode, RefCode};
use crate::contact::{EmailAddress, PhoneNumber};
use crate::place::Ubigeo;
use crate::text::{LongText, Name, ShortText, Text};

/// At most this many people or collectives in one request.
pub const MAX_BENEFICIARIES: usize = 50;
/// At most this many evidence references or requested measures.
pub const MAX_ITEMS: usize = 50;

// ---------------------------------------------------------------- the input

/// The input as typed is plain strings: its `Debug` says only which type
/// it is, so a stray `{:?}` in a log line or a panic cannot leak a name or
/// a place. (Parsed values redact themselves field by field, see `Text`.)
macro_rules! redacted_debug {
    ($($input:ident),+) => {$(
        impl std::fmt::Debug for $input {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($input), "(<redacted>)"))
            }
        }
    )+};
}

redacted_debug!(
    RequestInput,
    ThirdPartyInput,
    ContactInput,
    BeneficiaryInput,
    PlaceInput,
    ConsentInput,
    EvidenceInput,
    RequestedMeasureInput
);

#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestInput {
    /// `None` when the defender files for themselves.
    pub third_party: Option<ThirdPartyInput>,
    pub contact: ContactInput,
    pub beneficiaries: Vec<BeneficiaryInput>,
    pub place: PlaceInput,
    pub defender_category: Option<DefenderCategory>,
    pub defender_category_detail: Option<String>,
    pub aggression_types: Vec<AggressionType>,
    pub aggressor_type: Option<AggressorType>,
    pub language: Option<Language>,
    pub language_detail: Option<String>,
    pub interpreter_needed: bool,
    pub consent: ConsentInput,
    pub facts: String,
    pub evidence: Vec<EvidenceInput>,
    pub requested_measures: Vec<RequestedMeasureInput>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct ThirdPartyInput {
    pub name: String,
    pub relationship: Option<Relationship>,
    pub relationship_detail: Option<String>,
    pub organisation: Option<String>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Safe ways and times to call, an intermediary, etc.
    pub instructions: Option<String>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct BeneficiaryInput {
    /// `None` for a person; the kind of collective otherwise.
    pub collective: Option<CollectiveKind>,
    pub name: String,
    pub document_kind: Option<IdDocumentKind>,
    pub document_number: Option<String>,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub health: Option<String>,
    pub approximate_members: Option<u32>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct PlaceInput {
    pub ubigeo: String,
    /// The exact place: community, address, directions.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentStatus {
    #[default]
    Given,
    Refused,
    /// The person cannot consent (detained, missing, incapacitated).
    Unable,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConsentInput {
    pub status: ConsentStatus,
    pub reason: Option<String>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct EvidenceInput {
    pub description: String,
    /// Where the evidence is: a link, a file reference, who holds it.
    pub reference: Option<String>,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestedMeasureInput {
    /// An entry of the catalogue, when the requester picked one.
    pub measure_type: Option<String>,
    pub description: Option<String>,
}

// ----------------------------------------------------------- parsed values

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    requester: Requester,
    beneficiaries: Vec<Beneficiary>,
    place: Place,
    defender_category: DefenderCategory,
    defender_category_detail: Option<ShortText>,
    aggression_types: Vec<AggressionType>,
    aggressor_type: Option<AggressorType>,
    language: Language,
    language_detail: Option<Name>,
    interpreter_needed: bool,
    consent: Consent,
    facts: LongText,
    evidence: Vec<EvidenceRef>,
    requested_measures: Vec<RequestedMeasure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    third_party: Option<ThirdParty>,
    contact: Contact,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    name: Name,
    relationship: Relationship,
    relationship_detail: Option<ShortText>,
    organisation: Option<Name>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    email: Option<EmailAddress>,
    phone: Option<PhoneNumber>,
    instructions: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Beneficiary {
    Person(Person),
    Collective(Collective),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    name: Name,
    document: Option<IdDocument>,
    gender: Option<Gender>,
    ethnicity: Option<Name>,
    health: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocument {
    kind: IdDocumentKind,
    number: Text<30>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collective {
    name: Name,
    kind: CollectiveKind,
    approximate_members: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    ubigeo: Ubigeo,
    detail: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Consent {
    Given,
    Refused,
    Unable { reason: ShortText },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    description: ShortText,
    reference: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedMeasure {
    measure_type: Option<MeasureTypeCode>,
    description: Option<ShortText>,
}

// ------------------------------------------------------------------ errors

/// One problem with one field, addressed by its path in the input
/// (`beneficiaries[1].name`). The message is Spanish and never repeats the
/// value, which may be personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found in one input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("la solicitud tiene {} dato(s) inválido(s)", .0.len())]
pub struct InvalidRequest(pub Vec<FieldError>);

/// Collects field errors while parsing so that a client learns about all of
/// them at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn check<T, E: std::fmt::Display>(&mut self, field: impl Into<String>, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.add(field, "es obligatorio");
        }
        value
    }
}

// ----------------------------------------------------------------- parsing

impl Request {
    pub fn parse(input: RequestInput) -> Result<Self, InvalidRequest> {
        let mut p = Problems::default();

        // `Some(None)`: filed by the defender; `None`: a third party with problems.
        let third_party = match input.third_party {
            None => Some(None),
            Some(t) => parse_third_party(&mut p, t).map(Some),
        };
        let contact = parse_contact(&mut p, input.contact);

        if input.beneficiaries.is_empty() {
            p.add("beneficiaries", "indique al menos una persona o colectivo a proteger");
        }
        if input.beneficiaries.len() > MAX_BENEFICIARIES {
            p.add("beneficiaries", format!("no puede haber más de {MAX_BENEFICIARIES}"));
        }
        let beneficiaries: Vec<_> = input
            .beneficiaries
            .into_iter()
            .enumerate()
            .map(|(i, b)| parse_beneficiary(&mut p, &format!("beneficiaries[{i}]"), b))
            .collect();

        let ubigeo = p.check("place.ubigeo", Ubigeo::parse(&input.place.ubigeo));
        let place_detail = p.check("place.detail", ShortText::parse_optional(input.place.detail.as_deref()));

        let defender_category = p.required("defenderCategory", input.defender_category);
        let category_detail =
            p.check("defenderCategoryDetail", ShortText::parse_optional(input.defender_category_detail.as_deref()));

        let mut aggression_types = input.aggression_types;
        aggression_types.sort_unstable();
        aggression_types.dedup();
        if aggression_types.is_empty() {
            p.add("aggressionTypes", "indique al menos un tipo de agresión");
        }

        let language = p.required("language", input.language);
        let language_detail = p.check("languageDetail", Name::parse_optional(input.language_detail.as_deref()));

        let consent = parse_consent(&mut p, input.consent);
        let facts = p.check("facts", LongText::parse(&input.facts));

        if input.evidence.len() > MAX_ITEMS {
            p.add("evidence", format!("no puede haber más de {MAX_ITEMS}"));
        }
        let evidence: Vec<_> = input
            .evidence
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let field = format!("evidence[{i}]");
                let description = p.check(format!("{field}.description"), ShortText::parse(&e.description));
                let reference =
                    p.check(format!("{field}.reference"), ShortText::parse_optional(e.reference.as_deref()));
                Some(EvidenceRef { description: description?, reference: reference? })
            })
            .collect();

        if input.requested_measures.len() > MAX_ITEMS {
            p.add("requestedMeasures", format!("no puede haber más de {MAX_ITEMS}"));
        }
        let requested_measures: Vec<_> = input
            .requested_measures
            .into_iter()
            .enumerate()
            .map(|(i, m)| parse_requested_measure(&mut p, &format!("requestedMeasures[{i}]"), m))
            .collect();

        // Every `Option` below is `Some` exactly when no problem was recorded
        // for it, so an empty problem list means they all are.
        let parsed = (|| {
            Some(Request {
                requester: Requester { third_party: third_party?, contact: contact? },
                beneficiaries: beneficiaries.into_iter().collect::<Option<_>>()?,
                place: Place { ubigeo: ubigeo?, detail: place_detail? },
                defender_category: defender_category?,
                defender_category_detail: category_detail?,
                aggression_types,
                aggressor_type: input.aggressor_type,
                language: language?,
                language_detail: language_detail?,
                interpreter_needed: input.interpreter_needed,
                consent: consent?,
                facts: facts?,
                evidence: evidence.into_iter().collect::<Option<_>>()?,
                requested_measures: requested_measures.into_iter().collect::<Option<_>>()?,
            })
        })();
        match parsed {
            Some(request) if p.0.is_empty() => Ok(request),
            _ => Err(InvalidRequest(p.0)),
        }
    }

    pub fn requester(&self) -> &Requester {
        &self.requester
    }
    pub fn beneficiaries(&self) -> &[Beneficiary] {
        &self.beneficiaries
    }
    pub fn place(&self) -> &Place {
        &self.place
    }
    pub fn defender_category(&self) -> DefenderCategory {
        self.defender_category
    }
    pub fn defender_category_detail(&self) -> Option<&ShortText> {
        self.defender_category_detail.as_ref()
    }
    /// Sorted, without repetition, never empty.
    pub fn aggression_types(&self) -> &[AggressionType] {
        &self.aggression_types
    }
    pub fn aggressor_type(&self) -> Option<AggressorType> {
        self.aggressor_type
    }
    pub fn language(&self) -> Language {
        self.language
    }
    pub fn language_detail(&self) -> Option<&Name> {
        self.language_detail.as_ref()
    }
    pub fn interpreter_needed(&self) -> bool {
        self.interpreter_needed
    }
    pub fn consent(&self) -> &Consent {
        &self.consent
    }
    pub fn facts(&self) -> &LongText {
        &self.facts
    }
    pub fn evidence(&self) -> &[EvidenceRef] {
        &self.evidence
    }
    pub fn requested_measures(&self) -> &[RequestedMeasure] {
        &self.requested_measures
    }
    /// Whether the request protects a collective (at least one community,
    /// organisation or group) rather than individuals only.
    pub fn is_collective(&self) -> bool {
        self.beneficiaries.iter().any(|b| matches!(b, Beneficiary::Collective(_)))
    }
}

fn parse_third_party(p: &mut Problems, t: ThirdPartyInput) -> Option<ThirdParty> {
    let name = p.check("thirdParty.name", Name::parse(&t.name));
    let relationship = p.required("thirdParty.relationship", t.relationship);
    let detail = p.check("thirdParty.relationshipDetail", ShortText::parse_optional(t.relationship_detail.as_deref()));
    let organisation = p.check("thirdParty.organisation", Name::parse_optional(t.organisation.as_deref()));
    Some(ThirdParty {
        name: name?,
        relationship: relationship?,
        relationship_detail: detail?,
        organisation: organisation?,
    })
}

fn parse_contact(p: &mut Problems, c: ContactInput) -> Option<Contact> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let email = match blank(&c.email) {
        true => Some(None),
        false => p.check("contact.email", EmailAddress::parse(c.email.as_deref().unwrap_or_default()).map(Some)),
    };
    let phone = match blank(&c.phone) {
        true => Some(None),
        false => p.check("contact.phone", PhoneNumber::parse(c.phone.as_deref().unwrap_or_default()).map(Some)),
    };
    let instructions = p.check("contact.instructions", ShortText::parse_optional(c.instructions.as_deref()));
    Some(Contact { email: email?, phone: phone?, instructions: instructions? })
}

fn parse_beneficiary(p: &mut Problems, field: &str, b: BeneficiaryInput) -> Option<Beneficiary> {
    let name = p.check(format!("{field}.name"), Name::parse(&b.name));
    match b.collective {
        Some(kind) => {
            Some(Beneficiary::Collective(Collective { name: name?, kind, approximate_members: b.approximate_members }))
        }
        None => {
            let document = match (b.document_kind, b.document_number.as_deref().map(str::trim)) {
                (None, None | Some("")) => Some(None),
                (Some(kind), Some(number)) if !number.is_empty() => p
                    .check(format!("{field}.documentNumber"), Text::<30>::parse(number))
                    .map(|number| Some(IdDocument { kind, number })),
                (Some(_), _) => {
                    p.add(format!("{field}.documentNumber"), "indique el número del documento");
                    None
                }
                (None, Some(_)) => {
                    p.add(format!("{field}.documentKind"), "indique el tipo de documento");
                    None
                }
            };
            let ethnicity = p.check(format!("{field}.ethnicity"), Name::parse_optional(b.ethnicity.as_deref()));
            let health = p.check(format!("{field}.health"), ShortText::parse_optional(b.health.as_deref()));
            Some(Beneficiary::Person(Person {
                name: name?,
                document: document?,
                gender: b.gender,
                ethnicity: ethnicity?,
                health: health?,
            }))
        }
    }
}

fn parse_consent(p: &mut Problems, c: ConsentInput) -> Option<Consent> {
    let reason = p.check("consent.reason", ShortText::parse_optional(c.reason.as_deref()))?;
    match (c.status, reason) {
        (ConsentStatus::Given, _) => Some(Consent::Given),
        (ConsentStatus::Refused, _) => Some(Consent::Refused),
        (ConsentStatus::Unable, Some(reason)) => Some(Consent::Unable { reason }),
        (ConsentStatus::Unable, None) => {
            p.add("consent.reason", "explique por qué la persona no puede dar su consentimiento");
            None
        }
    }
}

fn parse_requested_measure(p: &mut Problems, field: &str, m: RequestedMeasureInput) -> Option<RequestedMeasure> {
    let measure_type = match m.measure_type.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(code) => p.check(format!("{field}.measureType"), RefCode::parse(code).map(Some)),
    };
    let description = p.check(format!("{field}.description"), ShortText::parse_optional(m.description.as_deref()));
    if matches!((&measure_type, &description), (Some(None), Some(None))) {
        p.add(field, "indique una medida del catálogo o descríbala");
        return None;
    }
    Some(RequestedMeasure { measure_type: measure_type?, description: description? })
}

impl Requester {
    pub fn third_party(&self) -> Option<&ThirdParty> {
        self.third_party.as_ref()
    }
    pub fn contact(&self) -> &Contact {
        &self.contact
    }
}

impl ThirdParty {
    pub fn name(&self) -> &Name {
        &self.name
    }
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
    pub fn relationship_detail(&self) -> Option<&ShortText> {
        self.relationship_detail.as_ref()
    }
    pub fn organisation(&self) -> Option<&Name> {
        self.organisation.as_ref()
    }
}

impl Contact {
    pub fn email(&self) -> Option<&EmailAddress> {
        self.email.as_ref()
    }
    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }
    pub fn instructions(&self) -> Option<&ShortText> {
        self.instructions.as_ref()
    }
}

impl Beneficiary {
    pub fn name(&self) -> &Name {
        match self {
            Beneficiary::Person(person) => &person.name,
            Beneficiary::Collective(collective) => &collective.name,
        }
    }

    /// The gender, for people who gave one (statistics by gender).
    pub fn gender(&self) -> Option<Gender> {
        match self {
            Beneficiary::Person(person) => person.gender,
            Beneficiary::Collective(_) => None,
        }
    }

    pub fn collective_kind(&self) -> Option<CollectiveKind> {
        match self {
            Beneficiary::Person(_) => None,
            Beneficiary::Collective(collective) => Some(collective.kind),
        }
    }
}

impl Person {
    pub fn name(&self) -> &Name {
        &self.name
    }
    pub fn document(&self) -> Option<&IdDocument> {
        self.document.as_ref()
    }
    pub fn gender(&self) -> Option<Gender> {
        self.gender
    }
    pub fn ethnicity(&self) -> Option<&Name> {
        self.ethnicity.as_ref()
    }
    pub fn health(&self) -> Option<&ShortText> {
        self.health.as_ref()
    }
}

impl IdDocument {
    pub fn kind(&self) -> IdDocumentKind {
        self.kind
    }
    pub fn number(&self) -> &str {
        self.number.as_str()
    }
}

impl Collective {
    pub fn name(&self) -> &Name {
        &self.name
    }
    pub fn kind(&self) -> CollectiveKind {
        self.kind
    }
    pub fn approximate_members(&self) -> Option<u32> {
        self.approximate_members
    }
}

impl Place {
    pub fn ubigeo(&self) -> Ubigeo {
        self.ubigeo
    }
    pub fn detail(&self) -> Option<&ShortText> {
        self.detail.as_ref()
    }
}

impl Consent {
    pub fn status(&self) -> ConsentStatus {
        match self {
            Consent::Given => ConsentStatus::Given,
            Consent::Refused => ConsentStatus::Refused,
            Consent::Unable { .. } => ConsentStatus::Unable,
        }
    }
}

impl EvidenceRef {
    pub fn description(&self) -> &ShortText {
        &self.description
    }
    pub fn reference(&self) -> Option<&ShortText> {
        self.reference.as_ref()
    }
}

impl RequestedMeasure {
    pub fn measure_type(&self) -> Option<&MeasureTypeCode> {
        self.measure_type.as_ref()
    }
    pub fn description(&self) -> Option<&ShortText> {
        self.description.as_ref()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A complete, valid request: a third party files for an indigenous
    /// leader and her community in Ucayali.
    pub(crate) fn valid_input() -> RequestInput {
        RequestInput {
            third_party: Some(ThirdPartyInput {
                name: "Organización Regional".into(),
                relationship: Some(Relationship::Organisation),
                relationship_detail: None,
                organisation: Some("Federación Nativa".into()),
            }),
            contact: ContactInput { email: Some("contacto@example.pe".into()), phone: None, instructions: None },
            beneficiaries: vec![
                BeneficiaryInput { name: "Lideresa".into(), gender: Some(Gender::Female), ..Default::default() },
                BeneficiaryInput {
                    collective: Some(CollectiveKind::IndigenousCommunity),
                    name: "Comunidad nativa".into(),
                    approximate_members: Some(300),
                    ..Default::default()
                },
            ],
            place: PlaceInput { ubigeo: "250101".into(), detail: Some("A dos horas por río".into()) },
            defender_category: Some(DefenderCategory::Indigenous),
            aggression_types: vec![AggressionType::Threat, AggressionType::Harassment, AggressionType::Threat],
            aggressor_type: Some(AggressorType::IllegalLogging),
            language: Some(Language::ShipiboKonibo),
            interpreter_needed: true,
            consent: ConsentInput { status: ConsentStatus::Given, reason: None },
            facts: "Amenazas reiteradas tras la denuncia de tala ilegal.".into(),
            evidence: vec![EvidenceInput { description: "Audio de la amenaza".into(), reference: None }],
            requested_measures: vec![RequestedMeasureInput {
                measure_type: Some("POLICE_PROTECTION".into()),
                description: None,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn debug_never_prints_personal_data() {
        let mut input = valid_input();
        input.facts = "CANARIO hechos".into();
        input.beneficiaries[0].name = "CANARIO nombre".into();
        input.beneficiaries[0].document_kind = Some(IdDocumentKind::Dni);
        input.beneficiaries[0].document_number = Some("12345678".into());
        input.place.detail = Some("CANARIO lugar".into());
        input.contact.phone = Some("+51 999 888 777".into());
        let typed = format!("{input:?}");
        assert_eq!(typed, "RequestInput(<redacted>)");
        let parsed = format!("{:?}", Request::parse(input).unwrap());
        for secret in ["CANARIO", "12345678", "999", "contacto@example.pe", "Lideresa", "Federación"] {
            assert!(!parsed.contains(secret), "{secret} in {parsed}");
        }
    }

    #[test]
    fn parses_a_complete_request() {
        let request = Request::parse(valid_input()).unwrap();
        assert_eq!(request.aggression_types(), &[AggressionType::Threat, AggressionType::Harassment]);
        assert_eq!(request.place().ubigeo().department().as_str(), "25");
        assert!(request.is_collective());
        assert_eq!(request.beneficiaries()[0].gender(), Some(Gender::Female));
        assert!(request.requester().third_party().is_some());
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let mut input = valid_input();
        input.beneficiaries[0].name = " ".into();
        input.beneficiaries[0].document_kind = Some(IdDocumentKind::Dni);
        input.place.ubigeo = "99".into();
        input.facts = String::new();
        input.language = None;
        input.aggression_types.clear();
        input.contact.email = Some("no-es-correo".into());
        input.consent = ConsentInput { status: ConsentStatus::Unable, reason: None };
        input.requested_measures.push(RequestedMeasureInput::default());
        let InvalidRequest(errors) = Request::parse(input).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "contact.email",
                "beneficiaries[0].name",
                "beneficiaries[0].documentNumber",
                "place.ubigeo",
                "aggressionTypes",
                "language",
                "consent.reason",
                "facts",
                "requestedMeasures[1]",
            ]
        );
    }

    #[test]
    fn needs_someone_to_protect() {
        let mut input = valid_input();
        input.beneficiaries.clear();
        let InvalidRequest(errors) = Request::parse(input).unwrap_err();
        assert_eq!(errors[0].field, "beneficiaries");
    }

    #[test]
    fn error_messages_never_repeat_the_value() {
        let mut input = valid_input();
        input.contact.email = Some("ana.secreta@".into());
        let InvalidRequest(errors) = Request::parse(input).unwrap_err();
        assert!(errors.iter().all(|e| !e.to_string().contains("secreta")));
    }

    #[test]
    fn a_defender_may_file_for_themselves() {
        let mut input = valid_input();
        input.third_party = None;
        let request = Request::parse(input).unwrap();
        assert!(request.requester().third_party().is_none());
    }
}
