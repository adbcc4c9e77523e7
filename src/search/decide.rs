//! The instant answer, decided with care: a number in the query is judged by the number checker;
//! otherwise the intents the query states (see [`super::intents`]) decide, in this order: a scam
//! situation, a combination of intents the editors answered together, then the one surest need
//! (or out-of-scope account topic), and only when no other need ties with it. Anything less sure
//! shows no card. Also which page, if any, the results put first, and the call planner's address
//! when the deciding intents name one need of the planner (`plan` in `intents.toml`).

use std::collections::HashSet;

use super::intents::{CompiledIntents, Stated, compile, query_terms, reads_alike, terms_of};
use super::numbers::Directory;
use super::types::{Answer, AnswerKind, NumberCheck};
use super::understand::{Analyzers, Word};
use crate::content::{AnswerContact, Intent, IntentKind, Intents, Site, plan_url};

/// Everything the answer layer knows, built once per index from the site.
#[derive(Debug, Clone, Default)]
pub(crate) struct Answers {
    /// The editors' rules.
    rules: Intents,
    /// Their patterns as index terms.
    compiled: CompiledIntents,
    /// Every directory number.
    directory: Directory,
    /// Whether the site has a call planner (the rules' `plan` answers name its ids).
    has_planner: bool,
}

/// What the answer layer decided for one query.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// The verdict on a number in the query.
    pub(crate) number_check: Option<NumberCheck>,
    /// The instant answer.
    pub(crate) answer: Option<Answer>,
    /// The page to put first in the results (also when no card is shown).
    pub(crate) first: Option<String>,
    /// The call planner's address for the situation decided (`/plan?need=…`), if any.
    pub(crate) plan: Option<String>,
}

/// What the rules decided, and the intents that decided it.
struct Decided<'a> {
    answer: Answer,
    first: Option<String>,
    by: Vec<&'a Intent>,
}

impl Answers {
    /// The rules and directory of `site`.
    pub(crate) fn new(site: &Site, analyzers: &Analyzers) -> Answers {
        Answers {
            compiled: compile(&site.intents, analyzers),
            rules: site.intents.clone(),
            directory: Directory::new(site),
            has_planner: site.planner.is_some(),
        }
    }

    /// Every page a decision can put first (to look up their catalog entries once).
    pub(crate) fn pages(&self) -> impl Iterator<Item = &str> {
        let rules = &self.rules;
        rules
            .intents
            .iter()
            .filter_map(|intent| intent.first.as_deref())
            .chain(rules.combinations.iter().filter_map(|c| c.first.as_deref()))
            .chain(rules.checker.page.as_deref())
            .chain(rules.general.as_ref().and_then(|g| g.page.as_deref()))
    }

    /// The verdict on the first complete phone number in `query`.
    pub(crate) fn check_number(&self, query: &str) -> Option<NumberCheck> {
        self.directory.check(query)
    }

    /// Decides for the normalised `query`; `correction` is the query with typos corrected and
    /// `typo_stems` the index terms near its unknown words (both from the query plan), so a
    /// misspelt need is still read. `words`, the query's words as the planner read them (its phone
    /// numbers taken out), spare reading the query again when they give the same terms.
    pub(crate) fn decide(
        &self,
        query: &str,
        words: Option<&[Word]>,
        correction: Option<&str>,
        typo_stems: &[String],
        analyzers: &Analyzers,
    ) -> Decision {
        if let Some(check) = self.check_number(query) {
            return self.number_decision(check);
        }
        let mut terms = match words {
            Some(words) if reads_alike(query) => terms_of(words),
            _ => query_terms(query, analyzers),
        };
        if let Some(corrected) = correction.filter(|corrected| *corrected != query) {
            terms.extend(query_terms(corrected, analyzers));
        }
        terms.extend(typo_stems.iter().cloned());
        let stated = self.compiled.stated(&terms);
        let decided = self
            .safety(&stated)
            .or_else(|| self.combination(&stated))
            .or_else(|| self.single(&stated));
        match decided {
            Some(decided) => Decision {
                plan: self.plan(&decided.by),
                answer: (!decided.answer.contacts.is_empty()).then_some(decided.answer),
                first: decided.first,
                number_check: None,
            },
            None => Decision::default(),
        }
    }

