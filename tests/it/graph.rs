//! `cabinet graph`: DOT (rendered by Graphviz), Mermaid and JSON, and the `--focus` cut.

use crate::util::*;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

fn acme(args: &[&str]) -> Run {
    let mut all = vec!["graph"];
    all.extend_from_slice(args);
    let run = run_in(&examples().join("acme"), &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run
}

/// A small catalogue with every feature the writers draw: tiers, CI types, a soft edge, a
/// redundancy group, a planned service, a record outside every neighbourhood, and a name
/// that DOT and Mermaid must escape.
///
/// ```text
/// shop ──> pay ──> db ──> node-a ─┐ (group db-nodes)
///   ├ ~ > reco ──>┘  └──> node-b ─┴> net
///   └──> lb      report ~ > db       lonely
/// ```
fn fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "teams.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: web}\nspec:\n  members: [{github: dana}]\n",
    );
    repo.write(
        "sla.yaml",
        "apiVersion: cabinet/v1\nkind: SLA\nmetadata: {id: basic}\nspec:\n  type: sla\n  availability: 99.5\n  priorities:\n    P1: {response: 1h, resolution: 4h}\n",
    );
    let service = |id: &str, name: &str, tier: u8, lifecycle: &str, deps: &str| {
        format!(
            "apiVersion: cabinet/v1\nkind: Service\nmetadata:\n  id: {id}\n  name: {name}\nspec:\n  owner: web\n  tier: {tier}\n  lifecycle: {lifecycle}\n  sla: basic\n  dependsOn: {deps}\n"
        )
    };
    repo.write(
        "services/shop.yaml",
        service(
            "shop",
            r#"'Shop "Front" <web> #1 \N & more'"#,
            1,
            "live",
            "[service:pay, {ref: service:reco, impact: partial}, ci:lb]",
        ),
    );
    repo.write(
        "services/pay.yaml",
        service("pay", "Payments", 2, "live", "[ci:db]"),
    );
    repo.write(
        "services/reco.yaml",
        service("reco", "Recommendations", 3, "live", "[ci:db]"),
    );
    repo.write(
        "services/report.yaml",
        service(
            "report",
            "Reporting",
            4,
            "planned",
            "[{ref: ci:db, impact: partial}]",
        ),
    );
    let ci = |id: &str, ty: &str, extra: &str| {
        format!(
            "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {id}}}\nspec:\n  type: {ty}\n  owner: web\n  environment: production\n  lifecycle: live\n{extra}"
        )
    };
    let cis = [
        ci("lb", "loadbalancer", ""),
        ci("db", "database", "  dependsOn: [ci:node-a, ci:node-b]\n"),
        ci(
            "node-a",
            "server",
            "  dependsOn: [ci:net]\n  redundancy: {group: db-nodes, minUp: 1}\n",
        ),
        ci(
            "node-b",
            "server",
            "  dependsOn: [ci:net]\n  redundancy: {group: db-nodes, minUp: 1}\n",
        ),
        ci("net", "network", ""),
        ci("lonely", "other", ""),
    ];
    repo.write("cis.yaml", cis.join("---\n"));
    let run = repo.run(&["validate"]);
    assert_eq!(run.code, 0, "the fixture is valid:\n{}", run.stdout);
    repo
}

/// Whether `dot` can be run. In CI (`CI` set) it must be: `.ci/run` installs Graphviz, and a
/// test that skips there would prove nothing. Elsewhere a missing `dot` skips the rendering.
fn graphviz() -> bool {
    let found = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not on PATH but CI is set: install the Debian package `graphviz` \
             (.ci/run does this with apt-get when `dot` is missing)"
        );
        note_skip("Graphviz `dot` is not installed; the DOT output is not rendered");
    }
    found
}

