//! Page view models: plain serialisable data for the templates, built from the records, and
//! the order the site is rendered in. Every href in a model is relative to the site's root; a
//! template puts `root` (`""` or `"../"`) in front, so the site works under any base path and
//! from disk.
//!
//! `catalogue.rs` gathers what every page needs once (`conflicts.rs` finds the open changes that
//! clash); `view.rs` holds the pieces models share, `summaries.rs` the one-line summaries list
//! pages show, `related.rs` what service and CI pages list about the graph. One file per page
//! family builds its pages (and renders them, but for service and CI pages, which `graph_pages`
//! renders side by side): `service.rs`, `ci.rs`, `sla.rs`, `team.rs`,
//! `change.rs`, `incident.rs` (with the incidents index), `problem.rs` (with the problems
//! index), `known_errors.rs` (the known-error database), `index.rs` (home and the CI index),
//! `calendar.rs` (with the iCalendar feed), `risks.rs`, `search.rs` (with its index).
//! `impact.rs` is what change and incident pages show of their impact. `frame.rs` puts a model in the frame every
//! template gets and hands the file to the sink; `render_all` below decides the order.

mod calendar;
mod catalogue;
mod change;
mod ci;
mod conflicts;
mod frame;
mod health;
mod impact;
mod incident;
mod index;
mod known_errors;
mod problem;
mod related;
mod risks;
mod search;
mod service;
mod sla;
mod summaries;
mod team;
mod view;

use super::{Sink, SiteError, SiteFile, SiteInput};
use crate::graph::Node;
use crate::model::{Kind, Record, Spec};
use crate::schedule;
use crate::templates::Templates;
use catalogue::Catalogue;
use frame::{Renderer, SiteInfo};
use rayon::prelude::*;
use related::SinglePoint;
use summaries::Summaries;

/// Which changes each change row says it conflicts with, as the site shows them.
#[cfg(test)]
pub(crate) fn conflicts_shown(
    input: &SiteInput<'_>,
) -> std::collections::HashMap<String, Vec<String>> {
    Catalogue::gather(input).conflicts
}

/// How much a record page lists before "and N more". A service page is what readers come
/// for; a CI page lists less, so that a catalogue of 50,000 CIs stays a quick build.
#[derive(Clone, Copy)]
struct ListCaps {
    rows: usize,
    upcoming: usize,
    past: usize,
}

const SERVICE_CAPS: ListCaps = ListCaps {
    rows: 100,
    upcoming: 30,
    past: 20,
};
const CI_CAPS: ListCaps = ListCaps {
    rows: 15,
    upcoming: 5,
    past: 5,
};
/// Rows of what a change takes down.
const ROW_CAP: usize = 100;
/// Past changes a record page lists.
const PAST_CAP: usize = 50;
/// Commits a record page lists.
pub(crate) const HISTORY_CAP: usize = 30;
/// Days of maintenance windows the calendar shows.
const WINDOW_DAYS: i64 = 28;

