//! North American phone numbers: parsing every written form, `tel:` (E.164) links, vanity spellings,
//! and the one phone-number finder, which reads editors' prose and visitors' search queries.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A North American Numbering Plan number, kept as its ten national digits (area code + number).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Phone {
    national: String,
}

/// Phone-shaped text: optional `+1`/`1`, an area code (bare or in brackets), then 3 and 4 digits or
/// letters (vanity numbers), with `-`, `.`, space or nothing between the groups.
static PHONE_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:^|[^\w+])                           # not glued to a word or another number
        (
          (?:\+?1[\s.\-]?)?                    # country code
          (?:\(\d{3}\)\s?|\d{3}[\s.\-]?)       # area code
          [0-9A-Z]{3}[\s.\-]?[0-9A-Z]{4}       # exchange and line, digits or keypad letters
        )
        (?:$|[^\w])",
    )
    .expect("phone pattern compiles")
});

impl Phone {
    /// Parses any common written form: `1-800-528-4800`, `+1 (800) 528-4800`, `800.528.4800`,
    /// `8005284800` or a vanity form such as `1-800-AXP-EARN`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Phone> {
        let phone = Phone::parse_shape(text)?;
        // Area codes and exchanges never start with 0 or 1 in the NANP.
        let bytes = phone.national.as_bytes();
        if matches!(bytes[0], b'0' | b'1') || matches!(bytes[3], b'0' | b'1') {
            return None;
        }
        Some(phone)
    }

    /// Like [`Phone::parse`], without the numbering plan's rules on the first digit of the area
    /// code and exchange: a number a visitor was given (`1-800-123-4567`) is checked against the
    /// directory even when no real line could have it, and is then simply not known.
    pub(crate) fn parse_typed(text: &str) -> Option<Phone> {
        Phone::parse_shape(text)
    }

    /// Ten digits (or eleven after a `1`) in any written form, vanity letters read on the keypad.
    fn parse_shape(text: &str) -> Option<Phone> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.len() > 40 {
            return None;
        }
        let mut digits = String::with_capacity(11);
        for (position, character) in trimmed.chars().enumerate() {
            match character {
                '0'..='9' => digits.push(character),
                'A'..='Z' | 'a'..='z' => digits.push(keypad_digit(character)?),
                '+' if position == 0 => {}
                '-' | '.' | ' ' | '(' | ')' => {}
                _ => return None,
            }
        }
        let national = match digits.len() {
            10 => digits,
            11 if digits.starts_with('1') => digits[1..].to_string(),
            _ => return None,
        };
        Some(Phone { national })
    }

    /// The ten national digits, e.g. `8005284800`.
    pub fn national_digits(&self) -> &str {
        &self.national
    }

    /// The E.164 form used in `tel:` links, e.g. `+18005284800`.
    pub fn e164(&self) -> String {
        format!("+1{}", self.national)
    }

    /// The number in the house display form, e.g. `1-800-528-4800`.
    pub fn display(&self) -> String {
        let n = &self.national;
        format!("1-{}-{}-{}", &n[0..3], &n[3..6], &n[6..10])
    }

    /// Every way a visitor is likely to type this number; the search index stores all of them.
    pub fn written_forms(&self) -> Vec<String> {
        let n = &self.national;
        let (area, exchange, line) = (&n[0..3], &n[3..6], &n[6..10]);
        vec![
            format!("1{n}"),
            n.clone(),
            format!("{exchange}{line}"),
            format!("1-{area}-{exchange}-{line}"),
            format!("({area}) {exchange}-{line}"),
            format!("{area} {exchange} {line}"),
            format!("+1 {area} {exchange} {line}"),
            format!("{exchange}-{line}"),
        ]
    }
}

/// Maps a letter to its digit on a telephone keypad.
fn keypad_digit(letter: char) -> Option<char> {
    let digit = match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    };
    Some(digit)
}

/// A phone-shaped span found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPhone {
    /// Byte range of the number in the searched text.
    pub range: Range<usize>,
    /// The number as written.
    pub written: String,
    /// The parsed number.
    pub phone: Phone,
}

/// Finds every phone-shaped span in `text` that parses as a NANP number. Vanity forms count only when
/// written with separators (`1-800-AXP-EARN`), so ordinary capitalised words never match.
pub fn find_phones(text: &str) -> Vec<FoundPhone> {
    // Every number found has at least three ASCII digits (the area code: the pattern asks for
    // three digits there and parsing takes ASCII ones only, `800-AXP-EARN`), so text with fewer
    // holds none and skips the pattern search, which runs over every byte: Markdown is searched
    // one text run at a time, and most runs of a big site have no digit at all.
    if text.bytes().filter(u8::is_ascii_digit).take(3).count() < 3 {
        return Vec::new();
    }
    scan(text, &PHONE_SHAPE, |written| {
        let has_letters = written.chars().any(|c| c.is_ascii_alphabetic());
        let has_separators = written.contains('-');
        if has_letters && !has_separators {
            return None;
        }
        Phone::parse(written)
    })
    .into_iter()
    .map(|(range, phone)| FoundPhone {
        written: text[range.clone()].to_string(),
        range,
        phone,
    })
    .collect()
}

