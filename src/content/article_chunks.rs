//! How a `Site`'s articles are serialised for the content cache: in blocks of [`CHUNK`] articles,
//! each its own postcard bytes, so a big site's articles are encoded and decoded on every core.
//!
//! Used with `#[serde(with = "article_chunks")]` on the articles field of the cached form of a
//! `Site`; the order of the articles is kept.

use std::borrow::Cow;
use std::fmt;

use rayon::prelude::*;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{self, SerializeSeq, Serializer};

use super::model::Article;

/// Articles per block: large enough that a block's bookkeeping is nothing, small enough that the
/// blocks of a big site spread over the cores.
const CHUNK: usize = 1024;
/// Blocks encoded at once (in parallel) before they are written: enough to keep every core busy.
const WINDOW_BLOCKS: usize = 8;

/// Writes `articles` as a sequence of byte blocks, each the postcard encoding of up to [`CHUNK`]
/// articles.
pub(super) fn serialize<S: Serializer>(
    articles: &[Article],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(articles.len().div_ceil(CHUNK)))?;
    // A window of blocks at a time, encoded in parallel and written before the next: encoding
    // every block first held the whole encoding beside the site (at 100,000 articles, a first
    // start with a new `--index-dir` peaked over 1 GB there).
    for window in articles.chunks(CHUNK * WINDOW_BLOCKS) {
        let blocks: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .map(postcard::to_allocvec)
            .collect::<Result<_, _>>()
            .map_err(ser::Error::custom)?;
        for block in &blocks {
            seq.serialize_element(&Block(Cow::Borrowed(block)))?;
        }
    }
    seq.end()
}

/// Reads what [`serialize`] wrote, decoding the blocks in parallel.
pub(super) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Article>, D::Error> {
    let blocks: Vec<Block<'de>> = serde::Deserialize::deserialize(deserializer)?;
    let decoded: Vec<Vec<Article>> = blocks
        .par_iter()
        .map(|block| postcard::from_bytes(&block.0))
        .collect::<Result<_, _>>()
        .map_err(de::Error::custom)?;
    Ok(decoded.into_iter().flatten().collect())
}

/// One block of bytes, serialised as bytes (one length and the bytes, not a sequence of numbers),
/// borrowed from the input when the format allows.
struct Block<'a>(Cow<'a, [u8]>);

impl serde::Serialize for Block<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Block<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_bytes(BlockVisitor)
    }
}

struct BlockVisitor;

impl<'de> Visitor<'de> for BlockVisitor {
    type Value = Block<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a block of encoded articles")
    }

    fn visit_borrowed_bytes<E: de::Error>(self, bytes: &'de [u8]) -> Result<Block<'de>, E> {
        Ok(Block(Cow::Borrowed(bytes)))
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Block<'de>, E> {
        Ok(Block(Cow::Owned(bytes.to_vec())))
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Block<'de>, E> {
        Ok(Block(Cow::Owned(bytes)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Block<'de>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(byte) = seq.next_element()? {
            bytes.push(byte);
        }
        Ok(Block(Cow::Owned(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Articles {
        #[serde(with = "super")]
        articles: Vec<Article>,
    }

    /// More articles than one block holds come back whole and in order, and encode the same again.
    #[test]
    fn articles_over_several_blocks_read_back_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let site = crate::content::Site::load(&dir).expect("content loads");
        let articles: Vec<Article> = (0..2 * CHUNK + 7)
            .map(|n| {
                let mut article = site.articles[n % site.articles.len()].clone();
                article.slug = format!("{}-{n}", article.slug);
                article
            })
            .collect();
        let slugs: Vec<String> = articles.iter().map(|a| a.slug.clone()).collect();
        let bytes = postcard::to_allocvec(&Articles { articles }).expect("serialises");
        let read_back: Articles = postcard::from_bytes(&bytes).expect("reads back");
        let read_slugs: Vec<String> = read_back.articles.iter().map(|a| a.slug.clone()).collect();
        assert_eq!(read_slugs, slugs);
        assert_eq!(
            postcard::to_allocvec(&read_back).expect("serialises"),
            bytes
        );
        // A damaged block is an error, not articles.
        let mut damaged = bytes.clone();
        let middle = damaged.len() / 2;
        damaged.truncate(middle);
        assert!(postcard::from_bytes::<Articles>(&damaged).is_err());
    }
}
