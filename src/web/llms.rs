//! `/llms.txt` (the llmstxt.org convention): the site's key pages and the whole directory in
//! Markdown, for assistants that read it. Every number comes from the directory, with its purpose
//! and the guide that gives it.

use std::fmt::Write as _;

use super::views::sources_label;
use crate::content::{ContactKind, Site};

/// The text of `/llms.txt`.
pub(crate) fn render(site: &Site) -> String {
    let base = &site.settings.base_url;
    let mut text = format!(
        "# {}\n\n> {}\n\n{}\n\nSafety: the number printed on the back of a card is the one to trust; never give a full card number, CVV, PIN or one-time code to anyone who made contact first.\n\n## Key pages\n\n",
        site.settings.title, site.settings.description, site.settings.notice
    );
    let mut pages = vec![
        (
            "Home",
            "/".to_string(),
            "search and the numbers people need most",
        ),
        (
            "Phone numbers",
            "/contact".to_string(),
            "the whole directory by department",
        ),
        (
            "Frequently asked questions",
            "/faq".to_string(),
            "short answers",
        ),
        (
            "Directory as JSON",
            "/contacts.json".to_string(),
            "versioned, with sources and disagreements",
        ),
        (
            "Directory as vCard",
            "/contacts.vcf".to_string(),
            "every number as one address-book contact",
        ),
    ];
    if site.planner.is_some() {
        pages.insert(
            1,
            (
                "Plan your call",
                "/plan".to_string(),
                "three questions to the right number, what to have ready and what to say",
            ),
        );
    }
    for (title, path, what) in pages {
        let _ = writeln!(text, "- [{title}]({base}{path}): {what}");
    }
    text.push_str("\n## Articles\n\n");
    for article in &site.articles {
        let _ = writeln!(
            text,
            "- [{}]({base}{}): {}",
            article.title,
            article.url_path(),
            article.summary
        );
    }
    text.push_str("\n## Directory\n\n");
    for contact in &site.contacts {
        let mut facts = Vec::new();
        for number in &contact.numbers {
            // Hours belong to the number whose guide states them; the entry's own `hours` is set
            // only when every number shares them.
            let hours = match (&contact.hours, &number.hours) {
                (None, Some(hours)) => format!("; hours {hours}"),
                _ => String::new(),
            };
            facts.push(format!(
                "{} ({}{hours})",
                number.display,
                sources_label(site, &number.sources).to_lowercase()
            ));
        }
        facts.extend(contact.vanity.iter().map(|vanity| format!("also {vanity}")));
        facts.extend(contact.toll.map(|toll| toll.label().to_lowercase()));
        facts.extend(contact.hours.iter().map(|hours| format!("hours {hours}")));
        if contact.kind == ContactKind::Phone {
            facts.push(contact.region.label().to_lowercase());
        }
        facts.extend(contact.email.clone());
        facts.extend(contact.url.clone());
        if !contact.address.is_empty() {
            facts.push(contact.address.join(", "));
        }
        let _ = write!(
            text,
            "- [{}]({base}{}): {}; source: {}",
            contact.purpose,
            contact.url_path(),
            facts.join("; "),
            sources_label(site, &contact.sources).to_lowercase()
        );
        if let Some(conflict) = &contact.conflict {
            let _ = write!(text, ". The guides disagree: {conflict}");
        }
        text.push('\n');
    }
    text
}
