//! The number checker: which directory entries list a phone number found in a query (found by
//! [`crate::phone`], in any written form, anywhere in a sentence), as a verdict.

use std::collections::HashMap;

use super::types::NumberCheck;
use crate::content::Site;
use crate::phone::{TypedNumber, find_typed_phones};

/// Every directory number, by its ten national digits, with the ids of the entries listing it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directory {
    entries: HashMap<String, Vec<String>>,
}

impl Directory {
    /// The numbers of every entry of `site`, entries in directory order.
    pub(crate) fn new(site: &Site) -> Directory {
        let mut entries: HashMap<String, Vec<String>> = HashMap::new();
        for contact in &site.contacts {
            for number in &contact.numbers {
                let ids = entries
                    .entry(number.phone.national_digits().to_string())
                    .or_default();
                if !ids.contains(&contact.id) {
                    ids.push(contact.id.clone());
                }
            }
        }
        Directory { entries }
    }

    /// The verdict on the first complete number in `query`; `None` when it holds none (seven
    /// digits alone are searched, not judged: too short to say whose they are).
    pub(crate) fn check(&self, query: &str) -> Option<NumberCheck> {
        let (found, _) = find_typed_phones(query);
        found.into_iter().find_map(|(_, number)| match number {
            TypedNumber::Full(phone) => Some(NumberCheck {
                number: phone.e164(),
                display: phone.display(),
                contacts: self
                    .entries
                    .get(phone.national_digits())
                    .cloned()
                    .unwrap_or_default(),
            }),
            TypedNumber::Local(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_on_the_real_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let site = Site::load(&dir).expect("content loads");
        let directory = Directory::new(&site);
        let check = |query: &str| directory.check(query);
        let known = check("is 1-855-693-2213 really amex").expect("a number");
        assert_eq!(known.number, "+18556932213");
        assert_eq!(known.contacts, ["fraud"]);
        let shared = check("(800) 528-4800").expect("a number");
        assert_eq!(shared.contacts, ["lost-stolen", "fraud", "card-services"]);
        assert_eq!(
            check("1-800-AXP-EARN").map(|c| c.contacts),
            Some(vec!["membership-rewards".to_string()])
        );
        let unknown = check("is 1-800-123-4567 amex").expect("a number");
        assert_eq!(
            (unknown.number.as_str(), unknown.display.as_str()),
            ("+18001234567", "1-800-123-4567")
        );
        assert!(!unknown.is_known());
        assert_eq!(check("528-4800"), None);
        assert_eq!(check("lost card"), None);
        assert_eq!(check(""), None);
    }
}
