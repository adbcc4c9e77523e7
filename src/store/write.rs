//! Writing: a batch of events in one transaction, and pruning events older than the retention
//! period.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use super::backend::{Store, StoreError};
use super::events::{Event, SearchEvent, SearchOutcome};
use super::storage::Statement;

/// Most searches written by one `INSERT`. A batch's searches go in statements of 64 rows, the
/// rest in statements of 32, 16, …, 1 (its binary digits), so any batch is a few statements of at most seven shapes,
/// each prepared once per connection: one statement a row made the writer's round trips to the
/// database (SQLite's worker thread) a large part of recording a search under load.
const SEARCHES_PER_INSERT: usize = 64;

/// `INSERT INTO searches …` with `2^i` rows of placeholders at index `i`, up to
/// [`SEARCHES_PER_INSERT`] rows.
static SEARCH_INSERTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let shapes = SEARCHES_PER_INSERT.trailing_zeros() + 1;
    (0..shapes)
        .map(|shape| {
            let rows: Vec<String> = (0..1usize << shape)
                .map(|row| {
                    let first = row * 9 + 1;
                    let places: Vec<String> = (first..first + 9)
                        .map(|place| format!("${place}"))
                        .collect();
                    format!("({})", places.join(", "))
                })
                .collect();
            format!(
                "INSERT INTO searches (at, source, query, results, answer, verdict, number, \
                 content_version, count) VALUES {}",
                rows.join(", ")
            )
        })
        .collect()
});

/// The inserts of `searches`, each standing its count of times, in order: as few statements as
/// [`SEARCH_INSERTS`] allows.
fn insert_searches(searches: &[(&SearchEvent, i64)]) -> Vec<Statement> {
    let mut statements = Vec::new();
    let mut rest = searches;
    while !rest.is_empty() {
        // The largest power of two that fits, up to the most a statement takes.
        let shape = rest.len().min(SEARCHES_PER_INSERT).ilog2();
        let (rows, tail) = rest.split_at(1 << shape);
        let mut statement = Statement::new(SEARCH_INSERTS[shape as usize].as_str());
        for (search, count) in rows {
            let outcome = &search.outcome;
            statement = statement
                .bind(search.at)
                .bind(search.source.as_str())
                .bind(outcome.query.as_str())
                .bind(outcome.results)
                .bind(outcome.answer.as_deref())
                .bind(outcome.verdict)
                .bind(outcome.number.as_ref().map(|number| number.as_str()))
                .bind(&*outcome.content_version)
                .bind(*count);
        }
        statements.push(statement);
        rest = tail;
    }
    statements
}

/// The insert of one event other than a search (those are written together:
/// [`insert_searches`]).
fn insert_one(event: &Event) -> Option<Statement> {
    Some(match event {
        Event::Search(_) => return None,
        Event::Click(click) => Statement::new(
            "INSERT INTO clicks (at, source, query, url, result_position, content_version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(click.at)
        .bind(click.source.as_str())
        .bind(click.query.as_str())
        .bind(click.url.as_str())
        .bind(click.position)
        .bind(&*click.content_version),
        Event::Feedback(feedback) => Statement::new(
            "INSERT INTO feedback (at, page, helpful, reason, comment, query, content_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(feedback.at)
        .bind(feedback.page.as_str())
        .bind(feedback.helpful)
        .bind(feedback.reason.map(|reason| reason.as_str()))
        .bind(feedback.comment.as_ref().map(|comment| comment.as_str()))
        .bind(feedback.query.as_ref().map(|query| query.as_str()))
        .bind(&*feedback.content_version),
        Event::FormView(view) => {
            Statement::new("INSERT INTO form_views (at, page, content_version) VALUES ($1, $2, $3)")
                .bind(view.at)
                .bind(view.page.as_str())
                .bind(&*view.content_version)
        }
    })
}

/// The events with how many times each stands: a search whose outcome is the very same shared
/// answer as an earlier one of the batch, from the same source in the same second, adds to that
/// one's count; every other event stands once.
fn coalesce(events: &[Event]) -> Vec<(&Event, i64)> {
    let mut rows: Vec<(&Event, i64)> = Vec::with_capacity(events.len());
    let mut seen: HashMap<(i64, &'static str, *const SearchOutcome), usize> = HashMap::new();
    for event in events {
        if let Event::Search(search) = event {
            let key = (
                search.at,
                search.source.as_str(),
                Arc::as_ptr(&search.outcome),
            );
            if let Some(&row) = seen.get(&key) {
                rows[row].1 += 1;
                continue;
            }
            seen.insert(key, rows.len());
        }
        rows.push((event, 1));
    }
    rows
}

/// Every table holding events, with its time column `at` (pruning visits each).
const PRUNE: [&str; 4] = [
    "DELETE FROM searches WHERE at < $1",
    "DELETE FROM clicks WHERE at < $1",
    "DELETE FROM feedback WHERE at < $1",
    "DELETE FROM form_views WHERE at < $1",
];

impl Store {
    /// Inserts `events` in one transaction: all are stored, or none. Searches with the same
    /// outcome (the same answer served again, from the cache) from the same source in the same
    /// second are one row with their `count`; searches are written first, many rows a
    /// statement, then the other events, each table's rows in the order given.
    pub async fn insert(&self, events: &[Event]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let rows = coalesce(events);
        let searches: Vec<(&SearchEvent, i64)> = rows
            .iter()
            .filter_map(|&(event, count)| match event {
                Event::Search(search) => Some((search, count)),
                _ => None,
            })
            .collect();
        let mut statements = insert_searches(&searches);
        statements.extend(rows.iter().filter_map(|&(event, _)| insert_one(event)));
        self.storage
            .execute(&statements)
            .await
            .map(|_| ())
            .map_err(StoreError::query("inserting events"))
    }

    /// Deletes every event recorded before `before` (Unix seconds), in one transaction; returns
    /// how many.
    pub async fn prune(&self, before: i64) -> Result<u64, StoreError> {
        let statements = PRUNE.map(|sql| Statement::new(sql).bind(before));
        self.storage
            .execute(&statements)
            .await
            .map_err(StoreError::query("pruning old events"))
    }
}
