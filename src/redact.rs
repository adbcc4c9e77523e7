//! Masking what a cardholder should never have typed (card numbers, security codes, PINs, one-time
//! codes) out of visitor text, before anything is stored or logged. [`Masked`] can only be made
//! here, so every stored text field has passed through [`mask`].

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// What a card-number-like digit run becomes.
pub const CARD_MASK: &str = "[card number]";
/// What the value after a code word becomes.
pub const CODE_MASK: &str = "[code]";

/// Digits joined by up to three separators (anything that is neither a letter nor a digit: spaces,
/// dashes, dots, slashes, commas, brackets). A run of [`MASKED_DIGITS`] or more digits is masked; a
/// phone number has 10 digits, or 11 after a `1`, and stays.
static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d(?:[^\p{L}\p{N}]{0,3}\d)*").expect("digit run pattern compiles")
});

/// A code word (`cvv`, `pin`, `otp`, `passcode`, `security code`, …), optional filler (`is`,
/// `number`, `:`), then one or more tokens holding a digit: those tokens are masked.
static CODE_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:cvv2?|cvc2?|csc|cid|pin|pins|passcode|passcodes|otp|code|codes|password)\b
        (?P<filler>(?:[\s:=\#\-]|\bis\b|\bwas\b|\bnumber\b|\bno\b|\bnum\b)*)
        (?P<value>[^\s]*\d[^\s]*(?:\s+[^\s]*\d[^\s]*)*)",
    )
    .expect("code pattern compiles")
});

/// Fewest digits in a run that is masked as a possible card number (the shortest card numbers have
/// 12; longer runs are masked too, since a card number may sit inside them).
pub const MASKED_DIGITS: usize = 12;

/// Visitor text after [`mask`]: the only text type the store accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Masked(String);

impl Masked {
    /// The masked text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The masked text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Text that is not visitor input (a result URL of our own, a contact id), passed through
    /// [`mask`] all the same: cheap, and the type then holds for every field.
    pub fn from_own(text: &str) -> Masked {
        mask(text)
    }
}

impl std::fmt::Display for Masked {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Masks card-number-like digit runs and the values after code words in `text`.
pub fn mask(text: &str) -> Masked {
    // Control characters (NUL above all, which PostgreSQL refuses in text) become spaces, so
    // both backends store the same thing and nothing can split a run of digits invisibly.
    let text: Cow<'_, str> = if text.chars().any(is_unstorable) {
        Cow::Owned(
            text.chars()
                .map(|c| if is_unstorable(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    let digits_masked = mask_digit_runs(&text);
    let masked = match CODE_VALUE.replace_all(&digits_masked, |captures: &regex::Captures<'_>| {
        let whole = &captures[0];
        let value = captures.name("value").map_or(0..0, |m| m.range());
        let start = captures.get(0).map_or(0, |m| m.start());
        format!("{}{CODE_MASK}", &whole[..value.start.saturating_sub(start)])
    }) {
        Cow::Borrowed(_) => digits_masked.into_owned(),
        Cow::Owned(text) => text,
    };
    Masked(masked)
}

/// Control characters other than line breaks and tabs.
fn is_unstorable(character: char) -> bool {
    character.is_control() && !matches!(character, '\n' | '\t')
}

/// Replaces every digit run of [`MASKED_DIGITS`] or more digits with [`CARD_MASK`].
fn mask_digit_runs(text: &str) -> Cow<'_, str> {
    DIGIT_RUN.replace_all(text, |captures: &regex::Captures<'_>| {
        let run = &captures[0];
        if run.chars().filter(char::is_ascii_digit).count() >= MASKED_DIGITS {
            CARD_MASK.to_string()
        } else {
            run.to_string()
        }
    })
}

/// Normalises a search query for the record: masked, then lower-cased, whitespace collapsed, and
/// at most [`MAX_RECORDED_CHARS`] characters.
pub fn normalise_query(query: &str) -> Masked {
    let masked = mask(query);
    let mut normalised = String::with_capacity(masked.0.len());
    for word in masked.0.split_whitespace() {
        if !normalised.is_empty() {
            normalised.push(' ');
        }
        normalised.extend(word.chars().flat_map(char::to_lowercase));
    }
    Masked(truncate_chars(normalised, MAX_RECORDED_CHARS))
}

/// The phone number a search's number check found (`+1` and ten digits), for the record, only if
/// its ten digits are still in the masked query: a "number" the checker read out of a card number
/// and a code beside it (`…1881 cvv 8642`) must not carry their digits past the mask.
pub fn checked_number(masked_query: &Masked, e164: &str) -> Option<Masked> {
    let national = e164.strip_prefix("+1").unwrap_or(e164);
    let digits: String = masked_query
        .0
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (national.len() == 10 && digits.contains(national)).then(|| Masked(e164.to_string()))
}

/// Longest text recorded from a visitor's query or address.
pub const MAX_RECORDED_CHARS: usize = 200;

fn truncate_chars(mut text: String, max: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max) {
        text.truncate(index);
    }
    text
}

/// A request path as the access log shows it: unchanged when it holds no digit and no `%` (most
/// paths, and then nothing can need masking), otherwise percent-decoded, masked, and cut to `max`
/// characters.
pub fn loggable_path(path: &str, max: usize) -> Cow<'_, str> {
    if !path
        .bytes()
        .any(|byte| byte.is_ascii_digit() || byte == b'%')
    {
        return match path.char_indices().nth(max) {
            Some((index, _)) => Cow::Borrowed(&path[..index]),
            None => Cow::Borrowed(path),
        };
    }
    Cow::Owned(loggable_target(path, "", max).0)
}

