//! Answering a request: the results page (hits with snippets, counts, "did you mean", instant
//! answer) and typeahead suggestions, from the query plan, the ranking and the catalog.

use super::SearchIndex;
use super::catalog::SnippetTerms;
use super::collect::{Ranked, Scored};
use super::plan::{Mode, Planner};
use super::rank::FEW_MATCHES;
use super::types::{
    DEFAULT_PER_PAGE, Hit, HitKind, MAX_PER_PAGE, MAX_RESULT_DEPTH, MAX_SUGGESTIONS, SearchRequest,
    SearchResults, Suggestion,
};
use super::understand::normalise;

impl SearchIndex {
    /// The answer to `request` (see [`SearchIndex::search`]).
    pub(crate) fn results(&self, request: &SearchRequest<'_>) -> SearchResults {
        let normalised = normalise(request.query);
        let per_page = match request.per_page {
            0 => DEFAULT_PER_PAGE,
            n => n.min(MAX_PER_PAGE),
        };
        let page = request.page.max(1);
        let mut results = SearchResults {
            query: normalised.text,
            truncated: normalised.truncated,
            total: 0,
            counts: HitKind::ALL.iter().map(|&kind| (kind, 0)).collect(),
            estimated: false,
            hits: Vec::new(),
            page,
            per_page,
            did_you_mean: None,
            instant_answer: None,
            answer: None,
            number_check: None,
            plan: None,
        };
        if results.query.is_empty() {
            return results;
        }
        let searcher = self.reader.searcher();
        let plan = self.planner(&searcher).plan(&results.query, Mode::Search);
        let decision = self.answers.decide(
            &results.query,
            Some(&plan.words),
            plan.correction.as_deref(),
            &plan.typo_stems,
            &self.analyzers,
        );
        results.number_check = decision.number_check;
        results.plan = decision.plan;
        results.instant_answer = decision
            .answer
            .as_ref()
            .and_then(|answer| answer.contacts.first())
            .map(|contact| contact.id.clone());
        results.answer = decision.answer;
        let pinned = decision
            .first
            .as_deref()
            .and_then(|url| self.pin_ordinal(url))
            .filter(|&ordinal| {
                request
                    .kind
                    .is_none_or(|kind| kind == self.catalog.kind(ordinal as usize))
            });
        if plan.query.is_none() && pinned.is_none() {
            return results;
        }
        let offset = (page - 1).saturating_mul(per_page);
        let limit = if offset < MAX_RESULT_DEPTH {
            (offset + per_page).min(MAX_RESULT_DEPTH)
        } else {
            0
        };
        let mut ranked = match self.rank(&searcher, &plan, request.kind, limit) {
            Ok(ranked) => ranked,
            Err(error) => {
                tracing::warn!(%error, query = %crate::redact::mask(&results.query), "search failed");
                return results;
            }
        };
        if let Some(ordinal) = pinned {
            self.pin_first(&mut ranked, ordinal, limit);
        }
        results.counts = HitKind::ALL
            .iter()
            .map(|&kind| (kind, ranked.counts[kind.slot()]))
            .collect();
        results.estimated = ranked.estimated;
        results.total = match request.kind {
            Some(kind) => ranked.counts[kind.slot()],
            None => ranked.counts.iter().sum(),
        };
        if ranked.estimated {
            results.total = super::estimate::round_estimate(results.total);
        }
        if plan.has_unknown_word || results.total == 0 {
            results.did_you_mean = plan.correction;
        }
        let terms = self.catalog.snippet_terms(&plan.highlight);
        results.hits = ranked
            .hits
            .iter()
            .skip(offset)
            .map(|scored| self.hit(*scored, &terms, &ranked.contacts))
            .collect();
        results
    }

