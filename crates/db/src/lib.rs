//! Storage for Resguardo: sea-orm entities behind a facade whose methods
//! have domain names (`submit_request`, `apply`, `case_file`…).
//!
//! Every command runs in one transaction: load the case, run the pure
//! transition from `domain`, write the new state, the file's history, the
//! deadline changes, the planned notifications and the audit event, then
//! commit. Either all of it is stored or none. The same code runs on SQLite
//! (the embedded default) and PostgreSQL.

mod accounts;
mod admin;
mod announcements;
mod audit_chain;
mod bulk;
mod calendar_admin;
mod case_store;
mod commands;
mod connection;
pub mod crypto;
mod deadline_lists;
mod delivery;
mod effects;
mod entities;
mod error;
mod evidence;
mod import;
mod intake_tokens;
mod key_state;
mod keys;
mod lists;
mod live;
mod meetings;
mod operations;
mod outbox;
mod parse;
mod queries;
mod recomputation;
mod reference;
mod reference_cache;
mod registry;
mod reviews;
mod sealed;

pub use accounts::{LoginRecord, NewUser, Session, SessionPolicy, User, UserChanges, normalise_email};
pub use admin::{AuditFilter, MEASURE_KINDS, parse_ref_code};
pub use announcements::DUE_SOON_WORKING_DAYS;
pub use audit_chain::{Anchor, ChainBreak, ChainReport};
pub use calendar_admin::{CalendarChange, CalendarChangeReport, CalendarEntry};
pub use commands::{FiledCase, IntakeKeys};
pub use connection::{Backend, Database, with_database_name};
pub use deadline_lists::{ComplianceRow, DeadlineFilter, DeadlineItem};
pub use delivery::{
    Attempt, AttemptRecord, DeliveryKind, DeliveryRecord, DeliveryStatus, Envelope, MessageKind, Outcome, Reader,
};
pub use effects::Actor;
pub use error::{DbError, DbResult};
pub use evidence::{EvidenceFileRecord, EvidenceUpload, FinishUpload, NewUpload};
pub use import::{ImportSource, ImportedCase, ImportedStep};
pub use intake_tokens::{IntakeFormKey, IntakeToken};
pub use key_state::KeySource;
pub use keys::ResealReport;
pub use lists::{CaseFilter, CaseOrder, CaseRecord, Cursor, MeasureFilter, MeasureRecord, MeasuresAndDeadlines, Page};
pub use live::{LiveEvent, LiveEventKind, LiveSignal};
pub use meetings::{AgreementListed, MEETINGS_PER_READ, MeetingCase, MeetingRecord, NewAgreement, NewMeeting};
pub use operations::{PoolState, WorkCounts};
pub use queries::{AuditEntry, CaseEvent, CaseFile, DeadlineChangeRecord, PlannedNotification};
pub use reference::{Department, MeasureType, Sector, Subdivision};
pub use sealed::{SEALED_COLUMNS, SealedColumn, SealedForm, SealedRequest};
