//! The one place where errors become GraphQL errors: a Spanish message for
//! people and a stable `extensions.code` for programs. Internal causes are
//! logged here, once, and never shown.

use async_graphql::ErrorExtensions;
use db::DbError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// An argument is malformed or out of range.
    #[error("{message}")]
    BadInput { field: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The request is well formed but the case's state does not allow it.
    #[error("{0}")]
    InvalidState(String),
    /// Someone else changed the same case at the same time; retry.
    #[error("{0}")]
    Conflict(String),
    /// Something failed on our side; details are in the logs.
    #[error("error interno; inténtelo de nuevo más tarde")]
    Internal,
}

impl ApiError {
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadInput {
            field,
            message: message.into(),
        }
    }

    /// The stable code programs match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadInput { .. } => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::InvalidState(_) => "INVALID_STATE",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Internal => "INTERNAL",
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::CaseNotFound => ApiError::NotFound(error.to_string()),
            DbError::UnknownReference(_) | DbError::Transition(_) | DbError::Rules(_) | DbError::Conflict => {
                ApiError::BadInput {
                    field: "",
                    message: error.to_string(),
                }
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
        let field = match &error {
            ApiError::BadInput { field, .. } if !field.is_empty() => Some(*field),
            ApiError::BadInput { .. }
            | ApiError::NotFound(_)
            | ApiError::InvalidState(_)
            | ApiError::Conflict(_)
            | ApiError::Internal => None,
        };
        async_graphql::Error::new(error.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
        })
    }
}

/// What resolvers return. `?` converts `DbError` through the mapping above;
/// any other error type does not compile, so nothing foreign leaks.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
