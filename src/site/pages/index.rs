//! The index pages: home (services by tier and by team, SLAs, what comes next, operations) and the CI
//! index (CIs by type).

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::summaries::{CiLine, ServiceLine, Summaries, unique};
use super::view::{ChangeRow, LinkTo, sla_details};
use crate::model::{IncidentStatus, Kind, Spec};
use crate::site::SiteError;
use crate::site::paths;
use serde::Serialize;
use std::collections::BTreeMap;

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
    incidents: usize,
    open_incidents: usize,
    problems: usize,
    known_errors: usize,
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
struct CisPage {
    groups: Vec<Group<CiLine>>,
}

/// Render the home page; `upcoming` is the calendar's list of changes to come.
pub(super) fn render_home(
    f: &Catalogue<'_>,
    lines: &Summaries,
    out: &Renderer<'_>,
    upcoming: &[ChangeRow],
) -> Result<(), SiteError> {
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
    let mut slas: Vec<SlaLine> = unique(f.set, Kind::Sla)
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
    let home = HomePage {
        counts: Counts {
            services: lines.services.len(),
            cis: lines.cis.len(),
            teams: unique(f.set, Kind::Team).count(),
            slas: slas.len(),
            changes: f.changes.len(),
            incidents: f.incidents.len(),
            open_incidents: f
                .incidents
                .iter()
                .filter(
                    |r| matches!(&r.spec, Spec::Incident(i) if i.status == IncidentStatus::Open),
                )
                .count(),
            problems: unique(f.set, Kind::Problem).count(),
            known_errors: f.known_errors.len(),
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
        out.site.title.clone(),
        &home,
    )
}

/// Render the CI index, by type.
pub(super) fn render_cis(lines: &Summaries, out: &Renderer<'_>) -> Result<(), SiteError> {
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
    )
}