/// A request target (path and query string) as a log may show it: percent-decoded (`+` as space
/// in the query), masked, and cut to `max` characters. Decoding first means an encoded card number
/// (`4111%201111…`, `4111+1111…`) is masked like a typed one.
pub fn loggable_target(path: &str, query: &str, max: usize) -> Masked {
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut target = mask(&path).0;
    if !query.is_empty() {
        let plus_as_space = query.replace('+', " ");
        let decoded = percent_encoding::percent_decode_str(&plus_as_space).decode_utf8_lossy();
        target.push('?');
        target.push_str(mask(&decoded).as_str());
    }
    Masked(truncate_chars(target, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_in_every_format_are_masked() {
        for text in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111.1111.1111.1111",
            "378282246310005",
            "3782 822463 10005",
            "3782-822463-10005",
            "5555 5555 5555 4444",
            "my card is 4111 1111 1111 1111 please help",
            "card:4111111111111111.",
            "4111 - 1111 - 1111 - 1111",
            "601111111111", // 12 digits
            "4111111111111111111",
            "41111111111111111111111", // longer than any card: masked too
        ] {
            let masked = mask(text);
            assert!(masked.as_str().contains(CARD_MASK), "{text} → {masked}");
            assert!(
                masked.as_str().chars().filter(char::is_ascii_digit).count() < MASKED_DIGITS,
                "{text} → {masked}"
            );
        }
    }

    #[test]
    fn generated_numbers_of_every_length_and_grouping_are_masked() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let separators = ["", " ", "-", ".", " - ", "/", "  ", ", ", "_"];
        for case in 0..5_000 {
            let length = 12 + (next() % 8) as usize;
            let digits: String = (0..length)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let separator = separators[case % separators.len()];
            let group = 3 + (next() % 4) as usize;
            let written: Vec<&str> = digits
                .as_bytes()
                .chunks(group)
                .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
                .collect();
            let text = format!("my card {} was declined", written.join(separator));
            let masked = mask(&text);
            assert!(
                !masked.as_str().chars().any(|c| c.is_ascii_digit()),
                "{text} → {masked}"
            );
        }
    }

    #[test]
    fn phone_numbers_and_short_numbers_stay() {
        for text in [
            "1-800-528-4800",
            "+1 (800) 528-4800",
            "800.528.4800",
            "8005284800",
            "18005284800",
            "is 1 800 528 4800 amex",
            "fee of 95 dollars",
            "call 1-800-528-4800 or 1-800-992-3404",
            "article 12",
        ] {
            assert_eq!(mask(text).as_str(), text);
        }
    }

    #[test]
    fn values_after_code_words_are_masked() {
        let table = [
            ("my cvv is 123", "my cvv is [code]"),
            ("CVV: 1234", "CVV: [code]"),
            ("cvc2 987", "cvc2 [code]"),
            ("pin 4321 lost", "pin [code] lost"),
            ("PIN number is 0000", "PIN number is [code]"),
            ("otp 123 456", "otp [code]"),
            ("one-time code 998877", "one-time code [code]"),
            ("security code=555", "security code=[code]"),
            ("passcode: abc123", "passcode: [code]"),
            ("the CID 4455 on the front", "the CID [code] on the front"),
        ];
        for (text, expected) in table {
            assert_eq!(mask(text).as_str(), expected, "{text}");
        }
        assert_eq!(mask("a\0b\u{7}c").as_str(), "a b c");
        // Questions about codes, with no value, are kept whole.
        for text in [
            "what is the cvv",
            "forgot my pin",
            "activation code not working",
        ] {
            assert_eq!(mask(text).as_str(), text);
        }
    }

    #[test]
    fn normalised_queries_are_masked_lower_cased_and_bounded() {
        assert_eq!(
            normalise_query("  Lost   CARD 4111 1111 1111 1111 ").as_str(),
            "lost card [card number]"
        );
        assert_eq!(
            normalise_query(&"a".repeat(500)).as_str().len(),
            MAX_RECORDED_CHARS
        );
    }

    #[test]
    fn a_checked_number_is_kept_only_if_the_visitor_typed_it() {
        let typed = normalise_query("is 1-800-555-0199 amex");
        assert_eq!(
            checked_number(&typed, "+18005550199")
                .as_ref()
                .map(Masked::as_str),
            Some("+18005550199")
        );
        let card = normalise_query("charge on 4012-8888-8888-1881 cvv 8642");
        assert_eq!(checked_number(&card, "+11112888642"), None);
    }

    #[test]
    fn log_targets_are_decoded_then_masked() {
        for query in [
            "q=4111+1111+1111+1111",
            "q=4111%201111%201111%201111",
            "q=4111%2D1111%2D1111%2D1111",
            "q=my%20card%204111111111111111",
            "q=cvv%20123",
        ] {
            let target = loggable_target("/search", query, 300);
            assert!(!target.as_str().contains("1111"), "{query} → {target}");
            assert!(!target.as_str().contains("123"), "{query} → {target}");
        }
        assert_eq!(
            loggable_target("/articles/4111111111111111", "", 300).as_str(),
            "/articles/[card number]"
        );
        assert_eq!(
            loggable_target("/search", "q=1-800-528-4800", 300).as_str(),
            "/search?q=1-800-528-4800"
        );
        assert_eq!(
            loggable_path("/articles/lost-card", 300),
            "/articles/lost-card"
        );
        assert_eq!(
            loggable_path("/x/4111%201111%201111%201111", 300),
            "/x/[card number]"
        );
    }
}
