//! Reading events back: the stored rows (for tests and the editors' dashboard, which aggregates
//! them in its own file) and the feedback count per page.

use super::backend::{Store, StoreError};
use super::storage::{Row, Statement};

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

impl Store {
    /// Runs `statement` and builds one value per row with `build`; a failure says `what`.
    pub(crate) async fn select<T>(
        &self,
        statement: Statement,
        what: &'static str,
        build: impl Fn(&Row) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = self.storage.fetch(&statement).await;
        rows.and_then(|rows| rows.iter().map(build).collect())
            .map_err(StoreError::query(what))
    }
}

impl Store {
    /// Searches recorded at or after `since`, oldest first.
    pub async fn searches(&self, since: i64) -> Result<Vec<StoredSearch>, StoreError> {
        let sql = "SELECT at, source, query, results, answer, verdict, number, content_version, \
                   count FROM searches WHERE at >= $1 ORDER BY id";
        self.select(Statement::new(sql).bind(since), "reading searches", |row| {
            Ok(StoredSearch {
                at: row.int(0)?,
                source: row.text(1)?,
                query: row.text(2)?,
                results: row.int(3)?,
                answer: row.optional_text(4)?,
                verdict: row.optional_text(5)?,
                number: row.optional_text(6)?,
                content_version: row.text(7)?,
                count: row.int(8)?,
            })
        })
        .await
    }

    /// Clicks recorded at or after `since`, oldest first.
    pub async fn clicks(&self, since: i64) -> Result<Vec<StoredClick>, StoreError> {
        let sql = "SELECT at, source, query, url, result_position FROM clicks \
                   WHERE at >= $1 ORDER BY id";
        self.select(Statement::new(sql).bind(since), "reading clicks", |row| {
            Ok(StoredClick {
                at: row.int(0)?,
                source: row.text(1)?,
                query: row.text(2)?,
                url: row.text(3)?,
                position: row.optional_int(4)?,
            })
        })
        .await
    }

    /// "Was this helpful?" answers recorded at or after `since`, oldest first.
    pub async fn feedback(&self, since: i64) -> Result<Vec<StoredFeedback>, StoreError> {
        let sql = "SELECT at, page, helpful, reason, comment, query FROM feedback \
                   WHERE at >= $1 ORDER BY id";
        self.select(Statement::new(sql).bind(since), "reading feedback", |row| {
            Ok(StoredFeedback {
                at: row.int(0)?,
                page: row.text(1)?,
                helpful: row.bool(2)?,
                reason: row.optional_text(3)?,
                comment: row.optional_text(4)?,
                query: row.optional_text(5)?,
            })
        })
        .await
    }

    /// Yes and no counts per page since `since`, pages in alphabetical order.
    pub async fn feedback_per_page(&self, since: i64) -> Result<Vec<PageFeedback>, StoreError> {
        let sql = "SELECT page, \
                   SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS yes, \
                   SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS no \
                   FROM feedback WHERE at >= $1 GROUP BY page ORDER BY page";
        self.select(
            Statement::new(sql).bind(since),
            "counting feedback per page",
            |row| {
                Ok(PageFeedback {
                    page: row.text(0)?,
                    yes: row.sum(1)?,
                    no: row.sum(2)?,
                })
            },
        )
        .await
    }

    /// How many "was this helpful?" form views were recorded at or after `since`, per page.
    pub async fn form_views(&self, since: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = "SELECT page, COUNT(*) AS views FROM form_views WHERE at >= $1 \
                   GROUP BY page ORDER BY page";
        self.select(
            Statement::new(sql).bind(since),
            "counting form views",
            |row| Ok((row.text(0)?, row.int(1)?)),
        )
        .await
    }
}
