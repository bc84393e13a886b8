//! When people are reminded of a deadline, and who else is told when it
//! passes. The policy is data (an admin can change it); this module turns a
//! deadline and a policy into dated milestones, purely.
//!
//! Milestones count working days back from the due date ("D-2" is two
//! working days before), so every reminder falls on a working day; while a
//! deadline is overdue, one more goes out each working day.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::deadline::{Deadline, DeadlineKind, DeadlineStatus, OwnerRole};
use crate::place::DepartmentCode;
use crate::workflow::{Audience, Case, Track};

/// How one track's deadlines are reminded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPolicy {
    pub track: Track,
    /// Working days before the due date; 0 is the due date itself.
    pub before_due: Vec<u32>,
    /// One more reminder every working day while overdue (escalated).
    pub overdue_every_working_day: bool,
    /// Local time (America/Lima) reminders go out at.
    pub send_at: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("los recordatorios deben estar entre 0 y 30 días hábiles antes del vencimiento")]
    Offset,
    #[error("falta la política de recordatorios de la vía «{}»", .0.label())]
    Missing(Track),
}

/// The policies of both tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicies {
    ordinary: ReminderPolicy,
    urgent: ReminderPolicy,
}

impl ReminderPolicies {
    pub fn new(policies: Vec<ReminderPolicy>) -> Result<Self, PolicyError> {
        let find = |track| policies.iter().find(|p| p.track == track).cloned().ok_or(PolicyError::Missing(track));
        let (mut ordinary, mut urgent) = (find(Track::Ordinary)?, find(Track::Urgent)?);
        for policy in [&mut ordinary, &mut urgent] {
            if policy.before_due.iter().any(|d| *d > 30) {
                return Err(PolicyError::Offset);
            }
            policy.before_due.sort_unstable_by(|a, b| b.cmp(a));
            policy.before_due.dedup();
        }
        Ok(Self { ordinary, urgent })
    }

    /// D-5, D-2, D-1 and the due day (ordinary); D-3, D-1 and the due day
    /// (urgent); then every working day while overdue; at 09:00 in Lima.
    pub fn peru_default() -> Self {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
        let policy = |track, before_due: &[u32]| ReminderPolicy {
            track,
            before_due: before_due.to_vec(),
            overdue_every_working_day: true,
            send_at: nine,
        };
        Self { ordinary: policy(Track::Ordinary, &[5, 2, 1, 0]), urgent: policy(Track::Urgent, &[3, 1, 0]) }
    }

    pub fn for_track(&self, track: Track) -> &ReminderPolicy {
        match track {
            Track::Ordinary => &self.ordinary,
            Track::Urgent => &self.urgent,
        }
    }

    pub fn all(&self) -> [&ReminderPolicy; 2] {
        [&self.ordinary, &self.urgent]
    }
}

/// One reminder of one deadline version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Milestone {
    /// `n` working days before the due date (0: the due date).
    BeforeDue(u32),
    /// The deadline passed; this is the reminder of `date`.
    Overdue(NaiveDate),
}

impl Milestone {
    /// Stable text for storage and keys: `D-5`, `D-0`, `OVERDUE:2026-08-12`.
    pub fn code(&self) -> String {
        match self {
            Milestone::BeforeDue(n) => format!("D-{n}"),
            Milestone::Overdue(date) => format!("OVERDUE:{date}"),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        if let Some(n) = code.strip_prefix("D-") {
            return n.parse().ok().map(Milestone::BeforeDue);
        }
        code.strip_prefix("OVERDUE:").and_then(|d| d.parse().ok()).map(Milestone::Overdue)
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self, Milestone::Overdue(_))
    }
}

/// A reminder to plan: which milestone, the day it goes out, to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReminder {
    pub milestone: Milestone,
    pub send_on: NaiveDate,
    pub audiences: Vec<Audience>,
}

/// The `n`-th working day before `date` (`date` itself for 0).
fn working_days_before(calendar: &Calendar, date: NaiveDate, n: u32, department: DepartmentCode) -> NaiveDate {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        match day.pred_opt() {
            Some(previous) => day = previous,
            None => return day,
        }
        if calendar.is_working_day(day, Some(department)) {
            left -= 1;
        }
    }
    day
}

