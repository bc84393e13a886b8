//! The rows of the two files, read into cases (docs/import.md).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::csv::Table;
use super::{HistoricCase, HistoricStep, Problem, SourceFile};
use crate::categories::{
    AggressionType, AggressorType, Channel, CollectiveKind, DefenderCategory, Gender, IdDocumentKind, Language,
    Relationship,
};
use crate::codes::{ClosedList, RefCode};
use crate::request::{
    BeneficiaryInput, ConsentInput, ConsentStatus, ContactInput, PlaceInput, Request, RequestInput,
    RequestedMeasureInput, ThirdPartyInput,
};
use crate::text::Text;
use crate::workflow::{
    ActReference, AdmissibilityDecision, AdmissibilityError, AdmissibilityEvaluation, ArchiveReason, Command,
    Criterion, CriterionCheck, GrantedMeasure, MeasureNo, Resolution, RiskLevel, Track,
};

/// The columns of `solicitudes`, and whether each is required (an optional
/// one may be left out of the file altogether). One row per
/// person or collective to protect; a case's later rows repeat its
/// `expediente_origen` and may leave the request's columns empty.
pub const REQUEST_COLUMNS: [(&str, bool); 24] = [
    ("expediente_origen", true),
    ("fecha_recepcion", true),
    ("canal", true),
    ("ubigeo", true),
    ("lugar_detalle", false),
    ("categoria", true),
    ("agresiones", true),
    ("agresor", false),
    ("lengua", true),
    ("interprete", false),
    ("consentimiento", false),
    ("consentimiento_motivo", false),
    ("hechos", true),
    ("medidas_solicitadas", false),
    ("tercero_nombre", false),
    ("tercero_relacion", false),
    ("tercero_organizacion", false),
    ("correo", false),
    ("telefono", false),
    ("beneficiario_nombre", true),
    ("beneficiario_colectivo", false),
    ("beneficiario_documento_tipo", false),
    ("beneficiario_documento_numero", false),
    ("beneficiario_genero", false),
];

/// The columns of `decisiones`: one row per act, a resolution's measures
/// one row each (the same act number and date).
pub const DECISION_COLUMNS: [(&str, bool); 11] = [
    ("expediente_origen", true),
    ("fecha", true),
    ("acto", true),
    ("via", false),
    ("nivel_riesgo", false),
    ("numero_acto", false),
    ("tipo_medida", false),
    ("sector", false),
    ("medida", false),
    ("motivo", false),
    ("nota", false),
];

/// What an assessment imported without a summary says.
const IMPORTED_SUMMARY: &str = "Evaluación registrada antes de Resguardo.";

/// The cases both files describe, in the order of `solicitudes`, and every
/// problem found, by file and line. A case with a problem is not among the
/// cases.
pub fn read(requests: &Table, decisions: &Table) -> (Vec<HistoricCase>, Vec<Problem>) {
    let mut problems = Vec::new();
    let request_file = Sheet::new(SourceFile::Requests, requests, &REQUEST_COLUMNS, &mut problems);
    let decision_file = Sheet::new(SourceFile::Decisions, decisions, &DECISION_COLUMNS, &mut problems);
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    // Rows by case, in file order.
    let mut order: Vec<String> = Vec::new();
    let mut request_rows: BTreeMap<String, Vec<Row<'_>>> = BTreeMap::new();
    for row in request_file.rows() {
        let source = row.get("expediente_origen").to_owned();
        if source.is_empty() {
            row.problem(&mut problems, Some("expediente_origen"), "falta el número de expediente de origen");
            continue;
        }
        if !request_rows.contains_key(&source) {
            order.push(source.clone());
        }
        request_rows.entry(source).or_default().push(row);
    }
    let mut decision_rows: BTreeMap<String, Vec<Row<'_>>> = BTreeMap::new();
    for row in decision_file.rows() {
        let source = row.get("expediente_origen").to_owned();
        if !request_rows.contains_key(&source) {
            row.problem(&mut problems, Some("expediente_origen"), "no hay una solicitud con este expediente de origen");
            continue;
        }
        decision_rows.entry(source).or_default().push(row);
    }
    let mut cases = Vec::new();
    for source in order {
        let rows = &request_rows[&source];
        let before = problems.len();
        let request = read_request(rows, &mut problems);
        let steps = read_steps(decision_rows.get(&source).map_or(&[][..], |r| &r[..]), &mut problems);
        if let (Some((received_on, channel, request)), true) = (request, problems.len() == before) {
            cases.push(HistoricCase { source, line: rows[0].line, received_on, channel, request, steps });
        }
    }
    problems.sort_by_key(|p| (p.file, p.line));
    (cases, problems)
}

