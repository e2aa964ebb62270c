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

use crate::graph::{DependencyGraph, Node, SOFT};
use crate::model::Impact;

const NONE: u8 = 0;
const PARTIAL: u8 = 1;
const FULL: u8 = 2;
/// The state bits of a node's byte; the next bit says the explanation has reached it, and
/// the one after that the node is in a redundancy group (copied from the graph, so that a
/// walk reads one byte per node it looks at).
const STATE: u8 = 3;
const SEEN: u8 = 4;
const GROUPED: u8 = 8;

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
    let mut state: Vec<u8> = graph
        .grouped()
        .iter()
        .map(|&g| if g { GROUPED } else { NONE })
        .collect();
    debug_assert_eq!(state.len(), n);
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
/// `minUp` members up. Level by level, each level in node order (see `ascending`).
fn down(
    graph: &DependencyGraph,
    seeds: &[Node],
    state: &mut [u8],
    group_down: &mut [u32],
    group_is_down: &mut [bool],
) {
    let mut take_down = |x: Node, next: &mut Vec<Node>| {
        let b = &mut state[x as usize];
        if *b & STATE == FULL {
            return;
        }
        *b |= FULL;
        if *b & GROUPED == 0 {
            next.push(x);
            return;
        }
        let g = graph.group_index(x);
        // A member down: its dependents see the group, which may now be down for all of them.
        let gi = g as usize;
        group_down[gi] += 1;
        let group = &graph.groups[gi];
        let up = group.members.len() as u32 - group_down[gi];
        if up < group.min_up && !group_is_down[gi] {
            group_is_down[gi] = true;
            next.extend_from_slice(&group.members);
        }
    };
    let mut level: Vec<Node> = Vec::new();
    let mut next: Vec<Node> = Vec::new();
    let mut bits: Vec<u64> = Vec::new();
    for &s in seeds {
        take_down(s, &mut level);
    }
    while !level.is_empty() {
        ascending(&mut level, &mut bits, graph.len());
        for &y in &level {
            for &d in graph.dependents_packed(y) {
                if d & SOFT == 0 {
                    take_down(d, &mut next);
                }
            }
        }
        std::mem::swap(&mut level, &mut next);
        next.clear();
    }
}

/// Sort one level of a walk (distinct nodes): a walk that takes its nodes in node order reads
/// the adjacency arrays front to back instead of at random, which on a large graph is most of
/// its cost. A small level is sorted; a large one goes through a bitmap of all nodes.
fn ascending(level: &mut [Node], bits: &mut Vec<u64>, n: usize) {
    if level.len() * 1024 < n {
        level.sort_unstable();
        return;
    }
    if bits.is_empty() {
        bits.resize(n.div_ceil(64), 0);
    }
    for &x in level.iter() {
        bits[x as usize / 64] |= 1 << (x % 64);
    }
    let mut k = 0;
    for (w, word) in bits.iter_mut().enumerate() {
        let mut b = std::mem::take(word);
        while b != 0 {
            level[k] = (w * 64) as Node + b.trailing_zeros();
            k += 1;
            b &= b - 1;
        }
    }
    debug_assert_eq!(k, level.len(), "a level holds distinct nodes");
}

/// Breadth-first from the seeds over the edges that explain each state, so every impacted
/// node gets a shortest explanation. The walk goes level by level, each level in node order
/// (sorted by reference), and a node's explanation continues the first node of the previous
/// level that explains it: the choice among equally short paths is deterministic.
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
    // Everything reached is impacted: the seeds, then one level after the other.
    let mut order: Vec<Node> = Vec::new();
    for &s in seeds {
        state[s as usize] |= SEEN;
        order.push(s);
    }
    let mut dependents: Vec<u32> = Vec::new();
    let mut bits: Vec<u64> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let end = order.len();
        for i in start..end {
            let u = order[i];
            let own = state[u as usize] & STATE;
            let edges = if state[u as usize] & GROUPED == 0 {
                // The dependents of one node are stored in node order.
                graph.dependents_packed(u)
            } else {
                let g = graph.group_index(u);
                if own != FULL || !group_is_down[g as usize] || group_done[g as usize] {
                    // A degraded member is still up and explains nothing behind its group,
                    // nor does a member of a group that is still up.
                    continue;
                }
                // What depends on a member sees the group, which only a member that is down
                // can have taken down: the first one reached explains it for all of them.
                group_done[g as usize] = true;
                dependents.clear();
                for &m in &graph.groups[g as usize].members {
                    dependents.extend_from_slice(graph.dependents_packed(m));
                }
                dependents.sort_unstable_by_key(|&d| d & !SOFT);
                &dependents[..]
            };
            for &d in edges {
                let x = d & !SOFT;
                let b = &mut state[x as usize];
                if *b & SEEN != 0 {
                    continue;
                }
                // The source is `own` for a node outside any group, and down for a member
                // of a group that is down.
                let impact = if d & SOFT == 0 {
                    Impact::Full
                } else {
                    Impact::Partial
                };
                let c = contribution(own, impact);
                // A node down is explained by what passes on an outage; one that is not
                // down is degraded by what passes on a degradation.
                if c != NONE && (*b & STATE == FULL) == (c == FULL) {
                    *b |= c | SEEN;
                    parent[x as usize] = u;
                    order.push(x);
                }
            }
        }
        ascending(&mut order[end..], &mut bits, graph.len());
        start = end;
    }
    (parent, order)
}
