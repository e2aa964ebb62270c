//! One line per service and per CI, as the list pages show them (home, the CI index, team
//! and SLA pages, known risks, the search index): built once, sorted, and indexed by owner.

use super::catalogue::Catalogue;
use super::view::{LinkTo, json_word, lifecycle_word};
use crate::model::{ConfigurationItemSpec, Kind, Record, RecordRef, RecordSet, ServiceSpec, Spec};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Serialize)]
pub(super) struct ServiceLine {
    pub(super) name: String,
    pub(super) reference: String,
    pub(super) href: String,
    pub(super) tier: u8,
    pub(super) lifecycle: &'static str,
    pub(super) owner: LinkTo,
    pub(super) sla: Option<LinkTo>,
}

#[derive(Clone, Serialize)]
pub(super) struct CiLine {
    pub(super) name: String,
    pub(super) reference: String,
    pub(super) href: String,
    pub(super) ci_type: String,
    pub(super) environment: String,
    pub(super) lifecycle: &'static str,
    pub(super) owner: LinkTo,
}

fn service_line(f: &Catalogue<'_>, r: &Record, s: &ServiceSpec) -> ServiceLine {
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

fn ci_line(f: &Catalogue<'_>, r: &Record, c: &ConfigurationItemSpec) -> CiLine {
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
pub(super) struct Summaries {
    pub(super) services: Vec<(String, ServiceLine)>,
    pub(super) cis: Vec<(String, CiLine)>,
    /// Per owning team, the positions of its lines in `services` and in `cis`, in their
    /// order: a team page takes its own lines instead of filtering all of them.
    by_owner: HashMap<String, (Vec<usize>, Vec<usize>)>,
}

impl Summaries {
    pub(super) fn owned_by(&self, team: &str) -> (&[usize], &[usize]) {
        self.by_owner
            .get(team)
            .map(|(s, c)| (s.as_slice(), c.as_slice()))
            .unwrap_or_default()
    }
}

pub(super) fn lines(f: &Catalogue<'_>) -> Summaries {
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
    Summaries {
        services,
        cis,
        by_owner,
    }
}

/// The records of one kind, one per id (the first in file order, as the lookup does).
pub(super) fn unique(set: &RecordSet, kind: Kind) -> impl Iterator<Item = &Record> {
    set.of_kind(kind).filter(move |r| {
        set.get(&r.reference())
            .is_some_and(|first| std::ptr::eq(first, *r))
    })
}
