//! Search latency: criterion benchmarks on the shipped content for every query shape visitors send
//! (one word, long sentences, typos, synonyms, phone numbers, prefixes, no result) and the same
//! shapes in the typeahead, plus p50/p99 per query from a plain timing loop. The shipped content
//! is a small index, searched by the in-memory engine (`src/search/engine/`); the scale options
//! below build a big one, searched by tantivy, so both paths are timed.
//!
//! `cargo bench --bench search` runs both. `SEARCH_SCALE_ARTICLES=10000 cargo bench --bench search`
//! also builds a synthetic site of that many articles (about five sections each, on top of the
//! real content) and reports its build time, peak memory and the same percentiles;
//! `SEARCH_SCALE_CONTENT=/tmp/site-10k` does the same for a content folder (for instance one written
//! by `examples/generate.rs`). `SEARCH_BENCH_ONLY=typo` times only the matching queries and skips
//! criterion (`SEARCH_BENCH_ONLY=` with an empty value: every query, no criterion);
//! `SEARCH_BENCH_LOG=helpcenter=debug` logs the index build. The table's last column is the mean
//! CPU time per query over all threads, which stays honest when other programs load the machine.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use helpcenter::content::{Site, SourceFile, Sources};
use helpcenter::search::{SearchIndex, SearchRequest};

/// The query mix: (label, query).
const QUERIES: &[(&str, &str)] = &[
    ("exact", "lost card"),
    ("exact-long", "how do i talk to a live person at amex"),
    ("typo", "stolne card"),
    ("typo-2", "suprevisor complant"),
    ("phone", "1-800-528-4800"),
    ("phone-local", "528-4800"),
    ("vanity", "1-800-AXP-EARN"),
    ("synonym", "speak to a human"),
    ("synonym-phrase", "calling from outside the us"),
    ("no-result", "xqzzyv"),
    ("common-word", "card"),
    ("number-in-sentence", "is 1-855-693-2213 really amex"),
    (
        "unknown-number",
        "google says amex number is 1-866-555-0143",
    ),
    (
        "scam",
        "someone called saying they are amex and asked for my pin",
    ),
    ("combined", "card stolen while traveling in japan"),
    ("out-of-scope", "balance transfer"),
    ("prefix", "dispute a cha"),
    // Three words of `bench/load.sh`'s random rows: the HTTP benchmark's uncached shape.
    ("load-random", "refund abroad statement"),
];

/// Typeahead shapes: (label, partly typed query).
const SUGGESTIONS: &[(&str, &str)] = &[
    ("suggest-word", "fra"),
    ("suggest", "lost ca"),
    ("suggest-typo", "stolne ca"),
    ("suggest-long", "how do i talk to a live pe"),
    ("suggest-synonym", "speak to a hum"),
    ("suggest-phone", "1-800-528-48"),
];

/// Iterations of the plain timing loop per query.
const ITERATIONS: usize = 2000;

fn content_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// CPU time this process has used on all its threads (search runs segments in parallel), from
/// `/proc` (Linux only; 10 ms resolution): unlike wall-clock percentiles, it does not grow when
/// other programs share the machine.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// p50 and p99 (wall clock) and mean CPU time (all threads) of `ITERATIONS` runs of `run`, after a
/// warm-up.
fn percentiles(mut run: impl FnMut()) -> (Duration, Duration, Option<Duration>) {
    for _ in 0..50 {
        run();
    }
    let cpu_before = process_cpu_time();
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    let cpu = cpu_before
        .zip(process_cpu_time())
        .map(|(before, after)| (after - before) / ITERATIONS as u32);
    times.sort_unstable();
    let at = |fraction: f64| times[((times.len() as f64 * fraction) as usize).min(times.len() - 1)];
    (at(0.50), at(0.99), cpu)
}

fn show_cpu(cpu: Option<Duration>) -> String {
    cpu.map_or_else(|| "-".to_string(), |cpu| format!("{cpu:.2?}"))
}

fn print_percentiles(name: &str, index: &SearchIndex) {
    println!(
        "\n{name}: {} documents, {ITERATIONS} iterations per query",
        index.len()
    );
    println!(
        "  {:<16} {:<42} {:>10} {:>10}",
        "kind", "query", "p50", "p99"
    );
    let mut all_p99 = Duration::ZERO;
    // `SEARCH_BENCH_ONLY=synonym` times only the queries whose label contains that text.
    let only = std::env::var("SEARCH_BENCH_ONLY").unwrap_or_default();
    for (label, query) in QUERIES
        .iter()
        .filter(|(label, _)| label.contains(only.as_str()))
    {
        let (p50, p99, cpu) = percentiles(|| {
            black_box(index.search(&SearchRequest::new(black_box(query))));
        });
        all_p99 = all_p99.max(p99);
        println!(
            "  {label:<16} {query:<42} {p50:>10.2?} {p99:>10.2?} {:>10}",
            show_cpu(cpu)
        );
    }
    for (label, query) in SUGGESTIONS
        .iter()
        .filter(|(label, _)| label.contains(only.as_str()))
    {
        let (p50, p99, cpu) = percentiles(|| {
            black_box(index.suggest(black_box(query), 8));
        });
        all_p99 = all_p99.max(p99);
        println!(
            "  {label:<16} {query:<42} {p50:>10.2?} {p99:>10.2?} {:>10}",
            show_cpu(cpu)
        );
    }
    println!("  worst p99: {all_p99:.2?}");
}

