//! Resguardo's transports, as clients of the `api` crate: GraphQL over
//! HTTP (`/graphql`), subscriptions over WebSocket (`/graphql/ws`), the
//! registry's downloads (`/reports/…`), Prometheus metrics, GraphiQL, and
//! the pages people use (`/`, `/solicitud`, `/seguimiento`). Each
//! turns a request into an [`api::Caller`] and a GraphQL operation, runs it
//! through [`api::Api`], and turns the answer into HTTP: nothing here
//! reaches the database or decides who may do what.

// The release build computes the layout of the schema's nested resolver
// futures (async-graphql's `QueryRoot`), deeper than the default 128.
#![recursion_limit = "256"]

mod downloads;
mod evidence_files;
mod graphiql;
mod graphql_http;
mod live_socket;
mod metrics;
mod openrosa;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

pub use graphql_http::MAX_BODY_BYTES;
pub use pages::FormSecret;

/// Settings of the transports, from the server's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Serve GraphiQL at `/graphiql` (and send browsers opening `/graphql`
    /// there).
    pub graphiql: bool,
    /// Requests per JSON array; 0 refuses batches.
    pub batch_max: usize,
    /// Behind a reverse proxy: the header it puts the client's address in
    /// (`X-Forwarded-For`, `X-Real-IP`); the rightmost address is used, the
    /// one the proxy itself added. Unset: the connection's peer address.
    pub client_ip_header: Option<String>,
    /// Serve Prometheus metrics at `/metrics`.
    pub metrics: bool,
    /// Origins (`https://host[:port]`) whose pages may open `/graphql/ws`;
    /// connections without an Origin (not from a browser) are let through.
    pub ws_allowed_origins: Vec<String>,
    /// A WebSocket connection must send `connection_init` within this.
    pub ws_init_timeout: std::time::Duration,
    /// Turns true when the server stops: open WebSockets are closed with
    /// 1001 (going away) so clients reconnect to another instance at once.
    pub shutdown: Option<tokio::sync::watch::Receiver<bool>>,
    /// Signs the tokens of the pages' forms; the same on every instance
    /// (derived from the key file's secret), so a form drawn by one may be
    /// posted to another.
    pub form_secret: FormSecret,
    /// Where "Salir rápido" leads (a neutral site the operator chose);
    /// `None`: the server's own blank page.
    pub quick_exit_url: Option<String>,
    /// The largest request with files (the GraphQL multipart spec and the
    /// pages' forms with a file): held in memory while it is parsed.
    pub upload_max_bytes: usize,
    /// This server's public address (`https://host`), for links handed to
    /// apps (OpenRosa's form download); `None`: the request's host.
    pub public_url: Option<String>,
}

/// Bytes as lowercase hex (digests said to people and apps).
/// A refusal sent before the request's body was read: the connection
/// closes after it, and says so, so that a client does not send its next
/// request on a connection whose unread body the server will not take.
pub(crate) fn closing(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    response
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The largest evidence file by default (64 MiB) and its form around it.
pub const DEFAULT_UPLOAD_MAX_BYTES: usize = (64 << 20) + (64 << 10);

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            graphiql: true,
            batch_max: 0,
            client_ip_header: None,
            metrics: true,
            ws_allowed_origins: Vec::new(),
            ws_init_timeout: std::time::Duration::from_secs(10),
            shutdown: None,
            form_secret: FormSecret::random(),
            quick_exit_url: None,
            upload_max_bytes: DEFAULT_UPLOAD_MAX_BYTES,
            public_url: None,
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct WebState {
    pub(crate) api: api::Api,
    pub(crate) config: Arc<WebConfig>,
    pub(crate) metrics: Arc<metrics::Metrics>,
}

/// Every route of the transports (the server adds its probes).
pub fn router(api: api::Api, config: WebConfig) -> Router {
    let metrics = Arc::new(metrics::Metrics::default());
    let (graphiql, serve_metrics) = (config.graphiql, config.metrics);
    let state = WebState { api, config: Arc::new(config), metrics: Arc::clone(&metrics) };
    let mut router = Router::new()
        .route("/graphql", get(graphql_http::get).post(graphql_http::post))
        .route("/graphql/ws", get(live_socket::upgrade))
        .merge(downloads::routes())
        .merge(evidence_files::routes())
        .merge(openrosa::routes())
        .merge(pages::routes());
    if graphiql {
        router = router.merge(graphiql::routes());
    }
    if serve_metrics {
        router = router.route("/metrics", get(metrics::render));
    }
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::observe))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    fn dependencies(manifest: &str) -> Vec<&str> {
        manifest
            .lines()
            .skip_while(|line| line.trim() != "[dependencies]")
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with('['))
            .filter_map(|line| line.split(['=', '.']).next().map(str::trim))
            .filter(|name| !name.is_empty() && !name.starts_with('#'))
            .collect()
    }

    /// The transports reach the data only through the API (so authorization,
    /// limits and audit stay in one place), and the API knows no web
    /// framework.
    #[test]
    fn the_transports_go_through_the_api_which_knows_no_web_framework() {
        let web = dependencies(include_str!("../Cargo.toml"));
        assert!(web.contains(&"api"), "{web:?}");
        for forbidden in ["db", "sea-orm", "migrations", "notifier"] {
            assert!(!web.contains(&forbidden), "web depends on {forbidden}");
        }
        let api = dependencies(include_str!("../../api/Cargo.toml"));
        assert!(!api.is_empty());
        for forbidden in ["axum", "tower", "hyper", "web"] {
            assert!(!api.contains(&forbidden), "api depends on {forbidden}");
        }
    }
}
