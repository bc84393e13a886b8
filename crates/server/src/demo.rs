//! `resguardo serve --demo`: sample staff for every role, sectors with
//! coordinators and a handful of cases in different states, so that a new
//! user can try the whole procedure at once. Loaded only into a database
//! without accounts; every name and place is invented.

use anyhow::Context as _;
use api::PasswordHasher;
use chrono::{DateTime, Utc};
use db::{Actor, Database, NewUser};
use domain::categories::{AggressionType, AggressorType, Channel, CollectiveKind, DefenderCategory, Gender, Language};
use domain::codes::RefCode;
use domain::request::{
    BeneficiaryInput, ConsentInput, ContactInput, PlaceInput, Request, RequestInput, RequestedMeasureInput,
};
use domain::roles::Role;
use domain::text::Text;
use domain::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityEvaluation, ArchiveReason, Command, ComplaintFiling, Criterion,
    CriterionCheck, GrantedMeasure, MeasureNo, Resolution, RiskLevel, StaffRef, Track,
};
use uuid::Uuid;

/// The password of every demo account.
pub const PASSWORD: &str = "demo-resguardo-2026";

/// Role, e-mail, name, sector, lead coordinator.
const STAFF: [(Role, &str, &str, Option<&str>, bool); 7] = [
    (Role::Admin, "admin@demo.resguardo.pe", "Administración", None, false),
    (Role::Officer, "oficial@demo.resguardo.pe", "Especialista de turno", None, false),
    (Role::Supervisor, "supervisora@demo.resguardo.pe", "Supervisora de la DGDH", None, false),
    (Role::Coordinator, "mininter@demo.resguardo.pe", "Coordinación Mininter", Some("MININTER"), true),
    (Role::Coordinator, "minjusdh@demo.resguardo.pe", "Coordinación Minjusdh", Some("MINJUSDH"), true),
    (Role::Coordinator, "minam@demo.resguardo.pe", "Coordinación Minam", Some("MINAM"), true),
    (Role::Auditor, "auditoria@demo.resguardo.pe", "Auditoría interna", None, false),
];

