//! Content negotiation of search answers, on a miss (the first asking: compressed fast), on a hit
//! (the same fast variant) and on a hit once the answer is popular (the smallest variant): the
//! same coding for the same `Accept-Encoding` each time, bodies that decode to the same bytes under
//! the same ETag, `Vary: Accept-Encoding` on all, and the hits and misses counted on `/healthz`.

use std::io::Read;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

use crate::common::{app, fixture_dir, get, state};

/// `Accept-Encoding` values and the coding each must be answered with (`None`: as is): gzip when
/// the client accepts it as readily as brotli (fast gzip is faster and smaller than fast brotli).
const CODINGS: [(Option<&str>, Option<&str>); 8] = [
    (Some("gzip, deflate, br"), Some("gzip")),
    (Some("br, gzip;q=0.9"), Some("br")),
    (Some("br"), Some("br")),
    (Some("gzip"), Some("gzip")),
    (Some("br;q=0, gzip"), Some("gzip")),
    (Some("gzip;q=0.2, br;q=0.9"), Some("br")),
    (Some("identity"), None),
    (None, None),
];

/// The body decoded from `coding`.
fn decode(coding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    match coding {
        Some("br") => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut decoded)
            .map(|_| ()),
        Some("gzip") => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut decoded)
            .map(|_| ()),
        _ => {
            decoded.extend_from_slice(body);
            Ok(())
        }
    }
    .expect("a body that decodes");
    decoded
}

#[actix_web::test]
async fn search_answers_are_negotiated_alike_on_a_miss_a_hit_and_once_popular() {
    let app = app(state(&fixture_dir())).await;
    let mut asked = 0;
    for path in ["/search", "/api/search"] {
        for (index, (accept, coding)) in CODINGS.iter().enumerate() {
            // A query of its own, so that the first request is a miss.
            let uri = format!("{path}?q=lost+card+{index}");
            let mut answers = Vec::new();
            // A miss, two hits with the fast variant, then hits with the smallest one (popular).
            for _ in 0..5 {
                let mut request = TestRequest::get().uri(&uri);
                if let Some(accept) = accept {
                    request = request.insert_header(("accept-encoding", *accept));
                }
                let response = test::call_service(&app, request.to_request()).await;
                assert_eq!(response.status(), StatusCode::OK, "{uri}");
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_string)
                };
                let (encoding, vary, etag) =
                    (header("content-encoding"), header("vary"), header("etag"));
                let body = test::read_body(response).await;
                asked += 1;
                assert_eq!(encoding.as_deref(), *coding, "{uri} {accept:?}");
                assert_eq!(vary.as_deref(), Some("Accept-Encoding"), "{uri}");
                answers.push((decode(encoding.as_deref(), &body), etag));
            }
            assert!(
                answers.windows(2).all(|pair| pair[0] == pair[1]),
                "{uri} {accept:?}: the answers differ"
            );
            assert!(answers[0].1.is_some(), "{uri}: an ETag");
        }
    }
    // A body compressed for a miss with one coding, then asked for with another.
    let uri = "/api/search?q=replacement+card+abroad";
    let mut bodies = Vec::new();
    for accept in ["br", "gzip", "identity", "br", "gzip", "br", "br"] {
        let request = TestRequest::get()
            .uri(uri)
            .insert_header(("accept-encoding", accept))
            .to_request();
        let response = test::call_service(&app, request).await;
        let encoding = response
            .headers()
            .get("content-encoding")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        asked += 1;
        bodies.push(decode(
            encoding.as_deref(),
            &test::read_body(response).await,
        ));
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));

    let health: serde_json::Value =
        serde_json::from_str(&get(&app, "/healthz").await.body).expect("JSON");
    let cache = &health["search_cache"];
    let misses = 2 * CODINGS.len() + 1;
    assert_eq!(cache["misses"], misses, "{health}");
    assert_eq!(cache["hits"], asked - misses, "{health}");
}
