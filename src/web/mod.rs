//! The only module that imports actix-web and askama: the application and the HTTP server. How a
//! request is answered is told once, in `routes.rs`.

mod admin;
mod answer_cache;
mod assets;
mod beacon;
mod cache;
pub mod compress;
mod directory_json;
mod error;
mod feedback;
mod form_body;
mod form_guard;
mod handlers;
mod json;
mod llms;
mod middleware;
mod negotiate;
mod offline;
mod pages;
mod planner;
mod prerender;
mod routes;
mod search;
mod search_cache;
mod seo;
mod site_pages;
mod snapshot;
mod state;
mod vcard;
mod views;

use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

pub use admin::Admin;
pub use middleware::{MAX_HEADER_BYTES, MAX_TARGET_BYTES};
pub use routes::{guarded_resource, routes};
pub use snapshot::{Snapshot, SnapshotError};
pub use state::AppState;

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
    app_with(state, hsts, routes)
}

/// [`app`] with another route table: tests mount extra routes (a panicking handler) in front of
/// [`routes`] under the same middleware.
#[doc(hidden)]
pub fn app_with(
    state: web::Data<AppState>,
    hsts: bool,
    configure: impl FnOnce(&mut web::ServiceConfig),
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
        .configure(configure)
        .wrap(from_fn(move |request, next| {
            middleware::edge(request, next, hsts)
        }))
}

/// Serves `state` on `config.addr` until SIGINT/SIGTERM; in-flight requests finish first.
///
/// actix-server treats SIGINT as a forced stop (open connections are dropped), so both signals are
/// handled here and start the same graceful shutdown.
pub async fn serve(state: Arc<AppState>, config: &crate::config::Config) -> std::io::Result<()> {
    let data = web::Data::from(Arc::clone(&state));
    let hsts = config.hsts;
    let server = HttpServer::new(move || app(data.clone(), hsts))
        .workers(config.workers)
        .shutdown_timeout(10)
        .shutdown_signal(shutdown_requested())
        .bind(config.addr)?;
    for address in server.addrs() {
        tracing::info!(%address, "listening on http://{address}");
    }
    let served = server.run().await;
    // What the search answer cache earned, for the version served last.
    let cache = state.snapshot().search_cache.stats();
    tracing::info!(
        hits = cache.hits,
        misses = cache.misses,
        entries = cache.entries,
        hit_rate = format!("{:.3}", cache.hit_rate()),
        "search answer cache"
    );
    served
}

/// Resolves on the first SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn shutdown_requested() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                let signal = futures_util::future::select(
                    Box::pin(interrupt.recv()),
                    Box::pin(terminate.recv()),
                )
                .await;
                let name = match signal {
                    futures_util::future::Either::Left(_) => "SIGINT",
                    futures_util::future::Either::Right(_) => "SIGTERM",
                };
                tracing::info!("{name} received; finishing in-flight requests");
            }
            (Err(error), _) | (_, Err(error)) => {
                tracing::error!(%error, "cannot listen for SIGINT/SIGTERM; stop with SIGKILL");
                std::future::pending::<()>().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        if actix_web::rt::signal::ctrl_c().await.is_ok() {
            tracing::info!("Ctrl-C received; finishing in-flight requests");
        }
    }
}
