//! Source locators: `guide#part` strings that say which part of which guide a fact comes from,
//! the named parts of each guide, and the startup checks that every locator names a real part.
//!
//! Whether a cited part really says what is cited needs the guides' text; that is
//! [`grounding`](super::grounding), run by `helpcenter check --guides DIR`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::checker::Checker;
use super::model::Guide;
use super::sources::SourceFile;
use super::toml_file::{find_line, find_line_from};

/// A part of a guide, as `guides.toml` names it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuidePart {
    /// Stable id, cited as `guide-id#part-id`.
    pub id: String,
    /// What a visitor calls it, after the guide's short name ("step 3 A, the U.S. numbers").
    pub name: String,
    /// Text of the line the part starts at; the part runs to the next part's first line.
    pub starts: String,
}

/// `guide-id#part-id`: one part of one guide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Locator {
    /// The guide's id in `guides.toml`.
    pub guide: String,
    /// The part's id inside that guide.
    pub part: String,
}

impl Locator {
    /// Parses `guide#part`; both halves must be non-empty.
    pub fn parse(text: &str) -> Option<Locator> {
        let (guide, part) = text.split_once('#')?;
        (!guide.is_empty() && !part.is_empty() && !part.contains('#')).then(|| Locator {
            guide: guide.to_string(),
            part: part.to_string(),
        })
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}#{}", self.guide, self.part)
    }
}

impl Serialize for Locator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Locator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Locator, D::Error> {
        let text = String::deserialize(deserializer)?;
        Locator::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a source locator such as \"call-guide#step-3a\" (guide id, `#`, part id)"
            ))
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_parse_table() {
        for (text, parsed) in [
            ("call-guide#step-3a", Some(("call-guide", "step-3a"))),
            ("call-guide", None),
            ("#step-3a", None),
            ("call-guide#", None),
            ("a#b#c", None),
        ] {
            let got = Locator::parse(text);
            assert_eq!(
                got.as_ref().map(|l| (l.guide.as_str(), l.part.as_str())),
                parsed,
                "{text}"
            );
            if let Some(locator) = got {
                assert_eq!(locator.to_string(), text);
            }
        }
    }
}
