//! Arbitrary bytes through everything the loader does to one file: the UTF-8 check, YAML events
//! to JSON values (refusing anchors, aliases, tags, duplicate keys, deep nesting), classifying
//! every document into a typed record, the pointer → span index that locates findings, and the
//! human report that underlines them in the file's text.
//!
//! Properties: nothing panics (libFuzzer also reports a stack overflow, a timeout or running out
//! of memory as a crash); every document is a JSON value that nests no deeper than the limit;
//! every position lies inside the text, on a character boundary.

#![no_main]

use annotate_snippets::Renderer;
use cabinet::diag::{Diagnostic, Span};
use cabinet::load::{Classified, SpanIndex, classify, locate, parse};
use cabinet::model::Limits;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

const PATH: &str = "fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    let parsed = parse(PATH, text, limits.max_depth);
    let mut diagnostics = parsed.diagnostics.clone();
    let mut previous = None;
    for doc in &parsed.documents {
        assert!(
            previous.is_none_or(|p| doc.index > p),
            "document indexes increase"
        );
        previous = Some(doc.index);
        assert!(
            is_json(&doc.value, limits.max_depth),
            "a document is not a JSON value within the depth limit"
        );
        check_span(text, &doc.span);
        if let Classified::Record(record) = classify(PATH, doc.clone(), &mut diagnostics) {
            assert_eq!(record.origin.document, doc.index);
        }
    }

    let index = SpanIndex::build(PATH, text, limits.max_depth);
    for doc in &parsed.documents {
        for pointer in index.pointers(doc.index) {
            let span = index
                .find(doc.index, pointer, true)
                .expect("a recorded pointer is found");
            check_span(text, &span);
        }
    }

    let texts = BTreeMap::from([(PATH.to_string(), Arc::<str>::from(text))]);
    locate(&mut diagnostics, &texts, &limits);
    let renderer = Renderer::plain();
    let sources = cabinet::report::human::Sources::new(&texts);
    for d in &diagnostics {
        check_diagnostic(text, d);
        let _ = cabinet::report::human::render(&renderer, d, &sources);
    }
});

fn check_diagnostic(text: &str, d: &Diagnostic) {
    let spans = d
        .location
        .iter()
        .chain(d.related.iter().map(|r| &r.location));
    for span in spans.filter_map(|l| l.span.as_ref()) {
        check_span(text, span);
    }
}

fn check_span(text: &str, span: &Span) {
    for p in [span.start, span.end] {
        assert!(p.line >= 1 && p.column >= 1, "positions are 1-based: {p:?}");
        assert!(
            p.offset <= text.len(),
            "offset {} past the end ({})",
            p.offset,
            text.len()
        );
        assert!(
            text.is_char_boundary(p.offset),
            "offset {} inside a character",
            p.offset
        );
    }
}

/// A JSON value (with finite numbers) nesting at most `max_depth` collections; no recursion.
fn is_json(value: &Value, max_depth: usize) -> bool {
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Object(m) => {
                if depth + 1 > max_depth {
                    return false;
                }
                stack.extend(m.values().map(|c| (c, depth + 1)));
            }
            Value::Array(a) => {
                if depth + 1 > max_depth {
                    return false;
                }
                stack.extend(a.iter().map(|c| (c, depth + 1)));
            }
            Value::Number(n) => {
                if n.as_f64().is_none_or(|f| !f.is_finite()) {
                    return false;
                }
            }
            Value::String(_) | Value::Bool(_) | Value::Null => {}
        }
    }
    true
}
