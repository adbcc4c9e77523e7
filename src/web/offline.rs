//! What keeps the numbers available offline: the web app manifest and the service worker
//! (`/sw.js`), both generated per content version.
//!
//! The worker's cache is named by a digest of the content and of the embedded assets, so any
//! content change gives the worker new bytes: the browser installs it, and its activation deletes
//! every older cache. Pages are answered network first (online, a visitor always gets the current
//! version; what is fetched is kept for later), and only when the network fails from the cache:
//! the home page, `/contact` and `/plan` (kept at install), plan pages already visited, and the
//! fingerprinted assets (cache first: their bytes never change). Searches and the API are never
//! kept. Served from the site root, so its scope covers every page without `Service-Worker-Allowed`.

use serde_json::json;

use super::assets::ASSETS;
use super::json;
use crate::content::Site;

/// The worker's logic; [`service_worker`] puts the version and the list to keep at install in
/// front of it.
const WORKER: &str = include_str!("../../static/sw.js");

/// The name of this version's cache: the content digest and the assets' fingerprinted URLs.
pub(crate) fn cache_name(site: &Site) -> String {
    let mut material = crate::digest::hex(&site.source_digest);
    for name in ["app.css", "app.js", "feedback.js", "icon.svg"] {
        material.push_str(ASSETS.url(name));
    }
    format!(
        "helpcenter-{}",
        &crate::digest::sha256_hex(material.as_bytes())[..16]
    )
}

/// `/sw.js` for this content version.
pub(crate) fn service_worker(site: &Site) -> serde_json::Result<String> {
    let mut keep = vec!["/".to_string(), "/contact".to_string()];
    if site.planner.is_some() {
        keep.push("/plan".to_string());
    }
    keep.extend(
        ["app.css", "app.js", "feedback.js", "icon.svg"]
            .iter()
            .map(|name| ASSETS.url(name).to_string()),
    );
    keep.push("/manifest.webmanifest".to_string());
    Ok(format!(
        "/* Generated per content version: do not edit here, see static/sw.js. */\nconst CACHE = {};\nconst PRECACHE = {};\n{WORKER}",
        json::to_html_safe_string(&cache_name(site))?,
        json::to_html_safe_string(&keep)?,
    ))
}

/// `/manifest.webmanifest`: the site as an installable app.
pub(crate) fn manifest(site: &Site) -> serde_json::Result<String> {
    json::to_html_safe_string(&json!({
        "name": site.settings.title,
        "short_name": site.settings.title,
        "description": site.settings.description,
        "lang": site.settings.language,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f8fb",
        "theme_color": "#0b4f8a",
        "icons": [
            { "src": ASSETS.url("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any" }
        ],
    }))
}
