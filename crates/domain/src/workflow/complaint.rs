//! The road to justice (the seed's §63): the complaints filed with the
//! Public Prosecutor (*Ministerio Público*) about the threats a case is
//! about, followed through the stages of Peru's criminal procedure. The
//! office and the prosecutor's file number identify the people concerned
//! in public court records, so they travel only in the command, which the
//! history keeps sealed; the case keeps the dates and the stage.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::code_enum;
use crate::text::{ShortText, Text};

code_enum! {
    /// Where a complaint stands, by the stages of the Código Procesal
    /// Penal (2004).
    pub enum ComplaintStatus ("estado de la denuncia") {
        Filed = "FILED", "Denuncia presentada";
        PreliminaryInquiry = "PRELIMINARY_INQUIRY", "Diligencias preliminares";
        FormalInvestigation = "FORMAL_INVESTIGATION", "Investigación preparatoria formalizada";
        Indictment = "INDICTMENT", "Acusación fiscal";
        Trial = "TRIAL", "Juicio oral";
        Conviction = "CONVICTION", "Sentencia condenatoria";
        Acquittal = "ACQUITTAL", "Sentencia absolutoria";
        /// *Archivo fiscal*: the prosecutor closed it (it may reopen).
        Dismissed = "DISMISSED", "Archivada por la fiscalía";
    }
}

impl ComplaintStatus {
    /// Still before the prosecutor or a court: the case it belongs to is
    /// under a legal hold.
    pub fn is_open(self) -> bool {
        !matches!(self, ComplaintStatus::Conviction | ComplaintStatus::Acquittal | ComplaintStatus::Dismissed)
    }
}

/// A complaint's number within its case (1, 2, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintNo(pub u16);

/// A complaint as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub no: ComplaintNo,
    pub filed_on: NaiveDate,
    pub status: ComplaintStatus,
    /// When it reached its status (the filing day while `FILED`).
    pub status_on: NaiveDate,
}

/// A complaint as recorded: what the case keeps and what stays sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFiling {
    pub filed_on: NaiveDate,
    /// The prosecutor's office (*fiscalía provincial penal de …*). Sealed.
    pub office: ShortText,
    /// The prosecutor's file (*carpeta fiscal*) number. Sealed.
    pub file_number: Text<80>,
}

/// A complaint's new stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintUpdate {
    pub complaint: ComplaintNo,
    pub status: ComplaintStatus,
    /// The day it reached the stage (the prosecutor's or court's act).
    pub on: NaiveDate,
    /// What the act said, if worth keeping. Sealed.
    pub note: Option<ShortText>,
}

/// The number the next complaint of a case gets, after `existing`.
pub(super) fn next_complaint_no(existing: impl Iterator<Item = ComplaintNo>) -> ComplaintNo {
    ComplaintNo(existing.map(|no| no.0).max().unwrap_or(0) + 1)
}

/// A complaint as its commands recorded it, sealed parts included: what
/// an officer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRecord {
    pub no: ComplaintNo,
    pub filing: ComplaintFiling,
    /// Every later stage, in order.
    pub stages: Vec<ComplaintUpdate>,
}

impl ComplaintRecord {
    /// The stage it is at and since when: the last one recorded, or the
    /// filing.
    pub fn current(&self) -> (ComplaintStatus, NaiveDate) {
        self.stages.last().map_or((ComplaintStatus::Filed, self.filing.filed_on), |s| (s.status, s.on))
    }

    /// The complaints of a case from its history's commands, in order,
    /// numbered as the transitions number them.
    pub fn from_history<'a>(commands: impl Iterator<Item = &'a super::Command>) -> Vec<ComplaintRecord> {
        let mut records: Vec<ComplaintRecord> = Vec::new();
        for command in commands {
            if let super::Command::RecordComplaint(filing) = command {
                let no = next_complaint_no(records.iter().map(|r| r.no));
                records.push(ComplaintRecord { no, filing: filing.clone(), stages: Vec::new() });
            } else if let super::Command::UpdateComplaint(update) = command
                && let Some(record) = records.iter_mut().find(|r| r.no == update.complaint)
            {
                record.stages.push(update.clone());
            }
        }
        records
    }
}
