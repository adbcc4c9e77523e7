//! Two ways of running a plan on a big index that read only the postings a few documents need,
//! where tantivy's union scorer fills a window of 4,096 documents from every clause at each jump
//! (cheap when every match is visited, dear when a query jumps from one far document to the next):
//!
//! - [`Matching`]: which documents a query matches, unscored, with lazy unions (each clause seeks
//!   to the target on its own). What the budgeted count walks window by window, and what stage one
//!   checks each proposed candidate against.
//! - [`Node::to_tantivy_within`]: the full plan with every leaf (term, phrase, fixed score)
//!   restricted to a candidate list, so stage two scores only the candidates. The tree above the
//!   leaves is tantivy's own, with the same clauses in the same order and the same costs, so each
//!   candidate's score is bit for bit what scoring every match gives it.

use std::sync::Arc;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::candidates::Candidates;
use super::query::Node;

/// The documents `node` matches, unscored (every match scores 0), found with lazy unions.
#[derive(Debug, Clone)]
pub(crate) struct Matching(pub(crate) Node);

impl Matching {
    /// A membership test for this query's matches, for documents asked about in increasing order
    /// (cheaper than walking to each: it stops at the first clause that decides).
    pub(crate) fn filter(&self, searcher: &Searcher) -> tantivy::Result<Filter> {
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        Ok(Filter(MatchWeight::new(&self.0, unscored)?))
    }
}

/// A [`Matching`] query as a membership test (see [`Matching::filter`]).
pub(crate) struct Filter(MatchWeight);

impl Filter {
    /// The test in one segment.
    pub(crate) fn in_segment(&self, reader: &SegmentReader) -> tantivy::Result<SegmentFilter> {
        Ok(SegmentFilter(self.0.docs(reader)?))
    }
}

/// A [`Filter`] in one segment.
pub(crate) struct SegmentFilter(Lazy);

impl SegmentFilter {
    /// Whether `doc` matches; never asked about an earlier document than before.
    pub(crate) fn contains(&mut self, doc: DocId) -> bool {
        self.0.contains(doc)
    }
}

impl Query for Matching {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let unscored = EnableScoring::disabled_from_schema(scoring.schema());
        Ok(Box::new(MatchWeight::new(&self.0, unscored)?))
    }
}

/// A [`Matching`] query's tree: leaves are tantivy's weights, the rest is ours.
enum MatchWeight {
    /// A term or a phrase (or anything under a fixed score): tantivy's own weight.
    Leaf(Box<dyn Weight>),
    /// Every `all` clause matches and no `none` clause does.
    All {
        all: Vec<MatchWeight>,
        none: Vec<MatchWeight>,
    },
    /// Any clause matches.
    Any(Vec<MatchWeight>),
}

impl MatchWeight {
    /// The tree of `node`, with the same matching rules as tantivy's queries of it.
    fn new(node: &Node, scoring: EnableScoring<'_>) -> tantivy::Result<MatchWeight> {
        let tree = |nodes: &mut dyn Iterator<Item = &Node>| -> tantivy::Result<Vec<MatchWeight>> {
            nodes.map(|node| MatchWeight::new(node, scoring)).collect()
        };
        Ok(match node {
            Node::Term { .. } | Node::Phrase { .. } => {
                MatchWeight::Leaf(node.to_tantivy().weight(scoring)?)
            }
            Node::Boost(inner, _) | Node::ConstScore(inner, _) => MatchWeight::new(inner, scoring)?,
            Node::Shared(inner) => MatchWeight::new(inner, scoring)?,
            Node::Bool(clauses) => {
                let of = |wanted: Occur| clauses.iter().filter(move |(occur, _)| *occur == wanted);
                let none = tree(&mut of(Occur::MustNot).map(|(_, node)| node))?;
                let all = tree(&mut of(Occur::Must).map(|(_, node)| node))?;
                if all.is_empty() {
                    // Without a required clause, any optional one (none: nothing matches).
                    let any = MatchWeight::Any(tree(&mut of(Occur::Should).map(|(_, node)| node))?);
                    MatchWeight::All {
                        all: vec![any],
                        none,
                    }
                } else {
                    MatchWeight::All { all, none }
                }
            }
            Node::DisMax(nodes, _) => MatchWeight::Any(tree(&mut nodes.iter())?),
        })
    }

