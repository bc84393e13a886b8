//! Authorization, in one place: every GraphQL operation is an `Operation`,
//! and `authorize` says who may run it on what. Resolvers call it first;
//! the matrix test (tests/it/authorization.rs) checks every operation for
//! every role against the table in `allowed`, and fails when the schema
//! has an operation this enum does not name.

use domain::codes::RefCode;
use domain::roles::Role;

use crate::auth::Principal;
use crate::error::ApiError;

macro_rules! operations {
    ($($variant:ident = $field:literal,)+) => {
        /// Every query, mutation and subscription of the schema, by its GraphQL field name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation { $($variant,)+ }

        impl Operation {
            pub const ALL: &'static [Operation] = &[$(Operation::$variant,)+];

            pub fn field(self) -> &'static str {
                match self { $(Operation::$variant => $field,)+ }
            }
        }
    };
}

operations! {
    // Public reference data and planning.
    Departments = "departments",
    Sectors = "sectors",
    MeasureTypes = "measureTypes",
    DueDate = "dueDate",
    // Requesters (file number + access key).
    SubmitRequest = "submitRequest",
    MyRequest = "myRequest",
    AnswerInformationRequest = "answerInformationRequest",
    AddEvidence = "addEvidence",
    WithdrawConsent = "withdrawConsent",
    ReportIncident = "reportIncident",
    StartEvidenceUpload = "startEvidenceUpload",
    // Whoever started an upload (for a requester's, whoever holds its id).
    AppendEvidence = "appendEvidence",
    EvidenceUpload = "evidenceUpload",
    FinishEvidenceUpload = "finishEvidenceUpload",
    // Sessions.
    Login = "login",
    Logout = "logout",
    Me = "me",
    BeginSecondFactor = "beginSecondFactor",
    ConfirmSecondFactor = "confirmSecondFactor",
    DisableSecondFactor = "disableSecondFactor",
    // Officers and supervisors.
    RegisterRequest = "registerRequest",
    Case = "case",
    Cases = "cases",
    Officers = "officers",
    AssignCase = "assignCase",
    StartReview = "startReview",
    EvaluateAdmissibility = "evaluateAdmissibility",
    RequestInformation = "requestInformation",
    CloseInformationPeriod = "closeInformationPeriod",
    AssessRisk = "assessRisk",
    IssueResolution = "issueResolution",
    NotifyMeasure = "notifyMeasure",
    ModifyMeasure = "modifyMeasure",
    ExtendMeasure = "extendMeasure",
    RenewMeasure = "renewMeasure",
    ReportCaseIncident = "reportCaseIncident",
    RecordComplaint = "recordComplaint",
    SetProtectionPlanGoal = "setProtectionPlanGoal",
    VerifyMeasure = "verifyMeasure",
    UpdateComplaint = "updateComplaint",
    LiftMeasure = "liftMeasure",
    ArchiveCase = "archiveCase",
    IssueAccessKey = "issueAccessKey",
    RecordMeeting = "recordMeeting",
    StartCaseEvidenceUpload = "startCaseEvidenceUpload",
    AttachEvidence = "attachEvidence",
    // Evidence files, and `Case.evidenceFiles`: never coordinators.
    EvidenceFile = "evidenceFile",
    // Any object by its id, with the rights of its own query.
    Node = "node",
    // Measures: officers see all, coordinators their sector's.
    Measures = "measures",
    Measure = "measure",
    // Coordinators, on their sector's measures.
    AcknowledgeMeasure = "acknowledgeMeasure",
    ReportMeasureProgress = "reportMeasureProgress",
    ReportMeasureImplemented = "reportMeasureImplemented",
    ReportMeasureNotFeasible = "reportMeasureNotFeasible",
    // Coordination meetings: officers see all, coordinators their sector's
    // part; coordinators report their sector's agreements done.
    Meetings = "meetings",
    ReportAgreementDone = "reportAgreementDone",
    // Administration.
    Users = "users",
    CreateUser = "createUser",
    UpdateUser = "updateUser",
    SaveSector = "saveSector",
    SaveMeasureType = "saveMeasureType",
    IntakeTokens = "intakeTokens",
    IssueIntakeToken = "issueIntakeToken",
    RevokeIntakeToken = "revokeIntakeToken",
    RotateIntakeFormKey = "rotateIntakeFormKey",
    // Apps with an intake token (OpenRosa): the form, and submitting.
    IntakeForm = "intakeForm",
    SubmitAppInstance = "submitAppInstance",
    // Audit.
    AuditTrail = "auditTrail",
    AuditChain = "auditChain",
    // The registry of risk situations.
    Statistics = "statistics",
    AnonymisedCases = "anonymisedCases",
    // Deadlines across cases (scoped by role) and their administration.
    DueSoon = "dueSoon",
    Overdue = "overdue",
    Compliance = "compliance",
    Calendar = "calendar",
    DeadlineRules = "deadlineRules",
    ReminderPolicies = "reminderPolicies",
    DeadLetters = "deadLetters",
    AddNonWorkingDay = "addNonWorkingDay",
    RemoveNonWorkingDay = "removeNonWorkingDay",
    AddSuspensionPeriod = "addSuspensionPeriod",
    RemoveSuspensionPeriod = "removeSuspensionPeriod",
    SaveDeadlineRule = "saveDeadlineRule",
    SaveReminderPolicy = "saveReminderPolicy",
    // Live events (subscriptions over WebSocket).
    CaseEvents = "caseEvents",
    MeasureEvents = "measureEvents",
    RequestStatusChanges = "requestStatusChanges",
}

