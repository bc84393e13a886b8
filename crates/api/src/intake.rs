//! Public intake: anyone who knows of a threat files a request, gets a file
//! number and an access key, and with both follows the request, answers a
//! request for information, adds evidence or withdraws consent. No account.

use async_graphql::{Context, ID, Object, SimpleObject, Upload};

use db::IntakeKeys;
use domain::categories::Channel as DomainChannel;
use domain::idempotency::IdempotencyKey;
use domain::request::Request;
use domain::workflow::{Command, receipt_day};
use uuid::Uuid;

use crate::auth::secrets;
use crate::auth::secrets::AccessKeySecret;
use crate::authz::{Operation, Target};
use crate::context::{authorize, authorize_unmetered, db, meter, state};
use crate::enums::{CaseStatus, Channel, MeasureStatus};
use crate::error::{ApiError, ApiResult};
use crate::incidents::IncidentInput;
use crate::inputs::{EvidenceInput, RequestInput, optional_text, text};
use crate::requester::{RequesterProof, requester_case};
use crate::scalars::{Date, Timestamp};

/// What filing a request returns: keep the file number and the access key to
/// follow the request.
#[derive(SimpleObject)]
pub(crate) struct FiledRequest {
    /// The file number (*expediente*), e.g. `AT-2026-000123`.
    pub(crate) file_number: String,
    /// The secret that, with the file number, lets the requester follow the
    /// request (`K3QZ-8W1M-…`). Only its hash is stored; it is shown again
    /// only to whoever sends the same idempotency key: write it down.
    access_key: String,
    /// This idempotency key had already filed this request: nothing new was
    /// filed.
    pub(crate) replayed: bool,
    /// When the request was recorded (RFC 3339, UTC, to the millisecond);
    /// on a replay, when it was first filed.
    received_at: Timestamp,
}

/// What a requester (file number and access key) may see of their request:
/// never internal notes, risk assessments, sectors or other people's data.
/// Every read is audited.
#[derive(SimpleObject)]
pub(crate) struct RequestStatus {
    /// The file number (*expediente*), e.g. `AT-2026-000123`.
    file_number: String,
    /// Where the request stands in the procedure.
    status: CaseStatus,
    /// In Spanish, for people.
    status_label: String,
    /// The business date of receipt (`YYYY-MM-DD`, America/Lima).
    received_on: Date,
    /// The question the DGDH asked, while it waits for an answer.
    pending_question: Option<PendingQuestion>,
    /// The measures granted, each with where it stands.
    measures: Vec<RequesterMeasure>,
    /// The person protected withdrew consent (`withdrawConsent`).
    consent_withdrawn: bool,
}

/// A request for more information that waits for the requester's answer
/// (`answerInformationRequest`); the decision clock is suspended meanwhile.
#[derive(SimpleObject)]
pub(crate) struct PendingQuestion {
    /// The DGDH's question, as written.
    question: String,
    /// The last day to answer (`YYYY-MM-DD`, America/Lima), by default 10
    /// working days after the question; none when no answer deadline runs.
    answer_due: Option<Date>,
}

/// A measure granted on the request, as its requester sees it.
#[derive(SimpleObject)]
pub(crate) struct RequesterMeasure {
    /// Its number within the case (1, 2, …).
    number: i32,
    /// The measure's name in the catalogue, in Spanish.
    name: String,
    /// Where the measure stands with its sector.
    status: MeasureStatus,
    /// In Spanish, for people.
    status_label: String,
}

#[derive(Default)]
pub(crate) struct IntakeQuery;

#[derive(Default)]
pub(crate) struct IntakeMutation;

