//! The bounded cache of recent search answers (results pages, API answers), kept per content
//! version, with its hit and miss counters.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;

use super::cache::CachedResponse;

/// A search answer kept in the [`ResponseCache`]: the response, and what the search found (when it
/// is one to record), so a search answered from the cache is recorded like any other.
pub(crate) struct CachedAnswer {
    /// The answer.
    pub response: CachedResponse,
    /// What to record each time it is served.
    pub outcome: Option<Arc<crate::store::SearchOutcome>>,
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
