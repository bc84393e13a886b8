//! Summaries of timings.

use std::time::Duration;

/// Timings of one operation, repeated.
pub(crate) struct Timings(Vec<Duration>);

impl Timings {
    pub(crate) fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self(samples)
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * (self.0.len() - 1) as f64).round() as usize;
        self.0[rank.min(self.0.len() - 1)]
    }

    pub(crate) fn median(&self) -> Duration {
        self.percentile(50.0)
    }

    pub(crate) fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    /// Operations per second, one after another.
    pub(crate) fn throughput(&self) -> f64 {
        let total: Duration = self.0.iter().sum();
        if total.is_zero() { 0.0 } else { self.0.len() as f64 / total.as_secs_f64() }
    }
}

/// `1.234 ms` or `12.3 µs`.
pub(crate) fn show(d: Duration) -> String {
    if d >= Duration::from_millis(1) {
        format!("{:.3} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    }
}
