//! The content data types: what editors write in `content/` (deserialised as-is) and the rendered
//! values the rest of the program reads. Field docs here are the authors' reference (see
//! `content/README.md`).

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::locator::{GuidePart, Locator};
use crate::compact::{CompactAfter, CompactText, InflateError};
use crate::markdown::{Heading, Section};
use crate::phone::{Phone, find_phones};

/// `site.toml`: settings for the whole site.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Site name, shown in the header and every `<title>`.
    pub title: String,
    /// One-sentence description for the home page and feeds.
    pub description: String,
    /// The independent-guide notice in every footer.
    pub notice: String,
    /// Absolute URL the site is served at, without trailing slash.
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
}

/// One source guide, from `guides.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// Stable id cited in `sources` lists.
    pub id: String,
    /// Full title, shown under "Sources".
    pub title: String,
    /// Short name used in attributions ("the call guide").
    pub short: String,
    /// File name of the guide in `shared/seeds/`.
    pub file: String,
    /// The guide's parts, in the order they appear in it, cited by locators (`id#part`).
    #[serde(default)]
    pub parts: Vec<GuidePart>,
}

/// One category, from `categories.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// URL segment: `/categories/{slug}`.
    pub slug: String,
    /// Display name.
    pub title: String,
    /// One or two sentences for the home and category pages.
    pub description: String,
    /// Sort order, ascending.
    pub weight: i64,
}

/// What sort of contact a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    /// One or more phone numbers.
    Phone,
    /// A postal address.
    Address,
    /// An email address.
    Email,
    /// A web address.
    Web,
}

impl ContactKind {
    /// `phone`, `address`, `email` or `web`: the name in `contacts.toml`, the JSON export and
    /// the cards' markup.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Address => "address",
            ContactKind::Email => "email",
            ContactKind::Web => "web",
        }
    }
}

/// How a phone call is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Toll {
    /// Free to call from the US.
    #[serde(rename = "toll-free")]
    TollFree,
    /// Reverse-charge call, usually from abroad.
    #[serde(rename = "collect")]
    Collect,
}

impl Toll {
    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Toll::TollFree => "Toll-free",
            Toll::Collect => "Call collect",
        }
    }
}

/// Where the caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// Calling from the United States.
    Us,
    /// Calling from outside the United States.
    Abroad,
    /// The guide does not say where the number works ("in certain regions").
    Unstated,
}

impl Region {
    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Region::Us => "From the US",
            Region::Abroad => "From outside the US",
            Region::Unstated => "Where it works is not stated",
        }
    }

    /// schema.org `areaServed` value; `None` when no guide says.
    pub fn area_served(self) -> Option<&'static str> {
        match self {
            Region::Us => Some("US"),
            Region::Abroad => Some("Worldwide"),
            Region::Unstated => None,
        }
    }
}

/// One phone number of a contact entry, as written in `contacts.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NumberSource {
    /// The number as the guide writes it.
    pub display: String,
    /// Guides that give this number for this purpose.
    pub sources: Vec<String>,
    /// What the guide says about the number.
    #[serde(default)]
    pub note: Option<String>,
    /// The parts of the guides that give this number for this purpose.
    #[serde(default)]
    pub cites: Vec<Locator>,
    /// Opening hours, where a guide states them for this number.
    #[serde(default)]
    pub hours: Option<String>,
    /// The part of a guide that states `hours`.
    #[serde(default)]
    pub hours_cite: Option<Locator>,
}

/// A contact entry as written in `contacts.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContactSource {
    pub id: String,
    pub department: String,
    pub purpose: String,
    pub kind: ContactKind,
    #[serde(default)]
    pub numbers: Vec<NumberSource>,
    #[serde(default)]
    pub vanity: Option<String>,
    #[serde(default)]
    pub toll: Option<Toll>,
    pub region: Region,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub conflict: Option<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub cites: Vec<Locator>,
    #[serde(default)]
    pub unofficial: bool,
    #[serde(default)]
    pub featured: Option<i64>,
    pub weight: i64,
}

/// A validated phone number of a contact entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// The number as the guide writes it (`1-800-528-4800`).
    pub display: String,
    /// The parsed number (digits, E.164, written forms).
    pub phone: Phone,
    /// Guides that give this number for this purpose.
    pub sources: Vec<String>,
    /// What the guide says about the number.
    pub note: Option<String>,
    /// The parts of the guides that give this number for this purpose.
    pub cites: Vec<Locator>,
    /// Opening hours, where a guide states them for this number.
    pub hours: Option<String>,
    /// The part of a guide that states `hours`.
    pub hours_cite: Option<Locator>,
}

impl PhoneNumber {
    /// The `tel:` URL, e.g. `tel:+18005284800`.
    pub fn tel_url(&self) -> String {
        format!("tel:{}", self.phone.e164())
    }
}

/// A validated contact directory entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    /// Stable anchor on `/contact`.
    pub id: String,
    /// Group heading on `/contact`.
    pub department: String,
    /// What the contact is for.
    pub purpose: String,
    /// Phone, address, email or web.
    pub kind: ContactKind,
    /// Phone numbers (phone entries only), in the order given.
    pub numbers: Vec<PhoneNumber>,
    /// Letter form of one of the numbers, where a guide gives one.
    pub vanity: Option<String>,
    /// Toll-free or collect (phone entries).
    pub toll: Option<Toll>,
    /// Where the caller is.
    pub region: Region,
    /// Opening hours shared by every number of the entry, where a guide states them (each
    /// number's own are on [`PhoneNumber::hours`]).
    pub hours: Option<String>,
    /// Postal address lines (address entries).
    pub address: Vec<String>,
    /// Email address (email entries).
    pub email: Option<String>,
    /// Web address (web entries).
    pub url: Option<String>,
    /// Extra context.
    pub notes: Option<String>,
    /// How the guides disagree about this entry, when they do.
    pub conflict: Option<String>,
    /// Guides that state the entry.
    pub sources: Vec<String>,
    /// The parts of the guides the entry's address, email or web address and its wording come
    /// from (phone entries: besides their numbers' own).
    pub cites: Vec<Locator>,
    /// A guide calls this contact unofficial.
    pub unofficial: bool,
    /// Position among the home page cards, when featured.
    pub featured: Option<i64>,
    /// Order inside the department.
    pub weight: i64,
}

