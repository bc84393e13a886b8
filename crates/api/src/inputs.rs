//! Input objects of the intake and their conversion into the domain's
//! `RequestInput`, which `Request::parse` then checks once.
//!
//! Fields holding personal data are `secret`: whatever prints an operation
//! shows `"<secret>"` instead. Lists of input objects are marked whole,
//! because the printer does not look inside list items (`secret_inputs`
//! tests this for every operation).

use async_graphql::{ID, InputObject};
use domain::codes::RefCode;
use domain::request as r;
use domain::text::Text;
use uuid::Uuid;

use crate::enums::{
    AggressionType, AggressorType, CollectiveKind, ConsentStatus, DefenderCategory, Gender, IdDocumentKind, Language,
    Relationship,
};
use crate::error::{ApiError, ApiResult};

/// A request for protection, as a defender or a third party files it
/// (`submitRequest`) or staff register it (`registerRequest`). It is sealed
/// at rest as a whole; only codes (department and province, categories,
/// language, gender, counts) are kept in clear for lists and statistics.
#[derive(InputObject)]
pub(crate) struct RequestInput {
    /// Chosen by the client (e.g. a random UUID) and sent again on every
    /// retry of the same request: a request is never filed twice, and a
    /// retry gets the same file number and access key back. One too regular
    /// to be random is refused. Keep it secret.
    #[graphql(secret)]
    pub(crate) idempotency_key: String,
    /// Who files on the defender's behalf; leave out when the defender files
    /// for themselves.
    pub(crate) third_party: Option<ThirdPartyInput>,
    /// How the requester may be contacted (all optional).
    #[graphql(default)]
    pub(crate) contact: ContactInput,
    /// The people and/or collectives to protect: 1 to 50.
    #[graphql(secret)]
    pub(crate) beneficiaries: Vec<BeneficiaryInput>,
    /// Where the people to protect are; its department selects regional
    /// non-working days.
    pub(crate) place: PlaceInput,
    /// What the defender defends.
    pub(crate) defender_category: DefenderCategory,
    /// Free text to qualify the category, e.g. for `OTHER`; at most 2,000
    /// characters.
    #[graphql(secret)]
    pub(crate) defender_category_detail: Option<String>,
    /// The kinds of aggression suffered: at least one; repetitions are
    /// dropped.
    pub(crate) aggression_types: Vec<AggressionType>,
    /// Who is alleged to be behind the aggression, if known.
    pub(crate) aggressor_type: Option<AggressorType>,
    /// The language the defender speaks.
    pub(crate) language: Language,
    /// The language's name when it is not in the list; at most 200
    /// characters.
    #[graphql(secret)]
    pub(crate) language_detail: Option<String>,
    /// Whether the defender needs an interpreter.
    #[graphql(default)]
    pub(crate) interpreter_needed: bool,
    /// Whether the person to protect consented (admissibility criterion (b)).
    pub(crate) consent: ConsentInput,
    /// What happened, in the requester's words; at most 20,000 characters.
    #[graphql(secret)]
    pub(crate) facts: String,
    /// Evidence supporting the facts, where it is: at most 50 items.
    #[graphql(default)]
    #[graphql(secret)]
    pub(crate) evidence: Vec<EvidenceInput>,
    /// The protection measures or urgent intervention asked for: at most 50.
    #[graphql(default)]
    #[graphql(secret)]
    pub(crate) requested_measures: Vec<RequestedMeasureInput>,
}

/// The person who files for the defender (DOMAIN.md §2.1: anyone who knows
/// the situation may). Personal data.
#[derive(InputObject)]
pub(crate) struct ThirdPartyInput {
    /// Their full name; at most 200 characters.
    #[graphql(secret)]
    pub(crate) name: String,
    /// How they know the people to protect.
    pub(crate) relationship: Relationship,
    /// Free text to qualify the relationship; at most 2,000 characters.
    #[graphql(secret)]
    pub(crate) relationship_detail: Option<String>,
    /// The organisation they speak for, if any; at most 200 characters.
    #[graphql(secret)]
    pub(crate) organisation: Option<String>,
}

