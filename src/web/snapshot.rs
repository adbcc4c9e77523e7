//! One content version, built whole before it is served: the `Site`, its search index, every page
//! with its ETag and compressed variants (rendered at most once per version), and a small cache of
//! recent search answers.
//!
//! A page is a slot (`OnceLock`) keyed by its canonical path, filled at most once per content
//! version. A small site (at most [`PRECOMPRESS_MAX_PAGES`] pages) is rendered and compressed
//! whole while the snapshot is built, on every core. A large one renders its site-wide pages up
//! front and each article on its first request, each compressed variant on the first request that
//! accepts it: rendering every article up front would cost startup time and memory for pages most
//! of which nobody reads in a given hour (the figures are in the README, "Performance").
//! Lazily rendered pages are kept until they hold [`LAZY_PAGE_BUDGET_BYTES`], so a crawler reading
//! every page cannot exhaust memory; past that they are rendered per request.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::answer_cache::ResponseCache;
use super::cache::CachedResponse;
use super::prerender::{Page, RenderFailure, Rendered};
use super::site_pages::render;
use crate::content::Site;
use crate::search::{SearchError, SearchIndex};

/// Sites with at most this many pages are rendered and compressed while the snapshot is built.
pub(crate) const PRECOMPRESS_MAX_PAGES: usize = 500;
/// Most bytes lazily rendered pages may hold (bodies and compressed variants) before further pages
/// are rendered per request instead of kept.
pub(crate) const LAZY_PAGE_BUDGET_BYTES: usize = 512 * 1024 * 1024;

/// Most search answers kept per content version (a search page is about 13 KB, so about 15 MB
/// with compressed variants when full).
pub(crate) const SEARCH_CACHE_ENTRIES: usize = 1024;

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

impl From<RenderFailure> for SnapshotError {
    fn from(failure: RenderFailure) -> SnapshotError {
        SnapshotError::Render {
            page: failure.page,
            source: failure.source,
        }
    }
}

/// When pages are rendered and how much lazily rendered pages may hold.
#[derive(Debug, Clone, Copy)]
struct RenderPolicy {
    /// Sites with at most this many pages are rendered and compressed up front.
    precompress_max_pages: usize,
    /// Most bytes lazily rendered pages may hold.
    lazy_budget_bytes: usize,
}

impl Default for RenderPolicy {
    fn default() -> RenderPolicy {
        RenderPolicy {
            precompress_max_pages: PRECOMPRESS_MAX_PAGES,
            lazy_budget_bytes: LAZY_PAGE_BUDGET_BYTES,
        }
    }
}

/// Everything served for one content version. Immutable once built (pages fill in their slot on
/// first use); replaced whole on reload.
pub struct Snapshot {
    /// The content.
    pub site: Arc<Site>,
    /// The search index over it.
    pub search: SearchIndex,
    pages: HashMap<String, Page>,
    /// Paths whose pages are told apart by their query string (`/plan`): a request for one of
    /// them is looked up by its path and query together.
    query_paths: HashSet<String>,
    error_pages: HashMap<u16, Arc<CachedResponse>>,
    /// Recent search results pages and API answers of this version.
    pub(crate) search_cache: ResponseCache,
    /// Bytes held by pages rendered on request (counted towards the policy's budget).
    lazy_bytes: AtomicUsize,
    policy: RenderPolicy,
    /// Whether the "budget reached" warning was logged.
    budget_warned: AtomicBool,
    /// Counts from 1 at startup, +1 per successful reload.
    pub version: u64,
    /// The content version recorded with events: the first 16 hex digits of the content digest,
    /// the same in every replica and across restarts.
    pub(crate) event_version: Arc<str>,
    /// How long indexing took.
    pub index_time: Duration,
    /// How long rendering the pages rendered up front took.
    pub render_time: Duration,
    /// How many pages were rendered up front.
    pub prerendered: usize,
}

