//! What crawlers and browsers read: JSON-LD generated from the data (Organization with a ContactPoint
//! for each contact both guides agree on; BreadcrumbList, Article, FAQPage, WebSite with a
//! SearchAction), and the sitemap, robots.txt, OpenSearch description and Atom feed.

use askama::Template;
use serde_json::{Value, json};

use super::json;
use super::views::Crumb;
use crate::content::{Article, Contact, ContactKind, Site, Toll};

/// How many articles the Atom feed lists.
const FEED_ENTRIES: usize = 20;

/// Serialises JSON-LD so it is safe inside a `<script>` element and still valid JSON.
fn script_safe(value: &Value) -> String {
    // A `Value` has string keys only, so serialising it cannot fail.
    json::to_html_safe_string(value).unwrap_or_default()
}

/// Organization with a ContactPoint for each contact that every guide gives for the same
/// purpose, without a disagreement and without being called unofficial; hours only where a guide
/// states them for that number. Search engines and assistants read structured data as fact, so
/// anything one guide alone says stays on the visible page, with its source, and out of here.
pub(crate) fn organization_json(site: &Site) -> String {
    let every_guide = |sources: &[String]| site.guides.iter().all(|g| sources.contains(&g.id));
    let publishable = |contact: &&Contact| !contact.unofficial && contact.conflict.is_none();
    let point = |contact: &Contact| {
        let mut point = json!({
            "@type": "ContactPoint",
            "contactType": contact.purpose,
            "url": format!("{}{}", site.settings.base_url, contact.url_path()),
        });
        if let Some(area) = contact.region.area_served() {
            point["areaServed"] = json!(area);
        }
        point
    };
    let phones = site
        .contacts
        .iter()
        .filter(|contact| contact.kind == ContactKind::Phone)
        .filter(publishable)
        .flat_map(|contact| {
            contact
                .numbers
                .iter()
                .filter(|number| every_guide(&number.sources))
                .map(move |number| {
                    let mut point = point(contact);
                    point["telephone"] = json!(number.phone.e164());
                    if contact.toll == Some(Toll::TollFree) {
                        point["contactOption"] = json!("TollFree");
                    }
                    if number.hours.as_deref().is_some_and(is_round_the_clock) {
                        point["hoursAvailable"] = json!({
                            "@type": "OpeningHoursSpecification",
                            "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
                            "opens": "00:00",
                            "closes": "23:59"
                        });
                    }
                    point
                })
        });
    let others = site
        .contacts
        .iter()
        .filter(|contact| matches!(contact.kind, ContactKind::Email | ContactKind::Web))
        .filter(publishable)
        .filter(|contact| every_guide(&contact.sources))
        .map(|contact| {
            let mut point = point(contact);
            if let Some(email) = &contact.email {
                point["email"] = json!(email);
            }
            if let Some(url) = &contact.url {
                point["url"] = json!(url);
            }
            point
        });
    let contact_points: Vec<Value> = phones.chain(others).collect();
    let mut organization = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "American Express",
        "contactPoint": contact_points,
    });
    if let Some(address) = site
        .contacts
        .iter()
        .filter(publishable)
        .find(|contact| contact.kind == ContactKind::Address && every_guide(&contact.sources))
    {
        organization["address"] = json!({
            "@type": "PostalAddress",
            "streetAddress": address.address.join(", "),
        });
    }
    script_safe(&organization)
}

/// "24/7", "24 hours" and similar.
fn is_round_the_clock(hours: &str) -> bool {
    let lower = hours.to_ascii_lowercase();
    lower.contains("24/7") || lower.contains("24 hours")
}

/// WebSite with a SearchAction pointing at `/search`.
pub(crate) fn website_json(site: &Site) -> String {
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.settings.title,
        "url": format!("{}/", site.settings.base_url),
        "potentialAction": {
            "@type": "SearchAction",
            "target": format!("{}/search?q={{search_term_string}}", site.settings.base_url),
            "query-input": "required name=search_term_string"
        }
    }))
}

/// BreadcrumbList matching the visible breadcrumbs.
pub(crate) fn breadcrumb_json(site: &Site, crumbs: &[Crumb]) -> String {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(index, crumb)| {
            json!({
                "@type": "ListItem",
                "position": index + 1,
                "name": crumb.title,
                "item": format!("{}{}", site.settings.base_url, crumb.url),
            })
        })
        .collect();
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    }))
}

