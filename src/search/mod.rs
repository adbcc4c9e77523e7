//! Full-text search over the `Site` (the only module that imports tantivy): builds the index at
//! startup (in RAM, or in the `--index-dir` folder, where an index of unchanged content is reused
//! instead: [`SearchIndex::open_or_build`]) and answers lenient queries with ranked hits, snippets,
//! kind counts, a "did you mean", an instant answer (a contact) and typeahead suggestions.
//!
//! Layout: [`index`] turns the site into documents and a catalog; [`understand`] cleans the query
//! and finds phone numbers, words and synonyms; [`plan`] builds the tantivy queries; [`collect`]
//! ranks and counts per kind; [`snippet`] cuts the highlighted text. `SearchIndex::rank` chooses
//! between one pass (ordinary result sets) and count-then-narrowed ranking (huge ones).

mod collect;
mod index;
mod plan;
mod snippet;
mod understand;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

use crate::content::Site;
use collect::{KindCounter, OrdinalTables, RankCollector, Ranked, Scored};
use index::{Catalog, DirError, Fields, IndexKey};
use plan::{Mode, Planner};
use understand::{Analyzers, Synonyms, normalise};

/// Longest query searched, in characters (after whitespace is collapsed); longer input is cut and
/// [`SearchResults::truncated`] is set so the page can say so.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most hits on one page; larger `per_page` values are clamped to it.
pub const MAX_PER_PAGE: usize = 50;
/// Hits per page when the request asks for none.
pub const DEFAULT_PER_PAGE: usize = 10;
/// How deep pagination goes; pages past it are empty (the counts stay exact).
pub const MAX_RESULT_DEPTH: usize = 1000;
/// Most typeahead suggestions returned, whatever the limit asked.
pub const MAX_SUGGESTIONS: usize = 20;

/// When pages with every word are fewer than this, pages with any of the words are listed instead
/// (a visitor's extra word, "send a letter", should not hide the page about letters).
const FEW_MATCHES: usize = 3;
/// How much better another named contact must match than the first named one to be chosen.
const CLEARLY_BETTER: f32 = 1.25;
/// Memory the index writer may use per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 64 * 1024 * 1024;
/// From this many documents, the index keeps one segment per core and searches them in parallel.
const PARALLEL_SEARCH_DOCUMENTS: usize = 20_000;
/// Most indexing threads.
const MAX_WRITER_THREADS: usize = 4;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// A whole article.
    Article,
    /// One section of an article (under a heading).
    Section,
    /// A question and answer.
    Faq,
    /// A contact directory entry.
    Contact,
}

impl HitKind {
    /// Every kind, in the order counts are reported.
    pub const ALL: [HitKind; 4] = [
        HitKind::Article,
        HitKind::Section,
        HitKind::Faq,
        HitKind::Contact,
    ];

    /// The URL/JSON value: `article`, `section`, `faq`, `contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Article => "article",
            HitKind::Section => "section",
            HitKind::Faq => "faq",
            HitKind::Contact => "contact",
        }
    }

    /// The human label: `Article`, `Section`, `FAQ`, `Contact`.
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Article => "Article",
            HitKind::Section => "Section",
            HitKind::Faq => "FAQ",
            HitKind::Contact => "Contact",
        }
    }

    /// Parses [`HitKind::as_str`] values (case-insensitive, surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<HitKind> {
        let text = text.trim();
        HitKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }

    /// Position in [`HitKind::ALL`].
    fn slot(self) -> usize {
        match self {
            HitKind::Article => 0,
            HitKind::Section => 1,
            HitKind::Faq => 2,
            HitKind::Contact => 3,
        }
    }

    /// Score multiplier per kind, in [`HitKind::ALL`] order: a section repeats part of its
    /// article, so it ranks a little below an equally good article, FAQ or contact.
    const WEIGHTS: [f32; 4] = [1.0, 0.7, 1.0, 1.0];
}

/// One search request, as the web layer parsed it.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    /// Raw visitor text: any length, any characters.
    pub query: &'a str,
    /// Only hits of this kind are listed (all kinds are still counted).
    pub kind: Option<HitKind>,
    /// 1-based page; 0 is read as 1, pages past the end are empty.
    pub page: usize,
    /// Hits per page; clamped to `1..=MAX_PER_PAGE` (0 means [`DEFAULT_PER_PAGE`]).
    pub per_page: usize,
}