impl Snapshot {
    /// Indexes `site` in RAM and renders its pages (all of them for a small site, the site-wide ones
    /// for a large one; see the module documentation).
    pub fn build(site: Site, version: u64) -> Result<Snapshot, SnapshotError> {
        Snapshot::build_in(site, version, None)
    }

    /// Like [`Snapshot::build`], with the search index kept in `index_dir` when one is given:
    /// reused from there when the indexed content is unchanged, rebuilt there otherwise, built in
    /// RAM when the folder cannot be used ([`SearchIndex::open_or_build`]).
    pub fn build_in(
        site: Site,
        version: u64,
        index_dir: Option<&Path>,
    ) -> Result<Snapshot, SnapshotError> {
        Snapshot::build_with(site, version, index_dir, RenderPolicy::default())
    }

    /// A snapshot of `site` with an index built (or opened) elsewhere; `index_time` is how long that
    /// took, for the startup log.
    pub fn with_index(
        site: Site,
        search: SearchIndex,
        index_time: Duration,
        version: u64,
    ) -> Result<Snapshot, SnapshotError> {
        let site = Arc::new(site);
        let policy = RenderPolicy::default();
        let rendered = Rendered::up_front(&site, policy.precompress_max_pages)?;
        Ok(Snapshot::assemble(
            site, search, index_time, version, policy, rendered,
        ))
    }

    fn build_with(
        site: Site,
        version: u64,
        index_dir: Option<&Path>,
        policy: RenderPolicy,
    ) -> Result<Snapshot, SnapshotError> {
        let site = Arc::new(site);
        // The pages rendered up front need the content only, not the index: both at once, so a
        // start waits for the longer of the two (on a big site, the index) rather than their sum.
        let (search, rendered) = rayon::join(
            || {
                let started = Instant::now();
                let search = match index_dir {
                    Some(dir) => SearchIndex::open_or_build(&site, dir),
                    None => SearchIndex::build(&site),
                };
                search.map(|search| (search, started.elapsed()))
            },
            || Rendered::up_front(&site, policy.precompress_max_pages),
        );
        let (search, index_time) = search?;
        Ok(Snapshot::assemble(
            site, search, index_time, version, policy, rendered?,
        ))
    }

    fn assemble(
        site: Arc<Site>,
        search: SearchIndex,
        index_time: Duration,
        version: u64,
        policy: RenderPolicy,
        rendered: Rendered,
    ) -> Snapshot {
        let Rendered {
            pages,
            query_paths,
            error_pages,
            prerendered,
            render_time,
        } = rendered;
        let event_version = Arc::from(&crate::digest::hex(&site.source_digest)[..16]);
        Snapshot {
            event_version,
            site,
            search,
            pages,
            query_paths,
            error_pages,
            search_cache: ResponseCache::new(SEARCH_CACHE_ENTRIES),
            lazy_bytes: AtomicUsize::new(0),
            policy,
            budget_warned: AtomicBool::new(false),
            version,
            index_time,
            render_time,
            prerendered,
        }
    }

    /// Whether the site has a page at `path` (rendered or not: nothing is rendered to find out).
    pub(crate) fn has_page(&self, path: &str) -> bool {
        self.pages.contains_key(path)
    }

    /// Answers `request` with the page at `path` (with the request's query string, for the paths
    /// whose pages it tells apart), if the site has one. A page already rendered is
    /// answered by reference: no reference count is touched, so the two workers do not pass the
    /// page's count back and forth on every request for a popular page. A page that fails to
    /// render is an error for the caller to answer (nothing is kept, so it is tried again).
    pub(crate) fn respond(
        &self,
        path: &str,
        request: &HttpRequest,
    ) -> Option<Result<HttpResponse, askama::Error>> {
        let query = request.query_string();
        let keyed;
        let key = if !query.is_empty() && self.query_paths.contains(path) {
            keyed = format!("{path}?{query}");
            keyed.as_str()
        } else {
            path
        };
        let page = self.pages.get(key)?;
        if let Some(rendered) = page.rendered.get() {
            return Some(Ok(rendered.respond(request, StatusCode::OK)));
        }
        self.page(key)
            .map(|page| page.map(|page| page.respond(request, StatusCode::OK)))
    }

