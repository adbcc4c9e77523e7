//! The immutable in-memory `Site`: loads every file under `content/`, renders the Markdown, and
//! validates the whole model (references, links, anchors, phone numbers) before anything is served.

mod article;
mod cache;
mod model;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use cache::CacheUse;
pub use model::{
    Article, ArticleBody, Category, Contact, ContactKind, Faq, FrontMatter, Guide, PhoneNumber,
    Region, Settings, SynonymGroup, Toll,
};

use crate::markdown::{self, LinkRef, PhoneRef};
use crate::phone::Phone;
use model::{ContactSource, FaqSource};

/// One problem found in the content, located by file and, where known, line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path of the file, as given to the loader (e.g. `content/articles/x.md`).
    pub path: String,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// What is wrong, in words an editor can act on.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{}:{}: {}", self.path, line, self.message),
            None => write!(formatter, "{}: {}", self.path, self.message),
        }
    }
}

/// Why content could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// A required file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The content was read but is not valid; every problem found is listed.
    #[error("{} problem(s) in the content:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in self.0 {
            writeln!(formatter, "  {problem}")?;
        }
        Ok(())
    }
}

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
    fn read_settings(dir: &Path) -> Result<(Sources, Vec<PathBuf>), ContentError> {
        let read = |name: &str| -> Result<SourceFile, ContentError> {
            let path = dir.join(name);
            read_file(&path)
        };
        let articles_dir = dir.join("articles");
        let entries = std::fs::read_dir(&articles_dir).map_err(|source| ContentError::Read {
            path: articles_dir.display().to_string(),
            source,
        })?;
        let mut article_paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| ContentError::Read {
                path: articles_dir.display().to_string(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|extension| extension == "md") {
                article_paths.push(path);
            }
        }
        article_paths.sort();
        let sources = Sources {
            site: read("site.toml")?,
            guides: read("guides.toml")?,
            categories: read("categories.toml")?,
            contacts: read("contacts.toml")?,
            faqs: read("faqs.toml")?,
            synonyms: read("synonyms.toml")?,
            articles: Vec::new(),
        };
        Ok((sources, article_paths))
    }
}

impl SourceFile {
    /// SHA-256 of the path and the text, each length-prefixed.
    fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in [self.path.as_bytes(), self.text.as_bytes()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hasher.finalize().into()
    }
}

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

/// An article file after parsing: everything validation needs once the file's text is gone.
struct ParsedArticle {
    /// The path and the file's head (fences and front matter): cross-reference problems are
    /// located in it, with the file's own line numbers.
    head: SourceFile,
    /// Lines before the body, added to body line numbers.
    body_offset: usize,
    /// The article with the links and phone numbers of its body, or what is wrong with it.
    parsed: Result<(Article, Vec<LinkRef>, Vec<PhoneRef>), Vec<Problem>>,
    /// SHA-256 of the file's path and text (part of [`Site::source_digest`]).
    digest: [u8; 32],
}

impl ParsedArticle {
    /// Parses one article file; `compact` stores its rendered body deflated (big sites).
    fn parse(file: &SourceFile, compact: bool) -> ParsedArticle {
        ParsedArticle {
            head: SourceFile {
                path: file.path.clone(),
                text: article::head(&file.text).to_string(),
            },
            body_offset: article::body_line_offset(&file.text),
            parsed: article::parse(&file.path, &file.text, compact),
            digest: file.digest(),
        }
    }
}

/// Reads and parses article files on every core, in order; each file's text is dropped as soon as
/// it is parsed, so a big site never holds all of its sources and its rendered form at once (at
/// 100,000 articles that is about 500 MB less at the peak, and half the load time on two cores).
fn read_articles(paths: &[PathBuf]) -> Result<Vec<ParsedArticle>, ContentError> {
    let compact = paths.len() >= crate::compact::COMPACT_FROM_ARTICLES;
    for_each_file(paths, |path| {
        Ok(ParsedArticle::parse(&read_file(path)?, compact))
    })
}

