//! Subscriptions: live events for officers, coordinators and requesters,
//! served over WebSocket by `live_socket`. Each event is checked twice:
//! first against who the subscriber was when they subscribed (cheap, no
//! database), then, for those that pass, against who they are now: the
//! session is looked up again (signed out, expired or deactivated ends the
//! subscription) and the policy asked again, so a coordinator moved to
//! another sector stops hearing about the old one's measures.

use std::sync::Arc;

use async_graphql::futures_util::stream::{self, Stream};
use async_graphql::{Context, ID, SimpleObject, Subscription};

use db::{LiveEvent as Event, LiveSignal};
use domain::codes::RefCode;
use tokio::sync::broadcast::{Receiver, error::RecvError};

use crate::auth::{Principal, secrets};
use crate::authz::{self, Operation, Target};
use crate::context::{ApiState, authorize};
use crate::enums::{CaseStatus, DeadlineKind, LiveEventKind, MeasureStatus};
use crate::error::{ApiError, ApiResult};
use crate::requester::RequesterProof;
use crate::scalars::{Date, Timestamp};

/// The session token a WebSocket connection signed in with (its hash),
/// for looking the session up again at every event.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionSession {
    pub(crate) token_hash: Option<String>,
}

impl ConnectionSession {
    pub(crate) fn new(token: Option<&str>) -> Self {
        Self { token_hash: token.map(secrets::session_token_hash) }
    }
}

/// Told when a subscription has passed its checks and listens: the
/// connection waits for this (or for the subscription's error) before it
/// reads the client's next message, so a client that pings after
/// subscribing knows, when the pong comes, that it was accepted.
pub(crate) struct Started(std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>);

impl Started {
    pub(crate) fn new(sender: tokio::sync::oneshot::Sender<()>) -> Self {
        Self(std::sync::Mutex::new(Some(sender)))
    }
}

fn started(ctx: &Context<'_>) {
    let sender = ctx.data_opt::<Started>().and_then(|s| s.0.lock().ok()?.take());
    if let Some(sender) = sender {
        let _ = sender.send(());
    }
}

#[derive(Default)]
pub struct LiveSubscription;

/// Live events over WebSocket (`/graphql/ws`, `graphql-transport-ws`):
/// identifiers and codes only, never what anyone wrote. Each event is
/// checked again against the subscriber's session or access key.
#[Subscription(name = "Subscription")]
impl LiveSubscription {
    /// Every case event: new requests, each step taken, measures, deadlines
    /// moved, due soon or overdue. Officers and supervisors.
    async fn case_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this case's events (a page open on one case); every case when absent.")] case_id: Option<
            ID,
        >,
    ) -> Result<impl Stream<Item = ApiResult<LiveEvent>>, ApiError> {
        let only = only_case(case_id.as_ref())?;
        let watch = Watch::staff(ctx, Operation::CaseEvents, Target::Nothing).await?;
        Ok(watch.stream(move |_, event| is_about(only, event).then(|| LiveEvent::from(event))))
    }

    /// Events on a sector's measures (granted, notified, changed, and their
    /// deadlines moved, due soon or overdue). Coordinators get their own
    /// sector's; officers and supervisors may follow any sector, or all.
    async fn measure_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sector code; every sector when absent. A coordinator naming another is FORBIDDEN.")]
        sector: Option<String>,
        #[graphql(desc = "Only this case's events (a desk open on one case); every case when absent.")] case_id: Option<
            ID,
        >,
    ) -> Result<impl Stream<Item = ApiResult<LiveEvent>>, ApiError> {
        let only = only_case(case_id.as_ref())?;
        let wanted = sector
            .map(|code| RefCode::parse(code.trim()).map_err(|e| ApiError::bad_input("sector", e.to_string())))
            .transpose()?;
        // A coordinator asking for another sector is told no, not left
        // waiting for events that will never come.
        let target = wanted.as_ref().map_or(Target::Nothing, |sector| Target::SectorMeasure { sector });
        let watch = Watch::staff(ctx, Operation::MeasureEvents, target).await?;
        Ok(watch.stream(move |principal, event| {
            if !is_about(only, event) {
                return None;
            }
            let sector = event.sector.as_ref()?;
            let allowed = match principal {
                Principal::Staff(staff) if staff.role == domain::roles::Role::Coordinator => {
                    staff.sector.as_ref() == Some(sector)
                }
                Principal::Staff(_) | Principal::Anonymous | Principal::Device(_) => {
                    wanted.as_ref().is_none_or(|w| w == sector)
                }
            };
            allowed.then(|| LiveEvent::from(event))
        }))
    }

    /// Each change of a request's status, for its requester (no account).
    /// Nothing else about the case is sent.
    async fn request_status_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number given when the request was filed (`AT-2026-000042`).")] file_number: String,
        #[graphql(secret, desc = "The access key given with it; a wrong one is FORBIDDEN.")] access_key: String,
    ) -> Result<impl Stream<Item = ApiResult<RequestStatusChange>>, ApiError> {
        authorize(ctx, Operation::RequestStatusChanges, Target::Nothing)?;
        let proof = RequesterProof::new(&file_number, &access_key);
        let state = Arc::clone(ctx.data_unchecked::<Arc<ApiState>>());
        let case_id = proof.case(&state.db).await?;
        let receiver = state.db.live_events().await?;
        started(ctx);
        let watch =
            Watch { state, viewer: Viewer::Requester { proof, case_id }, principal: Principal::Anonymous, receiver };
        Ok(watch.stream(move |_, event| {
            (event.case_id == case_id && event.changes_status()).then(|| RequestStatusChange::from(event))
        }))
    }
}

