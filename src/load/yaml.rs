//! From YAML text to JSON values, refusing what records must not contain.
//!
//! The parser (granit, as shipped by serde-saphyr) reports a span for every event. The first
//! pass builds `serde_json::Value`s straight from the events and keeps no spans, which is what
//! makes validating a large repository cheap. When a finding needs a line and a column, the same
//! builder runs again over that one file with a recorder that maps every JSON pointer to the
//! spans of its key and value (`SpanIndex`).
//!
//! The builder is a loop over events with an explicit stack (no recursion), so nesting depth is
//! bounded by `Limits::max_depth`, not by the thread's stack. Anchors, aliases, merge keys and
//! custom tags are refused rather than expanded, so an alias bomb never expands.

use crate::diag::{Code, Diagnostic, Location, Position, Span};
use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{
    ErrorKind, Event, Marker, Options, Parser, ScalarStyle, Span as YamlSpan, Tag,
};
use std::borrow::Cow;
use std::collections::HashMap;

/// One YAML document of a file, as a JSON value.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    /// Position of the document in its file (0-based).
    pub index: usize,
    pub value: Value,
    /// Where the document's root node starts.
    pub span: Span,
    /// A value was refused (an alias, a custom tag, an overflowing number) and replaced by
    /// null; the document is not checked further, so the refusal is not reported twice.
    pub tainted: bool,
}

/// Everything one file yields: its documents and the problems met reading them.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub documents: Vec<ParsedDocument>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Spans of one node: the key that introduced it (for mapping entries) and the value.
#[derive(Debug, Clone, Copy)]
pub(super) struct NodeSpan {
    pub key: Option<Span>,
    pub value: Span,
}

/// JSON pointer → span, for every node of every document of one file.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<(usize, String), NodeSpan>,
}

impl SpanIndex {
    /// Build the index for one file's text.
    pub fn build(path: &str, text: &str, max_depth: usize) -> SpanIndex {
        let mut index = SpanIndex::default();
        Builder::new(path, text, max_depth, Some(&mut index)).run();
        index
    }

