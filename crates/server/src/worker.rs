//! The delivery worker: a tokio task inside `resguardo serve`. Each pass
//! announces deadlines that became due soon or overdue to live
//! subscribers, plans today's overdue reminders, claims due messages under a lease,
//! commits the claim, renders and sends each one, and records the result:
//! sent, retried later with exponential backoff (transient failures: 4xx,
//! timeouts, refused connections), dead-lettered with the reason
//! (permanent failures, too many attempts), or expired when it could only
//! arrive after its useful moment. The clock is a parameter, so tests drive
//! time; any number of workers can share one PostgreSQL database.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use db::{Database, Envelope, MessageKind, Outcome, Reader};
use domain::business_day::lima_date;
use domain::deadline::DeadlineStatus;
use notifier::ics::DeadlineEvent;
use notifier::{Body, Letter, Mailer, SendError};

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The web client's address, for links in messages.
    pub public_url: String,
    /// The domain of Message-IDs (the sender's).
    pub mail_domain: String,
    /// Messages claimed per round.
    pub batch: u64,
    /// How long a claim holds before another worker may take the message.
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
            batch: 50,
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
}

pub struct Worker {
    db: Database,
    mailer: Arc<Mailer>,
    config: WorkerConfig,
    /// Names this worker's leases.
    owner: String,
}

impl Worker {
    pub fn new(db: Database, mailer: Arc<Mailer>, config: WorkerConfig) -> Self {
        Self { db, mailer, config, owner: uuid::Uuid::new_v4().to_string() }
    }

    /// One pass at `now`: announce deadlines that became due soon or
    /// overdue to live subscribers, plan overdue reminders, then send
    /// everything due.
    pub async fn run_once(&self, now: DateTime<Utc>) -> anyhow::Result<Pass> {
        let announced = self.db.announce_deadlines(now).await?;
        let mut pass = Pass { announced, planned: self.db.plan_overdue_reminders(now).await?, ..Pass::default() };
        loop {
            let claimed = self.db.claim_messages(now, self.config.batch, self.config.lease, &self.owner).await?;
            let full = claimed.len() as u64 == self.config.batch;
            for envelope in claimed {
                let outcome = self.deliver(&envelope, now).await;
                match &outcome {
                    Outcome::Sent => pass.sent += 1,
                    Outcome::Retry { .. } => pass.retried += 1,
                    Outcome::Dead { error } => {
                        // The reason names no one: codes and states only.
                        tracing::warn!(message.id = %envelope.id, reason = %error, "message dead-lettered");
                        pass.dead += 1;
                    }
                    Outcome::Expired => pass.expired += 1,
                }
                self.db.record_delivery(envelope.id, &self.owner, outcome, now).await?;
            }
            if !full {
                return Ok(pass);
            }
        }
    }

    /// Runs passes every `interval` until `stop` resolves.
    pub async fn run(self, clock: api::Clock, interval: StdDuration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            match self.run_once(clock.now()).await {
                Ok(pass) if pass != Pass::default() => tracing::info!(
                    announced = pass.announced,
                    planned = pass.planned,
                    sent = pass.sent,
                    retried = pass.retried,
                    dead = pass.dead,
                    expired = pass.expired,
                    "delivery pass"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(error = %error, "delivery pass failed; retrying next round"),
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = &mut stop => return,
            }
        }
    }

    async fn deliver(&self, envelope: &Envelope, now: DateTime<Utc>) -> Outcome {
        if envelope.expires_at.is_some_and(|expires| expires <= now) {
            return Outcome::Expired;
        }
        let Some(to) = &envelope.to else {
            let error = match envelope.reader {
                Reader::Staff(_) => "la cuenta del destinatario no está activa",
                Reader::Requester => "el solicitante no dejó un correo electrónico",
            };
            return Outcome::Dead { error: error.into() };
        };
        let Some(letter) = self.letter(envelope, now) else {
            // The deadline closed or moved since the message was planned;
            // its replacement (or its cancellation) carries on.
            return Outcome::Expired;
        };
        let rendered = notifier::render(&letter, now);
        let message_id = format!("<{}@{}>", envelope.id, self.config.mail_domain);
        match self.mailer.send(&message_id, to, &rendered).await {
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
            Reader::Staff(_) => (notifier::Reader::Staff, format!("{base}/casos/{}", envelope.case_id)),
            Reader::Requester => {
                (notifier::Reader::Requester, format!("{base}/seguimiento?expediente={}", envelope.file_number))
            }
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
