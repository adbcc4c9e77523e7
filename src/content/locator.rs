//! Source locators: `guide#part` strings that say which part of which guide a fact comes from, and
//! the named parts of each guide they point at.
//!
//! That every locator names a real part is checked at startup ([`cites`](super::cites)); whether
//! the part really says what is cited needs the guides' text: [`grounding`](super::grounding),
//! run by `helpcenter check --guides DIR`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
