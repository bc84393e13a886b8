//! Errors GraphQL itself raises (a syntax error, a document that does not
//! fit the schema, an argument of the wrong type), rewritten before they
//! leave: in Spanish, naming where (line and column, the argument's path)
//! and the kind of value expected, never what was sent. async-graphql's own
//! messages quote the offending line of the document and the rejected
//! value, which may be a name, a place or a story typed by a person.
//!
//! Names from the schema (types, fields, arguments, enum values) may be
//! said; any other name quoted in a message (a misspelt field, a variable,
//! a value) is replaced by «…». Errors of our own always carry a code and
//! are left as they are.

use std::collections::HashSet;
use std::sync::LazyLock;

use async_graphql::parser::Error as ParseError;
use async_graphql::{ErrorExtensionValues, Pos, ServerError};

/// The code of a document that does not parse.
pub(crate) const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The code of a document that does not fit the schema.
pub(crate) const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// The code of an argument value found wrong while executing (a scalar
/// that does not parse); found while validating, it is
/// [`VALIDATION_FAILED`], with the argument's path in `field` either way.
pub(crate) const BAD_USER_INPUT: &str = "BAD_USER_INPUT";

/// Every name the schema defines, which messages may repeat.
struct Vocabulary(HashSet<String>);

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| Vocabulary::of(&crate::sdl()));

impl Vocabulary {
    /// The names in an SDL text, descriptions left out (they are prose).
    fn of(sdl: &str) -> Self {
        let mut names = HashSet::new();
        let mut rest = sdl;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("\"\"\"") {
                rest = after.find("\"\"\"").map_or("", |end| &after[end + 3..]);
            } else if let Some(after) = rest.strip_prefix('"') {
                rest = after.find('"').map_or("", |end| &after[end + 1..]);
            } else if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                names.insert(rest[..end].to_owned());
                rest = &rest[end..];
            } else {
                let skip = rest.chars().next().map_or(1, char::len_utf8);
                rest = &rest[skip..];
            }
        }
        Self(names)
    }

    /// Whether `text` (a name, a type such as `[Gender!]!`, a variable, or
    /// a path such as `input.beneficiaries.0.name`) is made only of the
    /// schema's names and indices.
    fn allows(&self, text: &str) -> bool {
        let parts: Vec<&str> = text.split(['.', '$', '@', '!', '[', ']']).filter(|p| !p.is_empty()).collect();
        !parts.is_empty() && parts.iter().all(|part| self.0.contains(*part) || part.chars().all(|c| c.is_ascii_digit()))
    }

    /// `«name»` when the schema has it, `«…»` otherwise.
    fn quote(&self, text: &str) -> String {
        if self.allows(text) { format!("«{text}»") } else { "«…»".to_owned() }
    }
}

/// A document that does not parse: where, and what the grammar expected
/// there, never the line itself.
pub(crate) fn parse_failure(error: &ParseError) -> ServerError {
    let message = match error {
        ParseError::Syntax { message, .. } => {
            // pest ends its report with `= expected <rules>`: grammar words only.
            let expected = message.lines().rev().find_map(|line| line.trim().strip_prefix("= expected "));
            match expected {
                Some(rules) => format!("error de sintaxis: se esperaba {rules}"),
                None => "error de sintaxis".to_owned(),
            }
        }
        ParseError::MultipleRoots { .. } | ParseError::MissingQueryRoot { .. } => {
            "el documento define el esquema de forma inválida".to_owned()
        }
        ParseError::MultipleOperations { .. } => {
            "el documento tiene una operación anónima y otras: dé nombre a todas".to_owned()
        }
        ParseError::OperationDuplicated { .. } => "dos operaciones tienen el mismo nombre".to_owned(),
        ParseError::FragmentDuplicated { .. } => "dos fragmentos tienen el mismo nombre".to_owned(),
        ParseError::MissingOperation => "el documento no tiene ninguna operación".to_owned(),
        ParseError::RecursionLimitExceeded => "el documento anida demasiados niveles".to_owned(),
        // The parser's error type is non-exhaustive: a future kind still
        // says only where.
        _ => "el documento no es válido".to_owned(),
    };
    let positions: Vec<Pos> = error.positions().collect();
    with_code(
        ServerError { message: located(message, &positions), locations: positions, ..ServerError::new("", None) },
        PARSE_FAILED,
    )
}

