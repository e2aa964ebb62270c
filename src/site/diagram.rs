//! Dependency diagrams as inline SVG, laid out at build time: the focus in the middle, what it
//! depends on in columns to the right (one per step), what depends on it in columns to the
//! left. Every edge points from a dependent to what it needs, so arrows always run left to
//! right; a soft (`partial`) edge is dashed. A column holds at most `cap` boxes: the rest
//! collapse into one "+ N more" box, so a record with hundreds of neighbours stays readable.

use crate::graph::{DependencyGraph, Node};
use crate::model::{Impact, Kind};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// What a box shows about a node.
pub(super) struct Label<'a> {
    pub name: &'a str,
    pub kind: Kind,
    pub tier: Option<u8>,
    /// Relative to the page that holds the diagram, after `Limits::base`.
    pub href: Cow<'a, str>,
    /// How an incident's or a change's impact reached it (`affected`, `full`, `partial`),
    /// on an impact diagram: the box is marked.
    pub mark: Option<&'static str>,
}

/// How far and how wide a diagram reaches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Steps in each direction.
    pub depth: usize,
    /// Boxes per column, the "+ N more" box included.
    pub cap: usize,
    /// Written before every link (`../` for a page one folder below the root).
    pub base: &'static str,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 2,
            cap: 9,
            base: "",
        }
    }
}

const BOX_W: i64 = 184;
const BOX_H: i64 = 46;
const COL_GAP: i64 = 48;
const ROW_GAP: i64 = 14;
const MARGIN: i64 = 12;
/// Font size of a box's name in the stylesheet (`svg.diagram .name`), in pixels.
const NAME_PX: u32 = 13;
/// Space between a box's edge and its text, on each side.
const PAD: i64 = 10;
/// How much a name wider than its box may be squeezed (`lengthAdjust`), in thousandths: a
/// name wider than this is cut first.
const MAX_SQUEEZE: u32 = 1200;

#[derive(Clone, Debug, PartialEq)]
enum Slot {
    Node(Node),
    /// How many nodes this column left out.
    More(usize),
}

/// A column: its position (negative: dependents, 0: focus, positive: dependencies).
struct Column {
    index: i64,
    slots: Vec<Slot>,
}

/// Lay out and draw the diagram around `focus`. `label` describes a node; `None` leaves the
/// diagram out (a record with no neighbours has nothing to draw).
pub(super) fn render<'a>(
    graph: &DependencyGraph,
    focus: Node,
    limits: Limits,
    label: &dyn Fn(Node) -> Label<'a>,
) -> Option<String> {
    if graph.dependencies_of(focus).is_empty() && graph.dependents_of(focus).is_empty() {
        return None;
    }
    let mut placed: HashSet<Node> = HashSet::from([focus]);
    let mut columns = vec![Column {
        index: 0,
        slots: vec![Slot::Node(focus)],
    }];
    for forward in [true, false] {
        let mut previous = vec![focus];
        for step in 1..=limits.depth as i64 {
            let mut candidates: Vec<Node> = Vec::new();
            for &n in &previous {
                let edges = if forward {
                    graph.dependencies_of(n)
                } else {
                    graph.dependents_of(n)
                };
                for e in edges {
                    if placed.insert(e.node) {
                        candidates.push(e.node);
                    }
                }
            }
            if candidates.is_empty() {
                break;
            }
            let total = candidates.len();
            // Keep services before CIs and the most critical first. A core record can have
            // thousands of candidates: rank each once, and sort only the ones kept.
            let keep = if total > limits.cap {
                limits.cap.saturating_sub(1).max(1)
            } else {
                total
            };
            let mut ranked: Vec<(bool, u8, Node)> = candidates
                .iter()
                .map(|&n| {
                    let l = label(n);
                    (l.kind != Kind::Service, l.tier.unwrap_or(9), n)
                })
                .collect();
            if keep < total {
                ranked.select_nth_unstable(keep - 1);
                ranked.truncate(keep);
            }
            ranked.sort_unstable();
            let candidates: Vec<Node> = ranked.iter().map(|&(_, _, n)| n).collect();
            let mut kept: Vec<Node> = candidates[..keep].to_vec();
            // Barycentre order: each box near the boxes it connects to in the inner column.
            // Edges are read from the dependent's side, whose list is short: a core record
            // can have tens of thousands of dependents.
            let mut sums: HashMap<Node, (usize, usize)> = HashMap::new();
            if forward {
                let wanted: HashSet<Node> = kept.iter().copied().collect();
                for (i, &p) in previous.iter().enumerate() {
                    for e in graph.dependencies_of(p) {
                        if wanted.contains(&e.node) {
                            let s = sums.entry(e.node).or_default();
                            s.0 += i;
                            s.1 += 1;
                        }
                    }
                }
            } else {
                let inner: HashMap<Node, usize> =
                    previous.iter().enumerate().map(|(i, &n)| (n, i)).collect();
                for &n in &kept {
                    for e in graph.dependencies_of(n) {
                        if let Some(&i) = inner.get(&e.node) {
                            let s = sums.entry(n).or_default();
                            s.0 += i;
                            s.1 += 1;
                        }
                    }
                }
            }
            let centre = |n: Node| -> (u64, Node) {
                let avg = match sums.get(&n) {
                    Some(&(sum, count)) if count > 0 => (sum as u64 * 1000) / count as u64,
                    _ => u64::MAX,
                };
                (avg, n)
            };
            kept.sort_by_key(|&n| centre(n));
            let mut slots: Vec<Slot> = kept.iter().map(|&n| Slot::Node(n)).collect();
            if keep < total {
                slots.push(Slot::More(total - keep));
            }
            columns.push(Column {
                index: if forward { step } else { -step },
                slots,
            });
            previous = kept;
        }
    }
    columns.sort_by_key(|c| c.index);
    Some(draw(graph, focus, &columns, limits.base, label))
}

