//! Concepts as tantivy clauses (phase 3): each concept over the weighted fields, required or only
//! scoring, with flat variants for counting and narrowing a huge result set; bonuses for the typed
//! words close together; and fixed scores for a typed phone number.

use std::sync::Arc;

use tantivy::query::Occur;
use tantivy::schema::Field;

use super::concepts::{Alternative, Concept, Highlights, QueryWords, TYPED};
use super::planner::Planner;
use crate::search::query::Node;
use crate::search::schema::Fields;
use crate::search::understand::{PhoneForm, WordRole};

/// The fields a [`Planner::match_query`] may look in.
#[derive(Debug, Clone, Copy)]
enum FieldRole {
    Title,
    Headings,
    Keywords,
    Context,
    Body,
}

impl FieldRole {
    fn field(self, fields: Fields) -> Field {
        match self {
            FieldRole::Title => fields.title,
            FieldRole::Headings => fields.headings,
            FieldRole::Keywords => fields.keywords,
            FieldRole::Context => fields.context,
            FieldRole::Body => fields.body,
        }
    }
}

/// Every searchable text field.
const ALL_FIELDS: [FieldRole; 5] = [
    FieldRole::Title,
    FieldRole::Headings,
    FieldRole::Keywords,
    FieldRole::Context,
    FieldRole::Body,
];
/// The short fields that say what a page is about.
const HEADLINE_FIELDS: [FieldRole; 3] =
    [FieldRole::Title, FieldRole::Headings, FieldRole::Keywords];

/// Share of a concept's other matching forms added to its best form.
const OTHER_FORMS: f32 = 0.2;
/// Extra weight for documents with the typed words close together.
const PHRASE: f32 = 0.4;
/// Words apart the typed words may be and still count as together.
const PHRASE_SLOP: u32 = 3;
/// Fixed score of a contact whose own number was typed.
const PHONE_OWN: f32 = 40.0;
/// Extra fixed score when the typed number is the contact's first number.
const PHONE_PRIMARY: f32 = 5.0;
/// Fixed score of a page that mentions the typed number.
const PHONE_MENTION: f32 = 8.0;
/// At most this many neighbouring word pairs get a proximity clause.
const MAX_PAIRS: usize = 3;

/// A clause of a boolean query.
type Clause = (Occur, Node);

/// The clauses of a plan, before assembly.
#[derive(Default)]
pub(crate) struct Clauses {
    /// One query per required concept: each must match.
    pub(crate) required: Vec<Node>,
    /// What only adds score: concepts not required, closeness in short fields, phone numbers.
    pub(crate) scoring: Vec<Clause>,
    /// The required concepts looked for in titles, headings and keywords only (a lean plan's).
    pub(crate) narrow: Vec<Clause>,
    /// The same matching as the query, unscored and flat, for counting a huge result set.
    pub(crate) count: Vec<Clause>,
    /// Closeness of the typed words in running text (the costly check, kept apart).
    pub(crate) body_proximity: Vec<Clause>,
}

impl Alternative {
    /// A lean query splits a typed multi-word form into its words (each required somewhere)
    /// instead of checking word positions in every matching page.
    pub(crate) fn splits_when_lean(&self, lean: bool) -> bool {
        lean && self.typed && self.stems.len() > 1
    }

    /// Requires every word of this form, each matched by `word_query` as a one-word form of `weight`.
    pub(crate) fn all_words(
        &self,
        weight: f32,
        mut word_query: impl FnMut(&Alternative) -> Node,
    ) -> Node {
        let words: Vec<Clause> = self
            .stems
            .iter()
            .map(|stem| {
                let single = Alternative {
                    stems: vec![stem.clone()],
                    weight,
                    typed: true,
                };
                (Occur::Must, word_query(&single))
            })
            .collect();
        Node::Bool(words)
    }
}