/// Runs `work` on every path, spread over the machine's cores; the results are in `paths` order
/// and the first error (in that order) wins.
fn for_each_file<T: Send>(
    paths: &[PathBuf],
    work: impl Fn(&Path) -> Result<T, ContentError> + Sync,
) -> Result<Vec<T>, ContentError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len())
        .max(1);
    let chunk = paths.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|paths| {
                scope.spawn(move || {
                    paths
                        .iter()
                        .map(|path| work(path))
                        .collect::<Result<Vec<_>, ContentError>>()
                })
            })
            .collect();
        let mut results = Vec::with_capacity(paths.len());
        for worker in workers {
            match worker.join() {
                Ok(done) => results.extend(done?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(results)
    })
}

/// The digest of the whole content: the TOML files', then each article file's, in order.
fn source_digest(sources: &Sources, articles: impl IntoIterator<Item = [u8; 32]>) -> [u8; 32] {
    let mut digest = Sha256::new();
    for file in [
        &sources.site,
        &sources.guides,
        &sources.categories,
        &sources.contacts,
        &sources.faqs,
        &sources.synonyms,
    ] {
        digest.update(file.digest());
    }
    for article in articles {
        digest.update(article);
    }
    digest.finalize().into()
}

/// The whole help center's content, validated and rendered. Immutable once built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    /// Site settings.
    pub settings: Settings,
    /// The source guides.
    pub guides: Vec<Guide>,
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// Articles in display order (category order, then weight, then title).
    pub articles: Vec<Article>,
    /// FAQs in display order (category order, then weight).
    pub faqs: Vec<Faq>,
    /// Contact entries in directory order (department order of first appearance, then weight).
    pub contacts: Vec<Contact>,
    /// Search synonym groups.
    pub synonyms: Vec<SynonymGroup>,
    /// SHA-256 over every content file's path and text, in a fixed order: equal digests mean the
    /// same content (what an index kept on disk is keyed by, with the program that built it).
    pub source_digest: [u8; 32],
    #[serde(skip)]
    article_index: HashMap<String, usize>,
    #[serde(skip)]
    alias_index: HashMap<String, usize>,
}

impl Site {
    /// Reads and validates the content folder. Article files are read and parsed in parallel,
    /// each dropped once parsed (see [`read_articles`]).
    pub fn load(dir: &Path) -> Result<Site, ContentError> {
        let (sources, article_paths) = Sources::read_settings(dir)?;
        let articles = read_articles(&article_paths)?;
        Site::validate(&sources, articles)
    }

    /// Parses and validates content already in memory.
    pub fn from_sources(sources: &Sources) -> Result<Site, ContentError> {
        let compact = sources.articles.len() >= crate::compact::COMPACT_FROM_ARTICLES;
        let articles = sources
            .articles
            .iter()
            .map(|file| ParsedArticle::parse(file, compact))
            .collect();
        Site::validate(sources, articles)
    }

