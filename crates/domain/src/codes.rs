//! Closed lists of values (states, categories, tracks) and open lists kept as
//! reference data (sectors, measure types).
//!
//! A closed list is an enum with a stable code (what the database stores and
//! programs send) and a Spanish label (what people read). `code_enum!` writes
//! the three views once so they can never disagree.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A code that is not in a closed list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("valor desconocido para {list}")]
pub struct UnknownCode {
    /// The list's name in Spanish, e.g. "tipo de agresión".
    pub list: &'static str,
}

/// A closed list declared with `code_enum!`, for code that reads any of
/// them (a spreadsheet's column holds a code or its label).
pub trait ClosedList: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// Declares a closed list: `Variant = "CODE", "Etiqueta";` per line.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($list:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];

            /// The stable code stored in the database and used by programs.
            pub fn code(self) -> &'static str {
                match self { $( Self::$variant => $code, )+ }
            }

            /// The Spanish label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( Self::$variant => $label, )+ }
            }

            pub fn parse(code: &str) -> Result<Self, $crate::codes::UnknownCode> {
                match code {
                    $( $code => Ok(Self::$variant), )+
                    _ => Err($crate::codes::UnknownCode { list: $list }),
                }
            }
        }

        impl $crate::codes::ClosedList for $name {
            const ALL: &'static [Self] = Self::ALL;
            fn code(self) -> &'static str {
                Self::code(self)
            }
            fn label(self) -> &'static str {
                Self::label(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&code).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use code_enum;

/// A code of an open list kept as reference data (a sector such as
/// `MININTER`, a measure type such as `POLICE_PATROLS`): upper-case ASCII
/// letters, digits and underscores. Whether it exists is the database's to
/// say; its shape is checked here once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RefCode(String);

/// A sector (ministry or agency) responsible for measures.
pub type SectorCode = RefCode;
/// An entry of the catalogue of measures.
pub type MeasureTypeCode = RefCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("el código debe tener de 2 a 40 letras mayúsculas, dígitos o guiones bajos")]
pub struct MalformedCode;

impl RefCode {
    pub fn parse(raw: &str) -> Result<Self, MalformedCode> {
        let ok_char = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
        if (2..=40).contains(&raw.len()) && raw.chars().all(ok_char) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(MalformedCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RefCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RefCode {
    type Error = MalformedCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RefCode> for String {
    fn from(value: RefCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::categories::Gender;

    #[test]
    fn codes_round_trip() {
        for gender in Gender::ALL {
            assert_eq!(Gender::parse(gender.code()), Ok(*gender));
        }
        assert_eq!(Gender::Female.label(), "Femenino");
        assert_eq!(Gender::parse("OTRO"), Err(UnknownCode { list: "género" }));
        assert_eq!(Gender::parse("female"), Err(UnknownCode { list: "género" }));
    }

    #[test]
    fn ref_codes_have_a_shape() {
        assert!(RefCode::parse("MININTER").is_ok());
        assert!(RefCode::parse("POLICE_PATROLS_2").is_ok());
        for bad in ["", "A", "mininter", "MIN INTER", "MINÍNTER", &"A".repeat(41)] {
            assert_eq!(RefCode::parse(bad), Err(MalformedCode), "{bad}");
        }
    }
}
