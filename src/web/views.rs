//! View models shared by several pages: the base layout and contact cards, built from the `Site` so
//! templates only print prepared values.

use crate::content::{Contact, ContactKind, Locator, Site, plan_url};

use super::assets::ASSETS;

/// What every page's base layout needs.
pub(crate) struct Layout {
    /// Site name.
    pub site_title: String,
    /// Full `<title>`.
    pub page_title: String,
    /// Meta description and OpenGraph description.
    pub description: String,
    /// Absolute canonical URL; `None` for pages that are not a place of their own (error pages).
    pub canonical_url: Option<String>,
    /// `<html lang>`.
    pub language: String,
    /// OpenGraph locale (`en_US`).
    pub og_locale: String,
    /// Fingerprinted stylesheet URL.
    pub css_url: String,
    /// Fingerprinted script URL.
    pub js_url: String,
    /// The fingerprinted feedback and analytics script.
    pub feedback_js_url: String,
    /// Fingerprinted icon URL.
    pub icon_url: String,
    /// Footer notice.
    pub notice: String,
    /// Value of the search box.
    pub query: String,
    /// OpenGraph type (`website` or `article`).
    pub og_type: &'static str,
    /// JSON-LD documents, already serialised and made safe for a `<script>` element.
    pub structured_data_html: Vec<String>,
    /// Ask crawlers not to index (search results, errors).
    pub noindex: bool,
    /// Which main navigation entry is current (`contact`, `faq`, `plan` or empty).
    pub current_nav: &'static str,
    /// Whether the site has a call planner (`/plan` is linked from the navigation).
    pub has_planner: bool,
}

impl Layout {
    /// A layout for the page at `path` (site-relative, used for the canonical URL).
    pub(crate) fn new(site: &Site, title: &str, description: &str, path: &str) -> Layout {
        let page_title = if title.is_empty() || title == site.settings.title {
            site.settings.title.clone()
        } else {
            format!("{title} | {}", site.settings.title)
        };
        Layout {
            site_title: site.settings.title.clone(),
            page_title,
            description: description.to_string(),
            canonical_url: Some(format!("{}{path}", site.settings.base_url)),
            language: site.settings.language.clone(),
            og_locale: site.settings.language.replace('-', "_"),
            css_url: ASSETS.url("app.css").to_string(),
            js_url: ASSETS.url("app.js").to_string(),
            feedback_js_url: ASSETS.url("feedback.js").to_string(),
            icon_url: ASSETS.url("icon.svg").to_string(),
            notice: site.settings.notice.clone(),
            query: String::new(),
            og_type: "website",
            structured_data_html: Vec::new(),
            noindex: false,
            current_nav: "",
            has_planner: site.planner.is_some(),
        }
    }
}

/// One phone number on a contact card.
pub(crate) struct NumberView {
    /// As the guide writes it.
    pub display: String,
    /// `tel:+1…`.
    pub tel_url: String,
    /// Which guide(s) and which part(s) of them give it: "The call guide (step 3 A, the U.S. numbers)".
    pub source_label: String,
    /// What the guide says about it.
    pub note: Option<String>,
    /// Opening hours, where a guide states them for this number.
    pub hours: Option<String>,
    /// The guide and part that state `hours`.
    pub hours_source: Option<String>,
}

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

/// A contact entry ready to print.
pub(crate) struct ContactView {
    /// Entry id.
    pub id: String,
    /// `id` attribute for the card; only the directory page sets it, so anchors stay unique.
    pub anchor: Option<String>,
    /// What it is for.
    pub purpose: String,
    /// `phone`, `address`, `email` or `web`.
    pub kind: &'static str,
    /// Phone numbers.
    pub numbers: Vec<NumberView>,
    /// Vanity form.
    pub vanity: Option<String>,
    /// "Toll-free" / "Call collect".
    pub toll_label: Option<&'static str>,
    /// "From the US" / "From outside the US".
    pub region_label: &'static str,
    /// Address lines.
    pub address: Vec<String>,
    /// Email.
    pub email: Option<String>,
    /// Web address.
    pub url: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Disagreement between the guides.
    pub conflict: Option<String>,
    /// Which guide(s) state the entry ("The call guide and the 2026 support guide").
    pub source_label: String,
    /// The same with the parts of the guides the entry draws on.
    pub source_detail: String,
    /// Link to the entry in the directory.
    pub directory_url: String,
    /// Short form (home page, search answer): numbers, facts and disagreements, without notes.
    pub compact: bool,
    /// "Plan this call": the planner with the answers this entry pins down (phone entries of a
    /// site with a planner; not on the plan itself).
    pub plan_url: Option<String>,
    /// This entry alone as a vCard (phone entries).
    pub vcard_url: Option<String>,
}

