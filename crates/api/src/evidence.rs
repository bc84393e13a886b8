//! Evidence files over GraphQL (decision 0013), uploaded through the
//! GraphQL multipart request spec: in one request (`addEvidence` with a
//! `file`, `attachEvidence`), or resumably in chunks for large files and
//! bad connections (`startEvidenceUpload` or `startCaseEvidenceUpload`,
//! then `appendEvidence` chunk by chunk, `evidenceUpload` to learn where
//! to go on after a cut, `finishEvidenceUpload`). Officers read them
//! (`Case.evidenceFiles`, `evidenceFile`), each read of a file's content an
//! audited sensitive read; coordinators and requesters never read them
//! back.

use async_graphql::{Context, ID, Object, SimpleObject, Upload};
use base64::Engine as _;
use db::{EvidenceFileRecord, EvidenceUpload, FinishUpload, NewUpload};
use domain::evidence::{CHUNK_BYTES, chunk_count};
use domain::roles::Role;
use uuid::Uuid;

use crate::authz::{Operation, Target};
use crate::context::{authorize, db, record_read, request, state};
use crate::enums::{EvidenceKind, StaffRole};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{EvidenceInput, id, optional_text, text};
use crate::requester::requester_case;
use crate::scalars::Timestamp;

/// An upload in progress: send the chunk that starts at `nextOffset`
/// (`chunkSize` bytes, the last one shorter) until it equals `size`, then
/// finish it. Keep the `uploadId` secret: whoever holds the id of a
/// requester's upload may add to it.
#[derive(SimpleObject)]
pub(crate) struct EvidenceUploadState {
    /// The upload's id, for `appendEvidence`, `evidenceUpload` and
    /// `finishEvidenceUpload`.
    upload_id: ID,
    /// The size announced, in bytes.
    size: u64,
    /// Bytes received so far.
    received_bytes: u64,
    /// Where the first chunk not received yet starts; equal to `size` when
    /// every chunk is in.
    next_offset: u64,
    /// Every chunk is `chunkSize` bytes but the last.
    chunk_size: u64,
    /// Finished: the file is on the case.
    complete: bool,
    /// After this instant an unfinished upload is deleted.
    expires_at: Timestamp,
}

impl From<EvidenceUpload> for EvidenceUploadState {
    fn from(upload: EvidenceUpload) -> Self {
        Self {
            upload_id: ID(upload.id.to_string()),
            size: upload.declared_size,
            received_bytes: upload.received_size,
            next_offset: upload.next_offset,
            chunk_size: CHUNK_BYTES,
            complete: upload.complete,
            expires_at: Timestamp(upload.expires_at),
        }
    }
}

/// A file received on a case, as whoever sent it may know it: no name,
/// no content.
#[derive(SimpleObject)]
pub(crate) struct EvidenceReceipt {
    /// Its number among the case's files.
    number: u32,
    /// Its kind, found from the content.
    kind: EvidenceKind,
    /// In Spanish, for people.
    kind_label: &'static str,
    /// Size in bytes.
    size: u64,
    /// The SHA-256 of the content as received (hex): the sender may keep
    /// it to show later that the file is the one they sent.
    sha256: String,
    /// When it was received whole.
    received_at: Timestamp,
}

impl From<&EvidenceFileRecord> for EvidenceReceipt {
    fn from(record: &EvidenceFileRecord) -> Self {
        Self {
            number: record.file.number,
            kind: record.file.kind.into(),
            kind_label: record.file.kind.label(),
            size: record.file.size,
            sha256: record.file.sha256.clone(),
            received_at: Timestamp(record.received_at),
        }
    }
}

/// A file received as evidence on a case (officers and supervisors only).
pub(crate) struct EvidenceFileView(pub(crate) EvidenceFileRecord);

/// A file received as evidence: what it is, its digest at receipt, and its
/// content chunk by chunk. Officers and supervisors only; reading the name
/// or the content is an audited sensitive read.
#[Object(name = "EvidenceFile")]
impl EvidenceFileView {
    /// The file's id, for `evidenceFile` and the download at
    /// `/consola/pruebas/{id}`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its number among the case's files (1, 2, …).
    async fn number(&self) -> u32 {
        self.0.file.number
    }

