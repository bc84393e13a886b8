//! Subscriptions over WebSocket at `/graphql/ws`, speaking the
//! `graphql-transport-ws` protocol (the one the npm `graphql-ws` client
//! speaks). Our own loop rather than async-graphql's, which has no
//! initialisation timeout, closes with other codes than the protocol's and
//! checks no Origin (FACTS.md).
//!
//! A connection signs in once, in `connection_init` (`{"authorization":
//! "Bearer <token>"}`; none for requesters), and is closed with 4403 when
//! the token is not a valid session. Only subscriptions run here: queries
//! and mutations go over HTTP, where their time limits, rate limits and
//! audit of sensitive reads apply.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use api::{Admitted, Caller, LiveStream, NotStarted};
use async_graphql::futures_util::SinkExt;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;

use crate::WebState;
use crate::graphql_http::{Peer, client_address, refusal_with_code};

/// Subscriptions one connection may hold at once (a client needs one per
/// view; more is a leak or an attack).
const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 8;
/// Connections one instance holds at once; beyond, new ones get 503 and
/// the client retries (graphql-ws does, with backoff).
pub(crate) const MAX_LIVE_CONNECTIONS: usize = 2_000;

/// The subprotocol, as clients ask for it in `Sec-WebSocket-Protocol`.
const PROTOCOL: &str = "graphql-transport-ws";

/// How often an idle connection is pinged, so proxies do not close it
/// (nginx's default read timeout is 60 s).
const KEEPALIVE: Duration = Duration::from_secs(30);

/// The protocol's close codes.
mod close {
    pub(super) const INVALID_MESSAGE: u16 = 4400;
    pub(super) const UNAUTHORIZED: u16 = 4401;
    pub(super) const FORBIDDEN: u16 = 4403;
    pub(super) const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
    pub(super) const INIT_TIMEOUT: u16 = 4408;
    pub(super) const SUBSCRIBER_EXISTS: u16 = 4409;
    pub(super) const TOO_MANY_INITS: u16 = 4429;
    pub(super) const INTERNAL: u16 = 1011;
    pub(super) const GOING_AWAY: u16 = 1001;
}

/// The Origin check, before the upgrade: a browser page from elsewhere
/// must not ride on a signed-in person's connection. Clients that are not
/// browsers send no Origin and are let through (they still sign in).
fn origin_allowed(allowed: &[String], headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => true,
        Some(Ok(origin)) => allowed.iter().any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin)),
        Some(Err(_)) => false,
    }
}

/// `GET /graphql/ws`.
pub(crate) async fn upgrade(State(app): State<WebState>, peer: Peer, headers: HeaderMap, upgrade: Upgrade) -> Response {
    let Upgrade(upgrade) = upgrade;
    let Some(upgrade) = upgrade else {
        return refusal_with_code(
            StatusCode::UPGRADE_REQUIRED,
            "BAD_REQUEST",
            "conéctese por WebSocket con el subprotocolo graphql-transport-ws",
        );
    };
    if !origin_allowed(&app.config.ws_allowed_origins, &headers) {
        return refusal_with_code(StatusCode::FORBIDDEN, "FORBIDDEN", "origen no permitido");
    }
    let counted = Counted(Arc::clone(&app.metrics));
    if counted.0.live_connections.fetch_add(1, Ordering::Relaxed) >= MAX_LIVE_CONNECTIONS {
        return refusal_with_code(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "demasiadas conexiones; inténtelo más tarde",
        );
    }
    let client = client_address(&app, &headers, peer);
    let upgrade = upgrade.protocols([PROTOCOL]);
    let accepted = upgrade.selected_protocol().is_some();
    upgrade.on_upgrade(move |mut socket| async move {
        if accepted {
            Connection::new(app, client).run(&mut socket).await;
        } else {
            close_with(&mut socket, close::SUBPROTOCOL_NOT_ACCEPTABLE, "subprotocolo no admitido").await;
        }
        drop(counted);
    })
}