#[Object]
impl IntakeQuery {
    /// A requester follows their request with its file number and access key
    /// (anyone; no account). A wrong file number and a wrong key both get
    /// FORBIDDEN; rate-limited per client address.
    async fn my_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`); case and surrounding spaces are ignored.")]
        file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
    ) -> ApiResult<RequestStatus> {
        authorize(ctx, Operation::MyRequest, Target::Nothing)?;
        let case_id = requester_case(ctx, &file_number, &access_key).await?;
        status_of(ctx, case_id).await
    }
}

#[Object]
impl IntakeMutation {
    /// Files a request for protection through the web channel (anyone; no
    /// account). Rate-limited per client address and overall, except a retry
    /// with the same idempotency key, which always gets its answer back.
    async fn submit_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request; personal data, sealed at rest.")] input: RequestInput,
    ) -> ApiResult<FiledRequest> {
        file(ctx, input, DomainChannel::Web, Operation::SubmitRequest, crate::context::today(ctx)).await
    }

    /// Registers a request staff received by phone, e-mail, in person or
    /// by referral (officers and supervisors); the requester is given the
    /// file number and access key. `receivedOn` is the day it arrived (today
    /// if not given): its deadlines count from that day.
    async fn register_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How the request arrived: any channel but `WEB`, which is `submitRequest`'s.")]
        channel: Channel,
        #[graphql(
            desc = "The day it arrived (`YYYY-MM-DD`, America/Lima): from 2019-01-01 to today; today if not given."
        )]
        received_on: Option<Date>,
        #[graphql(desc = "The request as received; personal data, sealed at rest.")] input: RequestInput,
    ) -> ApiResult<FiledRequest> {
        let channel = DomainChannel::from(channel);
        if !channel.is_registered_by_staff() {
            return Err(ApiError::bad_input(
                "channel",
                "las solicitudes de la plataforma virtual las presenta la propia persona; indique por qué canal llegó",
            ));
        }
        let today = crate::context::today(ctx);
        let received_on = match received_on {
            Some(day) => receipt_day(day.0, today).map_err(|e| ApiError::bad_input("receivedOn", e.to_string()))?,
            None => today,
        };
        file(ctx, input, channel, Operation::RegisterRequest, received_on).await
    }

    /// The requester (file number and access key) answers the DGDH's request
    /// for more information; the decision clock resumes.
    async fn answer_information_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`).")] file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
        #[graphql(secret, desc = "The answer, at most 20,000 characters; personal data, sealed at rest.")]
        answer: String,
    ) -> ApiResult<RequestStatus> {
        authorize(ctx, Operation::AnswerInformationRequest, Target::Nothing)?;
        let command = Command::ReceiveInformation { answer: text("answer", &answer)? };
        requester_command(ctx, &file_number, &access_key, command).await
    }

    /// The requester (file number and access key) adds a piece of evidence:
    /// what it is and where it can be found, and perhaps the file itself (a
    /// multipart file part: a photo, a voice note, a video or a PDF, its
    /// kind found from its content; larger files go in chunks with
    /// `startEvidenceUpload`).
    async fn add_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`).")] file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
        #[graphql(desc = "The evidence; personal data, sealed at rest.")] evidence: EvidenceInput,
        #[graphql(desc = "The file, if any (a multipart file part); sealed at rest.")] file: Option<Upload>,
    ) -> ApiResult<RequestStatus> {
        authorize(ctx, Operation::AddEvidence, Target::Nothing)?;
        if let Some(file) = file {
            let case_id = requester_case(ctx, &file_number, &access_key).await?;
            crate::evidence::whole_file(ctx, case_id, &evidence, &file, None).await?;
            return status_of(ctx, case_id).await;
        }
        let command = Command::AddEvidence {
            description: text("evidence.description", &evidence.description)?,
            reference: optional_text("evidence.reference", evidence.reference.as_deref())?,
            file: None,
        };
        requester_command(ctx, &file_number, &access_key, command).await
    }

    /// The requester (file number and access key) reports a new incident:
    /// the assigned officer is told and, once the request is admitted, the
    /// risk is assessed again within the REASSESSMENT rule's period (by
    /// default 5 working days; 2 on the urgent track or for violence
    /// against life or integrity).
    async fn report_incident(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`).")] file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
        #[graphql(desc = "The incident; its description sealed at rest.")] incident: IncidentInput,
    ) -> ApiResult<RequestStatus> {
        authorize(ctx, Operation::ReportIncident, Target::Nothing)?;
        let command = Command::ReportIncident(crate::incidents::incident("incident", &incident)?);
        requester_command(ctx, &file_number, &access_key, command).await
    }

    /// An officer gives a case a new access key, to tell the requester over
    /// a safe channel (by phone, in person): for a request filed from an
    /// app, whose answer never carries one, or a key lost. The old key
    /// stops working at once; the new one is shown only here. Audited.
    async fn issue_access_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id (`Case.id`).")] case_id: ID,
    ) -> ApiResult<String> {
        let request = authorize(ctx, Operation::IssueAccessKey, Target::Nothing)?;
        let case_id = crate::inputs::id("caseId", &case_id)?;
        let key = secrets::new_access_key()?;
        let hash = secrets::access_key_hash(&key);
        db(ctx).replace_access_key(case_id, &hash, &request.actor(), request.now).await?;
        Ok(key)
    }

    /// The requester (file number and access key) says the person protected
    /// no longer consents: before any measure the request is archived;
    /// otherwise the DGDH lifts the measures.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`).")] file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
        #[graphql(secret, desc = "Why, if the requester says; at most 2,000 characters.")] reason: Option<String>,
    ) -> ApiResult<RequestStatus> {
        authorize(ctx, Operation::WithdrawConsent, Target::Nothing)?;
        let command = Command::WithdrawConsent { reason: optional_text("reason", reason.as_deref())? };
        requester_command(ctx, &file_number, &access_key, command).await
    }
}

