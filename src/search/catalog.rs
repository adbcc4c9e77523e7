//! The catalog: what a hit shows (title, URL, breadcrumb, snippet text, phone numbers), kept by
//! ordinal outside tantivy so nothing is stored twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::snippet::{self, Highlight};
use super::types::{Fragment, HitKind, PhoneLink};
use super::understand::Analyzers;
use super::wordmap::{Terms, WordMap};
use crate::content::ArticleBody;

/// An article's plain text; text that cannot be inflated is logged and read as empty (a snippet or
/// an indexed text goes missing, never a page: pages fail to render instead).
pub(crate) fn inflated(body: &ArticleBody) -> Cow<'_, str> {
    body.text.get().unwrap_or_else(|error| {
        tracing::error!(%error, "an article's kept text is damaged; searching it as empty");
        Cow::Borrowed("")
    })
}

/// Where a catalog entry comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// An article, by its index in [`Catalog::articles`].
    Article(usize),
    /// A section: its article's index and the section's position in that article.
    Section {
        /// Index in [`Catalog::articles`].
        article: usize,
        /// Position among the article's headings and sections.
        section: usize,
    },
    /// An FAQ, by its index in [`Catalog::faqs`].
    Faq(usize),
    /// A contact entry, by its index in [`Catalog::contacts`].
    Contact(usize),
}

/// What the results page needs about an article. The text snippets are cut from is the article's
/// own [`ArticleBody`] (shared, not copied: on a big site it is the largest part of the content).
#[derive(Debug)]
pub(crate) struct ArticleRecord {
    /// The article's title.
    pub(crate) title: String,
    /// Its site path.
    pub(crate) url: String,
    /// Its category, by index in [`Catalog::categories`].
    pub(crate) category: Option<usize>,
    /// The contact ids it names, in the order it names them.
    pub(crate) contacts: Vec<String>,
    /// Its text, headings and section ranges.
    pub(crate) body: Arc<ArticleBody>,
    /// Where the index terms are written in its text, when it is kept plain.
    pub(crate) words: Option<WordMap>,
}

/// What the results page needs about an FAQ.
#[derive(Debug)]
pub(crate) struct FaqRecord {
    /// The question.
    pub(crate) question: String,
    /// Its site path with anchor.
    pub(crate) url: String,
    /// Its category, by index in [`Catalog::categories`].
    pub(crate) category: Option<usize>,
    /// The contact ids it names.
    pub(crate) contacts: Vec<String>,
    /// Where phone numbers are written in `text`.
    pub(crate) phones: Vec<Range<usize>>,
    /// The answer as plain text.
    pub(crate) text: String,
    /// Where the index terms are written in `text`.
    pub(crate) words: Option<WordMap>,
}

/// What the results page needs about a contact entry.
#[derive(Debug)]
pub(crate) struct ContactRecord {
    /// The contact's id.
    pub(crate) id: String,
    /// What it is for (the hit's title).
    pub(crate) purpose: String,
    /// Its department (the breadcrumb's last part).
    pub(crate) department: String,
    /// Its site path with anchor.
    pub(crate) url: String,
    /// The entry as prose: numbers, billing, hours, address, notes.
    pub(crate) text: String,
    /// Where phone numbers are written in `text`.
    pub(crate) phone_ranges: Vec<Range<usize>>,
    /// Its numbers, for click-to-call.
    pub(crate) phones: Vec<PhoneLink>,
    /// Where the index terms are written in `text`.
    pub(crate) words: Option<WordMap>,
}

/// Everything a hit shows, by ordinal; held outside the index so nothing is stored twice.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    /// Where each entry comes from, by ordinal.
    pub(crate) entries: Vec<Source>,
    /// The kind of each entry, by ordinal (shared with the collectors).
    pub(crate) kinds: Vec<HitKind>,
    /// Category titles, in the site's order.
    pub(crate) categories: Vec<String>,
    /// The articles, in the site's order.
    pub(crate) articles: Vec<ArticleRecord>,
    /// The FAQs, in the site's order.
    pub(crate) faqs: Vec<FaqRecord>,
    /// The contact entries, in the site's order.
    pub(crate) contacts: Vec<ContactRecord>,
    /// The ordinal of each contact entry, by contact id.
    pub(crate) contact_ordinals: HashMap<String, usize>,
    /// The index terms of the texts' word maps.
    pub(crate) terms: Terms,
}

