//! The road to justice as the API takes it: officers record the complaints
//! filed with the Public Prosecutor about a case and each stage they reach.
//! The office and the prosecutor's file number are sealed at rest (in the
//! case's history) and read back only by those who read the case.

use async_graphql::{Context, ID, InputObject, Object};
use domain::workflow::{Command, ComplaintFiling, ComplaintNo, ComplaintUpdate};

use crate::authz::{Operation, Target};
use crate::cases::CaseView;
use crate::context::authorize;
use crate::enums::ComplaintStatus;
use crate::error::{ApiError, ApiResult};
use crate::inputs::{optional_text, text};
use crate::scalars::Date;
use crate::triage::case_command_under;

/// A complaint filed with the Public Prosecutor (*Ministerio Público*).
#[derive(InputObject)]
pub(crate) struct ComplaintInput {
    /// The day it was filed (Lima); not after today. It may precede the
    /// request.
    filed_on: Date,
    /// The prosecutor's office (*Fiscalía Provincial Penal de …*), up to
    /// 2 000 characters. Sealed.
    #[graphql(secret)]
    office: String,
    /// The prosecutor's file (*carpeta fiscal*) number, up to 80
    /// characters. Sealed.
    #[graphql(secret)]
    file_number: String,
}

/// A new stage of a complaint.
#[derive(InputObject)]
pub(crate) struct ComplaintUpdateInput {
    /// The complaint's `number` within the case.
    complaint_number: i32,
    /// The stage it reached; not the one it is at.
    status: ComplaintStatus,
    /// The day it reached it (the act's date); not after today nor before
    /// its previous stage.
    on: Date,
    /// What the act said, up to 2 000 characters. Sealed.
    #[graphql(secret)]
    note: Option<String>,
}

#[derive(Default)]
pub(crate) struct ComplaintsMutation;

#[Object]
impl ComplaintsMutation {
    /// Records a complaint filed with the Public Prosecutor about the case,
    /// at stage FILED; the registry counts cases with one. Refused on an
    /// archived case. Officers and supervisors.
    async fn record_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "When it was filed, where and under which file number.")] input: ComplaintInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::RecordComplaint, Target::Nothing)?;
        let filing = ComplaintFiling {
            filed_on: input.filed_on.0,
            office: text("input.office", &input.office)?,
            file_number: text("input.fileNumber", &input.file_number)?,
        };
        case_command_under(ctx, Operation::RecordComplaint, &case_id, Command::RecordComplaint(filing), Some("input"))
            .await
    }

    /// Records the stage a complaint reached (preliminary inquiry,
    /// indictment, a sentence, dismissal…), archived cases included: the
    /// road to justice outlasts the protection. Officers and supervisors.
    async fn update_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's `id`.")] case_id: ID,
        #[graphql(desc = "Which complaint, its new stage and when.")] input: ComplaintUpdateInput,
    ) -> ApiResult<CaseView> {
        authorize(ctx, Operation::UpdateComplaint, Target::Nothing)?;
        let complaint = u16::try_from(input.complaint_number)
            .map_err(|_| ApiError::bad_input("input.complaintNumber", "no existe esa denuncia"))?;
        let update = ComplaintUpdate {
            complaint: ComplaintNo(complaint),
            status: input.status.into(),
            on: input.on.0,
            note: optional_text("input.note", input.note.as_deref())?,
        };
        case_command_under(ctx, Operation::UpdateComplaint, &case_id, Command::UpdateComplaint(update), Some("input"))
            .await
    }
}
