//! The procedure as a state machine (DOMAIN.md §2): the case state, the
//! commands, the effects, and the pure transitions between them.

mod agreement;
mod case;
mod command;
mod complaint;
mod effect;
mod receipt;
pub mod steps;
mod transition;

pub use agreement::{Agreement, AgreementNo, AgreementRecord, AgreementTerms, MAX_AGREEMENT_WORKING_DAYS, MeetingRef};
pub use case::{
    ActNumber, ActReference, Case, CaseStatus, Measure, MeasureNo, MeasureStatus, OpenInformationRequest, RiskLevel,
    StaffRef, Track,
};
pub use command::{
    AdmissibilityDecision, AdmissibilityError, AdmissibilityEvaluation, ArchiveReason, Command, Criterion,
    CriterionCheck, DeniedMeasure, GrantedMeasure, Incident, Resolution,
};
pub use complaint::{Complaint, ComplaintFiling, ComplaintNo, ComplaintRecord, ComplaintStatus, ComplaintUpdate};
pub use effect::{Audience, AuditAction, AuditEvent, DeadlineChange, Effect, Notification, Topic};
pub use receipt::{FIRST_RECEIPT_DAY, ReceiptDayError, receipt_day};
pub use transition::{Context, Transition, TransitionError};

#[cfg(test)]
mod tests;
