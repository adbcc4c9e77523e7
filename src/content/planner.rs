//! The call planner's data (`planner.toml`): the three questions' answers, which directory entries
//! answer each combination, and what to prepare; and the plan for one combination. Field docs
//! here are the authors' reference (see `content/README.md`).

use serde::{Deserialize, Serialize};

/// The query parameters of a plan's address, in their canonical order.
pub const PLAN_PARAMETERS: [&str; 3] = ["need", "card", "where"];

/// `planner.toml`, validated.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Planner {
    /// The texts every plan shares (`[planner]`).
    #[serde(rename = "planner")]
    pub text: PlannerText,
    /// Question 1: what the caller needs (`[[need]]`), in the order shown.
    #[serde(rename = "need", default)]
    pub needs: Vec<Need>,
    /// Question 2: which card or product (`[[card]]`), in the order shown.
    #[serde(rename = "card", default)]
    pub cards: Vec<Choice>,
    /// Question 3: where the caller is (`[[place]]`), in the order shown.
    #[serde(rename = "place", default)]
    pub places: Vec<Choice>,
    /// Which directory entries answer which combinations (`[[route]]`), in order.
    #[serde(rename = "route", default)]
    pub routes: Vec<Route>,
}

/// The texts every plan shares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlannerText {
    /// The lede of `/plan`.
    pub intro: String,
    /// The advice to call the number on the back of the card.
    pub card_back: String,
    /// What a combination no route answers says (besides `card_back`).
    pub general: String,
    /// One line explaining a collect call, shown beside collect lines.
    pub collect_call: String,
    /// What every caller should have ready.
    pub have_ready: Vec<String>,
    /// Getting through the phone menu.
    pub menu: Vec<String>,
    /// Once a person answers.
    pub on_the_line: Vec<String>,
    /// The advice above the notes panel.
    pub notes_advice: String,
    /// Follow-up and escalation steps for every need, after the need's own.
    #[serde(default)]
    pub follow_up: Vec<Step>,
    /// Guides the shared texts draw on.
    pub sources: Vec<String>,
}

/// Where the back-of-card advice goes in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CardBack {
    /// Before the numbers: the guides start with the card's own number.
    First,
    /// After the numbers: the guides give a dedicated line first.
    After,
}

/// One answer to "what do you need?".
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// Stable id, the `need` parameter of the plan's address. Permanent.
    pub id: String,
    /// The answer as shown on the form.
    pub label: String,
    /// Whether the guides put the back-of-card number before or after the dedicated lines.
    pub card_back: CardBack,
    /// A line shown above the numbers.
    #[serde(default)]
    pub note: Option<String>,
    /// What to have ready for this need, after the common list.
    #[serde(default)]
    pub have_ready: Vec<String>,
    /// Words to listen for in the phone menu.
    #[serde(default)]
    pub listen_for: Vec<String>,
    /// What to say to a person to be helped faster.
    #[serde(default)]
    pub say: Option<String>,
    /// Follow-up steps for this need, before the common ones.
    #[serde(default)]
    pub follow_up: Vec<Step>,
    /// Slugs of the articles about this need (linked from the plan, and linking to it).
    #[serde(default)]
    pub articles: Vec<String>,
    /// Guides this need's texts draw on.
    pub sources: Vec<String>,
}

/// One answer to "which card or product?" or "where are you calling from?".
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable id, the `card` or `where` parameter of the plan's address. Permanent.
    pub id: String,
    /// The answer as shown on the form.
    pub label: String,
    /// A line shown in every plan with this answer.
    #[serde(default)]
    pub note: Option<String>,
}

/// A follow-up step, linked to the article section that explains it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The step, in a sentence or two.
    pub text: String,
    /// A site path (`/articles/slug#heading`), checked like links in articles.
    #[serde(default)]
    pub link: Option<String>,
    /// Place ids the step applies to; empty means every place.
    #[serde(default)]
    pub places: Vec<String>,
}

/// Directory entries that answer the combinations it matches.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Need ids matched; empty means every need.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Card ids matched; empty means every card.
    #[serde(default)]
    pub cards: Vec<String>,
    /// Place ids matched; empty means every place.
    #[serde(default)]
    pub places: Vec<String>,
    /// Phone entries of `contacts.toml`, in the order to call them.
    pub contacts: Vec<String>,
    /// A line shown with these entries.
    #[serde(default)]
    pub note: Option<String>,
}

impl Route {
    /// Whether the route answers this combination.
    pub fn matches(&self, need: &str, card: &str, place: &str) -> bool {
        let accepts = |ids: &[String], id: &str| ids.is_empty() || ids.iter().any(|i| i == id);
        accepts(&self.needs, need) && accepts(&self.cards, card) && accepts(&self.places, place)
    }
}

/// What the data says for one combination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// Contact ids to call, in order, each once.
    pub contacts: Vec<&'a str>,
    /// The matching routes' notes, in order.
    pub notes: Vec<&'a str>,
}

impl Plan<'_> {
    /// Whether any route answers the combination (otherwise: the general route).
    pub fn is_covered(&self) -> bool {
        !self.contacts.is_empty()
    }
}

impl Planner {
    /// The need with this id.
    pub fn need(&self, id: &str) -> Option<&Need> {
        self.needs.iter().find(|need| need.id == id)
    }

    /// The card or product with this id.
    pub fn card(&self, id: &str) -> Option<&Choice> {
        self.cards.iter().find(|card| card.id == id)
    }

