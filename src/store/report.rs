//! The figures of the editors' dashboard and `helpcenter report`, aggregated in the database over
//! a period: searches per day, the top queries of each kind, the unknown numbers checked, and the
//! "was this helpful?" answers per page with their reasons and the recent comments. The same SQL
//! on SQLite and PostgreSQL (written against `Storage`); day buckets are `at / 86400` (integer division of the
//! BIGINT Unix seconds on both), turned into dates by the caller.

use std::collections::BTreeMap;

use serde::Serialize;

use super::backend::{Store, StoreError};
use super::storage::{Row, Statement};

/// Seconds in a day: the width of a day bucket (UTC).
pub const DAY_SECONDS: i64 = 86_400;

/// A period of time, `since` included, `until` excluded (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The first second counted.
    pub since: i64,
    /// The first second no longer counted.
    pub until: i64,
}

/// The searches of one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaySearches {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// The same day as `YYYY-MM-DD`.
    pub date: String,
    /// Searches completed that day.
    pub searches: i64,
    /// Of which found no result.
    pub no_results: i64,
    /// Of which showed neither an instant answer nor a number verdict.
    pub no_answer: i64,
}

/// A query (or a checked phone number) and how often it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryCount {
    /// The normalised, masked query, or the E.164 number.
    pub query: String,
    /// How many times.
    pub count: i64,
}

/// The "was this helpful?" figures of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageSummary {
    /// The page (`/articles/…`, `/faq#…`, `/search`).
    pub page: String,
    /// How often the form came into view.
    pub views: i64,
    /// "Yes" answers.
    pub yes: i64,
    /// "No" answers.
    pub no: i64,
}

/// How often one reason was given for a "no" on one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The page.
    pub page: String,
    /// The reason's stored name (`Reason::as_str`).
    pub reason: String,
    /// How many times.
    pub count: i64,
}

/// A comment left with an answer (already masked when it was recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecentComment {
    /// When (Unix seconds).
    pub at: i64,
    /// The page.
    pub page: String,
    /// Yes or no.
    pub helpful: bool,
    /// The reason's stored name, when one was given.
    pub reason: Option<String>,
    /// The comment, as stored (text: escape it wherever it is shown).
    pub comment: String,
}

/// Every figure of one period, as the dashboard and the report show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// Every day of the period, oldest first, days without searches included as zeros.
    pub searches_per_day: Vec<DaySearches>,
    /// The most frequent queries.
    pub top_queries: Vec<QueryCount>,
    /// The most frequent queries that found nothing.
    pub zero_result_queries: Vec<QueryCount>,
    /// The most frequent queries that found results on the results page or the typeahead but
    /// after which no result was opened (API searches are left out: they cannot report clicks).
    pub no_click_queries: Vec<QueryCount>,
    /// The phone numbers checked that are not in the directory, most checked first.
    pub unknown_numbers: Vec<QueryCount>,
    /// Feedback per page: pages with a form view or an answer, by page.
    pub pages: Vec<PageSummary>,
    /// Reasons given per page, by page then reason.
    pub reasons: Vec<ReasonCount>,
    /// The most recent comments, newest first.
    pub comments: Vec<RecentComment>,
}

/// The `WHERE` clause of every aggregate: the period, bound as `$1` and `$2`.
const IN_PERIOD: &str = "at >= $1 AND at < $2";

impl Store {
    /// Runs `sql` with the period bound as `$1`, `$2` (and `limit`, when `Some`, as `$3`) and
    /// builds one value per row with `build`; a failure says `what`.
    async fn period_rows<T>(
        &self,
        sql: String,
        period: Period,
        limit: Option<i64>,
        what: &'static str,
        build: impl Fn(&Row) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, StoreError> {
        let mut statement = Statement::new(sql).bind(period.since).bind(period.until);
        if let Some(limit) = limit {
            statement = statement.bind(limit);
        }
        self.select(statement, what, build).await
    }
}

impl Store {
    /// Every figure of `period`; each list of queries and comments holds at most `limit` rows.
    pub async fn report(&self, period: Period, limit: i64) -> Result<Report, StoreError> {
        Ok(Report {
            period,
            searches_per_day: self.searches_per_day(period).await?,
            top_queries: self.query_counts(period, Queries::All, limit).await?,
            zero_result_queries: self
                .query_counts(period, Queries::ZeroResults, limit)
                .await?,
            no_click_queries: self.query_counts(period, Queries::NoClick, limit).await?,
            unknown_numbers: self
                .query_counts(period, Queries::UnknownNumbers, limit)
                .await?,
            pages: self.page_summaries(period).await?,
            reasons: self.reason_counts(period).await?,
            comments: self.recent_comments(period, limit).await?,
        })
    }

    /// Searches per day over `period`, every day present (zeros where none were recorded). A row
    /// of `searches` stands for `count` identical searches of one second (migration 0002).
    pub async fn searches_per_day(&self, period: Period) -> Result<Vec<DaySearches>, StoreError> {
        let sql = format!(
            "SELECT at / {DAY_SECONDS} AS day, CAST(SUM(count) AS BIGINT) AS searches, \
             CAST(SUM(CASE WHEN results = 0 THEN count ELSE 0 END) AS BIGINT) AS no_results, \
             CAST(SUM(CASE WHEN answer IS NULL AND verdict IS NULL THEN count ELSE 0 END) AS BIGINT) \
             AS no_answer \
             FROM searches WHERE {IN_PERIOD} GROUP BY at / {DAY_SECONDS} ORDER BY day"
        );
        let found: BTreeMap<i64, DaySearches> = self
            .period_rows(sql, period, None, "counting searches per day", |row| {
                let day = row.int(0)?;
                Ok((
                    day,
                    DaySearches {
                        day,
                        date: date_of_day(day),
                        searches: row.int(1)?,
                        no_results: row.sum(2)?,
                        no_answer: row.sum(3)?,
                    },
                ))
            })
            .await?
            .into_iter()
            .collect();
        let first = period.since.div_euclid(DAY_SECONDS);
        let last = (period.until - 1).div_euclid(DAY_SECONDS);
        Ok((first..=last)
            .map(|day| {
                found.get(&day).cloned().unwrap_or_else(|| DaySearches {
                    day,
                    date: date_of_day(day),
                    searches: 0,
                    no_results: 0,
                    no_answer: 0,
                })
            })
            .collect())
    }

