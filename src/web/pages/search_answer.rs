//! The top of the results page, ready to print: the number checker's verdict and the instant
//! answer (a need's entries, a combined situation's entries with their roles, scam guidance, or
//! the general route), built from the search's decision and the `Site`.

use crate::content::Site;
use crate::search::{Answer, AnswerKind, NumberCheck};
use crate::web::views::ContactView;

/// A card with what it is for in this answer.
pub(crate) struct RoleCard {
    /// "From outside the U.S.: …"; `None` when the card's purpose says it all.
    pub role: Option<String>,
    /// The card.
    pub contact: ContactView,
}

/// The instant answer above the results.
pub(crate) struct AnswerView {
    /// `contact`, `safety` or `general_route` (a CSS class and a test hook).
    pub kind: &'static str,
    /// Whether it is scam guidance.
    pub is_safety: bool,
    /// Whether it is the general route.
    pub is_general: bool,
    /// The heading.
    pub heading: &'static str,
    /// The cards, in order.
    pub cards: Vec<RoleCard>,
    /// The page that answers it, when the answer names one (shown as a link).
    pub page: Option<PageLink>,
}

/// A page of the site, linked by title.
pub(crate) struct PageLink {
    /// Site path.
    pub url: String,
    /// Its title (an article's, or `Article › Heading`).
    pub title: String,
}

/// The number checker's verdict.
pub(crate) struct VerdictView {
    /// The number in the house form, `1-800-123-4567`.
    pub display: String,
    /// Whether the directory lists it.
    pub known: bool,
    /// The entries that list it, each with its department as its role.
    pub entries: Vec<RoleCard>,
    /// The fraud line, for people who already shared details (unlisted numbers).
    pub fraud: Option<ContactView>,
    /// The page that explains the checker.
    pub checker_url: Option<String>,
}

impl AnswerView {
    /// The view of `answer`; `None` when none of its entries exists (never, after validation).
    pub(crate) fn new(site: &Site, answer: &Answer) -> Option<AnswerView> {
        let cards: Vec<RoleCard> = answer
            .contacts
            .iter()
            .filter_map(|item| {
                site.contact(&item.id).map(|contact| RoleCard {
                    role: item.role.clone(),
                    contact: ContactView::new(site, contact, false).compact(),
                })
            })
            .collect();
        if cards.is_empty() {
            return None;
        }
        let heading = match answer.kind {
            AnswerKind::Contact if cards.len() > 1 => "The numbers for this",
            AnswerKind::Contact => "The number for this",
            AnswerKind::Safety => "If someone contacted you claiming to be Amex",
            AnswerKind::GeneralRoute => "The guides do not cover this",
        };
        Some(AnswerView {
            kind: answer.kind.as_str(),
            is_safety: answer.kind == AnswerKind::Safety,
            is_general: answer.kind == AnswerKind::GeneralRoute,
            heading,
            cards,
            page: answer.first.as_deref().and_then(|url| page_link(site, url)),
        })
    }
}

impl VerdictView {
    /// The view of `check`; the fraud line comes from `fraud_contact` (`intents.toml`).
    pub(crate) fn new(
        site: &Site,
        check: &NumberCheck,
        fraud_contact: Option<&str>,
    ) -> VerdictView {
        let entries = check
            .contacts
            .iter()
            .filter_map(|id| site.contact(id))
            .map(|contact| RoleCard {
                role: Some(contact.department.clone()),
                contact: ContactView::new(site, contact, false).compact(),
            })
            .collect();
        VerdictView {
            display: check.display.clone(),
            known: check.is_known(),
            entries,
            fraud: fraud_contact
                .filter(|_| !check.is_known())
                .and_then(|id| site.contact(id))
                .map(|contact| ContactView::new(site, contact, false).compact()),
            checker_url: site.intents.checker.page.clone(),
        }
    }
}

/// The title of the page at `url` (an article, one of its sections, an FAQ or a directory entry).
fn page_link(site: &Site, url: &str) -> Option<PageLink> {
    let title = if let Some(rest) = url.strip_prefix("/articles/") {
        let (slug, anchor) = rest.split_once('#').unwrap_or((rest, ""));
        let article = site.article(slug)?;
        match article.body.headings.iter().find(|h| h.id == anchor) {
            Some(heading) => format!("{} › {}", article.title, heading.text),
            None => article.title.clone(),
        }
    } else if let Some(id) = url.strip_prefix("/faq#") {
        site.faqs.iter().find(|faq| faq.id == id)?.question.clone()
    } else if let Some(id) = url.strip_prefix("/contact#") {
        site.contact(id)?.purpose.clone()
    } else {
        return None;
    };
    Some(PageLink {
        url: url.to_string(),
        title,
    })
}
