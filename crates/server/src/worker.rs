//! The delivery worker: tokio tasks inside `resguardo serve`.
//!
//! Two loops run side by side, so that a slow or hanging SMTP relay never
//! holds up the rest: *housekeeping* announces deadlines that became due
//! soon or overdue to live subscribers and plans today's overdue reminders;
//! *delivery* sends what is due. Delivery claims a few messages at a time
//! under a lease measured from the claim, and sends them concurrently; each
//! send begins only after the lease was extended and the attempt recorded
//! (`Database::begin_attempt`), and lasts at most the SMTP timeout, which
//! is shorter than the lease: a message is sent only while its claim holds,
//! so two workers never send the same message. Results: sent, retried later
//! with exponential backoff (transient failures: 4xx, timeouts, refused
//! connections), dead-lettered with the reason (permanent failures, too many
//! attempts), or expired when it could only arrive after its useful moment.
//! The clock is a parameter, so tests drive time; any number of workers can
//! share one PostgreSQL database.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::bail;
use chrono::{DateTime, Duration, Utc};
use db::{Database, Envelope, MessageKind, Outcome, Reader};
use domain::business_day::lima_date;
use domain::deadline::DeadlineStatus;
use notifier::ics::DeadlineEvent;
use notifier::{Body, Letter, Mailer, SendError};
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The web client's address, for links in messages.
    pub public_url: String,
    /// The domain of Message-IDs (the sender's).
    pub mail_domain: String,
    /// Messages sent at once (and claimed per round): a hanging relay holds
    /// at most this many, for at most one SMTP timeout each.
    pub concurrency: usize,
    /// How long a claim holds before another worker may take the message,
    /// counted from the claim and again from the start of each attempt.
    /// It must be longer than twice the SMTP timeout.
    pub lease: Duration,
    /// After this many failed attempts a message is dead-lettered.
    pub max_attempts: i32,
    /// The first retry waits this long; each further one twice as long.
    pub first_retry: Duration,
    /// The longest wait between retries.
    pub max_retry: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            mail_domain: "resguardo.local".into(),
            concurrency: 4,
            lease: Duration::minutes(2),
            max_attempts: 8,
            first_retry: Duration::minutes(1),
            max_retry: Duration::hours(1),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Deadlines announced to subscribers as due soon or overdue.
    pub announced: usize,
    pub planned: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub expired: usize,
    /// Claims that ran out before their message could be sent (another
    /// worker may have it now); nothing was sent for them.
    pub lost: usize,
}

impl Pass {
    fn add(&mut self, other: Pass) {
        self.announced += other.announced;
        self.planned += other.planned;
        self.sent += other.sent;
        self.retried += other.retried;
        self.dead += other.dead;
        self.expired += other.expired;
        self.lost += other.lost;
    }

    fn log(&self) {
        if *self != Pass::default() {
            tracing::info!(
                announced = self.announced,
                planned = self.planned,
                sent = self.sent,
                retried = self.retried,
                dead = self.dead,
                expired = self.expired,
                lost = self.lost,
                "delivery pass"
            );
        }
    }
}

/// What became of one claimed message.
enum Attempted {
    Recorded(Outcome),
    /// The lease was gone before sending: nothing sent, nothing recorded.
    Lost,
}

pub struct Worker {
    db: Database,
    mailer: Arc<Mailer>,
    config: WorkerConfig,
    /// Names this worker's leases.
    owner: String,
}

impl Worker {
    /// Refuses a lease that a send could outlast: with a lease shorter
    /// than twice the SMTP timeout, a claim could expire mid-send and
    /// another worker send the same message.
    pub fn new(db: Database, mailer: Arc<Mailer>, config: WorkerConfig) -> anyhow::Result<Self> {
        let timeout = Duration::from_std(mailer.send_timeout())?;
        if config.lease <= timeout * 2 {
            bail!(
                "the delivery lease ({} s) must be longer than twice the SMTP timeout ({} s)",
                config.lease.num_seconds(),
                timeout.num_seconds()
            );
        }
        if config.concurrency == 0 {
            bail!("the delivery worker needs a concurrency of at least 1");
        }
        Ok(Self { db, mailer, config, owner: uuid::Uuid::new_v4().to_string() })
    }

    /// One pass at `now`: housekeeping, then everything due is sent.
    pub async fn run_once(&self, now: DateTime<Utc>) -> anyhow::Result<Pass> {
        let mut pass = self.housekeeping(now).await?;
        pass.add(self.deliver_due(now).await?);
        Ok(pass)
    }

