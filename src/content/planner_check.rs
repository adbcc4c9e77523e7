//! `planner.toml` validated against the rest of the content: ids unique and slug-shaped, every
//! reference known (needs, cards, places, guides, articles, phone entries of the directory), every
//! link target present, and no phone number written in its texts (numbers come from the directory).

use std::collections::HashSet;

use super::checker::{Checker, LinkTargets};
use super::model::{Contact, ContactKind};
use super::planner::{Planner, Step};
use super::sources::SourceFile;
use super::toml_file::{find_line, find_nth_line, parse_toml};
use crate::markdown::LinkRef;
use crate::phone::find_phones;

/// What planner entries may refer to.
pub(super) struct PlannerRefs<'a> {
    /// Guide ids.
    pub(super) guides: &'a HashSet<&'a str>,
    /// Article slugs.
    pub(super) articles: &'a HashSet<&'a str>,
    /// The directory.
    pub(super) contacts: &'a [Contact],
    /// Link targets for follow-up steps.
    pub(super) targets: &'a LinkTargets,
}

/// Parses and checks `planner.toml` (`file`); `None` when it does not parse (reported) or breaks a
/// rule (reported).
pub(super) fn check_planner(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    refs: &PlannerRefs<'_>,
) -> Option<Planner> {
    let planner: Planner = parse_toml(file, checker.problems)?;
    let before = checker.problems.len();
    let at = |needle: &str| find_line(&file.text, &format!("\"{needle}\""));
    for (what, ids) in [
        (
            "need",
            planner.needs.iter().map(|n| &n.id).collect::<Vec<_>>(),
        ),
        ("card", planner.cards.iter().map(|c| &c.id).collect()),
        ("place", planner.places.iter().map(|p| &p.id).collect()),
    ] {
        if ids.is_empty() {
            checker.report(
                file,
                None,
                format!("the planner needs at least one `[[{what}]]`"),
            );
        }
        let mut seen = HashSet::new();
        for id in ids {
            checker.slug_shape(file, id, &format!("{what} id"));
            if !seen.insert(id) {
                let line = find_nth_line(&file.text, &format!("id = \"{id}\""), 2);
                checker.report(file, line, format!("duplicate {what} id `{id}`"));
            }
        }
    }
    let needs: HashSet<&str> = planner.needs.iter().map(|n| n.id.as_str()).collect();
    let cards: HashSet<&str> = planner.cards.iter().map(|c| c.id.as_str()).collect();
    let places: HashSet<&str> = planner.places.iter().map(|p| p.id.as_str()).collect();

    let guide_lists = std::iter::once(&planner.text.sources)
        .chain(planner.needs.iter().map(|need| &need.sources));
    for list in guide_lists {
        if list.is_empty() {
            checker.report(file, None, "`sources` must name at least one guide".into());
        }
        for id in list {
            checker.reference(file, "guide", id, refs.guides);
        }
    }
    let steps = planner
        .text
        .follow_up
        .iter()
        .chain(planner.needs.iter().flat_map(|need| &need.follow_up));
    for step in steps {
        check_step(checker, file, step, &places, refs.targets);
    }
    for need in &planner.needs {
        for slug in &need.articles {
            checker.reference(file, "article", slug, refs.articles);
        }
    }
    for route in &planner.routes {
        for (what, ids, known) in [
            ("need", &route.needs, &needs),
            ("card", &route.cards, &cards),
            ("place", &route.places, &places),
        ] {
            for id in ids {
                checker.reference(file, what, id, known);
            }
        }
        if route.contacts.is_empty() {
            checker.report(
                file,
                route.needs.first().and_then(|id| at(id)),
                "a route needs at least one of `contacts`".into(),
            );
        }
        for id in &route.contacts {
            match refs.contacts.iter().find(|contact| &contact.id == id) {
                None => checker.report(file, at(id), format!("unknown contact `{id}`")),
                Some(contact) if contact.kind != ContactKind::Phone => checker.report(
                    file,
                    at(id),
                    format!("contact `{id}` is not a phone entry; routes list numbers to call"),
                ),
                Some(_) => {}
            }
        }
    }
    check_no_numbers(checker, file, &planner);
    (checker.problems.len() == before).then_some(planner)
}

/// A step's link points to a page that exists, and its places are known.
fn check_step(
    checker: &mut Checker<'_>,
    file: &SourceFile,
    step: &Step,
    places: &HashSet<&str>,
    targets: &LinkTargets,
) {
    if let Some(link) = &step.link {
        let line = find_line(&file.text, link).unwrap_or(1);
        let link = LinkRef {
            url: link.clone(),
            line,
        };
        checker.link(&file.path, &link, 0, targets);
    }
    for id in &step.places {
        checker.reference(file, "place", id, places);
    }
}

/// No phone number is written in the planner's texts: numbers are shown from the directory only.
fn check_no_numbers(checker: &mut Checker<'_>, file: &SourceFile, planner: &Planner) {
    let text = &planner.text;
    let mut texts: Vec<&str> = vec![
        &text.intro,
        &text.card_back,
        &text.general,
        &text.collect_call,
        &text.notes_advice,
    ];
    texts.extend(
        [&text.have_ready, &text.menu, &text.on_the_line]
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    let steps = text
        .follow_up
        .iter()
        .chain(planner.needs.iter().flat_map(|need| &need.follow_up));
    texts.extend(steps.map(|step| step.text.as_str()));
    for need in &planner.needs {
        texts.push(&need.label);
        texts.extend(need.note.as_deref());
        texts.extend(need.say.as_deref());
        texts.extend(
            need.have_ready
                .iter()
                .chain(&need.listen_for)
                .map(String::as_str),
        );
    }
    for choice in planner.cards.iter().chain(&planner.places) {
        texts.push(&choice.label);
        texts.extend(choice.note.as_deref());
    }
    texts.extend(
        planner
            .routes
            .iter()
            .filter_map(|route| route.note.as_deref()),
    );
    for found in texts.into_iter().flat_map(find_phones) {
        checker.report(
            file,
            find_line(&file.text, &found.written),
            format!(
                "phone number `{}` written in planner.toml; name the directory entry in a route's `contacts` instead",
                found.written
            ),
        );
    }
}
