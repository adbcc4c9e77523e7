//! Content negotiation: which coding answers one request's `Accept-Encoding`, decided by
//! actix's typed header (q-values honoured), with brotli or gzip winning a tie as the body asks
//! ([`Tie`]), and the coding to fall back to when the chosen one would not make the body smaller.

use std::cell::RefCell;

use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue, Preference, Quality,
    QualityItem,
};

/// Which coding wins when the client accepts brotli and gzip equally (the same q-value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tie {
    /// Brotli: smaller at the best settings (pages and assets, compressed once).
    Brotli,
    /// Gzip: at the fast settings both faster and smaller than brotli (search answers, whose every
    /// miss is compressed; the same coding once popular, so a visitor's coding never changes).
    Gzip,
}

/// The coding to answer `headers` with (`None`: the body as is) and the one to fall back to when
/// that coding's variant would not be smaller than the body.
pub(crate) fn codings(
    headers: &HeaderMap,
    tie: Tie,
) -> Option<(ContentEncoding, Option<ContentEncoding>)> {
    let mut values = headers.get_all(header::ACCEPT_ENCODING);
    let first = values.next()?;
    let choice = match values.next() {
        None => Choice::for_header(first),
        // Several header lines are rare: decided afresh, not remembered.
        Some(_) => Choice::decide(headers.get_all(header::ACCEPT_ENCODING)),
    };
    let coding = match tie {
        Tie::Gzip if choice.equal => Some(ContentEncoding::Gzip),
        _ => choice.all,
    }?;
    let next = match coding {
        ContentEncoding::Brotli => choice.without_brotli,
        ContentEncoding::Gzip => choice.without_gzip,
        _ => None,
    };
    Some((coding, next))
}

/// What to answer one `Accept-Encoding` value with, decided by actix's typed header (q-values
/// honoured; on equal q-values brotli ranks above gzip): the choice among brotli, gzip and the
/// body as is, and the choice when brotli, or gzip, is not on offer. `None` is the body as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice {
    all: Option<ContentEncoding>,
    without_brotli: Option<ContentEncoding>,
    without_gzip: Option<ContentEncoding>,
    /// Whether brotli is chosen only by the tie rule: gzip is listed with the same non-zero q-value
    /// (a [`Tie::Gzip`] answer then takes gzip).
    equal: bool,
}

impl Choice {
    /// The choice for `accepted`, remembered per thread for the last value seen: browsers send the
    /// same few values, and parsing and ranking one (allocations, a sort) on every request for a
    /// page that is otherwise a lookup and a write was a measurable share of serving it.
    fn for_header(accepted: &HeaderValue) -> Choice {
        thread_local! {
            static LAST: RefCell<Option<(HeaderValue, Choice)>> = const { RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| match last {
            Some((value, choice)) if value == accepted => *choice,
            _ => {
                let choice = Choice::decide(std::iter::once(accepted));
                *last = Some((accepted.clone(), choice));
                choice
            }
        })
    }

    /// The choice for the header lines `values`; unreadable ones leave the body as is.
    fn decide<'a>(values: impl Iterator<Item = &'a HeaderValue> + 'a) -> Choice {
        let Ok(items) =
            header::from_comma_delimited::<_, QualityItem<Preference<Encoding>>>(values)
        else {
            return Choice {
                all: None,
                without_brotli: None,
                without_gzip: None,
                equal: false,
            };
        };
        // The q-value a coding is listed with (its first listing; `None`: not listed by name).
        let listed = |coding: ContentEncoding| -> Option<Quality> {
            items.iter().find_map(|item| match item.item {
                Preference::Specific(Encoding::Known(known)) if known == coding => {
                    Some(item.quality)
                }
                _ => None,
            })
        };
        let brotli_quality = listed(ContentEncoding::Brotli);
        let gzip_quality = listed(ContentEncoding::Gzip);
        let accepted = AcceptEncoding(items);
        let pick = |offered: &[Encoding]| match accepted.negotiate(offered.iter()) {
            Some(Encoding::Known(coding @ (ContentEncoding::Brotli | ContentEncoding::Gzip))) => {
                Some(coding)
            }
            _ => None,
        };
        let all = pick(&[Encoding::brotli(), Encoding::gzip(), Encoding::identity()]);
        let without_brotli = pick(&[Encoding::gzip(), Encoding::identity()]);
        Choice {
            all,
            without_brotli,
            without_gzip: pick(&[Encoding::brotli(), Encoding::identity()]),
            equal: all == Some(ContentEncoding::Brotli)
                && without_brotli == Some(ContentEncoding::Gzip)
                && brotli_quality.is_some()
                && brotli_quality == gzip_quality,
        }
    }
}