/// Render every page and asset.
pub(super) fn render_all(
    input: &SiteInput<'_>,
    t: &Templates,
    sink: &dyn Sink,
) -> Result<(), SiteError> {
    let f = Catalogue::gather(input);
    let site = SiteInfo::new(input);
    let out = Renderer {
        t,
        site: &site,
        sink,
    };
    // The change calendar is built alongside the service and CI pages: it is one sequential
    // walk per open change, which would otherwise leave a core idle.
    let policy = f.set.policy().map(|(_, p)| p);
    let (first, last) = calendar::feed_span(f.set, policy, f.now);
    // The figures of the last 90 days: each service page shows its availability.
    let recent = health::last_90_days(&f);
    let availability: std::collections::HashMap<&str, &crate::figures::ServiceFigures> = recent
        .services
        .iter()
        .map(|s| (s.reference.id.as_str(), s))
        .collect();
    let (feed, singles) = rayon::join(
        || schedule::build(f.set, policy, first, last),
        || graph_pages(&f, &out, &availability),
    );
    let singles = singles?;
    let lines = summaries::lines(&f);
    record_pages(&f, &lines, &out)?;
    let changes = calendar::split(&f);
    index::render_home(&f, &lines, &out, &changes.0)?;
    calendar::render(&f, &out, &feed, policy, changes)?;
    risks::render(&f, &lines, &out, singles)?;
    index::render_cis(&lines, &out)?;
    incident::render_index(&f, &out)?;
    problem::render_index(&f, &out)?;
    known_errors::render(&f, &out)?;
    health::render(&f, &recent, &out)?;
    search::render(&f, &lines, &out)?;
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

/// Service and CI pages, in parallel; each also says whether its record is a single point
/// of failure, which the risks page collects.
fn graph_pages(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    availability: &std::collections::HashMap<&str, &crate::figures::ServiceFigures>,
) -> Result<Vec<SinglePoint>, SiteError> {
    let node_records: Vec<(Node, &Record)> = (0..f.graph.len() as Node)
        .filter_map(|n| f.set.get(f.graph.reference(n)).map(|r| (n, r)))
        .collect();
    node_records
        .par_iter()
        .map(|&(n, r)| match &r.spec {
            Spec::Service(s) => {
                let (page, single) =
                    service::service_page(f, r, s, n, availability.get(r.id()).copied());
                node_page(f, out, r, n, ("site/service.html", "services"), &page).map(|()| single)
            }
            Spec::ConfigurationItem(c) => {
                let (page, single) = ci::ci_page(f, r, c, n);
                node_page(f, out, r, n, ("site/ci.html", "cis"), &page).map(|()| single)
            }
            _ => Err(SiteError::UnexpectedGraphNode { kind: r.kind() }),
        })
        .filter_map(Result::transpose)
        .collect()
}

/// Render the page of record `r`, graph node `n`, through `(template, nav section)`.
fn node_page<T: serde::Serialize>(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    r: &Record,
    n: Node,
    (template, nav): (&str, &'static str),
    page: &T,
) -> Result<(), SiteError> {
    let path = f.node_href(n).to_string();
    let title = r.metadata.display_name().to_string();
    out.page(template, path, "../", nav, title, page)
}

/// SLA, team, change, incident and problem pages, in parallel.
fn record_pages(f: &Catalogue<'_>, lines: &Summaries, out: &Renderer<'_>) -> Result<(), SiteError> {
    let records: Vec<&Record> = [
        Kind::Sla,
        Kind::Team,
        Kind::Change,
        Kind::Incident,
        Kind::Problem,
    ]
    .into_iter()
    .flat_map(|k| summaries::unique(f.set, k))
    .collect();
    records.par_iter().try_for_each(|&r| match &r.spec {
        Spec::Sla(s) => sla::render(f, lines, out, r, s),
        Spec::Team(t) => team::render(f, lines, out, r, t),
        Spec::Change(c) => change::render(f, out, r, c),
        Spec::Incident(i) => incident::render(f, out, r, i),
        Spec::Problem(p) => problem::render(f, out, r, p),
        _ => Err(SiteError::UnexpectedRecordKind { kind: r.kind() }),
    })
}

/// A small catalogue with its operations history, for the tests of the incident, problem
/// and known-error pages. `db` carries `app` (tier 2, office hours in London, P1 15m/4h) hard
/// and `web` (tier 1, around the clock, P1 30m/2h) softly, through `app`. The site is built
/// at 2026-11-22T09:00:00Z (a Sunday).
#[cfg(test)]
pub(super) fn operations() -> String {
    format!(
        "{}---\n{TEAM}---\n{INCIDENTS}",
        crate::sla_measure::tests::CATALOGUE
    )
}

#[cfg(test)]
const TEAM: &str = "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: t, name: Platform}\nspec: {members: [{github: octocat}]}\n";

#[cfg(test)]
const INCIDENTS: &str = "\
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-1, name: Database down}
spec:
  affects: [ci:db]
  impact: high
  urgency: high
  priority: P1
  detected: \"2026-11-03T10:00:00Z\"
  responded: \"2026-11-03T10:20:00Z\"
  resolved: \"2026-11-03T15:00:00Z\"
  status: closed
  problem: problem:PRB-1
  actions:
    - {title: Late, owner: team:t, due: 2026-11-01}
    - {title: Finished, owner: team:t, due: 2026-11-01, done: true}
    - {title: Due today, owner: t, due: 2026-11-22}
    - {title: Later, owner: team:t, due: 2026-12-01}
---
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-2, name: App slow}
spec:
  affects: [service:app]
  impact: high
  urgency: high
  priority: P1
  detected: \"2026-11-20T10:00:00Z\"
  responded: \"2026-11-20T10:05:00Z\"
  status: open
---
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-0, name: Long ago}
spec:
  affects: [ci:db]
  impact: low
  urgency: low
  priority: P4
  detected: \"2026-06-01T10:00:00Z\"
  resolved: \"2026-06-01T11:00:00Z\"
  status: closed
---
apiVersion: cabinet/v1
kind: Problem
metadata: {id: PRB-1, name: Pool exhaustion}
spec:
  status: known-error
  affects: [ci:db]
  incidents: [incident:INC-1]
  rootCause: Idle sessions.
  workaround: Restart **pgbouncer**.
---
apiVersion: cabinet/v1
kind: Problem
metadata: {id: PRB-2, name: Unknown}
spec: {status: investigating, affects: [ci:db]}
---
apiVersion: cabinet/v1
kind: Problem
metadata: {id: PRB-3, name: Web cache}
spec: {status: known-error, affects: [service:web], rootCause: Cache., workaround: Flush it.}
";
