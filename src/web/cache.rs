//! Responses computed once per content version: the body with a strong ETag and gzip and brotli
//! variants, answered with a lookup and a write (304 on a matching `If-None-Match`). The bounded
//! cache of recent search answers built on it is `answer_cache`.
//!
//! Compression is done once per body and encoding, either up front ([`CachedResponse::new`], for the
//! pages of a small site and the static assets) or on the first request that accepts the encoding
//! ([`CachedResponse::lazy`], for large sites and cached search answers). Brotli runs at quality 5
//! and gzip at level 6: higher brotli qualities cost far more time per page for a few percent
//! fewer bytes, and both sizes already fit in TCP's initial congestion window (the measurements
//! are in the README, "Performance"). A search answer that may never be asked for again is
//! answered with fast variants instead (brotli 1, gzip 1: [`CachedResponse::respond_answer`]), kept
//! until it proves popular, and with gzip when the client accepts gzip as readily as brotli (gzip 1
//! is both faster and smaller than brotli 1 for these bodies). Bodies are `Bytes`, so answering is
//! a reference-count increment, not a copy, and every header value is built once.

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, ContentEncoding, EntityTag, Header as _, HeaderValue, IfNoneMatch,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use super::compress::{Compressor, brotli, brotli_fast, gzip, gzip_fast, smaller};
use super::negotiate::{self, Tie};

/// Bodies smaller than this are not worth compressing.
const COMPRESS_MIN_BYTES: usize = 256;

/// How much time compressing a variant is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effort {
    /// The smallest the time allows (brotli 5, gzip 6): for bodies served many times.
    Best,
    /// The fastest setting (brotli 1, gzip 1), unless the best variant exists already: for bodies
    /// that may never be asked for again.
    Fast,
}

/// A finished response body with everything needed to answer any request for it.
#[derive(Debug)]
pub(crate) struct CachedResponse {
    identity: Bytes,
    /// The best variants (`Effort::Best`); `None` inside: compression did not make the body
    /// smaller.
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
    /// The fast variants (`Effort::Fast`), made only for bodies answered with
    /// [`CachedResponse::respond_fast`] while they have no best variant.
    gzip_fast: OnceLock<Option<Bytes>>,
    brotli_fast: OnceLock<Option<Bytes>>,
    compressible: bool,
    etag: HeaderValue,
    content_type: HeaderValue,
    cache_control: HeaderValue,
    /// The ETag as compared with `If-None-Match`.
    entity_tag: EntityTag,
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
    pub(crate) fn from_parts(
        body: Bytes,
        content_type: HeaderValue,
        cache_control: HeaderValue,
    ) -> CachedResponse {
        let compressible =
            body.len() >= COMPRESS_MIN_BYTES && !content_type.as_bytes().starts_with(b"image/png");
        let entity_tag = EntityTag::new_strong(crate::digest::sha256_hex(&body)[..32].to_string());
        CachedResponse {
            // Hex and quotes only, so always a valid header value.
            etag: HeaderValue::from_str(&entity_tag.to_string())
                .unwrap_or(HeaderValue::from_static("\"\"")),
            entity_tag,
            identity: body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            gzip_fast: OnceLock::new(),
            brotli_fast: OnceLock::new(),
            compressible,
            content_type,
            cache_control,
        }
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
        self.identity.len()
            + [&self.gzip, &self.brotli, &self.gzip_fast, &self.brotli_fast]
                .into_iter()
                .map(variant)
                .sum::<usize>()
    }

    /// The uncompressed body.
    #[cfg(test)]
    pub(crate) fn body(&self) -> &[u8] {
        &self.identity
    }

    fn gzip_body(&self) -> Option<&Bytes> {
        self.variant(&self.gzip, gzip)
    }

    fn brotli_body(&self) -> Option<&Bytes> {
        self.variant(&self.brotli, brotli)
    }

