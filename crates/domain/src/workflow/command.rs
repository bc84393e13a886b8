//! What people ask the workflow to do. Each command carries everything the
//! decision needs, already parsed: a command that exists is well formed, and
//! only its fit with the case's state remains to be checked.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::categories::{AggressionType, AggressorType};
use crate::codes::{MeasureTypeCode, SectorCode, code_enum};
use crate::evidence::EvidenceFile;
use crate::text::{LongText, ShortText};
use crate::workflow::{
    ActReference, AgreementNo, AgreementTerms, ComplaintFiling, ComplaintUpdate, MeasureNo, RiskLevel, StaffRef, Track,
};

code_enum! {
    /// The checks made before admitting a request: (a)–(d) of DOMAIN.md §2.2
    /// and the two the 2019 protocol implies.
    pub enum Criterion ("criterio de admisibilidad") {
        /// (a) The person to protect is identified and their whereabouts known.
        PersonIdentifiedAndLocated = "PERSON_IDENTIFIED_AND_LOCATED", "Persona identificada y ubicada";
        /// (b) The person consented, unless unable to.
        Consent = "CONSENT", "Consentimiento de la persona";
        /// (c) The facts were related and, where possible, supported.
        FactsRelated = "FACTS_RELATED", "Relato de los hechos";
        /// (d) The protection measure or urgent intervention wanted is stated.
        MeasureIndicated = "MEASURE_INDICATED", "Medida o intervención solicitada";
        IsDefender = "IS_DEFENDER", "Es persona defensora de derechos humanos";
        RiskLinkedToDefence = "RISK_LINKED_TO_DEFENCE", "El riesgo se vincula con la labor de defensa";
    }
}

code_enum! {
    pub enum ArchiveReason ("motivo de archivo") {
        /// Every measure ran its course: none is in force any more.
        Concluded = "CONCLUDED", "Conclusión del caso";
        /// The risk is over, as an assessment after the resolution found.
        RiskCeased = "RISK_CEASED", "Cese del riesgo";
        ConsentWithdrawn = "CONSENT_WITHDRAWN", "Retiro del consentimiento";
        /// Nobody could reach the people protected; the note says how it was tried.
        BeneficiaryUnreachable = "BENEFICIARY_UNREACHABLE", "Persona beneficiaria inubicable";
        RequestWithdrawn = "REQUEST_WITHDRAWN", "Desistimiento de la solicitud";
        Duplicate = "DUPLICATE", "Solicitud duplicada";
        NotAdmitted = "NOT_ADMITTED", "Solicitud no admitida";
        Referred = "REFERRED", "Derivada a otra entidad";
    }
}

/// One criterion as the officer found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionCheck {
    pub criterion: Criterion,
    pub met: bool,
    pub note: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdmissibilityDecision {
    /// Admit; a failed criterion needs `override_reason`.
    Admit {
        override_reason: Option<ShortText>,
    },
    NotAdmit {
        reasons: ShortText,
    },
    /// Send to the competent entity (Ombudsman, prosecutor…).
    Refer {
        entity: ShortText,
        reasons: ShortText,
    },
}

/// A complete admissibility evaluation: every criterion exactly once, with
/// a note where it failed, and a decision consistent with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissibilityEvaluation {
    checks: Vec<CriterionCheck>,
    decision: AdmissibilityDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmissibilityError {
    #[error("falta evaluar el criterio «{}»", .0.label())]
    MissingCriterion(Criterion),
    #[error("el criterio «{}» está evaluado dos veces", .0.label())]
    RepeatedCriterion(Criterion),
    #[error("explique en una nota por qué no se cumple el criterio «{}»", .0.label())]
    FailedWithoutNote(Criterion),
    #[error("no se puede admitir con el criterio «{}» incumplido sin una razón que lo justifique", .0.label())]
    OverrideRequired(Criterion),
    #[error("para no admitir una solicitud, al menos un criterio debe estar incumplido")]
    NothingFailed,
}

impl AdmissibilityEvaluation {
    pub fn new(checks: Vec<CriterionCheck>, decision: AdmissibilityDecision) -> Result<Self, AdmissibilityError> {
        for criterion in Criterion::ALL {
            match checks.iter().filter(|c| c.criterion == *criterion).count() {
                0 => return Err(AdmissibilityError::MissingCriterion(*criterion)),
                1 => {}
                _ => return Err(AdmissibilityError::RepeatedCriterion(*criterion)),
            }
        }
        if let Some(check) = checks.iter().find(|c| !c.met && c.note.is_none()) {
            return Err(AdmissibilityError::FailedWithoutNote(check.criterion));
        }
        let first_failed = checks.iter().find(|c| !c.met).map(|c| c.criterion);
        match (&decision, first_failed) {
            (AdmissibilityDecision::Admit { override_reason: None }, Some(failed)) => {
                return Err(AdmissibilityError::OverrideRequired(failed));
            }
            (AdmissibilityDecision::NotAdmit { .. }, None) => return Err(AdmissibilityError::NothingFailed),
            (AdmissibilityDecision::Admit { .. } | AdmissibilityDecision::NotAdmit { .. }, _)
            | (AdmissibilityDecision::Refer { .. }, _) => {}
        }
        let mut checks = checks;
        checks.sort_by_key(|c| c.criterion);
        Ok(Self { checks, decision })
    }

    /// In the order of `Criterion::ALL`.
    pub fn checks(&self) -> &[CriterionCheck] {
        &self.checks
    }

    pub fn decision(&self) -> &AdmissibilityDecision {
        &self.decision
    }

    pub fn failed_criteria(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.checks.iter().filter(|c| !c.met).map(|c| c.criterion)
    }
}

