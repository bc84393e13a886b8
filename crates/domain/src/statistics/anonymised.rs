//! The case-level export for research: one row per request with no
//! identity, no place finer than the department, dates by month, and no
//! free text. Rows that stand out are generalised until each combination
//! of the quasi-identifiers (month, department, defender category,
//! language, individual or collective, number of people) is shared by at
//! least as many rows as the suppression threshold: first department and
//! language go, then month and category, then everything that could single
//! a row out.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A request as the database keeps it in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub received_on: NaiveDate,
    pub department: String,
    pub status: String,
    pub track: Option<String>,
    pub risk_level: Option<String>,
    pub defender_category: String,
    pub aggressor_type: Option<String>,
    pub aggression_types: Vec<String>,
    pub language: String,
    pub collective: bool,
    pub beneficiaries: u32,
    pub channel: String,
    pub outcome: Option<String>,
    pub measures_granted: u32,
}

/// What stands in for a generalised value.
pub const HIDDEN: &str = "*";

/// One exported row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AnonymisedRow {
    pub month: String,
    pub department: String,
    pub defender_category: String,
    pub language: String,
    pub collective: String,
    /// `1`, `2-5`, `6-20`, `21+`.
    pub people: String,
    pub status: String,
    pub track: String,
    pub risk_level: String,
    pub aggressor_type: String,
    /// Codes joined by `;`.
    pub aggression_types: String,
    pub channel: String,
    pub outcome: String,
    pub measures_granted: u32,
}

fn people(n: u32) -> &'static str {
    match n {
        0 | 1 => "1",
        2..=5 => "2-5",
        6..=20 => "6-20",
        _ => "21+",
    }
}

impl AnonymisedRow {
    fn from_record(record: CaseRecord) -> Self {
        let mut aggression_types = record.aggression_types;
        aggression_types.sort();
        Self {
            month: format!("{}-{:02}", record.received_on.year(), record.received_on.month()),
            department: record.department,
            defender_category: record.defender_category,
            language: record.language,
            collective: if record.collective { "SI" } else { "NO" }.to_owned(),
            people: people(record.beneficiaries).to_owned(),
            status: record.status,
            track: record.track.unwrap_or_default(),
            risk_level: record.risk_level.unwrap_or_default(),
            aggressor_type: record.aggressor_type.unwrap_or_default(),
            aggression_types: aggression_types.join(";"),
            channel: record.channel,
            outcome: record.outcome.unwrap_or_default(),
            measures_granted: record.measures_granted,
        }
    }

    fn quasi_identifiers(&self) -> [&str; 6] {
        [&self.month, &self.department, &self.defender_category, &self.language, &self.collective, &self.people]
    }
}

/// Each step hides more of what could single a row out.
const STEPS: [fn(&mut AnonymisedRow); 3] = [
    |row| {
        row.department = HIDDEN.to_owned();
        row.language = HIDDEN.to_owned();
    },
    |row| {
        row.month = HIDDEN.to_owned();
        row.defender_category = HIDDEN.to_owned();
    },
    |row| {
        row.collective = HIDDEN.to_owned();
        row.people = HIDDEN.to_owned();
        row.aggressor_type = HIDDEN.to_owned();
        row.aggression_types = HIDDEN.to_owned();
        row.risk_level = HIDDEN.to_owned();
    },
];

/// The rows to export, sorted (so their order says nothing about when
/// each was filed), with no combination of quasi-identifiers shared by
/// fewer than `threshold` rows (unless fewer rows exist at all).
pub fn anonymise(records: Vec<CaseRecord>, threshold: u64) -> Vec<AnonymisedRow> {
    let mut rows: Vec<AnonymisedRow> = records.into_iter().map(AnonymisedRow::from_record).collect();
    for step in STEPS {
        let mut sizes: HashMap<[String; 6], u64> = HashMap::new();
        for row in &rows {
            *sizes.entry(row.quasi_identifiers().map(str::to_owned)).or_default() += 1;
        }
        for row in rows.iter_mut() {
            if sizes.get(&row.quasi_identifiers().map(str::to_owned)).is_some_and(|n| *n < threshold) {
                step(row);
            }
        }
    }
    rows.sort();
    rows
}

const HEADER: &str = "mes,departamento,categoria,lengua,colectiva,personas,estado,via,nivel_de_riesgo,\
presunto_agresor,tipos_de_agresion,canal,calificacion,medidas_otorgadas";

/// The rows as CSV with Spanish headers (values are codes: no field needs
/// quoting).
pub fn to_csv(rows: &[AnonymisedRow]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for row in rows {
        let fields = [
            row.month.as_str(),
            &row.department,
            &row.defender_category,
            &row.language,
            &row.collective,
            &row.people,
            &row.status,
            &row.track,
            &row.risk_level,
            &row.aggressor_type,
            &row.aggression_types,
            &row.channel,
            &row.outcome,
            &row.measures_granted.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(day: &str, department: &str, category: &str) -> CaseRecord {
        CaseRecord {
            received_on: day.parse().unwrap(),
            department: department.into(),
            status: "ADMITTED".into(),
            track: Some("URGENT".into()),
            risk_level: None,
            defender_category: category.into(),
            aggressor_type: Some("ILLEGAL_LOGGING".into()),
            aggression_types: vec!["THREAT".into(), "HARASSMENT".into()],
            language: "SPANISH".into(),
            collective: false,
            beneficiaries: 1,
            channel: "WEB".into(),
            outcome: Some("ADMIT".into()),
            measures_granted: 2,
        }
    }

    #[test]
    fn common_rows_keep_their_detail_and_rare_ones_lose_it() {
        let mut records: Vec<CaseRecord> =
            (1..=3).map(|d| record(&format!("2026-03-0{d}"), "15", "ENVIRONMENTAL")).collect();
        records.push(record("2026-03-20", "25", "INDIGENOUS"));
        records.push(record("2026-03-21", "08", "INDIGENOUS"));
        records.push(record("2026-04-02", "08", "JOURNALIST"));
        let rows = anonymise(records, 3);
        assert_eq!(rows.iter().filter(|r| r.department == "15" && r.month == "2026-03").count(), 3);
        let rare: Vec<&AnonymisedRow> = rows.iter().filter(|r| r.department != "15").collect();
        assert_eq!(rare.len(), 3);
        assert!(rare.iter().all(|r| r.department == HIDDEN && r.language == HIDDEN));
        // Two indigenous rows in March and one journalist in April are
        // still too few: month and category go too.
        assert!(rare.iter().all(|r| r.month == HIDDEN && r.defender_category == HIDDEN));
        assert_eq!(rows[0].aggression_types, "HARASSMENT;THREAT");
        let csv = to_csv(&rows);
        assert!(csv.starts_with("mes,departamento,"));
        assert!(!csv.contains("2026-03-0"), "no day is ever exported");
    }
}
