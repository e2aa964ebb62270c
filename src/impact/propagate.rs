//! How an outage spreads: from the records taken down, along reverse dependency edges.
//!
//! Rules: a hard (`full`) edge passes on what it receives; a soft (`partial`) edge turns an
//! outage into a degradation; a dependency on a member of a redundancy group sees the state
//! of the group, which is down only when fewer than `minUp` members are up, and otherwise
//! unaffected: that is what the redundancy is for (the report still says how many are up).
//! The result is the least assignment of states that satisfies the rules (states only rise
//! none → partial → full, so it exists on any graph, cycles included).
//!
//! Since a degradation never takes anything down, two linear passes suffice: first what
//! goes down (hard edges from what is down, and groups that lose too many members), then one
//! breadth-first walk from the seeds that degrades what is not down and gives every
//! impacted node a shortest explanation. On a million records and three million edges an
//! impact touching everything takes well under the 100 ms budget (see BENCHMARKS.md).

use crate::graph::{DependencyGraph, NO_GROUP, Node};
use crate::model::Impact;

const NONE: u8 = 0;
const PARTIAL: u8 = 1;
const FULL: u8 = 2;
/// The state bits of a node's byte; the next bit says the explanation has reached it.
const STATE: u8 = 3;
const SEEN: u8 = 4;

/// The result of one propagation: the state of every node and, for each impacted node, the
/// previous node on a shortest explanation from a seed.
#[derive(Debug)]
pub struct Propagation {
    state: Vec<u8>,
    parent: Vec<Node>,
    /// Impacted nodes in the order the explanation reached them (seeds first).
    order: Vec<Node>,
    seeds: Vec<Node>,
    /// Members down, per redundancy group.
    group_down: Vec<u32>,
}

const NO_PARENT: Node = Node::MAX;

impl Propagation {
    /// How `n` is impacted, if it is.
    pub fn impact(&self, n: Node) -> Option<Impact> {
        match self.state[n as usize] & STATE {
            FULL => Some(Impact::Full),
            PARTIAL => Some(Impact::Partial),
            _ => None,
        }
    }

    /// Every impacted node (seeds included), nearest first.
    pub fn impacted(&self) -> &[Node] {
        &self.order
    }

    pub fn seeds(&self) -> &[Node] {
        &self.seeds
    }

    /// How many members of redundancy group `g` are down.
    pub fn group_down(&self, g: usize) -> u32 {
        self.group_down[g]
    }

    /// The path from a seed to `n` that explains its state (seed first, `n` last).
    pub fn via(&self, n: Node) -> Vec<Node> {
        let mut path = vec![n];
        let mut cur = n;
        while self.parent[cur as usize] != NO_PARENT {
            cur = self.parent[cur as usize];
            path.push(cur);
        }
        path.reverse();
        path
    }
}

fn contribution(source: u8, edge: Impact) -> u8 {
    match (source, edge) {
        (FULL, Impact::Full) => FULL,
        (FULL, Impact::Partial) | (PARTIAL, _) => PARTIAL,
        _ => NONE,
    }
}

/// Take `seeds` down and compute what follows.
pub fn propagate(graph: &DependencyGraph, seeds: &[Node]) -> Propagation {
    let n = graph.len();
    let mut seeds: Vec<Node> = seeds.to_vec();
    seeds.sort_unstable();
    seeds.dedup();
    let mut state = vec![NONE; n];
    let mut group_down = vec![0u32; graph.groups.len()];
    let mut group_is_down = vec![false; graph.groups.len()];
    down(
        graph,
        &seeds,
        &mut state,
        &mut group_down,
        &mut group_is_down,
    );
    let (parent, order) = explain(graph, &seeds, &mut state, &group_is_down);
    Propagation {
        state,
        parent,
        order,
        seeds,
        group_down,
    }
}

