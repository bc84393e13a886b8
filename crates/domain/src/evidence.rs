//! Evidence files (issue 18, decision 0013): what a file is, told from its
//! first bytes, never from its name or the type its sender claims; and the
//! limits a case's evidence keeps to.
//!
//! The kinds are those defenders record threats with on a phone: photos,
//! voice notes (Android's AMR and 3GP, WhatsApp's Opus in Ogg, MP3, AAC),
//! videos, and documents as PDF.

use serde::{Deserialize, Serialize};

use crate::codes::code_enum;

code_enum! {
    /// A kind of file accepted as evidence.
    pub enum EvidenceType ("tipo de archivo") {
        Jpeg = "JPEG", "Imagen JPEG";
        Png = "PNG", "Imagen PNG";
        Gif = "GIF", "Imagen GIF";
        Webp = "WEBP", "Imagen WebP";
        Heic = "HEIC", "Imagen HEIC";
        Mp3 = "MP3", "Audio MP3";
        Aac = "AAC", "Audio AAC";
        M4a = "M4A", "Audio M4A";
        Ogg = "OGG", "Audio Ogg (Opus, Vorbis)";
        Amr = "AMR", "Audio AMR";
        Wav = "WAV", "Audio WAV";
        ThreeGpp = "3GPP", "Audio o video 3GP";
        Mp4 = "MP4", "Video MP4";
        QuickTime = "MOV", "Video MOV";
        Webm = "WEBM", "Video WebM o Matroska";
        Pdf = "PDF", "Documento PDF";
    }
}

/// How many first bytes [`EvidenceType::sniff`] needs to tell every kind.
pub const SNIFF_BYTES: usize = 16;

/// Kinds told by their first bytes alone.
const SIGNATURES: [(&[u8], EvidenceType); 9] = [
    (b"\xFF\xD8\xFF", EvidenceType::Jpeg),
    (b"\x89PNG\r\n\x1A\n", EvidenceType::Png),
    (b"GIF87a", EvidenceType::Gif),
    (b"GIF89a", EvidenceType::Gif),
    (b"%PDF-", EvidenceType::Pdf),
    (b"OggS", EvidenceType::Ogg),
    (b"#!AMR", EvidenceType::Amr),
    (b"\x1A\x45\xDF\xA3", EvidenceType::Webm),
    (b"ID3", EvidenceType::Mp3),
];

/// RIFF containers, by their form type (bytes 8 to 12).
const RIFF_FORMS: [(&[u8], EvidenceType); 2] = [(b"WEBP", EvidenceType::Webp), (b"WAVE", EvidenceType::Wav)];

impl EvidenceType {
    /// The kind the content's first bytes show, or `None` when it is none
    /// of those accepted (the file is then refused, whatever its name).
    pub fn sniff(head: &[u8]) -> Option<Self> {
        let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
        if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
            return Some(*kind);
        }
        if at(0, b"RIFF") {
            return RIFF_FORMS.iter().find(|(form, _)| at(8, form)).map(|(_, kind)| *kind);
        }
        if at(4, b"ftyp") {
            return head.get(8..12).and_then(Self::of_brand);
        }
        match head {
            // An MPEG audio frame header (4 bytes): sync bits, a layer that
            // is not the reserved 00 (what tells ADTS apart), a bitrate and
            // a sample rate that are not the invalid ones.
            [0xFF, b1, b2, _, ..] if b1 & 0xE0 == 0xE0 && b1 & 0x06 != 0 && b2 >> 4 != 0xF && (b2 >> 2) & 3 != 3 => {
                Some(Self::Mp3)
            }
            // An ADTS (AAC) frame header (7 bytes), with a sampling rate
            // index in the table.
            [0xFF, b1, b2, _, _, _, _, ..] if b1 & 0xF6 == 0xF0 && (b2 >> 2) & 0xF < 13 => Some(Self::Aac),
            _ => None,
        }
    }

    /// An ISO media file by its major brand.
    fn of_brand(brand: &[u8]) -> Option<Self> {
        match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some(Self::Heic),
            b"M4A " | b"M4B " => Some(Self::M4a),
            b"qt  " => Some(Self::QuickTime),
            [b'3', b'g', ..] => Some(Self::ThreeGpp),
            b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1" | b"M4V " | b"MSNV"
            | b"dash" => Some(Self::Mp4),
            _ => None,
        }
    }

    /// The media type a download is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Heic => "image/heic",
            Self::Mp3 => "audio/mpeg",
            Self::Aac => "audio/aac",
            Self::M4a => "audio/mp4",
            Self::Ogg => "audio/ogg",
            Self::Amr => "audio/amr",
            Self::Wav => "audio/wav",
            Self::ThreeGpp => "video/3gpp",
            Self::Mp4 => "video/mp4",
            Self::QuickTime => "video/quicktime",
            Self::Webm => "video/webm",
            Self::Pdf => "application/pdf",
        }
    }

    /// The extension of a download's neutral name (never the name given).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Heic => "heic",
            Self::Mp3 => "mp3",
            Self::Aac => "aac",
            Self::M4a => "m4a",
            Self::Ogg => "ogg",
            Self::Amr => "amr",
            Self::Wav => "wav",
            Self::ThreeGpp => "3gp",
            Self::Mp4 => "mp4",
            Self::QuickTime => "mov",
            Self::Webm => "webm",
            Self::Pdf => "pdf",
        }
    }
}

