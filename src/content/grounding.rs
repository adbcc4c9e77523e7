//! `helpcenter check --guides DIR`: the content checked against the guides' own text. Every
//! directory number, article and FAQ cites the parts of the guides it draws on (`guide#part`);
//! every phone number, address, email and web address a locator cites must be in that part, and
//! every sentence's claim words must be backed by a cited part ([`claims`](super::claims)).
//! Each problem is reported at its `file:line`.

use std::path::Path;

use super::checker::Checker;
use super::claims::Passages;
use super::error::ContentError;
use super::guide_text::{GuideTexts, PartText};
use super::locator::Locator;
use super::model::{Contact, ContactKind, FaqSource};
use super::site::Site;
use super::sources::{SourceFile, Sources};
use super::toml_file::{find_line, find_line_from, parse_list};
use crate::phone::{Phone, find_phones};

impl Site {
    /// Loads and validates `content_dir` as [`Site::load`] does, then checks it against the
    /// guides in `guides_dir` (the files `guides.toml` names): every locator's facts are in its
    /// part, every number, article and FAQ has locators, every claim word is backed.
    pub fn check_against_guides(
        content_dir: &Path,
        guides_dir: &Path,
    ) -> Result<Site, ContentError> {
        let site = Site::load(content_dir)?;
        let sources = Sources::read(content_dir)?;
        let mut problems = Vec::new();
        let mut checker = Checker {
            problems: &mut problems,
        };
        let texts = GuideTexts::read(&mut checker, &sources.guides, &site.guides, guides_dir);
        let grounding = Grounding::new(&site, &texts);
        grounding.contacts(&mut checker, &sources.contacts);
        grounding.faqs(&mut checker, &sources.faqs);
        for file in &sources.articles {
            grounding.article(&mut checker, file);
        }
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(ContentError::Invalid(problems))
        }
    }
}

/// The site, the guides' parts, and the exact strings taken out of prose before its claim words
/// are checked (their exactness is checked as facts instead).
struct Grounding<'a> {
    site: &'a Site,
    texts: &'a GuideTexts,
    literals: Vec<&'a str>,
}