/// Who owns a deadline (is reminded of it) in `case`.
pub fn owners(case: &Case, deadline: &Deadline) -> Vec<Audience> {
    match deadline.rule.owner {
        OwnerRole::Officer => vec![Audience::AssignedOfficer],
        OwnerRole::Requester => vec![Audience::Requester],
        OwnerRole::Coordinator => match case.sector_of(deadline.key) {
            Some(sector) => vec![Audience::SectorCoordinators(sector.clone())],
            None => vec![Audience::AssignedOfficer],
        },
    }
}

/// Who else is told once a deadline is overdue: supervisors for the DGDH's
/// own deadlines; the sector's lead coordinator and supervisors for a
/// sector's.
pub fn escalation(case: &Case, deadline: &Deadline) -> Vec<Audience> {
    match deadline.key.kind {
        DeadlineKind::Decision
        | DeadlineKind::InformationAnswer
        | DeadlineKind::MeasureReview
        | DeadlineKind::Reassessment
        | DeadlineKind::MeasureVerification => vec![Audience::Supervisors],
        DeadlineKind::MeasureAcknowledgement | DeadlineKind::MeasureImplementation | DeadlineKind::Agreement => {
            match case.sector_of(deadline.key) {
                Some(sector) => vec![Audience::SectorLeadCoordinators(sector.clone()), Audience::Supervisors],
                None => vec![Audience::Supervisors],
            }
        }
    }
}

