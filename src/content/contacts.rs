//! `contacts.toml` entries validated into the directory's [`Contact`] values.

use super::checker::Checker;
use super::cites::{KnownParts, check_cites};
use super::locator::Locator;
use super::model::{Contact, ContactKind, ContactSource, NumberSource, PhoneNumber};
use super::sources::SourceFile;
use super::toml_file::{find_line, find_line_from};
use crate::phone::Phone;

/// Checks every entry of `contacts.toml` (`file`) and returns the valid ones.
pub(super) fn check_contacts(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    entries: Vec<ContactSource>,
    known: &KnownParts<'_>,
) -> Vec<Contact> {
    checker.unique(file, entries.iter().map(|c| &c.id), "contact id");
    entries
        .into_iter()
        .filter_map(|entry| check_contact(checker, file, entry, known))
        .collect()
}

/// Validates one contact entry and builds its final form.
fn check_contact(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    source: ContactSource,
    known: &KnownParts<'_>,
) -> Option<Contact> {
    let entry = Entry {
        file,
        id: &source.id,
        line: find_line(&file.text, &format!("\"{}\"", source.id)),
    };
    let before = checker.problems.len();
    checker.slug_shape(file, &source.id, "contact id");
    for id in source
        .sources
        .iter()
        .chain(source.numbers.iter().flat_map(|n| n.sources.iter()))
    {
        if !known.has_guide(id) {
            entry.fail(checker, format!("unknown guide `{id}`"));
        }
    }
    if source.sources.is_empty() {
        entry.fail(checker, "`sources` must name at least one guide".into());
    }
    check_kind(checker, &entry, &source);
    let numbers = phone_numbers(checker, &entry, &source, known);
    if let Some(vanity) = &source.vanity {
        check_vanity(checker, &entry, vanity, &numbers);
    }
    check_entry_cites(checker, &entry, &source, known);
    if checker.problems.len() > before {
        return None;
    }
    // Hours shared by every number are the entry's; otherwise each number keeps its own.
    let hours = numbers
        .first()
        .and_then(|first| first.hours.clone())
        .filter(|hours| numbers.iter().all(|n| n.hours.as_ref() == Some(hours)));
    Some(Contact {
        id: source.id,
        department: source.department,
        purpose: source.purpose,
        kind: source.kind,
        numbers,
        vanity: source.vanity,
        toll: source.toll,
        region: source.region,
        hours,
        address: source.address,
        email: source.email,
        url: source.url,
        notes: source.notes,
        conflict: source.conflict,
        sources: source.sources,
        cites: source.cites,
        unofficial: source.unofficial,
        featured: source.featured,
        weight: source.weight,
    })
}

/// The entry being checked, for locating its problems.
struct Entry<'a> {
    file: &'a SourceFile,
    id: &'a str,
    /// The line of the entry's id, where its problems are reported unless a field's line is found.
    line: Option<usize>,
}

impl Entry<'_> {
    /// Reports a problem of the entry at its id's line.
    fn fail(&self, checker: &mut Checker<'_>, message: String) {
        self.fail_at(checker, None, message);
    }

    /// Reports a problem of the entry at the line of `value` (its id's line when not found).
    fn fail_at(&self, checker: &mut Checker<'_>, value: Option<&str>, message: String) {
        let line = value
            .and_then(|value| find_line(&self.file.text, &format!("\"{value}\"")))
            .or(self.line);
        checker.report(self.file, line, format!("contact `{}`: {message}", self.id));
    }
}

/// Each kind of entry has the fields it needs and no phone fields unless it is a phone entry.
fn check_kind(checker: &mut Checker<'_>, entry: &Entry<'_>, source: &ContactSource) {
    let has_phone_fields =
        !source.numbers.is_empty() || source.vanity.is_some() || source.toll.is_some();
    let message = match source.kind {
        ContactKind::Phone if source.numbers.is_empty() => {
            "a phone entry needs at least one of `numbers`"
        }
        ContactKind::Address if source.address.is_empty() => {
            "an address entry needs `address` lines"
        }
        ContactKind::Email if !source.email.as_deref().is_some_and(is_email) => {
            "an email entry needs a valid `email`"
        }
        ContactKind::Web
            if !source
                .url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://") || url.starts_with("http://")) =>
        {
            "a web entry needs an absolute http(s) `url`"
        }
        ContactKind::Phone => return,
        _ if has_phone_fields => "`numbers`, `vanity` and `toll` belong to phone entries only",
        _ => return,
    };
    entry.fail(checker, message.into());
}

