//! The index writer's English stemmer: tantivy's `Stemmer` with each word's stem remembered, so a
//! big site stems each distinct word once per field and segment instead of once per occurrence.
//!
//! The stems are exactly the plain stemmer's (a unit test compares them): only the index side
//! uses this filter (`schema::register_analyzers`); the query side stems a few words per search
//! and keeps the plain one. A copy of the filter starts with an empty memory, so copying it (as
//! tantivy does for every segment writer and field, and as `Analyzers::stem` does per word) never
//! copies a table, and the memory is bounded ([`MAX_WORDS`]): past it, words are stemmed as usual.

use std::mem;

use foldhash::HashMap as FastMap;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Most words one filter remembers (about 80 bytes each).
const MAX_WORDS: usize = 50_000;

/// A [`TokenFilter`] giving the stems of tantivy's English `Stemmer`, remembering them.
#[derive(Clone, Copy, Default)]
pub(crate) struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: FastMap::default(),
            stemmer: word_stemmer(),
        }
    }
}

/// tantivy's English stemmer over a whole text as one token: a word's stem, by the very code the
/// plain filter runs.
fn word_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The tokenizer [`CachedStemmer`] makes: `inner`'s tokens, stemmed.
pub(crate) struct CachedStemmerFilter<T> {
    inner: T,
    /// Word → its stem, or `None` when the stem is the word itself (foldhash: SipHash was a tenth of
    /// this filter's time; the words are the site's own, so there is no one to attack it).
    stems: FastMap<Box<str>, Option<Box<str>>>,
    /// Stems the words not remembered.
    stemmer: TextAnalyzer,
}

impl<T: Clone> Clone for CachedStemmerFilter<T> {
    /// A copy with an empty memory (see the module comment).
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            stems: FastMap::default(),
            stemmer: word_stemmer(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: &mut self.stemmer,
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub(crate) struct CachedStemmerStream<'a, S> {
    tail: S,
    stems: &'a mut FastMap<Box<str>, Option<Box<str>>>,
    stemmer: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.stems.get(token.text.as_str()) {
            Some(None) => {}
            Some(Some(stem)) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let stem = stem_word(self.stemmer, &token.text);
                let changed = stem != token.text;
                if self.stems.len() < MAX_WORDS {
                    let remembered = changed.then(|| Box::<str>::from(stem.as_str()));
                    self.stems
                        .insert(Box::from(token.text.as_str()), remembered);
                }
                if changed {
                    token.text = stem;
                }
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The stem of one word (the word itself if the stemmer gives no token, which it never does).
fn stem_word(stemmer: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = stemmer.token_stream(word);
    if stream.advance() {
        mem::take(&mut stream.token_mut().text)
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    #[test]
    fn gives_the_plain_stemmers_tokens_first_time_and_remembered() {
        let text = "Replacement cards arriving; replaced CARD, disputes disputed disputing \
                    travelling traveller's flies fly généralement running runs ran a the";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let expected = tokens(&mut plain, text);
        assert!(expected.iter().any(|(word, ..)| word == "replac"));
        // First pass fills the memory, the second reads it, a copy starts empty again.
        assert_eq!(tokens(&mut cached, text), expected);
        assert_eq!(tokens(&mut cached, text), expected);
        assert_eq!(tokens(&mut cached.clone(), text), expected);
    }

    #[test]
    fn past_its_bound_it_stems_without_remembering() {
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(CachedStemmer)
            .build();
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let words: String = (0..MAX_WORDS + 10)
            .map(|n| format!("walking{n} "))
            .collect();
        let text = format!("{words} talked talking walking{}", MAX_WORDS + 5);
        assert_eq!(tokens(&mut cached, &text), tokens(&mut plain, &text));
    }
}
