//! Responses computed once per content version: the body with a strong ETag and gzip and brotli
//! variants, answered with a lookup and a write (304 on a matching `If-None-Match`).
//!
//! Compression is done once per body and encoding, either up front ([`CachedResponse::new`], for the
//! pages of a small site and the static assets) or on the first request that accepts the encoding
//! ([`CachedResponse::lazy`], for large sites and cached search answers). The setting is brotli
//! quality 5 and gzip level 6, measured on a 16 KB article page on this 2-core machine: brotli 5
//! takes under 1 ms for a body 0.6 % larger than quality 9 (whose 32 MB hash table costs 5-10 ms of
//! page faults per call here), while quality 11 is 13 % smaller but takes about 20 ms per page, which
//! made startup of our 30-page site 1.2 s instead of 0.04 s. Both sizes fit in TCP's initial
//! congestion window (about 14 KB), so the smaller body would not arrive sooner.
//!
//! Bodies are `Bytes`, so answering is a reference-count increment, not a copy, and every header
//! value is built once.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use super::state::AppState;

/// Bodies smaller than this are not worth compressing.
const COMPRESS_MIN_BYTES: usize = 256;

/// A finished response body with everything needed to answer any request for it.
#[derive(Debug)]
pub(crate) struct CachedResponse {
    identity: Bytes,
    /// `None` inside: compression did not make the body smaller.
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
    compressible: bool,
    etag: HeaderValue,
    content_type: HeaderValue,
    cache_control: HeaderValue,
    /// Set when this body stands in for a page that failed to render: it is answered with this
    /// status whatever the caller asks, and never with 304.
    forced_status: Option<StatusCode>,
}

