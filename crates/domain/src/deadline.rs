//! Deadlines: the rules that define them (data an admin can change) and the
//! deadlines of one case, computed from a start date, the calendar and any
//! time the clock was suspended.
//!
//! A deadline is a date (the n-th working day after its start, DOMAIN.md §4).
//! Every recomputation that moves it bumps its `version`, so that reminders
//! planned for an older version can be recognised and cancelled.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, DueDateExplanation};
use crate::codes::{MeasureTypeCode, RefCode, code_enum};
use crate::place::DepartmentCode;
use crate::workflow::{AgreementNo, MeasureNo, Track};

code_enum! {
    /// What a deadline is for.
    pub enum DeadlineKind ("tipo de plazo") {
        /// The decision on a request: granting (or denying) protection.
        Decision = "DECISION", "Decisión sobre la solicitud";
        /// The requester's answer to a request for more information.
        InformationAnswer = "INFORMATION_ANSWER", "Respuesta a la solicitud de información";
        /// The sector's acknowledgement of a measure notified to it.
        MeasureAcknowledgement = "MEASURE_ACKNOWLEDGEMENT", "Acuse de recibo de la medida";
        /// The sector's report that a measure is carried out.
        MeasureImplementation = "MEASURE_IMPLEMENTATION", "Implementación de la medida";
        /// The officer's periodic review of a granted measure: renew,
        /// modify or lift it (measures are temporary, DOMAIN.md §10).
        MeasureReview = "MEASURE_REVIEW", "Revisión de la medida";
        /// A new assessment of the risk after an incident was reported.
        Reassessment = "REASSESSMENT", "Nueva evaluación del riesgo tras un incidente";
        /// The officer's check that a measure the sector reported carried
        /// out really is (public reviews found measures never verified).
        MeasureVerification = "MEASURE_VERIFICATION", "Verificación de la implementación de la medida";
        /// A sector's agreement at a coordination meeting, carried out.
        Agreement = "AGREEMENT", "Cumplimiento de un acuerdo de coordinación";
    }
}

code_enum! {
    /// The event a deadline is counted from. DOMAIN.md §2.5: which event
    /// starts the decision clock is not settled in public text, so it is data.
    pub enum StartEvent ("evento de inicio") {
        Receipt = "RECEIPT", "Recepción de la solicitud";
        Admission = "ADMISSION", "Admisión de la solicitud";
        RiskAssessment = "RISK_ASSESSMENT", "Evaluación del riesgo";
        InformationRequest = "INFORMATION_REQUEST", "Solicitud de información";
        MeasureNotification = "MEASURE_NOTIFICATION", "Notificación de la medida al sector";
        /// The act that granted, renewed or modified the measure.
        MeasureAct = "MEASURE_ACT", "Acto que otorga, renueva o modifica la medida";
        IncidentReport = "INCIDENT_REPORT", "Reporte de un incidente";
        ImplementationReport = "IMPLEMENTATION_REPORT", "Informe del sector de que la medida se implementó";
        CoordinationMeeting = "COORDINATION_MEETING", "Reunión de coordinación intersectorial";
    }
}

code_enum! {
    pub enum DurationUnit ("unidad de plazo") {
        WorkingDays = "WORKING_DAYS", "días hábiles";
        CalendarDays = "CALENDAR_DAYS", "días calendario";
    }
}

code_enum! {
    /// Who must act before the deadline (and is reminded).
    pub enum OwnerRole ("responsable del plazo") {
        Officer = "OFFICER", "Especialista de la DGDH";
        Coordinator = "COORDINATOR", "Coordinador/a sectorial";
        Requester = "REQUESTER", "Solicitante";
    }
}