/// A query's highlighted terms, looked up once for all the hits of a page.
pub(crate) struct SnippetTerms<'h> {
    /// The terms, as the query plan gives them.
    highlights: &'h HashMap<String, Highlight>,
    /// Those that occur in a mapped text, by id.
    ids: Vec<(u32, &'h Highlight)>,
    /// Their first letters.
    prefixes: Vec<&'h str>,
}

impl Catalog {
    /// The kind of hit an entry is.
    pub(crate) fn kind(&self, ordinal: usize) -> HitKind {
        self.kinds[ordinal]
    }

    /// Hit title.
    pub(crate) fn title(&self, ordinal: usize) -> &str {
        match self.entries[ordinal] {
            Source::Article(index) => &self.articles[index].title,
            Source::Section { article, section } => {
                &self.articles[article].body.headings[section].text
            }
            Source::Faq(index) => &self.faqs[index].question,
            Source::Contact(index) => &self.contacts[index].purpose,
        }
    }

    /// Site path of the hit, with its anchor.
    pub(crate) fn url(&self, ordinal: usize) -> String {
        match self.entries[ordinal] {
            Source::Article(index) => self.articles[index].url.clone(),
            Source::Section { article, section } => {
                let article = &self.articles[article];
                format!("{}#{}", article.url, article.body.headings[section].id)
            }
            Source::Faq(index) => self.faqs[index].url.clone(),
            Source::Contact(index) => self.contacts[index].url.clone(),
        }
    }

    /// Category title, for articles, sections and FAQs.
    pub(crate) fn category(&self, ordinal: usize) -> Option<&str> {
        let category = match self.entries[ordinal] {
            Source::Article(index) | Source::Section { article: index, .. } => {
                self.articles[index].category
            }
            Source::Faq(index) => self.faqs[index].category,
            Source::Contact(_) => None,
        };
        category.map(|index| self.categories[index].as_str())
    }

    /// Trail above the title: category (and article, for a section); a contact's department.
    pub(crate) fn breadcrumb(&self, ordinal: usize) -> Vec<String> {
        let mut trail: Vec<String> = self
            .category(ordinal)
            .map(str::to_string)
            .into_iter()
            .collect();
        match self.entries[ordinal] {
            Source::Section { article, .. } => trail.push(self.articles[article].title.clone()),
            Source::Faq(_) => trail.push("FAQ".to_string()),
            Source::Contact(index) => {
                trail.push("Contact directory".to_string());
                trail.push(self.contacts[index].department.clone());
            }
            Source::Article(_) => {}
        }
        trail
    }

    /// The contact ids a hit names: its own id, or the contacts an article or FAQ lists.
    pub(crate) fn contacts(&self, ordinal: usize) -> &[String] {
        match self.entries[ordinal] {
            Source::Article(index) | Source::Section { article: index, .. } => {
                &self.articles[index].contacts
            }
            Source::Faq(index) => &self.faqs[index].contacts,
            Source::Contact(index) => std::slice::from_ref(&self.contacts[index].id),
        }
    }

    /// The catalog ordinal of a contact entry.
    pub(crate) fn contact_ordinal(&self, id: &str) -> Option<usize> {
        self.contact_ordinals.get(id).copied()
    }

