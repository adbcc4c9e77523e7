//! The article body: its text, sections and phone numbers, plain or deflated.

use super::*;
use crate::markdown::render;

#[test]
fn article_body_text_and_section_ranges_are_the_same_plain_or_deflated() {
    let markdown = "Lead text.\n\n## Lost card\n\nCall the number on the back.\n\n### Abroad\n\nCall collect.\n";
    let bodies = [false, true].map(|compact| {
        let rendered = render(markdown);
        ArticleBody::new(" Summary. ", rendered.html, rendered.sections, compact)
    });
    assert!(matches!(bodies[1].text, CompactText::Deflated(_)));
    assert!(bodies[1].html.size() < bodies[0].html.size());
    for body in &bodies {
        let text = body.text.get().expect("inflates");
        assert_eq!(
            text,
            "Summary.\nLead text.\nLost card\nCall the number on the back.\nAbroad\nCall collect."
        );
        let under: Vec<&str> = body
            .sections
            .iter()
            .map(|range| &text[range.clone()])
            .collect();
        assert_eq!(under, ["Call the number on the back.", "Call collect."]);
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["lost-card", "abroad"]);
    }
    assert_eq!(
        bodies[0].html().expect("plain"),
        bodies[1].html().expect("inflates")
    );
}

#[test]
fn a_body_finds_every_number_written_even_one_with_three_digits() {
    // `800-AXP-EARN` is a whole number with only three digits; the body once skipped text
    // with fewer than four, so an article naming only it recorded no number.
    for markdown in [
        "Rewards: 800-AXP-EARN.
",
        "Rewards: 1-800-AXP-EARN.
",
        "Call 1-800-528-4800.
",
    ] {
        let rendered = render(markdown);
        let body = ArticleBody::new("", rendered.html, rendered.sections, false);
        let text = body.text.get().expect("plain");
        let found: Vec<&str> = body.phones.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found.len(), 1, "{markdown}: {found:?}");
        assert!(markdown.contains(found[0]), "{markdown}: {found:?}");
    }
    let rendered = render(
        "Section 12 of 2.
",
    );
    let body = ArticleBody::new("", rendered.html, rendered.sections, false);
    assert!(body.phones.is_empty());
}