/// One file, its header checked.
struct Sheet<'a> {
    file: SourceFile,
    table: &'a Table,
}

impl<'a> Sheet<'a> {
    fn new(file: SourceFile, table: &'a Table, columns: &[(&'static str, bool)], problems: &mut Vec<Problem>) -> Self {
        let mut problem = |column: Option<&'static str>, message: String| {
            problems.push(Problem { file, line: 1, column, source: None, message });
        };
        for (name, required) in columns {
            if *required && table.column(name).is_none() {
                problem(Some(name), "falta esta columna en la fila de encabezados".into());
            }
        }
        for name in &table.header {
            if !columns.iter().any(|(known, _)| known == name) {
                problem(None, format!("la columna «{}» no es del formato (docs/import.md)", clip(name)));
            }
        }
        Self { file, table }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'a>> + '_ {
        self.table.rows.iter().map(|(line, cells)| Row { file: self.file, table: self.table, line: *line, cells })
    }
}

/// A header name as said back: short, so a stray paragraph is not repeated.
fn clip(name: &str) -> String {
    name.chars().take(40).collect()
}

/// One row of a file.
#[derive(Clone, Copy)]
struct Row<'a> {
    file: SourceFile,
    table: &'a Table,
    line: usize,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    /// The cell of `column`, trimmed ("" when the row is short).
    fn get(&self, column: &str) -> &'a str {
        self.table.column(column).and_then(|i| self.cells.get(i)).map_or("", |c| c.trim())
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column).to_owned()).filter(|v| !v.is_empty())
    }

    fn problem(&self, problems: &mut Vec<Problem>, column: Option<&'static str>, message: impl Into<String>) {
        let source = Some(self.get("expediente_origen").to_owned()).filter(|s| !s.is_empty());
        problems.push(Problem { file: self.file, line: self.line, column, source, message: message.into() });
    }

    /// A closed-list value given by its code or its Spanish label; `None`
    /// (with a problem unless the cell is empty) when it is neither.
    fn coded<T: ClosedList>(&self, problems: &mut Vec<Problem>, column: &'static str) -> Option<T> {
        let value = self.get(column);
        if value.is_empty() {
            return None;
        }
        let found = listed::<T>(value);
        if found.is_none() {
            self.problem(problems, Some(column), "no es uno de los valores de la lista (docs/import.md)");
        }
        found
    }

    fn required_coded<T: ClosedList>(&self, problems: &mut Vec<Problem>, column: &'static str) -> Option<T> {
        if self.get(column).is_empty() {
            self.problem(problems, Some(column), "falta este dato");
            return None;
        }
        self.coded(problems, column)
    }

    fn date(&self, problems: &mut Vec<Problem>, column: &'static str) -> Option<NaiveDate> {
        let value = self.get(column);
        if value.is_empty() {
            self.problem(problems, Some(column), "falta la fecha");
            return None;
        }
        let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        if parsed.is_none() {
            self.problem(problems, Some(column), "escriba la fecha como año-mes-día, por ejemplo 2021-04-15");
        }
        parsed
    }

    fn text<const N: usize>(&self, problems: &mut Vec<Problem>, column: &'static str) -> Option<Text<N>> {
        match Text::parse(self.get(column)) {
            Ok(text) => Some(text),
            Err(e) => {
                self.problem(problems, Some(column), e.to_string());
                None
            }
        }
    }
}

