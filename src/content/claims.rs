//! Whether a sentence's claim words are backed by the guide parts it cites. A claim word is a
//! number, a unit of time ("days", "hours") or a frequency, ranking or comparison word
//! ("usually", "most", "fastest"): the words a fact hangs on, and the hedges a guide chose.
//!
//! A claim word is backed when one line of a cited part (the guides write a list item or a short
//! paragraph a line; the part's heading counts with it) contains the same word and shares at
//! least [`MIN_SHARED`] content words with our sentence (stems, so "investigates" meets "investigation"):
//! the guide says that thing about the same subject. Phone numbers, addresses, emails, web
//! addresses and the guides' names are taken out first; their exactness is checked as facts.

use std::collections::HashSet;

use super::guide_text::PartText;
use crate::phone::find_phones;

/// Frequency, ranking and comparison words: each is a claim a guide must make.
const CLAIM_WORDS: &[&str] = &[
    "always",
    "never",
    "most",
    "mostly",
    "usually",
    "usual",
    "often",
    "typically",
    "typical",
    "sometimes",
    "frequently",
    "generally",
    "rarely",
    "normally",
    "common",
    "commonly",
    "top",
    "best",
    "fastest",
    "faster",
    "quickest",
    "quicker",
    "easiest",
    "easier",
    "safest",
    "safer",
];

/// Units of time: a duration is a claim.
const TIME_UNITS: &[&str] = &["minute", "hour", "day", "week", "month"];

/// Words too common in both guides and our text to show two sentences share a subject.
const NOT_CONTENT: &[&str] = &[
    "the", "and", "for", "you", "your", "are", "not", "can", "has", "have", "its", "may", "any",
    "but", "all", "out", "get", "via", "one", "who", "how", "why", "use", "own", "that", "this",
    "with", "from", "they", "their", "them", "then", "than", "there", "these", "those", "will",
    "when", "what", "which", "while", "would", "could", "should", "been", "were", "also", "more",
    "only", "just", "over", "such", "some", "very", "each", "even", "other", "here", "into",
    "about", "after", "before", "does", "make", "want", "need", "like", "where", "whether",
    "within", "because", "through", "amex", "american", "express", "guide", "call", "calling",
    "card", "number", "phone", "our", "say", "says", "said", "give", "gives", "list", "lists",
    "was", "his", "her", "too", "yet", "now", "see", "let", "way", "help", "ask", "try", "did",
    "had", "off", "per", "it's", "don't", "you're", "what's",
];

/// How many content words a guide line must share with ours to back its claim words.
const MIN_SHARED: usize = 2;

/// A sentence with claim words no cited part backs.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unbacked {
    /// The sentence, cleaned of Markdown.
    pub(super) sentence: String,
    /// Its claim words that are not backed.
    pub(super) words: Vec<String>,
}

/// The lines of the cited parts, as words.
pub(super) struct Passages {
    passages: Vec<Passage>,
}

/// One guide line, with its part's heading for context.
struct Passage {
    /// Every word, normalised.
    words: HashSet<String>,
    /// Content stems.
    stems: HashSet<String>,
}

impl Passages {
    /// The lines of `parts`.
    pub(super) fn new(parts: &[&PartText]) -> Passages {
        let mut passages = Vec::new();
        for part in parts {
            let heading = words(&without_phones(&part.heading.to_lowercase()));
            for line in &part.lines {
                let mut all = words(&without_phones(&line.to_lowercase()));
                all.extend(heading.iter().cloned());
                passages.push(Passage {
                    stems: all.iter().filter_map(|w| stem(w)).collect(),
                    words: all.iter().map(|w| normalise(w)).collect(),
                });
            }
        }
        Passages { passages }
    }

    /// The sentences of `prose` (a line of content) whose claim words these passages do not
    /// back; `literals` (names, addresses, web addresses) are taken out first.
    pub(super) fn unbacked(&self, prose: &str, literals: &[&str]) -> Vec<Unbacked> {
        let mut text = without_phones(&clean_markdown(prose).to_lowercase());
        for literal in literals {
            text = text.replace(&literal.to_lowercase(), " ");
        }
        let text: String = text
            .split_whitespace()
            .filter(|word| !(word.contains('@') || word.contains("://")))
            .collect::<Vec<_>>()
            .join(" ");
        sentences(&text)
            .into_iter()
            .filter_map(|sentence| self.check(&sentence))
            .collect()
    }

    /// The sentence's claim words that no passage backs, if any.
    fn check(&self, sentence: &str) -> Option<Unbacked> {
        let sentence_words = words(sentence);
        let claims: Vec<(&String, String)> = sentence_words
            .iter()
            .filter(|word| is_claim(word))
            .map(|word| (word, normalise(word)))
            .collect();
        if claims.is_empty() {
            return None;
        }
        let stems: HashSet<String> = sentence_words
            .iter()
            .filter(|word| !is_claim(word))
            .filter_map(|word| stem(word))
            .collect();
        let missing: Vec<String> = claims
            .into_iter()
            .filter(|(_, claim)| {
                !self.passages.iter().any(|passage| {
                    passage.words.contains(claim)
                        && passage.stems.intersection(&stems).count() >= MIN_SHARED
                })
            })
            .map(|(word, _)| word.clone())
            .collect();
        (!missing.is_empty()).then(|| Unbacked {
            sentence: sentence.trim().to_string(),
            words: missing,
        })
    }
}

