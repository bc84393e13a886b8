//! Who is asking: a session token becomes a `Principal` once per request,
//! in the HTTP handler. Requesters have no session; they prove themselves
//! with their file number and access key on each operation.

pub(crate) mod password;
pub(crate) mod secrets;
pub mod totp;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use db::{Actor, Session};
use domain::codes::RefCode;
use domain::roles::Role;
use uuid::Uuid;

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user_id: Uuid,
    pub role: Role,
    /// For coordinators: their sector.
    pub sector: Option<RefCode>,
    pub session: Session,
}

/// An app submitting over OpenRosa with a token an admin issued.
#[derive(Debug, Clone)]
pub struct Device {
    pub token_id: Uuid,
    /// The channel its submissions are recorded as.
    pub app: domain::categories::Channel,
}

#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    Staff(Staff),
    Device(Device),
}

impl Principal {
    pub fn from_session(session: Option<Session>) -> Self {
        match session {
            Some(session) => Principal::Staff(Staff {
                user_id: session.user.id,
                role: session.user.role,
                sector: session.user.sector.clone(),
                session,
            }),
            None => Principal::Anonymous,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Principal::Anonymous => Role::Public,
            Principal::Staff(staff) => staff.role,
            Principal::Device(_) => Role::Device,
        }
    }
}

/// What every resolver may know about the request it serves.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub principal: Principal,
    /// Ties audit entries to log lines.
    pub request_id: String,
    /// "Now" for this request (the clock is injected, tests drive it).
    pub now: DateTime<Utc>,
    /// The caller's address, for rate limits only (never stored).
    pub client: Option<IpAddr>,
}

impl RequestContext {
    /// The actor for the audit trail.
    pub fn actor(&self) -> Actor {
        let user_id = match &self.principal {
            Principal::Anonymous | Principal::Device(_) => None,
            Principal::Staff(staff) => Some(staff.user_id),
        };
        Actor { user_id, role: self.principal.role(), request_id: Some(self.request_id.clone()) }
    }
}
