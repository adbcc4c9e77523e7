//! One module per page: its askama template struct and the function that fills it from the `Site`.

pub(crate) mod article;
pub(crate) mod category;
pub(crate) mod contact;
pub(crate) mod error;
pub(crate) mod faq;
pub(crate) mod feedback;
pub(crate) mod home;
pub(crate) mod plan;
pub(crate) mod search;
pub(crate) mod search_answer;

/// A plain link with a title (FAQ lists).
pub(crate) struct LinkItem {
    /// Site path.
    pub url: String,
    /// Label.
    pub title: String,
}
