//! Change pages: the request, the plan, what the change takes down or degrades, its outcome.

use super::ROW_CAP;
use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::view::{ChangeRow, LinkTo, RecordHeader, Row};
use crate::graph::Node;
use crate::impact::propagate;
use crate::model::{ChangeSpec, Impact, Kind, Record, RecordRef};
use crate::site::SiteError;
use crate::site::markdown;
use crate::site::reach::{Effect, Related};
use serde::Serialize;

#[derive(Serialize)]
struct ChangePage<'a> {
    #[serde(flatten)]
    common: RecordHeader,
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

fn change_page<'a>(f: &'a Catalogue<'_>, r: &Record, c: &ChangeSpec) -> ChangePage<'a> {
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

/// Render the page of change `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    r: &Record,
    c: &ChangeSpec,
) -> Result<(), SiteError> {
    let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
    let title = r.metadata.display_name().to_string();
    let page = change_page(f, r, c);
    out.page(
        "site/change.html",
        path,
        "../",
        "calendar",
        format!("{}: {}", r.id(), title),
        &page,
    )
}