    /// This tree's doc set in a segment.
    fn docs(&self, reader: &SegmentReader) -> tantivy::Result<Lazy> {
        let list = |weights: &[MatchWeight]| -> tantivy::Result<Vec<Lazy>> {
            weights.iter().map(|weight| weight.docs(reader)).collect()
        };
        Ok(match self {
            MatchWeight::Leaf(weight) => Lazy::Leaf(weight.scorer(reader, 1.0)?),
            MatchWeight::All { all, none } => Lazy::all(list(all)?, list(none)?),
            MatchWeight::Any(any) => Lazy::any(list(any)?),
        })
    }
}

impl Weight for MatchWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.docs(reader)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut docs = self.docs(reader)?;
        if docs.seek(doc) == doc {
            Ok(Explanation::new("matches", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )))
        }
    }
}

/// A [`Matching`] query's doc set in one segment: a union seeks each clause to the target and
/// takes the first, an intersection leapfrogs its clauses; nothing is buffered.
enum Lazy {
    /// tantivy's scorer of a term or phrase.
    Leaf(Box<dyn Scorer>),
    /// An intersection (the `all` clauses), less the `none` clauses, at `doc`.
    All {
        all: Vec<Lazy>,
        none: Vec<Lazy>,
        doc: DocId,
    },
    /// A union at `doc`, the least of its clauses'.
    Any { any: Vec<Lazy>, doc: DocId },
}

impl Lazy {
    /// An intersection at its first match.
    fn all(mut all: Vec<Lazy>, none: Vec<Lazy>) -> Lazy {
        // The rarest clause first: it decides soonest.
        all.sort_by_key(Lazy::size_hint);
        let mut docs = Lazy::All { all, none, doc: 0 };
        docs.settle(0);
        docs
    }

    /// A union at its first match.
    fn any(any: Vec<Lazy>) -> Lazy {
        let doc = any.iter().map(Lazy::doc).min().unwrap_or(TERMINATED);
        Lazy::Any { any, doc }
    }

    /// Whether `doc` matches, seeking only the clauses that decide it. The current documents of
    /// a tree asked this are left behind, so it is never walked afterwards (only a
    /// [`SegmentFilter`] asks).
    fn contains(&mut self, doc: DocId) -> bool {
        match self {
            Lazy::Leaf(scorer) => {
                scorer.doc() == doc || (scorer.doc() < doc && scorer.seek(doc) == doc)
            }
            Lazy::All { all, none, .. } => {
                all.iter_mut().all(|clause| clause.contains(doc))
                    && !none.iter_mut().any(|clause| clause.contains(doc))
            }
            Lazy::Any { any, .. } => any.iter_mut().any(|clause| clause.contains(doc)),
        }
    }

    /// Moves to the first match at `target` or after (`target` past the current document).
    fn settle(&mut self, target: DocId) -> DocId {
        match self {
            Lazy::Leaf(scorer) => scorer.seek(target),
            Lazy::All { all, none, doc } => {
                let mut candidate = target;
                'next: while candidate != TERMINATED {
                    for clause in all.iter_mut() {
                        let found = clause.seek(candidate);
                        if found != candidate {
                            candidate = found;
                            continue 'next;
                        }
                    }
                    if none
                        .iter_mut()
                        .any(|clause| clause.seek(candidate) == candidate)
                    {
                        candidate += 1;
                        continue;
                    }
                    break;
                }
                *doc = candidate;
                candidate
            }
            Lazy::Any { any, doc } => {
                let mut first = TERMINATED;
                for clause in any.iter_mut() {
                    first = first.min(clause.seek(target));
                }
                *doc = first;
                first
            }
        }
    }
}