fn draw<'a>(
    graph: &DependencyGraph,
    focus: Node,
    columns: &[Column],
    base: &str,
    label: &dyn Fn(Node) -> Label<'a>,
) -> String {
    let first = columns.first().map_or(0, |c| c.index);
    let rows = columns.iter().map(|c| c.slots.len()).max().unwrap_or(1) as i64;
    let height = MARGIN * 2 + rows * BOX_H + (rows - 1) * ROW_GAP;
    let width = MARGIN * 2 + columns.len() as i64 * BOX_W + (columns.len() as i64 - 1) * COL_GAP;
    // Where each slot sits: (x, y) of its top-left corner.
    let mut at: HashMap<Node, (i64, i64)> = HashMap::new();
    let mut more_at: HashMap<i64, (i64, i64)> = HashMap::new();
    for c in columns {
        let x = MARGIN + (c.index - first) * (BOX_W + COL_GAP);
        let used = c.slots.len() as i64 * BOX_H + (c.slots.len() as i64 - 1) * ROW_GAP;
        let top = (height - used) / 2;
        for (i, slot) in c.slots.iter().enumerate() {
            let y = top + i as i64 * (BOX_H + ROW_GAP);
            match slot {
                Slot::Node(n) => {
                    at.insert(*n, (x, y));
                }
                Slot::More(_) => {
                    more_at.insert(c.index, (x, y));
                }
            }
        }
    }
    let column_of: HashMap<Node, i64> = columns
        .iter()
        .flat_map(|c| {
            c.slots.iter().filter_map(move |s| match s {
                Slot::Node(n) => Some((*n, c.index)),
                Slot::More(_) => None,
            })
        })
        .collect();
    let focus_label = label(focus);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r#"<svg class="diagram" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="diagram-title"><title id="diagram-title">Dependencies of {}: what it needs to the right, what needs it to the left</title><defs><marker id="diagram-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow"/></marker></defs>"#,
        Escaped(focus_label.name)
    );
    // Edges first, so boxes sit on top of them. An edge joins adjacent columns only: the
    // dependent on the left, what it needs on the right.
    let mut edges: Vec<(i64, i64, i64, i64, bool)> = Vec::new();
    let mut to_more: HashSet<(Node, i64)> = HashSet::new();
    for (&n, &col) in &column_of {
        let (x, y) = at[&n];
        for e in graph.dependencies_of(n) {
            let partial = e.impact == Impact::Partial;
            match column_of.get(&e.node) {
                Some(&c) if c == col + 1 => {
                    let (tx, ty) = at[&e.node];
                    edges.push((x + BOX_W, y + BOX_H / 2, tx, ty + BOX_H / 2, partial));
                }
                // Outward from the focus on the right, a need that was collapsed.
                None if col >= 0
                    && more_at.contains_key(&(col + 1))
                    && to_more.insert((n, col + 1)) =>
                {
                    let (tx, ty) = more_at[&(col + 1)];
                    edges.push((x + BOX_W, y + BOX_H / 2, tx, ty + BOX_H / 2, false));
                }
                _ => {}
            }
        }
        if col <= 0 && more_at.contains_key(&(col - 1)) && to_more.insert((n, col - 1)) {
            let collapsed_needs_n = graph
                .dependents_of(n)
                .iter()
                .any(|e| !column_of.contains_key(&e.node));
            if collapsed_needs_n {
                let (sx, sy) = more_at[&(col - 1)];
                edges.push((sx + BOX_W, sy + BOX_H / 2, x, y + BOX_H / 2, false));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    for (x1, y1, x2, y2, partial) in edges {
        let _ = write!(
            svg,
            r#"<line x1="{x1}" y1="{y1}" x2="{}" y2="{y2}" class="edge{}" marker-end="url(#diagram-arrow)"/>"#,
            x2 - 2,
            if partial { " partial" } else { "" }
        );
    }
    for c in columns {
        for slot in &c.slots {
            match slot {
                Slot::Node(n) => {
                    let (x, y) = at[n];
                    let l = label(*n);
                    let kind = match l.kind {
                        Kind::Service => "service",
                        _ => "ci",
                    };
                    let hit = match l.mark {
                        Some("full") => " hit-full",
                        Some("partial") => " hit-partial",
                        Some(_) => " hit-affected",
                        None => "",
                    };
                    let r = graph.reference(*n);
                    let close = if *n == focus {
                        let _ = write!(svg, r#"<g class="node {kind}{hit} focus">"#);
                        "</g>"
                    } else {
                        let _ = write!(
                            svg,
                            r#"<a href="{base}{}" class="node {kind}{hit}">"#,
                            Escaped(&l.href)
                        );
                        "</a>"
                    };
                    let _ = write!(
                        svg,
                        r#"<title>{} ({}:{})</title><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text x="{}" y="{}" class="name"{}</text><text x="{}" y="{}" class="detail">"#,
                        Escaped(l.name),
                        r.kind.ref_prefix(),
                        Escaped(&r.id),
                        x + PAD,
                        y + 19,
                        Fitted(l.name),
                        x + PAD,
                        y + 36,
                    );
                    let _ = match (l.kind, l.tier) {
                        (Kind::Service, Some(t)) => write!(svg, "service · tier {t}"),
                        (Kind::Service, None) => write!(svg, "service"),
                        _ => write!(svg, "configuration item"),
                    };
                    svg.push_str("</text>");
                    svg.push_str(close);
                }
                Slot::More(count) => {
                    let (x, y) = more_at[&c.index];
                    let _ = write!(
                        svg,
                        r#"<g class="node more"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text x="{}" y="{}" class="name">+ {count} more</text><text x="{}" y="{}" class="detail">listed below</text></g>"#,
                        x + PAD,
                        y + 19,
                        x + PAD,
                        y + 36
                    );
                }
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Text escaped for SVG written by hand, written straight into the output: markup
/// characters become entities, control characters spaces.
pub(super) struct Escaped<'a>(pub(super) &'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0;
        let mut plain = 0;
        for (i, c) in text.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                c if c.is_control() => " ",
                _ => continue,
            };
            f.write_str(&text[plain..i])?;
            f.write_str(entity)?;
            plain = i + c.len_utf8();
        }
        f.write_str(&text[plain..])
    }
}

/// The width of one character of a box's name, in thousandths of the font size: an upper
/// bound over the sans-serif faces a reader's `system-ui` may be (bold DejaVu Sans, the
/// widest common one, Arial, Helvetica, Segoe UI, Roboto), by class of glyph. A character
/// outside Latin letters and digits counts as a full em (CJK ideographs are one em wide).
fn glyph_width(c: char) -> u32 {
    match c {
        'i' | 'j' | 'l' | 'I' | 'J' | ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 350,
        'f' | 'r' | 't' | '(' | ')' | '[' | ']' | '-' | '/' => 500,
        'm' | 'w' | 'M' | 'W' => 1060,
        'A'..='Z' => 860,
        'a'..='z' | '0'..='9' | '_' => 720,
        _ => 1000,
    }
}

/// The estimated width of `text` in a box's name, in thousandths of a pixel.
fn name_width(text: &str) -> u32 {
    text.chars()
        .map(|c| glyph_width(c).saturating_mul(NAME_PX))
        .fold(0, u32::saturating_add)
}

/// The widest a name may be drawn: the box less its padding, in thousandths of a pixel.
const NAME_ROOM: u32 = ((BOX_W - 2 * PAD) as u32) * 1000;

/// A box's name, escaped, closing the `<text>` start tag: as it is when its estimated width
/// fits the box; else squeezed into the box with `textLength` (at most `MAX_SQUEEZE`), and
/// cut with an ellipsis where even that is not enough. The full name is in the box's
/// `<title>`.
struct Fitted<'a>(&'a str);

impl<'a> Fitted<'a> {
    /// The name as drawn (a prefix of it, and whether an ellipsis follows) and whether it
    /// must be squeezed into the box.
    fn layout(&self) -> (&'a str, bool, bool) {
        let text = self.0;
        let width = name_width(text);
        if width <= NAME_ROOM {
            return (text, false, false);
        }
        let most = NAME_ROOM / 1000 * MAX_SQUEEZE;
        if width <= most {
            return (text, false, true);
        }
        let budget = most.saturating_sub(name_width("…"));
        let mut used = 0u32;
        let mut cut = 0;
        for (i, c) in text.char_indices() {
            used = used.saturating_add(glyph_width(c).saturating_mul(NAME_PX));
            if used > budget {
                break;
            }
            cut = i + c.len_utf8();
        }
        // No name ends in a space before its ellipsis.
        (text[..cut].trim_end(), true, true)
    }
}

impl std::fmt::Display for Fitted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (shown, cut, squeezed) = self.layout();
        if squeezed {
            write!(
                f,
                r#" textLength="{}" lengthAdjust="spacingAndGlyphs""#,
                NAME_ROOM / 1000
            )?;
        }
        f.write_str(">")?;
        Escaped(shown).fmt(f)?;
        if cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::tests::graph;
    use crate::model::RecordRef;

    fn draw_for(spec: &str, focus: &str, limits: Limits) -> String {
        let (_, g) = graph(spec);
        let kind = if focus.starts_with("s-") {
            Kind::Service
        } else {
            Kind::ConfigurationItem
        };
        let f = g.node(&RecordRef::new(kind, focus)).unwrap();
        let names: Vec<String> = g.nodes.iter().map(|r| r.id.clone()).collect();
        render(&g, f, limits, &|n| Label {
            name: &names[n as usize],
            kind: g.reference(n).kind,
            tier: Some(1),
            href: format!("{}.html", g.reference(n).id).into(),
            mark: (g.reference(n).id == "db").then_some("full"),
        })
        .unwrap()
    }

    #[test]
    fn both_sides_are_drawn_with_dashed_soft_edges() {
        let svg = draw_for(
            "db\ncache\ns-api: db, ~cache\ns-web: s-api",
            "s-api",
            Limits::default(),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"href="db.html""#) && svg.contains(r#"href="s-web.html""#));
        assert_eq!(svg.matches("<line").count(), 3, "{svg}");
        assert_eq!(svg.matches("edge partial").count(), 1, "{svg}");
        assert!(svg.contains("class=\"node service focus\""));
        // A record an impact reached is marked.
        assert!(
            svg.contains(r#"href="db.html" class="node ci hit-full""#),
            "{svg}"
        );
    }

    #[test]
    fn wide_columns_collapse() {
        let mut spec = String::from("s-hub: ");
        let deps: Vec<String> = (0..50).map(|i| format!("c{i:02}")).collect();
        spec.push_str(&deps.join(", "));
        spec.push('\n');
        for d in &deps {
            spec.push_str(&format!("{d}\n"));
        }
        let svg = draw_for(
            &spec,
            "s-hub",
            Limits {
                depth: 2,
                cap: 9,
                ..Limits::default()
            },
        );
        assert!(svg.contains("+ 42 more"), "{svg}");
        assert_eq!(svg.matches("<a ").count(), 8);
    }

    #[test]
    fn names_are_escaped_and_shortened() {
        assert_eq!(
            Escaped("<b>\"x\"&'é\u{7}").to_string(),
            "&lt;b&gt;&quot;x&quot;&amp;&#39;é "
        );
        assert_eq!(Escaped("plain").to_string(), "plain");
        assert_eq!(Fitted("a <b> & c").to_string(), ">a &lt;b&gt; &amp; c");
    }

    #[test]
    fn a_short_name_is_drawn_as_it_is() {
        assert_eq!(Fitted("Payments API").to_string(), ">Payments API");
        assert_eq!(Fitted("").to_string(), ">");
    }

    /// The width `Fitted` draws, in thousandths of a pixel: its `textLength` if it squeezes.
    fn drawn_width(name: &str) -> u32 {
        let (shown, cut, squeezed) = Fitted(name).layout();
        if squeezed {
            NAME_ROOM
        } else {
            name_width(shown) + if cut { name_width("…") } else { 0 }
        }
    }

    #[test]
    fn a_long_or_wide_name_never_runs_past_its_box() {
        let names = [
            "Main PostgreSQL cluster",
            "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
            "MMMM mmmm WWWW wwww MMMM mmmm WWWW wwww",
            "Customer notification and preference service (EU)",
            "支付网关服务的主要数据库集群和它的只读副本",
            "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
            &"x".repeat(10_000),
        ];
        for name in names {
            let (shown, cut, squeezed) = Fitted(name).layout();
            assert!(drawn_width(name) <= NAME_ROOM, "{name} runs past its box");
            // A squeezed name is squeezed at most MAX_SQUEEZE: its estimated natural width
            // is at most that much more than the box.
            let natural = name_width(shown) + if cut { name_width("…") } else { 0 };
            assert!(
                u64::from(natural) * 1000 <= u64::from(NAME_ROOM) * u64::from(MAX_SQUEEZE),
                "{name} is squeezed too hard"
            );
            assert_eq!(squeezed, natural > NAME_ROOM, "{name}");
            assert!(name.starts_with(shown));
            assert_eq!(cut, shown.len() < name.len(), "{name}");
        }
        // Wide letters count more: forty Ws are cut far shorter than forty is.
        let (ws, _, _) = Fitted(names[1]).layout();
        let (is, _, _) = Fitted(names[5]).layout();
        assert!(ws.len() * 2 < is.len(), "{ws} / {is}");
        // Squeezed or cut, the name keeps to the box through textLength.
        let svg_text = Fitted(names[0]).to_string();
        assert_eq!(
            svg_text,
            format!(
                r#" textLength="{}" lengthAdjust="spacingAndGlyphs">Main PostgreSQL cluster"#,
                BOX_W - 2 * PAD
            )
        );
        assert!(Fitted(names[1]).to_string().ends_with("W…"));
        // No ellipsis after a space, and a cut never splits a character.
        assert!(
            !Fitted("Payments ledger reconciliation and payout batch jobs")
                .to_string()
                .contains(" …")
        );
        assert!(Fitted(names[4]).to_string().ends_with('…'));
    }

    #[test]
    fn the_full_name_stays_in_the_box_title() {
        let long = "Customer notification and preference service (EU)";
        let (_, g) = graph("s-api: db\ndb");
        let f = g.node(&RecordRef::new(Kind::Service, "s-api")).unwrap();
        let svg = render(&g, f, Limits::default(), &|n| Label {
            name: long,
            kind: g.reference(n).kind,
            tier: None,
            href: "x.html".into(),
            mark: None,
        })
        .unwrap();
        assert!(
            svg.contains(&format!("<title>{long} (ci:db)</title>")),
            "{svg}"
        );
        assert!(svg.contains("lengthAdjust") && svg.contains('…'), "{svg}");
    }
}