impl Planner<'_> {
    /// An upper bound on the matches: the rarest required concept, or all of them when none is
    /// required.
    pub(crate) fn estimate_matches(&self, concepts: &[Concept]) -> u64 {
        let sizes: Vec<(u64, bool)> = concepts
            .iter()
            .map(|concept| (self.estimate(&concept.alternatives), concept.is_required))
            .collect();
        sizes
            .iter()
            .filter(|(_, is_required)| *is_required)
            .map(|(size, _)| *size)
            .min()
            .unwrap_or_else(|| sizes.iter().map(|(size, _)| size).sum())
    }

    /// Every concept as a clause: required ones also as headline filters, and on a `lean` (huge)
    /// result set as flat counting clauses (see [`Planner::concept_query`]).
    pub(crate) fn concept_clauses(
        &self,
        concepts: &[Concept],
        boosts: &[(Field, f32); 5],
        lean: bool,
    ) -> Clauses {
        let mut clauses = Clauses::default();
        let any_required = concepts.iter().any(|concept| concept.is_required);
        for Concept {
            alternatives,
            is_required,
        } in concepts
        {
            // On a huge result set, words that are not required only re-rank a little and cost
            // a walk through all their pages: leave them out.
            if lean && any_required && !is_required {
                continue;
            }
            let query = self.concept_query(alternatives, boosts, lean);
            if lean && (*is_required || !any_required) {
                let occur = if *is_required {
                    Occur::Must
                } else {
                    Occur::Should
                };
                clauses.count.push((
                    occur,
                    self.match_query(alternatives, boosts, lean, &ALL_FIELDS),
                ));
            }
            if *is_required {
                clauses.required.push(query);
                // Headlines narrow only a huge result set (`SearchIndex::rank`), which is lean.
                if lean {
                    clauses.narrow.push((
                        Occur::Should,
                        self.match_query(alternatives, boosts, false, &HEADLINE_FIELDS),
                    ));
                }
            } else {
                clauses.scoring.push((Occur::Should, query));
            }
        }
        clauses
    }

    /// Proximity: neighbouring pairs of typed words close together, in titles, headings and
    /// running text (a huge result set: titles only); keywords and context are lists.
    pub(crate) fn add_proximity(
        &self,
        clauses: &mut Clauses,
        query: &QueryWords,
        boosts: &[(Field, f32); 5],
        lean: bool,
    ) {
        let words = &query.words;
        let phrase: Vec<(usize, &str)> = query
            .searchable
            .iter()
            .filter(|&&i| matches!(words[i].role, WordRole::Normal | WordRole::Generic))
            .filter_map(|&i| {
                words[i]
                    .stem
                    .as_deref()
                    .map(|stem| (words[i].position, stem))
            })
            .collect();
        // Neighbouring pairs only: a page with all the words together matches every pair anyway.
        for run in phrase.windows(2).take(MAX_PAIRS) {
            let first = run[0].0;
            let terms: Vec<(usize, Arc<str>)> = run
                .iter()
                .map(|(position, stem)| (position - first, Arc::from(*stem)))
                .collect();
            for &(field, boost) in boosts {
                let is_list = field == self.fields.keywords || field == self.fields.context;
                if is_list || boost == 0.0 || (lean && field != self.fields.title) {
                    continue;
                }
                let query = Node::phrase(field, terms.clone(), PHRASE_SLOP);
                let clause: Clause = (Occur::Should, query.boosted(PHRASE * boost));
                // Body closeness is the costly check: kept apart, so a huge result set can skip it.
                if field == self.fields.body {
                    clauses.body_proximity.push(clause);
                } else {
                    clauses.scoring.push(clause);
                }
            }
        }
    }

    /// Fixed scores for a typed phone number: the contact it belongs to, more when it is the
    /// contact's first number, and pages that mention it; each number highlighted as one concept.
    pub(crate) fn add_phones(
        &self,
        clauses: &mut Clauses,
        phones: &[PhoneForm],
        highlights: &mut Highlights,
    ) {
        for phone in phones {
            let digits = phone.digits();
            let text: Arc<str> = Arc::from(digits);
            let term = |field: Field| Node::term(field, Arc::clone(&text), false);
            for (field, score) in [
                (self.fields.phone, PHONE_OWN),
                (self.fields.phone_primary, PHONE_PRIMARY),
                (self.fields.phone_mention, PHONE_MENTION),
            ] {
                clauses
                    .scoring
                    .push((Occur::Should, term(field).const_score(score)));
            }
            let concept = highlights.next_concept();
            for group in phone.groups() {
                highlights.note(&group, concept, TYPED);
            }
            highlights.note(digits, concept, TYPED);
            if let PhoneForm::Full(national) = phone {
                highlights.note(&format!("1{national}"), concept, TYPED);
            }
        }
    }

    /// One concept (a typed word and its other forms) over every weighted field: each form sums
    /// its fields, and the concept counts its best form (plus a little of the others), so a page
    /// full of synonyms does not outscore a page with the word as typed.
    ///
    /// A `lean` query (for a huge result set) looks for multi-word forms in short fields only:
    /// checking word positions in every matching body is what makes such queries slow.
    pub(crate) fn concept_query(
        &self,
        alternatives: &[Alternative],
        boosts: &[(Field, f32); 5],
        lean: bool,
    ) -> Node {
        let mut forms: Vec<Node> = Vec::with_capacity(alternatives.len());
        for alternative in alternatives {
            // A phrase scores the sum of its terms' rarity; divide so a two-word synonym does
            // not count double.
            let weight = alternative.weight / alternative.stems.len().max(1) as f32;
            if alternative.splits_when_lean(lean) {
                forms.push(alternative.all_words(weight, |single| {
                    self.concept_query(std::slice::from_ref(single), boosts, false)
                }));
                continue;
            }
            let stems = shared(&alternative.stems);
            let mut fields: Vec<Clause> = Vec::with_capacity(boosts.len());
            for &(field, boost) in boosts {
                if boost == 0.0 {
                    continue;
                }
                if let Some(query) = self.form_query(alternative, &stems, field, lean, true) {
                    fields.push((Occur::Should, query.boosted(boost * weight)));
                }
            }
            forms.push(Node::Bool(fields));
        }
        if forms.len() == 1 {
            return forms.remove(0);
        }
        Node::DisMax(forms, OTHER_FORMS)
    }

    /// One form of a concept in one field, or `None` where it is not looked for: headings and a
    /// section's context only hold the form as typed (headings repeat body text, context is weak
    /// evidence, and it keeps synonym-rich queries cheap), and a `lean` query looks for phrases
    /// in titles and keywords only.
    fn form_query(
        &self,
        alternative: &Alternative,
        stems: &[Arc<str>],
        field: Field,
        lean: bool,
        scored: bool,
    ) -> Option<Node> {
        if !alternative.typed && (field == self.fields.context || field == self.fields.headings) {
            return None;
        }
        match stems {
            [] => None,
            [stem] => Some(Node::term(field, Arc::clone(stem), scored)),
            _ if lean && field != self.fields.title && field != self.fields.keywords => None,
            // Stop words leave gaps ("outside the us"); a typed phrase may also have another
            // word in between.
            stems => Some(Node::phrase(
                field,
                stems.iter().cloned().enumerate().collect(),
                if alternative.typed { 2 } else { 1 },
            )),
        }
    }

    /// An upper bound on the pages a concept matches: the document frequencies of its forms (a
    /// phrase counted by its first word).
    fn estimate(&self, alternatives: &[Alternative]) -> u64 {
        alternatives
            .iter()
            .filter_map(|alternative| alternative.stems.first())
            .map(|stem| {
                [
                    self.fields.title,
                    self.fields.headings,
                    self.fields.keywords,
                    self.fields.body,
                ]
                .into_iter()
                .map(|field| self.doc_freq(field, stem))
                .sum::<u64>()
            })
            .sum()
    }

    /// Matches any form of a concept in `fields` (flat and unscored: for counting and filtering),
    /// with the same field choices as [`Planner::concept_query`].
    fn match_query(
        &self,
        alternatives: &[Alternative],
        boosts: &[(Field, f32); 5],
        lean: bool,
        fields: &[FieldRole],
    ) -> Node {
        let fields: Vec<Field> = boosts
            .iter()
            .filter(|(field, boost)| {
                *boost != 0.0 && fields.iter().any(|role| role.field(self.fields) == *field)
            })
            .map(|(field, _)| *field)
            .collect();
        let mut should: Vec<Clause> = Vec::new();
        for alternative in alternatives {
            if alternative.splits_when_lean(lean) {
                let all_words = alternative.all_words(alternative.weight, |single| {
                    let stems = shared(&single.stems);
                    let any_field: Vec<Clause> = fields
                        .iter()
                        .filter_map(|&field| self.form_query(single, &stems, field, false, false))
                        .map(|query| (Occur::Should, query))
                        .collect();
                    Node::Bool(any_field)
                });
                should.push((Occur::Should, all_words));
                continue;
            }
            let stems = shared(&alternative.stems);
            for &field in &fields {
                if let Some(query) = self.form_query(alternative, &stems, field, lean, false) {
                    should.push((Occur::Should, query));
                }
            }
        }
        Node::Bool(should)
    }
}

/// A form's index terms, each allocated once for the nodes of every field it is looked for in.
fn shared(stems: &[String]) -> Vec<Arc<str>> {
    stems.iter().map(|stem| Arc::from(stem.as_str())).collect()
}