impl<'a> SearchRequest<'a> {
    /// The first page of all kinds with the default page size.
    pub fn new(query: &'a str) -> SearchRequest<'a> {
        SearchRequest {
            query,
            kind: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as searched: whitespace and control characters collapsed, cut to the cap.
    pub query: String,
    /// Whether the input was longer than [`MAX_QUERY_CHARS`] and was cut.
    pub truncated: bool,
    /// Matches after the kind filter.
    pub total: usize,
    /// Matches per kind before the kind filter: all four kinds, in [`HitKind::ALL`] order.
    pub counts: Vec<(HitKind, usize)>,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// The page actually served (after clamping).
    pub page: usize,
    /// The page size actually used (after clamping).
    pub per_page: usize,
    /// A corrected query, when a typed word is not in the index and a close word is.
    pub did_you_mean: Option<String>,
    /// A contact id to show as a card above the results: the best match when it is a contact;
    /// otherwise, of the contacts the best-matching article, section or FAQ names, the one that
    /// matches the query best (the first named when none does).
    pub instant_answer: Option<String>,
}

impl SearchResults {
    /// Total pages for the current `total` and `per_page` (0 when nothing matched).
    pub fn pages(&self) -> usize {
        self.total
            .min(MAX_RESULT_DEPTH)
            .div_ceil(self.per_page.max(1))
    }
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// What the hit is.
    pub kind: HitKind,
    /// Article title, section heading, FAQ question or contact purpose.
    pub title: String,
    /// Site path with anchor: `/articles/x`, `/articles/x#heading`, `/faq#id`, `/contact#id`.
    pub url: String,
    /// Category title (articles, sections and FAQs).
    pub category: Option<String>,
    /// The trail above the title, e.g. `[category title, article title]` for a section, `[category
    /// title, "FAQ"]` for an FAQ, `["Contact directory", department]` for a contact.
    pub breadcrumb: Vec<String>,
    /// Plain-text snippet; the web layer escapes it and wraps highlighted parts in `<mark>`.
    pub snippet: Vec<Fragment>,
    /// The entry's phone numbers (contact hits only).
    pub phones: Vec<PhoneLink>,
    /// A contact hit's own id; for an article, section or FAQ, the contact it names that matches
    /// the query best (the first named when none does).
    pub contact_id: Option<String>,
    /// Ranking score (higher is better); only comparable within one result list.
    pub score: f32,
}

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fragment {
    /// Plain text, not HTML.
    pub text: String,
    /// Whether the text matched the query.
    pub highlighted: bool,
}

/// A phone number of a contact hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneLink {
    /// As the guide writes it, e.g. `1-800-528-4800`.
    pub display: String,
    /// The `tel:` URL, e.g. `tel:+18005284800`.
    pub tel: String,
}

/// A typeahead suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Title (a section is shown as `Article › Heading`).
    pub title: String,
    /// Site path with anchor.
    pub url: String,
    /// What it is.
    pub kind: HitKind,
}

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index writer could not be created.
    #[error("cannot create the search index writer: {0}")]
    Writer(#[source] TantivyError),
    /// A document was refused by the writer.
    #[error("cannot index {kind} `{title}`: {source}")]
    AddDocument {
        /// Kind of document.
        kind: &'static str,
        /// Its title.
        title: String,
        /// The underlying error.
        source: TantivyError,
    },
    /// Committing or merging the index failed.
    #[error("cannot finish the search index ({stage}): {source}")]
    Commit {
        /// What was being done.
        stage: &'static str,
        /// The underlying error.
        source: TantivyError,
    },
    /// No reader could be opened on the index.
    #[error("cannot open the search index for reading: {0}")]
    Reader(#[source] TantivyError),
}

/// Indexing threads: one per core, at most [`MAX_WRITER_THREADS`].
fn writer_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_WRITER_THREADS)
}

