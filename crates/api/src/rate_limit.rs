//! Rate limits for what anyone on the internet may call: filing a request,
//! signing in, and the requester operations that take an access key (which
//! could otherwise be guessed). Token buckets per client address, plus one
//! shared budget for filing requests so that a crowd of addresses cannot
//! flood officers' inboxes either. In memory, per process: behind several
//! replicas each enforces its own share.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::authz::Operation;
use crate::error::ApiError;

/// A sustained rate with a burst allowance: `per_hour` tokens come back
/// over an hour, up to a quarter of that saved up. Zero turns it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_hour: u32,
}

impl Rate {
    pub const OFF: Rate = Rate { per_hour: 0 };

    fn burst(self) -> f64 {
        f64::from(self.per_hour.div_ceil(4).max(1))
    }

    fn per_second(self) -> f64 {
        f64::from(self.per_hour) / 3600.0
    }
}

/// The limits, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `submitRequest` per client address.
    pub intake: Rate,
    /// `submitRequest` from everyone together.
    pub intake_global: Rate,
    /// `login` per client address.
    pub login: Rate,
    /// Operations with a file number and access key, per client address.
    pub requester: Rate,
    /// New submissions from an app, per intake token (a resend of one
    /// received draws on nothing).
    pub app: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            intake: Rate { per_hour: 20 },
            intake_global: Rate { per_hour: 2000 },
            login: Rate { per_hour: 60 },
            requester: Rate { per_hour: 120 },
            app: Rate { per_hour: 120 },
        }
    }
}

impl RateLimits {
    /// No limits (tests that are about something else, benchmarks).
    pub const OFF: RateLimits = RateLimits {
        intake: Rate::OFF,
        intake_global: Rate::OFF,
        login: Rate::OFF,
        requester: Rate::OFF,
        app: Rate::OFF,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    Intake,
    IntakeGlobal,
    Login,
    Requester,
    /// One per intake token.
    App,
}

/// Who a bucket belongs to: an IPv4 address, or an IPv6 /64 (one
/// subscriber usually holds a whole /64); `None` for the global budget or
/// a caller whose address is unknown.
type Client = Option<u128>;

fn client_key(address: Option<IpAddr>) -> Client {
    match address? {
        IpAddr::V4(v4) => Some(u128::from(u32::from(v4))),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Some(u128::from(u32::from(v4))),
            None => Some(u128::from(v6) & !((1u128 << 64) - 1)),
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Tokens {
    left: f64,
    at: DateTime<Utc>,
}

/// Beyond this many tracked clients, buckets that have filled up again
/// (they hold nothing worth remembering) are dropped.
const SWEEP_ABOVE: usize = 100_000;

#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<(Bucket, Client), Tokens>>,
}

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Self { limits, buckets: Mutex::new(HashMap::new()) }
    }

    /// Spends one token of each bucket `operation` draws on, or says how
    /// long to wait. Nothing is spent when any bucket is empty.
    pub(crate) fn admit(
        &self,
        operation: Operation,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let client = client_key(client);
        let wanted: &[(Bucket, Rate, Client)] = match operation {
            Operation::SubmitRequest => {
                &[(Bucket::Intake, self.limits.intake, client), (Bucket::IntakeGlobal, self.limits.intake_global, None)]
            }
            Operation::Login => &[(Bucket::Login, self.limits.login, client)],
            Operation::MyRequest
            | Operation::RequestStatusChanges
            | Operation::AnswerInformationRequest
            | Operation::AddEvidence
            | Operation::StartEvidenceUpload
            | Operation::WithdrawConsent => &[(Bucket::Requester, self.limits.requester, client)],
            _ => return Ok(()),
        };
        self.spend(wanted, now)
    }

    /// Spends one token of an app's bucket: each intake token has its own,
    /// whatever address its phones send from.
    pub(crate) fn admit_app(&self, token: uuid::Uuid, now: DateTime<Utc>) -> Result<(), ApiError> {
        self.spend(&[(Bucket::App, self.limits.app, Some(token.as_u128()))], now)
    }