    /// Typeahead suggestions for `query` (see [`SearchIndex::suggest`]).
    pub(crate) fn suggestions(&self, query: &str, limit: usize) -> Vec<Suggestion> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let normalised = normalise(query);
        if limit == 0
            || normalised
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count()
                < 2
        {
            return Vec::new();
        }
        let searcher = self.reader.searcher();
        let plan = self
            .planner(&searcher)
            .plan(&normalised.text, Mode::Suggest);
        let Some(query) = &plan.query else {
            return Vec::new();
        };
        let collector = self.rank_collector(None, limit * 3);
        let rank = |node| self.rank_suggestions(&searcher, node, &collector);
        let mut outcome = rank(query);
        if let (Ok(ranked), Some(fallback)) = (&outcome, &plan.fallback)
            && ranked.counts.iter().sum::<usize>() < FEW_MATCHES
        {
            outcome = rank(fallback);
        }
        let ranked = match outcome {
            Ok(ranked) => ranked,
            Err(error) => {
                tracing::warn!(%error, query = %crate::redact::mask(&normalised.text), "suggest failed");
                return Vec::new();
            }
        };
        let mut suggestions: Vec<Suggestion> = Vec::with_capacity(limit);
        for scored in ranked.hits {
            let ordinal = scored.ordinal as usize;
            let suggestion = Suggestion {
                title: self.catalog.suggestion_title(ordinal),
                url: self.catalog.url(ordinal),
                kind: self.catalog.kind(ordinal),
            };
            if suggestions
                .iter()
                .any(|s| s.title == suggestion.title || s.url == suggestion.url)
            {
                continue;
            }
            suggestions.push(suggestion);
            if suggestions.len() == limit {
                break;
            }
        }
        suggestions
    }

    /// Ranks typeahead matches of `node`: among the candidates on a big index (`staged`), unless
    /// they do not fill the list; every match otherwise.
    fn rank_suggestions(
        &self,
        searcher: &tantivy::Searcher,
        node: &super::query::Node,
        collector: &super::collect::RankCollector,
    ) -> tantivy::Result<Ranked> {
        if self.engine.is_none()
            && let Some(ranked) = self.suggest_staged(searcher, node, collector)?
        {
            return Ok(ranked);
        }
        self.runner(searcher).rank(node, None, collector)
    }

    /// Puts the page at `ordinal` first: moved up when it matched, added (and counted) when it
    /// did not, so the page the answer layer chose leads the results. A page that matched below
    /// the hits fetched is counted once more (the counts are exact otherwise).
    fn pin_first(&self, ranked: &mut Ranked, ordinal: u32, limit: usize) {
        let top = ranked.hits.first().map_or(1.0, |hit| hit.score);
        match ranked.hits.iter().position(|hit| hit.ordinal == ordinal) {
            Some(position) => {
                let mut hit = ranked.hits.remove(position);
                hit.score = hit.score.max(top);
                ranked.hits.insert(0, hit);
            }
            None => {
                ranked.counts[self.catalog.kind(ordinal as usize).slot()] += 1;
                ranked.hits.insert(
                    0,
                    Scored {
                        score: top,
                        ordinal,
                    },
                );
                ranked.hits.truncate(limit);
            }
        }
    }

    /// A planner over `searcher` with this index's fields, analyzers and synonyms.
    pub(crate) fn planner<'a>(&'a self, searcher: &'a tantivy::Searcher) -> Planner<'a> {
        Planner {
            searcher,
            fields: self.fields,
            analyzers: &self.analyzers,
            synonyms: &self.synonyms,
            large_result: self.large_result,
            engine: self.engine.as_ref(),
        }
    }

    /// One hit of the results page, with its snippet and the contact it leads to.
    fn hit(&self, scored: Scored, terms: &SnippetTerms<'_>, contact_scores: &[Scored]) -> Hit {
        let ordinal = scored.ordinal as usize;
        let catalog = &self.catalog;
        Hit {
            kind: catalog.kind(ordinal),
            title: catalog.title(ordinal).to_string(),
            url: catalog.url(ordinal),
            category: catalog.category(ordinal).map(str::to_string),
            breadcrumb: catalog.breadcrumb(ordinal),
            snippet: catalog.snippet(ordinal, terms, &self.analyzers),
            phones: catalog.phones(ordinal),
            contact_id: self
                .contact_for(ordinal, contact_scores)
                .map(str::to_string),
            score: scored.score,
        }
    }
}
