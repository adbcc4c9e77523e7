//! The editors' dashboard under `/admin`, present only when `HELPCENTER_ADMIN_TOKEN` is set (every
//! `/admin` address is a 404 otherwise: the scope's guard leaves it unrouted).
//!
//! - `state.rs`: the token's digest, the session key, the login limits, the store for reading;
//! - `session.rs`: the signed session cookie;
//! - `access.rs`: session and same-origin checks, the headers of every admin answer;
//! - `login.rs`: log in and out; `dashboard.rs`: the page; `export.rs`: CSV downloads;
//! - `params.rs`: the period form; `charts.rs`: the SVG charts' geometry.

mod access;
mod charts;
mod dashboard;
mod export;
mod login;
mod params;
mod session;
mod state;

use actix_web::middleware::from_fn;
use actix_web::{guard, web};

pub use state::Admin;

use super::state::AppState;

/// The `/admin` routes, mounted only while the dashboard is on. Each resource catches its
/// handler's panics after routing, as `routes::guarded_resource` does (catching before routing
/// would need a clone of the request, which routing forbids).
pub(crate) fn routes(config: &mut web::ServiceConfig) {
    let resource = |path: &str| web::resource(path).wrap(from_fn(super::middleware::catch_panics));
    config.service(
        web::scope("/admin")
            .guard(guard::fn_guard(|context| {
                context
                    .app_data::<web::Data<AppState>>()
                    .is_some_and(|state| state.admin.is_some())
            }))
            .service(resource("").route(web::get().to(dashboard::dashboard)))
            .service(
                resource("/login")
                    .route(web::get().to(login::form))
                    .route(web::post().to(login::login)),
            )
            .service(resource("/logout").route(web::post().to(login::logout)))
            .service(resource("/export/{file}").route(web::get().to(export::export))),
    );
}
