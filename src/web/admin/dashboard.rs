//! `GET /admin`: the editors' dashboard for a period — totals, two charts, every table of the
//! report (each with its CSV export), and the store's status with the events dropped since start.
//! Without a session: 303 to the login page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::access::{self, LOGIN};
use super::charts::{self, Chart};
use super::login::enabled;
use super::params::{self, Chosen, OFFERED_DAYS, PeriodQuery};
use crate::report::DEFAULT_LIMIT;
use crate::report::tables::{self, Table};
use crate::store::Report;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::Layout;

/// The dashboard page.
#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub(crate) struct DashboardPage {
    pub layout: Layout,
    pub chosen: Chosen,
    /// The periods offered as links, with whether each is the one shown.
    pub offered: Vec<(i64, bool)>,
    pub status: StatusView,
    /// Why there are no figures (the store cannot be read), when there are none.
    pub unavailable: Option<String>,
    pub totals: Totals,
    /// Searches per day, and the shares with no results and no instant answer.
    pub charts: [Chart; 2],
    pub tables: Vec<TableView>,
}

/// The store as the dashboard reports it.
pub(crate) struct StatusView {
    /// The store's location, without secrets (`SQLite data/helpcenter.db`, `off`).
    pub location: String,
    pub up: bool,
    pub dropped: u64,
    pub queued: usize,
}

/// The period's totals.
#[derive(Default)]
pub(crate) struct Totals {
    pub searches: i64,
    pub no_results: i64,
    pub no_results_percent: i64,
    pub no_answer: i64,
    pub no_answer_percent: i64,
    pub answers: i64,
}

/// One table as shown, with its export's address.
pub(crate) struct TableView {
    pub name: &'static str,
    pub title: &'static str,
    pub headers: Vec<(&'static str, bool)>,
    /// Cells with whether each is a number (right-aligned).
    pub rows: Vec<Vec<(String, bool)>>,
    pub csv_url: String,
}

/// `GET /admin`.
pub(crate) async fn dashboard(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, WebError> {
    let admin = enabled(&state)?;
    if !access::signed_in(&request, admin) {
        return Ok(access::see_other(LOGIN).finish());
    }
    let chosen = params::chosen(&query, crate::store::now())?;
    let recorder = state.recorder.status();
    let status = StatusView {
        location: admin.describe_location(),
        up: recorder.up,
        dropped: recorder.dropped,
        queued: recorder.queued,
    };
    let report = match admin.store().await {
        Ok(store) => store
            .report(chosen.period, i64::from(DEFAULT_LIMIT))
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    let (report, unavailable) = match report {
        Ok(report) => (Some(report), None),
        Err(error) => {
            tracing::warn!(%error, "the dashboard cannot read the store");
            (
                None,
                Some(
                    "The store cannot be read right now; the figures will be back when it is."
                        .to_string(),
                ),
            )
        }
    };
    let page = render(&state, chosen, status, report.as_ref(), unavailable)?;
    let code = if report.is_some() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok(access::private(code)
        .content_type("text/html; charset=utf-8")
        .body(page))
}

/// The dashboard's HTML.
fn render(
    state: &AppState,
    chosen: Chosen,
    status: StatusView,
    report: Option<&Report>,
    unavailable: Option<String>,
) -> Result<String, WebError> {
    let snapshot = state.snapshot();
    let mut layout = Layout::new(
        &snapshot.site,
        "Editors' dashboard",
        "What visitors searched for and told us.",
        "/admin",
    );
    layout.canonical_url = None;
    layout.noindex = true;
    let days = report.map_or(&[][..], |report| &report.searches_per_day[..]);
    let totals = report.map(totals).unwrap_or_default();
    let tables = report
        .map(|report| {
            tables::tables(report)
                .into_iter()
                .map(|table| view(table, &chosen.query))
                .collect()
        })
        .unwrap_or_default();
    DashboardPage {
        layout,
        offered: OFFERED_DAYS
            .iter()
            .map(|&days| (days, chosen.days == Some(days)))
            .collect(),
        chosen,
        status,
        unavailable,
        totals,
        charts: [charts::searches(days), charts::shares(days)],
        tables,
    }
    .render()
    .map_err(|error| WebError::internal("rendering the dashboard", error))
}

fn totals(report: &Report) -> Totals {
    let sum = |value: fn(&crate::store::DaySearches) -> i64| {
        report.searches_per_day.iter().map(value).sum::<i64>()
    };
    let searches = sum(|day| day.searches);
    let no_results = sum(|day| day.no_results);
    let no_answer = sum(|day| day.no_answer);
    Totals {
        searches,
        no_results,
        no_results_percent: charts::percent(no_results, searches),
        no_answer,
        no_answer_percent: charts::percent(no_answer, searches),
        answers: report.pages.iter().map(|page| page.yes + page.no).sum(),
    }
}

/// `table` as shown: numbers marked for right alignment, the export link for the same period.
fn view(table: Table, query: &str) -> TableView {
    let numeric: Vec<bool> = (0..table.headers.len())
        .map(|column| tables::is_count_column(&table.rows, column))
        .collect();
    TableView {
        name: table.name,
        title: table.title,
        headers: table
            .headers
            .iter()
            .zip(&numeric)
            .map(|(header, &numeric)| (*header, numeric))
            .collect(),
        rows: table
            .rows
            .into_iter()
            .map(|row| row.into_iter().zip(numeric.iter().copied()).collect())
            .collect(),
        csv_url: format!("/admin/export/{}.csv?{query}", table.name),
    }
}
