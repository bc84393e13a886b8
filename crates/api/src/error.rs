//! The one place where errors become GraphQL errors: a Spanish message for
//! people and a stable `extensions.code` for programs. Internal causes are
//! logged here, once, and never shown.

use async_graphql::ErrorExtensions;
use db::DbError;
use domain::evidence::EvidenceRefusal;
use domain::request::{FieldError, InvalidRequest};

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("inicie sesión para continuar")]
    Unauthenticated,
    /// Wrong e-mail or password (never which of the two), or an account
    /// locked after failed attempts (not told apart either: that would say
    /// which e-mails have accounts).
    #[error(
        "correo electrónico o contraseña incorrectos (tras varios intentos fallidos, la cuenta se bloquea unos minutos)"
    )]
    BadLogin,
    /// The password was right; the account also asks for its second factor.
    #[error("introduzca el código de su aplicación de autenticación o uno de sus códigos de recuperación")]
    SecondFactorRequired,
    #[error("código de verificación incorrecto o ya usado")]
    BadSecondFactor,
    /// The role requires a second factor that the account has not set up:
    /// until it does, the session can only set it up.
    #[error("su rol exige un segundo factor: actívelo con beginSecondFactor y confirmSecondFactor para continuar")]
    SecondFactorSetupRequired,
    #[error("no tiene permiso para esta operación")]
    Forbidden,
    /// A requester's file number and access key do not match (or the file
    /// does not exist: the two are never told apart).
    #[error("el número de expediente o la clave de acceso no son correctos")]
    WrongAccessKey,
    #[error("{0}")]
    NotFound(String),
    /// Input a person must correct; `problems` names each field by its path
    /// in the operation's arguments (`input.beneficiaries[0].name`).
    #[error("{}", .problems.first().map_or("datos inválidos", |p| p.message.as_str()))]
    BadInput { problems: Vec<FieldError> },
    /// Well formed, but the case's state does not allow it.
    #[error("{0}")]
    InvalidTransition(String),
    /// Someone else changed the same thing at the same time, or a key was
    /// reused: retry or change the request.
    #[error("{0}")]
    Conflict(String),
    #[error("demasiadas solicitudes desde su conexión; espere unos minutos e inténtelo de nuevo")]
    RateLimited { retry_after_seconds: u64 },
    /// A subscription missed events (it fell behind, or the instance lost
    /// its link to the database): it ends, and the client reads the
    /// current state before subscribing again.
    #[error("se perdieron avisos en vivo; consulte el estado actual y vuelva a suscribirse")]
    EventsLost,
    /// Something failed on our side; details are in the logs.
    #[error("error interno; inténtelo de nuevo más tarde")]
    Internal,
}

