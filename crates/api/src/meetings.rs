//! Intersectoral coordination meetings as the API takes them: officers
//! record a meeting with its agreements; a sector's coordinators see the
//! meetings their sector attended, of each only their own agreements and
//! those agreements' cases (by file number), and report them done.

use async_graphql::{Context, ID, InputObject, Object};
use db::{AgreementListed, MeetingCase, MeetingRecord, NewAgreement, NewMeeting};
use domain::roles::Role;
use domain::workflow::{AgreementNo, AgreementRecord, Command, MAX_AGREEMENT_WORKING_DAYS};

use crate::authz::{Operation, Target};
use crate::context::{authorize, db, loaders, record_read, request, staff, today};
use crate::deadlines::DeadlineView;
use crate::error::{ApiError, ApiResult};
use crate::inputs::{id, optional_text, ref_code, text};
use crate::loaders::EventsOf;
use crate::scalars::Date;
use domain::request::FieldError;

/// The most agreements one meeting records (a meeting's minutes, not a
/// bulk import).
const MAX_AGREEMENTS: usize = 50;

/// A coordination meeting to record.
#[derive(InputObject)]
pub(crate) struct MeetingInput {
    /// The day it was held (Lima); not after today.
    held_on: Date,
    /// The codes of the sectors present (`sectors`), at least one; every
    /// agreement's sector must be among them.
    sectors: Vec<String>,
    /// The other bodies present (Ombudsman's office, prosecutors, the
    /// regional government, organisations), up to 2 000 characters. Sealed.
    #[graphql(secret)]
    other_bodies: Option<String>,
    /// The `id`s of the cases discussed; the cases of the agreements count
    /// as discussed without being listed here.
    #[graphql(default)]
    cases: Vec<ID>,
    /// What it agreed, up to 50.
    #[graphql(default)]
    agreements: Vec<AgreementInput>,
}

/// What a meeting agreed about one case.
#[derive(InputObject)]
pub(crate) struct AgreementInput {
    /// The case's `id`.
    case_id: ID,
    /// The code of the sector that must carry it out.
    sector: String,
    /// What is to be done, up to 20 000 characters. Sealed.
    #[graphql(secret)]
    text: String,
    /// Working days from the meeting to carry it out, 1 to 365; the
    /// `AGREEMENT` rule's (15 by default) when absent.
    working_days: Option<i32>,
}

impl MeetingInput {
    /// The meeting as the store takes it, or every problem at once.
    fn parse(&self, today: chrono::NaiveDate) -> ApiResult<NewMeeting> {
        let mut problems = Problems::default();
        if self.held_on.0 > today {
            problems.add("heldOn", "la fecha de la reunión no puede ser posterior a hoy");
        }
        if self.sectors.is_empty() {
            problems.add("sectors", "indique al menos un sector presente");
        }
        if self.agreements.len() > MAX_AGREEMENTS {
            problems.add("agreements", "una reunión registra a lo más 50 acuerdos");
        }
        let sectors: Vec<_> = (self.sectors.iter().enumerate())
            .filter_map(|(i, s)| problems.keep(ref_code(&format!("sectors.{i}"), s)))
            .collect();
        let other_bodies = problems.keep(optional_text("otherBodies", self.other_bodies.as_deref())).flatten();
        let cases: Vec<_> =
            (self.cases.iter().enumerate()).filter_map(|(i, c)| problems.keep(id(&format!("cases.{i}"), c))).collect();
        let mut agreements = Vec::new();
        for (i, a) in self.agreements.iter().enumerate() {
            let at = |field: &str| format!("agreements.{i}.{field}");
            let case_id = problems.keep(id(&at("caseId"), &a.case_id));
            let sector = problems.keep(ref_code(&at("sector"), &a.sector));
            if sector.as_ref().is_some_and(|s| !sectors.contains(s)) {
                problems.add(&at("sector"), "el sector responsable debe estar entre los sectores presentes");
            }
            let agreed = problems.keep(text(&at("text"), &a.text));
            let working_days = match a.working_days.map(u32::try_from) {
                None => Some(None),
                Some(Ok(days)) if (1..=MAX_AGREEMENT_WORKING_DAYS).contains(&days) => Some(Some(days)),
                Some(_) => {
                    problems.add(&at("workingDays"), "el plazo de un acuerdo debe estar entre 1 y 365 días hábiles");
                    None
                }
            };
            if let (Some(case_id), Some(sector), Some(text), Some(working_days)) =
                (case_id, sector, agreed, working_days)
            {
                agreements.push(NewAgreement { case_id, sector, text, working_days });
            }
        }
        problems.finish()?;
        Ok(NewMeeting { held_on: self.held_on.0, sectors, other_bodies, cases, agreements })
    }
}

