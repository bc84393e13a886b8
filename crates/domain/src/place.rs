//! Places in Peru by INEI *ubigeo* code: two digits for the department, four
//! for the province, six for the district. Which departments exist is
//! reference data kept in the database; this module only knows the shape of a
//! code, so that a malformed one never gets past the edge.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A department's two-digit ubigeo code (`"15"` is Lima, `"07"` Callao).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentCode([u8; 2]);

/// How precise a place is: which of INEI's three levels its code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    Department,
    Province,
    District,
}

/// A place as precise as the requester could give it: department, province or
/// district ubigeo code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ubigeo {
    digits: [u8; 6],
    len: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("el código de ubigeo debe tener 2, 4 o 6 dígitos")]
    Malformed,
    #[error("el código de departamento debe estar entre 01 y 25")]
    UnknownDepartment,
}

/// Peru has 25 departments, numbered 01 to 25 by INEI (Lima Metropolitana and
/// Lima Provincias share 15).
const LAST_DEPARTMENT: u8 = 25;

impl DepartmentCode {
    pub fn parse(code: &str) -> Result<Self, PlaceError> {
        let ubigeo = Ubigeo::parse(code)?;
        if ubigeo.len != 2 {
            return Err(PlaceError::Malformed);
        }
        Ok(ubigeo.department())
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("00")
    }
}

impl Ubigeo {
    pub fn parse(code: &str) -> Result<Self, PlaceError> {
        let code = code.trim();
        let bytes = code.as_bytes();
        if !matches!(bytes.len(), 2 | 4 | 6) || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(PlaceError::Malformed);
        }
        let department = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !(1..=LAST_DEPARTMENT).contains(&department) {
            return Err(PlaceError::UnknownDepartment);
        }
        let mut digits = [b'0'; 6];
        digits[..bytes.len()].copy_from_slice(bytes);
        Ok(Self {
            digits,
            // The length is 2, 4 or 6: it fits.
            len: bytes.len() as u8,
        })
    }

    pub fn department(&self) -> DepartmentCode {
        DepartmentCode([self.digits[0], self.digits[1]])
    }

    /// The four-digit province code, when the place is that precise.
    pub fn province(&self) -> Option<&str> {
        (self.len >= 4).then(|| &self.as_str()[..4])
    }

    pub fn precision(&self) -> Precision {
        match self.len {
            2 => Precision::Department,
            4 => Precision::Province,
            _ => Precision::District,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or("00")
    }
}

impl fmt::Display for DepartmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Ubigeo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for DepartmentCode {
    type Error = PlaceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DepartmentCode> for String {
    fn from(value: DepartmentCode) -> Self {
        value.as_str().to_owned()
    }
}

impl TryFrom<String> for Ubigeo {
    type Error = PlaceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Ubigeo> for String {
    fn from(value: Ubigeo) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_district_province_and_department() {
        let lima = Ubigeo::parse("150101").unwrap();
        assert_eq!(lima.department().as_str(), "15");
        assert_eq!(lima.province(), Some("1501"));
        assert_eq!(Ubigeo::parse("1501").unwrap().province(), Some("1501"));
        assert_eq!(Ubigeo::parse("07").unwrap().province(), None);
        assert_eq!(DepartmentCode::parse("07").unwrap().to_string(), "07");
        assert_eq!(lima.precision(), Precision::District);
        assert_eq!(Ubigeo::parse("1501").unwrap().precision(), Precision::Province);
        assert_eq!(Ubigeo::parse("15").unwrap().precision(), Precision::Department);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in ["", "1", "150", "15010A", "1501011", "ab"] {
            assert_eq!(Ubigeo::parse(bad), Err(PlaceError::Malformed), "{bad}");
        }
        assert_eq!(Ubigeo::parse("26"), Err(PlaceError::UnknownDepartment));
        assert_eq!(Ubigeo::parse("000101"), Err(PlaceError::UnknownDepartment));
        assert_eq!(DepartmentCode::parse("1501"), Err(PlaceError::Malformed));
    }
}
