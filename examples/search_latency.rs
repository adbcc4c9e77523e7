//! Startup and search latency of one content folder, measured in-process: loads the `Site`, builds
//! the snapshot (index and pages) the way `helpcenter serve` does, then times
//! `SearchIndex::search` and `SearchIndex::suggest` directly over a fixed query mix (no HTTP, no
//! cache), and prints one `key=value` line per figure for `bench/scale.sh` to read.
//!
//! ```sh
//! cargo run --release --example search_latency -- --content /tmp/site-10k [--rounds 50] [--random N]
//! ```
//!
//! `--index-dir DIR` keeps the loaded content and the index in DIR as `helpcenter serve
//! --index-dir` does, so a second run on the same content skips the cold start (the load and
//! index figures are then those of the reuse, and the search runs on the on-disk index).
//!
//! `--random N` also times N queries of three words drawn (with a fixed seed) from the words
//! `bench/load.sh` sends, as its uncached rows do, and prints their figures as `random_*`.
//!
//! `--only suggest` (or `--only search`) times one of the two alone, so a profile of the run
//! (`perf record`) shows typeahead without the searches around it; `--prefix P` (repeatable)
//! types only the prefixes given instead of the fixed list.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use helpcenter::content::Site;
use helpcenter::search::{SearchIndex, SearchRequest};
use helpcenter::web::Snapshot;

/// What visitors type, from short to long, with a typo, a phone number and synonyms.
const QUERIES: &[&str] = &[
    "lost card",
    "talk to a live person",
    "dispute a charge",
    "fraud alert",
    "annual fee refund",
    "card declined abroad",
    "stolne crad",
    "points",
    "how do i cancel my account",
    "why was my card declined when travelling overseas",
    "replacement card delivery tracking",
    "secure message center",
];

/// Partly typed queries for typeahead.
const PREFIXES: &[&str] = &["los", "disp", "rew", "live pe", "card de", "fra"];

/// The words of `bench/load.sh`'s random queries (help-center words, so most queries match): one
/// list, `bench/words.txt`, read by both.
const LOAD_WORDS: &str = include_str!("../bench/words.txt");

/// `count` queries of three load words each, the same every run (a fixed-seed generator).
fn random_queries(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let words: Vec<&str> = LOAD_WORDS.split_whitespace().collect();
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        words[(state >> 33) as usize % words.len()]
    };
    (0..count)
        .map(|_| format!("{} {} {}", next(), next(), next()))
        .collect()
}

