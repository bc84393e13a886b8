//! A requester proves who they are with their file number and access key,
//! on each operation (no account, no session).

use async_graphql::Context;
use uuid::Uuid;

use crate::auth::secrets;
use crate::context::db;
use crate::error::{ApiError, ApiResult};

/// A requester's proof: the file number as stored and the access key's
/// hash (the key itself is never kept).
#[derive(Debug, Clone)]
pub(crate) struct RequesterProof {
    file_number: String,
    access_key_hash: String,
}

impl RequesterProof {
    pub(crate) fn new(file_number: &str, access_key: &str) -> Self {
        Self { file_number: file_number.trim().to_uppercase(), access_key_hash: secrets::access_key_hash(access_key) }
    }

    /// The case it opens, or FORBIDDEN.
    pub(crate) async fn case(&self, db: &db::Database) -> ApiResult<Uuid> {
        db.case_for_requester(&self.file_number, &self.access_key_hash).await?.ok_or(ApiError::WrongAccessKey)
    }
}

/// The case a file number and access key open, or FORBIDDEN.
pub(crate) async fn requester_case(ctx: &Context<'_>, file_number: &str, access_key: &str) -> ApiResult<Uuid> {
    RequesterProof::new(file_number, access_key).case(db(ctx)).await
}