/// Article with headline and dates.
pub(crate) fn article_json(site: &Site, article: &Article) -> String {
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.summary,
        "dateModified": article.updated,
        "mainEntityOfPage": format!("{}{}", site.settings.base_url, article.url_path()),
        "publisher": { "@type": "Organization", "name": site.settings.title },
        "inLanguage": site.settings.language,
    }))
}

/// FAQPage with every question and its plain-text answer.
pub(crate) fn faq_json(site: &Site) -> String {
    let questions: Vec<Value> = site
        .faqs
        .iter()
        .map(|faq| {
            json!({
                "@type": "Question",
                "name": faq.question,
                "url": format!("{}{}", site.settings.base_url, faq.url_path()),
                "acceptedAnswer": { "@type": "Answer", "text": faq.answer_text },
            })
        })
        .collect();
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    }))
}

/// One `<url>` of the sitemap.
pub(crate) struct SitemapEntry {
    pub loc: String,
    pub lastmod: String,
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct Sitemap {
    entries: Vec<SitemapEntry>,
}

/// `/sitemap.xml`: every page, `lastmod` from content.
pub(crate) fn sitemap(site: &Site) -> askama::Result<String> {
    let base = &site.settings.base_url;
    let newest = site.last_updated();
    let mut entries = vec![
        SitemapEntry {
            loc: format!("{base}/"),
            lastmod: newest.clone(),
        },
        SitemapEntry {
            loc: format!("{base}/contact"),
            lastmod: newest.clone(),
        },
        SitemapEntry {
            loc: format!("{base}/faq"),
            lastmod: newest.clone(),
        },
    ];
    for category in &site.categories {
        let lastmod = site
            .articles_in(&category.slug)
            .map(|a| a.updated.clone())
            .max()
            .unwrap_or_else(|| newest.clone());
        entries.push(SitemapEntry {
            loc: format!("{base}/categories/{}", category.slug),
            lastmod,
        });
    }
    for article in &site.articles {
        entries.push(SitemapEntry {
            loc: format!("{base}{}", article.url_path()),
            lastmod: article.updated.clone(),
        });
    }
    Sitemap { entries }.render()
}

/// `/robots.txt`.
pub(crate) fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /search\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        site.settings.base_url
    )
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearch<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
}

/// `/opensearch.xml`: lets browsers add the site as a search engine.
pub(crate) fn opensearch(site: &Site) -> askama::Result<String> {
    OpenSearch {
        title: &site.settings.title,
        description: &site.settings.description,
        base_url: &site.settings.base_url,
        language: &site.settings.language,
    }
    .render()
}

/// One entry of the Atom feed.
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed<'a> {
    title: &'a str,
    base_url: &'a str,
    updated: String,
    entries: Vec<FeedEntry>,
}

/// `/feed.xml`: the most recently updated articles.
pub(crate) fn feed(site: &Site) -> askama::Result<String> {
    let mut articles: Vec<&Article> = site.articles.iter().collect();
    articles.sort_by(|a, b| {
        b.updated
            .cmp(&a.updated)
            .then_with(|| a.title.cmp(&b.title))
    });
    Feed {
        title: &site.settings.title,
        base_url: &site.settings.base_url,
        updated: format!("{}T00:00:00Z", site.last_updated()),
        entries: articles
            .into_iter()
            .take(FEED_ENTRIES)
            .map(|article| FeedEntry {
                title: article.title.clone(),
                url: format!("{}{}", site.settings.base_url, article.url_path()),
                updated: format!("{}T00:00:00Z", article.updated),
                summary: article.summary.clone(),
            })
            .collect(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_with_comment_and_script_markers_stays_valid_json() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        let site = Site::load(&dir).expect("the fixture site loads");
        let mut article = site.articles[0].clone();
        article.title = "Lost card <!-- not a comment --> </script><script>x()</script>".into();
        article.summary = "Summary with <!-- and -->".into();
        let text = article_json(&site, &article);
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed["headline"], article.title.as_str());
        assert_eq!(parsed["description"], article.summary.as_str());
    }
}