    /// The span of the node at `pointer`, or of its nearest ancestor that exists (a missing
    /// field points at the mapping that should hold it).
    pub fn find(&self, document: usize, pointer: &str, on_key: bool) -> Option<Span> {
        let mut p = pointer.to_string();
        let mut exact = true;
        loop {
            if let Some(node) = self.nodes.get(&(document, p.clone())) {
                return Some(if on_key && exact {
                    node.key.unwrap_or(node.value)
                } else {
                    node.value
                });
            }
            match p.rfind('/') {
                Some(i) => {
                    p.truncate(i);
                    exact = false;
                }
                None => return None,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every pointer recorded for one document (tests use it to prove full coverage).
    pub fn pointers(&self, document: usize) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .nodes
            .keys()
            .filter(|(d, _)| *d == document)
            .map(|(_, p)| p.as_str())
            .collect();
        v.sort_unstable();
        v
    }
}

/// Parse a file's text into documents, with every problem as a diagnostic.
pub fn parse(path: &str, text: &str, max_depth: usize) -> ParsedFile {
    Builder::new(path, text, max_depth, None).run()
}

enum Frame {
    Map {
        map: Map<String, Value>,
        /// The key waiting for its value; `None` when the next node is a key.
        pending: Option<PendingKey>,
        start: YamlSpan,
        pointer: String,
    },
    Seq {
        items: Vec<Value>,
        start: YamlSpan,
        pointer: String,
    },
}

struct PendingKey {
    key: String,
    span: Span,
    /// A duplicate: its value is read and dropped.
    discard: bool,
}

struct Builder<'a, 'r> {
    path: &'a str,
    text: &'a str,
    max_depth: usize,
    recorder: Option<&'r mut SpanIndex>,
    out: ParsedFile,
    stack: Vec<Frame>,
    document: usize,
    root: Option<(Value, Span)>,
    tainted: bool,
}

/// Why the current file cannot be read any further.
struct Abort;

impl<'a, 'r> Builder<'a, 'r> {
    fn new(
        path: &'a str,
        text: &'a str,
        max_depth: usize,
        recorder: Option<&'r mut SpanIndex>,
    ) -> Self {
        Builder {
            path,
            text,
            max_depth,
            recorder,
            out: ParsedFile::default(),
            stack: Vec::new(),
            document: 0,
            root: None,
            tainted: false,
        }
    }

    fn run(mut self) -> ParsedFile {
        let mut options = Options::default();
        // Anchor events carry the span of `&name`, which is where the finding should point.
        options.emit_anchor_events = true;
        // The parser's own nesting limits (255 by default) must not undercut `max_depth`, which
        // may be set higher; whichever limit is met first is reported as `too-deep`.
        options.flow_nesting_limit = options
            .flow_nesting_limit
            .max(self.max_depth.saturating_add(1));
        options.block_nesting_limit = options
            .block_nesting_limit
            .max(self.max_depth.saturating_add(1));
        let mut parser = Parser::new_from_str_with_options(self.text, options);
        let mut saw_document = false;
        while let Some(next) = parser.next_event() {
            let (event, span) = match next {
                Ok(ev) => ev,
                Err(err) => {
                    let span = self.point(err.marker());
                    // The scanner looks ahead of the events, so a deep flow collection (`[[[[…`)
                    // can meet the parser's nesting limit before `start` sees `max_depth`.
                    let d = if *err.kind() == ErrorKind::RecursionLimitExceeded {
                        self.too_deep()
                    } else {
                        Diagnostic::new(Code::InvalidYaml, format!("invalid YAML: {}", err.info()))
                    };
                    self.push(d.at(Location::at(self.path, self.document, span)));
                    break;
                }
            };
            let step = match event {
                Event::StreamStart => Ok(()),
                Event::StreamEnd => break,
                Event::DocumentStart(..) => {
                    saw_document = true;
                    self.stack.clear();
                    self.root = None;
                    self.tainted = false;
                    Ok(())
                }
                Event::DocumentEnd => {
                    if let Some((value, span)) = self.root.take() {
                        self.out.documents.push(ParsedDocument {
                            index: self.document,
                            value,
                            span,
                            tainted: self.tainted,
                        });
                    }
                    self.document += 1;
                    Ok(())
                }
                Event::Alias(_) | Event::UnresolvedAlias(_) => {
                    let s = self.convert(&span);
                    self.push(
                        Diagnostic::new(Code::YamlAnchor, "aliases are not allowed in records")
                            .at(Location::at(self.path, self.document, s))
                            .with_label("alias")
                            .with_help("write the value out in full"),
                    );
                    self.tainted = true;
                    self.complete(Value::Null, s, span)
                }
                Event::Anchor(..) => {
                    let s = self.convert(&span);
                    self.push(
                        Diagnostic::new(Code::YamlAnchor, "anchors are not allowed in records")
                            .at(Location::at(self.path, self.document, s))
                            .with_label("anchor")
                            .with_help("remove the `&name` anchor and write values out in full"),
                    );
                    Ok(())
                }
                Event::Scalar(text, style, anchor, tag) => {
                    self.scalar(text, style, anchor, tag.as_deref(), span)
                }
                Event::SequenceStart(_, anchor, tag) => {
                    self.start(false, anchor, tag.as_deref(), span)
                }
                Event::MappingStart(_, anchor, tag) => {
                    self.start(true, anchor, tag.as_deref(), span)
                }
                Event::SequenceEnd | Event::MappingEnd => self.end(span),
                #[allow(unreachable_patterns)] // comment events exist only with a parser feature
                _ => Ok(()),
            };
            if step.is_err() {
                break;
            }
        }
        if !saw_document && self.out.diagnostics.is_empty() {
            self.push(
                Diagnostic::new(Code::EmptyFile, "the file holds no YAML document")
                    .at(Location::file(self.path))
                    .with_help("delete the file, or list it in `spec.exclude` in cabinet.yaml"),
            );
        }
        self.out
    }

    fn too_deep(&self) -> Diagnostic {
        Diagnostic::new(Code::TooDeep, format!("the document nests deeper than {} levels", self.max_depth))
            .with_help("records nest a few levels deep; raise `spec.limits.maxDepth` in cabinet.yaml only if this is genuine")
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    fn position(&self, m: &Marker) -> Position {
        Position {
            line: m.line().max(1),
            column: m.col() + 1,
            offset: m.byte_offset().unwrap_or(0).min(self.text.len()),
        }
    }

    fn point(&self, m: &Marker) -> Span {
        let p = self.position(m);
        Span { start: p, end: p }
    }

    fn convert(&self, s: &YamlSpan) -> Span {
        Span {
            start: self.position(&s.start),
            end: self.position(&s.end),
        }
    }

    /// The pointer of the node about to complete (only computed when recording).
    fn child_pointer(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some(Frame::Map {
                pending, pointer, ..
            }) => match pending {
                Some(k) => format!("{pointer}/{}", crate::diag::pointer::escape(&k.key)),
                None => pointer.clone(),
            },
            Some(Frame::Seq { items, pointer, .. }) => format!("{pointer}/{}", items.len()),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { pending: None, .. }))
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        _anchor: usize,
        tag: Option<&Tag>,
        raw: YamlSpan,
    ) -> Result<(), Abort> {
        let span = self.convert(&raw);
        if self.expecting_key() {
            return self.key(text, style, span);
        }
        let value = match resolve_scalar(text, style, tag) {
            Ok(v) => v,
            Err((code, message)) => {
                let at = match raw.tag_start {
                    Some(t) => Span {
                        start: self.position(&t),
                        end: span.end,
                    },
                    None => span,
                };
                self.push(
                    Diagnostic::new(code, message)
                        .at(Location::at(self.path, self.document, at))
                        .with_help(match code {
                            Code::NumberOutOfRange => "quote the value if it is an identifier",
                            _ => "write a plain string, number, boolean or null",
                        }),
                );
                self.tainted = true;
                Value::Null
            }
        };
        self.complete(value, span, raw)
    }

    fn key(&mut self, text: Cow<'_, str>, style: ScalarStyle, span: Span) -> Result<(), Abort> {
        if text == "<<" && style == ScalarStyle::Plain {
            self.push(
                Diagnostic::new(
                    Code::YamlAnchor,
                    "merge keys (`<<`) are not allowed in records",
                )
                .at(Location::at(self.path, self.document, span))
                .with_help("write the merged fields out in full"),
            );
        }
        let Some(Frame::Map { map, pending, .. }) = self.stack.last_mut() else {
            return Ok(());
        };
        let discard = map.contains_key(text.as_ref());
        let message = discard.then(|| format!("duplicate key `{text}`"));
        *pending = Some(PendingKey {
            key: text.into_owned(),
            span,
            discard,
        });
        if let Some(message) = message {
            self.push(
                Diagnostic::new(Code::DuplicateKey, message)
                    .at(Location::at(self.path, self.document, span))
                    .with_label("second occurrence")
                    .with_help("YAML tools disagree on which value wins; delete one of them"),
            );
        }
        Ok(())
    }

    fn start(
        &mut self,
        is_map: bool,
        _anchor: usize,
        tag: Option<&Tag>,
        raw: YamlSpan,
    ) -> Result<(), Abort> {
        let span = self.convert(&raw);
        if self.expecting_key() {
            self.push(
                Diagnostic::new(Code::UnsupportedYaml, "mapping keys must be plain scalars")
                    .at(Location::at(self.path, self.document, span))
                    .with_help("use a string as the key"),
            );
            return Err(Abort);
        }
        if let Some(tag) = tag {
            let expected = if is_map { "map" } else { "seq" };
            if !(tag.is_yaml_core_schema() && tag_suffix(tag) == expected) {
                self.push(
                    Diagnostic::new(
                        Code::UnsupportedYaml,
                        format!("tag `{tag}` is not supported in records"),
                    )
                    .at(Location::at(self.path, self.document, span))
                    .with_help("remove the tag"),
                );
                self.tainted = true;
            }
        }
        if self.stack.len() >= self.max_depth {
            let d = self
                .too_deep()
                .at(Location::at(self.path, self.document, span));
            self.push(d);
            return Err(Abort);
        }
        let pointer = if self.recorder.is_some() {
            self.child_pointer()
        } else {
            String::new()
        };
        self.stack.push(if is_map {
            Frame::Map {
                map: Map::new(),
                pending: None,
                start: raw,
                pointer,
            }
        } else {
            Frame::Seq {
                items: Vec::new(),
                start: raw,
                pointer,
            }
        });
        Ok(())
    }

    fn end(&mut self, raw_end: YamlSpan) -> Result<(), Abort> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, start) = match frame {
            Frame::Map { map, start, .. } => (Value::Object(map), start),
            Frame::Seq { items, start, .. } => (Value::Array(items), start),
        };
        let raw = YamlSpan::new(start.start, raw_end.end);
        let span = self.convert(&raw);
        self.complete(value, span, raw)
    }

    /// A node is finished: attach it to its parent, or make it the document's root.
    fn complete(&mut self, value: Value, span: Span, _raw: YamlSpan) -> Result<(), Abort> {
        if self.recorder.is_some() {
            let pointer = self.child_pointer();
            let key = match self.stack.last() {
                Some(Frame::Map {
                    pending: Some(k), ..
                }) => Some(k.span),
                _ => None,
            };
            let document = self.document;
            if let Some(rec) = self.recorder.as_deref_mut() {
                rec.nodes
                    .entry((document, pointer))
                    .or_insert(NodeSpan { key, value: span });
            }
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some((value, span));
            }
            Some(Frame::Map { map, pending, .. }) => {
                if let Some(k) = pending.take()
                    && !k.discard
                {
                    map.insert(k.key, value);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
        }
        Ok(())
    }
}

