//! Snippets: picks the window of a hit's plain text that holds the most (and the most important)
//! query terms and splits it into plain and highlighted fragments.

use std::collections::HashMap;
use std::ops::Range;

use super::Fragment;
use super::understand::{Analyzers, fold_acronyms};

/// Longest snippet, in bytes of the source text (before the ellipses).
pub(crate) const SNIPPET_CHARS: usize = 220;
/// How far before the first match a snippet may start, to show what leads up to it.
const LEAD_IN: usize = 60;

/// What a highlighted index term stands for: which query concept (a typed word with its
/// synonyms and corrections, or a phone number) and how strongly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Highlight {
    /// Terms of the same concept share this number.
    pub(crate) concept: usize,
    /// The term's weight: 1 for a word as typed, less for synonyms and corrections.
    pub(crate) weight: f32,
}

/// A matched word: where its highlight goes, and which concept it stands for how strongly.
pub(crate) struct Match {
    /// Byte range of the highlight.
    pub(crate) range: Range<usize>,
    /// The query concept.
    pub(crate) concept: usize,
    /// The term's weight.
    pub(crate) weight: f32,
}

/// Bonus for a window that shows a whole phone number: on this site the number is usually the
/// answer.
const PHONE_BONUS: f32 = 0.75;

/// Cuts a snippet from `text` (where `phones` are the ranges of the phone numbers written in it):
/// index terms in `terms` are highlighted. Without any match, the opening of the text is returned,
/// unhighlighted. Scans the text; [`super::wordmap`] finds the same matches without scanning.
pub(crate) fn snippet(
    text: &str,
    phones: &[Range<usize>],
    terms: &HashMap<String, Highlight>,
    analyzers: &Analyzers,
) -> Vec<Fragment> {
    let folded = fold_acronyms(text);
    // Stemming every word of a long article is the costly part; a stem keeps the first letters
    // of its word, so only words that start like a highlighted term are stemmed.
    let prefixes = prefixes(terms);
    let mut stems: HashMap<&str, Option<String>> = HashMap::new();
    let mut matches: Vec<Match> = Vec::new();
    for (offset, word) in words(&folded) {
        if !could_match(word, &prefixes) {
            continue;
        }
        let stem = stems.entry(word).or_insert_with(|| analyzers.stem(word));
        let Some(highlight) = stem.as_deref().and_then(|stem| terms.get(stem)) else {
            continue;
        };
        matches.push(Match {
            range: offset..highlight_end(text, &folded, offset, word.len()),
            concept: highlight.concept,
            weight: highlight.weight,
        });
    }
    cut(text, phones, &matches)
}

/// The first letters of the highlighted terms, for the prefilter ([`could_match`]).
pub(crate) fn prefixes(highlights: &HashMap<String, Highlight>) -> Vec<&str> {
    let mut prefixes: Vec<&str> = highlights.keys().map(|term| leading(term, 3)).collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    prefixes
}

/// Where the highlight of the word at `offset` (of `length` bytes in `folded`) ends in `text`: a
/// folded acronym (`US  ` for `U.S.`) highlights the whole original acronym.
pub(crate) fn highlight_end(text: &str, folded: &str, offset: usize, length: usize) -> usize {
    let mut end = offset + length;
    while end < text.len()
        && folded.as_bytes()[end] == b' '
        && !text.as_bytes()[end].is_ascii_whitespace()
    {
        end += 1;
    }
    end
}

/// The snippet of `text` around the best run of `matches` (in text order).
pub(crate) fn cut(text: &str, phones: &[Range<usize>], matches: &[Match]) -> Vec<Fragment> {
    let window = best_window(matches, phones);
    let Some(window) = window else {
        let end = cut_back(text, SNIPPET_CHARS.min(text.len()));
        return render(text, 0..end, &[]);
    };
    let first = matches[window.start].range.start;
    let last = matches[window.end - 1].range.end;
    let mut start = lead_in_start(text, first);
    let mut end = cut_back(text, (start + SNIPPET_CHARS).min(text.len()));
    if end == text.len() && start > 0 && end - start < SNIPPET_CHARS {
        // The match is near the end: spend the unused room on what comes before it.
        start = backfill_start(text, end.saturating_sub(SNIPPET_CHARS), start);
    }
    if end < last {
        end = last;
    }
    let highlights: Vec<Range<usize>> = matches[window]
        .iter()
        .map(|m| m.range.clone())
        .filter(|range| range.end <= end)
        .collect();
    render(text, start..end, &highlights)
}

