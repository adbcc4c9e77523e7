//! Full-text search over the `Site` (the only module that imports tantivy): builds the index at
//! startup (in RAM, or in the `--index-dir` folder, where an index of unchanged content is reused
//! instead: [`SearchIndex::open_or_build`]) and answers lenient queries with ranked hits, snippets,
//! kind counts, a "did you mean", an instant answer (a contact) and typeahead suggestions.
//!
//! Layout, in the order data flows: [`types`] is the public vocabulary; [`schema`] the fields and
//! analyzers; [`documents`] turns the site into documents and [`catalog`] entries; [`writer`]
//! writes and merges them; [`store`] keeps an index in the `--index-dir` folder. At query time
//! [`understand`] cleans the query and finds phone numbers, words and synonyms; [`plan`] builds the
//! tantivy queries; [`rank`] runs them through [`collect`]; [`answer`] turns the ranking into hits,
//! with [`snippet`] cutting the highlighted text. [`index`] holds the [`SearchIndex`] itself and how
//! one is made ready; this file is the public surface.

mod answer;
mod candidates;
mod catalog;
mod collect;
mod decide;
mod documents;
mod engine;
mod estimate;
mod index;
mod intents;
mod numbers;
mod plan;
mod query;
mod rank;
mod schema;
mod scratch;
mod snippet;
mod staged;
mod stem_cache;
mod store;
mod synonyms;
#[cfg(test)]
mod tests;
mod types;
mod understand;
mod within;
mod wordmap;
mod writer;

use std::path::Path;

use crate::content::Site;
pub use index::SearchIndex;

pub use types::{
    Answer, AnswerContact, AnswerKind, DEFAULT_PER_PAGE, Fragment, Hit, HitKind, IndexOrigin,
    MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_DEPTH, MAX_SUGGESTIONS, NumberCheck, PhoneLink,
    SearchError, SearchRequest, SearchResults, Suggestion,
};

impl SearchIndex {
    /// The index of `site` kept in the folder `dir` (`--index-dir`): reused when `dir` holds the
    /// index this program built from exactly this content (see `store::IndexKey`), built there
    /// otherwise; other versions' indexes in `dir` are removed once the new one is complete (layout
    /// and crash safety: the module doc of `store.rs`). A folder that cannot be used
    /// (unwritable, full, damaged beyond a rebuild) is logged with its path and the index is built
    /// in RAM, as without `--index-dir`; the only error is one a RAM build would give too.
    ///
    /// Deciding costs a hash of the content digest and reading the key file; a reused index gets
    /// its catalog from a pass over the site that reads no article text.
    pub fn open_or_build(site: &Site, dir: &Path) -> Result<SearchIndex, SearchError> {
        store::open_or_build(site, dir)
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
        self.results(request)
    }

    /// The number checker's verdict on the first complete phone number in `query` (any written
    /// form, anywhere in a sentence), or `None` when it holds none. Cheap: no index is read.
    pub fn check_number(&self, query: &str) -> Option<NumberCheck> {
        self.answers.check_number(query)
    }

    /// The contact id of the line for people who already shared details with a caller
    /// (`[checker] fraud_contact` in `intents.toml`).
    pub fn fraud_contact(&self) -> Option<&str> {
        self.answers.fraud_contact()
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) pages for a partly typed query, best first; the
    /// last word is read as the start of a word.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<Suggestion> {
        self.suggestions(query, limit)
    }
}
