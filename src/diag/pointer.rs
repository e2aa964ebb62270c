//! JSON pointers (RFC 6901), which locate a value inside a document: how a key becomes a
//! segment, and how a pointer reads as a field path in a message.

/// A key as one segment of a pointer: `~` and `/` escaped.
pub fn escape(segment: &str) -> String {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1")
    } else {
        segment.to_string()
    }
}

/// `/spec/dependsOn/1/ref` → `spec.dependsOn[1].ref`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_reads_as_a_field_path() {
        assert_eq!(dotted("/spec/dependsOn/1/ref"), "spec.dependsOn[1].ref");
        assert_eq!(dotted(""), "");
        assert_eq!(dotted("/metadata/labels/a~1b"), "metadata.labels.a/b");
    }

    #[test]
    fn a_key_with_a_slash_or_a_tilde_is_escaped() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(dotted(&format!("/x/{}", escape("a/b~c"))), "x.a/b~c");
    }
}
