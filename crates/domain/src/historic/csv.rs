//! Reading a CSV file as spreadsheets save it (RFC 4180): a header row,
//! fields separated by commas (or semicolons, as a spreadsheet in Spanish
//! saves them), quoted when they hold a separator, a quote or a line
//! break, quotes doubled inside. A byte-order mark is skipped.

/// A file's rows, the header apart; each row with its line number in the
/// file (a quoted field may span lines: the line it starts on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file is not a CSV table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("el archivo está vacío: falta la fila de encabezados")]
    Empty,
    #[error("línea {0}: unas comillas se abren y no se cierran")]
    UnclosedQuote(usize),
    #[error("línea {0}: después de unas comillas de cierre solo puede venir un separador o el fin de la línea")]
    TextAfterQuote(usize),
}

impl Table {
    pub fn parse(text: &str) -> Result<Table, CsvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first_line = text.lines().next().unwrap_or("");
        // A spreadsheet set to Spanish separates with semicolons.
        let separator = if first_line.matches(';').count() > first_line.matches(',').count() { ';' } else { ',' };
        let mut records = Vec::new();
        let mut record: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut line = 1;
        let mut record_line = 1;
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        let mut after_quote = false;
        let mut quote_line = 0;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => {
                        quoted = false;
                        after_quote = true;
                    }
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    '\r' => {}
                    other => field.push(other),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !after_quote => {
                    quoted = true;
                    quote_line = line;
                }
                c if c == separator => {
                    record.push(std::mem::take(&mut field));
                    after_quote = false;
                }
                '\r' => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut record)));
                    after_quote = false;
                    line += 1;
                    record_line = line;
                }
                _ if after_quote => return Err(CsvError::TextAfterQuote(line)),
                other => field.push(other),
            }
        }
        if quoted {
            return Err(CsvError::UnclosedQuote(quote_line));
        }
        if !field.is_empty() || !record.is_empty() || after_quote {
            record.push(field);
            records.push((record_line, record));
        }
        // Blank lines (a spreadsheet's trailing ones) are no rows.
        records.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
        let mut records = records.into_iter();
        let (_, header) = records.next().ok_or(CsvError::Empty)?;
        let header = header.into_iter().map(|h| h.trim().to_lowercase()).collect();
        Ok(Table { header, rows: records.collect() })
    }

    /// The position of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_separators_quotes_and_line_breaks() {
        let text = "\u{feff}a,b,c\r\n1,\"dos, \"\"tres\"\"\",\"línea\r\notra\"\r\n\r\n4,,\n";
        let table = Table::parse(text).unwrap();
        assert_eq!(table.header, ["a", "b", "c"]);
        assert_eq!(
            table.rows,
            [
                (2, vec!["1".to_owned(), "dos, \"tres\"".to_owned(), "línea\notra".to_owned()]),
                (5, vec!["4".to_owned(), String::new(), String::new()])
            ]
        );
    }

    #[test]
    fn a_spanish_spreadsheet_separates_with_semicolons() {
        let table = Table::parse("Fecha;Monto\n2021-04-01;1,5").unwrap();
        assert_eq!(table.header, ["fecha", "monto"]);
        assert_eq!(table.rows, [(2, vec!["2021-04-01".to_owned(), "1,5".to_owned()])]);
        assert_eq!(table.column("monto"), Some(1));
    }

    #[test]
    fn broken_quotes_are_refused_with_their_line() {
        assert_eq!(Table::parse("a\n\"abierta\nsin cerrar"), Err(CsvError::UnclosedQuote(2)));
        assert_eq!(Table::parse("a,b\n\"x\"y,z"), Err(CsvError::TextAfterQuote(2)));
        assert_eq!(Table::parse(""), Err(CsvError::Empty));
    }
}
