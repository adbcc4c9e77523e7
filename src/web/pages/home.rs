//! `/`: search box, the most-needed numbers as click-to-call cards, categories with counts.

use askama::Template;

use super::LinkItem;
use crate::content::Site;
use crate::web::seo;
use crate::web::views::{ContactView, Layout};

/// How many questions the home page lists.
const POPULAR_QUESTIONS: usize = 6;

/// A category with its article count.
pub(crate) struct CategoryCard {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub count: usize,
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    pub layout: Layout,
    pub description: String,
    pub featured: Vec<ContactView>,
    pub categories: Vec<CategoryCard>,
    pub popular: Vec<LinkItem>,
    /// The page that explains the number checker (`intents.toml`), linked beside the safety note.
    pub checker_url: Option<String>,
}

/// Renders the home page.
pub(crate) fn render(site: &Site) -> askama::Result<String> {
    let mut layout = Layout::new(site, "", &site.settings.description, "/");
    layout.structured_data_html = vec![seo::organization_json(site), seo::website_json(site)];
    HomePage {
        layout,
        description: site.settings.description.clone(),
        featured: site
            .featured_contacts()
            .into_iter()
            .map(|contact| ContactView::new(site, contact, false).compact())
            .collect(),
        categories: site
            .categories
            .iter()
            .map(|category| CategoryCard {
                slug: category.slug.clone(),
                title: category.title.clone(),
                description: category.description.clone(),
                count: site.articles_in(&category.slug).count(),
            })
            .collect(),
        popular: site
            .faqs
            .iter()
            .take(POPULAR_QUESTIONS)
            .map(|faq| LinkItem {
                url: faq.url_path(),
                title: faq.question.clone(),
            })
            .collect(),
        checker_url: site.intents.checker.page.clone(),
    }
    .render()
}