/// A new aggression after the request (*hechos sobrevinientes*), reported
/// by the requester or an officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub occurred_on: NaiveDate,
    /// What happened (sensitive: the history keeps it sealed).
    pub description: LongText,
    pub aggression_types: Vec<AggressionType>,
    pub aggressor: Option<AggressorType>,
}

impl Incident {
    /// Violence against life or integrity: the risk is assessed again on
    /// the urgent track's (shorter) deadline, whatever the case's track.
    pub fn threatens_life_or_integrity(&self) -> bool {
        self.aggression_types.iter().any(|a| {
            matches!(a, AggressionType::PhysicalAggression | AggressionType::AttemptedKilling | AggressionType::Killing)
        })
    }
}

/// A measure the resolution grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedMeasure {
    pub measure_type: MeasureTypeCode,
    pub sector: SectorCode,
    /// What exactly is to be done (sensitive: kept encrypted by the shell).
    pub details: Option<LongText>,
}

/// Something asked for and refused, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeniedMeasure {
    pub description: ShortText,
    pub reason: ShortText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub act: ActReference,
    pub granted: Vec<GrantedMeasure>,
    pub denied: Vec<DeniedMeasure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Put an officer in charge of the case.
    Assign {
        officer: StaffRef,
    },
    StartReview,
    /// Ask the requester to complete the request (*subsanación*).
    RequestInformation {
        question: LongText,
    },
    ReceiveInformation {
        answer: LongText,
    },
    /// The requester (or an officer) adds a piece of evidence: a
    /// description, where it can be found, and perhaps a file received.
    AddEvidence {
        description: ShortText,
        reference: Option<ShortText>,
        /// Events written before files were received have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<EvidenceFile>,
    },
    /// The person protected no longer consents. Before measures exist the
    /// case is archived; afterwards the officer must lift them.
    WithdrawConsent {
        reason: Option<ShortText>,
    },
    /// The answer period ended without an answer.
    CloseInformationPeriod,
    EvaluateAdmissibility(AdmissibilityEvaluation),
    AssessRisk {
        track: Track,
        level: RiskLevel,
        summary: LongText,
    },
    IssueResolution(Resolution),
    NotifyMeasure {
        measure: MeasureNo,
    },
    AcknowledgeMeasure {
        measure: MeasureNo,
    },
    /// The sector reports how the work is going (acknowledging the measure
    /// if it had not yet).
    ReportProgress {
        measure: MeasureNo,
        report: LongText,
    },
    ReportImplemented {
        measure: MeasureNo,
        report: Option<LongText>,
    },
    ReportNotFeasible {
        measure: MeasureNo,
        reason: ShortText,
    },
    ModifyMeasure {
        measure: MeasureNo,
        act: ActReference,
        details: LongText,
    },
    ExtendMeasure {
        measure: MeasureNo,
        act: ActReference,
        until: NaiveDate,
    },
    /// The protection plan's goal: what the measures granted, together,
    /// are for (the measures are its parts, each with its sector).
    SetPlanGoal {
        goal: ShortText,
    },
    /// The officer checked a measure the sector reported carried out:
    /// verified, or not carried out as reported (back to the sector).
    VerifyMeasure {
        measure: MeasureNo,
        verified: bool,
        note: ShortText,
    },
    /// The review found the measure still needed: it stays as it is, by a
    /// new act, after a new assessment of the risk.
    RenewMeasure {
        measure: MeasureNo,
        act: ActReference,
    },
    ReportIncident(Incident),
    /// A complaint filed with the Public Prosecutor about what the case is
    /// about, by whoever filed it (the defender, the DGDH, an organisation).
    RecordComplaint(ComplaintFiling),
    /// The complaint reached a new stage.
    UpdateComplaint(ComplaintUpdate),
    /// A coordination meeting agreed that a sector does something for the
    /// case by a date.
    AddAgreement(AgreementTerms),
    /// The responsible sector reports the agreement carried out.
    ReportAgreementDone {
        agreement: AgreementNo,
        report: Option<LongText>,
    },
    LiftMeasure {
        measure: MeasureNo,
        act: ActReference,
        reason: ShortText,
    },
    Archive {
        reason: ArchiveReason,
        note: Option<ShortText>,
    },
}

impl Command {
    /// The measure a command is about, if any.
    pub fn measure(&self) -> Option<MeasureNo> {
        match self {
            Command::NotifyMeasure { measure }
            | Command::AcknowledgeMeasure { measure }
            | Command::ReportProgress { measure, .. }
            | Command::ReportImplemented { measure, .. }
            | Command::ReportNotFeasible { measure, .. }
            | Command::ModifyMeasure { measure, .. }
            | Command::ExtendMeasure { measure, .. }
            | Command::RenewMeasure { measure, .. }
            | Command::VerifyMeasure { measure, .. }
            | Command::LiftMeasure { measure, .. } => Some(*measure),
            Command::Assign { .. }
            | Command::StartReview
            | Command::RequestInformation { .. }
            | Command::ReceiveInformation { .. }
            | Command::AddEvidence { .. }
            | Command::WithdrawConsent { .. }
            | Command::CloseInformationPeriod
            | Command::EvaluateAdmissibility(_)
            | Command::AssessRisk { .. }
            | Command::IssueResolution(_)
            | Command::ReportIncident(_)
            | Command::SetPlanGoal { .. }
            | Command::RecordComplaint(_)
            | Command::UpdateComplaint(_)
            | Command::AddAgreement(_)
            | Command::ReportAgreementDone { .. }
            | Command::Archive { .. } => None,
        }
    }
}
