//! The registry of risk situations, as figures: what the database counted
//! (`RegistryCounts`, plain codes and numbers, never a case), the report
//! built from them (`report`), disclosure control (`disclosure`) and the
//! long-format CSV (`csv`), and the anonymised case-level export
//! (`anonymised`).
//!
//! A period selects requests by the day they were received; every figure
//! is about those requests and what became of them so far ("in April: 31
//! requests, 22 admitted, 15 activated").

pub mod anonymised;
pub mod csv;
pub mod disclosure;
pub mod report;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use disclosure::{CellId, Cells, Figure, Published};
pub use report::{Column, Report, Row, Table, build_report};

/// Cells with fewer requests than this (and more than none) are shown as
/// "< 3" to everyone not allowed exact figures.
pub const DEFAULT_THRESHOLD: u64 = 3;

/// The outcome of the admissibility evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Admit,
    NotAdmit,
    Refer,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Admit => "ADMIT",
            Outcome::NotAdmit => "NOT_ADMIT",
            Outcome::Refer => "REFER",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Outcome::Admit, Outcome::NotAdmit, Outcome::Refer].into_iter().find(|o| o.code() == code)
    }
}

/// Requests counted by where they are and how far they went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestGroup {
    pub department: String,
    pub province: Option<String>,
    pub outcome: Option<Outcome>,
    /// A resolution granted at least one measure.
    pub activated: bool,
    pub count: u64,
}

/// Requests reporting an aggression type (a request may report several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggressionGroup {
    pub department: String,
    pub aggression_type: String,
    pub activated: bool,
    pub count: u64,
}

/// Measures granted to the period's requests, by type, sector and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureGroup {
    pub measure_type: String,
    pub sector: String,
    pub status: String,
    /// The officer verified it carried out as the sector reported.
    pub verified: bool,
    pub count: u64,
}

/// Deadlines of the period's requests, by kind and how they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineGroup {
    pub kind: String,
    pub status: String,
    pub on_time: Option<bool>,
    /// Still running and already past due.
    pub overdue: bool,
    pub count: u64,
}

/// Met deadlines with the same start, end and suspension: the working days
/// they took are counted once per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationGroup {
    pub kind: String,
    pub department: String,
    pub start_on: NaiveDate,
    pub met_on: NaiveDate,
    pub suspended_working_days: u32,
    pub count: u64,
}

/// What the database counts for a period (GROUP BY, never a case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    pub requests: Vec<RequestGroup>,
    /// `(code, requests)`; `None` for "not recorded".
    pub by_defender_category: Vec<(String, u64)>,
    pub by_aggressor_type: Vec<(Option<String>, u64)>,
    pub by_language: Vec<(String, u64)>,
    /// `(is collective, requests)`.
    pub by_collective: Vec<(bool, u64)>,
    pub by_channel: Vec<(String, u64)>,
    pub by_track: Vec<(Option<String>, u64)>,
    pub by_received_on: Vec<(NaiveDate, u64)>,
    pub aggressions: Vec<AggressionGroup>,
    /// Requests with an incident reported after they were filed, by the
    /// incident's aggression type; `None` for any type.
    pub incidents: Vec<(Option<String>, u64)>,
    /// Requests with a complaint filed with the Public Prosecutor, by the
    /// complaint's stage; `None` for any stage.
    pub complaints: Vec<(Option<String>, u64)>,
    /// People (not collectives) to protect, by gender.
    pub people_by_gender: Vec<(Option<String>, u64)>,
    /// Among requests not admitted: the criteria they failed.
    pub failed_criteria: Vec<(String, u64)>,
    pub measures: Vec<MeasureGroup>,
    pub deadlines: Vec<DeadlineGroup>,
    pub durations: Vec<DurationGroup>,
}

/// Which requests a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    /// Received on or after.
    pub from: NaiveDate,
    /// Received on or before.
    pub to: NaiveDate,
    pub department: Option<String>,
    pub track: Option<String>,
    pub defender_category: Option<String>,
    /// Requests with a measure for this sector (and only its measures).
    pub sector: Option<String>,
}

/// A filter that does not check out: the field and why, in Spanish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
}

impl ReportFilter {
    /// The filter, its codes checked: `department` a two-digit ubigeo,
    /// `track` and `defender_category` codes of their lists, `sector` a
    /// reference code.
    pub fn checked(
        from: NaiveDate,
        to: NaiveDate,
        department: Option<&str>,
        track: Option<&str>,
        defender_category: Option<&str>,
        sector: Option<&str>,
    ) -> Result<Self, FilterError> {
        let fail = |field, message: String| FilterError { field, message };
        if from > to {
            return Err(fail("to", "el final del periodo es anterior a su inicio".into()));
        }
        let department = department
            .map(|code| crate::place::DepartmentCode::parse(code).map(|d| d.as_str().to_owned()))
            .transpose()
            .map_err(|e| fail("department", e.to_string()))?;
        let track = track
            .map(|code| crate::workflow::Track::parse(code).map(|t| t.code().to_owned()))
            .transpose()
            .map_err(|e| fail("track", e.to_string()))?;
        let defender_category = defender_category
            .map(|code| crate::categories::DefenderCategory::parse(code).map(|c| c.code().to_owned()))
            .transpose()
            .map_err(|e| fail("defenderCategory", e.to_string()))?;
        let sector = sector
            .map(|code| crate::codes::RefCode::parse(code).map(|c| c.as_str().to_owned()))
            .transpose()
            .map_err(|e| fail("sector", e.to_string()))?;
        Ok(Self { from, to, department, track, defender_category, sector })
    }
}

/// Names for codes that live in reference data.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub departments: HashMap<String, String>,
    pub sectors: HashMap<String, String>,
    pub measure_types: HashMap<String, String>,
}