impl<'a> Grounding<'a> {
    fn new(site: &'a Site, texts: &'a GuideTexts) -> Grounding<'a> {
        let mut literals: Vec<&str> = site.guides.iter().map(|g| g.short.as_str()).collect();
        for contact in &site.contacts {
            literals.extend(contact.address.iter().map(String::as_str));
            literals.extend(contact.email.as_deref());
            literals.extend(contact.url.as_deref());
            literals.extend(contact.vanity.as_deref());
        }
        // Longest first, so a name is not cut by a shorter one inside it.
        literals.sort_by_key(|literal| std::cmp::Reverse(literal.len()));
        Grounding {
            site,
            texts,
            literals,
        }
    }

    /// "the call guide, step 3 A (…)" for a locator.
    fn describe(&self, locator: &Locator) -> String {
        let guide = self.site.guide(&locator.guide);
        let part = guide.and_then(|g| g.parts.iter().find(|p| p.id == locator.part));
        match (guide, part) {
            (Some(guide), Some(part)) => format!("{locator} ({}, {})", guide.short, part.name),
            _ => locator.to_string(),
        }
    }

    /// Every directory entry: its numbers, hours, vanity form, address, email or web address in
    /// the parts cited for them, and its wording backed.
    fn contacts(&self, checker: &mut Checker<'_>, file: &SourceFile) {
        for contact in &self.site.contacts {
            let line = find_line(&file.text, &format!("id = \"{}\"", contact.id));
            let at = |needle: &str| find_line_from(&file.text, line.unwrap_or(1), needle).or(line);
            let fail = |checker: &mut Checker<'_>, at: Option<usize>, message: String| {
                checker.report(file, at, format!("contact `{}`: {message}", contact.id));
            };
            for number in &contact.numbers {
                let number_line = at(&format!("\"{}\"", number.display));
                if number.cites.is_empty() {
                    fail(
                        checker,
                        number_line,
                        format!(
                            "number `{}` has no `cites`: name the part of the guide that gives it",
                            number.display
                        ),
                    );
                }
                for cite in &number.cites {
                    if self
                        .texts
                        .part(cite)
                        .is_some_and(|part| !has_phone(part, &number.phone))
                    {
                        fail(
                            checker,
                            number_line,
                            format!("`{}` is not in {}", number.display, self.describe(cite)),
                        );
                    }
                }
                if let (Some(hours), Some(cite)) = (&number.hours, &number.hours_cite) {
                    if self
                        .texts
                        .part(cite)
                        .is_some_and(|part| !states_hours(part, hours))
                    {
                        fail(
                            checker,
                            number_line,
                            format!("hours `{hours}` are not stated in {}", self.describe(cite)),
                        );
                    }
                } else if number.hours.is_some() {
                    fail(
                        checker,
                        number_line,
                        format!("number `{}` has hours but no `hours_cite`", number.display),
                    );
                }
            }
            let number_parts = self
                .texts
                .parts(contact.numbers.iter().flat_map(|n| &n.cites));
            if let Some(vanity) = &contact.vanity
                && !number_parts
                    .iter()
                    .any(|part| part.text.contains(vanity.as_str()))
            {
                fail(
                    checker,
                    at(vanity),
                    format!("vanity `{vanity}` is in none of its numbers' cited parts"),
                );
            }
            self.entry_facts(checker, file, contact, line);
            let cited = contact.cites.iter().chain(
                contact
                    .numbers
                    .iter()
                    .flat_map(|n| n.cites.iter().chain(&n.hours_cite)),
            );
            let passages = Passages::new(&self.texts.parts(cited));
            let notes = contact.numbers.iter().filter_map(|n| n.note.as_deref());
            for text in [
                Some(contact.purpose.as_str()),
                contact.notes.as_deref(),
                contact.conflict.as_deref(),
            ]
            .into_iter()
            .flatten()
            .chain(notes)
            {
                let prefix: String = text.chars().take(40).collect();
                self.prose(checker, file, at(&prefix), text, &passages);
            }
        }
    }

    /// An address, email or web entry cites parts, and one of them holds each of its address
    /// lines, its email or its web address exactly (further parts back its notes).
    fn entry_facts(
        &self,
        checker: &mut Checker<'_>,
        file: &SourceFile,
        contact: &Contact,
        line: Option<usize>,
    ) {
        if contact.kind == ContactKind::Phone {
            return;
        }
        let report = |checker: &mut Checker<'_>, message: String| {
            checker.report(file, line, format!("contact `{}`: {message}", contact.id));
        };
        if contact.cites.is_empty() {
            report(
                checker,
                "no `cites`: name the part of the guide that gives it".into(),
            );
        }
        let facts: Vec<&str> = contact
            .address
            .iter()
            .map(String::as_str)
            .chain(contact.email.as_deref())
            .chain(contact.url.as_deref())
            .collect();
        let parts = self.texts.parts(&contact.cites);
        if parts.len() < contact.cites.len() {
            return; // a guide could not be read: reported already
        }
        for fact in facts {
            if !parts.iter().any(|part| part.text.contains(fact)) {
                let cited: Vec<String> = contact.cites.iter().map(|c| self.describe(c)).collect();
                report(
                    checker,
                    format!(
                        "`{fact}` is in none of its cited parts: {}",
                        cited.join("; ")
                    ),
                );
            }
        }
    }

    /// Every FAQ cites parts; the numbers, emails and web addresses of its answer are in them and
    /// the claim words of its question and answer are backed.
    fn faqs(&self, checker: &mut Checker<'_>, file: &SourceFile) {
        for faq in parse_list::<FaqSource>(file, "faq", &mut Vec::new()) {
            let line = find_line(&file.text, &format!("id = \"{}\"", faq.id));
            if faq.cites.is_empty() {
                checker.report(
                    file,
                    line,
                    format!(
                        "FAQ `{}` has no `cites`: name the parts of the guides it draws on",
                        faq.id
                    ),
                );
            }
            let parts = self.texts.parts(&faq.cites);
            let passages = Passages::new(&parts);
            for text in std::iter::once(faq.question.as_str()).chain(faq.answer.lines()) {
                let prefix: String = text.trim().chars().take(40).collect();
                if prefix.is_empty() {
                    continue;
                }
                let at = find_line_from(&file.text, line.unwrap_or(1), &prefix).or(line);
                self.facts_in_prose(checker, file, at, text, &parts);
                self.prose(checker, file, at, text, &passages);
            }
        }
    }

    /// An article cites parts; the numbers, emails and web addresses of its body are in them and
    /// the claim words of its title, summary and body are backed.
    fn article(&self, checker: &mut Checker<'_>, file: &SourceFile) {
        let Some(article) = self
            .site
            .articles
            .iter()
            .find(|a| a.source_path == file.path)
        else {
            return;
        };
        if article.cites.is_empty() {
            checker.report(
                file,
                find_line(&file.text, "sources"),
                "the article has no `cites`: name the parts of the guides it draws on".into(),
            );
        }
        let parts = self.texts.parts(&article.cites);
        let passages = Passages::new(&parts);
        for (field, value) in [("title", &article.title), ("summary", &article.summary)] {
            self.prose(
                checker,
                file,
                find_line(&file.text, &format!("{field} =")),
                value,
                &passages,
            );
        }
        let fences: Vec<usize> = file
            .text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_end() == "+++")
            .map(|(index, _)| index)
            .take(2)
            .collect();
        let body_start = fences.get(1).map_or(0, |index| index + 1);
        for (index, line) in file.text.lines().enumerate().skip(body_start) {
            self.facts_in_prose(checker, file, Some(index + 1), line, &parts);
            self.prose(checker, file, Some(index + 1), line, &passages);
        }
    }

    /// Each phone number, email and web address written in `text` is in one of `parts`.
    fn facts_in_prose(
        &self,
        checker: &mut Checker<'_>,
        file: &SourceFile,
        line: Option<usize>,
        text: &str,
        parts: &[&PartText],
    ) {
        for found in find_phones(text) {
            if !parts.iter().any(|part| has_phone(part, &found.phone)) {
                checker.report(
                    file,
                    line,
                    format!("`{}` is in none of the parts cited here", found.written),
                );
            }
        }
        for fact in emails_and_urls(text) {
            if !parts.iter().any(|part| part.text.contains(fact)) {
                checker.report(
                    file,
                    line,
                    format!("`{fact}` is in none of the parts cited here"),
                );
            }
        }
    }

    /// The claim words of `text` are backed by `passages`.
    fn prose(
        &self,
        checker: &mut Checker<'_>,
        file: &SourceFile,
        line: Option<usize>,
        text: &str,
        passages: &Passages,
    ) {
        for unbacked in passages.unbacked(text, &self.literals) {
            checker.report(
                file,
                line,
                format!(
                    "no cited part backs {} in \"{}\" (cite the part that says so, or reword)",
                    unbacked
                        .words
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    unbacked.sentence
                ),
            );
        }
    }
}

/// `part` writes `phone` (in any form).
fn has_phone(part: &PartText, phone: &Phone) -> bool {
    find_phones(&part.text)
        .iter()
        .any(|found| found.phone.national_digits() == phone.national_digits())
}

/// `part` states `hours` ("24/7", "24 hours" as "24-hour").
fn states_hours(part: &PartText, hours: &str) -> bool {
    let plain = |text: &str| -> String {
        text.to_lowercase()
            .replace("hours", "hour")
            .split(|c: char| !(c.is_alphanumeric() || c == '/'))
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    plain(&part.text).contains(&plain(hours))
}

/// The email addresses and `http(s)://` addresses written in `text`.
fn emails_and_urls(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '<' | '>'))
    {
        let word = word.trim_end_matches(['.', ',', ';', ':']);
        if word.contains('@') || word.starts_with("http://") || word.starts_with("https://") {
            found.push(word);
        }
    }
    found
}
