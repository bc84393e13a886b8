//! What a parsed GraphQL document asks for: the operation a request runs,
//! and the root field it is counted by.

use async_graphql::Positioned;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition, Selection};

/// The operation a request runs: the one named, or the only one (named or
/// not: GraphQL runs a lone named operation without being told its name).
pub(crate) fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// What a request asked for, as a metric label: its one root field
/// (`submitRequest`, `cases`…), `multiple` for several, `invalid` when the
/// document did not parse or has no such operation. Only called on
/// documents that passed validation or with `None`, so every field name is
/// one of the schema's.
pub(crate) fn operation_label(document: Option<&ExecutableDocument>, operation_name: Option<&str>) -> String {
    let operation = document.and_then(|document| selected_operation(document, operation_name));
    let Some(operation) = operation else { return "invalid".into() };
    let mut fields = operation.node.selection_set.node.items.iter().map(|item| match &item.node {
        Selection::Field(field) => Some(field.node.name.node.as_str()),
        Selection::FragmentSpread(_) | Selection::InlineFragment(_) => None,
    });
    match (fields.next(), fields.next()) {
        (Some(Some(field)), None) => field.to_owned(),
        (None, _) => "invalid".into(),
        _ => "multiple".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(query: &str, name: Option<&str>) -> String {
        let document = async_graphql::parser::parse_query(query).ok();
        operation_label(document.as_ref(), name)
    }

    #[test]
    fn operations_are_named_by_their_root_field_from_a_closed_set() {
        assert_eq!(label("mutation { submitRequest(input: {}) { fileNumber } }", None), "submitRequest");
        assert_eq!(label("query Mine { me { email } }", None), "me");
        assert_eq!(label("{ a: cases { edges { cursor } } }", None), "cases");
        assert_eq!(label("{ me { email } departments { code } }", None), "multiple");
        assert_eq!(label("query A { me { email } } query B { sectors { code } }", Some("B")), "sectors");
        assert_eq!(label("query A { me { email } } query B { sectors { code } }", None), "invalid");
        assert_eq!(label("{ me { email }", None), "invalid");
    }
}