/// The problems of an input, gathered to be reported together.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: &str) {
        self.0.push(FieldError { field: field.to_owned(), message: message.to_owned() });
    }

    /// The value, or `None` with its problems kept.
    fn keep<T>(&mut self, parsed: ApiResult<T>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(ApiError::BadInput { problems }) => {
                self.0.extend(problems);
                None
            }
            Err(_) => None,
        }
    }

    fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::BadInput { problems: self.0 }) }
    }
}

#[derive(Default)]
pub(crate) struct MeetingsQuery;

#[Object]
impl MeetingsQuery {
    /// The coordination meetings, newest first (100 at most). Officers and
    /// supervisors see every one; coordinators those their sector
    /// attended, each with only their sector's agreements and those
    /// agreements' cases.
    async fn meetings(&self, ctx: &Context<'_>) -> ApiResult<Vec<MeetingView>> {
        authorize(ctx, Operation::Meetings, Target::Nothing)?;
        let sector = own_sector(ctx)?;
        let found = db(ctx).meetings(sector.as_ref()).await?;
        Ok(found.into_iter().map(MeetingView).collect())
    }
}

/// A coordinator's own sector (they see only its part); `None` for
/// officers and supervisors, who see everything.
fn own_sector(ctx: &Context<'_>) -> ApiResult<Option<domain::codes::SectorCode>> {
    let staff = staff(ctx)?;
    match staff.role {
        Role::Coordinator => Ok(Some(staff.sector.clone().ok_or(ApiError::Forbidden)?)),
        Role::Officer | Role::Supervisor | Role::Admin | Role::Auditor | Role::Public | Role::System | Role::Device => {
            Ok(None)
        }
    }
}

#[derive(Default)]
pub(crate) struct MeetingsMutation;

#[Object]
impl MeetingsMutation {
    /// Records a coordination meeting and gives each agreement to its case,
    /// all or nothing: each agreement starts an `AGREEMENT` deadline of its
    /// sector's, counted from the meeting's day, and its coordinators are
    /// told. Every problem of the input is reported at once. Officers and
    /// supervisors.
    async fn record_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting: its day, who was there, the cases and what was agreed.")] input: MeetingInput,
    ) -> ApiResult<MeetingView> {
        authorize(ctx, Operation::RecordMeeting, Target::Nothing)?;
        let meeting = input.parse(today(ctx)).map_err(|e| e.under("input"))?;
        let request = request(ctx);
        let recorded = db(ctx).record_meeting(&meeting, request.now, &request.actor()).await;
        let id = recorded.map_err(|e| ApiError::from(e).under("input"))?;
        let recorded = db(ctx).meeting(id).await?.ok_or(ApiError::Internal)?;
        Ok(MeetingView(recorded))
    }

    /// The responsible sector reports an agreement carried out: its
    /// deadline is met (on time or late) and the case's officer is told.
    /// Coordinators of that sector only.
    async fn report_agreement_done(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "The agreement's `number` within the case.")] agreement_number: i32,
        #[graphql(desc = "What was done, up to 20 000 characters. Sealed.", secret)] report: Option<String>,
    ) -> ApiResult<AgreementView> {
        authorize(ctx, Operation::ReportAgreementDone, Target::Nothing)?;
        let case_id = id("caseId", &case_id)?;
        let no = u16::try_from(agreement_number)
            .map(AgreementNo)
            .map_err(|_| ApiError::bad_input("agreementNumber", "no existe ese acuerdo"))?;
        // Another sector's agreement is refused like one that does not exist.
        let listed = db(ctx).agreement(case_id, no).await?.ok_or(ApiError::Forbidden)?;
        authorize(ctx, Operation::ReportAgreementDone, Target::SectorMeasure { sector: &listed.agreement.sector })?;
        let report = optional_text("report", report.as_deref())?;
        let request = request(ctx);
        let command = Command::ReportAgreementDone { agreement: no, report };
        db(ctx).apply(case_id, command, request.now, &request.actor()).await?;
        Ok(AgreementView(db(ctx).agreement(case_id, no).await?.ok_or(ApiError::Internal)?))
    }
}

