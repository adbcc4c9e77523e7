//! `/contacts.json`: the directory as versioned JSON, the same data the contact cards show (every
//! number with its guides, notes and disagreements). The format is documented in the README
//! ("The directory as JSON"); a change that is not an addition bumps [`FORMAT_VERSION`].

use serde::Serialize;

use super::json;
use crate::content::{Contact, Region, Site, Toll};

/// The version of this format.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The whole file.
#[derive(Serialize)]
struct Directory<'a> {
    format: &'static str,
    format_version: u32,
    /// Changes whenever any content file changes.
    content_digest: String,
    site: &'a str,
    guides: Vec<GuideJson<'a>>,
    contacts: Vec<ContactJson<'a>>,
}

#[derive(Serialize)]
struct GuideJson<'a> {
    id: &'a str,
    title: &'a str,
    short: &'a str,
}

#[derive(Serialize)]
struct ContactJson<'a> {
    id: &'a str,
    url: String,
    department: &'a str,
    purpose: &'a str,
    kind: &'static str,
    numbers: Vec<NumberJson<'a>>,
    vanity: Option<&'a str>,
    toll: Option<&'static str>,
    region: &'static str,
    hours: Option<&'a str>,
    address: &'a [String],
    email: Option<&'a str>,
    web: Option<&'a str>,
    notes: Option<&'a str>,
    conflict: Option<&'a str>,
    /// Whether the guides flag the entry as unofficial.
    unofficial: bool,
    sources: &'a [String],
    /// The parts of the guides the entry draws on (`guide#part`).
    cites: Vec<String>,
}

#[derive(Serialize)]
struct NumberJson<'a> {
    display: &'a str,
    e164: String,
    tel: String,
    sources: &'a [String],
    note: Option<&'a str>,
    /// The parts of the guides that give this number (`guide#part`).
    cites: Vec<String>,
    /// Hours, only where a guide states them for this number.
    hours: Option<&'a str>,
    /// The part of the guide that states `hours`.
    hours_cite: Option<String>,
}

/// The directory as JSON text (HTML-safe, as every JSON this site writes).
pub(crate) fn render(site: &Site) -> serde_json::Result<String> {
    json::to_html_safe_string(&Directory {
        format: "helpcenter-directory",
        format_version: FORMAT_VERSION,
        content_digest: crate::digest::hex(&site.source_digest),
        site: &site.settings.base_url,
        guides: site
            .guides
            .iter()
            .map(|guide| GuideJson {
                id: &guide.id,
                title: &guide.title,
                short: &guide.short,
            })
            .collect(),
        contacts: site
            .contacts
            .iter()
            .map(|contact| contact_json(site, contact))
            .collect(),
    })
}

fn contact_json<'a>(site: &Site, contact: &'a Contact) -> ContactJson<'a> {
    ContactJson {
        id: &contact.id,
        url: format!("{}{}", site.settings.base_url, contact.url_path()),
        department: &contact.department,
        purpose: &contact.purpose,
        kind: contact.kind.as_str(),
        numbers: contact
            .numbers
            .iter()
            .map(|number| NumberJson {
                display: &number.display,
                e164: number.phone.e164(),
                tel: number.tel_url(),
                sources: &number.sources,
                note: number.note.as_deref(),
                cites: number.cites.iter().map(ToString::to_string).collect(),
                hours: number.hours.as_deref(),
                hours_cite: number.hours_cite.as_ref().map(ToString::to_string),
            })
            .collect(),
        vanity: contact.vanity.as_deref(),
        toll: contact.toll.map(|toll| match toll {
            Toll::TollFree => "toll-free",
            Toll::Collect => "collect",
        }),
        region: match contact.region {
            Region::Us => "us",
            Region::Abroad => "abroad",
            Region::Unstated => "unstated",
        },
        hours: contact.hours.as_deref(),
        address: &contact.address,
        email: contact.email.as_deref(),
        web: contact.url.as_deref(),
        notes: contact.notes.as_deref(),
        conflict: contact.conflict.as_deref(),
        unofficial: contact.unofficial,
        sources: &contact.sources,
        cites: contact.cites.iter().map(ToString::to_string).collect(),
    }
}
