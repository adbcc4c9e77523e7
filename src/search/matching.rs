//! Which documents a plan matches, unscored, reading only the postings a few documents need
//! ([`Matching`]): unions are lazy (each clause seeks to the target on its own), where tantivy's
//! union scorer fills a window of 4,096 documents from every clause at each jump (cheap when every
//! match is visited, dear when a query jumps from one far document to the next). What the
//! budgeted count walks window by window, and, as a membership test ([`Matching::filter`]), what
//! stage one checks each proposed candidate against.

use tantivy::query::{EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

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
    /// A term or a phrase: tantivy's own weight.
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
