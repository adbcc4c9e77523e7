//! What compressing one answer costs: times brotli (qualities 1, 4 and 5) and gzip (levels 1 and
//! 6), with the server's own functions (`src/web/compress.rs`), on the bodies given (search answers saved
//! with curl), and prints µs per body (median of the rounds) and the compressed size, to choose
//! the encoding of an answer served once (a search cache miss).
//!
//! ```sh
//! curl -s 'http://127.0.0.1:8080/api/search?q=fee+travel+declined' -o /tmp/api.json
//! curl -s 'http://127.0.0.1:8080/search?q=fee+travel+declined' -o /tmp/page.html
//! cargo run --release --example compress_speed -- /tmp/api.json /tmp/page.html
//! ```

use std::time::Instant;

use helpcenter::web::compress::{brotli_at, gzip_at};

/// One setting's compression function.
type Compress = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// Rounds per body and setting.
const ROUNDS: usize = 400;

/// The median µs of `ROUNDS` runs of `compress`, and the size it makes.
fn time(body: &[u8], compress: impl Fn(&[u8]) -> Vec<u8>) -> (f64, usize) {
    let size = compress(body).len();
    let mut micros: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(compress(std::hint::black_box(body)));
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    (micros[ROUNDS / 2], size)
}

fn main() {
    println!("body bytes setting µs size");
    for path in std::env::args().skip(1) {
        let body = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let settings: [(&str, Compress); 5] = [
            ("brotli-1", Box::new(|b| brotli_at(b, 1))),
            ("brotli-4", Box::new(|b| brotli_at(b, 4))),
            ("brotli-5", Box::new(|b| brotli_at(b, 5))),
            ("gzip-1", Box::new(|b| gzip_at(b, 1))),
            ("gzip-6", Box::new(|b| gzip_at(b, 6))),
        ];
        for (name, compress) in settings {
            let (micros, size) = time(&body, compress);
            println!("{path} {} {name} {micros:.1} {size}", body.len());
        }
    }
}