/// How the DGDH may reach the requester. Personal data, seen only by
/// officers and supervisors.
#[derive(InputObject, Default)]
pub(crate) struct ContactInput {
    /// An e-mail address.
    #[graphql(secret)]
    pub(crate) email: Option<String>,
    /// A phone number: 6 to 15 digits, with an optional leading `+`; spaces,
    /// dots and dashes are accepted and dropped.
    #[graphql(secret)]
    pub(crate) phone: Option<String>,
    /// Safe ways or times to call, an intermediary…; at most 2,000
    /// characters.
    #[graphql(secret)]
    pub(crate) instructions: Option<String>,
}

/// A person or a collective to protect. Personal data.
#[derive(InputObject)]
pub(crate) struct BeneficiaryInput {
    /// Leave out for a person; the kind of collective otherwise.
    pub(crate) collective: Option<CollectiveKind>,
    /// The person's or the collective's name; at most 200 characters.
    #[graphql(secret)]
    pub(crate) name: String,
    /// A person's identity document kind; given together with
    /// `documentNumber`.
    pub(crate) document_kind: Option<IdDocumentKind>,
    /// A person's identity document number; at most 30 characters.
    #[graphql(secret)]
    pub(crate) document_number: Option<String>,
    /// A person's gender.
    pub(crate) gender: Option<Gender>,
    /// A person's ethnicity (sensitive data); at most 200 characters.
    #[graphql(secret)]
    pub(crate) ethnicity: Option<String>,
    /// A person's health conditions relevant to protection (sensitive data);
    /// at most 2,000 characters.
    #[graphql(secret)]
    pub(crate) health: Option<String>,
    /// A collective's approximate number of members.
    pub(crate) approximate_members: Option<u32>,
}

/// Where the people to protect are.
#[derive(InputObject)]
pub(crate) struct PlaceInput {
    /// INEI ubigeo: 2 (department), 4 (province) or 6 (district) digits.
    pub(crate) ubigeo: String,
    /// The exact place: community, address, directions. Sensitive: shown
    /// only to officers and to the coordinators of the measures' sectors; at
    /// most 2,000 characters.
    #[graphql(secret)]
    pub(crate) detail: Option<String>,
}

/// The consent of the person to protect.
#[derive(InputObject)]
pub(crate) struct ConsentInput {
    /// Given, refused, or unable to consent.
    pub(crate) status: ConsentStatus,
    /// Why the person cannot consent: required when `status` is `UNABLE`; at
    /// most 2,000 characters.
    #[graphql(secret)]
    pub(crate) reason: Option<String>,
}

/// A piece of evidence: what it is and where it can be found. Personal data.
#[derive(InputObject)]
pub(crate) struct EvidenceInput {
    /// What it is; at most 2,000 characters.
    #[graphql(secret)]
    pub(crate) description: String,
    /// Where it is: a link, a file reference, who holds it; at most 2,000
    /// characters.
    #[graphql(secret)]
    pub(crate) reference: Option<String>,
}

/// A protection measure or urgent intervention asked for: a catalogue code,
/// a description, or both.
#[derive(InputObject)]
pub(crate) struct RequestedMeasureInput {
    /// A code from `measureTypes`, if one fits.
    pub(crate) measure_type: Option<String>,
    /// The measure in the requester's words; at most 2,000 characters.
    #[graphql(secret)]
    pub(crate) description: Option<String>,
}

