//! Search: the page, and the index it searches (every record's kind, id, name, page and a
//! line of detail, and the known-error database), written as JSON for fetch() and as a script for file:// (where browsers
//! refuse fetch()).

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::summaries::{Summaries, unique};
use crate::model::{Kind, Spec};
use crate::site::{SiteError, SiteFile};
use serde::Serialize;

#[derive(Serialize)]
struct SearchIndex {
    /// `[kind, id, name, href, detail]` per record.
    items: Vec<[String; 5]>,
}

fn search_index(f: &Catalogue<'_>, lines: &Summaries) -> SearchIndex {
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
    for r in &f.incidents {
        if let Some(l) = f.incident_line(r, "") {
            items.push([
                "incident".into(),
                format!("incident:{}", l.id),
                l.name,
                l.href,
                format!(
                    "{} · {} · {}",
                    l.priority,
                    l.status,
                    l.detected.iso.get(..10).unwrap_or_default()
                ),
            ]);
        }
    }
    for r in unique(f.set, Kind::Problem) {
        if let Spec::Problem(p) = &r.spec {
            items.push([
                "problem".into(),
                r.reference().to_string(),
                r.metadata.display_name().to_string(),
                f.page_of(Kind::Problem, r.id()).unwrap_or_default(),
                p.status.as_str().to_string(),
            ]);
        }
    }
    items.push([
        "page".into(),
        "known-errors".into(),
        "Known-error database".into(),
        "known-errors.html".into(),
        format!(
            "{} known error{} with their workarounds, by CI and service",
            f.known_errors.len(),
            if f.known_errors.len() == 1 { "" } else { "s" }
        ),
    ]);
    items.push([
        "page".into(),
        "health".into(),
        "Service health".into(),
        "health.html".into(),
        "Changes, failure rate, incidents, time to restore and tier-1 availability, by month"
            .into(),
    ]);
    SearchIndex { items }
}

/// Render the search page and write the index beside it.
pub(super) fn render(
    f: &Catalogue<'_>,
    lines: &Summaries,
    out: &Renderer<'_>,
) -> Result<(), SiteError> {
    out.page(
        "site/search.html",
        "search.html".into(),
        "",
        "search",
        "Search".into(),
        &(),
    )?;
    let index = search_index(f, lines);
    // `<`, `>` and `&` only occur inside strings: escaped, the index cannot end a script
    // element or smuggle markup into a page that forgets to use textContent.
    let json = serde_json::to_string(&index)
        .unwrap_or_else(|_| "{}".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    out.sink.put(SiteFile {
        path: "assets/search-index.js".into(),
        bytes: format!("window.cabinetSearchIndex = {json};\n").into_bytes(),
    })?;
    out.sink.put(SiteFile {
        path: "search.json".into(),
        bytes: json.into_bytes(),
    })
}
