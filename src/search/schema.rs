//! The index schema and its analyzers: the fields every document has, how their text is split and
//! stemmed, and the RAM index that uses them.

use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenFilter,
};
use tantivy::{Index, IndexSettings};

use super::scratch::ScratchDir;
use super::stem_cache::CachedStemmer;
use super::understand::Analyzers;

/// Name of the stemmed English analyzer used by every searchable text field.
const STEMMED: &str = "help_en";
/// Name of the surface analyzer (lower case, folded, not stemmed) of the spelling dictionary.
const SURFACE: &str = "help_surface";

/// Builds the analyzers; the same ones serve the index and the query side.
pub(crate) fn analyzers() -> Analyzers {
    Analyzers {
        stemmed: stemmed(Stemmer::new(Language::English)),
        surface: TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The stemmed analyzer with `stemmer` last: tantivy's `Stemmer` for queries, the index writer's
/// [`CachedStemmer`], which gives the same stems (see `stem_cache`).
fn stemmed(stemmer: impl TokenFilter) -> TextAnalyzer {
    let stop_words = StopWordFilter::new(Language::English)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(stop_words)
        .filter(stemmer)
        .build()
}

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Article title, FAQ question, contact purpose.
    pub(crate) title: Field,
    /// Article headings, a section's own heading, contact department.
    pub(crate) headings: Field,
    /// Editors' keywords; a contact's vanity number, billing and region.
    pub(crate) keywords: Field,
    /// A section's article title: context that should count a little.
    pub(crate) context: Field,
    /// The plain text.
    pub(crate) body: Field,
    /// Words unstemmed (all but section bodies): the dictionary for typo correction and prefixes.
    pub(crate) spell: Field,
    /// A contact's own numbers as digits (10, 11 and the last 7).
    pub(crate) phone: Field,
    /// A contact's first number only, so the entry a number belongs to most ranks first.
    pub(crate) phone_primary: Field,
    /// Numbers mentioned in an article, section or FAQ, as digits.
    pub(crate) phone_mention: Field,
    /// Position in the catalog.
    pub(crate) ordinal: Field,
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

/// Registers our analyzers on `index`: needed to write documents (the stemmed one with the
/// [`CachedStemmer`], the writer's), and on an index opened from disk (tantivy stores analyzer
/// names, not analyzers).
pub(crate) fn register_analyzers(index: &Index) {
    let analyzers = analyzers();
    index.tokenizers().register(STEMMED, stemmed(CachedStemmer));
    index.tokenizers().register(SURFACE, analyzers.surface);
}

/// From this many articles, an index built without an index folder is written to a temporary
/// folder and read through memory maps instead of being held in RAM: building it then needs no
/// second copy of every segment in RAM while they are merged, and the served index is file pages
/// the kernel can drop and read back, not process memory.
pub(crate) const SCRATCH_FROM_ARTICLES: usize = crate::compact::COMPACT_FROM_ARTICLES;

/// Creates an empty index with its schema and analyzers in a new temporary folder, which the
/// caller keeps for as long as the index is used (it is removed when dropped); folders left by
/// processes that were killed are swept first (see `scratch`).
pub(crate) fn create_in_scratch() -> Result<(Index, Fields, ScratchDir), String> {
    let root = std::env::temp_dir();
    let scratch = ScratchDir::create_in(&root)
        .map_err(|error| format!("cannot create it in {}: {error}", root.display()))?;
    let (schema, fields) = schema();
    let directory = MmapDirectory::open(scratch.path()).map_err(|error| error.to_string())?;
    let index = Index::create(directory, schema, IndexSettings::default())
        .map_err(|error| error.to_string())?;
    register_analyzers(&index);
    Ok((index, fields, scratch))
}

/// Creates the RAM index with its schema and analyzers.
pub(crate) fn create_in_ram() -> (Index, Fields) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    register_analyzers(&index);
    (index, fields)
}