    /// The compressed variant kept in `cell`, made with `compress` on first use; `None` when the
    /// body is not worth compressing or compressing did not make it smaller.
    fn variant<'a>(
        &'a self,
        cell: &'a OnceLock<Option<Bytes>>,
        compress: Compressor,
    ) -> Option<&'a Bytes> {
        if !self.compressible {
            return None;
        }
        cell.get_or_init(|| smaller(compress(&self.identity), self.identity.len()))
            .as_ref()
    }

    /// Answers `request` with status `status`: 304 when the client has this version, otherwise the best
    /// encoding the client accepts, its best variant made on first use and kept.
    pub(crate) fn respond(&self, request: &HttpRequest, status: StatusCode) -> HttpResponse {
        self.respond_with(request, status, Effort::Best, Tie::Brotli)
    }

    /// [`CachedResponse::respond`] for a search answer: gzip when the client accepts it as readily
    /// as brotli (for a miss, popular or not, alike); while the answer is not `popular` (it may never
    /// be asked for again), the best variant when it exists, else a fast one, made on first use and
    /// kept; once popular, the best variant.
    pub(crate) fn respond_answer(&self, request: &HttpRequest, popular: bool) -> HttpResponse {
        let effort = if popular { Effort::Best } else { Effort::Fast };
        self.respond_with(request, StatusCode::OK, effort, Tie::Gzip)
    }

    fn respond_with(
        &self,
        request: &HttpRequest,
        status: StatusCode,
        effort: Effort,
        tie: Tie,
    ) -> HttpResponse {
        if status.is_success() && self.client_has(request) {
            let mut response = HttpResponse::NotModified().finish();
            self.insert_validators(response.headers_mut());
            return response;
        }
        let variant = |coding| self.variant_for(coding, effort);
        let (body, encoding) = match self.negotiate(request, tie, variant) {
            Some((ContentEncoding::Brotli, body)) => (body.clone(), Some("br")),
            Some((_, body)) => (body.clone(), Some("gzip")),
            None => (self.identity.clone(), None),
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

    /// The body compressed with `coding` (brotli or gzip) with `effort`, made on first use and
    /// kept; `None` when that would not make it smaller.
    fn variant_for(&self, coding: ContentEncoding, effort: Effort) -> Option<&Bytes> {
        let (best, fast, best_cell, fast_cell): (Compressor, Compressor, _, _) = match coding {
            ContentEncoding::Brotli => (brotli, brotli_fast, &self.brotli, &self.brotli_fast),
            ContentEncoding::Gzip => (gzip, gzip_fast, &self.gzip, &self.gzip_fast),
            _ => return None,
        };
        match (effort, best_cell.get()) {
            (Effort::Best, _) | (Effort::Fast, Some(_)) => self.variant(best_cell, best),
            (Effort::Fast, None) => self.variant(fast_cell, fast),
        }
    }

    /// The coding to answer with and its body, by the request's `Accept-Encoding` (see
    /// `negotiate`); a coding whose variant (from `variant`) would not be smaller than the body is
    /// passed over for the next choice. `None`: the body as is.
    fn negotiate<'a>(
        &'a self,
        request: &HttpRequest,
        tie: Tie,
        variant: impl Fn(ContentEncoding) -> Option<&'a Bytes>,
    ) -> Option<(ContentEncoding, &'a Bytes)> {
        if !self.compressible {
            return None;
        }
        let (coding, next) = negotiate::codings(request.headers(), tie)?;
        if let Some(body) = variant(coding) {
            return Some((coding, body));
        }
        let next = next?;
        variant(next).map(|body| (next, body))
    }

    /// Whether `If-None-Match` lists this body's ETag (weak comparison, as RFC 9110 asks) or `*`.
    fn client_has(&self, request: &HttpRequest) -> bool {
        if !request.headers().contains_key(header::IF_NONE_MATCH) {
            return false;
        }
        match IfNoneMatch::parse(request) {
            Ok(IfNoneMatch::Any) => true,
            Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&self.entity_tag)),
            Err(_) => false,
        }
    }

    fn insert_validators(&self, headers: &mut actix_web::http::header::HeaderMap) {
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        headers.insert(header::ETAG, self.etag.clone());
        if self.compressible {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
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
            // q-values are honoured: a client preferring gzip gets gzip even though it accepts br.
            ("br;q=0.1, gzip", "gzip", true),
            ("br;q=0.1, gzip", "br", false),
            ("gzip;q=0.2, br;q=0.9", "br", true),
            ("*", "br", false),
        ] {
            assert_eq!(accepts(header, coding), expected, "{header} {coding}");
        }
    }

    /// Whether a compressible body is answered with `coding` for this `Accept-Encoding`.
    fn accepts(accept_encoding: &str, coding: &str) -> bool {
        let response = CachedResponse::lazy(vec![b'a'; 1000], "text/plain", "no-cache");
        body_text(&response, accept_encoding).0.as_deref() == Some(coding)
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
    fn a_fast_answer_keeps_its_fast_variant_until_the_best_one_is_made() {
        let body: Vec<u8> = "{\"title\":\"Report a lost card\",\"tel\":\"+18005284800\"}\n"
            .repeat(60)
            .into_bytes();
        let response = CachedResponse::lazy(body.clone(), "application/json", "no-cache");
        let fast = |accept_encoding: &str| {
            let request = TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, accept_encoding))
                .to_http_request();
            let answer = response.respond_answer(&request, false);
            let encoding = answer.headers().get(header::CONTENT_ENCODING).cloned();
            let bytes = futures_util::FutureExt::now_or_never(actix_web::body::to_bytes(
                answer.into_body(),
            ))
            .and_then(Result::ok)
            .unwrap_or_default();
            (encoding, bytes.to_vec())
        };
        let (encoding, compressed) = fast("br");
        assert_eq!(encoding, Some(HeaderValue::from_static("br")));
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&compressed[..], 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, body);
        let (encoding, gzipped) = fast("gzip");
        assert_eq!(encoding, Some(HeaderValue::from_static("gzip")));
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gzipped[..])
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, body);
        assert!(response.brotli.get().is_none() && response.gzip.get().is_none());
        assert!(response.brotli_fast.get().is_some_and(Option::is_some));
        assert_eq!(fast("br").1, compressed, "the fast variant is kept");

        // The best variant, once made, is what both ways answer with.
        let (encoding, best) = body_text(&response, "br");
        assert_eq!(encoding.as_deref(), Some("br"));
        assert!(response.brotli.get().is_some_and(Option::is_some));
        assert_eq!(fast("br").1, best);
    }

    /// A search answer takes gzip when the client accepts it as readily as brotli, and brotli
    /// when the client prefers it; a page keeps brotli on a tie.
    #[test]
    fn answers_take_gzip_on_a_tie_pages_brotli() {
        let body: Vec<u8> = "{\"title\":\"Report a lost card\"}\n"
            .repeat(60)
            .into_bytes();
        let response = CachedResponse::lazy(body, "application/json", "no-cache");
        for (accept_encoding, popular, answer_coding) in [
            ("gzip, deflate, br", false, Some("gzip")),
            ("gzip, deflate, br", true, Some("gzip")),
            ("br, gzip", false, Some("gzip")),
            ("br;q=0.8, gzip;q=0.8", true, Some("gzip")),
            ("br, gzip;q=0.9", false, Some("br")),
            ("gzip;q=0.2, br;q=0.9", true, Some("br")),
            ("br", false, Some("br")),
            ("br;q=0, gzip", false, Some("gzip")),
            ("gzip;q=0, br", false, Some("br")),
            ("*", false, None),
            ("identity", true, None),
        ] {
            let request = TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, accept_encoding))
                .to_http_request();
            let coding = |answer: HttpResponse| {
                answer
                    .headers()
                    .get(header::CONTENT_ENCODING)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_string)
            };
            assert_eq!(
                coding(response.respond_answer(&request, popular)).as_deref(),
                answer_coding,
                "{accept_encoding}"
            );
            let page = coding(response.respond(&request, StatusCode::OK));
            let page_coding = match (accept_encoding, answer_coding) {
                ("gzip, deflate, br" | "br, gzip" | "br;q=0.8, gzip;q=0.8", _) => Some("br"),
                (_, coding) => coding,
            };
            assert_eq!(page.as_deref(), page_coding, "{accept_encoding}");
        }
    }

    #[test]
    fn matching_etag_gets_304_but_an_error_page_never_does() {
        let response = CachedResponse::lazy(b"hello".to_vec(), "text/plain", "no-cache");
        let etag = response.etag.to_str().expect("ascii").to_string();
        let request = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, etag.as_str()))
            .to_http_request();
        assert_eq!(
            response.respond(&request, StatusCode::OK).status(),
            StatusCode::NOT_MODIFIED
        );
        let weak = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("W/{etag}, \"other\"")))
            .to_http_request();
        assert_eq!(
            response.respond(&weak, StatusCode::OK).status(),
            StatusCode::NOT_MODIFIED,
            "If-None-Match compares weakly"
        );
        // An error page shares its body across requests, but a client holding it must still be
        // told of the error.
        let answer = response.respond(&request, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
