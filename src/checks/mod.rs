//! Semantic checks over the whole record set: what a schema cannot see because it needs more
//! than one document. Each check is a pure function from records (and the time they are
//! judged at, for deadlines) to diagnostics.

mod change;
mod cycles;
mod identity;
mod incident;
mod lifecycle;
mod problem;
mod redundancy;
mod references;
mod review;
mod sla;
mod sla_breach;

use crate::diag::Diagnostic;
use crate::graph::DependencyGraph;
use crate::model::{PolicySpec, PriorityMatrix, RecordSet, ReviewPolicy};
use jiff::Timestamp;

/// The findings of every semantic check, and the dependency graph they were run on.
///
/// With `whole` false (a limit stopped the reading, so records are missing) only the checks
/// that hold for any part of the set run: every reference to a record left unread would
/// otherwise be reported as dangling, and the graph's findings would be about a graph that is
/// not the repository's.
///
/// The checks that need the dependency graph run beside the others (on a large repository
/// building the graph is a good part of the time); the findings come out in the same order
/// either way. `now` is the time deadlines (SLA targets of open incidents, due actions) are
/// judged at.
/// Rules the checks take from a Policy other than the one among the records they judge: the
/// gate judges head's records by base's rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rules {
    pub priority_matrix: PriorityMatrix,
    pub review: ReviewPolicy,
}

impl Rules {
    /// The rules of a Policy, or the defaults without one.
    pub(crate) fn of(policy: Option<&PolicySpec>) -> Rules {
        policy.map_or_else(Rules::default, |p| Rules {
            priority_matrix: p.priority_matrix.clone(),
            review: p.review.clone(),
        })
    }
}

/// Run every check. `rules` judges instead of the Policy among `set` when given.
pub(crate) fn all(
    set: &RecordSet,
    whole: bool,
    now: Timestamp,
    rules: Option<&Rules>,
) -> (Vec<Diagnostic>, DependencyGraph) {
    if !whole {
        let mut out = Vec::new();
        identity::findings(set, &mut out);
        return (out, DependencyGraph::build(set));
    }
    let ((by_graph, graph), (mut out, rest)) = rayon::join(
        || {
            let graph = DependencyGraph::build(set);
            let mut out = Vec::new();
            cycles::findings(set, &graph, &mut out);
            sla_breach::findings(set, &graph, now, &mut out);
            (out, graph)
        },
        || {
            let (mut first, mut rest) = (Vec::new(), Vec::new());
            identity::findings(set, &mut first);
            references::findings(set, &mut first);
            lifecycle::findings(set, &mut rest);
            redundancy::findings(set, &mut rest);
            sla::findings(set, &mut rest);
            change::findings(set, &mut rest);
            let own = Rules::of(set.policy().map(|(_, p)| p));
            incident::findings(set, now, rules.map(|r| &r.priority_matrix), &mut rest);
            review::findings(set, now, &rules.unwrap_or(&own).review, &mut rest);
            problem::findings(set, &mut rest);
            (first, rest)
        },
    );
    out.extend(by_graph);
    out.extend(rest);
    (out, graph)
}
