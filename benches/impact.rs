//! The dependency graph and change impact on large catalogues generated in memory.
//!
//! ```text
//! cargo bench --bench impact
//! ```
//!
//! Two catalogues, deterministic from a seed (their setup is not measured):
//!
//! - `100k`: 100,000 records, a tenth services over configuration items in five layers
//!   (network, storage, compute, data, workloads). Each record depends on 1 to 5 records of
//!   the layers below, mostly the next one, picked with a strong bias towards a few core
//!   records (a long tail of fan-in); a fifth of the edges are soft; a third of the compute
//!   nodes are in redundancy groups of three with `minUp: 2`. About 300,000 edges. It is read
//!   from YAML text through `records_from_str`, like files on disk.
//! - `1m`: the same shape at 1,000,000 records and about 3,000,000 edges, built as records
//!   directly (reading a million YAML documents would only slow the setup).
//!
//! - `1m_cyclic`: the `1m` catalogue where one CI in fifty of the three bottom layers also
//!   depends on a service, which ties tens of thousands of records into one strongly
//!   connected component with most of the rest hanging above it: the case where trimming
//!   by dependencies takes almost nothing and only trimming by dependents helps.
//!
//! Budgets: the impact of one record at 100k under 5 ms; at 1M, an impact touching the whole
//! graph under 100 ms and the cycle check under 200 ms. See BENCHMARKS.md.

#![allow(clippy::print_stderr)]

