//! Realistic data, fast. Each request is one of a few dozen request
//! templates (departments, categories, aggressions, languages and people
//! drawn with DOMAIN.md's proportions), taken through the procedure by the
//! domain's own workflow to a state that fits its age (recent requests are
//! still being reviewed, older ones are in follow-up or archived), and
//! written with `Database::import_cases`, a thousand per transaction, while
//! the next thousand are being built on another thread.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Days, NaiveDate, Utc};
use db::{Actor, Database, ImportedCase};
use domain::calendar::Calendar;
use domain::categories::{
    AggressionType, AggressorType, Channel, CollectiveKind, DefenderCategory, Gender, Language, Relationship,
};
use domain::codes::RefCode;
use domain::deadline::DeadlineRules;
use domain::place::DepartmentCode;
use domain::request::{
    BeneficiaryInput, ConsentInput, ConsentStatus, ContactInput, PlaceInput, Request, RequestInput,
    RequestedMeasureInput, ThirdPartyInput,
};
use domain::text::Text;
use domain::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityEvaluation, ArchiveReason, Case, Command, Context, Criterion,
    CriterionCheck, GrantedMeasure, MeasureNo, Resolution, RiskLevel, Track,
};

/// What the generated requests look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// Ten years of requests at the rate of the largest peers, in the
    /// states their age gives them.
    Registry,
    /// Every request waiting for its decision, `overdue` of them past due:
    /// the worst case for the reminder pass.
    OpenDeadlines { overdue: usize },
}

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut pick = self.below(weights.iter().sum());
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                return i;
            }
            pick -= w;
        }
        0
    }
}

/// Departments (district ubigeo) and their share of requests: the Amazon
/// and the southern Andes, where defenders face illegal mining and logging,
/// with Lima's share of journalists and union leaders.
const PLACES: &[(&str, u64)] = &[
    ("150101", 22),
    ("250101", 9),
    ("160101", 9),
    ("080101", 8),
    ("120101", 6),
    ("210101", 6),
    ("100101", 5),
    ("170101", 5),
    ("200101", 5),
    ("220101", 5),
    ("010101", 5),
    ("050101", 3),
    ("030101", 3),
    ("130101", 3),
    ("140101", 3),
    ("060101", 3),
];

const MEASURES: &[(&str, &str)] = &[
    ("POLICE_PROTECTION", "MININTER"),
    ("POLICE_PATROLS", "MININTER"),
    ("PERSONAL_GUARANTEES", "MININTER"),
    ("LEGAL_AID", "MINJUSDH"),
    ("PUBLIC_SUPPORT_STATEMENT", "MINJUSDH"),
    ("CARE_FOR_WOMEN_VICTIMS", "MIMP"),
    ("ENVIRONMENTAL_CRIME_PROSECUTION", "MINAM"),
    ("INTERCULTURAL_SUPPORT", "MINCU"),
];

