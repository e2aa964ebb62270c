//! Known risks: single points of failure for tier-1 services, services without an SLA or
//! without an owner.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::related::SinglePoint;
use super::summaries::{ServiceLine, Summaries};
use super::view::{LinkTo, kind_word};
use crate::site::SiteError;
use serde::Serialize;

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

/// Render the risks page from the single points the service and CI pages found.
pub(super) fn render(
    f: &Catalogue<'_>,
    lines: &Summaries,
    out: &Renderer<'_>,
    mut singles: Vec<SinglePoint>,
) -> Result<(), SiteError> {
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
    )
}
