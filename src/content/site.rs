//! The immutable [`Site`], built whole by one constructor that puts everything in display order
//! and builds every lookup table.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize, Serializer};

use super::intents::Intents;
use super::model::{Article, Category, Contact, Faq, Guide, Settings, SynonymGroup};
use super::planner::Planner;

/// The whole help center's content, validated and rendered. Immutable once built.
///
/// Serialised (for the content cache) as its content alone, and deserialised through
/// [`Site::new`], so the lookup tables are never stored and a `Site` only ever exists whole.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "SiteParts")]
pub struct Site {
    /// Site settings.
    pub settings: Settings,
    /// The source guides.
    pub guides: Vec<Guide>,
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// Articles in display order (category order, then weight, then title).
    pub articles: Vec<Article>,
    /// FAQs in display order (category order, then weight).
    pub faqs: Vec<Faq>,
    /// Contact entries in directory order (department order of first appearance, then weight).
    pub contacts: Vec<Contact>,
    /// Search synonym groups.
    pub synonyms: Vec<SynonymGroup>,
    /// The call planner's data, when the site has `planner.toml`.
    pub planner: Option<Planner>,
    /// The answer rules (`intents.toml`): instant answers, scam guidance, the number checker.
    pub intents: Intents,
    /// SHA-256 over every content file's path and text, in a fixed order: equal digests mean the
    /// same content (what an index kept on disk is keyed by, with the program that built it).
    pub source_digest: [u8; 32],
    lookup: Lookup,
}

/// The content of a [`Site`] before it is ordered and indexed: what validation produces, and what
/// the content cache stores.
#[derive(Debug, Deserialize)]
pub(super) struct SiteParts {
    pub(super) settings: Settings,
    pub(super) guides: Vec<Guide>,
    pub(super) categories: Vec<Category>,
    #[serde(with = "super::article_chunks")]
    pub(super) articles: Vec<Article>,
    pub(super) faqs: Vec<Faq>,
    pub(super) contacts: Vec<Contact>,
    pub(super) synonyms: Vec<SynonymGroup>,
    pub(super) planner: Option<Planner>,
    pub(super) intents: Intents,
    pub(super) source_digest: [u8; 32],
}

/// [`SiteParts`] borrowed from a `Site`, for serialising without a copy. The same fields in the
/// same order, so what it writes reads back as `SiteParts`.
#[derive(Serialize)]
struct SitePartsRef<'a> {
    settings: &'a Settings,
    guides: &'a [Guide],
    categories: &'a [Category],
    #[serde(with = "super::article_chunks")]
    articles: &'a [Article],
    faqs: &'a [Faq],
    contacts: &'a [Contact],
    synonyms: &'a [SynonymGroup],
    planner: &'a Option<Planner>,
    intents: &'a Intents,
    source_digest: &'a [u8; 32],
}

impl Serialize for Site {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SitePartsRef {
            settings: &self.settings,
            guides: &self.guides,
            categories: &self.categories,
            articles: &self.articles,
            faqs: &self.faqs,
            contacts: &self.contacts,
            synonyms: &self.synonyms,
            planner: &self.planner,
            intents: &self.intents,
            source_digest: &self.source_digest,
        }
        .serialize(serializer)
    }
}

impl From<SiteParts> for Site {
    fn from(parts: SiteParts) -> Site {
        Site::new(parts)
    }
}

/// Positions in the `Site`'s lists by key.
#[derive(Debug, Clone, Default)]
struct Lookup {
    /// Article by slug.
    articles: HashMap<String, usize>,
    /// Article by one of its aliases.
    aliases: HashMap<String, usize>,
    /// Category by slug.
    categories: HashMap<String, usize>,
    /// Contact by id.
    contacts: HashMap<String, usize>,
    /// Guide by id.
    guides: HashMap<String, usize>,
    /// The articles of each category (contiguous: articles are in category order).
    articles_by_category: HashMap<String, Range<usize>>,
    /// The FAQs of each category (contiguous: FAQs are in category order).
    faqs_by_category: HashMap<String, Range<usize>>,
}

