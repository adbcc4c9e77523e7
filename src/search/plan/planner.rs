//! The planner's inputs: what a query is for ([`Mode`], with its field weights) and what it is
//! planned against ([`Planner`]: the searcher's dictionary, fields, analyzers and synonyms). The
//! phases in the sibling files add their steps to `Planner`.

use tantivy::Searcher;
use tantivy::schema::Field;

use crate::search::engine::Engine;
use crate::search::schema::Fields;
use crate::search::synonyms::Synonyms;
use crate::search::understand::Analyzers;

/// From this many matches (estimated), a result set is huge: queries go lean and ranking
/// narrows (see `SearchIndex::rank`).
pub(crate) const LARGE_RESULT: u64 = 5_000;

/// What the query is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The results page: the last word is completed only when it is not a word of its own.
    Search,
    /// Typeahead: the last word is always completed, titles count most.
    Suggest,
}

impl Mode {
    /// Field weights: title/question above headings above keywords above body.
    pub(super) fn field_boosts(self, fields: Fields) -> [(Field, f32); 5] {
        match self {
            Mode::Search => [
                (fields.title, 3.0),
                (fields.headings, 2.2),
                (fields.keywords, 2.0),
                (fields.context, 0.5),
                (fields.body, 1.0),
            ],
            // Typeahead shows titles, so it matches titles, headings and keywords only (which
            // also keeps it cheap on every keystroke).
            Mode::Suggest => [
                (fields.title, 4.0),
                (fields.headings, 1.5),
                (fields.keywords, 1.5),
                (fields.context, 0.3),
                (fields.body, 0.0),
            ],
        }
    }
}

/// Builds plans against the current searcher's dictionary.
pub(crate) struct Planner<'a> {
    /// The searcher whose term dictionary and frequencies the plan is built against.
    pub(crate) searcher: &'a Searcher,
    /// The schema's fields.
    pub(crate) fields: Fields,
    /// The analyzers the index was built with.
    pub(crate) analyzers: &'a Analyzers,
    /// The synonym groups, analyzed.
    pub(crate) synonyms: &'a Synonyms,
    /// From this many (estimated) matches a query goes lean; [`LARGE_RESULT`] outside tests.
    pub(crate) large_result: u64,
    /// The in-memory engine of a small index: its term lists answer dictionary lookups.
    pub(crate) engine: Option<&'a Engine>,
}