    /// The text the snippet is cut from.
    pub(crate) fn text(&self, ordinal: usize) -> Cow<'_, str> {
        match self.entries[ordinal] {
            Source::Article(index) => inflated(&self.articles[index].body),
            Source::Section { article, section } => {
                let body = &self.articles[article].body;
                let range = body.sections[section].clone();
                match inflated(body) {
                    Cow::Borrowed(text) => Cow::Borrowed(text.get(range).unwrap_or_default()),
                    Cow::Owned(text) => Cow::Owned(text.get(range).unwrap_or_default().to_string()),
                }
            }
            Source::Faq(index) => Cow::Borrowed(&self.faqs[index].text),
            Source::Contact(index) => Cow::Borrowed(&self.contacts[index].text),
        }
    }

    /// Looks up a query's highlighted terms (once per results page).
    pub(crate) fn snippet_terms<'h>(
        &self,
        highlights: &'h HashMap<String, Highlight>,
    ) -> SnippetTerms<'h> {
        SnippetTerms {
            highlights,
            ids: self.terms.lookup(highlights),
            prefixes: snippet::prefixes(highlights),
        }
    }

    /// The hit's snippet: cut from its text's word map when it has one (a small site), by
    /// scanning its text otherwise; the same snippet either way.
    pub(crate) fn snippet(
        &self,
        ordinal: usize,
        terms: &SnippetTerms<'_>,
        analyzers: &Analyzers,
    ) -> Vec<Fragment> {
        let mapped = |text: &str, words: &WordMap, range: Range<usize>| {
            let matches = words.matches(range.clone(), &terms.ids, &terms.prefixes);
            let text = text.get(range).unwrap_or_default();
            snippet::cut(text, &self.phone_ranges(ordinal), &matches)
        };
        match self.entries[ordinal] {
            Source::Article(index) | Source::Section { article: index, .. } => {
                let article = &self.articles[index];
                if let (Some(words), crate::compact::CompactText::Plain(text)) =
                    (&article.words, &article.body.text)
                {
                    let range = match self.entries[ordinal] {
                        Source::Section { section, .. } => article.body.sections[section].clone(),
                        _ => 0..text.len(),
                    };
                    return mapped(text, words, range);
                }
            }
            Source::Faq(index) => {
                if let Some(words) = &self.faqs[index].words {
                    let text = &self.faqs[index].text;
                    return mapped(text, words, 0..text.len());
                }
            }
            Source::Contact(index) => {
                if let Some(words) = &self.contacts[index].words {
                    let text = &self.contacts[index].text;
                    return mapped(text, words, 0..text.len());
                }
            }
        }
        snippet::snippet(
            &self.text(ordinal),
            &self.phone_ranges(ordinal),
            terms.highlights,
            analyzers,
        )
    }

    /// Where phone numbers are written in [`Catalog::text`].
    pub(crate) fn phone_ranges(&self, ordinal: usize) -> Vec<Range<usize>> {
        match self.entries[ordinal] {
            Source::Article(index) => self.articles[index].body.phones.clone(),
            Source::Section { article, section } => {
                let body = &self.articles[article].body;
                let range = &body.sections[section];
                body.phones
                    .iter()
                    .filter(|phone| phone.start >= range.start && phone.end <= range.end)
                    .map(|phone| phone.start - range.start..phone.end - range.start)
                    .collect()
            }
            Source::Faq(index) => self.faqs[index].phones.clone(),
            Source::Contact(index) => self.contacts[index].phone_ranges.clone(),
        }
    }

    /// Bytes of snippet text held (for the build log).
    pub(crate) fn text_bytes(&self) -> usize {
        self.articles
            .iter()
            .map(|a| a.body.text.size())
            .sum::<usize>()
            + self.faqs.iter().map(|f| f.text.len()).sum::<usize>()
            + self.contacts.iter().map(|c| c.text.len()).sum::<usize>()
    }

    /// Bytes the word maps hold (for the build log).
    pub(crate) fn word_map_bytes(&self) -> usize {
        let size = |words: &Option<WordMap>| words.as_ref().map_or(0, WordMap::size);
        self.articles.iter().map(|a| size(&a.words)).sum::<usize>()
            + self.faqs.iter().map(|f| size(&f.words)).sum::<usize>()
            + self.contacts.iter().map(|c| size(&c.words)).sum::<usize>()
    }

    /// A contact hit's numbers.
    pub(crate) fn phones(&self, ordinal: usize) -> Vec<PhoneLink> {
        match self.entries[ordinal] {
            Source::Contact(index) => self.contacts[index].phones.clone(),
            _ => Vec::new(),
        }
    }

    /// Title shown in typeahead: a section names its article too.
    pub(crate) fn suggestion_title(&self, ordinal: usize) -> String {
        match self.entries[ordinal] {
            Source::Section { article, section } => {
                let article = &self.articles[article];
                format!(
                    "{} › {}",
                    article.title, article.body.headings[section].text
                )
            }
            _ => self.title(ordinal).to_string(),
        }
    }
}