/// The entry's own `cites` name known parts; together with its numbers' they cite every guide of
/// `sources` and no other.
fn check_entry_cites(
    checker: &mut Checker<'_>,
    entry: &Entry<'_>,
    source: &ContactSource,
    known: &KnownParts<'_>,
) {
    let all: Vec<Locator> = source
        .cites
        .iter()
        .chain(source.numbers.iter().flat_map(|n| n.cites.iter()))
        .cloned()
        .collect();
    let before = checker.problems.len();
    check_cites(
        checker,
        entry.file,
        entry.line,
        &all,
        &source.sources,
        known,
    );
    for problem in &mut checker.problems[before..] {
        problem.message = format!("contact `{}`: {}", entry.id, problem.message);
    }
}

/// The entry's numbers that parse; each one that does not is reported.
fn phone_numbers(
    checker: &mut Checker<'_>,
    entry: &Entry<'_>,
    source: &ContactSource,
    known: &KnownParts<'_>,
) -> Vec<PhoneNumber> {
    if source.hours.is_some() && source.numbers.len() > 1 {
        entry.fail(
            checker,
            "`hours` belongs on the number a guide gives them for: `numbers = [{ display = …, hours = \"24/7\", hours_cite = \"guide#part\" }]`".into(),
        );
    }
    let mut numbers = Vec::new();
    for number in &source.numbers {
        let Some(phone) = Phone::parse(&number.display) else {
            entry.fail_at(
                checker,
                Some(&number.display),
                format!(
                    "malformed phone number `{}` (expected a North American number such as 1-800-528-4800)",
                    number.display
                ),
            );
            continue;
        };
        if number.sources.is_empty() {
            entry.fail(
                checker,
                format!("number `{}` needs `sources`", number.display),
            );
        }
        check_number_cites(checker, entry, number, known);
        numbers.push(PhoneNumber {
            display: number.display.clone(),
            phone,
            sources: number.sources.clone(),
            note: number.note.clone(),
            cites: number.cites.clone(),
            // A lone number may take the entry's `hours` (checked above).
            hours: number.hours.clone().or_else(|| source.hours.clone()),
            hours_cite: number.hours_cite.clone(),
        });
    }
    numbers
}

/// A number's locators name known parts of its own guides, and its hours come with the part
/// that states them.
fn check_number_cites(
    checker: &mut Checker<'_>,
    entry: &Entry<'_>,
    number: &NumberSource,
    known: &KnownParts<'_>,
) {
    let line = entry
        .line
        .and_then(|from| find_line_from(&entry.file.text, from, &format!("\"{}\"", number.display)))
        .or(entry.line);
    let before = checker.problems.len();
    check_cites(
        checker,
        entry.file,
        line,
        &number.cites,
        &number.sources,
        known,
    );
    match (&number.hours, &number.hours_cite) {
        (Some(_), None) | (None, Some(_)) => checker.report(
            entry.file,
            line,
            "`hours` and `hours_cite` (the part of a guide that states the hours) go together"
                .into(),
        ),
        (Some(_), Some(cite)) => {
            if let Some(message) = known.unknown(cite) {
                checker.report(entry.file, line, message);
            } else if !number.sources.contains(&cite.guide) {
                checker.report(
                    entry.file,
                    line,
                    format!(
                        "`hours_cite` `{cite}` cites a guide the number's `sources` does not list"
                    ),
                );
            }
        }
        (None, None) => {}
    }
    for problem in &mut checker.problems[before..] {
        problem.message = format!(
            "contact `{}`, number `{}`: {}",
            entry.id, number.display, problem.message
        );
    }
}

/// The vanity (letter) form spells one of the entry's numbers.
fn check_vanity(
    checker: &mut Checker<'_>,
    entry: &Entry<'_>,
    vanity: &str,
    numbers: &[PhoneNumber],
) {
    let spelled = Phone::parse(vanity);
    if !spelled
        .as_ref()
        .is_some_and(|spelled| numbers.iter().any(|n| &n.phone == spelled))
    {
        entry.fail_at(
            checker,
            Some(vanity),
            format!("vanity `{vanity}` does not spell any of the entry's numbers"),
        );
    }
}

/// An address with one `@`, a non-empty user, a dotted domain and no white space.
fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(user), Some(domain), None) if !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
