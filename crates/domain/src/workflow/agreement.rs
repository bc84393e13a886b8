//! Coordination meetings (the seed's §59–60): the sectors meet about
//! several cases and agree who does what by when. Each agreement belongs to
//! one case, names the sector responsible, and runs as a deadline of that
//! sector's, reminded and escalated like a measure's. What was agreed may
//! name people and places, so it travels only in the command, which the
//! history keeps sealed; the case keeps the number, sector and dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::SectorCode;
use crate::text::LongText;

/// An agreement's number within its case (1, 2, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgreementNo(pub u16);

/// A coordination meeting, opaque to the workflow (the shell keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeetingRef(pub String);

/// The longest period a meeting may give a sector, in working days: the
/// same bound as a deadline rule's.
pub const MAX_AGREEMENT_WORKING_DAYS: u32 = 365;

/// An agreement as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub no: AgreementNo,
    pub meeting: MeetingRef,
    /// The sector that must carry it out.
    pub sector: SectorCode,
    /// The day of the meeting: its deadline counts from it.
    pub agreed_on: NaiveDate,
    /// When the sector reported it carried out.
    pub done_on: Option<NaiveDate>,
}

/// What a meeting agreed about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    pub meeting: MeetingRef,
    pub held_on: NaiveDate,
    pub sector: SectorCode,
    /// What is to be done (sensitive: the history keeps it sealed).
    pub text: LongText,
    /// The period the meeting gave, in working days from its day; `None`
    /// for the rule's.
    pub working_days: Option<u32>,
}

/// The number the next agreement of a case gets.
pub(crate) fn next_agreement_no(existing: impl Iterator<Item = AgreementNo>) -> AgreementNo {
    AgreementNo(existing.map(|n| n.0).max().unwrap_or(0) + 1)
}

/// An agreement with what was agreed and how it was reported done, as an
/// officer or the responsible sector reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRecord {
    pub no: AgreementNo,
    pub terms: AgreementTerms,
    /// The sector's report, once it said the agreement is carried out.
    pub report: Option<LongText>,
}

impl AgreementRecord {
    /// The agreements of a case from its history's commands, in order,
    /// numbered as the transitions number them.
    pub fn from_history<'a>(commands: impl Iterator<Item = &'a super::Command>) -> Vec<AgreementRecord> {
        let mut records: Vec<AgreementRecord> = Vec::new();
        for command in commands {
            if let super::Command::AddAgreement(terms) = command {
                let no = next_agreement_no(records.iter().map(|r| r.no));
                records.push(AgreementRecord { no, terms: terms.clone(), report: None });
            } else if let super::Command::ReportAgreementDone { agreement, report } = command
                && let Some(record) = records.iter_mut().find(|r| r.no == *agreement)
            {
                record.report = report.clone();
            }
        }
        records
    }
}
