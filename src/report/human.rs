//! `--format human`: rustc-style findings with the YAML snippet and the node underlined.

use super::Style;
use crate::diag::{Diagnostic, Location, Severity};
use crate::validation::Validation;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

pub fn write(out: &mut dyn Write, v: &Validation, style: &Style) -> io::Result<()> {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for d in &v.diagnostics {
        writeln!(out, "{}\n", render(&renderer, d, &v.texts))?;
    }
    writeln!(out, "{}", summary(v))
}

/// The one-line verdict that closes the report.
pub fn summary(v: &Validation) -> String {
    let records = plural(v.records.len(), "record");
    let skipped = if v.skipped > 0 {
        format!(" ({} skipped)", plural(v.skipped, "document"))
    } else {
        String::new()
    };
    let at = v
        .commit
        .as_deref()
        .map(|c| format!(" at {}", &c[..c.len().min(12)]))
        .unwrap_or_default();
    match (v.errors(), v.warnings()) {
        (0, 0) => format!("ok: {records} valid{at}{skipped}"),
        (0, w) => format!("ok: {records} valid{at}, {}{skipped}", plural(w, "warning")),
        (e, w) => format!(
            "failed: {}, {} in {records}{at}{skipped}",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// The text to show: without a byte-order mark, which the snippet renderer would count as a
/// column (positions are counted without it, as editors do).
fn shown(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The byte range to underline in `shown(text)`: the node's first line only, never empty.
fn range(text: &str, l: &Location) -> std::ops::Range<usize> {
    let bom = text.len() - shown(text).len();
    let text = shown(text);
    let span = l.span.unwrap_or_default();
    let start = span.start.offset.saturating_sub(bom).min(text.len());
    let start = (0..=start)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut end = span.end.offset.saturating_sub(bom).clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let trimmed = text[start..end].trim_end();
    end = start + trimmed.len();
    if end == start {
        end = text[start..line_end]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    start..end
}

pub fn render(renderer: &Renderer, d: &Diagnostic, texts: &BTreeMap<String, Arc<str>>) -> String {
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code.as_str());
    let mut group = Group::with_title(title);
    if let Some(l) = &d.location {
        match texts.get(&l.file) {
            Some(text) if l.span.is_some() => {
                let mut snippet = Snippet::source(shown(text))
                    .path(l.file.as_str())
                    .annotation(
                        AnnotationKind::Primary
                            .span(range(text, l))
                            .label(d.label.as_deref().unwrap_or("")),
                    );
                let mut others: Vec<Snippet<'_, _>> = Vec::new();
                for r in &d.related {
                    let Some(rt) = texts.get(&r.location.file) else {
                        continue;
                    };
                    let annotation = AnnotationKind::Context
                        .span(range(rt, &r.location))
                        .label(r.message.as_str());
                    if r.location.file == l.file {
                        snippet = snippet.annotation(annotation);
                    } else {
                        others.push(
                            Snippet::source(shown(rt))
                                .path(r.location.file.as_str())
                                .annotation(annotation),
                        );
                    }
                }
                group = group.element(snippet);
                for o in others {
                    group = group.element(o);
                }
            }
            _ => {
                group = group.element(Level::NOTE.no_name().message(format!(
                    "--> {}:{}:{}",
                    l.file,
                    l.line(),
                    l.column()
                )));
            }
        }
    }
    for note in &d.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}
