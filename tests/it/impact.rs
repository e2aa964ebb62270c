//! `cabinet impact`: named records and pull requests, in every format.

use crate::util::*;

fn acme(args: &[&str]) -> Run {
    run_in(&examples().join("acme"), args)
}

fn refs(json: &serde_json::Value) -> Vec<String> {
    json["impacted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}={}",
                i["ref"].as_str().unwrap(),
                i["impact"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn json_has_the_fields_of_the_contract() {
    let run = acme(&["impact", "ci:pg-main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["changed"], serde_json::json!(["ci:pg-main"]));
    let pay = json["impacted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ref"] == "service:payments-api")
        .expect("payments-api is impacted");
    assert_eq!(pay["kind"], "Service");
    assert_eq!(pay["name"], "Payments API");
    assert_eq!(pay["tier"], 1);
    assert_eq!(pay["impact"], "full");
    assert_eq!(
        pay["via"],
        serde_json::json!(["ci:pg-main", "service:payments-api"])
    );
    assert_eq!(json["risk"]["level"], "critical");
    assert!(json["risk"]["score"].as_u64().unwrap() >= 6);
    let reasons: Vec<&str> = json["risk"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"tier-1 service payments-api goes down (+3)"),
        "{reasons:?}"
    );
}

#[test]
fn one_redundant_node_keeps_the_cluster_up() {
    let json = acme(&["impact", "ci:pg-node-1", "--format", "json"]).json();
    assert_eq!(refs(&json), vec!["ci:pg-node-1=full"]);
    assert_eq!(json["redundancy"][0]["group"], "pg-nodes");
    assert_eq!(json["redundancy"][0]["up"], 2);
    assert_eq!(json["redundancy"][0]["down"], false);
    assert_eq!(json["risk"]["level"], "low");
    let two = acme(&["impact", "ci:pg-node-1", "ci:pg-node-2", "--format", "json"]).json();
    assert!(refs(&two).contains(&"ci:pg-main=full".to_string()));
}

#[test]
fn a_change_record_stands_for_what_it_affects() {
    let json = acme(&["impact", "change:CHG-2026-0042", "--format", "json"]).json();
    assert_eq!(json["changed"], serde_json::json!(["ci:pg-main"]));
    assert_eq!(json["changes"][0]["id"], "CHG-2026-0042");
    assert_eq!(json["changes"][0]["declared"], "medium");
}

#[test]
fn unknown_records_and_missing_arguments_are_usage_errors() {
    let run = acme(&["impact", "ci:pg-mian"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `ci:pg-main`?"),
        "{}",
        run.stderr
    );
    assert_eq!(acme(&["impact"]).code, 2);
    assert_eq!(acme(&["impact", "pg-main"]).code, 2);
    assert_eq!(acme(&["impact", "team:cab"]).code, 2);
    assert_eq!(acme(&["impact", "ci:pg-main", "--base", "HEAD"]).code, 2);
}

#[test]
fn human_output_is_a_tree_from_the_change() {
    let run = acme(&["impact", "ci:pg-main"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("ci:pg-main  Main PostgreSQL cluster  [changed]\n├── service:checkout  Checkout  tier 1  [down]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("│   └── service:loyalty"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("risk: critical"), "{}", run.stdout);
}

#[test]
fn the_markdown_report_is_what_a_pull_request_comment_shows() {
    let now = crate::examples::EXAMPLES_NOW;
    let run = acme(&["impact", "ci:pg-main", "--format", "markdown", "--now", now]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The known error on pg-main is in play: its workaround is shown as written.
    assert!(
        run.stdout
            .contains("- open known error PRB-2026-0007 on ci:pg-main (+2)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Workaround:\n\n```text\nRestart the pgbouncer pods (`kubectl"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("acme_pg_main_markdown", run.stdout);
}

#[test]
fn a_repository_template_overrides_the_markdown() {
    let repo = TestRepo::example("acme");
    repo.write(
        "templates/impact.md",
        "{{ risk.level }}: {{ impacted | length }} impacted\n",
    );
    let run = repo.run(&["impact", "ci:pg-main", "--format", "markdown"]);
    assert_eq!(run.stdout, "critical: 11 impacted\n");
    repo.write("templates/impact.md", "{{ no_such_thing.x }}\n");
    let run = repo.run(&["impact", "ci:pg-main", "--format", "markdown"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("template `impact.md`"),
        "{}",
        run.stderr
    );
}

const CONFIG_AND_TEAM: &str = "apiVersion: cabinet/v1\nkind: Config\nmetadata: {id: t}\nspec: {}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: t}\nspec: {}\n---\napiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: p}\nspec: {cab: t}\n";

fn ci(id: &str, deps: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {id}}}\nspec: {{type: database, owner: t, environment: production, lifecycle: planned, dependsOn: [{deps}]}}\n"
    )
}

fn service(id: &str, tier: u8, deps: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: {id}}}\nspec: {{owner: t, tier: {tier}, lifecycle: planned, dependsOn: [{deps}]}}\n"
    )
}

/// db ← api ← shop, in a git repository with that as its first commit.
fn history() -> TestRepo {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", CONFIG_AND_TEAM);
    repo.write("cis/db.yaml", ci("db", ""));
    repo.write("services/api.yaml", service("api", 2, "ci:db"));
    repo.write("services/shop.yaml", service("shop", 1, "service:api"));
    repo.commit("base");
    repo
}

fn between(repo: &TestRepo, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "impact", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
    ];
    args.extend_from_slice(extra);
    let run = repo.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

#[test]
fn json_always_has_redundancy_even_when_no_group_has_an_impacted_member() {
    let mut repo = history();
    repo.write(
        "cis/nodes.yaml",
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: node-1}\nspec: {type: server, owner: t, environment: production, lifecycle: planned, redundancy: {group: nodes, minUp: 1}}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: node-2}\nspec: {type: server, owner: t, environment: production, lifecycle: planned, redundancy: {group: nodes, minUp: 1}}\n",
    );
    repo.write("cis/db.yaml", ci("db", "ci:node-1, ci:node-2"));
    repo.commit("db on a group of two");
    // Named records: the group is not touched.
    let run = repo.run(&["impact", "service:api", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let named = run.json();
    for field in ["redundancy", "changes", "records"] {
        assert_eq!(named[field], serde_json::json!([]), "{field}");
    }
    // A pull request, and the gate's report on it.
    repo.write("services/api.yaml", service("api", 1, "ci:db"));
    repo.commit("api is tier 1");
    assert_eq!(between(&repo, &[])["redundancy"], serde_json::json!([]));
    let check = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
    ]);
    assert_eq!(
        check.json()["impact"]["redundancy"],
        serde_json::json!([]),
        "{}",
        check.stdout
    );
    // And a group with a member down is listed.
    let run = repo.run(&["impact", "ci:node-1", "--format", "json"]);
    assert_eq!(run.json()["redundancy"][0]["healthy"], 1);
}

#[test]
fn a_degraded_group_is_reported_in_every_format() {
    // cache-1, the one member of its group, is degraded by the SAN: the group is degraded.
    let repo = history();
    repo.write(
        "cis/cache.yaml",
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: san}\nspec: {type: storage, owner: t, environment: production, lifecycle: planned}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: cache-1}\nspec: {type: server, owner: t, environment: production, lifecycle: planned, dependsOn: [{ref: ci:san, impact: partial}], redundancy: {group: cache, minUp: 1}}\n",
    );
    repo.write("cis/db.yaml", ci("db", "ci:cache-1"));
    let json = repo.run(&["impact", "ci:san", "--format", "json"]).json();
    assert_eq!(
        json["redundancy"],
        serde_json::json!([{"group": "cache", "up": 1, "healthy": 0, "members": 1, "minUp": 1,
            "down": false, "degraded": true}])
    );
    assert!(refs(&json).contains(&"service:shop=partial".to_string()));
    let human = repo.run(&["impact", "ci:san"]).stdout;
    assert!(
        human.contains(
            "redundancy group cache: 1 of 1 up, 0 healthy (minUp 1), below minUp healthy: degraded\n"
        ),
        "{human}"
    );
    let markdown = repo
        .run(&["impact", "ci:san", "--format", "markdown"])
        .stdout;
    assert!(
        markdown.contains("Redundancy group `cache`: 1 of 1 up, 0 healthy (minUp 1), **below minUp healthy: degraded**.\n"),
        "{markdown}"
    );
}

#[test]
fn a_change_record_that_affects_a_ci_impacts_what_depends_on_it() {
    let mut repo = history();
    repo.write(
        "changes/CHG-1.yaml",
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {id: CHG-1}\nspec: {type: normal, requester: octocat, reason: r, affects: [ci:db], window: {start: \"2026-12-01T22:00:00Z\", end: \"2026-12-01T23:00:00Z\"}, risk: low, plan: p, backout: b, verification: v, status: requested}\n",
    );
    repo.commit("CHG-1");
    let json = between(&repo, &[]);
    assert_eq!(json["records"][0]["ref"], "change:CHG-1");
    assert_eq!(json["records"][0]["status"], "added");
    assert_eq!(
        refs(&json),
        vec!["service:shop=full", "service:api=full", "ci:db=full"]
    );
    assert_eq!(
        json["impacted"][0]["via"],
        serde_json::json!(["ci:db", "service:api", "service:shop"])
    );
    assert_eq!(json["risk"]["score"], 5);
    assert_eq!(json["risk"]["level"], "high");
}

#[test]
fn moving_and_reformatting_a_record_changes_nothing() {
    let mut repo = history();
    repo.remove("cis/db.yaml");
    repo.write(
        "infra/databases.yaml",
        "# the database, reformatted\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata:\n  id: db\nspec:\n  lifecycle: planned\n  environment: production\n  owner: t\n  type: database\n",
    );
    repo.commit("move db");
    let json = between(&repo, &[]);
    assert_eq!(json["records"], serde_json::json!([]));
    assert_eq!(json["impacted"], serde_json::json!([]));
    assert_eq!(json["risk"]["level"], "low");
}

#[test]
fn a_removed_edge_still_shows_what_used_to_depend_on_it() {
    let mut repo = history();
    // The pull request edits db and, in the same breath, cuts api loose from it.
    repo.write("cis/db.yaml", ci("db", "").replace("database", "cluster"));
    repo.write("services/api.yaml", service("api", 2, ""));
    repo.commit("cut api loose");
    let json = between(&repo, &[]);
    let got = refs(&json);
    assert!(got.contains(&"service:shop=full".to_string()), "{got:?}");
    let fields: Vec<&str> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["fields"].as_array().into_iter().flatten())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["spec.dependsOn", "spec.type"]);
}

#[test]
fn a_renamed_record_is_removed_and_added() {
    let mut repo = history();
    repo.write("services/api.yaml", service("payments-api", 2, "ci:db"));
    repo.write(
        "services/shop.yaml",
        service("shop", 1, "service:payments-api"),
    );
    repo.commit("rename api");
    let json = between(&repo, &[]);
    let records: Vec<String> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["status"].as_str().unwrap(),
                r["ref"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        records,
        vec![
            "removed service:api",
            "added service:payments-api",
            "modified service:shop"
        ]
    );
}

#[test]
fn the_head_defaults_to_the_working_tree() {
    let repo = history();
    repo.write("services/api.yaml", service("api", 1, "ci:db"));
    let run = repo.run(&["impact", "--base", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["head"], serde_json::Value::Null);
    assert_eq!(json["records"][0]["fields"][0]["path"], "spec.tier");
    let human = repo.run(&["impact", "--base", "HEAD"]);
    assert!(
        human.stdout.contains("spec.tier: 2 → 1"),
        "{}",
        human.stdout
    );
}

#[test]
fn an_unknown_base_is_a_usage_error() {
    let repo = history();
    let run = repo.run(&["impact", "--base", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("revision `no-such-branch` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_incident_shows_what_it_took_down() {
    let run = acme(&["impact", "incident:INC-2026-0106", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["changed"], serde_json::json!(["ci:redis-sessions"]));
    assert_eq!(json["incidents"][0]["id"], "INC-2026-0106");
    assert_eq!(json["incidents"][0]["priority"], "P2");
    assert_eq!(json["incidents"][0]["status"], "closed");
    let impacted = refs(&json);
    assert!(
        impacted.contains(&"service:checkout=full".to_string()),
        "{impacted:?}"
    );
    assert!(
        impacted.contains(&"service:storefront=partial".to_string()),
        "{impacted:?}"
    );
    let human = acme(&["impact", "incident:INC-2026-0106"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human.stdout.starts_with(
            "incident INC-2026-0106  Customers signed out and baskets lost  P2 closed, 2026-11-15T21:41:00Z to 2026-11-15T22:10:00Z\n"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("ci:redis-sessions  Session and basket cache  [failed]\n"),
        "{}",
        human.stdout
    );
    // The risk scores a change; an incident's outage is history.
    assert!(!human.stdout.contains("risk:"), "{}", human.stdout);
    let typo = acme(&["impact", "incident:INC-2026-016"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .contains("did you mean `incident:INC-2026-0106`?"),
        "{}",
        typo.stderr
    );
}