    /// The planner's address for the deciding intents: only when they name exactly one need;
    /// the card and the place are answered when exactly one is named, left to the visitor
    /// otherwise.
    fn plan(&self, by: &[&Intent]) -> Option<String> {
        if !self.has_planner {
            return None;
        }
        let named = |question: usize| -> Option<&str> {
            let mut ids = by.iter().filter_map(|intent| intent.plan.ids()[question]);
            let first = ids.next()?;
            ids.all(|id| id == first).then_some(first)
        };
        let need = named(0)?;
        Some(plan_url([Some(need), named(1), named(2)]))
    }

    /// A number in the query: the entries listing it, or no card and the checker's page first
    /// (its verdict carries the safety advice, whatever else the query says).
    fn number_decision(&self, check: NumberCheck) -> Decision {
        if check.is_known() {
            let answer = Answer {
                kind: AnswerKind::Contact,
                contacts: check
                    .contacts
                    .iter()
                    .map(|id| AnswerContact {
                        id: id.clone(),
                        role: None,
                    })
                    .collect(),
                first: Some(format!("/contact#{}", check.contacts[0])),
                rule: "number".to_string(),
            };
            return Decision {
                first: answer.first.clone(),
                answer: Some(answer),
                number_check: Some(check),
                plan: None,
            };
        }
        Decision {
            first: self.rules.checker.page.clone(),
            answer: None,
            number_check: Some(check),
            plan: None,
        }
    }

    fn intent(&self, stated: &Stated) -> &Intent {
        &self.rules.intents[stated.index]
    }