/// What was loaded, to print.
pub struct Summary {
    pub accounts: Vec<(Role, &'static str)>,
    /// File number, state, and for one of them the requester's access key.
    pub cases: Vec<(String, &'static str, Option<String>)>,
}

/// Loads the demo data unless the database already has accounts.
pub async fn load(db: &Database, secret: &api::AccessKeySecret, now: DateTime<Utc>) -> anyhow::Result<Option<Summary>> {
    if db.has_users().await? {
        return Ok(None);
    }
    let hasher = PasswordHasher::new(2);
    let hash = hasher.hash(PASSWORD).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let system = Actor::system();
    let mut officer = None;
    for (role, email, name, sector, lead) in STAFF {
        let user = db
            .create_user(
                NewUser {
                    email: email.into(),
                    display_name: name.into(),
                    role,
                    sector: sector.map(RefCode::parse).transpose().context("sector code")?,
                    lead_coordinator: lead,
                    password_hash: hash.clone(),
                },
                &system,
                now,
            )
            .await?;
        if role == Role::Officer {
            officer = Some(user.id);
        }
    }
    let officer = StaffRef(officer.context("an officer")?.to_string());
    let as_officer = Actor { user_id: Uuid::parse_str(&officer.0).ok(), role: Role::Officer, request_id: None };

    let mut cases = Vec::new();
    let received =
        file(db, secret, "250101", Channel::Web, DefenderCategory::Indigenous, AggressorType::IllegalLogging, now)
            .await?;
    cases.push((received.0, "recibida: lista para calificar", None));

    let (number, id, key) =
        file(db, secret, "200101", Channel::Phone, DefenderCategory::Journalist, AggressorType::Unknown, now).await?;
    apply(db, id, Command::StartReview, &as_officer, now).await?;
    let question = Command::RequestInformation {
        question: text("¿Puede indicar en qué distrito vive actualmente la persona amenazada?")?,
    };
    apply(db, id, question, &as_officer, now).await?;
    cases.push((number, "información solicitada al solicitante", Some(key)));

    let (number, id, _) =
        file(db, secret, "170101", Channel::Web, DefenderCategory::Environmental, AggressorType::IllegalMining, now)
            .await?;
    for command in
        [Command::Assign { officer: officer.clone() }, Command::StartReview, admit()?, assess(Track::Urgent)?]
    {
        apply(db, id, command, &as_officer, now).await?;
    }
    cases.push((number, "admitida, vía urgente: lista para resolver", None));

    let (number, id, _) =
        file(db, secret, "080101", Channel::Referral, DefenderCategory::LandAndTerritory, AggressorType::Company, now)
            .await?;
    let resolution = Command::IssueResolution(Resolution {
        act: ActReference { number: text("RD N.° 001-2026-JUS/DGDH")?, date: domain::business_day::lima_date(now) },
        granted: vec![granted("POLICE_PATROLS", "MININTER")?, granted("LEGAL_AID", "MINJUSDH")?],
        denied: Vec::new(),
    });
    for command in [
        Command::Assign { officer: officer.clone() },
        Command::StartReview,
        admit()?,
        assess(Track::Ordinary)?,
        resolution,
        Command::NotifyMeasure { measure: MeasureNo(1) },
        Command::NotifyMeasure { measure: MeasureNo(2) },
        Command::SetPlanGoal { goal: text("Que la defensora pueda seguir vigilando el río sin ser amenazada.")? },
        Command::RecordComplaint(ComplaintFiling {
            filed_on: domain::business_day::lima_date(now),
            office: text("Fiscalía Provincial Penal de Cusco")?,
            file_number: text("CF 1506014500-2026-000-0")?,
        }),
    ] {
        apply(db, id, command, &as_officer, now).await?;
    }
    // The coordination meeting that followed, with MINAM and MININTER.
    let meeting = db::NewMeeting {
        held_on: domain::business_day::lima_date(now),
        sectors: vec![RefCode::parse("MININTER")?, RefCode::parse("MINAM")?],
        other_bodies: Some(text("Defensoría del Pueblo")?),
        cases: Vec::new(),
        agreements: vec![
            db::NewAgreement {
                case_id: id,
                sector: RefCode::parse("MINAM")?,
                text: text("Inspeccionar el área deforestada junto al río y remitir el informe a la DGDH.")?,
                working_days: Some(10),
            },
            db::NewAgreement {
                case_id: id,
                sector: RefCode::parse("MININTER")?,
                text: text("Coordinar con la comisaría el patrullaje de la comunidad los fines de semana.")?,
                working_days: None,
            },
        ],
    };
    db.record_meeting(&meeting, now, &as_officer).await?;
    cases.push((
        number,
        "medidas notificadas a Mininter y Minjusdh, con plan, denuncia y reunión de coordinación",
        None,
    ));

    let (number, id, _) =
        file(db, secret, "150101", Channel::InPerson, DefenderCategory::TradeUnionist, AggressorType::Individual, now)
            .await?;
    let mut checks = all_met();
    checks[5] = CriterionCheck {
        criterion: Criterion::RiskLinkedToDefence,
        met: false,
        note: Some(text("El conflicto es de índole familiar.")?),
    };
    let refusal = AdmissibilityEvaluation::new(
        checks,
        AdmissibilityDecision::NotAdmit { reasons: text("El riesgo no se vincula con la labor de defensa.")? },
    )?;
    for command in [
        Command::StartReview,
        Command::EvaluateAdmissibility(refusal),
        Command::Archive { reason: ArchiveReason::NotAdmitted, note: None },
    ] {
        apply(db, id, command, &as_officer, now).await?;
    }
    cases.push((number, "no admitida y archivada", None));

    Ok(Some(Summary { accounts: STAFF.iter().map(|(role, email, ..)| (*role, *email)).collect(), cases }))
}

fn text<const N: usize>(value: &str) -> anyhow::Result<Text<N>> {
    Text::parse(value).map_err(|e| anyhow::anyhow!("{e}"))
}

fn all_met() -> Vec<CriterionCheck> {
    Criterion::ALL.iter().map(|c| CriterionCheck { criterion: *c, met: true, note: None }).collect()
}

fn admit() -> anyhow::Result<Command> {
    let evaluation = AdmissibilityEvaluation::new(all_met(), AdmissibilityDecision::Admit { override_reason: None })?;
    Ok(Command::EvaluateAdmissibility(evaluation))
}

fn assess(track: Track) -> anyhow::Result<Command> {
    Ok(Command::AssessRisk {
        track,
        level: RiskLevel::High,
        summary: text("Amenazas reiteradas tras denuncias públicas.")?,
    })
}

fn granted(measure: &str, sector: &str) -> anyhow::Result<GrantedMeasure> {
    Ok(GrantedMeasure { measure_type: RefCode::parse(measure)?, sector: RefCode::parse(sector)?, details: None })
}

async fn apply(db: &Database, id: Uuid, command: Command, actor: &Actor, now: DateTime<Utc>) -> anyhow::Result<()> {
    db.apply(id, command, now, actor).await?;
    Ok(())
}

/// Files an invented request; returns its file number, id and access key.
async fn file(
    db: &Database,
    secret: &api::AccessKeySecret,
    ubigeo: &str,
    channel: Channel,
    category: DefenderCategory,
    aggressor: AggressorType,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, Uuid, String)> {
    let input = RequestInput {
        beneficiaries: vec![
            BeneficiaryInput {
                name: format!("Persona defensora de ejemplo ({ubigeo})"),
                gender: Some(Gender::Female),
                ..Default::default()
            },
            BeneficiaryInput {
                collective: Some(CollectiveKind::Organisation),
                name: "Organización de ejemplo".into(),
                ..Default::default()
            },
        ],
        contact: ContactInput { phone: Some("+51 900 000 000".into()), ..Default::default() },
        place: PlaceInput { ubigeo: ubigeo.into(), detail: Some("Dirección inventada para la demostración".into()) },
        defender_category: Some(category),
        aggression_types: vec![AggressionType::Threat, AggressionType::Harassment],
        aggressor_type: Some(aggressor),
        language: Some(Language::Spanish),
        consent: ConsentInput::default(),
        facts: "Hechos inventados para la demostración: amenazas tras una denuncia pública.".into(),
        requested_measures: vec![RequestedMeasureInput {
            measure_type: Some("POLICE_PROTECTION".into()),
            description: None,
        }],
        ..Default::default()
    };
    let request = Request::parse(input).map_err(|e| anyhow::anyhow!("{e}"))?;
    let idempotency_key = format!("demo-{}", Uuid::new_v4());
    let (keys, access_key) =
        api::intake_keys(secret, &idempotency_key, &request, channel).map_err(|e| anyhow::anyhow!("{e}"))?;
    let filed = db.submit_request(&request, channel, &keys, now, &Actor::public(None)).await?;
    Ok((filed.file_number, filed.id, access_key))
}
