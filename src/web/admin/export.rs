//! `GET /admin/export/{table}.csv`: one table of the dashboard for the same period, as a CSV
//! download (`report::csv`: proper quoting, formula cells neutralised). Without a session: 401.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::access;
use super::login::{enabled, page};
use super::params::{self, PeriodQuery};
use crate::report::{DEFAULT_LIMIT, csv, tables};
use crate::web::error::WebError;
use crate::web::state::AppState;

/// Rows in each exported list of queries and comments: more than the page shows.
const EXPORT_LIMIT: i64 = 1000;

/// `GET /admin/export/{file}`.
pub(crate) async fn export(
    state: web::Data<AppState>,
    request: HttpRequest,
    file: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, WebError> {
    let admin = enabled(&state)?;
    if !access::signed_in(&request, admin) {
        return page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("Log in to download the dashboard's tables."),
        );
    }
    let name = file
        .strip_suffix(".csv")
        .filter(|name| tables::NAMES.contains(name))
        .ok_or(WebError::NotFound)?;
    let chosen = params::chosen(&query, crate::store::now())?;
    let store = admin.store().await.map_err(unavailable)?;
    let report = store
        .report(chosen.period, EXPORT_LIMIT.max(i64::from(DEFAULT_LIMIT)))
        .await
        .map_err(unavailable)?;
    let table = tables::table(&report, name).ok_or(WebError::NotFound)?;
    Ok(access::private(StatusCode::OK)
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"helpcenter-{name}-{}-{}.csv\"",
                chosen.from, chosen.to
            ),
        ))
        .body(csv::to_csv(&table)))
}

/// The store could not be read: a server-side failure, logged once where it becomes the answer.
fn unavailable(error: crate::store::StoreError) -> WebError {
    WebError::internal("reading the store for an export", error)
}