fn text<const N: usize>(s: &str) -> anyhow::Result<Text<N>> {
    Text::parse(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A request from `place`, varied by `variant`.
fn template(place: &str, variant: u64) -> anyhow::Result<Request> {
    let mut rng = Rng(variant);
    let categories = [
        DefenderCategory::Environmental,
        DefenderCategory::Indigenous,
        DefenderCategory::LandAndTerritory,
        DefenderCategory::WomensRights,
        DefenderCategory::Journalist,
        DefenderCategory::TradeUnionist,
        DefenderCategory::Lgbti,
    ];
    let aggressions = [
        AggressionType::Threat,
        AggressionType::Harassment,
        AggressionType::Intimidation,
        AggressionType::Stigmatisation,
        AggressionType::PhysicalAggression,
        AggressionType::Criminalisation,
        AggressionType::Surveillance,
        AggressionType::DigitalAttack,
    ];
    let aggressors = [
        AggressorType::IllegalMining,
        AggressorType::IllegalLogging,
        AggressorType::DrugTrafficking,
        AggressorType::LandTraffickers,
        AggressorType::Company,
        AggressorType::StateAgent,
    ];
    let people = 1 + rng.below(4) as usize;
    let mut beneficiaries: Vec<BeneficiaryInput> = (0..people)
        .map(|n| BeneficiaryInput {
            name: format!("Persona defensora {variant}-{n}"),
            gender: Some([Gender::Female, Gender::Male, Gender::NonBinary][rng.weighted(&[50, 48, 2])]),
            ..Default::default()
        })
        .collect();
    if rng.below(3) == 0 {
        beneficiaries.push(BeneficiaryInput {
            collective: Some(CollectiveKind::IndigenousCommunity),
            name: format!("Comunidad nativa {variant}"),
            approximate_members: Some(120),
            ..Default::default()
        });
    }
    let types: Vec<AggressionType> = {
        let mut chosen: Vec<AggressionType> =
            (0..1 + rng.below(3)).map(|_| aggressions[rng.below(aggressions.len() as u64) as usize]).collect();
        chosen.sort_by_key(|a| a.code());
        chosen.dedup();
        chosen
    };
    let input = RequestInput {
        third_party: (rng.below(2) == 0).then(|| ThirdPartyInput {
            name: format!("Organización acompañante {variant}"),
            relationship: Some(Relationship::Organisation),
            relationship_detail: None,
            organisation: None,
        }),
        contact: ContactInput {
            email: Some(format!("contacto{variant}@example.pe")),
            phone: Some("+51 961 000 111".into()),
            instructions: None,
        },
        beneficiaries,
        place: PlaceInput { ubigeo: place.into(), detail: Some("Centro poblado a dos horas del distrito".into()) },
        defender_category: Some(categories[rng.below(categories.len() as u64) as usize]),
        aggression_types: types,
        aggressor_type: Some(aggressors[rng.below(aggressors.len() as u64) as usize]),
        language: Some([Language::Spanish, Language::Quechua, Language::ShipiboKonibo][rng.weighted(&[80, 15, 5])]),
        consent: ConsentInput { status: ConsentStatus::Given, reason: None },
        facts: "Amenazas reiteradas tras denunciar actividades ilegales en el territorio. ".repeat(4),
        requested_measures: vec![RequestedMeasureInput {
            measure_type: Some("POLICE_PROTECTION".into()),
            description: None,
        }],
        ..Default::default()
    };
    Request::parse(input).map_err(|e| anyhow::anyhow!("template {place}/{variant}: {e:?}"))
}

/// How far a request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    Received,
    UnderReview,
    InformationRequested,
    Admitted,
    RiskAssessed,
    NotAdmitted,
    Referred,
    Resolved,
    Notified,
    Acknowledged,
    Implemented,
    Archived,
}

fn path_for(age_days: u64, rng: &mut Rng) -> Path {
    use Path as P;
    let (paths, weights): (&[Path], &[u64]) = if age_days < 20 {
        (&[P::Received, P::UnderReview, P::InformationRequested, P::Admitted, P::RiskAssessed], &[30, 30, 10, 15, 15])
    } else if age_days < 120 {
        (
            &[P::NotAdmitted, P::Referred, P::Resolved, P::Notified, P::Acknowledged, P::Implemented],
            &[20, 10, 5, 15, 30, 20],
        )
    } else {
        (&[P::Archived, P::Implemented, P::NotAdmitted, P::Referred], &[70, 15, 10, 5])
    };
    paths[rng.weighted(weights)]
}

fn evaluation(decision: AdmissibilityDecision, failed: Option<Criterion>) -> anyhow::Result<AdmissibilityEvaluation> {
    let checks = Criterion::ALL
        .iter()
        .map(|c| {
            let met = Some(*c) != failed;
            Ok(CriterionCheck { criterion: *c, met, note: if met { None } else { Some(text("No se acreditó.")?) } })
        })
        .collect::<anyhow::Result<_>>()?;
    AdmissibilityEvaluation::new(checks, decision).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The commands that take a request down `path`, with how many days after
/// reception each is applied.
fn commands(
    path: Path,
    track: Track,
    measures: &[(RefCode, RefCode)],
    resolved_on: NaiveDate,
) -> anyhow::Result<Vec<(Command, u64)>> {
    use Path as P;
    let mut steps = Vec::new();
    if path == P::Received {
        return Ok(steps);
    }
    steps.push((Command::StartReview, 1));
    match path {
        P::UnderReview => return Ok(steps),
        P::InformationRequested => {
            steps.push((Command::RequestInformation { question: text("¿Puede precisar el lugar?")? }, 2));
            return Ok(steps);
        }
        P::NotAdmitted => {
            let decision = AdmissibilityDecision::NotAdmit { reasons: text("No se acreditó el vínculo.")? };
            steps
                .push((Command::EvaluateAdmissibility(evaluation(decision, Some(Criterion::RiskLinkedToDefence))?), 3));
            return Ok(steps);
        }
        P::Referred => {
            let decision = AdmissibilityDecision::Refer {
                entity: text("Defensoría del Pueblo")?,
                reasons: text("Competencia de otra entidad.")?,
            };
            steps.push((Command::EvaluateAdmissibility(evaluation(decision, None)?), 3));
            return Ok(steps);
        }
        _ => {}
    }
    let admit = AdmissibilityDecision::Admit { override_reason: None };
    steps.push((Command::EvaluateAdmissibility(evaluation(admit, None)?), 3));
    if path == P::Admitted {
        return Ok(steps);
    }
    steps.push((Command::AssessRisk { track, level: RiskLevel::High, summary: text("Riesgo alto.")? }, 5));
    if path == P::RiskAssessed {
        return Ok(steps);
    }
    let granted = measures
        .iter()
        .map(|(measure_type, sector)| GrantedMeasure {
            measure_type: measure_type.clone(),
            sector: sector.clone(),
            details: None,
        })
        .collect();
    let act = ActReference { number: text("RD 100-2026-JUS/DGDH")?, date: resolved_on };
    steps.push((Command::IssueResolution(Resolution { act, granted, denied: Vec::new() }), 10));
    if path == P::Resolved {
        return Ok(steps);
    }
    let numbers: Vec<MeasureNo> = (1..=measures.len()).map(|n| MeasureNo(n as u16)).collect();
    steps.extend(numbers.iter().map(|m| (Command::NotifyMeasure { measure: *m }, 11)));
    if path == P::Notified {
        return Ok(steps);
    }
    steps.extend(numbers.iter().map(|m| (Command::AcknowledgeMeasure { measure: *m }, 12)));
    if path == P::Acknowledged {
        return Ok(steps);
    }
    steps.extend(numbers.iter().map(|m| (Command::ReportImplemented { measure: *m, report: None }, 20)));
    if path == P::Implemented {
        return Ok(steps);
    }
    // Closed as the law asks: a new assessment finds the risk gone.
    let ceased = Command::AssessRisk { track, level: RiskLevel::Low, summary: text("El riesgo cesó.")? };
    steps.push((ceased, 108));
    steps.push((Command::Archive { reason: ArchiveReason::RiskCeased, note: None }, 110));
    Ok(steps)
}

/// Noon in Lima on `day`.
pub(crate) fn noon(day: NaiveDate) -> DateTime<Utc> {
    domain::business_day::lima_instant(day, chrono::NaiveTime::MIN + chrono::Duration::hours(12))
}

struct Builder {
    calendar: Calendar,
    rules: DeadlineRules,
    templates: Vec<(DepartmentCode, Request)>,
    template_weights: Vec<u64>,
    measures: Vec<(RefCode, RefCode)>,
    today: NaiveDate,
    profile: Profile,
    count: usize,
}

impl Builder {
    fn new(calendar: Calendar, today: NaiveDate, profile: Profile, count: usize) -> anyhow::Result<Self> {
        let mut templates = Vec::new();
        let mut template_weights = Vec::new();
        for (place, weight) in PLACES {
            for variant in 0..4 {
                let request = template(place, u64::from(place.as_bytes()[1]) * 31 + variant)?;
                templates.push((request.place().ubigeo().department(), request));
                template_weights.push(*weight);
            }
        }
        let measures = MEASURES
            .iter()
            .map(|(m, s)| {
                Ok((
                    RefCode::parse(m).map_err(|e| anyhow::anyhow!("{e}"))?,
                    RefCode::parse(s).map_err(|e| anyhow::anyhow!("{e}"))?,
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            calendar,
            rules: DeadlineRules::peru_default(),
            templates,
            template_weights,
            measures,
            today,
            profile,
            count,
        })
    }

    /// Request number `i`.
    fn case(&self, i: usize) -> anyhow::Result<ImportedCase> {
        let mut rng = Rng(0x5EED ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let (department, request) = &self.templates[rng.weighted(&self.template_weights)];
        let (age, path) = match self.profile {
            // Ten years, newest first, at an even rate.
            Profile::Registry => {
                let age = (i as u64 * 3650) / self.count.max(1) as u64;
                (age, path_for(age, &mut rng))
            }
            Profile::OpenDeadlines { overdue } if i < overdue => (90, Path::RiskAssessed),
            Profile::OpenDeadlines { .. } => (5 + rng.below(6), Path::RiskAssessed),
        };
        let received_on = self.today - Days::new(age);
        let ctx = Context { calendar: &self.calendar, rules: &self.rules };
        let mut case = Case::receive(received_on, *department, &ctx).map_err(|e| anyhow::anyhow!("{e}"))?.case;
        let track = if rng.below(100) < 35 { Track::Urgent } else { Track::Ordinary };
        let chosen: Vec<(RefCode, RefCode)> = (0..1 + rng.below(3))
            .map(|n| self.measures[((i as u64 + n * 3) % self.measures.len() as u64) as usize].clone())
            .collect();
        let mut unique = chosen.clone();
        unique.dedup();
        let mut evaluation = None;
        let mut last_changed_on = received_on;
        for (command, after) in commands(path, track, &unique, received_on + Days::new(10))? {
            let on = (received_on + Days::new(after)).min(self.today);
            last_changed_on = on;
            if let Command::EvaluateAdmissibility(e) = &command {
                evaluation = Some((e.clone(), on));
            }
            case = case.apply(command, on, &ctx).map_err(|e| anyhow::anyhow!("request {i}: {e}"))?.case;
        }
        let channel = [Channel::Web, Channel::Phone, Channel::Email, Channel::InPerson][rng.weighted(&[55, 25, 15, 5])];
        Ok(ImportedCase {
            request: request.clone(),
            channel,
            received_at: noon(received_on),
            case,
            evaluation,
            last_changed_at: noon(last_changed_on),
            history: Vec::new(),
            source: None,
        })
    }
}

/// What generating cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generated {
    pub(crate) requests: usize,
    pub(crate) took: Duration,
}

/// Writes `count` requests of `profile` into `db`, as of `today`.
pub(crate) async fn generate(
    db: &Database,
    count: usize,
    profile: Profile,
    today: NaiveDate,
) -> anyhow::Result<Generated> {
    const BATCH: usize = 1000;
    let started = Instant::now();
    let builder = Builder::new(db.calendar().await?, today, profile, count)?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<anyhow::Result<Vec<ImportedCase>>>(2);
    let producer = std::thread::spawn(move || {
        for start in (0..count).step_by(BATCH) {
            let batch = (start..(start + BATCH).min(count)).map(|i| builder.case(i)).collect();
            if sender.blocking_send(batch).is_err() {
                return;
            }
        }
    });
    let actor = Actor::system();
    let mut written = 0;
    while let Some(batch) = receiver.recv().await {
        let batch = batch?;
        db.import_cases(&batch, &actor, noon(today)).await.context("import")?;
        written += batch.len();
        if written % 100_000 == 0 {
            eprintln!("  {written} requests written ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    producer.join().map_err(|_| anyhow::anyhow!("the generator thread panicked"))?;
    // What autovacuum would do shortly after a bulk load in production.
    db.settle_after_bulk_load().await.context("VACUUM ANALYZE")?;
    Ok(Generated { requests: written, took: started.elapsed() })
}