/// Files a request, or gives a retry of one already filed its file number
/// and access key back. The retry draws on no rate limit: a defender whose
/// connection dropped must always recover the answer.
async fn file(
    ctx: &Context<'_>,
    input: RequestInput,
    channel: DomainChannel,
    operation: Operation,
    received_on: chrono::NaiveDate,
) -> ApiResult<FiledRequest> {
    let (idempotency_key, input) = input.into_domain();
    file_input(ctx, &idempotency_key, input, channel, operation, received_on, KeyBack::Recovered).await
}

/// Whether a retry of a request filed before gets its access key back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyBack {
    /// The requester's own client: the key, as it was given.
    Recovered,
    /// An app, whose answers never carry the key (an officer issues one):
    /// nothing to recover, and a key issued since must not make the app's
    /// resend a conflict.
    Never,
}

/// [`file`] for input already in the domain's form (an app's submission),
/// its problems named under `input.`.
pub(crate) async fn file_input(
    ctx: &Context<'_>,
    idempotency_key: &str,
    input: domain::request::RequestInput,
    channel: DomainChannel,
    operation: Operation,
    received_on: chrono::NaiveDate,
    key_back: KeyBack,
) -> ApiResult<FiledRequest> {
    let request_context = authorize_unmetered(ctx, operation, Target::Nothing)?;
    let idempotency_key = IdempotencyKey::parse(idempotency_key)
        .map_err(|weak| ApiError::bad_input("input.idempotencyKey", weak.to_string()))?;
    let request = Request::parse(input).map_err(|e| ApiError::invalid_request("input", e))?;
    let secret = &state(ctx).config.access_key_secret;
    let (keys, access_key) = intake_keys(secret, idempotency_key.as_str(), &request, channel)?;
    let db = db(ctx);
    let filed = match db.replay(&keys).await {
        Ok(Some(filed)) => filed,
        Ok(None) => {
            meter(ctx, operation)?;
            let (at, actor) = (request_context.now, request_context.actor());
            db.register_request(&request, channel, &keys, received_on, at, &actor).await?
        }
        // The same key with other content: refused, and counted like a filing.
        Err(reused) => {
            meter(ctx, operation)?;
            return Err(reused.into());
        }
    };
    let access_key = match (filed.replayed, key_back) {
        (true, KeyBack::Recovered) => {
            recovered_access_key(db, &filed.file_number, idempotency_key.as_str(), access_key).await?
        }
        (true, KeyBack::Never) => String::new(),
        (false, _) => access_key,
    };
    let record = db.case_record(filed.id).await?;
    Ok(FiledRequest {
        file_number: filed.file_number,
        access_key,
        replayed: filed.replayed,
        received_at: Timestamp(record.received_at),
    })
}

