//! Text kept for the life of a content version but read rarely: stored as is on an ordinary site,
//! deflated on a big one.
//!
//! On a big site the rendered article bodies are most of the memory, and most of them are for pages
//! nobody reads in a given hour. Deflated (at [`LEVEL`]) they take a fraction of the room, and
//! inflating one body is paid when its page is first rendered, not per request (rendered pages are
//! cached). Below [`COMPACT_FROM_ARTICLES`] the saving is small and not worth the indirection, so
//! text stays plain.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Read as _;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// From this many articles, long-lived article text is stored deflated.
pub const COMPACT_FROM_ARTICLES: usize = 5_000;

/// Kept text that could not be inflated (memory damaged since it was stored).
#[derive(Debug, thiserror::Error)]
#[error("kept text cannot be inflated: {0}")]
pub struct InflateError(#[source] std::io::Error);

/// A text, plain or deflated.
#[derive(Debug, Clone)]
pub enum CompactText {
    /// The text itself.
    Plain(Box<str>),
    /// Raw deflate of the text.
    Deflated(Box<[u8]>),
}

impl CompactText {
    /// Stores `text`, deflated when `compress` is set and that makes it smaller.
    pub fn new(text: String, compress: bool) -> CompactText {
        if compress
            && let Some(bytes) = deflate_against(text.as_bytes(), b"")
            && bytes.len() < text.len()
        {
            return CompactText::Deflated(bytes.into_boxed_slice());
        }
        CompactText::Plain(text.into_boxed_str())
    }

    /// The text, inflated when needed. A damaged store is an error for the caller to log and
    /// answer (an error page, a blank snippet), never an empty text passed off as the content.
    pub fn get(&self) -> Result<Cow<'_, str>, InflateError> {
        match self {
            CompactText::Plain(text) => Ok(Cow::Borrowed(text)),
            CompactText::Deflated(bytes) => {
                let mut text = String::with_capacity(bytes.len() * 4);
                flate2::read::DeflateDecoder::new(&bytes[..])
                    .read_to_string(&mut text)
                    .map_err(InflateError)?;
                Ok(Cow::Owned(text))
            }
        }
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        match self {
            CompactText::Plain(text) => text.len(),
            CompactText::Deflated(bytes) => bytes.len(),
        }
    }
}

/// A text that repeats much of another (an article's HTML repeats its plain text), stored as is on
/// an ordinary site and, on a big one, deflated with that other text as the preset dictionary:
/// deflate then refers back into the dictionary instead of storing its words again. Reading it
/// needs the same dictionary ([`CompactAfter::get`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CompactAfter(CompactText);

impl CompactAfter {
    /// Stores `text`, deflated against `dictionary` when `compress` is set and that makes it
    /// smaller.
    pub fn new(text: String, dictionary: &str, compress: bool) -> CompactAfter {
        if compress
            && let Some(bytes) = deflate_against(text.as_bytes(), dictionary.as_bytes())
            && bytes.len() < text.len()
        {
            return CompactAfter(CompactText::Deflated(bytes.into_boxed_slice()));
        }
        CompactAfter(CompactText::Plain(text.into_boxed_str()))
    }

    /// The text, inflated with `dictionary` (the text given to [`CompactAfter::new`]) when needed.
    /// Another dictionary, or damaged bytes, is an error (or, for another dictionary, possibly
    /// other text: callers pass the one text it was stored against).
    pub fn get(&self, dictionary: &str) -> Result<Cow<'_, str>, InflateError> {
        match &self.0 {
            CompactText::Plain(text) => Ok(Cow::Borrowed(text)),
            CompactText::Deflated(bytes) => {
                inflate_against(bytes, dictionary.as_bytes()).map(Cow::Owned)
            }
        }
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.0.size()
    }

    /// Deflated bytes as they are, for tests of damaged stores.
    #[cfg(test)]
    pub(crate) fn deflated(bytes: Box<[u8]>) -> CompactAfter {
        CompactAfter(CompactText::Deflated(bytes))
    }
}

/// The deflate level: 2, not 1. zlib-rs (like zlib-ng) answers level 1 with its "quick" strategy,
/// static Huffman codes only, which leaves plain English text much larger; level 2 is its fast
/// strategy with codes fitted to each text (the sizes and costs are in the README, "Scale").
const LEVEL: u32 = 2;

thread_local! {
    /// Each thread's deflate stream, reset for every text: a stream's state is a few hundred KB,
    /// and a fresh one per text (two per article on a big site) cost zeroing it every time and
    /// left the heap fragmented around the small results kept between them (2 GB of RSS for
    /// 6,000 articles on zlib-rs).
    static DEFLATE: RefCell<flate2::Compress> =
        RefCell::new(flate2::Compress::new(flate2::Compression::new(LEVEL), false));
}

