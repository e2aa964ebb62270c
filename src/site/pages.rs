//! Page view models: plain serialisable data for the templates, built from the records.
//! Every href in a model is relative to the site's root; a template puts `root` (`""` or
//! `"../"`) in front, so the site works under any base path and from disk.

use super::diagram::{self, Label};
use super::markdown;
use super::paths;
use super::reach::{self, Effect, NodeFacts, Related};
use super::{Sink, SiteFile, SiteInput};
use crate::error::CommandError;
use crate::graph::{DependencyGraph, Node};
use crate::impact::propagate;
use crate::model::{
    AttributeValue, ChangeSpec, ConfigurationItemSpec, Impact, Kind, Record, RecordRef, RecordSet,
    ServiceHours, ServiceSpec, SlaSpec, Spec, TeamSpec,
};
use crate::schedule;
use crate::templates::Templates;
use crate::vcs::git::FileCommit;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How much a record page lists before "and N more". A service page is what readers come
/// for; a CI page lists less, so that a catalogue of 50,000 CIs stays a quick build.
#[derive(Clone, Copy)]
struct Caps {
    rows: usize,
    upcoming: usize,
    past: usize,
}

const SERVICE_CAPS: Caps = Caps {
    rows: 100,
    upcoming: 30,
    past: 20,
};
const CI_CAPS: Caps = Caps {
    rows: 15,
    upcoming: 5,
    past: 5,
};
/// Rows of what a change takes down.
const ROW_CAP: usize = 100;
/// Past changes a record page lists.
const PAST_CAP: usize = 50;
/// Commits a record page lists.
pub const HISTORY_CAP: usize = 30;
/// Days of maintenance windows the calendar shows.
const WINDOW_DAYS: i64 = 28;

// ---------------------------------------------------------------------------------------
// Shared pieces of view models

/// A link to a record; `href` is `None` when the record does not exist (a dangling
/// reference is shown as text).
#[derive(Clone, Debug, Serialize)]
pub struct LinkTo {
    pub name: String,
    pub reference: String,
    pub href: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Row<'a> {
    name: &'a str,
    reference: &'a str,
    href: &'a str,
    kind: &'static str,
    tier: Option<u8>,
    effect: &'static str,
    /// The records between the page's record and this one, by name (`A → B`); empty when
    /// the relation is direct. Text, not links: every one of them has a row of its own.
    via: String,
}

#[derive(Clone, Debug, Serialize)]
struct Time {
    text: String,
    iso: String,
}