/// The run of matches (as indices) that fits in one snippet and scores best: each concept counts
/// its strongest term, other matches a tenth of their weight, a whole phone number a bonus.
/// Earlier wins ties.
fn best_window(matches: &[Match], phones: &[Range<usize>]) -> Option<Range<usize>> {
    let mut best: Option<(f32, Range<usize>)> = None;
    let reach = SNIPPET_CHARS - LEAD_IN / 2;
    let mut strongest: Vec<(usize, f32)> = Vec::new();
    for start in 0..matches.len() {
        let from = matches[start].range.start;
        strongest.clear();
        let mut extra = 0.0;
        let mut end = start;
        while end < matches.len() && matches[end].range.end - from <= reach {
            let matched = &matches[end];
            match strongest
                .iter_mut()
                .find(|(concept, _)| *concept == matched.concept)
            {
                Some((_, weight)) => {
                    extra += weight.min(matched.weight) * 0.1;
                    *weight = weight.max(matched.weight);
                }
                None => strongest.push((matched.concept, matched.weight)),
            }
            end += 1;
        }
        let shows_phone = phones
            .iter()
            .any(|phone| phone.start + LEAD_IN / 2 >= from && phone.end <= from + reach);
        let score = strongest.iter().map(|(_, weight)| weight).sum::<f32>()
            + extra
            + if shows_phone { PHONE_BONUS } else { 0.0 };
        if best
            .as_ref()
            .is_none_or(|(best_score, _)| score > *best_score + 1e-6)
        {
            best = Some((score, start..end.max(start + 1)));
        }
    }
    best.map(|(_, range)| range)
}

/// Longest word the index keeps (its tokenizer drops longer ones).
const MAX_WORD_BYTES: usize = 40;

/// The words of `text` as the index's tokenizer splits them (runs of letters and digits), with
/// their byte offsets.
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && word.len() <= MAX_WORD_BYTES)
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

