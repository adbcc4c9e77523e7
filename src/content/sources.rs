//! The only content code that reads the disk: the content files' text, the list of article files,
//! and the digests that say whether two loads saw the same content.
//!
//! Article files are read on rayon's pool and each file's text is handed to the caller's work and
//! dropped as soon as it returns, so a big site never holds all of its sources and its rendered
//! form at once.

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
        let mut hasher = Sha256::new();
        for part in [self.path.as_bytes(), self.text.as_bytes()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hasher.finalize().into()
    }
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
    article_paths.sort();
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
    let text = std::fs::read_to_string(path).map_err(|source| ContentError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(SourceFile {
        path: path.display().to_string(),
        text,
    })
}

/// Reads every file in `paths` on rayon's pool and runs `work` on each; the file's text is dropped
/// when `work` returns. The results are in `paths` order, and when files cannot be read the first
/// of them in that order is the error (every file is still visited).
pub(super) fn read_each<T: Send>(
    paths: &[PathBuf],
    work: impl Fn(SourceFile) -> T + Sync,
) -> Result<Vec<T>, ContentError> {
    let phase = crate::progress::Phase::start("load", paths.len());
    let results: Vec<Result<T, ContentError>> = paths
        .par_iter()
        .map(|path| {
            let result = read_file(path).map(&work);
            phase.advance(1);
            result
        })
        .collect();
    drop(phase);
    // Sequential, so the error kept is the first in path order, not whichever thread lost a race.
    results.into_iter().collect()
}