/// Render DOT with Graphviz and fail with its complaint if it refuses.
fn render(dot: &str) {
    if !graphviz() {
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(dot.as_bytes())
        .expect("write to dot");
    let out = child.wait_with_output().expect("dot ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "dot refused the graph:\n{stderr}\n{dot}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}

/// The `ref`s of the nodes of a JSON graph.
fn node_refs(json: &serde_json::Value) -> BTreeSet<String> {
    json["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["ref"].as_str().expect("ref").to_string())
        .collect()
}

fn set(refs: &[&str]) -> BTreeSet<String> {
    refs.iter().map(|r| r.to_string()).collect()
}

#[test]
fn dot_is_the_default_and_graphviz_renders_it() {
    let dot = acme(&[]).stdout;
    assert_eq!(dot, acme(&["--format", "dot"]).stdout);
    assert!(
        dot.starts_with("// The dependency graph") && dot.contains("\ndigraph \"cabinet\" {\n"),
        "{dot}"
    );
    assert!(dot.contains("Edges point from the dependent to what it depends on"));
    for line in [
        "  subgraph \"cluster_pg-nodes\" {",
        "    label=\"group pg-nodes (minUp 2)\";",
        "    \"ci:pg-node-1\" [label=\"PostgreSQL node 1\\nci · server\", shape=ellipse, fillcolor=\"#a9dfbf\"];",
        "  \"service:payments-api\" [label=\"Payments API\\nservice · tier 1\", shape=box, fillcolor=\"#f5b7b1\"];",
        "  \"service:checkout\" -> \"ci:pg-main\";",
        "  \"ci:pg-dr\" -> \"ci:pg-main\" [style=dashed, label=\"partial\"];",
    ] {
        assert!(dot.lines().any(|l| l == line), "no line {line:?} in\n{dot}");
    }
    assert!(!dot.contains("penwidth"), "no focus, no highlight");
    render(&dot);
}

#[test]
fn dot_of_the_fixture_escapes_names_and_highlights_the_focus() {
    let repo = fixture();
    let run = repo.run(&["graph"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains(r#"[label="Shop \"Front\" <web> #1 \\N & more\nservice · tier 1""#),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("fixture_dot", run.stdout);
    render(&run.stdout);
    let focused = repo.run(&["graph", "--focus", "ci:db", "--depth", "1"]);
    assert_eq!(focused.code, 0, "{}", focused.stderr);
    let db = focused
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("\"ci:db\" ["))
        .expect("the focus is drawn");
    assert!(db.contains("penwidth=3"), "{db}");
    assert_eq!(focused.stdout.matches("penwidth").count(), 1);
    render(&focused.stdout);
}

/// The lines of a Mermaid flowchart that are neither comments nor blank.
fn statements(mermaid: &str) -> Vec<&str> {
    mermaid
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("%%"))
        .collect()
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
fn mermaid_is_a_flowchart_with_safe_ids_and_dotted_soft_edges() {
    let mermaid = acme(&["--format", "mermaid"]).stdout;
    let lines = statements(&mermaid);
    assert_eq!(lines[0], "flowchart LR");
    assert!(lines.contains(&"subgraph group_pg_nodes[\"group pg-nodes (minUp 2)\"]"));
    assert!(lines.contains(&"ci_pg_main([\"Main PostgreSQL cluster<br/>ci · database\"])"));
    assert!(lines.contains(&"service_checkout --> ci_pg_main"));
    assert!(lines.contains(&"ci_pg_dr -.->|partial| ci_pg_main"));
    let mut declared = BTreeSet::new();
    let mut opened = 0;
    for line in &lines[1..] {
        let words: Vec<&str> = line.split(' ').collect();
        match words[0] {
            "subgraph" => opened += 1,
            "end" => opened -= 1,
            "classDef" | "style" => {}
            "class" => assert!(
                words[1].split(',').all(|id| declared.contains(id)),
                "{line}"
            ),
            _ if words.len() > 1 && words[1].starts_with('-') => {
                assert_eq!(words.len(), 3, "{line}");
                assert!(["-->", "-.->|partial|"].contains(&words[1]), "{line}");
                assert!(
                    declared.contains(words[0]) && declared.contains(words[2]),
                    "{line}"
                );
            }
            _ => {
                let id = &line[..line.find(['[', '(']).expect("a shape")];
                assert!(is_id(id), "{line}");
                assert!(declared.insert(id.to_string()), "{id} declared twice");
                let label = &line[id.len()..];
                let inner = label
                    .trim_start_matches(['[', '('])
                    .trim_end_matches([']', ')']);
                assert!(inner.starts_with('"') && inner.ends_with('"'), "{line}");
                assert!(!inner[1..inner.len() - 1].contains('"'), "{line}");
            }
        }
    }
    assert_eq!(opened, 0, "every subgraph ends");
    assert_eq!(declared.len(), 48, "11 services and 37 CIs");
}

#[test]
fn mermaid_of_the_fixture_escapes_names_and_highlights_the_focus() {
    let repo = fixture();
    let run = repo.run(&["graph", "--format", "mermaid"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            r#"service_shop["Shop #quot;Front#quot; #lt;web#gt; #35;1 \N #amp; more<br/>service · tier 1"]"#
        ),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("fixture_mermaid", run.stdout);
    let focused = repo.run(&[
        "graph", "--format", "mermaid", "--focus", "ci:db", "--depth", "1",
    ]);
    assert!(
        focused
            .stdout
            .ends_with("    style ci_db stroke:#c0392b,stroke-width:4px\n"),
        "{}",
        focused.stdout
    );
}

#[test]
fn json_has_nodes_edges_and_groups_with_their_attributes() {
    let json = acme(&["--format", "json"]).json();
    let nodes = json["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 48);
    for n in nodes {
        for field in [
            "ref",
            "kind",
            "name",
            "tier",
            "owner",
            "sla",
            "lifecycle",
            "type",
            "group",
        ] {
            assert!(n.get(field).is_some(), "node lacks `{field}`: {n}");
        }
    }
    let by_ref = |r: &str| nodes.iter().find(|n| n["ref"] == r).unwrap().clone();
    assert_eq!(
        by_ref("service:payments-api"),
        serde_json::json!({"ref": "service:payments-api", "kind": "Service", "name": "Payments API",
            "tier": 1, "owner": "payments", "sla": "gold", "lifecycle": "live", "type": null,
            "group": null})
    );
    assert_eq!(
        by_ref("ci:pg-node-2"),
        serde_json::json!({"ref": "ci:pg-node-2", "kind": "ConfigurationItem",
            "name": "PostgreSQL node 2", "tier": null, "owner": "platform", "sla": null,
            "lifecycle": "live", "type": "server", "group": "pg-nodes"})
    );
    let edges = json["edges"].as_array().unwrap();
    assert!(edges.contains(
        &serde_json::json!({"from": "ci:pg-dr", "to": "ci:pg-main", "impact": "partial"})
    ));
    assert!(edges.contains(
        &serde_json::json!({"from": "service:checkout", "to": "ci:pg-main", "impact": "full"})
    ));
    let refs = node_refs(&json);
    for e in edges {
        assert!(
            refs.contains(e["from"].as_str().unwrap()) && refs.contains(e["to"].as_str().unwrap())
        );
    }
    assert_eq!(
        json["groups"],
        serde_json::json!([{"name": "pg-nodes", "minUp": 2,
            "members": ["ci:pg-node-1", "ci:pg-node-2", "ci:pg-node-3"]}])
    );
    assert_eq!(json["focus"], serde_json::Value::Null);
    assert_eq!(json["depth"], serde_json::Value::Null);
}

#[test]
fn focus_on_the_main_database_one_step_each_way() {
    let json = acme(&["--format", "json", "--focus", "ci:pg-main", "--depth", "1"]).json();
    assert_eq!(
        node_refs(&json),
        set(&[
            "ci:pg-dr",
            "ci:pg-main",
            "ci:pg-node-1",
            "ci:pg-node-2",
            "ci:pg-node-3",
            "service:checkout",
            "service:customer-accounts",
            "service:order-fulfilment",
            "service:payments-api",
            "service:product-catalogue",
        ])
    );
    assert_eq!(json["focus"], "ci:pg-main");
    assert_eq!(json["depth"], 1);
    // Edges between drawn records only, including those between two neighbours.
    let edges = json["edges"].as_array().unwrap();
    assert!(edges.contains(&serde_json::json!({"from": "service:checkout", "to": "service:payments-api", "impact": "full"})));
    assert!(
        edges
            .iter()
            .all(|e| !e["to"].as_str().unwrap().starts_with("ci:net"))
    );
}

#[test]
fn focus_and_depth_cut_exactly_the_neighbourhood() {
    let repo = fixture();
    let cases: [(&str, Option<&str>, &[&str]); 8] = [
        ("ci:db", Some("0"), &["ci:db"]),
        (
            "ci:db",
            Some("1"),
            &[
                "ci:db",
                "ci:node-a",
                "ci:node-b",
                "service:pay",
                "service:reco",
                "service:report",
            ],
        ),
        // Not reco: it shares db with pay, but neither needs the other.
        (
            "service:pay",
            Some("1"),
            &["ci:db", "service:pay", "service:shop"],
        ),
        (
            "service:pay",
            Some("2"),
            &[
                "ci:db",
                "ci:node-a",
                "ci:node-b",
                "service:pay",
                "service:shop",
            ],
        ),
        // A group comes whole, even at depth 0, but is not walked from.
        ("ci:node-a", Some("0"), &["ci:node-a", "ci:node-b"]),
        (
            "ci:node-a",
            Some("1"),
            &["ci:db", "ci:net", "ci:node-a", "ci:node-b"],
        ),
        (
            "ci:node-a",
            None,
            &[
                "ci:db",
                "ci:net",
                "ci:node-a",
                "ci:node-b",
                "service:pay",
                "service:reco",
                "service:report",
                "service:shop",
            ],
        ),
        ("ci:lonely", None, &["ci:lonely"]),
    ];
    for (focus, depth, want) in cases {
        let mut args = vec!["graph", "--format", "json", "--focus", focus];
        if let Some(d) = depth {
            args.extend(["--depth", d]);
        }
        let run = repo.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let json = run.json();
        assert_eq!(node_refs(&json), set(want), "{args:?}");
        let groups: Vec<&str> = json["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap())
            .collect();
        let grouped = want.contains(&"ci:node-a");
        assert_eq!(
            groups,
            if grouped { vec!["db-nodes"] } else { vec![] },
            "{args:?}"
        );
    }
}

#[test]
fn rev_draws_a_committed_revision() {
    let mut repo = fixture();
    let committed = repo.commit("catalogue");
    let then: Vec<String> = ["dot", "mermaid", "json"]
        .iter()
        .map(|f| repo.run(&["graph", "--format", f]).stdout)
        .collect();
    // The working tree moves on: a new CI that db depends on, and lonely is gone.
    repo.write(
        "cis-new.yaml",
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: backup}\nspec: {type: storage, owner: web, environment: production, lifecycle: live}\n",
    );
    let cis = std::fs::read_to_string(repo.path().join("cis.yaml")).unwrap();
    let cis = cis.replace(
        "[ci:node-a, ci:node-b]",
        "[ci:node-a, ci:node-b, ci:backup]",
    );
    let cis = &cis[..cis.rfind("---\n").unwrap()];
    repo.write("cis.yaml", cis);
    let now = repo.run(&["graph", "--format", "json"]).json();
    assert!(node_refs(&now).contains("ci:backup") && !node_refs(&now).contains("ci:lonely"));
    for (format, then) in ["dot", "mermaid", "json"].iter().zip(&then) {
        for rev in ["HEAD", committed.as_str()] {
            let run = repo.run(&["graph", "--format", format, "--rev", rev]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert_eq!(&run.stdout, then, "{format} at {rev}");
        }
    }
    let focused = repo.run(&[
        "graph",
        "--format",
        "json",
        "--rev",
        "HEAD",
        "--focus",
        "ci:lonely",
    ]);
    assert_eq!(focused.code, 0, "{}", focused.stderr);
    assert_eq!(node_refs(&focused.json()), set(&["ci:lonely"]));
    let missing = repo.run(&["graph", "--rev", "no-such-branch"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let repo = fixture();
    // The same records in other files and another order draw the same graph.
    let shuffled = fixture();
    let cis = std::fs::read_to_string(shuffled.path().join("cis.yaml")).unwrap();
    let mut docs: Vec<&str> = cis.split("---\n").collect();
    docs.reverse();
    shuffled.remove("cis.yaml");
    for (i, doc) in docs.iter().enumerate() {
        shuffled.write(&format!("z/{i}.yaml"), doc);
    }
    for format in ["dot", "mermaid", "json"] {
        for args in [
            vec!["graph", "--format", format],
            vec![
                "graph", "--format", format, "--focus", "ci:db", "--depth", "1",
            ],
        ] {
            let first = repo.run(&args);
            assert_eq!(first.code, 0, "{}", first.stderr);
            assert_eq!(first.stdout, repo.run(&args).stdout, "{args:?}");
            assert_eq!(first.stdout, shuffled.run(&args).stdout, "{args:?}");
        }
    }
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    let repo = fixture();
    let cases: [(&[&str], &str); 7] = [
        (&["graph", "--depth", "1"], "--focus"),
        (&["graph", "--focus", "ci:dbb"], "did you mean `ci:db`?"),
        (
            &["graph", "--focus", "service:shopp", "--depth", "2"],
            "did you mean `service:shop`?",
        ),
        (&["graph", "--focus", "db"], "is not a reference"),
        (
            &["graph", "--focus", "team:web"],
            "`team:web` is not a service or CI",
        ),
        (&["graph", "--focus", "ci:db", "--depth", "-1"], "'-1'"),
        (&["graph", "--format", "svg"], "no format `svg`"),
    ];
    for (args, message) in cases {
        let run = repo.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn the_readme_shows_real_mermaid_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command =
        "$ cabinet -C examples/acme graph --focus ci:pg-main --depth 1 --format mermaid\n";
    let after = &readme[readme.find(command).expect("README shows the command")..];
    let start = after.find("```mermaid\n").expect("a mermaid block") + "```mermaid\n".len();
    let shown = &after[start..start + after[start..].find("```").unwrap()];
    let run = acme(&[
        "--focus",
        "ci:pg-main",
        "--depth",
        "1",
        "--format",
        "mermaid",
    ]);
    assert_eq!(
        shown,
        run.stdout,
        "README is stale for `{}`",
        command.trim()
    );
}
