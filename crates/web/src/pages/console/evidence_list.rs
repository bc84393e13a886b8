//! The case page's evidence files as rows: which of the case's files, its
//! kind and size, when it arrived (Lima time), who sent it (the requester,
//! or a staff member's role), the name it was sent with, its SHA-256
//! (shortened, whole on request) and where to download it
//! (`/consola/pruebas/{id}`).

use chrono::{FixedOffset, NaiveDate};
use domain::roles::Role;

use super::case_view::EvidenceFile;
use super::due;
use crate::pages::catalogue::{Text, Tr};
use crate::pages::sizes;

/// Hex digits of the digest shown before it is opened.
const SHORT_DIGEST: usize = 12;

/// One file, as the table shows it.
pub(crate) struct FileRow {
    pub(crate) number: u32,
    pub(crate) kind: String,
    pub(crate) size: Text,
    pub(crate) received: Text,
    pub(crate) sender: Text,
    pub(crate) given_name: Option<String>,
    pub(crate) short_digest: String,
    pub(crate) sha256: String,
    pub(crate) download: String,
}

pub(crate) fn rows(t: Tr, files: &[EvidenceFile], today: NaiveDate) -> Vec<FileRow> {
    // Peru keeps UTC−5 all year.
    let lima = FixedOffset::west_opt(5 * 3600).expect("a valid offset");
    files
        .iter()
        .map(|file| {
            let at = file.received_at.with_timezone(&lima);
            let sender = match (file.sent_by_requester, file.sent_by_role.as_deref().map(Role::parse)) {
                (true, _) => t.t("envio-solicitante"),
                (false, Some(Ok(role))) => Text::plain(role.label()),
                (false, _) => t.t("envio-personal"),
            };
            FileRow {
                number: file.number,
                kind: file.kind_label.clone(),
                size: sizes::size(t, file.size),
                received: t.with(
                    "consola-prueba-recibida",
                    [
                        ("fecha", due::weekday_date(t, at.date_naive(), today).as_str().into()),
                        ("hora", at.format("%H:%M").to_string().into()),
                    ],
                ),
                sender,
                given_name: file.given_name.clone(),
                short_digest: file.sha256.chars().take(SHORT_DIGEST).collect(),
                sha256: file.sha256.clone(),
                download: format!("/consola/pruebas/{}", file.id),
            }
        })
        .collect()
}
