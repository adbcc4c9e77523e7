//! The site as documents: one per article, section, FAQ and contact, each with its catalog entry
//! (without a writer, the catalog alone).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::{IndexWriter, TantivyDocument};

use super::catalog::{ArticleRecord, Catalog, ContactRecord, FaqRecord, Source, inflated};
use super::schema::{self, Fields};
use super::types::{HitKind, PhoneLink, SearchError};
use super::understand::{Analyzers, fold_acronyms};
use super::wordmap::WordMap;
use crate::compact::CompactText;
use crate::content::{Article, Contact, Faq, Region, Site};
use crate::phone::{Phone, find_phones};

/// Digits a number is searched by: the written forms reduced to digits (11, 10 and the last 7).
fn phone_tokens(phone: &Phone) -> BTreeSet<String> {
    phone
        .written_forms()
        .iter()
        .map(|form| {
            form.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|digits| !digits.is_empty())
        .collect()
}

/// Accumulates one document and its catalog entry at a time.
struct Builder<'a> {
    /// Where documents go; `None` builds the catalog only (for an index reused from disk).
    writer: Option<&'a IndexWriter>,
    fields: Fields,
    catalog: Catalog,
    /// The index's analyzers, for mapping each text's words to their terms.
    analyzers: Analyzers,
}

/// The text of one document, field by field.
#[derive(Default)]
struct DocumentText<'t> {
    title: Vec<&'t str>,
    headings: Vec<&'t str>,
    keywords: Vec<&'t str>,
    context: Vec<&'t str>,
    body: Vec<&'t str>,
    phones: BTreeSet<String>,
    primary: BTreeSet<String>,
    mentions: BTreeSet<String>,
}

impl Builder<'_> {
    /// Adds one catalog entry and, when there is a writer, its document.
    fn add(
        &mut self,
        kind: HitKind,
        source: Source,
        text: DocumentText<'_>,
    ) -> Result<(), SearchError> {
        let ordinal = self.catalog.entries.len();
        self.catalog.entries.push(source);
        self.catalog.kinds.push(kind);
        match self.writer {
            Some(writer) => write(writer, self.fields, kind, ordinal, &text),
            None => Ok(()),
        }
    }
}

/// Adds the document of catalog entry `ordinal` to `writer`.
fn write(
    writer: &IndexWriter,
    fields: Fields,
    kind: HitKind,
    ordinal: usize,
    text: &DocumentText<'_>,
) -> Result<(), SearchError> {
    let mut document = TantivyDocument::new();
    let groups = [
        (fields.title, &text.title),
        (fields.headings, &text.headings),
        (fields.keywords, &text.keywords),
        (fields.context, &text.context),
        (fields.body, &text.body),
    ];
    // The spelling dictionary holds the words of titles, headings, keywords, summaries,
    // article openings, FAQs and contacts, not of section bodies: that keeps it small and the
    // build fast, and body-only words are corrected through their stems instead.
    let spell = kind != HitKind::Section;
    for (field, values) in groups {
        for value in values.iter() {
            let value = fold_acronyms(value);
            document.add_text(field, &value);
            if spell {
                document.add_text(fields.spell, &value);
            }
        }
    }
    for (field, values) in [
        (fields.phone, &text.phones),
        (fields.phone_primary, &text.primary),
        (fields.phone_mention, &text.mentions),
    ] {
        for value in values {
            document.add_text(field, value);
        }
    }
    document.add_u64(fields.ordinal, ordinal as u64);
    writer
        .add_document(document)
        .map_err(|error| SearchError::AddDocument {
            kind: kind.as_str(),
            title: text
                .title
                .first()
                .map_or_else(String::new, |t| t.to_string()),
            source: error,
        })?;
    Ok(())
}

/// Phone numbers written in prose: where each is, and its digit tokens for the phone fields.
/// Text with too few digits for any number skips the (comparatively slow) pattern search.
fn phone_spans(text: &str) -> Vec<(Range<usize>, BTreeSet<String>)> {
    find_phones(text)
        .into_iter()
        .map(|found| (found.range, phone_tokens(&found.phone)))
        .collect()
}

/// The digit tokens of the spans inside `range`.
fn tokens_within(
    spans: &[(Range<usize>, BTreeSet<String>)],
    range: &Range<usize>,
) -> BTreeSet<String> {
    spans
        .iter()
        .filter(|(span, _)| span.start >= range.start && span.end <= range.end)
        .flat_map(|(_, tokens)| tokens.iter().cloned())
        .collect()
}

