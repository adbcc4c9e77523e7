//! `content/intents.toml`, the answer rules editors own: which needs, scam situations,
//! circumstances and out-of-scope account topics a query can state, which directory entries answer
//! each, how they combine, and the number checker's settings; parsed and validated with file:line.
//!
//! The file is optional: a content folder without it gets no instant answers (the number checker
//! still gives verdicts).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::checker::{Checker, LinkTargets};
use super::planner::Planner;
use super::sources::SourceFile;
use super::toml_file::{find_line, toml_problem};

/// Every answer rule of the site (`intents.toml`), validated.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Intents {
    /// The number checker's settings.
    pub checker: NumberChecker,
    /// The general route, for account questions the guides do not cover.
    pub general: Option<GeneralRoute>,
    /// The intents, in file order.
    pub intents: Vec<Intent>,
    /// Answers for intents stated together, in file order.
    pub combinations: Vec<Combination>,
}

/// `[checker]`: what the number checker's verdict links to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberChecker {
    /// Contact id of the line for people who already shared details with a caller (the fraud line).
    #[serde(default)]
    pub fraud_contact: Option<String>,
    /// Site path of the page that explains the checker.
    #[serde(default)]
    pub page: Option<String>,
}

/// `[general]`: the general route for account questions outside what the guides cover.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneralRoute {
    /// Contact id of the general customer service entry.
    pub contact: String,
    /// Site path of the page that explains the general route.
    #[serde(default)]
    pub page: Option<String>,
}

/// What an intent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntentKind {
    /// Something the visitor needs done, answered by its directory entries.
    Need,
    /// An unsolicited call, text or email, or details already shared: the scam guidance comes
    /// first, with the line for people who already shared details. Beats every other intent.
    Safety,
    /// An account question the guides do not cover: the general route.
    General,
    /// Where or how the visitor calls (abroad, collect): changes the answer of a need through
    /// `[[combination]]`, and answers on its own only when no need is stated.
    Circumstance,
}

/// A directory entry an answer shows, with what it is for in this answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerContact {
    /// Contact id.
    pub id: String,
    /// What this entry is for here ("Calling from outside the U.S."); `None` shows its purpose alone.
    pub role: Option<String>,
}

/// `contacts` items as written: an id, or `{ id, role }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ContactSource {
    Id(String),
    WithRole { id: String, role: String },
}

impl From<ContactSource> for AnswerContact {
    fn from(source: ContactSource) -> AnswerContact {
        match source {
            ContactSource::Id(id) => AnswerContact { id, role: None },
            ContactSource::WithRole { id, role } => AnswerContact {
                id,
                role: Some(role),
            },
        }
    }
}

/// One `[[intent]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Intent {
    /// Stable id, referred to by combinations.
    pub id: String,
    /// What the intent is.
    pub kind: IntentKind,
    /// A broad need ("customer service", "talk to a person"): any other need stated beside it
    /// wins, and so does a circumstance that has entries of its own.
    pub generic: bool,
    /// The entries that answer it, in order; empty means "no card" (the results alone answer).
    pub contacts: Vec<AnswerContact>,
    /// Site path of the page put first in the results, when the intent is the answer.
    pub first: Option<String>,
    /// Patterns, any one of which states the intent: words separated by spaces, each of which
    /// must be in the query (in any order, in any form: `cards` matches `card`); `a|b` accepts
    /// either word; `=called` accepts that exact form only (not `call`). The more words a
    /// matching pattern has, the surer the match.
    pub when: Vec<String>,
    /// Words that rule the intent out whatever else matches (`points` for a lost card).
    pub unless: Vec<String>,
    /// The call planner's answers this intent gives, when it is part of the search's decision.
    pub plan: PlanAnswers,
}

/// `plan = { need = "…", card = "…", where = "…" }` on an intent: the call planner's answers
/// (ids of `planner.toml`) the intent states. A decision whose intents name exactly one need links
/// the planner for it; a card or place named by exactly one of its intents is answered too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanAnswers {
    /// A need id of `planner.toml` (a situation the planner prepares a call for).
    #[serde(default)]
    pub need: Option<String>,
    /// A card id of `planner.toml`.
    #[serde(default)]
    pub card: Option<String>,
    /// A place id of `planner.toml`.
    #[serde(default, rename = "where")]
    pub place: Option<String>,
}

impl PlanAnswers {
    /// The answers as `[need, card, where]`, the order of the planner's questions.
    pub fn ids(&self) -> [Option<&str>; 3] {
        [
            self.need.as_deref(),
            self.card.as_deref(),
            self.place.as_deref(),
        ]
    }
}

