//! Cases as officers see them: one case, pages of cases with filters, and
//! the `Case` type with its request, measures, deadlines and history
//! (nested lists through the request's DataLoaders).

use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use db::{CaseEvent, CaseFilter, CaseOrder, CaseRecord, Cursor};
use domain::request::{Beneficiary, Consent, Request};
use domain::workflow::{AdmissibilityDecision, Command};

use crate::accounts::StaffMember;
use crate::authz::{Operation, Target};
use crate::context::{authorize, calendar, db, loaders, record_read, selected, staff, today};
use crate::deadlines::DeadlineView;
use crate::enums::{
    AggressionType, AggressorType, CaseStatus, Channel, CollectiveKind, ConsentStatus, DefenderCategory, Gender,
    IdDocumentKind, Language, Relationship, RiskLevel, Track,
};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{decode_cursor, id, page_size, ref_code};
use crate::loaders::{DeadlinesOf, EventsOf, MeasuresOf, UserId, prefetch_cases};
use crate::measures::MeasureView;
use crate::scalars::{Date, Timestamp};

pub(crate) struct CaseView(pub(crate) CaseRecord);

/// The act (resolution) that decided the request (DOMAIN.md §2.4).
#[derive(SimpleObject)]
pub(crate) struct Act {
    /// The act's number, e.g. `RD N.° 051-2026-JUS/DGDH`.
    number: String,
    /// The act's date (`YYYY-MM-DD`, America/Lima).
    date: Date,
}

impl CaseView {
    async fn current_next_due(&self, ctx: &Context<'_>) -> ApiResult<Option<chrono::NaiveDate>> {
        crate::deadlines::next_due_on(ctx, self.0.id, None, self.0.next_due_on).await
    }
}

/// A request for protection and everything done about it: its state,
/// deadlines, measures and history. Officers and supervisors only
/// (`case`, `cases`, `node`); coordinators see a measure's `MeasureCase`
/// instead.
#[Object(name = "Case")]
impl CaseView {
    /// The case's id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The file number (*expediente*).
    async fn file_number(&self) -> &str {
        &self.0.file_number
    }

    /// Where the request stands in the procedure.
    async fn status(&self) -> CaseStatus {
        self.0.status.into()
    }

