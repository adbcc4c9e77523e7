//! Writing: a batch of events in one transaction, and pruning events older than the retention
//! period.

use std::collections::HashMap;
use std::sync::Arc;

use super::backend::{Store, StoreError};
use super::events::{Event, SearchEvent, SearchOutcome};
use super::storage::Statement;

/// The insert of one event, standing `count` times (searches only: others stand once).
fn insert_one(event: &Event, count: i64) -> Statement {
    match event {
        Event::Search(SearchEvent {
            at,
            source,
            outcome: search,
        }) => Statement::new(
            "INSERT INTO searches (at, source, query, results, answer, verdict, number, \
             content_version, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(*at)
        .bind(source.as_str())
        .bind(search.query.as_str())
        .bind(search.results)
        .bind(search.answer.as_deref())
        .bind(search.verdict)
        .bind(search.number.as_ref().map(|number| number.as_str()))
        .bind(&*search.content_version)
        .bind(count),
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
    }
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
    /// second are one row with their `count`.
    pub async fn insert(&self, events: &[Event]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let statements: Vec<Statement> = coalesce(events)
            .into_iter()
            .map(|(event, count)| insert_one(event, count))
            .collect();
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