/// One open connection in the count, until dropped: with the connection,
/// or with the upgrade when it never completes.
pub(crate) struct Counted(pub(crate) Arc<crate::metrics::Metrics>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.live_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The upgrade, when the request is one (otherwise a plain GET, answered
/// with 426 rather than axum's bare rejection).
pub(crate) struct Upgrade(Option<WebSocketUpgrade>);

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Upgrade(WebSocketUpgrade::from_request_parts(parts, state).await.ok()))
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {},
    Subscribe {
        id: String,
        // Boxed: a request is much larger than the other messages.
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
}

/// Where a subscription's messages go: its first to the connection
/// waiting on `subscribe` (if still waiting), the rest through the queue.
struct Out {
    first: Option<oneshot::Sender<Said>>,
    sender: mpsc::Sender<Outgoing>,
    key: Key,
}

/// A subscription's id, and which subscription of that id on this
/// connection (ids may be reused once one has ended).
type Key = (String, u64);

/// Messages serialised already (see `message`), and whether they end the
/// subscription.
type Said = (Vec<String>, bool);

impl Out {
    /// False when the connection is gone.
    async fn send(&mut self, messages: Vec<String>) -> bool {
        let Some(messages) = self.hand_over(messages, false) else { return true };
        let mut delivered = true;
        for message in messages {
            delivered = delivered && self.sender.send(Outgoing::Message(message)).await.is_ok();
        }
        delivered
    }

    /// The messages that end the subscription, sent with its removal in
    /// one step, so the id is free when the client reads the last one.
    async fn finish(mut self, messages: Vec<String>) {
        if let Some(messages) = self.hand_over(messages, true) {
            let _ = self.sender.send(Outgoing::Last { messages, key: self.key }).await;
        }
    }

    /// To the waiting `subscribe`, if it still waits; else given back.
    fn hand_over(&mut self, messages: Vec<String>, ends: bool) -> Option<Vec<String>> {
        let Some(first) = self.first.take() else { return Some(messages) };
        first.send((messages, ends)).err().map(|(messages, _)| messages)
    }
}

/// What a subscription task tells the connection.
enum Outgoing {
    Message(String),
    /// Its last messages: the subscription ended.
    Last {
        messages: Vec<String>,
        key: Key,
    },
}

struct Connection {
    app: WebState,
    client: Option<IpAddr>,
    /// The bearer token of `connection_init`, once acknowledged.
    session: Option<Option<String>>,
    /// The subscriptions running, by id: which one (see `Key`) and its task.
    running: HashMap<String, (u64, AbortHandle)>,
    subscriptions_started: u64,
    sender: mpsc::Sender<Outgoing>,
    receiver: mpsc::Receiver<Outgoing>,
}

/// Why the loop stops: a close frame to send, or nothing (the peer left).
type Closing = Option<(u16, String)>;

impl Connection {
    fn new(app: WebState, client: Option<IpAddr>) -> Self {
        let (sender, receiver) = mpsc::channel(64);
        Self { app, client, session: None, running: HashMap::new(), subscriptions_started: 0, sender, receiver }
    }

    async fn run(mut self, socket: &mut WebSocket) {
        let closing = self.serve(socket).await;
        for (_, (_, task)) in self.running.drain() {
            task.abort();
        }
        if let Some((code, reason)) = closing {
            close_with(socket, code, &reason).await;
        }
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> Closing {
        let init_deadline = tokio::time::sleep(self.app.config.ws_init_timeout);
        tokio::pin!(init_deadline);
        let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + KEEPALIVE, KEEPALIVE);
        let stopping = stopping(self.app.config.shutdown.clone());
        tokio::pin!(stopping);
        loop {
            tokio::select! {
                // What subscriptions queued goes out before the client's
                // next message is read (see `Started`).
                biased;
                Some(outgoing) = self.receiver.recv() => {
                    let messages = match outgoing {
                        Outgoing::Message(message) => vec![message],
                        Outgoing::Last { messages, key } => {
                            self.ended(&key);
                            messages
                        }
                    };
                    for message in messages {
                        if socket.send(Message::text(message)).await.is_err() {
                            return None;
                        }
                    }
                }
                () = &mut stopping => {
                    return Some((close::GOING_AWAY, "el servidor se detiene; vuelva a conectarse".into()));
                }
                () = &mut init_deadline, if self.session.is_none() => {
                    return Some((close::INIT_TIMEOUT, "tiempo de inicialización agotado".into()));
                }
                _ = keepalive.tick() => {
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        return None;
                    }
                }
                received = socket.recv() => {
                    let text = match received {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Binary(_))) => {
                            return Some((close::INVALID_MESSAGE, "mensaje inválido".into()));
                        }
                        Some(Ok(Message::Close(_))) => {
                            // Sends the close frame the socket queued in
                            // answer: the client's close was a clean one.
                            let _ = socket.flush().await;
                            return None;
                        }
                        Some(Err(_)) | None => return None,
                    };
                    let Ok(message) = serde_json::from_str::<ClientMessage>(text.as_str()) else {
                        return Some((close::INVALID_MESSAGE, "mensaje inválido".into()));
                    };
                    match self.handle(message).await {
                        Ok(replies) => {
                            for reply in replies {
                                if socket.send(Message::text(reply)).await.is_err() {
                                    return None;
                                }
                            }
                        }
                        Err(closing) => return closing,
                    }
                }
            }
        }
    }

    /// Handles one message: `Ok(replies)` to go on, `Err(closing)` to stop.
    async fn handle(&mut self, message: ClientMessage) -> Result<Vec<String>, Closing> {
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if self.session.is_some() {
                    return Err(Some((close::TOO_MANY_INITS, "demasiadas solicitudes de inicialización".into())));
                }
                let token = bearer_token(payload.as_ref())?;
                if let Some(token) = &token {
                    match self.app.api.session_is_valid(token).await {
                        Ok(true) => {}
                        Ok(false) => return Err(Some((close::FORBIDDEN, "sesión inválida o vencida".into()))),
                        Err(_) => return Err(Some((close::INTERNAL, "servicio no disponible".into()))),
                    }
                }
                self.session = Some(token);
                Ok(vec![json!({ "type": "connection_ack" }).to_string()])
            }
            ClientMessage::Ping { payload } => {
                let mut pong = json!({ "type": "pong" });
                if let Some(payload) = payload {
                    pong["payload"] = payload;
                }
                Ok(vec![pong.to_string()])
            }
            ClientMessage::Pong {} => Ok(Vec::new()),
            ClientMessage::Subscribe { id, payload } => {
                let Some(token) = self.session.clone() else {
                    return Err(Some((close::UNAUTHORIZED, "no autorizado: envíe connection_init primero".into())));
                };
                if self.running.contains_key(&id) {
                    return Err(Some((close::SUBSCRIBER_EXISTS, format!("ya existe una suscripción con el id {id}"))));
                }
                Ok(self.subscribe(id, *payload, token.as_deref()).await)
            }
            ClientMessage::Complete { id } => {
                if let Some((_, task)) = self.running.remove(&id) {
                    task.abort();
                }
                Ok(Vec::new())
            }
        }
    }

    /// Starts a subscription; replies with what it said before it listened
    /// (an `error` message, or a refusal and `complete`), if anything.
    async fn subscribe(&mut self, id: String, request: async_graphql::Request, token: Option<&str>) -> Vec<String> {
        let app = &self.app;
        if self.running.len() >= MAX_SUBSCRIPTIONS_PER_CONNECTION {
            return vec![error_message(
                &id,
                "TOO_MANY_SUBSCRIPTIONS",
                "demasiadas suscripciones en esta conexión; cierre alguna antes de abrir otra",
            )];
        }
        let caller = Caller {
            token: token.map(str::to_owned),
            device_token: None,
            client: self.client,
            request_id: uuid::Uuid::new_v4().to_string(),
        };
        let (mut stream, accepted) = match app.api.subscribe(request, &caller).await {
            Ok(started) => started,
            Err(NotStarted::Refused(refused)) => {
                app.metrics.graphql("refused", refused.code());
                return vec![error_message(&id, refused.code(), &refused.message())];
            }
            Err(NotStarted::Unparsable(errors)) => {
                app.metrics.graphql("invalid", "GRAPHQL_PARSE_FAILED");
                return vec![message("error", &id, Some(&to_json(&errors)))];
            }
            Err(NotStarted::NotASubscription) => {
                return vec![error_message(
                    &id,
                    "USE_HTTP",
                    "envíe las consultas y mutaciones por HTTP (POST /graphql)",
                )];
            }
        };
        let (first, mut first_message) = oneshot::channel();
        self.subscriptions_started += 1;
        let key = (id.clone(), self.subscriptions_started);
        let mut out = Out { first: Some(first), sender: self.sender.clone(), key: key.clone() };
        let (app, task_id) = (app.clone(), id.clone());
        let task = tokio::spawn(async move {
            let last = match stream.first().await {
                Some(Admitted { result, operation, outcome }) => {
                    app.metrics.graphql(&operation, &outcome);
                    match result {
                        Ok(first) => relay(first, &mut stream, &task_id, &mut out).await,
                        Err(errors) => vec![message("error", &task_id, Some(&to_json(&errors)))],
                    }
                }
                None => vec![message("complete", &task_id, None)],
            };
            out.finish(last).await;
        });
        self.running.insert(id, (key.1, task.abort_handle()));
        // Wait until the subscription listens, or for what it said first
        // (its refusal), which is then the reply: either way the client's
        // next message is read after it. The first messages do not go
        // through the queue, which other subscriptions may have filled.
        let said = tokio::select! {
            biased;
            said = &mut first_message => said.ok(),
            _ = accepted => {
                // Accepted; anything it said in the meantime is said now.
                first_message.close();
                first_message.try_recv().ok()
            }
        };
        let (messages, ends) = said.unwrap_or_default();
        if ends {
            self.ended(&key);
        }
        messages
    }

    /// Forgets an ended subscription, unless its id was reused since.
    fn ended(&mut self, (id, started): &Key) {
        if self.running.get(id).is_some_and(|(running, _)| running == started) {
            self.running.remove(id);
        }
    }
}