impl ApiError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadInput { problems: vec![FieldError { field: field.into(), message: message.into() }] }
    }

    /// The request failed to parse; each field path gets `prefix.` in front.
    pub fn invalid_request(prefix: &str, InvalidRequest(problems): InvalidRequest) -> Self {
        let problems = problems
            .into_iter()
            .map(|p| FieldError { field: format!("{prefix}.{}", p.field), message: p.message })
            .collect();
        ApiError::BadInput { problems }
    }

    /// The same error, blamed on `field` if it is about input.
    pub fn at_field(self, field: &str) -> Self {
        match self {
            ApiError::BadInput { problems } => ApiError::BadInput {
                problems: problems.into_iter().map(|p| FieldError { field: field.to_owned(), ..p }).collect(),
            },
            other => other,
        }
    }

    /// The same error, its input fields found under `prefix` (a command's
    /// `act.date` is the mutation's `input.act.date`).
    pub fn under(self, prefix: &str) -> Self {
        match self {
            ApiError::BadInput { problems } => ApiError::BadInput {
                problems: problems
                    .into_iter()
                    .map(|p| {
                        let field =
                            if p.field.is_empty() { prefix.to_owned() } else { format!("{prefix}.{}", p.field) };
                        FieldError { field, ..p }
                    })
                    .collect(),
            },
            other => other,
        }
    }

    /// The stable code programs match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated | ApiError::BadLogin => "UNAUTHENTICATED",
            ApiError::BadSecondFactor => "BAD_SECOND_FACTOR",
            ApiError::SecondFactorRequired => "SECOND_FACTOR_REQUIRED",
            ApiError::SecondFactorSetupRequired => "SECOND_FACTOR_SETUP_REQUIRED",
            ApiError::Forbidden | ApiError::WrongAccessKey => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadInput { .. } => "BAD_USER_INPUT",
            ApiError::InvalidTransition(_) => "INVALID_TRANSITION",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::EventsLost => "EVENTS_LOST",
            ApiError::Internal => "INTERNAL",
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::CaseNotFound => ApiError::NotFound(error.to_string()),
            // A rule's length or start event is said next to that input.
            DbError::Rules(ref refusal) => ApiError::bad_input(refusal.input_field().unwrap_or(""), error.to_string()),
            DbError::UnknownPlace(_) => ApiError::bad_input("place.ubigeo", error.to_string()),
            DbError::UnknownReference(_) | DbError::Rejected(_) => {
                ApiError::BadInput { problems: vec![FieldError { field: String::new(), message: error.to_string() }] }
            }
            DbError::Transition(ref refusal) => match refusal.input_field() {
                Some(field) => ApiError::bad_input(field, error.to_string()),
                None => ApiError::InvalidTransition(error.to_string()),
            },
            DbError::Evidence(refusal) => match refusal {
                EvidenceRefusal::NoSuchUpload => ApiError::NotFound(refusal.to_string()),
                EvidenceRefusal::ChunkChanged => ApiError::Conflict(refusal.to_string()),
                _ => ApiError::bad_input(refusal.input_field(), refusal.to_string()),
            },
            // Said of the agreement: by its field, or by its number in the
            // message when the refusal is the case's (an archived case).
            DbError::InAgreement(index, refusal) => match ApiError::from(*refusal) {
                ApiError::InvalidTransition(message) => {
                    ApiError::InvalidTransition(format!("acuerdo {}: {message}", index + 1))
                }
                ApiError::NotFound(message) => ApiError::NotFound(format!("acuerdo {}: {message}", index + 1)),
                other => other.under(&format!("agreements.{index}")),
            },
            DbError::Conflict | DbError::IdempotencyKeyReused => ApiError::Conflict(error.to_string()),
            DbError::NoKeys => {
                tracing::error!("encryption keys are not configured");
                ApiError::Internal
            }
            DbError::KeySuperseded(key) => {
                tracing::error!(key, "refused to seal with a superseded encryption key; roll out the rotated keys");
                ApiError::Internal
            }
            DbError::Corrupt(column) => {
                tracing::error!(column, "stored data does not parse");
                ApiError::Internal
            }
            DbError::Database(ref cause) => {
                tracing::error!(error = %cause, "database error");
                ApiError::Internal
            }
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        let problems = match &error {
            ApiError::BadInput { problems } => problems.clone(),
            ApiError::Unauthenticated
            | ApiError::BadLogin
            | ApiError::SecondFactorRequired
            | ApiError::BadSecondFactor
            | ApiError::SecondFactorSetupRequired
            | ApiError::Forbidden
            | ApiError::WrongAccessKey
            | ApiError::NotFound(_)
            | ApiError::InvalidTransition(_)
            | ApiError::Conflict(_)
            | ApiError::RateLimited { .. }
            | ApiError::EventsLost
            | ApiError::Internal => Vec::new(),
        };
        let retry_after = match error {
            ApiError::RateLimited { retry_after_seconds } => Some(retry_after_seconds),
            _ => None,
        };
        async_graphql::Error::new(error.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(seconds) = retry_after {
                // Also sent as the Retry-After header (see `http`).
                ext.set("retryAfter", seconds);
            }
            if let Some(first) = problems.first().filter(|p| !p.field.is_empty()) {
                ext.set("field", first.field.as_str());
            }
            if problems.len() > 1 {
                let list: Vec<async_graphql::Value> = problems
                    .iter()
                    .map(|p| {
                        let mut entry = async_graphql::indexmap::IndexMap::new();
                        entry.insert(async_graphql::Name::new("field"), async_graphql::Value::from(p.field.as_str()));
                        entry.insert(
                            async_graphql::Name::new("message"),
                            async_graphql::Value::from(p.message.as_str()),
                        );
                        async_graphql::Value::Object(entry)
                    })
                    .collect();
                ext.set("fields", async_graphql::Value::List(list));
            }
        })
    }
}

/// What resolvers return. `?` converts `DbError` through the mapping above;
/// any other error type does not compile, so nothing foreign leaks.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
