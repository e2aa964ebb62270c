//! The impact report: JSON (the contract), a human tree, and the context the Markdown
//! template renders.

use super::escape;
use crate::changeset::ChangeSetReport;
use crate::diff::Status;
use crate::impact::Impacted;
use crate::model::{Impact, RecordRef};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Which commits were compared (`None` for the working tree).
#[derive(Clone, Debug, Default)]
pub(crate) struct Revisions {
    pub base: Option<String>,
    pub head: Option<String>,
}

/// The report as JSON: the fields of the contract (`changed`, `impacted`, `risk`) and more.
pub(crate) fn context(report: &ChangeSetReport, meta: &Revisions) -> Value {
    let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
    v["base"] = json!(meta.base);
    v["head"] = json!(meta.head);
    v
}

pub(crate) fn json(
    out: &mut dyn Write,
    report: &ChangeSetReport,
    meta: &Revisions,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &context(report, meta))?;
    writeln!(out)
}

fn word(i: Impact) -> &'static str {
    match i {
        Impact::Full => "down",
        Impact::Partial => "degraded",
    }
}

fn short(sha: &Option<String>) -> String {
    sha.as_deref().map_or_else(
        || "the working tree".to_string(),
        |s| s[..s.len().min(12)].to_string(),
    )
}

/// A trie of explanation paths: each impacted record under the record that impacts it.
#[derive(Default)]
struct Tree<'a> {
    children: BTreeMap<(u8, u8, u8, &'a RecordRef), Tree<'a>>,
    item: Option<&'a Impacted>,
}

fn order(i: &Impacted) -> (u8, u8, u8) {
    (
        u8::from(i.impact != Impact::Full),
        u8::from(!i.is_service()),
        i.tier.unwrap_or(9),
    )
}

