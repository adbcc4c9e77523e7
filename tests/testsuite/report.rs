//! The dashboard's figures (`Store::report`) on SQLite and, when `HELPCENTER_TEST_POSTGRES` is
//! set, PostgreSQL — the same seeded events, the same expected numbers — and `helpcenter report`
//! printing them as a table, CSV and JSON.

use std::sync::Arc;

use helpcenter::redact::{self, Masked};
use helpcenter::report::period::{Choice, parse_date};
use helpcenter::report::{Format, render};
use helpcenter::store::{
    ClickEvent, DaySearches, Event, FeedbackEvent, FormViewEvent, PageSummary, Period, QueryCount,
    Reason, ReasonCount, SearchEvent, SearchOutcome, SearchSource, Store,
};

use crate::common::database::TestDatabase;

const VERSION: &str = "v1";

/// 2026-11-10 00:00 UTC, the first day of the seeded period.
fn day_one() -> i64 {
    parse_date("2026-11-10")
        .expect("a date")
        .midnight()
        .assume_utc()
        .unix_timestamp()
}

/// The seeded period: 2026-11-10 to 2026-11-12, both included.
pub(crate) fn seeded_period() -> Period {
    Choice::Dates {
        from: parse_date("2026-11-10").expect("date"),
        to: parse_date("2026-11-12").expect("date"),
    }
    .period(0)
}

fn search(at: i64, source: SearchSource, query: &str, results: i64, answer: Option<&str>) -> Event {
    Event::Search(SearchEvent {
        at,
        source,
        outcome: Arc::new(SearchOutcome {
            query: redact::normalise_query(query),
            results,
            answer: answer.map(str::to_string),
            verdict: None,
            number: None,
            content_version: Arc::from(VERSION),
        }),
    })
}

fn number_check(at: i64, number: &str) -> Event {
    Event::Search(SearchEvent {
        at,
        source: SearchSource::Page,
        outcome: Arc::new(SearchOutcome {
            query: redact::normalise_query(number),
            results: 0,
            answer: None,
            verdict: Some("unknown"),
            number: Some(Masked::from_own(number)),
            content_version: Arc::from(VERSION),
        }),
    })
}

fn feedback(
    at: i64,
    page: &str,
    helpful: bool,
    reason: Option<Reason>,
    comment: Option<&str>,
) -> Event {
    Event::Feedback(FeedbackEvent {
        at,
        page: Masked::from_own(page),
        helpful,
        reason,
        comment: comment.map(redact::mask),
        query: None,
        content_version: Arc::from(VERSION),
    })
}

fn view(at: i64, page: &str) -> Event {
    Event::FormView(FormViewEvent {
        at,
        page: Masked::from_own(page),
        content_version: Arc::from(VERSION),
    })
}

/// A comment that looks like SQL, one that looks like HTML, one a spreadsheet would run.
pub(crate) const SQL_COMMENT: &str = "Robert'); DROP TABLE feedback;--";
pub(crate) const HTML_COMMENT: &str = "<script>alert('x')</script><b>bold</b>";
pub(crate) const FORMULA_COMMENT: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// The events every test here seeds: two busy days around a quiet one, and one event just
/// outside each end of the period.
pub(crate) fn seeded_events() -> Vec<Event> {
    let first = day_one() + 3600;
    let third = day_one() + 2 * 86_400 + 3600;
    let mut events = Vec::new();
    for _ in 0..3 {
        events.push(search(
            first,
            SearchSource::Page,
            "Lost card",
            5,
            Some("contact:lost-stolen"),
        ));
    }
    for _ in 0..2 {
        events.push(search(first, SearchSource::Page, "xyzzy", 0, None));
        events.push(number_check(first, "+18005550199"));
    }
    events.push(search(first, SearchSource::Page, "card late fee", 4, None));
    events.push(search(first, SearchSource::Api, "api only", 3, None));
    events.push(search(
        third,
        SearchSource::Api,
        "lost card",
        5,
        Some("contact:lost-stolen"),
    ));
    events.push(search(third, SearchSource::Page, "zzz nothing", 0, None));
    events.push(Event::Click(ClickEvent {
        at: third,
        source: SearchSource::Page,
        query: redact::normalise_query("lost card"),
        url: Masked::from_own("/contact#lost-stolen"),
        position: Some(1),
        content_version: Arc::from(VERSION),
    }));
    events.extend([
        feedback(first, "/articles/a", true, None, None),
        feedback(third, "/articles/a", true, None, None),
        feedback(
            third,
            "/articles/a",
            false,
            Some(Reason::NoPerson),
            Some(HTML_COMMENT),
        ),
        feedback(
            third + 60,
            "/faq#x",
            false,
            Some(Reason::Other),
            Some(SQL_COMMENT),
        ),
        feedback(
            third + 120,
            "/search",
            false,
            Some(Reason::NotAnswered),
            Some(FORMULA_COMMENT),
        ),
        view(first, "/articles/a"),
        view(first, "/articles/a"),
        view(third, "/articles/a"),
        view(third, "/faq#x"),
        view(third, "/contact"),
    ]);
    // Just outside the period at both ends.
    let before = day_one() - 1;
    let after = day_one() + 3 * 86_400;
    for at in [before, after] {
        events.push(search(at, SearchSource::Page, "outside", 0, None));
        events.push(feedback(
            at,
            "/articles/outside",
            false,
            Some(Reason::Other),
            Some("outside"),
        ));
        events.push(view(at, "/articles/outside"));
    }
    events
}