impl Site {
    /// Orders everything for display and builds the lookup tables.
    pub(super) fn new(parts: SiteParts) -> Site {
        let SiteParts {
            settings,
            guides,
            mut categories,
            mut articles,
            mut faqs,
            mut contacts,
            synonyms,
            planner,
            intents,
            source_digest,
        } = parts;
        categories.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title)));
        let category_rank: HashMap<&str, usize> = categories
            .iter()
            .enumerate()
            .map(|(rank, c)| (c.slug.as_str(), rank))
            .collect();
        // Validation rules out unknown categories; were there one, its items would sort last,
        // still grouped by category.
        let rank = |category: &str| category_rank.get(category).copied().unwrap_or(usize::MAX);
        articles.sort_by(|a, b| {
            (rank(&a.category), &a.category, a.weight, &a.title).cmp(&(
                rank(&b.category),
                &b.category,
                b.weight,
                &b.title,
            ))
        });
        faqs.sort_by(|a, b| {
            (rank(&a.category), &a.category, a.weight, &a.id).cmp(&(
                rank(&b.category),
                &b.category,
                b.weight,
                &b.id,
            ))
        });
        sort_contacts(&mut contacts);
        let lookup = Lookup {
            articles: positions(&articles, |a| std::iter::once(&a.slug)),
            aliases: positions(&articles, |a| a.aliases.iter()),
            categories: positions(&categories, |c| std::iter::once(&c.slug)),
            contacts: positions(&contacts, |c| std::iter::once(&c.id)),
            guides: positions(&guides, |g| std::iter::once(&g.id)),
            articles_by_category: runs(&articles, |a| &a.category),
            faqs_by_category: runs(&faqs, |f| &f.category),
        };
        Site {
            settings,
            guides,
            categories,
            articles,
            faqs,
            contacts,
            synonyms,
            planner,
            intents,
            source_digest,
            lookup,
        }
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        item_at(&self.articles, &self.lookup.articles, slug)
    }

    /// The article that lists `alias` among its old slugs.
    pub fn article_by_alias(&self, alias: &str) -> Option<&Article> {
        item_at(&self.articles, &self.lookup.aliases, alias)
    }

    /// The category with this slug.
    pub fn category(&self, slug: &str) -> Option<&Category> {
        item_at(&self.categories, &self.lookup.categories, slug)
    }

    /// The contact entry with this id.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        item_at(&self.contacts, &self.lookup.contacts, id)
    }

    /// The guide with this id.
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        item_at(&self.guides, &self.lookup.guides, id)
    }

    /// Articles of a category, in order (only that category's articles are visited).
    pub fn articles_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Article> {
        run_of(&self.articles, &self.lookup.articles_by_category, category).iter()
    }

    /// FAQs of a category, in order (only that category's FAQs are visited).
    pub fn faqs_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Faq> {
        run_of(&self.faqs, &self.lookup.faqs_by_category, category).iter()
    }

    /// Contact entries featured on the home page, in their featured order.
    pub fn featured_contacts(&self) -> Vec<&Contact> {
        let mut featured: Vec<&Contact> = self
            .contacts
            .iter()
            .filter(|c| c.featured.is_some())
            .collect();
        featured.sort_by_key(|c| c.featured);
        featured
    }

    /// The most recent `updated` date of any article (`YYYY-MM-DD`).
    pub fn last_updated(&self) -> String {
        self.articles
            .iter()
            .map(|a| a.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01".to_string())
    }
}

/// Directory order: departments in the order the file first mentions them, then weight, then id.
fn sort_contacts(contacts: &mut [Contact]) {
    let mut department_rank: HashMap<String, usize> = HashMap::new();
    for contact in contacts.iter() {
        let next = department_rank.len();
        department_rank
            .entry(contact.department.clone())
            .or_insert(next);
    }
    contacts.sort_by(|a, b| {
        (department_rank[&a.department], a.weight, &a.id).cmp(&(
            department_rank[&b.department],
            b.weight,
            &b.id,
        ))
    });
}

