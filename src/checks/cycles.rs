//! Dependency cycles: one finding per cycle the graph holds, at the first edge of its shortest
//! cycle through its smallest record, with the other edges as related locations.

use crate::diag::{Code, Diagnostic};
use crate::graph::{DependencyGraph, Node};
use crate::model::{RecordRef, RecordSet};

pub(super) fn findings(set: &RecordSet, graph: &DependencyGraph, out: &mut Vec<Diagnostic>) {
    for cycle in graph.cycles() {
        let refs: Vec<&RecordRef> = cycle.iter().map(|&n| graph.reference(n)).collect();
        let mut path: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        path.push(refs[0].to_string());
        let edge_to = |from: Node, to: Node| {
            graph
                .dependencies_of(from)
                .iter()
                .filter(|e| e.node == to)
                .map(|e| e.index)
                .min()
        };
        let first = refs[0];
        let next_node = cycle.get(1).copied().unwrap_or(cycle[0]);
        let Some(record) = set.get(first) else {
            continue;
        };
        let pointer = edge_to(cycle[0], next_node)
            .map(|i| format!("/spec/dependsOn/{i}"))
            .unwrap_or_else(|| "/spec/dependsOn".to_string());
        let mut d = Diagnostic::new(
            Code::DependencyCycle,
            format!("dependency cycle: {}", path.join(" → ")),
        )
        .at(record.at(pointer))
        .with_label(format!(
            "`{first}` depends on `{}` here",
            graph.reference(next_node)
        ))
        .with_help("remove one of the dependencies on the cycle");
        for (k, &node) in cycle.iter().enumerate().skip(1) {
            let to = cycle[(k + 1) % cycle.len()];
            let Some(rec) = set.get(graph.reference(node)) else {
                continue;
            };
            if let Some(i) = edge_to(node, to) {
                d = d.with_related(
                    rec.at(format!("/spec/dependsOn/{i}")),
                    format!(
                        "`{}` depends on `{}`",
                        graph.reference(node),
                        graph.reference(to)
                    ),
                );
            }
        }
        out.push(d);
    }
}
