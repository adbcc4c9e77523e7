//! Static assets (CSS, scripts, icon) embedded in the binary, fingerprinted by content hash so they can
//! be cached forever, with precompressed variants.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::cache::CachedResponse;

/// One embedded file.
struct Embedded {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: &[Embedded] = &[
    Embedded {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/app.css"),
    },
    Embedded {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/app.js"),
    },
    Embedded {
        name: "feedback.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/feedback.js"),
    },
    Embedded {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/icon.svg"),
    },
];

/// Cache policy for fingerprinted URLs: the bytes behind such a URL never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy for plain names (`/static/app.css`): revalidate every time.
const REVALIDATE: &str = "no-cache";

/// Every embedded asset, by fingerprinted and by plain name.
pub(crate) struct Assets {
    by_name: HashMap<String, CachedResponse>,
    urls: HashMap<&'static str, String>,
}

/// Built once per process: the files are part of the binary.
pub(crate) static ASSETS: LazyLock<Assets> = LazyLock::new(Assets::build);

impl Assets {
    fn build() -> Assets {
        let mut by_name = HashMap::new();
        let mut urls = HashMap::new();
        for file in FILES {
            let fingerprint = &crate::digest::sha256_hex(file.bytes)[..12];
            let (stem, extension) = file.name.rsplit_once('.').unwrap_or((file.name, ""));
            let fingerprinted = format!("{stem}.{fingerprint}.{extension}");
            by_name.insert(
                fingerprinted.clone(),
                CachedResponse::new(file.bytes.to_vec(), file.content_type, IMMUTABLE),
            );
            by_name.insert(
                file.name.to_string(),
                CachedResponse::new(file.bytes.to_vec(), file.content_type, REVALIDATE),
            );
            urls.insert(file.name, format!("/static/{fingerprinted}"));
        }
        Assets { by_name, urls }
    }

    /// The asset served at `/static/{name}`, if any. Only exact names match: no paths, no traversal.
    pub(crate) fn get(&self, name: &str) -> Option<&CachedResponse> {
        self.by_name.get(name)
    }

    /// The fingerprinted URL of an embedded file (`app.css` → `/static/app.1a2b3c4d5e6f.css`).
    pub(crate) fn url(&self, name: &str) -> &str {
        self.urls
            .get(name)
            .map_or("/static/missing", String::as_str)
    }
}
