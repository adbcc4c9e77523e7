//! Stage two of the big-index query path scoring only the candidates: the plan with every leaf
//! (a term, a phrase, a fixed score) restricted to the candidate list, so a union reads a leaf's
//! postings only at the candidates, where intersecting the whole plan with the list made each of
//! tantivy's union scorers fill a window of 4,096 documents from every clause at each jump between
//! far candidates (nearly the work of scoring every match).
//!
//! The tree above the leaves is tantivy's own, with the same clauses in the same order, so a
//! candidate gets the same clause scores added in the same order, bit for bit what scoring every
//! match gives it, with one care: an intersection of three or more clauses adds their scores in
//! the order of their costs, and a union's cost counts only the clauses still holding documents
//! (fewer, once restricted). Such clauses report the cost their unrestricted query has
//! ([`CostOf`]).

use std::sync::Arc;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use super::candidates::Candidates;
use super::query::{Node, Rewrite};

impl Node {
    /// The same query for tantivy as [`Node::to_tantivy`], matching only the `candidates`, each
    /// with the score every match gets from [`Node::to_tantivy`] (see the module doc).
    pub(crate) fn to_tantivy_within(&self, candidates: &Candidates) -> Box<dyn Query> {
        self.to_tantivy_with(&Restrict(candidates))
    }
}

/// The rewrite to the candidates.
struct Restrict<'c>(&'c Candidates);

impl Rewrite for Restrict<'_> {
    fn leaf(&self, leaf: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Within {
            leaf,
            candidates: self.0.clone(),
        })
    }

    fn required(&self, node: &Node, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(CostOf {
            query,
            whole: node.to_tantivy(),
        })
    }
}

/// `query` (restricted to the candidates) with the cost and size of `whole` (the same node,
/// unrestricted), as tantivy sees them when it orders an intersection's clauses.
#[derive(Debug)]
struct CostOf {
    query: Box<dyn Query>,
    whole: Box<dyn Query>,
}

impl Clone for CostOf {
    fn clone(&self) -> CostOf {
        CostOf {
            query: self.query.box_clone(),
            whole: self.whole.box_clone(),
        }
    }
}

impl Query for CostOf {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CostOfWeight {
            query: self.query.weight(scoring)?,
            whole: self.whole.weight(scoring)?,
        }))
    }
}

/// The weight of a [`CostOf`] query.
struct CostOfWeight {
    query: Box<dyn Weight>,
    whole: Box<dyn Weight>,
}

impl Weight for CostOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let whole = self.whole.scorer(reader, boost)?;
        // tantivy drops an empty clause (here: an empty intersection): keep it recognisable.
        if whole.is::<EmptyScorer>() {
            return Ok(whole);
        }
        Ok(Box::new(Costed {
            scorer: self.query.scorer(reader, boost)?,
            size_hint: whole.size_hint(),
            cost: whole.cost(),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.query.explain(reader, doc)
    }
}

/// A scorer with another query's cost and size.
struct Costed {
    scorer: Box<dyn Scorer>,
    size_hint: u32,
    cost: u64,
}

impl DocSet for Costed {
    fn advance(&mut self) -> DocId {
        self.scorer.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.scorer.seek(target)
    }

    fn doc(&self) -> DocId {
        self.scorer.doc()
    }

    fn size_hint(&self) -> u32 {
        self.size_hint
    }

    fn cost(&self) -> u64 {
        self.cost
    }
}

impl Scorer for Costed {
    fn score(&mut self) -> Score {
        self.scorer.score()
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
