//! Intake from the apps defenders carry (ODK Collect, Tella) over
//! OpenRosa: admins issue, name and revoke the tokens the apps submit
//! with; an app with a token reads the form (`intakeForm`) and submits a
//! filled instance with its attachments (`submitAppInstance`), which is
//! filed exactly as `submitRequest` files a request (the same parse, the
//! instance's id as the idempotency key) and whose attachments become
//! evidence files, each received once however many times the app sends
//! it. The `web` crate carries this over OpenRosa's HTTP.

use async_graphql::{Context, ID, Object, SimpleObject, Upload};

use crate::auth::{Principal, secrets};
use crate::authz::{Operation, Target};
use crate::context::{authorize, db, request, state};
use crate::encrypted_submission;
use crate::enums::Channel;
use crate::error::{ApiError, ApiResult};
use crate::evidence::receive_file;
use crate::inputs::EvidenceInput;
use crate::intake::{KeyBack, file_input};
use crate::scalars::Timestamp;
use crate::xform;

/// A token an app submits requests with.
#[derive(SimpleObject)]
#[graphql(name = "IntakeToken")]
pub(crate) struct IntakeTokenView {
    /// The token's id, for `revokeIntakeToken` (not the secret).
    id: ID,
    /// Who holds it: a device, an organisation.
    name: String,
    /// The channel its submissions are recorded as.
    app: Channel,
    /// When an admin issued it.
    issued_at: Timestamp,
    /// Revoked: its submissions are refused.
    revoked_at: Option<Timestamp>,
}

impl From<db::IntakeToken> for IntakeTokenView {
    fn from(token: db::IntakeToken) -> Self {
        Self {
            id: ID(token.id.to_string()),
            name: token.name,
            app: token.app.into(),
            issued_at: Timestamp(token.issued_at),
            revoked_at: token.revoked_at.map(Timestamp),
        }
    }
}

/// A token just issued: the only time the token itself is shown.
#[derive(SimpleObject)]
pub(crate) struct IssuedIntakeToken {
    /// The token as the list shows it.
    token: IntakeTokenView,
    /// The secret to put in the app's server address,
    /// `https://…/openrosa/{secret}`: whoever has it can submit requests
    /// (and nothing else). Shown once; only a keyed hash is kept.
    secret: String,
}

/// The request form as an XForm, for apps.
#[derive(SimpleObject)]
pub(crate) struct IntakeForm {
    /// The form's id (`resguardo-solicitud`).
    form_id: &'static str,
    /// Changes with the form's definition and its reference data.
    version: String,
    /// The form's title.
    name: &'static str,
    /// The XForm.
    xml: String,
}

/// What an app's submission did. It never carries the access key: apps
/// keep the server's answers in clear on the phone.
#[derive(SimpleObject)]
pub(crate) struct AppSubmission {
    /// The file number (*expediente*), e.g. `AT-2026-000123`.
    file_number: String,
    /// The same instance had been received before: nothing new was filed.
    replayed: bool,
    /// Files of this submission received now.
    files_received: u32,
    /// Files the instance names that are on the case, counting those
    /// received earlier.
    files_on_case: u32,
    /// Files the instance names.
    files_named: u32,
}

#[derive(Default)]
pub(crate) struct OpenRosaQuery;

#[Object]
impl OpenRosaQuery {
    /// The tokens apps submit with (admins), the newest first.
    async fn intake_tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<IntakeTokenView>> {
        authorize(ctx, Operation::IntakeTokens, Target::Nothing)?;
        Ok(db(ctx).intake_tokens().await?.into_iter().map(Into::into).collect())
    }

    /// The request form, for an app with an intake token.
    async fn intake_form(&self, ctx: &Context<'_>) -> ApiResult<IntakeForm> {
        authorize(ctx, Operation::IntakeForm, Target::Nothing)?;
        let form = current_form(ctx).await?;
        Ok(IntakeForm { form_id: xform::FORM_ID, version: form.version, name: xform::TITLE, xml: form.xml })
    }
}

#[derive(Default)]
pub(crate) struct OpenRosaMutation;

