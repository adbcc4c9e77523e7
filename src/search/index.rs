//! The [`SearchIndex`] itself: what one index holds, and how an index, wherever its documents were
//! written, is made ready to search (a reader, the ordinal tables, the analyzers and synonyms).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::{Index, IndexReader, ReloadPolicy};

use super::catalog::Catalog;
use super::collect::{self, OrdinalTables};
use super::decide::Answers;
use super::engine::Engine;
use super::estimate::KindRuns;
use super::plan;
use super::schema::{self, Fields};
use super::scratch::ScratchDir;
use super::synonyms::Synonyms;
use super::types::{HitKind, IndexOrigin, SearchError};
use super::understand::Analyzers;
use super::writer;
use crate::content::Site;

/// The search index of one `Site`: immutable once built, shared by every request.
pub struct SearchIndex {
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) catalog: Catalog,
    pub(crate) kinds: Arc<[HitKind]>,
    pub(crate) tables: Arc<OrdinalTables>,
    /// From this many matches a result set counts as huge ([`plan::LARGE_RESULT`]; tests lower it).
    pub(crate) large_result: u64,
    pub(crate) analyzers: Analyzers,
    pub(crate) synonyms: Synonyms,
    pub(crate) origin: IndexOrigin,
    /// The answer layer: the number checker and the editors' intents.
    pub(crate) answers: Answers,
    /// Catalog ordinals of the pages the answer layer can put first, by URL.
    pub(crate) pins: HashMap<String, u32>,
    /// The in-memory engine, for a small index (see `engine`); `None` searches with tantivy.
    pub(crate) engine: Option<Engine>,
    /// Where a big index keeps its FAQs and contacts, for estimating counts (see `estimate`).
    pub(crate) kind_runs: Arc<KindRuns>,
    /// The temporary folder of an index built in one (`build_in_scratch`), removed when the
    /// index is dropped; after `reader`, so the maps are closed first.
    pub(crate) scratch: Option<ScratchDir>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndex")
            .field("documents", &self.catalog.entries.len())
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Indexes every article, section, FAQ and contact of `site` in RAM (a big site: in a
    /// temporary folder, see [`schema::SCRATCH_FROM_ARTICLES`]; in RAM if that fails, logged).
    pub fn build(site: &Site) -> Result<SearchIndex, SearchError> {
        if site.articles.len() >= schema::SCRATCH_FROM_ARTICLES {
            match SearchIndex::build_in_scratch(site) {
                Ok(search) => return Ok(search),
                Err(error) => tracing::warn!(
                    "cannot build the search index in a temporary folder ({error}); building it \
                     in memory"
                ),
            }
        }
        let (index, fields) = schema::create_in_ram();
        let catalog = writer::write_documents(&index, site, fields)?;
        SearchIndex::finish(index, fields, catalog, site, IndexOrigin::Memory)
    }

    /// Indexes `site` in a new temporary folder, which the index keeps and removes when dropped.
    pub(super) fn build_in_scratch(site: &Site) -> Result<SearchIndex, String> {
        let (index, fields, scratch) = schema::create_in_scratch()?;
        let catalog =
            writer::write_documents(&index, site, fields).map_err(|error| error.to_string())?;
        let mut search = SearchIndex::finish(index, fields, catalog, site, IndexOrigin::Scratch)
            .map_err(|error| error.to_string())?;
        search.scratch = Some(scratch);
        Ok(search)
    }

    /// What every index goes through once its documents are committed, wherever it came from: a
    /// multithreaded search executor when it has several segments, a reader, the ordinal tables,
    /// the analyzers and synonyms.
    pub(crate) fn finish(
        mut index: Index,
        fields: Fields,
        catalog: Catalog,
        site: &Site,
        origin: IndexOrigin,
    ) -> Result<SearchIndex, SearchError> {
        let segments = index
            .searchable_segment_metas()
            .map_err(SearchError::Reader)?
            .len();
        // One thread per segment (a big site keeps one per core; see `write_documents`).
        let executor = segments.min(writer::writer_threads());
        if executor > 1 {
            index
                .set_multithread_executor(executor)
                .map_err(SearchError::Reader)?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::Reader)?;
        let analyzers = schema::analyzers();
        let synonyms = Synonyms::new(&site.synonyms, &analyzers);
        let answers = Answers::new(site, &analyzers);
        let pins = pins(&catalog, answers.pages().collect());
        let kinds: Arc<[HitKind]> = catalog.kinds.clone().into();
        let searcher = reader.searcher();
        let tables = Arc::new(collect::ordinal_tables(&searcher).map_err(SearchError::Reader)?);
        let engine = match searcher.segment_readers() {
            [segment] => match tables.get(&segment.segment_id()) {
                Some(table) => Engine::build(&searcher, fields, Arc::clone(table))
                    .map_err(SearchError::Reader)?,
                None => None,
            },
            _ => None,
        };
        let kind_runs = Arc::new(match engine {
            Some(_) => KindRuns::default(),
            None => KindRuns::new(&tables, &kinds),
        });
        tracing::debug!(
            segments,
            index_bytes = searcher
                .space_usage()
                .map_or(0, |usage| usage.total().get_bytes()),
            "search index size"
        );
        Ok(SearchIndex {
            reader,
            fields,
            catalog,
            kinds,
            tables,
            large_result: plan::LARGE_RESULT,
            analyzers,
            synonyms,
            origin,
            answers,
            pins,
            engine,
            kind_runs,
            scratch: None,
        })
    }

    /// The catalog ordinal of the page at `url`, when the answer layer can put it first: a
    /// directory entry, or a page named in `intents.toml`.
    pub(crate) fn pin_ordinal(&self, url: &str) -> Option<u32> {
        match url.strip_prefix("/contact#") {
            Some(id) => self
                .catalog
                .contact_ordinal(id)
                .and_then(|ordinal| u32::try_from(ordinal).ok()),
            None => self.pins.get(url).copied(),
        }
    }
}

/// The ordinals of the catalog entries at `wanted` URLs (one pass over the catalog at startup).
fn pins(catalog: &Catalog, wanted: HashSet<&str>) -> HashMap<String, u32> {
    if wanted.is_empty() {
        return HashMap::new();
    }
    (0..catalog.entries.len())
        .filter_map(|ordinal| {
            let url = catalog.url(ordinal);
            (wanted.contains(url.as_str()))
                .then(|| u32::try_from(ordinal).ok().map(|ordinal| (url, ordinal)))
                .flatten()
        })
        .collect()
}