/// Raw deflate ([`LEVEL`]) of `text`, with `dictionary` preset unless it is empty; `None` if the
/// codec fails.
fn deflate_against(text: &[u8], dictionary: &[u8]) -> Option<Vec<u8>> {
    DEFLATE.with(|stream| {
        let mut compress = stream.try_borrow_mut().ok()?;
        compress.reset();
        if !dictionary.is_empty() {
            compress.set_dictionary(dictionary).ok()?;
        }
        let mut out = Vec::with_capacity(text.len() / 3 + 64);
        loop {
            let consumed = usize::try_from(compress.total_in()).ok()?;
            let status = compress
                .compress_vec(&text[consumed..], &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(out);
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

/// Inflates what [`deflate_against`] wrote with the same `dictionary`.
fn inflate_against(bytes: &[u8], dictionary: &[u8]) -> Result<String, InflateError> {
    let damaged = |message: &str| InflateError(std::io::Error::other(message.to_string()));
    let mut decompress = flate2::Decompress::new(false);
    decompress
        .set_dictionary(dictionary)
        .map_err(|error| InflateError(std::io::Error::other(error)))?;
    let mut out = Vec::with_capacity(bytes.len() * 4);
    loop {
        let (read, written) = (decompress.total_in(), decompress.total_out());
        let consumed = usize::try_from(read).map_err(|_| damaged("too long"))?;
        let status = decompress
            .decompress_vec(
                &bytes[consumed..],
                &mut out,
                flate2::FlushDecompress::Finish,
            )
            .map_err(|error| InflateError(std::io::Error::other(error)))?;
        if status == flate2::Status::StreamEnd {
            break;
        }
        if out.len() < out.capacity()
            && decompress.total_in() == read
            && decompress.total_out() == written
        {
            return Err(damaged("the deflated text ends early"));
        }
        out.reserve(out.capacity().max(64));
    }
    String::from_utf8(out).map_err(|error| InflateError(std::io::Error::other(error)))
}

// Serialised (for the content cache) with the bytes as one block, not as a sequence of numbers.
// `Stored` and `StoredRef` have the same variants in the same order, so one reads what the other
// writes.

#[derive(Serialize)]
enum StoredRef<'a> {
    Plain(&'a str),
    Deflated(BytesRef<'a>),
}

#[derive(Deserialize)]
enum Stored {
    Plain(String),
    Deflated(ByteBuf),
}

struct BytesRef<'a>(&'a [u8]);

impl Serialize for BytesRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ByteBuf, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ByteBuf;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(bytes.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(bytes))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ByteBuf, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element()? {
                    bytes.push(byte);
                }
                Ok(ByteBuf(bytes))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

impl Serialize for CompactText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CompactText::Plain(text) => StoredRef::Plain(text),
            CompactText::Deflated(bytes) => StoredRef::Deflated(BytesRef(bytes)),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CompactText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CompactText, D::Error> {
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Plain(text) => CompactText::Plain(text.into_boxed_str()),
            Stored::Deflated(ByteBuf(bytes)) => CompactText::Deflated(bytes.into_boxed_slice()),
        })
    }
}

impl Default for CompactText {
    fn default() -> CompactText {
        CompactText::Plain(Box::from(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_plain_and_deflated() {
        let text = "<p>Call the number on the back of your card.</p>\n".repeat(40);
        let plain = CompactText::new(text.clone(), false);
        let deflated = CompactText::new(text.clone(), true);
        assert!(matches!(plain, CompactText::Plain(_)));
        assert!(matches!(deflated, CompactText::Deflated(_)));
        assert!(deflated.size() < text.len() / 4, "{}", deflated.size());
        assert_eq!(plain.get().expect("plain"), text);
        assert_eq!(deflated.get().expect("inflates"), text);
    }

    #[test]
    fn short_text_that_would_grow_stays_plain() {
        let stored = CompactText::new("ok".to_string(), true);
        assert!(matches!(stored, CompactText::Plain(_)));
        assert_eq!(stored.get().expect("plain"), "ok");
    }

    #[test]
    fn serialises_both_forms_compactly_and_reads_them_back() {
        let text = "<p>Call the number on the back of your card.</p>\n".repeat(40);
        for compress in [false, true] {
            let stored = CompactText::new(text.clone(), compress);
            let bytes = postcard::to_allocvec(&stored).expect("serialises");
            assert!(
                bytes.len() <= stored.size() + 8,
                "{} for {}",
                bytes.len(),
                stored.size()
            );
            let back: CompactText = postcard::from_bytes(&bytes).expect("reads back");
            assert_eq!(back.get().expect("inflates"), text);
            assert_eq!(back.size(), stored.size());
        }
    }

    #[test]
    fn damaged_store_is_an_error_not_an_empty_text() {
        let damaged = CompactText::Deflated(vec![0xff; 16].into_boxed_slice());
        assert!(damaged.get().is_err());
    }

    #[test]
    fn deflated_against_a_dictionary_is_smaller_and_reads_back_only_with_it() {
        let text = "Call the number on the back of your card. Never share a code.\n".repeat(3)
            + "Lost cards are replaced within days; fees are waived for eligible cards.";
        let html = text
            .lines()
            .map(|line| format!("<p>{line}</p>\n"))
            .collect::<String>();
        let alone = CompactText::new(html.clone(), true);
        let after = CompactAfter::new(html.clone(), &text, true);
        assert!(matches!(after.0, CompactText::Deflated(_)));
        assert!(
            after.size() < alone.size() / 2,
            "{} vs {}",
            after.size(),
            alone.size()
        );
        assert_eq!(after.get(&text).expect("inflates"), html);
        let plain = CompactAfter::new(html.clone(), &text, false);
        assert_eq!(plain.get("").expect("plain"), html);
        // Read back from its serialised form, with the same dictionary.
        let bytes = postcard::to_allocvec(&after).expect("serialises");
        let back: CompactAfter = postcard::from_bytes(&bytes).expect("reads back");
        assert_eq!(back.get(&text).expect("inflates"), html);
        // Damaged or cut short: an error, never a text passed off as the content.
        let CompactText::Deflated(stored) = &after.0 else {
            panic!("deflated")
        };
        let cut = CompactAfter(CompactText::Deflated(stored[..stored.len() / 2].into()));
        assert!(cut.get(&text).is_err());
        let damaged = CompactAfter(CompactText::Deflated(vec![0xff; 16].into_boxed_slice()));
        assert!(damaged.get(&text).is_err());
    }
}
