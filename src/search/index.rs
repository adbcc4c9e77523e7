//! The index side: schema and analyzers, one tantivy document per article, section, FAQ and contact,
//! and the catalog that keeps (outside tantivy) what a hit shows: title, URL, breadcrumb, snippet text.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument};

use super::understand::{Analyzers, fold_acronyms};
use super::{HitKind, PhoneLink, SearchError};
use crate::content::{ArticleBody, Region, Site};
use crate::digest::build_id;
use crate::phone::{Phone, find_phones_in_prose};

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

/// What an on-disk index was built with, beyond the schema (which the key covers by itself): bump
/// it whenever the analyzers, their settings or the way tantivy is asked to store a field change,
/// so an index built by older code is rebuilt rather than reused.
pub(crate) const INDEX_FORMAT: u32 = 1;

/// The schema and its fields. Field ids follow the order fields are added, so the same code always
/// gives the same schema: an on-disk index is checked against it before it is reused.
pub(crate) fn schema() -> (Schema, Fields) {
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
    (builder.build(), fields)
}

/// Registers our analyzers on `index`: needed to write documents, and on an index opened from disk
/// (tantivy stores analyzer names, not analyzers).
pub(crate) fn register_analyzers(index: &Index) {
    let analyzers = analyzers();
    index.tokenizers().register(STEMMED, analyzers.stemmed);
    index.tokenizers().register(SURFACE, analyzers.surface);
}

/// Creates the RAM index with its schema and analyzers.
pub(crate) fn create_in_ram() -> (Index, Fields) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    register_analyzers(&index);
    (index, fields)
}

/// Identifies exactly what an index holds: a SHA-256 over [`INDEX_FORMAT`], the tantivy version,
/// the schema, the running program ([`build_id`]) and the content ([`Site::source_digest`]). Equal
/// keys mean an index built earlier, by this very program from this very content, can be served as
/// is; any content edit, and any new build of the program, gives a new key. Computing it touches no
/// article text, so deciding to reuse an index costs milliseconds even at 100,000 articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexKey([u8; 32]);

impl IndexKey {
    /// The key of the index of `site`.
    pub(crate) fn of(site: &Site) -> IndexKey {
        let (schema, _) = schema();
        let mut hasher = Sha256::new();
        let version = tantivy::version_string();
        let schema = serde_json::to_vec(&schema).unwrap_or_default();
        hasher.update(b"helpcenter search index\0");
        hasher.update(INDEX_FORMAT.to_le_bytes());
        for part in [version.as_bytes(), &schema, build_id(), &site.source_digest] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        IndexKey(hasher.finalize().into())
    }

    /// The key as 64 lower-case hex digits (names the index's folder and fills its key file).
    pub(crate) fn hex(&self) -> String {
        crate::digest::hex(&self.0)
    }
}

/// An article's plain text; text that cannot be inflated is logged and read as empty (a snippet or
/// an indexed text goes missing, never a page: pages fail to render instead).
fn inflated(body: &ArticleBody) -> Cow<'_, str> {
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
    /// Adds one document (when there is a writer) and its catalog entry.
    fn add(
        &mut self,
        kind: HitKind,
        source: Source,
        text: DocumentText<'_>,
    ) -> Result<(), SearchError> {
        let ordinal = self.catalog.entries.len();
        self.catalog.entries.push(source);
        self.catalog.kinds.push(kind);
        let Some(writer) = self.writer else {
            return Ok(());
        };
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
}