/// The reminders before and on the due date of a running deadline, from
/// `today` on (earlier ones would only be late). A suspended or closed
/// deadline has none.
pub fn plan_before_due(
    case: &Case,
    deadline: &Deadline,
    policies: &ReminderPolicies,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<PlannedReminder> {
    if deadline.status != DeadlineStatus::Open {
        return Vec::new();
    }
    let policy = policies.for_track(deadline.rule.track.unwrap_or_else(|| case.effective_track()));
    policy
        .before_due
        .iter()
        .map(|n| (Milestone::BeforeDue(*n), working_days_before(calendar, deadline.due, *n, case.department)))
        .filter(|(_, send_on)| *send_on >= today)
        .map(|(milestone, send_on)| PlannedReminder { milestone, send_on, audiences: owners(case, deadline) })
        .collect()
}

/// Today's overdue reminder, if the deadline is past due, today is a
/// working day and the policy sends them.
pub fn plan_overdue(
    case: &Case,
    deadline: &Deadline,
    policies: &ReminderPolicies,
    calendar: &Calendar,
    today: NaiveDate,
) -> Option<PlannedReminder> {
    let policy = policies.for_track(deadline.rule.track.unwrap_or_else(|| case.effective_track()));
    let due_passed = deadline.status == DeadlineStatus::Open && deadline.due < today;
    if !due_passed || !policy.overdue_every_working_day || !calendar.is_working_day(today, Some(case.department)) {
        return None;
    }
    let mut audiences = owners(case, deadline);
    audiences.extend(escalation(case, deadline));
    Some(PlannedReminder { milestone: Milestone::Overdue(today), send_on: today, audiences })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::RefCode;
    use crate::deadline::{DeadlineKey, DeadlineRules};
    use crate::workflow::{CaseStatus, Measure, MeasureNo, MeasureStatus};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn case_with(deadline: Deadline, measures: Vec<Measure>) -> Case {
        Case {
            status: CaseStatus::RiskAssessed,
            department: DepartmentCode::parse("15").unwrap(),
            received_on: date("2026-07-01"),
            admitted_on: None,
            assigned_officer: None,
            consent_withdrawn_on: None,
            track: Some(Track::Urgent),
            risk_level: None,
            risk_assessed_on: None,
            information_request: None,
            resolution: None,
            plan_set_on: None,
            complaints: Vec::new(),
            agreements: Vec::new(),
            measures,
            deadlines: vec![deadline],
        }
    }

    fn urgent_decision() -> Deadline {
        let rules = DeadlineRules::peru_default();
        let rule = rules.rule(DeadlineKind::Decision, Track::Urgent).unwrap().clone();
        let calendar = Calendar::peru_default();
        let mut deadline = crate::deadline::Deadline {
            key: DeadlineKey::case(DeadlineKind::Decision),
            rule,
            start: date("2026-07-15"),
            suspended_working_days: 0,
            due: date("2026-08-11"),
            version: 1,
            calendar_version: 0,
            status: DeadlineStatus::Open,
        };
        deadline.due = calendar.add_working_days(deadline.start, 15, DepartmentCode::parse("15").ok());
        deadline
    }

    #[test]
    fn urgent_reminders_skip_non_working_days() {
        let deadline = urgent_decision();
        assert_eq!(deadline.due, date("2026-08-11"));
        let case = case_with(deadline.clone(), vec![]);
        let plan = plan_before_due(
            &case,
            &deadline,
            &ReminderPolicies::peru_default(),
            &Calendar::peru_default(),
            date("2026-07-15"),
        );
        let dates: Vec<(String, NaiveDate)> = plan.iter().map(|p| (p.milestone.code(), p.send_on)).collect();
        // D-3 from Tue 11 Aug: Mon 10, Fri 7, Wed 5 (Thu 6 is a holiday).
        assert_eq!(
            dates,
            [
                ("D-3".into(), date("2026-08-05")),
                ("D-1".into(), date("2026-08-10")),
                ("D-0".into(), date("2026-08-11"))
            ]
        );
        assert!(plan.iter().all(|p| p.audiences == [Audience::AssignedOfficer]));
        let late = plan_before_due(
            &case,
            &deadline,
            &ReminderPolicies::peru_default(),
            &Calendar::peru_default(),
            date("2026-08-10"),
        );
        assert_eq!(late.len(), 2, "reminders already past are not planned");
    }

    #[test]
    fn overdue_reminders_escalate_on_working_days_only() {
        let measure = Measure {
            no: MeasureNo(1),
            measure_type: RefCode::parse("EVACUATION").unwrap(),
            sector: RefCode::parse("MININTER").unwrap(),
            status: MeasureStatus::Notified,
            notified_on: Some(date("2026-08-03")),
            extended_until: None,
            verified_on: None,
        };
        let rules = DeadlineRules::peru_default();
        let deadline = crate::deadline::Deadline {
            key: DeadlineKey::measure(DeadlineKind::MeasureAcknowledgement, MeasureNo(1)),
            rule: rules.rule(DeadlineKind::MeasureAcknowledgement, Track::Urgent).unwrap().clone(),
            start: date("2026-08-03"),
            suspended_working_days: 0,
            due: date("2026-08-04"),
            version: 1,
            calendar_version: 0,
            status: DeadlineStatus::Open,
        };
        let case = case_with(deadline.clone(), vec![measure]);
        let policies = ReminderPolicies::peru_default();
        let calendar = Calendar::peru_default();
        assert!(plan_overdue(&case, &deadline, &policies, &calendar, date("2026-08-04")).is_none(), "due today");
        let tomorrow = plan_overdue(&case, &deadline, &policies, &calendar, date("2026-08-05")).unwrap();
        let sector = RefCode::parse("MININTER").unwrap();
        assert_eq!(
            tomorrow.audiences,
            [
                Audience::SectorCoordinators(sector.clone()),
                Audience::SectorLeadCoordinators(sector),
                Audience::Supervisors
            ]
        );
        assert!(
            plan_overdue(&case, &deadline, &policies, &calendar, date("2026-08-06")).is_none(),
            "6 August is a holiday"
        );
        assert!(plan_overdue(&case, &deadline, &policies, &calendar, date("2026-08-08")).is_none(), "Saturday");
    }

    #[test]
    fn milestone_codes_round_trip() {
        for milestone in [Milestone::BeforeDue(5), Milestone::BeforeDue(0), Milestone::Overdue(date("2026-08-12"))] {
            assert_eq!(Milestone::parse(&milestone.code()), Some(milestone));
        }
        assert_eq!(Milestone::parse("D-x"), None);
    }

    #[test]
    fn policies_are_checked() {
        let mut policy = ReminderPolicies::peru_default().for_track(Track::Ordinary).clone();
        policy.before_due = vec![1, 5, 5, 0];
        let urgent = ReminderPolicies::peru_default().for_track(Track::Urgent).clone();
        let policies = ReminderPolicies::new(vec![policy.clone(), urgent.clone()]).unwrap();
        assert_eq!(policies.for_track(Track::Ordinary).before_due, [5, 1, 0]);
        assert_eq!(ReminderPolicies::new(vec![urgent.clone()]), Err(PolicyError::Missing(Track::Ordinary)));
        policy.before_due = vec![31];
        assert_eq!(ReminderPolicies::new(vec![policy, urgent]), Err(PolicyError::Offset));
    }
}