/// Whether `word` (as written) may stem to a term starting with one of `prefixes` (lower case, at
/// most three letters). Words with other than ASCII letters are always stemmed: folding may change
/// their first letters.
fn could_match(word: &str, prefixes: &[&str]) -> bool {
    if !word.is_ascii() {
        return true;
    }
    let mut lower = [0u8; 3];
    let length = word.len().min(3);
    for (slot, byte) in lower.iter_mut().zip(word.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    could_match_lead(&lower[..length], prefixes)
}

/// [`could_match`] on an ASCII word's first (at most three) letters, lower-cased.
pub(crate) fn could_match_lead(lower: &[u8], prefixes: &[&str]) -> bool {
    prefixes
        .iter()
        .any(|prefix| lower.starts_with(prefix.as_bytes()))
}

/// The first `length` characters of `word` (all of it when shorter).
fn leading(word: &str, length: usize) -> &str {
    match word.char_indices().nth(length) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Where to start a snippet whose first match is at `first`: the start of the text or of the
/// sentence when close enough, otherwise a word boundary a little before the match.
fn lead_in_start(text: &str, first: usize) -> usize {
    if first <= LEAD_IN {
        return 0;
    }
    let mut floor = first - LEAD_IN;
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let before = &text[floor..first];
    if let Some(position) = before.rfind(['\n', '.', '!', '?', ':']) {
        let mut start = floor + position + 1;
        while start < first && text[start..].starts_with(char::is_whitespace) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        return start;
    }
    match before.find(char::is_whitespace) {
        Some(position) => floor + position + 1,
        None => floor,
    }
}

/// The earliest good start at or after `floor` and at most `limit`: just after a sentence end,
/// else just after a space.
fn backfill_start(text: &str, floor: usize, limit: usize) -> usize {
    let mut floor = floor.min(limit);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    if floor == 0 {
        return 0;
    }
    let region = &text[floor..limit];
    let after = |position: usize| {
        let mut start = floor + position + 1;
        while start < limit && text[start..].starts_with(char::is_whitespace) {
            start += 1;
        }
        start
    };
    if let Some(position) = region.find(['\n', '.', '!', '?']) {
        return after(position);
    }
    match region.find(char::is_whitespace) {
        Some(position) => after(position),
        None => limit,
    }
}

/// Moves `end` back to a word boundary (whole words only), unless that empties the snippet.
fn cut_back(text: &str, end: usize) -> usize {
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end == text.len() {
        return end;
    }
    match text[..end].rfind(char::is_whitespace) {
        Some(position) if position > 0 => text[..position].trim_end().len(),
        _ => end,
    }
}

/// Builds the fragments of `text[window]`, newlines flattened, with ellipses where text was cut.
fn render(text: &str, window: Range<usize>, highlights: &[Range<usize>]) -> Vec<Fragment> {
    let mut fragments: Vec<Fragment> = Vec::with_capacity(2 * highlights.len() + 3);
    // Room for the rest of the window and an ellipsis: plain text merges into one fragment
    // without growing it.
    let room = window.len() + 2 * "…".len();
    let mut push = |piece: &str, highlighted: bool| {
        if piece.is_empty() {
            return;
        }
        let text = match fragments.last_mut() {
            Some(last) if last.highlighted == highlighted => &mut last.text,
            _ => {
                let capacity = if highlighted { piece.len() } else { room };
                fragments.push(Fragment {
                    text: String::with_capacity(capacity),
                    highlighted,
                });
                match fragments.last_mut() {
                    Some(last) => &mut last.text,
                    None => return,
                }
            }
        };
        push_flat(text, piece);
    };
    if window.start > 0 {
        push("…", false);
    }
    let mut position = window.start;
    for range in highlights {
        if range.start < position || range.end > window.end {
            continue;
        }
        push(&text[position..range.start], false);
        push(&text[range.clone()], true);
        position = range.end;
    }
    push(&text[position..window.end], false);
    if window.end < text.len() {
        push("…", false);
    }
    fragments
}

/// Appends `piece` to `text` with newlines and tabs flattened to spaces.
fn push_flat(text: &mut String, piece: &str) {
    let mut rest = piece;
    // ASCII bytes: an index found in the bytes is a character boundary.
    while let Some(at) = rest
        .bytes()
        .position(|byte| matches!(byte, b'\n' | b'\r' | b'\t'))
    {
        text.push_str(&rest[..at]);
        text.push(' ');
        rest = &rest[at + 1..];
    }
    text.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema::analyzers;

    fn show(fragments: &[Fragment]) -> String {
        fragments
            .iter()
            .map(|f| {
                if f.highlighted {
                    format!("[{}]", f.text)
                } else {
                    f.text.clone()
                }
            })
            .collect()
    }

    fn terms(list: &[(&str, f32)]) -> HashMap<String, Highlight> {
        list.iter()
            .enumerate()
            .map(|(concept, (t, weight))| {
                (
                    t.to_string(),
                    Highlight {
                        concept,
                        weight: *weight,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn highlights_stemmed_matches() {
        let analyzer = analyzers();
        let text = "Report a lost or stolen card.\nCall right away.";
        let out = snippet(
            text,
            &[],
            &terms(&[("stolen", 1.0), ("card", 1.0)]),
            &analyzer,
        );
        assert_eq!(
            show(&out),
            "Report a lost or [stolen] [card]. Call right away."
        );
    }

    #[test]
    fn long_text_is_cut_around_the_best_match_with_ellipses() {
        let analyzer = analyzers();
        let filler = "Nothing relevant here at all. ".repeat(20);
        let text = format!("{filler}The collect number works from abroad. {filler}");
        let out = snippet(
            &text,
            &[],
            &terms(&[("abroad", 1.0), ("collect", 1.0)]),
            &analyzer,
        );
        let shown = show(&out);
        assert!(shown.starts_with('…'), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert!(
            shown.contains("The [collect] number works from [abroad]."),
            "{shown}"
        );
        assert!(shown.len() < SNIPPET_CHARS + 20);
    }

    #[test]
    fn a_match_near_the_end_shows_what_leads_up_to_it() {
        let analyzer = analyzers();
        let text = format!(
            "{} Say so clearly. More tips are in How to talk to a live person.",
            "Listen to the menu. ".repeat(5)
        );
        let out = snippet(&text, &[], &terms(&[("talk", 1.0)]), &analyzer);
        let shown = show(&out);
        assert!(shown.contains("Say so clearly. More tips"), "{shown}");
        assert!(shown.ends_with("live person."), "{shown}");
    }

    #[test]
    fn a_word_as_typed_beats_several_synonyms() {
        let analyzer = analyzers();
        let filler = " Nothing here at all.".repeat(12);
        let text = format!("Spoofed phone numbers can look real.{filler} How the scams work.");
        let mut weights = terms(&[("scam", 1.0), ("call", 1.0)]);
        for synonym in ["spoof", "phone", "number"] {
            weights.insert(
                synonym.to_string(),
                Highlight {
                    concept: 1,
                    weight: 0.5,
                },
            );
        }
        let out = snippet(&text, &[], &weights, &analyzer);
        assert!(show(&out).contains("[scams]"), "{}", show(&out));
    }

    #[test]
    fn words_split_like_the_index_tokenizer() {
        let found: Vec<(usize, &str)> = words("Call 1-800-AXP-EARN, e-mail: née!").collect();
        assert_eq!(
            found,
            [
                (0, "Call"),
                (5, "1"),
                (7, "800"),
                (11, "AXP"),
                (15, "EARN"),
                (21, "e"),
                (23, "mail"),
                (29, "née")
            ]
        );
        assert!(could_match("Cards", &["car"]));
        assert!(could_match("US", &["us"]));
        assert!(!could_match("Us", &["use"]));
        assert!(could_match("Née", &["zzz"]));
    }

    #[test]
    fn no_match_gives_the_opening_unhighlighted() {
        let analyzer = analyzers();
        let out = snippet("Short text.", &[], &terms(&[("zzz", 1.0)]), &analyzer);
        assert_eq!(show(&out), "Short text.");
        assert!(snippet("", &[], &terms(&[]), &analyzer).is_empty());
    }

    #[test]
    fn acronyms_highlight_in_the_original_text() {
        let analyzer = analyzers();
        let out = snippet(
            "Members outside the U.S. can call collect.",
            &[],
            &terms(&[("us", 1.0)]),
            &analyzer,
        );
        assert_eq!(show(&out), "Members outside the [U.S.] can call collect.");
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        let analyzer = analyzers();
        let text = "é".repeat(400) + " card " + &"ü".repeat(400);
        let out = snippet(&text, &[], &terms(&[("card", 1.0)]), &analyzer);
        assert!(show(&out).contains("[card]"));
    }
}
