//! `--format human`: rustc-style findings with the YAML snippet and the node underlined.

use super::Style;
use super::escape;
use crate::diag::{Diagnostic, Location, Severity};
use crate::validation::Validation;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

pub fn write(out: &mut dyn Write, v: &Validation, style: &Style) -> io::Result<()> {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let sources = Sources::new(&v.texts);
    for d in &v.diagnostics {
        writeln!(out, "{}\n", render(&renderer, d, &sources))?;
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

/// The texts of the files read, with the start of every line of each file that has findings
/// computed once: a snippet shows only the lines it annotates, so rendering costs time linear
/// in the findings and not in findings times file size.
pub struct Sources<'a> {
    texts: &'a BTreeMap<String, Arc<str>>,
    lines: RefCell<HashMap<String, Arc<[usize]>>>,
}

impl<'a> Sources<'a> {
    pub fn new(texts: &'a BTreeMap<String, Arc<str>>) -> Sources<'a> {
        Sources {
            texts,
            lines: RefCell::new(HashMap::new()),
        }
    }

    /// The byte offset of the start of every line of `shown(text)`.
    fn line_starts(&self, file: &str, text: &str) -> Arc<[usize]> {
        self.lines
            .borrow_mut()
            .entry(file.to_string())
            .or_insert_with(|| {
                std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect()
            })
            .clone()
    }
}

/// At most this many lines, and bytes, of a file in one snippet. Annotations of one file that
/// lie farther apart get a snippet each; a node on a longer line is named by position only.
const MAX_SNIPPET_LINES: usize = 40;
const MAX_SNIPPET_BYTES: usize = 8 * 1024;

/// One annotation to place: its byte range in `shown(text)`, its label, whether primary.
struct Mark<'d> {
    range: std::ops::Range<usize>,
    label: &'d str,
    primary: bool,
    location: &'d Location,
}

/// The lines of `text` that hold `marks` (sorted by start), as `(first line number, the
/// excerpt, the byte offset of the excerpt in text)`, or `None` when they span too much.
fn excerpt<'t>(
    text: &'t str,
    starts: &[usize],
    lo: usize,
    hi: usize,
) -> Option<(usize, &'t str, usize)> {
    let first = starts.partition_point(|&s| s <= lo).saturating_sub(1);
    let last = starts.partition_point(|&s| s <= hi).saturating_sub(1);
    if last - first >= MAX_SNIPPET_LINES {
        return None;
    }
    let from = starts[first];
    let to = starts.get(last + 1).copied().unwrap_or(text.len());
    if to.saturating_sub(from) > MAX_SNIPPET_BYTES {
        return None;
    }
    Some((first + 1, &text[from..to], from))
}

