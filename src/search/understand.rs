//! Reading a query without the index: normalising raw input, taking out phone numbers (found by
//! [`crate::phone`]), and splitting the rest into words stemmed like the index (synonym groups
//! are matched on those words by [`super::synonyms`]).

use std::borrow::Cow;
use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::MAX_QUERY_CHARS;
use crate::phone::{TypedNumber, find_typed_phones};

/// A query after cleaning: control characters gone, whitespace collapsed, cut to the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Normalised {
    /// The text that is searched and echoed back.
    pub(crate) text: String,
    /// Whether the input was longer than [`MAX_QUERY_CHARS`] and was cut.
    pub(crate) truncated: bool,
}

/// Characters that render as nothing or reorder text; they never carry meaning in a query.
fn is_invisible(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Cleans raw visitor input: any length, any bytes, never fails.
pub(crate) fn normalise(raw: &str) -> Normalised {
    let mut text = String::with_capacity(raw.len().min(MAX_QUERY_CHARS * 4));
    let mut chars = 0usize;
    let mut truncated = false;
    let mut pending_space = false;
    for character in raw.chars() {
        if character.is_whitespace() || is_invisible(character) {
            pending_space = !text.is_empty();
            continue;
        }
        // A pending space counts towards the cap like any other character.
        let needed = 1 + usize::from(pending_space);
        if chars + needed > MAX_QUERY_CHARS {
            truncated = true;
            break;
        }
        if pending_space {
            text.push(' ');
            pending_space = false;
        }
        text.push(character);
        chars += needed;
    }
    Normalised { text, truncated }
}

/// Rewrites dotted acronyms (`U.S.`, `P.O.`) as plain words padded with spaces (`US  `, `PO  `),
/// keeping every byte offset, so "outside the US" matches "outside the U.S." and snippet
/// highlights computed on the folded text still line up with the original.
pub(crate) fn fold_acronyms(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Non-ASCII bytes count as word characters: an accented letter before a dot is a word.
    let is_word = |byte: u8| byte.is_ascii_alphanumeric() || byte >= 0x80;
    let mut folded: Option<Vec<u8>> = None;
    let mut index = 0;
    while index + 2 < bytes.len() {
        let is_acronym = bytes[index].is_ascii_alphabetic()
            && bytes[index + 1] == b'.'
            && bytes[index + 2].is_ascii_alphabetic()
            && (index == 0 || !is_word(bytes[index - 1]))
            && bytes
                .get(index + 3)
                .is_none_or(|&next| next == b'.' || !is_word(next));
        if !is_acronym {
            index += 1;
            continue;
        }
        let output = folded.get_or_insert_with(|| bytes.to_vec());
        output[index + 1] = bytes[index + 2];
        output[index + 2] = b' ';
        let mut end = index + 3;
        if bytes.get(end) == Some(&b'.') {
            output[end] = b' ';
            end += 1;
        }
        index = end;
    }
    match folded {
        // Only ASCII bytes were replaced by ASCII bytes, so the text is still UTF-8.
        Some(output) => Cow::Owned(String::from_utf8(output).unwrap_or_else(|_| text.to_string())),
        None => Cow::Borrowed(text),
    }
}

/// A phone number found in a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum PhoneForm {
    /// A complete number: its ten national digits.
    Full(String),
    /// Only the last seven digits (exchange and line), e.g. `528-4800`.
    Local(String),
}

impl PhoneForm {
    /// The digits searched in the phone fields.
    pub(crate) fn digits(&self) -> &str {
        match self {
            PhoneForm::Full(digits) | PhoneForm::Local(digits) => digits,
        }
    }

    /// The digit groups as they appear as words in prose (`800`, `528`, `4800`), for highlighting.
    pub(crate) fn groups(&self) -> Vec<String> {
        let digits = self.digits();
        let cuts: &[usize] = if digits.len() == 10 {
            &[0, 3, 6, 10]
        } else {
            &[0, 3, 7]
        };
        cuts.windows(2)
            .map(|pair| digits[pair[0]..pair[1]].to_string())
            .collect()
    }
}