/// A store on `database` holding the seeded events.
pub(crate) async fn seeded(database: &TestDatabase) -> Store {
    let store = Store::open(&database.location)
        .await
        .unwrap_or_else(|error| panic!("{:?} opens: {error}", database.location));
    store.insert(&seeded_events()).await.expect("insert");
    store
}

fn counts(pairs: &[(&str, i64)]) -> Vec<QueryCount> {
    pairs
        .iter()
        .map(|&(query, count)| QueryCount {
            query: query.into(),
            count,
        })
        .collect()
}

#[actix_web::test]
async fn the_figures_of_a_period_on_every_backend() {
    for database in TestDatabase::all("the_figures_of_a_period_on_every_backend").await {
        let store = seeded(&database).await;
        let report = store.report(seeded_period(), 20).await.expect("report");
        let day = |date: &str, searches, no_results, no_answer| DaySearches {
            day: (day_one() / 86_400)
                + match date {
                    "2026-11-10" => 0,
                    "2026-11-11" => 1,
                    _ => 2,
                },
            date: date.into(),
            searches,
            no_results,
            no_answer,
        };
        assert_eq!(
            report.searches_per_day,
            vec![
                day("2026-11-10", 9, 4, 4),
                day("2026-11-11", 0, 0, 0),
                day("2026-11-12", 2, 1, 1),
            ],
            "{:?}",
            database.location
        );
        assert_eq!(
            report.top_queries,
            counts(&[
                ("lost card", 4),
                ("+18005550199", 2),
                ("xyzzy", 2),
                ("api only", 1),
                ("card late fee", 1),
                ("zzz nothing", 1),
            ])
        );
        assert_eq!(
            report.zero_result_queries,
            counts(&[("+18005550199", 2), ("xyzzy", 2), ("zzz nothing", 1)])
        );
        // "lost card" was clicked; API searches cannot report clicks, so "api only" is left out.
        assert_eq!(report.no_click_queries, counts(&[("card late fee", 1)]));
        assert_eq!(report.unknown_numbers, counts(&[("+18005550199", 2)]));
        let page = |page: &str, views, yes, no| PageSummary {
            page: page.into(),
            views,
            yes,
            no,
        };
        assert_eq!(
            report.pages,
            vec![
                page("/articles/a", 3, 2, 1),
                page("/contact", 1, 0, 0),
                page("/faq#x", 1, 0, 1),
                page("/search", 0, 0, 1),
            ]
        );
        let reason = |page: &str, reason: Reason| ReasonCount {
            page: page.into(),
            reason: reason.as_str().into(),
            count: 1,
        };
        assert_eq!(
            report.reasons,
            vec![
                reason("/articles/a", Reason::NoPerson),
                reason("/faq#x", Reason::Other),
                reason("/search", Reason::NotAnswered),
            ]
        );
        let comments: Vec<&str> = report.comments.iter().map(|c| c.comment.as_str()).collect();
        // Newest first, stored exactly as text.
        assert_eq!(comments, vec![FORMULA_COMMENT, SQL_COMMENT, HTML_COMMENT]);
        // The limit applies to every list.
        let limited = store.report(seeded_period(), 1).await.expect("report");
        assert_eq!(limited.top_queries, counts(&[("lost card", 4)]));
        assert_eq!(limited.comments.len(), 1);
        // An empty period: every day present, every list empty.
        let empty = store
            .report(
                Period {
                    since: day_one() + 10 * 86_400,
                    until: day_one() + 12 * 86_400,
                },
                20,
            )
            .await
            .expect("report");
        assert_eq!(empty.searches_per_day.len(), 2);
        assert!(empty.searches_per_day.iter().all(|day| day.searches == 0));
        assert!(
            empty.top_queries.is_empty() && empty.pages.is_empty() && empty.comments.is_empty()
        );
        store.close().await;
    }
}

