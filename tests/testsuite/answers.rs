//! The answer suite on the real `content/`: over 300 queries in the voices of different people
//! (`answers.tsv` beside this file), each with the expected first result and the expected instant
//! answer, including unknown phone numbers in many written forms. Prints success@1, success@3,
//! MRR, instant-answer accuracy, harmful instant answers and the unknown-number verdict rate per
//! group, and fails on any harmful instant answer, any unknown number judged known (or not
//! judged), and any floor missed.
//!
//! `cargo test --test testsuite answers:: -- --nocapture` prints the table and every miss.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use helpcenter::search::{AnswerKind, SearchRequest, SearchResults};

use crate::common::CONTENT_INDEX as INDEX;

/// The suite's data file.
const TABLE: &str = include_str!("answers.tsv");

/// The general route's entry (`[general] contact` in `content/intents.toml`).
const GENERAL_CONTACT: &str = "card-services";
/// The scam guidance's entry (the fraud line).
const SAFETY_CONTACT: &str = "fraud";

/// One acceptable instant answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// No card.
    Nothing,
    /// The general route.
    General,
    /// The scam guidance.
    Safety,
    /// A number neither guide gives: a "not known" verdict and no card.
    Unknown,
    /// Exactly these entries, in any order.
    Entries(BTreeSet<String>),
}

impl Expected {
    fn parse(token: &str) -> Expected {
        match token {
            "none" => Expected::Nothing,
            "general" => Expected::General,
            "safety" => Expected::Safety,
            "unknown" => Expected::Unknown,
            ids => Expected::Entries(ids.split('+').map(str::to_string).collect()),
        }
    }

    /// The entries this answer may show without being wrong for the query.
    fn allowed(&self) -> BTreeSet<String> {
        match self {
            Expected::Nothing | Expected::Unknown => BTreeSet::new(),
            Expected::General => BTreeSet::from([GENERAL_CONTACT.to_string()]),
            Expected::Safety => BTreeSet::from([SAFETY_CONTACT.to_string()]),
            Expected::Entries(ids) => ids.clone(),
        }
    }

    fn is_met_by(&self, results: &SearchResults) -> bool {
        let answer = results.answer.as_ref();
        let shown: BTreeSet<String> = answer
            .map(|a| a.contacts.iter().map(|c| c.id.clone()).collect())
            .unwrap_or_default();
        match self {
            Expected::Nothing => answer.is_none(),
            Expected::General => answer.is_some_and(|a| a.kind == AnswerKind::GeneralRoute),
            Expected::Safety => answer.is_some_and(|a| a.kind == AnswerKind::Safety),
            Expected::Unknown => {
                answer.is_none() && results.number_check.as_ref().is_some_and(|c| !c.is_known())
            }
            Expected::Entries(ids) => {
                answer.is_some_and(|a| a.kind == AnswerKind::Contact) && &shown == ids
            }
        }
    }
}

/// One query of the suite.
#[derive(Debug)]
struct Case {
    group: String,
    query: String,
    /// Acceptable first results (a trailing `*` matches by prefix); empty: no expectation.
    first: Vec<String>,
    /// The query must find nothing.
    finds_nothing: bool,
    /// Acceptable instant answers.
    instant: Vec<Expected>,
}

fn parse_table(text: &str) -> Vec<Case> {
    let mut aliases: HashMap<String, String> = HashMap::new();
    let mut cases = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if let Some(name) = columns[0].strip_prefix('@') {
            assert_eq!(columns.len(), 2, "alias line needs two columns: {line:?}");
            let expanded = expand(columns[1], &aliases);
            aliases.insert(name.to_string(), expanded);
            continue;
        }
        assert_eq!(columns.len(), 4, "case line needs four columns: {line:?}");
        let first = match columns[2] {
            "-" | "!" => Vec::new(),
            paths => expand(paths, &aliases)
                .split('|')
                .map(str::to_string)
                .collect(),
        };
        cases.push(Case {
            group: columns[0].to_string(),
            query: columns[1].to_string(),
            first,
            finds_nothing: columns[2] == "!",
            instant: columns[3].split('|').map(Expected::parse).collect(),
        });
    }
    cases
}

