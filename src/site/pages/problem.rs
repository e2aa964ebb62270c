//! Problem pages: status, what the cause lives in, the incidents it caused, root cause,
//! workaround and fix; and the problems index.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::summaries::unique;
use super::view::{LinkTo, RecordHeader};
use crate::model::{Kind, ProblemSpec, Record, Spec};
use crate::site::SiteError;
use crate::site::markdown;
use serde::Serialize;

#[derive(Serialize)]
struct ProblemPage {
    #[serde(flatten)]
    common: RecordHeader,
    status: &'static str,
    affects: Vec<LinkTo>,
    incidents: Vec<LinkTo>,
    root_cause: Option<String>,
    workaround: Option<String>,
    fix: Option<LinkTo>,
}

fn problem_page(f: &Catalogue<'_>, r: &Record, p: &ProblemSpec) -> ProblemPage {
    ProblemPage {
        common: f.common(r),
        status: p.status.as_str(),
        affects: p.affects.iter().map(|a| f.link_ref(a)).collect(),
        incidents: p.incidents.iter().map(|i| f.link_ref(i)).collect(),
        root_cause: p.root_cause.as_deref().map(markdown::render),
        workaround: p.workaround.as_deref().map(markdown::render),
        fix: p.fix.as_deref().map(|c| f.link_ref(c)),
    }
}

/// Render the page of problem `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    r: &Record,
    p: &ProblemSpec,
) -> Result<(), SiteError> {
    out.record_page(
        f,
        r,
        ("site/problem.html", "problems"),
        &problem_page(f, r, p),
    )
}

#[derive(Serialize)]
struct ProblemLine {
    problem: LinkTo,
    id: String,
    status: &'static str,
    affects: Vec<LinkTo>,
    incidents: usize,
}

#[derive(Serialize)]
struct ProblemsIndex {
    problems: Vec<ProblemLine>,
    known_errors: usize,
}

/// Every problem, the unresolved first (by status, from `new`), then by id.
fn problems_index(f: &Catalogue<'_>) -> ProblemsIndex {
    let mut problems: Vec<(crate::model::ProblemStatus, ProblemLine)> =
        unique(f.set, Kind::Problem)
            .filter_map(|r| match &r.spec {
                Spec::Problem(p) => Some((
                    p.status,
                    ProblemLine {
                        problem: f.link(Kind::Problem, r.id()),
                        id: r.id().to_string(),
                        status: p.status.as_str(),
                        affects: p.affects.iter().map(|a| f.link_ref(a)).collect(),
                        incidents: p.incidents.len(),
                    },
                )),
                _ => None,
            })
            .collect();
    problems.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    ProblemsIndex {
        problems: problems.into_iter().map(|(_, l)| l).collect(),
        known_errors: f.known_errors.len(),
    }
}

/// Render the problems index.
pub(super) fn render_index(f: &Catalogue<'_>, out: &Renderer<'_>) -> Result<(), SiteError> {
    out.page(
        "site/problems.html",
        "problems.html".into(),
        "",
        "problems",
        "Problems".into(),
        &problems_index(f),
    )
}
