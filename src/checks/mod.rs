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

/// Run every semantic check.
pub fn run(set: &RecordSet) -> Vec<Diagnostic> {
    let graph = DependencyGraph::build(set);
    let mut out = Vec::new();
    identity::check(set, &mut out);
    references::check(set, &mut out);
    lifecycle::check(set, &graph, &mut out);
    redundancy::check(set, &mut out);
    sla::check(set, &mut out);
    change::check(set, &mut out);
    out
}