/// Finds phone numbers in any written form (with [`find_typed_phones`], each distinct number once)
/// and returns them with the text that is left once they are blanked out (same length, so word
/// offsets stay valid).
pub(crate) fn extract_phones(text: &str) -> (Vec<PhoneForm>, String) {
    let (found, rest) = find_typed_phones(text);
    let mut forms: Vec<PhoneForm> = Vec::new();
    for (_, number) in found {
        let form = match number {
            TypedNumber::Full(phone) => PhoneForm::Full(phone.national_digits().to_string()),
            TypedNumber::Local(digits) => PhoneForm::Local(digits),
        };
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    (forms, rest)
}

/// Words a visitor puts around the real request ("how do I …", "my card"); tantivy's English list
/// already drops articles and prepositions, these are dropped from queries only.
const QUERY_STOP_WORDS: &[&str] = &[
    "about", "am", "any", "anyone", "been", "can", "could", "did", "do", "does", "from", "get",
    "got", "had", "has", "have", "hello", "hey", "hi", "how", "i", "im", "ive", "me", "mine", "my",
    "our", "please", "should", "so", "some", "thank", "thanks", "was", "we", "were", "what",
    "whats", "when", "where", "which", "who", "why", "would", "you", "your",
];

/// Index terms of the brand, on nearly every page: they count, but only a little.
const BRAND_STEMS: &[&str] = &["amex", "american", "express", "americanexpress"];

/// Index terms of "phone number" words and verbs of getting in touch, on most pages of a site of
/// phone numbers: they count less than the word that says what the visitor needs.
const GENERIC_STEMS: &[&str] = &[
    "phone", "telephon", "number", "call", "contact", "talk", "speak", "reach",
];

/// How much a query word counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordRole {
    /// An ordinary word.
    Normal,
    /// A brand word: searched at a low weight.
    Weak,
    /// A "phone number" word: searched at a reduced weight.
    Generic,
    /// Not searched (a stop word, or a single letter).
    Stop,
}

/// One word of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower-cased, accent-folded, as typed.
    pub(crate) surface: String,
    /// The index term (stemmed); `None` for stop words the index does not hold.
    pub(crate) stem: Option<String>,
    /// Byte range in the normalised query.
    pub(crate) range: Range<usize>,
    /// Token position, for phrase queries.
    pub(crate) position: usize,
    /// How much it counts.
    pub(crate) role: WordRole,
}

/// The analyzers the query side shares with the index.
#[derive(Clone)]
pub(crate) struct Analyzers {
    /// Lower case, folded, English stop words removed, stemmed: the searchable fields.
    pub(crate) stemmed: TextAnalyzer,
    /// Lower case and folded only: the spelling dictionary.
    pub(crate) surface: TextAnalyzer,
}

impl Analyzers {
    /// The index term for one word, or `None` when the analyzer drops it.
    pub(crate) fn stem(&self, word: &str) -> Option<String> {
        stem_with(&mut self.stemmed.clone(), word)
    }

    /// Every stemmed term of a phrase, stop words left out.
    pub(crate) fn stems(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.stemmed.clone();
        let folded = fold_acronyms(text);
        let mut stream = analyzer.token_stream(&folded);
        let mut stems = Vec::new();
        while let Some(token) = stream.next() {
            stems.push(token.text.clone());
        }
        stems
    }

    /// Splits (phone-free) query text into words.
    pub(crate) fn words(&self, text: &str) -> Vec<Word> {
        let folded = fold_acronyms(text);
        let mut analyzer = self.surface.clone();
        // One copy of the stemming analyzer for every word (a copy allocates its filter chain).
        let mut stemmer = self.stemmed.clone();
        let mut stream = analyzer.token_stream(&folded);
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            let surface = token.text.clone();
            let stem = stem_with(&mut stemmer, &surface);
            let single_letter =
                surface.chars().count() == 1 && !surface.starts_with(|c: char| c.is_ascii_digit());
            let role = if stem.is_none()
                || single_letter
                || QUERY_STOP_WORDS.binary_search(&surface.as_str()).is_ok()
            {
                WordRole::Stop
            } else if stem
                .as_deref()
                .is_some_and(|stem| BRAND_STEMS.contains(&stem))
            {
                WordRole::Weak
            } else if stem
                .as_deref()
                .is_some_and(|stem| GENERIC_STEMS.contains(&stem))
            {
                WordRole::Generic
            } else {
                WordRole::Normal
            };
            words.push(Word {
                surface,
                stem,
                range: token.offset_from..token.offset_to,
                position: token.position,
                role,
            });
        }
        // A query of only "how do I"-type words still searches them rather than nothing.
        if words.iter().all(|word| word.role == WordRole::Stop) {
            for word in &mut words {
                if word.stem.is_some() && word.surface.chars().count() > 1 {
                    word.role = WordRole::Normal;
                }
            }
        }
        words
    }
}

