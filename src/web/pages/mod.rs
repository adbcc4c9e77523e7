//! One module per page: its askama template struct and the function that fills it from the `Site`.

pub(crate) mod article;
pub(crate) mod category;
pub(crate) mod contact;
pub(crate) mod error;
pub(crate) mod faq;
pub(crate) mod home;
pub(crate) mod search;

/// One breadcrumb link.
pub(crate) struct Crumb {
    /// Site path.
    pub url: String,
    /// Label.
    pub title: String,
}

impl Crumb {
    pub(crate) fn new(url: impl Into<String>, title: impl Into<String>) -> Crumb {
        Crumb {
            url: url.into(),
            title: title.into(),
        }
    }
}

/// A plain link with a title (FAQ lists).
pub(crate) struct LinkItem {
    /// Site path.
    pub url: String,
    /// Label.
    pub title: String,
}
