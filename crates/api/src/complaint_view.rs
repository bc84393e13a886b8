//! A case's complaints to the Public Prosecutor as the API shows them,
//! with the office and file number the history keeps sealed.

use async_graphql::Object;
use domain::workflow::{ComplaintRecord, ComplaintUpdate};

use crate::enums::ComplaintStatus;
use crate::scalars::Date;

/// A complaint of a case, with what the history keeps sealed.
pub(crate) struct ComplaintView(pub(crate) ComplaintRecord);

/// A complaint filed with the Public Prosecutor about the case, and the
/// stages it went through.
#[Object(name = "Complaint")]
impl ComplaintView {
    /// Its number within the case: 1, 2, … in the order recorded.
    async fn number(&self) -> i32 {
        i32::from(self.0.no.0)
    }

    /// The day it was filed (`YYYY-MM-DD`, America/Lima).
    async fn filed_on(&self) -> Date {
        Date(self.0.filing.filed_on)
    }

    /// The prosecutor's office. Personal data: it locates the case in
    /// public court records.
    async fn office(&self) -> &str {
        self.0.filing.office.as_str()
    }

    /// The prosecutor's file number. Personal data.
    async fn file_number(&self) -> &str {
        self.0.filing.file_number.as_str()
    }

    /// The stage it is at now.
    async fn status(&self) -> ComplaintStatus {
        self.0.current().0.into()
    }

    /// In Spanish, for people.
    async fn status_label(&self) -> &'static str {
        self.0.current().0.label()
    }

    /// When it reached that stage (`YYYY-MM-DD`, America/Lima).
    async fn status_on(&self) -> Date {
        Date(self.0.current().1)
    }

    /// Every stage after the filing, oldest first.
    async fn stages(&self) -> Vec<ComplaintStageView<'_>> {
        self.0.stages.iter().map(ComplaintStageView).collect()
    }
}

/// A stage a complaint reached.
pub(crate) struct ComplaintStageView<'a>(&'a ComplaintUpdate);

/// A stage a complaint reached after it was filed, with the act's date.
#[Object(name = "ComplaintStage")]
impl ComplaintStageView<'_> {
    /// The stage.
    async fn status(&self) -> ComplaintStatus {
        self.0.status.into()
    }

    /// In Spanish, for people.
    async fn status_label(&self) -> &'static str {
        self.0.status.label()
    }

    /// The day it was reached (`YYYY-MM-DD`, America/Lima).
    async fn on(&self) -> Date {
        Date(self.0.on)
    }

    /// What the act said. Personal data.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_ref().map(|n| n.as_str())
    }
}
