//! The report as one long-format CSV file: a line per figure, with Spanish
//! headers, UTF-8, suppressed figures written as people see them (`< 3`).

use super::report::PublishedReport;

const HEADER: &str = "tabla,titulo,codigo_grupo,grupo,codigo,etiqueta,indicador,valor";

/// RFC 4180 quoting where needed.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

pub fn to_csv(report: &PublishedReport) -> String {
    let threshold = report.threshold.unwrap_or(0);
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for table in &report.tables {
        for row in &table.rows {
            for (column, figure) in table.columns.iter().zip(&row.figures) {
                let fields = [
                    table.id,
                    table.title,
                    row.group_code.as_deref().unwrap_or(""),
                    row.group.as_deref().unwrap_or(""),
                    &row.code,
                    &row.label,
                    column.id,
                    &figure.display(threshold),
                ];
                out.push_str(&fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(field("Lima"), "Lima");
        assert_eq!(field("Ica, Perú"), "\"Ica, Perú\"");
        assert_eq!(field("dice \"no\""), "\"dice \"\"no\"\"\"");
    }
}