/// Whether an error is one of GraphQL's refusals of a document that costs
/// too much (depth, complexity, directives, recursion): those are
/// `QUERY_REJECTED`, and their limits are never told.
pub(crate) fn is_limit(error: &ServerError) -> bool {
    let message = error.message.as_str();
    error.extensions.as_ref().and_then(|x| x.get("code")).is_none()
        && (message == "Query is too complex."
            || message == "Query is nested too deep."
            || message.starts_with("The number of directives on the field")
            || message.starts_with("The recursion depth of the query cannot be greater than"))
}

/// Rewrites every error GraphQL raised (ours carry a code already) and
/// gives it a stable code.
pub(crate) fn finish(errors: &mut [ServerError]) {
    for error in errors {
        if error.extensions.as_ref().and_then(|x| x.get("code")).is_some() {
            continue;
        }
        let (message, code, field) = rewrite(&error.message, !error.path.is_empty());
        error.message = located(message, &error.locations);
        let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
        extensions.set("code", code);
        if let Some(field) = field {
            extensions.set("field", field);
        }
    }
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    error.extensions.get_or_insert_with(ErrorExtensionValues::default).set("code", code);
    error
}

/// `message (línea 3, columna 7)`.
fn located(message: String, positions: &[Pos]) -> String {
    match positions.first() {
        Some(pos) => format!("{message} (línea {}, columna {})", pos.line, pos.column),
        None => message,
    }
}