    /// Finishes any calendar recomputation cut short, gives measures in
    /// force without one their review deadline, deletes evidence
    /// uploads left unfinished past their time, announces deadlines that
    /// became due soon or overdue to live subscribers and plans today's
    /// overdue reminders.
    pub async fn housekeeping(&self, now: DateTime<Utc>) -> anyhow::Result<Pass> {
        // A recomputation that keeps failing must not hold up the reminders.
        if let Err(error) = self.db.finish_recomputations(now).await {
            tracing::error!(%error, "a calendar change's recomputation could not be finished; retried next pass");
        }
        // Measures granted before reviews existed; none once all have one.
        match self.db.schedule_missing_reviews(now).await {
            Ok(0) => {}
            Ok(cases) => tracing::info!(cases, "measures in force given their review deadline"),
            Err(error) => tracing::error!(%error, "measure reviews could not be scheduled; retried next pass"),
        }
        match self.db.expire_evidence_uploads(now).await {
            Ok(0) => {}
            Ok(expired) => tracing::info!(expired, "unfinished evidence uploads deleted"),
            Err(error) => tracing::error!(%error, "expired evidence uploads could not be deleted; retried next pass"),
        }
        let announced = self.db.announce_deadlines(now).await?;
        let planned = self.db.plan_overdue_reminders(now).await?;
        Ok(Pass { announced, planned, ..Pass::default() })
    }