    /// Its kind, found from the content.
    async fn kind(&self) -> EvidenceKind {
        self.0.file.kind.into()
    }

    /// In Spanish, for people.
    async fn kind_label(&self) -> &'static str {
        self.0.file.kind.label()
    }

    /// The media type it is served as.
    async fn media_type(&self) -> &'static str {
        self.0.file.kind.media_type()
    }

    /// A name to save it under that says nothing of its content:
    /// `AT-2026-000123-prueba-3.jpg` (the name it was sent with is
    /// `givenName`).
    async fn download_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let record = db(ctx).case_record(self.0.case_id).await?;
        Ok(format!("{}-prueba-{}.{}", record.file_number, self.0.file.number, self.0.file.kind.extension()))
    }

    /// Size in bytes.
    async fn size(&self) -> u64 {
        self.0.file.size
    }

    /// The SHA-256 of the content as received (hex).
    async fn sha256(&self) -> &str {
        &self.0.file.sha256
    }

    /// How many chunks `content` reads it in.
    async fn chunks(&self) -> u64 {
        chunk_count(self.0.file.size)
    }

    /// The name the file was sent with; personal data (it may name a
    /// person or a place), an audited read.
    async fn given_name(&self, ctx: &Context<'_>) -> Option<&str> {
        record_read(ctx, self.0.case_id, format!("evidence.{}.givenName", self.0.file.number));
        self.0.given_name.as_deref()
    }

    /// The requester sent it (through the API, the defenders' pages or an
    /// app); otherwise `sentByRole` says which staff member's role.
    async fn sent_by_requester(&self) -> bool {
        self.0.sender_role == Role::Public
    }

    /// The role of the staff member who attached it; none when the
    /// requester sent it.
    async fn sent_by_role(&self) -> Option<StaffRole> {
        StaffRole::from_role(self.0.sender_role)
    }

    /// When it was received whole.
    async fn received_at(&self) -> Timestamp {
        Timestamp(self.0.received_at)
    }

    /// Chunk `chunk` (from 0) of the content, in base64: every chunk is
    /// 262,144 bytes but the last. An audited sensitive read.
    async fn content(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The chunk's number, from 0 to `chunks - 1`.")] chunk: u64,
    ) -> ApiResult<String> {
        if chunk >= chunk_count(self.0.file.size) {
            return Err(ApiError::bad_input("chunk", "ese archivo no tiene esa parte"));
        }
        record_read(ctx, self.0.case_id, format!("evidence.{}.content.{chunk}", self.0.file.number));
        let bytes = db(ctx).evidence_chunk(&self.0, chunk).await?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    }
}

#[derive(Default)]
pub(crate) struct EvidenceQuery;

#[Object]
impl EvidenceQuery {
    /// How far an upload got, to go on after a cut (whoever started it:
    /// for a requester's upload, whoever holds its id).
    async fn evidence_upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id `startEvidenceUpload` answered.")] upload_id: ID,
    ) -> ApiResult<EvidenceUploadState> {
        authorize(ctx, Operation::EvidenceUpload, Target::Nothing)?;
        Ok(own_upload(ctx, &upload_id).await?.into())
    }

    /// One evidence file (officers and supervisors); NOT_FOUND when there
    /// is none.
    async fn evidence_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's id (`EvidenceFile.id`).")] id: ID,
    ) -> ApiResult<EvidenceFileView> {
        authorize(ctx, Operation::EvidenceFile, Target::Nothing)?;
        let file_id = crate::inputs::id("id", &id)?;
        let record = db(ctx).evidence_file(file_id).await?;
        record.map(EvidenceFileView).ok_or_else(|| ApiError::NotFound("no existe ese archivo".into()))
    }
}

#[derive(Default)]
pub(crate) struct EvidenceMutation;

