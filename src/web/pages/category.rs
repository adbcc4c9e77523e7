//! `/categories/{slug}`: the category's articles in order, with summaries and breadcrumbs.

use askama::Template;

use super::LinkItem;
use crate::content::{Category, Site};
use crate::web::seo;
use crate::web::views::Crumb;
use crate::web::views::{ArticleLink, Layout};

/// A category page.
#[derive(Template)]
#[template(path = "category.html")]
pub(crate) struct CategoryPage<'a> {
    pub layout: Layout,
    pub breadcrumbs: Vec<Crumb>,
    pub category: &'a Category,
    pub articles: Vec<ArticleLink>,
    pub faqs: Vec<LinkItem>,
}

/// Renders one category page.
pub(crate) fn render(site: &Site, category: &Category) -> askama::Result<String> {
    let path = format!("/categories/{}", category.slug);
    let breadcrumbs = vec![
        Crumb::new("/", "Home"),
        Crumb::new(path.clone(), category.title.clone()),
    ];
    let mut layout = Layout::new(site, &category.title, &category.description, &path);
    layout.structured_data_html = vec![seo::breadcrumb_json(site, &breadcrumbs)];
    CategoryPage {
        layout,
        breadcrumbs,
        category,
        articles: site
            .articles_in(&category.slug)
            .map(|article| ArticleLink {
                url: article.url_path(),
                title: article.title.clone(),
                summary: article.summary.clone(),
            })
            .collect(),
        faqs: site
            .faqs_in(&category.slug)
            .map(|faq| LinkItem {
                url: faq.url_path(),
                title: faq.question.clone(),
            })
            .collect(),
    }
    .render()
}