fn tag_suffix(tag: &Tag) -> &str {
    tag.suffix()
}

/// Resolve a scalar by the YAML 1.2 core schema: quoted and block scalars are strings; plain
/// ones may be null, booleans, integers or floats.
fn resolve_scalar(
    owned: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, (Code, String)> {
    let text = owned.as_ref();
    if let Some(tag) = tag {
        if !tag.is_yaml_core_schema() {
            return Err((
                Code::UnsupportedYaml,
                format!("tag `{tag}` is not supported in records"),
            ));
        }
        return match tag_suffix(tag) {
            "str" => Ok(Value::String(owned.into_owned())),
            "null" => Ok(Value::Null),
            "bool" => match text {
                "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
                "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
                _ => Err((Code::UnsupportedYaml, format!("`{text}` is not a boolean"))),
            },
            "int" | "float" => match resolve_plain(text) {
                Ok(Some(v @ Value::Number(_))) => Ok(v),
                Ok(_) => Err((Code::UnsupportedYaml, format!("`{text}` is not a number"))),
                Err(e) => Err(e),
            },
            other => Err((
                Code::UnsupportedYaml,
                format!("tag `!!{other}` is not supported in records"),
            )),
        };
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(owned.into_owned()));
    }
    Ok(resolve_plain(text)?.unwrap_or_else(|| Value::String(owned.into_owned())))
}

