//! The merge gate's report: validation, impact and risk, policy findings, verdict.

use super::{Style, escape, impact};
use crate::gate::GateReport;
use serde_json::{Value, json};
use std::io::{self, Write};

fn revisions(g: &GateReport) -> impact::Revisions {
    impact::Revisions {
        base: g.base_commit.clone(),
        head: g.head_commit.clone(),
    }
}

/// The verdict in one line.
pub(crate) fn verdict(g: &GateReport) -> String {
    let errors = g.validation.errors();
    let blocks = g.policy_blocks();
    if g.ok() && g.unevaluated.is_some() {
        // Never "nothing blocks" about approvals nobody looked at.
        format!(
            "ok: no blocking finding, but approvals were not evaluated (risk {})",
            g.changeset.risk.level.as_str()
        )
    } else if g.ok() {
        format!(
            "ok: nothing blocks the merge (risk {})",
            g.changeset.risk.level.as_str()
        )
    } else {
        let mut why = Vec::new();
        if errors > 0 {
            why.push(format!("{errors} invalid-record finding(s)"));
        }
        if blocks > 0 {
            why.push(format!("{blocks} policy violation(s)"));
        }
        if g.approvals.as_ref().is_some_and(|a| !a.satisfied) {
            why.push("approvals missing".to_string());
        }
        if g.unevaluated.as_ref().is_some_and(|u| u.required) {
            why.push("approvals not evaluated (no --approvals or --github)".to_string());
        }
        format!("blocked: {}", why.join(" and "))
    }
}

pub(crate) fn context(g: &GateReport) -> Value {
    let violations: Vec<Value> = g
        .policy
        .iter()
        .map(|d| {
            let mut v = super::json::diagnostic(d);
            if let Some(id) = d.record.as_deref().and_then(|r| r.strip_prefix("change:")) {
                v["change"] = json!(id);
            }
            v
        })
        .collect();
    json!({
        "ok": g.ok(),
        "verdict": verdict(g),
        "validation": super::json::validation(&g.validation),
        "impact": impact::context(&g.changeset, &revisions(g)),
        "policy": {
            "violations": violations,
            "changes": g.changes,
            "basePolicy": g.base_has_policy,
        },
        "approvals": g.approvals,
        "unevaluatedApprovals": g.unevaluated,
    })
}

pub(crate) fn json(out: &mut dyn Write, g: &GateReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &context(g))?;
    writeln!(out)
}

pub(crate) fn human(out: &mut dyn Write, g: &GateReport, style: &Style) -> io::Result<()> {
    let renderer = if style.color {
        annotate_snippets::Renderer::styled()
    } else {
        annotate_snippets::Renderer::plain()
    };
    let sources = super::human::Sources::new(&g.validation.texts);
    for d in &g.validation.diagnostics {
        writeln!(out, "{}\n", super::human::render(&renderer, d, &sources))?;
    }
    writeln!(
        out,
        "validation: {}\n",
        super::human::summary(&g.validation)
    )?;
    impact::human(out, &g.changeset, &revisions(g), style.color)?;
    writeln!(out)?;
    if !g.base_has_policy {
        writeln!(
            out,
            "policy: the base revision has no Policy record; only the defaults apply\n"
        )?;
    }
    for d in &g.policy {
        writeln!(out, "{}\n", super::human::render(&renderer, d, &sources))?;
    }
    for c in &g.changes {
        let judged = if c.effective_type != c.change_type {
            format!(" (judged as {})", c.effective_type.as_str())
        } else {
            String::new()
        };
        writeln!(
            out,
            "change {}: {} change{judged}, risk {}, {} impacted service(s)",
            c.id,
            c.change_type.as_str(),
            c.risk.level.as_str(),
            c.impacted_services.len()
        )?;
    }
    if let Some(a) = &g.approvals {
        approvals(out, a)?;
    }
    if let Some(u) = &g.unevaluated {
        unevaluated(out, u)?;
    }
    writeln!(out, "{}", verdict(g))
}