    /// In Spanish, for people.
    async fn status_label(&self) -> &'static str {
        self.0.status.label()
    }

    /// How the request reached the DGDH.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }

    /// When the request was recorded (RFC 3339, UTC, to the millisecond).
    async fn received_at(&self) -> Timestamp {
        Timestamp(self.0.received_at)
    }

    /// The business date of receipt (`YYYY-MM-DD`, America/Lima); for a
    /// request registered by staff, the day it arrived.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }

    /// Department ubigeo code (two digits) of the place; kept in clear.
    async fn department(&self) -> String {
        self.0.department.to_string()
    }

    /// Province ubigeo code (four digits), when known; kept in clear.
    async fn province(&self) -> Option<&str> {
        self.0.province.as_deref()
    }

    /// The track set by the risk assessment; none before it (the ordinary
    /// track's deadlines apply meanwhile).
    async fn track(&self) -> Option<Track> {
        self.0.track.map(Into::into)
    }

    /// The risk level found by the latest assessment; none before it.
    async fn risk_level(&self) -> Option<RiskLevel> {
        self.0.risk_level.map(Into::into)
    }

    /// The date of admission (`YYYY-MM-DD`, America/Lima); none unless
    /// admitted.
    async fn admitted_on(&self) -> Option<Date> {
        self.0.admitted_on.map(Date)
    }

    /// The officer in charge; none while unassigned (notifications then go
    /// to every officer).
    async fn assigned_officer(&self, ctx: &Context<'_>) -> ApiResult<Option<StaffMember>> {
        let Some(officer) = self.0.assigned_officer else {
            return Ok(None);
        };
        Ok(loaders(ctx).load_one(UserId(officer)).await?.map(Into::into))
    }

    /// Set when the person withdrew consent while measures were in force
    /// (`YYYY-MM-DD`, America/Lima): the officer must lift them.
    async fn consent_withdrawn_on(&self) -> Option<Date> {
        self.0.consent_withdrawn_on.map(Date)
    }

    /// The act that granted or denied the measures; none before the
    /// resolution.
    async fn resolution(&self) -> Option<Act> {
        self.0.resolution.as_ref().map(|act| Act { number: act.number.as_str().to_owned(), date: Date(act.date) })
    }

    /// The earliest due date among running deadlines, the case's and its
    /// measures' (`YYYY-MM-DD`, America/Lima); none when nothing runs.
    async fn next_due_on(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        Ok(self.current_next_due(ctx).await?.map(Date))
    }

    /// A running deadline is past its due date, today in Lima.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self.current_next_due(ctx).await?.is_some_and(|due| due < today(ctx)))
    }

    /// The request as filed: personal data, sealed at rest; every read is
    /// audited with the fields read.
    async fn request(&self, ctx: &Context<'_>) -> ApiResult<RequestView<'_>> {
        let request = self.0.request.open()?;
        record_read(ctx, self.0.id, selected(ctx, "request"));
        Ok(RequestView(request))
    }

    /// The files received as evidence, in the order received (officers and
    /// supervisors; reading a name or content is audited).
    async fn evidence_files(&self, ctx: &Context<'_>) -> ApiResult<Vec<crate::evidence::EvidenceFileView>> {
        crate::evidence::case_files(ctx, self.0.id).await
    }

    /// The measures granted, in the order of their numbers.
    async fn measures(&self, ctx: &Context<'_>) -> ApiResult<Vec<MeasureView>> {
        let measures = loaders(ctx).load_one(MeasuresOf(self.0.id)).await?.unwrap_or_default();
        Ok(measures.into_iter().map(MeasureView).collect())
    }

    /// Every deadline of the case and of its measures, whatever their status.
    async fn deadlines(&self, ctx: &Context<'_>) -> ApiResult<Vec<DeadlineView>> {
        let deadlines = loaders(ctx).load_one(DeadlinesOf(self.0.id)).await?.unwrap_or_default();
        let department = self.0.department;
        Ok(deadlines.into_iter().map(|deadline| DeadlineView { deadline, department }).collect())
    }

    /// The e-mails planned about this case: who was told what, and how
    /// delivery went.
    async fn deliveries(&self, ctx: &Context<'_>) -> ApiResult<Vec<crate::schedule::Delivery>> {
        crate::schedule::deliveries_of(ctx, self.0.id).await
    }

    /// The protection plan's goal, once set; its parts are `measures`.
    /// Personal data: every read is audited.
    async fn protection_plan(&self, ctx: &Context<'_>) -> ApiResult<Option<crate::plan_view::ProtectionPlanView>> {
        record_read(ctx, self.0.id, selected(ctx, "protectionPlan"));
        let events = loaders(ctx).load_one(EventsOf(self.0.id)).await?.unwrap_or_default();
        Ok(crate::plan_view::plan_of(&events))
    }

    /// The complaints filed with the Public Prosecutor, by number, with
    /// their offices and file numbers (personal data: every read is
    /// audited).
    async fn complaints(&self, ctx: &Context<'_>) -> ApiResult<Vec<crate::complaint_view::ComplaintView>> {
        record_read(ctx, self.0.id, selected(ctx, "complaints"));
        let events = loaders(ctx).load_one(EventsOf(self.0.id)).await?.unwrap_or_default();
        let records = domain::workflow::ComplaintRecord::from_history(events.iter().filter_map(|e| e.command.as_ref()));
        Ok(records.into_iter().map(crate::complaint_view::ComplaintView).collect())
    }

    /// What the coordination meetings agreed about the case, by number,
    /// with their deadlines.
    async fn agreements(&self, ctx: &Context<'_>) -> ApiResult<Vec<crate::meetings::AgreementView>> {
        let agreements = db(ctx).case_agreements(self.0.id).await?;
        Ok(agreements.into_iter().map(crate::meetings::AgreementView).collect())
    }

    /// Everything that happened to the file, oldest first. Its notes may hold
    /// personal data: every read is audited.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<EventView>> {
        record_read(ctx, self.0.id, selected(ctx, "history"));
        let events = loaders(ctx).load_one(EventsOf(self.0.id)).await?.unwrap_or_default();
        Ok(events.into_iter().map(EventView).collect())
    }
}