    /// Validates parsed content; `sources.articles` is not read (the articles come parsed).
    fn validate(sources: &Sources, parsed: Vec<ParsedArticle>) -> Result<Site, ContentError> {
        let mut problems = Vec::new();

        let settings = parse_toml::<Settings>(&sources.site, &mut problems);
        let guides = parse_list::<Guide>(&sources.guides, "guide", &mut problems);
        let categories = parse_list::<Category>(&sources.categories, "category", &mut problems);
        let contact_sources =
            parse_list::<ContactSource>(&sources.contacts, "contact", &mut problems);
        let faq_sources = parse_list::<FaqSource>(&sources.faqs, "faq", &mut problems);
        let synonyms = parse_list::<SynonymGroup>(&sources.synonyms, "group", &mut problems);
        // Heads and body offsets by path: lookups stay O(1) at 100k articles.
        let mut article_files: HashMap<String, (SourceFile, usize)> =
            HashMap::with_capacity(parsed.len());
        let mut articles: Vec<(Article, Vec<LinkRef>, Vec<PhoneRef>)> =
            Vec::with_capacity(parsed.len());
        let digest = source_digest(sources, parsed.iter().map(|article| article.digest));
        for article in parsed {
            match article.parsed {
                Ok(parsed) => articles.push(parsed),
                Err(mut found) => problems.append(&mut found),
            }
            article_files.insert(
                article.head.path.clone(),
                (article.head, article.body_offset),
            );
        }

        let guide_ids: HashSet<&str> = guides.iter().map(|g| g.id.as_str()).collect();
        let category_slugs: HashSet<&str> = categories.iter().map(|c| c.slug.as_str()).collect();
        let mut checker = Checker {
            problems: &mut problems,
        };

        checker.unique(&sources.guides, guides.iter().map(|g| &g.id), "guide id");
        checker.unique(
            &sources.categories,
            categories.iter().map(|c| &c.slug),
            "category slug",
        );
        for category in &categories {
            checker.slug_shape(&sources.categories, &category.slug, "category slug");
        }
        for group in &synonyms {
            if group.terms.len() < 2 || group.terms.iter().any(|t| t.trim().is_empty()) {
                checker.report(
                    &sources.synonyms,
                    find_line(
                        &sources.synonyms.text,
                        &format!("{:?}", group.terms.first()),
                    ),
                    "a synonym group needs at least two non-empty terms".into(),
                );
            }
        }

        // Contacts.
        checker.unique(
            &sources.contacts,
            contact_sources.iter().map(|c| &c.id),
            "contact id",
        );
        let contacts: Vec<Contact> = contact_sources
            .into_iter()
            .filter_map(|source| checker.contact(&sources.contacts, source, &guide_ids))
            .collect();
        let contact_ids: HashSet<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
        let directory_numbers: HashSet<String> = contacts
            .iter()
            .flat_map(|c| {
                c.numbers
                    .iter()
                    .map(|n| n.phone.national_digits().to_string())
            })
            .collect();

        // Articles: slugs, aliases and references.
        let mut taken: HashMap<String, String> = HashMap::new();
        for (article, _, _) in &articles {
            if let Some(other) = taken.insert(article.slug.clone(), article.source_path.clone()) {
                checker.problems.push(Problem {
                    path: article.source_path.clone(),
                    line: None,
                    message: format!("slug `{}` is also used by {other}", article.slug),
                });
            }
        }
        let empty_file = SourceFile::default();
        for (article, _, _) in &articles {
            let file = article_files
                .get(article.source_path.as_str())
                .map_or(&empty_file, |(head, _)| head);
            for alias in &article.aliases {
                checker.slug_shape(file, alias, "alias");
                if let Some(other) = taken.insert(alias.clone(), article.source_path.clone()) {
                    checker.report(
                        file,
                        find_line(&file.text, alias),
                        format!("alias `{alias}` is already taken by {other}"),
                    );
                }
            }
            checker.reference(file, "category", &article.category, &category_slugs);
            for id in &article.sources {
                checker.reference(file, "guide", id, &guide_ids);
            }
            for id in &article.contacts {
                checker.reference(file, "contact", id, &contact_ids);
            }
        }

        // FAQs.
        checker.unique(&sources.faqs, faq_sources.iter().map(|f| &f.id), "FAQ id");
        // Lines of an answer count from where its text starts in faqs.toml.
        let faq_line_offset = |faq: &FaqSource| {
            let first_line: String = faq
                .answer
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect();
            let answer_line = (!first_line.trim().is_empty())
                .then(|| find_line(&sources.faqs.text, &first_line))
                .flatten();
            answer_line
                .or_else(|| find_line(&sources.faqs.text, &format!("\"{}\"", faq.id)))
                .unwrap_or(1)
                - 1
        };
        let mut faqs = Vec::new();
        let mut faq_links: Vec<(LinkRef, usize)> = Vec::new();
        let mut faq_phones: Vec<(PhoneRef, usize)> = Vec::new();
        for faq in faq_sources {
            checker.slug_shape(&sources.faqs, &faq.id, "FAQ id");
            checker.reference(&sources.faqs, "category", &faq.category, &category_slugs);
            for id in &faq.sources {
                checker.reference(&sources.faqs, "guide", id, &guide_ids);
            }
            for id in &faq.contacts {
                checker.reference(&sources.faqs, "contact", id, &contact_ids);
            }
            let rendered = markdown::render(&faq.answer);
            let offset = faq_line_offset(&faq);
            faq_links.extend(rendered.links.iter().cloned().map(|l| (l, offset)));
            faq_phones.extend(rendered.phones.iter().cloned().map(|p| (p, offset)));
            faqs.push(Faq {
                answer_text: rendered.plain_text(),
                answer_html: rendered.html,
                id: faq.id,
                category: faq.category,
                question: faq.question,
                contacts: faq.contacts,
                keywords: faq.keywords,
                sources: faq.sources,
                weight: faq.weight,
            });
        }

        // Internal links and phone numbers in prose, now that every target is known.
        let anchors = LinkTargets::new(&articles, &categories, &contacts, &faqs);
        for (article, links, phones) in &articles {
            let path = &article.source_path;
            let body_offset = article_files
                .get(path.as_str())
                .map_or(0, |(_, offset)| *offset);
            for link in links {
                if let Err(message) = anchors.check(&link.url) {
                    checker.problems.push(Problem {
                        path: path.clone(),
                        line: Some(link.line + body_offset),
                        message,
                    });
                }
            }
            for phone in phones {
                checker.phone_in_directory(path, phone, body_offset, &directory_numbers);
            }
        }
        for (link, offset) in &faq_links {
            if let Err(message) = anchors.check(&link.url) {
                checker.problems.push(Problem {
                    path: sources.faqs.path.clone(),
                    line: Some(link.line + offset),
                    message,
                });
            }
        }
        for (phone, offset) in &faq_phones {
            checker.phone_in_directory(&sources.faqs.path, phone, *offset, &directory_numbers);
        }

        if !problems.is_empty() {
            return Err(ContentError::Invalid(problems));
        }
        let Some(settings) = settings else {
            // parse_toml reported why; unreachable when there are no problems.
            return Err(ContentError::Invalid(problems));
        };

        let mut site = Site::assemble(
            settings,
            guides,
            categories,
            articles.into_iter().map(|(a, _, _)| a).collect(),
            faqs,
            contacts,
            synonyms,
        );
        site.source_digest = digest;
        Ok(site)
    }

