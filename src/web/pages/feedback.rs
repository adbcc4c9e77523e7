//! The "was this helpful?" block under an article, each FAQ entry and the search results: its view
//! model, and which page a posted answer is about (and where the visitor goes back to).
//!
//! The block is part of the prerendered page and the same for every visitor: the thank-you and the
//! "sorry, here are the numbers" notes are in it, hidden, and shown by CSS `:target` when the
//! `303` answer sends the browser back to `page#<scope>-feedback-thanks` (or `-sorry`), or by the
//! script without a reload. So pages stay byte-identical and cacheable.

use crate::content::{ContactKind, Site};
use crate::store::Reason;
use crate::web::views::ContactView;

/// The block as a template sees it.
pub(crate) struct FeedbackView {
    /// Prefix of the block's element ids: `article`, `faq-<id>`, `search`.
    pub scope: String,
    /// The `page` form field: `/articles/<slug>`, `/faq#<id>`, `/search`.
    pub page: String,
    /// The query, on the results page (sent back so the thank-you returns to the same results).
    pub query: Option<String>,
    /// The phone entries that fit the page, shown after a "no"; empty: the general route.
    pub numbers: Vec<ContactView>,
    /// The reasons a "no" can give, in order: (form value, label).
    pub reasons: Vec<(&'static str, &'static str)>,
    /// Longest comment, in characters.
    pub max_comment: usize,
    /// Whether the block sits inside one entry of a page (a FAQ entry, whose question is an
    /// `h3`): its title is then an `h4`, otherwise an `h2`.
    pub in_entry: bool,
}

impl FeedbackView {
    /// The block for `page`, with the phone entries among `contact_ids` as the numbers that fit.
    fn new(
        site: &Site,
        scope: String,
        page: String,
        query: Option<String>,
        contact_ids: &[String],
    ) -> FeedbackView {
        let phone_ids: Vec<String> = contact_ids
            .iter()
            .filter(|id| {
                site.contact(id)
                    .is_some_and(|contact| contact.kind == ContactKind::Phone)
            })
            .cloned()
            .collect();
        FeedbackView {
            scope,
            page,
            query,
            numbers: ContactView::list(site, &phone_ids)
                .into_iter()
                .map(ContactView::compact)
                .collect(),
            reasons: Reason::ALL
                .iter()
                .map(|reason| (reason.as_str(), reason.label()))
                .collect(),
            max_comment: crate::store::MAX_COMMENT_CHARS,
            in_entry: false,
        }
    }

    /// The block under an article.
    pub(crate) fn article(site: &Site, slug: &str, contact_ids: &[String]) -> FeedbackView {
        FeedbackView::new(
            site,
            "article".to_string(),
            format!("/articles/{slug}"),
            None,
            contact_ids,
        )
    }

    /// The block under one FAQ entry.
    pub(crate) fn faq(site: &Site, id: &str, contact_ids: &[String]) -> FeedbackView {
        FeedbackView {
            in_entry: true,
            ..FeedbackView::new(
                site,
                format!("faq-{id}"),
                format!("/faq#{id}"),
                None,
                contact_ids,
            )
        }
    }

    /// The block under search results for `query`, with the instant answer's entries.
    pub(crate) fn search(site: &Site, query: &str, contact_ids: &[String]) -> FeedbackView {
        FeedbackView::new(
            site,
            "search".to_string(),
            "/search".to_string(),
            Some(query.to_string()),
            contact_ids,
        )
    }
}

/// A page a posted answer may be about, checked against the current content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FeedbackPage {
    /// An article, by slug.
    Article(String),
    /// A FAQ entry, by id.
    Faq(String),
    /// The results page for a query.
    Search(String),
}

impl FeedbackPage {
    /// The page the `page` field names, if the site has it (`query` is the `q` field).
    pub(crate) fn find(site: &Site, page: &str, query: Option<&str>) -> Option<FeedbackPage> {
        if let Some(slug) = page.strip_prefix("/articles/") {
            return site
                .articles
                .iter()
                .any(|article| article.slug == slug)
                .then(|| FeedbackPage::Article(slug.to_string()));
        }
        if let Some(id) = page.strip_prefix("/faq#") {
            return site
                .faqs
                .iter()
                .any(|faq| faq.id == id)
                .then(|| FeedbackPage::Faq(id.to_string()));
        }
        (page == "/search").then(|| FeedbackPage::Search(query.unwrap_or_default().to_string()))
    }

    /// What is stored as the page (never the query: that is stored masked, apart).
    pub(crate) fn stored(&self) -> String {
        match self {
            FeedbackPage::Article(slug) => format!("/articles/{slug}"),
            FeedbackPage::Faq(id) => format!("/faq#{id}"),
            FeedbackPage::Search(_) => "/search".to_string(),
        }
    }

    /// Where the visitor goes back to, at the thank-you (`helpful`) or the numbers (not).
    pub(crate) fn return_url(&self, helpful: bool) -> String {
        let note = if helpful { "thanks" } else { "sorry" };
        match self {
            FeedbackPage::Article(slug) => format!("/articles/{slug}#article-feedback-{note}"),
            FeedbackPage::Faq(id) => format!("/faq#faq-{id}-feedback-{note}"),
            FeedbackPage::Search(query) => format!(
                "/search?{}#search-feedback-{note}",
                serde_urlencoded::to_string([("q", query)]).unwrap_or_default()
            ),
        }
    }
}