/// The value of `T` whose code or Spanish label `value` is.
fn listed<T: ClosedList>(value: &str) -> Option<T> {
    T::ALL.iter().copied().find(|v| v.code() == value || v.label().eq_ignore_ascii_case(value))
}

/// Codes separated by `|`, each a code or a label.
fn coded_list<T: ClosedList>(row: &Row<'_>, problems: &mut Vec<Problem>, column: &'static str) -> Vec<T> {
    let mut found = Vec::new();
    for part in row.get(column).split('|').map(str::trim).filter(|p| !p.is_empty()) {
        match listed::<T>(part) {
            Some(value) => found.push(value),
            None => row.problem(problems, Some(column), "uno de los valores no es de la lista (docs/import.md)"),
        }
    }
    found
}

fn yes_no(row: &Row<'_>, problems: &mut Vec<Problem>, column: &'static str) -> bool {
    match row.get(column).to_lowercase().as_str() {
        "" | "no" | "n" => false,
        "si" | "sí" | "s" => true,
        _ => {
            row.problem(problems, Some(column), "escriba sí o no");
            false
        }
    }
}

/// The request of one case from its rows, parsed as intake parses one.
fn read_request(rows: &[Row<'_>], problems: &mut Vec<Problem>) -> Option<(NaiveDate, Channel, Request)> {
    let first = rows[0];
    // Later rows add people; their request columns are empty or the same.
    for row in &rows[1..] {
        for (column, _) in REQUEST_COLUMNS.iter().filter(|(c, _)| !c.starts_with("beneficiario_")) {
            let value = row.get(column);
            if !value.is_empty() && value != first.get(column) {
                row.problem(problems, Some(column), "difiere de la primera fila de este expediente: déjela vacía");
            }
        }
    }
    let received_on = first.date(problems, "fecha_recepcion");
    let channel = first.required_coded::<Channel>(problems, "canal");
    let consent_status = match first.get("consentimiento").to_lowercase().as_str() {
        "" | "given" | "otorgado" | "sí" | "si" => ConsentStatus::Given,
        "refused" | "negado" | "no" => ConsentStatus::Refused,
        "unable" | "no puede" | "imposibilitado" => ConsentStatus::Unable,
        _ => {
            first.problem(problems, Some("consentimiento"), "escriba otorgado, negado o no puede");
            ConsentStatus::Given
        }
    };
    let third_party = first.optional("tercero_nombre").map(|name| ThirdPartyInput {
        name,
        relationship: first.coded::<Relationship>(problems, "tercero_relacion"),
        relationship_detail: None,
        organisation: first.optional("tercero_organizacion"),
    });
    let beneficiaries = rows
        .iter()
        .map(|row| BeneficiaryInput {
            collective: row.coded::<CollectiveKind>(problems, "beneficiario_colectivo"),
            name: row.get("beneficiario_nombre").to_owned(),
            document_kind: row.coded::<IdDocumentKind>(problems, "beneficiario_documento_tipo"),
            document_number: row.optional("beneficiario_documento_numero"),
            gender: row.coded::<Gender>(problems, "beneficiario_genero"),
            ..Default::default()
        })
        .collect();
    let input = RequestInput {
        third_party,
        contact: ContactInput {
            email: first.optional("correo"),
            phone: first.optional("telefono"),
            instructions: None,
        },
        beneficiaries,
        place: PlaceInput { ubigeo: first.get("ubigeo").to_owned(), detail: first.optional("lugar_detalle") },
        defender_category: first.coded::<DefenderCategory>(problems, "categoria"),
        defender_category_detail: None,
        aggression_types: coded_list::<AggressionType>(&first, problems, "agresiones"),
        aggressor_type: first.coded::<AggressorType>(problems, "agresor"),
        language: first.coded::<Language>(problems, "lengua"),
        language_detail: None,
        interpreter_needed: yes_no(&first, problems, "interprete"),
        consent: ConsentInput { status: consent_status, reason: first.optional("consentimiento_motivo") },
        facts: first.get("hechos").to_owned(),
        evidence: Vec::new(),
        requested_measures: first
            .get("medidas_solicitadas")
            .split('|')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| RequestedMeasureInput { measure_type: Some(m.to_owned()), description: None })
            .collect(),
    };
    match Request::parse(input) {
        Ok(request) => Some((received_on?, channel?, request)),
        Err(invalid) => {
            for problem in invalid.0 {
                let (row, column) = request_column(rows, &problem.field);
                row.problem(problems, column, problem.message);
            }
            None
        }
    }
}

