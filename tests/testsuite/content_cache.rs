//! The content cache kept in `--index-dir`: written on the first load, read back (identical) on the
//! next, ignored when the content changed or the file is damaged, and never fatal when the folder
//! cannot be used. Content errors are reported exactly as without a cache.

use std::fs;
use std::path::{Path, PathBuf};

use helpcenter::content::{CacheUse, ContentError, Site};

use crate::common::{edit, fixture_copy, sorted_entries};

fn load_cached(content: &Path, cache: &Path) -> (Site, CacheUse) {
    Site::load_cached(content, cache).unwrap_or_else(|error| panic!("content loads: {error}"))
}

/// The message of loading `content` without a cache, which must fail.
fn plain_load_error(content: &Path) -> String {
    Site::load(content)
        .map(|_| ())
        .expect_err("the content is invalid")
        .to_string()
}

/// The cache files in `dir`.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    sorted_entries(dir, |path| {
        path.extension().is_some_and(|extension| extension == "bin")
    })
}

/// The site in a comparable form: every field that is stored (lookup tables are rebuilt).
fn stored(site: &Site) -> Vec<u8> {
    postcard::to_allocvec(site).expect("serialises")
}

#[test]
fn the_first_load_writes_the_cache_and_the_next_reads_the_same_site_back() {
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("temp dir");
    let fresh = Site::load(content.path()).expect("loads");

    let (written, first) = load_cached(content.path(), cache.path());
    assert_eq!(first, CacheUse::Written);
    assert_eq!(cache_files(cache.path()).len(), 1);
    let (reused, second) = load_cached(content.path(), cache.path());
    assert_eq!(second, CacheUse::Reused);

    assert_eq!(stored(&written), stored(&fresh));
    assert_eq!(stored(&reused), stored(&fresh));
    assert_eq!(reused.source_digest, fresh.source_digest);
    // The lookup tables are rebuilt on reading.
    let article = &fresh.articles[0];
    assert_eq!(
        reused.article(&article.slug).map(|a| &a.title),
        Some(&article.title)
    );
    for alias in fresh.articles.iter().flat_map(|a| a.aliases.iter()) {
        assert_eq!(
            reused.article_by_alias(alias).map(|a| &a.slug),
            fresh.article_by_alias(alias).map(|a| &a.slug),
            "alias {alias}"
        );
    }
}

#[test]
fn the_cache_file_is_the_magic_the_payloads_checksum_and_the_payload() {
    // The payload is encoded straight into the file and its checksum written back into place:
    // the file must be exactly what encoding into memory first gave.
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("temp dir");
    let (site, _) = load_cached(content.path(), cache.path());
    let files = cache_files(cache.path());
    let bytes = fs::read(&files[0]).expect("reads the cache file");
    let payload = stored(&site);
    let mut expected = b"helpcenter site\0".to_vec();
    expected.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    expected.extend_from_slice(&payload);
    assert_eq!(bytes.len(), expected.len());
    assert!(
        bytes == expected,
        "the cache file differs from magic, checksum, payload"
    );
}

#[test]
fn an_edit_is_loaded_from_the_files_and_replaces_the_old_cache() {
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("temp dir");
    load_cached(content.path(), cache.path());
    let before = cache_files(cache.path());

    edit(
        content.path(),
        "articles/lost-card.md",
        "If your card is gone, act fast.",
        "If your card is gone, act fast and quote zanzibarquux.",
    );
    let (site, origin) = load_cached(content.path(), cache.path());
    assert_eq!(origin, CacheUse::Written);
    let article = site.article("lost-card").expect("the edited article");
    assert!(
        article
            .body
            .text
            .get()
            .expect("inflates")
            .contains("zanzibarquux")
    );
    let after = cache_files(cache.path());
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(after, before, "the old version's cache is removed");
    assert_eq!(
        load_cached(content.path(), cache.path()).1,
        CacheUse::Reused
    );
}

#[test]
fn a_damaged_cache_is_ignored_and_rewritten() {
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 4] = [
        ("one byte flipped in the payload", |file| {
            let mut bytes = fs::read(file).expect("read");
            let last = bytes.len() - 1;
            bytes[last] ^= 0x55;
            fs::write(file, bytes).expect("write");
        }),
        ("cut in half", |file| {
            let bytes = fs::read(file).expect("read");
            fs::write(file, &bytes[..bytes.len() / 2]).expect("write");
        }),
        ("empty", |file| fs::write(file, b"").expect("write")),
        ("not a cache at all", |file| {
            fs::write(file, b"<html>nope</html>".repeat(10)).expect("write")
        }),
    ];
    for (name, damage) in cases {
        let content = fixture_copy();
        let cache = tempfile::tempdir().expect("temp dir");
        let (fresh, _) = load_cached(content.path(), cache.path());
        let file = cache_files(cache.path()).pop().expect("a cache file");
        damage(&file);
        let (site, origin) = load_cached(content.path(), cache.path());
        assert_eq!(origin, CacheUse::Written, "{name}");
        assert_eq!(stored(&site), stored(&fresh), "{name}");
        assert_eq!(
            load_cached(content.path(), cache.path()).1,
            CacheUse::Reused,
            "{name}: rewritten whole"
        );
    }
}

#[test]
fn an_unusable_cache_folder_is_not_fatal() {
    let content = fixture_copy();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    fs::write(&file, "not a folder").expect("write");
    for cache in [file.clone(), file.join("below")] {
        let (site, origin) = load_cached(content.path(), &cache);
        assert_eq!(origin, CacheUse::Unwritable, "{}", cache.display());
        assert!(site.article("lost-card").is_some());
    }
}

#[test]
fn content_errors_are_reported_with_file_and_line_as_without_a_cache() {
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("temp dir");
    load_cached(content.path(), cache.path());
    edit(
        content.path(),
        "articles/lost-card.md",
        "category = ",
        "colour = \"red\"\ncategory = ",
    );
    let error = Site::load_cached(content.path(), cache.path())
        .map(|_| ())
        .expect_err("the edit is invalid");
    let ContentError::Invalid(problems) = &error else {
        panic!("a validation error, got {error}");
    };
    assert!(
        problems
            .iter()
            .any(|p| p.path.ends_with("lost-card.md") && p.line.is_some()),
        "{error}"
    );
    assert_eq!(error.to_string(), plain_load_error(content.path()));
}

/// The first pass hashes the files' bytes without checking them; a file that is no longer UTF-8
/// matches no cache and is reported by the load, as without a cache.
#[test]
fn a_file_that_is_not_utf8_is_reported_as_without_a_cache() {
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("temp dir");
    load_cached(content.path(), cache.path());
    let file = content.path().join("articles/lost-card.md");
    let mut bytes = fs::read(&file).expect("read");
    bytes.extend_from_slice(b"\nbad byte: \xff\n");
    fs::write(&file, bytes).expect("write");
    let error = Site::load_cached(content.path(), cache.path())
        .map(|_| ())
        .expect_err("not UTF-8");
    assert!(
        matches!(&error, ContentError::Read { path, .. } if path.ends_with("lost-card.md")),
        "{error}"
    );
    assert_eq!(error.to_string(), plain_load_error(content.path()));
}
