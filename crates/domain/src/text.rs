//! Free text that people type: trimmed, never empty, bounded in length and
//! free of control characters (except line breaks and tabs in long texts).
//! Bounds keep a hostile client from filling the database through a single
//! field, and they are stated once here rather than at every call site.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Text of at most `MAX` characters (Unicode scalar values).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text<const MAX: usize>(String);

/// A person's or an organisation's name.
pub type Name = Text<200>;
/// A note, a reason, a short description.
pub type ShortText = Text<2_000>;
/// A narrative: the facts, a risk summary, a report.
pub type LongText = Text<20_000>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("no puede estar vacío")]
    Empty,
    #[error("no puede tener más de {max} caracteres")]
    TooLong { max: usize },
    #[error("contiene caracteres de control no permitidos")]
    ControlCharacters,
}

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > MAX {
            return Err(TextError::TooLong { max: MAX });
        }
        // Line breaks are fine in anything longer than a name.
        let allow_breaks = MAX > 200;
        let bad = |c: char| c.is_control() && !(allow_breaks && matches!(c, '\n' | '\r' | '\t'));
        if trimmed.chars().any(bad) {
            return Err(TextError::ControlCharacters);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// Parses an optional field: absent or blank means `None`.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, TextError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => Self::parse(value).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Free text may hold names and places: Debug never prints it, so a stray
// `{:?}` in a log line or a panic message cannot leak it.
impl<const MAX: usize> fmt::Debug for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text(<{} chars>)", self.0.chars().count())
    }
}

impl<const MAX: usize> TryFrom<String> for Text<MAX> {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl<const MAX: usize> From<Text<MAX>> for String {
    fn from(value: Text<MAX>) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(Name::parse("  Ana  ").unwrap().as_str(), "Ana");
        assert_eq!(Name::parse("   "), Err(TextError::Empty));
        assert_eq!(Name::parse(&"á".repeat(201)), Err(TextError::TooLong { max: 200 }));
        assert!(Name::parse(&"á".repeat(200)).is_ok());
    }

    #[test]
    fn line_breaks_only_in_long_text() {
        assert_eq!(Name::parse("a\nb"), Err(TextError::ControlCharacters));
        assert!(LongText::parse("primera línea\nsegunda").is_ok());
        assert_eq!(LongText::parse("a\u{0}b"), Err(TextError::ControlCharacters));
    }

    #[test]
    fn optional_blank_is_none() {
        assert_eq!(ShortText::parse_optional(None), Ok(None));
        assert_eq!(ShortText::parse_optional(Some("  ")), Ok(None));
        assert!(ShortText::parse_optional(Some("x")).unwrap().is_some());
    }

    #[test]
    fn debug_hides_content() {
        let secret = Name::parse("Máxima Acuña").unwrap();
        assert!(!format!("{secret:?}").contains("Acuña"));
    }
}
