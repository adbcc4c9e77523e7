//! What the editors' dashboard keeps per process: the token's digest (compared in constant time),
//! the key session cookies are signed with, the login rate limits, and a store opened for reading
//! on first use (its own small pool beside the writer's, so reads never queue behind writes).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::{Location, Store, StoreError};

/// Login attempts one client may make per minute (a burst of this many, then one every
/// 60 / this seconds).
const LOGINS_PER_CLIENT_PER_MINUTE: u32 = 5;
/// Login attempts all clients together may make per minute: a brute force spread over many
/// addresses is slowed as well.
const LOGINS_PER_MINUTE: u32 = 30;
/// Clients the per-client limiter remembers before forgetting those whose limit has recovered.
const REMEMBERED_CLIENTS: usize = 10_000;

/// The dashboard's settings and state, present only when `HELPCENTER_ADMIN_TOKEN` is set.
pub struct Admin {
    token_digest: [u8; 32],
    session_key: [u8; 32],
    location: Location,
    store: tokio::sync::OnceCell<Store>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    everyone: DefaultDirectRateLimiter,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token, its digest or the key.
        f.debug_struct("Admin")
            .field("location", &self.location.describe())
            .finish_non_exhaustive()
    }
}

impl Admin {
    /// The dashboard for `token`, reading the store at `location`.
    ///
    /// Sessions are signed with a key derived from the token (SHA-256 of a fixed label and the
    /// token), not a random key per process: replicas sharing the token accept each other's
    /// sessions and a restart logs nobody out, and changing the token ends every session.
    pub fn new(token: &str, location: Location) -> Admin {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Admin {
            token_digest: Sha256::digest(token.as_bytes()).into(),
            session_key: Sha256::new()
                .chain_update(b"helpcenter admin session key v1\0")
                .chain_update(token.as_bytes())
                .finalize()
                .into(),
            location,
            store: tokio::sync::OnceCell::new(),
            per_client: RateLimiter::keyed(per_minute(LOGINS_PER_CLIENT_PER_MINUTE)),
            everyone: RateLimiter::direct(per_minute(LOGINS_PER_MINUTE)),
        }
    }

    /// Whether `given` is the token. Both sides are hashed first, so the comparison takes the same
    /// time whatever the length or content of `given`.
    pub(crate) fn token_matches(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        given.ct_eq(&self.token_digest).into()
    }

    /// The key session cookies are signed with.
    pub(crate) fn session_key(&self) -> &[u8; 32] {
        &self.session_key
    }

    /// Whether `client` may try to log in now (counts the attempt).
    pub(crate) fn allow_login(&self, client: IpAddr) -> bool {
        if self.per_client.len() > REMEMBERED_CLIENTS {
            self.per_client.retain_recent();
        }
        self.per_client.check_key(&client).is_ok() && self.everyone.check().is_ok()
    }

    /// The store, opened (and migrated) on first use, within the store's own connect timeout; a
    /// failure is returned and the next request tries again.
    pub(crate) async fn store(&self) -> Result<&Store, StoreError> {
        self.store
            .get_or_try_init(|| Store::open(&self.location))
            .await
    }

    /// The store's location, without secrets.
    pub(crate) fn describe_location(&self) -> String {
        self.location.describe()
    }
}
