//! `/contact`: the whole directory grouped by department, each entry with a permanent anchor.

use askama::Template;

use crate::content::Site;
use crate::markdown::slugify;
use crate::web::seo;
use crate::web::views::Crumb;
use crate::web::views::{ContactView, Layout};

/// One department and its entries.
pub(crate) struct Department {
    /// Anchor id (`department-…`), distinct from entry ids.
    pub id: String,
    pub name: String,
    pub contacts: Vec<ContactView>,
}

/// The directory page.
#[derive(Template)]
#[template(path = "contact.html")]
pub(crate) struct ContactPage {
    pub layout: Layout,
    pub breadcrumbs: Vec<Crumb>,
    pub departments: Vec<Department>,
    /// The page that explains the number checker (`intents.toml`), linked beside the safety note.
    pub checker_url: Option<String>,
}

/// Renders the directory.
pub(crate) fn render(site: &Site) -> askama::Result<String> {
    let mut departments: Vec<Department> = Vec::new();
    for contact in &site.contacts {
        let view = ContactView::new(site, contact, true);
        match departments.last_mut() {
            Some(department) if department.name == contact.department => {
                department.contacts.push(view);
            }
            _ => departments.push(Department {
                id: format!("department-{}", slugify(&contact.department)),
                name: contact.department.clone(),
                contacts: vec![view],
            }),
        }
    }
    let breadcrumbs = vec![
        Crumb::new("/", "Home"),
        Crumb::new("/contact", "Phone numbers"),
    ];
    let mut layout = Layout::new(
        site,
        "American Express phone numbers and addresses",
        "Every American Express phone number, address and web page from the two source guides, by purpose, with toll-free or collect, hours, and which guide gives each.",
        "/contact",
    );
    layout.current_nav = "contact";
    layout.structured_data_html = vec![
        seo::organization_json(site),
        seo::breadcrumb_json(site, &breadcrumbs),
    ];
    ContactPage {
        layout,
        breadcrumbs,
        departments,
        checker_url: site.intents.checker.page.clone(),
    }
    .render()
}
