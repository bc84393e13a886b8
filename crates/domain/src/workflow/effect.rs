//! What a transition asks the shell to do besides storing the new state:
//! deadlines to write, people to notify, the audit event. Effects are data;
//! the shell carries them out in the same transaction as the state change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{SectorCode, code_enum};
use crate::deadline::{Deadline, DeadlineKey};
use crate::workflow::{AgreementNo, CaseStatus, MeasureNo};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// A deadline was set or changed; `deadline` is how it stands now.
    Deadline {
        change: DeadlineChange,
        deadline: Deadline,
    },
    Notify(Notification),
    /// Exactly one per transition: what happened, for the audit trail.
    Audit(AuditEvent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineChange {
    Set,
    Moved { previous_due: NaiveDate },
    Suspended,
    Resumed { previous_due: NaiveDate },
    Met,
    Lapsed,
    Cancelled,
}

/// Someone should be told something. Who exactly (which addresses) is
/// resolved by the shell when it delivers; the workflow names roles only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub audience: Audience,
    pub topic: Topic,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Audience {
    /// Every officer of the DGDH (a new request arrived).
    Officers,
    /// The officer the case is assigned to (all officers while unassigned).
    AssignedOfficer,
    Supervisors,
    /// The coordinators of one sector.
    SectorCoordinators(SectorCode),
    /// The lead coordinator(s) of one sector (escalations).
    SectorLeadCoordinators(SectorCode),
    Requester,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topic {
    NewRequest,
    /// The case was assigned to the officer now in charge.
    Assigned,
    InformationRequested,
    InformationReceived,
    EvidenceAdded,
    ConsentWithdrawn,
    StatusChanged(CaseStatus),
    MeasureNotified(MeasureNo),
    MeasureProgressReported(MeasureNo),
    MeasureImplemented(MeasureNo),
    MeasureNotFeasible(MeasureNo),
    MeasureLifted(MeasureNo),
    /// The officer found the measure not carried out as the sector reported.
    MeasureVerificationFailed(MeasureNo),
    DeadlineMoved(DeadlineKey),
    /// A new incident was reported; the risk is to be assessed again.
    IncidentReported,
    /// A coordination meeting gave the sector an agreement to carry out.
    AgreementAdded(AgreementNo),
    /// The sector reported the agreement carried out.
    AgreementDone(AgreementNo),
}

code_enum! {
    /// What happened, as the audit trail records it.
    pub enum AuditAction ("acción") {
        Received = "RECEIVED", "registrar la solicitud";
        Assigned = "ASSIGNED", "asignar la solicitud";
        ReviewStarted = "REVIEW_STARTED", "iniciar la calificación";
        InformationRequested = "INFORMATION_REQUESTED", "solicitar información";
        InformationReceived = "INFORMATION_RECEIVED", "registrar la información recibida";
        InformationPeriodClosed = "INFORMATION_PERIOD_CLOSED", "cerrar el plazo de respuesta";
        EvidenceAdded = "EVIDENCE_ADDED", "añadir una prueba";
        ConsentWithdrawn = "CONSENT_WITHDRAWN", "retirar el consentimiento";
        AdmissibilityEvaluated = "ADMISSIBILITY_EVALUATED", "calificar la solicitud";
        RiskAssessed = "RISK_ASSESSED", "evaluar el riesgo";
        ResolutionIssued = "RESOLUTION_ISSUED", "emitir la resolución";
        MeasureNotified = "MEASURE_NOTIFIED", "notificar la medida al sector";
        MeasureAcknowledged = "MEASURE_ACKNOWLEDGED", "acusar recibo de la medida";
        MeasureProgressReported = "MEASURE_PROGRESS_REPORTED", "informar el avance de la medida";
        MeasureImplemented = "MEASURE_IMPLEMENTED", "informar la implementación de la medida";
        MeasureNotFeasible = "MEASURE_NOT_FEASIBLE", "informar que la medida no es viable";
        MeasureModified = "MEASURE_MODIFIED", "modificar la medida";
        MeasureExtended = "MEASURE_EXTENDED", "prorrogar la medida";
        MeasureLifted = "MEASURE_LIFTED", "levantar la medida";
        MeasureRenewed = "MEASURE_RENEWED", "renovar la medida";
        MeasureVerified = "MEASURE_VERIFIED", "verificar la implementación de la medida";
        PlanGoalSet = "PLAN_GOAL_SET", "fijar el objetivo del plan de protección";
        IncidentReported = "INCIDENT_REPORTED", "reportar un incidente";
        ComplaintRecorded = "COMPLAINT_RECORDED", "registrar una denuncia ante el Ministerio Público";
        ComplaintUpdated = "COMPLAINT_UPDATED", "actualizar el estado de una denuncia";
        AgreementAdded = "AGREEMENT_ADDED", "registrar un acuerdo de coordinación";
        AgreementDone = "AGREEMENT_DONE", "informar el cumplimiento de un acuerdo";
        /// Measures granted before reviews existed got their review date.
        ReviewsScheduled = "REVIEWS_SCHEDULED", "programar la revisión de las medidas";
        Archived = "ARCHIVED", "archivar la solicitud";
        DeadlinesRecomputed = "DEADLINES_RECOMPUTED", "recalcular los plazos";
        // Administration and access, outside any case.
        UserCreated = "USER_CREATED", "crear una cuenta";
        UserUpdated = "USER_UPDATED", "modificar una cuenta";
        LoggedIn = "LOGGED_IN", "iniciar sesión";
        LoginFailed = "LOGIN_FAILED", "intentar iniciar sesión";
        LoggedOut = "LOGGED_OUT", "cerrar sesión";
        SectorSaved = "SECTOR_SAVED", "guardar un sector";
        MeasureTypeSaved = "MEASURE_TYPE_SAVED", "guardar un tipo de medida";
        CalendarChanged = "CALENDAR_CHANGED", "modificar el calendario";
        DeadlineRuleSaved = "DEADLINE_RULE_SAVED", "modificar una regla de plazo";
        ReminderPolicySaved = "REMINDER_POLICY_SAVED", "modificar la política de recordatorios";
        SensitiveRead = "SENSITIVE_READ", "consultar datos sensibles";
        AccessDenied = "ACCESS_DENIED", "intentar una operación no permitida";
        SecondFactorChanged = "SECOND_FACTOR_CHANGED", "cambiar el segundo factor";
        IntakeTokenIssued = "INTAKE_TOKEN_ISSUED", "emitir un token de aplicación";
        IntakeTokenRevoked = "INTAKE_TOKEN_REVOKED", "revocar un token de aplicación";
        AccessKeyIssued = "ACCESS_KEY_ISSUED", "emitir una nueva clave de acceso";
        /// Cases from before Resguardo brought in from the DGDH's files.
        CasesImported = "CASES_IMPORTED", "importar casos anteriores";
        /// A coordination meeting, with the cases it discussed.
        MeetingRecorded = "MEETING_RECORDED", "registrar una reunión de coordinación";
        /// An app's submission refused (bad form, conflict, too many):
        /// every one is on the trail, as every one received is.
        AppSubmissionRefused = "APP_SUBMISSION_REFUSED", "rechazar un envío de aplicación";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub measure: Option<MeasureNo>,
}
