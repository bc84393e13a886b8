//! Starting a subscription for a caller, whatever carries it: the checks a
//! document passes before it runs, the session of the connection, then a
//! stream whose first response is admitted (GraphQL's own errors rewritten,
//! cost refusals turned into `QUERY_REJECTED`, refusals written to the
//! audit trail) and whose later ones have their errors finished and their
//! fields in the query's order. The WebSocket protocol is the `web` crate's.

use async_graphql::ServerError;
use async_graphql::futures_util::StreamExt;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::auth::{Principal, RequestContext};
use crate::execution::{self, Caller, Refusal};
use crate::field_order;
use crate::live::{ConnectionSession, Started};
use crate::service::Api;

/// Why a subscription did not start.
#[derive(Debug)]
pub enum NotStarted {
    /// Refused before it ran (too costly, the sessions unreachable…).
    Refused(Refusal),
    /// The document does not parse: the error says where.
    Unparsable(Vec<ServerError>),
    /// A query or mutation: those go over HTTP.
    NotASubscription,
}

/// A subscription's first response, as the connection reports it.
#[derive(Debug)]
pub struct Admitted {
    /// `Ok`: it runs (the response may be an error that ends it);
    /// `Err`: it never started, with the errors to say so.
    pub result: Result<async_graphql::Response, Vec<ServerError>>,
    /// For the metrics: the root field (or `invalid`, `refused`) and the
    /// outcome (`ok` or the first error's code).
    pub operation: String,
    pub outcome: String,
}

/// A running subscription's responses.
pub struct LiveStream {
    responses: BoxStream<'static, async_graphql::Response>,
    document: Option<ExecutableDocument>,
    name: Option<String>,
    label: String,
    actor: db::Actor,
    now: DateTime<Utc>,
    api: Api,
}

impl Api {
    /// Starts `request` for `caller` (the connection's token). Also returns
    /// a receiver told when the subscription has passed its checks and
    /// listens (see `live::Started`).
    pub async fn subscribe(
        &self,
        request: async_graphql::Request,
        caller: &Caller,
    ) -> Result<(LiveStream, oneshot::Receiver<()>), NotStarted> {
        let document = match execution::check(&request, false, self.state.config.production) {
            Ok(Ok(document)) => Some(document),
            Ok(Err(syntax)) => return Err(NotStarted::Unparsable(vec![syntax])),
            Err(refusal) => return Err(NotStarted::Refused(refusal)),
        };
        let name = request.operation_name.clone();
        if let Some(document) = &document {
            let operation = crate::document::selected_operation(document, name.as_deref());
            if operation.is_some_and(|op| op.node.ty != OperationType::Subscription) {
                return Err(NotStarted::NotASubscription);
            }
        }
        let now = self.state.config.clock.now();
        let session =
            execution::session_for(&self.state, caller.token.as_deref(), now).await.map_err(NotStarted::Refused)?;
        let context = RequestContext {
            principal: Principal::from_session(session),
            request_id: caller.request_id.clone(),
            now,
            client: caller.client,
        };
        let actor = context.actor();
        let (started, accepted) = oneshot::channel();
        let request =
            request.data(context).data(ConnectionSession::new(caller.token.as_deref())).data(Started::new(started));
        let label = crate::document::operation_label(document.as_ref(), name.as_deref());
        let responses = self.schema.execute_stream(request).boxed();
        Ok((LiveStream { responses, document, name, label, actor, now, api: self.clone() }, accepted))
    }
}

impl LiveStream {
    /// The first response, admitted; `None` when the stream ended without
    /// a word.
    pub async fn first(&mut self) -> Option<Admitted> {
        let mut first = self.responses.next().await?;
        if execution::is_limit_refusal(&first) {
            let refusal = Refusal::Rejected;
            return Some(Admitted {
                result: Err(vec![refusal_error(refusal)]),
                operation: "refused".to_owned(),
                outcome: refusal.code().to_owned(),
            });
        }
        execution::finish_errors(&mut first);
        let invalid = execution::is_request_error(&first);
        let outcome = first.errors.first().map_or("ok".to_owned(), execution::error_code);
        let operation = if invalid { "invalid".to_owned() } else { self.label.clone() };
        let denied = execution::denied_operations(&first);
        if let Err(error) = self.api.state.db.record_request(&self.actor, &[], &denied, self.now).await {
            tracing::error!(error = %error, "audit trail unavailable; subscription refused");
            let refusal = Refusal::Unavailable;
            return Some(Admitted {
                result: Err(vec![refusal_error(refusal)]),
                operation,
                outcome: refusal.code().into(),
            });
        }
        if invalid {
            return Some(Admitted { result: Err(first.errors), operation, outcome });
        }
        self.restore_order(&mut first);
        Some(Admitted { result: Ok(first), operation, outcome })
    }

    /// The next response, its errors finished; `None` when it ended.
    pub async fn next(&mut self) -> Option<async_graphql::Response> {
        let mut response = self.responses.next().await?;
        execution::finish_errors(&mut response);
        self.restore_order(&mut response);
        Some(response)
    }

    fn restore_order(&self, response: &mut async_graphql::Response) {
        if let Some(document) = &self.document {
            field_order::restore(&mut response.data, document, self.name.as_deref());
        }
    }
}

/// A refusal as a GraphQL error, as the protocol's `error` message carries
/// it (with the refusal's own code: over a socket there is no HTTP status
/// to tell them apart).
pub fn refusal_error(refusal: Refusal) -> ServerError {
    let mut error = ServerError::new(refusal.message(), None);
    error.extensions.get_or_insert_with(Default::default).set("code", refusal.code());
    error
}
