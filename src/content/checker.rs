//! The reusable validation rules, each reporting a located problem: unique ids, slug shapes,
//! references, link targets, numbers from the directory.

use std::collections::{HashMap, HashSet};

use super::error::Problem;
use super::model::{Article, Category, Contact, Faq};
use super::sources::SourceFile;
use super::toml_file::{find_line, find_nth_line};
use crate::markdown::{LinkRef, PhoneRef};

/// Collects problems while validating; each method checks one rule.
pub(super) struct Checker<'a> {
    /// Every problem found so far, in the order found.
    pub(super) problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    /// Records a problem in `file`.
    pub(super) fn report(&mut self, file: &SourceFile, line: Option<usize>, message: String) {
        self.report_at(&file.path, line, message);
    }

    /// Records a problem in the file at `path`.
    pub(super) fn report_at(&mut self, path: &str, line: Option<usize>, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            line,
            message,
        });
    }

    /// Every value is given once; a repeat is located at its second occurrence in `file`.
    pub(super) fn unique<'v>(
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

    /// `value` is lower-case letters, digits and single dashes, neither starting nor ending with
    /// a dash.
    pub(super) fn slug_shape(&mut self, file: &SourceFile, value: &str, what: &str) {
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

    /// `id` names one of `known`.
    pub(super) fn reference(
        &mut self,
        file: &SourceFile,
        what: &str,
        id: &str,
        known: &HashSet<&str>,
    ) {
        if !known.contains(id) {
            self.report(
                file,
                find_line(&file.text, &format!("\"{id}\"")),
                format!("unknown {what} `{id}`"),
            );
        }
    }

    /// A link in prose points to a page (and anchor) that exists; `line_offset` turns the
    /// Markdown's line into the file's.
    pub(super) fn link(
        &mut self,
        path: &str,
        link: &LinkRef,
        line_offset: usize,
        targets: &LinkTargets,
    ) {
        if let Err(message) = targets.check(&link.url) {
            self.report_at(path, Some(link.line + line_offset), message);
        }
    }

    /// A phone number in prose is one of the directory's (`directory` holds national digits).
    pub(super) fn phone_in_directory(
        &mut self,
        path: &str,
        phone: &PhoneRef,
        line_offset: usize,
        directory: &HashSet<String>,
    ) {
        if !directory.contains(phone.found.phone.national_digits()) {
            self.report_at(
                path,
                Some(phone.line + line_offset),
                format!(
                    "phone number `{}` is not in contacts.toml; every number shown must come from the directory",
                    phone.found.written
                ),
            );
        }
    }
}

/// Every internal link target, for checking links in articles and FAQ answers.
pub(super) struct LinkTargets {
    article_anchors: HashMap<String, HashSet<String>>,
    categories: HashSet<String>,
    contacts: HashSet<String>,
    faqs: HashSet<String>,
}

impl LinkTargets {
    /// The pages and anchors of this content.
    pub(super) fn new<'a>(
        articles: impl Iterator<Item = &'a Article>,
        categories: &[Category],
        contacts: &[Contact],
        faqs: &[Faq],
    ) -> LinkTargets {
        LinkTargets {
            article_anchors: articles
                .map(|a| {
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
    pub(super) fn check(&self, url: &str) -> Result<(), String> {
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