impl Contact {
    /// Site-relative URL of the entry in the directory.
    pub fn url_path(&self) -> String {
        format!("/contact#{}", self.id)
    }
}

/// An FAQ as written in `faqs.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaqSource {
    pub id: String,
    pub category: String,
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub contacts: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub cites: Vec<Locator>,
    pub weight: i64,
}

/// A validated, rendered FAQ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Faq {
    /// Stable anchor on `/faq`.
    pub id: String,
    /// Category slug.
    pub category: String,
    /// The question.
    pub question: String,
    /// The answer rendered to sanitised HTML.
    pub answer_html: String,
    /// The answer as plain text (for search and JSON-LD).
    pub answer_text: String,
    /// Contact entries the answer relies on.
    pub contacts: Vec<String>,
    /// Extra search words.
    pub keywords: Vec<String>,
    /// Guides the answer draws on.
    pub sources: Vec<String>,
    /// The parts of the guides the answer draws on.
    pub cites: Vec<Locator>,
    /// Order inside the category.
    pub weight: i64,
}

impl Faq {
    /// Site-relative URL of the question.
    pub fn url_path(&self) -> String {
        format!("/faq#{}", self.id)
    }
}

/// Front matter of an article, between the `+++` lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The article's `h1`.
    pub title: String,
    /// One or two sentences shown under the title and in lists.
    pub summary: String,
    /// Category slug.
    pub category: String,
    /// Date of the last meaningful edit.
    pub updated: toml::value::Datetime,
    /// Guides the article draws on.
    pub sources: Vec<String>,
    /// The parts of the guides the article draws on.
    #[serde(default)]
    pub cites: Vec<Locator>,
    /// Contact entries shown in the article's contact panel.
    #[serde(default)]
    pub contacts: Vec<String>,
    /// Extra search words.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Old slugs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Order inside the category.
    #[serde(default)]
    pub weight: i64,
}

/// A validated, rendered article.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// URL segment, from the file name.
    pub slug: String,
    /// Path of the source file, for messages.
    pub source_path: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Category slug.
    pub category: String,
    /// Last updated, `YYYY-MM-DD`.
    pub updated: String,
    /// Guides the article draws on.
    pub sources: Vec<String>,
    /// The parts of the guides the article draws on.
    pub cites: Vec<Locator>,
    /// Contact ids for the panel.
    pub contacts: Vec<String>,
    /// Extra search words.
    pub keywords: Vec<String>,
    /// Old slugs that redirect here.
    pub aliases: Vec<String>,
    /// Order inside the category.
    pub weight: i64,
    /// The rendered body: HTML, headings and the plain text search and snippets use; shared with
    /// the search index, which keeps no copy of its own.
    pub body: Arc<ArticleBody>,
}

/// An article's body in the forms the site needs, each stored once (the texts deflated on a big
/// site; see [`crate::compact`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ArticleBody {
    /// The body rendered to sanitised HTML: read it with [`ArticleBody::html`] (on a big site it is
    /// deflated against `text`, which it mostly repeats).
    pub html: CompactAfter,
    /// `##` and deeper headings, in order: the table of contents.
    pub headings: Vec<Heading>,
    /// Plain text: the summary, then for each heading its line and the text under it.
    pub text: CompactText,
    /// Where the text under each heading sits in `text`, parallel to `headings`.
    pub sections: Vec<Range<usize>>,
    /// Where phone numbers are written in `text` (snippets link them; found once, at load).
    pub phones: Vec<Range<usize>>,
}

impl ArticleBody {
    /// Builds the body from the rendered Markdown and the article's summary; `compact` deflates
    /// the texts.
    pub fn new(summary: &str, html: String, sections: Vec<Section>, compact: bool) -> ArticleBody {
        let mut text = summary.trim().to_string();
        let mut headings = Vec::with_capacity(sections.len());
        let mut ranges = Vec::with_capacity(sections.len());
        for section in sections {
            if !text.is_empty() {
                text.push('\n');
            }
            if let Some(heading) = &section.heading {
                text.push_str(&heading.text);
                text.push('\n');
            }
            let start = text.len();
            text.push_str(&section.text);
            if let Some(heading) = section.heading {
                headings.push(heading);
                ranges.push(start..text.len());
            }
        }
        ArticleBody {
            html: CompactAfter::new(html, &text, compact),
            headings,
            phones: find_phones(&text)
                .into_iter()
                .map(|found| found.range)
                .collect(),
            text: CompactText::new(text, compact),
            sections: ranges,
        }
    }

    /// The body's HTML, inflated when needed (with the text it was deflated against).
    pub fn html(&self) -> Result<std::borrow::Cow<'_, str>, InflateError> {
        let text = self.text.get()?;
        self.html.get(&text)
    }
}

impl Article {
    /// Site-relative URL.
    pub fn url_path(&self) -> String {
        format!("/articles/{}", self.slug)
    }
}

/// One group of search synonyms from `synonyms.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymGroup {
    /// Words or short phrases that mean the same thing to a visitor.
    pub terms: Vec<String>,
}

#[cfg(test)]
mod tests;
