//! `/search?q=&kind=&page=`: the results page, rendered per request (escaped echo, the number
//! checker's verdict and the instant answer, the call planner's link for a situation, kind filters
//! with counts, highlighted snippets, pagination, "did you mean").

use askama::Template;

use super::feedback::FeedbackView;
use super::search_answer::{AnswerView, VerdictView};
use crate::content::Site;
use crate::search::{Fragment, HitKind, MAX_QUERY_CHARS, PhoneLink, SearchResults};
use crate::web::views::Layout;

/// One result ready to print.
pub(crate) struct HitView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    pub breadcrumb: String,
    pub snippet_html: String,
    pub phones: Vec<PhoneLink>,
}

/// One kind filter link.
pub(crate) struct FilterView {
    pub label: String,
    pub count: usize,
    pub url: String,
    pub current: bool,
}

/// One page-number link.
pub(crate) struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// A "did you mean" suggestion.
pub(crate) struct Suggestion {
    pub text: String,
    pub url: String,
}

/// The search results page.
#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    pub layout: Layout,
    pub query: String,
    pub truncated: bool,
    pub max_chars: usize,
    pub verdict: Option<VerdictView>,
    pub answer: Option<AnswerView>,
    /// The call planner for the situation the query states.
    pub plan_url: Option<String>,
    pub all_count: usize,
    pub filters: Vec<FilterView>,
    pub total: usize,
    /// Whether the counts are estimates, shown as "about" (a huge result set of a big index).
    pub estimated: bool,
    pub page: usize,
    pub page_count: usize,
    pub first_number: usize,
    pub hits: Vec<HitView>,
    pub first_page_url: String,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub page_links: Vec<PageLink>,
    pub did_you_mean: Option<Suggestion>,
    /// The "was this helpful?" block, under the results of a query.
    pub feedback: Option<FeedbackView>,
}

/// Builds `/search?…` for a query, kind and page.
pub(crate) fn search_url(query: &str, kind: Option<HitKind>, page: usize) -> String {
    let mut url = format!(
        "/search?q={}",
        percent_encoding::utf8_percent_encode(query, QUERY_VALUE)
    );
    if let Some(kind) = kind {
        url.push_str("&kind=");
        url.push_str(kind.as_str());
    }
    if page > 1 {
        url.push_str(&format!("&page={page}"));
    }
    url
}

/// Characters escaped in a query-string value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes text and wraps highlighted fragments in `<mark>`.
pub(crate) fn snippet_html(fragments: &[Fragment]) -> String {
    use std::fmt::Write as _;
    let mut html = String::with_capacity(fragments.iter().map(|f| f.text.len() + 16).sum());
    let written = write!(html, "{}", SnippetHtml(fragments));
    // Writing to a String cannot fail.
    debug_assert!(written.is_ok());
    html
}

/// A snippet as HTML ([`snippet_html`]), written where it is displayed or serialised: the JSON
/// answer writes it straight into its buffer, with no string per hit.
pub(crate) struct SnippetHtml<'a>(pub &'a [Fragment]);