impl RequestInput {
    pub(crate) fn into_domain(self) -> (String, r::RequestInput) {
        let input = r::RequestInput {
            third_party: self.third_party.map(|t| r::ThirdPartyInput {
                name: t.name,
                relationship: Some(t.relationship.into()),
                relationship_detail: t.relationship_detail,
                organisation: t.organisation,
            }),
            contact: r::ContactInput {
                email: self.contact.email,
                phone: self.contact.phone,
                instructions: self.contact.instructions,
            },
            beneficiaries: self
                .beneficiaries
                .into_iter()
                .map(|b| r::BeneficiaryInput {
                    collective: b.collective.map(Into::into),
                    name: b.name,
                    document_kind: b.document_kind.map(Into::into),
                    document_number: b.document_number,
                    gender: b.gender.map(Into::into),
                    ethnicity: b.ethnicity,
                    health: b.health,
                    approximate_members: b.approximate_members,
                })
                .collect(),
            place: r::PlaceInput { ubigeo: self.place.ubigeo, detail: self.place.detail },
            defender_category: Some(self.defender_category.into()),
            defender_category_detail: self.defender_category_detail,
            aggression_types: self.aggression_types.into_iter().map(Into::into).collect(),
            aggressor_type: self.aggressor_type.map(Into::into),
            language: Some(self.language.into()),
            language_detail: self.language_detail,
            interpreter_needed: self.interpreter_needed,
            consent: r::ConsentInput { status: self.consent.status.into(), reason: self.consent.reason },
            facts: self.facts,
            evidence: self
                .evidence
                .into_iter()
                .map(|e| r::EvidenceInput { description: e.description, reference: e.reference })
                .collect(),
            requested_measures: self
                .requested_measures
                .into_iter()
                .map(|m| r::RequestedMeasureInput { measure_type: m.measure_type, description: m.description })
                .collect(),
        };
        (self.idempotency_key, input)
    }

    /// The inverse of [`Self::into_domain`], for a client holding a domain
    /// value (the web pages): `None` when a value the schema requires is
    /// missing, i.e. when `Request::parse` would have refused the input.
    fn from_domain(idempotency_key: &str, input: &r::RequestInput) -> Option<Self> {
        let third_party = match &input.third_party {
            None => None,
            Some(t) => Some(ThirdPartyInput {
                name: t.name.clone(),
                relationship: t.relationship?.into(),
                relationship_detail: t.relationship_detail.clone(),
                organisation: t.organisation.clone(),
            }),
        };
        Some(Self {
            idempotency_key: idempotency_key.to_owned(),
            third_party,
            contact: ContactInput {
                email: input.contact.email.clone(),
                phone: input.contact.phone.clone(),
                instructions: input.contact.instructions.clone(),
            },
            beneficiaries: input
                .beneficiaries
                .iter()
                .map(|b| BeneficiaryInput {
                    collective: b.collective.map(Into::into),
                    name: b.name.clone(),
                    document_kind: b.document_kind.map(Into::into),
                    document_number: b.document_number.clone(),
                    gender: b.gender.map(Into::into),
                    ethnicity: b.ethnicity.clone(),
                    health: b.health.clone(),
                    approximate_members: b.approximate_members,
                })
                .collect(),
            place: PlaceInput { ubigeo: input.place.ubigeo.clone(), detail: input.place.detail.clone() },
            defender_category: input.defender_category?.into(),
            defender_category_detail: input.defender_category_detail.clone(),
            aggression_types: input.aggression_types.iter().copied().map(Into::into).collect(),
            aggressor_type: input.aggressor_type.map(Into::into),
            language: input.language?.into(),
            language_detail: input.language_detail.clone(),
            interpreter_needed: input.interpreter_needed,
            consent: ConsentInput { status: input.consent.status.into(), reason: input.consent.reason.clone() },
            facts: input.facts.clone(),
            evidence: input
                .evidence
                .iter()
                .map(|e| EvidenceInput { description: e.description.clone(), reference: e.reference.clone() })
                .collect(),
            requested_measures: input
                .requested_measures
                .iter()
                .map(|m| RequestedMeasureInput {
                    measure_type: m.measure_type.clone(),
                    description: m.description.clone(),
                })
                .collect(),
        })
    }
}

/// The `input` variable of `submitRequest` for a request a client holds as
/// the domain's value (the web form builds one to check each step with
/// `Request::parse`): the schema's names for every enum, so the page need
/// not know them. `None` when a value the schema requires is missing.
pub fn request_input_variable(idempotency_key: &str, input: &r::RequestInput) -> Option<serde_json::Value> {
    use async_graphql::InputType as _;
    RequestInput::from_domain(idempotency_key, input).map(|i| i.to_value().into_json().unwrap_or_default())
}