/// The index term `analyzer` (the stemming analyzer) gives one word, or `None` when it drops it.
fn stem_with(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    let mut stem = None;
    while let Some(token) = stream.next() {
        stem.get_or_insert_with(|| token.text.clone());
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema::analyzers;

    #[test]
    fn query_stop_words_are_sorted_for_binary_search() {
        assert!(QUERY_STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn normalise_table() {
        let long = "word ".repeat(100);
        let cases: Vec<(&str, &str, bool)> = vec![
            ("  lost   card  ", "lost card", false),
            ("lost\u{0}\u{7}card", "lost card", false),
            ("tab\tand\nnewline\r\n", "tab and newline", false),
            ("zero\u{200B}width", "zero width", false),
            ("\u{202E}reversed", "reversed", false),
            ("", "", false),
            ("   ", "", false),
            ("🔥 card 🔥", "🔥 card 🔥", false),
        ];
        for (raw, text, truncated) in cases {
            assert_eq!(
                normalise(raw),
                Normalised {
                    text: text.to_string(),
                    truncated
                },
                "{raw:?}"
            );
        }
        let cut = normalise(&long);
        assert!(cut.truncated);
        assert!(cut.text.chars().count() <= MAX_QUERY_CHARS);
        let multibyte = normalise(&"é".repeat(1000));
        assert!(multibyte.truncated);
        assert_eq!(multibyte.text.chars().count(), MAX_QUERY_CHARS);
    }

    #[test]
    fn fold_acronyms_keeps_offsets() {
        for (text, folded) in [
            ("outside the U.S.", "outside the US  "),
            ("U.S card", "US  card"),
            ("P.O. Box 981535", "PO   Box 981535"),
            ("AmexTravel.com", "AmexTravel.com"),
            ("visit a.com today", "visit a.com today"),
            ("é.U.S.", "é.US  "),
            ("the U.S.A. and U.K.", "the US  A. and UK  "),
            ("e.g. this", "eg   this"),
            ("no dots", "no dots"),
            ("x.", "x."),
        ] {
            let result = fold_acronyms(text);
            assert_eq!(result, folded, "{text}");
            assert_eq!(result.len(), text.len(), "{text}");
        }
    }

    #[test]
    fn phone_forms_table() {
        let full = |digits: &str| PhoneForm::Full(digits.to_string());
        let local = |digits: &str| PhoneForm::Local(digits.to_string());
        let cases: Vec<(&str, Vec<PhoneForm>)> = vec![
            ("1-800-528-4800", vec![full("8005284800")]),
            ("(800) 528-4800", vec![full("8005284800")]),
            ("( 800 ) 528-4800", vec![full("8005284800")]),
            ("800 528 4800", vec![full("8005284800")]),
            ("8005284800", vec![full("8005284800")]),
            ("18005284800", vec![full("8005284800")]),
            ("+1 800 528 4800", vec![full("8005284800")]),
            ("+1-800-528-4800", vec![full("8005284800")]),
            ("800.528.4800", vec![full("8005284800")]),
            ("call 1-800-AXP-EARN now", vec![full("8002973276")]),
            ("1-800-axp-earn", vec![full("8002973276")]),
            ("528-4800", vec![local("5284800")]),
            ("5284800", vec![local("5284800")]),
            ("528 4800", vec![local("5284800")]),
            (
                "1-800-528-4800 or 492-3344",
                vec![full("8005284800"), local("4923344")],
            ),
            ("stolen card", vec![]),
            ("lost card number", vec![]),
            ("PO Box 981535", vec![]),
            ("24/7", vec![]),
            ("1-800-528-480", vec![]),
            ("4800", vec![]),
            ("membership rewards", vec![]),
        ];
        for (text, expected) in cases {
            let (forms, rest) = extract_phones(text);
            assert_eq!(forms, expected, "{text}");
            assert_eq!(rest.len(), text.len(), "{text}");
        }
        let (_, rest) = extract_phones("fraud 1-800-528-4800 alert");
        assert_eq!(
            rest.split_whitespace().collect::<Vec<_>>(),
            ["fraud", "alert"]
        );
    }

    #[test]
    fn phone_groups_split_like_prose() {
        assert_eq!(
            PhoneForm::Full("8005284800".into()).groups(),
            ["800", "528", "4800"]
        );
        assert_eq!(PhoneForm::Local("5284800".into()).groups(), ["528", "4800"]);
    }

    #[test]
    fn words_mark_stop_weak_and_stems() {
        let analyzers = analyzers();
        let words = analyzers.words("How do I talk to a live Représentatives at Amex?");
        let summary: Vec<(&str, Option<&str>, WordRole)> = words
            .iter()
            .map(|w| (w.surface.as_str(), w.stem.as_deref(), w.role))
            .collect();
        assert_eq!(
            summary,
            [
                ("how", Some("how"), WordRole::Stop),
                ("do", Some("do"), WordRole::Stop),
                ("i", Some("i"), WordRole::Stop),
                ("talk", Some("talk"), WordRole::Generic),
                ("to", None, WordRole::Stop),
                ("a", None, WordRole::Stop),
                ("live", Some("live"), WordRole::Normal),
                ("representatives", Some("repres"), WordRole::Normal),
                ("at", None, WordRole::Stop),
                ("amex", Some("amex"), WordRole::Weak),
            ]
        );
        // Only stop-ish words: they are searched rather than nothing.
        let words = analyzers.words("how do I");
        assert!(words.iter().any(|w| w.role == WordRole::Normal));
        // Query syntax is just words.
        let words = analyzers.words("title:lost AND (card* OR \"stolen\"~2) -fraud");
        let normal: Vec<&str> = words
            .iter()
            .filter(|w| w.role == WordRole::Normal)
            .map(|w| w.surface.as_str())
            .collect();
        assert_eq!(normal, ["title", "lost", "card", "stolen", "2", "fraud"]);
    }
}