/// One rule: "a decision on an urgent request within 15 working days of
/// admission, owed by the officer".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub kind: DeadlineKind,
    /// `None`: applies to both tracks unless a track-specific rule exists.
    pub track: Option<Track>,
    pub amount: u32,
    pub unit: DurationUnit,
    pub start_event: StartEvent,
    pub owner: OwnerRole,
    /// Reviews only: the rule holds for this type of measure, before the
    /// rules for every type. `None` for every other kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_type: Option<MeasureTypeCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("no hay una regla de plazo para «{}»", .0.label())]
    Missing(DeadlineKind),
    #[error("el plazo «{}» no puede contarse desde «{}»", .0.label(), .1.label())]
    StartEventNotAllowed(DeadlineKind, StartEvent),
    #[error("la duración de un plazo debe estar entre 1 y 365")]
    Duration,
    #[error("hay dos reglas para el mismo plazo y la misma vía")]
    Duplicate,
    #[error("solo la revisión de la medida puede tener una regla por tipo de medida")]
    MeasureTypeNotAllowed,
}

impl RuleError {
    /// The rule's input a person must correct, when the refusal is about
    /// one (its length, its start event) rather than about the set.
    pub fn input_field(&self) -> Option<&'static str> {
        match self {
            RuleError::Duration => Some("workingDays"),
            RuleError::StartEventNotAllowed(..) => Some("startEvent"),
            RuleError::MeasureTypeNotAllowed => Some("measureType"),
            RuleError::Missing(_) | RuleError::Duplicate => None,
        }
    }
}

/// The complete set of rules in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules(Vec<DeadlineRule>);

impl DeadlineKind {
    /// A sector's to meet (its coordinators' work lists); the others are
    /// the DGDH's to watch (its officers').
    pub fn is_sectors(self) -> bool {
        match self {
            DeadlineKind::MeasureAcknowledgement | DeadlineKind::MeasureImplementation | DeadlineKind::Agreement => {
                true
            }
            DeadlineKind::Decision
            | DeadlineKind::InformationAnswer
            | DeadlineKind::MeasureReview
            | DeadlineKind::Reassessment
            | DeadlineKind::MeasureVerification => false,
        }
    }

    /// Who must act before deadlines of this kind (and is reminded).
    pub fn owner(self) -> OwnerRole {
        match self {
            DeadlineKind::Decision
            | DeadlineKind::MeasureReview
            | DeadlineKind::Reassessment
            | DeadlineKind::MeasureVerification => OwnerRole::Officer,
            DeadlineKind::InformationAnswer => OwnerRole::Requester,
            DeadlineKind::MeasureAcknowledgement | DeadlineKind::MeasureImplementation | DeadlineKind::Agreement => {
                OwnerRole::Coordinator
            }
        }
    }

    /// Whether its length is the track's: a track change recomputes it.
    /// The requester's answer period is the same on both, and an agreement
    /// runs for the period the meeting gave.
    pub fn follows_track(self) -> bool {
        match self {
            DeadlineKind::InformationAnswer | DeadlineKind::Agreement => false,
            DeadlineKind::Decision
            | DeadlineKind::MeasureAcknowledgement
            | DeadlineKind::MeasureImplementation
            | DeadlineKind::MeasureReview
            | DeadlineKind::Reassessment
            | DeadlineKind::MeasureVerification => true,
        }
    }

    /// The events each kind may be counted from.
    pub fn allowed_start_events(self) -> &'static [StartEvent] {
        match self {
            DeadlineKind::Decision => &[StartEvent::Receipt, StartEvent::Admission, StartEvent::RiskAssessment],
            DeadlineKind::InformationAnswer => &[StartEvent::InformationRequest],
            DeadlineKind::MeasureAcknowledgement | DeadlineKind::MeasureImplementation => {
                &[StartEvent::MeasureNotification]
            }
            DeadlineKind::MeasureReview => &[StartEvent::MeasureAct],
            DeadlineKind::Reassessment => &[StartEvent::IncidentReport],
            DeadlineKind::MeasureVerification => &[StartEvent::ImplementationReport],
            DeadlineKind::Agreement => &[StartEvent::CoordinationMeeting],
        }
    }
}

