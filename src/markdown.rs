//! The only module that imports pulldown-cmark: Markdown to sanitised HTML, plain text per section,
//! headings with stable unique ids, and the links and phone numbers a body contains (for validation).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::phone::{FoundPhone, find_phones};

/// A heading of a rendered document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
    /// Unique slug id, the `#fragment` of the section.
    pub id: String,
    /// The heading's text.
    pub text: String,
}

/// The plain text under one heading (or before the first heading, where `heading` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading that opens the section.
    pub heading: Option<Heading>,
    /// Plain text of the section's body, paragraphs separated by newlines.
    pub text: String,
}

/// A link found in the Markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The destination as written.
    pub url: String,
    /// 1-based line in the Markdown source.
    pub line: usize,
}

/// A phone number found in the Markdown source's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRef {
    /// The number found.
    pub found: FoundPhone,
    /// 1-based line in the Markdown source.
    pub line: usize,
}

/// Everything the program needs from one Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Sanitised HTML with heading ids, `#` links and `tel:` links.
    pub html: String,
    /// Headings of level 2 and deeper, in order.
    pub headings: Vec<Heading>,
    /// Plain text split at headings.
    pub sections: Vec<Section>,
    /// Every link destination.
    pub links: Vec<LinkRef>,
    /// Every phone number in the text.
    pub phones: Vec<PhoneRef>,
    /// 1-based lines of the level-1 headings (`# Title` or `Title` over `===`); code blocks hold
    /// none.
    pub level_one_heading_lines: Vec<usize>,
}

impl Rendered {
    /// All the plain text of the document.
    pub fn plain_text(&self) -> String {
        let mut text = String::new();
        for section in &self.sections {
            if let Some(heading) = &section.heading {
                text.push_str(&heading.text);
                text.push('\n');
            }
            text.push_str(&section.text);
        }
        text.trim().to_string()
    }
}

/// The one place the Markdown dialect is chosen.
fn options() -> Options {
    // Heading attributes let an editor reword a heading and keep its anchor: `## New words {#old-id}`.
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Sanitiser for the rendered HTML: raw HTML in content is cleaned, our own ids and classes kept.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tag_attributes("a", ["class", "aria-label"])
        .link_rel(None);
    builder
});

/// Turns heading text into a URL fragment: lower case ASCII letters and digits, `-` between words.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for character in text.chars().flat_map(char::to_lowercase) {
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Renders a Markdown document.
pub fn render(markdown: &str) -> Rendered {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(markdown.match_indices('\n').map(|(index, _)| index + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);

    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();

    let mut used_ids = HashSet::new();
    let mut output: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut headings = Vec::new();
    let mut sections = vec![Section {
        heading: None,
        text: String::new(),
    }];
    let mut links = Vec::new();
    let mut phones = Vec::new();
    let mut level_one_heading_lines = Vec::new();
    let mut link_depth = 0usize;
    let mut code_depth = 0usize;

    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        match event {
            Event::Start(opening @ Tag::Heading { level, .. }) => {
                let (heading, end) = push_heading(
                    &events,
                    index,
                    (opening, *level),
                    &mut used_ids,
                    &mut output,
                );
                if heading.level >= 2 {
                    headings.push(heading.clone());
                    sections.push(Section {
                        heading: Some(heading),
                        text: String::new(),
                    });
                } else {
                    level_one_heading_lines.push(line_of(range.start));
                }
                index = end + 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_depth += 1;
                links.push(LinkRef {
                    url: dest_url.to_string(),
                    line: line_of(range.start),
                });
                output.push(event.clone());
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                output.push(event.clone());
            }
            Event::Start(Tag::CodeBlock(_)) => {
                code_depth += 1;
                output.push(event.clone());
            }
            Event::End(TagEnd::CodeBlock) => {
                code_depth = code_depth.saturating_sub(1);
                output.push(event.clone());
            }
            Event::Text(text) => {
                push_text(sections.last_mut(), text);
                let found = find_phones(text);
                for phone in &found {
                    phones.push(PhoneRef {
                        found: phone.clone(),
                        line: line_of(range.start),
                    });
                }
                if found.is_empty() || link_depth > 0 || code_depth > 0 {
                    output.push(event.clone());
                } else {
                    output.extend(link_phones(text, &found));
                }
            }
            Event::Code(text) => {
                push_text(sections.last_mut(), text);
                output.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(sections.last_mut(), " ");
                output.push(event.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                if let Some(section) = sections.last_mut()
                    && !section.text.ends_with('\n')
                    && !section.text.is_empty()
                {
                    section.text.push('\n');
                }
                output.push(event.clone());
            }
            _ => output.push(event.clone()),
        }
        index += 1;
    }

    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, output.into_iter());
    let html = SANITIZER.clean(&html).to_string();
    Rendered {
        html,
        headings,
        sections: trimmed(sections),
        links,
        phones,
        level_one_heading_lines,
    }
}