/// The access key a request filed before was given: derived as now, or,
/// for a request filed before access keys were keyed, as then.
async fn recovered_access_key(
    db: &db::Database,
    file_number: &str,
    idempotency_key: &str,
    derived: String,
) -> ApiResult<String> {
    for candidate in [derived, secrets::legacy_access_key(idempotency_key)] {
        if RequesterProof::new(file_number, &candidate).case(db).await.is_ok() {
            return Ok(candidate);
        }
    }
    // Filed under another server secret: the requester has the key already.
    Err(ApiError::Conflict(
        "esta solicitud ya está registrada, pero su clave de acceso no puede volver a mostrarse; \
         si la perdió, comuníquese con la DGDH"
            .into(),
    ))
}

/// What the database stores to make filing idempotent and to recognise the
/// requester later (hashes only), and the access key to give them.
pub fn intake_keys(
    secret: &AccessKeySecret,
    idempotency_key: &str,
    request: &Request,
    channel: DomainChannel,
) -> ApiResult<(IntakeKeys, String)> {
    let content = serde_json::to_string(request).map_err(|_| ApiError::Internal)?;
    let access_key = secrets::access_key(secret, idempotency_key);
    let keys = IntakeKeys {
        idempotency_hash: secrets::idempotency_hash(idempotency_key),
        fingerprint: secrets::digest("resguardo/intake-fingerprint/v1", &format!("{}\0{content}", channel.code())),
        access_key_hash: secrets::access_key_hash(&access_key),
    };
    Ok((keys, access_key))
}

async fn requester_command(
    ctx: &Context<'_>,
    file_number: &str,
    access_key: &str,
    command: Command,
) -> ApiResult<RequestStatus> {
    let case_id = requester_case(ctx, file_number, access_key).await?;
    let request = crate::context::request(ctx);
    db(ctx).apply(case_id, command, request.now, &request.actor()).await?;
    status_of(ctx, case_id).await
}

pub(crate) async fn status_of(ctx: &Context<'_>, case_id: Uuid) -> ApiResult<RequestStatus> {
    crate::context::record_read(ctx, case_id, "requester.status".to_owned());
    let db = db(ctx);
    let record = db.case_record(case_id).await?;
    let measures = db.measures_by_case(&[case_id]).await?.remove(&case_id).unwrap_or_default();
    let names = db.measure_types().await?;
    let pending_question = match record.information_requested_on {
        Some(_) => {
            let events = db.case_events(case_id).await?;
            let question = events.iter().rev().find_map(|e| match &e.command {
                Some(Command::RequestInformation { question }) => Some(question.as_str().to_owned()),
                _ => None,
            });
            let deadlines = db.deadlines_by_case(&[case_id]).await?.remove(&case_id).unwrap_or_default();
            let answer_due = deadlines
                .iter()
                .find(|d| d.key.kind == domain::deadline::DeadlineKind::InformationAnswer && d.is_pending())
                .map(|d| Date(d.due));
            question.map(|question| PendingQuestion { question, answer_due })
        }
        None => None,
    };
    Ok(RequestStatus {
        file_number: record.file_number,
        status: record.status.into(),
        status_label: record.status.label().to_owned(),
        received_on: Date(record.received_on),
        pending_question,
        measures: measures
            .into_iter()
            .map(|m| RequesterMeasure {
                number: i32::from(m.measure.no.0),
                name: names
                    .iter()
                    .find(|t| t.code == m.measure.measure_type)
                    .map_or_else(|| m.measure.measure_type.to_string(), |t| t.name.clone()),
                status: m.measure.status.into(),
                status_label: m.measure.status.label().to_owned(),
            })
            .collect(),
        consent_withdrawn: record.consent_withdrawn_on.is_some(),
    })
}
