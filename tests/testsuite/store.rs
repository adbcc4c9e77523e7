//! The storage suite: the same tests on SQLite (always) and PostgreSQL (when
//! `HELPCENTER_TEST_POSTGRES` is set): migrations, writing and reading every event, counts per
//! page, pruning, payloads stored as text, and the background writer (batches, a full queue
//! counted, an unreachable store logged and recovered, retention at start).

use std::sync::Arc;
use std::time::Duration;

use helpcenter::redact::{self, Masked};
use helpcenter::store::{
    ClickEvent, Event, FeedbackEvent, FormViewEvent, Location, Reason, Refused, SearchEvent,
    SearchOutcome, SearchSource, Store, Writer, WriterSettings, now,
};

use crate::common::database::TestDatabase;

const VERSION: &str = "abc123";

fn search(at: i64, query: &str, results: i64) -> Event {
    Event::Search(SearchEvent {
        at,
        source: SearchSource::Page,
        outcome: Arc::new(SearchOutcome {
            query: redact::normalise_query(query),
            results,
            answer: Some("contact:lost-stolen".into()),
            verdict: Some("unknown"),
            number: Some(Masked::from_own("+18005551212")),
            content_version: Arc::from(VERSION),
        }),
    })
}

fn feedback(at: i64, page: &str, helpful: bool, comment: Option<&str>) -> Event {
    Event::Feedback(FeedbackEvent {
        at,
        page: Masked::from_own(page),
        helpful,
        reason: (!helpful).then_some(Reason::NoPerson),
        comment: comment.map(redact::mask),
        query: None,
        content_version: Arc::from(VERSION),
    })
}

async fn open(database: &TestDatabase) -> Store {
    Store::open(&database.location)
        .await
        .unwrap_or_else(|error| panic!("{:?} opens: {error}", database.location))
}

#[actix_web::test]
async fn opening_creates_the_database_and_migrates_once() {
    for database in TestDatabase::all("opening_creates_the_database_and_migrates_once").await {
        if let Location::Sqlite(path) = &database.location {
            assert!(!path.exists());
        }
        let store = open(&database).await;
        store.close().await;
        if let Location::Sqlite(path) = &database.location {
            assert!(path.is_file(), "the file and its folder are created");
        }
        // Opening again finds the migrations applied and changes nothing.
        let store = open(&database).await;
        store
            .insert(&[search(now(), "x", 1)])
            .await
            .expect("insert");
        let again = open(&database).await;
        assert_eq!(again.searches(0).await.expect("read").len(), 1);
    }
}

#[actix_web::test]
async fn every_event_is_stored_and_read_back() {
    for database in TestDatabase::all("every_event_is_stored_and_read_back").await {
        let store = open(&database).await;
        let at = now();
        let events = vec![
            search(at, "  Lost CARD abroad ", 7),
            Event::Click(ClickEvent {
                at,
                source: SearchSource::Suggest,
                query: redact::normalise_query("lost card"),
                url: Masked::from_own("/articles/lost-or-stolen-card"),
                position: Some(2),
                content_version: Arc::from(VERSION),
            }),
            feedback(at, "/articles/a", true, None),
            feedback(at, "/faq#b", false, Some("nobody answered")),
            Event::FormView(FormViewEvent {
                at,
                page: Masked::from_own("/articles/a"),
                content_version: Arc::from(VERSION),
            }),
        ];
        store.insert(&events).await.expect("insert");
        let searches = store.searches(at).await.expect("searches");
        assert_eq!(searches.len(), 1);
        let stored = &searches[0];
        assert_eq!(
            (
                stored.source.as_str(),
                stored.query.as_str(),
                stored.results
            ),
            ("page", "lost card abroad", 7)
        );
        assert_eq!(stored.answer.as_deref(), Some("contact:lost-stolen"));
        assert_eq!(stored.verdict.as_deref(), Some("unknown"));
        assert_eq!(stored.number.as_deref(), Some("+18005551212"));
        assert_eq!(stored.content_version, VERSION);
        let clicks = store.clicks(at).await.expect("clicks");
        assert_eq!(clicks.len(), 1);
        assert_eq!(clicks[0].url, "/articles/lost-or-stolen-card");
        assert_eq!(clicks[0].position, Some(2));
        assert_eq!(clicks[0].source, "suggest");
        let answers = store.feedback(at).await.expect("feedback");
        assert_eq!(answers.len(), 2);
        assert!(answers[0].helpful && answers[0].reason.is_none());
        assert!(!answers[1].helpful);
        assert_eq!(answers[1].reason.as_deref(), Some("no-person"));
        assert_eq!(answers[1].comment.as_deref(), Some("nobody answered"));
        assert_eq!(
            store.form_views(at).await.expect("views"),
            vec![("/articles/a".to_string(), 1)]
        );
    }
}