/// A `caseId` argument, checked before anything listens.
fn only_case(case_id: Option<&ID>) -> ApiResult<Option<uuid::Uuid>> {
    case_id.map(|id| crate::inputs::id("caseId", id)).transpose()
}

/// Whether `event` is about the case asked for (any, when none was).
/// Checked on the subscription as it was made, before the session is
/// looked up again: events about other cases cost nothing.
fn is_about(only: Option<uuid::Uuid>, event: &Event) -> bool {
    only.is_none_or(|case| event.case_id == case)
}

/// One live event. Identifiers and codes only: what happened, to which
/// case, measure or deadline; the case itself is read with `case`.
#[derive(SimpleObject)]
pub(crate) struct LiveEvent {
    /// What happened; it says which of the other fields are set.
    kind: LiveEventKind,
    /// The case it is about.
    case_id: ID,
    /// The case's file number (`AT-2026-000042`).
    file_number: String,
    /// When it happened.
    at: Timestamp,
    /// The step taken, as the audit trail names it (`RECEIVED`,
    /// `ASSIGNED`, `MEASURE_NOTIFIED`…), for request and case events.
    action: Option<String>,
    /// The case's status after the step, for request and case events.
    status: Option<CaseStatus>,
    /// The case's status before the step, for case events.
    previous_status: Option<CaseStatus>,
    /// The measure's number within its case, for measure events and measure
    /// deadlines.
    measure: Option<i32>,
    /// Code of the sector carrying the measure out (both sectors hear of a
    /// measure moved between them).
    sector: Option<String>,
    /// The measure's status after the change.
    measure_status: Option<MeasureStatus>,
    /// Which deadline, for deadline events.
    deadline: Option<DeadlineKind>,
    /// The deadline's due date (Lima), for deadline events.
    due_on: Option<Date>,
    /// Where a moved deadline's due date was before.
    previous_due: Option<Date>,
}

impl From<&Event> for LiveEvent {
    fn from(event: &Event) -> Self {
        Self {
            kind: event.kind.into(),
            case_id: ID(event.case_id.to_string()),
            file_number: event.file_number.clone(),
            at: Timestamp(event.at),
            action: event.action.map(|a| a.code().to_owned()),
            status: event.status.map(Into::into),
            previous_status: event.previous_status.map(Into::into),
            measure: event.measure.map(|m| i32::from(m.0)),
            sector: event.sector.as_ref().map(ToString::to_string),
            measure_status: event.measure_status.map(Into::into),
            deadline: event.deadline.map(Into::into),
            due_on: event.due_on.map(Date),
            previous_due: event.previous_due.map(Date),
        }
    }
}