/// One `[[combination]]`: the answer when all of `intents` are stated together.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Combination {
    /// Intent ids; all must be stated.
    pub intents: Vec<String>,
    /// The entries shown, each ideally with its role.
    pub contacts: Vec<AnswerContact>,
    /// Site path of the page put first in the results.
    pub first: Option<String>,
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentsFile {
    #[serde(default)]
    checker: NumberChecker,
    #[serde(default)]
    general: Option<GeneralRoute>,
    #[serde(default)]
    intent: Vec<IntentSource>,
    #[serde(default)]
    combination: Vec<CombinationSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentSource {
    id: String,
    kind: IntentKind,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    contacts: Vec<ContactSource>,
    #[serde(default)]
    first: Option<String>,
    when: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    plan: PlanAnswers,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CombinationSource {
    intents: Vec<String>,
    contacts: Vec<ContactSource>,
    #[serde(default)]
    first: Option<String>,
}

/// Whether `word` is a word of lower-case ASCII letters and digits.
fn is_plain_word(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// Whether `word` is a pattern word: a plain word, or `=` and a plain word (that exact form only).
fn is_pattern_word(word: &str) -> bool {
    is_plain_word(word.strip_prefix('=').unwrap_or(word))
}

/// The words of a pattern (`a|b c` → `[[a, b], [c]]`), or `None` when it is malformed.
pub fn pattern_slots(pattern: &str) -> Option<Vec<Vec<&str>>> {
    let slots: Vec<Vec<&str>> = pattern
        .split_whitespace()
        .map(|slot| slot.split('|').collect())
        .collect();
    let well_formed = !slots.is_empty()
        && slots
            .iter()
            .all(|slot| slot.iter().all(|word| is_pattern_word(word)));
    well_formed.then_some(slots)
}

/// Most words in one pattern (the matcher keeps a pattern's filled words in a 64-bit mask; real
/// patterns have a handful).
pub const MAX_PATTERN_WORDS: usize = 16;

/// What intents may refer to.
pub(super) struct IntentTargets<'a> {
    /// Contact ids.
    pub(super) contacts: &'a HashSet<&'a str>,
    /// Pages and anchors.
    pub(super) links: &'a LinkTargets,
    /// The call planner, when `planner.toml` is valid.
    pub(super) planner: Option<&'a Planner>,
    /// Whether the folder has a `planner.toml` (valid or not: an invalid one is reported already).
    pub(super) has_planner_file: bool,
}

/// Parses and validates `intents.toml` (`file`; an empty path means the folder has none).
pub(super) fn check_intents(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    targets: &IntentTargets<'_>,
) -> Intents {
    if file.path.is_empty() {
        return Intents::default();
    }
    let parsed: IntentsFile = match toml::from_str(&file.text) {
        Ok(parsed) => parsed,
        Err(error) => {
            checker
                .problems
                .push(toml_problem(&file.path, &file.text, &error, 0));
            return Intents::default();
        }
    };
    let mut rules = RuleChecker {
        checker,
        file,
        targets,
    };
    rules.settings(&parsed.checker, parsed.general.as_ref());
    let intents: Vec<Intent> = parsed
        .intent
        .into_iter()
        .map(|source| rules.intent(source))
        .collect();
    let ids: HashSet<&str> = intents.iter().map(|intent| intent.id.as_str()).collect();
    rules
        .checker
        .unique(file, intents.iter().map(|intent| &intent.id), "intent id");
    let combinations = parsed
        .combination
        .into_iter()
        .map(|source| rules.combination(source, &ids))
        .collect();
    Intents {
        checker: parsed.checker,
        general: parsed.general,
        intents,
        combinations,
    }
}

/// The checks of one `intents.toml`, each reporting at the line of the value at fault.
struct RuleChecker<'c, 'p, 'f> {
    checker: &'c mut Checker<'p>,
    file: &'f SourceFile,
    targets: &'f IntentTargets<'f>,
}

impl RuleChecker<'_, '_, '_> {
    fn report(&mut self, needle: &str, message: String) {
        let line = find_line(&self.file.text, needle);
        self.checker.report(self.file, line, message);
    }

    fn contact(&mut self, id: &str) {
        if !self.targets.contacts.contains(id) {
            self.report(&format!("\"{id}\""), format!("unknown contact `{id}`"));
        }
    }

    fn page(&mut self, url: &str) {
        if !url.starts_with('/') {
            self.report(
                url,
                format!("`{url}` must be a site path such as /articles/x#heading"),
            );
        } else if let Err(message) = self.targets.links.check(url) {
            self.report(url, message);
        }
    }

    fn settings(&mut self, checker: &NumberChecker, general: Option<&GeneralRoute>) {
        if let Some(id) = &checker.fraud_contact {
            self.contact(id);
        }
        for page in checker
            .page
            .iter()
            .chain(general.and_then(|g| g.page.as_ref()))
        {
            self.page(page);
        }
        if let Some(general) = general {
            self.contact(&general.contact);
        }
    }

    fn intent(&mut self, source: IntentSource) -> Intent {
        let at = format!("\"{}\"", source.id);
        self.checker.slug_shape(self.file, &source.id, "intent id");
        if source.when.is_empty() {
            self.report(
                &at,
                format!("intent `{}` needs at least one `when` pattern", source.id),
            );
        }
        for pattern in &source.when {
            if pattern_slots(pattern).is_some_and(|slots| slots.len() > MAX_PATTERN_WORDS) {
                self.report(
                    &format!("\"{pattern}\""),
                    format!("pattern `{pattern}` has more than {MAX_PATTERN_WORDS} words"),
                );
            }
            if pattern_slots(pattern).is_none() {
                self.report(
                    &format!("\"{pattern}\""),
                    format!(
                        "pattern `{pattern}` must be words of lower-case letters and digits, alternatives joined by `|`"
                    ),
                );
            }
        }
        for word in &source.unless {
            if !is_plain_word(word) {
                self.report(
                    &format!("\"{word}\""),
                    format!("`unless` word `{word}` must be lower-case letters and digits"),
                );
            }
        }
        let contacts: Vec<AnswerContact> = source.contacts.into_iter().map(Into::into).collect();
        for contact in &contacts {
            self.contact(&contact.id);
        }
        if source.kind == IntentKind::Safety && contacts.is_empty() && source.first.is_none() {
            self.report(
                &at,
                format!(
                    "safety intent `{}` needs `first` (the scam guidance) or contacts",
                    source.id
                ),
            );
        }
        if let Some(first) = &source.first {
            self.page(first);
        }
        self.plan(&source.id, &source.plan);
        Intent {
            id: source.id,
            kind: source.kind,
            generic: source.generic,
            contacts,
            first: source.first,
            when: source.when,
            unless: source.unless,
            plan: source.plan,
        }
    }

    /// An intent's planner answers name a need, card and place of `planner.toml`.
    fn plan(&mut self, intent: &str, plan: &PlanAnswers) {
        let named = [
            ("need", &plan.need),
            ("card", &plan.card),
            ("where", &plan.place),
        ];
        for (question, id) in named {
            let Some(id) = id else { continue };
            let needle = format!("{question} = \"{id}\"");
            let known = match self.targets.planner {
                Some(planner) => match question {
                    "need" => planner.need(id).is_some(),
                    "card" => planner.card(id).is_some(),
                    _ => planner.place(id).is_some(),
                },
                // An invalid planner.toml is reported on its own; nothing to compare with.
                None if self.targets.has_planner_file => continue,
                None => {
                    self.report(
                        &needle,
                        format!(
                            "intent `{intent}` gives a planner answer, but the content has no planner.toml"
                        ),
                    );
                    continue;
                }
            };
            if !known {
                self.report(
                    &needle,
                    format!(
                        "intent `{intent}`: `{id}` is not a `{question}` answer in planner.toml"
                    ),
                );
            }
        }
    }

    fn combination(&mut self, source: CombinationSource, ids: &HashSet<&str>) -> Combination {
        if source.intents.len() < 2 {
            self.report(
                "[[combination]]",
                "a combination names at least two intents".to_string(),
            );
        }
        for id in &source.intents {
            if !ids.contains(id.as_str()) {
                self.report(&format!("\"{id}\""), format!("unknown intent `{id}`"));
            }
        }
        let contacts: Vec<AnswerContact> = source.contacts.into_iter().map(Into::into).collect();
        if contacts.is_empty() {
            self.report(
                "[[combination]]",
                "a combination shows at least one contact".to_string(),
            );
        }
        for contact in &contacts {
            self.contact(&contact.id);
        }
        if let Some(first) = &source.first {
            self.page(first);
        }
        Combination {
            intents: source.intents,
            contacts,
            first: source.first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_slots_table() {
        assert_eq!(
            pattern_slots("lost|stolen card"),
            Some(vec![vec!["lost", "stolen"], vec!["card"]])
        );
        assert_eq!(pattern_slots("  roadside  "), Some(vec![vec!["roadside"]]));
        assert_eq!(
            pattern_slots("someone =called"),
            Some(vec![vec!["someone"], vec!["=called"]])
        );
        for bad in [
            "",
            "   ",
            "Lost card",
            "lost||stolen",
            "didn't",
            "lost|",
            "card!",
            "=",
            "a=b",
        ] {
            assert_eq!(pattern_slots(bad), None, "{bad:?}");
        }
    }
}
