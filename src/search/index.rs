//! The index side: schema and analyzers, one tantivy document per article, section, FAQ and contact,
//! and the catalog that keeps (outside tantivy) what a hit shows: title, URL, breadcrumb, snippet text.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::understand::{Analyzers, fold_acronyms};
use super::{HitKind, PhoneLink, SearchError};
use crate::content::{Region, Site};
use crate::phone::{Phone, find_phones};

/// Name of the stemmed English analyzer used by every searchable text field.
const STEMMED: &str = "help_en";
/// Name of the surface analyzer (lower case, folded, not stemmed) of the spelling dictionary.
const SURFACE: &str = "help_surface";

/// Builds the analyzers; the same ones serve the index and the query side.
pub(crate) fn analyzers() -> Analyzers {
    let stop_words = StopWordFilter::new(Language::English)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
    Analyzers {
        stemmed: TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(stop_words)
            .filter(Stemmer::new(Language::English))
            .build(),
        surface: TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Article title, FAQ question, contact purpose.
    pub title: Field,
    /// Article headings, a section's own heading, contact department.
    pub headings: Field,
    /// Editors' keywords; a contact's vanity number, billing and region.
    pub keywords: Field,
    /// A section's article title: context that should count a little.
    pub context: Field,
    /// The plain text.
    pub body: Field,
    /// Words unstemmed (all but section bodies): the dictionary for typo correction and prefixes.
    pub spell: Field,
    /// A contact's own numbers as digits (10, 11 and the last 7).
    pub phone: Field,
    /// A contact's first number only, so the entry a number belongs to most ranks first.
    pub phone_primary: Field,
    /// Numbers mentioned in an article, section or FAQ, as digits.
    pub phone_mention: Field,
    /// Position in the catalog.
    pub ordinal: Field,
}

/// Name of the ordinal fast field, read by the collector.
pub(crate) const ORDINAL: &str = "ordinal";

/// Creates the RAM index with its schema and analyzers.
pub(crate) fn create_index() -> (Index, Fields) {
    let mut builder = Schema::builder();
    let text = |positions: bool, tokenizer: &str| {
        let record = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::Basic
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record)
                .set_fieldnorms(positions),
        )
    };
    let fields = Fields {
        title: builder.add_text_field("title", text(true, STEMMED)),
        headings: builder.add_text_field("headings", text(true, STEMMED)),
        keywords: builder.add_text_field("keywords", text(true, STEMMED)),
        context: builder.add_text_field("context", text(true, STEMMED)),
        body: builder.add_text_field("body", text(true, STEMMED)),
        spell: builder.add_text_field("spell", text(false, SURFACE)),
        phone: builder.add_text_field("phone", STRING),
        phone_primary: builder.add_text_field("phone_primary", STRING),
        phone_mention: builder.add_text_field("phone_mention", STRING),
        ordinal: builder.add_u64_field(ORDINAL, FAST | INDEXED),
    };
    let index = Index::create_in_ram(builder.build());
    let analyzers = analyzers();
    index.tokenizers().register(STEMMED, analyzers.stemmed);
    index.tokenizers().register(SURFACE, analyzers.surface);
    (index, fields)
}

/// Where a catalog entry comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    Article(usize),
    Section { article: usize, section: usize },
    Faq(usize),
    Contact(usize),
}

/// What the results page needs about an article.
#[derive(Debug)]
pub(crate) struct ArticleRecord {
    pub title: String,
    pub url: String,
    pub category: Option<usize>,
    pub contacts: Vec<String>,
    /// Where phone numbers are written in `text`.
    pub phones: Vec<Range<usize>>,
    /// Summary, then each section's heading and text: the snippet source.
    pub text: StoredText,
    pub sections: Vec<SectionRecord>,
}

/// Article text kept for snippets: as is on an ordinary site; deflated on a big one, where the
/// text of every article would otherwise be the largest part of the index's memory.
#[derive(Debug)]
pub(crate) enum StoredText {
    /// The text itself.
    Plain(Box<str>),
    /// Raw deflate of the text.
    Deflated(Box<[u8]>),
}

