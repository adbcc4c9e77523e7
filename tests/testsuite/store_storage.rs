//! The storage trait's own contract, the same tests on each implementation (SQLite always,
//! PostgreSQL when `HELPCENTER_TEST_POSTGRES` is set): every parameter type goes in and comes back
//! as the same value, NULLs included; a transaction is all or nothing; the rows changed are
//! counted; aggregates read back as integers; a column of a type the store does not read is an
//! error that is not mistaken for the database being down.

use helpcenter::store::{Backend, Location, Param, Statement, Store, StoreError};

use crate::common::database::{TestDatabase, open};

/// A feedback row with every kind of value, NULLs where `with_nulls`.
fn insert_feedback(at: i64, with_nulls: bool) -> Statement {
    let text = |value: &str| (!with_nulls).then(|| value.to_owned());
    Statement::new(
        "INSERT INTO feedback (at, page, helpful, reason, comment, query, content_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind("/faq#page")
    .bind(!with_nulls)
    .bind(Param::Text(text("wrong")))
    .bind(Param::Text(text(
        "it's \"quoted\" 'text' -- ; DROP TABLE feedback",
    )))
    .bind(Param::Text(text("lost card")))
    .bind("v1")
}

const SELECT_FEEDBACK: &str =
    "SELECT at, page, helpful, reason, comment, query FROM feedback WHERE at >= $1 ORDER BY id";

async fn each_store(test: &str) -> Vec<(TestDatabase, Store)> {
    let mut stores = Vec::new();
    for database in TestDatabase::all(test).await {
        let store = open(&database).await;
        stores.push((database, store));
    }
    stores
}

#[actix_web::test]
async fn every_parameter_type_comes_back_as_it_went_in() {
    for (database, store) in each_store("every_parameter_type_comes_back_as_it_went_in").await {
        let storage = store.storage();
        let expected = match database.location {
            Location::Sqlite(_) => Backend::Sqlite,
            _ => Backend::Postgres,
        };
        assert_eq!(storage.backend(), expected);
        let changed = storage
            .execute(&[
                insert_feedback(i64::MAX - 1, false),
                insert_feedback(i64::MAX - 1, true),
            ])
            .await
            .expect("inserts");
        assert_eq!(changed, 2);
        let rows = storage
            .fetch(&Statement::new(SELECT_FEEDBACK).bind(0))
            .await
            .expect("reads");
        assert_eq!(rows.len(), 2, "{:?}", database.location);
        let full = &rows[0];
        assert_eq!(full.int(0).unwrap(), i64::MAX - 1);
        assert_eq!(full.text(1).unwrap(), "/faq#page");
        assert!(full.bool(2).unwrap());
        assert_eq!(full.optional_text(3).unwrap().as_deref(), Some("wrong"));
        assert_eq!(
            full.text(4).unwrap(),
            "it's \"quoted\" 'text' -- ; DROP TABLE feedback"
        );
        let empty = &rows[1];
        assert!(!empty.bool(2).unwrap());
        for column in 3..=5 {
            assert_eq!(empty.optional_text(column).unwrap(), None);
            assert!(empty.text(column).is_err(), "NULL is not text");
        }
        let click = Statement::new(
            "INSERT INTO clicks (at, source, query, url, result_position, content_version) \
             VALUES ($1, 'page', 'q', '/a', $2, 'v1')",
        );
        storage
            .execute(&[
                click.clone().bind(1).bind(Some(3)),
                click.bind(2).bind(None::<i64>),
            ])
            .await
            .expect("inserts clicks");
        let positions = storage
            .fetch(&Statement::new(
                "SELECT result_position FROM clicks ORDER BY at",
            ))
            .await
            .expect("reads clicks");
        assert_eq!(positions[0].optional_int(0).unwrap(), Some(3));
        assert_eq!(positions[1].optional_int(0).unwrap(), None);
        store.close().await;
    }
}

#[actix_web::test]
async fn a_transaction_is_all_or_nothing() {
    for (database, store) in each_store("a_transaction_is_all_or_nothing").await {
        let storage = store.storage();
        let failed = storage
            .execute(&[
                insert_feedback(10, false),
                Statement::new("INSERT INTO no_such_table (x) VALUES ($1)").bind(1),
            ])
            .await;
        assert!(failed.is_err(), "{:?}", database.location);
        let rows = storage
            .fetch(&Statement::new(SELECT_FEEDBACK).bind(0))
            .await
            .expect("reads");
        assert!(rows.is_empty(), "the first insert was rolled back");
        store.close().await;
    }
}

#[actix_web::test]
async fn aggregates_read_back_as_integers_and_an_unread_type_is_refused() {
    for (database, store) in
        each_store("aggregates_read_back_as_integers_and_an_unread_type_is_refused").await
    {
        let storage = store.storage();
        let over_nothing = storage
            .fetch(&Statement::new(
                "SELECT COUNT(*), CAST(SUM(count) AS BIGINT), SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) \
                 FROM searches",
            ))
            .await
            .expect("aggregates");
        let row = &over_nothing[0];
        assert_eq!(row.int(0).unwrap(), 0, "{:?}", database.location);
        assert_eq!(row.optional_int(1).unwrap(), None);
        assert_eq!(row.sum(1).unwrap(), 0);
        assert_eq!(row.sum(2).unwrap(), 0);
        assert!(row.int(3).is_err(), "no fourth column");

        // A SUM of BIGINT is NUMERIC on PostgreSQL and REAL is never read: an error, and one that
        // says the statement is wrong, not that the database is down.
        let real = Statement::new("SELECT CAST(1.5 AS REAL)");
        let source = storage
            .fetch(&real)
            .await
            .expect_err("a REAL column is not read");
        let error = StoreError::Query {
            what: "reading a REAL",
            source,
        };
        assert!(!error.is_unavailable(), "{error}");
        store.close().await;
    }
}
