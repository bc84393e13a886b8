//! The cases the DGDH kept before Resguardo, from its spreadsheets
//! (issue 20): two CSV files, one of requests and their beneficiaries
//! (`solicitudes`), one of the decisions and acts on them (`decisiones`),
//! laid out as docs/import.md says. Every row is parsed as intake parses a
//! request (`Request::parse`) and every act becomes the workflow's command
//! for it, applied on its own date, so deadlines come out as they ran:
//! met on time, late, or still running. Every problem is reported with its
//! file, line and column, and nothing of a case with a problem is kept.

pub mod csv;
mod rows;

use chrono::NaiveDate;

use crate::categories::Channel;
use crate::request::Request;
use crate::workflow::{AuditEvent, Case, Command, Context, Effect};

pub use rows::{DECISION_COLUMNS, REQUEST_COLUMNS, read};

/// Which of the two files a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceFile {
    Requests,
    Decisions,
}

impl SourceFile {
    /// Its name as docs/import.md gives it.
    pub fn name(self) -> &'static str {
        match self {
            SourceFile::Requests => "solicitudes",
            SourceFile::Decisions => "decisiones",
        }
    }
}

/// One problem of one row: where it is and what is wrong (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: SourceFile,
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The column, when the problem is one field's.
    pub column: Option<&'static str>,
    /// The case's `expediente_origen`, when the row names one.
    pub source: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, línea {}", self.file.name(), self.line)?;
        if let Some(column) = self.column {
            write!(f, ", columna «{column}»")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One act of a historic case, with the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricStep {
    pub line: usize,
    pub on: NaiveDate,
    pub command: Command,
}

/// A case as the spreadsheets had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricCase {
    /// The DGDH's own record number (`expediente_origen`): what makes
    /// importing the same file twice change nothing.
    pub source: String,
    /// The line of its first row in `solicitudes`.
    pub line: usize,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub request: Request,
    /// In the order they happened.
    pub steps: Vec<HistoricStep>,
}

impl HistoricCase {
    /// The case as the workflow makes it: received on its day, then every
    /// act on its own date; with the audit event of each step, in order.
    /// The first act the procedure refuses is a problem at its row.
    pub fn replay(&self, ctx: &Context<'_>) -> Result<(Case, Vec<AuditEvent>), Problem> {
        let department = self.request.place().ubigeo().department();
        let problem = |line, file, message: String| Problem {
            file,
            line,
            column: None,
            source: Some(self.source.clone()),
            message,
        };
        let mut case = Case::receive(self.received_on, department, ctx)
            .map_err(|e| problem(self.line, SourceFile::Requests, e.to_string()))?
            .case;
        let mut events = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let transition = case
                .apply(step.command.clone(), step.on, ctx)
                .map_err(|e| problem(step.line, SourceFile::Decisions, e.to_string()))?;
            for effect in transition.effects {
                if let Effect::Audit(event) = effect {
                    events.push(event);
                }
            }
            case = transition.case;
        }
        Ok((case, events))
    }
}
