//! Coordination meetings (the seed's §59–60): recorded with their
//! agreements in one transaction, each agreement applied to its case
//! through the workflow; read back whole by officers, and by a sector only
//! as far as it was there and as its own agreements go.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use domain::codes::{RefCode, SectorCode};
use domain::deadline::{Deadline, DeadlineKind};
use domain::place::DepartmentCode;
use domain::text::{LongText, ShortText};
use domain::workflow::{Agreement, AgreementNo, AgreementTerms, AuditAction, Command, MeetingRef};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case_store::deadline_from_row;
use crate::connection::Database;
use crate::effects::{self, Actor};
use crate::entities::{agreements, cases, deadlines, meeting_cases, meeting_sectors, meetings};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, to_u16};
use crate::sealed::{MEETING_DETAILS, open, seal};

/// A meeting to record.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub held_on: NaiveDate,
    /// The sectors present; every agreement's sector is one of them.
    pub sectors: Vec<SectorCode>,
    /// The other bodies present (Ombudsman's office, prosecutors, the
    /// regional government, organisations…). Sealed.
    pub other_bodies: Option<ShortText>,
    /// The cases discussed besides those the agreements are about.
    pub cases: Vec<Uuid>,
    pub agreements: Vec<NewAgreement>,
}

/// What the meeting agreed about one case.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub case_id: Uuid,
    pub sector: SectorCode,
    pub text: LongText,
    /// `None`: the rule's period.
    pub working_days: Option<u32>,
}

/// What is sealed of a meeting.
#[derive(Serialize, Deserialize)]
struct MeetingDetails {
    other_bodies: Option<String>,
}

/// A meeting as one reader may see it.
#[derive(Debug, Clone)]
pub struct MeetingRecord {
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub sectors: Vec<SectorCode>,
    pub other_bodies: Option<String>,
    /// How many cases it discussed.
    pub case_count: usize,
    /// The cases it discussed: all of them for the DGDH; for a sector,
    /// those its own agreements are about.
    pub cases: Vec<MeetingCase>,
    /// Its agreements: all of them, or a sector's own.
    pub agreements: Vec<AgreementListed>,
}

/// A case a meeting discussed, by its file number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingCase {
    pub case_id: Uuid,
    pub file_number: String,
    /// Where its working days are counted.
    pub department: DepartmentCode,
}

/// An agreement with its case and its deadline.
#[derive(Debug, Clone)]
pub struct AgreementListed {
    pub case: MeetingCase,
    pub agreement: Agreement,
    pub deadline: Option<Deadline>,
}

/// The most meetings one read returns, newest first.
pub const MEETINGS_PER_READ: u64 = 100;

impl Database {
    /// Records a meeting and applies its agreements to their cases, all or
    /// nothing. An agreement the workflow refuses is named by its position.
    pub async fn record_meeting(&self, meeting: &NewMeeting, at: DateTime<Utc>, actor: &Actor) -> DbResult<Uuid> {
        let recorded_by = actor.user_id.ok_or(DbError::Rejected("solo el personal registra reuniones".into()))?;
        let tx = self.write_transaction().await?;
        crate::reference::require_active_sectors(&tx, &meeting.sectors).await?;
        let id = Uuid::new_v4();
        let keys = self.sealing_keys(&tx).await?;
        let details = MeetingDetails { other_bodies: meeting.other_bodies.as_ref().map(|t| t.as_str().to_owned()) };
        let details = serde_json::to_string(&details).map_err(|_| DbError::Corrupt("meetings.details"))?;
        meetings::Entity::insert(meetings::ActiveModel {
            id: Set(id),
            held_on: Set(meeting.held_on),
            details: Set(seal(&keys, MEETING_DETAILS, id, details.as_bytes())?),
            recorded_by: Set(recorded_by),
            recorded_at: Set(at),
        })
        .exec_without_returning(&tx)
        .await?;
        let sectors: BTreeSet<&str> = meeting.sectors.iter().map(RefCode::as_str).collect();
        let rows = sectors
            .iter()
            .map(|code| meeting_sectors::ActiveModel { meeting_id: Set(id), sector_code: Set((*code).to_owned()) });
        meeting_sectors::Entity::insert_many(rows).exec_without_returning(&tx).await?;
        let cases: BTreeSet<Uuid> =
            meeting.cases.iter().copied().chain(meeting.agreements.iter().map(|a| a.case_id)).collect();
        let found = cases::Entity::find()
            .select_only()
            .column(cases::Column::Id)
            .filter(cases::Column::Id.is_in(cases.iter().copied()))
            .into_tuple::<Uuid>()
            .all(&tx)
            .await?;
        if found.len() != cases.len() {
            return Err(DbError::CaseNotFound);
        }
        let rows = cases.iter().map(|case| meeting_cases::ActiveModel { meeting_id: Set(id), case_id: Set(*case) });
        meeting_cases::Entity::insert_many(rows).exec_without_returning(&tx).await?;

        let mut events = Vec::new();
        for (index, agreement) in meeting.agreements.iter().enumerate() {
            let terms = AgreementTerms {
                meeting: MeetingRef(id.to_string()),
                held_on: meeting.held_on,
                sector: agreement.sector.clone(),
                text: agreement.text.clone(),
                working_days: agreement.working_days,
            };
            let applied = self.apply_in(&tx, agreement.case_id, Command::AddAgreement(terms), at, actor).await;
            let (_, announced) = applied.map_err(|error| DbError::InAgreement(index, Box::new(error)))?;
            events.extend(announced);
        }
        effects::audit(&tx, actor, at, None, AuditAction::MeetingRecorded, None).await?;
        self.commit_announcing(tx, events).await?;
        Ok(id)
    }