    /// Orders everything for display and builds the lookup tables.
    fn assemble(
        settings: Settings,
        guides: Vec<Guide>,
        mut categories: Vec<Category>,
        mut articles: Vec<Article>,
        mut faqs: Vec<Faq>,
        mut contacts: Vec<Contact>,
        synonyms: Vec<SynonymGroup>,
    ) -> Site {
        categories.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title)));
        let category_rank: HashMap<String, usize> = categories
            .iter()
            .enumerate()
            .map(|(rank, c)| (c.slug.clone(), rank))
            .collect();
        articles.sort_by(|a, b| {
            (category_rank[&a.category], a.weight, &a.title).cmp(&(
                category_rank[&b.category],
                b.weight,
                &b.title,
            ))
        });
        faqs.sort_by(|a, b| {
            (category_rank[&a.category], a.weight, &a.id).cmp(&(
                category_rank[&b.category],
                b.weight,
                &b.id,
            ))
        });
        // Departments keep the order in which the file first mentions them.
        let mut department_rank: HashMap<String, usize> = HashMap::new();
        for contact in &contacts {
            let next = department_rank.len();
            department_rank
                .entry(contact.department.clone())
                .or_insert(next);
        }
        contacts.sort_by(|a, b| {
            (department_rank[&a.department], a.weight, &a.id).cmp(&(
                department_rank[&b.department],
                b.weight,
                &b.id,
            ))
        });
        let mut site = Site {
            settings,
            guides,
            categories,
            articles,
            faqs,
            contacts,
            synonyms,
            source_digest: [0; 32],
            article_index: HashMap::new(),
            alias_index: HashMap::new(),
        };
        site.build_lookup_tables();
        site
    }

    /// The slug and alias lookup tables (not stored in the content cache: rebuilt on reading).
    fn build_lookup_tables(&mut self) {
        self.article_index = self
            .articles
            .iter()
            .enumerate()
            .map(|(index, a)| (a.slug.clone(), index))
            .collect();
        self.alias_index = self
            .articles
            .iter()
            .enumerate()
            .flat_map(|(index, a)| a.aliases.iter().map(move |alias| (alias.clone(), index)))
            .collect();
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.article_index
            .get(slug)
            .map(|&index| &self.articles[index])
    }

    /// The article that lists `alias` among its old slugs.
    pub fn article_by_alias(&self, alias: &str) -> Option<&Article> {
        self.alias_index
            .get(alias)
            .map(|&index| &self.articles[index])
    }

    /// The category with this slug.
    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.slug == slug)
    }

    /// The contact entry with this id.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// The guide with this id.
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.id == id)
    }

    /// Articles of a category, in order.
    pub fn articles_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Article> {
        self.articles.iter().filter(move |a| a.category == category)
    }

    /// FAQs of a category, in order.
    pub fn faqs_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Faq> {
        self.faqs.iter().filter(move |f| f.category == category)
    }

    /// Contact entries featured on the home page, in their featured order.
    pub fn featured_contacts(&self) -> Vec<&Contact> {
        let mut featured: Vec<&Contact> = self
            .contacts
            .iter()
            .filter(|c| c.featured.is_some())
            .collect();
        featured.sort_by_key(|c| c.featured);
        featured
    }

    /// The most recent `updated` date of any article (`YYYY-MM-DD`).
    pub fn last_updated(&self) -> String {
        self.articles
            .iter()
            .map(|a| a.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01".to_string())
    }
}

