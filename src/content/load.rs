//! Loading a [`Site`]: the content files read, each article parsed, the whole validated.

use std::path::{Path, PathBuf};

use super::article::ParsedArticle;
use super::error::ContentError;
use super::site::Site;
use super::sources::{Sources, read_each};
use super::validate::validate;

impl Site {
    /// Reads and validates the content folder. Article files are read and parsed in parallel,
    /// each file's text dropped once parsed.
    pub fn load(dir: &Path) -> Result<Site, ContentError> {
        let (sources, article_paths) = Sources::read_settings(dir)?;
        load_articles(&sources, &article_paths)
    }

    /// Parses and validates content already in memory.
    pub fn from_sources(sources: &Sources) -> Result<Site, ContentError> {
        let compact = sources.articles.len() >= crate::compact::COMPACT_FROM_ARTICLES;
        let articles = sources
            .articles
            .iter()
            .map(|file| ParsedArticle::parse(file, compact))
            .collect();
        validate(sources, articles)
    }
}

/// Reads and parses the article files at `article_paths` in parallel and validates them with the
/// TOML files in `sources`.
pub(super) fn load_articles(
    sources: &Sources,
    article_paths: &[PathBuf],
) -> Result<Site, ContentError> {
    let compact = article_paths.len() >= crate::compact::COMPACT_FROM_ARTICLES;
    let articles = read_each(article_paths, |file| ParsedArticle::parse(&file, compact))?;
    validate(sources, articles)
}