impl StoredText {
    /// Stores `text`, deflated when `compress` is set (and it pays off).
    pub(crate) fn new(text: String, compress: bool) -> StoredText {
        if compress {
            use std::io::Write as _;
            let mut encoder = flate2::write::DeflateEncoder::new(
                Vec::with_capacity(text.len() / 2),
                flate2::Compression::fast(),
            );
            if encoder.write_all(text.as_bytes()).is_ok()
                && let Ok(bytes) = encoder.finish()
                && bytes.len() < text.len()
            {
                return StoredText::Deflated(bytes.into_boxed_slice());
            }
        }
        StoredText::Plain(text.into_boxed_str())
    }

    /// The text (inflated when needed; a damaged store gives an empty text, never a panic).
    pub fn get(&self) -> Cow<'_, str> {
        match self {
            StoredText::Plain(text) => Cow::Borrowed(text),
            StoredText::Deflated(bytes) => {
                use std::io::Read as _;
                let mut text = String::new();
                let mut decoder = flate2::read::DeflateDecoder::new(&bytes[..]);
                if decoder.read_to_string(&mut text).is_err() {
                    text.clear();
                }
                Cow::Owned(text)
            }
        }
    }

    /// Bytes held.
    fn size(&self) -> usize {
        match self {
            StoredText::Plain(text) => text.len(),
            StoredText::Deflated(bytes) => bytes.len(),
        }
    }
}

/// From this many articles, article texts are stored deflated.
const COMPRESS_FROM_ARTICLES: usize = 5_000;

/// A section: its anchor and where its text sits in the article's text.
#[derive(Debug)]
pub(crate) struct SectionRecord {
    pub id: String,
    pub heading: String,
    pub text: Range<usize>,
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
                &self.articles[article].sections[section].heading
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
                format!("{}#{}", article.url, article.sections[section].id)
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
            Source::Article(index) => self.articles[index].text.get(),
            Source::Section { article, section } => {
                let article = &self.articles[article];
                let range = article.sections[section].text.clone();
                match article.text.get() {
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
            Source::Article(index) => self.articles[index].phones.clone(),
            Source::Section { article, section } => {
                let article = &self.articles[article];
                let range = &article.sections[section].text;
                article
                    .phones
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
        self.articles.iter().map(|a| a.text.size()).sum::<usize>()
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
                format!("{} › {}", article.title, article.sections[section].heading)
            }
            _ => self.title(ordinal).to_string(),
        }
    }
}

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
    writer: &'a IndexWriter,
    fields: Fields,
    catalog: Catalog,
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
    fn add(
        &mut self,
        kind: HitKind,
        source: Source,
        text: DocumentText<'_>,
    ) -> Result<(), SearchError> {
        let ordinal = self.catalog.entries.len();
        let fields = self.fields;
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
        self.writer
            .add_document(document)
            .map_err(|error| SearchError::AddDocument {
                kind: kind.as_str(),
                title: text
                    .title
                    .first()
                    .map_or_else(String::new, |t| t.to_string()),
                source: error,
            })?;
        self.catalog.entries.push(source);
        self.catalog.kinds.push(kind);
        Ok(())
    }
}

