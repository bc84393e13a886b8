//! Figures measured over several runs, printed as a table (median, and the
//! spread between the fastest and slowest run) and written as JSON.

use std::fmt::Write as _;

/// One figure, measured once per run.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub(crate) group: String,
    pub(crate) name: String,
    pub(crate) unit: &'static str,
    pub(crate) runs: Vec<f64>,
}

impl Figure {
    pub(crate) fn median(&self) -> f64 {
        let mut sorted = self.runs.clone();
        sorted.sort_by(f64::total_cmp);
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    fn min(&self) -> f64 {
        self.runs.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn max(&self) -> f64 {
        self.runs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Results {
    pub(crate) figures: Vec<Figure>,
}

impl Results {
    /// Adds `value` to the figure `group`/`name` (created on first use).
    pub(crate) fn record(&mut self, group: &str, name: &str, unit: &'static str, value: f64) {
        match self.figures.iter_mut().find(|f| f.group == group && f.name == name) {
            Some(figure) => figure.runs.push(value),
            None => self.figures.push(Figure { group: group.into(), name: name.into(), unit, runs: vec![value] }),
        }
    }

    pub(crate) fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{:<14} {:<58} {:>12} {:>12} {:>12}  unit", "group", "figure", "median", "min", "max");
        for f in &self.figures {
            let _ = writeln!(
                out,
                "{:<14} {:<58} {:>12} {:>12} {:>12}  {}",
                f.group,
                f.name,
                show(f.median()),
                show(f.min()),
                show(f.max()),
                f.unit
            );
        }
        out
    }

    pub(crate) fn json(&self, context: serde_json::Value) -> serde_json::Value {
        let figures: Vec<serde_json::Value> = self
            .figures
            .iter()
            .map(|f| {
                serde_json::json!({
                    "group": f.group, "name": f.name, "unit": f.unit,
                    "median": f.median(), "min": f.min(), "max": f.max(), "runs": f.runs,
                })
            })
            .collect();
        serde_json::json!({ "context": context, "figures": figures })
    }
}

fn show(value: f64) -> String {
    if !value.is_finite() {
        "—".into()
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.4}")
    }
}

/// Milliseconds in `samples` at percentile `p` (nearest rank).
pub(crate) fn percentile_ms(samples: &mut [std::time::Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil().max(1.0) as usize - 1;
    samples[rank.min(samples.len() - 1)].as_secs_f64() * 1e3
}
