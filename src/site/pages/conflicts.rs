//! Which open changes conflict, for the "conflicts with" column of change rows.

use crate::conflict;
use crate::graph::{DependencyGraph, Node};
use crate::model::{Record, RecordRef, Spec};
use std::collections::HashMap;

/// What a change touches, as the site holds it: a node of the graph, or a record it names
/// that is not in the graph.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Touch {
    Node(Node),
    Other(RecordRef),
}

/// Conflicts between open changes (`conflict::among`), from the touched nodes already
/// computed in parallel; each change lists the others it conflicts with.
pub(super) fn conflicts(
    graph: &DependencyGraph,
    changes: &[&Record],
    touched: &[Vec<(Node, &'static str)>],
) -> HashMap<String, Vec<String>> {
    let open: Vec<conflict::Change<'_, Touch>> = changes
        .iter()
        .zip(touched)
        .filter_map(|(r, t)| match &r.spec {
            Spec::Change(c) if !c.status.is_closed() => {
                let outside = c
                    .affects
                    .iter()
                    .filter_map(|a| RecordRef::parse(a))
                    .filter(|a| graph.node(a).is_none())
                    .map(Touch::Other);
                Some(conflict::Change::new(
                    r.id(),
                    (c.window.start, c.window.end),
                    true,
                    t.iter().map(|x| Touch::Node(x.0)).chain(outside),
                ))
            }
            _ => None,
        })
        .collect();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for pair in conflict::among(&open) {
        let (a, b) = (open[pair.first].id, open[pair.second].id);
        out.entry(a.to_string()).or_default().push(b.to_string());
        out.entry(b.to_string()).or_default().push(a.to_string());
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    out
}