/// What a requester hears: their request's new status.
#[derive(SimpleObject)]
pub(crate) struct RequestStatusChange {
    /// The request's file number.
    file_number: String,
    /// Its status now.
    status: CaseStatus,
    /// The status in Spanish, for people.
    status_label: String,
    /// Its status before; `null` for a new request.
    previous_status: Option<CaseStatus>,
    /// When the status changed.
    at: Timestamp,
}

impl From<&Event> for RequestStatusChange {
    fn from(event: &Event) -> Self {
        // `changes_status` made sure there is one.
        let status = event.status.unwrap_or(domain::workflow::CaseStatus::Received);
        Self {
            file_number: event.file_number.clone(),
            status: status.into(),
            status_label: status.label().to_owned(),
            previous_status: event.previous_status.map(Into::into),
            at: Timestamp(event.at),
        }
    }
}

/// Who is watching, as needed to check them again.
enum Viewer {
    Staff { operation: Operation, token_hash: Option<String> },
    Requester { proof: RequesterProof, case_id: uuid::Uuid },
}

/// A subscription in progress.
struct Watch {
    state: Arc<ApiState>,
    viewer: Viewer,
    /// Who they were when they subscribed.
    principal: Principal,
    receiver: Receiver<LiveSignal>,
}

impl Watch {
    async fn staff(ctx: &Context<'_>, operation: Operation, target: Target<'_>) -> ApiResult<Self> {
        let request = authorize(ctx, operation, target)?;
        let token_hash = ctx.data_opt::<ConnectionSession>().and_then(|s| s.token_hash.clone());
        let state = Arc::clone(ctx.data_unchecked::<Arc<ApiState>>());
        let receiver = state.db.live_events().await?;
        started(ctx);
        Ok(Self {
            state,
            viewer: Viewer::Staff { operation, token_hash },
            principal: request.principal.clone(),
            receiver,
        })
    }

    /// Who the subscriber is now; an error ends the subscription.
    async fn recheck(&self) -> ApiResult<Principal> {
        match &self.viewer {
            Viewer::Staff { operation, token_hash } => {
                let now = self.state.config.clock.now();
                let session = match token_hash {
                    Some(hash) => self.state.db.session(hash, self.state.config.sessions, now).await?,
                    None => None,
                };
                let principal = Principal::from_session(session);
                if matches!(principal, Principal::Anonymous) {
                    return Err(ApiError::Unauthenticated);
                }
                authz::authorize(self.state.config.policy, &principal, *operation, Target::Nothing)?;
                Ok(principal)
            }
            Viewer::Requester { proof, case_id } => {
                if proof.case(&self.state.db).await? != *case_id {
                    return Err(ApiError::WrongAccessKey);
                }
                Ok(Principal::Anonymous)
            }
        }
    }

    /// The events `select` keeps for the subscriber, until an error (which
    /// is sent, then the stream ends).
    fn stream<T: Send + 'static>(
        self,
        select: impl Fn(&Principal, &Event) -> Option<T> + Send + Sync + 'static,
    ) -> impl Stream<Item = ApiResult<T>> {
        stream::unfold(Some((self, select)), |watching| async move {
            let (mut watch, select) = watching?;
            loop {
                let event = match watch.receiver.recv().await {
                    Ok(LiveSignal::Event(event)) => event,
                    Ok(LiveSignal::Gap) | Err(RecvError::Lagged(_)) => return Some((Err(ApiError::EventsLost), None)),
                    Err(RecvError::Closed) => return None,
                };
                if select(&watch.principal, &event).is_none() {
                    continue;
                }
                match watch.recheck().await {
                    Ok(principal) => {
                        if let Some(item) = select(&principal, &event) {
                            return Some((Ok(item), Some((watch, select))));
                        }
                    }
                    Err(error) => return Some((Err(error), None)),
                }
            }
        })
    }
}