    /// The place with this id.
    pub fn place(&self, id: &str) -> Option<&Choice> {
        self.places.iter().find(|place| place.id == id)
    }

    /// The entries and notes of every route matching the combination, in file order.
    pub fn plan(&self, need: &str, card: &str, place: &str) -> Plan<'_> {
        let mut plan = Plan {
            contacts: Vec::new(),
            notes: Vec::new(),
        };
        for route in self.routes.iter().filter(|r| r.matches(need, card, place)) {
            for id in &route.contacts {
                if !plan.contacts.contains(&id.as_str()) {
                    plan.contacts.push(id);
                }
            }
            if let Some(note) = &route.note {
                plan.notes.push(note);
            }
        }
        plan
    }

    /// Every full combination (need, card, place), in form order.
    pub fn combinations(&self) -> impl Iterator<Item = [&str; 3]> + '_ {
        self.needs.iter().flat_map(move |need| {
            self.cards.iter().flat_map(move |card| {
                self.places
                    .iter()
                    .map(move |place| [need.id.as_str(), card.id.as_str(), place.id.as_str()])
            })
        })
    }

    /// The first route that lists `contact`, as the answers it pins down (a question whose route
    /// lists exactly one answer): what a contact card's "plan this call" link preselects.
    pub fn answers_for_contact(&self, contact: &str) -> [Option<&str>; 3] {
        self.routes
            .iter()
            .find(|route| route.contacts.iter().any(|id| id == contact))
            .map_or([None; 3], |route| {
                [
                    single(&route.needs),
                    single(&route.cards),
                    single(&route.places),
                ]
            })
    }
}

/// The one id in `ids`, if it holds exactly one.
fn single(ids: &[String]) -> Option<&str> {
    match ids {
        [one] => Some(one.as_str()),
        _ => None,
    }
}

/// The address of the planner with these answers given (`/plan`, `/plan?need=lost-stolen`, …):
/// parameters in the canonical order, unanswered ones left out. Ids are slug-shaped (checked), so
/// nothing needs escaping.
pub fn plan_url(answers: [Option<&str>; 3]) -> String {
    let mut url = String::from("/plan");
    for (name, value) in PLAN_PARAMETERS.iter().zip(answers) {
        if let Some(value) = value {
            url.push(if url.len() == "/plan".len() { '?' } else { '&' });
            url.push_str(name);
            url.push('=');
            url.push_str(value);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planner() -> Planner {
        toml::from_str(
            r#"
            [planner]
            intro = "i"
            card_back = "b"
            general = "g"
            collect_call = "c"
            have_ready = []
            menu = []
            on_the_line = []
            notes_advice = "n"
            sources = ["a"]
            [[need]]
            id = "lost"
            label = "Lost"
            card_back = "after"
            sources = ["a"]
            [[need]]
            id = "fee"
            label = "Fee"
            card_back = "first"
            sources = ["a"]
            [[card]]
            id = "personal"
            label = "Personal"
            [[card]]
            id = "gift"
            label = "Gift"
            [[place]]
            id = "us"
            label = "US"
            [[place]]
            id = "abroad"
            label = "Abroad"
            [[route]]
            cards = ["personal"]
            places = ["abroad"]
            contacts = ["collect"]
            [[route]]
            needs = ["lost"]
            cards = ["personal"]
            contacts = ["lost-line", "collect"]
            note = "n1"
            [[route]]
            needs = ["lost", "fee"]
            cards = ["personal"]
            contacts = ["home"]
            "#,
        )
        .expect("parses")
    }

    #[test]
    fn every_matching_route_adds_its_entries_once_in_file_order() {
        let planner = planner();
        let abroad = planner.plan("lost", "personal", "abroad");
        assert_eq!(abroad.contacts, ["collect", "lost-line", "home"]);
        assert_eq!(abroad.notes, ["n1"]);
        assert_eq!(
            planner.plan("lost", "personal", "us").contacts,
            ["lost-line", "collect", "home"]
        );
        assert_eq!(planner.plan("fee", "personal", "us").contacts, ["home"]);
        let uncovered = planner.plan("fee", "gift", "abroad");
        assert!(!uncovered.is_covered());
        assert_eq!(planner.combinations().count(), 8);
    }

    #[test]
    fn a_contact_card_preselects_only_the_answers_its_first_route_pins_down() {
        let planner = planner();
        assert_eq!(
            planner.answers_for_contact("collect"),
            [None, Some("personal"), Some("abroad")]
        );
        assert_eq!(
            planner.answers_for_contact("lost-line"),
            [Some("lost"), Some("personal"), None]
        );
        assert_eq!(
            planner.answers_for_contact("home"),
            [None, Some("personal"), None]
        );
        assert_eq!(planner.answers_for_contact("unknown"), [None; 3]);
    }

    #[test]
    fn plan_urls_put_parameters_in_the_canonical_order() {
        assert_eq!(plan_url([None; 3]), "/plan");
        assert_eq!(plan_url([None, None, Some("us")]), "/plan?where=us");
        assert_eq!(
            plan_url([Some("lost"), Some("gift"), Some("us")]),
            "/plan?need=lost&card=gift&where=us"
        );
        assert_eq!(
            plan_url([None, Some("gift"), Some("us")]),
            "/plan?card=gift&where=us"
        );
    }
}
