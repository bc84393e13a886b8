//! What the case page reads (one operation: `case` with what an officer
//! may see, the officers to assign to, the catalogue) and how it shows
//! it: the request, the measures by sector, every deadline with why its
//! due date is what it is, the evidence files, the complaints to the
//! Public Prosecutor, the history, the e-mails sent.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::Me;
use super::due::{self, DueText};
use crate::pages::catalogue::{Text, Tr};

pub(crate) const QUERY: &str = with_me!(
    "query ConsolaCaso($id: ID!) { me { ...Yo } officers { id displayName } \
     measureTypes { code name defaultSector active } sectors { code name active } departments { code name } \
     case(id: $id) { id fileNumber status statusLabel channel receivedOn department province track riskLevel \
       admittedOn consentWithdrawnOn assignedOfficer { id displayName } resolution { number date } \
       request { thirdParty { name relationship relationshipDetail organisation } \
         contact { email phone instructions } \
         beneficiaries { name collective approximateMembers documentKind documentNumber gender } \
         place { ubigeo detail } defenderCategory defenderCategoryDetail aggressionTypes aggressorType \
         language languageDetail interpreterNeeded consent { status reason } facts \
         evidence { description reference } requestedMeasures { measureType description } } \
       protectionPlan { goal setOn } \
       measures { id number measureTypeName sector status statusLabel notifiedOn extendedUntil verifiedOn } \
       deadlines { label measureNumber start due status statusOn onTime workingDays suspendedWorkingDays \
         workingDaysLeft explanation { skippedDays { date reasons { description legalBasis } } } } \
       evidenceFiles { id number kindLabel size sha256 givenName sentByRequester sentByRole receivedAt } \
       deliveries { kind topic toRequester recipientId status attempts plannedFor sentAt } \
       complaints { number filedOn office fileNumber statusLabel statusOn stages { statusLabel on note } } \
       agreements { number sector agreedOn doneOn text report } \
       history { seq description occurredOn actor { displayName } measureNumber note } } }"
);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Data {
    pub(crate) me: Me,
    pub(crate) officers: Vec<Person>,
    pub(crate) measure_types: Vec<MeasureType>,
    pub(crate) sectors: Vec<Named>,
    pub(crate) departments: Vec<Named>,
    pub(crate) case: Case,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Person {
    pub(crate) id: String,
    pub(crate) display_name: String,
}

/// Who took a step (a name only).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Actor {
    pub(crate) display_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MeasureType {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) default_sector: String,
    pub(crate) active: bool,
}

#[derive(Deserialize)]
pub(crate) struct Named {
    pub(crate) code: String,
    pub(crate) name: String,
    #[serde(default = "yes")]
    pub(crate) active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Case {
    pub(crate) id: String,
    pub(crate) file_number: String,
    pub(crate) status: String,
    pub(crate) status_label: String,
    pub(crate) channel: String,
    pub(crate) received_on: NaiveDate,
    pub(crate) department: String,
    pub(crate) province: Option<String>,
    pub(crate) track: Option<String>,
    pub(crate) risk_level: Option<String>,
    pub(crate) admitted_on: Option<NaiveDate>,
    pub(crate) consent_withdrawn_on: Option<NaiveDate>,
    pub(crate) assigned_officer: Option<Person>,
    pub(crate) resolution: Option<Act>,
    pub(crate) protection_plan: Option<ProtectionPlan>,
    pub(crate) request: Request,
    pub(crate) measures: Vec<Measure>,
    pub(crate) deadlines: Vec<Deadline>,
    pub(crate) evidence_files: Vec<EvidenceFile>,
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) complaints: Vec<Complaint>,
    pub(crate) agreements: Vec<Agreement>,
    pub(crate) history: Vec<Event>,
}

/// What a coordination meeting agreed about the case.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Agreement {
    pub(crate) number: u32,
    pub(crate) sector: String,
    pub(crate) agreed_on: NaiveDate,
    pub(crate) done_on: Option<NaiveDate>,
    pub(crate) text: String,
    pub(crate) report: Option<String>,
}

