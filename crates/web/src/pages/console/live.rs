//! `/consola/vivo`: server-sent events telling an open queue, case or desk
//! page that something changed, so the page can offer to reload. Each
//! stream is one of the API's subscriptions (`caseEvents` for the
//! officers' pages, `measureEvents` for a coordinator's desk) started with
//! the session's token through `Api::subscribe`, the path `/graphql/ws`
//! takes: the API authorizes it, checks the session again at every event
//! and ends the stream when the session ends. An event carries no data at
//! all, only that something changed; the page reads what with its own
//! operation when reloaded. Without JavaScript nothing asks for this.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;

use api::{Admitted, LiveStream, NotStarted};
use async_graphql::futures_util::stream::{self, Stream, StreamExt};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::Session;
use crate::WebState;
use crate::live_socket::{Counted, MAX_LIVE_CONNECTIONS};

/// Which page listens.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Listener {
    /// The officers' queues and case pages: every case event.
    Casos,
    /// A coordinator's desk: their sector's measures.
    Medidas,
}

impl Listener {
    fn subscription(self) -> &'static str {
        match self {
            Listener::Casos => "subscription ConsolaVivo($caso: ID) { caseEvents(caseId: $caso) { caseId } }",
            Listener::Medidas => {
                "subscription ConsolaVivoMedidas($caso: ID) { measureEvents(caseId: $caso) { caseId } }"
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Watch {
    de: Listener,
    /// Only this case's events (a case page, or the desk opened on one case).
    caso: Option<String>,
}

/// How long the browser waits before it reconnects after a dropped stream.
const RECONNECT: Duration = Duration::from_secs(10);
/// A comment this often keeps proxies from closing a quiet stream.
const KEEPALIVE: Duration = Duration::from_secs(25);

/// `GET /consola/vivo?de=casos|medidas[&caso=ID]`. A subscription the API
/// refuses (a role it is not for, a signed-out session) answers 204, which
/// tells the browser's `EventSource` not to try again.
pub(crate) async fn events(State(app): State<WebState>, session: Session, Query(watch): Query<Watch>) -> Response {
    let counted = Counted(std::sync::Arc::clone(&app.metrics));
    if counted.0.live_connections.fetch_add(1, Ordering::Relaxed) >= MAX_LIVE_CONNECTIONS {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    // The API keeps to the case asked for before it checks the session
    // again, so a page open on one case costs nothing for the others.
    let variables = async_graphql::Variables::from_json(serde_json::json!({ "caso": watch.caso }));
    let request = async_graphql::Request::new(watch.de.subscription()).variables(variables);
    let (mut stream, mut accepted) = match app.api.subscribe(request, &session.caller).await {
        Ok(started) => started,
        Err(NotStarted::Refused(refusal)) => {
            app.metrics.graphql("refused", refusal.code());
            return StatusCode::NO_CONTENT.into_response();
        }
        Err(NotStarted::Unparsable(_) | NotStarted::NotASubscription) => {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // Listening, or refused: whichever the subscription says first. An
    // event that comes before the word that it listens is the first change.
    let first = tokio::select! {
        biased;
        admitted = stream.first() => match admitted {
            Some(Admitted { result: Ok(first), operation, outcome }) => {
                app.metrics.graphql(&operation, &outcome);
                if first.is_err() {
                    return StatusCode::NO_CONTENT.into_response();
                }
                Some(first)
            }
            Some(Admitted { result: Err(_), operation, outcome }) => {
                app.metrics.graphql(&operation, &outcome);
                return StatusCode::NO_CONTENT.into_response();
            }
            None => return StatusCode::NO_CONTENT.into_response(),
        },
        _ = &mut accepted => None,
    };
    let changes = changes(stream, first, counted);
    let retry = stream::once(async { Ok(Event::default().retry(RECONNECT)) });
    Sse::new(retry.chain(changes)).keep_alive(KeepAlive::new().interval(KEEPALIVE)).into_response()
}

/// One `cambio` event per response (the API sends only the page's), until the
/// subscription ends or errs (the session ended: the browser reconnects
/// and is sent to sign in again).
fn changes(
    stream: LiveStream,
    first: Option<async_graphql::Response>,
    counted: Counted,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold((stream, first, counted), |(mut stream, pending, counted)| async move {
        let response = match pending {
            Some(response) => response,
            None => stream.next().await?,
        };
        if response.is_err() {
            return None;
        }
        // A browser drops an event without data: it carries its own name,
        // nothing of the case.
        let event = Event::default().event("cambio").data("cambio");
        Some((Ok(event), (stream, None, counted)))
    })
}
