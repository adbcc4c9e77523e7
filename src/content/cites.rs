//! The startup checks of source locators: each guide's parts are well formed, and every locator
//! in a `cites` list names a known part of a guide its `sources` lists.

use std::collections::{HashMap, HashSet};

use super::checker::Checker;
use super::locator::Locator;
use super::model::Guide;
use super::sources::SourceFile;
use super::toml_file::{find_line, find_line_from};

/// The part ids of every guide, for checking locators.
pub(super) struct KnownParts<'a> {
    parts: HashMap<&'a str, HashSet<&'a str>>,
}

impl<'a> KnownParts<'a> {
    /// The parts of `guides`.
    pub(super) fn new(guides: &'a [Guide]) -> KnownParts<'a> {
        KnownParts {
            parts: guides
                .iter()
                .map(|guide| {
                    let ids = guide.parts.iter().map(|part| part.id.as_str()).collect();
                    (guide.id.as_str(), ids)
                })
                .collect(),
        }
    }

    /// `id` is a guide of `guides.toml`.
    pub(super) fn has_guide(&self, id: &str) -> bool {
        self.parts.contains_key(id)
    }

    /// Why `locator` names no part, if it does not.
    pub(super) fn unknown(&self, locator: &Locator) -> Option<String> {
        match self.parts.get(locator.guide.as_str()) {
            None => Some(format!(
                "locator `{locator}` names an unknown guide `{}`",
                locator.guide
            )),
            Some(parts) if !parts.contains(locator.part.as_str()) => Some(format!(
                "locator `{locator}`: guide `{}` has no part `{}` (parts are listed in guides.toml)",
                locator.guide, locator.part
            )),
            Some(_) => None,
        }
    }
}

/// Each guide's parts have unique, slug-shaped ids, a name and a first line.
pub(super) fn check_guide_parts(checker: &mut Checker<'_>, file: &SourceFile, guides: &[Guide]) {
    for guide in guides {
        checker.unique(
            file,
            guide.parts.iter().map(|part| &part.id),
            &format!("part id of guide `{}`", guide.id),
        );
        for part in &guide.parts {
            checker.slug_shape(file, &part.id, "part id");
            if part.name.trim().is_empty() || part.starts.trim().is_empty() {
                checker.report(
                    file,
                    find_line(&file.text, &format!("\"{}\"", part.id)),
                    format!(
                        "part `{}` of guide `{}` needs a `name` and a `starts` line",
                        part.id, guide.id
                    ),
                );
            }
        }
    }
}

/// Every locator in `cites` names a known part, and only guides listed in `sources` are cited.
/// Problems are located at the locator's line in `file`, or at `line`.
pub(super) fn check_cites(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    line: Option<usize>,
    cites: &[Locator],
    sources: &[String],
    known: &KnownParts<'_>,
) {
    for locator in cites {
        let at = find_line_from(&file.text, line.unwrap_or(1), &format!("\"{locator}\"")).or(line);
        if let Some(message) = known.unknown(locator) {
            checker.report(file, at, message);
        } else if !sources.contains(&locator.guide) {
            checker.report(
                file,
                at,
                format!(
                    "locator `{locator}` cites guide `{}`, which `sources` does not list",
                    locator.guide
                ),
            );
        }
    }
    if cites.is_empty() {
        return;
    }
    for guide in sources {
        if !cites.iter().any(|locator| &locator.guide == guide) {
            checker.report(
                file,
                line,
                format!("`sources` lists guide `{guide}` but no locator in `cites` cites it"),
            );
        }
    }
}