impl DeadlineRules {
    /// Checks that every kind has a rule for each track and that no rule
    /// contradicts another.
    pub fn new(rules: Vec<DeadlineRule>) -> Result<Self, RuleError> {
        for (i, rule) in rules.iter().enumerate() {
            if !(1..=365).contains(&rule.amount) {
                return Err(RuleError::Duration);
            }
            if !rule.kind.allowed_start_events().contains(&rule.start_event) {
                return Err(RuleError::StartEventNotAllowed(rule.kind, rule.start_event));
            }
            if rule.measure_type.is_some() && rule.kind != DeadlineKind::MeasureReview {
                return Err(RuleError::MeasureTypeNotAllowed);
            }
            if rules[..i].iter().any(|r| r.same_slot(rule)) {
                return Err(RuleError::Duplicate);
            }
        }
        let rules = Self(rules);
        for kind in DeadlineKind::ALL {
            for track in Track::ALL {
                rules.rule(*kind, *track)?;
            }
        }
        // The decision clock must start at one event whatever the track, or a
        // track change could not move the deadline consistently.
        let decision_start = rules.rule(DeadlineKind::Decision, Track::Ordinary)?.start_event;
        if rules.rule(DeadlineKind::Decision, Track::Urgent)?.start_event != decision_start {
            return Err(RuleError::StartEventNotAllowed(DeadlineKind::Decision, decision_start));
        }
        Ok(rules)
    }

    /// The defaults (DOMAIN.md §2.5 and docs/decisions): decisions within 30
    /// working days (ordinary) or 15 (urgent) from admission; the requester
    /// has 10 working days to complete a request; a sector acknowledges a
    /// measure within 3 working days (1 when urgent) and carries it out
    /// within 15 (3 when urgent) of being notified. Measures are reviewed
    /// 120 working days (about six months) after the act that granted or
    /// renewed them, 60 (about three) on the urgent track, and police
    /// protection of a person every 20 (about a month), as it answers an
    /// imminent risk and holds officers; a reported incident is assessed
    /// again within 5 working days, 2 when urgent or when it was violence
    /// against life or integrity; the officer verifies a measure the sector
    /// reports carried out within 10 working days, 5 when urgent; a
    /// coordination meeting's agreement is carried out within 15 working
    /// days of the meeting unless the meeting gave another period
    /// (docs/decisions/0014).
    pub fn peru_default() -> Self {
        use DeadlineKind as K;
        use DurationUnit::WorkingDays as Wd;
        let rule = |kind, track, amount, start_event, owner| DeadlineRule {
            kind,
            track,
            amount,
            unit: Wd,
            start_event,
            owner,
            measure_type: None,
        };
        let officer = OwnerRole::Officer;
        let mut rules = Self(vec![
            rule(K::Decision, Some(Track::Ordinary), 30, StartEvent::Admission, OwnerRole::Officer),
            rule(K::Decision, Some(Track::Urgent), 15, StartEvent::Admission, OwnerRole::Officer),
            rule(K::InformationAnswer, None, 10, StartEvent::InformationRequest, OwnerRole::Requester),
            rule(
                K::MeasureAcknowledgement,
                Some(Track::Ordinary),
                3,
                StartEvent::MeasureNotification,
                OwnerRole::Coordinator,
            ),
            rule(
                K::MeasureAcknowledgement,
                Some(Track::Urgent),
                1,
                StartEvent::MeasureNotification,
                OwnerRole::Coordinator,
            ),
            rule(
                K::MeasureImplementation,
                Some(Track::Ordinary),
                15,
                StartEvent::MeasureNotification,
                OwnerRole::Coordinator,
            ),
            rule(
                K::MeasureImplementation,
                Some(Track::Urgent),
                3,
                StartEvent::MeasureNotification,
                OwnerRole::Coordinator,
            ),
            rule(K::MeasureReview, Some(Track::Ordinary), 120, StartEvent::MeasureAct, officer),
            rule(K::MeasureReview, Some(Track::Urgent), 60, StartEvent::MeasureAct, officer),
            rule(K::Reassessment, Some(Track::Ordinary), 5, StartEvent::IncidentReport, officer),
            rule(K::Reassessment, Some(Track::Urgent), 2, StartEvent::IncidentReport, officer),
            rule(K::MeasureVerification, Some(Track::Ordinary), 10, StartEvent::ImplementationReport, officer),
            rule(K::MeasureVerification, Some(Track::Urgent), 5, StartEvent::ImplementationReport, officer),
            rule(K::Agreement, None, 15, StartEvent::CoordinationMeeting, OwnerRole::Coordinator),
        ]);
        if let Ok(police_protection) = RefCode::parse("POLICE_PROTECTION") {
            rules.0.push(DeadlineRule {
                measure_type: Some(police_protection),
                ..rule(K::MeasureReview, None, 20, StartEvent::MeasureAct, officer)
            });
        }
        rules
    }