impl CachedResponse {
    /// Computes the ETag and both compressed variants now (startup work).
    pub(crate) fn new(
        body: Vec<u8>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> CachedResponse {
        let response = CachedResponse::lazy(body, content_type, cache_control);
        response.precompress();
        response
    }

    /// Computes the ETag now; each compressed variant is made on the first request that accepts it,
    /// then kept.
    pub(crate) fn lazy(
        body: Vec<u8>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> CachedResponse {
        CachedResponse::from_parts(
            Bytes::from(body),
            HeaderValue::from_static(content_type),
            HeaderValue::from_static(cache_control),
        )
    }

    /// [`CachedResponse::lazy`] for a body and header values taken from a finished response.
    fn from_parts(
        body: Bytes,
        content_type: HeaderValue,
        cache_control: HeaderValue,
    ) -> CachedResponse {
        let compressible =
            body.len() >= COMPRESS_MIN_BYTES && !content_type.as_bytes().starts_with(b"image/png");
        let etag = format!("\"{}\"", &crate::digest::sha256_hex(&body)[..32]);
        CachedResponse {
            // Hex and quotes only, so always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
            identity: body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            compressible,
            content_type,
            cache_control,
            forced_status: None,
        }
    }

    /// A body always answered with `status` (no ETag match, no 304): stands in for a page whose
    /// rendering failed.
    pub(crate) fn failed(mut self, status: StatusCode) -> CachedResponse {
        self.forced_status = Some(status);
        self
    }

    /// Makes both compressed variants now, unless they exist already.
    pub(crate) fn precompress(&self) {
        self.gzip_body();
        self.brotli_body();
    }

    /// Bytes held: the body and the compressed variants made so far.
    pub(crate) fn held_bytes(&self) -> usize {
        let variant = |cell: &OnceLock<Option<Bytes>>| {
            cell.get().and_then(Option::as_ref).map_or(0, Bytes::len)
        };
        self.identity.len() + variant(&self.gzip) + variant(&self.brotli)
    }

    /// The uncompressed body.
    pub(crate) fn body(&self) -> &[u8] {
        &self.identity
    }

    fn gzip_body(&self) -> Option<&Bytes> {
        if !self.compressible {
            return None;
        }
        self.gzip
            .get_or_init(|| smaller(gzip(&self.identity), self.identity.len()))
            .as_ref()
    }

    fn brotli_body(&self) -> Option<&Bytes> {
        if !self.compressible {
            return None;
        }
        self.brotli
            .get_or_init(|| smaller(brotli(&self.identity), self.identity.len()))
            .as_ref()
    }

    /// Answers `request` with status `status`: 304 when the client has this version, otherwise the best
    /// encoding the client accepts.
    pub(crate) fn respond(&self, request: &HttpRequest, status: StatusCode) -> HttpResponse {
        let status = self.forced_status.unwrap_or(status);
        if status.is_success() && self.forced_status.is_none() && client_has(request, &self.etag) {
            let mut response = HttpResponse::NotModified().finish();
            self.insert_validators(response.headers_mut());
            return response;
        }
        let accepted = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let (body, encoding) = if let Some(body) = accepts(accepted, "br")
            .then(|| self.brotli_body())
            .flatten()
        {
            (body.clone(), Some("br"))
        } else if let Some(body) = accepts(accepted, "gzip")
            .then(|| self.gzip_body())
            .flatten()
        {
            (body.clone(), Some("gzip"))
        } else {
            (self.identity.clone(), None)
        };
        let mut response = HttpResponse::with_body(status, body).map_into_boxed_body();
        let headers = response.headers_mut();
        self.insert_validators(headers);
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }

    fn insert_validators(&self, headers: &mut actix_web::http::header::HeaderMap) {
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        if self.forced_status.is_none() {
            headers.insert(header::ETAG, self.etag.clone());
        }
        if self.compressible {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
    }
}

/// A bounded cache of recent answers (search results pages, API answers), keyed by path and query
/// string. It lives in the `Snapshot`, so a reload starts it empty. Eviction is CLOCK (second
/// chance): an entry read since the hand last passed survives one more round, so popular queries
/// stay while one-off ones cycle out. A handful of lines rather than a dependency: one mutex held
/// for a hash lookup is no contention at two workers.
pub(crate) struct ResponseCache {
    capacity: usize,
    state: Mutex<ClockState>,
}

#[derive(Default)]
struct ClockState {
    entries: HashMap<Arc<str>, ClockEntry>,
    /// The clock: keys in the order the hand visits them.
    hand: VecDeque<Arc<str>>,
}

struct ClockEntry {
    response: Arc<CachedResponse>,
    referenced: bool,
}

impl ResponseCache {
    /// An empty cache holding at most `capacity` answers.
    pub(crate) fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            capacity,
            state: Mutex::new(ClockState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ClockState> {
        // The state is consistent after every statement, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached answer for `key`, marking it recently used.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<CachedResponse>> {
        let mut state = self.lock();
        let entry = state.entries.get_mut(key)?;
        entry.referenced = true;
        Some(Arc::clone(&entry.response))
    }

    /// Keeps `response` for `key`, evicting the first unreferenced entry when full.
    pub(crate) fn insert(&self, key: &str, response: Arc<CachedResponse>) {
        if self.capacity == 0 {
            return;
        }
        let mut state = self.lock();
        if let Some(entry) = state.entries.get_mut(key) {
            entry.response = response;
            return;
        }
        while state.entries.len() >= self.capacity {
            let Some(candidate) = state.hand.pop_front() else {
                break;
            };
            match state.entries.get_mut(&candidate) {
                Some(entry) if entry.referenced => {
                    entry.referenced = false;
                    state.hand.push_back(candidate);
                }
                _ => {
                    state.entries.remove(&candidate);
                }
            }
        }
        let key: Arc<str> = Arc::from(key);
        state.hand.push_back(Arc::clone(&key));
        state.entries.insert(
            key,
            ClockEntry {
                response,
                referenced: false,
            },
        );
    }

    /// Number of answers held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

/// Longest query string whose answer is cached; longer ones are answered afresh every time (they
/// are rare, and would let one visitor fill the cache with large keys).
const MAX_CACHED_QUERY_BYTES: usize = 512;

/// Wraps a handler whose answer depends only on the path and query string (the search endpoints):
/// a `200` answer is kept in the current snapshot's [`ResponseCache`], with its ETag and compressed
/// variants, and later requests for the same path and query string are answered from it (304 on a
/// matching `If-None-Match`). Other statuses pass through untouched.
pub(crate) fn cached<F, Fut>(
    handler: F,
) -> impl Fn(web::Data<AppState>, HttpRequest) -> LocalBoxFuture<'static, HttpResponse> + Clone + 'static
where
    F: Fn(web::Data<AppState>, HttpRequest) -> Fut + Clone + 'static,
    Fut: Future<Output = HttpResponse> + 'static,
{
    move |state: web::Data<AppState>, request: HttpRequest| {
        let handler = handler.clone();
        async move {
            let snapshot = state.snapshot();
            let query = request.query_string();
            if query.len() > MAX_CACHED_QUERY_BYTES {
                return handler(state, request).await;
            }
            let key = format!("{}?{query}", request.path());
            if let Some(hit) = snapshot.search_cache.get(&key) {
                return hit.respond(&request, StatusCode::OK);
            }
            let response = handler(state, request.clone()).await;
            if response.status() != StatusCode::OK {
                return response;
            }
            let (head, body) = response.into_parts();
            let body = match body.try_into_bytes() {
                Ok(bytes) => bytes,
                Err(body) => return head.set_body(body),
            };
            let header = |name| head.headers().get(name).cloned();
            let response = Arc::new(CachedResponse::from_parts(
                body,
                header(header::CONTENT_TYPE)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                header(header::CACHE_CONTROL).unwrap_or(HeaderValue::from_static("no-cache")),
            ));
            snapshot.search_cache.insert(&key, Arc::clone(&response));
            response.respond(&request, StatusCode::OK)
        }
        .boxed_local()
    }
}

/// Whether `If-None-Match` lists `etag` (or `*`).
fn client_has(request: &HttpRequest, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag.as_bytes() == etag || tag == "*")
}

/// Whether an `Accept-Encoding` value accepts `coding` (respecting `q=0`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// Keeps a compressed body only if it is non-empty and smaller than the original.
fn smaller(compressed: Vec<u8>, original: usize) -> Option<Bytes> {
    (!compressed.is_empty() && compressed.len() < original).then(|| Bytes::from(compressed))
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::default(),
    );
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut output = Vec::with_capacity(body.len() / 3);
    // A window just big enough for the body: a smaller ring buffer and hash table to allocate and
    // fault in (18 bits = 256 KB suits pages; the format allows 10 to 24).
    let window = (usize::BITS - body.len().leading_zeros()).clamp(18, 22) as i32;
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        lgwin: window,
        size_hint: body.len(),
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &body[..], &mut output, &params) {
        Ok(_) => output,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn accept_encoding_table() {
        for (header, coding, expected) in [
            ("gzip, deflate, br", "br", true),
            ("gzip;q=0.5", "gzip", true),
            ("br;q=0", "br", false),
            ("identity", "gzip", false),
            ("", "gzip", false),
            ("GZIP", "gzip", true),
        ] {
            assert_eq!(accepts(header, coding), expected, "{header} {coding}");
        }
    }

    #[test]
    fn empty_compression_results_are_discarded() {
        let response = CachedResponse::new(vec![b'a'; 1000], "text/plain", "no-cache");
        assert!(response.gzip.get().is_some_and(|g| g.is_some()));
        assert!(response.brotli.get().is_some_and(|b| b.is_some()));
        assert_eq!(smaller(Vec::new(), 10), None);
        assert_eq!(smaller(vec![1; 20], 10), None);
    }

    fn body_text(response: &CachedResponse, accept_encoding: &str) -> (Option<String>, Vec<u8>) {
        let request = TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, accept_encoding))
            .to_http_request();
        let answer = response.respond(&request, StatusCode::OK);
        let encoding = answer
            .headers()
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = actix_web::body::to_bytes(answer.into_body());
        let bytes = futures_util::FutureExt::now_or_never(bytes)
            .and_then(Result::ok)
            .unwrap_or_default();
        (encoding, bytes.to_vec())
    }

    #[test]
    fn lazy_variants_are_made_on_first_request_and_decode_to_the_body() {
        let body: Vec<u8> = "<p>Call 1-800-528-4800 about a lost card.</p>\n"
            .repeat(40)
            .into_bytes();
        let response = CachedResponse::lazy(body.clone(), "text/html; charset=utf-8", "no-cache");
        assert!(response.brotli.get().is_none() && response.gzip.get().is_none());
        assert_eq!(response.held_bytes(), body.len());

        let (encoding, compressed) = body_text(&response, "gzip, br");
        assert_eq!(encoding.as_deref(), Some("br"));
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&compressed[..], 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, body);
        assert!(
            response.gzip.get().is_none(),
            "gzip is made only when asked"
        );

        let (encoding, compressed) = body_text(&response, "gzip");
        assert_eq!(encoding.as_deref(), Some("gzip"));
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, body);
        assert!(response.held_bytes() > body.len());

