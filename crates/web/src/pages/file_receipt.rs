//! What the defender is told of a file the API took as evidence: its
//! kind, its size and its SHA-256, to keep and show later that the file
//! on their request is the one they sent. `addEvidence` answers the
//! request's status only, so the page says it of the bytes it sent: the
//! API finds the kind from the same first bytes with the same rule
//! (`domain::evidence`) and records the digest of the same content.

use domain::evidence::{EvidenceType, SNIFF_BYTES};
use sha2::{Digest, Sha256};

use super::catalogue::{Text, Tr};
use super::sizes;

/// The receipt line of one file.
pub(crate) struct FileReceipt {
    pub(crate) kind: Text,
    pub(crate) size: Text,
    /// Hex, lower case, as the console shows it to the officers.
    pub(crate) sha256: String,
}

impl FileReceipt {
    pub(crate) fn of(t: Tr, content: &[u8]) -> Self {
        let kind = match EvidenceType::sniff(&content[..content.len().min(SNIFF_BYTES)]) {
            Some(kind) => Text::spanish(kind.label(), t.lang),
            None => t.t("seguimiento-archivo-tipo-otro"),
        };
        let sha256 = crate::hex(&Sha256::digest(content));
        Self { kind, size: sizes::size(t, content.len() as u64), sha256 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::catalogue::Lang;

    #[test]
    fn a_photo_is_said_by_its_kind_size_and_digest() {
        let receipt = FileReceipt::of(Tr::new(Lang::Es), b"\xFF\xD8\xFF\xE0\0\x10JFIF\0");
        assert_eq!(receipt.kind.as_str(), "Imagen JPEG");
        assert_eq!(receipt.size.as_str(), "11 bytes");
        assert_eq!(receipt.sha256.len(), 64);
        let empty = FileReceipt::of(Tr::new(Lang::Es), b"");
        assert_eq!(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