/// The quoted parts of a message, in order, and its shape with each of
/// them emptied (`Unknown field "" on type "".`).
fn dissect(message: &str) -> (Vec<&str>, String) {
    let mut quoted = Vec::new();
    let mut shape = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        shape.push_str(&rest[..=start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else {
            rest = after;
            break;
        };
        quoted.push(&after[..end]);
        shape.push('"');
        rest = &after[end + 1..];
    }
    shape.push_str(rest);
    (quoted, shape)
}

/// A GraphQL message in our words: the message, its code, and the argument
/// path a form can point at.
fn rewrite(message: &str, during_execution: bool) -> (String, &'static str, Option<String>) {
    let vocabulary = &*VOCABULARY;
    let q = |text: &str| vocabulary.quote(text);
    // Suggestions ("Did you mean …?") only in development; only schema names.
    let (message, suggestion) = match message.split_once(" Did you mean ") {
        Some((main, suggested)) => (main, Some(suggested)),
        None => (message, None),
    };
    let (quoted, shape) = dissect(message);
    let arg = |i: usize| quoted.get(i).copied().unwrap_or("");
    let invalid = |text: String| (text, VALIDATION_FAILED, None);
    let mut rewritten = match shape.as_str() {
        r#"Unknown field "" on type ""."# => invalid(format!("el tipo {} no tiene el campo {}", q(arg(1)), q(arg(0)))),
        r#"Unknown argument "" on field "" of type ""."# => {
            invalid(format!("el campo {} del tipo {} no tiene el argumento {}", q(arg(1)), q(arg(2)), q(arg(0))))
        }
        r#"Unknown argument "" on directive ""."# => {
            invalid(format!("la directiva {} no tiene el argumento {}", q(arg(1)), q(arg(0))))
        }
        r#"Unknown type """# => invalid(format!("el tipo {} no existe", q(arg(0)))),
        r#"Unknown directive """# => invalid(format!("la directiva {} no existe", q(arg(0)))),
        r#"Unknown fragment: """# => invalid(format!("el fragmento {} no está definido", q(arg(0)))),
        r#"Duplicate directive """# => invalid(format!("la directiva {} está repetida", q(arg(0)))),
        r#"Field "" argument "" of type "" is required but not provided"# => (
            format!("falta el argumento obligatorio {} (de tipo {}) de {}", q(arg(1)), q(arg(2)), q(arg(0))),
            VALIDATION_FAILED,
            vocabulary.allows(arg(1)).then(|| arg(1).to_owned()),
        ),
        r#"Directive "" argument "" of type "" is required but not provided"# => {
            invalid(format!("falta el argumento obligatorio {} de la directiva {}", q(arg(1)), q(arg(0))))
        }
        r#"Field "" must not have a selection since type "" has no subfields"# => {
            invalid(format!("el campo {} (de tipo {}) no admite subcampos", q(arg(0)), q(arg(1))))
        }
        r#"Field "" of type "" must have a selection of subfields"# => {
            invalid(format!("el campo {} (de tipo {}) necesita una selección de subcampos", q(arg(0)), q(arg(1))))
        }
        r#"Variable "" is not defined"# | r#"Variable "" is not defined by operation """# => {
            invalid(format!("la variable {} no está declarada", q(arg(0))))
        }
        r#"Variable "" is not used"# | r#"Variable "" is not used by operation """# => {
            invalid(format!("la variable {} no se usa", q(arg(0))))
        }
        r#"Variable "" of type "" used in position expecting type """# => invalid(format!(
            "la variable {} es de tipo {} y se usa donde se espera {}",
            q(arg(0)),
            q(arg(1)),
            q(arg(2))
        )),
        r#"Variable "" cannot be of non-input type """# => {
            invalid(format!("la variable {} no puede ser de tipo {}", q(arg(0)), q(arg(1))))
        }
        r#"There can only be one argument named """# => invalid(format!("el argumento {} está repetido", q(arg(0)))),
        r#"There can only be one variable named """# => {
            invalid(format!("la variable {} está declarada dos veces", q(arg(0))))
        }
        r#"Fragment "" is never used"# => invalid(format!("el fragmento {} no se usa", q(arg(0)))),
        r#"Unknown operation named """# => {
            invalid("el documento no tiene ninguna operación con el nombre pedido (operationName)".to_owned())
        }
        "Operation name required in request." => {
            invalid("el documento tiene varias operaciones: diga cuál ejecutar (operationName)".to_owned())
        }
        r#"Cannot spread fragment """# => invalid(format!("el fragmento {} se incluye a sí mismo", q(arg(0)))),
        r#"Fragment "" cannot be spread here as objects of type "" can never be of type """# => invalid(format!(
            "el fragmento {} no puede usarse aquí: el tipo {} nunca es {}",
            q(arg(0)),
            q(arg(1)),
            q(arg(2))
        )),
        _ => value_error(message, &quoted, during_execution).unwrap_or_else(|| {
            if shape.starts_with(r#"Fields "" conflict because"#) {
                invalid(format!("los campos {} entran en conflicto: use alias distintos", q(arg(0))))
            } else {
                invalid("la consulta no se ajusta al esquema".to_owned())
            }
        }),
    };
    if let Some(suggested) = suggestion {
        let (names, _) = dissect(suggested);
        let names: Vec<String> = names.iter().filter(|n| vocabulary.allows(n)).map(|n| format!("«{n}»")).collect();
        if !names.is_empty() {
            rewritten.0 = format!("{}; ¿quiso decir {}?", rewritten.0, names.join(" o "));
        }
    }
    rewritten
}