/// The goal the case's measures are for, together.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProtectionPlan {
    pub(crate) goal: String,
    pub(crate) set_on: NaiveDate,
}

/// A complaint filed with the Public Prosecutor, and its stages.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Complaint {
    pub(crate) number: u32,
    pub(crate) filed_on: NaiveDate,
    pub(crate) office: String,
    pub(crate) file_number: String,
    pub(crate) status_label: String,
    pub(crate) status_on: NaiveDate,
    pub(crate) stages: Vec<ComplaintStage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ComplaintStage {
    pub(crate) status_label: String,
    pub(crate) on: NaiveDate,
    pub(crate) note: Option<String>,
}

/// A file received as evidence (reading `givenName` is an audited read,
/// as the request's other personal data the page reads).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EvidenceFile {
    pub(crate) id: String,
    pub(crate) number: u32,
    pub(crate) kind_label: String,
    pub(crate) size: u64,
    pub(crate) sha256: String,
    pub(crate) given_name: Option<String>,
    pub(crate) sent_by_requester: bool,
    pub(crate) sent_by_role: Option<String>,
    pub(crate) received_at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(crate) struct Act {
    pub(crate) number: String,
    pub(crate) date: NaiveDate,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Request {
    pub(crate) third_party: Option<ThirdParty>,
    pub(crate) contact: Contact,
    pub(crate) beneficiaries: Vec<Beneficiary>,
    pub(crate) place: Place,
    pub(crate) defender_category: String,
    pub(crate) defender_category_detail: Option<String>,
    pub(crate) aggression_types: Vec<String>,
    pub(crate) aggressor_type: Option<String>,
    pub(crate) language: String,
    pub(crate) language_detail: Option<String>,
    pub(crate) interpreter_needed: bool,
    pub(crate) consent: Consent,
    pub(crate) facts: String,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) requested_measures: Vec<RequestedMeasure>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThirdParty {
    pub(crate) name: String,
    pub(crate) relationship: String,
    pub(crate) relationship_detail: Option<String>,
    pub(crate) organisation: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Contact {
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) instructions: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Beneficiary {
    pub(crate) name: String,
    pub(crate) collective: Option<String>,
    pub(crate) approximate_members: Option<u32>,
    pub(crate) document_kind: Option<String>,
    pub(crate) document_number: Option<String>,
    pub(crate) gender: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Place {
    pub(crate) ubigeo: String,
    pub(crate) detail: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Consent {
    pub(crate) status: String,
    pub(crate) reason: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Evidence {
    pub(crate) description: String,
    pub(crate) reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestedMeasure {
    pub(crate) measure_type: Option<String>,
    pub(crate) description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Measure {
    pub(crate) id: String,
    pub(crate) number: u32,
    pub(crate) measure_type_name: String,
    pub(crate) sector: String,
    pub(crate) status: String,
    pub(crate) status_label: String,
    pub(crate) notified_on: Option<NaiveDate>,
    pub(crate) extended_until: Option<NaiveDate>,
    pub(crate) verified_on: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Deadline {
    pub(crate) label: String,
    pub(crate) measure_number: Option<u32>,
    pub(crate) start: NaiveDate,
    pub(crate) due: NaiveDate,
    pub(crate) status: String,
    pub(crate) status_on: Option<NaiveDate>,
    pub(crate) on_time: Option<bool>,
    pub(crate) working_days: u32,
    pub(crate) suspended_working_days: u32,
    pub(crate) working_days_left: Option<i64>,
    pub(crate) explanation: Explanation,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Explanation {
    pub(crate) skipped_days: Vec<SkippedDay>,
}

#[derive(Deserialize)]
pub(crate) struct SkippedDay {
    pub(crate) date: NaiveDate,
    pub(crate) reasons: Vec<SkipReason>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SkipReason {
    pub(crate) description: String,
    /// The norm behind it (a decree, a law), when there is one.
    pub(crate) legal_basis: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Delivery {
    pub(crate) kind: String,
    pub(crate) topic: String,
    pub(crate) to_requester: bool,
    pub(crate) recipient_id: Option<String>,
    pub(crate) status: String,
    pub(crate) attempts: u32,
    pub(crate) planned_for: DateTime<Utc>,
    pub(crate) sent_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event {
    pub(crate) seq: u32,
    pub(crate) description: String,
    pub(crate) occurred_on: NaiveDate,
    pub(crate) actor: Option<Actor>,
    pub(crate) measure_number: Option<u32>,
    pub(crate) note: Option<String>,
}

/// A label from the catalogue's closed lists (`agresion-THREAT`), or the
/// code itself when the list lacks it.
/// What an e-mail was about: a notice's topic, or a reminder's kind of
/// deadline.
pub(crate) fn delivery_topic(t: Tr, topic: &str) -> Text {
    match domain::deadline::DeadlineKind::parse(topic) {
        Ok(kind) => Text::plain(kind.label()),
        Err(_) => listed(t, "envio-tema", topic),
    }
}

pub(crate) fn listed(t: Tr, list: &str, code: &str) -> Text {
    let id = format!("{list}-{code}");
    if t.has(&id) { t.t(&id) } else { Text::plain(code) }
}

/// A deadline as the page shows it.
pub(crate) struct DeadlineLine {
    pub(crate) label: String,
    pub(crate) measure: Option<u32>,
    /// Running: the time left; otherwise where it ended.
    pub(crate) running: Option<DueText>,
    pub(crate) ended: Option<Text>,
    pub(crate) counted: Text,
    pub(crate) skipped: Vec<(Text, String)>,
}

pub(crate) fn deadline_lines(t: Tr, deadlines: &[Deadline], today: NaiveDate) -> Vec<DeadlineLine> {
    let mut lines: Vec<&Deadline> = deadlines.iter().collect();
    // Running ones first, the nearest first; then the rest, the latest first.
    lines.sort_by(|a, b| match (a.working_days_left.is_some(), b.working_days_left.is_some()) {
        (true, true) => a.due.cmp(&b.due),
        (false, false) => b.due.cmp(&a.due),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    });
    lines
        .into_iter()
        .map(|d| {
            let running = d.working_days_left.map(|left| due::say(t, d.due, left, today));
            let ended = match (running.is_some(), d.status.as_str()) {
                (true, _) => None,
                (false, "SUSPENDED") => Some(t.t1(
                    "plazo-suspendido",
                    "fecha",
                    due::weekday_date(t, d.status_on.unwrap_or(d.due), today).as_str(),
                )),
                (false, "MET") => Some(t.with(
                    if d.on_time == Some(false) { "plazo-cumplido-tarde" } else { "plazo-cumplido" },
                    [("fecha", due::weekday_date(t, d.status_on.unwrap_or(d.due), today).as_str().into())],
                )),
                (false, status) => Some(listed(t, "estado-plazo", status)),
            };
            DeadlineLine {
                label: d.label.clone(),
                measure: d.measure_number,
                running,
                ended,
                counted: t.with(
                    "plazo-computo",
                    [
                        ("dias", (d.working_days as usize).into()),
                        ("desde", due::weekday_date(t, d.start, today).as_str().into()),
                        ("hasta", due::weekday_date(t, d.due, today).as_str().into()),
                        ("suspendidos", (d.suspended_working_days as usize).into()),
                    ],
                ),
                skipped: d
                    .explanation
                    .skipped_days
                    .iter()
                    .filter(|day| !day.reasons.is_empty())
                    .map(|day| {
                        let why = day
                            .reasons
                            .iter()
                            .map(|r| match &r.legal_basis {
                                Some(basis) => format!("{} ({basis})", r.description),
                                None => r.description.clone(),
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        (due::weekday_date(t, day.date, today), why)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Who an e-mail went to, as staff read it.
pub(crate) fn recipient(t: Tr, delivery: &Delivery, people: &HashMap<&str, &str>) -> Text {
    if delivery.to_requester {
        return t.t("envio-solicitante");
    }
    match delivery.recipient_id.as_deref().and_then(|id| people.get(id)) {
        Some(name) => Text::plain(*name),
        None => t.t("envio-personal"),
    }
}
