//! The state of one case as the workflow sees it: where it stands, its track
//! and risk, its measures and its deadlines. What the requester wrote (the
//! `Request`) and the history of decisions are kept by the shell; a
//! transition needs only this.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{MeasureTypeCode, SectorCode, code_enum};
use crate::deadline::{Deadline, DeadlineKey};
use crate::place::DepartmentCode;
use crate::text::Text;
use crate::workflow::{Agreement, AgreementNo, Complaint, ComplaintNo};

code_enum! {
    /// Where a request stands in the procedure (DOMAIN.md §2).
    pub enum CaseStatus ("estado de la solicitud") {
        Received = "RECEIVED", "Recibida";
        UnderReview = "UNDER_REVIEW", "En calificación";
        /// The requester was asked to complete the request; the decision
        /// clock is suspended.
        InformationRequested = "INFORMATION_REQUESTED", "Información solicitada";
        NotAdmitted = "NOT_ADMITTED", "No admitida";
        Referred = "REFERRED", "Derivada a otra entidad";
        Admitted = "ADMITTED", "Admitida";
        RiskAssessed = "RISK_ASSESSED", "Riesgo evaluado";
        ResolutionIssued = "RESOLUTION_ISSUED", "Resolución emitida";
        MeasuresInImplementation = "MEASURES_IN_IMPLEMENTATION", "Medidas en implementación";
        FollowUp = "FOLLOW_UP", "En seguimiento";
        Archived = "ARCHIVED", "Archivada";
    }
}

impl CaseStatus {
    /// Not archived: the requester may still add evidence or withdraw
    /// consent, and staff may still act.
    pub fn is_open(self) -> bool {
        self != CaseStatus::Archived
    }

    /// Still someone's work: not decided for good (not admitted, referred)
    /// and not archived. What an officer's work lists hold.
    pub fn is_in_progress(self) -> bool {
        !matches!(self, CaseStatus::NotAdmitted | CaseStatus::Referred | CaseStatus::Archived)
    }
}

code_enum! {
    /// The procedure a request follows once its risk is assessed.
    pub enum Track ("vía") {
        Ordinary = "ORDINARY", "Ordinaria";
        /// *Extraordinaria*: imminent risk to life or integrity.
        Urgent = "URGENT", "Urgente (extraordinaria)";
    }
}

code_enum! {
    pub enum RiskLevel ("nivel de riesgo") {
        Low = "LOW", "Bajo";
        Medium = "MEDIUM", "Medio";
        High = "HIGH", "Alto";
        Extreme = "EXTREME", "Extremo";
    }
}

code_enum! {
    /// Where a granted measure stands with its sector.
    pub enum MeasureStatus ("estado de la medida") {
        Granted = "GRANTED", "Otorgada";
        Notified = "NOTIFIED", "Notificada al sector";
        Acknowledged = "ACKNOWLEDGED", "Recibida por el sector";
        Implemented = "IMPLEMENTED", "Implementada";
        NotFeasible = "NOT_FEASIBLE", "No viable";
        /// Changed by a new act; the sector must be notified again.
        Modified = "MODIFIED", "Modificada";
        Extended = "EXTENDED", "Prorrogada";
        Lifted = "LIFTED", "Levantada";
    }
}

impl MeasureStatus {
    /// Something is still owed by the DGDH or the sector.
    pub fn is_pending(self) -> bool {
        match self {
            MeasureStatus::Granted
            | MeasureStatus::Notified
            | MeasureStatus::Acknowledged
            | MeasureStatus::Modified => true,
            MeasureStatus::Implemented
            | MeasureStatus::NotFeasible
            | MeasureStatus::Extended
            | MeasureStatus::Lifted => false,
        }
    }
}

impl MeasureStatus {
    /// Pending or still protecting someone: what consent withdrawal and
    /// archiving must deal with first.
    pub fn is_in_force(self) -> bool {
        self.is_pending() || matches!(self, MeasureStatus::Implemented | MeasureStatus::Extended)
    }
}

/// A measure's number within its case (1, 2, …), stable for its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeasureNo(pub u16);

/// The number of an act, e.g. `RD N.° 012-2026-JUS/DGDH`.
pub type ActNumber = Text<80>;

/// A numbered act and its date: every decision that grants, modifies,
/// extends or lifts measures is one (DOMAIN.md §2.4, §2.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActReference {
    pub number: ActNumber,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub no: MeasureNo,
    pub measure_type: MeasureTypeCode,
    /// The sector responsible for carrying it out.
    pub sector: SectorCode,
    pub status: MeasureStatus,
    /// When it was last notified to the sector.
    pub notified_on: Option<NaiveDate>,
    /// Until when an extended measure stays in force.
    pub extended_until: Option<NaiveDate>,
    /// When the officer found it carried out as the sector reported; none
    /// until then, and again after it changed.
    pub verified_on: Option<NaiveDate>,
}

/// An officer's account, opaque to the workflow (the shell knows who it is).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffRef(pub String);

/// A request for more information that is waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInformationRequest {
    pub requested_on: NaiveDate,
    /// Where the case goes back to once answered (or once the period ends).
    pub resume_status: CaseStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub status: CaseStatus,
    /// Where the people to protect are: selects regional non-working days.
    pub department: DepartmentCode,
    pub received_on: NaiveDate,
    pub admitted_on: Option<NaiveDate>,
    /// The officer in charge; notifications "to the assigned officer" go
    /// to every officer while this is empty.
    pub assigned_officer: Option<StaffRef>,
    /// Set when consent was withdrawn while measures were in force: the
    /// officer must lift them.
    pub consent_withdrawn_on: Option<NaiveDate>,
    pub track: Option<Track>,
    pub risk_level: Option<RiskLevel>,
    /// The day the risk was last assessed: a renewal, and closing because
    /// the risk ceased, need an assessment newer than what they follow.
    pub risk_assessed_on: Option<NaiveDate>,
    pub information_request: Option<OpenInformationRequest>,
    /// The act that granted (or denied) the measures.
    pub resolution: Option<ActReference>,
    /// When the protection plan's goal was last set (the goal itself is
    /// in the sealed history).
    pub plan_set_on: Option<NaiveDate>,
    pub measures: Vec<Measure>,
    /// The complaints filed with the Public Prosecutor, by number.
    pub complaints: Vec<Complaint>,
    /// What the coordination meetings agreed about the case, by number.
    pub agreements: Vec<Agreement>,
    /// One per key; a deadline set again replaces the earlier one.
    pub deadlines: Vec<Deadline>,
}

impl Case {
    pub fn measure(&self, no: MeasureNo) -> Option<&Measure> {
        self.measures.iter().find(|m| m.no == no)
    }

    pub fn complaint(&self, no: ComplaintNo) -> Option<&Complaint> {
        self.complaints.iter().find(|c| c.no == no)
    }

    pub fn agreement(&self, no: AgreementNo) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.no == no)
    }

    /// The sector a deadline is about: its measure's or its agreement's.
    pub fn sector_of(&self, key: DeadlineKey) -> Option<&SectorCode> {
        let measure = key.measure.and_then(|no| self.measure(no)).map(|m| &m.sector);
        measure.or_else(|| key.agreement.and_then(|no| self.agreement(no)).map(|a| &a.sector))
    }

    pub fn deadline(&self, key: DeadlineKey) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.key == key)
    }

    /// Deadlines that are running or suspended.
    pub fn pending_deadlines(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(|d| d.is_pending())
    }

    /// The track deadlines are computed for: ordinary until risk is assessed.
    pub fn effective_track(&self) -> Track {
        self.track.unwrap_or(Track::Ordinary)
    }
}
