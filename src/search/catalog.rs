//! The catalog: what a hit shows (title, URL, breadcrumb, snippet text, phone numbers), kept by
//! ordinal outside tantivy so nothing is stored twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::types::{HitKind, PhoneLink};
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
    Article(usize),
    Section { article: usize, section: usize },
    Faq(usize),
    Contact(usize),
}

/// What the results page needs about an article. The text snippets are cut from is the article's
/// own [`ArticleBody`] (shared, not copied: on a big site it is the largest part of the content).
#[derive(Debug)]
pub(crate) struct ArticleRecord {
    pub title: String,
    pub url: String,
    pub category: Option<usize>,
    pub contacts: Vec<String>,
    pub body: Arc<ArticleBody>,
}

/// What the results page needs about an FAQ.
#[derive(Debug)]
pub(crate) struct FaqRecord {
    pub question: String,
    pub url: String,
    pub category: Option<usize>,
    pub contacts: Vec<String>,
    /// Where phone numbers are written in `text`.
    pub phones: Vec<Range<usize>>,
    pub text: String,
}

/// What the results page needs about a contact entry.
#[derive(Debug)]
pub(crate) struct ContactRecord {
    pub id: String,
    pub purpose: String,
    pub department: String,
    pub url: String,
    pub text: String,
    /// Where phone numbers are written in `text`.
    pub phone_ranges: Vec<Range<usize>>,
    pub phones: Vec<PhoneLink>,
}

/// Everything a hit shows, by ordinal; held outside the index so nothing is stored twice.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub entries: Vec<Source>,
    pub kinds: Vec<HitKind>,
    pub categories: Vec<String>,
    pub articles: Vec<ArticleRecord>,
    pub faqs: Vec<FaqRecord>,
    pub contacts: Vec<ContactRecord>,
    pub contact_ordinals: HashMap<String, usize>,
}

impl Catalog {
    /// The kind of hit an entry is.
    pub fn kind(&self, ordinal: usize) -> HitKind {
        self.kinds[ordinal]
    }

    /// Hit title.
    pub fn title(&self, ordinal: usize) -> &str {
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
    pub fn url(&self, ordinal: usize) -> String {
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
    pub fn category(&self, ordinal: usize) -> Option<&str> {
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
    pub fn breadcrumb(&self, ordinal: usize) -> Vec<String> {
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
    pub fn contacts(&self, ordinal: usize) -> &[String] {
        match self.entries[ordinal] {
            Source::Article(index) | Source::Section { article: index, .. } => {
                &self.articles[index].contacts
            }
            Source::Faq(index) => &self.faqs[index].contacts,
            Source::Contact(index) => std::slice::from_ref(&self.contacts[index].id),
        }
    }

    /// The catalog ordinal of a contact entry.
    pub fn contact_ordinal(&self, id: &str) -> Option<usize> {
        self.contact_ordinals.get(id).copied()
    }

    /// The text the snippet is cut from.
    pub fn text(&self, ordinal: usize) -> Cow<'_, str> {
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

    /// Where phone numbers are written in [`Catalog::text`].
    pub fn phone_ranges(&self, ordinal: usize) -> Vec<Range<usize>> {
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
    pub fn text_bytes(&self) -> usize {
        self.articles
            .iter()
            .map(|a| a.body.text.size())
            .sum::<usize>()
            + self.faqs.iter().map(|f| f.text.len()).sum::<usize>()
            + self.contacts.iter().map(|c| c.text.len()).sum::<usize>()
    }

    /// A contact hit's numbers.
    pub fn phones(&self, ordinal: usize) -> Vec<PhoneLink> {
        match self.entries[ordinal] {
            Source::Contact(index) => self.contacts[index].phones.clone(),
            _ => Vec::new(),
        }
    }

    /// Title shown in typeahead: a section names its article too.
    pub fn suggestion_title(&self, ordinal: usize) -> String {
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