    fn spend(&self, wanted: &[(Bucket, Rate, Client)], now: DateTime<Utc>) -> Result<(), ApiError> {
        let Ok(mut buckets) = self.buckets.lock() else { return Err(ApiError::Internal) };
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|(bucket, _), tokens| {
                let rate = self.rate(*bucket);
                refill(*tokens, rate, now) < rate.burst()
            });
        }
        let mut wait = 0.0_f64;
        let mut refilled = Vec::with_capacity(wanted.len());
        for &(bucket, rate, client) in wanted.iter().filter(|(_, rate, _)| rate.per_hour > 0) {
            let left = buckets.get(&(bucket, client)).map_or(rate.burst(), |tokens| refill(*tokens, rate, now));
            if left < 1.0 {
                wait = wait.max((1.0 - left) / rate.per_second());
            }
            refilled.push(((bucket, client), left));
        }
        if wait > 0.0 {
            return Err(ApiError::RateLimited { retry_after_seconds: wait.ceil() as u64 });
        }
        for (key, left) in refilled {
            buckets.insert(key, Tokens { left: left - 1.0, at: now });
        }
        Ok(())
    }

    fn rate(&self, bucket: Bucket) -> Rate {
        match bucket {
            Bucket::Intake => self.limits.intake,
            Bucket::IntakeGlobal => self.limits.intake_global,
            Bucket::Login => self.limits.login,
            Bucket::Requester => self.limits.requester,
            Bucket::App => self.limits.app,
        }
    }
}

/// The tokens in a bucket at `now`.
fn refill(tokens: Tokens, rate: Rate, now: DateTime<Utc>) -> f64 {
    let elapsed = (now - tokens.at).max(Duration::zero()).num_milliseconds() as f64 / 1000.0;
    (tokens.left + elapsed * rate.per_second()).min(rate.burst())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> RateLimiter {
        RateLimiter::new(RateLimits {
            intake: Rate { per_hour: 4 },
            intake_global: Rate { per_hour: 8 },
            login: Rate { per_hour: 60 },
            requester: Rate::OFF,
            app: Rate { per_hour: 4 },
        })
    }

    #[test]
    fn each_app_token_has_its_own_budget() {
        let limiter = limiter();
        let (one, two) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        // A burst of a quarter of the hour's rate: one submission.
        assert!(limiter.admit_app(one, t(0)).is_ok());
        assert!(matches!(limiter.admit_app(one, t(1)), Err(ApiError::RateLimited { .. })));
        assert!(limiter.admit_app(two, t(1)).is_ok(), "another token is not held up");
        assert!(limiter.admit_app(one, t(900)).is_ok(), "a quarter of an hour later");
    }

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_burst_is_allowed_then_a_wait_is_named() {
        let limiter = limiter();
        // 60 per hour: a burst of 15, then one a minute.
        for _ in 0..15 {
            limiter.admit(Operation::Login, ip("203.0.113.7"), t(0)).unwrap();
        }
        let refused = limiter.admit(Operation::Login, ip("203.0.113.7"), t(0)).unwrap_err();
        assert!(matches!(refused, ApiError::RateLimited { retry_after_seconds: 60 }), "{refused:?}");
        assert!(limiter.admit(Operation::Login, ip("203.0.113.8"), t(0)).is_ok(), "another address has its own");
        assert!(limiter.admit(Operation::Login, ip("203.0.113.7"), t(60)).is_ok(), "a token came back");
        assert!(limiter.admit(Operation::Cases, ip("203.0.113.7"), t(60)).is_ok(), "staff work is not limited");
    }

    #[test]
    fn the_global_intake_budget_holds_across_addresses() {
        let limiter = limiter();
        // 8 per hour together: a burst of 2, whoever asks.
        limiter.admit(Operation::SubmitRequest, ip("198.51.100.1"), t(0)).unwrap();
        limiter.admit(Operation::SubmitRequest, ip("198.51.100.2"), t(0)).unwrap();
        let refused = limiter.admit(Operation::SubmitRequest, ip("198.51.100.3"), t(0)).unwrap_err();
        assert!(matches!(refused, ApiError::RateLimited { retry_after_seconds: 450 }), "{refused:?}");
        assert!(limiter.admit(Operation::MyRequest, ip("198.51.100.3"), t(0)).is_ok(), "a rate of 0 is off");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_prefix() {
        assert_eq!(client_key(ip("2001:db8:1:2::1")), client_key(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(client_key(ip("2001:db8:1:2::1")), client_key(ip("2001:db8:1:3::1")));
        assert_eq!(client_key(ip("::ffff:192.0.2.1")), client_key(ip("192.0.2.1")));
    }
}
