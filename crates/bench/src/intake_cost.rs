//! What encryption and the audit trail cost on the intake path.
//!
//! Measured in one run on the same database: filing a request (the whole
//! transaction: case, sealed request, sealed event, deadline, chained audit
//! entry, outbox), then each protection on its own: sealing what an intake
//! seals (the request and its event), and appending one chained audit entry
//! in a transaction of its own (an upper bound of what it adds inside the
//! intake's transaction, which it shares).

use std::time::{Duration, Instant};

use db::{Actor, Database, IntakeKeys};
use domain::categories::Channel;

use crate::sample;
use crate::stats::{Timings, show};

pub(crate) async fn run(db: &Database, requests: usize) -> anyhow::Result<()> {
    let keys = db::crypto::Keyring::generate()?;
    let actor = Actor::public(None);
    let samples: Vec<_> = (0..requests).map(sample::request).collect::<anyhow::Result<_>>()?;

    // Warm up connections and caches.
    for (n, request) in samples.iter().take(10).enumerate() {
        file(db, request, &format!("warm-up-{n}"), &actor).await?;
    }

    let mut intake = Vec::with_capacity(requests);
    let mut cases = Vec::with_capacity(requests);
    for (n, request) in samples.iter().enumerate() {
        let started = Instant::now();
        cases.push(file(db, request, &format!("measured-{n}"), &actor).await?);
        intake.push(started.elapsed());
    }

    let mut seal = Vec::with_capacity(requests);
    for request in &samples {
        let row = uuid::Uuid::new_v4();
        let started = Instant::now();
        let json = serde_json::to_vec(request)?;
        let sealed = keys.encrypt("cases", "request_details", row, &json)?;
        let event = serde_json::to_vec(&serde_json::json!({ "channel": "WEB" }))?;
        let sealed_event = keys.encrypt("case_events", "payload", row, &event)?;
        seal.push(started.elapsed());
        std::hint::black_box((sealed, sealed_event));
    }

    let mut audit = Vec::with_capacity(requests);
    let now = chrono::Utc::now();
    for case in &cases {
        let started = Instant::now();
        db.record_request(&actor, &[(*case, "request".to_owned())], &[], now).await?;
        audit.push(started.elapsed());
    }

    let (intake, seal, audit) = (Timings::new(intake), Timings::new(seal), Timings::new(audit));
    let share = |part: Duration| 100.0 * part.as_secs_f64() / intake.median().as_secs_f64();
    println!("intake cost, {requests} requests, one at a time, {:?}", db.backend());
    println!("{:<44} {:>12} {:>12} {:>10}", "", "median", "p99", "per s");
    println!(
        "{:<44} {:>12} {:>12} {:>10.0}",
        "file a request (whole transaction)",
        show(intake.median()),
        show(intake.p99()),
        intake.throughput()
    );
    println!(
        "{:<44} {:>12} {:>12} {:>10.0}",
        "seal request and event (XChaCha20-Poly1305)",
        show(seal.median()),
        show(seal.p99()),
        seal.throughput()
    );
    println!(
        "{:<44} {:>12} {:>12} {:>10.0}",
        "append one audit entry (own transaction)",
        show(audit.median()),
        show(audit.p99()),
        audit.throughput()
    );
    println!("encryption / intake (medians): {:.2} %", share(seal.median()));
    println!("audit append / intake (medians, upper bound): {:.1} %", share(audit.median()));
    Ok(())
}

async fn file(
    db: &Database,
    request: &domain::request::Request,
    key: &str,
    actor: &Actor,
) -> anyhow::Result<uuid::Uuid> {
    let secret = api::AccessKeySecret::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let (keys, _access_key): (IntakeKeys, String) =
        api::intake_keys(&secret, &format!("bench-{key}-{}", uuid::Uuid::new_v4().simple()), request, Channel::Web)
            .map_err(|e| anyhow::anyhow!("intake keys: {e}"))?;
    Ok(db.submit_request(request, Channel::Web, &keys, chrono::Utc::now(), actor).await?.id)
}

/// Files one request after another for `duration`; each one's latency.
pub(crate) async fn writer_latencies(db: &Database, duration: Duration) -> anyhow::Result<Vec<Duration>> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writer = tokio::spawn(writer_until(db.clone(), stopped));
    tokio::time::sleep(duration).await;
    stop.send(true)?;
    writer.await?
}

/// Files one request after another until `stop` turns true (at least one);
/// each one's latency.
pub(crate) async fn writer_until(
    db: Database,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Vec<Duration>> {
    let actor = Actor::public(None);
    let mut latencies = Vec::new();
    let mut n = 0;
    while latencies.is_empty() || !*stop.borrow() {
        let request = sample::request(n)?;
        let started = Instant::now();
        file(&db, &request, &format!("beside-{n}"), &actor).await?;
        latencies.push(started.elapsed());
        n += 1;
    }
    Ok(latencies)
}
