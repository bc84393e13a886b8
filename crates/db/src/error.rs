//! The errors of the storage facade. Messages are Spanish and never carry
//! stored values: they may reach a person through the API.

use domain::deadline::RuleError;
use domain::evidence::EvidenceRefusal;
use domain::workflow::TransitionError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no existe la solicitud")]
    CaseNotFound,
    /// A code that is well formed but not in the reference data.
    #[error("{0} no existe o no está activo")]
    UnknownReference(&'static str),
    /// A well-formed ubigeo code INEI's list does not have (which level:
    /// "el departamento indicado", "la provincia indicada"…).
    #[error("{0} no existe en la lista de ubigeos del INEI")]
    UnknownPlace(&'static str),
    /// A request the facade refuses for a business rule (a coordinator
    /// without a sector, an e-mail already taken…). The message is Spanish.
    #[error("{0}")]
    Rejected(String),
    /// The idempotency key was used before for a different request.
    #[error("la clave de idempotencia ya se usó para otra solicitud")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Rules(#[from] RuleError),
    #[error(transparent)]
    Evidence(#[from] EvidenceRefusal),
    /// The agreement at this position of a meeting was refused (the
    /// meeting was not recorded).
    #[error("{1}")]
    InAgreement(usize, Box<DbError>),
    /// Someone else changed the case between our read and our write.
    #[error("la solicitud fue modificada al mismo tiempo por otra persona; vuelva a intentarlo")]
    Conflict,
    /// A stored value does not parse: a bug or a manual edit. Names the
    /// column, never the value.
    #[error("dato almacenado inválido")]
    Corrupt(&'static str),
    /// Sensitive columns cannot be read or written without keys.
    #[error("el cifrado no está configurado")]
    NoKeys,
    /// This instance's current key was replaced by a rotation it has not
    /// seen (keys in the environment not yet rolled out): it must not seal.
    #[error("las claves de cifrado de esta instancia están desactualizadas")]
    KeySuperseded(u32),
    /// The database failed. The cause is kept for logs, not shown.
    #[error("error de la base de datos")]
    Database(#[source] DbErr),
}

impl From<DbErr> for DbError {
    fn from(error: DbErr) -> Self {
        DbError::Database(error)
    }
}

impl From<domain::calendar::CalendarError> for DbError {
    fn from(_: domain::calendar::CalendarError) -> Self {
        DbError::Corrupt("calendar")
    }
}

pub type DbResult<T> = Result<T, DbError>;