/// A batch of any size is stored whole and in order: searches go many to a statement (64, then
/// the rest in powers of two), the other events one each, repeated outcomes as one row counted.
#[actix_web::test]
async fn a_large_batch_is_stored_in_order() {
    for database in TestDatabase::all("a_large_batch_is_stored_in_order").await {
        let store = open(&database).await;
        let at = now();
        let mut events = Vec::new();
        for i in 0..141 {
            events.push(search(at, &format!("query {i}"), i));
            if i % 50 == 0 {
                events.push(feedback(at, "/articles/a", true, None));
            }
        }
        // The same answer served again in the same second: one row, counted twice.
        events.push(events[0].clone());
        store.insert(&events).await.expect("insert");
        let searches = store.searches(at).await.expect("searches");
        let stored: Vec<(String, i64, i64)> = searches
            .iter()
            .map(|search| (search.query.clone(), search.results, search.count))
            .collect();
        let expected: Vec<(String, i64, i64)> = (0..141)
            .map(|i| (format!("query {i}"), i, if i == 0 { 2 } else { 1 }))
            .collect();
        assert_eq!(stored, expected);
        assert!(
            searches
                .iter()
                .all(|search| search.number.as_deref() == Some("+18005551212"))
        );
        let answers = store.feedback(at).await.expect("feedback");
        assert_eq!(answers.len(), 3);
    }
}

#[actix_web::test]
async fn feedback_is_counted_per_page() {
    for database in TestDatabase::all("feedback_is_counted_per_page").await {
        let store = open(&database).await;
        let at = now();
        let events: Vec<Event> = (0..5)
            .map(|i| feedback(at, "/articles/a", i % 2 == 0, None))
            .chain([feedback(at, "/faq#b", false, None)])
            .chain([feedback(at - 1000, "/articles/old", true, None)])
            .collect();
        store.insert(&events).await.expect("insert");
        let counts = store.feedback_per_page(at - 10).await.expect("counts");
        let summary: Vec<(&str, i64, i64)> = counts
            .iter()
            .map(|page| (page.page.as_str(), page.yes, page.no))
            .collect();
        assert_eq!(summary, vec![("/articles/a", 3, 2), ("/faq#b", 0, 1)]);
    }
}

#[actix_web::test]
async fn the_same_answer_served_again_in_one_second_is_one_row_with_its_count() {
    for database in
        TestDatabase::all("the_same_answer_served_again_in_one_second_is_one_row_with_its_count")
            .await
    {
        let store = open(&database).await;
        let at = now();
        let cached = search(at, "lost card", 3);
        let Event::Search(shared) = &cached else {
            unreachable!("a search")
        };
        let again = |at: i64, source: SearchSource| {
            Event::Search(SearchEvent {
                at,
                source,
                outcome: Arc::clone(&shared.outcome),
            })
        };
        let mut events = vec![cached.clone()];
        events.extend((0..99).map(|_| again(at, SearchSource::Page)));
        events.push(again(at, SearchSource::Api));
        events.push(again(at + 1, SearchSource::Page));
        // The same text searched afresh (another outcome) is a row of its own.
        events.push(search(at, "lost card", 3));
        store.insert(&events).await.expect("insert");
        let rows: Vec<(String, i64, i64)> = store
            .searches(0)
            .await
            .expect("read")
            .into_iter()
            .map(|row| (row.source, row.at - at, row.count))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("page".to_string(), 0, 100),
                ("api".to_string(), 0, 1),
                ("page".to_string(), 1, 1),
                ("page".to_string(), 0, 1),
            ]
        );
    }
}

#[actix_web::test]
async fn pruning_deletes_only_events_older_than_the_cutoff() {
    for database in TestDatabase::all("pruning_deletes_only_events_older_than_the_cutoff").await {
        let store = open(&database).await;
        let at = now();
        let old = at - 100 * 86_400;
        store
            .insert(&[
                search(old, "old", 1),
                search(at, "new", 1),
                feedback(old, "/a", true, None),
                feedback(at, "/a", true, None),
            ])
            .await
            .expect("insert");
        let deleted = store.prune(at - 90 * 86_400).await.expect("prune");
        assert_eq!(deleted, 2);
        let searches = store.searches(0).await.expect("read");
        assert_eq!(searches.len(), 1);
        assert_eq!(searches[0].query, "new");
        assert_eq!(store.feedback(0).await.expect("read").len(), 1);
    }
}

#[actix_web::test]
async fn sql_and_html_payloads_are_stored_as_text() {
    let payloads = [
        "'); DROP TABLE feedback; --",
        "\" OR 1=1 --",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "Robert'); DELETE FROM searches WHERE ('1'='1",
        "emoji 🙂 and \u{0} nul",
        "$1 $2 ? ?1 :name @name",
    ];
    for database in TestDatabase::all("sql_and_html_payloads_are_stored_as_text").await {
        let store = open(&database).await;
        let at = now();
        let events: Vec<Event> = payloads
            .iter()
            .map(|payload| feedback(at, "/articles/a", false, Some(payload)))
            .chain(payloads.iter().map(|payload| search(at, payload, 0)))
            .collect();
        store.insert(&events).await.expect("insert");
        let comments: Vec<String> = store
            .feedback(at)
            .await
            .expect("feedback table still there")
            .into_iter()
            .filter_map(|row| row.comment)
            .collect();
        // Verbatim, except that control characters (NUL) become spaces before storing.
        let expected: Vec<String> = payloads.iter().map(|p| p.replace('\0', " ")).collect();
        assert_eq!(comments, expected);
        assert_eq!(
            store.searches(at).await.expect("searches").len(),
            payloads.len()
        );
    }
}