/// Replaces `@alias` alternatives with their paths.
fn expand(paths: &str, aliases: &HashMap<String, String>) -> String {
    paths
        .split('|')
        .map(|path| match path.strip_prefix('@') {
            Some(name) => aliases
                .get(name)
                .unwrap_or_else(|| panic!("unknown alias @{name}"))
                .clone(),
            None => path.to_string(),
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn url_matches(url: &str, expected: &str) -> bool {
    match expected.strip_suffix('*') {
        Some(prefix) => url.starts_with(prefix),
        None => url == expected,
    }
}

/// How one case went.
struct Outcome {
    /// 1-based rank of the first acceptable result among the top 10.
    rank: Option<usize>,
    instant_right: bool,
    harmful: bool,
    /// For an expected unknown number: whether the verdict said "not known".
    unknown_verdict: Option<bool>,
}

fn judge(case: &Case) -> (Outcome, SearchResults) {
    let results = INDEX.search(&SearchRequest::new(&case.query));
    let rank = results
        .hits
        .iter()
        .position(|hit| case.first.iter().any(|e| url_matches(&hit.url, e)))
        .map(|position| position + 1);
    let allowed: BTreeSet<String> = case.instant.iter().flat_map(Expected::allowed).collect();
    let shown: Vec<&str> = results
        .answer
        .iter()
        .flat_map(|a| a.contacts.iter().map(|c| c.id.as_str()))
        .collect();
    let outcome = Outcome {
        rank,
        instant_right: case.instant.iter().any(|e| e.is_met_by(&results)),
        harmful: shown.iter().any(|id| !allowed.contains(*id)),
        unknown_verdict: case
            .instant
            .contains(&Expected::Unknown)
            .then(|| results.number_check.as_ref().is_some_and(|c| !c.is_known())),
    };
    (outcome, results)
}

/// Figures of one group.
#[derive(Default)]
struct Tally {
    queries: usize,
    ranked: usize,
    at_one: usize,
    at_three: usize,
    reciprocal: f64,
    instant_right: usize,
    harmful: usize,
    unknown: usize,
    unknown_verdicts: usize,
}

impl Tally {
    fn add(&mut self, case: &Case, outcome: &Outcome) {
        self.queries += 1;
        if !case.first.is_empty() {
            self.ranked += 1;
            self.at_one += usize::from(outcome.rank == Some(1));
            self.at_three += usize::from(outcome.rank.is_some_and(|r| r <= 3));
            self.reciprocal += outcome.rank.map_or(0.0, |r| 1.0 / r as f64);
        }
        self.instant_right += usize::from(outcome.instant_right);
        self.harmful += usize::from(outcome.harmful);
        if let Some(verdict) = outcome.unknown_verdict {
            self.unknown += 1;
            self.unknown_verdicts += usize::from(verdict);
        }
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        part as f64 / whole.max(1) as f64
    }

    fn row(&self, name: &str) -> String {
        let unknown = if self.unknown == 0 {
            "-".to_string()
        } else {
            format!("{:.3}", Tally::ratio(self.unknown_verdicts, self.unknown))
        };
        let ranked = |part: f64| {
            if self.ranked == 0 {
                "-".to_string()
            } else {
                format!("{:.3}", part / self.ranked as f64)
            }
        };
        format!(
            "{name:<15} {:>5} {:>10} {:>10} {:>6} {:>8.3} {:>8} {:>8}",
            self.queries,
            ranked(self.at_one as f64),
            ranked(self.at_three as f64),
            ranked(self.reciprocal),
            Tally::ratio(self.instant_right, self.queries),
            self.harmful,
            unknown,
        )
    }
}

fn describe(results: &SearchResults) -> String {
    let top: Vec<&str> = results
        .hits
        .iter()
        .take(3)
        .map(|h| h.url.as_str())
        .collect();
    let answer = results.answer.as_ref().map(|a| {
        let ids: Vec<&str> = a.contacts.iter().map(|c| c.id.as_str()).collect();
        format!("{} {} ({})", a.kind.as_str(), ids.join("+"), a.rule)
    });
    format!(
        "top {top:?}; answer {}; verdict {:?}",
        answer.unwrap_or_else(|| "none".into()),
        results
            .number_check
            .as_ref()
            .map(|c| (c.display.as_str(), c.is_known()))
    )
}

#[test]
fn the_answer_suite_meets_its_floors_with_no_harmful_answer() {
    let cases = parse_table(TABLE);
    let numbers = cases
        .iter()
        .filter(|c| c.instant.contains(&Expected::Unknown))
        .count();
    assert!(cases.len() - numbers >= 300, "{} queries", cases.len());
    assert!(numbers >= 30, "{numbers} unknown numbers");
    let mut groups: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    let mut failures = Vec::new();
    for case in &cases {
        let (outcome, results) = judge(case);
        groups.entry(&case.group).or_default().add(case, &outcome);
        all.add(case, &outcome);
        let first_missed = !case.first.is_empty() && outcome.rank != Some(1);
        if first_missed || !outcome.instant_right || outcome.harmful {
            println!(
                "  [{}] {:?}{}{}{}: {}",
                case.group,
                case.query,
                if first_missed { " first missed" } else { "" },
                if outcome.instant_right {
                    ""
                } else {
                    " instant wrong"
                },
                if outcome.harmful { " HARMFUL" } else { "" },
                describe(&results)
            );
        }
        if outcome.harmful {
            failures.push(format!("harmful instant answer for {:?}", case.query));
        }
        if outcome.unknown_verdict == Some(false) {
            failures.push(format!(
                "unknown number not judged unknown: {:?}",
                case.query
            ));
        }
        if case.finds_nothing && results.total != 0 {
            failures.push(format!("{:?} should find nothing", case.query));
        }
    }
    println!(
        "{:<15} {:>5} {:>10} {:>10} {:>6} {:>8} {:>8} {:>8}",
        "group", "n", "success@1", "success@3", "MRR", "instant", "harmful", "unknown"
    );
    for (name, tally) in &groups {
        println!("{}", tally.row(name));
    }
    println!("{}", all.row("all"));
    assert!(failures.is_empty(), "{failures:#?}");
    let at_three = Tally::ratio(all.at_three, all.ranked);
    let instant = Tally::ratio(all.instant_right, all.queries);
    assert!(at_three >= 0.95, "success@3 {at_three:.3} below 0.95");
    assert!(
        instant >= 0.90,
        "instant-answer accuracy {instant:.3} below 0.90"
    );
}

#[test]
fn the_table_parses_and_every_expected_page_exists() {
    let cases = parse_table(TABLE);
    let site = &crate::common::CONTENT_SITE;
    for case in &cases {
        for expected in &case.instant {
            if let Expected::Entries(ids) = expected {
                for id in ids {
                    assert!(
                        site.contact(id).is_some(),
                        "{:?}: no contact {id}",
                        case.query
                    );
                }
            }
        }
        for path in &case.first {
            let path = path.trim_end_matches('*');
            let exists = match path.split_once('#') {
                Some(("/contact", id)) => site.contact(id).is_some(),
                Some(("/faq", id)) => site.faqs.iter().any(|f| f.id == id),
                Some((article, anchor)) => article
                    .strip_prefix("/articles/")
                    .and_then(|slug| site.article(slug))
                    .is_some_and(|a| a.body.headings.iter().any(|h| h.id == anchor)),
                None => path
                    .strip_prefix("/articles/")
                    .is_some_and(|slug| site.article(slug).is_some()),
            };
            assert!(exists, "{:?}: no page {path}", case.query);
        }
    }
}