/// Every internal link target, for checking links in articles and FAQ answers.
struct LinkTargets {
    article_anchors: HashMap<String, HashSet<String>>,
    categories: HashSet<String>,
    contacts: HashSet<String>,
    faqs: HashSet<String>,
}

impl LinkTargets {
    fn new(
        articles: &[(Article, Vec<LinkRef>, Vec<PhoneRef>)],
        categories: &[Category],
        contacts: &[Contact],
        faqs: &[Faq],
    ) -> LinkTargets {
        LinkTargets {
            article_anchors: articles
                .iter()
                .map(|(a, _, _)| {
                    (
                        a.slug.clone(),
                        a.body.headings.iter().map(|h| h.id.clone()).collect(),
                    )
                })
                .collect(),
            categories: categories.iter().map(|c| c.slug.clone()).collect(),
            contacts: contacts.iter().map(|c| c.id.clone()).collect(),
            faqs: faqs.iter().map(|f| f.id.clone()).collect(),
        }
    }

    /// Accepts external links and internal links whose page (and anchor) exist.
    fn check(&self, url: &str) -> Result<(), String> {
        let lower = url.to_ascii_lowercase();
        if ["http://", "https://", "mailto:", "tel:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
        {
            return Ok(());
        }
        if let Some(anchor) = url.strip_prefix('#') {
            return if anchor.is_empty() {
                Err("empty anchor link `#`".into())
            } else {
                Ok(())
            };
        }
        let Some(path) = url.strip_prefix('/') else {
            return Err(format!(
                "link `{url}` is neither absolute (https://…) nor a site path (/articles/…)"
            ));
        };
        let (path, anchor) = match path.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (path, None),
        };
        let missing = || format!("link `{url}` points to a page that does not exist");
        let missing_anchor = |anchor: &str| {
            format!("link `{url}` points to an anchor `#{anchor}` that does not exist")
        };
        let segments: Vec<&str> = path.split('/').collect();
        match segments.as_slice() {
            [""] | ["search"] if anchor.is_none() => Ok(()),
            ["articles", slug] => {
                let anchors = self.article_anchors.get(*slug).ok_or_else(missing)?;
                match anchor {
                    Some(anchor) if !anchors.contains(anchor) => Err(missing_anchor(anchor)),
                    _ => Ok(()),
                }
            }
            ["categories", slug] if anchor.is_none() => self
                .categories
                .contains(*slug)
                .then_some(())
                .ok_or_else(missing),
            ["contact"] => match anchor {
                Some(anchor) if !self.contacts.contains(anchor) => Err(missing_anchor(anchor)),
                _ => Ok(()),
            },
            ["faq"] => match anchor {
                Some(anchor) if !self.faqs.contains(anchor) => Err(missing_anchor(anchor)),
                _ => Ok(()),
            },
            _ => Err(missing()),
        }
    }
}