/// The row and column a field of `Request::parse` comes from.
fn request_column<'a>(rows: &[Row<'a>], field: &str) -> (Row<'a>, Option<&'static str>) {
    if let Some(rest) = field.strip_prefix("beneficiaries[") {
        let (index, path) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), ""));
        let row = index.parse::<usize>().ok().and_then(|i| rows.get(i)).copied().unwrap_or(rows[0]);
        let column = match path {
            "name" => "beneficiario_nombre",
            "documentKind" => "beneficiario_documento_tipo",
            "documentNumber" => "beneficiario_documento_numero",
            "gender" => "beneficiario_genero",
            _ => "beneficiario_nombre",
        };
        return (row, Some(column));
    }
    let column = match field {
        "beneficiaries" => Some("beneficiario_nombre"),
        "place.ubigeo" => Some("ubigeo"),
        "place.detail" => Some("lugar_detalle"),
        "defenderCategory" | "defenderCategoryDetail" => Some("categoria"),
        "aggressionTypes" => Some("agresiones"),
        "language" | "languageDetail" => Some("lengua"),
        "facts" => Some("hechos"),
        "consent.reason" | "consent" => Some("consentimiento_motivo"),
        "thirdParty.name" => Some("tercero_nombre"),
        "thirdParty.relationship" => Some("tercero_relacion"),
        "thirdParty.organisation" => Some("tercero_organizacion"),
        "contact.email" | "contact" => Some("correo"),
        "contact.phone" => Some("telefono"),
        f if f.starts_with("requestedMeasures") => Some("medidas_solicitadas"),
        _ => None,
    };
    (rows[0], column)
}