#[Object]
impl OpenRosaMutation {
    /// Issues a token for ODK Collect or Tella (admins): its secret is in
    /// the answer, once.
    async fn issue_intake_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who will hold it (a device, an organisation); at most 200 characters.")] name: String,
        #[graphql(desc = "`ODK_COLLECT` or `TELLA`: the channel its submissions are recorded as.")] app: Channel,
    ) -> ApiResult<IssuedIntakeToken> {
        let request = authorize(ctx, Operation::IssueIntakeToken, Target::Nothing)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApiError::bad_input("name", "indique un nombre de 1 a 200 caracteres"));
        }
        let secret = secrets::new_intake_token()?;
        let hash = secrets::intake_token_hash(&state(ctx).config.access_key_secret, &secret);
        let token = db(ctx).issue_intake_token(name, app.into(), &hash, &request.actor(), request.now).await?;
        Ok(IssuedIntakeToken { token: token.into(), secret })
    }

    /// Revokes a token (admins): its next submission is refused.
    async fn revoke_intake_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's id (`IntakeToken.id`).")] id: ID,
    ) -> ApiResult<IntakeTokenView> {
        let request = authorize(ctx, Operation::RevokeIntakeToken, Target::Nothing)?;
        let token_id = crate::inputs::id("id", &id)?;
        Ok(db(ctx).revoke_intake_token(token_id, &request.actor(), request.now).await?.into())
    }

    /// Makes a new key pair for the form (admins): phones that download
    /// the form again encrypt to it; the older keys keep decrypting what
    /// was filled before. Answers the form's new version.
    async fn rotate_intake_form_key(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let request = authorize(ctx, Operation::RotateIntakeFormKey, Target::Nothing)?;
        let (public, private) = encrypted_submission::new_key_pair()?;
        db(ctx).add_intake_form_key(&public, &private, request.now).await?;
        Ok(current_form(ctx).await?.version)
    }

    /// An app (with an intake token) submits a filled form with the files
    /// it names, all or some of them, in clear (Tella) or encrypted to the
    /// form's key (ODK Collect): the same instance sent again files nothing
    /// new and adds only the files not received yet; another instance under
    /// the same id is refused (CONFLICT). Problems are named by the form's
    /// question (`/data/facts`).
    async fn submit_app_instance(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret, desc = "The instance (or an encrypted submission's manifest), as the app sent it (XML).")]
        instance: String,
        #[graphql(desc = "Files the instance names, by their file names (multipart file parts).", default)] files: Vec<
            Upload,
        >,
    ) -> ApiResult<AppSubmission> {
        let request = authorize(ctx, Operation::SubmitAppInstance, Target::Nothing)?;
        let Principal::Device(device) = &request.principal else { return Err(ApiError::Forbidden) };
        let mut received = Vec::with_capacity(files.len());
        for upload in &files {
            let value = upload.value(ctx).map_err(|_| ApiError::bad_input("files", "no se recibió el archivo"))?;
            received.push((value.filename, value.content.to_vec()));
        }
        let (instance, received) = open_if_encrypted(ctx, instance, received).await?;
        let parsed = xform::instance(&instance).map_err(|e| ApiError::bad_input("instance", e.to_string()))?;
        // Every file must be one the instance names, before anything is filed.
        let mut named_files = Vec::with_capacity(received.len());
        for (name, content) in received {
            let Some(named) = parsed.attachments.iter().find(|a| a.file_name == name) else {
                return Err(ApiError::bad_input("files", "el envío incluye un archivo que el formulario no nombra"));
            };
            named_files.push((named.clone(), content));
        }
        let today = crate::context::today(ctx);
        let key = &parsed.idempotency_key;
        let filed = file_input(ctx, key, parsed.input, device.app, Operation::SubmitAppInstance, today, KeyBack::Never)
            .await
            .map_err(by_question)?;
        let db = db(ctx);
        let case_id = db.find_case_by_file_number(&filed.file_number).await?;
        let mut files_received = 0;
        for (named, content) in named_files {
            let source = source_key(ctx, key, &named.file_name);
            if db.evidence_source_received(case_id, &source, request.now).await? {
                continue;
            }
            let evidence = EvidenceInput { description: named.description.clone(), reference: None };
            receive_file(ctx, case_id, &evidence, Some(&named.file_name), &content, Some(source))
                .await
                .map_err(|e| e.at_field(&named.file_name))?;
            files_received += 1;
        }
        let mut files_on_case = 0;
        for named in &parsed.attachments {
            let source = source_key(ctx, key, &named.file_name);
            files_on_case += u32::from(db.evidence_source_received(case_id, &source, request.now).await?);
        }
        Ok(AppSubmission {
            file_number: filed.file_number,
            replayed: filed.replayed,
            files_received,
            files_on_case,
            files_named: parsed.attachments.len() as u32,
        })
    }
}

