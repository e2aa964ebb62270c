//! `cabinet graph`.

use super::GlobalArgs;
use super::impact::{load_records, resolve_refs};
use crate::error::{CommandError, ExitStatus};
use crate::graph::{DependencyGraph, Node};
use crate::impact::describe;
use crate::load::Source;
use crate::model::{Impact, Kind, RecordRef, RecordSet, Spec};
use crate::report::graph::{GraphEdge, GraphGroup, GraphNode, GraphView};

/// Draw the dependency graph of services and configuration items
///
/// Edges point from the dependent to what it depends on; `impact: partial` edges are dashed,
/// redundancy groups are drawn as clusters. With --focus, only the neighbourhood of one record:
/// what it depends on and what depends on it, up to --depth steps each way (default: all),
/// and the whole redundancy group of every CI reached. Formats (--format): dot (default;
/// Graphviz: `cabinet graph | dot -Tsvg > graph.svg`), mermaid (GitHub renders it in
/// Markdown), json.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Draw only the neighbourhood of this record: `service:ID` or `ci:ID`
    #[arg(long, value_name = "REF")]
    pub focus: Option<String>,
    /// How many dependency steps to follow from --focus, each way
    #[arg(long, value_name = "N", requires = "focus")]
    pub depth: Option<u32>,
    /// Read the records of this revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum Format {
    Dot,
    Mermaid,
    Json,
}

pub(super) fn run(global: &GlobalArgs, args: &GraphArgs) -> Result<ExitStatus, CommandError> {
    let format = global.format(Format::Dot)?;
    let root = global.root()?;
    let source = args.rev.clone().map_or(Source::WorkTree, Source::Revision);
    let loaded = load_records(&root, &source)?;
    let graph = DependencyGraph::build(&loaded.records);
    let (nodes, focus) = match &args.focus {
        Some(text) => {
            let focus = resolve_focus(&loaded.records, &graph, text)?;
            let n = graph.node(&focus).expect("resolved in the graph");
            (graph.neighbourhood(n, args.depth), Some(focus))
        }
        None => ((0..graph.len() as Node).collect(), None),
    };
    let view = view(&loaded.records, &graph, &nodes, focus, args.depth);
    super::emit(|out| match format {
        Format::Dot => crate::report::graph::dot(out, &view),
        Format::Mermaid => crate::report::graph::mermaid(out, &view),
        Format::Json => crate::report::graph::json(out, &view),
    })?;
    Ok(ExitStatus::Ok)
}

/// The focus as a node of the graph: a service or CI that exists (with `did you mean`).
fn resolve_focus(
    set: &RecordSet,
    graph: &DependencyGraph,
    text: &str,
) -> Result<RecordRef, CommandError> {
    let not_in_graph = |r: &RecordRef| {
        CommandError::usage(format!("`{r}` is not a service or CI"))
            .hint("the graph holds services and configuration items: --focus service:ID or ci:ID")
    };
    if let Some(r) = RecordRef::parse(text)
        && !matches!(r.kind, Kind::Service | Kind::ConfigurationItem)
    {
        return Err(not_in_graph(&r));
    }
    let r = resolve_refs(set, std::slice::from_ref(&text.to_string()))?
        .pop()
        .expect("one reference in, one out");
    match graph.node(&r) {
        Some(_) => Ok(r),
        None => Err(not_in_graph(&r)),
    }
}

/// The records of `nodes` (sorted), the edges between them and their groups, as plain data.
fn view(
    set: &RecordSet,
    graph: &DependencyGraph,
    nodes: &[Node],
    focus: Option<RecordRef>,
    depth: Option<u32>,
) -> GraphView {
    let mut drawn = vec![false; graph.len()];
    for &n in nodes {
        drawn[n as usize] = true;
    }
    let graph_nodes = nodes
        .iter()
        .map(|&n| {
            let r = graph.reference(n);
            let about = describe(set, r, Impact::Full, Vec::new(), false);
            let (lifecycle, ci_type) = match set.get(r).map(|x| &x.spec) {
                Some(Spec::Service(s)) => (s.lifecycle, None),
                Some(Spec::ConfigurationItem(c)) => (c.lifecycle, Some(c.ci_type)),
                _ => unreachable!("graph nodes are services and CIs"),
            };
            GraphNode {
                reference: r.clone(),
                kind: r.kind,
                name: about.name,
                tier: about.tier,
                owner: about.owner.unwrap_or_default(),
                sla: about.sla,
                lifecycle,
                ci_type,
                group: graph.group_of(n).map(|g| g.name.clone()),
            }
        })
        .collect();
    let edges = nodes
        .iter()
        .flat_map(|&n| {
            graph
                .dependencies_of(n)
                .iter()
                .filter(|e| drawn[e.node as usize])
                .map(move |e| GraphEdge {
                    from: graph.reference(n).clone(),
                    to: graph.reference(e.node).clone(),
                    impact: e.impact,
                })
        })
        .collect();
    let groups = graph
        .groups
        .iter()
        .filter_map(|g| {
            let members: Vec<RecordRef> = g
                .members
                .iter()
                .filter(|&&m| drawn[m as usize])
                .map(|&m| graph.reference(m).clone())
                .collect();
            (!members.is_empty()).then(|| GraphGroup {
                name: g.name.clone(),
                min_up: g.min_up,
                members,
            })
        })
        .collect();
    GraphView {
        nodes: graph_nodes,
        edges,
        groups,
        focus,
        depth,
    }
}
