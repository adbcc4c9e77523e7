//! The planner's queries as our own small tree ([`Node`]): built once per query, then either turned
//! into tantivy queries (a big index) or evaluated by the in-memory engine (a small one, see
//! `engine`), so both read exactly the same plan.

use std::sync::Arc;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// One node of a query tree: the few tantivy query types the planner uses, with their semantics.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Documents holding `text` in `field`, scored by BM25 (term frequencies read when `freqs`).
    Term {
        /// The field.
        field: Field,
        /// The index term (shared by the nodes of the same term in other fields).
        text: Arc<str>,
        /// Whether term frequencies are read (otherwise every match counts once).
        freqs: bool,
    },
    /// Documents with the terms at their offsets in `field`, at most `slop` positions off.
    Phrase {
        /// The field.
        field: Field,
        /// Offset and index term of each word, by offset.
        terms: Vec<(usize, Arc<str>)>,
        /// Positions the words may be off in total.
        slop: u32,
    },
    /// The inner node's score multiplied by a factor.
    Boost(Box<Node>, f32),
    /// The inner node's matches, each with a fixed score.
    ConstScore(Box<Node>, f32),
    /// Every `Must` clause matches (or, without any, at least one `Should` clause); the score is
    /// the sum of the matching clauses' scores.
    Bool(Vec<(Occur, Node)>),
    /// Any clause matches; the score is the best clause's plus `tie` times the others'.
    DisMax(Vec<Node>, f32),
    /// The inner node, shared with another tree of the same plan (the any-word fallback reuses
    /// the query's clauses), so neither copies it.
    Shared(Arc<Node>),
}

impl Node {
    /// A one-term node.
    pub(crate) fn term(field: Field, text: Arc<str>, freqs: bool) -> Node {
        Node::Term { field, text, freqs }
    }

    /// A phrase of `terms` (offset, index term), sorted by offset as tantivy sorts them.
    pub(crate) fn phrase(field: Field, mut terms: Vec<(usize, Arc<str>)>, slop: u32) -> Node {
        terms.sort_by_key(|(offset, _)| *offset);
        Node::Phrase { field, terms, slop }
    }

    /// This node boosted by `boost`.
    pub(crate) fn boosted(self, boost: f32) -> Node {
        Node::Boost(Box::new(self), boost)
    }

    /// This node with the fixed score `score`.
    pub(crate) fn const_score(self, score: f32) -> Node {
        Node::ConstScore(Box::new(self), score)
    }

    /// This node, made cheap to clone (see [`Node::Shared`]).
    pub(crate) fn shared(self) -> Node {
        match self {
            Node::Shared(_) => self,
            other => Node::Shared(Arc::new(other)),
        }
    }

    /// The same query for tantivy.
    pub(crate) fn to_tantivy(&self) -> Box<dyn Query> {
        self.to_tantivy_with(&Unchanged)
    }

    /// The same query for tantivy, each leaf (a term, a phrase, a fixed score) and each required
    /// clause of a boolean node with three or more passed through `rewrite` once built.
    pub(crate) fn to_tantivy_with(&self, rewrite: &dyn Rewrite) -> Box<dyn Query> {
        match self {
            Node::Term { field, text, freqs } => rewrite.leaf(Box::new(TermQuery::new(
                Term::from_field_text(*field, text),
                if *freqs {
                    IndexRecordOption::WithFreqs
                } else {
                    IndexRecordOption::Basic
                },
            ))),
            Node::Phrase { field, terms, slop } => {
                rewrite.leaf(Box::new(PhraseQuery::new_with_offset_and_slop(
                    terms
                        .iter()
                        .map(|(offset, text)| (*offset, Term::from_field_text(*field, text)))
                        .collect(),
                    *slop,
                )))
            }
            Node::Boost(inner, boost) => {
                Box::new(BoostQuery::new(inner.to_tantivy_with(rewrite), *boost))
            }
            Node::ConstScore(inner, score) => {
                rewrite.leaf(Box::new(ConstScoreQuery::new(inner.to_tantivy(), *score)))
            }
            Node::Bool(clauses) => {
                let required = clauses
                    .iter()
                    .filter(|(occur, _)| *occur == Occur::Must)
                    .count();
                Box::new(BooleanQuery::new(
                    clauses
                        .iter()
                        .map(|(occur, node)| {
                            let query = node.to_tantivy_with(rewrite);
                            if *occur == Occur::Must && required >= 3 {
                                (*occur, rewrite.required(node, query))
                            } else {
                                (*occur, query)
                            }
                        })
                        .collect(),
                ))
            }
            Node::DisMax(nodes, tie) => Box::new(DisjunctionMaxQuery::with_tie_breaker(
                nodes
                    .iter()
                    .map(|node| node.to_tantivy_with(rewrite))
                    .collect(),
                *tie,
            )),
            Node::Shared(inner) => inner.to_tantivy_with(rewrite),
        }
    }
}

/// A change to the queries [`Node::to_tantivy_with`] builds (by default none).
pub(crate) trait Rewrite {
    /// A leaf's query: a term, a phrase, or a fixed score.
    fn leaf(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        query
    }

    /// `query`, built from `node`, as a required clause of a boolean node with three or more (the
    /// order tantivy adds their scores in depends on their costs).
    fn required(&self, _node: &Node, query: Box<dyn Query>) -> Box<dyn Query> {
        query
    }
}

/// No change: tantivy's query of the node as it is.
struct Unchanged;

impl Rewrite for Unchanged {}