    /// The surest scam situation stated (the first in the file on a tie).
    fn safety(&self, stated: &[Stated]) -> Option<Decided<'_>> {
        let best = stated
            .iter()
            .filter(|s| self.intent(s).kind == IntentKind::Safety)
            .fold(None::<&Stated>, |best, s| match best {
                Some(best) if best.strength >= s.strength => Some(best),
                _ => Some(s),
            })?;
        let intent = self.intent(best);
        Some(Decided {
            answer: Answer {
                kind: AnswerKind::Safety,
                contacts: intent.contacts.clone(),
                first: intent.first.clone(),
                rule: intent.id.clone(),
            },
            first: intent.first.clone(),
            by: vec![intent],
        })
    }

    /// The combination with the most intents, all of them stated (the first in the file on a tie).
    fn combination(&self, stated: &[Stated]) -> Option<Decided<'_>> {
        let ids: HashSet<&str> = stated.iter().map(|s| self.intent(s).id.as_str()).collect();
        let best = self
            .rules
            .combinations
            .iter()
            .filter(|c| c.intents.iter().all(|id| ids.contains(id.as_str())))
            .fold(None::<&crate::content::Combination>, |best, c| match best {
                Some(best) if best.intents.len() >= c.intents.len() => Some(best),
                _ => Some(c),
            })?;
        let answer = Answer {
            kind: AnswerKind::Contact,
            contacts: best.contacts.clone(),
            first: best.first.clone(),
            rule: best.intents.join("+"),
        };
        let by = stated
            .iter()
            .map(|s| self.intent(s))
            .filter(|intent| best.intents.contains(&intent.id))
            .collect();
        Some(Decided {
            answer,
            first: best.first.clone(),
            by,
        })
    }

    /// The one surest need or out-of-scope topic. Pools are tried in order, the first that is not
    /// empty decides: specific needs and topics, circumstances with entries of their own, generic
    /// out-of-scope topics, generic needs. A tie between intents with different entries is not
    /// sure: no answer.
    fn single(&self, stated: &[Stated]) -> Option<Decided<'_>> {
        let pool_of = |intent: &Intent| -> Option<usize> {
            match (intent.kind, intent.generic) {
                (IntentKind::Need | IntentKind::General, false) => Some(0),
                (IntentKind::Circumstance, _) if !intent.contacts.is_empty() => Some(1),
                (IntentKind::General, true) => Some(2),
                (IntentKind::Need, true) => Some(3),
                _ => None,
            }
        };
        let pool = stated
            .iter()
            .filter_map(|s| pool_of(self.intent(s)))
            .min()?;
        let members: Vec<&Stated> = stated
            .iter()
            .filter(|s| pool_of(self.intent(s)) == Some(pool))
            .collect();
        let strongest = members.iter().map(|s| s.strength).max()?;
        let top: Vec<&Intent> = members
            .iter()
            .filter(|s| s.strength == strongest)
            .map(|s| self.intent(s))
            .collect();
        let winner = top[0];
        if top
            .iter()
            .any(|other| other.contacts != winner.contacts || other.kind != winner.kind)
        {
            return None;
        }
        let (mut answer, first) = self.answer_for(winner);
        let mut by = top;
        if winner.kind == IntentKind::Need && pool == 0 && !answer.contacts.is_empty() {
            by.extend(self.add_circumstances(&mut answer, stated));
        }
        Some(Decided { answer, first, by })
    }

    /// A need stated with a circumstance that has entries of its own (abroad) and no combination
    /// of theirs: the circumstance's entries come first, then the need's (each once). Returns the
    /// circumstances added.
    fn add_circumstances(&self, answer: &mut Answer, stated: &[Stated]) -> Vec<&Intent> {
        let circumstances: Vec<&Intent> = stated
            .iter()
            .map(|s| self.intent(s))
            .filter(|intent| intent.kind == IntentKind::Circumstance)
            .collect();
        let mut added = Vec::new();
        for circumstance in &circumstances {
            for contact in &circumstance.contacts {
                if !answer.contacts.iter().any(|c| c.id == contact.id) {
                    added.push(contact.clone());
                }
            }
            answer.rule = format!("{}+{}", answer.rule, circumstance.id);
        }
        added.append(&mut answer.contacts);
        answer.contacts = added;
        circumstances
    }

    /// The answer an intent gives on its own.
    fn answer_for(&self, intent: &Intent) -> (Answer, Option<String>) {
        if intent.kind == IntentKind::General
            && let Some(general) = &self.rules.general
        {
            let mut contacts = intent.contacts.clone();
            if contacts.is_empty() {
                contacts.push(AnswerContact {
                    id: general.contact.clone(),
                    role: None,
                });
            }
            let first = intent.first.clone().or_else(|| general.page.clone());
            let answer = Answer {
                kind: AnswerKind::GeneralRoute,
                contacts,
                first: first.clone(),
                rule: intent.id.clone(),
            };
            return (answer, first);
        }
        let answer = Answer {
            kind: AnswerKind::Contact,
            contacts: intent.contacts.clone(),
            first: intent.first.clone(),
            rule: intent.id.clone(),
        };
        (answer, intent.first.clone())
    }

    /// The contact that a scam verdict or an unknown number sends people to when they already
    /// shared details.
    pub(crate) fn fraud_contact(&self) -> Option<&str> {
        self.rules.checker.fraud_contact.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Combination, GeneralRoute};
    use crate::search::schema::analyzers;

    fn intent(
        id: &str,
        kind: IntentKind,
        generic: bool,
        contacts: &[&str],
        when: &[&str],
    ) -> Intent {
        Intent {
            id: id.to_string(),
            kind,
            generic,
            contacts: contacts
                .iter()
                .map(|id| AnswerContact {
                    id: id.to_string(),
                    role: None,
                })
                .collect(),
            first: None,
            when: when.iter().map(|w| w.to_string()).collect(),
            unless: Vec::new(),
            plan: Default::default(),
        }
    }

    fn answers() -> (Answers, Analyzers) {
        let analyzers = analyzers();
        let rules = Intents {
            general: Some(GeneralRoute {
                contact: "general".into(),
                page: None,
            }),
            intents: vec![
                intent("scam", IntentKind::Safety, false, &["fraud"], &["scam"]),
                intent(
                    "lost",
                    IntentKind::Need,
                    false,
                    &["lost"],
                    &["lost card", "lost"],
                ),
                intent("points", IntentKind::Need, false, &["points"], &["points"]),
                intent("gift", IntentKind::Need, false, &["gift"], &["gift"]),
                intent(
                    "service",
                    IntentKind::Need,
                    true,
                    &["service"],
                    &["service"],
                ),
                intent("limit", IntentKind::General, false, &[], &["limit"]),
                intent(
                    "abroad",
                    IntentKind::Circumstance,
                    false,
                    &["collect"],
                    &["abroad"],
                ),
            ],
            combinations: vec![Combination {
                intents: vec!["lost".into(), "abroad".into()],
                contacts: vec![AnswerContact {
                    id: "collect".into(),
                    role: Some("From abroad".into()),
                }],
                first: None,
            }],
            ..Intents::default()
        };
        let answers = Answers {
            compiled: compile(&rules, &analyzers),
            rules,
            directory: Directory::default(),
            has_planner: true,
        };
        (answers, analyzers)
    }

    #[test]
    fn decisions_table() {
        let (answers, analyzers) = answers();
        let decide = |query: &str| -> Option<(AnswerKind, Vec<String>)> {
            answers
                .decide(query, None, None, &[], &analyzers)
                .answer
                .map(|a| (a.kind, a.contacts.into_iter().map(|c| c.id).collect()))
        };
        let contact = |ids: &[&str]| {
            Some((
                AnswerKind::Contact,
                ids.iter().map(|s| s.to_string()).collect(),
            ))
        };
        // One sure need; the longer pattern wins over a shorter one of another need.
        assert_eq!(decide("lost card"), contact(&["lost"]));
        assert_eq!(decide("lost card points"), contact(&["lost"]));
        // Two needs equally sure, with different entries: no card.
        assert_eq!(decide("points or gift"), None);
        // A specific need beats a generic one; a generic one alone answers.
        assert_eq!(decide("gift service"), contact(&["gift"]));
        assert_eq!(decide("service"), contact(&["service"]));
        // Safety beats everything.
        assert_eq!(
            decide("lost card scam"),
            Some((AnswerKind::Safety, vec!["fraud".to_string()]))
        );
        // A combination, and a circumstance added to a need without one.
        assert_eq!(decide("lost card abroad"), contact(&["collect"]));
        assert_eq!(decide("points abroad"), contact(&["collect", "points"]));
        assert_eq!(decide("service abroad"), contact(&["collect"]));
        // Outside the guides: the general route.
        assert_eq!(
            decide("limit"),
            Some((AnswerKind::GeneralRoute, vec!["general".to_string()]))
        );
        // Nothing stated: no card.
        assert_eq!(decide("weather"), None);
    }

    #[test]
    fn the_planner_is_linked_for_one_need_with_the_answers_the_deciding_intents_name() {
        let (mut answers, analyzers) = answers();
        let plan = |need: Option<&str>, card: Option<&str>, place: Option<&str>| {
            crate::content::PlanAnswers {
                need: need.map(Into::into),
                card: card.map(Into::into),
                place: place.map(Into::into),
            }
        };
        for (id, answers_given) in [
            ("lost", plan(Some("lost-stolen"), None, None)),
            ("points", plan(Some("rewards"), None, None)),
            ("scam", plan(Some("fraud"), None, None)),
            ("gift", plan(None, Some("gift"), None)),
            ("abroad", plan(None, None, Some("abroad"))),
        ] {
            let intent = answers.rules.intents.iter_mut().find(|i| i.id == id);
            intent.expect("a test intent").plan = answers_given;
        }
        let planned = |query: &str| answers.decide(query, None, None, &[], &analyzers).plan;
        assert_eq!(
            planned("lost card").as_deref(),
            Some("/plan?need=lost-stolen")
        );
        // The combination's circumstance answers where; a single need's added one too.
        assert_eq!(
            planned("lost card abroad").as_deref(),
            Some("/plan?need=lost-stolen&where=abroad")
        );
        assert_eq!(
            planned("points abroad").as_deref(),
            Some("/plan?need=rewards&where=abroad")
        );
        assert_eq!(planned("scam").as_deref(), Some("/plan?need=fraud"));
        // A card stated beside the need but not part of the decision is left to the visitor.
        assert_eq!(
            planned("lost card gift").as_deref(),
            Some("/plan?need=lost-stolen")
        );
        // No need named: no link (a navigational query, a circumstance, an unsure tie).
        assert_eq!(planned("gift"), None);
        assert_eq!(planned("abroad"), None);
        assert_eq!(planned("service"), None);
        assert_eq!(planned("points or gift"), None);
        assert_eq!(planned("weather"), None);
        // Without a planner, never.
        answers.has_planner = false;
        let lost = answers.decide("lost card", None, None, &[], &analyzers);
        assert_eq!(lost.plan, None);
    }
}
