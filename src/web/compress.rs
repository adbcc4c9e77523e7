//! The compression settings of response bodies: the best (brotli quality 5, gzip level 6), for
//! bodies served many times, and the fast (brotli quality 1, gzip level 1), for search answers
//! that may never be asked for again (`cache.rs` chooses; the figures are in the README,
//! "Performance"; `examples/compress_speed.rs` times these very functions).

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};

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
///
/// Each thread keeps one deflate state per level and resets it between bodies: setting a state up
/// allocates and clears about 300 KB (the window, the hash chains and the hash heads), which cost
/// more than compressing a search answer of a few KB did (a quarter of a fast gzip, profile in the
/// README, "Search speed"). The output is the same deflate stream a new state makes.
pub fn gzip_at(body: &[u8], level: u32) -> Vec<u8> {
    thread_local! {
        static STATES: RefCell<Vec<(u32, Compress)>> = const { RefCell::new(Vec::new()) };
    }
    STATES.with_borrow_mut(|states| {
        let index = match states.iter().position(|(kept, _)| *kept == level) {
            Some(index) => index,
            None => {
                states.push((level, Compress::new_gzip(Compression::new(level), 15)));
                states.len() - 1
            }
        };
        let state = &mut states[index].1;
        let compressed = deflate(state, body);
        state.reset();
        compressed
    })
}

/// `body` compressed to its end by `state` (fresh or reset), growing the output as needed (empty
/// on failure).
fn deflate(state: &mut Compress, body: &[u8]) -> Vec<u8> {
    let mut output = Vec::with_capacity(body.len() / 3 + 64);
    loop {
        // A body fits in memory, so its length fits in the state's 64-bit count.
        let consumed = usize::try_from(state.total_in()).unwrap_or(body.len());
        let rest = body.get(consumed..).unwrap_or_default();
        match state.compress_vec(rest, &mut output, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return output,
            Ok(Status::Ok | Status::BufError) => output.reserve(output.capacity().max(256)),
            Err(_) => return Vec::new(),
        }
    }
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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(compressed: &[u8]) -> Vec<u8> {
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(compressed)
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        decoded
    }

    /// A thread's kept state, reset between bodies, compresses each body as a fresh one does, at
    /// every level, whatever it compressed before (short, empty, and larger than the first
    /// output buffer).
    #[test]
    fn a_reused_state_compresses_as_a_fresh_one() {
        let answer = "{\"title\":\"Report a lost card\",\"tel\":\"+18005284800\"}\n"
            .repeat(100)
            .into_bytes();
        // Little to compress: the output outgrows its first buffer.
        let mut noise = Vec::with_capacity(70_000);
        let mut x: u32 = 2_463_534_242;
        while noise.len() < 70_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.extend_from_slice(&x.to_le_bytes());
        }
        for level in [1, 6] {
            let first = gzip_at(&answer, level);
            assert!(first.len() < answer.len() / 4, "level {level}");
            for body in [&noise[..], b"", b"x", &answer[..10], &answer[..]] {
                let compressed = gzip_at(body, level);
                assert_eq!(gunzip(&compressed), body, "level {level}");
            }
            assert_eq!(gzip_at(&answer, level), first, "level {level}");
        }
    }
}
