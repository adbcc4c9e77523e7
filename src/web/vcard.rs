//! The directory as vCard 4.0 (RFC 6350): `/contacts.vcf`, one contact holding every number of the
//! directory, each labelled with what it is for, and `/contacts/{id}.vcf`, one entry alone.
//!
//! Each distinct number is one `TEL` (a number several entries give is labelled with each
//! purpose), grouped with an `X-ABLabel` line, the label address books show beside a number; the
//! `NOTE` says what each number is for and which guide gives it, for address books that drop
//! custom labels. Lines are folded at 75 octets and text is escaped as RFC 6350 requires.

use crate::content::{Contact, ContactKind, Site, Toll};

/// The name the saved contact goes by.
pub(crate) const CONTACT_NAME: &str = "Amex — help guide";

/// Every phone number of the directory as one vCard.
pub(crate) fn directory(site: &Site) -> String {
    let entries: Vec<&Contact> = site
        .contacts
        .iter()
        .filter(|contact| contact.kind == ContactKind::Phone)
        .collect();
    card(
        site,
        CONTACT_NAME,
        &entries,
        &format!("{}/contact", site.settings.base_url),
    )
}

/// One phone entry as a vCard, named "Amex — {purpose}".
pub(crate) fn entry(site: &Site, contact: &Contact) -> String {
    card(
        site,
        &format!("Amex — {}", contact.purpose),
        &[contact],
        &format!("{}{}", site.settings.base_url, contact.url_path()),
    )
}

/// A vCard named `name` with the numbers of `entries`.
fn card(site: &Site, name: &str, entries: &[&Contact], url: &str) -> String {
    // Distinct numbers in directory order, each with the purposes it serves.
    let mut numbers: Vec<(String, Vec<String>)> = Vec::new();
    let mut note = Vec::new();
    for contact in entries {
        let purpose = match contact.toll {
            Some(Toll::Collect) => format!("{} (call collect)", contact.purpose),
            _ => contact.purpose.clone(),
        };
        for number in &contact.numbers {
            let tel = number.tel_url();
            match numbers.iter_mut().find(|(known, _)| *known == tel) {
                Some((_, purposes)) => purposes.push(purpose.clone()),
                None => numbers.push((tel, vec![purpose.clone()])),
            }
            note.push(format!(
                "{}: {} (source: {})",
                number.display,
                purpose,
                super::views::sources_label(site, &number.sources).to_lowercase()
            ));
        }
    }
    note.push("Check the number on the back of your card first: it is the one to trust. Never give your full card number, CVV, PIN or a one-time code to anyone who contacted you first.".into());
    let mut lines = vec![
        "BEGIN:VCARD".to_string(),
        "VERSION:4.0".to_string(),
        format!("FN:{}", escape(name)),
        format!("N:{};;;;", escape(name)),
        "ORG:American Express".to_string(),
    ];
    for (index, (tel, purposes)) in numbers.iter().enumerate() {
        let group = format!("item{}", index + 1);
        lines.push(format!("{group}.TEL;VALUE=uri;TYPE=voice:{tel}"));
        lines.push(format!(
            "{group}.X-ABLabel:{}",
            escape(&purposes.join("; "))
        ));
    }
    lines.push(format!("NOTE:{}", escape(&note.join("\n"))));
    lines.push(format!("URL:{url}"));
    lines.push(format!("SOURCE:{url}"));
    lines.push("END:VCARD".to_string());
    let mut text = String::new();
    for line in lines {
        fold(&line, &mut text);
    }
    text
}

/// RFC 6350 text escaping: backslash, comma, semicolon and newline.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ',' => escaped.push_str("\\,"),
            ';' => escaped.push_str("\\;"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// Appends `line` folded into lines of at most 75 octets (continuations start with a space),
/// never splitting a UTF-8 character, each ended by CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for character in line.chars() {
        let octets = character.len_utf8();
        if width + octets > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(character);
        width += octets;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_fold_follow_rfc_6350() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("NOTE:{}", "é".repeat(60));
        fold(&long, &mut out);
        for line in out.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
