//! The HTTP application: health probes, and the API carried by the web
//! crate's transports.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use db::Database;

/// Every route Resguardo serves.
pub fn router(db: Database, api: api::ApiConfig, web: web::WebConfig) -> Router {
    let probes = Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).with_state(db.clone());
    probes.merge(web::router(api::Api::new(db, api), web))
}

/// Liveness: the process answers. Never touches the database, so a slow
/// database does not get healthy instances restarted.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
async fn readyz(State(db): State<Database>) -> (StatusCode, &'static str) {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
