//! Synonym groups for queries: the groups from `content/synonyms.toml` analyzed like the index,
//! and the group terms found in a query's words.

use super::understand::Analyzers;
use crate::content::SynonymGroup;

/// One synonym group, each term as its sequence of index terms.
#[derive(Debug, Clone)]
struct Group {
    terms: Vec<Vec<String>>,
}

/// The synonym groups from `content/synonyms.toml`, analyzed like the index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    groups: Vec<Group>,
}

/// A run of query words that is one term of a synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SynonymMatch {
    /// Index of the first matched word among the searchable words.
    pub(crate) start: usize,
    /// How many searchable words it covers.
    pub(crate) len: usize,
    /// The other terms of the group, as index-term sequences (one term or a phrase).
    pub(crate) alternatives: Vec<Vec<String>>,
}

impl Synonyms {
    /// Analyzes every group; terms that analyze to nothing (only stop words) are skipped.
    pub(crate) fn new(groups: &[SynonymGroup], analyzers: &Analyzers) -> Synonyms {
        let groups = groups
            .iter()
            .map(|group| {
                let mut terms: Vec<Vec<String>> = Vec::new();
                for term in &group.terms {
                    let stems = analyzers.stems(term);
                    if !stems.is_empty() && !terms.contains(&stems) {
                        terms.push(stems);
                    }
                }
                Group { terms }
            })
            .filter(|group| group.terms.len() > 1)
            .collect();
        Synonyms { groups }
    }

    /// Finds group terms in a sequence of index terms, longest first, left to right, without
    /// overlaps.
    pub(crate) fn find(&self, stems: &[&str]) -> Vec<SynonymMatch> {
        let mut matches = Vec::new();
        let mut start = 0;
        while start < stems.len() {
            let mut best: Option<(usize, usize, usize)> = None; // (len, group, term)
            for (group_index, group) in self.groups.iter().enumerate() {
                for (term_index, term) in group.terms.iter().enumerate() {
                    let len = term.len();
                    let fits = start + len <= stems.len()
                        && term
                            .iter()
                            .zip(&stems[start..start + len])
                            .all(|(a, b)| a == b);
                    if fits && best.is_none_or(|(best_len, _, _)| len > best_len) {
                        best = Some((len, group_index, term_index));
                    }
                }
            }
            match best {
                Some((len, group_index, term_index)) => {
                    let alternatives = self.groups[group_index]
                        .terms
                        .iter()
                        .enumerate()
                        .filter(|(index, _)| *index != term_index)
                        .map(|(_, term)| term.clone())
                        .collect();
                    matches.push(SynonymMatch {
                        start,
                        len,
                        alternatives,
                    });
                    start += len;
                }
                None => start += 1,
            }
        }
        matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema::analyzers;

    #[test]
    fn synonym_table() {
        let analyzers = analyzers();
        let groups = vec![
            SynonymGroup {
                terms: vec![
                    "live person".into(),
                    "representative".into(),
                    "agent".into(),
                ],
            },
            SynonymGroup {
                terms: vec![
                    "abroad".into(),
                    "outside the us".into(),
                    "international".into(),
                ],
            },
            SynonymGroup {
                terms: vec!["lost".into(), "stolen".into()],
            },
        ];
        let synonyms = Synonyms::new(&groups, &analyzers);
        let find = |query: &str| -> Vec<(usize, usize, Vec<String>)> {
            let words = analyzers.words(query);
            let stems: Vec<&str> = words.iter().filter_map(|w| w.stem.as_deref()).collect();
            synonyms
                .find(&stems)
                .into_iter()
                .map(|m| {
                    (
                        m.start,
                        m.len,
                        m.alternatives.iter().map(|a| a.join(" ")).collect(),
                    )
                })
                .collect()
        };
        let owned = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            find("talk to a live person"),
            [(1, 2, owned(&["repres", "agent"]))]
        );
        assert_eq!(
            find("Representatives"),
            [(0, 1, owned(&["live person", "agent"]))]
        );
        assert_eq!(
            find("calling from outside the U.S."),
            [(2, 2, owned(&["abroad", "internat"]))]
        );
        assert_eq!(find("my card was stolen"), [(2, 1, owned(&["lost"]))]);
        assert_eq!(find("activate card"), []);
        assert_eq!(
            find("lost abroad"),
            [
                (0, 1, owned(&["stolen"])),
                (1, 1, owned(&["outsid us", "internat"]))
            ]
        );
    }
}