#[Object]
impl EvidenceMutation {
    /// The requester (file number and access key) starts uploading a file
    /// of `size` bytes to their request; refused at once when the request
    /// takes no more evidence or the file would pass a limit.
    async fn start_evidence_upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file number (`AT-2026-000123`).")] file_number: String,
        #[graphql(secret, desc = "The access key given when the request was filed.")] access_key: String,
        #[graphql(desc = "The file's size in bytes.")] size: u64,
        #[graphql(secret, desc = "The file's name, if any; personal data, sealed at rest.")] file_name: Option<String>,
    ) -> ApiResult<EvidenceUploadState> {
        authorize(ctx, Operation::StartEvidenceUpload, Target::Nothing)?;
        let case_id = requester_case(ctx, &file_number, &access_key).await?;
        Ok(start(ctx, case_id, size, file_name.as_deref(), None).await?.into())
    }

    /// An officer starts uploading a file of `size` bytes to a case.
    async fn start_case_evidence_upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id (`Case.id`).")] case_id: ID,
        #[graphql(desc = "The file's size in bytes.")] size: u64,
        #[graphql(secret, desc = "The file's name, if any; personal data, sealed at rest.")] file_name: Option<String>,
    ) -> ApiResult<EvidenceUploadState> {
        authorize(ctx, Operation::StartCaseEvidenceUpload, Target::Nothing)?;
        let case_id = id("caseId", &case_id)?;
        Ok(start(ctx, case_id, size, file_name.as_deref(), None).await?.into())
    }

    /// Adds the chunk that starts at `offset` to an upload. A chunk sent
    /// again (after a cut, not knowing whether it arrived) is taken once.
    async fn append_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id `startEvidenceUpload` answered.")] upload_id: ID,
        #[graphql(desc = "Where the chunk starts: a multiple of `chunkSize`.")] offset: u64,
        #[graphql(desc = "The chunk: `chunkSize` bytes, the last one shorter (a multipart file part).")] chunk: Upload,
    ) -> ApiResult<EvidenceUploadState> {
        authorize(ctx, Operation::AppendEvidence, Target::Nothing)?;
        let upload = own_upload(ctx, &upload_id).await?;
        let chunk = chunk.value(ctx).map_err(|_| ApiError::bad_input("chunk", "no se recibió el archivo"))?;
        let now = request(ctx).now;
        Ok(db(ctx).append_evidence_chunk(upload.id, offset, &chunk.content, now).await?.into())
    }

    /// Finishes an upload once every chunk is in: the content must be of
    /// an accepted kind and, when `sha256` is given, have that digest. The
    /// file is then on the case, recorded on its history.
    async fn finish_evidence_upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id `startEvidenceUpload` answered.")] upload_id: ID,
        #[graphql(desc = "What the file shows; personal data, sealed at rest.")] evidence: EvidenceInput,
        #[graphql(desc = "The SHA-256 of the whole file (hex), to check it arrived unchanged.")] sha256: Option<String>,
    ) -> ApiResult<EvidenceReceipt> {
        authorize(ctx, Operation::FinishEvidenceUpload, Target::Nothing)?;
        let upload = own_upload(ctx, &upload_id).await?;
        let record = finish(ctx, upload.id, &evidence, sha256.as_deref()).await?;
        Ok(EvidenceReceipt::from(&record))
    }

    /// An officer attaches a file to a case in one request (a multipart
    /// file part); larger files go in chunks (`startCaseEvidenceUpload`).
    async fn attach_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id (`Case.id`).")] case_id: ID,
        #[graphql(desc = "What the file shows; personal data, sealed at rest.")] evidence: EvidenceInput,
        #[graphql(desc = "The file (a multipart file part).")] file: Upload,
    ) -> ApiResult<EvidenceReceipt> {
        authorize(ctx, Operation::AttachEvidence, Target::Nothing)?;
        let case_id = id("caseId", &case_id)?;
        let record = whole_file(ctx, case_id, &evidence, &file, None).await?;
        Ok(EvidenceReceipt::from(&record))
    }
}

/// Adds a file received in one request to a case: started, sent chunk by
/// chunk and finished as a resumable upload would be, so the same checks
/// hold. Should it fail midway, what was stored expires with the upload.
pub(crate) async fn whole_file(
    ctx: &Context<'_>,
    case_id: Uuid,
    evidence: &EvidenceInput,
    file: &Upload,
    source_key: Option<String>,
) -> ApiResult<EvidenceFileRecord> {
    let file = file.value(ctx).map_err(|_| ApiError::bad_input("file", "no se recibió el archivo"))?;
    let name = Some(file.filename.as_str()).filter(|n| !n.is_empty());
    receive_file(ctx, case_id, evidence, name, &file.content, source_key).await
}

