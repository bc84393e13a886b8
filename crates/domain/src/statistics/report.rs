//! The registry report: tables over shared cells, built from what the
//! database counted. Each table is a view; the cells and the sums between
//! them (`disclosure`) decide what may be shown.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::disclosure::{CellId, Cells, Figure};
use super::{Labels, Outcome, RegistryCounts, ReportFilter};
use crate::calendar::Calendar;
use crate::categories::{AggressionType, AggressorType, Channel, DefenderCategory, Gender, Language};
use crate::codes::UnknownCode;
use crate::deadline::DeadlineKind;
use crate::place::DepartmentCode;
use crate::workflow::{ComplaintStatus, Criterion, MeasureStatus, Track};

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub id: &'static str,
    pub label: &'static str,
}

/// A row: what it counts, optionally within a group (a department, a
/// sector), and one cell per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub group_code: Option<String>,
    pub group: Option<String>,
    pub code: String,
    pub label: String,
    pub cells: Vec<CellId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub id: &'static str,
    pub title: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// The report before disclosure control.
#[derive(Debug, Clone)]
pub struct Report {
    pub filter: ReportFilter,
    pub cells: Cells,
    pub tables: Vec<Table>,
}

/// The report as someone may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Small counts suppressed below this, or `None` for exact figures.
    pub threshold: Option<u64>,
    pub tables: Vec<PublishedTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedTable {
    pub id: &'static str,
    pub title: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<PublishedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedRow {
    pub group_code: Option<String>,
    pub group: Option<String>,
    pub code: String,
    pub label: String,
    pub figures: Vec<Figure>,
}

impl Report {
    /// Exact figures (`None`) or small counts suppressed below `threshold`.
    pub fn publish(&self, threshold: Option<u64>) -> PublishedReport {
        let published = self.cells.publish(threshold);
        let tables = self
            .tables
            .iter()
            .map(|table| PublishedTable {
                id: table.id,
                title: table.title,
                columns: table.columns.clone(),
                rows: table
                    .rows
                    .iter()
                    .map(|row| PublishedRow {
                        group_code: row.group_code.clone(),
                        group: row.group.clone(),
                        code: row.code.clone(),
                        label: row.label.clone(),
                        figures: row.cells.iter().map(|c| published.figure(*c)).collect(),
                    })
                    .collect(),
            })
            .collect();
        PublishedReport { from: self.filter.from, to: self.filter.to, threshold, tables }
    }
}

const REQUESTS: Column = Column { id: "solicitudes", label: "Solicitudes" };
const TOTAL: &str = "TOTAL";

/// The label of a code of one of the domain's code lists, or the code.
fn label<T: Copy>(parse: fn(&str) -> Result<T, UnknownCode>, describe: fn(T) -> &'static str, code: &str) -> String {
    parse(code).map_or_else(|_| code.to_owned(), |value| describe(value).to_owned())
}

fn named(names: &std::collections::HashMap<String, String>, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

const UNRECORDED: &str = "SIN_DATO";
/// The row of a `requests_with` table that counts requests with any.
const ANY: &str = "CUALQUIERA";

/// Builds every table of the report. `calendar` counts the working days
/// deadlines took.
pub fn build_report(filter: &ReportFilter, counts: &RegistryCounts, labels: &Labels, calendar: &Calendar) -> Report {
    let mut builder = Builder { cells: Cells::default(), tables: Vec::new() };
    builder.summary_and_places(counts, labels);
    builder.aggressions(counts, labels);
    let received = builder.received();
    builder.dimension(
        "presuntos_agresores",
        "Solicitudes por tipo de presunto agresor",
        received,
        counts.by_aggressor_type.iter().map(|(code, n)| match code {
            Some(code) => (code.clone(), label(AggressorType::parse, AggressorType::label, code), *n),
            None => (UNRECORDED.to_owned(), "Sin dato".to_owned(), *n),
        }),
    );
    builder.dimension(
        "categorias",
        "Solicitudes por categoría de persona defensora",
        received,
        counts
            .by_defender_category
            .iter()
            .map(|(code, n)| (code.clone(), label(DefenderCategory::parse, DefenderCategory::label, code), *n)),
    );
    builder.dimension(
        "lenguas",
        "Solicitudes por lengua",
        received,
        counts.by_language.iter().map(|(code, n)| (code.clone(), label(Language::parse, Language::label, code), *n)),
    );
    builder.dimension(
        "individual_colectiva",
        "Solicitudes individuales y colectivas",
        received,
        counts.by_collective.iter().map(|(collective, n)| match collective {
            true => ("COLECTIVA".to_owned(), "Colectiva".to_owned(), *n),
            false => ("INDIVIDUAL".to_owned(), "Individual".to_owned(), *n),
        }),
    );
    builder.dimension(
        "canales",
        "Solicitudes por canal de ingreso",
        received,
        counts.by_channel.iter().map(|(code, n)| (code.clone(), label(Channel::parse, Channel::label, code), *n)),
    );
    builder.dimension(
        "vias",
        "Solicitudes por vía",
        received,
        counts.by_track.iter().map(|(code, n)| match code {
            Some(code) => (code.clone(), label(Track::parse, Track::label, code), *n),
            None => (UNRECORDED.to_owned(), "Sin evaluar el riesgo".to_owned(), *n),
        }),
    );
    builder.dimension("meses", "Solicitudes por mes de ingreso", received, months(&counts.by_received_on));
    builder.people_by_gender(counts);
    builder.requests_with(
        ("incidentes", "Solicitudes con nuevos incidentes, por tipo de agresión", "De cualquier tipo"),
        counts,
        |c| &c.incidents,
        |code| label(AggressionType::parse, AggressionType::label, code),
    );
    builder.requests_with(
        ("denuncias", "Solicitudes con denuncia ante el Ministerio Público, por estado", "En cualquier estado"),
        counts,
        |c| &c.complaints,
        |code| label(ComplaintStatus::parse, ComplaintStatus::label, code),
    );
    builder.failed_criteria(counts);
    builder.measures(counts, labels);
    builder.deadlines(counts, calendar);
    Report { filter: filter.clone(), cells: builder.cells, tables: builder.tables }
}

struct Builder {
    cells: Cells,
    tables: Vec<Table>,
}

fn row(group: Option<(&str, &str)>, code: &str, label: &str, cells: Vec<CellId>) -> Row {
    Row {
        group_code: group.map(|(c, _)| c.to_owned()),
        group: group.map(|(_, l)| l.to_owned()),
        code: code.to_owned(),
        label: label.to_owned(),
        cells,
    }
}

impl Builder {
    /// The requests received (created with the summary).
    fn received(&mut self) -> CellId {
        self.cells.count("received", 0)
    }

    fn table(&mut self, id: &'static str, title: &'static str, columns: Vec<Column>, rows: Vec<Row>) {
        self.tables.push(Table { id, title, columns, rows });
    }

    /// The funnel (received → admitted → activated), departments and their
    /// provinces.
    fn summary_and_places(&mut self, counts: &RegistryCounts, labels: &Labels) {
        let c = &mut self.cells;
        let total =
            |f: &dyn Fn(&super::RequestGroup) -> bool| counts.requests.iter().filter(|g| f(g)).map(|g| g.count).sum();
        let received = c.count("received", total(&|_| true));
        let admitted = c.count("admitted", total(&|g| g.outcome == Some(Outcome::Admit)));
        let activated = c.count("activated", total(&|g| g.activated));
        let not_admitted = c.count("not_admitted", total(&|g| g.outcome == Some(Outcome::NotAdmit)));
        let referred = c.count("referred", total(&|g| g.outcome == Some(Outcome::Refer)));
        let pending = c.count("pending", total(&|g| g.outcome.is_none()));
        let not_activated =
            c.count("admitted_not_activated", total(&|g| g.outcome == Some(Outcome::Admit) && !g.activated));
        let other = c.count("not_admitted_or_pending", total(&|g| g.outcome != Some(Outcome::Admit)));
        c.sum(received, vec![admitted, not_admitted, referred, pending]);
        c.sum(received, vec![admitted, other]);
        c.sum(other, vec![not_admitted, referred, pending]);
        c.sum(admitted, vec![activated, not_activated]);
        let summary = vec![
            row(None, "RECIBIDAS", "Solicitudes recibidas", vec![received]),
            row(None, "ADMITIDAS", "Admitidas", vec![admitted]),
            row(None, "ACTIVADAS", "Con medidas otorgadas (mecanismo activado)", vec![activated]),
            row(None, "NO_ADMITIDAS", "No admitidas", vec![not_admitted]),
            row(None, "DERIVADAS", "Derivadas a otra entidad", vec![referred]),
            row(None, "PENDIENTES", "Sin calificar aún", vec![pending]),
        ];
        self.table("resumen", "Resumen", vec![REQUESTS], summary);

        let c = &mut self.cells;
        let departments: BTreeSet<&str> = counts.requests.iter().map(|g| g.department.as_str()).collect();
        let (mut rows, mut province_rows) = (Vec::new(), Vec::new());
        let (mut received_parts, mut admitted_parts, mut activated_parts, mut other_parts, mut not_activated_parts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for department in departments {
            let of = |f: &dyn Fn(&super::RequestGroup) -> bool| -> u64 {
                counts.requests.iter().filter(|g| g.department == department && f(g)).map(|g| g.count).sum()
            };
            let d_received = c.count(&format!("received:{department}"), of(&|_| true));
            let d_admitted = c.count(&format!("admitted:{department}"), of(&|g| g.outcome == Some(Outcome::Admit)));
            let d_activated = c.count(&format!("activated:{department}"), of(&|g| g.activated));
            let d_other = c.count(&format!("other:{department}"), of(&|g| g.outcome != Some(Outcome::Admit)));
            let d_not_activated = c.count(
                &format!("admitted_not_activated:{department}"),
                of(&|g| g.outcome == Some(Outcome::Admit) && !g.activated),
            );
            c.sum(d_received, vec![d_admitted, d_other]);
            c.sum(d_admitted, vec![d_activated, d_not_activated]);
            received_parts.push(d_received);
            admitted_parts.push(d_admitted);
            activated_parts.push(d_activated);
            other_parts.push(d_other);
            not_activated_parts.push(d_not_activated);
            let name = named(&labels.departments, department);
            rows.push(row(None, department, &name, vec![d_received, d_admitted, d_activated]));

            let provinces: BTreeMap<Option<&str>, u64> =
                counts.requests.iter().filter(|g| g.department == department).fold(BTreeMap::new(), |mut acc, g| {
                    *acc.entry(g.province.as_deref()).or_default() += g.count;
                    acc
                });
            let mut parts = Vec::new();
            for (province, n) in provinces {
                let code = province.unwrap_or(UNRECORDED);
                let cell = c.count(&format!("province:{department}:{code}"), n);
                parts.push(cell);
                let label = if province.is_some() { code.to_owned() } else { "Sin provincia".to_owned() };
                province_rows.push(row(Some((department, &name)), code, &label, vec![cell]));
            }
            c.sum(d_received, parts);
        }
        c.sum(received, received_parts);
        c.sum(admitted, admitted_parts);
        c.sum(activated, activated_parts);
        c.sum(other, other_parts);
        c.sum(not_activated, not_activated_parts);
        rows.push(row(None, TOTAL, "Total", vec![received, admitted, activated]));
        let columns = vec![
            Column { id: "recibidas", label: "Recibidas" },
            Column { id: "admitidas", label: "Admitidas" },
            Column { id: "activadas", label: "Activadas" },
        ];
        self.table("departamentos", "Solicitudes por departamento", columns, rows);
        self.table("provincias", "Solicitudes por provincia (código de ubigeo)", vec![REQUESTS], province_rows);
    }

    /// Aggression types, overall and by department (the §5 report): a
    /// request may report several, so these rows do not add up to the
    /// requests; each type's figures add up across departments.
    fn aggressions(&mut self, counts: &RegistryCounts, labels: &Labels) {
        let columns =
            vec![Column { id: "recibidas", label: "Recibidas" }, Column { id: "activadas", label: "Activadas" }];
        let types: BTreeSet<&str> = counts.aggressions.iter().map(|g| g.aggression_type.as_str()).collect();
        let departments: BTreeSet<&str> = counts.aggressions.iter().map(|g| g.department.as_str()).collect();
        let mut overall = Vec::new();
        let mut by_department: BTreeMap<&str, Vec<Row>> = BTreeMap::new();
        for kind in &types {
            let name = label(AggressionType::parse, AggressionType::label, kind);
            let [all, active, inactive] =
                self.split(&format!("aggression:{kind}"), |g| g.aggression_type == *kind, counts);
            let mut parts = [Vec::new(), Vec::new(), Vec::new()];
            for department in &departments {
                let key = format!("aggression:{kind}:{department}");
                let cells = self.split(&key, |g| g.aggression_type == *kind && g.department == *department, counts);
                for (part, cell) in parts.iter_mut().zip(cells) {
                    part.push(cell);
                }
                if counts.aggressions.iter().any(|g| g.aggression_type == *kind && g.department == *department) {
                    let group = named(&labels.departments, department);
                    let row = row(Some((department, &group)), kind, &name, vec![cells[0], cells[1]]);
                    by_department.entry(department).or_default().push(row);
                }
            }
            for (total, part) in [all, active, inactive].into_iter().zip(parts) {
                self.cells.sum(total, part);
            }
            overall.push(row(None, kind, &name, vec![all, active]));
        }
        let by_department: Vec<Row> = by_department.into_values().flatten().collect();
        self.table("tipos_de_agresion", "Solicitudes por tipo de agresión", columns.clone(), overall);
        self.table("agresiones_por_departamento", "Tipos de agresión por departamento", columns, by_department);
    }

    /// Requests of the aggression groups that `keep` selects: all,
    /// activated, and (hidden) not activated, bound by a sum.
    fn split(
        &mut self,
        key: &str,
        keep: impl Fn(&super::AggressionGroup) -> bool,
        counts: &RegistryCounts,
    ) -> [CellId; 3] {
        let of = |activated: Option<bool>| -> u64 {
            counts
                .aggressions
                .iter()
                .filter(|g| keep(g) && activated.is_none_or(|a| g.activated == a))
                .map(|g| g.count)
                .sum()
        };
        let all = self.cells.count(key, of(None));
        let active = self.cells.count(&format!("{key}:activated"), of(Some(true)));
        let inactive = self.cells.count(&format!("{key}:not_activated"), of(Some(false)));
        self.cells.sum(all, vec![active, inactive]);
        [all, active, inactive]
    }

    /// A table whose rows split the requests received.
    fn dimension(
        &mut self,
        id: &'static str,
        title: &'static str,
        received: CellId,
        rows: impl Iterator<Item = (String, String, u64)>,
    ) {
        let mut table_rows = Vec::new();
        let mut parts = Vec::new();
        for (code, label, n) in rows {
            let cell = self.cells.count(&format!("{id}:{code}"), n);
            parts.push(cell);
            table_rows.push(row(None, &code, &label, vec![cell]));
        }
        self.cells.sum(received, parts);
        table_rows.push(row(None, TOTAL, "Total", vec![received]));
        self.table(id, title, vec![REQUESTS], table_rows);
    }

    fn people_by_gender(&mut self, counts: &RegistryCounts) {
        let total = self.cells.count("people", counts.people_by_gender.iter().map(|(_, n)| n).sum());
        let mut rows = Vec::new();
        let mut parts = Vec::new();
        for (code, n) in &counts.people_by_gender {
            let (code, name) = match code {
                Some(code) => (code.clone(), label(Gender::parse, Gender::label, code)),
                None => (UNRECORDED.to_owned(), "Sin dato".to_owned()),
            };
            let cell = self.cells.count(&format!("people:{code}"), *n);
            parts.push(cell);
            rows.push(row(None, &code, &name, vec![cell]));
        }
        self.cells.sum(total, parts);
        rows.push(row(None, TOTAL, "Total", vec![total]));
        let column = Column { id: "personas", label: "Personas beneficiarias" };
        self.table("genero", "Personas beneficiarias (no colectivos) por género", vec![column], rows);
    }

    /// Requests with something that came after they were filed, of which
    /// a request may have several (`counts`: by code, `None` for any):
    /// the row for any first, then each code in order.
    fn requests_with(
        &mut self,
        (id, title, any): (&'static str, &'static str, &str),
        counts: &RegistryCounts,
        of: impl Fn(&RegistryCounts) -> &[(Option<String>, u64)],
        describe: impl Fn(&str) -> String,
    ) {
        let received_count: u64 = counts.requests.iter().map(|g| g.count).sum();
        let received = self.received();
        let mut rows: Vec<(&str, String, u64)> = of(counts)
            .iter()
            .map(|(code, n)| match code {
                Some(code) => (code.as_str(), describe(code), *n),
                None => (ANY, any.to_owned(), *n),
            })
            .collect();
        if !rows.iter().any(|(code, _, _)| *code == ANY) {
            rows.push((ANY, any.to_owned(), 0));
        }
        rows.sort_by_key(|(code, _, _)| (*code != ANY, *code));
        let mut table_rows = Vec::new();
        for (code, name, n) in rows {
            let with = self.cells.count(&format!("{id}:{code}"), n);
            // Requests without one: shown nowhere, but they follow by
            // subtraction, so they are bound too.
            let without = self.cells.count(&format!("{id}:sin:{code}"), received_count.saturating_sub(n));
            self.cells.sum(received, vec![with, without]);
            table_rows.push(row(None, code, &name, vec![with]));
        }
        self.table(id, title, vec![REQUESTS], table_rows);
    }

    /// Among requests not admitted, how many failed each criterion (a
    /// request may fail several).
    fn failed_criteria(&mut self, counts: &RegistryCounts) {
        let not_admitted_count: u64 =
            counts.requests.iter().filter(|g| g.outcome == Some(Outcome::NotAdmit)).map(|g| g.count).sum();
        let not_admitted = self.cells.count("not_admitted", not_admitted_count);
        let mut rows = Vec::new();
        for criterion in Criterion::ALL {
            let n = counts.failed_criteria.iter().find(|(c, _)| c == criterion.code()).map_or(0, |(_, n)| *n);
            let failed = self.cells.count(&format!("failed:{}", criterion.code()), n);
            // Not admitted without failing it: shown nowhere, but it would
            // follow by subtraction, so it is bound too.
            let rest =
                self.cells.count(&format!("not_failed:{}", criterion.code()), not_admitted_count.saturating_sub(n));
            self.cells.sum(not_admitted, vec![failed, rest]);
            rows.push(row(None, criterion.code(), criterion.label(), vec![failed]));
        }
        self.table(
            "criterios_no_cumplidos",
            "Solicitudes no admitidas por criterio no cumplido",
            vec![Column { id: "no_admitidas", label: "No admitidas" }],
            rows,
        );
    }

    fn measures(&mut self, counts: &RegistryCounts, labels: &Labels) {
        let columns = vec![
            Column { id: "otorgadas", label: "Otorgadas" },
            Column { id: "implementadas", label: "Implementadas" },
            Column { id: "en_curso", label: "En curso" },
            Column { id: "no_viables", label: "No viables" },
            Column { id: "levantadas", label: "Levantadas" },
            Column { id: "verificadas", label: "Implementadas y verificadas por la DGDH" },
        ];
        // The columns that add up to those granted; the verified ones are
        // some of the implemented ones.
        const OUTCOMES: usize = 5;
        const VERIFIED: usize = 5;
        let outcome = |status: &str| match MeasureStatus::parse(status) {
            Ok(MeasureStatus::Implemented | MeasureStatus::Extended) => 1,
            Ok(MeasureStatus::NotFeasible) => 3,
            Ok(MeasureStatus::Lifted) => 4,
            Ok(
                MeasureStatus::Granted
                | MeasureStatus::Notified
                | MeasureStatus::Acknowledged
                | MeasureStatus::Modified,
            )
            | Err(_) => 2,
        };
        let pairs: BTreeSet<(&str, &str)> =
            counts.measures.iter().map(|m| (m.sector.as_str(), m.measure_type.as_str())).collect();
        let mut column_parts: Vec<Vec<CellId>> = vec![Vec::new(); columns.len()];
        let mut rows = Vec::new();
        let mut sums = vec![0u64; columns.len()];
        for (sector, kind) in pairs {
            let mut values = vec![0u64; columns.len()];
            for m in counts.measures.iter().filter(|m| m.sector == sector && m.measure_type == kind) {
                values[0] += m.count;
                values[outcome(&m.status)] += m.count;
                if m.verified && outcome(&m.status) == 1 {
                    values[VERIFIED] += m.count;
                }
            }
            let cells: Vec<CellId> = values
                .iter()
                .enumerate()
                .map(|(i, v)| self.cells.count(&format!("measures:{sector}:{kind}:{i}"), *v))
                .collect();
            self.cells.sum(cells[0], cells[1..OUTCOMES].to_vec());
            self.bind_unverified(&format!("measures:{sector}:{kind}"), &values, &cells);
            for (i, cell) in cells.iter().enumerate() {
                column_parts[i].push(*cell);
                sums[i] += values[i];
            }
            let group = named(&labels.sectors, sector);
            rows.push(row(Some((sector, &group)), kind, &named(&labels.measure_types, kind), cells));
        }
        let totals: Vec<CellId> =
            sums.iter().enumerate().map(|(i, v)| self.cells.count(&format!("measures:total:{i}"), *v)).collect();
        self.cells.sum(totals[0], totals[1..OUTCOMES].to_vec());
        self.bind_unverified("measures:total", &sums, &totals);
        for (total, parts) in totals.iter().zip(column_parts) {
            self.cells.sum(*total, parts);
        }
        rows.push(row(None, TOTAL, "Total", totals));
        self.table("medidas", "Medidas otorgadas por tipo y sector, y cómo terminaron", columns, rows);
    }

    /// Implemented but not verified: shown nowhere, but it follows by
    /// subtraction, so it is bound too.
    fn bind_unverified(&mut self, key: &str, values: &[u64], cells: &[CellId]) {
        let unverified = self.cells.count(&format!("{key}:sin_verificar"), values[1].saturating_sub(values[5]));
        self.cells.sum(cells[1], vec![cells[5], unverified]);
    }

    fn deadlines(&mut self, counts: &RegistryCounts, calendar: &Calendar) {
        let columns = vec![
            Column { id: "total", label: "Total" },
            Column { id: "a_tiempo", label: "Cumplidos a tiempo" },
            Column { id: "con_retraso", label: "Cumplidos con retraso" },
            Column { id: "en_curso", label: "En curso" },
            Column { id: "vencidos", label: "Vencidos sin cumplir" },
            Column { id: "caducados", label: "Caducados" },
            Column { id: "cancelados", label: "Cancelados" },
        ];
        let column_of = |g: &super::DeadlineGroup| match (g.status.as_str(), g.on_time, g.overdue) {
            ("MET", Some(true), _) => 1,
            ("MET", _, _) => 2,
            ("LAPSED", _, _) => 5,
            ("CANCELLED", _, _) => 6,
            (_, _, true) => 4,
            (_, _, false) => 3,
        };
        let mut rows = Vec::new();
        let mut median_rows = Vec::new();
        for kind in DeadlineKind::ALL {
            let mut values = vec![0u64; columns.len()];
            for g in counts.deadlines.iter().filter(|g| g.kind == kind.code()) {
                values[0] += g.count;
                values[column_of(g)] += g.count;
            }
            let cells: Vec<CellId> = values
                .iter()
                .enumerate()
                .map(|(i, v)| self.cells.count(&format!("deadlines:{}:{i}", kind.code()), *v))
                .collect();
            self.cells.sum(cells[0], cells[1..].to_vec());
            let met = self.cells.count(&format!("deadlines:{}:met", kind.code()), values[1] + values[2]);
            self.cells.sum(met, vec![cells[1], cells[2]]);
            let median = median_tenths(counts, kind.code(), calendar);
            let median = self.cells.median(&format!("deadlines:{}:median", kind.code()), median, met);
            rows.push(row(None, kind.code(), kind.label(), cells));
            median_rows.push(row(None, kind.code(), kind.label(), vec![met, median]));
        }
        self.table("plazos", "Plazos por tipo y cómo están", columns, rows);
        let columns = vec![
            Column { id: "cumplidos", label: "Plazos cumplidos" },
            Column { id: "mediana_dias_habiles", label: "Mediana de días hábiles hasta cumplirlos" },
        ];
        self.table(
            "duraciones",
            "Días hábiles hasta la decisión, el acuse de recibo y la implementación",
            columns,
            median_rows,
        );
    }
}

/// Requests by month of reception, from counts by day.
fn months(by_day: &[(NaiveDate, u64)]) -> impl Iterator<Item = (String, String, u64)> {
    let mut months: BTreeMap<(i32, u32), u64> = BTreeMap::new();
    for (day, n) in by_day {
        *months.entry((day.year(), day.month())).or_default() += n;
    }
    months.into_iter().map(|((year, month), n)| {
        (format!("{year}-{month:02}"), format!("{} de {year}", crate::business_day::month_name(month)), n)
    })
}

/// The median working days met deadlines of `kind` took, in tenths.
fn median_tenths(counts: &RegistryCounts, kind: &str, calendar: &Calendar) -> Option<u64> {
    let mut took: Vec<(u64, u64)> = counts
        .durations
        .iter()
        .filter(|g| g.kind == kind)
        .map(|g| {
            let department = DepartmentCode::parse(&g.department).ok();
            let days = calendar.working_days_between(g.start_on, g.met_on, department);
            (u64::from(days.saturating_sub(g.suspended_working_days)), g.count)
        })
        .collect();
    took.sort_unstable();
    let total: u64 = took.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The values at positions ⌊(total-1)/2⌋ and ⌊total/2⌋ (0-based).
    let at = |position: u64| {
        let mut seen = 0;
        took.iter()
            .find(|(_, n)| {
                seen += n;
                seen > position
            })
            .map_or(0, |(days, _)| *days)
    };
    Some((at((total - 1) / 2) + at(total / 2)) * 5)
}

#[cfg(test)]
mod tests {
    use super::super::{AggressionGroup, DeadlineGroup, DurationGroup, RequestGroup};
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn requests(department: &str, outcome: Option<Outcome>, activated: bool, count: u64) -> RequestGroup {
        RequestGroup {
            department: department.into(),
            province: Some(format!("{department}01")),
            outcome,
            activated,
            count,
        }
    }

    fn report() -> PublishedReport {
        let counts = RegistryCounts {
            requests: vec![
                requests("25", Some(Outcome::Admit), true, 6),
                requests("25", Some(Outcome::Admit), false, 3),
                requests("15", Some(Outcome::Admit), true, 4),
                requests("15", Some(Outcome::NotAdmit), false, 5),
                requests("08", Some(Outcome::Admit), true, 1),
                requests("08", None, false, 3),
            ],
            aggressions: vec![
                AggressionGroup {
                    department: "25".into(),
                    aggression_type: "THREAT".into(),
                    activated: true,
                    count: 6,
                },
                AggressionGroup {
                    department: "08".into(),
                    aggression_type: "THREAT".into(),
                    activated: true,
                    count: 1,
                },
            ],
            deadlines: vec![
                DeadlineGroup {
                    kind: "DECISION".into(),
                    status: "MET".into(),
                    on_time: Some(true),
                    overdue: false,
                    count: 3,
                },
                DeadlineGroup {
                    kind: "DECISION".into(),
                    status: "MET".into(),
                    on_time: Some(false),
                    overdue: false,
                    count: 1,
                },
                DeadlineGroup {
                    kind: "DECISION".into(),
                    status: "OPEN".into(),
                    on_time: None,
                    overdue: true,
                    count: 5,
                },
            ],
            durations: vec![
                DurationGroup {
                    kind: "DECISION".into(),
                    department: "25".into(),
                    start_on: d("2026-03-02"),
                    met_on: d("2026-03-09"),
                    suspended_working_days: 0,
                    count: 3,
                },
                DurationGroup {
                    kind: "DECISION".into(),
                    department: "25".into(),
                    start_on: d("2026-03-02"),
                    met_on: d("2026-03-16"),
                    suspended_working_days: 2,
                    count: 1,
                },
            ],
            ..Default::default()
        };
        let filter = ReportFilter {
            from: d("2026-03-01"),
            to: d("2026-03-31"),
            department: None,
            track: None,
            defender_category: None,
            sector: None,
        };
        let mut labels = Labels::default();
        labels.departments.insert("25".into(), "Ucayali".into());
        let report = build_report(&filter, &counts, &labels, &Calendar::peru_default());
        report.publish(Some(3))
    }

    fn figures<'a>(report: &'a PublishedReport, table: &str, code: &str) -> &'a [Figure] {
        let table = report.tables.iter().find(|t| t.id == table).unwrap();
        &table.rows.iter().find(|r| r.code == code).unwrap().figures
    }

    #[test]
    fn the_funnel_adds_up() {
        let report = report();
        assert_eq!(figures(&report, "resumen", "RECIBIDAS"), [Figure::Count(22)]);
        assert_eq!(figures(&report, "resumen", "ADMITIDAS"), [Figure::Count(14)]);
        assert_eq!(figures(&report, "resumen", "ACTIVADAS"), [Figure::Count(11)]);
        assert_eq!(figures(&report, "resumen", "NO_ADMITIDAS"), [Figure::Count(5)]);
        assert_eq!(figures(&report, "resumen", "PENDIENTES"), [Figure::Count(3)]);
        assert_eq!(figures(&report, "departamentos", "25"), [Figure::Count(9), Figure::Count(9), Figure::Count(6)]);
        let ucayali =
            report.tables.iter().find(|t| t.id == "departamentos").unwrap().rows.iter().find(|r| r.code == "25");
        assert_eq!(ucayali.map(|r| r.label.as_str()), Some("Ucayali"));
    }

    #[test]
    fn small_places_are_suppressed_with_a_partner() {
        let report = report();
        // Áncash (08): 4 received, 1 admitted and activated. The 1s go, and
        // with them a partner in each sum they sit in.
        let ancash = figures(&report, "departamentos", "08");
        assert_eq!(ancash[0], Figure::Count(4));
        assert_eq!(ancash[1], Figure::Suppressed);
        assert_eq!(ancash[2], Figure::Suppressed);
        for table in &report.tables {
            for row in &table.rows {
                for figure in &row.figures {
                    if let Figure::Count(n) = figure {
                        assert!(*n == 0 || *n >= 3, "{} {}: {n}", table.id, row.code);
                    }
                }
            }
        }
        // One threat in Áncash: hidden in the §5 table and in the total it
        // adds up to, so the national figure does not give it away.
        let by_department = figures(&report, "agresiones_por_departamento", "THREAT");
        assert_eq!(by_department[0], Figure::Suppressed);
    }

    #[test]
    fn deadlines_and_the_working_days_they_took() {
        let report = report();
        let decisions = figures(&report, "plazos", "DECISION");
        // One late decision: hidden, with the on-time ones as its partner.
        let expected = [Figure::Count(9), Figure::Withheld, Figure::Suppressed, Figure::Count(0), Figure::Count(5)];
        assert_eq!(&decisions[..5], expected);
        // 2026-03-02 → 03-09: 5 working days (×3); → 03-16: 10 − 2 = 8.
        // Median of 5, 5, 5, 8: 5.
        assert_eq!(figures(&report, "duraciones", "DECISION"), [Figure::Count(4), Figure::MedianTenths(50)]);
        assert_eq!(figures(&report, "duraciones", "MEASURE_IMPLEMENTATION")[1], Figure::Withheld);
    }
}
