//! How a request is answered, in one place, and the route table.
//!
//! Every request passes through the edge middleware (`middleware::edge`), which:
//! 1. refuses a request target or header block over the size limits (414 / 431);
//! 2. answers a `GET` or `HEAD` for exactly a page of the current content version or an embedded
//!    asset from one lookup (`handlers::prerendered`) — the only place pages and assets are served;
//! 3. otherwise hands the request to the route table below: the search endpoints (answered from
//!    the recent-answers cache when they can be), planner addresses that are not exactly one of
//!    its pages (`planner::answer`: a redirect to the canonical order, or 400),
//!    `/healthz`, the two addresses that take a `POST` (`/feedback`, "was this helpful?", and
//!    `/api/event`, the script's beacons: origin, rate limit and size checked in
//!    `form_body::read`), the editors' dashboard under `/admin` (only while it is on), and the
//!    fallback, which redirects
//!    aliases and non-canonical forms of a page, answers 405 to other methods on page addresses,
//!    and 404 to everything else;
//! 4. gives every error answer its final form through `error::finish` (HTML page, or JSON under
//!    `/api/`; a server error logged once), adds the security headers, and writes one log line.

use actix_web::middleware::from_fn;
use actix_web::{guard, web};

use super::search_cache::cached;
use super::{admin, beacon, feedback, handlers, middleware, planner, search};
use crate::store::SearchSource;

/// The route table for everything that is not a page or an asset (those never reach it as `GET`
/// or `HEAD`: see the module documentation). `GET` routes also answer `HEAD`, `POST` routes only
/// `POST`; other methods get 405.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        // Search answers depend only on the query string: recent ones are served from a cache.
        // Searches are recorded (from the cache too); suggestions are not (keystrokes).
        .service(read(
            "/search",
            cached(search::search_page, Some(SearchSource::Page)),
        ))
        .service(read(
            "/api/search",
            cached(search::api_search, Some(SearchSource::Api)),
        ))
        .service(read("/api/suggest", cached(search::api_suggest, None)))
        // Planner addresses that are not exactly a prerendered page: redirect or 400.
        .service(read("/plan", planner::answer))
        .service(read("/healthz", handlers::healthz))
        // The requests that write: "was this helpful?" answers and the script's beacons.
        .service(write("/feedback", feedback::post))
        .service(write("/api/event", beacon::post))
        // The editors' dashboard: unrouted (404) unless HELPCENTER_ADMIN_TOKEN is set.
        .configure(admin::routes)
        .default_service(web::route().to(handlers::fallback));
}

/// A resource answering `GET` and `HEAD` with `handler`, any other method with 405. Panics in the
/// handler become a 500 page here, after routing (catching earlier would need a clone of the
/// request, which routing forbids).
fn read<F, Args>(path: &str, handler: F) -> impl actix_web::dev::HttpServiceFactory + 'static
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    guarded_resource(path, handler)
}

/// A resource answering `POST` only (405 with `Allow: POST` otherwise), panics answered as in
/// [`guarded_resource`].
fn write<F, Args>(path: &str, handler: F) -> impl actix_web::dev::HttpServiceFactory + 'static
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    catching_panics(path, web::post().to(handler))
}

/// A resource at `path` answering with `route`, a handler's panic becoming the 500 page.
fn catching_panics(
    path: &str,
    route: actix_web::Route,
) -> impl actix_web::dev::HttpServiceFactory + 'static {
    web::resource(path)
        .wrap(from_fn(middleware::catch_panics))
        .route(route)
}

/// The wrapper every route in [`routes`] gets (GET/HEAD only, panics become the 500 page), public so
/// tests can mount a deliberately panicking handler exactly as a real one is mounted.
#[doc(hidden)]
pub fn guarded_resource<F, Args>(
    path: &str,
    handler: F,
) -> impl actix_web::dev::HttpServiceFactory + 'static
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    catching_panics(
        path,
        web::route()
            .guard(guard::Any(guard::Get()).or(guard::Head()))
            .to(handler),
    )
}
