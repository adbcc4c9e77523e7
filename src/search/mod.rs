//! Full-text search over the `Site` (the only module that imports tantivy): builds a RAM index at
//! startup and answers lenient queries with ranked hits, snippets, kind counts, a "did you mean",
//! an instant answer (a contact) and typeahead suggestions.
//!
//! Layout: [`index`] turns the site into documents and a catalog; [`understand`] cleans the query
//! and finds phone numbers, words and synonyms; [`plan`] builds the tantivy query; [`collect`]
//! ranks and counts in one pass; [`snippet`] cuts the highlighted text.

mod collect;
mod index;
mod plan;
mod snippet;
mod understand;

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{IndexReader, ReloadPolicy, TantivyError};

use crate::content::Site;
use collect::{KindCounter, OrdinalTables, RankCollector, Ranked, Scored};
use index::{Catalog, Fields};
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
/// From this many matches, ranking first scores only the pages whose titles, headings or keywords
/// hold a required concept.
const NARROW_FROM_MATCHES: usize = 5_000;
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

/// The search index of one `Site`: immutable once built, shared by every request.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    catalog: Catalog,
    kinds: Arc<[HitKind]>,
    tables: Arc<OrdinalTables>,
    analyzers: Analyzers,
    synonyms: Synonyms,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndex")
            .field("documents", &self.catalog.entries.len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Indexes every article, section, FAQ and contact of `site` in RAM.
    pub fn build(site: &Site) -> Result<SearchIndex, SearchError> {
        let started = Instant::now();
        let (mut index, fields) = index::create_index();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_WRITER_THREADS);
        let mut writer = index
            .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
            .map_err(SearchError::Writer)?;
        // One merge at the end instead of merges racing the indexing threads.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let catalog = index::add_site(site, &writer, fields)?;
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
        let mut by_size: Vec<(u32, tantivy::index::SegmentId)> =
            metas.iter().map(|meta| (meta.num_docs(), meta.id())).collect();
        by_size.sort_by(|a, b| b.0.cmp(&a.0));
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
        if target > 1 {
            index
                .set_multithread_executor(target)
                .map_err(SearchError::Reader)?;
        }
        tracing::debug!(
            documents = catalog.entries.len(),
            text_bytes = catalog.text_bytes(),
            threads,
            segments = target,
            indexed_ms = indexed.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
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
            index_bytes = searcher.space_usage().map_or(0, |usage| usage.total().get_bytes()),
            "search index size"
        );
        Ok(SearchIndex {
            reader,
            fields,
            catalog,
            kinds,
            tables,
            analyzers,
            synonyms,
        })
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
        let counter = KindCounter {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
        };
        let mut query: &dyn Query = &**query;
        let mut counts = searcher.search(query, &counter)?;
        let mut headline = plan.headline.as_deref();
        if let Some(fallback) = &plan.fallback
            && counts.iter().sum::<usize>() < FEW_MATCHES
        {
            query = &**fallback;
            counts = searcher.search(query, &counter)?;
            headline = None;
        }
        let collector = RankCollector {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
            weights: HitKind::WEIGHTS,
            filter: kind,
            limit,
        };
        let wanted = kind.map_or_else(|| counts.iter().sum(), |kind| counts[kind.slot()]);
        let is_big = counts.iter().sum::<usize>() >= NARROW_FROM_MATCHES;
        // Closeness in running text is checked on ordinary result sets only.
        let scoring: Box<dyn Query> = match &plan.body_proximity {
            Some(proximity) if !is_big => Box::new(BooleanQuery::new(vec![
                (Occur::Must, query.box_clone()),
                (Occur::Should, proximity.box_clone()),
            ])),
            _ => query.box_clone(),
        };
        let mut ranked = None;
        if let Some(headline) = headline
            && is_big
        {
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
                catalog.text(ordinal),
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