fn time(t: Timestamp) -> Time {
    Time {
        text: t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        iso: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

#[derive(Clone, Debug, Serialize)]
struct ChangeRow {
    id: String,
    name: String,
    href: String,
    change_type: &'static str,
    status: &'static str,
    risk: &'static str,
    start: Time,
    end: Time,
    outcome: Option<String>,
    /// How it touches the record of the page: `affected` (named), `full`, `partial`.
    effect: &'static str,
    conflicts: Vec<LinkTo>,
}

#[derive(Clone, Debug, Serialize)]
struct Commit {
    sha: String,
    short: String,
    date: String,
    author: String,
    subject: String,
    url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Pair {
    key: String,
    value: String,
}

#[derive(Clone, Debug, Serialize)]
struct SafeLink {
    title: String,
    /// `None` when the address is not http(s) or mailto: shown as text.
    url: Option<String>,
    text: String,
}

#[derive(Clone, Debug, Serialize)]
struct Common {
    id: String,
    name: String,
    reference: String,
    file: String,
    description: Option<String>,
    labels: Vec<Pair>,
    links: Vec<SafeLink>,
    history: Vec<Commit>,
}

#[derive(Clone, Debug, Serialize)]
struct SlaSummary {
    link: LinkTo,
    sla_type: &'static str,
    availability: String,
    hours: Option<String>,
    priorities: Vec<PriorityRow>,
    rto: Option<String>,
    rpo: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct PriorityRow {
    priority: &'static str,
    response: String,
    resolution: String,
}

#[derive(Clone, Debug, Serialize)]
struct TeamSummary {
    link: LinkTo,
    email: Option<String>,
    chat: Option<String>,
}

/// The page frame every template gets.
#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    site: &'a SiteInfo,
    /// From this page to the site's root: `""` or `"../"`.
    root: &'static str,
    /// Which navigation entry is current.
    nav: &'static str,
    title: String,
    page: T,
}

#[derive(Serialize)]
struct SiteInfo {
    title: String,
    description: Option<String>,
    commit: Option<String>,
    now: Time,
    in_git: bool,
}

// ---------------------------------------------------------------------------------------
// Facts gathered once

struct Facts<'a> {
    set: &'a RecordSet,
    graph: DependencyGraph,
    node_facts: Vec<NodeFacts>,
    /// Per graph node: display name and page (from the root), looked up once.
    node_names: Vec<&'a str>,
    node_hrefs: Vec<String>,
    /// Per graph node: its reference as text (`ci:db`).
    node_refs: Vec<String>,
    /// Page paths (from the root) per kind and id.
    pages: HashMap<Kind, HashMap<String, String>>,
    /// Per graph node: the changes that touch it, as (index into `changes`, effect).
    changes_of: Vec<Vec<(usize, &'static str)>>,
    changes: Vec<&'a Record>,
    conflicts: HashMap<String, Vec<String>>,
    history: &'a HashMap<String, Vec<FileCommit>>,
    commit_url: Option<String>,
    now: Timestamp,
}

impl<'a> Facts<'a> {
    fn gather(input: &SiteInput<'a>) -> Facts<'a> {
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
        let conflicts = conflicts(&changes, &touched);
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
        Facts {
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

    fn page_of(&self, kind: Kind, id: &str) -> Option<String> {
        self.pages.get(&kind).and_then(|m| m.get(id)).cloned()
    }

    /// A link to `kind:id`, named after the record when it exists.
    fn link(&self, kind: Kind, id: &str) -> LinkTo {
        let r = RecordRef::new(kind, id);
        let record = self.set.get(&r);
        LinkTo {
            name: record.map_or_else(|| id.to_string(), |x| x.metadata.display_name().to_string()),
            reference: r.to_string(),
            href: record.and_then(|_| self.page_of(kind, id)),
        }
    }

    fn link_ref(&self, text: &str) -> LinkTo {
        match RecordRef::parse(text) {
            Some(r) => self.link(r.kind, &r.id),
            None => LinkTo {
                name: text.to_string(),
                reference: text.to_string(),
                href: None,
            },
        }
    }

    fn node_name(&self, n: Node) -> &str {
        match self.node_names[n as usize] {
            "" => self.graph.reference(n).id.as_str(),
            name => name,
        }
    }

    fn node_href(&self, n: Node) -> &str {
        &self.node_hrefs[n as usize]
    }

    fn node_link(&self, n: Node) -> LinkTo {
        let href = self.node_href(n);
        LinkTo {
            name: self.node_name(n).to_string(),
            reference: self.graph.reference(n).to_string(),
            href: (!href.is_empty()).then(|| href.to_string()),
        }
    }

    fn row(&self, rel: &Related, effect: &'static str) -> Row<'_> {
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

    fn common(&self, r: &Record) -> Common {
        let m = &r.metadata;
        Common {
            id: m.id.clone(),
            name: m.display_name().to_string(),
            reference: r.reference().to_string(),
            file: r.origin.file.clone(),
            description: m.description.as_deref().map(markdown::render),
            labels: m
                .labels
                .iter()
                .map(|(k, v)| Pair {
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

    fn change_row(&self, r: &Record, c: &ChangeSpec, effect: &'static str) -> ChangeRow {
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
    fn changes_for(&self, n: Node, caps: Caps) -> ChangeLists {
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

    fn diagram(&self, n: Node) -> Option<String> {
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

    fn sla_summary(&self, text: &str) -> Option<SlaSummary> {
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

    fn team_summary(&self, text: &str) -> TeamSummary {
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

/// Conflicts between open changes, as `schedule::conflicts` defines them (windows overlap
/// and the records they touch meet), from the touched sets already computed in parallel:
/// a sweep over windows sorted by start, so only overlapping pairs are compared.
fn conflicts(
    changes: &[&Record],
    touched: &[Vec<(Node, &'static str)>],
) -> HashMap<String, Vec<String>> {
    let mut open: Vec<(Timestamp, Timestamp, &str, Vec<Node>)> = changes
        .iter()
        .zip(touched)
        .filter_map(|(r, t)| match &r.spec {
            Spec::Change(c) if !c.status.is_closed() => {
                let mut nodes: Vec<Node> = t.iter().map(|x| x.0).collect();
                nodes.sort_unstable();
                nodes.dedup();
                Some((c.window.start, c.window.end, r.id(), nodes))
            }
            _ => None,
        })
        .collect();
    open.sort_by(|a, b| (a.0, a.2).cmp(&(b.0, b.2)));
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (i, a) in open.iter().enumerate() {
        for b in open[i + 1..].iter().take_while(|b| b.0 < a.1) {
            if a.0 < b.1 && b.0 < a.1 && meet(&a.3, &b.3) {
                out.entry(a.2.to_string())
                    .or_default()
                    .push(b.2.to_string());
                out.entry(b.2.to_string())
                    .or_default()
                    .push(a.2.to_string());
            }
        }
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    out
}

/// Two sorted lists share an element.
fn meet(a: &[Node], b: &[Node]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "service",
        Kind::ConfigurationItem => "CI",
        Kind::Sla => "SLA",
        Kind::Team => "team",
        Kind::Change => "change",
        _ => "record",
    }
}

fn outcome_word(o: crate::model::OutcomeResult) -> &'static str {
    use crate::model::OutcomeResult::*;
    match o {
        Successful => "successful",
        SuccessfulWithIssues => "successful with issues",
        Failed => "failed",
        BackedOut => "backed out",
    }
}

fn lifecycle_word(l: crate::model::Lifecycle) -> &'static str {
    use crate::model::Lifecycle::*;
    match l {
        Planned => "planned",
        Live => "live",
        Deprecated => "deprecated",
        Retired => "retired",
    }
}

fn json_word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn hours(h: &ServiceHours) -> String {
    match h {
        ServiceHours::Always(_) => "24x7".to_string(),
        ServiceHours::Window(w) => {
            let days: Vec<String> = w.days.iter().map(json_word).collect();
            format!("{} {}–{} ({})", days.join(", "), w.from, w.to, w.timezone)
        }
    }
}

fn sla_details(link: LinkTo, s: &SlaSpec) -> SlaSummary {
    SlaSummary {
        link,
        sla_type: match s.sla_type {
            crate::model::SlaType::Sla => "SLA",
            crate::model::SlaType::Ola => "OLA",
            crate::model::SlaType::Uc => "underpinning contract",
        },
        availability: format!("{}%", s.availability),
        hours: s.service_hours.as_ref().map(hours),
        priorities: s
            .priorities
            .iter()
            .map(|(p, t)| PriorityRow {
                priority: p,
                response: t.response.clone(),
                resolution: t.resolution.clone(),
            })
            .collect(),
        rto: s.continuity.as_ref().and_then(|c| c.rto.clone()),
        rpo: s.continuity.as_ref().and_then(|c| c.rpo.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// Service and CI pages

#[derive(Serialize)]
struct RelatedLists<'a> {
    needs: Vec<Row<'a>>,
    needs_more: usize,
    needed_by: Vec<Row<'a>>,
    needed_by_more: usize,
    services_down: usize,
    services_degraded: usize,
    cis_down: usize,
    cis_degraded: usize,
    diagram: Option<String>,
    upcoming: Vec<ChangeRow>,
    upcoming_more: usize,
    past: Vec<ChangeRow>,
    past_more: usize,
}

#[derive(Serialize)]
struct ServicePage<'a> {
    #[serde(flatten)]
    common: Common,
    tier: u8,
    lifecycle: &'static str,
    owner: TeamSummary,
    sla: Option<SlaSummary>,
    offerings: Vec<Offering>,
    support: Option<Support>,
    #[serde(flatten)]
    related: RelatedLists<'a>,
}

/// `model::Support` with every field present (templates use strict undefined checks).
#[derive(Serialize)]
struct Support {
    hours: Option<String>,
    channel: Option<String>,
    email: Option<String>,
}

#[derive(Serialize)]
struct Offering {
    id: String,
    name: String,
    fulfillment: Option<String>,
    approval: bool,
    description: Option<String>,
}

#[derive(Serialize)]
struct CiPage<'a> {
    #[serde(flatten)]
    common: Common,
    ci_type: String,
    environment: String,
    lifecycle: &'static str,
    owner: TeamSummary,
    redundancy: Option<Redundancy>,
    attributes: Vec<Pair>,
    #[serde(flatten)]
    related: RelatedLists<'a>,
}

#[derive(Serialize)]
struct Redundancy {
    group: String,
    min_up: u32,
    members: Vec<LinkTo>,
}

/// What the risks page needs from a node's page.
struct SinglePoint {
    node: Node,
    tier1_down: Vec<Node>,
    services_down: usize,
}

/// The changes that touch a record, soonest (upcoming) and latest (past) first.
struct ChangeLists {
    upcoming: Vec<ChangeRow>,
    upcoming_more: usize,
    past: Vec<ChangeRow>,
    past_more: usize,
}

fn related_lists<'a>(
    f: &'a Facts<'_>,
    n: Node,
    caps: Caps,
) -> (RelatedLists<'a>, Option<SinglePoint>) {
    let (needs, needs_total) = reach::dependencies(&f.graph, &f.node_facts, n, caps.rows);
    // Nothing depends on most records at the top of a catalogue: no walk needed.
    let needed_by = if f.graph.dependents_of(n).is_empty() {
        reach::Dependents::default()
    } else {
        reach::dependents(&f.graph, &f.node_facts, n, caps.rows)
    };
    let changes = f.changes_for(n, caps);
    let single = (!needed_by.tier1_down.is_empty()).then(|| SinglePoint {
        node: n,
        tier1_down: needed_by.tier1_down.clone(),
        services_down: needed_by.services_down,
    });
    let lists = RelatedLists {
        needs_more: needs_total - needs.len(),
        needs: needs.iter().map(|r| f.row(r, r.effect.as_str())).collect(),
        needed_by_more: needed_by.total() - needed_by.shown.len(),
        needed_by: needed_by
            .shown
            .iter()
            .map(|r| f.row(r, r.effect.as_str()))
            .collect(),
        services_down: needed_by.services_down,
        services_degraded: needed_by.services_degraded,
        cis_down: needed_by.cis_down,
        cis_degraded: needed_by.cis_degraded,
        diagram: f.diagram(n),
        upcoming: changes.upcoming,
        upcoming_more: changes.upcoming_more,
        past: changes.past,
        past_more: changes.past_more,
    };
    (lists, single)
}

fn service_page<'a>(
    f: &'a Facts<'_>,
    r: &Record,
    s: &ServiceSpec,
    n: Node,
) -> (ServicePage<'a>, Option<SinglePoint>) {
    let (related, single) = related_lists(f, n, SERVICE_CAPS);
    let page = ServicePage {
        common: f.common(r),
        tier: s.tier,
        lifecycle: lifecycle_word(s.lifecycle),
        owner: f.team_summary(&s.owner),
        sla: s.sla.as_deref().and_then(|x| f.sla_summary(x)),
        offerings: s
            .offerings
            .iter()
            .map(|o| Offering {
                id: o.id.clone(),
                name: o.name.clone(),
                fulfillment: o.fulfillment.clone(),
                approval: o.approval,
                description: o.description.as_deref().map(markdown::render),
            })
            .collect(),
        support: s.support.as_ref().map(|x| Support {
            hours: x.hours.clone(),
            channel: x.channel.clone(),
            email: x.email.clone(),
        }),
        related,
    };
    (page, single)
}

fn ci_page<'a>(
    f: &'a Facts<'_>,
    r: &Record,
    c: &ConfigurationItemSpec,
    n: Node,
) -> (CiPage<'a>, Option<SinglePoint>) {
    let (related, single) = related_lists(f, n, CI_CAPS);
    let page = CiPage {
        common: f.common(r),
        ci_type: json_word(&c.ci_type),
        environment: json_word(&c.environment),
        lifecycle: lifecycle_word(c.lifecycle),
        owner: f.team_summary(&c.owner),
        redundancy: c.redundancy.as_ref().map(|red| Redundancy {
            group: red.group.clone(),
            min_up: red.min_up,
            members: f
                .graph
                .group_of(n)
                .map(|g| g.members.iter().map(|&m| f.node_link(m)).collect())
                .unwrap_or_default(),
        }),
        attributes: c
            .attributes
            .iter()
            .map(|(k, v)| Pair {
                key: k.clone(),
                value: match v {
                    AttributeValue::String(s) => s.clone(),
                    AttributeValue::Integer(i) => i.to_string(),
                    AttributeValue::Number(x) => x.to_string(),
                    AttributeValue::Bool(b) => b.to_string(),
                },
            })
            .collect(),
        related,
    };
    (page, single)
}

// ---------------------------------------------------------------------------------------
// SLA, team and change pages

#[derive(Serialize)]
struct SlaPage {
    #[serde(flatten)]
    common: Common,
    #[serde(flatten)]
    sla: SlaSummary,
    services: Vec<ServiceLine>,
}

#[derive(Clone, Serialize)]
struct ServiceLine {
    name: String,
    reference: String,
    href: String,
    tier: u8,
    lifecycle: &'static str,
    owner: LinkTo,
    sla: Option<LinkTo>,
}

#[derive(Serialize)]
struct TeamPage {
    #[serde(flatten)]
    common: Common,
    email: Option<String>,
    chat: Option<String>,
    members: Vec<Member>,
    services: Vec<ServiceLine>,
    cis: Vec<CiLine>,
    changes: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct Member {
    github: String,
    name: Option<String>,
    email: Option<String>,
}

#[derive(Clone, Serialize)]
struct CiLine {
    name: String,
    reference: String,
    href: String,
    ci_type: String,
    environment: String,
    lifecycle: &'static str,
    owner: LinkTo,
}

#[derive(Serialize)]
struct ChangePage<'a> {
    #[serde(flatten)]
    common: Common,
    #[serde(flatten)]
    row: ChangeRow,
    model: Option<String>,
    requester: String,
    reason: String,
    affects: Vec<LinkTo>,
    impacted: Vec<Row<'a>>,
    impacted_more: usize,
    services_down: usize,
    services_degraded: usize,
    plan: String,
    backout: Option<String>,
    verification: Option<String>,
    emergency: Option<crate::model::Emergency>,
    incidents: Vec<String>,
    outcome_notes: Option<String>,
    upcoming: bool,
}

fn service_line(f: &Facts<'_>, r: &Record, s: &ServiceSpec) -> ServiceLine {
    ServiceLine {
        name: r.metadata.display_name().to_string(),
        reference: r.reference().to_string(),
        href: f.page_of(Kind::Service, r.id()).unwrap_or_default(),
        tier: s.tier,
        lifecycle: lifecycle_word(s.lifecycle),
        owner: f.link(Kind::Team, &RecordRef::parse_as(&s.owner, Kind::Team).id),
        sla: s
            .sla
            .as_deref()
            .map(|x| f.link(Kind::Sla, &RecordRef::parse_as(x, Kind::Sla).id)),
    }
}

fn ci_line(f: &Facts<'_>, r: &Record, c: &ConfigurationItemSpec) -> CiLine {
    CiLine {
        name: r.metadata.display_name().to_string(),
        reference: r.reference().to_string(),
        href: f
            .page_of(Kind::ConfigurationItem, r.id())
            .unwrap_or_default(),
        ci_type: json_word(&c.ci_type),
        environment: json_word(&c.environment),
        lifecycle: lifecycle_word(c.lifecycle),
        owner: f.link(Kind::Team, &RecordRef::parse_as(&c.owner, Kind::Team).id),
    }
}

/// Services (sorted by tier, then name) and CIs (by name), each with its page.
struct Lines {
    services: Vec<(String, ServiceLine)>,
    cis: Vec<(String, CiLine)>,
    /// Per owning team, the positions of its lines in `services` and in `cis`, in their
    /// order: a team page takes its own lines instead of filtering all of them.
    by_owner: HashMap<String, (Vec<usize>, Vec<usize>)>,
}

impl Lines {
    fn owned_by(&self, team: &str) -> (&[usize], &[usize]) {
        self.by_owner
            .get(team)
            .map(|(s, c)| (s.as_slice(), c.as_slice()))
            .unwrap_or_default()
    }
}

fn lines(f: &Facts<'_>) -> Lines {
    let mut services: Vec<(String, ServiceLine)> = unique(f.set, Kind::Service)
        .filter_map(|r| match &r.spec {
            Spec::Service(s) => Some((
                RecordRef::parse_as(&s.owner, Kind::Team).id,
                service_line(f, r, s),
            )),
            _ => None,
        })
        .collect();
    services.sort_by(|a, b| {
        (a.1.tier, a.1.name.to_lowercase(), &a.1.reference).cmp(&(
            b.1.tier,
            b.1.name.to_lowercase(),
            &b.1.reference,
        ))
    });
    let mut cis: Vec<(String, CiLine)> = unique(f.set, Kind::ConfigurationItem)
        .filter_map(|r| match &r.spec {
            Spec::ConfigurationItem(c) => Some((
                RecordRef::parse_as(&c.owner, Kind::Team).id,
                ci_line(f, r, c),
            )),
            _ => None,
        })
        .collect();
    cis.sort_by(|a, b| {
        (a.1.name.to_lowercase(), &a.1.reference).cmp(&(b.1.name.to_lowercase(), &b.1.reference))
    });
    let mut by_owner: HashMap<String, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, (owner, _)) in services.iter().enumerate() {
        by_owner.entry(owner.clone()).or_default().0.push(i);
    }
    for (i, (owner, _)) in cis.iter().enumerate() {
        by_owner.entry(owner.clone()).or_default().1.push(i);
    }
    Lines {
        services,
        cis,
        by_owner,
    }
}

/// The records of one kind, one per id (the first in file order, as the lookup does).
fn unique(set: &RecordSet, kind: Kind) -> impl Iterator<Item = &Record> {
    set.of_kind(kind).filter(move |r| {
        set.get(&r.reference())
            .is_some_and(|first| std::ptr::eq(first, *r))
    })
}

fn team_page(f: &Facts<'_>, r: &Record, t: &TeamSpec, lines: &Lines) -> TeamPage {
    let id = r.id();
    let logins: Vec<String> = t.members.iter().map(|m| m.github.to_lowercase()).collect();
    let mut changes: Vec<(Timestamp, ChangeRow)> = f
        .changes
        .iter()
        .filter_map(|c| match &c.spec {
            Spec::Change(spec) if logins.contains(&spec.requester.to_lowercase()) => {
                Some((spec.window.start, f.change_row(c, spec, "affected")))
            }
            _ => None,
        })
        .collect();
    changes.sort_by(|a, b| (b.0, &a.1.id).cmp(&(a.0, &b.1.id)));
    let (owned_services, owned_cis) = lines.owned_by(id);
    TeamPage {
        common: f.common(r),
        email: t.contact.as_ref().and_then(|c| c.email.clone()),
        chat: t.contact.as_ref().and_then(|c| c.chat.clone()),
        members: t
            .members
            .iter()
            .map(|m| Member {
                github: m.github.clone(),
                name: m.name.clone(),
                email: m.email.clone(),
            })
            .collect(),
        services: owned_services
            .iter()
            .map(|&i| lines.services[i].1.clone())
            .collect(),
        cis: owned_cis.iter().map(|&i| lines.cis[i].1.clone()).collect(),
        changes: changes.into_iter().take(PAST_CAP).map(|(_, c)| c).collect(),
    }
}

fn change_page<'a>(f: &'a Facts<'_>, r: &Record, c: &ChangeSpec) -> ChangePage<'a> {
    let named: Vec<Node> = c
        .affects
        .iter()
        .filter_map(|a| RecordRef::parse(a).and_then(|x| f.graph.node(&x)))
        .collect();
    let p = propagate(&f.graph, &named);
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
    let services_down = impacted
        .iter()
        .filter(|x| x.0 == Effect::Full && !x.1)
        .count();
    let services_degraded = impacted
        .iter()
        .filter(|x| x.0 == Effect::Partial && !x.1)
        .count();
    let total = impacted.len();
    ChangePage {
        common: f.common(r),
        row: f.change_row(r, c, "affected"),
        model: c.model.clone(),
        requester: c.requester.clone(),
        reason: c.reason.clone(),
        affects: c.affects.iter().map(|a| f.link_ref(a)).collect(),
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
        impacted_more: total.saturating_sub(ROW_CAP),
        services_down,
        services_degraded,
        plan: markdown::render(&c.plan),
        backout: c.backout.as_deref().map(markdown::render),
        verification: c.verification.as_deref().map(markdown::render),
        emergency: c.emergency.clone(),
        incidents: c
            .outcome
            .as_ref()
            .map(|o| o.incidents.clone())
            .unwrap_or_default(),
        outcome_notes: c
            .outcome
            .as_ref()
            .and_then(|o| o.notes.as_deref())
            .map(markdown::render),
        upcoming: c.window.end >= f.now && !c.status.is_closed(),
    }
}

// ---------------------------------------------------------------------------------------
// Home, calendar, risks, CI index, search

#[derive(Serialize)]
struct HomePage {
    counts: Counts,
    tiers: Vec<Group<ServiceLine>>,
    teams: Vec<TeamGroup>,
    slas: Vec<SlaLine>,
    upcoming: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct Counts {
    services: usize,
    cis: usize,
    teams: usize,
    slas: usize,
    changes: usize,
}

#[derive(Serialize)]
struct Group<T: Serialize> {
    title: String,
    id: String,
    items: Vec<T>,
}

#[derive(Serialize)]
struct TeamGroup {
    team: LinkTo,
    id: String,
    services: Vec<ServiceLine>,
}

#[derive(Serialize)]
struct SlaLine {
    link: LinkTo,
    sla_type: &'static str,
    availability: String,
    services: usize,
}

#[derive(Serialize)]
struct CalendarPage {
    upcoming: Vec<ChangeRow>,
    past: Vec<ChangeRow>,
    freezes: Vec<FreezeRow>,
    windows: Vec<WindowRow>,
    window_days: i64,
    conflicts: Vec<ConflictRow>,
}

#[derive(Serialize)]
struct FreezeRow {
    name: String,
    start: Time,
    end: Time,
    allow: Vec<&'static str>,
    scope: Vec<LinkTo>,
    current: bool,
}

#[derive(Serialize)]
struct WindowRow {
    name: String,
    start: Time,
    end: Time,
}

#[derive(Serialize)]
struct ConflictRow {
    a: LinkTo,
    b: LinkTo,
    shared: Vec<LinkTo>,
    shared_more: usize,
}

#[derive(Serialize)]
struct RisksPage {
    single_points: Vec<SpofRow>,
    no_sla: Vec<ServiceLine>,
    no_owner: Vec<ServiceLine>,
}

#[derive(Serialize)]
struct SpofRow {
    link: LinkTo,
    kind: &'static str,
    tier1: Vec<LinkTo>,
    tier1_more: usize,
    tier1_count: usize,
    services_down: usize,
}

#[derive(Serialize)]
struct CisPage {
    groups: Vec<Group<CiLine>>,
}

/// Render every page and asset.
pub fn render_all(
    input: &SiteInput<'_>,
    t: &Templates,
    sink: &dyn Sink,
) -> Result<(), CommandError> {
    let f = Facts::gather(input);
    let set = f.set;
    let config = set.config();
    let config_record = set.of_kind(Kind::Config).next();
    let site = SiteInfo {
        title: config
            .and_then(|c| c.title.clone())
            .or_else(|| config_record.map(|r| r.metadata.display_name().to_string()))
            .unwrap_or_else(|| "Service catalogue".to_string()),
        description: config_record
            .and_then(|r| r.metadata.description.as_deref())
            .map(markdown::render),
        commit: input.commit.clone(),
        now: time(input.now),
        in_git: input.in_git,
    };
    let out = Renderer {
        t,
        site: &site,
        sink,
    };

    // Service and CI pages, in parallel; each also says whether its record is a single
    // point of failure, which the risks page collects.
    let node_records: Vec<(Node, &Record)> = (0..f.graph.len() as Node)
        .filter_map(|n| set.get(f.graph.reference(n)).map(|r| (n, r)))
        .collect();
    // The change calendar is built alongside: it is one sequential walk per open change,
    // which would otherwise leave a core idle.
    let policy = set.policy().map(|(_, p)| p);
    let (first, last) = feed_span(set, policy, f.now);
    let (feed, node_pages) = rayon::join(
        || schedule::build(set, policy, first, last),
        || -> Result<Vec<SinglePoint>, CommandError> {
            node_records
                .par_iter()
                .map(|&(n, r)| {
                    let path = f.node_href(n).to_string();
                    let title = r.metadata.display_name().to_string();
                    match &r.spec {
                        Spec::Service(s) => {
                            let (page, single) = service_page(&f, r, s, n);
                            out.page("site/service.html", path, "../", "services", title, &page)?;
                            Ok(single)
                        }
                        Spec::ConfigurationItem(c) => {
                            let (page, single) = ci_page(&f, r, c, n);
                            out.page("site/ci.html", path, "../", "cis", title, &page)?;
                            Ok(single)
                        }
                        _ => Err(CommandError::failure(
                            "a graph node is neither a service nor a CI",
                        )),
                    }
                })
                .filter_map(Result::transpose)
                .collect()
        },
    );
    let mut singles = node_pages?;

    let lines = lines(&f);
    // SLA, team and change pages.
    let others: Vec<&Record> = [Kind::Sla, Kind::Team, Kind::Change]
        .into_iter()
        .flat_map(|k| unique(set, k))
        .collect();
    others.par_iter().try_for_each(|&r| {
        let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
        let title = r.metadata.display_name().to_string();
        match &r.spec {
            Spec::Sla(s) => {
                let reference = r.reference().to_string();
                let page = SlaPage {
                    common: f.common(r),
                    sla: sla_details(f.link(Kind::Sla, r.id()), s),
                    services: lines
                        .services
                        .iter()
                        .filter(|(_, l)| l.sla.as_ref().is_some_and(|x| x.reference == reference))
                        .map(|(_, l)| l.clone())
                        .collect(),
                };
                out.page("site/sla.html", path, "../", "home", title, &page)
            }
            Spec::Team(tm) => {
                let page = team_page(&f, r, tm, &lines);
                out.page("site/team.html", path, "../", "home", title, &page)
            }
            Spec::Change(c) => {
                let page = change_page(&f, r, c);
                out.page(
                    "site/change.html",
                    path,
                    "../",
                    "calendar",
                    format!("{}: {}", r.id(), title),
                    &page,
                )
            }
            _ => Err(CommandError::failure("unexpected record kind")),
        }
    })?;

    // Home.
    let mut tiers: Vec<Group<ServiceLine>> = Vec::new();
    for (_, l) in &lines.services {
        if tiers
            .last()
            .is_none_or(|g| g.id != format!("tier-{}", l.tier))
        {
            tiers.push(Group {
                title: format!("Tier {}", l.tier),
                id: format!("tier-{}", l.tier),
                items: Vec::new(),
            });
        }
        if let Some(g) = tiers.last_mut() {
            g.items.push(l.clone());
        }
    }
    let mut by_team: BTreeMap<String, Vec<ServiceLine>> = BTreeMap::new();
    for (owner, l) in &lines.services {
        by_team.entry(owner.clone()).or_default().push(l.clone());
    }
    let teams: Vec<TeamGroup> = by_team
        .into_iter()
        .map(|(owner, mut services)| {
            services.sort_by(|a, b| {
                (a.name.to_lowercase(), &a.reference).cmp(&(b.name.to_lowercase(), &b.reference))
            });
            TeamGroup {
                team: f.link(Kind::Team, &owner),
                id: format!("team-{}", paths::stem(&owner)),
                services,
            }
        })
        .collect();
    let mut slas: Vec<SlaLine> = unique(set, Kind::Sla)
        .filter_map(|r| match &r.spec {
            Spec::Sla(s) => {
                let reference = r.reference().to_string();
                Some(SlaLine {
                    link: f.link(Kind::Sla, r.id()),
                    sla_type: sla_details(f.link(Kind::Sla, r.id()), s).sla_type,
                    availability: format!("{}%", s.availability),
                    services: lines
                        .services
                        .iter()
                        .filter(|(_, l)| l.sla.as_ref().is_some_and(|x| x.reference == reference))
                        .count(),
                })
            }
            _ => None,
        })
        .collect();
    slas.sort_by(|a, b| a.link.name.cmp(&b.link.name));

    // The calendar: every change record, split at `now`.
    let mut upcoming: Vec<(Timestamp, ChangeRow)> = Vec::new();
    let mut past: Vec<(Timestamp, ChangeRow)> = Vec::new();
    for r in &f.changes {
        let Spec::Change(c) = &r.spec else { continue };
        let row = f.change_row(r, c, "affected");
        if c.window.end >= f.now && !c.status.is_closed() {
            upcoming.push((c.window.start, row));
        } else {
            past.push((c.window.start, row));
        }
    }
    upcoming.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    past.sort_by(|a, b| (b.0, &a.1.id).cmp(&(a.0, &b.1.id)));
    let upcoming: Vec<ChangeRow> = upcoming.into_iter().map(|x| x.1).collect();
    let past: Vec<ChangeRow> = past.into_iter().map(|x| x.1).collect();

    let home = HomePage {
        counts: Counts {
            services: lines.services.len(),
            cis: lines.cis.len(),
            teams: unique(set, Kind::Team).count(),
            slas: slas.len(),
            changes: f.changes.len(),
        },
        tiers,
        teams,
        slas,
        upcoming: upcoming.iter().take(10).cloned().collect(),
    };
    out.page(
        "site/index.html",
        "index.html".into(),
        "",
        "home",
        site.title.clone(),
        &home,
    )?;

    // The feed covers every change record and freeze; the page shows windows ahead.
    let ahead = Timestamp::from_second(f.now.as_second() + WINDOW_DAYS * 86_400).unwrap_or(f.now);
    let windows = schedule::build(&RecordSet::default(), policy, f.now, ahead).windows;
    let calendar = CalendarPage {
        upcoming,
        past,
        freezes: feed
            .freezes
            .iter()
            .filter(|x| x.end >= f.now)
            .map(|x| FreezeRow {
                name: x.name.clone(),
                start: time(x.start),
                end: time(x.end),
                allow: x.allow.iter().map(|a| a.as_str()).collect(),
                scope: x.scope.iter().map(|s| f.link_ref(s)).collect(),
                current: x.start <= f.now,
            })
            .collect(),
        windows: windows
            .iter()
            .map(|w| WindowRow {
                name: w.name.clone(),
                start: time(w.start),
                end: time(w.end),
            })
            .collect(),
        window_days: WINDOW_DAYS,
        conflicts: feed
            .conflicts
            .iter()
            .filter(|c| {
                [&c.changes.0, &c.changes.1].iter().any(|id| {
                    set.get(&RecordRef::new(Kind::Change, id.as_str()))
                        .is_some_and(
                            |r| matches!(&r.spec, Spec::Change(x) if x.window.end >= f.now),
                        )
                })
            })
            .map(|c| ConflictRow {
                a: f.link(Kind::Change, &c.changes.0),
                b: f.link(Kind::Change, &c.changes.1),
                shared: c
                    .shared
                    .iter()
                    .take(10)
                    .map(|s| f.link(s.kind, &s.id))
                    .collect(),
                shared_more: c.shared.len().saturating_sub(10),
            })
            .collect(),
    };
    out.page(
        "site/calendar.html",
        "calendar.html".into(),
        "",
        "calendar",
        "Change calendar".into(),
        &calendar,
    )?;
    let mut ics = Vec::new();
    crate::report::schedule::ics(&mut ics, &feed, &site.title, f.now)
        .map_err(|e| CommandError::failure(format!("cannot write the calendar feed: {e}")))?;
    sink.put(SiteFile {
        path: "calendar.ics".into(),
        bytes: ics,
    })?;

    // Known risks.
    singles.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.tier1_down.len()),
            std::cmp::Reverse(a.services_down),
            a.node,
        )
            .cmp(&(
                std::cmp::Reverse(b.tier1_down.len()),
                std::cmp::Reverse(b.services_down),
                b.node,
            ))
    });
    let risks = RisksPage {
        single_points: singles
            .iter()
            .map(|s| SpofRow {
                link: f.node_link(s.node),
                kind: kind_word(f.graph.reference(s.node).kind),
                tier1: s
                    .tier1_down
                    .iter()
                    .take(5)
                    .map(|&n| f.node_link(n))
                    .collect(),
                tier1_more: s.tier1_down.len().saturating_sub(5),
                tier1_count: s.tier1_down.len(),
                services_down: s.services_down,
            })
            .collect(),
        no_sla: lines
            .services
            .iter()
            .filter(|(_, l)| {
                l.lifecycle != "retired" && l.sla.as_ref().is_none_or(|s| s.href.is_none())
            })
            .map(|(_, l)| l.clone())
            .collect(),
        no_owner: lines
            .services
            .iter()
            .filter(|(_, l)| l.owner.href.is_none())
            .map(|(_, l)| l.clone())
            .collect(),
    };
    out.page(
        "site/risks.html",
        "risks.html".into(),
        "",
        "risks",
        "Known risks".into(),
        &risks,
    )?;

    // The CI index, by type.
    let mut ci_groups: BTreeMap<String, Vec<CiLine>> = BTreeMap::new();
    for (_, l) in &lines.cis {
        ci_groups
            .entry(l.ci_type.clone())
            .or_default()
            .push(l.clone());
    }
    let cis = CisPage {
        groups: ci_groups
            .into_iter()
            .map(|(ty, items)| Group {
                title: ty.clone(),
                id: format!("type-{ty}"),
                items,
            })
            .collect(),
    };
    out.page(
        "site/cis.html",
        "cis.html".into(),
        "",
        "cis",
        "Configuration items".into(),
        &cis,
    )?;
    out.page(
        "site/search.html",
        "search.html".into(),
        "",
        "search",
        "Search".into(),
        &(),
    )?;

    // The search index, as JSON for fetch() and as a script for file:// (where browsers
    // refuse fetch()).
    let index = search_index(&f, &lines);
    // `<`, `>` and `&` only occur inside strings: escaped, the index cannot end a script
    // element or smuggle markup into a page that forgets to use textContent.
    let json = serde_json::to_string(&index)
        .unwrap_or_else(|_| "{}".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    sink.put(SiteFile {
        path: "assets/search-index.js".into(),
        bytes: format!("window.cabinetSearchIndex = {json};\n").into_bytes(),
    })?;
    sink.put(SiteFile {
        path: "search.json".into(),
        bytes: json.into_bytes(),
    })?;
    for (name, path) in [
        ("site/site.css", "assets/site.css"),
        ("site/search.js", "assets/search.js"),
    ] {
        sink.put(SiteFile {
            path: path.into(),
            bytes: t.render(name, ())?.into_bytes(),
        })?;
    }
    Ok(())
}

/// From the earliest to the latest change window or freeze, and at least a day around now.
fn feed_span(
    set: &RecordSet,
    policy: Option<&crate::model::PolicySpec>,
    now: Timestamp,
) -> (Timestamp, Timestamp) {
    let mut first = now;
    let mut last = now;
    for r in set.of_kind(Kind::Change) {
        if let Spec::Change(c) = &r.spec {
            first = first.min(c.window.start);
            last = last.max(c.window.end);
        }
    }
    for fr in policy.map(|p| p.freezes.as_slice()).unwrap_or_default() {
        first = first.min(fr.start);
        last = last.max(fr.end);
    }
    let day = 86_400;
    (
        Timestamp::from_second(first.as_second() - day).unwrap_or(first),
        Timestamp::from_second(last.as_second() + day).unwrap_or(last),
    )
}

#[derive(Serialize)]
struct SearchIndex {
    /// `[kind, id, name, href, detail]` per record.
    items: Vec<[String; 5]>,
}

fn search_index(f: &Facts<'_>, lines: &Lines) -> SearchIndex {
    let mut items: Vec<[String; 5]> = Vec::new();
    for (owner, l) in &lines.services {
        items.push([
            "service".into(),
            l.reference.clone(),
            l.name.clone(),
            l.href.clone(),
            format!("tier {} · {} · {}", l.tier, owner, l.lifecycle),
        ]);
    }
    for (owner, l) in &lines.cis {
        items.push([
            "CI".into(),
            l.reference.clone(),
            l.name.clone(),
            l.href.clone(),
            format!("{} · {} · {}", l.ci_type, l.environment, owner),
        ]);
    }
    for r in unique(f.set, Kind::Team) {
        items.push([
            "team".into(),
            r.reference().to_string(),
            r.metadata.display_name().to_string(),
            f.page_of(Kind::Team, r.id()).unwrap_or_default(),
            String::new(),
        ]);
    }
    for r in unique(f.set, Kind::Sla) {
        items.push([
            "SLA".into(),
            r.reference().to_string(),
            r.metadata.display_name().to_string(),
            f.page_of(Kind::Sla, r.id()).unwrap_or_default(),
            String::new(),
        ]);
    }
    for r in &f.changes {
        if let Spec::Change(c) = &r.spec {
            items.push([
                "change".into(),
                r.reference().to_string(),
                r.metadata.display_name().to_string(),
                f.page_of(Kind::Change, r.id()).unwrap_or_default(),
                format!(
                    "{} · {} · {}",
                    c.status.as_str(),
                    c.window.start.strftime("%Y-%m-%d"),
                    c.change_type.as_str()
                ),
            ]);
        }
    }
    SearchIndex { items }
}

/// Puts a page model in its frame and renders it.
struct Renderer<'a> {
    t: &'a Templates,
    site: &'a SiteInfo,
    sink: &'a dyn Sink,
}

impl Renderer<'_> {
    fn page<T: Serialize>(
        &self,
        template: &str,
        path: String,
        root: &'static str,
        nav: &'static str,
        title: String,
        page: &T,
    ) -> Result<(), CommandError> {
        let frame = Frame {
            site: self.site,
            root,
            nav,
            title,
            page,
        };
        let text = self.t.render(template, frame)?;
        self.sink.put(SiteFile {
            path,
            bytes: text.into_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_agree_with_the_schedule() {
        let change = |id: &str, affects: &str, start: &str, end: &str, status: &str| {
            format!(
                "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: normal, requester: octocat, reason: r, affects: [{affects}], window: {{start: \"{start}\", end: \"{end}\"}}, risk: low, plan: p, backout: b, status: {status}}}\n"
            )
        };
        let mut yaml = String::from(
            "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: db}\nspec: {type: database, owner: t, environment: production, lifecycle: live}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: app}\nspec: {type: application, owner: t, environment: production, lifecycle: live, dependsOn: [ci:db]}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: other}\nspec: {type: server, owner: t, environment: production, lifecycle: live}\n",
        );
        // A and B overlap and meet at app (B's impact); C overlaps both but touches other
        // records; D meets A but is cancelled; E meets A but later.
        yaml += &change(
            "A",
            "ci:db",
            "2026-12-01T22:00:00Z",
            "2026-12-02T01:00:00Z",
            "requested",
        );
        yaml += &change(
            "B",
            "ci:app",
            "2026-12-02T00:00:00Z",
            "2026-12-02T02:00:00Z",
            "approved",
        );
        yaml += &change(
            "C",
            "ci:other",
            "2026-12-01T21:00:00Z",
            "2026-12-02T03:00:00Z",
            "approved",
        );
        yaml += &change(
            "D",
            "ci:db",
            "2026-12-01T22:00:00Z",
            "2026-12-02T01:00:00Z",
            "cancelled",
        );
        yaml += &change(
            "E",
            "ci:db",
            "2026-12-02T01:00:00Z",
            "2026-12-02T02:00:00Z",
            "scheduled",
        );
        crate::site::tests::with_site(&yaml, |input, _| {
            let f = Facts::gather(input);
            let mut want: HashMap<String, Vec<String>> = HashMap::new();
            for c in schedule::conflicts(input.records, &f.graph) {
                want.entry(c.changes.0.clone())
                    .or_default()
                    .push(c.changes.1.clone());
                want.entry(c.changes.1).or_default().push(c.changes.0);
            }
            for list in want.values_mut() {
                list.sort();
            }
            assert_eq!(want.len(), 3, "{want:?}");
            assert_eq!(f.conflicts, want);
        });
    }
}