pub(crate) struct MeetingView(MeetingRecord);

/// An intersectoral coordination meeting (the seed's §59–60). A
/// coordinator sees of it only their sector's agreements and those
/// agreements' cases.
#[Object(name = "Meeting")]
impl MeetingView {
    /// Its identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The day it was held (Lima).
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }

    /// The codes of the sectors present.
    async fn sectors(&self) -> Vec<String> {
        self.0.sectors.iter().map(ToString::to_string).collect()
    }

    /// The other bodies present. Sealed at rest.
    async fn other_bodies(&self) -> Option<String> {
        self.0.other_bodies.clone()
    }

    /// How many cases it discussed.
    async fn case_count(&self) -> i32 {
        i32::try_from(self.0.case_count).unwrap_or(i32::MAX)
    }

    /// The cases it discussed, by file number; for a coordinator, only
    /// those of their sector's agreements.
    async fn cases(&self) -> Vec<MeetingCaseView> {
        self.0.cases.iter().cloned().map(MeetingCaseView).collect()
    }

    /// What it agreed; for a coordinator, only their sector's.
    async fn agreements(&self) -> Vec<AgreementView> {
        self.0.agreements.iter().cloned().map(AgreementView).collect()
    }
}

pub(crate) struct MeetingCaseView(MeetingCase);

/// A case a meeting discussed.
#[Object(name = "MeetingCase")]
impl MeetingCaseView {
    /// The case's `id`.
    async fn case_id(&self) -> ID {
        ID(self.0.case_id.to_string())
    }

    /// Its file number (*expediente*).
    async fn file_number(&self) -> &str {
        &self.0.file_number
    }
}

pub(crate) struct AgreementView(pub(crate) AgreementListed);

/// An agreement of a coordination meeting: what a sector must do for a
/// case, by when.
#[Object(name = "Agreement")]
impl AgreementView {
    /// The case's `id`.
    async fn case_id(&self) -> ID {
        ID(self.0.case.case_id.to_string())
    }

    /// The case's file number (*expediente*).
    async fn file_number(&self) -> &str {
        &self.0.case.file_number
    }

    /// Its number within the case.
    async fn number(&self) -> i32 {
        i32::from(self.0.agreement.no.0)
    }

    /// The code of the sector that must carry it out.
    async fn sector(&self) -> String {
        self.0.agreement.sector.to_string()
    }

    /// The day of the meeting that made it.
    async fn agreed_on(&self) -> Date {
        Date(self.0.agreement.agreed_on)
    }

    /// When its sector reported it carried out.
    async fn done_on(&self) -> Option<Date> {
        self.0.agreement.done_on.map(Date)
    }

    /// Its `AGREEMENT` deadline.
    async fn deadline(&self) -> Option<DeadlineView> {
        let department = self.0.case.department;
        self.0.deadline.clone().map(|deadline| DeadlineView { deadline, department })
    }

    /// What was agreed. Sealed at rest; every read is audited.
    async fn text(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.record(ctx).await?.map(|r| r.terms.text.as_str().to_owned()).unwrap_or_default())
    }

    /// The sector's report, once it said it was carried out. Sealed at
    /// rest; every read is audited.
    async fn report(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.record(ctx).await?.and_then(|r| r.report).map(|r| r.as_str().to_owned()))
    }
}

impl AgreementView {
    /// The agreement as its case's history holds it (the read audited).
    async fn record(&self, ctx: &Context<'_>) -> ApiResult<Option<AgreementRecord>> {
        let case_id = self.0.case.case_id;
        record_read(ctx, case_id, format!("agreement:{}", self.0.agreement.no.0));
        let events = loaders(ctx).load_one(EventsOf(case_id)).await?.unwrap_or_default();
        let records = AgreementRecord::from_history(events.iter().filter_map(|e| e.command.as_ref()));
        Ok(records.into_iter().find(|r| r.no == self.0.agreement.no))
    }
}