/// The request as filed. Everything here is personal data.
pub(crate) struct RequestView<'a>(&'a Request);

/// The person who filed for the defender. Personal data.
#[derive(SimpleObject)]
#[graphql(name = "ThirdParty")]
pub(crate) struct ThirdPartyView {
    /// Their full name.
    name: String,
    /// How they know the people to protect.
    relationship: Relationship,
    /// Free text qualifying the relationship.
    relationship_detail: Option<String>,
    /// The organisation they speak for, if any.
    organisation: Option<String>,
}

/// How the DGDH may reach the requester. Personal data.
#[derive(SimpleObject)]
#[graphql(name = "Contact")]
pub(crate) struct ContactView {
    /// An e-mail address.
    email: Option<String>,
    /// A phone number: digits, with a leading `+` when given.
    phone: Option<String>,
    /// Safe ways or times to call, an intermediary…
    instructions: Option<String>,
}

/// A person or a collective to protect. Personal data.
#[derive(SimpleObject)]
#[graphql(name = "Beneficiary")]
pub(crate) struct BeneficiaryView {
    /// The person's or the collective's name.
    name: String,
    /// Set for collectives (communities, organisations…).
    collective: Option<CollectiveKind>,
    /// A collective's approximate number of members.
    approximate_members: Option<u32>,
    /// A person's identity document kind.
    document_kind: Option<IdDocumentKind>,
    /// A person's identity document number.
    document_number: Option<String>,
    /// A person's gender.
    gender: Option<Gender>,
    /// A person's ethnicity (sensitive data).
    ethnicity: Option<String>,
    /// A person's health conditions (sensitive data).
    health: Option<String>,
}

/// Where the people to protect are.
#[derive(SimpleObject)]
#[graphql(name = "Place")]
pub(crate) struct PlaceView {
    /// INEI ubigeo: 2 (department), 4 (province) or 6 (district) digits.
    ubigeo: String,
    /// The exact place: community, address, directions. Sensitive.
    detail: Option<String>,
}

/// The consent of the person to protect.
#[derive(SimpleObject)]
#[graphql(name = "Consent")]
pub(crate) struct ConsentView {
    /// Given, refused, or unable to consent.
    status: ConsentStatus,
    /// Why the person cannot consent; set only when `UNABLE`.
    reason: Option<String>,
}

/// A piece of evidence: what it is and where it can be found. Personal data.
#[derive(SimpleObject)]
#[graphql(name = "Evidence")]
pub(crate) struct EvidenceView {
    /// What it is.
    description: String,
    /// Where it is: a link, a file reference, who holds it.
    reference: Option<String>,
}

/// A protection measure or urgent intervention the requester asked for.
#[derive(SimpleObject)]
#[graphql(name = "RequestedMeasure")]
pub(crate) struct RequestedMeasureView {
    /// A code from `measureTypes`, when the requester picked one.
    measure_type: Option<String>,
    /// The measure in the requester's words.
    description: Option<String>,
}

/// An optional domain text as an owned string.
fn text<const N: usize>(value: Option<&domain::text::Text<N>>) -> Option<String> {
    value.map(|t| t.as_str().to_owned())
}

