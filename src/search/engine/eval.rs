//! Evaluating a query tree ([`Node`]) over the in-memory postings: which documents match and with
//! what score, reproducing how tantivy 0.27 builds and combines its scorers on a one-segment index
//! of fewer than 4,096 documents: boosts multiply down the tree, a boolean sums its matching
//! clauses (required ones in tantivy's cost order), a disjunction-max adds `tie` × the rest to the
//! best, a missing term empties what requires it. Float operations are done in tantivy's order, so
//! scores are bit for bit the same (see the engine's tests).

use tantivy::query::Occur;

use super::phrase::{PhraseBuffers, phrase_count};
use super::postings::{Segment, phrase_weight};
use crate::search::query::Node;

/// What a node's scorer yields: its matches by document, and tantivy's cost estimate for it (which
/// orders the clauses of an intersection, and so the order scores are added in).
#[derive(Debug, Default)]
pub(crate) struct Matches {
    /// (document, score), by document.
    pub(crate) docs: Vec<(u32, f32)>,
    /// tantivy's `Scorer::cost` of the scorer this node becomes.
    cost: u64,
}

/// A node's evaluation: `None` is tantivy's `EmptyScorer` (a missing term, an empty requirement),
/// which a union drops before deciding how to combine; `Some` may still match nothing.
type Evaluated = Option<Matches>;

/// State kept across one query's evaluation.
pub(crate) struct Evaluator<'e> {
    pub(crate) segment: &'e Segment,
    /// Whether scores are computed (tantivy then also counts phrases instead of finding one).
    pub(crate) scoring: bool,
    buffers: PhraseBuffers,
}

