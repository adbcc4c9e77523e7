//! `--index-dir`: the search index kept on disk is reused when the indexed content is unchanged,
//! rebuilt when it changed or is damaged, and replaced by an index in RAM when the folder cannot be
//! used; whichever it is, search answers the same as an index built in RAM.

use std::fs;
use std::path::{Path, PathBuf};

use helpcenter::content::Site;
use helpcenter::search::{IndexOrigin, SearchIndex, SearchRequest};

use crate::common::{self, edit, fixture_copy, sorted_entries};

/// Queries whose whole answers (hits, scores, snippets, counts, corrections) are compared.
const QUERIES: [&str; 8] = [
    "lost card",
    "1-800-528-4800",
    "talk to a person",
    "points",
    "reprsentative",
    "stolen",
    "what to have ready",
    "xqzzyv",
];

fn load(dir: &Path) -> Site {
    Site::load(dir).unwrap_or_else(|error| panic!("content loads: {error}"))
}

/// Opens or builds the index of `content` in `index_dir`.
fn open(content: &Path, index_dir: &Path) -> SearchIndex {
    SearchIndex::open_or_build(&load(content), index_dir).expect("an index, from disk or RAM")
}

/// Everything search answers for [`QUERIES`] (search and typeahead), as JSON.
fn answers(index: &SearchIndex) -> Vec<String> {
    QUERIES
        .iter()
        .flat_map(|query| {
            [
                serde_json::to_string(&index.search(&SearchRequest::new(query))),
                serde_json::to_string(&index.suggest(query, 8)),
            ]
        })
        .map(|json| json.expect("answers serialise"))
        .collect()
}

/// The complete index folders in `index_dir`.
fn index_folders(index_dir: &Path) -> Vec<PathBuf> {
    sorted_entries(index_dir, |path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        name.starts_with("index-")
    })
}

/// The only complete index folder in `index_dir` (fails when there are none or several).
fn only_index_folder(index_dir: &Path) -> PathBuf {
    let folders = index_folders(index_dir);
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders[0].clone()
}

/// tantivy's segment files in an index folder (everything but its metadata, locks and key file).
fn segment_files(folder: &Path) -> Vec<PathBuf> {
    let files = sorted_entries(folder, |path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        !name.starts_with('.') && name != "meta.json" && name != "helpcenter-index.key"
    });
    assert!(!files.is_empty(), "an index has segment files");
    files
}

#[test]
fn the_first_start_builds_the_folder_and_the_next_reuses_it_with_identical_answers() {
    let index_dir = tempfile::tempdir().expect("temp dir");
    let content = common::fixture_dir();
    let in_ram = SearchIndex::build(&load(&content)).expect("RAM index");
    assert_eq!(in_ram.origin(), IndexOrigin::Memory);
    let expected = answers(&in_ram);
    assert!(
        expected[0].contains("/articles/lost-card"),
        "the queries find something: {}",
        expected[0]
    );

    let first = open(&content, index_dir.path());
    assert_eq!(first.origin(), IndexOrigin::Built);
    let folder = only_index_folder(index_dir.path());
    let key = fs::read_to_string(folder.join("helpcenter-index.key")).expect("key file written");
    assert!(
        key.contains(&format!("documents {}", in_ram.len())),
        "{key}"
    );
    assert_eq!(answers(&first), expected, "built in the folder");

    for _ in 0..2 {
        let again = open(&content, index_dir.path());
        assert_eq!(again.origin(), IndexOrigin::Reused);
        assert_eq!(again.len(), in_ram.len());
        assert_eq!(answers(&again), expected, "reused from the folder");
    }
    assert_eq!(
        only_index_folder(index_dir.path()),
        folder,
        "nothing rewritten"
    );
    drop(first);
}

#[test]
fn any_content_edit_rebuilds_and_the_new_text_is_searchable() {
    let content = fixture_copy();
    let index_dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        open(content.path(), index_dir.path()).origin(),
        IndexOrigin::Built
    );

    // The key is the content's digest, not the indexed text: even an edit search never sees (the
    // date) rebuilds. Cheap to decide, and never wrong.
    edit(
        content.path(),
        "articles/lost-card.md",
        "updated = 2026-11-20",
        "updated = 2026-11-21",
    );
    assert_eq!(
        open(content.path(), index_dir.path()).origin(),
        IndexOrigin::Built
    );
    assert_eq!(
        open(content.path(), index_dir.path()).origin(),
        IndexOrigin::Reused,
        "unchanged since the last start"
    );
    let before = only_index_folder(index_dir.path());

    edit(
        content.path(),
        "articles/lost-card.md",
        "If your card is gone, act fast.",
        "If your card is gone, act fast and quote zanzibarquux.",
    );
    let edited = open(content.path(), index_dir.path());
    assert_eq!(edited.origin(), IndexOrigin::Built);
    let results = edited.search(&SearchRequest::new("zanzibarquux"));
    assert_eq!(
        results.hits.first().map(|hit| hit.url.as_str()),
        Some("/articles/lost-card"),
        "the new text is searchable"
    );
    let after = only_index_folder(index_dir.path());
    assert_ne!(
        after, before,
        "a new key, a new folder; the old one is removed"
    );
    assert!(!before.exists());
    // The rebuilt index answers like a RAM index of the edited content.
    let in_ram = SearchIndex::build(&load(content.path())).expect("RAM index");
    assert_eq!(answers(&edited), answers(&in_ram));
    assert_eq!(
        open(content.path(), index_dir.path()).origin(),
        IndexOrigin::Reused
    );
}