/// Phone-shaped text as visitors type it: like [`PHONE_SHAPE`], but keypad letters in either case,
/// spaces inside brackets and after the `+` (`( 800 ) 528-4800`, `+ 1 800 …`), and the last seven
/// places also split other ways with a dash, as vanity numbers are (`1-800-AMEX-HLP`,
/// `1-800-FRAUD-99`; the parse then checks there are seven in all).
static TYPED_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:^|[^\w+])
        (
          (?:\+?\s?1[\s.\-]?)?
          (?:\(\s?\d{3}\s?\)\s?|\d{3}[\s.\-]?)
          (?:[0-9a-z]{3}[\s.\-]?[0-9a-z]{4}|[0-9a-z]{4,6}-[0-9a-z]{1,3})
        )
        (?:$|[^\w])",
    )
    .expect("typed number pattern compiles")
});

/// The last seven digits alone, as visitors type them: `528-4800`, `528 4800`, `5284800`.
static TYPED_LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w])([2-9]\d{2}[\s.\-]?\d{4})(?:$|[^\w])").expect("local pattern compiles")
});

/// A number found in what a visitor typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypedNumber {
    /// A complete number.
    Full(Phone),
    /// Only the last seven digits (exchange and line), as digits.
    Local(String),
}

/// Finds phone numbers in a search query, in any written form and anywhere in a sentence: complete
/// numbers first (vanity letters count when led by real digits and fill at most the seven keypad
/// places; ten digits count even when the numbering plan could not assign them, so a made-up
/// number someone was given is still checked), then, in what
/// is left, the last seven digits alone. Returns them in that order with their byte ranges, and the
/// text with every one of them replaced by spaces (same length, so word offsets stay valid).
pub(crate) fn find_typed_phones(text: &str) -> (Vec<(Range<usize>, TypedNumber)>, String) {
    // Every form has at least three real digits (the area code); most queries have none.
    if text.bytes().filter(u8::is_ascii_digit).take(3).count() < 3 {
        return (Vec::new(), text.to_string());
    }
    // Digits of a longer run (a card number, a card number and a code) are never read as a phone
    // number: a verdict on a number nobody typed is a wrong answer.
    let scanned = blank_long_digit_runs(text);
    let mut found: Vec<(Range<usize>, TypedNumber)> = scan(&scanned, &TYPED_SHAPE, |written| {
        let letters = written.chars().filter(char::is_ascii_alphabetic).count();
        let digits = written.chars().filter(char::is_ascii_digit).count();
        let is_plausible = letters == 0 || (digits >= 3 && letters <= 7);
        if !is_plausible {
            return None;
        }
        Phone::parse_typed(&written.replace(' ', "")).map(TypedNumber::Full)
    });
    let mut rest = text.to_string();
    let mut unread = scanned;
    blank(&mut rest, &found);
    blank(&mut unread, &found);
    // Seven digits are looked for where no complete number was found.
    let local = scan(&unread, &TYPED_LOCAL, |written| {
        Some(TypedNumber::Local(
            written.chars().filter(char::is_ascii_digit).collect(),
        ))
    });
    blank(&mut rest, &local);
    found.extend(local);
    (found, rest)
}

/// Digits joined by at most one separator (space, dot, dash) between them.
static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[\s.\-]?\d)*").expect("digit run pattern compiles"));

/// How many digits a card number has, whatever its grouping (a phone number has 10 or 11; two
/// phone numbers side by side, 20 or more).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 12..=19;

/// `text` with every run of card-number length ([`CARD_DIGITS`]) replaced by as many spaces, so
/// no phone number is read out of part of a card number.
fn blank_long_digit_runs(text: &str) -> String {
    let mut out = text.to_string();
    for run in DIGIT_RUN.find_iter(text) {
        let digits = run.as_str().bytes().filter(u8::is_ascii_digit).count();
        if CARD_DIGITS.contains(&digits) {
            out.replace_range(run.range(), &" ".repeat(run.len()));
        }
    }
    out
}

/// Replaces the text of every found number with as many spaces.
fn blank<T>(text: &mut String, found: &[(Range<usize>, T)]) {
    for (range, _) in found {
        text.replace_range(range.clone(), &" ".repeat(range.len()));
    }
}

