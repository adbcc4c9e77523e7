//! What every request that writes (the feedback form, the analytics beacon) must pass before it is
//! read: it comes from a page of this site (`Origin`, else `Referer`, names the `Host` it was sent
//! to; a browser never lets another site forge these), and its client is under a rate limit.
//! Clients are told apart by their IP address, held in memory by the limiter only (never stored or
//! logged); behind a proxy every visitor shares the proxy's address, so the limits are generous.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// Why a writing request was turned away before it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not sent from a page of this site.
    CrossOrigin,
    /// Over the client's rate limit; may try again after this long.
    RateLimited(Duration),
}

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Limit {
    /// "Was this helpful?" answers: a person answers a few a minute at most.
    Feedback,
    /// Result clicks and form views sent by the script.
    Beacon,
}

/// Limiters kept this many clients before forgetting idle ones.
const PRUNE_ABOVE_CLIENTS: usize = 10_000;

/// The per-client rate limits, one limiter per kind of request.
pub(crate) struct Limits {
    feedback: DefaultKeyedRateLimiter<IpAddr>,
    beacon: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limits {
    /// Feedback: bursts of 10, then one every 6 s per client. Beacons: bursts of 60, then one a
    /// second.
    pub(crate) fn new() -> Limits {
        Limits::with_feedback_per_minute(10)
    }

    /// `per_minute` feedback answers a minute in bursts of as many, and six times as many beacons
    /// (a visitor's result clicks and form views), at least one a second in bursts of 60.
    pub(crate) fn with_feedback_per_minute(per_minute: u32) -> Limits {
        let beacons = per_minute.saturating_mul(6).max(60);
        Limits::with(
            Quota::per_minute(nonzero(per_minute)).allow_burst(nonzero(per_minute)),
            Quota::per_minute(nonzero(beacons)).allow_burst(nonzero(beacons)),
        )
    }

    /// Limits with other quotas (tests).
    pub(crate) fn with(feedback: Quota, beacon: Quota) -> Limits {
        Limits {
            feedback: DefaultKeyedRateLimiter::keyed(feedback),
            beacon: DefaultKeyedRateLimiter::keyed(beacon),
        }
    }

    /// Counts `request` against `limit` for its client.
    pub(crate) fn check(&self, limit: Limit, request: &HttpRequest) -> Result<(), Refusal> {
        let limiter = match limit {
            Limit::Feedback => &self.feedback,
            Limit::Beacon => &self.beacon,
        };
        if limiter.len() > PRUNE_ABOVE_CLIENTS {
            limiter.retain_recent();
        }
        let client = request
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip());
        limiter.check_key(&client).map_err(|not_until| {
            Refusal::RateLimited(not_until.wait_time_from(DefaultClock::default().now()))
        })
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new()
    }
}

fn nonzero(value: u32) -> NonZeroU32 {
    NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN)
}

/// Whether `request` was sent from a page of this site: a browser's `Sec-Fetch-Site` must not say
/// another site, and `Origin` (or, without it, `Referer`) must name the host the request was sent
/// to. A request with neither is refused: every browser sends `Origin` with a form `POST`.
pub(crate) fn same_origin(request: &HttpRequest) -> Result<(), Refusal> {
    let headers = request.headers();
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && !matches!(site, "same-origin" | "none")
    {
        return Err(Refusal::CrossOrigin);
    }
    let Some(host) = text(header::HOST) else {
        return Err(Refusal::CrossOrigin);
    };
    let sender = match text(header::ORIGIN).filter(|origin| *origin != "null") {
        Some(origin) => origin,
        None => text(header::REFERER).ok_or(Refusal::CrossOrigin)?,
    };
    match authority(sender) {
        Some(authority) if authority.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(Refusal::CrossOrigin),
    }
}

/// The `host[:port]` of an absolute http(s) URL.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(headers: &[(&str, &str)]) -> HttpRequest {
        let mut request = TestRequest::post().uri("/feedback");
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        request.to_http_request()
    }

    #[test]
    fn origin_table() {
        let host = ("host", "help.example:8080");
        let table: &[(&[(&str, &str)], bool)] = &[
            (&[host, ("origin", "http://help.example:8080")], true),
            (&[host, ("origin", "https://HELP.example:8080")], true),
            (&[host, ("referer", "http://help.example:8080/faq")], true),
            (&[host, ("origin", "http://evil.example")], false),
            (&[host, ("origin", "http://help.example:8080.evil")], false),
            (&[host, ("origin", "http://help.example:9090")], false),
            (
                &[
                    host,
                    ("referer", "http://evil.example/?http://help.example:8080"),
                ],
                false,
            ),
            (&[host, ("referer", "http://x@help.example:8080/")], false),
            (&[host], false),
            (&[host, ("origin", "null")], false),
            (&[("origin", "http://help.example:8080")], false),
            (
                &[
                    host,
                    ("origin", "http://help.example:8080"),
                    ("sec-fetch-site", "cross-site"),
                ],
                false,
            ),
            (
                &[
                    host,
                    ("origin", "http://help.example:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                true,
            ),
        ];
        for (headers, accepted) in table {
            assert_eq!(
                same_origin(&request(headers)).is_ok(),
                *accepted,
                "{headers:?}"
            );
        }
    }

    #[test]
    fn the_limit_refuses_past_the_burst_and_says_how_long_to_wait() {
        let limits = Limits::with(
            Quota::per_minute(nonzero(1)).allow_burst(nonzero(3)),
            Quota::per_minute(nonzero(1)),
        );
        let request = request(&[]);
        for _ in 0..3 {
            assert_eq!(limits.check(Limit::Feedback, &request), Ok(()));
        }
        match limits.check(Limit::Feedback, &request) {
            Err(Refusal::RateLimited(wait)) => assert!(wait > Duration::from_secs(1), "{wait:?}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Each limit counts apart.
        assert_eq!(limits.check(Limit::Beacon, &request), Ok(()));
    }
}