        let (encoding, plain) = body_text(&response, "identity");
        assert_eq!((encoding, plain), (None, body));
    }

    #[test]
    fn matching_etag_gets_304_but_a_failed_page_never_does() {
        let response = CachedResponse::lazy(b"hello".to_vec(), "text/plain", "no-cache");
        let etag = response.etag.to_str().expect("ascii").to_string();
        let request = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, etag.as_str()))
            .to_http_request();
        assert_eq!(
            response.respond(&request, StatusCode::OK).status(),
            StatusCode::NOT_MODIFIED
        );
        let failed = CachedResponse::lazy(b"hello".to_vec(), "text/plain", "no-store")
            .failed(StatusCode::INTERNAL_SERVER_ERROR);
        let answer = failed.respond(&request, StatusCode::OK);
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(answer.headers().get(header::ETAG).is_none());
    }

    #[actix_web::test]
    async fn search_answers_come_from_the_cache_with_etags_and_304s() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        let snapshot = crate::build_snapshot(&dir, 1).expect("the fixture site builds");
        let state = web::Data::new(AppState::new(snapshot));
        let app = actix_web::test::init_service(crate::web::app(state.clone(), false)).await;
        for uri in [
            "/search?q=lost+card",
            "/api/search?q=lost+card",
            "/api/suggest?q=los",
        ] {
            let fetch = |request: TestRequest| request.uri(uri).to_request();
            let first = actix_web::test::call_service(&app, fetch(TestRequest::get())).await;
            assert_eq!(first.status(), StatusCode::OK, "{uri}");
            let etag = first.headers().get(header::ETAG).cloned().expect("an ETag");
            let first_body = actix_web::test::read_body(first).await;
            assert!(state.snapshot().search_cache.len() > 0);

            let again = actix_web::test::call_service(&app, fetch(TestRequest::get())).await;
            assert_eq!(again.headers().get(header::ETAG), Some(&etag), "{uri}");
            assert_eq!(actix_web::test::read_body(again).await, first_body, "{uri}");

            let revalidate = TestRequest::get().insert_header((header::IF_NONE_MATCH, etag));
            let not_modified = actix_web::test::call_service(&app, fetch(revalidate)).await;
            assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED, "{uri}");
        }
        // Errors are not cached.
        let bad = TestRequest::get()
            .uri("/api/search?q=x&page=0")
            .to_request();
        let before = state.snapshot().search_cache.len();
        let response = actix_web::test::call_service(&app, bad).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(state.snapshot().search_cache.len(), before);
    }
}