fn approvals(out: &mut dyn Write, a: &crate::approval::Decision) -> io::Result<()> {
    writeln!(
        out,
        "\napprovals: {}",
        if a.satisfied {
            "satisfied"
        } else {
            "not satisfied"
        }
    )?;
    fn requirement(
        out: &mut dyn Write,
        r: &crate::approval::RequirementResult,
        indent: &str,
    ) -> io::Result<()> {
        let mark = if r.satisfied { "ok" } else { "missing" };
        if !r.any_of.is_empty() {
            writeln!(out, "{indent}any of: [{mark}]")?;
            for alt in &r.any_of {
                requirement(out, alt, &format!("{indent}  "))?;
            }
            return Ok(());
        }
        let service = r
            .service
            .as_deref()
            .map(|s| format!(" for {s}"))
            .unwrap_or_default();
        let who = if r.approvers.is_empty() {
            "nobody yet".to_string()
        } else {
            escape(&r.approvers.join(", ")).into_owned()
        };
        writeln!(
            out,
            "{indent}{} from {}{service}: {} of {} ({who}) [{mark}]",
            r.count,
            escape(&r.from.join(" or ")),
            r.approvers.len(),
            r.count
        )?;
        for p in &r.problems {
            writeln!(out, "{indent}  problem: {}", escape(p))?;
        }
        Ok(())
    }
    for rule in &a.rules {
        writeln!(
            out,
            "  rule `{}`: {}",
            escape(&rule.name),
            if rule.satisfied { "met" } else { "not met" }
        )?;
        for r in &rule.requirements {
            requirement(out, r, "    ")?;
        }
    }
    for i in &a.ignored {
        writeln!(
            out,
            "  ignored: {} ({})",
            escape(&i.login),
            escape(&i.reason)
        )?;
    }
    for r in &a.reasons {
        writeln!(out, "  - {}", escape(r))?;
    }
    for o in &a.obligations {
        writeln!(out, "  after merge: {}", escape(o))?;
    }
    for n in &a.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}

/// Approvals nobody evaluated: say so, and what the rules will require.
fn unevaluated(out: &mut dyn Write, u: &crate::gate::Unevaluated) -> io::Result<()> {
    writeln!(
        out,
        "\napprovals: not evaluated (no --approvals or --github){}",
        if u.required {
            ", and they are required"
        } else {
            ""
        }
    )?;
    fn requirement(
        out: &mut dyn Write,
        r: &crate::approval::RequirementResult,
        indent: &str,
    ) -> io::Result<()> {
        if !r.any_of.is_empty() {
            writeln!(out, "{indent}any of:")?;
            for alt in &r.any_of {
                requirement(out, alt, &format!("{indent}  "))?;
            }
            return Ok(());
        }
        let service = r
            .service
            .as_deref()
            .map(|s| format!(" for {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{indent}{} from {}{service}",
            r.count,
            r.from.join(" or ")
        )?;
        for p in &r.problems {
            writeln!(out, "{indent}  problem: {p}")?;
        }
        Ok(())
    }
    for rule in &u.rules {
        writeln!(out, "  rule `{}` will require:", rule.name)?;
        for r in &rule.requirements {
            requirement(out, r, "    ")?;
        }
    }
    for p in &u.problems {
        writeln!(out, "  - {p}")?;
    }
    Ok(())
}

pub(crate) fn github(out: &mut dyn Write, g: &GateReport, style: &Style) -> io::Result<()> {
    for d in g.validation.diagnostics.iter().chain(&g.policy) {
        super::github::annotation(out, d, style)?;
    }
    writeln!(out, "{}", verdict(g))
}

pub(crate) fn sarif(out: &mut dyn Write, g: &GateReport, style: &Style) -> io::Result<()> {
    let all: Vec<crate::diag::Diagnostic> = g
        .validation
        .diagnostics
        .iter()
        .chain(&g.policy)
        .cloned()
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &super::sarif::log(&all, &g.validation.texts, style),
    )?;
    writeln!(out)
}
