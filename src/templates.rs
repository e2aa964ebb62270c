//! Templates (minijinja): the defaults are embedded in the binary; a repository overrides any
//! of them, one file at a time, by putting a file of the same name in its `templates/` folder.

use minijinja::{Environment, UndefinedBehavior};
use std::path::{Path, PathBuf};

/// Why a template could not be rendered. Both are about the template (most often an
/// override in the repository), not about the data it is given.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template could not be loaded: not found, an override refused (a link, too large,
    /// not UTF-8), or a syntax error.
    #[error("template `{name}`: {source:#}")]
    Load {
        name: String,
        source: minijinja::Error,
    },
    /// The template failed while rendering: an undefined value, a failed include, out of fuel.
    #[error("template `{name}` failed: {}", with_causes(.source))]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

/// An error and the chain of its sources, one `caused by:` line each: an include hides the
/// error that matters in its source chain.
fn with_causes(e: &minijinja::Error) -> String {
    let mut message = format!("{e:#}");
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message.push_str(&format!("\ncaused by: {inner:#}"));
        source = inner.source();
    }
    message
}

/// A default template: its name, and its text embedded from `templates/`.
macro_rules! embedded {
    ($name:literal) => {
        ($name, include_str!(concat!("../templates/", $name)))
    };
}

/// The embedded defaults: `(name, text)`.
const DEFAULTS: &[(&str, &str)] = &[
    ("impact.md", include_str!("../templates/impact.md")),
    ("check.md", include_str!("../templates/check.md")),
    ("report.md", include_str!("../templates/report.md")),
    embedded!("site/base.html"),
    embedded!("site/macros.html"),
    embedded!("site/related.html"),
    embedded!("site/index.html"),
    embedded!("site/service.html"),
    embedded!("site/ci.html"),
    embedded!("site/sla.html"),
    embedded!("site/health.html"),
    embedded!("site/team.html"),
    embedded!("site/change.html"),
    embedded!("site/incident.html"),
    embedded!("site/incidents.html"),
    embedded!("site/problem.html"),
    embedded!("site/problems.html"),
    embedded!("site/known-errors.html"),
    embedded!("site/calendar.html"),
    embedded!("site/risks.html"),
    embedded!("site/cis.html"),
    embedded!("site/search.html"),
    embedded!("site/site.css"),
    embedded!("site/search.js"),
];

/// The largest template override read, in bytes.
pub(crate) const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// The text of the override of template `name` in `dir`, if there is one. Overrides are read
/// as the loader reads records: the name is a relative path without `..`, every folder on the
/// way is a real folder and the file a regular file (no symbolic link, device or FIFO, so
/// nothing outside the folder, such as `/proc/self/environ`, can be read through a link), of
/// at most `MAX_TEMPLATE_BYTES`. Anything else is an error, not a fallback to the default.
fn read_override(dir: &Path, name: &str) -> Result<Option<String>, String> {
    use std::io::Read;
    let parts: Vec<&str> = name.split('/').collect();
    if name.is_empty()
        || name.contains('\\')
        || parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(format!(
            "`{name}` is not a template name (a relative path without `..`)"
        ));
    }
    let mut path = dir.to_path_buf();
    let shown = |p: &Path| crate::report::escape(&p.display().to_string()).into_owned();
    for (i, part) in std::iter::once("").chain(parts.iter().copied()).enumerate() {
        if !part.is_empty() {
            path.push(part);
        }
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", shown(&path))),
        };
        let last = i == parts.len();
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{} is a symbolic link: template overrides are read from regular files only",
                shown(&path)
            ));
        }
        if !last && !meta.is_dir() {
            // A `templates` that is a file, or a folder on the way that is not one: no override.
            return Ok(None);
        }
        if last && !meta.is_file() {
            return Err(format!(
                "{} is not a regular file: template overrides are read from regular files only",
                shown(&path)
            ));
        }
    }
    let file =
        std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {e}", shown(&path)))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", shown(&path)))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", shown(&path)));
    }
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "{} is {} bytes, more than the {MAX_TEMPLATE_BYTES} a template may have",
            shown(&path),
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_TEMPLATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", shown(&path)))?;
    if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "{} has more than the {MAX_TEMPLATE_BYTES} bytes a template may have",
            shown(&path)
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{} is not UTF-8", shown(&path)))
}

/// The most template instructions one render may run. Every page of a site of 12,000
/// records renders in less than 5 million (list pages grow with the records); an override
/// that loops in loops stops here with an error.
pub(crate) const MAX_TEMPLATE_FUEL: u64 = 200_000_000;