/// The request as filed (`Case.request`). Everything here is personal data,
/// sealed at rest; every read is audited with the fields read.
#[Object(name = "RequestDetails")]
impl RequestView<'_> {
    /// Absent when the defender filed for themselves.
    async fn third_party(&self) -> Option<ThirdPartyView> {
        self.0.requester().third_party().map(|t| ThirdPartyView {
            name: t.name().as_str().to_owned(),
            relationship: t.relationship().into(),
            relationship_detail: text(t.relationship_detail()),
            organisation: text(t.organisation()),
        })
    }

    /// How the requester may be contacted.
    async fn contact(&self) -> ContactView {
        let contact = self.0.requester().contact();
        ContactView {
            email: contact.email().map(|e| e.as_str().to_owned()),
            phone: contact.phone().map(|p| p.as_str().to_owned()),
            instructions: text(contact.instructions()),
        }
    }

    /// The people and collectives to protect.
    async fn beneficiaries(&self) -> Vec<BeneficiaryView> {
        self.0
            .beneficiaries()
            .iter()
            .map(|b| match b {
                Beneficiary::Person(p) => BeneficiaryView {
                    name: p.name().as_str().to_owned(),
                    collective: None,
                    approximate_members: None,
                    document_kind: p.document().map(|d| d.kind().into()),
                    document_number: p.document().map(|d| d.number().to_owned()),
                    gender: p.gender().map(Into::into),
                    ethnicity: text(p.ethnicity()),
                    health: text(p.health()),
                },
                Beneficiary::Collective(c) => BeneficiaryView {
                    name: c.name().as_str().to_owned(),
                    collective: Some(c.kind().into()),
                    approximate_members: c.approximate_members(),
                    document_kind: None,
                    document_number: None,
                    gender: None,
                    ethnicity: None,
                    health: None,
                },
            })
            .collect()
    }

    /// Where the people to protect are.
    async fn place(&self) -> PlaceView {
        let place = self.0.place();
        PlaceView { ubigeo: place.ubigeo().to_string(), detail: text(place.detail()) }
    }

    /// What the defender defends.
    async fn defender_category(&self) -> DefenderCategory {
        self.0.defender_category().into()
    }

    /// Free text qualifying the category.
    async fn defender_category_detail(&self) -> Option<String> {
        text(self.0.defender_category_detail())
    }

    /// The kinds of aggression suffered: sorted, without repetition, never
    /// empty.
    async fn aggression_types(&self) -> Vec<AggressionType> {
        self.0.aggression_types().iter().map(|a| (*a).into()).collect()
    }

    /// Who is alleged to be behind the aggression, if known.
    async fn aggressor_type(&self) -> Option<AggressorType> {
        self.0.aggressor_type().map(Into::into)
    }

    /// The language the defender speaks.
    async fn language(&self) -> Language {
        self.0.language().into()
    }

    /// The language's name when it is not in the list.
    async fn language_detail(&self) -> Option<String> {
        text(self.0.language_detail())
    }

    /// Whether the defender needs an interpreter.
    async fn interpreter_needed(&self) -> bool {
        self.0.interpreter_needed()
    }

    /// Whether the person to protect consented.
    async fn consent(&self) -> ConsentView {
        match self.0.consent() {
            Consent::Given => ConsentView { status: ConsentStatus::Given, reason: None },
            Consent::Refused => ConsentView { status: ConsentStatus::Refused, reason: None },
            Consent::Unable { reason } => {
                ConsentView { status: ConsentStatus::Unable, reason: Some(reason.as_str().to_owned()) }
            }
        }
    }

    /// What happened, in the requester's words.
    async fn facts(&self) -> &str {
        self.0.facts().as_str()
    }

    /// Evidence filed with the request or added later by the requester.
    async fn evidence(&self) -> Vec<EvidenceView> {
        self.0
            .evidence()
            .iter()
            .map(|e| EvidenceView { description: e.description().as_str().to_owned(), reference: text(e.reference()) })
            .collect()
    }

    /// The protection measures or urgent intervention asked for.
    async fn requested_measures(&self) -> Vec<RequestedMeasureView> {
        self.0
            .requested_measures()
            .iter()
            .map(|m| RequestedMeasureView {
                measure_type: m.measure_type().map(|c| c.to_string()),
                description: text(m.description()),
            })
            .collect()
    }
}