    /// Sends every message due at `now`, a few at a time. Time runs on
    /// from `now` as the pass takes real time, so leases count what the
    /// sends really take. When every send of a round fails transiently (the
    /// relay is down or hanging), the pass stops: the rest waits for the
    /// next pass instead of each costing a timeout now.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> anyhow::Result<Pass> {
        let started = Instant::now();
        let clock = move || now + Duration::from_std(started.elapsed()).unwrap_or_else(|_| Duration::zero());
        let batch = self.config.concurrency as u64;
        let mut pass = Pass::default();
        loop {
            let claimed = self.db.claim_messages(clock(), batch, self.config.lease, &self.owner).await?;
            let full = claimed.len() as u64 == batch;
            let attempts = claimed.iter().map(|envelope| self.attempt(envelope, &clock));
            let mut transient = 0;
            let results = futures_util::future::join_all(attempts).await;
            let tried = results.len();
            for (envelope, result) in claimed.iter().zip(results) {
                match result? {
                    Attempted::Recorded(Outcome::Sent) => pass.sent += 1,
                    Attempted::Recorded(Outcome::Retry { .. }) => {
                        pass.retried += 1;
                        transient += 1;
                    }
                    Attempted::Recorded(Outcome::Dead { error }) => {
                        // The reason names no one: codes and states only.
                        tracing::warn!(message.id = %envelope.id, reason = %error, "message dead-lettered");
                        pass.dead += 1;
                    }
                    Attempted::Recorded(Outcome::Expired) => pass.expired += 1,
                    Attempted::Lost => {
                        tracing::warn!(message.id = %envelope.id, "a claim ran out before sending; not sent");
                        pass.lost += 1;
                    }
                }
            }
            if !full || (tried > 0 && transient == tried) {
                return Ok(pass);
            }
        }
    }

    /// Runs housekeeping and delivery every `interval`, side by side, until
    /// `stop` turns true. Delivery finishes the round it is sending first.
    pub async fn run(self, clock: api::Clock, interval: StdDuration, stop: watch::Receiver<bool>) {
        let housekeeping = every(interval, stop.clone(), || async {
            match self.housekeeping(clock.now()).await {
                Ok(pass) => pass.log(),
                Err(error) => tracing::error!(error = %error, "deadline housekeeping failed; retrying next round"),
            }
        });
        let delivery = every(interval, stop, || async {
            match self.deliver_due(clock.now()).await {
                Ok(pass) => pass.log(),
                Err(error) => tracing::error!(error = %error, "delivery pass failed; retrying next round"),
            }
        });
        tokio::join!(housekeeping, delivery);
    }

    /// Sends one claimed message, if its lease still holds when the send
    /// begins, and records the outcome.
    async fn attempt(
        &self,
        envelope: &Envelope,
        clock: &(impl Fn() -> DateTime<Utc> + Sync),
    ) -> anyhow::Result<Attempted> {
        let (outcome, attempt) = match self.prepare(envelope, clock()) {
            Err(outcome) => (outcome, None),
            Ok((to, rendered)) => {
                let Some(attempt) = self.db.begin_attempt(envelope.id, &self.owner, clock(), self.config.lease).await?
                else {
                    return Ok(Attempted::Lost);
                };
                let message_id = format!("<{}@{}>", envelope.id, self.config.mail_domain);
                let sent = self.mailer.send(&message_id, to, &rendered).await;
                (self.outcome(envelope, sent, clock()), Some(attempt))
            }
        };
        self.record(envelope, attempt, outcome.clone(), clock()).await?;
        Ok(Attempted::Recorded(outcome))
    }

    async fn record(
        &self,
        envelope: &Envelope,
        attempt: Option<db::Attempt>,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if !self.db.record_delivery(envelope.id, &self.owner, attempt, outcome, now).await? {
            // Cannot happen while sends stay shorter than the lease; if it
            // does, the message was sent and another worker may send it again.
            tracing::error!(message.id = %envelope.id, "a delivery's lease ran out before its outcome was recorded");
        }
        Ok(())
    }

    /// The address and the rendered message, or the outcome when there is
    /// nothing to send.
    fn prepare<'e>(
        &self,
        envelope: &'e Envelope,
        now: DateTime<Utc>,
    ) -> Result<(&'e str, notifier::Rendered), Outcome> {
        if envelope.expires_at.is_some_and(|expires| expires <= now) {
            return Err(Outcome::Expired);
        }
        let Some(to) = &envelope.to else {
            let error = match envelope.reader {
                Reader::Staff(_) => "la cuenta del destinatario no está activa",
                Reader::Requester => "el solicitante no dejó un correo electrónico",
            };
            return Err(Outcome::Dead { error: error.into() });
        };
        // The deadline closed or moved since the message was planned; its
        // replacement (or its cancellation) carries on.
        let letter = self.letter(envelope, now).ok_or(Outcome::Expired)?;
        Ok((to, notifier::render(&letter, now)))
    }

    fn outcome(&self, envelope: &Envelope, sent: Result<(), SendError>, now: DateTime<Utc>) -> Outcome {
        match sent {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(error)) => Outcome::Dead { error },
            Err(SendError::Transient(error)) if envelope.attempts + 1 >= self.config.max_attempts => {
                Outcome::Dead { error: format!("{error} (tras {} intentos)", envelope.attempts + 1) }
            }
            Err(SendError::Transient(error)) => Outcome::Retry { at: now + self.backoff(envelope.attempts), error },
        }
    }

    /// 1, 2, 4, 8… minutes, at most an hour.
    fn backoff(&self, attempts: i32) -> Duration {
        let factor = 1_i32.checked_shl(u32::try_from(attempts).unwrap_or(0).min(16)).unwrap_or(i32::MAX);
        (self.config.first_retry * factor).min(self.config.max_retry)
    }

    /// The letter for a message, or `None` if what it was about is gone.
    fn letter(&self, envelope: &Envelope, now: DateTime<Utc>) -> Option<Letter> {
        let base = self.config.public_url.trim_end_matches('/');
        let (reader, link) = match envelope.reader {
            Reader::Staff(_) => (notifier::Reader::Staff, format!("{base}/consola/casos/{}", envelope.case_id)),
            Reader::Requester => (notifier::Reader::Requester, format!("{base}/seguimiento")),
        };
        let event = |cancelled: bool| {
            envelope.deadline.as_ref().map(|(id, deadline, _)| DeadlineEvent {
                uid: format!("{id}@{}", self.config.mail_domain),
                sequence: deadline.version,
                due: deadline.due,
                summary: format!("Vence un plazo del expediente {}", envelope.file_number),
                link: link.clone(),
                cancelled,
            })
        };
        let body = match &envelope.kind {
            MessageKind::Notice(topic) => {
                Body::Notice { topic: topic.clone(), due: envelope.deadline.as_ref().map(|(_, d, _)| d.due) }
            }
            MessageKind::Reminder { .. } => {
                let (_, deadline, planned_version) = envelope.deadline.as_ref()?;
                let still_current = deadline.status == DeadlineStatus::Open
                    && i64::from(deadline.version) == i64::from(*planned_version);
                if !still_current {
                    return None;
                }
                Body::Reminder {
                    deadline: deadline.key.kind.label().to_owned(),
                    due: deadline.due,
                    today: lima_date(now),
                    event: event(false)?,
                }
            }
            MessageKind::Cancel => {
                let (_, deadline, _) = envelope.deadline.as_ref()?;
                Body::DeadlineClosed { deadline: deadline.key.kind.label().to_owned(), event: event(true)? }
            }
        };
        Some(Letter { file_number: envelope.file_number.clone(), reader, link, body })
    }
}

/// Runs `round` every `interval` until `stop` turns true (checked between
/// rounds, so a round in progress finishes).
async fn every<F, Fut>(interval: StdDuration, mut stop: watch::Receiver<bool>, round: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    while !*stop.borrow() {
        round().await;
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}