    /// The rule for a kind on a track, for every type of measure: the
    /// track-specific one if any, else the one for both tracks.
    pub fn rule(&self, kind: DeadlineKind, track: Track) -> Result<&DeadlineRule, RuleError> {
        self.rule_for(kind, track, None)
    }

    /// As [`DeadlineRules::rule`], preferring the rules for `measure_type`
    /// (reviews): this type on this track, this type on both, then the
    /// rules for every type.
    pub fn rule_for(
        &self,
        kind: DeadlineKind,
        track: Track,
        measure_type: Option<&MeasureTypeCode>,
    ) -> Result<&DeadlineRule, RuleError> {
        let among = |of_type: Option<&MeasureTypeCode>| {
            let for_kind = move || self.0.iter().filter(move |r| r.kind == kind && r.measure_type.as_ref() == of_type);
            for_kind().find(|r| r.track == Some(track)).or_else(|| for_kind().find(|r| r.track.is_none()))
        };
        measure_type.and_then(|t| among(Some(t))).or_else(|| among(None)).ok_or(RuleError::Missing(kind))
    }

    /// When the decision clock starts.
    pub fn decision_start(&self) -> StartEvent {
        // `new` guarantees both tracks agree and a rule exists.
        self.rule(DeadlineKind::Decision, Track::Ordinary).map(|r| r.start_event).unwrap_or(StartEvent::Admission)
    }

    pub fn all(&self) -> &[DeadlineRule] {
        &self.0
    }
}

impl DeadlineRule {
    /// The same kind, track and type of measure: one replaces the other.
    pub fn same_slot(&self, other: &DeadlineRule) -> bool {
        self.kind == other.kind && self.track == other.track && self.measure_type == other.measure_type
    }
}

/// Which deadline of a case this is: made by one of the constructors, so
/// that at most one of `measure` and `agreement` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DeadlineKey {
    pub kind: DeadlineKind,
    /// The measure, for measure deadlines.
    pub measure: Option<MeasureNo>,
    /// The agreement, for an agreement's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementNo>,
}

impl DeadlineKey {
    /// A deadline of the case itself (the decision, a re-assessment…).
    pub fn case(kind: DeadlineKind) -> Self {
        Self { kind, measure: None, agreement: None }
    }

    /// A deadline of one of its measures.
    pub fn measure(kind: DeadlineKind, measure: MeasureNo) -> Self {
        Self { kind, measure: Some(measure), agreement: None }
    }