/// One entry of a file's history.
pub(crate) struct EventView(CaseEvent);

/// One entry of a file's history (`Case.history`): a step of the procedure,
/// who took it and when.
#[Object(name = "CaseEvent")]
impl EventView {
    /// Its position in the file's history: 1, 2, … in the order recorded.
    async fn seq(&self) -> i32 {
        self.0.seq
    }

    /// Stable code of what happened (`RECEIVED`, `RISK_ASSESSED`…).
    async fn action(&self) -> &'static str {
        self.0.action.code()
    }

    /// In Spanish, for people.
    async fn description(&self) -> &'static str {
        self.0.action.label()
    }

    /// The business date it happened on (`YYYY-MM-DD`, America/Lima).
    async fn occurred_on(&self) -> Date {
        Date(self.0.occurred_on)
    }

    /// When it was recorded (RFC 3339, UTC, to the millisecond).
    async fn recorded_at(&self) -> Timestamp {
        Timestamp(self.0.recorded_at)
    }

    /// The member of staff who acted; none for the requester and the system.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<StaffMember>> {
        let Some(actor) = self.0.actor_id else { return Ok(None) };
        Ok(loaders(ctx).load_one(UserId(actor)).await?.map(Into::into))
    }

    /// The measure it concerns, by its number within the case.
    async fn measure_number(&self) -> Option<i32> {
        self.0.measure.map(|m| i32::from(m.0))
    }

    /// What was said: the question, the answer, the reasons, the report.
    /// May hold personal data.
    async fn note(&self) -> Option<String> {
        self.0.command.as_ref().and_then(note)
    }
}

