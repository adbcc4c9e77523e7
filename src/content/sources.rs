//! The only content code that reads the disk: the content files' text, the list of article files,
//! and the digests that say whether two loads saw the same content.
//!
//! Article files are read on rayon's pool and each file's text is handed to the caller's work and
//! dropped as soon as it returns, so a big site never holds all of its sources and its rendered
//! form at once.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::error::ContentError;

/// The raw text of every content file, so parsing and validation run without touching the disk.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `site.toml`.
    pub site: SourceFile,
    /// `guides.toml`.
    pub guides: SourceFile,
    /// `categories.toml`.
    pub categories: SourceFile,
    /// `contacts.toml`.
    pub contacts: SourceFile,
    /// `faqs.toml`.
    pub faqs: SourceFile,
    /// `synonyms.toml`.
    pub synonyms: SourceFile,
    /// `planner.toml`, when the site has a call planner.
    pub planner: Option<SourceFile>,
    /// `intents.toml`; an empty path when the folder has none (it is optional).
    pub intents: SourceFile,
    /// `articles/*.md`, sorted by path.
    pub articles: Vec<SourceFile>,
}

/// One file's path (for messages) and text.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Path shown in messages.
    pub path: String,
    /// Full text.
    pub text: String,
}

impl Sources {
    /// Reads every content file under `dir`.
    pub fn read(dir: &Path) -> Result<Sources, ContentError> {
        let (mut sources, article_paths) = Sources::read_settings(dir)?;
        sources.articles = article_paths
            .iter()
            .map(|path| read_file(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(sources)
    }

    /// Reads the TOML files under `dir` and lists the article files (sorted), without reading them.
    pub(super) fn read_settings(dir: &Path) -> Result<(Sources, Vec<PathBuf>), ContentError> {
        let read = |name: &str| read_file(&dir.join(name));
        let article_paths = list_articles(&dir.join("articles"))?;
        let sources = Sources {
            site: read("site.toml")?,
            guides: read("guides.toml")?,
            categories: read("categories.toml")?,
            contacts: read("contacts.toml")?,
            faqs: read("faqs.toml")?,
            synonyms: read("synonyms.toml")?,
            planner: read_optional(&dir.join("planner.toml"))?,
            intents: read_optional(&dir.join("intents.toml"))?.unwrap_or_default(),
            articles: Vec::new(),
        };
        Ok((sources, article_paths))
    }

    /// The digest of the whole content: the TOML files', then each article file's (`articles`,
    /// in path order; `self.articles` is not read, so the articles may come from the disk).
    pub(super) fn digest(&self, articles: impl IntoIterator<Item = [u8; 32]>) -> [u8; 32] {
        let mut digest = Sha256::new();
        for file in [
            &self.site,
            &self.guides,
            &self.categories,
            &self.contacts,
            &self.faqs,
            &self.synonyms,
            &self.intents,
        ] {
            digest.update(file.digest());
        }
        // Present or absent are different content.
        match &self.planner {
            Some(planner) => digest.update(planner.digest()),
            None => digest.update(b"no planner"),
        }
        for article in articles {
            digest.update(article);
        }
        digest.finalize().into()
    }
}

impl SourceFile {
    /// SHA-256 of the path and the text, each length-prefixed.
    pub(super) fn digest(&self) -> [u8; 32] {
        file_digest(&self.path, self.text.as_bytes())
    }
}

/// [`SourceFile::digest`] of a file with this path (as shown in messages) and these bytes.
fn file_digest(path: &str, text: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [path.as_bytes(), text] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// The `.md` files in `articles_dir`, sorted by path.
fn list_articles(articles_dir: &Path) -> Result<Vec<PathBuf>, ContentError> {
    let unreadable = |source: std::io::Error| ContentError::Read {
        path: articles_dir.display().to_string(),
        source,
    };
    let mut article_paths = Vec::new();
    for entry in std::fs::read_dir(articles_dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|extension| extension == "md") {
            article_paths.push(path);
        }
    }
    // All in one folder, so the order of their names is the order of the paths (`Path`'s own
    // comparison walks every component of both, a few percent of a 100k-article restart).
    article_paths.sort_unstable_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(article_paths)
}

/// Reads one file whole, or `None` when there is no file at `path`.
fn read_optional(path: &Path) -> Result<Option<SourceFile>, ContentError> {
    match std::fs::metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_file(path).map(Some),
    }
}

/// Reads one file whole.
fn read_file(path: &Path) -> Result<SourceFile, ContentError> {
    let text = std::fs::read_to_string(path).map_err(read_error(path))?;
    Ok(SourceFile {
        path: shown(path),
        text,
    })
}

/// A path as messages show it and as [`SourceFile::path`] (and so its digest) holds it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The error of a file at `path` that could not be read.
fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> ContentError + '_ {
    move |source| ContentError::Read {
        path: shown(path),
        source,
    }
}