/// Phone numbers written in prose: where each is, and its digit tokens for the phone fields.
/// Text with too few digits for any number skips the (comparatively slow) pattern search.
fn phone_spans(text: &str) -> Vec<(Range<usize>, BTreeSet<String>)> {
    find_phones_in_prose(text)
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
/// gets its catalog (well under a second at 100,000 articles).
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

    for article in &site.articles {
        let body = &article.body;
        // A catalog-only pass reads no text (inflating every article's would be most of its cost):
        // every slice of the empty text below is empty, and the entries are the same.
        let text = match builder.writer {
            Some(_) => inflated(body),
            None => Cow::Borrowed(""),
        };
        let slice = |range: &Range<usize>| text.get(range.clone()).unwrap_or_default();
        let spans = phone_spans(&text);
        let index = builder.catalog.articles.len();
        // The article document holds the summary and the text before the first heading; each
        // section holds its own text, so the body is indexed once.
        let lead = 0..body.sections.first().map_or(text.len(), |first| {
            slice(&(0..first.start))
                .trim_end()
                .rfind('\n')
                .unwrap_or(first.start)
        });
        let headings: Vec<&str> = body.headings.iter().map(|h| h.text.as_str()).collect();
        let keywords: Vec<&str> = article.keywords.iter().map(String::as_str).collect();
        builder.add(
            HitKind::Article,
            Source::Article(index),
            DocumentText {
                title: vec![&article.title],
                headings: headings.clone(),
                keywords,
                body: vec![slice(&lead)],
                mentions: tokens_within(&spans, &(0..text.len())),
                ..DocumentText::default()
            },
        )?;
        for (position, (range, heading)) in body.sections.iter().zip(&headings).enumerate() {
            builder.add(
                HitKind::Section,
                Source::Section {
                    article: index,
                    section: position,
                },
                // A section's heading counts as a heading (below an article's title).
                DocumentText {
                    headings: vec![heading],
                    context: vec![&article.title],
                    body: vec![slice(range)],
                    mentions: tokens_within(&spans, range),
                    ..DocumentText::default()
                },
            )?;
        }
        builder.catalog.articles.push(ArticleRecord {
            title: article.title.clone(),
            url: article.url_path(),
            category: category_index.get(article.category.as_str()).copied(),
            contacts: article.contacts.clone(),
            body: Arc::clone(body),
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

// The index folder (`--index-dir`).
//
// Layout: `DIR/index-<key>/` holds one complete index (tantivy's files and a key file); an index
// is built in `DIR/.building-<pid>-<n>/` and renamed into place only once it is committed, merged
// and its key file written (to a temporary name, synced, then renamed), so a folder named
// `index-<key>` with a matching key file is always whole: a crash or a full disk mid-build leaves
// a staging folder that is never opened, and is removed by the next successful build.
//
// One folder per key, rather than one index rewritten in place, because a reload (`--watch`)
// builds the new index while the old one is still being served from its memory maps: the new
// version gets its own folder and the old one is removed only when the new one is complete. On
// Linux removing files that are still mapped is safe (they stay readable until unmapped), so the
// old snapshot keeps answering until it is swapped out; where removal fails (Windows) it is logged
// and retried by the next build. Only names this code creates (`index-…`, `.building-…`) are ever
// removed, so pointing `--index-dir` at a folder with other files in it loses nothing. An index
// folder belongs to one server: two servers building into the same folder at once may remove each
// other's staging folder (the loser falls back to an index in RAM).

/// The file, inside an index's folder, that says which key the index was built for; written last.
pub(crate) const KEY_FILE: &str = "helpcenter-index.key";
/// Prefix of a complete index's folder name (followed by the key in hex).
const INDEX_PREFIX: &str = "index-";
/// Prefix of a folder an index is being built in.
const STAGING_PREFIX: &str = ".building-";

/// Why an index folder could not be used (the index is then built elsewhere: logged, never fatal).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DirError {
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// tantivy could not open or create the index.
    #[error("cannot open the index in {}: {source}", path.display())]
    Open {
        /// The index folder.
        path: PathBuf,
        /// The error.
        source: tantivy::TantivyError,
    },
    /// The index opened but is not the one expected.
    #[error("the index in {} is unusable: {problem}", path.display())]
    Invalid {
        /// The index folder.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Writing the documents or opening the reader failed.
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl DirError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DirError {
        let path = path.to_path_buf();
        move |source| DirError::Io {
            action,
            path,
            source,
        }
    }
}

/// The folder of the complete index for `key` under `dir`.
pub(crate) fn index_path(dir: &Path, key: &IndexKey) -> PathBuf {
    dir.join(format!("{INDEX_PREFIX}{}", key.hex()))
}

/// What the key file of an index for `key` with `documents` documents says.
fn key_file_text(key: &IndexKey, documents: usize) -> String {
    format!(
        "helpcenter search index\nkey {}\ndocuments {documents}\n",
        key.hex()
    )
}

/// Opens the index for `key` under `path`, if there is one, after checking that it is whole and is
/// the index expected: its key file, its schema, `documents` live documents, and (with
/// `verify_checksums`) every file's checksum. `Ok(None)` when there is no such folder.
pub(crate) fn open_dir(
    path: &Path,
    key: &IndexKey,
    documents: usize,
    verify_checksums: bool,
) -> Result<Option<Index>, DirError> {
    if !path.try_exists().map_err(DirError::io("look for", path))? {
        return Ok(None);
    }
    let invalid = |problem: String| DirError::Invalid {
        path: path.to_path_buf(),
        problem,
    };
    let key_path = path.join(KEY_FILE);
    let written = match std::fs::read_to_string(&key_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(format!("no {KEY_FILE} (the build did not finish)")));
        }
        Err(error) => return Err(DirError::io("read", &key_path)(error)),
    };
    if written != key_file_text(key, documents) {
        return Err(invalid(format!("{KEY_FILE} does not match this content")));
    }
    let open = |source: tantivy::TantivyError| DirError::Open {
        path: path.to_path_buf(),
        source,
    };
    let directory = MmapDirectory::open(path).map_err(|error| open(error.into()))?;
    let index = Index::open(directory).map_err(open)?;
    if index.schema() != schema().0 {
        return Err(invalid(
            "its schema differs from this version's".to_string(),
        ));
    }
    let metas = index.searchable_segment_metas().map_err(open)?;
    let live: u64 = metas.iter().map(|meta| u64::from(meta.num_docs())).sum();
    let deleted: u64 = metas
        .iter()
        .map(|meta| u64::from(meta.num_deleted_docs()))
        .sum();
    if live != documents as u64 || deleted != 0 {
        return Err(invalid(format!(
            "it holds {live} documents ({deleted} deleted), not {documents}"
        )));
    }
    if verify_checksums {
        let damaged = index.validate_checksum().map_err(open)?;
        if !damaged.is_empty() {
            let mut names: Vec<String> = damaged
                .iter()
                .map(|file| file.display().to_string())
                .collect();
            names.sort();
            return Err(invalid(format!("damaged files: {}", names.join(", "))));
        }
    }
    register_analyzers(&index);
    Ok(Some(index))
}

/// Creates `dir` if needed and a fresh staging folder in it, with an empty index.
pub(crate) fn create_staging(dir: &Path) -> Result<(PathBuf, Index), DirError> {
    /// Numbers the builds of this process, so no two share a staging folder.
    static BUILDS: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(DirError::io("create", dir))?;
    let staging = dir.join(format!(
        "{STAGING_PREFIX}{}-{}",
        std::process::id(),
        BUILDS.fetch_add(1, Ordering::Relaxed)
    ));
    if staging.exists() {
        // Left by a crashed process that had the same id.
        std::fs::remove_dir_all(&staging).map_err(DirError::io("remove", &staging))?;
    }
    std::fs::create_dir(&staging).map_err(DirError::io("create", &staging))?;
    let open = |source: tantivy::TantivyError| DirError::Open {
        path: staging.clone(),
        source,
    };
    let directory = MmapDirectory::open(&staging).map_err(|error| open(error.into()))?;
    let index = Index::create(directory, schema().0, IndexSettings::default()).map_err(open)?;
    register_analyzers(&index);
    Ok((staging, index))
}

/// Marks the finished index in `staging` as the index for `key` (key file written to a temporary
/// name, synced, renamed), then renames the folder into place; returns the index's folder. The
/// index must be committed and its writer dropped.
pub(crate) fn publish(
    dir: &Path,
    staging: &Path,
    key: &IndexKey,
    documents: usize,
) -> Result<PathBuf, DirError> {
    let key_path = staging.join(KEY_FILE);
    crate::atomic_file::write(&key_path, |file| {
        use std::io::Write as _;
        file.write_all(key_file_text(key, documents).as_bytes())
    })
    .map_err(DirError::io("write", &key_path))?;
    let path = index_path(dir, key);
    if path.exists() {
        // An unusable index for the same key (it was just found wanting); it is replaced.
        std::fs::remove_dir_all(&path).map_err(DirError::io("remove", &path))?;
    }
    std::fs::rename(staging, &path).map_err(DirError::io("rename", staging))?;
    sync_dir(dir)?;
    Ok(path)
}

/// Makes the entries of `path` (new files, renames) durable.
fn sync_dir(path: &Path) -> Result<(), DirError> {
    crate::atomic_file::sync_dir(path).map_err(DirError::io("sync", path))
}

/// Whether `dir` holds a complete index folder of any key (if not, nothing there can be reused and
/// the key need not be computed before building).
pub(crate) fn has_index(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(INDEX_PREFIX)
                && entry.file_type().is_ok_and(|kind| kind.is_dir())
        })
    })
}

/// The folders under `dir` this code made (complete indexes and staging folders), except `keep`.
pub(crate) fn other_indexes(dir: &Path, keep: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            (name.starts_with(INDEX_PREFIX) || name.starts_with(STAGING_PREFIX))
                && entry.file_type().is_ok_and(|kind| kind.is_dir())
        })
        .map(|entry| entry.path())
        .filter(|path| path != keep)
        .collect();
    found.sort();
    found
}