pub(crate) fn human(
    out: &mut dyn Write,
    report: &ChangeSetReport,
    meta: &Revisions,
    color: bool,
) -> io::Result<()> {
    let (bold, dim, red, yellow, reset) = if color {
        ("\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[0m")
    } else {
        ("", "", "", "", "")
    };
    let by_ref: BTreeMap<&RecordRef, &Impacted> = report
        .impact
        .impacted
        .iter()
        .map(|i| (&i.reference, i))
        .collect();
    if meta.base.is_some() {
        writeln!(
            out,
            "{bold}changes from {} to {}{reset}",
            short(&meta.base),
            short(&meta.head)
        )?;
        if report.records.is_empty() {
            writeln!(out, "  no record differs")?;
        }
        for r in &report.records {
            let mark = match r.status {
                Status::Added => "+",
                Status::Removed => "-",
                Status::Modified => "~",
            };
            writeln!(
                out,
                "  {mark} {} {dim}({}){reset}",
                r.reference,
                escape(&r.file)
            )?;
            for f in &r.fields {
                writeln!(out, "      {}", escape(&f.describe()))?;
            }
        }
        writeln!(out)?;
    }
    for i in &report.incidents {
        let when = match i.resolved {
            Some(resolved) => format!("{} to {resolved}", i.detected),
            None => format!("since {}", i.detected),
        };
        writeln!(
            out,
            "{bold}incident {}{reset}  {dim}{}{reset}  {} {}, {when}",
            i.id,
            escape(&i.name),
            i.priority.as_str(),
            i.status.as_str()
        )?;
    }
    // What an incident names has failed; what a change names is changed.
    let incidents_only = !report.incidents.is_empty() && report.changes.is_empty();
    let seed = if incidents_only { "failed" } else { "changed" };
    if !report.incidents.is_empty() {
        writeln!(out)?;
    }
    if report.impact.changed.is_empty() {
        writeln!(out, "no service or configuration item is changed")?;
    } else {
        let names: Vec<String> = report
            .impact
            .changed
            .iter()
            .map(ToString::to_string)
            .collect();
        writeln!(out, "{bold}impact of {}{reset}\n", names.join(", "))?;
        let mut root = Tree::default();
        for i in &report.impact.impacted {
            let mut node = &mut root;
            for step in &i.via {
                let item = by_ref.get(step).copied();
                let key = item.map_or((9, 9, 9), order);
                node = node
                    .children
                    .entry((key.0, key.1, key.2, step))
                    .or_default();
                if node.item.is_none() {
                    node.item = item;
                }
            }
        }
        fn walk(
            out: &mut dyn Write,
            tree: &Tree<'_>,
            prefix: &str,
            seed: &str,
            colors: (&str, &str, &str, &str),
        ) -> io::Result<()> {
            let (dim, red, yellow, reset) = colors;
            let n = tree.children.len();
            for (k, ((_, _, _, r), child)) in tree.children.iter().enumerate() {
                let last = k + 1 == n;
                let (branch, next) = if prefix.is_empty() && child.item.is_some_and(|i| i.changed) {
                    ("", String::new())
                } else if last {
                    ("└── ", format!("{prefix}    "))
                } else {
                    ("├── ", format!("{prefix}│   "))
                };
                let mut line = format!("{prefix}{branch}{r}");
                if let Some(i) = child.item {
                    if i.name != i.reference.id {
                        line.push_str(&format!("  {dim}{}{reset}", escape(&i.name)));
                    }
                    if let Some(t) = i.tier {
                        line.push_str(&format!("  tier {t}"));
                    }
                    let status = if i.changed {
                        seed.to_string()
                    } else if i.impact == Impact::Full {
                        format!("{red}{}{reset}", word(i.impact))
                    } else {
                        format!("{yellow}{}{reset}", word(i.impact))
                    };
                    line.push_str(&format!("  [{status}]"));
                }
                writeln!(out, "{line}")?;
                walk(out, child, &next, seed, colors)?;
            }
            Ok(())
        }
        walk(out, &root, "", seed, (dim, red, yellow, reset))?;
    }
    for g in &report.impact.redundancy {
        let verdict = if g.down {
            format!("{red}below minUp: down{reset}")
        } else if g.degraded {
            format!("{yellow}below minUp healthy: degraded{reset}")
        } else {
            "still up".to_string()
        };
        // Healthy members are worth a word only when some that are up are degraded.
        let healthy = if g.degraded_members() > 0 {
            format!(", {} healthy", g.healthy)
        } else {
            String::new()
        };
        writeln!(
            out,
            "redundancy group {}: {} of {} up{healthy} (minUp {}), {verdict}",
            g.group, g.up, g.members, g.min_up
        )?;
    }
    let services: Vec<&Impacted> = report.impact.services().collect();
    let down = services.iter().filter(|s| s.impact == Impact::Full).count();
    writeln!(out)?;
    writeln!(
        out,
        "{} service(s) down, {} degraded",
        down,
        services.len() - down
    )?;
    // The risk scores a change; what an incident took down is already history.
    if incidents_only {
        return Ok(());
    }
    let r = &report.risk;
    let computed = if r.computed != r.level {
        format!(", computed {}", r.computed.as_str())
    } else {
        String::new()
    };
    writeln!(
        out,
        "{bold}risk: {}{reset} (score {}{computed})",
        r.level.as_str(),
        r.score
    )?;
    for reason in &r.reasons {
        writeln!(out, "  - {}", escape(reason))?;
    }
    known_errors(out, report, bold, reset)
}

/// The workaround of every known error in play, so the CAB reads it before approving.
fn known_errors(
    out: &mut dyn Write,
    report: &ChangeSetReport,
    bold: &str,
    reset: &str,
) -> io::Result<()> {
    for k in &report.known_errors {
        writeln!(out)?;
        writeln!(
            out,
            "{bold}known error {}{reset}: {} (on {}, {})",
            escape(&k.problem),
            escape(&k.name),
            k.on,
            escape(&k.file)
        )?;
        writeln!(out, "  workaround:")?;
        for line in k.workaround.lines() {
            writeln!(out, "    {}", escape(line))?;
        }
    }
    Ok(())
}