/// A plain scalar's value, or `None` when it is a string.
fn resolve_plain(text: &str) -> Result<Option<Value>, (Code, String)> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Some(Value::Null)),
        "true" | "True" | "TRUE" => return Ok(Some(Value::Bool(true))),
        "false" | "False" | "FALSE" => return Ok(Some(Value::Bool(false))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err((
                Code::UnsupportedYaml,
                format!("`{text}` is not a finite number"),
            ));
        }
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Some(Value::Number(i.into())));
        }
        if let Ok(u) = text.trim_start_matches('+').parse::<u64>() {
            return Ok(Some(Value::Number(u.into())));
        }
        return Err((
            Code::NumberOutOfRange,
            format!("the integer `{}` does not fit in 64 bits", shorten(text)),
        ));
    }
    if let Some(hex) = text.strip_prefix("0x")
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return i64::from_str_radix(hex, 16)
            .map(|i| Some(Value::Number(i.into())))
            .map_err(|_| {
                (
                    Code::NumberOutOfRange,
                    format!("the integer `{}` does not fit in 64 bits", shorten(text)),
                )
            });
    }
    if let Some(oct) = text.strip_prefix("0o")
        && !oct.is_empty()
        && oct.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return i64::from_str_radix(oct, 8)
            .map(|i| Some(Value::Number(i.into())))
            .map_err(|_| {
                (
                    Code::NumberOutOfRange,
                    format!("the integer `{}` does not fit in 64 bits", shorten(text)),
                )
            });
    }
    if looks_like_float(bytes)
        && let Ok(f) = text.parse::<f64>()
    {
        // JSON Schema counts a number with no fraction as an integer (`tier: 2.0` passes
        // `"type": "integer"`, in every validator), so the record reads it as one too: the
        // schema and the typed record must never disagree.
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
        if f.fract() == 0.0 && f.abs() < EXACT {
            #[allow(clippy::cast_possible_truncation)]
            return Ok(Some(Value::Number((f as i64).into())));
        }
        return match Number::from_f64(f) {
            Some(n) if f.is_finite() => Ok(Some(Value::Number(n))),
            _ => Err((
                Code::NumberOutOfRange,
                format!("the number `{}` is out of range", shorten(text)),
            )),
        };
    }
    Ok(None)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float.