#[actix_web::test]
async fn the_report_renders_in_every_format() {
    let database = TestDatabase::sqlite();
    let store = seeded(&database).await;
    let report = store.report(seeded_period(), 20).await.expect("report");
    let table = render(&report, "sqlite", Format::Table, None).expect("table");
    assert!(
        table.starts_with("Period 2026-11-10 to 2026-11-12 (UTC), store: sqlite\n"),
        "{table}"
    );
    assert!(
        table.contains("Top queries\n  query          searches\n  lost card             4\n"),
        "{table}"
    );
    // A comment's line break cannot fake a line of the report.
    assert!(!table.contains("\n<b>"), "{table}");
    let csv = render(&report, "sqlite", Format::Csv, Some("comments")).expect("csv");
    assert!(
        csv.starts_with("date,page,helpful,reason,comment\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("2026-11-12,/search,no,It did not answer my question,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"\r\n"),
        "{csv}"
    );
    let all = render(&report, "sqlite", Format::Csv, None).expect("csv");
    assert!(
        all.starts_with("# searches-per-day\r\ndate,searches,no results,no instant answer\r\n")
    );
    assert_eq!(all.matches("\r\n# ").count(), 7, "{all}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, "sqlite", Format::Json, None).expect("json"))
            .expect("valid JSON");
    assert_eq!(json["from"], "2026-11-10");
    assert_eq!(json["to"], "2026-11-12");
    assert_eq!(json["top_queries"][0]["query"], "lost card");
    assert_eq!(json["top_queries"][0]["count"], 4);
    assert_eq!(json["searches_per_day"][0]["no_results"], 4);
    assert_eq!(json["comments"][1]["comment"], SQL_COMMENT);
    let only: serde_json::Value = serde_json::from_str(
        &render(&report, "sqlite", Format::Json, Some("unknown-numbers")).expect("json"),
    )
    .expect("valid JSON");
    assert_eq!(only["unknown_numbers"][0]["query"], "+18005550199");
    assert!(only.get("top_queries").is_none());
    store.close().await;
}

#[test]
fn the_report_command_prints_every_format_and_refuses_bad_input() {
    let database = TestDatabase::sqlite();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async { seeded(&database).await.close().await });
    let helpcenter::store::Location::Sqlite(path) = &database.location else {
        unreachable!("sqlite")
    };
    let run = |args: &[&str]| {
        let output = crate::common::server::command()
            .arg("report")
            .arg("--database")
            .arg(path)
            .args(["--since", "2026-11-10", "--until", "2026-11-12"])
            .args(args)
            .output()
            .expect("runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, table, _) = run(&[]);
    assert_eq!(code, Some(0));
    assert!(
        table.contains(
            "Unknown phone numbers checked\n  number        checks\n  +18005550199       2\n"
        ),
        "{table}"
    );
    let (code, csv, _) = run(&["--format", "csv", "--table", "top-queries"]);
    assert_eq!(code, Some(0));
    assert!(
        csv.starts_with("query,searches\r\nlost card,4\r\n'+18005550199,2\r\n"),
        "{csv}"
    );
    let (code, json, _) = run(&["--format", "json"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["pages"][0]["views"], 3);
    for (args, says) in [
        (&["--table", "nope"][..], "--table"),
        (&["--format", "xml"][..], "xml"),
        (&["--limit", "0"][..], "--limit"),
    ] {
        let (code, _, stderr) = run(args);
        assert_ne!(code, Some(0), "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let missing = crate::common::server::command()
        .args(["report", "--database", "/definitely/not/here.db"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no database at"));
    assert!(!std::path::Path::new("/definitely/not/here.db").exists());
}