/// A number, a unit of time, or one of [`CLAIM_WORDS`].
fn is_claim(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
        || CLAIM_WORDS.contains(&word)
        || TIME_UNITS.contains(&normalise(word).as_str())
}

/// Lower-case words and numbers of `text` (`24/7` is two, `7–30` two, `4-digit` two).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// Singular of a plain plural (`hours` → `hour`), so both sides compare alike.
fn normalise(word: &str) -> String {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The first six letters of a content word's singular; `None` for numbers and common words.
fn stem(word: &str) -> Option<String> {
    if word.len() < 3 || word.chars().any(|c| c.is_ascii_digit()) || NOT_CONTENT.contains(&word) {
        return None;
    }
    let singular = normalise(word);
    if NOT_CONTENT.contains(&singular.as_str()) {
        return None;
    }
    Some(singular.chars().take(6).collect())
}

/// `text` with every phone number blanked out.
fn without_phones(text: &str) -> String {
    let mut text = text.to_string();
    for found in find_phones(&text).into_iter().rev() {
        text.replace_range(found.range, " ");
    }
    text
}

/// Sentences of `text`: split after `.`, `?` or `!` followed by a space, except after an
/// abbreviation with inner dots (`U.S.`, `P.O.`, `e.g.`).
fn sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut characters = text.chars().peekable();
    while let Some(c) = characters.next() {
        current.push(c);
        let at_break = matches!(c, '.' | '?' | '!')
            && characters.peek().is_none_or(|next| next.is_whitespace());
        if at_break {
            let last_word = current.rsplit(char::is_whitespace).next().unwrap_or("");
            let abbreviation = last_word[..last_word.len() - 1].contains('.');
            if !abbreviation {
                sentences.push(std::mem::take(&mut current));
            }
        }
    }
    sentences.push(current);
    sentences.retain(|sentence| !sentence.trim().is_empty());
    sentences
}

/// One line of Markdown as plain words: link targets, emphasis, heading and list markers gone.
fn clean_markdown(line: &str) -> String {
    let mut text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        text.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find(')')
            .map_or("", |end| &rest[start + 2 + end + 1..]);
    }
    text.push_str(rest);
    // A heading's kept anchor (`{#old-id}`) is not prose.
    if let Some(start) = text.find("{#")
        && text.trim_end().ends_with('}')
    {
        text.truncate(start);
    }
    let text = text.replace(['[', ']', '*', '`'], "");
    let trimmed = text.trim_start().trim_start_matches('#').trim_start();
    let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    match trimmed[digits..].strip_prefix(". ") {
        Some(after) if digits > 0 => after.to_string(),
        _ => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(lines: &[&str]) -> PartText {
        PartText {
            heading: lines[0].to_string(),
            lines: lines.iter().map(|l| (*l).to_string()).collect(),
            text: lines.join("\n"),
        }
    }

    #[test]
    fn claim_words_need_a_guide_sentence_on_the_same_subject() {
        let issue = part(&[
            "🔹 B) Billing Disputes & Refund Delays",
            "- Amex typically investigates within 7–30 days.",
        ]);
        let passages = Passages::new(&[&issue]);
        for (prose, unbacked) in [
            (
                "The 2026 guide says an investigation of a dispute typically takes 7 to 30 days.",
                vec![],
            ),
            (
                "A billing dispute usually takes 7 to 30 days.",
                vec!["usually"],
            ),
            ("It takes a few minutes by phone.", vec!["minutes"]),
            (
                "Amex typically investigates a dispute within 7 to 40 days.",
                vec!["40"],
            ),
            (
                "Most problems are solved by the first representative.",
                vec!["most"],
            ),
            ("No claim here, call [us](/articles/x#step-4-b).", vec![]),
        ] {
            let found: Vec<String> = passages
                .unbacked(prose, &["the 2026 guide"])
                .into_iter()
                .flat_map(|u| u.words)
                .collect();
            assert_eq!(found, unbacked, "{prose}");
        }
    }

    #[test]
    fn sentences_keep_abbreviations_whole() {
        assert_eq!(
            sentences("call from the U.S. today. then wait! ok"),
            ["call from the U.S. today.", " then wait!", " ok"]
        );
    }

    #[test]
    fn markdown_is_cleaned_to_words() {
        assert_eq!(
            clean_markdown("1. **Call** [the line](/contact#a-1) now"),
            "Call the line now"
        );
        assert_eq!(clean_markdown("## Step 1 ask"), "Step 1 ask");
        assert_eq!(clean_markdown("## Kept {#never-say-1}"), "Kept ");
        assert_eq!(clean_markdown("- item 2"), "item 2");
    }
}
