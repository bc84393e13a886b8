//! What a GraphQL request may cost, checked before anything expensive
//! runs: the document's length and token count before parsing, its aliases
//! after parsing, and (through the schema) its depth, complexity and
//! directives. Refusals are cheap and never say which limit was hit or its
//! value, so probing them teaches nothing.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The longest query document accepted, in bytes (variables travel apart).
pub(crate) const MAX_DOCUMENT_BYTES: usize = 16 * 1024;
/// The most lexical tokens a document may have.
pub(crate) const MAX_TOKENS: usize = 2_000;
/// The most aliases in one document.
pub(crate) const MAX_ALIASES: usize = 30;
/// Nesting depth of fields.
pub(crate) const MAX_DEPTH: usize = 15;
/// Sum of field costs; list fields cost their page size times their children.
pub(crate) const MAX_COMPLEXITY: usize = 10_000;
/// Directives on one field.
pub(crate) const MAX_DIRECTIVES: usize = 4;

/// Counts GraphQL tokens without building anything: punctuators, names,
/// numbers and strings (block strings included) count one each; whitespace,
/// commas and comments are ignored. Stops counting past `limit`.
pub(crate) fn count_tokens(document: &str, limit: usize) -> usize {
    let bytes = document.as_bytes();
    let (mut i, mut tokens) = (0, 0);
    while i < bytes.len() && tokens <= limit {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | 0xEF | 0xBB | 0xBF => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 3;
                tokens += 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                tokens += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                i += 3;
                tokens += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
                tokens += 1;
            }
            _ => {
                i += 1;
                tokens += 1;
            }
        }
    }
    tokens
}

fn aliases_in(set: &SelectionSet, count: &mut usize) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                if field.node.alias.is_some() {
                    *count += 1;
                }
                aliases_in(&field.node.selection_set.node, count);
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node, count),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Whether any operation asks for the schema itself (`__schema`, `__type`)
/// at its root, directly or through fragments.
pub(crate) fn asks_for_schema(document: &ExecutableDocument) -> bool {
    fn in_set(set: &SelectionSet, document: &ExecutableDocument, depth: usize) -> bool {
        depth < 8
            && set.items.iter().any(|selection| match &selection.node {
                Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
                Selection::InlineFragment(fragment) => in_set(&fragment.node.selection_set.node, document, depth + 1),
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|f| in_set(&f.node.selection_set.node, document, depth + 1)),
            })
    }
    document.operations.iter().any(|(_, operation)| in_set(&operation.node.selection_set.node, document, 0))
}

/// Aliases in every operation and fragment of a parsed document.
pub(crate) fn count_aliases(document: &ExecutableDocument) -> usize {
    let mut count = 0;
    for (_, operation) in document.operations.iter() {
        aliases_in(&operation.node.selection_set.node, &mut count);
    }
    for fragment in document.fragments.values() {
        aliases_in(&fragment.node.selection_set.node, &mut count);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_cheaply() {
        assert_eq!(count_tokens("{ me { id } }", 100), 6);
        assert_eq!(count_tokens("query($a: Int = 5) { x(a: $a, s: \"a b, c\") }", 100), 21);
        assert_eq!(count_tokens("# comment\n{ a }", 100), 3);
        assert_eq!(count_tokens(&"a ".repeat(50_000), 10), 11, "stops past the limit");
        assert_eq!(count_tokens("\"\"\"block \"quoted\" text\"\"\" { a }", 100), 4);
    }

    #[test]
    fn aliases_are_counted_in_fragments_too() {
        let document =
            async_graphql::parser::parse_query("{ a: me { id } ...F } fragment F on Query { b: me { c: id } }")
                .unwrap();
        assert_eq!(count_aliases(&document), 3);
    }
}
