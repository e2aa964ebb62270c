//! Templates (minijinja): the defaults are embedded in the binary; a repository overrides any
//! of them, one file at a time, by putting a file of the same name in its `templates/` folder.

use crate::error::CommandError;
use minijinja::{Environment, UndefinedBehavior};
use std::path::{Path, PathBuf};

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
    embedded!("site/base.html"),
    embedded!("site/macros.html"),
    embedded!("site/related.html"),
    embedded!("site/index.html"),
    embedded!("site/service.html"),
    embedded!("site/ci.html"),
    embedded!("site/sla.html"),
    embedded!("site/team.html"),
    embedded!("site/change.html"),
    embedded!("site/calendar.html"),
    embedded!("site/risks.html"),
    embedded!("site/cis.html"),
    embedded!("site/search.html"),
    embedded!("site/site.css"),
    embedded!("site/search.js"),
];

/// The template set of one repository.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The defaults, overridden by files in `dir` when it is given and exists.
    pub fn new(dir: Option<&Path>) -> Templates {
        let mut env = Environment::new();
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
        let dir: Option<PathBuf> = dir.filter(|d| d.is_dir()).map(Path::to_path_buf);
        env.set_loader(move |name| {
            if let Some(dir) = &dir {
                // minijinja's loader refuses `..` and absolute names, so this stays inside `dir`.
                if let Some(text) = minijinja::path_loader(dir)(name)? {
                    return Ok(Some(text));
                }
            }
            Ok(DEFAULTS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).into()))
        });
        Templates { env }
    }

    /// The templates of the repository rooted at `root` (its `templates/` folder).
    pub fn for_repo(root: &Path) -> Templates {
        Templates::new(Some(&root.join("templates")))
    }

    pub fn render(
        &self,
        name: &str,
        context: impl serde::Serialize,
    ) -> Result<String, CommandError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| CommandError::usage(format!("template `{name}`: {e:#}")))?;
        template.render(minijinja::value::Serde(&context)).map_err(|e| {
            // An include hides the error that matters in its source chain.
            let mut message = format!("template `{name}` failed: {e:#}");
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                message.push_str(&format!("\ncaused by: {inner:#}"));
                source = inner.source();
            }
            CommandError::usage(message)
                .hint("check the template in the repository's templates/ folder against the default in cabinet's templates/")
        })
    }
}

/// Escape text for a Markdown table cell or line: no HTML, no table breaks, no line breaks.
/// Backticks stay: messages name ids in code spans, and a code span cannot carry markup.
fn markdown_text(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
