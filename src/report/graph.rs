//! The dependency graph drawn: Graphviz DOT, Mermaid and JSON. The writers render a
//! `GraphView` (the records to draw, already cut by `--focus`/`--depth`) and choose nothing
//! but colours and shapes.
//!
//! Edges point from the dependent to what it depends on, as in `dependsOn`; an outage travels
//! against them. Every string that reaches DOT or Mermaid is escaped, since names are free
//! text from a pull request.

use crate::model::{CiType, Impact, Kind, Lifecycle, RecordRef};
use serde::Serialize;
use std::collections::HashSet;
use std::io::{self, Write};

/// The records to draw and the edges between them, sorted by reference.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct GraphView {
    pub nodes: Vec<GraphNode>,
    /// By dependent (in node order), then in `dependsOn` order.
    pub edges: Vec<GraphEdge>,
    /// Redundancy groups with a member in `nodes`, by name; `members` lists those drawn.
    pub groups: Vec<GraphGroup>,
    /// The record the view is cut around (`--focus`).
    pub focus: Option<RecordRef>,
    /// How many steps the cut follows each way (`--depth`; `None`: no limit).
    pub depth: Option<u32>,
}

/// A service or CI. Fields that do not apply to the kind are `null` in JSON, never missing.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct GraphNode {
    #[serde(rename = "ref")]
    pub reference: RecordRef,
    pub kind: Kind,
    pub name: String,
    /// Services only.
    pub tier: Option<u8>,
    /// The owning team's id.
    pub owner: String,
    /// Services only: the SLA's id.
    pub sla: Option<String>,
    pub lifecycle: Lifecycle,
    /// CIs only.
    #[serde(rename = "type")]
    pub ci_type: Option<CiType>,
    /// The redundancy group, for a CI in one.
    pub group: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct GraphEdge {
    /// The dependent.
    pub from: RecordRef,
    /// What it depends on.
    pub to: RecordRef,
    pub impact: Impact,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GraphGroup {
    pub name: String,
    pub min_up: u32,
    pub members: Vec<RecordRef>,
}

impl GraphView {
    fn is_focus(&self, r: &RecordRef) -> bool {
        self.focus.as_ref() == Some(r)
    }

    /// Nodes outside any drawn group, then each group with its members, so that writers
    /// can declare every node once, inside its cluster.
    fn layout(&self) -> (Vec<&GraphNode>, Vec<(&GraphGroup, Vec<&GraphNode>)>) {
        let loose = self.nodes.iter().filter(|n| n.group.is_none()).collect();
        let groups = self
            .groups
            .iter()
            .map(|g| {
                let members = self
                    .nodes
                    .iter()
                    .filter(|n| n.group.as_deref() == Some(g.name.as_str()))
                    .collect();
                (g, members)
            })
            .collect();
        (loose, groups)
    }
}

pub(crate) fn json(out: &mut dyn Write, view: &GraphView) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, view)?;
    writeln!(out)
}

/// The second line of a label: `service · tier 1`, `ci · database`, and the lifecycle
/// when the record is not live.
fn caption(n: &GraphNode) -> String {
    let mut s = match (n.tier, n.ci_type) {
        (Some(tier), _) => format!("service · tier {tier}"),
        (None, Some(t)) => format!("ci · {}", ci_type_name(t)),
        (None, None) => n.kind.ref_prefix().to_string(),
    };
    if n.lifecycle != Lifecycle::Live {
        s.push_str(" · ");
        s.push_str(lifecycle_name(n.lifecycle));
    }
    s
}

fn ci_type_name(t: CiType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn lifecycle_name(l: Lifecycle) -> &'static str {
    match l {
        Lifecycle::Planned => "planned",
        Lifecycle::Live => "live",
        Lifecycle::Deprecated => "deprecated",
        Lifecycle::Retired => "retired",
    }
}

/// Fill colours: services by tier (red is most critical), CIs by the family of their type.
fn fill(n: &GraphNode) -> &'static str {
    match (n.tier, n.ci_type) {
        (Some(1), _) => "#f5b7b1",
        (Some(2), _) => "#fad7a0",
        (Some(3), _) => "#f9e79f",
        (Some(_), _) => "#d5dbdb",
        (None, Some(t)) => family(t).1,
        (None, None) => "#ffffff",
    }
}