fn main() {
    // As the server does (src/main.rs), so in-process figures match a served index.
    helpcenter::memory::use_regular_pages();
    let mut content = None;
    let mut rounds = 50usize;
    let mut random = 0usize;
    let mut index_dir: Option<PathBuf> = None;
    let (mut searches, mut suggests) = (true, true);
    let mut prefixes: Vec<String> = Vec::new();
    let usage = "usage: search_latency --content DIR [--rounds N] [--random N] [--index-dir DIR] \
                 [--only search|suggest] [--prefix P]...";
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--content", Some(value)) => content = Some(PathBuf::from(value)),
            ("--rounds", Some(value)) => rounds = value.parse().unwrap_or(rounds),
            ("--random", Some(value)) => random = value.parse().unwrap_or(random),
            ("--index-dir", Some(value)) => index_dir = Some(PathBuf::from(value)),
            ("--only", Some(value)) if value == "search" => suggests = false,
            ("--only", Some(value)) if value == "suggest" => searches = false,
            ("--prefix", Some(value)) => prefixes.push(value),
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        }
    }
    let Some(content) = content else {
        eprintln!("{usage}");
        std::process::exit(2);
    };

    let started = Instant::now();
    let snapshot = match &index_dir {
        Some(index_dir) => {
            let snapshot = or_exit(helpcenter::build_snapshot_with(
                &content,
                Some(index_dir),
                1,
            ));
            println!("index_dir={}", index_dir.display());
            snapshot
        }
        None => {
            let site = or_exit(Site::load(&content));
            let load = started.elapsed();
            let rss_site = rss_mb("VmRSS");
            // What the articles' own text takes (rendered HTML and plain-text sections), for
            // attributing RSS.
            let article_html: usize = site.articles.iter().map(|a| a.body.html.size()).sum();
            let article_text: usize = site.articles.iter().map(|a| a.body.text.size()).sum();
            let indexing = Instant::now();
            let search = or_exit(SearchIndex::build(&site));
            let index_time = indexing.elapsed();
            let rss_index = rss_mb("VmRSS");
            let snapshot = or_exit(Snapshot::with_index(site, search, index_time, 1));
            println!("load_ms={}", load.as_millis());
            println!("rss_site_mb={rss_site}");
            println!("site_article_html_mb={}", article_html >> 20);
            println!("site_article_text_mb={}", article_text >> 20);
            println!("rss_site_and_index_mb={rss_index}");
            snapshot
        }
    };
    // A phone number from the directory: visitors paste numbers into the search box.
    let phone = snapshot
        .site
        .contacts
        .iter()
        .flat_map(|contact| contact.numbers.iter())
        .map(|number| number.display.clone())
        .next();
    println!("articles={}", snapshot.site.articles.len());
    println!("documents={}", snapshot.search.len());
    println!("index_ms={}", snapshot.index_time.as_millis());
    println!("render_ms={}", snapshot.render_time.as_millis());
    println!("startup_ms={}", started.elapsed().as_millis());
    // Resident memory after the build (the site stays loaded throughout) and its peak.
    println!("rss_after_build_mb={}", rss_mb("VmRSS"));
    println!("rss_peak_during_build_mb={}", rss_mb("VmHWM"));

    let mut queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    queries.extend(phone);
    // Warm up: the first query of each kind touches cold pages of the index.
    for query in &queries {
        snapshot.search.search(&SearchRequest::new(query));
    }
    let mut search_times = Vec::new();
    let mut slowest: (Duration, &str) = (Duration::ZERO, "");
    for _ in 0..if searches { rounds } else { 0 } {
        for query in &queries {
            let started = Instant::now();
            let results = snapshot.search.search(&SearchRequest::new(query));
            let elapsed = started.elapsed();
            std::hint::black_box(results);
            if elapsed > slowest.0 {
                slowest = (elapsed, query);
            }
            search_times.push(elapsed);
        }
    }
    if prefixes.is_empty() {
        prefixes = PREFIXES.iter().map(|p| p.to_string()).collect();
    }
    let mut suggest_times = Vec::new();
    for _ in 0..if suggests { rounds } else { 0 } {
        for prefix in &prefixes {
            let started = Instant::now();
            std::hint::black_box(snapshot.search.suggest(prefix, 8));
            suggest_times.push(started.elapsed());
        }
    }
    // Per-query p50 and p99 show which query shape is slow (taken before sorting the lists).
    let per_query = if searches {
        per_item(&queries, &search_times)
    } else {
        Vec::new()
    };
    let per_prefix = if suggests {
        per_item(&prefixes, &suggest_times)
    } else {
        Vec::new()
    };
    let mut random_times = Vec::new();
    for query in random_queries(random) {
        let started = Instant::now();
        std::hint::black_box(snapshot.search.search(&SearchRequest::new(&query)));
        random_times.push(started.elapsed());
    }
    report("search", &mut search_times);
    report("suggest", &mut suggest_times);
    if !random_times.is_empty() {
        report("random", &mut random_times);
    }
    if searches {
        println!("search_slowest_query={:?}", slowest.1);
    }
    for (query, median, p99) in per_query {
        println!("query_p50_us[{query}]={median}");
        println!("query_p99_us[{query}]={p99}");
    }
    for (prefix, median, p99) in per_prefix {
        println!("suggest_p50_us[{prefix}]={median}");
        println!("suggest_p99_us[{prefix}]={p99}");
    }
    println!("rss_peak_mb={}", rss_mb("VmHWM"));
}

/// The p50 and p99 (µs) of each item of `items`, whose times are interleaved round by round in
/// `times`.
fn per_item(items: &[impl AsRef<str>], times: &[Duration]) -> Vec<(String, u128, u128)> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let mut own: Vec<Duration> = times
                .iter()
                .skip(index)
                .step_by(items.len())
                .copied()
                .collect();
            own.sort();
            let at = |fraction: f64| {
                let rank =
                    ((own.len() as f64 * fraction).ceil() as usize).clamp(1, own.len().max(1));
                own.get(rank - 1).map_or(0, Duration::as_micros)
            };
            let median = own.get(own.len() / 2).map_or(0, Duration::as_micros);
            (item.as_ref().to_string(), median, at(0.99))
        })
        .collect()
}

fn report(name: &str, times: &mut [Duration]) {
    if times.is_empty() {
        return;
    }
    times.sort();
    let at = |fraction: f64| {
        let index = ((times.len() as f64 * fraction).ceil() as usize).clamp(1, times.len()) - 1;
        times[index].as_secs_f64() * 1000.0
    };
    println!("{name}_count={}", times.len());
    println!("{name}_p50_ms={:.3}", at(0.50));
    println!("{name}_p99_ms={:.3}", at(0.99));
    println!("{name}_max_ms={:.3}", at(1.0));
}

/// A memory figure of this process from /proc/self/status (`VmRSS` now, `VmHWM` peak), in MiB.
fn rss_mb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kb| kb / 1024)
}

/// The value, or the error printed and exit status 1.
fn or_exit<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1)
    })
}