impl<'e> Evaluator<'e> {
    /// An evaluator over `segment`.
    pub(crate) fn new(segment: &'e Segment, scoring: bool) -> Evaluator<'e> {
        Evaluator {
            segment,
            scoring,
            buffers: PhraseBuffers::default(),
        }
    }

    /// The matches of `node` as the root of a search (tantivy's `for_each` on its weight), or of
    /// a boolean query requiring `node` with `bonus` as an optional clause.
    pub(crate) fn root(&mut self, node: &Node, bonus: Option<&Node>) -> Vec<(u32, f32)> {
        let evaluated = match bonus {
            Some(bonus) => self.boolean(&[(Occur::Must, node), (Occur::Should, bonus)], 1.0),
            None => self.eval(node, 1.0),
        };
        evaluated.map(|m| m.docs).unwrap_or_default()
    }

    /// The matches of `node` under the accumulated `boost`.
    fn eval(&mut self, node: &Node, boost: f32) -> Evaluated {
        match node {
            Node::Term { field, text, freqs } => {
                let field = self.segment.field(*field)?;
                let postings = field.postings(text)?;
                let weight = if boost == 1.0 {
                    postings.weight
                } else {
                    postings.weight * boost
                };
                let docs = postings
                    .docs
                    .iter()
                    .zip(&postings.freqs)
                    .map(|(&doc, &freq)| {
                        let freq = if *freqs { freq } else { 1 };
                        (doc, field.score(weight, doc, freq))
                    })
                    .collect();
                Some(Matches {
                    docs,
                    cost: postings.docs.len() as u64,
                })
            }
            Node::Phrase { field, terms, slop } => self.phrase(*field, terms, *slop, boost),
            Node::Boost(inner, factor) => self.eval(inner, boost * factor),
            Node::ConstScore(inner, score) => {
                let score = boost * score;
                Some(match self.eval(inner, 1.0) {
                    Some(matches) => Matches {
                        docs: matches.docs.iter().map(|&(doc, _)| (doc, score)).collect(),
                        cost: matches.cost,
                    },
                    None => Matches::default(),
                })
            }
            Node::Bool(clauses) => {
                let clauses: Vec<(Occur, &Node)> =
                    clauses.iter().map(|(occur, node)| (*occur, node)).collect();
                self.boolean(&clauses, boost)
            }
            Node::DisMax(nodes, tie) => {
                if let [only] = nodes.as_slice() {
                    return self.eval(only, boost);
                }
                let children: Vec<Matches> = nodes
                    .iter()
                    .filter_map(|node| self.eval(node, boost))
                    .collect();
                union(children, |scores| {
                    let (mut max, mut sum) = (0.0f32, 0.0f32);
                    for &score in scores {
                        max = f32::max(score, max);
                        sum += score;
                    }
                    max + (sum - max) * tie
                })
            }
        }
    }

    /// A boolean query: tantivy's `BooleanWeight` (a lone clause is its own scorer; required
    /// clauses intersect, by cost; optional ones add their sum where they match; without required
    /// clauses at least one optional one must match).
    fn boolean(&mut self, clauses: &[(Occur, &Node)], boost: f32) -> Evaluated {
        if let [(occur, only)] = clauses {
            return match occur {
                Occur::MustNot => None,
                Occur::Must | Occur::Should => self.eval(only, boost),
            };
        }
        let mut musts = Vec::new();
        let mut shoulds = Vec::new();
        for &(occur, node) in clauses {
            match occur {
                Occur::Must => musts.push(self.eval(node, boost)?),
                Occur::Should => shoulds.extend(self.eval(node, boost)),
                // The planner never excludes; tantivy's exclusion is not reproduced.
                Occur::MustNot => return None,
            }
        }
        if musts.is_empty() {
            return union(shoulds, sum);
        }
        let required = intersection(musts)?;
        let Some(optional) = union(shoulds, sum) else {
            return Some(required);
        };
        let mut docs = required.docs;
        let mut cursor = 0;
        for (doc, score) in &mut docs {
            while cursor < optional.docs.len() && optional.docs[cursor].0 < *doc {
                cursor += 1;
            }
            // tantivy's `SumCombiner` starts at 0 and adds the required, then the optional score.
            let mut total = 0.0f32 + *score;
            if let Some(&(other, extra)) = optional.docs.get(cursor)
                && other == *doc
            {
                total += extra;
            }
            *score = total;
        }
        Some(Matches {
            docs,
            cost: required.cost,
        })
    }

    /// A phrase: tantivy's `PhraseWeight` and `PhraseScorer`.
    fn phrase(
        &mut self,
        field: tantivy::schema::Field,
        terms: &[(usize, String)],
        slop: u32,
        boost: f32,
    ) -> Evaluated {
        let index = self.segment.field(field)?;
        let mut lists = Vec::with_capacity(terms.len());
        for (offset, text) in terms {
            lists.push((*offset, index.postings(text)?));
        }
        let doc_count = u64::from(self.segment.max_doc);
        let weight = phrase_weight(lists.iter().map(|(_, p)| p.docs.len() as u64), doc_count);
        let weight = if boost == 1.0 { weight } else { weight * boost };
        let max_offset = lists.iter().map(|(offset, _)| *offset).max().unwrap_or(0);
        // tantivy's intersection visits the terms cheapest (fewest documents) first.
        lists.sort_by_key(|(_, postings)| postings.docs.len());
        let sizes: Vec<u32> = lists.iter().map(|(_, p)| p.docs.len() as u32).collect();
        let estimate = estimate_intersection(&sizes, self.segment.max_doc);
        let cost = u64::from(estimate) * 10 * lists.len() as u64;
        let mut docs = Vec::new();
        let mut cursors = vec![0usize; lists.len()];
        let mut shifted: Vec<Vec<u32>> = vec![Vec::new(); lists.len()];
        let (_, driver) = lists.first()?;
        'docs: for &doc in &driver.docs {
            for (slot, (offset, postings)) in lists.iter().enumerate() {
                let cursor = &mut cursors[slot];
                while *cursor < postings.docs.len() && postings.docs[*cursor] < doc {
                    *cursor += 1;
                }
                if postings.docs.get(*cursor) != Some(&doc) {
                    continue 'docs;
                }
                let shift = (max_offset - offset) as u32;
                shifted[slot].clear();
                shifted[slot].extend(postings.positions(*cursor).iter().map(|p| p + shift));
            }
            let views: Vec<&[u32]> = shifted.iter().map(Vec::as_slice).collect();
            let count = phrase_count(&views, slop, self.scoring, &mut self.buffers);
            if count > 0 {
                docs.push((doc, index.score(weight, doc, count)));
            }
        }
        Some(Matches { docs, cost })
    }
}

