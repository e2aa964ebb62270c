//! Where each record's page lives. Ids are validated by the schema (`ID_PATTERN`), but a page
//! name must be safe whatever reaches this point, and unique on case-insensitive file systems
//! (macOS, Windows), where `Payments` and `payments` would be one file.

use crate::model::Kind;
use std::collections::{HashMap, HashSet};

/// The folder of a kind's pages.
pub(super) fn folder(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "services",
        Kind::ConfigurationItem => "cis",
        Kind::Sla => "slas",
        Kind::Team => "teams",
        Kind::Change => "changes",
        Kind::ChangeModel => "models",
        Kind::Policy => "policy",
        Kind::Config => "config",
        Kind::Incident => "incidents",
        Kind::Problem => "problems",
    }
}

/// A file-name stem for `id`: the id itself when it is plainly safe, otherwise every byte
/// outside `[A-Za-z0-9_-]` written as `~XX`, so no `/`, `\`, `..`, control or reserved
/// character survives. Never empty, never starting with `.`.
pub(crate) fn stem(id: &str) -> String {
    let plain = !id.is_empty()
        && id.len() <= 128
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && !id.contains("..")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let mut out = if plain {
        id.to_string()
    } else {
        let mut s = String::from("~");
        for b in id.bytes().take(128) {
            if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-') {
                s.push(b as char);
            } else {
                s.push_str(&format!("~{b:02X}"));
            }
        }
        s
    };
    // Device names that Windows refuses whatever the extension (`con.html`).
    let base = out.split('.').next().unwrap_or("").to_ascii_lowercase();
    let reserved = matches!(base.as_str(), "con" | "prn" | "aux" | "nul")
        || ((base.starts_with("com") || base.starts_with("lpt"))
            && base.len() == 4
            && base.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.insert(0, '_');
    }
    out
}

/// Page names for every id of one kind, unique even where case is ignored: the first id in
/// sorted order keeps its plain name, a later one that differs only in case gets a suffix.
pub(super) fn assign<'a>(ids: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut taken: HashSet<String> = HashSet::with_capacity(ids.len());
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        let base = stem(id);
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.to_ascii_lowercase()) {
            name = format!("{base}~{n}");
            n += 1;
        }
        out.insert(id.to_string(), format!("{name}.html"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_are_their_own_names() {
        assert_eq!(stem("payments-api"), "payments-api");
        assert_eq!(stem("CHG-2026-0042"), "CHG-2026-0042");
        assert_eq!(stem("v1.2_x"), "v1.2_x");
    }

    #[test]
    fn nothing_can_climb_out_or_hide() {
        for bad in [
            "../etc/passwd",
            "a/b",
            "..",
            ".hidden",
            "a\\b",
            "",
            "x\0y",
            "é",
        ] {
            let s = stem(bad);
            assert!(
                !s.contains('/') && !s.contains('\\') && !s.contains(".."),
                "{s}"
            );
            assert!(!s.starts_with('.') && !s.is_empty(), "{s}");
            assert!(s.bytes().all(|b| b.is_ascii_graphic()), "{s}");
        }
        assert_eq!(stem("../x"), "~~2E~2E~2Fx");
    }

    #[test]
    fn windows_device_names_are_avoided() {
        assert_eq!(stem("con"), "_con");
        assert_eq!(stem("COM1.x"), "_COM1.x");
        assert_eq!(stem("console"), "console");
    }

    #[test]
    fn names_differing_only_in_case_do_not_collide() {
        let names = assign(["Payments", "payments", "other"]);
        assert_eq!(names["Payments"], "Payments.html");
        assert_eq!(names["payments"], "payments~2.html");
        assert_eq!(names["other"], "other.html");
    }
}