/// Free text of an argument, checked once; problems name the argument.
pub(crate) fn text<const N: usize>(field: &str, raw: &str) -> ApiResult<Text<N>> {
    Text::parse(raw).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

pub(crate) fn optional_text<const N: usize>(field: &str, raw: Option<&str>) -> ApiResult<Option<Text<N>>> {
    Text::parse_optional(raw).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// An identifier argument: a malformed one is refused cleanly.
pub(crate) fn id(field: &str, raw: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(raw.as_str()).map_err(|_| ApiError::bad_input(field, "identificador inválido"))
}

/// A sector or measure-type code argument.
pub(crate) fn ref_code(field: &str, raw: &str) -> ApiResult<RefCode> {
    RefCode::parse(raw.trim()).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// `first` of a connection: 1 to 100, 20 when absent.
pub(crate) fn page_size(first: Option<i32>) -> ApiResult<u64> {
    match first.unwrap_or(20) {
        n @ 1..=100 => Ok(u64::try_from(n).unwrap_or(20)),
        _ => Err(ApiError::bad_input("first", "el tamaño de página debe estar entre 1 y 100")),
    }
}

/// A cursor from a previous page; a tampered one is refused cleanly.
pub(crate) fn decode_cursor(after: Option<&str>) -> ApiResult<Option<db::Cursor>> {
    use async_graphql::connection::CursorType;
    after
        .map(|raw| {
            async_graphql::connection::OpaqueCursor::<db::Cursor>::decode_cursor(raw)
                .map(|c| c.0)
                .map_err(|_| ApiError::bad_input("after", "cursor inválido"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use async_graphql::InputType as _;
    use domain::categories as c;

    use super::*;

    fn everything() -> r::RequestInput {
        r::RequestInput {
            third_party: Some(r::ThirdPartyInput {
                name: "Juana".into(),
                relationship: Some(c::Relationship::Lawyer),
                relationship_detail: Some("su abogada".into()),
                organisation: Some("Colectivo".into()),
            }),
            contact: r::ContactInput { email: Some("a@b.pe".into()), phone: None, instructions: Some("tarde".into()) },
            beneficiaries: vec![
                r::BeneficiaryInput {
                    name: "Rosa".into(),
                    document_kind: Some(c::IdDocumentKind::ForeignerCard),
                    document_number: Some("123".into()),
                    gender: Some(c::Gender::Female),
                    ..Default::default()
                },
                r::BeneficiaryInput {
                    collective: Some(c::CollectiveKind::IndigenousCommunity),
                    name: "Comunidad".into(),
                    approximate_members: Some(240),
                    ..Default::default()
                },
            ],
            place: r::PlaceInput { ubigeo: "250101".into(), detail: None },
            defender_category: Some(c::DefenderCategory::Indigenous),
            defender_category_detail: None,
            aggression_types: vec![c::AggressionType::Threat, c::AggressionType::Surveillance],
            aggressor_type: Some(c::AggressorType::IllegalLogging),
            language: Some(c::Language::ShipiboKonibo),
            language_detail: None,
            interpreter_needed: true,
            consent: r::ConsentInput { status: r::ConsentStatus::Unable, reason: Some("detenida".into()) },
            facts: "hechos".into(),
            evidence: vec![r::EvidenceInput { description: "audio".into(), reference: None }],
            requested_measures: vec![r::RequestedMeasureInput {
                measure_type: Some("POLICE_PATROLS".into()),
                description: None,
            }],
        }
    }

    /// What a page sends is what the schema reads back: the same value, with
    /// the schema's enum names (a foreigner card is `FOREIGNER_CARD` there,
    /// `CE` in the domain).
    #[test]
    fn a_domain_request_round_trips_through_the_schema_s_variable() {
        let input = everything();
        let variable = request_input_variable("k3y", &input).expect("every required value is there");
        assert_eq!(variable["beneficiaries"][0]["documentKind"], "FOREIGNER_CARD");
        assert_eq!(variable["consent"]["status"], "UNABLE");
        let value = async_graphql::Value::from_json(variable).unwrap();
        let parsed = RequestInput::parse(Some(value))
            .unwrap_or_else(|e| panic!("{}", e.into_server_error(Default::default()).message));
        let (key, back) = parsed.into_domain();
        assert_eq!(key, "k3y");
        assert!(back == input, "the same request after the round trip");
        let missing = r::RequestInput { language: None, ..everything() };
        assert!(request_input_variable("k3y", &missing).is_none(), "a required value is missing");
    }
}
