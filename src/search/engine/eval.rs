//! Evaluating a query tree ([`Node`]) over the in-memory postings: which documents match and with
//! what score, reproducing how tantivy 0.27 builds and combines its scorers on a one-segment index
//! of fewer than 4,096 documents: boosts multiply down the tree, a boolean sums its matching
//! clauses (required ones in tantivy's cost order), a disjunction-max adds `tie` × the rest to the
//! best, a missing term empties what requires it. Float operations are done in tantivy's order, so
//! scores are bit for bit the same (see the engine's tests).

use std::cell::RefCell;

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

/// Lists kept in a thread's [`Scratch`] at most: more than a query tree holds at once.
const MAX_POOLED: usize = 256;

/// The buffers evaluation works in, kept by each thread from one query to the next (a query
/// evaluates dozens of nodes, each of which would otherwise allocate its lists afresh).
#[derive(Default)]
struct Scratch {
    /// Empty lists of matches.
    lists: Vec<Vec<(u32, f32)>>,
    /// Empty lists of children's matches.
    groups: Vec<Vec<Matches>>,
    /// The phrase counter's buffers.
    phrase: PhraseBuffers,
    /// Each phrase term's shifted positions in the current document.
    shifted: Vec<Vec<u32>>,
    /// Cursors into the lists being merged.
    cursors: Vec<usize>,
    /// Scores of one document, in clause order.
    scores: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

impl Scratch {
    /// The buffers of a merge of `lists` lists: a cursor at the start of each, and no scores.
    fn merge_buffers(&mut self, lists: usize) -> (&mut Vec<usize>, &mut Vec<f32>) {
        self.cursors.clear();
        self.cursors.resize(lists, 0);
        self.scores.clear();
        (&mut self.cursors, &mut self.scores)
    }

    /// An empty list of matches.
    fn list(&mut self) -> Vec<(u32, f32)> {
        self.lists.pop().unwrap_or_default()
    }

    /// Takes `list` back for reuse.
    fn give(&mut self, mut list: Vec<(u32, f32)>) {
        if self.lists.len() < MAX_POOLED && list.capacity() > 0 {
            list.clear();
            self.lists.push(list);
        }
    }

    /// An empty list of children's matches.
    fn group(&mut self) -> Vec<Matches> {
        self.groups.pop().unwrap_or_default()
    }

    /// Takes `group` and its children's lists back for reuse.
    fn give_group(&mut self, mut group: Vec<Matches>) {
        for matches in group.drain(..) {
            self.give(matches.docs);
        }
        if self.groups.len() < MAX_POOLED {
            self.groups.push(group);
        }
    }
}

/// State kept across one query's evaluation.
pub(crate) struct Evaluator<'e> {
    pub(crate) segment: &'e Segment,
    /// Whether scores are computed (tantivy then also counts phrases instead of finding one).
    pub(crate) scoring: bool,
    /// This thread's buffers, taken for the evaluation and given back when it is dropped.
    scratch: Scratch,
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        let scratch = std::mem::take(&mut self.scratch);
        SCRATCH.with_borrow_mut(|kept| *kept = scratch);
    }
}

