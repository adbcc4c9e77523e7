//! Every page a site has, by its canonical path, and how each is rendered from the `Site` into a
//! response body with its content type.

use super::cache::CachedResponse;
use super::views::vcard_path;
use super::{directory_json, llms, offline, pages, seo, vcard};
use crate::content::{ContactKind, Site, plan_url};

/// The content type of HTML pages.
pub(crate) const HTML: &str = "text/html; charset=utf-8";
/// vCard files.
const VCARD: &str = "text/vcard; charset=utf-8";
/// JSON files.
const JSON: &str = "application/json";
/// Pages may change on the next content version, so browsers revalidate (cheap: 304 by ETag).
const PAGE_CACHE: &str = "public, max-age=0, must-revalidate";

/// What a page shows: enough to render it from the `Site`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PageSource {
    Home,
    Contact,
    Faq,
    Category(usize),
    Article(usize),
    /// The call planner with these answers (positions in the planner's lists).
    Plan(pages::plan::Answers),
    Sitemap,
    Robots,
    OpenSearch,
    Feed,
    /// Every number of the directory as one vCard.
    DirectoryVcard,
    /// One phone entry as a vCard (position in the directory).
    EntryVcard(usize),
    /// The directory as versioned JSON.
    DirectoryJson,
    /// `/llms.txt`.
    Llms,
    /// `/sw.js`, the service worker of this content version.
    ServiceWorker,
    /// `/manifest.webmanifest`.
    Manifest,
}

/// Every page of the site with its canonical path.
pub(crate) fn all(site: &Site) -> impl Iterator<Item = (String, PageSource)> + '_ {
    let fixed = [
        ("/", PageSource::Home),
        ("/contact", PageSource::Contact),
        ("/faq", PageSource::Faq),
        ("/sitemap.xml", PageSource::Sitemap),
        ("/robots.txt", PageSource::Robots),
        ("/opensearch.xml", PageSource::OpenSearch),
        ("/feed.xml", PageSource::Feed),
        ("/contacts.vcf", PageSource::DirectoryVcard),
        ("/contacts.json", PageSource::DirectoryJson),
        ("/llms.txt", PageSource::Llms),
        ("/sw.js", PageSource::ServiceWorker),
        ("/manifest.webmanifest", PageSource::Manifest),
    ]
    .into_iter()
    .map(|(path, source)| (path.to_string(), source));
    let categories = site.categories.iter().enumerate().map(|(index, category)| {
        (
            format!("/categories/{}", category.slug),
            PageSource::Category(index),
        )
    });
    let articles = site
        .articles
        .iter()
        .enumerate()
        .map(|(index, article)| (article.url_path(), PageSource::Article(index)));
    let vcards = site
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, contact)| contact.kind == ContactKind::Phone)
        .map(|(index, contact)| (vcard_path(contact), PageSource::EntryVcard(index)));
    fixed
        .chain(categories)
        .chain(articles)
        .chain(vcards)
        .chain(plan_pages(site))
}

/// The planner's pages: every canonical address, so every link to the planner (the home page, a
/// contact card, an article, a search's situation with the answers it names) and every answer of
/// the form is a prerendered page: the form with no, one or two questions answered, and every full
/// combination with its prepared call ((needs + 1) × (cards + 1) × (places + 1) pages).
fn plan_pages(site: &Site) -> impl Iterator<Item = (String, PageSource)> + '_ {
    site.planner.iter().flat_map(|planner| {
        let answers = |count: usize| std::iter::once(None).chain((0..count).map(Some));
        let (cards, places) = (planner.cards.len(), planner.places.len());
        answers(planner.needs.len())
            .flat_map(move |need| {
                answers(cards)
                    .flat_map(move |card| answers(places).map(move |place| [need, card, place]))
            })
            .map(move |answers| {
                let path = plan_url(pages::plan::answer_ids(planner, answers));
                (path, PageSource::Plan(answers))
            })
    })
}

/// Renders one page; `precompress` compresses it now, otherwise each variant is made on request.
pub(crate) fn render(
    site: &Site,
    source: PageSource,
    precompress: bool,
) -> askama::Result<CachedResponse> {
    let (body, content_type) = match source {
        PageSource::Home => (pages::home::render(site)?, HTML),
        PageSource::Contact => (pages::contact::render(site)?, HTML),
        PageSource::Faq => (pages::faq::render(site)?, HTML),
        PageSource::Category(index) => (
            pages::category::render(site, &site.categories[index])?,
            HTML,
        ),
        PageSource::Article(index) => (pages::article::render(site, &site.articles[index])?, HTML),
        PageSource::Plan(answers) => (render_plan(site, answers)?, HTML),
        PageSource::Sitemap => (seo::sitemap(site)?, "application/xml; charset=utf-8"),
        PageSource::Robots => (seo::robots(site), "text/plain; charset=utf-8"),
        PageSource::OpenSearch => (
            seo::opensearch(site)?,
            "application/opensearchdescription+xml; charset=utf-8",
        ),
        PageSource::Feed => (seo::feed(site)?, "application/atom+xml; charset=utf-8"),
        PageSource::DirectoryVcard => (vcard::directory(site), VCARD),
        PageSource::EntryVcard(index) => (vcard::entry(site, &site.contacts[index]), VCARD),
        PageSource::DirectoryJson => (json_text(directory_json::render(site))?, JSON),
        PageSource::Llms => (llms::render(site), "text/plain; charset=utf-8"),
        PageSource::ServiceWorker => (
            json_text(offline::service_worker(site))?,
            "text/javascript; charset=utf-8",
        ),
        PageSource::Manifest => (
            json_text(offline::manifest(site))?,
            "application/manifest+json",
        ),
    };
    let response = CachedResponse::lazy(body.into_bytes(), content_type, PAGE_CACHE);
    if precompress {
        response.precompress();
    }
    Ok(response)
}

/// The planner page with `answers` (an error when the site has no planner: its pages are only
/// listed when it has one).
pub(crate) fn render_plan(site: &Site, answers: pages::plan::Answers) -> askama::Result<String> {
    let planner = site
        .planner
        .as_ref()
        .ok_or_else(|| askama::Error::Custom("the site has no call planner".into()))?;
    pages::plan::render(site, planner, answers)
}

/// A generated JSON (or JSON-holding) text, its serialising error as a render error.
fn json_text(text: serde_json::Result<String>) -> askama::Result<String> {
    text.map_err(|error| askama::Error::Custom(Box::new(error)))
}