/// The finder's one loop: every match of `shape`'s first group, left to right and without
/// overlaps, that `accept` turns into a value, with its byte range.
fn scan<T>(
    text: &str,
    shape: &Regex,
    mut accept: impl FnMut(&str) -> Option<T>,
) -> Vec<(Range<usize>, T)> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let Some(captures) = shape.captures(&text[start..]) else {
            break;
        };
        let Some(span) = captures.get(1) else { break };
        let range = start + span.start()..start + span.end();
        if let Some(value) = accept(span.as_str()) {
            found.push((range.clone(), value));
        }
        // Continue after the number; the trailing boundary character may start the next match.
        start = range.end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_number_is_read_out_of_a_card_number() {
        for query in [
            "378282246310005",
            "3782 822463 10005",
            "3782-822463-10005 cvv 8642",
            "4111 1111 1111 1111 was charged",
            "my card 5555.5555.5555.4444 code 123",
            "card 3782 822463 11881 cvv 8642",
            "charge on 4012-8888-8888-1881 cvv 8642",
            "4012 8888 8888 1881",
            "4012.8888.8888.1881",
        ] {
            let (found, _) = find_typed_phones(query);
            assert!(found.is_empty(), "{query}: {found:?}");
        }
        // A phone number beside words, or two apart, is still read.
        let (found, _) = find_typed_phones("who is 1 800 528 4800 calling");
        assert_eq!(found.len(), 1);
        let (found, _) = find_typed_phones("800-528-4800 or 800-992-3404");
        assert_eq!(found.len(), 2);
        let (found, _) = find_typed_phones("1-800-528-4800 1-800-528-4800");
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn text_with_fewer_than_three_digits_holds_no_number_and_three_can() {
        // The shortest numbers there are: three digits and keypad letters.
        let found = find_phones("call 800-AXP-EARN today");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].written, "800-AXP-EARN");
        assert_eq!(found[0].phone.national_digits(), "8002973276");
        let found = find_phones("or (800) AXP-EARN");
        assert_eq!(found.len(), 1, "{found:?}");
        // Digits other than ASCII ones are no number's digits.
        assert!(Phone::parse("٨٠٠-AXP-EARN").is_none());
        for text in [
            "",
            "no digits at all",
            "80-AXP-EARN",
            "8-AXP-EARN",
            "Section 12 of 2",
            "٨٠٠-AXP-EARN",
        ] {
            assert!(find_phones(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn parses_every_written_form_to_the_same_number() {
        let forms = [
            "1-800-528-4800",
            "+1-800-528-4800",
            "(800) 528-4800",
            "800 528 4800",
            "800.528.4800",
            "8005284800",
            "18005284800",
            "+1 800 528 4800",
        ];
        for form in forms {
            assert_eq!(
                Phone::parse(form).map(|p| p.e164()),
                Some("+18005284800".to_string()),
                "{form}"
            );
        }
    }

    #[test]
    fn vanity_spelling_maps_to_digits() {
        let phone = Phone::parse("1-800-AXP-EARN").expect("vanity parses");
        assert_eq!(phone.display(), "1-800-297-3276");
    }

    #[test]
    fn rejects_things_that_are_not_numbers() {
        for text in [
            "",
            "12345",
            "1-800-528-480",
            "2-800-528-4800",
            "080-528-4800",
            "800-128-4800",
            "call me",
            "1-800-528-4800-1",
        ] {
            assert_eq!(Phone::parse(text), None, "{text}");
        }
    }

    #[test]
    fn typed_numbers_are_found_inside_sentences_in_every_form() {
        let full = |text: &str| -> Vec<String> {
            find_typed_phones(text)
                .0
                .into_iter()
                .filter_map(|(_, number)| match number {
                    TypedNumber::Full(phone) => Some(phone.e164()),
                    TypedNumber::Local(_) => None,
                })
                .collect()
        };
        for (text, expected) in [
            ("is 1-855-693-2213 really amex", vec!["+18556932213"]),
            ("who is 1-630-694-9750", vec!["+16306949750"]),
            ("what is 800-528-5200?", vec!["+18005285200"]),
            ("(800) 528-4800 called me", vec!["+18005284800"]),
            ("got a text from +1 800 528 4800.", vec!["+18005284800"]),
            ("1-800-AXP-EARN is it real", vec!["+18002973276"]),
            ("is 1-800-AMEX-HLP real", vec!["+18002639457"]),
            ("1-800-FRAUD-99", vec!["+18003728399"]),
            ("1-800-EXPRESS", vec!["+18003977377"]),
            ("is 1-800-123-4567 amex", vec!["+18001234567"]),
            (
                "google says amex number is 1-866-555-0143",
                vec!["+18665550143"],
            ),
            ("0800 123 4567", vec![]),
            ("lost card", vec![]),
            (
                "call 1-800-528-4800 or 1-855-693-2213",
                vec!["+18005284800", "+18556932213"],
            ),
        ] {
            assert_eq!(full(text), expected, "{text}");
        }
        // The numbering plan's rules still hold for what editors write.
        assert_eq!(Phone::parse("1-800-123-4567"), None);
    }

    #[test]
    fn finds_numbers_in_prose_but_not_words() {
        let text = "Call 1-800-528-4800 or (800) 492-3344, or 1-800-AXP-EARN. Zip TX 79998-1535. PO Box 981535.";
        let found: Vec<String> = find_phones(text).into_iter().map(|f| f.written).collect();
        assert_eq!(
            found,
            ["1-800-528-4800", "(800) 492-3344", "1-800-AXP-EARN"]
        );
        assert!(find_phones("MEMBERSHIP REWARDS").is_empty());
    }
}
