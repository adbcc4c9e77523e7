//! `/articles/{slug}`: breadcrumbs, table of contents, body with anchored headings, the contact panel
//! rendered from the directory, related articles, last-updated date and sources.

use askama::Template;

use crate::content::{Article, Site, plan_url};
use crate::markdown::Heading;
use crate::web::pages::feedback::FeedbackView;
use crate::web::seo;
use crate::web::views::Crumb;
use crate::web::views::{ArticleLink, ContactView, Layout, human_date, part_names};

/// How many related articles to list.
const RELATED: usize = 5;

/// An article page.
#[derive(Template)]
#[template(path = "article.html")]
pub(crate) struct ArticlePage<'a> {
    pub layout: Layout,
    pub breadcrumbs: Vec<Crumb>,
    pub title: &'a str,
    pub summary: &'a str,
    pub updated: &'a str,
    pub updated_human: String,
    pub toc: &'a [Heading],
    pub body_html: &'a str,
    pub contacts: Vec<ContactView>,
    pub sources: Vec<SourceView<'a>>,
    pub related: Vec<ArticleLink>,
    pub category_title: &'a str,
    /// The planner for the need this article is about, when the planner names one.
    pub plan_url: Option<String>,
    /// The "was this helpful?" block.
    pub feedback: FeedbackView,
}

/// One guide in an article's sources list, with the parts the article draws on.
pub(crate) struct SourceView<'a> {
    pub title: &'a str,
    pub short: &'a str,
    /// The cited parts in a visitor's words ("step 3 A, the U.S. numbers").
    pub parts: Vec<&'a str>,
}

/// Renders one article page.
pub(crate) fn render(site: &Site, article: &Article) -> askama::Result<String> {
    let category = site.category(&article.category);
    let category_title = category.map_or("", |c| c.title.as_str());
    let path = article.url_path();
    let breadcrumbs = vec![
        Crumb::new("/", "Home"),
        Crumb::new(format!("/categories/{}", article.category), category_title),
        Crumb::new(path.clone(), article.title.clone()),
    ];
    // A body that cannot be inflated fails the render: the caller logs it and answers the 500
    // page, never an article with its text missing.
    let body_html = article
        .body
        .html()
        .map_err(|error| askama::Error::Custom(Box::new(error)))?;
    let mut layout = Layout::new(site, &article.title, &article.summary, &path);
    layout.og_type = "article";
    layout.structured_data_html = vec![
        seo::article_json(site, article),
        seo::breadcrumb_json(site, &breadcrumbs),
    ];
    ArticlePage {
        layout,
        breadcrumbs,
        title: &article.title,
        summary: &article.summary,
        updated: &article.updated,
        updated_human: human_date(&article.updated),
        toc: &article.body.headings,
        body_html: &body_html,
        contacts: ContactView::list(site, &article.contacts),
        sources: article
            .sources
            .iter()
            .filter_map(|id| site.guide(id))
            .map(|guide| SourceView {
                title: &guide.title,
                short: &guide.short,
                parts: part_names(site, &guide.id, &article.cites),
            })
            .collect(),
        related: site
            .articles_in(&article.category)
            .filter(|other| other.slug != article.slug)
            .take(RELATED)
            .map(|other| ArticleLink {
                url: other.url_path(),
                title: other.title.clone(),
                summary: other.summary.clone(),
            })
            .collect(),
        category_title,
        feedback: FeedbackView::article(site, &article.slug, &article.contacts),
        plan_url: site.planner.as_ref().and_then(|planner| {
            let need = planner
                .needs
                .iter()
                .find(|need| need.articles.contains(&article.slug))?;
            Some(plan_url([Some(&need.id), None, None]))
        }),
    }
    .render()
}