/// What goes down: the seeds, then whatever depends through a hard edge on something down,
/// that is on a node outside any group, or on any member of a group that has fewer than
/// `minUp` members up. Depth-first: only the set matters here.
fn down(
    graph: &DependencyGraph,
    seeds: &[Node],
    state: &mut [u8],
    group_down: &mut [u32],
    group_is_down: &mut [bool],
) {
    let mut stack: Vec<Node> = Vec::new();
    let mut take_down = |x: Node, stack: &mut Vec<Node>| {
        if state[x as usize] == FULL {
            return;
        }
        state[x as usize] = FULL;
        let g = graph.group_index(x);
        if g == NO_GROUP {
            stack.push(x);
            return;
        }
        // A member down: its dependents see the group, which may now be down for all of them.
        let gi = g as usize;
        group_down[gi] += 1;
        let group = &graph.groups[gi];
        let up = group.members.len() as u32 - group_down[gi];
        if up < group.min_up && !group_is_down[gi] {
            group_is_down[gi] = true;
            stack.extend_from_slice(&group.members);
        }
    };
    for &s in seeds {
        take_down(s, &mut stack);
    }
    while let Some(y) = stack.pop() {
        for e in graph.dependents_of(y) {
            if e.impact == Impact::Full {
                take_down(e.node, &mut stack);
            }
        }
    }
}

/// Breadth-first from the seeds over the edges that explain each state, so every impacted
/// node gets a shortest explanation; neighbours are visited in node order (sorted by
/// reference), which makes the choice among equally short paths deterministic.
///
/// The same walk finds what is degraded: a node that is not down is degraded exactly when
/// it depends on something impacted along an edge that passes on a degradation (any edge
/// from something degraded, a soft edge from something down), and the first such edge
/// reached is its explanation. Returns the parents and the impacted nodes in walk order.
fn explain(
    graph: &DependencyGraph,
    seeds: &[Node],
    state: &mut [u8],
    group_is_down: &[bool],
) -> (Vec<Node>, Vec<Node>) {
    let mut parent = vec![NO_PARENT; graph.len()];
    let mut group_done = vec![false; graph.groups.len()];
    // The queue: everything pushed is impacted, in walk order.
    let mut order: Vec<Node> = Vec::new();
    for &s in seeds {
        state[s as usize] |= SEEN;
        order.push(s);
    }
    let mut dependents: Vec<(Node, Impact)> = Vec::new();
    let mut head = 0;
    while head < order.len() {
        let u = order[head];
        head += 1;
        let own = state[u as usize] & STATE;
        let g = graph.group_index(u);
        if g != NO_GROUP {
            if own != FULL || !group_is_down[g as usize] || group_done[g as usize] {
                // A degraded member is still up and explains nothing behind its group, nor
                // does a member of a group that is still up.
                continue;
            }
            // What depends on a member sees the group, which only a member that is down can
            // have taken down: the first such member reached explains it for all of them.
            group_done[g as usize] = true;
            dependents.clear();
            for &m in &graph.groups[g as usize].members {
                dependents.extend(graph.dependents_of(m).iter().map(|e| (e.node, e.impact)));
            }
            dependents.sort_unstable_by_key(|&(x, _)| x);
        }
        let mut visit = |x: Node, impact: Impact| {
            let b = &mut state[x as usize];
            if *b & SEEN != 0 {
                return;
            }
            // The source is `own` for a node outside any group, and down for a member of a
            // group that is down.
            let c = contribution(own, impact);
            // A node down is explained by what passes on an outage; one that is not down is
            // degraded by what passes on a degradation.
            if c != NONE && (*b == FULL) == (c == FULL) {
                *b = c | SEEN;
                parent[x as usize] = u;
                order.push(x);
            }
        };
        if g == NO_GROUP {
            // The dependents of one node are stored in node order.
            for e in graph.dependents_of(u) {
                visit(e.node, e.impact);
            }
        } else {
            for &(x, impact) in &dependents {
                visit(x, impact);
            }
        }
    }
    (parent, order)
}