    /// The deadline of one of its agreements.
    pub fn agreement(agreement: AgreementNo) -> Self {
        Self { kind: DeadlineKind::Agreement, measure: None, agreement: Some(agreement) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineStatus {
    /// Running.
    Open,
    /// The clock stopped on `since` (information requested from the requester).
    Suspended { since: NaiveDate },
    /// What it waited for happened on `on`.
    Met { on: NaiveDate, on_time: bool },
    /// The period ran out and nothing is owed any more (an information
    /// request nobody answered).
    Lapsed { on: NaiveDate },
    /// No longer needed (request withdrawn, measure lifted or modified).
    Cancelled { on: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub key: DeadlineKey,
    /// The rule as it was when the deadline was set: later rule edits apply
    /// to new deadlines, and to this one only on an explicit recompute.
    pub rule: DeadlineRule,
    /// The date of the start event; counting begins the next working day.
    pub start: NaiveDate,
    /// Working days the clock stood still, from suspensions that ended.
    pub suspended_working_days: u32,
    pub due: NaiveDate,
    /// Bumped every time `due` moves.
    pub version: u32,
    /// The calendar version `due` was computed with.
    pub calendar_version: u64,
    pub status: DeadlineStatus,
}

impl Deadline {
    pub(crate) fn set(
        key: DeadlineKey,
        rule: &DeadlineRule,
        start: NaiveDate,
        calendar: &Calendar,
        department: DepartmentCode,
    ) -> Self {
        let due = compute_due(rule, start, 0, calendar, department);
        Self {
            key,
            rule: rule.clone(),
            start,
            suspended_working_days: 0,
            due,
            version: 1,
            calendar_version: calendar.version(),
            status: DeadlineStatus::Open,
        }
    }

    /// Running or suspended: something is still owed.
    pub fn is_pending(&self) -> bool {
        matches!(self.status, DeadlineStatus::Open | DeadlineStatus::Suspended { .. })
    }

    /// The deadline as `calendar` makes it: what the recomputation a
    /// calendar change asked for writes, shown before it is written. A
    /// calendar change commits at once and its recomputation follows in
    /// batches; until a deadline's batch is done, its stored due date is
    /// the previous calendar's, which must never be shown, sent or acted
    /// on as current. Unchanged when it is not pending or was computed with
    /// this calendar already.
    pub fn on_calendar(&self, calendar: &Calendar, department: DepartmentCode) -> Self {
        if !self.is_pending() || self.calendar_version >= calendar.version() {
            return self.clone();
        }
        self.recomputed(&self.rule, calendar, department)
    }

    /// The same deadline computed again with `rule` and `calendar`. The
    /// version moves only if the due date does.
    pub(crate) fn recomputed(&self, rule: &DeadlineRule, calendar: &Calendar, department: DepartmentCode) -> Self {
        let due = compute_due(rule, self.start, self.suspended_working_days, calendar, department);
        Self {
            rule: rule.clone(),
            due,
            version: if due == self.due { self.version } else { self.version + 1 },
            calendar_version: calendar.version(),
            ..self.clone()
        }
    }

    pub(crate) fn with_status(&self, status: DeadlineStatus) -> Self {
        Self { status, ..self.clone() }
    }

    /// The clock starts again on `today`: the working days it stood still
    /// are added and the due date moves accordingly.
    pub(crate) fn resumed(&self, today: NaiveDate, calendar: &Calendar, department: DepartmentCode) -> Self {
        let DeadlineStatus::Suspended { since } = self.status else {
            return self.clone();
        };
        let stood_still = match self.rule.unit {
            DurationUnit::WorkingDays => calendar.working_days_between(since, today, Some(department)),
            DurationUnit::CalendarDays => u32::try_from((today - since).num_days().max(0)).unwrap_or(u32::MAX),
        };
        let resumed = Self {
            suspended_working_days: self.suspended_working_days.saturating_add(stood_still),
            status: DeadlineStatus::Open,
            ..self.clone()
        };
        resumed.recomputed(&self.rule, calendar, department)
    }

    /// How many working days are left to act, seen on `today`, for an open
    /// deadline: the working days after today up to the due date (0: due
    /// today), or, once past, minus the working days since it (-2: two
    /// working days late). `None` when nothing runs (suspended, met,
    /// lapsed, cancelled). What a work list shows beside the date.
    pub fn working_days_left(&self, today: NaiveDate, calendar: &Calendar, department: DepartmentCode) -> Option<i64> {
        if self.status != DeadlineStatus::Open {
            return None;
        }
        let department = Some(department);
        Some(if self.due >= today {
            i64::from(calendar.working_days_between(today, self.due, department))
        } else {
            -i64::from(calendar.working_days_between(self.due, today, department))
        })
    }

    /// Why the due date is what it is: every day skipped and the reason.
    pub fn explain(&self, calendar: &Calendar, department: DepartmentCode) -> DueDateExplanation {
        calendar.explain_working_days(
            self.start,
            self.rule.amount.saturating_add(self.suspended_working_days),
            Some(department),
        )
    }
}

/// The earliest due date among running deadlines (suspended ones have no
/// meaningful due date until they resume); `None` when none runs.
pub fn next_due<'a>(deadlines: impl IntoIterator<Item = &'a Deadline>) -> Option<NaiveDate> {
    deadlines.into_iter().filter(|d| d.status == DeadlineStatus::Open).map(|d| d.due).min()
}

/// The due date of `rule` started on `start`, with the clock stopped for
/// `suspended` days. Calendar-day periods that end on a non-working day move
/// to the next working day (TUO Ley 27444, art. 145).
fn compute_due(
    rule: &DeadlineRule,
    start: NaiveDate,
    suspended: u32,
    calendar: &Calendar,
    department: DepartmentCode,
) -> NaiveDate {
    let amount = rule.amount.saturating_add(suspended);
    match rule.unit {
        DurationUnit::WorkingDays => calendar.add_working_days(start, amount, Some(department)),
        DurationUnit::CalendarDays => {
            let last = start.checked_add_days(Days::new(u64::from(amount))).unwrap_or(NaiveDate::MAX);
            // The first working day on or after `last`.
            let before = last.pred_opt().unwrap_or(last);
            calendar.add_working_days(before, 1, Some(department))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn lima() -> DepartmentCode {
        DepartmentCode::parse("15").unwrap()
    }

    #[test]
    fn default_rules_are_consistent() {
        let rules = DeadlineRules::new(DeadlineRules::peru_default().all().to_vec()).unwrap();
        assert_eq!(rules.rule(DeadlineKind::Decision, Track::Ordinary).unwrap().amount, 30);
        assert_eq!(rules.rule(DeadlineKind::Decision, Track::Urgent).unwrap().amount, 15);
        assert_eq!(rules.rule(DeadlineKind::InformationAnswer, Track::Urgent).unwrap().amount, 10);
        assert_eq!(rules.decision_start(), StartEvent::Admission);
    }

    #[test]
    fn rules_reject_nonsense() {
        let mut rules = DeadlineRules::peru_default().all().to_vec();
        rules[0].start_event = StartEvent::MeasureNotification;
        assert!(matches!(DeadlineRules::new(rules), Err(RuleError::StartEventNotAllowed(..))));

        let mut rules = DeadlineRules::peru_default().all().to_vec();
        rules[0].amount = 0;
        assert_eq!(DeadlineRules::new(rules), Err(RuleError::Duration));

        let mut rules = DeadlineRules::peru_default().all().to_vec();
        rules.remove(2);
        assert_eq!(DeadlineRules::new(rules), Err(RuleError::Missing(DeadlineKind::InformationAnswer)));

        let mut rules = DeadlineRules::peru_default().all().to_vec();
        rules.push(rules[0].clone());
        assert_eq!(DeadlineRules::new(rules), Err(RuleError::Duplicate));

        // The two tracks of the decision must start from the same event.
        let mut rules = DeadlineRules::peru_default().all().to_vec();
        rules[1].start_event = StartEvent::Receipt;
        assert!(DeadlineRules::new(rules).is_err());
    }

    #[test]
    fn thirty_working_days_from_the_worked_example() {
        let calendar = Calendar::peru_default();
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Ordinary).unwrap();
        let key = DeadlineKey::case(DeadlineKind::Decision);
        let deadline = Deadline::set(key, rule, date("2026-07-15"), &calendar, lima());
        assert_eq!(deadline.due, date("2026-09-01"));
        assert_eq!(deadline.explain(&calendar, lima()).due, deadline.due);
        assert_eq!(deadline.version, 1);
    }

    #[test]
    fn on_a_newer_calendar_a_pending_deadline_shows_what_its_recomputation_will_write() {
        use crate::calendar::{NonWorkingDay, peru_national_holiday_rules};
        let before = Calendar::peru_default();
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Ordinary).unwrap();
        let key = DeadlineKey::case(DeadlineKind::Decision);
        // Due Tue 2026-09-01 on version 0.
        let deadline = Deadline::set(key, rule, date("2026-07-15"), &before, lima());
        let day = |department| NonWorkingDay {
            date: date("2026-08-03"),
            department,
            legal_basis: "DS 901-2026-PCM".into(),
            source: None,
        };
        let national = Calendar::new(1, peru_national_holiday_rules(), vec![day(None)], Vec::new()).unwrap();
        let shown = deadline.on_calendar(&national, lima());
        assert_eq!(shown, deadline.recomputed(rule, &national, lima()));
        assert_eq!((shown.due, shown.version, shown.calendar_version), (date("2026-09-02"), 2, 1));
        // A day decreed elsewhere: same date and version, newer calendar.
        let elsewhere = DepartmentCode::parse("16").unwrap();
        let regional = Calendar::new(2, peru_national_holiday_rules(), vec![day(Some(elsewhere))], Vec::new()).unwrap();
        let shown = deadline.on_calendar(&regional, lima());
        assert_eq!((shown.due, shown.version, shown.calendar_version), (deadline.due, 1, 2));
        // Computed on this calendar already, or no longer pending: as stored.
        assert_eq!(shown.on_calendar(&regional, lima()), shown);
        let met = deadline.with_status(DeadlineStatus::Met { on: date("2026-08-20"), on_time: true });
        assert_eq!(met.on_calendar(&national, lima()), met);
    }

    #[test]
    fn working_days_left_count_after_today_and_go_negative_once_late() {
        let calendar = Calendar::peru_default();
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Ordinary).unwrap();
        let key = DeadlineKey::case(DeadlineKind::Decision);
        // Due Tue 2026-09-01.
        let deadline = Deadline::set(key, rule, date("2026-07-15"), &calendar, lima());
        let left = |today: &str| deadline.working_days_left(date(today), &calendar, lima());
        assert_eq!(left("2026-09-01"), Some(0));
        assert_eq!(left("2026-08-31"), Some(1));
        // Thu 27, Fri 28, Mon 31 (Sat 29 is Santa Rosa de Lima, Sun 30), Tue 1.
        assert_eq!(left("2026-08-26"), Some(4));
        assert_eq!(left("2026-09-03"), Some(-2));
        let met = deadline.with_status(DeadlineStatus::Met { on: date("2026-08-20"), on_time: true });
        assert_eq!(met.working_days_left(date("2026-08-26"), &calendar, lima()), None);
    }

    #[test]
    fn a_suspension_adds_the_working_days_the_clock_stood_still() {
        let calendar = Calendar::peru_default();
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Urgent).unwrap();
        let key = DeadlineKey::case(DeadlineKind::Decision);
        // Admitted Mon 2026-03-02: +15 working days = Mon 2026-03-23.
        let deadline = Deadline::set(key, rule, date("2026-03-02"), &calendar, lima());
        assert_eq!(deadline.due, date("2026-03-23"));
        // Suspended Wed 03-04, resumed Wed 03-11: 5 working days stood still.
        let suspended = deadline.with_status(DeadlineStatus::Suspended { since: date("2026-03-04") });
        let resumed = suspended.resumed(date("2026-03-11"), &calendar, lima());
        assert_eq!(resumed.suspended_working_days, 5);
        assert_eq!(resumed.due, date("2026-03-30"));
        assert_eq!(resumed.version, 2);
        assert_eq!(resumed.status, DeadlineStatus::Open);
    }

    #[test]
    fn calendar_days_end_on_a_working_day() {
        let calendar = Calendar::peru_default();
        let rule = DeadlineRule {
            kind: DeadlineKind::InformationAnswer,
            track: None,
            amount: 3,
            unit: DurationUnit::CalendarDays,
            start_event: StartEvent::InformationRequest,
            owner: OwnerRole::Requester,
            measure_type: None,
        };
        // Thu 2026-07-23 is a holiday; +3 calendar days from Wed 07-22 is
        // Sat 07-25, so the period ends Mon 07-27.
        assert_eq!(compute_due(&rule, date("2026-07-22"), 0, &calendar, lima()), date("2026-07-27"));
    }

    #[test]
    fn recomputing_without_a_change_keeps_the_version() {
        let calendar = Calendar::peru_default();
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Ordinary).unwrap();
        let key = DeadlineKey::case(DeadlineKind::Decision);
        let deadline = Deadline::set(key, rule, date("2026-07-15"), &calendar, lima());
        assert_eq!(deadline.recomputed(rule, &calendar, lima()).version, 1);
        let urgent = rules.rule(DeadlineKind::Decision, Track::Urgent).unwrap();
        let moved = deadline.recomputed(urgent, &calendar, lima());
        assert_eq!((moved.due, moved.version), (date("2026-08-11"), 2));
    }
}
