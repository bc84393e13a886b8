//! How a requester may be reached. Only the shape is checked: whether an
//! address works is learnt by writing to it.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("no es una dirección de correo electrónico válida")]
    Email,
    #[error("no es un número de teléfono válido (de 6 a 15 dígitos, con + opcional)")]
    Phone,
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let value = raw.trim();
        let (local, domain) = value.split_once('@').ok_or(ContactError::Email)?;
        let well_formed = value.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed { Ok(Self(value.to_owned())) } else { Err(ContactError::Email) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PhoneNumber {
    /// Keeps the digits (and a leading `+`); spaces, dots and dashes are
    /// accepted on input because that is how people write numbers.
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let value = raw.trim();
        let (plus, rest) = match value.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", value),
        };
        if !rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.')) {
            return Err(ContactError::Phone);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if !(6..=15).contains(&digits.len()) {
            return Err(ContactError::Phone);
        }
        Ok(Self(format!("{plus}{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Contact details are personal data: never printed by Debug.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ContactError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = ContactError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(EmailAddress::parse(" ana@example.pe ").unwrap().as_str(), "ana@example.pe");
        for bad in ["", "ana", "ana@", "@example.pe", "ana@pe", "ana@.pe", "a na@example.pe", "a@b@c.pe"] {
            assert_eq!(EmailAddress::parse(bad), Err(ContactError::Email), "{bad}");
        }
    }

    #[test]
    fn phones_keep_digits() {
        assert_eq!(PhoneNumber::parse("+51 987-654-321").unwrap().as_str(), "+51987654321");
        assert_eq!(PhoneNumber::parse("01 4411234").unwrap().as_str(), "014411234");
        for bad in ["", "12345", "abc123456", "+", "1234567890123456", "++51987654321"] {
            assert_eq!(PhoneNumber::parse(bad), Err(ContactError::Phone), "{bad}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let email = EmailAddress::parse("ana@example.pe").unwrap();
        assert!(!format!("{email:?}").contains("ana"));
    }
}
