//! Markdown descriptions to HTML that cannot carry markup of its own: raw HTML in the source
//! is shown as text, links go only to web, mail or in-page addresses, and images become links
//! (a catalogue page must not fetch anything from the network when it is opened).

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Render `text` (CommonMark with tables and strikethrough) to safe HTML.
pub(crate) fn render(text: &str) -> String {
    // No footnotes or task lists: several descriptions share a page (their ids would clash)
    // and a checkbox is a form control, not text.
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        // Raw HTML, block or inline, becomes text: pulldown-cmark escapes text on output.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        // Headings inside a description sit below the page's own h2 sections.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn demote(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 | H2 => H3,
        H3 => H4,
        H4 => H5,
        _ => H6,
    }
}

/// Keep a link target only if it is http(s), mailto, or scheme-less (relative or in-page);
/// `javascript:`, `data:` and the like become `#`.
pub(super) fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// See `safe_url`.
pub(crate) fn is_safe_url(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    match trimmed.find(':') {
        None => true,
        Some(colon) => {
            // A colon after a `/`, `?` or `#` is part of a path, not a scheme.
            if trimmed[..colon].contains(['/', '?', '#']) {
                return true;
            }
            let scheme = trimmed[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        assert_eq!(
            render("Takes *card* payments.\n\n- a\n- b\n"),
            "<p>Takes <em>card</em> payments.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        );
    }

    #[test]
    fn raw_html_is_text() {
        let out = render("<script>alert(1)</script>\n\nand <b onclick=x>inline</b>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b "), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("&lt;b onclick=x&gt;"), "{out}");
    }

    #[test]
    fn dangerous_links_are_defused_and_images_are_links() {
        let out = render(
            "[x](javascript:alert(1)) [y]( JaVa\tScript:alert(1)) ![pic](https://t.example/p.png) [ok](https://a.example/?q=1) [rel](other.html#a:b)",
        );
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(
            out.contains(r#"<a href="https://t.example/p.png">pic</a>"#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://a.example/?q=1""#), "{out}");
        assert!(out.contains(r#"href="other.html#a:b""#), "{out}");
    }

    #[test]
    fn headings_sit_below_the_page() {
        assert_eq!(render("# Title"), "<h3>Title</h3>\n");
    }
}
