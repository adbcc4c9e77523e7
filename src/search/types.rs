//! The search module's public vocabulary: request, results, hits and their parts, suggestions,
//! limits, errors and where an index came from.

use serde::Serialize;
use tantivy::TantivyError;

pub use crate::content::AnswerContact;

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
    pub(crate) fn slot(self) -> usize {
        match self {
            HitKind::Article => 0,
            HitKind::Section => 1,
            HitKind::Faq => 2,
            HitKind::Contact => 3,
        }
    }

    /// Score multiplier per kind, in [`HitKind::ALL`] order: a section repeats part of its
    /// article, so it ranks a little below an equally good article, FAQ or contact.
    pub(crate) const WEIGHTS: [f32; 4] = [1.0, 0.7, 1.0, 1.0];
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
    /// Whether `total` and `counts` are estimates, rounded to two digits and shown as "about"
    /// (a huge result set of a big index, which is not counted to the last match). Serialized
    /// only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// The page actually served (after clamping).
    pub page: usize,
    /// The page size actually used (after clamping).
    pub per_page: usize,
    /// A corrected query, when a typed word is not in the index and a close word is.
    pub did_you_mean: Option<String>,
    /// The contact id of the instant answer's first card ([`Answer::contacts`]), when there is one.
    pub instant_answer: Option<String>,
    /// The instant answer: only when the query's need maps to directory entries with
    /// confidence (rules from `content/intents.toml`), or the query holds a number the directory
    /// lists; `None` otherwise, and for a number the directory does not list.
    pub answer: Option<Answer>,
    /// The number checker's verdict on the first complete phone number in the query, if any.
    pub number_check: Option<NumberCheck>,
    /// The call planner's address for the situation the query states (`/plan?need=lost-stolen`,
    /// with the card and place when the query names them unambiguously), when the intents that
    /// decided the answer name a planner need (`plan` in `content/intents.toml`); `None` for a
    /// number check, a navigational query or an unsure one.
    pub plan: Option<String>,
}

/// What kind of instant answer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// The entries for the query's need (one, or several for a combined situation), or the
    /// entries that list a number the query holds.
    Contact,
    /// An unsolicited call, text or email: the scam guidance first, with the line for people who
    /// already shared details.
    Safety,
    /// An account question the guides do not cover: the number on the back of the card and the
    /// general customer service entry.
    GeneralRoute,
}

impl AnswerKind {
    /// The JSON value: `contact`, `safety`, `general_route`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Contact => "contact",
            AnswerKind::Safety => "safety",
            AnswerKind::GeneralRoute => "general_route",
        }
    }
}

/// An instant answer: never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// What it is.
    pub kind: AnswerKind,
    /// The entries to show, in order, each with what it is for here; at least one.
    pub contacts: Vec<AnswerContact>,
    /// The page the results put first (scam guidance, the combined situation's section).
    pub first: Option<String>,
    /// What decided it: an intent id, intent ids joined by `+` for a combination, or `number`.
    pub rule: String,
}

/// The number checker's verdict on a phone number found in a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberCheck {
    /// E.164 form, `+18001234567`.
    pub number: String,
    /// House display form, `1-800-123-4567`.
    pub display: String,
    /// Ids of the directory entries that list it, in directory order; empty when neither guide
    /// gives it.
    pub contacts: Vec<String>,
}

impl NumberCheck {
    /// Whether the directory lists the number.
    pub fn is_known(&self) -> bool {
        !self.contacts.is_empty()
    }
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

/// Where a [`SearchIndex`] came from (logged at startup, and what tests check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Built in RAM: no index folder was given, or it could not be used.
    Memory,
    /// Built in a temporary folder and read through memory maps: a big site without an index
    /// folder (removed when the index is dropped).
    Scratch,
    /// Built in the index folder, which held no usable index of this content.
    Built,
    /// Opened from the index folder, which held an index of exactly this content.
    Reused,
}

impl IndexOrigin {
    /// `memory`, `temporary`, `built` or `reused`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexOrigin::Memory => "memory",
            IndexOrigin::Scratch => "temporary",
            IndexOrigin::Built => "built",
            IndexOrigin::Reused => "reused",
        }
    }
}