/// Writes every document of `site` into the empty `index` (in RAM or in a folder), commits, and
/// merges the segments into the layout searches want; returns the catalog.
fn write_documents(index: &Index, site: &Site, fields: Fields) -> Result<Catalog, SearchError> {
    let started = Instant::now();
    let threads = writer_threads();
    let mut writer = index
        .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
        .map_err(SearchError::Writer)?;
    // One merge at the end instead of merges racing the indexing threads.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let catalog = index::add_site(site, Some(&writer), fields)?;
    writer.commit().map_err(|source| SearchError::Commit {
        stage: "commit",
        source,
    })?;
    let indexed = started.elapsed();
    // Few segments make every query (and every dictionary lookup) cheaper; a big site keeps
    // one per core so a query can search them in parallel.
    let metas = index
        .searchable_segment_metas()
        .map_err(|source| SearchError::Commit {
            stage: "list segments",
            source,
        })?;
    let target = if catalog.entries.len() < PARALLEL_SEARCH_DOCUMENTS {
        1
    } else {
        threads
    };
    let mut groups: Vec<(u32, Vec<tantivy::index::SegmentId>)> = vec![(0, Vec::new()); target];
    let mut by_size: Vec<(u32, tantivy::index::SegmentId)> = metas
        .iter()
        .map(|meta| (meta.num_docs(), meta.id()))
        .collect();
    by_size.sort_by_key(|(docs, _)| std::cmp::Reverse(*docs));
    for (docs, id) in by_size {
        if let Some(smallest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += docs;
            smallest.1.push(id);
        }
    }
    let merges: Vec<_> = groups
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(_, ids)| writer.merge(ids))
        .collect();
    for merge in merges {
        merge.wait().map_err(|source| SearchError::Commit {
            stage: "merge",
            source,
        })?;
    }
    writer
        .wait_merging_threads()
        .map_err(|source| SearchError::Commit {
            stage: "wait for merges",
            source,
        })?;
    tracing::debug!(
        documents = catalog.entries.len(),
        text_bytes = catalog.text_bytes(),
        threads,
        segments = target,
        indexed_ms = indexed.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "search index built"
    );
    Ok(catalog)
}

/// Where a [`SearchIndex`] came from (logged at startup, and what tests check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Built in RAM: no index folder was given, or it could not be used.
    Memory,
    /// Built in the index folder, which held no usable index of this content.
    Built,
    /// Opened from the index folder, which held an index of exactly this content.
    Reused,
}

impl IndexOrigin {
    /// `memory`, `built` or `reused`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexOrigin::Memory => "memory",
            IndexOrigin::Built => "built",
            IndexOrigin::Reused => "reused",
        }
    }
}

