//! What the records a change or an incident names take down or degrade, as its page lists it:
//! the impact propagation `cabinet impact` runs, one row per impacted record (the most
//! serious first) with the path that explains it, and the diagram around what it names with
//! the impacted records marked.

use super::ROW_CAP;
use super::catalogue::{Catalogue, effects, named_nodes};
use super::view::{LinkTo, Row};
use crate::graph::Node;
use crate::impact::{Propagation, propagate};
use crate::model::{Impact, Kind};
use crate::site::reach::{Effect, Related};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
pub(super) struct ImpactLists<'a> {
    pub(super) affects: Vec<LinkTo>,
    pub(super) impacted: Vec<Row<'a>>,
    pub(super) impacted_more: usize,
    pub(super) services_down: usize,
    pub(super) services_degraded: usize,
}

/// What `affects` names (its graph nodes) and the propagation of their loss, computed once
/// for everything a page shows of it.
pub(super) struct Reach {
    pub(super) named: Vec<Node>,
    pub(super) propagation: Propagation,
}

pub(super) fn reach(f: &Catalogue<'_>, affects: &[String]) -> Reach {
    let named = named_nodes(&f.graph, affects);
    let propagation = propagate(&f.graph, &named);
    Reach { named, propagation }
}

/// The rows and counts of the impact of what `affects` names (`reach` of it).
pub(super) fn impact_lists<'a>(
    f: &'a Catalogue<'_>,
    affects: &[String],
    reach: &Reach,
) -> ImpactLists<'a> {
    let (named, p) = (&reach.named, &reach.propagation);
    let mut impacted: Vec<(Effect, bool, u8, Node)> = p
        .impacted()
        .iter()
        .filter(|n| !named.contains(n))
        .filter_map(|&n| {
            let e = match p.impact(n)? {
                Impact::Full => Effect::Full,
                Impact::Partial => Effect::Partial,
            };
            let nf = &f.node_facts[n as usize];
            Some((e, nf.kind != Kind::Service, nf.tier.unwrap_or(9), n))
        })
        .collect();
    impacted.sort_unstable();
    let services = |effect: Effect| impacted.iter().filter(|x| x.0 == effect && !x.1).count();
    ImpactLists {
        affects: affects.iter().map(|a| f.link_ref(a)).collect(),
        services_down: services(Effect::Full),
        services_degraded: services(Effect::Partial),
        impacted_more: impacted.len().saturating_sub(ROW_CAP),
        impacted: impacted
            .iter()
            .take(ROW_CAP)
            .map(|&(e, _, _, n)| {
                f.row(
                    &Related {
                        node: n,
                        effect: e,
                        via: p.via(n),
                    },
                    e.as_str(),
                )
            })
            .collect(),
    }
}

/// The diagram around the first named record that is in the graph, with what the impact
/// reached marked (`affected`, `full`, `partial`), and the name of that record.
pub(super) fn impact_diagram(f: &Catalogue<'_>, reach: &Reach) -> Option<(String, String)> {
    let focus = *reach.named.first()?;
    let marks: HashMap<Node, &'static str> = effects(&reach.named, &reach.propagation)
        .into_iter()
        .collect();
    let svg = f.diagram_marked(focus, &marks)?;
    Some((svg, f.node_name(focus).to_string()))
}