    /// The newest meetings: all of them, or (`sector`) those the sector
    /// attended, each with only that sector's agreements and their cases.
    pub async fn meetings(&self, sector: Option<&SectorCode>) -> DbResult<Vec<MeetingRecord>> {
        let conn = self.connection();
        let mut query = meetings::Entity::find()
            .order_by_desc(meetings::Column::HeldOn)
            .order_by_desc(meetings::Column::RecordedAt)
            .limit(MEETINGS_PER_READ);
        if let Some(sector) = sector {
            let attended = Query::select()
                .column(meeting_sectors::Column::MeetingId)
                .from(meeting_sectors::Entity)
                .and_where(meeting_sectors::Column::SectorCode.eq(sector.as_str()))
                .to_owned();
            query = query.filter(meetings::Column::Id.in_subquery(attended));
        }
        let rows = query.all(conn).await?;
        self.records(rows, sector).await
    }

    /// One meeting, whole (as officers see it).
    pub async fn meeting(&self, id: Uuid) -> DbResult<Option<MeetingRecord>> {
        let rows = meetings::Entity::find_by_id(id).all(self.connection()).await?;
        Ok(self.records(rows, None).await?.pop())
    }

    /// `rows` with their sectors, cases and agreements, as `sector` (or
    /// the DGDH, `None`) may see them.
    async fn records(&self, rows: Vec<meetings::Model>, sector: Option<&SectorCode>) -> DbResult<Vec<MeetingRecord>> {
        let conn = self.connection();
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let sector_rows = meeting_sectors::Entity::find()
            .filter(meeting_sectors::Column::MeetingId.is_in(ids.iter().copied()))
            .order_by_asc(meeting_sectors::Column::SectorCode)
            .all(conn)
            .await?;
        let case_rows = meeting_cases::Entity::find()
            .filter(meeting_cases::Column::MeetingId.is_in(ids.iter().copied()))
            .all(conn)
            .await?;
        let mut agreement_query = agreements::Entity::find()
            .filter(agreements::Column::MeetingId.is_in(ids.iter().copied()))
            .order_by_asc(agreements::Column::CaseId)
            .order_by_asc(agreements::Column::AgreementNo);
        if let Some(sector) = sector {
            agreement_query = agreement_query.filter(agreements::Column::SectorCode.eq(sector.as_str()));
        }
        let agreement_rows = agreement_query.all(conn).await?;
        // A sector sees the file numbers of its own agreements' cases only.
        let visible: BTreeSet<Uuid> = match sector {
            Some(_) => agreement_rows.iter().map(|a| a.case_id).collect(),
            None => case_rows.iter().map(|c| c.case_id).collect(),
        };
        let cases = self.meeting_cases(&visible).await?;
        let deadlines = self.agreement_deadlines(&visible).await?;
        let keys = self.keys()?;

        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let details = open(&keys, MEETING_DETAILS, row.id, &row.details)?;
            let details: MeetingDetails =
                serde_json::from_slice(&details).map_err(|_| DbError::Corrupt("meetings.details"))?;
            let sectors = sector_rows
                .iter()
                .filter(|s| s.meeting_id == row.id)
                .map(|s| parse_code(RefCode::parse, &s.sector_code, "meeting_sectors.sector_code"))
                .collect::<DbResult<_>>()?;
            let discussed: Vec<Uuid> = case_rows.iter().filter(|c| c.meeting_id == row.id).map(|c| c.case_id).collect();
            let mut agreements = Vec::new();
            for a in agreement_rows.iter().filter(|a| a.meeting_id == row.id) {
                let case = cases.get(&a.case_id).ok_or(DbError::Corrupt("agreements.case_id"))?.clone();
                let agreement = agreement_of(a)?;
                let deadline = deadlines.get(&(a.case_id, agreement.no)).cloned();
                agreements.push(AgreementListed { case, agreement, deadline });
            }
            let mut shown: Vec<MeetingCase> = discussed.iter().filter_map(|id| cases.get(id).cloned()).collect();
            shown.sort_by(|a, b| a.file_number.cmp(&b.file_number));
            records.push(MeetingRecord {
                id: row.id,
                held_on: row.held_on,
                sectors,
                other_bodies: details.other_bodies,
                case_count: discussed.len(),
                cases: shown,
                agreements,
            });
        }
        Ok(records)
    }

    /// The agreements of a case, by number, with the case and their deadlines.
    pub async fn case_agreements(&self, case_id: Uuid) -> DbResult<Vec<AgreementListed>> {
        let rows = agreements::Entity::find()
            .filter(agreements::Column::CaseId.eq(case_id))
            .order_by_asc(agreements::Column::AgreementNo)
            .all(self.connection())
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let case_ids = BTreeSet::from([case_id]);
        let case = self.meeting_cases(&case_ids).await?.remove(&case_id).ok_or(DbError::CaseNotFound)?;
        let mut deadlines = self.agreement_deadlines(&case_ids).await?;
        rows.iter()
            .map(|row| {
                let agreement = agreement_of(row)?;
                let deadline = deadlines.remove(&(case_id, agreement.no));
                Ok(AgreementListed { case: case.clone(), agreement, deadline })
            })
            .collect()
    }

    /// One agreement of a case, with its case and deadline.
    pub async fn agreement(&self, case_id: Uuid, no: AgreementNo) -> DbResult<Option<AgreementListed>> {
        Ok(self.case_agreements(case_id).await?.into_iter().find(|a| a.agreement.no == no))
    }

    /// The file numbers and departments of `ids`.
    async fn meeting_cases(&self, ids: &BTreeSet<Uuid>) -> DbResult<HashMap<Uuid, MeetingCase>> {
        let rows = cases::Entity::find()
            .select_only()
            .columns([cases::Column::Id, cases::Column::FileNumber, cases::Column::DepartmentCode])
            .filter(cases::Column::Id.is_in(ids.iter().copied()))
            .into_tuple::<(Uuid, String, String)>()
            .all(self.connection())
            .await?;
        rows.into_iter()
            .map(|(case_id, file_number, department)| {
                let department = parse_code(DepartmentCode::parse, &department, "cases.department_code")?;
                Ok((case_id, MeetingCase { case_id, file_number, department }))
            })
            .collect()
    }

    /// The agreements' deadlines of `cases`, by case and agreement.
    async fn agreement_deadlines(&self, cases: &BTreeSet<Uuid>) -> DbResult<HashMap<(Uuid, AgreementNo), Deadline>> {
        let rows = deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.is_in(cases.iter().copied()))
            .filter(deadlines::Column::Kind.eq(DeadlineKind::Agreement.code()))
            .all(self.connection())
            .await?;
        let mut found = HashMap::new();
        for row in rows {
            let deadline = deadline_from_row(&row)?;
            if let Some(no) = deadline.key.agreement {
                found.insert((row.case_id, no), deadline);
            }
        }
        Ok(found)
    }
}

/// An agreement as its row holds it.
pub(crate) fn agreement_of(row: &agreements::Model) -> DbResult<Agreement> {
    Ok(Agreement {
        no: AgreementNo(to_u16(row.agreement_no, "agreements.agreement_no")?),
        meeting: MeetingRef(row.meeting_id.to_string()),
        sector: parse_code(RefCode::parse, &row.sector_code, "agreements.sector_code")?,
        agreed_on: row.agreed_on,
        done_on: row.done_on,
    })
}
