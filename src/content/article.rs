//! One article file: splits the `+++` TOML front matter from the Markdown body, parses both, and
//! reports problems with the file's own line numbers.

use std::path::Path;
use std::sync::Arc;

use super::error::Problem;
use super::model::{Article, ArticleBody, FrontMatter};
use super::sources::SourceFile;
use super::toml_file::{find_line, toml_problem};
use crate::markdown::{self, LinkRef, PhoneRef};

const FENCE: &str = "+++";

/// An article with the links and phone numbers of its body (checked once every target is known).
pub(super) type ArticleParts = (Article, Vec<LinkRef>, Vec<PhoneRef>);

/// An article file after parsing: everything validation needs once the file's text is gone.
pub(super) struct ParsedArticle {
    /// The path and the file's head (fences and front matter): cross-reference problems are
    /// located in it, with the file's own line numbers.
    pub(super) head: SourceFile,
    /// Lines before the body, added to body line numbers.
    pub(super) body_offset: usize,
    /// The article with the links and phone numbers of its body, or what is wrong with it.
    pub(super) parsed: Result<ArticleParts, Vec<Problem>>,
    /// SHA-256 of the file's path and text (part of the site's source digest).
    pub(super) digest: [u8; 32],
}

impl ParsedArticle {
    /// Parses one article file; `compact` stores its rendered body deflated (big sites).
    pub(super) fn parse(file: &SourceFile, compact: bool) -> ParsedArticle {
        ParsedArticle {
            head: SourceFile {
                path: file.path.clone(),
                text: head(&file.text).to_string(),
            },
            body_offset: body_line_offset(&file.text),
            parsed: parse(&file.path, &file.text, compact),
            digest: file.digest(),
        }
    }
}

/// The front matter text, the body text, and the 1-based line where the front matter starts.
struct Split<'a> {
    front_matter: &'a str,
    body: &'a str,
    body_line_offset: usize,
}

fn split(text: &str) -> Option<Split<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != FENCE {
        return None;
    }
    let front_start = first.len();
    let mut offset = front_start;
    for (line_count, line) in (2..).zip(lines) {
        if line.trim_end() == FENCE {
            return Some(Split {
                front_matter: &text[front_start..offset],
                body: &text[offset + line.len()..],
                body_line_offset: line_count,
            });
        }
        offset += line.len();
    }
    None
}

/// Lines before the body starts (front matter and its fences), so body line N is file line N + this.
fn body_line_offset(text: &str) -> usize {
    split(text).map_or(0, |s| s.body_line_offset)
}

/// The file's head: the fences and front matter before the body (the whole text when there are no
/// fences, which parsing reports).
fn head(text: &str) -> &str {
    split(text).map_or(text, |parts| {
        let body_start = text.len() - parts.body.len();
        &text[..body_start]
    })
}

