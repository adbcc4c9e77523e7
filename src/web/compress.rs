//! The compression settings of response bodies: the best (brotli quality 5, gzip level 6), for
//! bodies served many times, and the fast (brotli quality 1, gzip level 1), for search answers
//! that may never be asked for again (`cache.rs` chooses; the figures are in the README,
//! "Performance"; `examples/compress_speed.rs` times these very functions).

use std::io::Write;

use actix_web::web::Bytes;

/// A compression function: the body in, the compressed bytes out (empty on failure).
pub(crate) type Compressor = fn(&[u8]) -> Vec<u8>;

/// Keeps a compressed body only if it is non-empty and smaller than the original.
pub(crate) fn smaller(compressed: Vec<u8>, original: usize) -> Option<Bytes> {
    (!compressed.is_empty() && compressed.len() < original).then(|| Bytes::from(compressed))
}

/// Gzip at the fastest level, for an answer that may not be asked for again.
pub(crate) fn gzip_fast(body: &[u8]) -> Vec<u8> {
    gzip_at(body, 1)
}

/// Gzip at level 6, for a body served many times.
pub(crate) fn gzip(body: &[u8]) -> Vec<u8> {
    gzip_at(body, 6)
}

/// Gzip at `level` (0 to 9), as every response is compressed (empty on failure).
pub fn gzip_at(body: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(level),
    );
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// Brotli at quality 1, for an answer that may not be asked for again.
pub(crate) fn brotli_fast(body: &[u8]) -> Vec<u8> {
    brotli_at(body, 1)
}

/// Brotli at quality 5, for a body served many times.
pub(crate) fn brotli(body: &[u8]) -> Vec<u8> {
    brotli_at(body, 5)
}

/// Brotli at `quality` (0 to 11), with the window every response is compressed with (empty on
/// failure).
pub fn brotli_at(body: &[u8], quality: i32) -> Vec<u8> {
    let mut output = Vec::with_capacity(body.len() / 3);
    // A window just big enough for the body: a smaller ring buffer and hash table to allocate and
    // fault in (18 bits = 256 KB suits pages; the format allows 10 to 24).
    let window = (usize::BITS - body.len().leading_zeros()).clamp(18, 22) as i32;
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        lgwin: window,
        size_hint: body.len(),
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &body[..], &mut output, &params) {
        Ok(_) => output,
        Err(_) => Vec::new(),
    }
}