/// Builds the catalog of the site, adding every document to `writer` when there is one. Without a
/// writer nothing is indexed and no article text is read: that is how an index reused from disk
/// gets its catalog cheaply.
pub(crate) fn add_site(
    site: &Site,
    writer: Option<&IndexWriter>,
    fields: Fields,
) -> Result<Catalog, SearchError> {
    let category_index: HashMap<&str, usize> = site
        .categories
        .iter()
        .enumerate()
        .map(|(index, category)| (category.slug.as_str(), index))
        .collect();
    let mut builder = Builder {
        writer,
        fields,
        catalog: Catalog {
            categories: site.categories.iter().map(|c| c.title.clone()).collect(),
            ..Catalog::default()
        },
        analyzers: schema::analyzers(),
    };
    let phase = crate::progress::Phase::start(
        "index",
        site.contacts.len() + site.articles.len() + site.faqs.len(),
    );
    // Contacts first: on equal scores the directory entry is the better answer.
    for contact in &site.contacts {
        builder.add_contact(contact)?;
        phase.advance(1);
    }
    // Articles are most of the work: their catalog entries in order here, their documents
    // (inflating the text, finding its numbers' digits, folding acronyms) on every core below.
    let firsts: Vec<usize> = site
        .articles
        .iter()
        .map(|article| {
            let category = category_index.get(article.category.as_str()).copied();
            builder.add_article(article, category)
        })
        .collect();
    match writer {
        Some(writer) => site
            .articles
            .par_iter()
            .zip(firsts.par_iter())
            .try_for_each(|(article, &first)| {
                write_article(writer, fields, article, first)?;
                phase.advance(1);
                Ok::<(), SearchError>(())
            })?,
        None => phase.advance(site.articles.len()),
    }
    for faq in &site.faqs {
        let category = category_index.get(faq.category.as_str()).copied();
        builder.add_faq(faq, category)?;
        phase.advance(1);
    }
    drop(phase);
    builder.catalog.terms.finish();
    Ok(builder.catalog)
}

/// A contact entry as prose: its numbers (and vanity form), billing, region, hours, address,
/// email, web address and notes.
fn contact_text(contact: &Contact) -> String {
    let mut parts: Vec<String> = Vec::new();
    let displays: Vec<&str> = contact.numbers.iter().map(|n| n.display.as_str()).collect();
    if !displays.is_empty() {
        let mut numbers = displays.join(" or ");
        if let Some(vanity) = &contact.vanity {
            numbers.push_str(&format!(" ({vanity})"));
        }
        parts.push(numbers);
    }
    if let Some(toll) = contact.toll {
        parts.push(toll.label().to_string());
    }
    if contact.region == Region::Abroad {
        parts.push(Region::Abroad.label().to_string());
    }
    if let Some(hours) = &contact.hours {
        parts.push(format!("Hours: {hours}"));
    }
    if !contact.address.is_empty() {
        parts.push(contact.address.join(", "));
    }
    parts.extend(contact.email.iter().cloned());
    parts.extend(contact.url.iter().cloned());
    parts.extend(contact.notes.iter().cloned());
    parts.extend(contact.conflict.iter().cloned());
    parts.extend(contact.numbers.iter().filter_map(|n| n.note.clone()));
    join_sentences(&parts)
}