/// The template set of one repository.
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The defaults, overridden by files in `dir` when it is given and exists.
    pub(crate) fn new(dir: Option<&Path>) -> Templates {
        Templates::with_fuel(dir, MAX_TEMPLATE_FUEL)
    }

    fn with_fuel(dir: Option<&Path>, fuel: u64) -> Templates {
        let mut env = Environment::new();
        env.set_fuel(Some(fuel));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        // Markdown is not HTML: values are escaped by the `md` filter where they land in
        // text, so that a name cannot break a table or inject markup.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        env.add_filter("md", markdown_text);
        env.add_filter("code", markdown_code);
        env.add_filter("block", markdown_block);
        // HTML escaping without minijinja's `/` → `&#x2f;`: a slash is harmless in text and
        // in quoted attributes, and a site has a great many paths.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text)
                if *state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() =>
            {
                write_html_text(out, text).map_err(minijinja::Error::from)
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        let dir: Option<PathBuf> = dir.map(Path::to_path_buf);
        env.set_loader(move |name| {
            if let Some(dir) = &dir
                && let Some(text) = read_override(dir, name)
                    .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e))?
            {
                return Ok(Some(text));
            }
            Ok(DEFAULTS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).into()))
        });
        Templates { env }
    }

    /// The templates of the repository rooted at `root` (its `templates/` folder).
    pub(crate) fn for_repo(root: &Path) -> Templates {
        Templates::new(Some(&root.join("templates")))
    }

    pub(crate) fn render(
        &self,
        name: &str,
        context: impl serde::Serialize,
    ) -> Result<String, TemplateError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|source| TemplateError::Load {
                name: name.to_string(),
                source,
            })?;
        template
            .render(minijinja::value::Serde(&context))
            .map_err(|source| TemplateError::Render {
                name: name.to_string(),
                source,
            })
    }
}