/// Argument values of the wrong kind, found while validating
/// (`Invalid value for argument "input.gender", …`) or while executing
/// (`Failed to parse "Date": …`, `Expected input type "Int", found …`).
fn value_error(
    message: &str,
    quoted: &[&str],
    during_execution: bool,
) -> Option<(String, &'static str, Option<String>)> {
    let vocabulary = &*VOCABULARY;
    let q = |text: &str| vocabulary.quote(text);
    let arg = |i: usize| quoted.get(i).copied().unwrap_or("");
    let code = if during_execution { BAD_USER_INPUT } else { VALIDATION_FAILED };
    if let Some(reason) = message.strip_prefix("Invalid value for argument ") {
        let path = arg(0);
        let field = vocabulary.allows(path).then(|| path.to_owned());
        let (_, after_path) = reason.split_once("\", ").unwrap_or(("", reason));
        let text = if after_path.starts_with("expected type ") {
            format!("valor inválido en {}: se esperaba un valor de tipo {}", q(path), q(arg(1)))
        } else if after_path.starts_with("enumeration type ") {
            format!("valor inválido en {}: no es uno de los valores de {}", q(path), q(arg(1)))
        } else if after_path.starts_with("field ") && after_path.ends_with("is required but not provided") {
            let missing = format!("{path}.{}", arg(1));
            return Some((
                format!("falta {} (de tipo {})", q(&missing), q(arg(2))),
                code,
                vocabulary.allows(&missing).then_some(missing),
            ));
        } else if after_path.starts_with("unknown field ") {
            format!("{} tiene un campo que no existe en el tipo {}", q(path), q(arg(2)))
        } else {
            format!("valor inválido en {}", q(path))
        };
        return Some((text, code, field));
    }
    if message.starts_with("Invalid default value for argument") {
        return Some(("valor por defecto inválido para un argumento".to_owned(), VALIDATION_FAILED, None));
    }
    if message.starts_with("Failed to parse ") || message.starts_with("Expected input type ") {
        // Our own scalars explain themselves without repeating the value
        // (`fecha inválida: use el formato AAAA-MM-DD`); the library's do not.
        let own = match (arg(0), message.split_once("\": ")) {
            ("Date", Some((_, explanation))) if !explanation.contains('"') => Some(explanation),
            _ => None,
        };
        let text = match own {
            Some(explanation) => format!("valor inválido: {explanation}"),
            None => format!("valor inválido: se esperaba un valor de tipo {}", q(arg(0))),
        };
        return Some((text, code, None));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(message: &str) -> String {
        rewrite(message, false).0
    }

    #[test]
    fn schema_names_are_kept_and_anything_else_is_hidden() {
        assert_eq!(
            rewritten(r#"Unknown field "CANARIO" on type "Query". Did you mean "cases"?"#),
            "el tipo «Query» no tiene el campo «…»; ¿quiso decir «cases»?"
        );
        assert_eq!(
            rewrite(
                r#"Invalid value for argument "input.beneficiaries.0.gender", enumeration type "Gender" does not contain the value "CANARIO""#,
                false
            ),
            (
                "valor inválido en «input.beneficiaries.0.gender»: no es uno de los valores de «Gender»".to_owned(),
                VALIDATION_FAILED,
                Some("input.beneficiaries.0.gender".to_owned())
            )
        );
        assert_eq!(
            rewritten(r#"Invalid value for argument "input.CANARIO", unknown field "CANARIO" of type "RequestInput""#),
            "«…» tiene un campo que no existe en el tipo «RequestInput»"
        );
        assert_eq!(
            rewritten(r#"Failed to parse "Int": Expected input type "Int", found "Quispe"."#),
            "valor inválido: se esperaba un valor de tipo «Int»"
        );
        assert_eq!(
            rewritten(r#"Failed to parse "Date": fecha inválida: use el formato AAAA-MM-DD"#),
            "valor inválido: fecha inválida: use el formato AAAA-MM-DD"
        );
        assert_eq!(rewritten(r#"Variable "$CANARIO" is not defined"#), "la variable «…» no está declarada");
        assert_eq!(rewritten("Something new and \"CANARIO\""), "la consulta no se ajusta al esquema");
    }

    #[test]
    fn syntax_errors_say_where_and_what_was_expected() {
        let error = async_graphql::parser::parse_query(r#"mutation { submitRequest(input: { facts: "Rosa Quispe" "#)
            .err()
            .unwrap();
        let rewritten = parse_failure(&error);
        assert!(!rewritten.message.contains("Rosa"), "{}", rewritten.message);
        assert!(rewritten.message.starts_with("error de sintaxis"), "{}", rewritten.message);
        assert!(rewritten.message.contains("(línea 1, columna"), "{}", rewritten.message);
    }

    #[test]
    fn the_vocabulary_leaves_descriptions_out() {
        let vocabulary =
            Vocabulary::of("\"\"\"Rosa lives here\"\"\"\ntype Query { \"Quispe\" cases(first: Int): Case }");
        assert!(vocabulary.allows("Query") && vocabulary.allows("cases") && vocabulary.allows("[Case!]!"));
        assert!(!vocabulary.allows("Rosa") && !vocabulary.allows("Quispe") && !vocabulary.allows(""));
    }
}
