//! Requests and commands as people would send them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::categories::{
    AggressionType, AggressorType, CollectiveKind, DefenderCategory, Gender, Language, Relationship,
};
use domain::codes::RefCode;
use domain::request::{
    BeneficiaryInput, ConsentInput, ConsentStatus, ContactInput, EvidenceInput, PlaceInput, Request, RequestInput,
    RequestedMeasureInput, ThirdPartyInput,
};
use domain::text::Text;
use domain::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityEvaluation, Command, Criterion, CriterionCheck, GrantedMeasure,
    Resolution, RiskLevel, Track,
};

/// A community leader in Ucayali threatened by illegal loggers; filed by
/// her federation.
pub(crate) fn leader_in_ucayali() -> RequestInput {
    RequestInput {
        third_party: Some(ThirdPartyInput {
            name: "Federación de Comunidades Nativas".into(),
            relationship: Some(Relationship::Organisation),
            relationship_detail: None,
            organisation: None,
        }),
        contact: ContactInput {
            email: Some("federacion@example.pe".into()),
            phone: Some("+51 961 000 111".into()),
            instructions: None,
        },
        beneficiaries: vec![
            BeneficiaryInput { name: "Lideresa Shipibo".into(), gender: Some(Gender::Female), ..Default::default() },
            BeneficiaryInput {
                collective: Some(CollectiveKind::IndigenousCommunity),
                name: "Comunidad Nativa Santa Clara".into(),
                approximate_members: Some(250),
                ..Default::default()
            },
        ],
        place: PlaceInput { ubigeo: "250101".into(), detail: Some("Margen izquierda del río".into()) },
        defender_category: Some(DefenderCategory::Indigenous),
        aggression_types: vec![AggressionType::Threat, AggressionType::Harassment],
        aggressor_type: Some(AggressorType::IllegalLogging),
        language: Some(Language::ShipiboKonibo),
        interpreter_needed: true,
        consent: ConsentInput { status: ConsentStatus::Given, reason: None },
        facts: "Tras denunciar la tala ilegal recibió amenazas de muerte.".into(),
        evidence: vec![EvidenceInput { description: "Mensajes de audio".into(), reference: None }],
        requested_measures: vec![RequestedMeasureInput {
            measure_type: Some("POLICE_PROTECTION".into()),
            description: None,
        }],
        ..Default::default()
    }
}

pub(crate) fn request() -> Request {
    Request::parse(leader_in_ucayali()).expect("valid request")
}

/// Intake keys nobody used before.
pub(crate) fn fresh_keys() -> db::IntakeKeys {
    db::IntakeKeys {
        idempotency_hash: uuid::Uuid::new_v4().to_string(),
        fingerprint: "fingerprint".into(),
        access_key_hash: uuid::Uuid::new_v4().to_string(),
    }
}

/// Noon in Lima on `date`.
pub(crate) fn at(date: &str) -> DateTime<Utc> {
    format!("{date}T17:00:00Z").parse().expect("instant")
}

pub(crate) fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub(crate) fn text<const N: usize>(s: &str) -> Text<N> {
    Text::parse(s).expect("text")
}

pub(crate) fn admit() -> Command {
    let checks = Criterion::ALL.iter().map(|c| CriterionCheck { criterion: *c, met: true, note: None }).collect();
    Command::EvaluateAdmissibility(
        AdmissibilityEvaluation::new(checks, AdmissibilityDecision::Admit { override_reason: None })
            .expect("evaluation"),
    )
}

pub(crate) fn assess(track: Track) -> Command {
    Command::AssessRisk { track, level: RiskLevel::High, summary: text("Riesgo inminente.") }
}

pub(crate) fn resolution(on: &str, measures: &[(&str, &str)]) -> Command {
    Command::IssueResolution(Resolution {
        act: ActReference { number: text("RD 001-2026-JUS/DGDH"), date: date(on) },
        granted: measures
            .iter()
            .map(|(measure, sector)| GrantedMeasure {
                measure_type: RefCode::parse(measure).expect("code"),
                sector: RefCode::parse(sector).expect("code"),
                details: None,
            })
            .collect(),
        denied: Vec::new(),
    })
}