/// The Mermaid class of a node (`tier1`, `data` ...), named after what `fill` keys on.
fn class(n: &GraphNode) -> &'static str {
    match (n.tier, n.ci_type) {
        (Some(1), _) => "tier1",
        (Some(2), _) => "tier2",
        (Some(3), _) => "tier3",
        (Some(_), _) => "tier4",
        (None, Some(t)) => family(t).0,
        (None, None) => "other",
    }
}

/// CI types in four families, each with a colour.
fn family(t: CiType) -> (&'static str, &'static str) {
    match t {
        CiType::Database | CiType::Queue | CiType::Storage => ("data", "#aed6f1"),
        CiType::Server | CiType::Vm | CiType::Container | CiType::Cluster => ("compute", "#a9dfbf"),
        CiType::Network | CiType::Loadbalancer | CiType::Dns | CiType::Certificate => {
            ("network", "#d7bde2")
        }
        CiType::Application | CiType::Saas | CiType::Other => ("software", "#e5e8e8"),
    }
}

const CLASSES: [(&str, &str); 8] = [
    ("tier1", "#f5b7b1"),
    ("tier2", "#fad7a0"),
    ("tier3", "#f9e79f"),
    ("tier4", "#d5dbdb"),
    ("data", "#aed6f1"),
    ("compute", "#a9dfbf"),
    ("network", "#d7bde2"),
    ("software", "#e5e8e8"),
];

const FOCUS_COLOR: &str = "#c0392b";

fn group_label(g: &GraphGroup) -> String {
    format!("group {} (minUp {})", g.name, g.min_up)
}

fn header(view: &GraphView) -> Vec<String> {
    let mut lines = vec![
        "The dependency graph of services and configuration items (cabinet graph).".to_string(),
        "Edges point from the dependent to what it depends on; dashed edges are `impact: partial`."
            .to_string(),
    ];
    if let Some(f) = &view.focus {
        let depth = view
            .depth
            .map_or_else(|| "any depth".to_string(), |d| format!("depth {d}"));
        lines.push(format!("Around {f}, {depth}."));
    }
    lines
}

/// Text for inside a DOT quoted string: backslashes, quotes and line breaks escaped, so that
/// no name can end the string or turn into an escape sequence such as `\N`.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn dot_string(s: &str) -> String {
    format!("\"{}\"", dot_escape(s))
}

/// Graphviz DOT: `dot -Tsvg` renders it as is.
pub(crate) fn dot(out: &mut dyn Write, view: &GraphView) -> io::Result<()> {
    for line in header(view) {
        writeln!(out, "// {line}")?;
    }
    writeln!(out, "digraph \"cabinet\" {{")?;
    writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];"
    )?;
    writeln!(
        out,
        "  node [style=filled, fontname=\"Helvetica\", fontsize=11];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    let node = |out: &mut dyn Write, n: &GraphNode, indent: &str| -> io::Result<()> {
        let label = format!("{}\\n{}", dot_escape(&n.name), dot_escape(&caption(n)));
        let shape = if n.kind == Kind::Service {
            "box"
        } else {
            "ellipse"
        };
        let mut attrs = format!(
            "label=\"{label}\", shape={shape}, fillcolor={}",
            dot_string(fill(n))
        );
        if view.is_focus(&n.reference) {
            attrs.push_str(&format!(", penwidth=3, color={}", dot_string(FOCUS_COLOR)));
        }
        writeln!(
            out,
            "{indent}{} [{attrs}];",
            dot_string(&n.reference.to_string())
        )
    };
    let (loose, groups) = view.layout();
    for n in loose {
        node(out, n, "  ")?;
    }
    for (g, members) in groups {
        writeln!(
            out,
            "  subgraph {} {{",
            dot_string(&format!("cluster_{}", g.name))
        )?;
        writeln!(out, "    label={};", dot_string(&group_label(g)))?;
        writeln!(out, "    style=\"rounded,dashed\";")?;
        for n in members {
            node(out, n, "    ")?;
        }
        writeln!(out, "  }}")?;
    }
    for e in &view.edges {
        let attrs = match e.impact {
            Impact::Full => String::new(),
            Impact::Partial => " [style=dashed, label=\"partial\"]".to_string(),
        };
        writeln!(
            out,
            "  {} -> {}{attrs};",
            dot_string(&e.from.to_string()),
            dot_string(&e.to.to_string())
        )?;
    }
    writeln!(out, "}}")
}