#[actix_web::test]
async fn the_writer_batches_events_and_writes_what_is_queued_at_stop() {
    for database in
        TestDatabase::all("the_writer_batches_events_and_writes_what_is_queued_at_stop").await
    {
        let (recorder, writer) =
            Writer::start(WriterSettings::new(database.location.clone(), 90)).await;
        let writer = writer.expect("a writer");
        assert!(recorder.is_up());
        for i in 0..1000 {
            recorder.record(search(now(), &format!("query {i}"), i));
        }
        assert_eq!(
            recorder.record_confirmed(feedback(now(), "/articles/a", true, None)),
            Ok(())
        );
        writer.stop().await;
        assert_eq!(recorder.status().dropped, 0);
        let store = open(&database).await;
        assert_eq!(store.searches(0).await.expect("read").len(), 1000);
        assert_eq!(store.feedback(0).await.expect("read").len(), 1);
    }
}

#[actix_web::test]
async fn a_full_queue_drops_and_counts_without_waiting() {
    for database in TestDatabase::all("a_full_queue_drops_and_counts_without_waiting").await {
        let mut settings = WriterSettings::new(database.location.clone(), 90);
        settings.queue_capacity = 4;
        let (recorder, writer) = Writer::start(settings).await;
        // The writer runs on this thread's runtime and gets no turn until this test awaits, so
        // the queue fills after four events.
        for i in 0..10 {
            recorder.record(search(now(), "q", i));
        }
        assert_eq!(recorder.status().dropped, 6);
        assert_eq!(recorder.status().queued, 4);
        assert_eq!(
            recorder.record_confirmed(feedback(now(), "/a", true, None)),
            Err(Refused::Full)
        );
        writer.expect("a writer").stop().await;
        let store = open(&database).await;
        assert_eq!(store.searches(0).await.expect("read").len(), 4);
    }
}

#[actix_web::test]
async fn old_events_are_pruned_when_the_writer_starts() {
    for database in TestDatabase::all("old_events_are_pruned_when_the_writer_starts").await {
        let store = open(&database).await;
        store
            .insert(&[
                search(now() - 31 * 86_400, "old", 1),
                search(now(), "new", 1),
            ])
            .await
            .expect("insert");
        store.close().await;
        let (_recorder, writer) =
            Writer::start(WriterSettings::new(database.location.clone(), 30)).await;
        writer.expect("a writer").stop().await;
        let store = open(&database).await;
        let queries: Vec<String> = store
            .searches(0)
            .await
            .expect("read")
            .into_iter()
            .map(|search| search.query)
            .collect();
        assert_eq!(queries, vec!["new".to_string()]);
    }
}

#[actix_web::test]
async fn an_unreachable_store_is_retried_and_recording_resumes() {
    // A SQLite path whose folder is a regular file cannot be opened; removing the file lets the
    // writer's next attempt create the folder and the database.
    let root = tempfile::tempdir().expect("temp dir");
    let blocker = root.path().join("data");
    std::fs::write(&blocker, "not a folder").expect("write");
    let location = Location::Sqlite(blocker.join("helpcenter.db"));
    let (recorder, writer) = Writer::start(WriterSettings::new(location.clone(), 90)).await;
    assert!(!recorder.is_up());
    assert_eq!(
        recorder.record_confirmed(feedback(now(), "/a", true, None)),
        Err(Refused::Down)
    );
    // Searches made meanwhile are queued, and written once the store is back.
    recorder.record(search(now(), "while down", 0));
    std::fs::remove_file(&blocker).expect("remove");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !recorder.is_up() {
        assert!(
            std::time::Instant::now() < deadline,
            "the writer reconnects"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        recorder.record_confirmed(feedback(now(), "/a", true, None)),
        Ok(())
    );
    writer.expect("a writer").stop().await;
    let store = Store::open(&location).await.expect("open");
    assert_eq!(store.searches(0).await.expect("read").len(), 1);
    assert_eq!(store.feedback(0).await.expect("read").len(), 1);
}

#[actix_web::test]
async fn an_unreachable_postgres_server_is_reported_not_fatal() {
    // Nothing listens on port 1: opening fails fast and the recorder says the store is down.
    let location = Location::parse("postgres://nobody@127.0.0.1:1/none").expect("valid");
    let (recorder, writer) = Writer::start(WriterSettings::new(location, 90)).await;
    assert!(!recorder.is_up());
    assert_eq!(recorder.status().backend, "postgres");
    writer.expect("a writer").stop().await;
}
