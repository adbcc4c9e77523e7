//! Validation of the whole content model, in steps per kind of content: a `Site` is only built
//! once every id, reference, link, anchor and phone number checks out.

use std::collections::{HashMap, HashSet};

use super::article::{ArticleParts, ParsedArticle};
use super::checker::{Checker, LinkTargets};
use super::cites::{KnownParts, check_cites, check_guide_parts};
use super::contacts::check_contacts;
use super::error::{ContentError, Problem};
use super::intents::{IntentTargets, check_intents};
use super::model::{
    Category, Contact, ContactSource, Faq, FaqSource, Guide, Settings, SynonymGroup,
};
use super::planner_check::{PlannerRefs, check_planner};
use super::site::{Site, SiteParts};
use super::sources::{SourceFile, Sources};
use super::toml_file::{find_line, parse_list, parse_toml};
use crate::markdown::{self, LinkRef, PhoneRef};

/// Validates parsed content; `sources.articles` is not read (the articles come parsed).
pub(super) fn validate(
    sources: &Sources,
    parsed: Vec<ParsedArticle>,
) -> Result<Site, ContentError> {
    let mut problems = Vec::new();
    let tables = Tables::parse(sources, &mut problems);
    let source_digest = sources.digest(parsed.iter().map(|article| article.digest));
    let (articles, files) = unpack_articles(parsed, &mut problems);
    let mut checker = Checker {
        problems: &mut problems,
    };
    check_lists(&mut checker, sources, &tables);
    check_guide_parts(&mut checker, &sources.guides, &tables.guides);
    let contacts = check_contacts(
        &mut checker,
        &sources.contacts,
        tables.contacts,
        &KnownParts::new(&tables.guides),
    );
    let known = Known {
        guides: ids(&tables.guides, |g| &g.id),
        parts: KnownParts::new(&tables.guides),
        categories: ids(&tables.categories, |c| &c.slug),
        contacts: ids(&contacts, |c| &c.id),
    };
    check_articles(&mut checker, &articles, &files, &known);
    let (faqs, faq_prose) = check_faqs(&mut checker, &sources.faqs, tables.faqs, &known);
    let targets = LinkTargets::new(
        articles.iter().map(|(article, _, _)| article),
        &tables.categories,
        &contacts,
        &faqs,
    );
    let prose = Prose {
        targets: &targets,
        directory: directory_numbers(&contacts),
    };
    prose.check_articles(&mut checker, &articles, &files);
    prose.check_faqs(&mut checker, &sources.faqs.path, &faq_prose);
    let article_slugs = articles
        .iter()
        .map(|(article, _, _)| article.slug.as_str())
        .collect();
    let planner = sources.planner.as_ref().and_then(|file| {
        let refs = PlannerRefs {
            guides: &known.guides,
            articles: &article_slugs,
            contacts: &contacts,
            targets: &targets,
        };
        check_planner(&mut checker, file, &refs)
    });
    let intents = check_intents(
        &mut checker,
        &sources.intents,
        &IntentTargets {
            contacts: &known.contacts,
            links: &targets,
            planner: planner.as_ref(),
            has_planner_file: sources.planner.is_some(),
        },
    );

    if !problems.is_empty() {
        return Err(ContentError::Invalid(problems));
    }
    let Some(settings) = tables.settings else {
        // parse_toml reported why; unreachable when there are no problems.
        return Err(ContentError::Invalid(problems));
    };
    Ok(Site::new(SiteParts {
        settings,
        guides: tables.guides,
        categories: tables.categories,
        articles: articles
            .into_iter()
            .map(|(article, _, _)| article)
            .collect(),
        faqs,
        contacts,
        synonyms: tables.synonyms,
        planner,
        intents,
        source_digest,
    }))
}

/// The TOML files, each parsed as far as it goes (problems reported).
struct Tables {
    settings: Option<Settings>,
    guides: Vec<Guide>,
    categories: Vec<Category>,
    contacts: Vec<ContactSource>,
    faqs: Vec<FaqSource>,
    synonyms: Vec<SynonymGroup>,
}

impl Tables {
    fn parse(sources: &Sources, problems: &mut Vec<Problem>) -> Tables {
        Tables {
            settings: parse_toml(&sources.site, problems),
            guides: parse_list(&sources.guides, "guide", problems),
            categories: parse_list(&sources.categories, "category", problems),
            contacts: parse_list(&sources.contacts, "contact", problems),
            faqs: parse_list(&sources.faqs, "faq", problems),
            synonyms: parse_list(&sources.synonyms, "group", problems),
        }
    }
}

/// The ids things may refer to.
struct Known<'a> {
    guides: HashSet<&'a str>,
    parts: KnownParts<'a>,
    categories: HashSet<&'a str>,
    contacts: HashSet<&'a str>,
}

/// The set of `id` over `items`.
fn ids<T>(items: &[T], id: impl Fn(&T) -> &String) -> HashSet<&str> {
    items.iter().map(|item| id(item).as_str()).collect()
}

/// An article file's head (where its problems are located) and the lines before its body.
type ArticleFile = (SourceFile, usize);

/// Splits parsed article files into the valid articles (problems of the others reported) and the
/// files' heads by path (lookups stay O(1) on a big site).
fn unpack_articles(
    parsed: Vec<ParsedArticle>,
    problems: &mut Vec<Problem>,
) -> (Vec<ArticleParts>, HashMap<String, ArticleFile>) {
    let mut files = HashMap::with_capacity(parsed.len());
    let mut articles = Vec::with_capacity(parsed.len());
    for article in parsed {
        match article.parsed {
            Ok(parsed) => articles.push(parsed),
            Err(mut found) => problems.append(&mut found),
        }
        files.insert(
            article.head.path.clone(),
            (article.head, article.body_offset),
        );
    }
    (articles, files)
}