    /// The response for a canonical site path (`/`, `/articles/x`, `/sitemap.xml`, …), rendered now
    /// if this is the page's first request in this version.
    pub(crate) fn page(&self, path: &str) -> Option<Result<Arc<CachedResponse>, askama::Error>> {
        let page = self.pages.get(path)?;
        if let Some(rendered) = page.rendered.get() {
            return Some(Ok(Arc::clone(rendered)));
        }
        let within_budget = self.lazy_bytes.load(Ordering::Relaxed) < self.policy.lazy_budget_bytes;
        if !within_budget && !self.budget_warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                budget_mb = self.policy.lazy_budget_bytes >> 20,
                "rendered pages reached their memory budget; further pages are rendered per request"
            );
        }
        let rendered = match render(&self.site, page.source, false) {
            Ok(rendered) => Arc::new(rendered),
            Err(error) => return Some(Err(error)),
        };
        if !within_budget {
            return Some(Ok(rendered));
        }
        let mut kept_here = false;
        let response = page.rendered.get_or_init(|| {
            kept_here = true;
            rendered
        });
        if kept_here {
            // Compressed variants come later; count them now at a typical ratio.
            let held = response.held_bytes() + response.held_bytes() / 2;
            self.lazy_bytes.fetch_add(held, Ordering::Relaxed);
        }
        Some(Ok(Arc::clone(response)))
    }

    /// The prerendered error page for `status` (falls back to the 500 page).
    pub(crate) fn error_page(&self, status: StatusCode) -> Option<Arc<CachedResponse>> {
        self.error_pages
            .get(&status.as_u16())
            .or_else(|| match status.as_u16() {
                400..=499 => self.error_pages.get(&400),
                _ => self.error_pages.get(&500),
            })
            .cloned()
    }

    /// Number of pages the site has (rendered or not yet).
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use actix_web::test::TestRequest;

    use super::*;

    fn fixture_site() -> Site {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        Site::load(&dir).expect("the fixture site loads")
    }

    fn rendered(snapshot: &Snapshot, path: &str) -> Arc<CachedResponse> {
        snapshot.page(path).expect("a known page").expect("renders")
    }

    fn lazy_policy(lazy_budget_bytes: usize) -> RenderPolicy {
        RenderPolicy {
            precompress_max_pages: 0,
            lazy_budget_bytes,
        }
    }

    #[actix_web::test]
    async fn kept_text_that_cannot_be_inflated_is_a_logged_500_never_a_blank_article() {
        let mut site = fixture_site();
        site.articles[0].body = Arc::new(crate::content::ArticleBody {
            html: crate::compact::CompactAfter::deflated(vec![0xff; 16].into_boxed_slice()),
            ..crate::content::ArticleBody::default()
        });
        let path = site.articles[0].url_path();
        let snapshot =
            Snapshot::build_with(site, 1, None, lazy_policy(usize::MAX)).expect("builds");
        assert!(matches!(snapshot.page(&path), Some(Err(_))), "an error");
        assert!(
            snapshot.pages[&path].rendered.get().is_none(),
            "nothing kept"
        );

        let state = actix_web::web::Data::new(crate::web::AppState::new(snapshot));
        let app = actix_web::test::init_service(crate::web::app(state, false)).await;
        let request = TestRequest::get().uri(&path).to_request();
        let response = actix_web::test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::test::read_body(response).await;
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains("id=\"error-page\""), "the 500 page: {html}");
    }

    #[test]
    fn a_small_site_is_rendered_and_compressed_before_it_is_served() {
        let snapshot = Snapshot::build(fixture_site(), 1).expect("builds");
        assert_eq!(snapshot.prerendered, snapshot.page_count());
        for (path, page) in &snapshot.pages {
            let rendered = page
                .rendered
                .get()
                .unwrap_or_else(|| panic!("{path} rendered"));
            if rendered.body().len() > 1024 {
                assert!(
                    rendered.held_bytes() > rendered.body().len(),
                    "{path} compressed"
                );
            }
        }
    }

    #[test]
    fn a_large_site_renders_each_article_once_on_its_first_request() {
        let snapshot =
            Snapshot::build_with(fixture_site(), 1, None, lazy_policy(usize::MAX)).expect("builds");
        let articles = snapshot.site.articles.len();
        assert_eq!(snapshot.prerendered, snapshot.page_count() - articles);
        let path = snapshot.site.articles[0].url_path();
        assert!(snapshot.pages[&path].rendered.get().is_none());

        let first = rendered(&snapshot, &path);
        let second = rendered(&snapshot, &path);
        assert!(Arc::ptr_eq(&first, &second), "rendered once, then reused");
        assert!(String::from_utf8_lossy(first.body()).contains(&snapshot.site.articles[0].title));
        assert!(snapshot.lazy_bytes.load(Ordering::Relaxed) >= first.body().len());
        assert!(snapshot.page("/articles/no-such-article").is_none());
    }

    #[test]
    fn past_the_memory_budget_pages_are_rendered_per_request_and_still_correct() {
        let snapshot =
            Snapshot::build_with(fixture_site(), 1, None, lazy_policy(0)).expect("builds");
        let path = snapshot.site.articles[0].url_path();
        let first = rendered(&snapshot, &path);
        let second = rendered(&snapshot, &path);
        assert!(!Arc::ptr_eq(&first, &second), "not kept");
        assert_eq!(first.body(), second.body());
        assert!(snapshot.pages[&path].rendered.get().is_none());
        let request = TestRequest::default().to_http_request();
        assert_eq!(
            first.respond(&request, StatusCode::OK).status(),
            StatusCode::OK
        );
    }

    #[test]
    fn search_answers_are_cached_per_version_and_bounded() {
        let snapshot = Snapshot::build(fixture_site(), 1).expect("builds");
        let cache = &snapshot.search_cache;
        let answer = |text: &str| {
            Arc::new(super::super::answer_cache::CachedAnswer::new(
                CachedResponse::lazy(text.as_bytes().to_vec(), "application/json", "no-cache"),
                None,
            ))
        };
        cache.insert("/api/search?q=lost", answer("lost"));
        assert_eq!(
            cache
                .get("/api/search?q=lost")
                .map(|a| a.response.body().to_vec()),
            Some(b"lost".to_vec())
        );
        for index in 0..SEARCH_CACHE_ENTRIES + 10 {
            cache.insert(&format!("/api/search?q={index}"), answer("x"));
            // Keep reading the popular query: least recently used goes first.
            assert!(
                cache.get("/api/search?q=lost").is_some(),
                "popular entry kept at {index}"
            );
        }
        assert_eq!(cache.len(), SEARCH_CACHE_ENTRIES);
        assert!(
            cache.get("/api/search?q=0").is_none(),
            "the oldest unread entry went first"
        );
        // Every lookup above is counted: the popular query's hits, the evicted one's miss.
        let stats = cache.stats();
        assert_eq!(
            (stats.hits, stats.misses),
            (SEARCH_CACHE_ENTRIES as u64 + 11, 1)
        );
        assert_eq!(stats.entries, SEARCH_CACHE_ENTRIES);
        assert!((stats.hit_rate() - stats.hits as f64 / (stats.hits + 1) as f64).abs() < 1e-12);
        let next = Snapshot::build(fixture_site(), 2).expect("builds");
        assert!(
            next.search_cache.get("/api/search?q=lost").is_none(),
            "a reload starts empty"
        );
        assert_eq!(
            (
                next.search_cache.stats().hits,
                next.search_cache.stats().misses
            ),
            (0, 1)
        );
    }
}
