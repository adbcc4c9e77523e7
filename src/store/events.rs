//! What is recorded: the events the site sends to the store, each built whole from masked text.

use std::sync::Arc;

use crate::redact::Masked;

/// Seconds since the Unix epoch (UTC), the one time unit of the store.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// One thing a visitor did that is worth counting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A completed search.
    Search(SearchEvent),
    /// A result opened from a search (results page or typeahead).
    Click(ClickEvent),
    /// A "was this helpful?" answer.
    Feedback(FeedbackEvent),
    /// The "was this helpful?" form came into view.
    FormView(FormViewEvent),
}

/// Where a search was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSource {
    /// The results page, `/search`.
    Page,
    /// The JSON API, `/api/search`.
    Api,
    /// The typeahead: the query a visitor picked a suggestion from.
    Suggest,
}

impl SearchSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSource::Page => "page",
            SearchSource::Api => "api",
            SearchSource::Suggest => "suggest",
        }
    }

    /// The source a stored name stands for.
    pub fn parse(text: &str) -> Option<SearchSource> {
        [SearchSource::Page, SearchSource::Api, SearchSource::Suggest]
            .into_iter()
            .find(|source| source.as_str() == text)
    }
}

/// A completed search: when and where, and what it found (shared by every time the same answer
/// is served from the answer cache, so recording a cached search copies no text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEvent {
    /// When (Unix seconds).
    pub at: i64,
    /// Where.
    pub source: SearchSource,
    /// What was searched and found.
    pub outcome: Arc<SearchOutcome>,
}

/// What a search was and what it showed, computed once per answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOutcome {
    /// The normalised, masked query (`redact::normalise_query`).
    pub query: Masked,
    /// How many results it found.
    pub results: i64,
    /// The instant answer shown (its kind, and the first contact id), if any.
    pub answer: Option<String>,
    /// The number checker's verdict shown (`known` or `unknown`), if any.
    pub verdict: Option<&'static str>,
    /// The phone number checked, when there was a verdict (ten digits: never card data).
    pub number: Option<Masked>,
    /// The content version answered from (a prefix of the content digest).
    pub content_version: Arc<str>,
}

/// A result opened from a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickEvent {
    /// When (Unix seconds).
    pub at: i64,
    /// Where the search was made.
    pub source: SearchSource,
    /// The normalised, masked query.
    pub query: Masked,
    /// The result's address on this site (masked as well).
    pub url: Masked,
    /// Its position in the list, from 1, when known.
    pub position: Option<i64>,
    /// The content version answered from.
    pub content_version: Arc<str>,
}

/// Why a page did not help, as the visitor chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The number did not work.
    NumberDidNotWork,
    /// I could not reach a person.
    NoPerson,
    /// The answer was wrong or outdated.
    WrongOrOutdated,
    /// It did not answer my question.
    NotAnswered,
    /// Other.
    Other,
}

impl Reason {
    /// Every reason, in the order the form lists them.
    pub const ALL: [Reason; 5] = [
        Reason::NumberDidNotWork,
        Reason::NoPerson,
        Reason::WrongOrOutdated,
        Reason::NotAnswered,
        Reason::Other,
    ];

    /// The stored name (also the form value).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NumberDidNotWork => "number-did-not-work",
            Reason::NoPerson => "no-person",
            Reason::WrongOrOutdated => "wrong-or-outdated",
            Reason::NotAnswered => "not-answered",
            Reason::Other => "other",
        }
    }

    /// What the form says.
    pub fn label(self) -> &'static str {
        match self {
            Reason::NumberDidNotWork => "The number did not work",
            Reason::NoPerson => "I could not reach a person",
            Reason::WrongOrOutdated => "The answer was wrong or outdated",
            Reason::NotAnswered => "It did not answer my question",
            Reason::Other => "Other",
        }
    }

    /// The reason a stored name or form value stands for.
    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// Longest comment accepted with a "no", in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// A "was this helpful?" answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackEvent {
    /// When (Unix seconds).
    pub at: i64,
    /// The page it is about: a canonical path (`/articles/…`), `/faq#<id>` or `/search`.
    pub page: Masked,
    /// Yes or no.
    pub helpful: bool,
    /// Why not, when the visitor said.
    pub reason: Option<Reason>,
    /// The optional comment (masked, at most [`MAX_COMMENT_CHARS`]).
    pub comment: Option<Masked>,
    /// On the results page, the normalised masked query.
    pub query: Option<Masked>,
    /// The content version the page was from.
    pub content_version: Arc<str>,
}

/// The "was this helpful?" form came into view on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormViewEvent {
    /// When (Unix seconds).
    pub at: i64,
    /// The page, as in [`FeedbackEvent::page`].
    pub page: Masked,
    /// The content version.
    pub content_version: Arc<str>,
}