/// Phone numbers written in prose: where each is, and its digit tokens for the phone fields.
/// Text with too few digits for any number skips the (comparatively slow) pattern search.
fn phone_spans(text: &str) -> Vec<(Range<usize>, BTreeSet<String>)> {
    if text.bytes().filter(u8::is_ascii_digit).take(4).count() < 4 {
        return Vec::new();
    }
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

/// Adds every document of the site to the writer and returns the catalog.
pub(crate) fn add_site(
    site: &Site,
    writer: &IndexWriter,
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
    };

    // Contacts first: on equal scores the directory entry is the better answer.
    for contact in &site.contacts {
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
        let text = join_sentences(&parts);

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
        let index = builder.catalog.contacts.len();
        let ordinal = builder.catalog.entries.len();
        builder
            .catalog
            .contact_ordinals
            .insert(contact.id.clone(), ordinal);
        builder.catalog.contacts.push(ContactRecord {
            id: contact.id.clone(),
            purpose: contact.purpose.clone(),
            department: contact.department.clone(),
            url: contact.url_path(),
            phone_ranges: phone_spans(&text)
                .into_iter()
                .map(|(range, _)| range)
                .collect(),
            text,
            phones: contact
                .numbers
                .iter()
                .map(|number| PhoneLink {
                    display: number.display.clone(),
                    tel: number.tel_url(),
                })
                .collect(),
        });
        let record_text = builder.catalog.contacts[index].text.clone();
        let mut keywords: Vec<&str> = Vec::new();
        keywords.extend(contact.vanity.as_deref());
        keywords.extend(vanity_letters.as_deref());
        builder.add(
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
        )?;
    }

    let compress = site.articles.len() >= COMPRESS_FROM_ARTICLES;
    for article in &site.articles {
        let mut text = article.summary.trim().to_string();
        let mut sections = Vec::new();
        for section in &article.sections {
            if !text.is_empty() {
                text.push('\n');
            }
            if let Some(heading) = &section.heading {
                text.push_str(&heading.text);
                text.push('\n');
            }
            let start = text.len();
            text.push_str(&section.text);
            if let Some(heading) = &section.heading {
                sections.push(SectionRecord {
                    id: heading.id.clone(),
                    heading: heading.text.clone(),
                    text: start..text.len(),
                });
            }
        }
        let spans = phone_spans(&text);
        let index = builder.catalog.articles.len();
        // The article document holds the summary and the text before the first heading; each
        // section holds its own text, so the body is indexed once.
        let lead = 0..sections.first().map_or(text.len(), |first| {
            text[..first.text.start]
                .trim_end()
                .rfind('\n')
                .unwrap_or(first.text.start)
        });
        let headings: Vec<&str> = article.headings.iter().map(|h| h.text.as_str()).collect();
        let keywords: Vec<&str> = article.keywords.iter().map(String::as_str).collect();
        builder.add(
            HitKind::Article,
            Source::Article(index),
            DocumentText {
                title: vec![&article.title],
                headings,
                keywords,
                body: vec![&text[lead.clone()]],
                mentions: tokens_within(&spans, &(0..text.len())),
                ..DocumentText::default()
            },
        )?;
        for (position, section) in sections.iter().enumerate() {
            builder.add(
                HitKind::Section,
                Source::Section {
                    article: index,
                    section: position,
                },
                // A section's heading counts as a heading (below an article's title).
                DocumentText {
                    headings: vec![&section.heading],
                    context: vec![&article.title],
                    body: vec![&text[section.text.clone()]],
                    mentions: tokens_within(&spans, &section.text),
                    ..DocumentText::default()
                },
            )?;
        }
        builder.catalog.articles.push(ArticleRecord {
            title: article.title.clone(),
            url: article.url_path(),
            category: category_index.get(article.category.as_str()).copied(),
            contacts: article.contacts.clone(),
            phones: spans.into_iter().map(|(range, _)| range).collect(),
            text: StoredText::new(text, compress),
            sections,
        });
    }

    for faq in &site.faqs {
        let index = builder.catalog.faqs.len();
        let spans = phone_spans(&faq.answer_text);
        let keywords: Vec<&str> = faq.keywords.iter().map(String::as_str).collect();
        builder.add(
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
        builder.catalog.faqs.push(FaqRecord {
            question: faq.question.clone(),
            url: faq.url_path(),
            category: category_index.get(faq.category.as_str()).copied(),
            contacts: faq.contacts.clone(),
            phones: spans.into_iter().map(|(range, _)| range).collect(),
            text: faq.answer_text.clone(),
        });
    }
    Ok(builder.catalog)
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