    /// The `limit` most frequent queries of one kind over `period`, ties by query.
    pub async fn query_counts(
        &self,
        period: Period,
        kind: Queries,
        limit: i64,
    ) -> Result<Vec<QueryCount>, StoreError> {
        let (column, condition) = match kind {
            Queries::All => ("query", "query <> ''"),
            Queries::ZeroResults => ("query", "query <> '' AND results = 0"),
            Queries::NoClick => (
                "query",
                "query <> '' AND results > 0 AND source <> 'api' AND NOT EXISTS \
                 (SELECT 1 FROM clicks WHERE clicks.query = searches.query \
                 AND clicks.at >= $1 AND clicks.at < $2)",
            ),
            Queries::UnknownNumbers => ("number", "verdict = 'unknown' AND number IS NOT NULL"),
        };
        let sql = format!(
            "SELECT {column} AS item, CAST(SUM(count) AS BIGINT) AS n FROM searches \
             WHERE {IN_PERIOD} AND {condition} GROUP BY {column} ORDER BY n DESC, item LIMIT $3"
        );
        self.period_rows(sql, period, Some(limit), kind.what(), |row| {
            Ok(QueryCount {
                query: row.text(0)?,
                count: row.int(1)?,
            })
        })
        .await
    }

    /// Form views, yes and no per page over `period`, by page.
    pub async fn page_summaries(&self, period: Period) -> Result<Vec<PageSummary>, StoreError> {
        let views_sql =
            format!("SELECT page, COUNT(*) AS n FROM form_views WHERE {IN_PERIOD} GROUP BY page");
        let answers_sql = format!(
            "SELECT page, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS yes, \
             SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS no \
             FROM feedback WHERE {IN_PERIOD} GROUP BY page"
        );
        let mut pages: BTreeMap<String, PageSummary> = BTreeMap::new();
        let views = self
            .period_rows(
                views_sql,
                period,
                None,
                "counting form views per page",
                |row| Ok((row.text(0)?, row.int(1)?)),
            )
            .await?;
        for (page, count) in views {
            entry(&mut pages, page).views = count;
        }
        let answers = self
            .period_rows(
                answers_sql,
                period,
                None,
                "counting answers per page",
                |row| Ok((row.text(0)?, row.sum(1)?, row.sum(2)?)),
            )
            .await?;
        for (page, yes, no) in answers {
            let summary = entry(&mut pages, page);
            summary.yes = yes;
            summary.no = no;
        }
        Ok(pages.into_values().collect())
    }

    /// How often each reason was given per page over `period`, by page then reason.
    pub async fn reason_counts(&self, period: Period) -> Result<Vec<ReasonCount>, StoreError> {
        let sql = format!(
            "SELECT page, reason, COUNT(*) AS n FROM feedback \
             WHERE {IN_PERIOD} AND reason IS NOT NULL GROUP BY page, reason ORDER BY page, reason"
        );
        self.period_rows(sql, period, None, "counting reasons per page", |row| {
            Ok(ReasonCount {
                page: row.text(0)?,
                reason: row.text(1)?,
                count: row.int(2)?,
            })
        })
        .await
    }

    /// The `limit` most recent comments of `period`, newest first.
    pub async fn recent_comments(
        &self,
        period: Period,
        limit: i64,
    ) -> Result<Vec<RecentComment>, StoreError> {
        let sql = format!(
            "SELECT at, page, helpful, reason, comment FROM feedback \
             WHERE {IN_PERIOD} AND comment IS NOT NULL AND comment <> '' \
             ORDER BY at DESC, id DESC LIMIT $3"
        );
        self.period_rows(sql, period, Some(limit), "reading recent comments", |row| {
            Ok(RecentComment {
                at: row.int(0)?,
                page: row.text(1)?,
                helpful: row.bool(2)?,
                reason: row.optional_text(3)?,
                comment: row.text(4)?,
            })
        })
        .await
    }
}

/// Which queries [`Store::query_counts`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queries {
    /// Every non-empty query.
    All,
    /// Queries that found no result.
    ZeroResults,
    /// Queries with results after which no result was opened (results page and typeahead).
    NoClick,
    /// Phone numbers checked that are not in the directory.
    UnknownNumbers,
}

impl Queries {
    /// What counting them is called in an error.
    fn what(self) -> &'static str {
        match self {
            Queries::All => "counting queries",
            Queries::ZeroResults => "counting zero-result queries",
            Queries::NoClick => "counting queries without a click",
            Queries::UnknownNumbers => "counting unknown numbers",
        }
    }
}

/// Day `day` (days since 1970-01-01) as `YYYY-MM-DD` (UTC); out-of-range days as their number.
pub fn date_of_day(day: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(day.saturating_mul(DAY_SECONDS))
        .map(|moment| moment.date().to_string())
        .unwrap_or_else(|_| day.to_string())
}

/// The summary of `page` in `pages`, added with zeros when missing.
fn entry(pages: &mut BTreeMap<String, PageSummary>, page: String) -> &mut PageSummary {
    pages.entry(page.clone()).or_insert(PageSummary {
        page,
        views: 0,
        yes: 0,
        no: 0,
    })
}
