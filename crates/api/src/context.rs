//! What resolvers reach through the GraphQL context: the shared state
//! (database, policy, password hasher, session rules, clock) and the
//! per-request context (who, when, which request).

use std::sync::Arc;

use async_graphql::Context;
use chrono::{DateTime, Utc};
use db::{Database, SessionPolicy};
use domain::calendar::Calendar;
use tokio::sync::OnceCell;

use crate::auth::password::PasswordHasher;
use crate::auth::secrets::AccessKeySecret;
use crate::auth::{Principal, RequestContext, Staff};
use crate::authz::{self, Operation, Policy, StatisticsPolicy, Target};
use crate::error::{ApiError, ApiResult};
use crate::loaders::RequestLoader;
use crate::rate_limit::{RateLimiter, RateLimits};

/// Where "now" comes from. The system clock in production; tests set it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Settings of the API, from the server's configuration (what concerns a
/// transport, such as GraphiQL, batches or WebSocket origins, is the `web`
/// crate's `WebConfig`).
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub policy: Policy,
    pub sessions: SessionPolicy,
    pub clock: Clock,
    /// Argon2 hashes allowed at once.
    pub concurrent_password_hashes: usize,
    /// Production: no introspection, no field suggestions.
    pub production: bool,
    /// Longest a request may run.
    pub request_timeout: std::time::Duration,
    pub rate_limits: RateLimits,
    pub statistics: StatisticsPolicy,
    /// The secret requesters' access keys are derived with (kept with the
    /// encryption keys). The default, a new random one, is for tests.
    pub access_key_secret: AccessKeySecret,
    /// Evidence files: limits per file and per case, uploads' lifetime.
    pub evidence: EvidenceSettings,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            policy: Policy::default(),
            sessions: SessionPolicy { absolute: chrono::Duration::hours(12), idle: chrono::Duration::minutes(60) },
            clock: Clock::system(),
            concurrent_password_hashes: 2,
            production: false,
            request_timeout: std::time::Duration::from_secs(10),
            rate_limits: RateLimits::default(),
            statistics: StatisticsPolicy::default(),
            access_key_secret: AccessKeySecret::generate().expect("the operating system gives randomness"),
            evidence: EvidenceSettings::default(),
        }
    }
}

/// How much evidence a case may hold, and how long an upload may take.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceSettings {
    pub limits: domain::evidence::EvidenceLimits,
    /// An upload not finished after this long is deleted.
    pub upload_lifetime: chrono::Duration,
}

impl Default for EvidenceSettings {
    fn default() -> Self {
        Self { limits: domain::evidence::EvidenceLimits::default(), upload_lifetime: chrono::Duration::hours(24) }
    }
}

/// Shared by every request.
pub(crate) struct ApiState {
    pub(crate) db: Database,
    pub(crate) config: ApiConfig,
    pub(crate) hasher: PasswordHasher,
    pub(crate) limiter: RateLimiter,
}

/// Per request: the sensitive fields read, by case, written to the audit
/// trail before the response leaves.
#[derive(Default)]
pub(crate) struct ReadLog(std::sync::Mutex<Vec<(uuid::Uuid, String)>>);

impl ReadLog {
    pub(crate) fn take(&self) -> Vec<(uuid::Uuid, String)> {
        self.0.lock().map(|mut reads| std::mem::take(&mut *reads)).unwrap_or_default()
    }
}

/// Notes that this request read `fields` of a case (for the audit trail).
pub(crate) fn record_read(ctx: &Context<'_>, case_id: uuid::Uuid, fields: String) {
    if let Ok(mut reads) = ctx.data_unchecked::<Arc<ReadLog>>().0.lock() {
        reads.push((case_id, fields));
    }
}

/// `name:sub1,sub2`: a field and the fields selected under it.
pub(crate) fn selected(ctx: &Context<'_>, name: &str) -> String {
    let children: Vec<&str> = ctx.field().selection_set().map(|f| f.name()).collect();
    if children.is_empty() { name.to_owned() } else { format!("{name}:{}", children.join(",")) }
}

/// Per request: the calendar and the catalogue are read at most once, even
/// when many resolvers ask at the same moment.
#[derive(Default)]
pub(crate) struct RequestCache {
    calendar: OnceCell<Calendar>,
    measure_types: OnceCell<Vec<db::MeasureType>>,
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> &'a ApiState {
    ctx.data_unchecked::<Arc<ApiState>>()
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a Database {
    &state(ctx).db
}

pub(crate) fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<RequestContext>()
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> &'a RequestLoader {
    ctx.data_unchecked::<RequestLoader>()
}

/// Runs the authorization policy and the rate limits for `operation`;
/// returns the request.
pub(crate) fn authorize<'a>(
    ctx: &Context<'a>,
    operation: Operation,
    target: Target<'_>,
) -> ApiResult<&'a RequestContext> {
    let request = authorize_unmetered(ctx, operation, target)?;
    meter(ctx, operation)?;
    Ok(request)
}

/// The authorization policy alone, for an operation that decides itself
/// when to draw on the rate limits ([`meter`]): filing, where a retry of a
/// request already filed must get its answer back whatever the limits.
pub(crate) fn authorize_unmetered<'a>(
    ctx: &Context<'a>,
    operation: Operation,
    target: Target<'_>,
) -> ApiResult<&'a RequestContext> {
    let request = request(ctx);
    authz::authorize(state(ctx).config.policy, &request.principal, operation, target)?;
    Ok(request)
}

/// Draws on the rate limits `operation` is subject to.
pub(crate) fn meter(ctx: &Context<'_>, operation: Operation) -> ApiResult<()> {
    let request = request(ctx);
    if let Principal::Device(device) = &request.principal {
        return state(ctx).limiter.admit_app(device.token_id, request.now);
    }
    state(ctx).limiter.admit(operation, request.client, request.now)
}

/// The signed-in member of staff (after `authorize` has checked the role).
pub(crate) fn staff<'a>(ctx: &Context<'a>) -> ApiResult<&'a Staff> {
    match &request(ctx).principal {
        Principal::Staff(staff) => Ok(staff),
        Principal::Anonymous | Principal::Device(_) => Err(ApiError::Unauthenticated),
    }
}

/// The calendar in force, read once per request.
pub(crate) async fn calendar(ctx: &Context<'_>) -> ApiResult<Calendar> {
    let cache = ctx.data_unchecked::<RequestCache>();
    let calendar =
        cache.calendar.get_or_try_init(|| async { db(ctx).calendar().await.map_err(ApiError::from) }).await?;
    Ok(calendar.clone())
}

/// The catalogue of measures, read once per request.
pub(crate) async fn measure_types<'a>(ctx: &'a Context<'a>) -> ApiResult<&'a [db::MeasureType]> {
    let cache = ctx.data_unchecked::<RequestCache>();
    let types =
        cache.measure_types.get_or_try_init(|| async { db(ctx).measure_types().await.map_err(ApiError::from) }).await?;
    Ok(types.as_slice())
}

/// Today in Lima for this request.
pub(crate) fn today(ctx: &Context<'_>) -> chrono::NaiveDate {
    domain::business_day::lima_date(request(ctx).now)
}
