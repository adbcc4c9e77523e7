//! `/faq`: every question grouped by category, each with a permanent anchor from its id.

use askama::Template;

use crate::content::Site;
use crate::web::pages::feedback::FeedbackView;
use crate::web::seo;
use crate::web::views::Crumb;
use crate::web::views::{ContactView, Layout};

/// One FAQ ready to print.
pub(crate) struct FaqView {
    pub id: String,
    pub question: String,
    pub answer_html: String,
    pub contacts: Vec<ContactView>,
    /// Its "was this helpful?" block.
    pub feedback: FeedbackView,
}

/// The FAQs of one category.
pub(crate) struct FaqGroup {
    pub slug: String,
    pub title: String,
    pub faqs: Vec<FaqView>,
}

/// The FAQ page.
#[derive(Template)]
#[template(path = "faq.html")]
pub(crate) struct FaqPage {
    pub layout: Layout,
    pub breadcrumbs: Vec<Crumb>,
    pub groups: Vec<FaqGroup>,
}

/// Renders the FAQ page.
pub(crate) fn render(site: &Site) -> askama::Result<String> {
    let groups: Vec<FaqGroup> = site
        .categories
        .iter()
        .map(|category| FaqGroup {
            slug: category.slug.clone(),
            title: category.title.clone(),
            faqs: site
                .faqs_in(&category.slug)
                .map(|faq| FaqView {
                    id: faq.id.clone(),
                    question: faq.question.clone(),
                    answer_html: faq.answer_html.clone(),
                    contacts: ContactView::list(site, &faq.contacts),
                    feedback: FeedbackView::faq(site, &faq.id, &faq.contacts),
                })
                .collect(),
        })
        .filter(|group| !group.faqs.is_empty())
        .collect();
    let breadcrumbs = vec![Crumb::new("/", "Home"), Crumb::new("/faq", "FAQ")];
    let mut layout = Layout::new(
        site,
        "Frequently asked questions",
        "Short answers to common questions about calling American Express: live person, lost cards, disputes, rewards, travel, scams and more.",
        "/faq",
    );
    layout.current_nav = "faq";
    layout.structured_data_html = vec![
        seo::faq_json(site),
        seo::breadcrumb_json(site, &breadcrumbs),
    ];
    FaqPage {
        layout,
        breadcrumbs,
        groups,
    }
    .render()
}