/// The acts of one case, as the workflow's commands, in the order of their
/// dates (rows of one date in file order). A resolution's rows (the same
/// act number) make one command.
fn read_steps(rows: &[Row<'_>], problems: &mut Vec<Problem>) -> Vec<HistoricStep> {
    let mut steps: Vec<HistoricStep> = Vec::new();
    for row in rows {
        let Some(on) = row.date(problems, "fecha") else { continue };
        let step = |command| HistoricStep { line: row.line, on, command };
        let measure = |problems: &mut Vec<Problem>| -> Option<MeasureNo> {
            let parsed = row.get("medida").parse::<u16>().ok().filter(|n| *n > 0).map(MeasureNo);
            if parsed.is_none() {
                row.problem(problems, Some("medida"), "indique el número de la medida en el caso (1, 2, …)");
            }
            parsed
        };
        match row.get("acto").to_uppercase().as_str() {
            acto @ ("ADMISION" | "ADMISIÓN" | "NO_ADMISION" | "NO_ADMISIÓN") => {
                let failed = match acto.starts_with("NO_") {
                    false => None,
                    true => {
                        let reasons = row.text(problems, "nota");
                        let criterion = row.required_coded::<Criterion>(problems, "motivo");
                        let (Some(reasons), Some(criterion)) = (reasons, criterion) else { continue };
                        Some((criterion, reasons))
                    }
                };
                match admission(failed) {
                    Ok(evaluation) => {
                        steps.push(step(Command::StartReview));
                        steps.push(step(evaluation));
                    }
                    Err(e) => row.problem(problems, Some("motivo"), e.to_string()),
                }
            }
            "EVALUACION_RIESGO" | "EVALUACIÓN_RIESGO" => {
                let track = row.required_coded::<Track>(problems, "via");
                let level = row.required_coded::<RiskLevel>(problems, "nivel_riesgo");
                let summary = match row.optional("nota") {
                    Some(_) => row.text(problems, "nota"),
                    None => Text::parse(IMPORTED_SUMMARY).ok(),
                };
                if let (Some(track), Some(level), Some(summary)) = (track, level, summary) {
                    steps.push(step(Command::AssessRisk { track, level, summary }));
                }
            }
            "RESOLUCION" | "RESOLUCIÓN" => {
                let Some(number) = row.text(problems, "numero_acto") else { continue };
                let measure_type = code(row, problems, "tipo_medida");
                let sector = code(row, problems, "sector");
                let (Some(measure_type), Some(sector)) = (measure_type, sector) else { continue };
                let granted = GrantedMeasure { measure_type, sector, details: None };
                // The act's other rows, wherever they are in the file.
                let same_act = steps.iter_mut().find_map(|step| {
                    if let Command::IssueResolution(r) = &mut step.command
                        && r.act.number == number
                        && r.act.date == on
                    {
                        Some(r)
                    } else {
                        None
                    }
                });
                if let Some(resolution) = same_act {
                    resolution.granted.push(granted);
                } else {
                    let act = ActReference { number, date: on };
                    steps.push(step(Command::IssueResolution(Resolution {
                        act,
                        granted: vec![granted],
                        denied: Vec::new(),
                    })));
                }
            }
            "NOTIFICACION" | "NOTIFICACIÓN" => {
                if let Some(measure) = measure(problems) {
                    steps.push(step(Command::NotifyMeasure { measure }));
                }
            }
            "ACUSE" => {
                if let Some(measure) = measure(problems) {
                    steps.push(step(Command::AcknowledgeMeasure { measure }));
                }
            }
            "IMPLEMENTADA" => {
                let report = match row.optional("nota") {
                    Some(_) => row.text(problems, "nota"),
                    None => None,
                };
                if let Some(measure) = measure(problems) {
                    steps.push(step(Command::ReportImplemented { measure, report }));
                }
            }
            "ARCHIVO" => {
                let reason = row.required_coded::<ArchiveReason>(problems, "motivo");
                let note = match row.optional("nota") {
                    Some(_) => row.text(problems, "nota"),
                    None => None,
                };
                if let Some(reason) = reason {
                    steps.push(step(Command::Archive { reason, note }));
                }
            }
            "" => row.problem(problems, Some("acto"), "falta el acto"),
            _ => row.problem(problems, Some("acto"), "no es uno de los actos del formato (docs/import.md)"),
        }
    }
    // Stable: acts of the same day keep the order of the file.
    steps.sort_by_key(|s| s.on);
    steps
}

/// A reference code (a measure type, a sector), required.
fn code(row: &Row<'_>, problems: &mut Vec<Problem>, column: &'static str) -> Option<RefCode> {
    match RefCode::parse(row.get(column)) {
        Ok(code) => Some(code),
        Err(_) => {
            row.problem(
                problems,
                Some(column),
                "falta el código o no es un código del catálogo (MININTER, LEGAL_AID…)",
            );
            None
        }
    }
}

/// The admissibility evaluation: every criterion met, or one failed with
/// the reasons (every criterion once, a note where it failed: what
/// `AdmissibilityEvaluation::new` asks).
fn admission(failed: Option<(Criterion, crate::text::ShortText)>) -> Result<Command, AdmissibilityError> {
    let checks: Vec<CriterionCheck> = Criterion::ALL
        .iter()
        .map(|c| {
            let note = failed.as_ref().filter(|(criterion, _)| criterion == c).map(|(_, reasons)| reasons.clone());
            CriterionCheck { criterion: *c, met: note.is_none(), note }
        })
        .collect();
    let decision = match failed {
        Some((_, reasons)) => AdmissibilityDecision::NotAdmit { reasons },
        None => AdmissibilityDecision::Admit { override_reason: None },
    };
    Ok(Command::EvaluateAdmissibility(AdmissibilityEvaluation::new(checks, decision)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::deadline::{DeadlineKey, DeadlineKind, DeadlineRules, DeadlineStatus};
    use crate::workflow::{CaseStatus, Context};

    const REQUESTS_HEADER: &str = "expediente_origen,fecha_recepcion,canal,ubigeo,lugar_detalle,categoria,agresiones,agresor,lengua,interprete,consentimiento,consentimiento_motivo,hechos,medidas_solicitadas,tercero_nombre,tercero_relacion,tercero_organizacion,correo,telefono,beneficiario_nombre,beneficiario_colectivo,beneficiario_documento_tipo,beneficiario_documento_numero,beneficiario_genero";
    const DECISIONS_HEADER: &str =
        "expediente_origen,fecha,acto,via,nivel_riesgo,numero_acto,tipo_medida,sector,medida,motivo,nota";

    fn tables(requests: &str, decisions: &str) -> (Table, Table) {
        (
            Table::parse(&format!("{REQUESTS_HEADER}\n{requests}")).unwrap(),
            Table::parse(&format!("{DECISIONS_HEADER}\n{decisions}")).unwrap(),
        )
    }

    #[test]
    fn a_case_and_its_acts_replay_with_their_real_dates() {
        let (requests, decisions) = tables(
            "DGDH-2021-031,2021-04-05,Teléfono,250101,Comunidad X,INDIGENOUS,THREAT|Hostigamiento,ILLEGAL_LOGGING,SPANISH,no,,,Amenazas de muerte,POLICE_PROTECTION,,,,,+51 999 111 222,Rosa Quispe,,DNI,12345678,FEMALE\n\
             DGDH-2021-031,,,,,,,,,,,,,,,,,,,Comunidad Nativa Y,INDIGENOUS_COMMUNITY,,,",
            "DGDH-2021-031,2021-04-07,ADMISION,,,,,,,,\n\
             DGDH-2021-031,2021-04-08,EVALUACION_RIESGO,URGENT,HIGH,,,,,,\n\
             DGDH-2021-031,2021-04-20,RESOLUCION,,,RD 012-2021-JUS/DGDH,POLICE_PROTECTION,MININTER,,,\n\
             DGDH-2021-031,2021-04-20,RESOLUCION,,,RD 012-2021-JUS/DGDH,LEGAL_AID,MINJUSDH,,,\n\
             DGDH-2021-031,2021-04-21,NOTIFICACION,,,,,,1,,",
        );
        let (cases, problems) = read(&requests, &decisions);
        assert_eq!(problems, []);
        let case = &cases[0];
        assert_eq!((case.source.as_str(), case.line, case.request.beneficiaries().len()), ("DGDH-2021-031", 2, 2));
        assert_eq!(case.steps.len(), 5, "review, admission, assessment, one resolution of two, notification");
        let (calendar, rules) = (Calendar::peru_default(), DeadlineRules::peru_default());
        let (state, events) = case.replay(&Context { calendar: &calendar, rules: &rules }).unwrap();
        assert_eq!(events.len(), 5);
        assert_eq!((state.status, state.measures.len()), (CaseStatus::MeasuresInImplementation, 2));
        // Admitted Wed 7 April 2021, urgent: 15 working days, due Fri 30
        // April (Holy Thursday and Friday fall before); resolved on the 20th.
        let decision = state.deadline(DeadlineKey::case(DeadlineKind::Decision)).unwrap();
        assert!(matches!(decision.status, DeadlineStatus::Met { on_time: true, .. }), "{decision:?}");
    }

    #[test]
    fn every_problem_is_named_by_file_line_and_column() {
        let (requests, decisions) = tables(
            "A-1,2021-13-01,Paloma,999999,,INDIGENOUS,THREAT,,SPANISH,quizá,,,Hechos,,,,,,,Rosa,,,,\n\
             A-2,2021-04-05,WEB,25,,,THREAT,,SPANISH,,,,,,,,,,,,,,,",
            "A-1,2021-04-07,ADMISION,,,,,,,,\n\
             A-3,2021-04-07,ADMISION,,,,,,,,\n\
             A-2,ayer,RESOLUCION,,,,,,,,\n\
             A-2,2021-04-09,VISITA,,,,,,,,",
        );
        let (cases, problems) = read(&requests, &decisions);
        assert!(cases.is_empty());
        let found: Vec<(SourceFile, usize, Option<&str>)> =
            problems.iter().map(|p| (p.file, p.line, p.column)).collect();
        use SourceFile::{Decisions as D, Requests as R};
        for expected in [
            (R, 2, Some("fecha_recepcion")),
            (R, 2, Some("canal")),
            (R, 2, Some("interprete")),
            (R, 2, Some("ubigeo")),
            (R, 3, Some("categoria")),
            (R, 3, Some("hechos")),
            (R, 3, Some("beneficiario_nombre")),
            (D, 3, Some("expediente_origen")),
            (D, 4, Some("fecha")),
            (D, 5, Some("acto")),
        ] {
            assert!(found.contains(&expected), "{expected:?} missing from {found:?}");
        }
        assert!(
            problems.iter().all(|p| !p.message.contains("Paloma") && !p.message.contains("quizá")),
            "no value repeated"
        );
        assert!(problems[0].to_string().starts_with("solicitudes, línea 2, columna «"), "{}", problems[0]);
    }

    #[test]
    fn optional_columns_may_be_left_out_and_a_resolutions_rows_may_be_apart() {
        let requests = Table::parse(
            "expediente_origen,fecha_recepcion,canal,ubigeo,categoria,agresiones,lengua,hechos,telefono,beneficiario_nombre\n\
             B-1,2021-04-05,WEB,15,JOURNALIST,THREAT,SPANISH,Amenazas,+51 999 111 222,Periodista",
        )
        .unwrap();
        let decisions = Table::parse(&format!(
            "{DECISIONS_HEADER}\nB-1,2021-04-20,RESOLUCION,,,RD 1,POLICE_PROTECTION,MININTER,,,\n\
             B-1,2021-04-20,NOTIFICACION,,,,,,1,,\nB-1,2021-04-20,RESOLUCION,,,RD 1,LEGAL_AID,MINJUSDH,,,"
        ))
        .unwrap();
        let (cases, problems) = read(&requests, &decisions);
        assert_eq!(problems, []);
        let resolution = cases[0]
            .steps
            .iter()
            .find_map(|s| if let Command::IssueResolution(r) = &s.command { Some(r.granted.len()) } else { None });
        assert_eq!((cases[0].steps.len(), resolution), (2, Some(2)), "one resolution of two measures, then the notice");
    }

    #[test]
    fn a_missing_or_unknown_column_is_a_problem_of_the_header() {
        let requests = Table::parse("expediente_origen,fechas\nA-1,2021-01-01").unwrap();
        let decisions = Table::parse(DECISIONS_HEADER).unwrap();
        let (_, problems) = read(&requests, &decisions);
        assert!(problems.iter().all(|p| p.line == 1 && p.source.is_none()));
        assert!(problems.iter().any(|p| p.column == Some("fecha_recepcion")));
        assert!(problems.iter().any(|p| p.message.contains("«fechas»")));
    }

    #[test]
    fn docs_import_md_lists_every_value() {
        let doc = include_str!("../../../../docs/import.md");
        fn codes<T: ClosedList>() -> Vec<&'static str> {
            T::ALL.iter().map(|v| v.code()).collect()
        }
        let codes = [
            codes::<Channel>(),
            codes::<DefenderCategory>(),
            codes::<AggressionType>(),
            codes::<AggressorType>(),
            codes::<Language>(),
            codes::<Relationship>(),
            codes::<CollectiveKind>(),
            codes::<IdDocumentKind>(),
            codes::<Gender>(),
            codes::<Criterion>(),
            codes::<Track>(),
            codes::<RiskLevel>(),
            codes::<ArchiveReason>(),
        ]
        .concat();
        for code in codes {
            assert!(doc.contains(&format!("`{code}`")), "docs/import.md lacks {code}");
        }
        for (column, _) in REQUEST_COLUMNS.iter().chain(DECISION_COLUMNS.iter()) {
            assert!(doc.contains(&format!("`{column}`")), "docs/import.md lacks the column {column}");
        }
    }
}