/// Escape text for a Markdown table cell or line: no HTML, no link or image, no table break,
/// no line break. Backticks stay where they make a code span (messages name ids in code
/// spans, and a code span cannot carry markup); a backtick that opens no span is escaped, so
/// that the rest of the text is read as this function escaped it.
fn markdown_text(value: String) -> String {
    let s = value.as_str();
    let bytes = s.as_bytes();
    // Every run of backticks, and for each the next run of the same length: a code span
    // opens at a run when such a run follows (CommonMark), found in linear time.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(k) = s[i..].find('`') {
        let at = i + k;
        let n = bytes[at..].iter().take_while(|&&b| b == b'`').count();
        runs.push((at, n));
        i = at + n;
    }
    let mut next_same = vec![usize::MAX; runs.len()];
    let mut last: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (r, &(_, n)) in runs.iter().enumerate().rev() {
        if let Some(&later) = last.get(&n) {
            next_same[r] = later;
        }
        last.insert(n, r);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut r = 0;
    while i < s.len() {
        if r < runs.len() && runs[r].0 == i {
            let n = runs[r].1;
            if let Some(&(close, _)) = runs.get(next_same[r]) {
                out.push_str(&s[i..i + n]);
                for c in s[i + n..close].chars() {
                    match c {
                        '|' => out.push_str("\\|"),
                        c if c.is_control() => out.push(' '),
                        c => out.push(c),
                    }
                }
                out.push_str(&s[close..close + n]);
                i = close + n;
                r = next_same[r] + 1;
            } else {
                for _ in 0..n {
                    out.push_str("\\`");
                }
                i += n;
                r += 1;
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // `@name` would notify that account from the pull-request comment: a zero-width
            // space after the `@` keeps the text and drops the mention.
            '@' => out.push_str("@\u{200b}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        i += c.len_utf8();
    }
    out
}

/// A value as a Markdown code span (a file name, a field path): fenced by more backticks
/// than it holds in a row, pipes escaped for tables, line breaks and other control
/// characters shown as escapes.
fn markdown_code(value: String) -> String {
    let text = crate::report::escape(&value).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text of many lines (a workaround) as a fenced code block: shown as written, with nothing in
/// it made into markup, a link, an image or a mention. The fence is longer than any run of
/// backticks in the text, so no line can close it; control characters become escapes, so each
/// line stays a line.
fn markdown_block(value: String) -> String {
    let text: Vec<String> = value
        .lines()
        .map(|line| crate::report::escape(line).into_owned())
        .collect();
    let text = text.join("\n");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{text}\n{fence}")
}

/// `&`, `<`, `>`, `"` and `'` as entities: enough for text and for quoted attributes. Runs
/// of other characters are written whole (a site writes hundreds of megabytes through here).
fn write_html_text(out: &mut impl std::fmt::Write, value: &str) -> std::fmt::Result {
    let mut rest = value;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..i])?;
        out.write_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#x27;",
        })?;
        rest = &rest[i + 1..];
    }
    out.write_str(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_escapes_what_could_open_markup_or_close_an_attribute() {
        let mut out = String::new();
        write_html_text(&mut out, "a/b <script>alert('x' & \"y\")</script> é").unwrap();
        assert_eq!(
            out,
            "a/b &lt;script&gt;alert(&#x27;x&#x27; &amp; &quot;y&quot;)&lt;/script&gt; é"
        );
    }

    #[test]
    fn markdown_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(
            markdown_text("a|b<script>\n`c_d`".into()),
            "a\\|b&lt;script&gt; `c_d`"
        );
    }

    #[test]
    fn markdown_text_cannot_mention_anyone() {
        assert_eq!(
            markdown_text("ping @octocat and @org/team".into()),
            "ping @\u{200b}octocat and @\u{200b}org/team"
        );
    }

    #[test]
    fn markdown_text_cannot_make_a_link_or_an_image() {
        assert_eq!(
            markdown_text("![x](https://e.test/p.png) [y](javascript:z)".into()),
            "!\\[x\\](https://e.test/p.png) \\[y\\](javascript:z)"
        );
        // A backslash cannot undo the escape of a pipe.
        assert_eq!(markdown_text("a\\|b".into()), "a\\\\\\|b");
        // A backtick that opens no code span is escaped, and what follows stays escaped.
        assert_eq!(markdown_text("`a [b](c)".into()), "\\`a \\[b\\](c)");
        // A code span keeps its text; a pipe in it is still escaped for tables.
        assert_eq!(markdown_text("`a|[b]` [c]".into()), "`a\\|[b]` \\[c\\]");
        // Runs of different lengths do not close each other.
        assert_eq!(markdown_text("``a`b``".into()), "``a`b``");
        assert_eq!(markdown_text("``a`".into()), "\\`\\`a\\`");
    }

    #[test]
    fn markdown_code_spans_hold_any_file_name() {
        assert_eq!(markdown_code("a/b.yaml".into()), "`a/b.yaml`");
        assert_eq!(markdown_code("a`b|c\n::x".into()), "``a`b\\|c\\n::x``");
        assert_eq!(markdown_code("`a".into()), "`` `a ``");
    }

    #[test]
    fn markdown_blocks_show_any_text_as_written() {
        assert_eq!(
            markdown_block("Restart @ops [x](y)\n  then <b>".into()),
            "```text\nRestart @ops [x](y)\n  then <b>\n```"
        );
        // No line of the text can close the fence.
        assert_eq!(
            markdown_block("a\n````\nb".into()),
            "`````text\na\n````\nb\n`````"
        );
        // A control character cannot end the line or move the cursor.
        assert_eq!(
            markdown_block("a\rb\u{1b}[2J".into()),
            "```text\na\\rb\\u{1b}[2J\n```"
        );
    }

    #[test]
    fn overrides_are_regular_files_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("secret");
        std::fs::write(&outside, "TOKEN=hunter2").unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(templates.join("site")).unwrap();
        std::os::unix::fs::symlink(&outside, templates.join("check.md")).unwrap();
        let t = Templates::new(Some(&templates));
        let err = t.render("check.md", serde_json::json!({})).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        // A linked folder on the way is refused too.
        std::os::unix::fs::symlink(dir.path(), templates.join("site/x")).unwrap();
        assert!(read_override(&templates, "site/x/secret").is_err());
        // Names cannot climb out.
        assert!(read_override(&templates, "../secret").is_err());
        assert!(read_override(&templates, "/etc/passwd").is_err());
        // A linked templates folder is refused as a whole.
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(&templates, &linked).unwrap();
        assert!(read_override(&linked, "impact.md").is_err());
        // Missing overrides fall back to the defaults.
        assert_eq!(read_override(&templates, "impact.md"), Ok(None));
        // Too large.
        std::fs::write(
            templates.join("impact.md"),
            vec![b'x'; MAX_TEMPLATE_BYTES as usize + 1],
        )
        .unwrap();
        assert!(
            read_override(&templates, "impact.md")
                .unwrap_err()
                .contains("bytes")
        );
    }

    #[test]
    fn a_template_that_loops_in_loops_runs_out_of_fuel() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("check.md"),
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let t = Templates::with_fuel(Some(dir.path()), 100_000);
        let err = t.render("check.md", serde_json::json!({})).unwrap_err();
        assert!(err.to_string().contains("fuel"), "{err}");
    }

    #[test]
    fn a_repository_template_overrides_the_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("impact.md"), "custom {{ risk.level }}").unwrap();
        let t = Templates::new(Some(dir.path()));
        let out = t
            .render("impact.md", serde_json::json!({"risk": {"level": "high"}}))
            .unwrap();
        assert_eq!(out, "custom high");
    }
}