/// The words of a command worth showing in a file's history.
fn note(command: &Command) -> Option<String> {
    match command {
        Command::RequestInformation { question: text } | Command::ReceiveInformation { answer: text } => {
            Some(text.as_str().to_owned())
        }
        Command::AssessRisk { summary, .. } => Some(summary.as_str().to_owned()),
        Command::ReportProgress { report, .. } | Command::ModifyMeasure { details: report, .. } => {
            Some(report.as_str().to_owned())
        }
        Command::ReportImplemented { report, .. } => report.as_ref().map(|r| r.as_str().to_owned()),
        Command::ReportNotFeasible { reason, .. } | Command::LiftMeasure { reason, .. } => {
            Some(reason.as_str().to_owned())
        }
        Command::AddEvidence { description, .. } => Some(description.as_str().to_owned()),
        Command::WithdrawConsent { reason } | Command::Archive { note: reason, .. } => {
            reason.as_ref().map(|r| r.as_str().to_owned())
        }
        Command::EvaluateAdmissibility(evaluation) => {
            let failed: Vec<&str> = evaluation.failed_criteria().map(|c| c.label()).collect();
            let decision = match evaluation.decision() {
                AdmissibilityDecision::Admit { override_reason: None } => "Admitida".to_owned(),
                AdmissibilityDecision::Admit { override_reason: Some(reason) } => {
                    format!("Admitida pese a criterios incumplidos: {}", reason.as_str())
                }
                AdmissibilityDecision::NotAdmit { reasons } => format!("No admitida: {}", reasons.as_str()),
                AdmissibilityDecision::Refer { entity, reasons } => {
                    format!("Derivada a {}: {}", entity.as_str(), reasons.as_str())
                }
            };
            Some(match failed.is_empty() {
                true => decision,
                false => format!("{decision} (criterios incumplidos: {})", failed.join(", ")),
            })
        }
        Command::IssueResolution(resolution) => Some(format!(
            "{} del {}: {} medida(s) otorgada(s), {} denegada(s)",
            resolution.act.number.as_str(),
            resolution.act.date,
            resolution.granted.len(),
            resolution.denied.len()
        )),
        Command::ExtendMeasure { until, .. } => Some(format!("Prorrogada hasta el {until}")),
        Command::RecordComplaint(filing) => Some(format!(
            "Denuncia presentada el {} ante {} (carpeta {})",
            filing.filed_on,
            filing.office.as_str(),
            filing.file_number.as_str()
        )),
        Command::UpdateComplaint(update) => Some(format!(
            "Denuncia n.° {}: {} desde el {}{}",
            update.complaint.0,
            update.status.label(),
            update.on,
            update.note.as_ref().map_or(String::new(), |note| format!(". {}", note.as_str()))
        )),
        Command::SetPlanGoal { goal } => Some(format!("Objetivo del plan: {}", goal.as_str())),
        Command::VerifyMeasure { verified, note, .. } => Some(match verified {
            true => format!("Verificada: {}", note.as_str()),
            false => format!("No implementada como se informó: {}", note.as_str()),
        }),
        Command::RenewMeasure { act, .. } => Some(format!("Renovada por {} del {}", act.number.as_str(), act.date)),
        Command::ReportIncident(incident) => {
            let aggressions: Vec<&str> = incident.aggression_types.iter().map(|a| a.label()).collect();
            Some(format!(
                "Incidente del {} ({}): {}",
                incident.occurred_on,
                aggressions.join(", "),
                incident.description.as_str()
            ))
        }
        Command::AddAgreement(terms) => Some(format!(
            "Acuerdo de la reunión de coordinación del {} ({}): {}",
            terms.held_on,
            terms.sector.as_str(),
            terms.text.as_str()
        )),
        Command::ReportAgreementDone { agreement, report } => Some(format!(
            "Acuerdo n.° {} cumplido{}",
            agreement.0,
            report.as_ref().map_or(String::new(), |r| format!(": {}", r.as_str()))
        )),
        Command::Assign { .. }
        | Command::StartReview
        | Command::CloseInformationPeriod
        | Command::NotifyMeasure { .. }
        | Command::AcknowledgeMeasure { .. } => None,
    }
}

/// Which cases to list; all conditions given must hold.
#[derive(InputObject, Default)]
pub(crate) struct CaseFilterInput {
    /// The case with this file number (`AT-2026-000123`); case and
    /// surrounding spaces are ignored.
    file_number: Option<String>,
    /// Any of these states.
    statuses: Option<Vec<CaseStatus>>,
    /// Cases on this track (cases whose risk is not yet assessed have none).
    track: Option<Track>,
    /// Department ubigeo code (two digits).
    department: Option<String>,
    /// Cases assigned to this officer (`StaffMember.id`).
    assigned_officer: Option<ID>,
    /// Only cases assigned to me; takes precedence over `assignedOfficer`.
    #[graphql(default)]
    mine: bool,
    /// Only cases no officer is in charge of yet.
    #[graphql(default)]
    unassigned: bool,
    /// Cases a step of the procedure changed at or after this instant
    /// (RFC 3339): a command, a deadline recomputed, an answer.
    changed_since: Option<Timestamp>,
    /// Cases with a measure for this sector.
    sector: Option<String>,
    /// A running deadline due on or before this date (`YYYY-MM-DD`,
    /// America/Lima).
    due_before: Option<Date>,
    /// The earliest running deadline due from today to this many working
    /// days ahead (0 to 60; national calendar), as `dueSoon` counts: due
    /// soon, not yet late.
    due_within_working_days: Option<i32>,
    /// A running deadline already past its due date, today in Lima.
    #[graphql(default)]
    overdue: bool,
}

/// The order of `cases`; ties are broken by id, so pages are stable.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub(crate) enum CaseOrderBy {
    /// Newest first, by `receivedAt` (the default).
    #[default]
    ReceivedDesc,
    /// The earliest `nextDueOn` first; cases with none last.
    DueAsc,
}