/// How much evidence a case may hold. Configurable: a deployment with more
/// storage may allow longer videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceLimits {
    pub max_file_bytes: u64,
    pub max_case_bytes: u64,
    pub max_files_per_case: u32,
}

impl Default for EvidenceLimits {
    /// A few minutes of phone video per file; a case's worth of photos,
    /// voice notes and documents.
    fn default() -> Self {
        Self { max_file_bytes: 64 << 20, max_case_bytes: 512 << 20, max_files_per_case: 50 }
    }
}

/// Why a file cannot be added, with the limit it would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OverLimit {
    #[error("el archivo supera el máximo de {max} bytes")]
    FileTooLarge { max: u64 },
    #[error("el expediente ya guarda el máximo de {max} bytes de pruebas")]
    CaseFull { max: u64 },
    #[error("el expediente ya tiene el máximo de {max} archivos de prueba")]
    TooManyFiles { max: u32 },
    #[error("el archivo está vacío")]
    Empty,
}

/// What a case already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseEvidence {
    pub files: u32,
    pub bytes: u64,
}

impl EvidenceLimits {
    /// Whether a file of `size` bytes may be added to a case holding `held`
    /// (checked when an upload starts, with the size declared, and again
    /// when it ends, with the size received).
    pub fn admit(&self, size: u64, held: CaseEvidence) -> Result<(), OverLimit> {
        if size == 0 {
            return Err(OverLimit::Empty);
        }
        if size > self.max_file_bytes {
            return Err(OverLimit::FileTooLarge { max: self.max_file_bytes });
        }
        if held.files >= self.max_files_per_case {
            return Err(OverLimit::TooManyFiles { max: self.max_files_per_case });
        }
        if held.bytes.saturating_add(size) > self.max_case_bytes {
            return Err(OverLimit::CaseFull { max: self.max_case_bytes });
        }
        Ok(())
    }
}

/// A file recorded as evidence on a case, as the case's history keeps it:
/// which of the case's files, what it is, how large, and the SHA-256 of
/// its content at receipt (hex), which shows later that it is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceFile {
    /// Its number among the case's files (1, 2, …).
    pub number: u32,
    pub kind: EvidenceType,
    pub size: u64,
    pub sha256: String,
}

/// Files arrive, are sealed and are stored in chunks of this size (the
/// last one shorter): small enough for a phone on a bad connection to
/// resend one after a cut, large enough that a video is a few hundred.
pub const CHUNK_BYTES: u64 = 256 * 1024;

/// How many chunks a file of `size` bytes is stored in.
pub fn chunk_count(size: u64) -> u64 {
    size.div_ceil(CHUNK_BYTES)
}

/// Why a piece of an upload does not fit the file it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("cada parte debe empezar en un múltiplo de {CHUNK_BYTES} bytes")]
    NotAtBoundary,
    #[error("la parte empieza después del final del archivo declarado")]
    PastTheEnd,
    #[error("esta parte debe tener {expected} bytes")]
    WrongLength { expected: u64 },
}

/// The number (from 0) of the chunk `len` bytes at `offset` are, in a file
/// declared of `size` bytes: every chunk is whole except the last.
pub fn chunk_at(size: u64, offset: u64, len: u64) -> Result<u64, ChunkError> {
    if !offset.is_multiple_of(CHUNK_BYTES) {
        return Err(ChunkError::NotAtBoundary);
    }
    if offset >= size {
        return Err(ChunkError::PastTheEnd);
    }
    let expected = (size - offset).min(CHUNK_BYTES);
    if len != expected {
        return Err(ChunkError::WrongLength { expected });
    }
    Ok(offset / CHUNK_BYTES)
}

/// Why a file is not received, each with the input it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceRefusal {
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
    #[error(transparent)]
    Chunk(#[from] ChunkError),
    #[error("el contenido no es una imagen, un audio, un video o un PDF de los tipos admitidos")]
    UnknownKind,
    #[error("faltan partes del archivo: {missing} de {of}")]
    Incomplete { missing: u64, of: u64 },
    /// A chunk sent again after a cut, but not the same bytes.
    #[error("esta parte ya se recibió con otro contenido")]
    ChunkChanged,
    #[error("el contenido recibido no corresponde a la huella SHA-256 indicada")]
    DigestMismatch,
    /// Not started, expired (unfinished uploads are deleted), or not the
    /// caller's.
    #[error("no existe esa subida de archivo o ya venció; vuelva a empezarla")]
    NoSuchUpload,
}

