//! The only module that imports actix-web and askama: state, the route table, middleware, page
//! rendering and the HTTP server.

mod assets;
mod cache;
mod handlers;
mod middleware;
mod pages;
mod search;
mod seo;
mod snapshot;
mod state;
mod views;

use std::sync::Arc;

use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, guard, web};

pub use snapshot::{Snapshot, SnapshotError};
pub use state::AppState;

/// The whole route table. `GET` routes also answer `HEAD`; other methods get 405.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(read("/", handlers::fixed_page))
        .service(read("/contact", handlers::fixed_page))
        .service(read("/faq", handlers::fixed_page))
        .service(read("/sitemap.xml", handlers::fixed_page))
        .service(read("/robots.txt", handlers::fixed_page))
        .service(read("/opensearch.xml", handlers::fixed_page))
        .service(read("/feed.xml", handlers::fixed_page))
        .service(read("/categories/{slug}", handlers::category))
        .service(read("/articles/{slug}", handlers::article))
        .service(read("/search", search::search_page))
        .service(read("/api/search", search::api_search))
        .service(read("/api/suggest", search::api_suggest))
        .service(read("/static/{name}", handlers::asset))
        .service(read("/healthz", handlers::healthz))
        .default_service(web::route().to(handlers::fallback));
}

/// A resource answering `GET` and `HEAD` with `handler`, any other method with 405. Panics in the
/// handler become a 500 page here, after routing (catching earlier would need a clone of the request,
/// which routing forbids).
fn read<F, Args>(path: &str, handler: F) -> impl actix_web::dev::HttpServiceFactory + 'static
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .wrap(from_fn(middleware::catch_panics))
        .route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(handler),
        )
}

/// The application with all middleware, as served and as tested in-process.
pub fn app(
    state: web::Data<AppState>,
    hsts: bool,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .configure(routes)
        .wrap(from_fn(middleware::error_pages))
        .wrap(Condition::new(hsts, middleware::hsts_header()))
        .wrap(middleware::security_headers())
        .wrap(from_fn(middleware::log_request))
}

/// Serves `state` on `config.addr` until SIGINT/SIGTERM; in-flight requests finish first.
pub async fn serve(
    state: Arc<AppState>,
    config: &crate::config::Config,
) -> std::io::Result<()> {
    let data = web::Data::from(state);
    let hsts = config.hsts;
    let server = HttpServer::new(move || app(data.clone(), hsts))
        .workers(config.workers)
        .shutdown_timeout(10)
        .bind(config.addr)?;
    for address in server.addrs() {
        tracing::info!(%address, "listening on http://{address}");
    }
    server.run().await
}
