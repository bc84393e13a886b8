//! Where each step of the procedure may be taken: the states of the case,
//! and for a measure's steps the states of the measure. The transitions
//! refuse a step outside them, and a client offers a step only inside
//! them, from this one list.

use crate::workflow::{AuditAction, CaseStatus, MeasureStatus};

/// The states of the case in which `action` may be taken; empty for what
/// is not a step of a case (an account change, a sign-in).
pub fn case_states(action: AuditAction) -> Vec<CaseStatus> {
    use CaseStatus as S;
    let measure_phase = [S::ResolutionIssued, S::MeasuresInImplementation, S::FollowUp];
    match action {
        AuditAction::Assigned
        | AuditAction::EvidenceAdded
        | AuditAction::ConsentWithdrawn
        | AuditAction::IncidentReported
        | AuditAction::ComplaintRecorded
        | AuditAction::AgreementAdded
        | AuditAction::AgreementDone => S::ALL.iter().copied().filter(|s| s.is_open()).collect(),
        // The road to justice outlasts the protection: an archived case's
        // complaint is still followed.
        AuditAction::ComplaintUpdated => S::ALL.to_vec(),
        AuditAction::ReviewStarted => vec![S::Received],
        AuditAction::InformationRequested => vec![S::UnderReview, S::Admitted, S::RiskAssessed],
        AuditAction::InformationReceived | AuditAction::InformationPeriodClosed => vec![S::InformationRequested],
        AuditAction::AdmissibilityEvaluated => vec![S::UnderReview],
        AuditAction::RiskAssessed => [[S::Admitted, S::RiskAssessed].as_slice(), &measure_phase].concat(),
        AuditAction::ResolutionIssued => vec![S::RiskAssessed],
        AuditAction::MeasureNotified
        | AuditAction::MeasureAcknowledged
        | AuditAction::MeasureProgressReported
        | AuditAction::MeasureImplemented
        | AuditAction::MeasureNotFeasible
        | AuditAction::MeasureModified
        | AuditAction::MeasureExtended
        | AuditAction::MeasureRenewed
        | AuditAction::MeasureVerified
        | AuditAction::MeasureLifted
        | AuditAction::PlanGoalSet => measure_phase.to_vec(),
        AuditAction::Archived => S::ALL.iter().copied().filter(|s| *s != S::Archived).collect(),
        AuditAction::Received
        | AuditAction::DeadlinesRecomputed
        | AuditAction::ReviewsScheduled
        | AuditAction::UserCreated
        | AuditAction::UserUpdated
        | AuditAction::LoggedIn
        | AuditAction::LoginFailed
        | AuditAction::LoggedOut
        | AuditAction::SectorSaved
        | AuditAction::MeasureTypeSaved
        | AuditAction::CalendarChanged
        | AuditAction::DeadlineRuleSaved
        | AuditAction::ReminderPolicySaved
        | AuditAction::SensitiveRead
        | AuditAction::AccessDenied
        | AuditAction::SecondFactorChanged
        | AuditAction::IntakeTokenIssued
        | AuditAction::IntakeTokenRevoked
        | AuditAction::AccessKeyIssued
        | AuditAction::MeetingRecorded
        | AuditAction::CasesImported
        | AuditAction::AppSubmissionRefused => Vec::new(),
    }
}

/// The states of a measure from which `action` moves it; empty for what
/// is not a step of a measure.
pub fn measure_states(action: AuditAction) -> Vec<MeasureStatus> {
    use MeasureStatus as M;
    match action {
        AuditAction::MeasureNotified => vec![M::Granted, M::Modified],
        AuditAction::MeasureAcknowledged => vec![M::Notified],
        AuditAction::MeasureProgressReported | AuditAction::MeasureImplemented | AuditAction::MeasureNotFeasible => {
            vec![M::Notified, M::Acknowledged]
        }
        AuditAction::MeasureModified => {
            vec![M::Granted, M::Notified, M::Acknowledged, M::Implemented, M::NotFeasible, M::Extended]
        }
        AuditAction::MeasureExtended => vec![M::Implemented, M::Extended],
        AuditAction::MeasureRenewed => vec![M::Notified, M::Acknowledged, M::Implemented, M::Extended],
        AuditAction::MeasureVerified => vec![M::Implemented, M::Extended],
        AuditAction::MeasureLifted => M::ALL.iter().copied().filter(|s| *s != M::Lifted).collect(),
        AuditAction::Received
        | AuditAction::Assigned
        | AuditAction::ReviewStarted
        | AuditAction::InformationRequested
        | AuditAction::InformationReceived
        | AuditAction::InformationPeriodClosed
        | AuditAction::EvidenceAdded
        | AuditAction::ConsentWithdrawn
        | AuditAction::IncidentReported
        | AuditAction::ComplaintRecorded
        | AuditAction::ComplaintUpdated
        | AuditAction::AgreementAdded
        | AuditAction::AgreementDone
        | AuditAction::PlanGoalSet
        | AuditAction::AdmissibilityEvaluated
        | AuditAction::RiskAssessed
        | AuditAction::ResolutionIssued
        | AuditAction::Archived
        | AuditAction::DeadlinesRecomputed
        | AuditAction::ReviewsScheduled
        | AuditAction::UserCreated
        | AuditAction::UserUpdated
        | AuditAction::LoggedIn
        | AuditAction::LoginFailed
        | AuditAction::LoggedOut
        | AuditAction::SectorSaved
        | AuditAction::MeasureTypeSaved
        | AuditAction::CalendarChanged
        | AuditAction::DeadlineRuleSaved
        | AuditAction::ReminderPolicySaved
        | AuditAction::SensitiveRead
        | AuditAction::AccessDenied
        | AuditAction::SecondFactorChanged
        | AuditAction::IntakeTokenIssued
        | AuditAction::IntakeTokenRevoked
        | AuditAction::AccessKeyIssued
        | AuditAction::MeetingRecorded
        | AuditAction::CasesImported
        | AuditAction::AppSubmissionRefused => Vec::new(),
    }
}

/// Whether `action` may be taken on a case in `status`.
pub fn case_allows(action: AuditAction, status: CaseStatus) -> bool {
    case_states(action).contains(&status)
}

/// Whether `action` may be taken on a measure in `measure` of a case in
/// `case`.
pub fn measure_allows(action: AuditAction, case: CaseStatus, measure: MeasureStatus) -> bool {
    case_allows(action, case) && measure_states(action).contains(&measure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_step_has_measure_states_and_nothing_else_does() {
        for action in AuditAction::ALL {
            let is_measure_step = action.code().starts_with("MEASURE_") && *action != AuditAction::MeasureTypeSaved;
            assert_eq!(!measure_states(*action).is_empty(), is_measure_step, "{action:?}");
        }
    }
}