impl std::fmt::Display for SnippetHtml<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for fragment in self.0 {
            // Escaped as it is written: no string per fragment.
            let Ok(escaped) = askama::filters::escape(&fragment.text, askama::filters::Html);
            if fragment.highlighted {
                write!(formatter, "<mark>{escaped}</mark>")?;
            } else {
                write!(formatter, "{escaped}")?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for SnippetHtml<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Renders the results page for `results` (already computed for `kind` and `page`).
pub(crate) fn render(
    site: &Site,
    results: &SearchResults,
    kind: Option<HitKind>,
    page: usize,
    per_page: usize,
) -> askama::Result<String> {
    let query = results.query.clone();
    let title = if query.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {query}")
    };
    let mut layout = Layout::new(
        site,
        &title,
        "Search the help center for phone numbers, articles and answers.",
        "/search",
    );
    layout.query = query.clone();
    layout.noindex = true;
    let all_count: usize = results.counts.iter().map(|(_, count)| count).sum();
    let mut filters = vec![FilterView {
        label: "All".into(),
        count: all_count,
        url: search_url(&query, None, 1),
        current: kind.is_none(),
    }];
    filters.extend(results.counts.iter().filter(|(_, count)| *count > 0).map(
        |(filter_kind, count)| FilterView {
            label: plural_label(*filter_kind),
            count: *count,
            url: search_url(&query, Some(*filter_kind), 1),
            current: kind == Some(*filter_kind),
        },
    ));
    let page_count = results.total.div_ceil(per_page.max(1)).max(1);
    let page_links = page_window(page, page_count)
        .map(|number| PageLink {
            number,
            url: search_url(&query, kind, number),
            current: number == page,
        })
        .collect();
    let verdict = results
        .number_check
        .as_ref()
        .map(|check| VerdictView::new(site, check, site.intents.checker.fraud_contact.as_deref()));
    // A listed number's entries are the verdict itself; the answer repeats them only otherwise.
    let answer = results
        .answer
        .as_ref()
        .filter(|_| verdict.is_none())
        .and_then(|answer| AnswerView::new(site, answer));
    let feedback = (!query.is_empty()).then(|| {
        // The numbers that fit: the verdict's entries, else the instant answer's.
        let contacts: Vec<String> = match (&results.number_check, &results.answer) {
            (Some(check), _) => check.contacts.clone(),
            (None, Some(answer)) => answer.contacts.iter().map(|c| c.id.clone()).collect(),
            (None, None) => Vec::new(),
        };
        FeedbackView::search(site, &query, &contacts)
    });
    SearchPage {
        feedback,
        layout,
        truncated: results.truncated,
        max_chars: MAX_QUERY_CHARS,
        verdict,
        answer,
        plan_url: results.plan.clone(),
        all_count,
        filters,
        total: results.total,
        estimated: results.estimated,
        page,
        page_count,
        first_number: (page - 1) * per_page + 1,
        hits: results
            .hits
            .iter()
            .map(|hit| HitView {
                kind: hit.kind.as_str(),
                kind_label: hit.kind.label(),
                title: hit.title.clone(),
                url: hit.url.clone(),
                breadcrumb: hit.breadcrumb.join(" › "),
                snippet_html: snippet_html(&hit.snippet),
                phones: hit.phones.clone(),
            })
            .collect(),
        first_page_url: search_url(&query, kind, 1),
        previous_url: (page > 1 && page <= page_count).then(|| search_url(&query, kind, page - 1)),
        next_url: (page < page_count).then(|| search_url(&query, kind, page + 1)),
        page_links,
        did_you_mean: results.did_you_mean.as_ref().map(|text| Suggestion {
            text: text.clone(),
            url: search_url(text, kind, 1),
        }),
        query,
    }
    .render()
}

fn plural_label(kind: HitKind) -> String {
    match kind {
        HitKind::Article => "Articles".into(),
        HitKind::Section => "Sections".into(),
        HitKind::Faq => "FAQs".into(),
        HitKind::Contact => "Contacts".into(),
    }
}

/// Up to nine page numbers around the current one.
fn page_window(page: usize, page_count: usize) -> std::ops::RangeInclusive<usize> {
    let start = page
        .saturating_sub(4)
        .max(1)
        .min(page_count.saturating_sub(8).max(1));
    let end = (start + 8).min(page_count);
    start..=end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_escaped_and_marked() {
        let html = snippet_html(&[
            Fragment {
                text: "<b>call</b> ".into(),
                highlighted: false,
            },
            Fragment {
                text: "lost & found".into(),
                highlighted: true,
            },
        ]);
        assert_eq!(
            html,
            "&#60;b&#62;call&#60;/b&#62; <mark>lost &#38; found</mark>"
        );
    }

    /// Serialised, a snippet is the JSON string of its HTML.
    #[test]
    fn snippet_serialises_as_its_html() {
        let fragments = [
            Fragment {
                text: "Call \u{2028}\"us\" <now> ".into(),
                highlighted: false,
            },
            Fragment {
                text: "lost & found é".into(),
                highlighted: true,
            },
        ];
        assert_eq!(
            serde_json::to_string(&SnippetHtml(&fragments)).ok(),
            serde_json::to_string(&snippet_html(&fragments)).ok()
        );
    }

    #[test]
    fn search_url_encodes_the_query() {
        assert_eq!(
            search_url("a&b c<", Some(HitKind::Faq), 2),
            "/search?q=a%26b%20c%3C&kind=faq&page=2"
        );
        assert_eq!(search_url("x", None, 1), "/search?q=x");
    }

    #[test]
    fn page_window_table() {
        assert_eq!(page_window(1, 1), 1..=1);
        assert_eq!(page_window(1, 20), 1..=9);
        assert_eq!(page_window(10, 20), 6..=14);
        assert_eq!(page_window(20, 20), 12..=20);
    }
}