impl Builder<'_> {
    /// Where the index terms are written in `text`, for snippets.
    fn map(&mut self, text: &str) -> Option<WordMap> {
        Some(self.catalog.terms.map(text, &self.analyzers))
    }

    /// Adds a contact entry: its purpose, department, numbers (every written form, the first
    /// number also on its own) and vanity spelling.
    fn add_contact(&mut self, contact: &Contact) -> Result<(), SearchError> {
        let text = contact_text(contact);
        let mut phones = BTreeSet::new();
        let mut primary = BTreeSet::new();
        for (position, number) in contact.numbers.iter().enumerate() {
            let tokens = phone_tokens(&number.phone);
            if position == 0 {
                primary.extend(tokens.iter().cloned());
            }
            phones.extend(tokens);
        }
        let vanity_letters: Option<String> = contact.vanity.as_ref().map(|vanity| {
            vanity
                .chars()
                .skip_while(|c| !c.is_ascii_alphabetic())
                .filter(char::is_ascii_alphanumeric)
                .collect()
        });
        let index = self.catalog.contacts.len();
        let ordinal = self.catalog.entries.len();
        self.catalog
            .contact_ordinals
            .insert(contact.id.clone(), ordinal);
        self.catalog.contacts.push(ContactRecord {
            id: contact.id.clone(),
            purpose: contact.purpose.clone(),
            department: contact.department.clone(),
            url: contact.url_path(),
            phone_ranges: phone_spans(&text)
                .into_iter()
                .map(|(range, _)| range)
                .collect(),
            text,
            words: None,
            phones: contact
                .numbers
                .iter()
                .map(|number| PhoneLink {
                    display: number.display.clone(),
                    tel: number.tel_url(),
                })
                .collect(),
        });
        let record_text = self.catalog.contacts[index].text.clone();
        self.catalog.contacts[index].words = self.map(&record_text);
        let mut keywords: Vec<&str> = Vec::new();
        keywords.extend(contact.vanity.as_deref());
        keywords.extend(vanity_letters.as_deref());
        self.add(
            HitKind::Contact,
            Source::Contact(index),
            DocumentText {
                title: vec![&contact.purpose],
                headings: vec![&contact.department],
                keywords,
                body: vec![&record_text],
                phones,
                primary,
                ..DocumentText::default()
            },
        )
    }

    /// Adds an article's catalog entries (the article, then one per section under its headings)
    /// and its record; returns the ordinal of its first entry. Its documents are written apart
    /// ([`write_article`]), in parallel with other articles'.
    fn add_article(&mut self, article: &Article, category: Option<usize>) -> usize {
        let body = &article.body;
        let first = self.catalog.entries.len();
        let index = self.catalog.articles.len();
        self.catalog.entries.push(Source::Article(index));
        self.catalog.kinds.push(HitKind::Article);
        for section in 0..body.sections.len().min(body.headings.len()) {
            self.catalog.entries.push(Source::Section {
                article: index,
                section,
            });
            self.catalog.kinds.push(HitKind::Section);
        }
        // Kept plain (a small site): its words are mapped once; a big site's deflated text is
        // scanned when a snippet is cut from it (mapping it would cost more memory than it saves).
        let words = match &body.text {
            CompactText::Plain(plain) => self.map(plain),
            CompactText::Deflated(_) => None,
        };
        self.catalog.articles.push(ArticleRecord {
            title: article.title.clone(),
            url: article.url_path(),
            category,
            contacts: article.contacts.clone(),
            body: Arc::clone(body),
            words,
        });
        first
    }

    /// Adds a question and its answer.
    fn add_faq(&mut self, faq: &Faq, category: Option<usize>) -> Result<(), SearchError> {
        let index = self.catalog.faqs.len();
        let spans = phone_spans(&faq.answer_text);
        let keywords: Vec<&str> = faq.keywords.iter().map(String::as_str).collect();
        self.add(
            HitKind::Faq,
            Source::Faq(index),
            DocumentText {
                title: vec![&faq.question],
                keywords,
                body: vec![&faq.answer_text],
                mentions: tokens_within(&spans, &(0..faq.answer_text.len())),
                ..DocumentText::default()
            },
        )?;
        self.catalog.faqs.push(FaqRecord {
            question: faq.question.clone(),
            url: faq.url_path(),
            category,
            contacts: faq.contacts.clone(),
            phones: spans.into_iter().map(|(range, _)| range).collect(),
            text: faq.answer_text.clone(),
            words: None,
        });
        self.catalog.faqs[index].words = self.map(&faq.answer_text);
        Ok(())
    }
}

/// Writes an article's documents, the first being catalog entry `first` (see
/// [`Builder::add_article`]): the article itself (title, headings, keywords, and the summary and
/// text before the first heading), then one per section under its headings, so the body is
/// indexed once.
fn write_article(
    writer: &IndexWriter,
    fields: Fields,
    article: &Article,
    first: usize,
) -> Result<(), SearchError> {
    let body = &article.body;
    let text = inflated(body);
    let slice = |range: &Range<usize>| text.get(range.clone()).unwrap_or_default();
    // The numbers were found once, at load (`ArticleBody::phones`); each is read back from its span.
    let spans: Vec<(Range<usize>, BTreeSet<String>)> = body
        .phones
        .iter()
        .filter_map(|range| {
            let phone = Phone::parse(text.get(range.clone())?)?;
            Some((range.clone(), phone_tokens(&phone)))
        })
        .collect();
    let lead = 0..body.sections.first().map_or(text.len(), |first| {
        slice(&(0..first.start))
            .trim_end()
            .rfind('\n')
            .unwrap_or(first.start)
    });
    let headings: Vec<&str> = body.headings.iter().map(|h| h.text.as_str()).collect();
    let keywords: Vec<&str> = article.keywords.iter().map(String::as_str).collect();
    let article_text = DocumentText {
        title: vec![&article.title],
        headings: headings.clone(),
        keywords,
        body: vec![slice(&lead)],
        mentions: tokens_within(&spans, &(0..text.len())),
        ..DocumentText::default()
    };
    write(writer, fields, HitKind::Article, first, &article_text)?;
    for (position, (range, heading)) in body.sections.iter().zip(&headings).enumerate() {
        // A section's heading counts as a heading (below an article's title).
        let section_text = DocumentText {
            headings: vec![heading],
            context: vec![&article.title],
            body: vec![slice(range)],
            mentions: tokens_within(&spans, range),
            ..DocumentText::default()
        };
        write(
            writer,
            fields,
            HitKind::Section,
            first + 1 + position,
            &section_text,
        )?;
    }
    Ok(())
}

/// Joins parts into prose, adding a full stop where a part does not end one.
fn join_sentences(parts: &[String]) -> String {
    let mut text = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(part);
        if !part.ends_with(['.', '!', '?']) {
            text.push('.');
        }
    }
    text
}