fn looks_like_float(b: &[u8]) -> bool {
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - s;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let head: String = text.chars().take(37).collect();
        format!("{head}...")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> (Vec<Value>, Vec<String>) {
        let parsed = parse("t.yaml", text, 64);
        (
            parsed.documents.into_iter().map(|d| d.value).collect(),
            parsed
                .diagnostics
                .iter()
                .map(|d| format!("{}@{}:{}", d.code, d.line(), d.column()))
                .collect(),
        )
    }

    #[test]
    fn reads_core_schema_scalars() {
        let (docs, diags) = one("a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 0x1f\ng: yes\nh: 1e3\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            docs[0],
            json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "1", "f": 31, "g": "yes", "h": 1000})
        );
    }

    #[test]
    fn reads_several_documents() {
        let (docs, diags) = one("a: 1\n---\nb: 2\n");
        assert!(diags.is_empty());
        assert_eq!(docs, vec![json!({"a": 1}), json!({"b": 2})]);
    }

    #[test]
    fn refuses_duplicate_keys_anchors_aliases_and_merge_keys() {
        let (_, diags) = one("a: 1\na: 2\n");
        assert_eq!(diags, vec!["duplicate-key@2:1"]);
        let (_, diags) = one("a: &x 1\nb: *x\n");
        assert_eq!(
            diags,
            vec!["yaml-anchor@1:4", "yaml-anchor@2:4"],
            "anchor and alias"
        );
        let (_, diags) = one("base: {a: 1}\nc:\n  <<: {a: 2}\n");
        assert_eq!(diags, vec!["yaml-anchor@3:3"]);
    }

    #[test]
    fn refuses_overflowing_numbers_and_custom_tags() {
        let (_, diags) = one("a: 123456789012345678901234567890\nb: !Ref x\nc: .nan\n");
        assert_eq!(
            diags,
            vec![
                "number-out-of-range@1:4",
                "unsupported-yaml@2:4",
                "unsupported-yaml@3:4"
            ]
        );
    }

    #[test]
    fn stops_at_the_depth_limit_without_recursing() {
        let deep = "[".repeat(10_000);
        let parsed = parse("t.yaml", &deep, 64);
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(
            parsed.diagnostics[0].code,
            Code::TooDeep,
            "the scanner's own limit is too-deep too"
        );
        assert!(parsed.documents.is_empty());
        // A limit above the parser's default of 255 is honoured, not undercut.
        let parsed = parse(
            "t.yaml",
            &format!("{}{}", "[".repeat(300), "]".repeat(300)),
            1000,
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let parsed = parse("t.yaml", &deep, 1000);
        assert_eq!(parsed.diagnostics[0].code, Code::TooDeep);
        let block: String = (0..100)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        let parsed = parse("t.yaml", &block, 64);
        assert_eq!(parsed.diagnostics[0].code, Code::TooDeep);
    }

    #[test]
    fn reports_syntax_errors_with_a_position() {
        let (_, diags) = one("a:\n\tb: 1\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].starts_with("invalid-yaml@2:"), "{diags:?}");
        let (_, diags) = one("");
        assert_eq!(diags, vec!["empty-file@1:1"]);
    }

    #[test]
    fn span_index_points_at_keys_and_values() {
        let text = "kind: Service\nspec:\n  dependsOn:\n    - ci:pg-main\n    - {ref: 'a/b', impact: partial}\n";
        let index = SpanIndex::build("t.yaml", text, 64);
        let at = |p: &str, key: bool| {
            let s = index.find(0, p, key).unwrap();
            (s.start.line, s.start.column)
        };
        assert_eq!(at("/spec/dependsOn/0", false), (4, 7));
        assert_eq!(at("/spec/dependsOn/1/ref", false), (5, 13));
        assert_eq!(at("/spec/dependsOn/1/impact", true), (5, 20));
        assert_eq!(at("/spec/missing", false), (3, 3));
        assert_eq!(at("/kind", true), (1, 1));
    }
}
