//! Semantic checks over the whole record set: what a schema cannot see because it needs more
//! than one document. Each check is a pure function from records to diagnostics.

mod change;
mod identity;
mod lifecycle;
mod redundancy;
mod references;
mod sla;

use crate::diag::Diagnostic;
use crate::graph::DependencyGraph;
use crate::model::RecordSet;

/// Run every semantic check, and hand back the dependency graph they were run on.
///
/// The checks that need the dependency graph run beside the others (on a large repository
/// building the graph is a good part of the time); the findings come out in the same order
/// either way.
pub fn run(set: &RecordSet) -> (Vec<Diagnostic>, DependencyGraph) {
    let ((by_graph, graph), (mut out, rest)) = rayon::join(
        || {
            let graph = DependencyGraph::build(set);
            let mut out = Vec::new();
            lifecycle::check(set, &graph, &mut out);
            (out, graph)
        },
        || {
            let (mut first, mut rest) = (Vec::new(), Vec::new());
            identity::check(set, &mut first);
            references::check(set, &mut first);
            redundancy::check(set, &mut rest);
            sla::check(set, &mut rest);
            change::check(set, &mut rest);
            (first, rest)
        },
    );
    out.extend(by_graph);
    out.extend(rest);
    (out, graph)
}
