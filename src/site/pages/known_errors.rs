//! The known-error database: every problem at `known-error`, grouped by the CIs it names and
//! by the services it names or would take down or degrade (the impact of what it names, as
//! service and CI pages list it), each with its workaround.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::view::{KnownErrorEntry, LinkTo};
use crate::graph::Node;
use crate::model::Kind;
use crate::site::SiteError;
use crate::site::paths;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct KnownErrorsPage {
    count: usize,
    by_ci: Vec<KnownErrorGroup>,
    by_service: Vec<KnownErrorGroup>,
}

#[derive(Serialize)]
struct KnownErrorGroup {
    record: LinkTo,
    /// The anchor of the group.
    id: String,
    tier: Option<u8>,
    errors: Vec<KnownErrorEntry>,
}

fn group(f: &Catalogue<'_>, n: Node, errors: Vec<KnownErrorEntry>) -> KnownErrorGroup {
    let r = f.graph.reference(n);
    KnownErrorGroup {
        record: f.node_link(n),
        id: format!("{}-{}", r.kind.ref_prefix(), paths::stem(&r.id)),
        tier: f.node_facts[n as usize].tier,
        errors,
    }
}

pub(super) fn known_errors_page(f: &Catalogue<'_>) -> KnownErrorsPage {
    let mut by_ci = Vec::new();
    let mut by_service = Vec::new();
    for n in 0..f.graph.len() as Node {
        let mut errors = f.known_errors_for(n);
        if f.node_facts[n as usize].kind == Kind::Service {
            if !errors.is_empty() {
                by_service.push(group(f, n, errors));
            }
        } else {
            // A CI is listed under the known errors that name it; those that would reach it
            // through what it needs are on its own page.
            errors.retain(|e| e.effect == "affected");
            if !errors.is_empty() {
                by_ci.push(group(f, n, errors));
            }
        }
    }
    let name = |g: &KnownErrorGroup| (g.record.name.to_lowercase(), g.record.reference.clone());
    by_ci.sort_by_key(name);
    by_service.sort_by_key(|g| (g.tier.unwrap_or(9), name(g)));
    KnownErrorsPage {
        count: f.known_errors.len(),
        by_ci,
        by_service,
    }
}

/// Render the known-error database.
pub(super) fn render(f: &Catalogue<'_>, out: &Renderer<'_>) -> Result<(), SiteError> {
    out.page(
        "site/known-errors.html",
        "known-errors.html".into(),
        "",
        "known-errors",
        "Known errors".into(),
        &known_errors_page(f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::pages::operations;
    use crate::site::tests::with_site;

    /// `record: problem (effect) workaround` per entry of each grouping.
    fn groups(groups: &[KnownErrorGroup]) -> Vec<String> {
        groups
            .iter()
            .flat_map(|g| {
                g.errors.iter().map(|e| {
                    format!(
                        "{}: {} ({}) {}",
                        g.record.reference,
                        e.problem.reference,
                        e.effect,
                        e.workaround.as_deref().unwrap_or("-").trim()
                    )
                })
            })
            .collect()
    }

    #[test]
    fn known_errors_are_grouped_by_the_cis_they_name_and_the_services_they_reach() {
        let page = with_site(&operations(), |input, _| {
            known_errors_page(&Catalogue::gather(input))
        });
        // PRB-2 is under investigation: not a known error.
        assert_eq!(page.count, 2);
        assert_eq!(
            groups(&page.by_ci),
            ["ci:db: problem:PRB-1 (affected) <p>Restart <strong>pgbouncer</strong>.</p>"]
        );
        // Tier 1 first; `web` is degraded by PRB-1 through `app`, and named by PRB-3.
        assert_eq!(
            groups(&page.by_service),
            [
                "service:web: problem:PRB-1 (partial) <p>Restart <strong>pgbouncer</strong>.</p>",
                "service:web: problem:PRB-3 (affected) <p>Flush it.</p>",
                "service:app: problem:PRB-1 (full) <p>Restart <strong>pgbouncer</strong>.</p>",
            ]
        );
        assert_eq!(page.by_service[0].id, "service-web");
    }
}