/// Resolves when the server starts stopping; never without a signal.
async fn stopping(shutdown: Option<tokio::sync::watch::Receiver<bool>>) {
    if let Some(mut shutdown) = shutdown
        && shutdown.wait_for(|stop| *stop).await.is_ok()
    {
        return;
    }
    std::future::pending().await
}

/// Sends `first` and what follows as `next` messages until the stream ends
/// or an item carries an error (the subscription then ends, see `live`).
/// Returns the messages that end it, to be sent together: the erring
/// item's `next`, if any, and `complete`.
async fn relay(first: async_graphql::Response, rest: &mut LiveStream, id: &str, out: &mut Out) -> Vec<String> {
    let complete = message("complete", id, None);
    let mut response = first;
    loop {
        let said = message("next", id, Some(&to_json(&response)));
        if response.is_err() {
            return vec![said, complete];
        }
        if !out.send(vec![said]).await {
            return Vec::new();
        }
        let Some(following) = rest.next().await else { return vec![complete] };
        response = following;
    }
}

/// The token in `connection_init`'s payload, if any; a payload that is
/// not an object, or an authorization that is not a bearer token, is
/// refused.
fn bearer_token(payload: Option<&Value>) -> Result<Option<String>, Closing> {
    let invalid = || Some((close::INVALID_MESSAGE, "mensaje inválido".to_owned()));
    let forbidden = || Some((close::FORBIDDEN, "credencial inválida".to_owned()));
    let object = match payload {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(invalid()),
    };
    match object.get("authorization").or_else(|| object.get("Authorization")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => {
            let token =
                value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or_else(forbidden)?;
            Ok(Some(token.to_owned()))
        }
        Some(_) => Err(forbidden()),
    }
}

/// The protocol's `error` message: the operation did not start.
fn error_message(id: &str, code: &str, text: &str) -> String {
    message("error", id, Some(&json!([{ "message": text, "extensions": { "code": code } }]).to_string()))
}

/// A protocol message around a payload serialised already: a
/// `serde_json::Value` would sort the payload's fields, and their order is
/// the query's (see `field_order`).
fn message(kind: &str, id: &str, payload: Option<&str>) -> String {
    let id = Value::from(id);
    match payload {
        Some(payload) => format!(r#"{{"type":"{kind}","id":{id},"payload":{payload}}}"#),
        None => format!(r#"{{"type":"{kind}","id":{id}}}"#),
    }
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

async fn close_with(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame { code, reason: reason.into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
