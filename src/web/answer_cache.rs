//! The bounded cache of recent search answers (results pages, API answers), kept per content
//! version, with its hit and miss counters.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::{HttpRequest, HttpResponse};
use lru::LruCache;

use super::cache::CachedResponse;

/// Times an answer is served from the cache before it counts as popular: from then on its
/// smallest compressed variants are made and served (brotli 5, gzip 6; about 20 times the CPU of
/// the fast ones for a search answer, README "Search speed"). Before, it is answered with the fast
/// variants made when it was first asked for: most answers are never asked for again.
pub(crate) const POPULAR_AFTER_HITS: u32 = 2;

/// A search answer kept in the [`ResponseCache`]: the response, what the search found (when it is
/// one to record), so a search answered from the cache is recorded like any other, and how often
/// it was served from the cache.
pub(crate) struct CachedAnswer {
    /// The answer.
    pub response: CachedResponse,
    /// What to record each time it is served.
    pub outcome: Option<Arc<crate::store::SearchOutcome>>,
    /// Times served from the cache so far.
    hits: AtomicU32,
}

impl CachedAnswer {
    /// A new answer, not yet served from the cache.
    pub(crate) fn new(
        response: CachedResponse,
        outcome: Option<Arc<crate::store::SearchOutcome>>,
    ) -> CachedAnswer {
        CachedAnswer {
            response,
            outcome,
            hits: AtomicU32::new(0),
        }
    }

    /// Answers `request` with this answer: the first time (a miss) and while it is not popular,
    /// with the fast compressed variants; once served from the cache more than
    /// [`POPULAR_AFTER_HITS`] times, with the smallest ones. `hit`: served from the cache.
    pub(crate) fn respond(&self, request: &HttpRequest, hit: bool) -> HttpResponse {
        let popular = hit && self.hits.fetch_add(1, Ordering::Relaxed) >= POPULAR_AFTER_HITS;
        self.response.respond_answer(request, popular)
    }
}

/// A bounded cache of recent answers (search results pages, API answers), keyed by path and query
/// string. It lives in the `Snapshot`, so a reload starts it empty. Least recently used answers go
/// first, so popular queries stay while one-off ones cycle out; one mutex held for a hash lookup is
/// no contention at two workers.
pub(crate) struct ResponseCache {
    entries: Mutex<Entries>,
    /// Lookups answered from the cache, and lookups that were not, since this version started
    /// (shown on `/healthz` and logged at shutdown, so the cache's hit rate is a measured figure).
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How often the answer cache answered, since its content version started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) struct CacheStats {
    /// Lookups answered from the cache.
    pub(crate) hits: u64,
    /// Lookups that had to search.
    pub(crate) misses: u64,
    /// Answers held now.
    pub(crate) entries: usize,
}

impl CacheStats {
    /// Hits over all lookups (0 before the first).
    pub(crate) fn hit_rate(&self) -> f64 {
        self.hits as f64 / (self.hits + self.misses).max(1) as f64
    }
}

/// The cache's table; `None` when the capacity is 0.
type Entries = Option<LruCache<Box<str>, Arc<CachedAnswer>>>;

impl ResponseCache {
    /// An empty cache holding at most `capacity` answers (none when 0).
    pub(crate) fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            entries: Mutex::new(NonZeroUsize::new(capacity).map(LruCache::new)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Every operation leaves the cache consistent, so a panic elsewhere cannot corrupt it.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached answer for `key`, marking it recently used.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<CachedAnswer>> {
        let found = self
            .lock()
            .as_mut()
            .and_then(|entries| entries.get(key).cloned());
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Hits, misses and entries so far.
    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.lock().as_ref().map_or(0, LruCache::len),
        }
    }

    /// Keeps `response` for `key`, evicting the least recently used answer when full.
    pub(crate) fn insert(&self, key: &str, response: Arc<CachedAnswer>) {
        if let Some(entries) = self.lock().as_mut() {
            entries.put(Box::from(key), response);
        }
    }

    /// Number of answers held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.stats().entries
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::{StatusCode, header};
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn an_answer_gets_its_smallest_variant_once_it_is_popular() {
        let body = "{\"title\":\"Report a lost card\"}\n"
            .repeat(80)
            .into_bytes();
        let answer = CachedAnswer::new(
            CachedResponse::lazy(body.clone(), "application/json", "no-cache"),
            None,
        );
        let request = TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, "br"))
            .to_http_request();
        let served = |hit| {
            let response = answer.respond(&request, hit);
            assert_eq!(response.status(), StatusCode::OK);
            answer.response.held_bytes()
        };
        let first = served(false);
        assert!(first > body.len(), "the fast variant is kept");
        for _ in 0..POPULAR_AFTER_HITS {
            assert_eq!(served(true), first, "nothing more made while not popular");
        }
        assert!(
            served(true) > first,
            "the smallest variant made once popular"
        );
    }
}