impl ContactView {
    /// Builds the view of `contact`; `anchored` gives the card its permanent `id`.
    pub(crate) fn new(site: &Site, contact: &Contact, anchored: bool) -> ContactView {
        ContactView {
            id: contact.id.clone(),
            anchor: anchored.then(|| contact.id.clone()),
            purpose: contact.purpose.clone(),
            kind: contact.kind.as_str(),
            numbers: contact
                .numbers
                .iter()
                .map(|number| NumberView {
                    display: number.display.clone(),
                    tel_url: number.tel_url(),
                    source_label: if number.cites.is_empty() {
                        sources_label(site, &number.sources)
                    } else {
                        cites_label(site, &number.cites)
                    },
                    note: number.note.clone(),
                    hours: number.hours.clone(),
                    hours_source: number
                        .hours_cite
                        .as_ref()
                        .map(|cite| cites_label(site, std::slice::from_ref(cite))),
                })
                .collect(),
            vanity: contact.vanity.clone(),
            toll_label: contact.toll.map(|toll| toll.label()),
            region_label: contact.region.label(),
            address: contact.address.clone(),
            email: contact.email.clone(),
            url: contact.url.clone(),
            notes: contact.notes.clone(),
            conflict: contact.conflict.clone(),
            source_label: sources_label(site, &contact.sources),
            source_detail: entry_sources(site, contact),
            directory_url: contact.url_path(),
            compact: false,
            plan_url: site
                .planner
                .as_ref()
                .filter(|_| contact.kind == ContactKind::Phone)
                .map(|planner| plan_url(planner.answers_for_contact(&contact.id))),
            vcard_url: (contact.kind == ContactKind::Phone).then(|| vcard_path(contact)),
        }
    }

    /// The card without its "plan this call" link (on the plan itself).
    pub(crate) fn without_plan_link(mut self) -> ContactView {
        self.plan_url = None;
        self
    }

    /// The short form of the card.
    pub(crate) fn compact(mut self) -> ContactView {
        self.compact = true;
        self
    }

    /// Views of the contacts with these ids, in order, skipping unknown ids (validation rejects them).
    pub(crate) fn list(site: &Site, ids: &[String]) -> Vec<ContactView> {
        ids.iter()
            .filter_map(|id| site.contact(id))
            .map(|contact| ContactView::new(site, contact, false))
            .collect()
    }
}

/// The address of one phone entry as a vCard (`/contacts/lost-stolen.vcf`).
pub(crate) fn vcard_path(contact: &Contact) -> String {
    format!("/contacts/{}.vcf", contact.id)
}

/// "The call guide", "The call guide and the 2026 support guide".
pub(crate) fn sources_label(site: &Site, ids: &[String]) -> String {
    let names: Vec<&str> = ids
        .iter()
        .filter_map(|id| site.guide(id))
        .map(|guide| guide.short.as_str())
        .collect();
    capitalise(&join_and(&names))
}

/// The guides and parts a whole entry draws on (its own `cites` and its numbers'), or its guides
/// alone when it cites no parts.
fn entry_sources(site: &Site, contact: &Contact) -> String {
    let cites: Vec<Locator> = contact
        .cites
        .iter()
        .chain(contact.numbers.iter().flat_map(|n| &n.cites))
        .cloned()
        .collect();
    if cites.is_empty() {
        sources_label(site, &contact.sources)
    } else {
        cites_label(site, &cites)
    }
}

/// The parts of one guide that `cites` name, in visitor's words, in order and without repeats.
pub(crate) fn part_names<'a>(site: &'a Site, guide_id: &str, cites: &[Locator]) -> Vec<&'a str> {
    let Some(guide) = site.guide(guide_id) else {
        return Vec::new();
    };
    let mut names: Vec<&str> = Vec::new();
    for cite in cites.iter().filter(|cite| cite.guide == guide_id) {
        if let Some(part) = guide.parts.iter().find(|part| part.id == cite.part)
            && !names.contains(&part.name.as_str())
        {
            names.push(&part.name);
        }
    }
    names
}

/// "The call guide (step 3 A, the U.S. numbers) and the 2026 support guide (hotline table,
/// headed 24/7)": each cited guide, in order, with the parts cited.
pub(crate) fn cites_label(site: &Site, cites: &[Locator]) -> String {
    let mut guides: Vec<&str> = Vec::new();
    for cite in cites {
        if !guides.contains(&cite.guide.as_str()) {
            guides.push(&cite.guide);
        }
    }
    let labels: Vec<String> = guides
        .iter()
        .filter_map(|id| {
            let guide = site.guide(id)?;
            let parts = part_names(site, id, cites);
            Some(if parts.is_empty() {
                guide.short.clone()
            } else {
                format!("{} ({})", guide.short, parts.join("; "))
            })
        })
        .collect();
    capitalise(&join_and(&labels))
}

/// "a", "a and b", "a, b and c".
fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// The text with its first letter upper-case.
fn capitalise(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// A link to an article with its summary, for lists.
pub(crate) struct ArticleLink {
    /// Site path.
    pub url: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
}

/// `2026-11-20` → `20 November 2026`; anything unexpected is shown as given.
pub(crate) fn human_date(date: &str) -> String {
    use time::macros::format_description;
    time::Date::parse(date, format_description!("[year]-[month]-[day]"))
        .ok()
        .and_then(|parsed| {
            parsed
                .format(format_description!(
                    "[day padding:none] [month repr:long] [year]"
                ))
                .ok()
        })
        .unwrap_or_else(|| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_date_table() {
        assert_eq!(human_date("2026-11-20"), "20 November 2026");
        assert_eq!(human_date("2026-01-02"), "2 January 2026");
        assert_eq!(human_date("nonsense"), "nonsense");
        assert_eq!(human_date("2026-13-01"), "2026-13-01");
        assert_eq!(human_date("2026-02-30"), "2026-02-30", "no such day");
    }
}