/// Guides, categories and synonym groups: unique ids, slug shapes, groups of two or more terms.
fn check_lists(checker: &mut Checker<'_>, sources: &Sources, tables: &Tables) {
    checker.unique(
        &sources.guides,
        tables.guides.iter().map(|g| &g.id),
        "guide id",
    );
    checker.unique(
        &sources.categories,
        tables.categories.iter().map(|c| &c.slug),
        "category slug",
    );
    for category in &tables.categories {
        checker.slug_shape(&sources.categories, &category.slug, "category slug");
    }
    for group in &tables.synonyms {
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
}

/// Articles: slugs and aliases unique, aliases slug-shaped, every reference known.
fn check_articles(
    checker: &mut Checker<'_>,
    articles: &[ArticleParts],
    files: &HashMap<String, ArticleFile>,
    known: &Known<'_>,
) {
    let mut taken: HashMap<String, String> = HashMap::new();
    for (article, _, _) in articles {
        if let Some(other) = taken.insert(article.slug.clone(), article.source_path.clone()) {
            checker.report_at(
                &article.source_path,
                None,
                format!("slug `{}` is also used by {other}", article.slug),
            );
        }
    }
    let empty_file = SourceFile::default();
    for (article, _, _) in articles {
        let file = files
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
        checker.reference(file, "category", &article.category, &known.categories);
        for id in &article.sources {
            checker.reference(file, "guide", id, &known.guides);
        }
        let cites_line = find_line(&file.text, "cites");
        check_cites(
            checker,
            file,
            cites_line,
            &article.cites,
            &article.sources,
            &known.parts,
        );
        for id in &article.contacts {
            checker.reference(file, "contact", id, &known.contacts);
        }
    }
}

/// The links and phone numbers of FAQ answers, each with the line offset of its answer in
/// `faqs.toml`.
#[derive(Default)]
struct FaqProse {
    links: Vec<(LinkRef, usize)>,
    phones: Vec<(PhoneRef, usize)>,
}

/// FAQs (`file` is `faqs.toml`): unique, slug-shaped ids and known references; the answers are
/// rendered, their links and numbers returned for checking once every target is known.
fn check_faqs(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    sources: Vec<FaqSource>,
    known: &Known<'_>,
) -> (Vec<Faq>, FaqProse) {
    checker.unique(file, sources.iter().map(|f| &f.id), "FAQ id");
    let mut faqs = Vec::with_capacity(sources.len());
    let mut prose = FaqProse::default();
    for faq in sources {
        checker.slug_shape(file, &faq.id, "FAQ id");
        checker.reference(file, "category", &faq.category, &known.categories);
        for id in &faq.sources {
            checker.reference(file, "guide", id, &known.guides);
        }
        let id_line = find_line(&file.text, &format!("id = \"{}\"", faq.id));
        check_cites(
            checker,
            file,
            id_line,
            &faq.cites,
            &faq.sources,
            &known.parts,
        );
        for id in &faq.contacts {
            checker.reference(file, "contact", id, &known.contacts);
        }
        let rendered = markdown::render(&faq.answer);
        let offset = answer_line_offset(&file.text, &faq);
        prose
            .links
            .extend(rendered.links.iter().cloned().map(|l| (l, offset)));
        prose
            .phones
            .extend(rendered.phones.iter().cloned().map(|p| (p, offset)));
        faqs.push(Faq {
            answer_text: rendered.plain_text(),
            answer_html: rendered.html,
            id: faq.id,
            category: faq.category,
            question: faq.question,
            contacts: faq.contacts,
            keywords: faq.keywords,
            sources: faq.sources,
            cites: faq.cites,
            weight: faq.weight,
        });
    }
    (faqs, prose)
}

/// Lines of an answer count from where its text starts in `faqs.toml` (`text`); failing that,
/// from the FAQ's id.
fn answer_line_offset(text: &str, faq: &FaqSource) -> usize {
    let first_line: String = faq
        .answer
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    let answer_line = (!first_line.trim().is_empty())
        .then(|| find_line(text, &first_line))
        .flatten();
    answer_line
        .or_else(|| find_line(text, &format!("\"{}\"", faq.id)))
        .unwrap_or(1)
        - 1
}

/// The national digits of every number in the directory.
fn directory_numbers(contacts: &[Contact]) -> HashSet<String> {
    contacts
        .iter()
        .flat_map(|c| {
            c.numbers
                .iter()
                .map(|n| n.phone.national_digits().to_string())
        })
        .collect()
}

/// Checks links and phone numbers in prose, once every target is known.
struct Prose<'a> {
    targets: &'a LinkTargets,
    directory: HashSet<String>,
}

impl Prose<'_> {
    /// Each article's links, then its numbers, located by the article file's own lines.
    fn check_articles(
        &self,
        checker: &mut Checker<'_>,
        articles: &[ArticleParts],
        files: &HashMap<String, ArticleFile>,
    ) {
        for (article, links, phones) in articles {
            let path = &article.source_path;
            let body_offset = files.get(path.as_str()).map_or(0, |(_, offset)| *offset);
            for link in links {
                checker.link(path, link, body_offset, self.targets);
            }
            for phone in phones {
                checker.phone_in_directory(path, phone, body_offset, &self.directory);
            }
        }
    }

    /// Every FAQ answer's links, then every answer's numbers, located in `faqs.toml` (`path`).
    fn check_faqs(&self, checker: &mut Checker<'_>, path: &str, prose: &FaqProse) {
        for (link, offset) in &prose.links {
            checker.link(path, link, *offset, self.targets);
        }
        for (phone, offset) in &prose.phones {
            checker.phone_in_directory(path, phone, *offset, &self.directory);
        }
    }
}
