//! sea-orm entities, one per table. They mirror the migrations and never
//! leave this crate: the facade speaks domain types.
#![expect(unreachable_pub, reason = "sea-orm's derives generate `pub` items; the module itself is crate-private")]

pub(crate) mod agreements;
pub(crate) mod audit_chain_head;
pub(crate) mod audit_events;
pub(crate) mod audit_read_cases;
pub(crate) mod beneficiaries;
pub(crate) mod calendar_recomputations;
pub(crate) mod calendar_state;
pub(crate) mod case_aggression_types;
pub(crate) mod case_criteria;
pub(crate) mod case_events;
pub(crate) mod cases;
pub(crate) mod complaints;
pub(crate) mod deadline_announcements;
pub(crate) mod deadline_changes;
pub(crate) mod deadline_rules;
pub(crate) mod deadlines;
pub(crate) mod delivery_attempts;
pub(crate) mod departments;
pub(crate) mod districts;
pub(crate) mod evidence_chunks;
pub(crate) mod evidence_files;
pub(crate) mod file_number_counters;
pub(crate) mod holiday_rules;
pub(crate) mod incident_aggression_types;
pub(crate) mod intake_form_keys;
pub(crate) mod intake_tokens;
pub(crate) mod measure_types;
pub(crate) mod measures;
pub(crate) mod meeting_cases;
pub(crate) mod meeting_sectors;
pub(crate) mod meetings;
pub(crate) mod non_working_days;
pub(crate) mod outbox;
pub(crate) mod provinces;
pub(crate) mod reminder_policies;
pub(crate) mod sectors;
pub(crate) mod sessions;
pub(crate) mod superseded_keys;
pub(crate) mod suspension_periods;
pub(crate) mod users;