/// The position of each item under each of its keys (the first item wins a shared key; validation
/// rules shared keys out).
fn positions<'a, T, K>(items: &'a [T], keys: impl Fn(&'a T) -> K) -> HashMap<String, usize>
where
    K: Iterator<Item = &'a String>,
{
    let mut positions = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        for key in keys(item) {
            positions.entry(key.clone()).or_insert(index);
        }
    }
    positions
}

/// The range of each run of items with the same key (items sorted by key, so one run per key).
fn runs<T>(items: &[T], key: impl Fn(&T) -> &String) -> HashMap<String, Range<usize>> {
    let mut runs: HashMap<String, Range<usize>> = HashMap::new();
    let mut start = 0;
    for index in 1..=items.len() {
        if index == items.len() || key(&items[index]) != key(&items[start]) {
            runs.insert(key(&items[start]).clone(), start..index);
            start = index;
        }
    }
    runs
}

/// The item at `key`'s position.
fn item_at<'a, T>(items: &'a [T], positions: &HashMap<String, usize>, key: &str) -> Option<&'a T> {
    positions.get(key).and_then(|&index| items.get(index))
}

/// The items in `key`'s run (none when there is no run).
fn run_of<'a, T>(items: &'a [T], runs: &HashMap<String, Range<usize>>, key: &str) -> &'a [T] {
    runs.get(key)
        .and_then(|range| items.get(range.clone()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_each_key_once_in_order() {
        let items: Vec<String> = ["a", "a", "b", "c", "c", "c"].map(String::from).into();
        let runs = runs(&items, |item| item);
        assert_eq!(runs.len(), 3);
        assert_eq!(runs["a"], 0..2);
        assert_eq!(runs["b"], 2..3);
        assert_eq!(runs["c"], 3..6);
        assert_eq!(run_of(&items, &runs, "c"), &items[3..6]);
        assert!(run_of(&items, &runs, "z").is_empty());
        assert!(super::runs(&[] as &[String], |item| item).is_empty());
    }

    /// The lookup tables answer what a scan of the lists would, built fresh and read back from
    /// the cache's serialised form.
    #[test]
    fn lookups_agree_with_a_scan_of_the_real_content() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let fresh = Site::load(&dir).expect("content loads");
        let bytes = postcard::to_allocvec(&fresh).expect("serialises");
        let read_back: Site = postcard::from_bytes(&bytes).expect("reads back");
        for site in [&fresh, &read_back] {
            for category in &site.categories {
                let scanned: Vec<&str> = site
                    .articles
                    .iter()
                    .filter(|a| a.category == category.slug)
                    .map(|a| a.slug.as_str())
                    .collect();
                let indexed: Vec<&str> = site
                    .articles_in(&category.slug)
                    .map(|a| a.slug.as_str())
                    .collect();
                assert_eq!(indexed, scanned, "{}", category.slug);
                let faqs = site.faqs.iter().filter(|f| f.category == category.slug);
                assert!(
                    faqs.map(|f| &f.id)
                        .eq(site.faqs_in(&category.slug).map(|f| &f.id))
                );
                assert_eq!(
                    site.category(&category.slug).map(|c| &c.slug),
                    Some(&category.slug)
                );
            }
            for article in &site.articles {
                assert_eq!(
                    site.article(&article.slug).map(|a| &a.slug),
                    Some(&article.slug)
                );
                for alias in &article.aliases {
                    let found = site.article_by_alias(alias).map(|a| &a.slug);
                    assert_eq!(found, Some(&article.slug));
                }
            }
            for contact in &site.contacts {
                assert_eq!(site.contact(&contact.id).map(|c| &c.id), Some(&contact.id));
            }
            for guide in &site.guides {
                assert_eq!(site.guide(&guide.id).map(|g| &g.id), Some(&guide.id));
            }
            assert!(site.articles_in("no-such-category").next().is_none());
            assert!(site.category("no-such-category").is_none());
        }
        assert_eq!(
            postcard::to_allocvec(&read_back).expect("serialises"),
            bytes
        );
    }
}