/// Reads every file in `paths` on rayon's pool and runs `work` on each; the file's text is dropped
/// when `work` returns. The results are in `paths` order, and when files cannot be read the first
/// of them in that order is the error (every file is still visited).
pub(super) fn read_each<T: Send>(
    paths: &[PathBuf],
    work: impl Fn(SourceFile) -> T + Sync,
) -> Result<Vec<T>, ContentError> {
    each_path(paths, || (), |(), path| read_file(path).map(&work))
}

/// [`SourceFile::digest`] of every file in `paths` (in `paths` order; errors as [`read_each`]),
/// reading each into a buffer its thread reuses, so hashing a big site allocates next to nothing.
///
/// The bytes are hashed as they are, without checking that they are UTF-8 as [`read_file`] does:
/// the digest only decides whether content read and checked before can be reused, and a file
/// that is not UTF-8 never equals one that was, so its digest matches nothing kept and the
/// content is loaded from the files, where the file is reported.
pub(super) fn digest_each(paths: &[PathBuf]) -> Result<Vec<[u8; 32]>, ContentError> {
    each_path(paths, Vec::new, |buffer: &mut Vec<u8>, path| {
        buffer.clear();
        std::fs::File::open(path)
            .and_then(|mut file| file.read_to_end(buffer))
            .map_err(read_error(path))?;
        Ok(file_digest(&shown(path), buffer))
    })
}

/// Runs `work` on every path on rayon's pool, each thread with its own state from `init`, and
/// shows the "load" progress; the results are in `paths` order, and when some failed, the first
/// failure in that order is the error (every path is still visited).
fn each_path<S, T: Send>(
    paths: &[PathBuf],
    init: impl Fn() -> S + Sync + Send,
    work: impl Fn(&mut S, &Path) -> Result<T, ContentError> + Sync + Send,
) -> Result<Vec<T>, ContentError> {
    let phase = crate::progress::Phase::start("load", paths.len());
    let results: Vec<Result<T, ContentError>> = paths
        .par_iter()
        .map_init(init, |state, path| {
            let result = work(state, path);
            phase.advance(1);
            result
        })
        .collect();
    drop(phase);
    // Sequential, so the error kept is the first in path order, not whichever thread lost a race.
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped articles' paths, as the loader lists them.
    fn shipped_articles() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/articles");
        list_articles(&dir).expect("the shipped articles are listed")
    }

    #[test]
    fn articles_are_listed_in_path_order() {
        let paths = shipped_articles();
        assert!(paths.len() > 1);
        assert!(paths.windows(2).all(|pair| pair[0] < pair[1]), "{paths:?}");
    }

    /// The digests of the cache's first pass are the digests of the files as loaded, whatever
    /// order the threads read them in and however their buffers were used before.
    #[test]
    fn digest_each_matches_the_digest_of_each_file_read() {
        let mut paths = shipped_articles();
        // Short files after long ones: a reused buffer must not keep a longer file's tail.
        paths.sort_by_key(|path| std::cmp::Reverse(std::fs::metadata(path).map_or(0, |m| m.len())));
        let digests = digest_each(&paths).expect("digests");
        let expected = read_each(&paths, |file| file.digest()).expect("reads");
        assert_eq!(digests, expected);
        let distinct: std::collections::HashSet<_> = digests.iter().collect();
        assert_eq!(distinct.len(), paths.len(), "every file has its own digest");
    }

    #[test]
    fn digest_each_names_the_first_missing_file_in_path_order() {
        let mut paths = shipped_articles();
        let dir = paths[0].parent().expect("a folder").to_path_buf();
        paths.insert(1, dir.join("gone-b.md"));
        paths.push(dir.join("gone-z.md"));
        let error = digest_each(&paths).expect_err("missing files");
        assert!(
            matches!(&error, ContentError::Read { path, .. } if path.ends_with("gone-b.md")),
            "{error}"
        );
    }
}