/// What an operation touches, when that matters to who may run it.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Nothing,
    /// A measure or an agreement carried out by `sector`.
    SectorMeasure {
        sector: &'a RefCode,
    },
}

/// Settings that change the policy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Only supervisors may issue resolutions (they sign them).
    pub resolutions_need_supervisor: bool,
    /// Roles whose accounts must sign in with a second factor.
    pub second_factor_roles: RoleSet,
}

/// A set of roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleSet(u16);

impl RoleSet {
    pub fn of(roles: &[Role]) -> Self {
        Self(roles.iter().fold(0, |set, role| set | Self::bit(*role)))
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & Self::bit(role) != 0
    }

    fn bit(role: Role) -> u16 {
        1 << Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
    }
}

/// What a session that still has to set up its second factor may do.
fn allowed_before_second_factor(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::Me | Operation::Logout | Operation::BeginSecondFactor | Operation::ConfirmSecondFactor
    )
}

/// Who may do what, by role.
fn allowed(policy: Policy, operation: Operation, role: Role) -> bool {
    use Operation as O;
    use Role as R;
    let officer = matches!(role, R::Officer | R::Supervisor);
    // An app's token submits and reads nothing back: not even what anyone
    // may read, so that a token taken from a phone tells nothing.
    if role == R::Device {
        return matches!(operation, O::IntakeForm | O::SubmitAppInstance);
    }
    match operation {
        O::IntakeForm | O::SubmitAppInstance => false,
        O::Departments
        | O::Sectors
        | O::MeasureTypes
        | O::DueDate
        | O::SubmitRequest
        | O::MyRequest
        | O::AnswerInformationRequest
        | O::AddEvidence
        | O::WithdrawConsent
        | O::ReportIncident
        | O::StartEvidenceUpload
        | O::AppendEvidence
        | O::EvidenceUpload
        | O::FinishEvidenceUpload
        | O::Calendar
        | O::RequestStatusChanges
        | O::Login => true,
        O::Logout
        | O::Me
        | O::BeginSecondFactor
        | O::ConfirmSecondFactor
        | O::DisableSecondFactor
        | O::DeadlineRules
        | O::ReminderPolicies => role != R::Public,
        O::DueSoon | O::Overdue | O::Compliance => officer || role == R::Coordinator,
        O::RegisterRequest
        | O::Case
        | O::Cases
        | O::Officers
        | O::AssignCase
        | O::StartReview
        | O::EvaluateAdmissibility
        | O::RequestInformation
        | O::CloseInformationPeriod
        | O::AssessRisk
        | O::NotifyMeasure
        | O::ModifyMeasure
        | O::ExtendMeasure
        | O::RenewMeasure
        | O::ReportCaseIncident
        | O::RecordComplaint
        | O::UpdateComplaint
        | O::SetProtectionPlanGoal
        | O::VerifyMeasure
        | O::LiftMeasure
        | O::ArchiveCase
        | O::IssueAccessKey
        | O::RecordMeeting
        | O::StartCaseEvidenceUpload
        | O::AttachEvidence
        | O::EvidenceFile
        | O::CaseEvents => officer,
        O::IssueResolution => match policy.resolutions_need_supervisor {
            true => role == R::Supervisor,
            false => officer,
        },
        O::Measures | O::Measure | O::MeasureEvents | O::Node | O::Meetings => officer || role == R::Coordinator,
        O::ReportAgreementDone
        | O::AcknowledgeMeasure
        | O::ReportMeasureProgress
        | O::ReportMeasureImplemented
        | O::ReportMeasureNotFeasible => role == R::Coordinator,
        O::Users
        | O::CreateUser
        | O::UpdateUser
        | O::SaveSector
        | O::SaveMeasureType
        | O::IntakeTokens
        | O::IssueIntakeToken
        | O::RevokeIntakeToken
        | O::RotateIntakeFormKey
        | O::DeadLetters
        | O::AddNonWorkingDay
        | O::RemoveNonWorkingDay
        | O::AddSuspensionPeriod
        | O::RemoveSuspensionPeriod
        | O::SaveDeadlineRule
        | O::SaveReminderPolicy => role == R::Admin,
        O::AuditTrail | O::AuditChain => role == R::Auditor,
        O::Statistics => officer || matches!(role, R::Coordinator | R::Auditor),
        O::AnonymisedCases => matches!(role, R::Supervisor | R::Auditor),
    }
}