/// Mermaid ids: references reduced to `[A-Za-z0-9_]` (`ci:pg-main` is `ci_pg_main`), with
/// `_2`, `_3` ... in reference order for the rare references that reduce to the same id.
/// Groups live in the same namespace under a `group_` prefix, which no reference has.
#[derive(Default)]
struct MermaidIds {
    taken: HashSet<String>,
}

impl MermaidIds {
    fn assign(&mut self, text: &str) -> String {
        let base: String = text
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut id = base.clone();
        let mut k = 1;
        while !self.taken.insert(id.clone()) {
            k += 1;
            id = format!("{base}_{k}");
        }
        id
    }
}

/// Text inside a Mermaid `"..."` label. Mermaid decodes `#name;` and `#123;` entities and
/// renders labels as HTML, so `#`, quotes and markup characters become entities.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Mermaid `flowchart LR`, as GitHub renders it in Markdown.
pub(crate) fn mermaid(out: &mut dyn Write, view: &GraphView) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    for line in header(view) {
        writeln!(out, "    %% {line}")?;
    }
    let mut ids = MermaidIds::default();
    let node_ids: Vec<String> = view
        .nodes
        .iter()
        .map(|n| ids.assign(&n.reference.to_string()))
        .collect();
    let id_of = |r: &RecordRef| -> &str {
        let i = view
            .nodes
            .binary_search_by(|n| n.reference.cmp(r))
            .expect("edges join drawn nodes");
        &node_ids[i]
    };
    let node = |out: &mut dyn Write, n: &GraphNode, indent: &str| -> io::Result<()> {
        let label = format!(
            "{}<br/>{}",
            mermaid_text(&n.name),
            mermaid_text(&caption(n))
        );
        let (open, close) = if n.kind == Kind::Service {
            ("[", "]")
        } else {
            ("([", "])")
        };
        writeln!(
            out,
            "{indent}{}{open}\"{label}\"{close}",
            id_of(&n.reference)
        )
    };
    let (loose, groups) = view.layout();
    for n in loose {
        node(out, n, "    ")?;
    }
    for (g, members) in groups {
        let id = ids.assign(&format!("group_{}", g.name));
        writeln!(
            out,
            "    subgraph {id}[\"{}\"]",
            mermaid_text(&group_label(g))
        )?;
        for n in members {
            node(out, n, "        ")?;
        }
        writeln!(out, "    end")?;
    }
    for e in &view.edges {
        let arrow = match e.impact {
            Impact::Full => "-->",
            Impact::Partial => "-.->|partial|",
        };
        writeln!(out, "    {} {arrow} {}", id_of(&e.from), id_of(&e.to))?;
    }
    for (name, colour) in CLASSES {
        let members: Vec<&str> = view
            .nodes
            .iter()
            .filter(|n| class(n) == name)
            .map(|n| id_of(&n.reference))
            .collect();
        if members.is_empty() {
            continue;
        }
        writeln!(out, "    classDef {name} fill:{colour}")?;
        writeln!(out, "    class {} {name}", members.join(","))?;
    }
    if let Some(f) = &view.focus
        && view.nodes.iter().any(|n| &n.reference == f)
    {
        writeln!(
            out,
            "    style {} stroke:{FOCUS_COLOR},stroke-width:4px",
            id_of(f)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_cannot_escape_their_quotes() {
        assert_eq!(dot_string(r#"a "b" \N"#), r#""a \"b\" \\N""#);
        assert_eq!(dot_string("two\r\nlines\t"), r#""two\nlines ""#);
    }

    #[test]
    fn mermaid_text_is_entities_for_what_mermaid_reads() {
        assert_eq!(
            mermaid_text("say \"hi\" <b>#1</b> & `x`"),
            "say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;x#96;"
        );
    }

    #[test]
    fn mermaid_ids_are_unique_and_follow_reference_order() {
        let mut ids = MermaidIds::default();
        assert_eq!(ids.assign("ci:pg-main"), "ci_pg_main");
        assert_eq!(ids.assign("ci:pg.main"), "ci_pg_main_2");
        assert_eq!(ids.assign("ci:pg_main_2"), "ci_pg_main_2_2");
        assert_eq!(ids.assign("group_pg-nodes"), "group_pg_nodes");
    }
}