/// Collects problems while validating; each method checks one rule.
struct Checker<'a> {
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, file: &SourceFile, line: Option<usize>, message: String) {
        self.problems.push(Problem {
            path: file.path.clone(),
            line,
            message,
        });
    }

    fn unique<'v>(
        &mut self,
        file: &SourceFile,
        values: impl Iterator<Item = &'v String>,
        what: &str,
    ) {
        let mut seen = HashSet::new();
        for value in values {
            if !seen.insert(value) {
                let line = find_nth_line(&file.text, &format!("\"{value}\""), 2);
                self.report(file, line, format!("duplicate {what} `{value}`"));
            }
        }
    }

    fn slug_shape(&mut self, file: &SourceFile, value: &str, what: &str) {
        let valid = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !valid {
            self.report(
                file,
                find_line(&file.text, value),
                format!("{what} `{value}` must be lower-case letters, digits and single dashes"),
            );
        }
    }

    fn reference(&mut self, file: &SourceFile, what: &str, id: &str, known: &HashSet<&str>) {
        if !known.contains(id) {
            self.report(
                file,
                find_line(&file.text, &format!("\"{id}\"")),
                format!("unknown {what} `{id}`"),
            );
        }
    }

    fn phone_in_directory(
        &mut self,
        path: &str,
        phone: &PhoneRef,
        line_offset: usize,
        directory: &HashSet<String>,
    ) {
        if !directory.contains(phone.found.phone.national_digits()) {
            self.problems.push(Problem {
                path: path.to_string(),
                line: Some(phone.line + line_offset),
                message: format!(
                    "phone number `{}` is not in contacts.toml; every number shown must come from the directory",
                    phone.found.written
                ),
            });
        }
    }

    /// Validates one contact entry and builds its final form.
    fn contact(
        &mut self,
        file: &SourceFile,
        source: ContactSource,
        guide_ids: &HashSet<&str>,
    ) -> Option<Contact> {
        let line = find_line(&file.text, &format!("\"{}\"", source.id));
        let before = self.problems.len();
        let fail = |checker: &mut Self, message: String| {
            checker.report(file, line, format!("contact `{}`: {message}", source.id));
        };
        self.slug_shape(file, &source.id, "contact id");
        for id in source
            .sources
            .iter()
            .chain(source.numbers.iter().flat_map(|n| n.sources.iter()))
        {
            if !guide_ids.contains(id.as_str()) {
                fail(self, format!("unknown guide `{id}`"));
            }
        }
        if source.sources.is_empty() {
            fail(self, "`sources` must name at least one guide".into());
        }
        let has_phone_fields =
            !source.numbers.is_empty() || source.vanity.is_some() || source.toll.is_some();
        match source.kind {
            ContactKind::Phone if source.numbers.is_empty() => {
                fail(self, "a phone entry needs at least one of `numbers`".into());
            }
            ContactKind::Address if source.address.is_empty() => {
                fail(self, "an address entry needs `address` lines".into());
            }
            ContactKind::Email if !source.email.as_deref().is_some_and(is_email) => {
                fail(self, "an email entry needs a valid `email`".into());
            }
            ContactKind::Web
                if !source.url.as_deref().is_some_and(|url| {
                    url.starts_with("https://") || url.starts_with("http://")
                }) =>
            {
                fail(self, "a web entry needs an absolute http(s) `url`".into());
            }
            ContactKind::Phone => {}
            _ if has_phone_fields => {
                fail(
                    self,
                    "`numbers`, `vanity` and `toll` belong to phone entries only".into(),
                );
            }
            _ => {}
        }
        let mut numbers = Vec::new();
        for number in &source.numbers {
            match Phone::parse(&number.display) {
                Some(phone) => {
                    if number.sources.is_empty() {
                        fail(self, format!("number `{}` needs `sources`", number.display));
                    }
                    numbers.push(PhoneNumber {
                        display: number.display.clone(),
                        phone,
                        sources: number.sources.clone(),
                        note: number.note.clone(),
                    });
                }
                None => self.report(
                    file,
                    find_line(&file.text, &format!("\"{}\"", number.display)).or(line),
                    format!(
                        "contact `{}`: malformed phone number `{}` (expected a North American number such as 1-800-528-4800)",
                        source.id, number.display
                    ),
                ),
            }
        }
        if let Some(vanity) = &source.vanity {
            let spelled = Phone::parse(vanity);
            if !spelled
                .as_ref()
                .is_some_and(|spelled| numbers.iter().any(|n| &n.phone == spelled))
            {
                self.report(
                    file,
                    find_line(&file.text, &format!("\"{vanity}\"")).or(line),
                    format!(
                        "contact `{}`: vanity `{vanity}` does not spell any of the entry's numbers",
                        source.id
                    ),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Contact {
            id: source.id,
            department: source.department,
            purpose: source.purpose,
            kind: source.kind,
            numbers,
            vanity: source.vanity,
            toll: source.toll,
            region: source.region,
            hours: source.hours,
            address: source.address,
            email: source.email,
            url: source.url,
            notes: source.notes,
            conflict: source.conflict,
            sources: source.sources,
            featured: source.featured,
            weight: source.weight,
        })
    }
}

fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(user), Some(domain), None) if !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
    )
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    find_nth_line(text, needle, 1)
}

