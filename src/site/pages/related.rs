//! What service and CI pages share: what the record needs and what needs it (capped, with
//! how many more), the diagram, the changes that touch it, its recent incidents and the open
//! known errors on it or on what it needs. The walk also says whether the
//! record is a single point of failure for a tier-1 service, which the risks page collects.

use super::ListCaps;
use super::catalogue::Catalogue;
use super::view::{ChangeRow, IncidentLine, KnownErrorEntry, Row};
use crate::graph::Node;
use crate::site::reach;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct RelatedLists<'a> {
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
    incidents: Vec<IncidentLine>,
    incidents_more: usize,
    recent_days: u32,
    known_errors: Vec<KnownErrorEntry>,
}

/// What the risks page needs from a node's page.
pub(super) struct SinglePoint {
    pub(super) node: Node,
    pub(super) tier1_down: Vec<Node>,
    pub(super) services_down: usize,
}

/// The lists of node `n`'s page, as many rows as `caps` allow.
pub(super) fn related_lists<'a>(
    f: &'a Catalogue<'_>,
    n: Node,
    caps: ListCaps,
) -> (RelatedLists<'a>, Option<SinglePoint>) {
    let (needs, needs_total) = reach::dependencies(&f.graph, &f.node_facts, n, caps.rows);
    // Nothing depends on most records at the top of a catalogue: no walk needed.
    let needed_by = if f.graph.dependents_of(n).is_empty() {
        reach::Dependents::default()
    } else {
        reach::dependents(&f.graph, &f.node_facts, n, caps.rows)
    };
    let changes = f.changes_for(n, caps);
    let (incidents, incidents_more) = f.recent_incidents(n, caps.past);
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
        incidents,
        incidents_more,
        recent_days: f.recent_days,
        known_errors: f.known_errors_for(n),
    };
    (lists, single)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, RecordRef};
    use crate::site::pages::{SERVICE_CAPS, operations};
    use crate::site::tests::with_site;

    /// `(incident (effect), known error (effect))` on the page of `id`.
    fn lists(yaml: &str, kind: Kind, id: &str) -> (Vec<String>, Vec<String>) {
        with_site(yaml, |input, _| {
            let f = Catalogue::gather(input);
            let n = f.graph.node(&RecordRef::new(kind, id)).unwrap();
            let (l, _) = related_lists(&f, n, SERVICE_CAPS);
            (
                l.incidents
                    .iter()
                    .map(|i| format!("{} ({})", i.id, i.effect))
                    .collect(),
                l.known_errors
                    .iter()
                    .map(|e| format!("{} ({})", e.problem.reference, e.effect))
                    .collect(),
            )
        })
    }

    #[test]
    fn a_page_lists_the_recent_incidents_that_reached_it_and_its_open_known_errors() {
        // INC-0 is older than 90 days; INC-1 took `app` down through `db`; INC-2 named it.
        let (incidents, known) = lists(&operations(), Kind::Service, "app");
        assert_eq!(incidents, ["INC-2 (affected)", "INC-1 (full)"]);
        assert_eq!(known, ["problem:PRB-1 (full)"]);
        let (incidents, known) = lists(&operations(), Kind::ConfigurationItem, "db");
        assert_eq!(incidents, ["INC-1 (affected)"]);
        assert_eq!(known, ["problem:PRB-1 (affected)"]);
    }

    #[test]
    fn the_policy_says_how_far_back_recent_goes() {
        let yaml = format!(
            "{}---\napiVersion: cabinet/v1\nkind: Policy\nmetadata: {{id: p}}\nspec: {{cab: t, risk: {{recentIncidentDays: 7}}}}\n",
            operations()
        );
        let (incidents, _) = lists(&yaml, Kind::Service, "app");
        assert_eq!(incidents, ["INC-2 (affected)"]);
    }
}