/// A file an app sent: its name and its bytes.
type Received = Vec<(String, Vec<u8>)>;

/// The instance and files of a submission: as sent, or opened when the
/// XML part is an encrypted submission's manifest.
async fn open_if_encrypted(ctx: &Context<'_>, instance: String, files: Received) -> ApiResult<(String, Received)> {
    if !encrypted_submission::is_manifest(&instance) {
        return Ok((instance, files));
    }
    let keys: Vec<Vec<u8>> = db(ctx).intake_form_keys().await?.into_iter().map(|k| k.private_key).collect();
    let parts: Vec<(String, &[u8])> = files.iter().map(|(name, bytes)| (name.clone(), bytes.as_slice())).collect();
    let opened = encrypted_submission::open(&instance, &parts, &keys)
        .map_err(|e| ApiError::bad_input("instance", e.to_string()))?;
    Ok((opened.instance, opened.files))
}

/// The form as the reference data and the newest key pair make it now; the
/// first key pair is made the first time the form is asked for.
async fn current_form(ctx: &Context<'_>) -> ApiResult<xform::Form> {
    let db = db(ctx);
    let mut keys = db.intake_form_keys().await?;
    if keys.is_empty() {
        let (public, private) = encrypted_submission::new_key_pair()?;
        db.add_intake_form_key(&public, &private, request(ctx).now).await?;
        keys = db.intake_form_keys().await?;
    }
    let departments: Vec<(String, String)> =
        db.departments().await?.into_iter().map(|d| (d.code.to_string(), d.name)).collect();
    let measure_types: Vec<(String, String)> =
        db.measure_types().await?.into_iter().filter(|t| t.active).map(|t| (t.code.to_string(), t.name)).collect();
    let subdivisions = |list: Vec<db::Subdivision>| -> Vec<(String, String)> {
        list.into_iter().map(|place| (place.code.to_string(), place.name)).collect()
    };
    let provinces = subdivisions(db.provinces().await?);
    let districts = subdivisions(db.districts().await?);
    let public_key = keys.first().map(|k| k.public_key.as_str());
    Ok(xform::form(&xform::Reference {
        departments: &departments,
        provinces: &provinces,
        districts: &districts,
        measure_types: &measure_types,
        public_key,
    }))
}

/// What identifies a file among an app's resends of one instance: keyed,
/// so the database does not hold the files' names in a guessable form.
fn source_key(ctx: &Context<'_>, idempotency_key: &str, file_name: &str) -> String {
    let key = state(ctx).config.access_key_secret.derive("app-attachment");
    secrets::keyed_digest(&key, &format!("{idempotency_key}\0{file_name}"))
}

/// Input problems named by the form's question rather than by the API's
/// field (`input.beneficiaries[0].name` is `/data/beneficiary[1]/name`).
fn by_question(error: ApiError) -> ApiError {
    match error {
        ApiError::BadInput { problems } => ApiError::BadInput {
            problems: problems
                .into_iter()
                .map(|p| {
                    let field = p.field.strip_prefix("input.").unwrap_or(&p.field);
                    domain::request::FieldError { field: xform::question_of(field), message: p.message }
                })
                .collect(),
        },
        other => other,
    }
}