/// Parses an article file. The slug is the file name without `.md`; `compact` stores the rendered
/// body deflated (see [`crate::compact`]).
fn parse(path: &str, text: &str, compact: bool) -> Result<ArticleParts, Vec<Problem>> {
    let problem = |line: Option<usize>, message: String| Problem {
        path: path.to_string(),
        line,
        message,
    };
    let slug = Path::new(path)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default()
        .to_string();
    let Some(parts) = split(text) else {
        return Err(vec![problem(
            Some(1),
            "an article must start with a `+++` line, then TOML front matter, then a closing `+++` line".into(),
        )]);
    };
    let front: FrontMatter = toml::from_str(parts.front_matter)
        .map_err(|error| vec![toml_problem(path, parts.front_matter, &error, 1)])?;

    let mut problems = Vec::new();
    let valid_slug = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_slug {
        problems.push(problem(
            None,
            format!("file name `{slug}` must be a slug: lower-case letters, digits and dashes"),
        ));
    }
    for (field, value) in [("title", &front.title), ("summary", &front.summary)] {
        if value.trim().is_empty() {
            problems.push(problem(
                find_line(text, field),
                format!("`{field}` must not be empty"),
            ));
        }
    }
    let updated = match (front.updated.date, front.updated.time) {
        (Some(date), None) => date.to_string(),
        _ => {
            problems.push(problem(
                find_line(text, "updated"),
                "`updated` must be a plain date such as 2026-11-20 (no quotes, no time)".into(),
            ));
            String::new()
        }
    };
    if front.sources.is_empty() {
        problems.push(problem(
            find_line(text, "sources"),
            "`sources` must name at least one guide".into(),
        ));
    }

    let rendered = markdown::render(parts.body);
    for line in &rendered.level_one_heading_lines {
        problems.push(problem(
            Some(line + parts.body_line_offset),
            "the title is the page's only `#` heading; start sections at `##`".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let body = Arc::new(ArticleBody::new(
        &front.summary,
        rendered.html,
        rendered.sections,
        compact,
    ));
    let article = Article {
        slug,
        source_path: path.to_string(),
        title: front.title,
        summary: front.summary,
        category: front.category,
        updated,
        sources: front.sources,
        cites: front.cites,
        contacts: front.contacts,
        keywords: front.keywords,
        aliases: front.aliases,
        weight: front.weight,
        body,
    };
    Ok((article, rendered.links, rendered.phones))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\ntitle = \"T\"\nsummary = \"S\"\ncategory = \"c\"\nupdated = 2026-11-20\nsources = [\"g\"]\n+++\n\nIntro.\n\n## First\n\nBody [x](/faq)\n";

    #[test]
    fn parses_front_matter_and_body() {
        let (article, links, _) =
            parse("content/articles/my-page.md", GOOD, false).expect("parses");
        assert_eq!(article.slug, "my-page");
        assert_eq!(article.updated, "2026-11-20");
        assert_eq!(article.body.headings[0].id, "first");
        assert_eq!(
            article.body.text.get().expect("plain"),
            "S\nIntro.\nFirst\nBody x"
        );
        assert_eq!(
            &article.body.text.get().expect("plain")[article.body.sections[0].clone()],
            "Body x"
        );
        // The link is on file line 13.
        assert_eq!(links[0].line + body_line_offset(GOOD), 13);
    }

    #[test]
    fn title_heading_check_follows_the_markdown_not_raw_lines() {
        const FRONT: &str = "+++\ntitle = \"T\"\nsummary = \"S\"\ncategory = \"c\"\nupdated = 2026-11-20\nsources = [\"g\"]\n+++\n";
        // (name, body, file line of the rejected `#` heading, if any); the body starts on line 8.
        let cases = [
            ("atx h1", "# Title again\n", Some(8)),
            (
                "setext h1",
                "Intro.\n\nTitle again\n===========\n",
                Some(10),
            ),
            ("comment in a fenced block", "```sh\n# comment\n```\n", None),
            (
                "comment in an indented block",
                "Intro.\n\n    # comment\n",
                None,
            ),
            ("h2", "## Section\n", None),
        ];
        for (name, body, line) in cases {
            let text = format!("{FRONT}{body}");
            match (parse("content/articles/x.md", &text, false), line) {
                (Ok(_), None) => {}
                (Err(problems), Some(line)) => {
                    assert_eq!(problems.len(), 1, "{name}: {problems:?}");
                    assert_eq!(problems[0].path, "content/articles/x.md", "{name}");
                    assert_eq!(problems[0].line, Some(line), "{name}");
                    assert!(
                        problems[0].message.contains("only `#` heading"),
                        "{name}: {}",
                        problems[0].message
                    );
                }
                (Ok(_), Some(_)) => panic!("{name}: accepted"),
                (Err(problems), None) => panic!("{name}: rejected: {problems:?}"),
            }
        }
    }

    #[test]
    fn front_matter_errors_name_file_and_line() {
        let cases = [
            ("no fence", "title = 1\n", Some(1), "must start with"),
            (
                "unknown field",
                "+++\ntitle = \"T\"\nsummary = \"S\"\ncategory = \"c\"\nupdated = 2026-11-20\nsources = [\"g\"]\ncolour = \"red\"\n+++\n",
                Some(7),
                "unknown field",
            ),
            (
                "bad toml",
                "+++\ntitle = \"T\nsummary = 1\n+++\n",
                Some(2),
                "",
            ),
            ("unclosed", "+++\ntitle = \"T\"\n", Some(1), "closing"),
            (
                "h1 in body",
                "+++\ntitle = \"T\"\nsummary = \"S\"\ncategory = \"c\"\nupdated = 2026-11-20\nsources = [\"g\"]\n+++\n# Title again\n",
                Some(8),
                "only `#` heading",
            ),
            (
                "datetime instead of date",
                "+++\ntitle = \"T\"\nsummary = \"S\"\ncategory = \"c\"\nupdated = 2026-11-20T10:00:00Z\nsources = [\"g\"]\n+++\n",
                Some(5),
                "plain date",
            ),
        ];
        for (name, text, line, message) in cases {
            let problems = parse("content/articles/x.md", text, false).expect_err(name);
            assert_eq!(problems[0].path, "content/articles/x.md", "{name}");
            assert_eq!(problems[0].line, line, "{name}: {:?}", problems[0]);
            assert!(
                problems[0].message.contains(message),
                "{name}: {}",
                problems[0].message
            );
        }
    }
}
