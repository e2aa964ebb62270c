//! The catalogue: facts gathered once, before any page is built: the dependency graph, every
//! record's page and display name, what each change touches (in parallel) and which open
//! changes conflict.
//! Page builders ask `Catalogue` for links, table rows and the pieces every record page shows.

use super::conflicts::conflicts;
use super::view::{
    ChangeLists, ChangeRow, Commit, LabelRow, LinkTo, RecordHeader, Row, SafeLink, SlaSummary,
    TeamSummary, kind_word, outcome_word, sla_details, time,
};
use super::{HISTORY_CAP, ListCaps};
use crate::graph::{DependencyGraph, Node};
use crate::impact::propagate;
use crate::model::{ChangeSpec, Impact, Kind, Record, RecordRef, RecordSet, Spec};
use crate::site::SiteInput;
use crate::site::diagram::{self, Label};
use crate::site::markdown;
use crate::site::paths;
use crate::site::reach::{NodeFacts, Related};
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
    history: &'a HashMap<String, Vec<FileCommit>>,
    commit_url: Option<String>,
    pub(super) now: Timestamp,
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
        let mut changes: Vec<&Record> = set.of_kind(Kind::Change).collect();
        changes.sort_by(|a, b| a.id().cmp(b.id()));
        changes.dedup_by(|a, b| a.id() == b.id());
        // What each change touches: what it names, and what that takes down or degrades.
        let touched: Vec<Vec<(Node, &'static str)>> = changes
            .par_iter()
            .map(|r| {
                let Spec::Change(c) = &r.spec else {
                    return Vec::new();
                };
                let named: Vec<Node> = c
                    .affects
                    .iter()
                    .filter_map(|a| RecordRef::parse(a).and_then(|r| graph.node(&r)))
                    .collect();
                let p = propagate(&graph, &named);
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
            })
            .collect();
        let mut changes_of: Vec<Vec<(usize, &'static str)>> = vec![Vec::new(); graph.len()];
        for (i, list) in touched.iter().enumerate() {
            for &(n, effect) in list {
                changes_of[n as usize].push((i, effect));
            }
        }
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

    pub(super) fn diagram(&self, n: Node) -> Option<String> {
        let label = |m: Node| Label {
            name: self.node_name(m),
            kind: self.node_facts[m as usize].kind,
            tier: self.node_facts[m as usize].tier,
            href: self.node_href(m).into(),
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