pub fn render(renderer: &Renderer, d: &Diagnostic, sources: &Sources<'_>) -> String {
    let message = escape(&d.message);
    let title = level(d.severity)
        .primary_title(message.as_ref())
        .id(d.code.as_str());
    let mut group = Group::with_title(title);
    // Escaped once, borrowed by the snippets.
    let label = escape(d.label.as_deref().unwrap_or(""));
    let related: Vec<(Cow<'_, str>, &Location)> = d
        .related
        .iter()
        .map(|r| (escape(&r.message), &r.location))
        .collect();
    let mut positions: Vec<String> = Vec::new();
    if let Some(l) = &d.location {
        match sources.texts.get(&l.file) {
            Some(text) if l.span.is_some() => {
                // Marks by file, primary's file first, the others in the order given.
                let mut files: Vec<(&str, Vec<Mark<'_>>)> = vec![(
                    l.file.as_str(),
                    vec![Mark {
                        range: range(text, l),
                        label: label.as_ref(),
                        primary: true,
                        location: l,
                    }],
                )];
                for (message, location) in &related {
                    let Some(rt) = sources.texts.get(&location.file) else {
                        continue;
                    };
                    let mark = Mark {
                        range: range(rt, location),
                        label: message.as_ref(),
                        primary: false,
                        location,
                    };
                    match files.iter_mut().find(|(f, _)| *f == location.file) {
                        Some((_, marks)) => marks.push(mark),
                        None => files.push((location.file.as_str(), vec![mark])),
                    }
                }
                for (file, mut marks) in files {
                    let text = shown(&sources.texts[file]);
                    let starts = sources.line_starts(file, text);
                    let path = escape(file);
                    // The primary stays first; the rest by position.
                    let first = usize::from(marks[0].primary);
                    marks[first..].sort_by_key(|m| m.range.start);
                    let lo = marks.iter().map(|m| m.range.start).min().unwrap_or(0);
                    let hi = marks.iter().map(|m| m.range.end).max().unwrap_or(0);
                    // All in one snippet when they are close; else each alone.
                    let groups: Vec<Vec<Mark<'_>>> = if excerpt(text, &starts, lo, hi).is_some() {
                        vec![marks]
                    } else {
                        marks.into_iter().map(|m| vec![m]).collect()
                    };
                    for marks in groups {
                        let lo = marks.iter().map(|m| m.range.start).min().unwrap_or(0);
                        let hi = marks.iter().map(|m| m.range.end).max().unwrap_or(0);
                        match excerpt(text, &starts, lo, hi) {
                            Some((line, source, from)) => {
                                let mut snippet = Snippet::source(source)
                                    .line_start(line)
                                    .path(path.to_string());
                                for m in &marks {
                                    let kind = if m.primary {
                                        AnnotationKind::Primary
                                    } else {
                                        AnnotationKind::Context
                                    };
                                    snippet = snippet.annotation(
                                        kind.span(m.range.start - from..m.range.end - from)
                                            .label(m.label),
                                    );
                                }
                                group = group.element(snippet);
                            }
                            None => {
                                for m in &marks {
                                    let at = format!(
                                        "--> {path}:{}:{}",
                                        m.location.line(),
                                        m.location.column()
                                    );
                                    positions.push(if m.label.is_empty() {
                                        at
                                    } else {
                                        format!("{at}: {}", m.label)
                                    });
                                }
                            }
                        }
                    }
                }
            }
            _ => positions.push(format!(
                "--> {}:{}:{}",
                escape(&l.file),
                l.line(),
                l.column()
            )),
        }
    }
    for p in &positions {
        group = group.element(Level::NOTE.no_name().message(p.as_str()));
    }
    let notes: Vec<Cow<'_, str>> = d.notes.iter().map(|n| escape(n)).collect();
    for note in &notes {
        group = group.element(Level::NOTE.message(note.as_ref()));
    }
    let help = d.help.as_deref().map(escape);
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    renderer.render(&[group])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Position, Span};

    fn at(file: &str, line: usize, offset: usize, len: usize) -> Location {
        let pos = |column: usize, offset: usize| Position {
            line,
            column,
            offset,
        };
        Location::at(
            file,
            line - 1,
            Span {
                start: pos(1, offset),
                end: pos(1 + len, offset + len),
            },
        )
    }

    /// 50,000 findings in one file of 50,000 lines: each snippet shows its own line and only
    /// it, so the output grows with the findings and not with findings times file size.
    #[test]
    fn many_findings_in_one_large_file_render_one_line_each() {
        let n = 50_000;
        let text: String = "---\n".repeat(n);
        let texts = BTreeMap::from([("big.yaml".to_string(), Arc::<str>::from(text.as_str()))]);
        let sources = Sources::new(&texts);
        let renderer = Renderer::plain();
        let mut out = String::new();
        for i in 0..n {
            let d = Diagnostic::new(Code::NotAMapping, "the document is empty, not a record")
                .at(at("big.yaml", i + 1, 4 * i, 3));
            let r = render(&renderer, &d, &sources);
            // The title, the position, and the one source line with its number.
            assert!(r.contains(&format!("--> big.yaml:{}:1", i + 1)), "{r}");
            assert_eq!(r.matches("---").count(), 1, "{r}");
            out.push_str(&r);
        }
        assert_eq!(out.matches("error[not-a-mapping]").count(), n);
        // Each rendering is a handful of lines, whatever the size of the file.
        assert!(out.lines().count() < 8 * n);
    }

    /// A node on a line longer than a snippet may show is named by position, not shown.
    #[test]
    fn a_finding_on_a_huge_line_is_named_by_position() {
        let text = format!("[{}]\n", "a, ".repeat(100_000));
        let texts = BTreeMap::from([("wide.yaml".to_string(), Arc::<str>::from(text.as_str()))]);
        let sources = Sources::new(&texts);
        let d = Diagnostic::new(Code::NotAMapping, "m").at(at("wide.yaml", 1, 90_001, 1));
        let r = render(&Renderer::plain(), &d, &sources);
        assert!(r.contains("--> wide.yaml:1:1"), "{r}");
        assert!(r.len() < 500, "{r}");
    }

    /// A file name or message with a line break cannot start a line of its own (GitHub
    /// Actions reads `::error ...` at the start of a line as a command).
    #[test]
    fn names_and_messages_stay_on_their_line() {
        let file = "a\n::error file=x::forged.yaml";
        let texts = BTreeMap::from([(file.to_string(), Arc::<str>::from("key: value\n"))]);
        let sources = Sources::new(&texts);
        let d = Diagnostic::new(Code::NotAMapping, "bad\r\n::warning::x")
            .at(at(file, 1, 0, 3))
            .with_help("h\n::notice::y");
        for r in [
            render(&Renderer::plain(), &d, &sources),
            render(&Renderer::plain(), &d, &Sources::new(&BTreeMap::new())),
        ] {
            assert!(r.lines().all(|l| !l.trim_start().starts_with("::")), "{r}");
            assert!(r.contains("a\\n::error file=x::forged.yaml"), "{r}");
        }
    }
}