/// Allows or refuses `operation` on `target` for `principal`.
/// Anonymous callers of staff operations are told to sign in
/// (UNAUTHENTICATED); signed-in staff without the right get FORBIDDEN.
pub fn authorize(
    policy: Policy,
    principal: &Principal,
    operation: Operation,
    target: Target<'_>,
) -> Result<(), ApiError> {
    let role = principal.role();
    if !allowed(policy, operation, role) {
        return Err(match principal {
            Principal::Anonymous => ApiError::Unauthenticated,
            Principal::Staff(_) | Principal::Device(_) => ApiError::Forbidden,
        });
    }
    if let Principal::Staff(staff) = principal
        && policy.second_factor_roles.contains(staff.role)
        && !staff.session.user.second_factor
        && !allowed_before_second_factor(operation)
    {
        return Err(ApiError::SecondFactorSetupRequired);
    }
    match (target, principal) {
        // Coordinators act only on their own sector's measures.
        (Target::SectorMeasure { sector }, Principal::Staff(staff)) if staff.role == Role::Coordinator => {
            if staff.sector.as_ref() == Some(sector) { Ok(()) } else { Err(ApiError::Forbidden) }
        }
        (
            Target::SectorMeasure { .. } | Target::Nothing,
            Principal::Staff(_) | Principal::Anonymous | Principal::Device(_),
        ) => Ok(()),
    }
}

/// Who sees exact figures, and below what small counts are hidden.
#[derive(Debug, Clone, Copy)]
pub struct StatisticsPolicy {
    /// Counts above zero and below this are shown as "< N".
    pub threshold: u64,
    pub exact_roles: RoleSet,
}

impl Default for StatisticsPolicy {
    fn default() -> Self {
        Self {
            threshold: domain::statistics::DEFAULT_THRESHOLD,
            exact_roles: RoleSet::of(&[Role::Supervisor, Role::Auditor]),
        }
    }
}

impl StatisticsPolicy {
    /// `None` (exact figures) for the roles allowed them.
    pub(crate) fn threshold_for(self, role: Role) -> Option<u64> {
        (!self.exact_roles.contains(role)).then_some(self.threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique() {
        let mut names: Vec<&str> = Operation::ALL.iter().map(|o| o.field()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }

    #[test]
    fn supervisors_can_be_made_to_sign_resolutions() {
        let strict = Policy { resolutions_need_supervisor: true, ..Policy::default() };
        assert!(!allowed(strict, Operation::IssueResolution, Role::Officer));
        assert!(allowed(strict, Operation::IssueResolution, Role::Supervisor));
        assert!(allowed(Policy::default(), Operation::IssueResolution, Role::Officer));
    }

    #[test]
    fn role_sets_hold_what_they_were_given() {
        let set = RoleSet::of(&[Role::Admin, Role::Supervisor]);
        assert!(set.contains(Role::Admin) && set.contains(Role::Supervisor));
        assert!(!set.contains(Role::Officer) && !set.contains(Role::Public));
        assert!(!RoleSet::default().contains(Role::Admin));
    }
}
