//! Responses computed once per content version: the body with a strong ETag and precompressed gzip
//! and brotli variants, answered with a lookup and a write (304 on a matching `If-None-Match`).

use std::io::Write;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// Bodies smaller than this are not worth compressing.
const COMPRESS_MIN_BYTES: usize = 256;

/// A finished response body with everything needed to answer any request for it.
#[derive(Debug)]
pub(crate) struct CachedResponse {
    identity: Vec<u8>,
    gzip: Option<Vec<u8>>,
    brotli: Option<Vec<u8>>,
    etag: String,
    content_type: &'static str,
    cache_control: &'static str,
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn hash_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl CachedResponse {
    /// Compresses `body` and computes its ETag.
    pub(crate) fn new(
        body: Vec<u8>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> CachedResponse {
        let compressible = body.len() >= COMPRESS_MIN_BYTES && !content_type.starts_with("image/png");
        let gzip = compressible.then(|| gzip(&body)).filter(|g| g.len() < body.len());
        let brotli = compressible
            .then(|| brotli(&body))
            .filter(|b| b.len() < body.len());
        CachedResponse {
            etag: format!("\"{}\"", &hash_hex(&body)[..32]),
            identity: body,
            gzip,
            brotli,
            content_type,
            cache_control,
        }
    }

    /// Answers `request` with status `status`: 304 when the client has this version, otherwise the best
    /// encoding the client accepts.
    pub(crate) fn respond(
        &self,
        request: &HttpRequest,
        status: actix_web::http::StatusCode,
    ) -> HttpResponse {
        let mut builder = HttpResponse::build(status);
        builder
            .insert_header((header::CACHE_CONTROL, self.cache_control))
            .insert_header((header::ETAG, self.etag.as_str()))
            .insert_header((header::VARY, "Accept-Encoding"));
        if status.is_success() && client_has(request, &self.etag) {
            return HttpResponse::NotModified()
                .insert_header((header::CACHE_CONTROL, self.cache_control))
                .insert_header((header::ETAG, self.etag.as_str()))
                .insert_header((header::VARY, "Accept-Encoding"))
                .finish();
        }
        builder.insert_header((header::CONTENT_TYPE, self.content_type));
        let accepted = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        if let Some(body) = &self.brotli
            && accepts(accepted, "br")
        {
            builder.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("br")));
            return builder.body(body.clone());
        }
        if let Some(body) = &self.gzip
            && accepts(accepted, "gzip")
        {
            builder.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
            return builder.body(body.clone());
        }
        builder.body(self.identity.clone())
    }
}

/// Whether `If-None-Match` lists `etag` (or `*`).
fn client_has(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
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

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &body[..], &mut output, &params) {
        Ok(_) => output,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
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
        assert!(response.gzip.as_ref().is_some_and(|g| !g.is_empty()));
        assert!(response.brotli.as_ref().is_some_and(|b| !b.is_empty()));
    }
}
