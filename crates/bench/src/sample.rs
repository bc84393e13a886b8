//! Requests like the ones the DGDH receives: a third party files for a
//! leader and her community, with a page of facts.

use domain::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, Language, Relationship,
};
use domain::request::{
    BeneficiaryInput, ConsentInput, ConsentStatus, ContactInput, EvidenceInput, PlaceInput, Request, RequestInput,
    RequestedMeasureInput, ThirdPartyInput,
};

/// The facts of request number `n`: about a page.
pub(crate) fn facts(n: usize) -> String {
    format!(
        "Caso {n}. {}",
        "Tras denunciar ante la fiscalía la tala ilegal en el territorio comunal, la lideresa recibió amenazas de \
         muerte por teléfono y personas desconocidas rondaron su vivienda durante la noche. "
            .repeat(6)
    )
}

/// Contact instructions, as a requester writes them.
pub(crate) const INSTRUCTIONS: &str = "Llamar solo por la tarde, a través del presidente de la federación";
/// The exact place.
pub(crate) const PLACE: &str = "Margen izquierda del río, a dos horas en bote";

/// Request number `n` (names and facts vary with `n`).
pub(crate) fn request(n: usize) -> anyhow::Result<Request> {
    let facts = facts(n);
    let input = RequestInput {
        third_party: Some(ThirdPartyInput {
            name: format!("Federación de Comunidades Nativas {n}"),
            relationship: Some(Relationship::Organisation),
            relationship_detail: None,
            organisation: None,
        }),
        contact: ContactInput {
            email: Some(format!("federacion{n}@example.pe")),
            phone: Some("+51 961 000 111".into()),
            instructions: Some(INSTRUCTIONS.into()),
        },
        beneficiaries: vec![
            BeneficiaryInput {
                name: format!("Lideresa {n}"),
                gender: Some(Gender::Female),
                document_kind: Some(domain::categories::IdDocumentKind::Dni),
                document_number: Some(format!("{:08}", n % 100_000_000)),
                ethnicity: Some("Shipibo-Konibo".into()),
                ..Default::default()
            },
            BeneficiaryInput {
                collective: Some(CollectiveKind::IndigenousCommunity),
                name: format!("Comunidad Nativa {n}"),
                approximate_members: Some(250),
                ..Default::default()
            },
        ],
        place: PlaceInput { ubigeo: "250101".into(), detail: Some(PLACE.into()) },
        defender_category: Some(DefenderCategory::Indigenous),
        aggression_types: vec![AggressionType::Threat, AggressionType::Harassment],
        aggressor_type: Some(AggressorType::IllegalLogging),
        language: Some(Language::ShipiboKonibo),
        interpreter_needed: true,
        consent: ConsentInput { status: ConsentStatus::Given, reason: None },
        facts,
        evidence: vec![EvidenceInput { description: "Mensajes de audio con amenazas".into(), reference: None }],
        requested_measures: vec![RequestedMeasureInput {
            measure_type: Some("POLICE_PROTECTION".into()),
            description: None,
        }],
        ..Default::default()
    };
    Request::parse(input).map_err(|e| anyhow::anyhow!("sample request {n} does not parse: {e:?}"))
}
