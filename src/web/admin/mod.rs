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

/// The `/admin` routes, mounted only while the dashboard is on.
pub(crate) fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/admin")
            .guard(guard::fn_guard(|context| {
                context
                    .app_data::<web::Data<AppState>>()
                    .is_some_and(|state| state.admin.is_some())
            }))
            .wrap(from_fn(super::middleware::catch_panics))
            .route("", web::get().to(dashboard::dashboard))
            .route("/login", web::get().to(login::form))
            .route("/login", web::post().to(login::login))
            .route("/logout", web::post().to(login::logout))
            .route("/export/{file}", web::get().to(export::export)),
    );
}