/// The sum of scores tantivy's `SumCombiner` gives: from 0, in clause order.
fn sum(scores: &[f32]) -> f32 {
    let mut total = 0.0f32;
    for &score in scores {
        total += score;
    }
    total
}

/// A union of the non-empty `children` (tantivy's `scorer_union`): nothing to unite is empty, one
/// child is its own scorer, several combine each document's scores in clause order; a union's
/// cost is 0 (tantivy's buffered union reads a whole index under 4,096 documents at once).
fn union(mut children: Vec<Matches>, combine: impl Fn(&[f32]) -> f32) -> Evaluated {
    match children.len() {
        0 => None,
        1 => children.pop(),
        _ => {
            // A merge of the children's lists (each by document): for each document in turn,
            // its scores in clause order.
            let mut cursors = vec![0usize; children.len()];
            let mut docs =
                Vec::with_capacity(children.iter().map(|c| c.docs.len()).max().unwrap_or(0));
            let mut scores = Vec::with_capacity(children.len());
            loop {
                let next = children
                    .iter()
                    .zip(&cursors)
                    .filter_map(|(child, &cursor)| child.docs.get(cursor).map(|&(doc, _)| doc))
                    .min();
                let Some(doc) = next else {
                    break;
                };
                scores.clear();
                for (child, cursor) in children.iter().zip(cursors.iter_mut()) {
                    if let Some(&(other, score)) = child.docs.get(*cursor)
                        && other == doc
                    {
                        scores.push(score);
                        *cursor += 1;
                    }
                }
                docs.push((doc, combine(&scores)));
            }
            Some(Matches { docs, cost: 0 })
        }
    }
}

/// Documents every one of `children` matches (tantivy's `intersect_scorers`): children ordered
/// by cost, scores added as tantivy's `Intersection` adds them (the first two, then the rest);
/// an intersection that matches nothing is empty.
fn intersection(mut children: Vec<Matches>) -> Evaluated {
    children.sort_by_key(|child| child.cost);
    if children.len() == 1 {
        return children.pop().filter(|only| !only.docs.is_empty());
    }
    let mut cursors = vec![0usize; children.len()];
    let mut docs = Vec::new();
    let mut scores = vec![0.0f32; children.len()];
    'docs: for &(doc, first) in &children[0].docs {
        scores[0] = first;
        for (slot, child) in children.iter().enumerate().skip(1) {
            let cursor = &mut cursors[slot];
            while *cursor < child.docs.len() && child.docs[*cursor].0 < doc {
                *cursor += 1;
            }
            match child.docs.get(*cursor) {
                Some(&(other, score)) if other == doc => scores[slot] = score,
                _ => continue 'docs,
            }
        }
        let rest: f32 = scores[2..].iter().sum();
        docs.push((doc, scores[0] + scores[1] + rest));
    }
    if docs.is_empty() {
        return None;
    }
    let cost = children[0].cost;
    Some(Matches { docs, cost })
}

/// tantivy's `estimate_intersection`: the first size, scaled by each other's share of the index.
fn estimate_intersection(sizes: &[u32], max_docs: u32) -> u32 {
    if max_docs == 0 {
        return 0;
    }
    let Some((&first, rest)) = sizes.split_first() else {
        return 0;
    };
    let mut co_location: f64 = 1.3;
    let mut estimate = f64::from(first);
    let mut smallest = estimate;
    for &size in rest {
        co_location = (co_location - 0.1).max(1.0);
        estimate *= (f64::from(size) / f64::from(max_docs)) * co_location;
        smallest = smallest.min(f64::from(size));
    }
    estimate.round().min(smallest) as u32
}
