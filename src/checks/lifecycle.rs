//! Lifecycle rules: what is live must not rest on what is gone, and must promise something.

use crate::diag::{Code, Diagnostic};
use crate::graph::{DependencyGraph, dependencies};
use crate::model::{Lifecycle, Record, RecordRef, RecordSet, Spec};

fn lifecycle(r: &Record) -> Option<Lifecycle> {
    match &r.spec {
        Spec::Service(s) => Some(s.lifecycle),
        Spec::ConfigurationItem(c) => Some(c.lifecycle),
        _ => None,
    }
}

pub(super) fn check(set: &RecordSet, graph: &DependencyGraph, out: &mut Vec<Diagnostic>) {
    for r in set.iter() {
        if lifecycle(r) != Some(Lifecycle::Live) {
            continue;
        }
        for (i, dep) in dependencies(r).iter().enumerate() {
            let Some(target) = RecordRef::parse(dep.target()).and_then(|t| set.get(&t)) else {
                continue;
            };
            let (code, word) = match lifecycle(target) {
                Some(Lifecycle::Retired) => (Code::DependsOnRetired, "retired"),
                Some(Lifecycle::Deprecated) => (Code::DependsOnDeprecated, "deprecated"),
                _ => continue,
            };
            out.push(
                Diagnostic::new(
                    code,
                    format!(
                        "live {} `{}` depends on {word} `{}`",
                        r.kind(),
                        r.id(),
                        target.reference()
                    ),
                )
                .at(r.at(format!("/spec/dependsOn/{i}{}", dep.ref_pointer())))
                .with_related(
                    target.at("/spec/lifecycle"),
                    format!("`{}` is {word} here", target.reference()),
                )
                .with_help("move the dependency to the record that replaces it"),
            );
        }
        if let Spec::Service(s) = &r.spec
            && s.sla.is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::MissingSla,
                    format!("live service `{}` has no SLA", r.id()),
                )
                .at(r.at("/spec/lifecycle"))
                .with_label("live services must name an SLA")
                .with_help("add `sla: <id>` to the spec"),
            );
        }
    }

    for cycle in graph.cycles() {
        let refs: Vec<&RecordRef> = cycle.iter().map(|&n| graph.reference(n)).collect();
        let mut path: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        path.push(refs[0].to_string());
        let edge_to = |from: crate::graph::Node, to: crate::graph::Node| {
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