/// Copies the heading that `opening` (its tag and level) starts at `events[start]` to `output`
/// with a unique id (recorded in `used_ids`) and an anchor link; returns the heading and the index
/// of its end event.
fn push_heading<'a>(
    events: &[(Event<'a>, Range<usize>)],
    start: usize,
    (opening, level): (&Tag<'a>, HeadingLevel),
    used_ids: &mut HashSet<String>,
    output: &mut Vec<Event<'a>>,
) -> (Heading, usize) {
    // Collect the heading's own events up to its end, to know its text before opening it.
    let end = events[start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
        .map_or(events.len(), |offset| start + offset);
    let text: String = events[start + 1..end]
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let text = text.trim().to_string();
    // An id the editor gave (`{#id}`) is kept, so a reworded heading keeps its old links.
    let base = match opening {
        Tag::Heading {
            id: Some(given), ..
        } if !slugify(given).is_empty() => slugify(given),
        _ => slugify(&text),
    };
    let id = unique_id(&base, used_ids);
    let mut opening = opening.clone();
    if let Tag::Heading {
        id: tag_id,
        classes,
        attrs,
        ..
    } = &mut opening
    {
        *tag_id = Some(CowStr::from(id.clone()));
        classes.clear();
        attrs.clear();
    }
    output.push(Event::Start(opening));
    output.extend(events[start + 1..end].iter().map(|(e, _)| e.clone()));
    output.push(Event::InlineHtml(CowStr::from(format!(
        " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"
    ))));
    if let Some((end_event, _)) = events.get(end) {
        output.push(end_event.clone());
    }
    let heading = Heading {
        level: heading_level_number(level),
        id,
        text,
    };
    (heading, end)
}

/// The sections with their text trimmed, without an empty lead before the first heading.
fn trimmed(mut sections: Vec<Section>) -> Vec<Section> {
    for section in &mut sections {
        section.text = section.text.trim().to_string();
    }
    if sections[0].text.is_empty() && sections.len() > 1 {
        sections.remove(0);
    }
    sections
}

/// Appends text to the current section.
fn push_text(section: Option<&mut Section>, text: &str) {
    if let Some(section) = section {
        section.text.push_str(text);
    }
}

/// Splits a text event around the phone numbers in it, turning each number into a `tel:` link.
fn link_phones<'a>(text: &str, found: &[FoundPhone]) -> Vec<Event<'a>> {
    let mut events = Vec::with_capacity(found.len() * 2 + 1);
    let mut position = 0;
    for phone in found {
        if phone.range.start > position {
            events.push(Event::Text(CowStr::from(
                text[position..phone.range.start].to_string(),
            )));
        }
        // The number as written is a text event, so pulldown-cmark's writer escapes it like any
        // other text: no escaper of our own.
        events.push(Event::InlineHtml(CowStr::from(format!(
            "<a class=\"tel\" href=\"tel:{}\">",
            phone.phone.e164()
        ))));
        events.push(Event::Text(CowStr::from(phone.written.clone())));
        events.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
        position = phone.range.end;
    }
    if position < text.len() {
        events.push(Event::Text(CowStr::from(text[position..].to_string())));
    }
    events
}

/// `base`, or `base-2`, `base-3`… when taken; the id returned is recorded in `used`.
fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut counter = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{counter}");
        counter += 1;
    }
    candidate
}

/// 1 for `#` through 6 for `######`.
fn heading_level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_keeps_the_id_its_editor_gave() {
        let rendered = render("## New words {#old-words}\n\nText.\n\n## Plain\n");
        let ids: Vec<&str> = rendered
            .sections
            .iter()
            .filter_map(|s| s.heading.as_ref().map(|h| h.id.as_str()))
            .collect();
        assert_eq!(ids, ["old-words", "plain"]);
        assert_eq!(
            rendered.sections[0]
                .heading
                .as_ref()
                .map(|h| h.text.as_str()),
            Some("New words")
        );
        assert!(
            rendered.html.contains("id=\"old-words\""),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn slugify_table() {
        for (text, slug) in [
            ("What to do first", "what-to-do-first"),
            ("If you're abroad!", "if-you-re-abroad"),
            ("  Step 1: Call  ", "step-1-call"),
            ("???", "section"),
            ("Ünïcode héading", "n-code-h-ading"),
        ] {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    #[test]
    fn headings_get_unique_ids_and_anchor_links() {
        let rendered = render("Intro\n\n## Call now\n\ntext\n\n## Call now\n\nmore\n");
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["call-now", "call-now-2"]);
        assert!(rendered.html.contains("<h2 id=\"call-now\">"));
        assert!(rendered.html.contains("href=\"#call-now-2\""));
        assert_eq!(rendered.sections.len(), 3);
        assert_eq!(rendered.sections[1].text, "text");
    }

    #[test]
    fn level_one_headings_are_reported_with_lines_outside_code() {
        for (markdown, lines) in [
            ("# Title\n\ntext\n", vec![1]),
            ("text\n\nTitle\n=====\n", vec![3]),
            ("```\n# comment\n```\n\n    # indented\n", vec![]),
            ("## Section\n\nSub\n---\n", vec![]),
        ] {
            assert_eq!(
                render(markdown).level_one_heading_lines,
                lines,
                "{markdown:?}"
            );
        }
    }

    #[test]
    fn raw_html_is_sanitised() {
        let rendered = render("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n");
        assert!(!rendered.html.contains("<script"));
        assert!(!rendered.html.contains("onerror"));
    }

    #[test]
    fn phone_numbers_become_tel_links_and_are_reported_with_lines() {
        let rendered = render("First line\n\nCall 1-800-528-4800 now.\n");
        assert!(
            rendered
                .html
                .contains("<a class=\"tel\" href=\"tel:+18005284800\">1-800-528-4800</a>")
        );
        assert_eq!(rendered.phones.len(), 1);
        assert_eq!(rendered.phones[0].line, 3);
    }

    #[test]
    fn links_are_reported_with_lines() {
        let rendered = render("a\n\nsee [this](/articles/x#y)\n");
        assert_eq!(
            rendered.links,
            [LinkRef {
                url: "/articles/x#y".into(),
                line: 3
            }]
        );
    }
}