impl<'e> Evaluator<'e> {
    /// An evaluator over `segment`, with this thread's buffers.
    pub(crate) fn new(segment: &'e Segment, scoring: bool) -> Evaluator<'e> {
        Evaluator {
            segment,
            scoring,
            scratch: SCRATCH.with_borrow_mut(std::mem::take),
        }
    }

    /// Calls `visit` with each match of `node` as the root of a search, by document (tantivy's
    /// `for_each` on its weight), or of a boolean query requiring `node` with `bonus` as an
    /// optional clause.
    pub(crate) fn root(
        &mut self,
        node: &Node,
        bonus: Option<&Node>,
        mut visit: impl FnMut(u32, f32),
    ) {
        let evaluated = match bonus {
            Some(bonus) => self.boolean(
                [(Occur::Must, node), (Occur::Should, bonus)].into_iter(),
                1.0,
            ),
            None => self.eval(node, 1.0),
        };
        if let Some(matches) = evaluated {
            for &(doc, score) in &matches.docs {
                visit(doc, score);
            }
            self.scratch.give(matches.docs);
        }
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
                let mut docs = self.scratch.list();
                docs.extend(
                    postings
                        .docs
                        .iter()
                        .zip(&postings.freqs)
                        .map(|(&doc, &freq)| {
                            let freq = if *freqs { freq } else { 1 };
                            (doc, field.score(weight, doc, freq))
                        }),
                );
                Some(Matches {
                    docs,
                    cost: postings.docs.len() as u64,
                })
            }
            Node::Phrase { field, terms, slop } => self.phrase(*field, terms, *slop, boost),
            Node::Boost(inner, factor) => self.eval(inner, boost * factor),
            Node::Shared(inner) => self.eval(inner, boost),
            Node::ConstScore(inner, score) => {
                let score = boost * score;
                Some(match self.eval(inner, 1.0) {
                    Some(mut matches) => {
                        for (_, each) in &mut matches.docs {
                            *each = score;
                        }
                        matches
                    }
                    None => Matches::default(),
                })
            }
            Node::Bool(clauses) => {
                self.boolean(clauses.iter().map(|(occur, node)| (*occur, node)), boost)
            }
            Node::DisMax(nodes, tie) => {
                if let [only] = nodes.as_slice() {
                    return self.eval(only, boost);
                }
                let mut children = self.scratch.group();
                for node in nodes {
                    children.extend(self.eval(node, boost));
                }
                self.union(children, |scores| {
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
    fn boolean<'n>(
        &mut self,
        mut clauses: impl ExactSizeIterator<Item = (Occur, &'n Node)>,
        boost: f32,
    ) -> Evaluated {
        if clauses.len() == 1 {
            return match clauses.next()? {
                (Occur::MustNot, _) => None,
                (Occur::Must | Occur::Should, only) => self.eval(only, boost),
            };
        }
        let mut musts = self.scratch.group();
        let mut shoulds = self.scratch.group();
        for (occur, node) in clauses {
            let evaluated = match occur {
                Occur::Must | Occur::Should => self.eval(node, boost),
                // The planner never excludes; tantivy's exclusion is not reproduced.
                Occur::MustNot => None,
            };
            match (occur, evaluated) {
                (Occur::Must, Some(matches)) => musts.push(matches),
                (Occur::Should, Some(matches)) => shoulds.push(matches),
                (Occur::Should, None) => {}
                (Occur::Must | Occur::MustNot, _) => {
                    self.scratch.give_group(musts);
                    self.scratch.give_group(shoulds);
                    return None;
                }
            }
        }
        if musts.is_empty() {
            self.scratch.give_group(musts);
            return self.union(shoulds, sum);
        }
        let Some(mut required) = self.intersection(musts) else {
            self.scratch.give_group(shoulds);
            return None;
        };
        let Some(optional) = self.union(shoulds, sum) else {
            return Some(required);
        };
        let mut cursor = 0;
        for (doc, score) in &mut required.docs {
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
        self.scratch.give(optional.docs);
        Some(required)
    }

    /// A phrase: tantivy's `PhraseWeight` and `PhraseScorer`.
    fn phrase(
        &mut self,
        field: tantivy::schema::Field,
        terms: &[(usize, std::sync::Arc<str>)],
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
        let mut docs = self.scratch.list();
        let scratch = &mut self.scratch;
        scratch.cursors.clear();
        scratch.cursors.resize(lists.len(), 0);
        if scratch.shifted.len() < lists.len() {
            scratch.shifted.resize_with(lists.len(), Vec::new);
        }
        let Some((_, driver)) = lists.first() else {
            scratch.give(docs);
            return None;
        };
        'docs: for &doc in &driver.docs {
            for (slot, (offset, postings)) in lists.iter().enumerate() {
                let cursor = &mut scratch.cursors[slot];
                while *cursor < postings.docs.len() && postings.docs[*cursor] < doc {
                    *cursor += 1;
                }
                if postings.docs.get(*cursor) != Some(&doc) {
                    continue 'docs;
                }
                let shift = (max_offset - offset) as u32;
                let shifted = &mut scratch.shifted[slot];
                shifted.clear();
                shifted.extend(postings.positions(*cursor).iter().map(|p| p + shift));
            }
            let count = {
                let views = phrase_views(&scratch.shifted[..lists.len()]);
                phrase_count(views.as_slice(), slop, self.scoring, &mut scratch.phrase)
            };
            if count > 0 {
                docs.push((doc, index.score(weight, doc, count)));
            }
        }
        Some(Matches { docs, cost })
    }

    /// A union of the non-empty `children` (tantivy's `scorer_union`): nothing to unite is empty,
    /// one child is its own scorer, several combine each document's scores in clause order; a
    /// union's cost is 0 (tantivy's buffered union reads a whole index under 4,096 documents at
    /// once).
    fn union(&mut self, mut children: Vec<Matches>, combine: impl Fn(&[f32]) -> f32) -> Evaluated {
        if children.len() < 2 {
            let only = children.pop();
            self.scratch.give_group(children);
            return only;
        }
        // A merge of the children's lists (each by document): for each document in turn, its
        // scores in clause order.
        let mut docs = self.scratch.list();
        let (cursors, scores) = self.scratch.merge_buffers(children.len());
        loop {
            let next = children
                .iter()
                .zip(cursors.iter())
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
            docs.push((doc, combine(scores)));
        }
        self.scratch.give_group(children);
        Some(Matches { docs, cost: 0 })
    }

    /// Documents every one of `children` matches (tantivy's `intersect_scorers`): children
    /// ordered by cost, scores added as tantivy's `Intersection` adds them (the first two, then
    /// the rest); an intersection that matches nothing is empty.
    fn intersection(&mut self, mut children: Vec<Matches>) -> Evaluated {
        children.sort_by_key(|child| child.cost);
        if children.len() == 1 {
            let only = children.pop().filter(|only| !only.docs.is_empty());
            self.scratch.give_group(children);
            return only;
        }
        let mut docs = self.scratch.list();
        let (cursors, scores) = self.scratch.merge_buffers(children.len());
        scores.resize(children.len(), 0.0);
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
        let cost = children[0].cost;
        self.scratch.give_group(children);
        if docs.is_empty() {
            self.scratch.give(docs);
            return None;
        }
        Some(Matches { docs, cost })
    }
}

/// The phrase terms' positions as slices, without allocating for the usual two or three terms.
fn phrase_views(shifted: &[Vec<u32>]) -> PhraseViews<'_> {
    let mut views = PhraseViews {
        inline: [&[]; INLINE_TERMS],
        spilled: Vec::new(),
        len: shifted.len(),
    };
    if shifted.len() <= INLINE_TERMS {
        for (view, positions) in views.inline.iter_mut().zip(shifted) {
            *view = positions.as_slice();
        }
    } else {
        views.spilled = shifted.iter().map(Vec::as_slice).collect();
    }
    views
}

/// Phrase terms held without allocating.
const INLINE_TERMS: usize = 4;

/// Slices of positions, one per phrase term.
struct PhraseViews<'a> {
    inline: [&'a [u32]; INLINE_TERMS],
    spilled: Vec<&'a [u32]>,
    len: usize,
}

impl<'a> PhraseViews<'a> {
    fn as_slice(&self) -> &[&'a [u32]] {
        if self.len <= INLINE_TERMS {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
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