impl EvidenceRefusal {
    /// The input the refusal is about, by its name in the API.
    pub fn input_field(self) -> &'static str {
        match self {
            Self::OverLimit(_) => "size",
            Self::Chunk(_) => "offset",
            Self::UnknownKind | Self::Incomplete { .. } | Self::ChunkChanged => "chunk",
            Self::DigestMismatch => "sha256",
            Self::NoSuchUpload => "uploadId",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(head: &[u8]) -> Vec<u8> {
        let mut bytes = head.to_vec();
        bytes.resize(SNIFF_BYTES, 0);
        bytes
    }

    #[test]
    fn the_first_bytes_tell_the_kind() {
        let cases: [(&[u8], EvidenceType); 18] = [
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", EvidenceType::Jpeg),
            (b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR", EvidenceType::Png),
            (b"GIF89a", EvidenceType::Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", EvidenceType::Webp),
            (b"RIFF\x24\0\0\0WAVEfmt ", EvidenceType::Wav),
            (b"\0\0\0\x18ftypheic", EvidenceType::Heic),
            (b"\0\0\0\x1cftypM4A \0\0\0\0", EvidenceType::M4a),
            (b"\0\0\0\x18ftyp3gp4\0\0\0\0", EvidenceType::ThreeGpp),
            (b"\0\0\0\x14ftypqt  ", EvidenceType::QuickTime),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", EvidenceType::Mp4),
            (b"\0\0\0\x18ftypmp42", EvidenceType::Mp4),
            (b"ID3\x04\0\0\0\0\0\0", EvidenceType::Mp3),
            (b"\xFF\xFB\x90\x64", EvidenceType::Mp3),
            (b"\xFF\xF1\x50\x80\x02\x1F\xFC", EvidenceType::Aac),
            (b"OggS\0\x02\0\0", EvidenceType::Ogg),
            (b"#!AMR\n", EvidenceType::Amr),
            (b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81", EvidenceType::Webm),
            (b"%PDF-1.7\n", EvidenceType::Pdf),
        ];
        for (head, kind) in cases {
            assert_eq!(EvidenceType::sniff(&padded(head)), Some(kind), "{head:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_whatever_it_claims() {
        for head in [
            &b"MZ\x90\0"[..],      // a Windows program
            b"\x7FELF\x02\x01",    // a Linux one
            b"PK\x03\x04",         // a zip (and every office file)
            b"<html><script>",     // a page
            b"\0\0\0\x18ftypcrx ", // an ISO file of no accepted brand
            b"RIFF\x24\0\0\0AVI ", // RIFF, but neither WebP nor WAV
            b"\xFF\xF9",           // too short to be a frame
            b"\xFF\xFB\xF0\x00",   // a frame header with the invalid bitrate
            b"",
        ] {
            assert_eq!(EvidenceType::sniff(head), None, "{head:?}");
        }
    }

    #[test]
    fn every_kind_has_its_code_media_type_and_extension() {
        for kind in EvidenceType::ALL {
            assert_eq!(EvidenceType::parse(kind.code()), Ok(*kind));
            assert!(kind.media_type().contains('/'));
            assert!(!kind.extension().is_empty());
        }
    }

    #[test]
    fn limits_hold_per_file_per_case_and_in_number() {
        let limits = EvidenceLimits { max_file_bytes: 100, max_case_bytes: 250, max_files_per_case: 3 };
        let held = CaseEvidence { files: 2, bytes: 200 };
        assert_eq!(limits.admit(50, held), Ok(()));
        assert_eq!(limits.admit(51, held), Err(OverLimit::CaseFull { max: 250 }));
        assert_eq!(limits.admit(101, CaseEvidence::default()), Err(OverLimit::FileTooLarge { max: 100 }));
        assert_eq!(limits.admit(1, CaseEvidence { files: 3, bytes: 0 }), Err(OverLimit::TooManyFiles { max: 3 }));
        assert_eq!(limits.admit(0, CaseEvidence::default()), Err(OverLimit::Empty));
        assert_eq!(
            limits.admit(u64::MAX, CaseEvidence { files: 0, bytes: 1 }),
            Err(OverLimit::FileTooLarge { max: 100 })
        );
    }

    #[test]
    fn a_file_is_cut_in_whole_chunks_but_the_last() {
        let size = 2 * CHUNK_BYTES + 10;
        assert_eq!(chunk_count(size), 3);
        assert_eq!(chunk_count(CHUNK_BYTES), 1);
        assert_eq!(chunk_at(size, 0, CHUNK_BYTES), Ok(0));
        assert_eq!(chunk_at(size, 2 * CHUNK_BYTES, 10), Ok(2));
        assert_eq!(chunk_at(size, 2 * CHUNK_BYTES, 11), Err(ChunkError::WrongLength { expected: 10 }));
        assert_eq!(chunk_at(size, CHUNK_BYTES, 10), Err(ChunkError::WrongLength { expected: CHUNK_BYTES }));
        assert_eq!(chunk_at(size, 10, 10), Err(ChunkError::NotAtBoundary));
        assert_eq!(chunk_at(size, 3 * CHUNK_BYTES, 1), Err(ChunkError::PastTheEnd));
    }
}
