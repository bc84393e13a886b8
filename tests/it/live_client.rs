//! A `graphql-transport-ws` client for the subscription tests, speaking
//! the protocol message by message so tests can also break its rules.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::app::TestApp;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the server sent.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A protocol message, and its text as sent.
    Message(Value, String),
    /// The close code, or 1005 when the frame carried none.
    Closed(u16),
}

pub(crate) struct LiveClient {
    socket: Socket,
    /// Messages for other subscriptions, read while waiting for one.
    held: Vec<Value>,
}

impl LiveClient {
    /// Opens `/graphql/ws` with the protocol, and `origin` if given.
    pub(crate) async fn open(
        app: &TestApp,
        origin: Option<&str>,
    ) -> Result<Self, Box<tokio_tungstenite::tungstenite::Error>> {
        Self::open_with(app, origin, Some("graphql-transport-ws")).await
    }

    pub(crate) async fn open_with(
        app: &TestApp,
        origin: Option<&str>,
        protocol: Option<&str>,
    ) -> Result<Self, Box<tokio_tungstenite::tungstenite::Error>> {
        let url = format!("{}/graphql/ws", app.base.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().map_err(Box::new)?;
        if let Some(protocol) = protocol {
            request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_str(protocol).unwrap());
        }
        if let Some(origin) = origin {
            request.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await.map_err(Box::new)?;
        Ok(Self { socket, held: Vec::new() })
    }

    /// Opens, signs in with `token` (if any) and waits for the ack.
    pub(crate) async fn connect(app: &TestApp, token: Option<&str>) -> Self {
        let mut client = Self::open(app, None).await.unwrap();
        client.init(token).await;
        match client.next().await {
            Incoming::Message(ack, _) if ack["type"] == "connection_ack" => client,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }

    pub(crate) async fn init(&mut self, token: Option<&str>) {
        let payload = token.map_or(json!({}), |t| json!({ "authorization": format!("Bearer {t}") }));
        self.send(json!({ "type": "connection_init", "payload": payload })).await;
    }

    pub(crate) async fn send(&mut self, message: Value) {
        self.socket.send(Message::text(message.to_string())).await.unwrap();
    }

    /// Closes normally; returns the code of the server's answering frame.
    pub(crate) async fn close(&mut self) -> u16 {
        let normal = tokio_tungstenite::tungstenite::protocol::CloseFrame {
            code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Normal,
            reason: "".into(),
        };
        self.socket.close(Some(normal)).await.unwrap();
        match self.next().await {
            Incoming::Closed(code) => code,
            Incoming::Message(message, _) => panic!("expected the closing handshake, got {message}"),
        }
    }

    pub(crate) async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id, "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next protocol message (pings at the WebSocket level are skipped);
    /// panics after 10 s.
    pub(crate) async fn next(&mut self) -> Incoming {
        self.next_within(Duration::from_secs(10)).await.expect("nothing arrived within 10 s")
    }

    pub(crate) async fn next_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next()).await.ok()?;
            match frame {
                Some(Ok(Message::Text(text))) => {
                    return Some(Incoming::Message(serde_json::from_str(&text).unwrap(), text.to_string()));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Some(Incoming::Closed(frame.map_or(1005, |f| f.code.into())));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Some(Incoming::Closed(1006)),
            }
        }
    }

    /// The next message for subscription `id`, skipping pongs and holding
    /// other subscriptions' (their order between subscriptions is free).
    pub(crate) async fn next_for(&mut self, id: &str) -> Value {
        if let Some(at) = self.held.iter().position(|m| m["id"] == id) {
            return self.held.remove(at);
        }
        loop {
            match self.next().await {
                Incoming::Message(message, _) if message["id"] == id => return message,
                Incoming::Message(message, _) if message["type"] == "pong" => continue,
                Incoming::Message(message, _) => self.held.push(message),
                Incoming::Closed(code) => panic!("expected a message for {id}, the socket closed with {code}"),
            }
        }
    }

    /// Pings and waits for the pong: the server answers after sending what
    /// any subscription started before it had to say about starting.
    /// Returns the messages that came first.
    pub(crate) async fn round_trip(&mut self) -> Vec<Value> {
        self.send(json!({ "type": "ping" })).await;
        let mut before = std::mem::take(&mut self.held);
        loop {
            match self.next().await {
                Incoming::Message(message, _) if message["type"] == "pong" => return before,
                Incoming::Message(message, _) => before.push(message),
                Incoming::Closed(code) => panic!("closed with {code} while waiting for pong"),
            }
        }
    }

    /// Whether subscribing to `query` was refused (UNAUTHENTICATED or
    /// FORBIDDEN), for the authorization matrix.
    pub(crate) async fn denied(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> bool {
        let mut client = Self::connect(app, token).await;
        client.subscribe("matrix", query, variables).await;
        let said = client.round_trip().await;
        said.iter().any(|m| {
            let errors = if m["type"] == "error" { &m["payload"] } else { &m["payload"]["errors"] };
            errors.as_array().is_some_and(|errors| {
                errors.iter().any(|e| matches!(e["extensions"]["code"].as_str(), Some("UNAUTHENTICATED" | "FORBIDDEN")))
            })
        })
    }
}