pub(crate) type CaseConnection = Connection<OpaqueCursor<Cursor>, CaseView, crate::totals::CaseTotal>;

#[derive(Default)]
pub(crate) struct CasesQuery;

#[Object]
impl CasesQuery {
    /// One case (officers and supervisors); NOT_FOUND when there is none.
    async fn case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id (`Case.id`).")] id: ID,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::Case, Target::Nothing)?;
        let case_id = crate::inputs::id("id", &id)?;
        Ok(CaseView(db(ctx).case_record(case_id).await?))
    }

    /// Cases, filtered and in a stable order, a page at a time (officers and
    /// supervisors).
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 1 to 100; 20 when absent.")] first: Option<i32>,
        #[graphql(
            desc = "The `endCursor` of the previous page, fetched with the same `orderBy`; absent for the first page."
        )]
        after: Option<String>,
        #[graphql(desc = "Which cases; all of them when absent.")] filter: Option<CaseFilterInput>,
        #[graphql(desc = "The order; `RECEIVED_DESC` when absent.")] order_by: Option<CaseOrderBy>,
    ) -> ApiResult<CaseConnection> {
        authorize(ctx, Operation::Cases, Target::Nothing)?;
        let first = page_size(first)?;
        let filter = filter.unwrap_or_default();
        let cursor = decode_cursor(after.as_deref())?;
        let assigned_officer = match (filter.mine, &filter.assigned_officer) {
            (true, _) => Some(staff(ctx)?.user_id),
            (false, Some(officer)) => Some(id("filter.assignedOfficer", officer)?),
            (false, None) => None,
        };
        let filter = CaseFilter {
            file_number: filter.file_number,
            statuses: filter.statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
            track: filter.track.map(Into::into),
            department: filter
                .department
                .as_deref()
                .map(|d| {
                    domain::place::DepartmentCode::parse(d)
                        .map_err(|e| ApiError::bad_input("filter.department", e.to_string()))
                })
                .transpose()?,
            assigned_officer,
            unassigned: filter.unassigned,
            changed_since: filter.changed_since.map(|at| at.0),
            sector: filter.sector.as_deref().map(|s| ref_code("filter.sector", s)).transpose()?,
            due_before: match filter.due_within_working_days {
                None => filter.due_before.map(|d| d.0),
                Some(days) => {
                    let days = u32::try_from(days)
                        .ok()
                        .filter(|d| *d <= 60)
                        .ok_or_else(|| ApiError::bad_input("filter.dueWithinWorkingDays", "debe estar entre 0 y 60"))?;
                    let until = calendar(ctx).await?.add_working_days(today(ctx), days, None);
                    Some(filter.due_before.map_or(until, |d| d.0.min(until)))
                }
            },
            due_from: filter.due_within_working_days.map(|_| today(ctx)),
            overdue_on: filter.overdue.then(|| today(ctx)),
        };
        let order = match order_by.unwrap_or_default() {
            CaseOrderBy::ReceivedDesc => CaseOrder::ReceivedNewestFirst,
            CaseOrderBy::DueAsc => CaseOrder::DueSoonestFirst,
        };
        let page = if crate::totals::reads_page(ctx) {
            db(ctx).cases_page(&filter, order, cursor.as_ref(), first).await?
        } else {
            db::Page { items: Vec::new(), has_next: false }
        };
        let records: Vec<CaseRecord> = page.items.iter().map(|(record, _)| record.clone()).collect();
        prefetch_cases(loaders(ctx), ctx.look_ahead().field("edges").field("node"), &records).await?;
        let total = crate::totals::CaseTotal(filter);
        let mut connection = Connection::with_additional_fields(cursor.is_some(), page.has_next, total);
        connection
            .edges
            .extend(page.items.into_iter().map(|(record, cursor)| Edge::new(OpaqueCursor(cursor), CaseView(record))));
        Ok(connection)
    }
}
