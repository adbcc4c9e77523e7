//! Reading events back: the stored rows (for tests and the editors' dashboard, which aggregates
//! them in its own file) and the feedback count per page.

use sqlx::Row;

use super::backend::{Store, StoreError, on_pool};

/// A stored search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSearch {
    /// When (Unix seconds).
    pub at: i64,
    /// `page`, `api` or `suggest`.
    pub source: String,
    /// The normalised, masked query.
    pub query: String,
    /// How many results.
    pub results: i64,
    /// The instant answer shown.
    pub answer: Option<String>,
    /// The number verdict shown.
    pub verdict: Option<String>,
    /// The number checked.
    pub number: Option<String>,
    /// The content version.
    pub content_version: String,
    /// How many searches the row stands for (identical ones of one second are one row).
    pub count: i64,
}

/// A stored click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClick {
    /// When (Unix seconds).
    pub at: i64,
    /// `page` or `suggest`.
    pub source: String,
    /// The normalised, masked query.
    pub query: String,
    /// The result opened.
    pub url: String,
    /// Its position, from 1.
    pub position: Option<i64>,
}

/// A stored "was this helpful?" answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedback {
    /// When (Unix seconds).
    pub at: i64,
    /// The page it is about.
    pub page: String,
    /// Yes or no.
    pub helpful: bool,
    /// The reason's stored name.
    pub reason: Option<String>,
    /// The masked comment.
    pub comment: Option<String>,
    /// The masked query (results page only).
    pub query: Option<String>,
}

/// Feedback on one page over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFeedback {
    /// The page.
    pub page: String,
    /// "Yes" answers.
    pub yes: i64,
    /// "No" answers.
    pub no: i64,
}

/// Runs `$sql` with `since` bound to `$1` on either backend and builds one value per row with
/// `$build` (which may use `?` on `row.try_get`).
macro_rules! select {
    ($store:expr, $sql:expr, $since:expr, $what:literal, |$row:ident| $build:expr) => {
        on_pool!($store, |pool| {
            let rows = sqlx::query($sql).bind($since).fetch_all(pool).await;
            rows.and_then(|rows| rows.iter().map(|$row| Ok($build)).collect())
        })
        .map_err(StoreError::query($what))
    };
}

impl Store {
    /// Searches recorded at or after `since`, oldest first.
    pub async fn searches(&self, since: i64) -> Result<Vec<StoredSearch>, StoreError> {
        let sql = "SELECT at, source, query, results, answer, verdict, number, content_version, \
                   count FROM searches WHERE at >= $1 ORDER BY id";
        select!(self, sql, since, "reading searches", |row| StoredSearch {
            at: row.try_get("at")?,
            source: row.try_get("source")?,
            query: row.try_get("query")?,
            results: row.try_get("results")?,
            answer: row.try_get("answer")?,
            verdict: row.try_get("verdict")?,
            number: row.try_get("number")?,
            content_version: row.try_get("content_version")?,
            count: row.try_get("count")?,
        })
    }

    /// Clicks recorded at or after `since`, oldest first.
    pub async fn clicks(&self, since: i64) -> Result<Vec<StoredClick>, StoreError> {
        let sql = "SELECT at, source, query, url, result_position FROM clicks \
                   WHERE at >= $1 ORDER BY id";
        select!(self, sql, since, "reading clicks", |row| StoredClick {
            at: row.try_get("at")?,
            source: row.try_get("source")?,
            query: row.try_get("query")?,
            url: row.try_get("url")?,
            position: row.try_get("result_position")?,
        })
    }

    /// "Was this helpful?" answers recorded at or after `since`, oldest first.
    pub async fn feedback(&self, since: i64) -> Result<Vec<StoredFeedback>, StoreError> {
        let sql = "SELECT at, page, helpful, reason, comment, query FROM feedback \
                   WHERE at >= $1 ORDER BY id";
        select!(self, sql, since, "reading feedback", |row| StoredFeedback {
            at: row.try_get("at")?,
            page: row.try_get("page")?,
            helpful: row.try_get("helpful")?,
            reason: row.try_get("reason")?,
            comment: row.try_get("comment")?,
            query: row.try_get("query")?,
        })
    }

    /// Yes and no counts per page since `since`, pages in alphabetical order.
    pub async fn feedback_per_page(&self, since: i64) -> Result<Vec<PageFeedback>, StoreError> {
        let sql = "SELECT page, \
                   SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS yes, \
                   SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS no \
                   FROM feedback WHERE at >= $1 GROUP BY page ORDER BY page";
        select!(self, sql, since, "counting feedback per page", |row| {
            PageFeedback {
                page: row.try_get("page")?,
                yes: count(row.try_get::<Option<i64>, _>("yes"))?,
                no: count(row.try_get::<Option<i64>, _>("no"))?,
            }
        })
    }

    /// How many "was this helpful?" form views were recorded at or after `since`, per page.
    pub async fn form_views(&self, since: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = "SELECT page, COUNT(*) AS views FROM form_views WHERE at >= $1 \
                   GROUP BY page ORDER BY page";
        select!(self, sql, since, "counting form views", |row| (
            row.try_get("page")?,
            row.try_get("views")?
        ))
    }
}

/// A `SUM` that is NULL over no rows counts as zero.
fn count(value: Result<Option<i64>, sqlx::Error>) -> Result<i64, sqlx::Error> {
    value.map(Option::unwrap_or_default)
}
