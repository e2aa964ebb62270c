//! The catalogue: facts gathered once, before any page is built: the dependency graph, every
//! record's page and display name, what each change, incident and known error touches (in
//! parallel), which open changes conflict, and the SLAs incidents are measured against.
//! Page builders ask `Catalogue` for links, table rows and the pieces every record page shows.

use super::conflicts::conflicts;
use super::view::{
    ChangeLists, ChangeRow, Commit, IncidentLine, KnownErrorEntry, LabelRow, LinkTo, RecordHeader,
    Row, SafeLink, SlaSummary, TeamSummary, kind_word, outcome_word, sla_details, time,
};
use super::{HISTORY_CAP, ListCaps, SERVICE_CAPS};
use crate::graph::{DependencyGraph, Node};
use crate::impact::{Propagation, propagate};
use crate::model::{
    ChangeSpec, Impact, Kind, ProblemStatus, Record, RecordRef, RecordSet, RiskPolicy, Spec,
};
use crate::site::SiteInput;
use crate::site::diagram::{self, Label};
use crate::site::markdown;
use crate::site::paths;
use crate::site::reach::{NodeFacts, Related};
use crate::sla_measure::Agreements;
use crate::vcs::git::FileCommit;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::HashMap;

pub(super) struct Catalogue<'a> {
    pub(super) set: &'a RecordSet,
    pub(super) graph: DependencyGraph,
    pub(super) node_facts: Vec<NodeFacts>,
    /// Per graph node: display name and page (from the root), looked up once.
    node_names: Vec<&'a str>,
    node_hrefs: Vec<String>,
    /// Per graph node: its reference as text (`ci:db`).
    node_refs: Vec<String>,
    /// Page paths (from the root) per kind and id.
    pages: HashMap<Kind, HashMap<String, String>>,
    /// Per graph node: the changes that touch it, as (index into `changes`, effect).
    changes_of: Vec<Vec<(usize, &'static str)>>,
    pub(super) changes: Vec<&'a Record>,
    pub(super) conflicts: HashMap<String, Vec<String>>,
    /// Incidents by id; the recent ones (detected in the last `recent_days` before now, the
    /// only ones record pages list), and per graph node those whose impact reached it.
    pub(super) incidents: Vec<&'a Record>,
    recent: Vec<&'a Record>,
    recent_of: Vec<RecentOf>,
    /// Problems at `known-error` by id, their workarounds (rendered), and per graph node the
    /// ones that would take it down or degrade it (the impact of what they affect).
    pub(super) known_errors: Vec<&'a Record>,
    pub(super) known_errors_of: Vec<Vec<(usize, &'static str)>>,
    pub(super) workarounds: Vec<Option<String>>,
    /// How far back a record page lists incidents (the Policy's `risk.recentIncidentDays`).
    pub(super) recent_days: u32,
    /// The SLAs incidents are measured against.
    pub(super) agreements: Agreements<'a>,
    history: &'a HashMap<String, Vec<FileCommit>>,
    commit_url: Option<String>,
    pub(super) now: Timestamp,
}

/// The records of `kind`, one per id, sorted by id.
fn by_id(set: &RecordSet, kind: Kind) -> Vec<&Record> {
    let mut records: Vec<&Record> = set.of_kind(kind).collect();
    records.sort_by(|a, b| a.id().cmp(b.id()));
    records.dedup_by(|a, b| a.id() == b.id());
    records
}

/// What a record naming `affects` touches: what it names (`affected`), and what that takes
/// down (`full`) or degrades (`partial`), by the impact propagation of a change.
pub(super) fn touches(graph: &DependencyGraph, affects: &[String]) -> Vec<(Node, &'static str)> {
    let named = named_nodes(graph, affects);
    effects(&named, &propagate(graph, &named))
}

/// Each record the propagation from `named` reached, with how: `affected` (named), `full`
/// (down) or `partial` (degraded).
pub(super) fn effects(named: &[Node], p: &Propagation) -> Vec<(Node, &'static str)> {
    p.impacted()
        .iter()
        .filter_map(|&n| {
            let effect = if named.contains(&n) {
                "affected"
            } else {
                match p.impact(n)? {
                    Impact::Full => "full",
                    Impact::Partial => "partial",
                }
            };
            Some((n, effect))
        })
        .collect()
}

/// When incident `r` was detected.
fn detected(r: &Record) -> Option<Timestamp> {
    match &r.spec {
        Spec::Incident(i) => Some(i.detected),
        _ => None,
    }
}

/// The incidents a record page lists: the newest `RECENT_KEPT` that reached it (indexes into
/// the recent incidents, newest first, with the effect) and how many reached it in all.
#[derive(Clone, Default)]
struct RecentOf {
    newest: Vec<(u32, &'static str)>,
    total: usize,
}

/// The most recent incidents a record keeps: as many as the longest list a page shows.
const RECENT_KEPT: usize = SERVICE_CAPS.past;

/// Per graph node, the incidents of `recent` (newest first) that reached it. Thousands of
/// incidents can each reach most of a catalogue: they are walked a chunk at a time and only
/// the newest of each node kept, so memory stays bounded by the nodes, not by the sum of
/// every incident's reach.
fn recent_per_node(graph: &DependencyGraph, recent: &[&Record]) -> Vec<RecentOf> {
    const CHUNK: usize = 256;
    let mut of = vec![RecentOf::default(); graph.len()];
    for (c, chunk) in recent.chunks(CHUNK).enumerate() {
        for (k, touched) in touched_by(graph, chunk).into_iter().enumerate() {
            let index = (c * CHUNK + k) as u32;
            for (n, effect) in touched {
                let node = &mut of[n as usize];
                node.total += 1;
                if node.newest.len() < RECENT_KEPT {
                    node.newest.push((index, effect));
                }
            }
        }
    }
    of
}

/// What each change, incident or problem touches (`touches` of its `affects`), in parallel.
fn touched_by(graph: &DependencyGraph, records: &[&Record]) -> Vec<Vec<(Node, &'static str)>> {
    records
        .par_iter()
        .map(|r| match &r.spec {
            Spec::Change(c) => touches(graph, &c.affects),
            Spec::Incident(i) => touches(graph, &i.affects),
            Spec::Problem(p) => touches(graph, &p.affects),
            _ => Vec::new(),
        })
        .collect()
}

/// The graph nodes of the references in `affects` (the ones that are services or CIs).
pub(super) fn named_nodes(graph: &DependencyGraph, affects: &[String]) -> Vec<Node> {
    affects
        .iter()
        .filter_map(|a| RecordRef::parse(a).and_then(|r| graph.node(&r)))
        .collect()
}

/// Per graph node, the records of `touched` (by index) that touch it, with the effect.
fn per_node(
    graph: &DependencyGraph,
    touched: &[Vec<(Node, &'static str)>],
) -> Vec<Vec<(usize, &'static str)>> {
    let mut of: Vec<Vec<(usize, &'static str)>> = vec![Vec::new(); graph.len()];
    for (i, list) in touched.iter().enumerate() {
        for &(n, effect) in list {
            of[n as usize].push((i, effect));
        }
    }
    of
}

impl<'a> Catalogue<'a> {
    pub(super) fn gather(input: &SiteInput<'a>) -> Catalogue<'a> {
        let set = input.records;
        let graph = DependencyGraph::build(set);
        let node_facts: Vec<NodeFacts> = graph
            .nodes
            .iter()
            .map(|r| NodeFacts {
                kind: r.kind,
                tier: match set.get(r).map(|x| &x.spec) {
                    Some(Spec::Service(s)) => Some(s.tier),
                    _ => None,
                },
            })
            .collect();
        let mut pages = HashMap::new();
        for kind in [
            Kind::Service,
            Kind::ConfigurationItem,
            Kind::Sla,
            Kind::Team,
            Kind::Change,
            Kind::Incident,
            Kind::Problem,
        ] {
            let names = paths::assign(set.ids(kind));
            let folder = paths::folder(kind);
            pages.insert(
                kind,
                names
                    .into_iter()
                    .map(|(id, file)| (id, format!("{folder}/{file}")))
                    .collect(),
            );
        }
        let changes = by_id(set, Kind::Change);
        let touched = touched_by(&graph, &changes);
        let changes_of = per_node(&graph, &touched);
        let incidents = by_id(set, Kind::Incident);
        let risk = set
            .policy()
            .map_or_else(RiskPolicy::default, |(_, p)| p.risk.clone());
        let (recent_days, from) = (risk.recent_incident_days, risk.recent_since(input.now));
        let mut recent: Vec<&Record> = incidents
            .iter()
            .copied()
            .filter(|r| {
                matches!(&r.spec, Spec::Incident(i)
                    if i.detected <= input.now && i.detected >= from)
            })
            .collect();
        recent.sort_by(|a, b| (detected(b), a.id()).cmp(&(detected(a), b.id())));
        let recent_of = recent_per_node(&graph, &recent);
        let known_errors: Vec<&Record> = by_id(set, Kind::Problem)
            .into_iter()
            .filter(
                |r| matches!(&r.spec, Spec::Problem(p) if p.status == ProblemStatus::KnownError),
            )
            .collect();
        let known_errors_of = per_node(&graph, &touched_by(&graph, &known_errors));
        let workarounds = known_errors
            .iter()
            .map(|r| match &r.spec {
                Spec::Problem(p) => p.workaround.as_deref().map(markdown::render),
                _ => None,
            })
            .collect();
        let conflicts = conflicts(&graph, &changes, &touched);
        let commit_url = set
            .config()
            .and_then(|c| c.forge.as_ref())
            .map(|f| format!("https://github.com/{}/commit/", f.repository));
        let node_names: Vec<&'a str> = graph
            .nodes
            .iter()
            .map(|r| set.get(r).map_or("", |x| x.metadata.display_name()))
            .collect();
        let node_hrefs: Vec<String> = graph
            .nodes
            .iter()
            .map(|r| {
                pages
                    .get(&r.kind)
                    .and_then(|m: &HashMap<String, String>| m.get(&r.id))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let node_refs = graph.nodes.iter().map(|r| r.to_string()).collect();
        Catalogue {
            set,
            node_refs,
            graph,
            node_facts,
            node_names,
            node_hrefs,
            pages,
            changes_of,
            changes,
            conflicts,
            incidents,
            recent,
            recent_of,
            known_errors,
            known_errors_of,
            workarounds,
            recent_days,
            agreements: Agreements::new(set),
            history: input.history,
            commit_url,
            now: input.now,
        }
    }

    pub(super) fn page_of(&self, kind: Kind, id: &str) -> Option<String> {
        self.pages.get(&kind).and_then(|m| m.get(id)).cloned()
    }

    /// A link to `kind:id`, named after the record when it exists.
    pub(super) fn link(&self, kind: Kind, id: &str) -> LinkTo {
        let r = RecordRef::new(kind, id);
        let record = self.set.get(&r);
        LinkTo {
            name: record.map_or_else(|| id.to_string(), |x| x.metadata.display_name().to_string()),
            reference: r.to_string(),
            href: record.and_then(|_| self.page_of(kind, id)),
        }
    }

    pub(super) fn link_ref(&self, text: &str) -> LinkTo {
        match RecordRef::parse(text) {
            Some(r) => self.link(r.kind, &r.id),
            None => LinkTo {
                name: text.to_string(),
                reference: text.to_string(),
                href: None,
            },
        }
    }

    pub(super) fn node_name(&self, n: Node) -> &str {
        match self.node_names[n as usize] {
            "" => self.graph.reference(n).id.as_str(),
            name => name,
        }
    }

    pub(super) fn node_href(&self, n: Node) -> &str {
        &self.node_hrefs[n as usize]
    }

    pub(super) fn node_link(&self, n: Node) -> LinkTo {
        let href = self.node_href(n);
        LinkTo {
            name: self.node_name(n).to_string(),
            reference: self.graph.reference(n).to_string(),
            href: (!href.is_empty()).then(|| href.to_string()),
        }
    }

    pub(super) fn row(&self, rel: &Related, effect: &'static str) -> Row<'_> {
        let r = self.graph.reference(rel.node);
        let f = &self.node_facts[rel.node as usize];
        Row {
            name: self.node_name(rel.node),
            reference: &self.node_refs[rel.node as usize],
            href: self.node_href(rel.node),
            kind: kind_word(r.kind),
            tier: f.tier,
            effect,
            // The ends are the page's record and this row's: only what lies between.
            via: {
                let inner = &rel.via[1.min(rel.via.len())..rel.via.len().saturating_sub(1)];
                let mut text = String::new();
                for (i, &n) in inner.iter().enumerate() {
                    if i > 0 {
                        text.push_str(" → ");
                    }
                    text.push_str(self.node_name(n));
                }
                text
            },
        }
    }

    pub(super) fn common(&self, r: &Record) -> RecordHeader {
        let m = &r.metadata;
        RecordHeader {
            id: m.id.clone(),
            name: m.display_name().to_string(),
            reference: r.reference().to_string(),
            file: r.origin.file.clone(),
            description: m.description.as_deref().map(markdown::render),
            labels: m
                .labels
                .iter()
                .map(|(k, v)| LabelRow {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
            links: m
                .links
                .iter()
                .map(|l| SafeLink {
                    title: l.title.clone(),
                    url: markdown::is_safe_url(&l.url).then(|| l.url.clone()),
                    text: l.url.clone(),
                })
                .collect(),
            history: self
                .history
                .get(&r.origin.file)
                .map(|commits| {
                    commits
                        .iter()
                        .take(HISTORY_CAP)
                        .map(|c| Commit {
                            sha: c.sha.clone(),
                            short: c.sha.chars().take(10).collect(),
                            date: Timestamp::from_second(c.time)
                                .map(|t| t.strftime("%Y-%m-%d").to_string())
                                .unwrap_or_default(),
                            author: c.author.clone(),
                            subject: c.subject.clone(),
                            url: self.commit_url.as_ref().map(|u| format!("{u}{}", c.sha)),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    pub(super) fn change_row(&self, r: &Record, c: &ChangeSpec, effect: &'static str) -> ChangeRow {
        ChangeRow {
            id: r.id().to_string(),
            name: r.metadata.display_name().to_string(),
            href: self.page_of(Kind::Change, r.id()).unwrap_or_default(),
            change_type: c.change_type.as_str(),
            status: c.status.as_str(),
            risk: c.risk.as_str(),
            start: time(c.window.start),
            end: time(c.window.end),
            outcome: c
                .outcome
                .as_ref()
                .map(|o| outcome_word(o.result).to_string()),
            effect,
            conflicts: self
                .conflicts
                .get(r.id())
                .map(|ids| ids.iter().map(|id| self.link(Kind::Change, id)).collect())
                .unwrap_or_default(),
        }
    }

    /// The changes that touch node `n`: upcoming (not yet over) soonest first and past ones
    /// latest first, as many of each as `caps` allow, with how many more there are.
    pub(super) fn changes_for(&self, n: Node, caps: ListCaps) -> ChangeLists {
        let mut upcoming = Vec::new();
        let mut past = Vec::new();
        for &(i, effect) in &self.changes_of[n as usize] {
            let r = self.changes[i];
            let Spec::Change(c) = &r.spec else { continue };
            if c.window.end >= self.now && !c.status.is_closed() {
                upcoming.push((c.window.start, r, c, effect));
            } else {
                past.push((c.window.start, r, c, effect));
            }
        }
        upcoming.sort_by(|a, b| (a.0, a.1.id()).cmp(&(b.0, b.1.id())));
        past.sort_by(|a, b| (b.0, b.1.id()).cmp(&(a.0, a.1.id())));
        ChangeLists {
            upcoming_more: upcoming.len().saturating_sub(caps.upcoming),
            past_more: past.len().saturating_sub(caps.past),
            upcoming: upcoming
                .into_iter()
                .take(caps.upcoming)
                .map(|(_, r, c, e)| self.change_row(r, c, e))
                .collect(),
            past: past
                .into_iter()
                .take(caps.past)
                .map(|(_, r, c, e)| self.change_row(r, c, e))
                .collect(),
        }
    }

    /// The line of incident `r`, with how it reached the page's record.
    pub(super) fn incident_line(&self, r: &Record, effect: &'static str) -> Option<IncidentLine> {
        let Spec::Incident(x) = &r.spec else {
            return None;
        };
        Some(IncidentLine {
            id: r.id().to_string(),
            name: r.metadata.display_name().to_string(),
            href: self.page_of(Kind::Incident, r.id()).unwrap_or_default(),
            priority: x.priority.as_str(),
            status: x.status.as_str(),
            detected: time(x.detected),
            resolved: x.resolved.map(time),
            effect,
        })
    }

    /// The incidents whose impact reached node `n` (or that name it) and that were detected
    /// in the last `recent_days` before now, newest first; at most `cap` (up to
    /// `RECENT_KEPT`), and how many more.
    pub(super) fn recent_incidents(&self, n: Node, cap: usize) -> (Vec<IncidentLine>, usize) {
        let of = &self.recent_of[n as usize];
        let lines: Vec<IncidentLine> = of
            .newest
            .iter()
            .take(cap)
            .filter_map(|&(i, effect)| self.incident_line(self.recent.get(i as usize)?, effect))
            .collect();
        let more = of.total.saturating_sub(lines.len());
        (lines, more)
    }

    /// The entry of known error `known_errors[k]`.
    pub(super) fn known_error(&self, k: usize, effect: &'static str) -> Option<KnownErrorEntry> {
        let r = self.known_errors.get(k)?;
        Some(KnownErrorEntry {
            problem: self.link(Kind::Problem, r.id()),
            effect,
            workaround: self.workarounds.get(k).cloned().flatten(),
        })
    }

    /// The open known errors on node `n` or on something it depends on (whose impact would
    /// reach it), by problem id.
    pub(super) fn known_errors_for(&self, n: Node) -> Vec<KnownErrorEntry> {
        self.known_errors_of[n as usize]
            .iter()
            .filter_map(|&(k, effect)| self.known_error(k, effect))
            .collect()
    }

    pub(super) fn diagram(&self, n: Node) -> Option<String> {
        self.diagram_marked(n, &HashMap::new())
    }

    /// The diagram around `n`, with the records in `marks` marked as an impact reached them.
    pub(super) fn diagram_marked(
        &self,
        n: Node,
        marks: &HashMap<Node, &'static str>,
    ) -> Option<String> {
        let label = |m: Node| Label {
            name: self.node_name(m),
            kind: self.node_facts[m as usize].kind,
            tier: self.node_facts[m as usize].tier,
            href: self.node_href(m).into(),
            mark: marks.get(&m).copied(),
        };
        let limits = diagram::Limits {
            base: "../",
            ..diagram::Limits::default()
        };
        diagram::render(&self.graph, n, limits, &label)
    }

    pub(super) fn sla_summary(&self, text: &str) -> Option<SlaSummary> {
        let r = RecordRef::parse_as(text, Kind::Sla);
        let link = self.link(Kind::Sla, &r.id);
        let spec = match self.set.get(&r).map(|x| &x.spec) {
            Some(Spec::Sla(s)) => Some(s),
            _ => None,
        };
        Some(match spec {
            Some(s) => sla_details(link, s),
            None => SlaSummary {
                link,
                sla_type: "sla",
                availability: String::new(),
                hours: None,
                priorities: Vec::new(),
                rto: None,
                rpo: None,
            },
        })
    }

    pub(super) fn team_summary(&self, text: &str) -> TeamSummary {
        let r = RecordRef::parse_as(text, Kind::Team);
        let contact = match self.set.get(&r).map(|x| &x.spec) {
            Some(Spec::Team(t)) => t.contact.clone(),
            _ => None,
        };
        TeamSummary {
            link: self.link(Kind::Team, &r.id),
            email: contact.as_ref().and_then(|c| c.email.clone()),
            chat: contact.and_then(|c| c.chat),
        }
    }
}
