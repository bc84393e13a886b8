//! The API as the transports see it: the schema and the state it serves
//! from, one function that executes a request for a caller
//! ([`Api::execute`]), one that starts a subscription (`subscribe.rs`),
//! and what an operator's monitoring reads. Everything a page, a download
//! or a socket does goes through these, so authorization, limits and the
//! audit trail live in one place.

use std::sync::Arc;

use db::Database;

use crate::auth::password::PasswordHasher;
use crate::context::{ApiConfig, ApiState};
use crate::execution::{self, Caller, Executed, Refusal};
use crate::rate_limit::RateLimiter;
use crate::{ResguardoSchema, builder};

/// The API: cheap to clone (the schema and its state are shared).
#[derive(Clone)]
pub struct Api {
    pub(crate) schema: ResguardoSchema,
    pub(crate) state: Arc<ApiState>,
}

impl Api {
    pub fn new(db: Database, config: ApiConfig) -> Self {
        let hasher = PasswordHasher::new(config.concurrent_password_hashes);
        let mut schema = builder();
        if config.production {
            // Clients have `schema.graphql`; attackers need not map the API.
            schema = schema.disable_introspection().disable_suggestions();
        }
        let limiter = RateLimiter::new(config.rate_limits);
        let state = Arc::new(ApiState { db, config, hasher, limiter });
        let schema = schema.data(Arc::clone(&state)).finish();
        Self { schema, state }
    }

    /// Executes one query or mutation for `caller`. `over_get` says the
    /// transport cannot carry a mutation (GraphQL over HTTP's GET).
    pub async fn execute(&self, request: async_graphql::Request, caller: &Caller, over_get: bool) -> Executed {
        execution::run(&self.schema, &self.state, request, caller, over_get).await
    }

    /// The API's clock: what its operations take as now (a test sets it).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.state.config.clock.now()
    }

    /// Whether `token` is a valid session now (a socket's sign-in).
    pub async fn session_is_valid(&self, token: &str) -> Result<bool, Refusal> {
        let now = self.state.config.clock.now();
        Ok(execution::session_for(&self.state, Some(token), now).await?.is_some())
    }

    /// Production mode: no introspection, no suggestions.
    pub fn production(&self) -> bool {
        self.state.config.production
    }

    /// What waits in the database, for `/metrics` (counts only).
    pub async fn work_counts(&self) -> Result<db::WorkCounts, Refusal> {
        let today = domain::business_day::lima_date(self.state.config.clock.now());
        self.state.db.work_counts(today).await.map_err(|error| {
            tracing::warn!(error = %error, "metrics: database unavailable");
            Refusal::Unavailable
        })
    }

    pub fn pool_state(&self) -> db::PoolState {
        self.state.db.pool_state()
    }

    /// SQL statements this process has executed.
    pub fn statements_executed(&self) -> u64 {
        self.state.db.statements_executed()
    }
}