/// Adds `content` to a case as [`whole_file`] does, from bytes in hand (a
/// file an encrypted submission carried, opened).
pub(crate) async fn receive_file(
    ctx: &Context<'_>,
    case_id: Uuid,
    evidence: &EvidenceInput,
    name: Option<&str>,
    content: &[u8],
    source_key: Option<String>,
) -> ApiResult<EvidenceFileRecord> {
    let upload = start(ctx, case_id, content.len() as u64, name, source_key).await.map_err(|e| e.at_field("file"))?;
    let received = send_whole(ctx, upload.id, content, evidence).await;
    if received.is_err() {
        // Refused midway (not evidence, a description to correct): nothing
        // of it is kept, nor does it take the case's room until it expires.
        if let Err(error) = db(ctx).abandon_evidence_upload(upload.id).await {
            tracing::warn!(%error, "a refused evidence upload is left to expire");
        }
    }
    received.map_err(|e| e.at_field("file"))
}

async fn send_whole(
    ctx: &Context<'_>,
    upload_id: Uuid,
    content: &[u8],
    evidence: &EvidenceInput,
) -> ApiResult<EvidenceFileRecord> {
    let now = request(ctx).now;
    for (number, chunk) in content.chunks(CHUNK_BYTES as usize).enumerate() {
        let offset = number as u64 * CHUNK_BYTES;
        db(ctx).append_evidence_chunk(upload_id, offset, chunk, now).await?;
    }
    finish(ctx, upload_id, evidence, None).await
}

async fn start(
    ctx: &Context<'_>,
    case_id: Uuid,
    size: u64,
    name: Option<&str>,
    source_key: Option<String>,
) -> ApiResult<EvidenceUpload> {
    let settings = state(ctx).config.evidence;
    let request = request(ctx);
    let actor = request.actor();
    let upload = db(ctx)
        .start_evidence_upload(NewUpload {
            case_id,
            declared_size: size,
            given_name: name,
            limits: settings.limits,
            sender: &actor,
            at: request.now,
            lifetime: settings.upload_lifetime,
            source_key,
        })
        .await?;
    Ok(upload)
}

async fn finish(
    ctx: &Context<'_>,
    upload_id: Uuid,
    evidence: &EvidenceInput,
    sha256: Option<&str>,
) -> ApiResult<EvidenceFileRecord> {
    let request = request(ctx);
    let actor = request.actor();
    let finish = FinishUpload {
        id: upload_id,
        sha256,
        description: text("evidence.description", &evidence.description)?,
        reference: optional_text("evidence.reference", evidence.reference.as_deref())?,
        actor: &actor,
        at: request.now,
    };
    Ok(db(ctx).finish_evidence_upload(finish).await?)
}

/// The upload `raw` names, when the caller may go on with it: a
/// requester's upload to whoever holds its id (unguessable, answered only
/// to whoever proved the access key), a staff member's to them alone.
async fn own_upload(ctx: &Context<'_>, raw: &ID) -> ApiResult<EvidenceUpload> {
    let upload_id = parse_upload_id(raw)?;
    let request = request(ctx);
    let upload = db(ctx).evidence_upload(upload_id, request.now).await?;
    let caller = request.actor();
    let theirs = match upload.sender_role {
        Role::Public => true,
        _ => upload.sender_user_id.is_some() && upload.sender_user_id == caller.user_id,
    };
    match theirs {
        true => Ok(upload),
        false => Err(db::DbError::Evidence(domain::evidence::EvidenceRefusal::NoSuchUpload).into()),
    }
}

fn parse_upload_id(raw: &ID) -> ApiResult<Uuid> {
    id("uploadId", raw)
}

/// Officers list a case's files (`Case.evidenceFiles`).
pub(crate) async fn case_files(ctx: &Context<'_>, case_id: Uuid) -> ApiResult<Vec<EvidenceFileView>> {
    authorize(ctx, Operation::EvidenceFile, Target::Nothing)?;
    Ok(db(ctx).evidence_files(&[case_id]).await?.into_iter().map(EvidenceFileView).collect())
}