/// The search index of one `Site`: immutable once built, shared by every request.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    catalog: Catalog,
    kinds: Arc<[HitKind]>,
    tables: Arc<OrdinalTables>,
    /// From this many matches a result set counts as huge ([`plan::LARGE_RESULT`]; tests lower it).
    large_result: u64,
    analyzers: Analyzers,
    synonyms: Synonyms,
    origin: IndexOrigin,
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
    /// Indexes every article, section, FAQ and contact of `site` in RAM.
    pub fn build(site: &Site) -> Result<SearchIndex, SearchError> {
        let (index, fields) = index::create_in_ram();
        let catalog = write_documents(&index, site, fields)?;
        SearchIndex::finish(index, fields, catalog, site, IndexOrigin::Memory)
    }

    /// The index of `site` kept in the folder `dir` (`--index-dir`): reused when `dir` holds the
    /// index this program built from exactly this content (see `index::IndexKey`), built there
    /// otherwise; other versions' indexes in `dir` are removed once the new one is complete (layout
    /// and crash safety: the "index folder" section of `index.rs`). A folder that cannot be used
    /// (unwritable, full, damaged beyond a rebuild) is logged with its path and the index is built
    /// in RAM, as without `--index-dir`; the only error is one a RAM build would give too.
    ///
    /// Deciding costs a hash of the content digest and reading the key file; a reused index gets
    /// its catalog from a pass over the site that reads no article text.
    pub fn open_or_build(site: &Site, dir: &Path) -> Result<SearchIndex, SearchError> {
        let started = Instant::now();
        let key = IndexKey::of(site);
        let path = index::index_path(dir, &key);
        let reason = if !index::has_index(dir) {
            "there was none yet".to_string()
        } else {
            let (_, fields) = index::schema();
            let catalog = index::add_site(site, None, fields)?;
            let documents = catalog.entries.len();
            match index::open_dir(&path, &key, documents, true) {
                Ok(Some(opened)) => {
                    match SearchIndex::finish(opened, fields, catalog, site, IndexOrigin::Reused) {
                        Ok(search) => {
                            tracing::info!(
                                documents,
                                total_ms = started.elapsed().as_millis() as u64,
                                "search index reused from {}",
                                path.display()
                            );
                            SearchIndex::remove_others(dir, &path);
                            return Ok(search);
                        }
                        Err(error) => {
                            tracing::warn!(
                                "cannot read the search index in {} ({error}); rebuilding it",
                                path.display()
                            );
                            "the index there could not be read".to_string()
                        }
                    }
                }
                // The catalog is built again with the index; this one would only hold memory.
                Ok(None) => {
                    drop(catalog);
                    "the content or the program changed".to_string()
                }
                Err(error) => {
                    drop(catalog);
                    tracing::warn!("{error}; rebuilding it");
                    "the index there was unusable".to_string()
                }
            }
        };
        match SearchIndex::build_in_dir(site, dir, &key) {
            Ok((search, path)) => {
                tracing::info!(
                    documents = search.len(),
                    total_ms = started.elapsed().as_millis() as u64,
                    "search index rebuilt in {} because {reason}",
                    path.display()
                );
                SearchIndex::remove_others(dir, &path);
                Ok(search)
            }
            Err(error) => {
                tracing::warn!(
                    "cannot keep the search index in {} ({error}); building it in memory",
                    dir.display()
                );
                SearchIndex::build(site)
            }
        }
    }

    /// Builds the index of `site` in a staging folder under `dir`, publishes it under `key`, and
    /// opens it from there as a reused index would be; returns it and its folder. The staging
    /// folder is removed on failure.
    fn build_in_dir(
        site: &Site,
        dir: &Path,
        key: &IndexKey,
    ) -> Result<(SearchIndex, std::path::PathBuf), DirError> {
        let (staging, index) = index::create_staging(dir)?;
        let built = (|| {
            let (_, fields) = index::schema();
            let catalog = write_documents(&index, site, fields)?;
            // Every file handle and lock on the staging folder is released before it is renamed.
            drop(index);
            let documents = catalog.entries.len();
            let path = index::publish(dir, &staging, key, documents)?;
            // Just written and committed: reading every file back for its checksum would only
            // catch a disk failure of the last few seconds.
            let opened = index::open_dir(&path, key, documents, false)?.ok_or_else(|| {
                DirError::Invalid {
                    path: path.clone(),
                    problem: "it vanished after it was written".to_string(),
                }
            })?;
            let search = SearchIndex::finish(opened, fields, catalog, site, IndexOrigin::Built)?;
            Ok((search, path))
        })();
        if built.is_err() && staging.exists() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        built
    }

    /// Removes the indexes of other content versions (and abandoned staging folders) from `dir`;
    /// a failure is logged and left for the next build.
    fn remove_others(dir: &Path, keep: &Path) {
        for stale in index::other_indexes(dir, keep) {
            match std::fs::remove_dir_all(&stale) {
                Ok(()) => tracing::debug!(path = %stale.display(), "old search index removed"),
                Err(error) => tracing::warn!(
                    %error,
                    path = %stale.display(),
                    "cannot remove an old search index"
                ),
            }
        }
    }

    /// What every index goes through once its documents are committed, wherever it came from: a
    /// multithreaded search executor when it has several segments, a reader, the ordinal tables,
    /// the analyzers and synonyms.
    fn finish(
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
        let executor = segments.min(writer_threads());
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
        let analyzers = index::analyzers();
        let synonyms = Synonyms::new(&site.synonyms, &analyzers);
        let kinds: Arc<[HitKind]> = catalog.kinds.clone().into();
        let searcher = reader.searcher();
        let tables = Arc::new(collect::ordinal_tables(&searcher).map_err(SearchError::Reader)?);
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
        })
    }

    /// Where this index came from: built in RAM, built in the index folder, or reused from it.
    pub fn origin(&self) -> IndexOrigin {
        self.origin
    }

    /// Number of indexed documents (articles, sections, FAQs and contacts).
    pub fn len(&self) -> usize {
        self.catalog.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.catalog.entries.is_empty()
    }

    /// Answers a request. Never fails: odd input gives an ordinary (possibly empty) answer, and an
    /// internal error is logged and answered as "no results".
    pub fn search(&self, request: &SearchRequest<'_>) -> SearchResults {
        let normalised = normalise(request.query);
        let per_page = match request.per_page {
            0 => DEFAULT_PER_PAGE,
            n => n.min(MAX_PER_PAGE),
        };
        let page = request.page.max(1);
        let mut results = SearchResults {
            query: normalised.text,
            truncated: normalised.truncated,
            total: 0,
            counts: HitKind::ALL.iter().map(|&kind| (kind, 0)).collect(),
            hits: Vec::new(),
            page,
            per_page,
            did_you_mean: None,
            instant_answer: None,
        };
        if results.query.is_empty() {
            return results;
        }
        let searcher = self.reader.searcher();
        let plan = self.planner(&searcher).plan(&results.query, Mode::Search);
        if plan.query.is_none() {
            return results;
        }
        let offset = (page - 1).saturating_mul(per_page);
        let limit = if offset < MAX_RESULT_DEPTH {
            (offset + per_page).min(MAX_RESULT_DEPTH)
        } else {
            0
        };
        let ranked = match self.rank(&searcher, &plan, request.kind, limit) {
            Ok(ranked) => ranked,
            Err(error) => {
                tracing::warn!(%error, query = %results.query, "search failed");
                return results;
            }
        };
        results.counts = HitKind::ALL
            .iter()
            .map(|&kind| (kind, ranked.counts[kind.slot()]))
            .collect();
        results.total = match request.kind {
            Some(kind) => ranked.counts[kind.slot()],
            None => ranked.counts.iter().sum(),
        };
        results.instant_answer = ranked
            .best
            .filter(|_| plan.is_specific)
            .and_then(|best| self.contact_for(best.ordinal as usize, &ranked.contacts))
            .map(str::to_string);
        if plan.has_unknown_word || results.total == 0 {
            results.did_you_mean = plan.correction;
        }
        results.hits = ranked
            .hits
            .iter()
            .skip(offset)
            .map(|scored| self.hit(*scored, &plan.highlight, &ranked.contacts))
            .collect();
        results
    }

    /// Counts every match, then ranks: all of them on an ordinary result set; on a huge one
    /// (scoring a hundred thousand matches costs too much) without the closeness check in running
    /// text, and first only the pages with a required concept in a title, heading or keywords
    /// (those are the ones that rank), falling back to all when they do not fill the page.
    fn rank(
        &self,
        searcher: &tantivy::Searcher,
        plan: &plan::Plan,
        kind: Option<HitKind>,
        limit: usize,
    ) -> tantivy::Result<Ranked> {
        let Some(query) = &plan.query else {
            return Ok(Ranked::default());
        };
        let collector = RankCollector {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
            weights: HitKind::WEIGHTS,
            filter: kind,
            limit,
        };
        let with_proximity = |query: &dyn Query| -> Box<dyn Query> {
            match &plan.body_proximity {
                Some(proximity) => Box::new(BooleanQuery::new(vec![
                    (Occur::Must, query.box_clone()),
                    (Occur::Should, proximity.box_clone()),
                ])),
                None => query.box_clone(),
            }
        };
        if plan.estimate < self.large_result {
            // An ordinary result set: one pass scores, ranks and counts every match.
            let ranked = searcher.search(&*with_proximity(&**query), &collector)?;
            return match &plan.fallback {
                Some(fallback) if ranked.counts.iter().sum::<usize>() < FEW_MATCHES => {
                    searcher.search(&*with_proximity(&**fallback), &collector)
                }
                _ => Ok(ranked),
            };
        }
        let counter = KindCounter {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
        };
        let mut query: &dyn Query = &**query;
        let mut counts = searcher.search(plan.count.as_deref().unwrap_or(query), &counter)?;
        let mut headlines: &[Box<dyn Query>] = &plan.headlines;
        if let Some(fallback) = &plan.fallback
            && counts.iter().sum::<usize>() < FEW_MATCHES
        {
            query = &**fallback;
            counts = searcher.search(query, &counter)?;
            headlines = &[];
        }
        let total: usize = counts.iter().sum();
        let wanted = kind.map_or(total, |kind| counts[kind.slot()]);
        let is_big = total as u64 >= self.large_result;
        let scoring = if is_big {
            query.box_clone()
        } else {
            with_proximity(query)
        };
        let mut ranked = None;
        for headline in headlines.iter().filter(|_| is_big) {
            let narrowed = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(headline.box_clone(), 0.0)) as Box<dyn Query>,
                ),
                (Occur::Must, scoring.box_clone()),
            ]);
            let candidate = searcher.search(&narrowed, &collector)?;
            if candidate.hits.len() >= limit.min(wanted) {
                ranked = Some(candidate);
                break;
            }
        }
        let mut ranked = match ranked {
            Some(ranked) => ranked,
            None => searcher.search(&*scoring, &collector)?,
        };
        ranked.counts = counts;
        Ok(ranked)
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) pages for a partly typed query, best first; the
    /// last word is read as the start of a word.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<Suggestion> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let normalised = normalise(query);
        if limit == 0
            || normalised
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count()
                < 2
        {
            return Vec::new();
        }
        let searcher = self.reader.searcher();
        let plan = self
            .planner(&searcher)
            .plan(&normalised.text, Mode::Suggest);
        let Some(query) = plan.query else {
            return Vec::new();
        };
        let collector = RankCollector {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
            weights: HitKind::WEIGHTS,
            filter: None,
            limit: limit * 3,
        };
        let mut outcome = searcher.search(&*query, &collector);
        if let (Ok(ranked), Some(fallback)) = (&outcome, &plan.fallback)
            && ranked.counts.iter().sum::<usize>() < FEW_MATCHES
        {
            outcome = searcher.search(&**fallback, &collector);
        }
        let ranked = match outcome {
            Ok(ranked) => ranked,
            Err(error) => {
                tracing::warn!(%error, query = %normalised.text, "suggest failed");
                return Vec::new();
            }
        };
        let mut suggestions: Vec<Suggestion> = Vec::with_capacity(limit);
        for scored in ranked.hits {
            let ordinal = scored.ordinal as usize;
            let suggestion = Suggestion {
                title: self.catalog.suggestion_title(ordinal),
                url: self.catalog.url(ordinal),
                kind: self.catalog.kind(ordinal),
            };
            if suggestions
                .iter()
                .any(|s| s.title == suggestion.title || s.url == suggestion.url)
            {
                continue;
            }
            suggestions.push(suggestion);
            if suggestions.len() == limit {
                break;
            }
        }
        suggestions
    }

    /// The contact a hit leads to: a contact hit itself; otherwise the first contact the page
    /// names, unless another contact it names matches the query clearly better (a page about
    /// several products names them all, and "gift card" should lead to the gift card line).
    fn contact_for(&self, ordinal: usize, contact_scores: &[Scored]) -> Option<&str> {
        let named = self.catalog.contacts(ordinal);
        let score_of = |id: &String| -> f32 {
            self.catalog
                .contact_ordinal(id)
                .and_then(|contact| {
                    contact_scores
                        .iter()
                        .find(|s| s.ordinal as usize == contact)
                })
                .map_or(0.0, |scored| scored.score)
        };
        let first = named.first()?;
        let first_score = score_of(first);
        let best = named
            .iter()
            .map(|id| (score_of(id), id))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((score, id)) if score > first_score * CLEARLY_BETTER => Some(id),
            _ => Some(first),
        }
        .map(String::as_str)
    }

    fn planner<'a>(&'a self, searcher: &'a tantivy::Searcher) -> Planner<'a> {
        Planner {
            searcher,
            fields: self.fields,
            analyzers: &self.analyzers,
            synonyms: &self.synonyms,
            large_result: self.large_result,
        }
    }

    fn hit(
        &self,
        scored: Scored,
        highlight: &std::collections::HashMap<String, snippet::Highlight>,
        contact_scores: &[Scored],
    ) -> Hit {
        let ordinal = scored.ordinal as usize;
        let catalog = &self.catalog;
        Hit {
            kind: catalog.kind(ordinal),
            title: catalog.title(ordinal).to_string(),
            url: catalog.url(ordinal),
            category: catalog.category(ordinal).map(str::to_string),
            breadcrumb: catalog.breadcrumb(ordinal),
            snippet: snippet::snippet(
                &catalog.text(ordinal),
                &catalog.phone_ranges(ordinal),
                highlight,
                &self.analyzers,
            ),
            phones: catalog.phones(ordinal),
            contact_id: self
                .contact_for(ordinal, contact_scores)
                .map(str::to_string),
            score: scored.score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{SourceFile, Sources};

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        }
    }

    /// A tiny site: two articles, two FAQs, three contacts, three synonym groups.
    fn tiny_site() -> Site {
        let sources = Sources {
            site: file(
                "site.toml",
                "title = \"T\"\ndescription = \"D\"\nnotice = \"N\"\nbase_url = \"http://localhost\"\nlanguage = \"en-US\"\n",
            ),
            guides: file(
                "guides.toml",
                "[[guide]]\nid = \"g\"\ntitle = \"Guide\"\nshort = \"the guide\"\nfile = \"g.txt\"\n",
            ),
            categories: file(
                "categories.toml",
                "[[category]]\nslug = \"cards\"\ntitle = \"Cards and accounts\"\ndescription = \"Cards.\"\nweight = 10\n\n[[category]]\nslug = \"people\"\ntitle = \"Reaching a person\"\ndescription = \"People.\"\nweight = 20\n",
            ),
            contacts: file(
                "contacts.toml",
                r#"[[contact]]
id = "lost-stolen"
department = "Lost, stolen and fraud"
purpose = "Report a lost or stolen card"
kind = "phone"
numbers = [{ display = "1-800-528-4800", sources = ["g"] }]
region = "us"
sources = ["g"]
weight = 10

[[contact]]
id = "rewards"
department = "Card customer service"
purpose = "Membership Rewards points"
kind = "phone"
numbers = [{ display = "1-800-297-3276", sources = ["g"] }]
vanity = "1-800-AXP-EARN"
region = "us"
sources = ["g"]
weight = 20

[[contact]]
id = "collect"
department = "Calling from abroad"
purpose = "Card members calling from outside the U.S."
kind = "phone"
numbers = [{ display = "1-623-492-5450", sources = ["g"] }]
toll = "collect"
region = "abroad"
sources = ["g"]
weight = 30
"#,
            ),
            faqs: file(
                "faqs.toml",
                r#"[[faq]]
id = "reach-someone"
category = "people"
question = "How do I reach a representative?"
answer = "Say representative at the phone menu, or press 0."
contacts = ["rewards"]
sources = ["g"]
weight = 10

[[faq]]
id = "abroad"
category = "people"
question = "Which number works while traveling?"
answer = "Call collect on 1-623-492-5450 when you are overseas."
contacts = ["collect"]
sources = ["g"]
weight = 20
"#,
            ),
            synonyms: file(
                "synonyms.toml",
                "[[group]]\nterms = [\"live person\", \"representative\", \"agent\"]\n\n[[group]]\nterms = [\"lost\", \"stolen\", \"missing\"]\n\n[[group]]\nterms = [\"abroad\", \"overseas\", \"outside the us\"]\n",
            ),
            articles: vec![
                file(
                    "articles/lost-card.md",
                    "+++\ntitle = \"Report a lost card\"\nsummary = \"What to do when your card is gone.\"\ncategory = \"cards\"\nupdated = 2026-11-20\nsources = [\"g\"]\ncontacts = [\"lost-stolen\"]\n+++\n\nA missing card should be reported at once.\n\n## Call right away\n\nCall 1-800-528-4800 and say the card is lost.\n\n## What to have ready\n\nYour name and address.\n",
                ),
                file(
                    "articles/live-person.md",
                    "+++\ntitle = \"Talk to a live person\"\nsummary = \"Getting past the phone menu.\"\ncategory = \"people\"\nupdated = 2026-11-20\nsources = [\"g\"]\n+++\n\nThe menu is long.\n\n## Ask for an agent\n\nSay agent twice and wait.\n",
                ),
            ],
        };
        Site::from_sources(&sources).unwrap_or_else(|error| panic!("tiny site is valid: {error}"))
    }

    fn index() -> SearchIndex {
        SearchIndex::build(&tiny_site()).expect("tiny index builds")
    }

    fn urls(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|hit| hit.url.as_str()).collect()
    }

    #[test]
    fn every_article_section_faq_and_contact_is_a_document() {
        let index = index();
        // 2 articles + 3 sections + 2 FAQs + 3 contacts.
        assert_eq!(index.len(), 10);
        let results = index.search(&SearchRequest::new("card"));
        let kinds: Vec<HitKind> = results.counts.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, HitKind::ALL);
    }

    #[test]
    fn phone_numbers_in_any_form_find_their_contact_first() {
        let index = index();
        for (query, contact) in [
            ("1-800-528-4800", "/contact#lost-stolen"),
            ("(800) 528-4800", "/contact#lost-stolen"),
            ("800 528 4800", "/contact#lost-stolen"),
            ("8005284800", "/contact#lost-stolen"),
            ("+1 800 528 4800", "/contact#lost-stolen"),
            ("528-4800", "/contact#lost-stolen"),
            ("5284800", "/contact#lost-stolen"),
            ("1-800-AXP-EARN", "/contact#rewards"),
            ("1-800-297-3276", "/contact#rewards"),
            ("623 492 5450", "/contact#collect"),
        ] {
            let results = index.search(&SearchRequest::new(query));
            assert_eq!(urls(&results).first().copied(), Some(contact), "{query}");
            assert_eq!(
                results.instant_answer.as_deref(),
                contact.strip_prefix("/contact#")
            );
            assert!(!results.hits[0].phones.is_empty());
        }
        // A page that mentions the number is found too, below the contact.
        let results = index.search(&SearchRequest::new("1-800-528-4800"));
        assert!(urls(&results).contains(&"/articles/lost-card#call-right-away"));
    }

    #[test]
    fn synonyms_expand_to_their_group_below_the_word_typed() {
        let index = index();
        let table = [
            // (query, a page that only has a synonym of a typed word)
            ("stolen card", "/articles/lost-card"),
            ("live person", "/faq#reach-someone"),
            ("calling from abroad", "/contact#collect"),
            ("outside the US", "/faq#abroad"),
        ];
        for (query, expected) in table {
            let results = index.search(&SearchRequest::new(query));
            assert!(
                urls(&results).contains(&expected),
                "{query}: {:?}",
                urls(&results)
            );
        }
        // "agent" is typed: the section that says "agent" beats the FAQ that says "representative".
        let results = index.search(&SearchRequest::new("agent"));
        let agent = urls(&results)
            .iter()
            .position(|url| url.ends_with("#ask-for-an-agent"));
        let representative = urls(&results)
            .iter()
            .position(|url| *url == "/faq#reach-someone");
        assert!(agent < representative, "{:?}", urls(&results));
    }

    #[test]
    fn typos_are_corrected_and_offered_as_did_you_mean() {
        let index = index();
        // Found through the correction even where the corrected word is rare…
        let results = index.search(&SearchRequest::new("reprsentative"));
        assert!(
            urls(&results).contains(&"/faq#reach-someone"),
            "{:?}",
            urls(&results)
        );
        // …and proposed as "did you mean" when several pages use it.
        let results = index.search(&SearchRequest::new("carrd"));
        assert_eq!(results.did_you_mean.as_deref(), Some("card"));
        assert!(!results.hits.is_empty());
        let nothing = index.search(&SearchRequest::new("xqzzyv"));
        assert_eq!((nothing.total, nothing.did_you_mean), (0, None));
    }

    #[test]
    fn hits_carry_urls_breadcrumbs_categories_and_snippets() {
        let index = index();
        let results = index.search(&SearchRequest {
            query: "what to have ready",
            kind: Some(HitKind::Section),
            page: 1,
            per_page: 5,
        });
        let hit = &results.hits[0];
        assert_eq!(hit.url, "/articles/lost-card#what-to-have-ready");
        assert_eq!(hit.category.as_deref(), Some("Cards and accounts"));
        assert_eq!(hit.breadcrumb, ["Cards and accounts", "Report a lost card"]);
        assert_eq!(hit.contact_id.as_deref(), Some("lost-stolen"));
        assert!(
            hit.snippet
                .iter()
                .any(|f| !f.highlighted && f.text.contains("name"))
        );
        assert!(hit.phones.is_empty());
    }

    #[test]
    fn the_lean_path_for_huge_result_sets_counts_the_same_matches() {
        let mut index = index();
        let queries = [
            "card",
            "lost card",
            "talk to a live person",
            "phone menu agent",
            "abroad",
        ];
        let normal: Vec<SearchResults> = queries
            .iter()
            .map(|q| index.search(&SearchRequest::new(q)))
            .collect();
        // Every result set now counts as huge: lean query, separate count, narrowed ranking.
        index.large_result = 1;
        for (query, before) in queries.iter().zip(&normal) {
            let lean = index.search(&SearchRequest::new(query));
            assert_eq!(lean.counts, before.counts, "{query}");
            assert_eq!(lean.hits.len(), before.hits.len(), "{query}");
        }
    }

    #[test]
    fn suggestions_complete_the_last_word_within_the_limit() {
        let index = index();
        let suggestions = index.suggest("lost ca", 5);
        assert!(suggestions[0].url.contains("lost"), "{suggestions:?}");
        let suggestions = index.suggest("ag", 5);
        assert!(
            suggestions
                .iter()
                .any(|s| s.title == "Talk to a live person › Ask for an agent"),
            "{suggestions:?}"
        );
        assert!(index.suggest("card", 1).len() <= 1);
        assert!(index.suggest("", 5).is_empty());
    }
}
