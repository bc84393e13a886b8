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

/// A request for protection, as a defender or a third party files it.
#[derive(InputObject)]
pub(crate) struct RequestInput {
    /// Chosen by the client (e.g. a random UUID) and sent again on every
    /// retry of the same request: a request is never filed twice, and a
    /// retry gets the same file number and access key back. Keep it secret.
    #[graphql(secret)]
    pub(crate) idempotency_key: String,
    /// Leave out when the defender files for themselves.
    pub(crate) third_party: Option<ThirdPartyInput>,
    /// How the requester may be contacted (all optional).
    #[graphql(default)]
    pub(crate) contact: ContactInput,
    /// The people and/or collectives to protect.
    #[graphql(secret)]
    pub(crate) beneficiaries: Vec<BeneficiaryInput>,
    pub(crate) place: PlaceInput,
    pub(crate) defender_category: DefenderCategory,
    #[graphql(secret)]
    pub(crate) defender_category_detail: Option<String>,
    pub(crate) aggression_types: Vec<AggressionType>,
    pub(crate) aggressor_type: Option<AggressorType>,
    pub(crate) language: Language,
    #[graphql(secret)]
    pub(crate) language_detail: Option<String>,
    #[graphql(default)]
    pub(crate) interpreter_needed: bool,
    pub(crate) consent: ConsentInput,
    /// What happened.
    #[graphql(secret)]
    pub(crate) facts: String,
    #[graphql(default)]
    #[graphql(secret)]
    pub(crate) evidence: Vec<EvidenceInput>,
    /// The protection measures or urgent intervention asked for.
    #[graphql(default)]
    #[graphql(secret)]
    pub(crate) requested_measures: Vec<RequestedMeasureInput>,
}

#[derive(InputObject)]
pub(crate) struct ThirdPartyInput {
    #[graphql(secret)]
    pub(crate) name: String,
    pub(crate) relationship: Relationship,
    #[graphql(secret)]
    pub(crate) relationship_detail: Option<String>,
    #[graphql(secret)]
    pub(crate) organisation: Option<String>,
}

#[derive(InputObject, Default)]
pub(crate) struct ContactInput {
    #[graphql(secret)]
    pub(crate) email: Option<String>,
    #[graphql(secret)]
    pub(crate) phone: Option<String>,
    /// Safe ways or times to call, an intermediary…
    #[graphql(secret)]
    pub(crate) instructions: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct BeneficiaryInput {
    /// Leave out for a person; the kind of collective otherwise.
    pub(crate) collective: Option<CollectiveKind>,
    #[graphql(secret)]
    pub(crate) name: String,
    pub(crate) document_kind: Option<IdDocumentKind>,
    #[graphql(secret)]
    pub(crate) document_number: Option<String>,
    pub(crate) gender: Option<Gender>,
    #[graphql(secret)]
    pub(crate) ethnicity: Option<String>,
    #[graphql(secret)]
    pub(crate) health: Option<String>,
    pub(crate) approximate_members: Option<u32>,
}

#[derive(InputObject)]
pub(crate) struct PlaceInput {
    /// INEI ubigeo: 2 (department), 4 (province) or 6 (district) digits.
    pub(crate) ubigeo: String,
    /// The exact place: community, address, directions.
    #[graphql(secret)]
    pub(crate) detail: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct ConsentInput {
    pub(crate) status: ConsentStatus,
    /// Required when the person is UNABLE to consent.
    #[graphql(secret)]
    pub(crate) reason: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct EvidenceInput {
    #[graphql(secret)]
    pub(crate) description: String,
    /// Where it is: a link, a file reference, who holds it.
    #[graphql(secret)]
    pub(crate) reference: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct RequestedMeasureInput {
    /// A code from `measureTypes`, if one fits.
    pub(crate) measure_type: Option<String>,
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
