//! One content version, built whole before it is served: the `Site`, its search index, and every
//! page rendered once with its ETag and compressed variants.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use super::cache::CachedResponse;
use super::{pages, seo};
use crate::content::Site;
use crate::search::{SearchError, SearchIndex};

const HTML: &str = "text/html; charset=utf-8";
/// Pages may change on the next content version, so browsers revalidate (cheap: 304 by ETag).
const PAGE_CACHE: &str = "public, max-age=0, must-revalidate";

/// Why a snapshot could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A template failed to render.
    #[error("rendering {page}: {source}")]
    Render {
        /// Which page.
        page: String,
        /// The template error.
        source: askama::Error,
    },
    /// The search index could not be built.
    #[error("building the search index: {0}")]
    Search(#[from] SearchError),
}

/// Everything served for one content version. Immutable; replaced whole on reload.
pub struct Snapshot {
    /// The content.
    pub site: Arc<Site>,
    /// The search index over it.
    pub search: SearchIndex,
    pages: HashMap<String, Arc<CachedResponse>>,
    error_pages: HashMap<u16, Arc<CachedResponse>>,
    /// Counts from 1 at startup, +1 per successful reload.
    pub version: u64,
    /// How long indexing took.
    pub index_time: Duration,
    /// How long rendering took.
    pub render_time: Duration,
}

impl Snapshot {
    /// Indexes and renders `site`.
    pub fn build(site: Site, version: u64) -> Result<Snapshot, SnapshotError> {
        let started = Instant::now();
        let search = SearchIndex::build(&site)?;
        let index_time = started.elapsed();
        let started = Instant::now();
        let pages = render_pages(&site)?;
        let error_pages = [400u16, 404, 405, 500]
            .into_iter()
            .map(|code| {
                let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let html = pages::error::render(&site, status, None).map_err(|source| {
                    SnapshotError::Render {
                        page: format!("error page {code}"),
                        source,
                    }
                })?;
                Ok((code, Arc::new(CachedResponse::new(html.into_bytes(), HTML, "no-cache"))))
            })
            .collect::<Result<HashMap<_, _>, SnapshotError>>()?;
        Ok(Snapshot {
            site: Arc::new(site),
            search,
            pages,
            error_pages,
            version,
            index_time,
            render_time: started.elapsed(),
        })
    }

    /// The prerendered response for a canonical site path (`/`, `/articles/x`, `/sitemap.xml`, …).
    pub(crate) fn page(&self, path: &str) -> Option<&Arc<CachedResponse>> {
        self.pages.get(path)
    }

    /// The prerendered error page for `status` (falls back to the 500 page).
    pub(crate) fn error_page(&self, status: StatusCode) -> Option<&Arc<CachedResponse>> {
        self.error_pages
            .get(&status.as_u16())
            .or_else(|| match status.as_u16() {
                400..=499 => self.error_pages.get(&400),
                _ => self.error_pages.get(&500),
            })
    }

    /// Number of prerendered pages.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// Renders every page of the site, keyed by its canonical path.
fn render_pages(site: &Site) -> Result<HashMap<String, Arc<CachedResponse>>, SnapshotError> {
    let mut pages = HashMap::new();
    let mut add = |path: String, content_type: &'static str, body: askama::Result<String>| {
        let body = body.map_err(|source| SnapshotError::Render {
            page: path.clone(),
            source,
        })?;
        pages.insert(
            path,
            Arc::new(CachedResponse::new(body.into_bytes(), content_type, PAGE_CACHE)),
        );
        Ok::<(), SnapshotError>(())
    };
    add("/".into(), HTML, pages::home::render(site))?;
    add("/contact".into(), HTML, pages::contact::render(site))?;
    add("/faq".into(), HTML, pages::faq::render(site))?;
    for category in &site.categories {
        add(
            format!("/categories/{}", category.slug),
            HTML,
            pages::category::render(site, category),
        )?;
    }
    for article in &site.articles {
        add(article.url_path(), HTML, pages::article::render(site, article))?;
    }
    add(
        "/sitemap.xml".into(),
        "application/xml; charset=utf-8",
        seo::sitemap(site),
    )?;
    add(
        "/robots.txt".into(),
        "text/plain; charset=utf-8",
        Ok(seo::robots(site)),
    )?;
    add(
        "/opensearch.xml".into(),
        "application/opensearchdescription+xml; charset=utf-8",
        seo::opensearch(site),
    )?;
    add(
        "/feed.xml".into(),
        "application/atom+xml; charset=utf-8",
        seo::feed(site),
    )?;
    Ok(pages)
}