/// A memory figure of this process from `/proc/self/status` (Linux only): `VmRSS` (now) or
/// `VmHWM` (peak).
fn memory(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(key))
                .map(|line| line[key.len()..].trim_start_matches(':').trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// Starts a new peak-memory measurement (Linux: writing 5 to `clear_refs` resets `VmHWM`).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A small deterministic random generator (xorshift), so synthetic sites are reproducible.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The real content plus `count` generated articles, each with a summary, keywords and five
/// sections of text built from the real content's vocabulary (no digits, so no stray numbers).
fn synthetic_sources(count: usize) -> Sources {
    let mut sources = Sources::read(&content_dir()).expect("content reads");
    let mut vocabulary: Vec<String> = sources
        .articles
        .iter()
        .flat_map(|file| file.text.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| word.len() > 2)
        .map(str::to_lowercase)
        .collect();
    vocabulary.sort();
    vocabulary.dedup();
    let site = Site::from_sources(&sources).expect("content is valid");
    let categories: Vec<String> = site.categories.iter().map(|c| c.slug.clone()).collect();
    let contacts: Vec<String> = site.contacts.iter().map(|c| c.id.clone()).collect();
    let guide = site.guides[0].id.clone();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let sentence = |random: &mut Random, words: usize| -> String {
        let mut text: Vec<&str> = (0..words).map(|_| random.pick(&vocabulary)).collect();
        text.dedup();
        let mut sentence = text.join(" ");
        if let Some(first) = sentence.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        sentence.push('.');
        sentence
    };
    for number in 0..count {
        let title = sentence(&mut random, 6);
        let summary = sentence(&mut random, 18);
        let keywords: Vec<String> = (0..4)
            .map(|_| format!("{:?}", random.pick(&vocabulary)))
            .collect();
        let mut body = String::new();
        for _ in 0..5 {
            body.push_str(&format!(
                "## {}\n\n",
                sentence(&mut random, 4).trim_end_matches('.')
            ));
            for _ in 0..3 {
                body.push_str(&sentence(&mut random, 25));
                body.push(' ');
            }
            body.push_str("\n\n");
        }
        let text = format!(
            "+++\ntitle = {title:?}\nsummary = {summary:?}\ncategory = {:?}\nupdated = 2026-11-20\nsources = [{guide:?}]\ncontacts = [{:?}]\nkeywords = [{}]\n+++\n\n{}\n\n{body}",
            random.pick(&categories),
            random.pick(&contacts),
            keywords.join(", "),
            sentence(&mut random, 20),
        );
        sources.articles.push(SourceFile {
            path: format!("synthetic/articles/synthetic-{number:06}.md"),
            text,
        });
    }
    sources
}

fn scale_report(articles: usize) {
    println!("\nsynthetic site: {articles} generated articles");
    let start = Instant::now();
    let sources = synthetic_sources(articles);
    println!("  generated sources in {:.2?}", start.elapsed());
    report_on(&format!("synthetic {articles}"), sources);
}

/// Builds the index of a content folder (e.g. one written by `examples/generate.rs`) and reports.
fn content_report(dir: &Path) {
    println!("\ncontent folder {}", dir.display());
    let start = Instant::now();
    let sources = Sources::read(dir).expect("content folder reads");
    println!(
        "  read {} articles in {:.2?}",
        sources.articles.len(),
        start.elapsed()
    );
    report_on(&dir.display().to_string(), sources);
}

fn report_on(name: &str, sources: Sources) {
    let start = Instant::now();
    let site = Site::from_sources(&sources).expect("content is valid");
    println!("  loaded and validated the site in {:.2?}", start.elapsed());
    drop(sources);
    println!("  memory with the site loaded: {}", memory("VmRSS"));
    reset_peak_memory();
    let start = Instant::now();
    let index = SearchIndex::build(&site).expect("index builds");
    println!("  built the search index in {:.2?}", start.elapsed());
    println!(
        "  peak memory while building (site included): {}",
        memory("VmHWM")
    );
    drop(site);
    println!("  memory with the index alone: {}", memory("VmRSS"));
    print_percentiles(name, &index);
}

fn main() {
    // `SEARCH_BENCH_LOG=helpcenter=debug` logs the index build stages.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SEARCH_BENCH_LOG"))
        .init();
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let start = Instant::now();
    let site = Site::load(&content_dir()).expect("content loads");
    let index = SearchIndex::build(&site).expect("index builds");
    println!("shipped content indexed in {:.2?}", start.elapsed());

    if benchmarking {
        print_percentiles("shipped content", &index);
        if let Some(articles) = std::env::var("SEARCH_SCALE_ARTICLES")
            .ok()
            .and_then(|value| value.parse::<usize>().ok())
        {
            scale_report(articles);
        }
        if let Some(dir) = std::env::var_os("SEARCH_SCALE_CONTENT") {
            content_report(Path::new(&dir));
        }
    }

    if std::env::var_os("SEARCH_BENCH_ONLY").is_some() {
        return;
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut group = criterion.benchmark_group("search");
    for (label, query) in QUERIES {
        group.bench_function(*label, |bencher| {
            bencher.iter(|| index.search(&SearchRequest::new(black_box(query))));
        });
    }
    for (label, query) in SUGGESTIONS {
        group.bench_function(*label, |bencher| {
            bencher.iter(|| index.suggest(black_box(query), 8));
        });
    }
    group.finish();
    criterion.final_summary();
}