#[test]
fn a_damaged_or_unfinished_index_is_rebuilt_not_reused() {
    let content = common::fixture_dir();
    let expected = answers(&SearchIndex::build(&load(&content)).expect("RAM index"));
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 7] = [
        ("segment files deleted", |folder| {
            for file in segment_files(folder) {
                fs::remove_file(file).expect("remove");
            }
        }),
        ("segment files replaced by garbage", |folder| {
            for file in segment_files(folder) {
                fs::write(file, b"not an index").expect("write");
            }
        }),
        ("one byte changed in the largest file", |folder| {
            let largest = segment_files(folder)
                .into_iter()
                .max_by_key(|file| fs::metadata(file).map_or(0, |meta| meta.len()))
                .expect("a file");
            let mut bytes = fs::read(&largest).expect("read");
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x5a;
            fs::write(&largest, bytes).expect("write");
        }),
        ("meta.json deleted", |folder| {
            fs::remove_file(folder.join("meta.json")).expect("remove");
        }),
        ("meta.json garbage", |folder| {
            fs::write(folder.join("meta.json"), b"{ not json").expect("write");
        }),
        ("key file missing (the build never finished)", |folder| {
            fs::remove_file(folder.join("helpcenter-index.key")).expect("remove");
        }),
        ("key file of other content", |folder| {
            fs::write(
                folder.join("helpcenter-index.key"),
                b"helpcenter search index\nkey 00\ndocuments 1\n",
            )
            .expect("write");
        }),
    ];
    for (name, damage) in cases {
        let index_dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            open(&content, index_dir.path()).origin(),
            IndexOrigin::Built,
            "{name}"
        );
        damage(&only_index_folder(index_dir.path()));
        // A staging folder a crashed build left behind is never opened, and is cleared away.
        let abandoned = index_dir.path().join(".building-0000-1");
        fs::create_dir(&abandoned).expect("mkdir");
        fs::write(abandoned.join("meta.json"), b"half written").expect("write");

        let rebuilt = open(&content, index_dir.path());
        assert_eq!(rebuilt.origin(), IndexOrigin::Built, "{name}");
        assert_eq!(answers(&rebuilt), expected, "{name}");
        assert!(!abandoned.exists(), "{name}");
        only_index_folder(index_dir.path());
        assert_eq!(
            open(&content, index_dir.path()).origin(),
            IndexOrigin::Reused,
            "{name}: the rebuilt index is whole"
        );
    }
}

#[test]
fn an_unusable_folder_falls_back_to_an_index_in_ram() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let file = scratch.path().join("a-file");
    fs::write(&file, b"not a folder").expect("write");
    let content = common::fixture_dir();
    let expected = answers(&SearchIndex::build(&load(&content)).expect("RAM index"));
    for index_dir in [file.clone(), file.join("below-a-file")] {
        let index = open(&content, &index_dir);
        assert_eq!(
            index.origin(),
            IndexOrigin::Memory,
            "{}",
            index_dir.display()
        );
        assert_eq!(answers(&index), expected);
    }
    assert_eq!(
        fs::read(&file).expect("read"),
        b"not a folder",
        "left alone"
    );
}

#[test]
fn files_that_are_not_ours_are_left_alone() {
    let index_dir = tempfile::tempdir().expect("temp dir");
    let notes = index_dir.path().join("notes.txt");
    let folder = index_dir.path().join("backups");
    fs::write(&notes, b"keep me").expect("write");
    fs::create_dir(&folder).expect("mkdir");
    let content = fixture_copy();
    open(content.path(), index_dir.path());
    edit(
        content.path(),
        "articles/lost-card.md",
        "act fast.",
        "act very fast.",
    );
    assert_eq!(
        open(content.path(), index_dir.path()).origin(),
        IndexOrigin::Built
    );
    assert!(notes.exists() && folder.exists());
}

#[test]
fn snapshots_built_with_an_index_dir_reuse_it() {
    let index_dir = tempfile::tempdir().expect("temp dir");
    let content = common::fixture_dir();
    let first = helpcenter::build_snapshot_with(&content, Some(index_dir.path()), 1)
        .expect("content builds");
    assert_eq!(first.search.origin(), IndexOrigin::Built);
    // As a `--watch` reload does: built while the first is still being served.
    let second = helpcenter::build_snapshot_with(&content, Some(index_dir.path()), 2)
        .expect("content builds");
    assert_eq!(second.search.origin(), IndexOrigin::Reused);
    assert_eq!(answers(&first.search), answers(&second.search));
    let in_ram = helpcenter::build_snapshot(&content, 3).expect("content builds");
    assert_eq!(in_ram.search.origin(), IndexOrigin::Memory);
}

/// The same check on a big generated site (several segments searched in parallel, deflated
/// snippet text), which is too slow for every `cargo test`:
/// `INDEX_DIR_SITE=/tmp/site-10k cargo test --release --test testsuite index_dir:: -- --ignored`.
#[test]
#[ignore = "needs a generated site in INDEX_DIR_SITE"]
fn a_big_site_reused_from_disk_answers_like_one_built_in_ram() {
    let content = PathBuf::from(std::env::var("INDEX_DIR_SITE").expect("INDEX_DIR_SITE is set"));
    let index_dir = tempfile::tempdir().expect("temp dir");
    let site = load(&content);
    let in_ram = SearchIndex::build(&site).expect("RAM index");
    let expected = answers(&in_ram);
    drop(in_ram);
    let built = SearchIndex::open_or_build(&site, index_dir.path()).expect("index");
    assert_eq!(built.origin(), IndexOrigin::Built);
    assert_eq!(answers(&built), expected);
    drop(built);
    let reused = SearchIndex::open_or_build(&site, index_dir.path()).expect("index");
    assert_eq!(reused.origin(), IndexOrigin::Reused);
    assert_eq!(answers(&reused), expected);
}
