//! Card data never reaches the database or the log: valid test card numbers (Visa, Mastercard,
//! Discover, 15-digit Amex, and generated Luhn-valid numbers of 12 to 19 digits) in every format
//! (plain, spaced 4-4-4-4 and 4-6-5, dashed, dotted, inside sentences, after "card", with a CVV,
//! URL-encoded with `+` and `%20`) are sent through every path that records or logs — the results
//! page, the JSON API, suggestions, the typeahead beacon, feedback comments and the results page's
//! feedback, page addresses, error answers — to the real binary; then every text stored and every
//! log line is searched for them. Phone numbers (10 or 11 digits) are kept.

use std::time::Duration;

use helpcenter::store::{Location, Store};

use crate::common::fixture_dir;
use crate::common::http::{get, post_form};
use crate::common::server::Server;

/// Well-known test numbers of the card networks (never real accounts).
const TEST_CARDS: [&str; 8] = [
    "4111111111111111",
    "4012888888881881",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "3530111333300000",
];

/// A Luhn-valid number of `length` digits from a deterministic generator.
fn luhn_number(seed: &mut u64, length: usize) -> String {
    let mut digits: Vec<u32> = (0..length - 1)
        .map(|position| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let digit = (*seed % 10) as u32;
            if position == 0 { digit.max(3) } else { digit }
        })
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &digit)| {
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
        .collect()
}

/// `digits` grouped as cards print them: 4-6-5 for 15 digits, fours otherwise.
fn grouped(digits: &str, separator: &str) -> String {
    let sizes: &[usize] = if digits.len() == 15 {
        &[4, 6, 5]
    } else {
        &[4, 4, 4, 4, 4]
    };
    let mut groups = Vec::new();
    let mut rest = digits;
    for size in sizes {
        if rest.is_empty() {
            break;
        }
        let (group, tail) = rest.split_at((*size).min(rest.len()));
        groups.push(group);
        rest = tail;
    }
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.join(separator)
}

/// Every way a visitor might type `digits`.
fn formats(digits: &str) -> Vec<String> {
    vec![
        digits.to_string(),
        grouped(digits, " "),
        grouped(digits, "-"),
        grouped(digits, "."),
        grouped(digits, " - "),
        format!(
            "my card number is {} and it was declined",
            grouped(digits, " ")
        ),
        format!("card:{digits}."),
        format!("charge on {} cvv 8642", grouped(digits, "-")),
    ]
}

fn encode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).expect("encodes")
}

/// Sends `text` through every path that records or logs.
fn send_everywhere(server: &Server, text: &str) {
    let plus = encode(text); // `q=4111+1111…`
    let percent = plus.replace('+', "%20"); // `q=4111%201111…`
    for target in [
        format!("/search?{plus}"),
        format!("/search?{percent}"),
        format!("/api/search?{plus}"),
        format!("/api/suggest?{percent}"),
        format!("/search?{plus}&kind=nonsense"),
        format!("/articles/{}", &percent[2..]),
    ] {
        let response = get(server.addr, &target).expect("the server answers");
        assert!(response.status < 500, "{target}: {}", response.status);
    }
    let comment = serde_urlencoded::to_string([
        ("page", "/articles/lost-card"),
        ("reason", "other"),
        ("comment", text),
        ("helpful", "no"),
    ])
    .expect("encodes");
    let results =
        serde_urlencoded::to_string([("page", "/search"), ("q", text), ("helpful", "no")])
            .expect("encodes");
    let pick = serde_urlencoded::to_string([
        ("event", "click"),
        ("from", "suggest"),
        ("q", text),
        ("url", &format!("/search?{percent}")),
        ("position", "1"),
        ("count", "1"),
    ])
    .expect("encodes");
    for (path, body) in [
        ("/feedback", comment),
        ("/feedback", results),
        ("/api/event", pick),
    ] {
        let response = post_form(server.addr, path, &body, &[]).expect("the server answers");
        assert!(
            matches!(response.status, 204 | 303),
            "{path}: {} {}",
            response.status,
            response.text()
        );
    }
}

/// Digits of `text`, in order: a card number is found whatever separated its digits.
fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn card_numbers_in_every_format_never_reach_the_database_or_the_log() {
    let folder = tempfile::tempdir().expect("temp dir");
    let database = folder.path().join("helpcenter.db");
    let database_arg = database.to_string_lossy().into_owned();
    let server = Server::start_with_log(
        &fixture_dir(),
        &[
            "--database",
            &database_arg,
            "--feedback-per-minute",
            "100000",
        ],
        "info",
    );
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut cards: Vec<String> = TEST_CARDS.iter().map(|card| card.to_string()).collect();
    for length in 12..=19 {
        for _ in 0..3 {
            cards.push(luhn_number(&mut seed, length));
        }
    }
    let mut sent = 0;
    for (index, card) in cards.iter().enumerate() {
        let all = formats(card);
        // Every format of the networks' test numbers; two of each generated one.
        let chosen: Vec<&String> = if index < TEST_CARDS.len() {
            all.iter().collect()
        } else {
            vec![&all[index % all.len()], &all[(index + 3) % all.len()]]
        };
        for text in chosen {
            send_everywhere(&server, text);
            sent += 1;
        }
    }
    // A phone number a visitor checks is kept.
    send_everywhere(&server, "is 1-800-555-0199 really amex");
    server.signal("TERM");
    let mut server = server;
    assert!(
        server.wait_for_exit(Duration::from_secs(30)).is_some(),
        "the server stops and its writer drains the queue"
    );
    let log = server.log();

    let texts = stored_texts(&database);
    assert!(
        texts.len() > sent * 3,
        "searches, clicks and feedback were recorded: {} texts for {sent} inputs",
        texts.len()
    );
    assert!(
        texts.iter().any(|text| text.contains("[card number]")),
        "masked numbers are stored as [card number]"
    );
    assert!(texts.iter().any(|text| text.contains("1-800-555-0199")));
    for card in &cards {
        for text in &texts {
            assert!(
                !digits_of(text).contains(card.as_str()),
                "card {card} reached the database as {text:?}"
            );
        }
        for line in log.lines() {
            assert!(
                !digits_of(line).contains(card.as_str()),
                "card {card} reached the log: {line}"
            );
        }
    }
    // A log line's timestamp is left out: its microseconds could read 8642.
    let messages = log
        .lines()
        .map(|line| line.split_once(' ').map_or(line, |(_, message)| message));
    for text in texts.iter().map(String::as_str).chain(messages) {
        assert!(
            !text.contains("8642"),
            "a CVV reached the store or log: {text}"
        );
    }
    assert!(
        log.contains("[card number]"),
        "the request log ran and masked the addresses"
    );
}

/// Every text column of every stored event.
fn stored_texts(database: &std::path::Path) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let store = Store::open(&Location::Sqlite(database.to_path_buf()))
            .await
            .expect("the database opens");
        let mut texts = Vec::new();
        for search in store.searches(0).await.expect("searches") {
            texts.push(search.query);
            texts.extend(search.answer);
            texts.extend(search.number);
        }
        for click in store.clicks(0).await.expect("clicks") {
            texts.push(click.query);
            texts.push(click.url);
        }
        for feedback in store.feedback(0).await.expect("feedback") {
            texts.push(feedback.page);
            texts.extend(feedback.comment);
            texts.extend(feedback.query);
        }
        texts
    })
}