use cabinet::graph::{DependencyGraph, Node};
use cabinet::impact::{ImpactSet, propagate};
use cabinet::model::{
    CiType, ConfigurationItemSpec, Dependency, DetailedDependency, Environment, Impact, Lifecycle,
    Metadata, Origin, Record, RecordRef, RecordSet, Redundancy, ServiceSpec, Spec,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The CI layers, bottom up: (share of all CIs, id prefix, type).
const LAYERS: &[(f64, &str, &str)] = &[
    (0.03, "net", "network"),
    (0.05, "sto", "storage"),
    (0.32, "cmp", "server"),
    (0.20, "dat", "database"),
    (0.40, "app", "application"),
];

/// A generated catalogue before it becomes records.
struct Plan {
    ids: Vec<String>,
    service: Vec<bool>,
    tier: Vec<u8>,
    /// `(dependency, soft)`.
    deps: Vec<Vec<(u32, bool)>>,
    /// Redundancy group (named `grp-N`, `minUp: 2`).
    group: Vec<Option<u32>>,
    /// Where each CI layer starts and ends, then the services.
    layers: Vec<std::ops::Range<usize>>,
}

/// An index in `0..n` with a strong bias towards small indices.
fn skewed(rng: &mut fastrand::Rng, n: usize) -> usize {
    let u = rng.f64();
    ((u * u * u) * n as f64) as usize % n.max(1)
}

/// Between 1 and 5 distinct dependencies among the candidates `from`, the first one hard and
/// the others soft one time in five.
fn pick(rng: &mut fastrand::Rng, chosen: &mut Vec<(u32, bool)>, from: &[usize]) {
    let k = 1 + rng.usize(..5);
    for &t in from {
        if chosen.len() == k {
            break;
        }
        let t = t as u32;
        if !chosen.iter().any(|&(c, _)| c == t) {
            let soft = !chosen.is_empty() && rng.u8(..5) == 0;
            chosen.push((t, soft));
        }
    }
}

fn plan(records: usize, seed: u64) -> Plan {
    let mut rng = fastrand::Rng::with_seed(seed);
    let services = records / 10;
    let cis = records - services;
    let mut p = Plan {
        ids: Vec::with_capacity(records),
        service: Vec::with_capacity(records),
        tier: Vec::with_capacity(records),
        deps: Vec::with_capacity(records),
        group: Vec::with_capacity(records),
        layers: Vec::new(),
    };
    let mut groups = 0u32;
    for (li, &(share, prefix, _)) in LAYERS.iter().enumerate() {
        let count = if li + 1 == LAYERS.len() {
            cis - p.ids.len()
        } else {
            (cis as f64 * share).round() as usize
        };
        let start = p.ids.len();
        let mut in_group = 0usize;
        for j in 0..count {
            let mut deps = Vec::new();
            // Candidates: a few biased picks from the layers below (mostly the next one), or
            // from earlier records of the bottom layer.
            let mut from = Vec::with_capacity(8);
            for _ in 0..8 {
                if li == 0 {
                    if j > 0 {
                        from.push(start + skewed(&mut rng, j));
                    }
                } else {
                    let below = &p.layers[li - 1 - skewed(&mut rng, li).min(li - 1)];
                    from.push(below.start + skewed(&mut rng, below.len()));
                }
            }
            if !from.is_empty() {
                pick(&mut rng, &mut deps, &from);
            }
            // Compute nodes come in redundancy groups of three, a third of them.
            if prefix == "cmp" && in_group == 0 && count - j >= 3 && rng.u8(..10) < 3 {
                in_group = 3;
                groups += 1;
            }
            let group = (in_group > 0).then_some(groups - 1);
            in_group = in_group.saturating_sub(1);
            p.ids.push(format!("{prefix}-{j:07}"));
            p.service.push(false);
            p.tier.push(0);
            p.deps.push(deps);
            p.group.push(group);
        }
        p.layers.push(start..p.ids.len());
    }
    // Services over workloads and data stores, sometimes over earlier services (softly).
    let start = p.ids.len();
    let tops: Vec<usize> = p.layers[3].clone().chain(p.layers[4].clone()).collect();
    for i in 0..services {
        let mut deps = Vec::new();
        let from: Vec<usize> = (0..8).map(|_| tops[skewed(&mut rng, tops.len())]).collect();
        pick(&mut rng, &mut deps, &from);
        if i > 0 && rng.bool() {
            let other = (start + skewed(&mut rng, i)) as u32;
            deps.push((other, true));
        }
        p.ids.push(format!("svc-{i:07}"));
        p.service.push(true);
        p.tier.push(1 + rng.u8(..4));
        p.deps.push(deps);
        p.group.push(None);
    }
    p.layers.push(start..p.ids.len());
    p
}

impl Plan {
    fn reference(&self, i: usize) -> String {
        let kind = if self.service[i] { "service" } else { "ci" };
        format!("{kind}:{}", self.ids[i])
    }

    fn record_ref(&self, i: usize) -> RecordRef {
        RecordRef::parse(&self.reference(i)).expect("a valid reference")
    }

    /// One YAML document per record, in flow style.
    fn yaml(&self) -> String {
        let mut out = String::with_capacity(self.ids.len() * 220);
        for i in 0..self.ids.len() {
            let mut deps = String::new();
            for (k, &(t, soft)) in self.deps[i].iter().enumerate() {
                if k > 0 {
                    deps.push_str(", ");
                }
                let r = self.reference(t as usize);
                if soft {
                    let _ = write!(deps, "{{ref: {r}, impact: partial}}");
                } else {
                    deps.push_str(&r);
                }
            }
            if self.service[i] {
                let _ = write!(
                    out,
                    "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: {}}}\nspec: {{owner: team-{}, tier: {}, lifecycle: live, sla: gold, dependsOn: [{deps}]}}\n",
                    self.ids[i],
                    i % 100,
                    self.tier[i]
                );
            } else {
                let ty = LAYERS[self.layers.iter().position(|l| l.contains(&i)).unwrap()].2;
                let red = self.group[i].map_or(String::new(), |g| {
                    format!(", redundancy: {{group: grp-{g}, minUp: 2}}")
                });
                let _ = write!(
                    out,
                    "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {}}}\nspec: {{type: {ty}, owner: team-{}, environment: production, lifecycle: live, dependsOn: [{deps}]{red}}}\n",
                    self.ids[i],
                    i % 100
                );
            }
        }
        out
    }

    /// The same records, built directly.
    fn records(&self) -> Vec<Record> {
        (0..self.ids.len())
            .map(|i| {
                let depends_on = self.deps[i]
                    .iter()
                    .map(|&(t, soft)| {
                        let target = self.reference(t as usize);
                        if soft {
                            Dependency::Detailed(DetailedDependency {
                                target,
                                impact: Impact::Partial,
                            })
                        } else {
                            Dependency::Hard(target)
                        }
                    })
                    .collect();
                let owner = format!("team-{}", i % 100);
                let spec = if self.service[i] {
                    Spec::Service(ServiceSpec {
                        owner,
                        tier: self.tier[i],
                        lifecycle: Lifecycle::Live,
                        sla: Some("gold".into()),
                        depends_on,
                        offerings: Vec::new(),
                        support: None,
                    })
                } else {
                    Spec::ConfigurationItem(ConfigurationItemSpec {
                        ci_type: CiType::Server,
                        owner,
                        environment: Environment::Production,
                        lifecycle: Lifecycle::Live,
                        depends_on,
                        redundancy: self.group[i].map(|g| Redundancy {
                            group: format!("grp-{g}"),
                            min_up: 2,
                        }),
                        attributes: BTreeMap::new(),
                    })
                };
                Record {
                    metadata: Metadata {
                        id: self.ids[i].clone(),
                        name: None,
                        description: None,
                        labels: BTreeMap::new(),
                        links: Vec::new(),
                    },
                    spec,
                    origin: Origin {
                        file: "catalogue.yaml".into(),
                        document: i,
                    },
                }
            })
            .collect()
    }
}

/// A catalogue ready to measure, with the records whose impact is measured.
struct Catalogue {
    set: RecordSet,
    graph: DependencyGraph,
    /// A compute or data CI with the median impact of a sample of them.
    typical: Node,
    /// The record whose impact reaches the most records.
    core: Node,
}

fn catalogue(name: &str, p: &Plan, yaml: bool) -> Catalogue {
    let t = Instant::now();
    let records = if yaml {
        let text = p.yaml();
        let (records, diags) = cabinet::load::records_from_str("catalogue.yaml", &text);
        assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
        records
    } else {
        p.records()
    };
    let set = RecordSet::new(records);
    let graph = DependencyGraph::build(&set);
    let reach = |n: Node| propagate(&graph, &[n]).impacted().len();
    let node = |i: usize| graph.node(&p.record_ref(i)).expect("a node");
    // The core record: the most reaching of the first records of the bottom layers.
    let core = (0..20)
        .flat_map(|k| [p.layers[0].start + k, p.layers[1].start + k])
        .map(node)
        .max_by_key(|&n| reach(n))
        .expect("candidates");
    // A typical change: a compute or data CI of median reach among a sample of 201.
    let mut rng = fastrand::Rng::with_seed(7);
    let mut sample: Vec<(usize, Node)> = (0..201)
        .map(|_| {
            let l = &p.layers[2 + rng.usize(..2)];
            let n = node(l.start + rng.usize(..l.len()));
            (reach(n), n)
        })
        .collect();
    sample.sort_unstable();
    let typical = sample[sample.len() / 2].1;
    eprintln!(
        "{name}: {} records, {} edges, {} groups; typical {} impacts {}, core {} impacts {} (setup {:.1?})",
        graph.len(),
        graph.edge_count(),
        graph.groups.len(),
        graph.reference(typical),
        reach(typical),
        graph.reference(core),
        reach(core),
        t.elapsed()
    );
    Catalogue {
        set,
        graph,
        typical,
        core,
    }
}

fn at_100k(c: &mut Criterion) {
    let p = plan(100_000, 42);
    let cat = catalogue("100k", &p, true);
    let typical_ref = cat.graph.reference(cat.typical).clone();
    let mut g = c.benchmark_group("100k");
    g.sample_size(30).measurement_time(Duration::from_secs(6));
    g.bench_function("build", |b| {
        b.iter(|| DependencyGraph::build(black_box(&cat.set)))
    });
    g.bench_function("propagate_typical", |b| {
        b.iter(|| propagate(&cat.graph, black_box(&[cat.typical])))
    });
    g.bench_function("propagate_core", |b| {
        b.iter(|| propagate(&cat.graph, black_box(&[cat.core])))
    });
    g.bench_function("cycles", |b| b.iter(|| cat.graph.cycles()));
    g.bench_function("impact_set_typical", |b| {
        b.iter(|| {
            ImpactSet::compute(
                &cat.set,
                &cat.graph,
                black_box(std::slice::from_ref(&typical_ref)),
            )
        })
    });
    g.finish();
}

fn at_1m(c: &mut Criterion) {
    let p = plan(1_000_000, 42);
    let cat = catalogue("1m", &p, false);
    drop(p);
    let mut g = c.benchmark_group("1m");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("propagate_typical", |b| {
        b.iter(|| propagate(&cat.graph, black_box(&[cat.typical])))
    });
    g.bench_function("propagate_core", |b| {
        b.iter(|| propagate(&cat.graph, black_box(&[cat.core])))
    });
    g.bench_function("cycles", |b| b.iter(|| cat.graph.cycles()));
    g.bench_function("floor_bfs", |b| {
        b.iter(|| {
            let n = cat.graph.len();
            let mut seen = vec![false; n];
            let mut queue = Vec::with_capacity(n);
            seen[cat.core as usize] = true;
            queue.push(cat.core);
            let mut head = 0;
            while head < queue.len() {
                let u = queue[head];
                head += 1;
                for e in cat.graph.dependents_of(u) {
                    if !seen[e.node as usize] {
                        seen[e.node as usize] = true;
                        queue.push(e.node);
                    }
                }
            }
            queue.len()
        })
    });
    g.bench_function("floor_sweep", |b| {
        b.iter(|| {
            let n = cat.graph.len();
            let mut count = 0u32;
            for u in 0..n as Node {
                for e in cat.graph.dependents_of(u) {
                    count += e.node & 1;
                }
            }
            count
        })
    });
    g.finish();
}

/// The other end of the cycle check: the same million records, where one CI in fifty of the
/// three bottom layers also depends on a service: one large strongly connected component,
/// with most of the catalogue above it, so that trimming by dependencies removes little.
fn at_1m_cyclic(c: &mut Criterion) {
    let mut p = plan(1_000_000, 42);
    let mut rng = fastrand::Rng::with_seed(11);
    let services = p.layers[LAYERS.len()].clone();
    for i in p.layers[0].start..p.layers[2].end {
        if rng.usize(..50) == 0 {
            let service = rng.usize(services.clone()) as u32;
            p.deps[i].push((service, false));
        }
    }
    // No impact is measured here, so no typical or core record is looked for.
    let graph = DependencyGraph::build(&RecordSet::new(p.records()));
    drop(p);
    let t = Instant::now();
    let cycles = graph.cycles();
    let largest = cycles.iter().map(Vec::len).max().unwrap_or(0);
    assert!(!cycles.is_empty(), "the cyclic catalogue must hold a cycle");
    eprintln!(
        "1m_cyclic: {} cycles, the longest shown has {largest} nodes ({:.1?})",
        cycles.len(),
        t.elapsed()
    );
    let mut g = c.benchmark_group("1m_cyclic");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("cycles", |b| b.iter(|| graph.cycles()));
    g.finish();
}

criterion_group!(benches, at_100k, at_1m, at_1m_cyclic);
criterion_main!(benches);
