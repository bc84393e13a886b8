//! Puts every object of an answer back in the order its query asked for the
//! fields. async-graphql 7.2 resolves an object's fields concurrently and
//! inserts them as they finish (`do_resolve_container` over
//! `FuturesUnordered`), so fields behind a DataLoader can come back in any
//! order; the GraphQL specification says they should keep the query's
//! ("Serialized Map Ordering"), and clients comparing answers
//! byte for byte rely on it.

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value};

use crate::document::selected_operation;

/// Reorders `data` by the selection set of the operation that produced it.
pub(crate) fn restore(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    if let Some(operation) = selected_operation(document, operation_name) {
        let plan = Plan::of(&[&operation.node.selection_set.node], document);
        plan.apply(data);
    }
}

/// The order the query asks for, computed once from the document (not once
/// per object of the answer: a page of 50 cases is one plan, applied 50
/// times).
struct Plan {
    /// Response keys in order, each with the order under it.
    fields: Vec<(Name, Plan)>,
}

impl Plan {
    /// `sets` are the selection sets that together ask for one value (one
    /// usually; several when a field is selected again with other
    /// subfields). The recursion follows the query, whose depth is limited.
    fn of(sets: &[&SelectionSet], document: &ExecutableDocument) -> Plan {
        let mut asked = Vec::new();
        for set in sets {
            collect(set, document, &mut asked, 0);
        }
        Plan { fields: asked.into_iter().map(|(name, subsets)| (name, Plan::of(&subsets, document))).collect() }
    }

    fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Object(fields) => {
                if self.is_exactly(fields) {
                    // Most objects come back whole and in order: walk them
                    // beside the plan, with no lookup and nothing rebuilt.
                    for (child, (_, plan)) in fields.values_mut().zip(&self.fields) {
                        plan.apply(child);
                    }
                    return;
                }
                let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(fields.len());
                for (key, plan) in &self.fields {
                    if let Some(mut child) = fields.shift_remove(key) {
                        plan.apply(&mut child);
                        ordered.insert(key.clone(), child);
                    }
                }
                // Anything not traced back to the query keeps its place after.
                ordered.extend(std::mem::take(fields));
                *fields = ordered;
            }
            _ => {}
        }
    }

    /// Whether `fields` holds every asked key and nothing else, in the
    /// asked order (an object of a type some fragments do not apply to
    /// lacks their keys: it is rebuilt, which keeps its order right too).
    fn is_exactly(&self, fields: &async_graphql::indexmap::IndexMap<Name, Value>) -> bool {
        fields.len() == self.fields.len() && fields.keys().zip(&self.fields).all(|(key, (asked, _))| key == asked)
    }
}

/// Response keys in the order the selection set names them, through
/// fragments, each with the subselections asked for under it.
fn collect<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    asked: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    // Fragments cannot cycle in a valid document; the bound is for the others.
    if depth > 32 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => add(asked, field),
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set.node, document, asked, depth + 1);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set.node, document, asked, depth + 1);
                }
            }
        }
    }
}

fn add<'a>(asked: &mut Vec<(Name, Vec<&'a SelectionSet>)>, field: &'a Positioned<Field>) {
    let key = field.node.response_key().node.clone();
    let subset = &field.node.selection_set.node;
    match asked.iter_mut().find(|(name, _)| *name == key) {
        Some((_, subsets)) => subsets.push(subset),
        None => asked.push((key, vec![subset])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(fields) => fields.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn objects_follow_the_query_through_aliases_fragments_and_lists() {
        let query = "query Q { b: sectors { code name } ...F cases { edges { node { y x } } } }
                     fragment F on Query { departments { code } }";
        let document = async_graphql::parser::parse_query(query).unwrap();
        let mut data: Value = serde_json::from_str::<Value>(
            r#"{"cases": {"edges": [{"node": {"x": 1, "y": 2}}, {"node": {"x": 3, "y": 4}}]},
                "departments": [{"code": "01"}],
                "b": [{"name": "Interior", "code": "MININTER"}]}"#,
        )
        .unwrap();
        restore(&mut data, &document, None);
        assert_eq!(keys(&data), ["b", "departments", "cases"]);
        let Value::Object(root) = &data else { unreachable!() };
        let Value::List(sectors) = &root["b"] else { unreachable!() };
        assert_eq!(keys(&sectors[0]), ["code", "name"]);
        let Value::Object(cases) = &root["cases"] else { unreachable!() };
        let Value::List(edges) = &cases["edges"] else { unreachable!() };
        for edge in edges {
            let Value::Object(edge) = edge else { unreachable!() };
            assert_eq!(keys(&edge["node"]), ["y", "x"]);
        }
    }
}