/// 1-based line of the `nth` occurrence of `needle` in `text`.
fn find_nth_line(text: &str, needle: &str, nth: usize) -> Option<usize> {
    let (offset, _) = text.match_indices(needle).nth(nth.checked_sub(1)?)?;
    Some(line_at(text, offset))
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses a whole TOML file, reporting a syntax or shape error with its line.
fn parse_toml<T: DeserializeOwned>(file: &SourceFile, problems: &mut Vec<Problem>) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(value) => Some(value),
        Err(error) => {
            problems.push(toml_problem(&file.path, &file.text, &error, 0));
            None
        }
    }
}

/// Converts a TOML error into a problem; `line_offset` is added for TOML embedded in another file.
fn toml_problem(path: &str, text: &str, error: &toml::de::Error, line_offset: usize) -> Problem {
    Problem {
        path: path.to_string(),
        line: error
            .span()
            .map(|span| line_at(text, span.start) + line_offset),
        message: error.message().trim().to_string(),
    }
}

/// Parses a TOML file made of one array of tables (`[[key]]`).
fn parse_list<T: DeserializeOwned>(
    file: &SourceFile,
    key: &'static str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    #[derive(Deserialize)]
    struct List<T> {
        #[serde(default = "Vec::new")]
        items: Vec<T>,
    }
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(error) => {
            problems.push(toml_problem(&file.path, &file.text, &error, 0));
            return Vec::new();
        }
    };
    if let Some(other) = table.keys().find(|k| *k != key) {
        problems.push(Problem {
            path: file.path.clone(),
            line: find_line(&file.text, other),
            message: format!("unknown key `{other}`; this file holds only `[[{key}]]` tables"),
        });
    }
    // Parse each table separately from the source so errors keep their line numbers.
    let mut items = Vec::new();
    for (start, chunk) in split_tables(&file.text, key) {
        match toml::from_str::<List<T>>(&format!("[[items]]\n{chunk}")) {
            Ok(list) => items.extend(list.items),
            Err(error) => {
                let chunk_text = format!("[[items]]\n{chunk}");
                problems.push(toml_problem(&file.path, &chunk_text, &error, start - 1));
            }
        }
    }
    items
}

/// Splits a file of `[[key]]` tables into (line of the header, body text up to the next header).
/// Sub-tables such as `[[key.numbers]]` stay with their parent.
fn split_tables(text: &str, key: &str) -> Vec<(usize, String)> {
    let header = format!("[[{key}]]");
    let sub_prefix = format!("[[{key}.");
    let sub_table_prefix = format!("[{key}.");
    let mut tables: Vec<(usize, String)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed == header {
            tables.push((number + 1, String::new()));
        } else if let Some((_, body)) = tables.last_mut() {
            // Sub-tables are rewritten to hang off the placeholder key.
            let rewritten = if let Some(rest) = trimmed.strip_prefix(&sub_prefix) {
                format!("[[items.{rest}")
            } else if let Some(rest) = trimmed.strip_prefix(&sub_table_prefix) {
                format!("[items.{rest}")
            } else {
                line.to_string()
            };
            body.push_str(&rewritten);
            body.push('\n');
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tables_keeps_sub_tables_with_their_parent() {
        let text = "# c\n[[contact]]\nid = \"a\"\n[[contact.numbers]]\ndisplay = \"1\"\n\n[[contact]]\nid = \"b\"\n";
        let tables = split_tables(text, "contact");
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, 2);
        assert!(tables[0].1.contains("[[items.numbers]]"));
        assert_eq!(tables[1].0, 7);
    }

    #[test]
    fn email_shape_table() {
        for (text, valid) in [
            ("customer.service@americanexpress.com", true),
            ("no-at-sign.com", false),
            ("a@b", false),
            ("a b@c.com", false),
            ("a@b@c.com", false),
        ] {
            assert_eq!(is_email(text), valid, "{text}");
        }
    }
}
