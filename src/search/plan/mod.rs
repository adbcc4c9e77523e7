//! Query planning: turns a normalised query into tantivy queries built by hand (never the query
//! parser), in phases: [`concepts`] reads the query (phone numbers, words, synonyms) and gives each
//! word a concept with its other forms (synonyms, typo corrections from the term [`dictionary`],
//! completions); [`clauses`] turns concepts into required and scoring clauses, proximity bonuses
//! and phone-number clauses (lean variants for huge result sets); [`Planner::plan`] assembles them
//! with the any-word fallback, the counting and narrowing queries and "did you mean".

mod clauses;
mod concepts;
mod dictionary;
mod planner;

use std::collections::HashMap;

use tantivy::query::Occur;

use super::query::Node;
use super::snippet::Highlight;
use super::understand::{Word, extract_phones};
use clauses::Clauses;
use concepts::{Highlights, QueryWords};
pub(crate) use planner::{LARGE_RESULT, Mode, Planner};

/// A query, ready to run, and what the results page needs to explain it.
pub(crate) struct Plan {
    /// `None` when nothing searchable is left (only stop words or punctuation).
    pub(crate) query: Option<Node>,
    /// An upper bound on how many pages `query` matches, from document frequencies.
    pub(crate) estimate: u64,
    /// For a huge result set: the pages `query` requires (phones aside), as a flat unscored query
    /// that is cheaper to count with.
    pub(crate) count: Option<Node>,
    /// The same words with none required, to run when `query` finds (almost) nothing.
    pub(crate) fallback: Option<Node>,
    /// Extra score for the typed words close together in running text (see `SearchIndex::rank`).
    pub(crate) body_proximity: Option<Node>,
    /// Pages with every, then with any, required concept in a title, heading or keywords: on a
    /// huge result set, the candidates worth scoring, narrowest first (see `SearchIndex::rank`);
    /// empty unless the plan is lean (only a huge result set reads them).
    pub(crate) headlines: Vec<Node>,
    /// Index terms to highlight, with their concept and weight.
    pub(crate) highlight: HashMap<String, Highlight>,
    /// The query with unknown words replaced by their closest dictionary word.
    pub(crate) correction: Option<String>,
    /// Whether a typed word is not in the index at all.
    pub(crate) has_unknown_word: bool,
    /// The index terms near unknown words (see `FoundConcepts::typo_stems`).
    pub(crate) typo_stems: Vec<String>,
    /// The query's words (its phone numbers taken out), for the answer layer to read too.
    pub(crate) words: Vec<Word>,
}

impl Planner<'_> {
    /// Plans `text`, which must already be normalised.
    pub(crate) fn plan(&self, text: &str, mode: Mode) -> Plan {
        // Phase 1: phone numbers out, the rest as words, synonym groups found.
        let (phones, rest) = extract_phones(text);
        let query = QueryWords::new(self.analyzers.words(&rest), self.synonyms);
        // Phase 2: each word a concept with its forms; multi-word synonyms as concepts of their own.
        let mut highlights = Highlights::default();
        let found = self.concepts(&query, mode, &mut highlights);
        // Phase 3: concepts, closeness and phone numbers as clauses; a huge result set goes lean.
        let boosts = mode.field_boosts(self.fields);
        let estimate = self.estimate_matches(&found.concepts);
        let lean = estimate >= self.large_result;
        let mut clauses = self.concept_clauses(&found.concepts, &boosts, lean);
        self.add_proximity(&mut clauses, &query, &boosts, lean);
        self.add_phones(&mut clauses, &phones, &mut highlights);
        // Phase 4: the plan.
        Plan {
            estimate,
            correction: correction(text, &query.words, &found.corrections),
            has_unknown_word: found.has_unknown_word,
            typo_stems: found.typo_stems,
            highlight: highlights.terms,
            words: query.words,
            ..assemble(clauses, phones.is_empty())
        }
    }
}

/// The query with each corrected word (by its index in `words`) replaced by its correction; `None`
/// when nothing was corrected.
fn correction(text: &str, words: &[Word], corrections: &[(usize, String)]) -> Option<String> {
    (!corrections.is_empty()).then(|| {
        let mut corrected = text.to_string();
        let mut replacements: Vec<(std::ops::Range<usize>, &str)> = corrections
            .iter()
            .map(|(index, replacement)| (words[*index].range.clone(), replacement.as_str()))
            .collect();
        replacements.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        for (range, replacement) in replacements {
            if corrected.is_char_boundary(range.start) && corrected.is_char_boundary(range.end) {
                corrected.replace_range(range, replacement);
            }
        }
        corrected
    })
}

/// The queries of a plan from its clauses: every required concept must match (with an any-word
/// fallback when that finds almost nothing), a flat count query unless phone numbers were typed,
/// and the headline filters. The plan's other fields are left empty for the caller.
fn assemble(clauses: Clauses, without_phones: bool) -> Plan {
    let Clauses {
        mut required,
        mut scoring,
        narrow,
        count,
        body_proximity,
    } = clauses;
    // Every required concept must match; if that finds (almost) nothing, any word will do. The
    // fallback shares its clauses with the query instead of copying them.
    if required.len() >= 2 {
        for node in required
            .iter_mut()
            .chain(scoring.iter_mut().map(|(_, node)| node))
        {
            *node = std::mem::replace(node, Node::Bool(Vec::new())).shared();
        }
    }
    let fallback = (required.len() >= 2).then(|| {
        let mut any: Vec<(Occur, Node)> = required
            .iter()
            .map(|query| (Occur::Should, query.clone()))
            .collect();
        any.extend(scoring.iter().cloned());
        Node::Bool(any)
    });
    scoring.extend(required.into_iter().map(|query| (Occur::Must, query)));
    Plan {
        query: (!scoring.is_empty()).then_some(Node::Bool(scoring)),
        estimate: 0,
        count: (!count.is_empty() && without_phones).then_some(Node::Bool(count)),
        fallback,
        body_proximity: (!body_proximity.is_empty()).then_some(Node::Bool(body_proximity)),
        headlines: headlines(narrow),
        highlight: HashMap::new(),
        correction: None,
        has_unknown_word: false,
        typo_stems: Vec::new(),
        words: Vec::new(),
    }
}

/// The headline filters, narrowest first: every required concept in a headline, then any of them.
fn headlines(narrow: Vec<(Occur, Node)>) -> Vec<Node> {
    if narrow.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<Node> = Vec::new();
    if narrow.len() > 1 {
        all.push(Node::Bool(
            narrow
                .iter()
                .map(|(_, query)| (Occur::Must, query.clone()))
                .collect(),
        ));
    }
    all.push(Node::Bool(narrow));
    all
}
