//! Prometheus metrics at `/metrics` (text format 0.0.4), and the layer
//! that gives every HTTP request an id, a log line and a place in the
//! latency histogram.
//!
//! Labels come from closed sets only (routes of the router, root fields
//! of the schema, error codes, outbox states), so a caller cannot grow
//! the registry, and nothing in them identifies a case or a person.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use crate::WebState;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// Counters kept in memory since the process started.
#[derive(Default)]
pub(crate) struct Metrics {
    /// (route, status) → requests.
    http_requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// route → latency.
    http_latency: Mutex<BTreeMap<String, Histogram>>,
    /// (operation, outcome) → GraphQL requests.
    graphql: Mutex<BTreeMap<(String, String), u64>>,
    /// Open WebSocket connections (`/graphql/ws`).
    pub(crate) live_connections: std::sync::atomic::AtomicUsize,
}

impl Metrics {
    fn http(&self, route: &str, status: StatusCode, seconds: f64) {
        if let Ok(mut requests) = self.http_requests.lock() {
            *requests.entry((route.to_owned(), status.as_u16())).or_default() += 1;
        }
        if let Ok(mut latency) = self.http_latency.lock() {
            latency.entry(route.to_owned()).or_default().observe(seconds);
        }
    }

    /// One GraphQL request: its operation (see [`operation_label`]) and
    /// outcome (`ok` or the first error's code).
    pub(crate) fn graphql(&self, operation: &str, outcome: &str) {
        if let Ok(mut counts) = self.graphql.lock() {
            *counts.entry((operation.to_owned(), outcome.to_owned())).or_default() += 1;
        }
    }
}

/// The caller's `X-Request-Id` when it is a plain token, a new one otherwise.
pub(crate) fn request_id(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// The layer around every API route: a request id (the caller's
/// `X-Request-Id` when it is a plain token, a new one otherwise) passed on
/// to the handlers, echoed in the response and carried by every log line of
/// the request; one log line per request (method, route, status, time,
/// never the query string or the body); the latency histogram.
pub(crate) async fn observe(State(metrics): State<Arc<Metrics>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(request.headers());
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().clone();
    // `request_id` only lets plain tokens through, which are valid values.
    let header = HeaderValue::from_str(&id).ok();
    if let Some(value) = &header {
        request.headers_mut().insert(REQUEST_ID, value.clone());
    }
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let mut response = next.run(request).instrument(span.clone()).await;
    let seconds = started.elapsed().as_secs_f64();
    metrics.http(&route, response.status(), seconds);
    span.in_scope(|| {
        tracing::info!(status = response.status().as_u16(), millis = (seconds * 1e3).round() as u64, "answered");
    });
    if let Some(value) = header {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// `GET /metrics`.
pub(crate) async fn render(State(app): State<WebState>) -> Response {
    let Ok(work) = app.api.work_counts().await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
    };
    let mut out = String::new();
    let metrics = &app.metrics;

    family(&mut out, "resguardo_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    if let Ok(requests) = metrics.http_requests.lock() {
        for ((route, status), n) in requests.iter() {
            let _ = writeln!(out, "resguardo_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
    }
    family(&mut out, "resguardo_http_request_duration_seconds", "histogram", "Time to answer, by route.");
    if let Ok(latency) = metrics.http_latency.lock() {
        for (route, histogram) in latency.iter() {
            let name = "resguardo_http_request_duration_seconds";
            for (bound, n) in BUCKETS.iter().zip(histogram.counts) {
                let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", histogram.count);
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", histogram.sum);
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {}", histogram.count);
        }
    }
    family(&mut out, "resguardo_graphql_requests_total", "counter", "GraphQL requests, by root field and outcome.");
    if let Ok(counts) = metrics.graphql.lock() {
        for ((operation, outcome), n) in counts.iter() {
            let _ = writeln!(
                out,
                "resguardo_graphql_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}} {n}"
            );
        }
    }

    family(&mut out, "resguardo_outbox_messages", "gauge", "E-mails in the outbox, by state.");
    for (state, n) in &work.outbox {
        let _ = writeln!(out, "resguardo_outbox_messages{{state=\"{}\"}} {n}", state.to_lowercase());
    }
    let pending = work.outbox.iter().find(|(s, _)| s == "PENDING").map_or(0, |(_, n)| *n);
    gauge(&mut out, "resguardo_outbox_depth", "E-mails waiting to be sent (pending).", pending);
    gauge(&mut out, "resguardo_outbox_retrying", "Pending e-mails that failed at least once.", work.outbox_retrying);
    gauge(&mut out, "resguardo_deadlines_open", "Running deadlines.", work.open_deadlines);
    gauge(&mut out, "resguardo_deadlines_overdue", "Running deadlines past their due date.", work.overdue_deadlines);

    let pool = app.api.pool_state();
    family(&mut out, "resguardo_db_pool_connections", "gauge", "Database connections, by state.");
    let _ = writeln!(out, "resguardo_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
    let _ = writeln!(
        out,
        "resguardo_db_pool_connections{{state=\"in_use\"}} {}",
        pool.connections.saturating_sub(pool.idle)
    );
    gauge(&mut out, "resguardo_db_pool_max_connections", "The pool's size limit.", u64::from(pool.max));
    family(&mut out, "resguardo_db_statements_total", "counter", "SQL statements executed by this process.");
    let _ = writeln!(out, "resguardo_db_statements_total {}", app.api.statements_executed());
    let live = metrics.live_connections.load(std::sync::atomic::Ordering::Relaxed);
    gauge(&mut out, "resguardo_live_connections", "Open WebSocket connections for subscriptions.", live as u64);

    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: u64) {
    family(out, name, "gauge", help);
    let _ = writeln!(out, "{name} {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_counts_each_observation_in_every_bucket_above_it() {
        let mut histogram = Histogram::default();
        histogram.observe(0.003);
        histogram.observe(0.2);
        assert_eq!(histogram.counts[0], 1, "≤ 5 ms");
        assert_eq!(histogram.counts[5], 2, "≤ 250 ms");
        assert_eq!(histogram.count, 2);
        assert!((histogram.sum - 0.203).abs() < 1e-9);
    }
}