impl DocSet for Lazy {
    fn advance(&mut self) -> DocId {
        match self.doc() {
            TERMINATED => TERMINATED,
            doc => self.settle(doc + 1),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        self.settle(target)
    }

    fn doc(&self) -> DocId {
        match self {
            Lazy::Leaf(scorer) => scorer.doc(),
            Lazy::All { doc, .. } | Lazy::Any { doc, .. } => *doc,
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            Lazy::Leaf(scorer) => scorer.size_hint(),
            Lazy::All { all, .. } => all.iter().map(Lazy::size_hint).min().unwrap_or(0),
            Lazy::Any { any, .. } => any.iter().map(Lazy::size_hint).fold(0, u32::saturating_add),
        }
    }
}

impl Scorer for Lazy {
    fn score(&mut self) -> Score {
        0.0
    }
}

impl Node {
    /// The same query for tantivy as [`Node::to_tantivy`], with every leaf (a term, a phrase, a
    /// fixed score) matching only the `candidates` (see the module doc).
    pub(crate) fn to_tantivy_within(&self, candidates: &Candidates) -> Box<dyn Query> {
        self.to_tantivy_leaves(&|leaf| {
            Box::new(Within {
                leaf,
                candidates: candidates.clone(),
            })
        })
    }
}

/// A leaf query restricted to the candidates, with the leaf's own scores and costs.
#[derive(Debug)]
struct Within {
    leaf: Box<dyn Query>,
    candidates: Candidates,
}

impl Clone for Within {
    fn clone(&self) -> Within {
        Within {
            leaf: self.leaf.box_clone(),
            candidates: self.candidates.clone(),
        }
    }
}

impl Query for Within {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(WithinWeight {
            leaf: self.leaf.weight(scoring)?,
            candidates: self.candidates.clone(),
        }))
    }
}

/// The weight of a [`Within`] query.
struct WithinWeight {
    leaf: Box<dyn Weight>,
    candidates: Candidates,
}

impl Weight for WithinWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let leaf = self.leaf.scorer(reader, boost)?;
        // tantivy drops empty clauses before combining the others: keep it recognisable.
        if leaf.is::<EmptyScorer>() {
            return Ok(leaf);
        }
        let docs = self.candidates.of(reader);
        let mut scorer = WithinScorer {
            leaf,
            docs,
            cursor: 0,
            doc: TERMINATED,
        };
        scorer.settle(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.leaf.explain(reader, doc)
    }
}

/// A leaf's scorer stepping through the candidates it matches only.
struct WithinScorer {
    leaf: Box<dyn Scorer>,
    /// This segment's candidates, sorted.
    docs: Arc<[DocId]>,
    /// The candidate at or after the current document.
    cursor: usize,
    doc: DocId,
}

impl WithinScorer {
    /// Moves to the first candidate from `docs[cursor]` on that the leaf matches.
    fn settle(&mut self, mut cursor: usize) -> DocId {
        self.doc = loop {
            let Some(&candidate) = self.docs.get(cursor) else {
                break TERMINATED;
            };
            let found = match self.leaf.doc() {
                doc if doc < candidate => self.leaf.seek(candidate),
                doc => doc,
            };
            if found == candidate {
                break candidate;
            }
            if found == TERMINATED {
                cursor = self.docs.len();
                break TERMINATED;
            }
            cursor += self.docs[cursor..].partition_point(|&doc| doc < found);
        };
        self.cursor = cursor;
        self.doc
    }
}

impl DocSet for WithinScorer {
    fn advance(&mut self) -> DocId {
        match self.doc {
            TERMINATED => TERMINATED,
            _ => self.settle(self.cursor + 1),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let skipped = self.docs[self.cursor..].partition_point(|&doc| doc < target);
        self.settle(self.cursor + skipped)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    // The leaf's own figures: tantivy orders an intersection's clauses by cost, and so the order
    // their scores are added in.
    fn size_hint(&self) -> u32 {
        self.leaf.size_hint()
    }

    fn cost(&self) -> u64 {
        self.leaf.cost()
    }
}

impl Scorer for WithinScorer {
    fn score(&mut self) -> Score {
        self.leaf.score()
    }
}
