//! `/plan`: the call planner. Three questions as an ordinary GET form; once all three are
//! answered, the prepared call for that combination, built from `planner.toml` and the directory
//! only: the numbers, what to have ready, getting to a person, a notes panel, what to do if it is
//! not solved, and the safety note.

use askama::Template;

use crate::content::{CardBack, Choice, Planner, Site, Step, Toll, plan_url};
use crate::web::seo;
use crate::web::views::{ArticleLink, ContactView, Crumb, Layout, sources_label};

/// The answers given, as positions in the planner's needs, cards and places.
pub(crate) type Answers = [Option<usize>; 3];

/// One question of the form.
pub(crate) struct Question {
    /// The query parameter (`need`, `card`, `where`).
    pub name: &'static str,
    /// The question.
    pub legend: &'static str,
    /// The possible answers.
    pub options: Vec<AnswerOption>,
}

/// One possible answer, as a radio button.
pub(crate) struct AnswerOption {
    /// The parameter value.
    pub id: String,
    /// The label.
    pub label: String,
    /// Whether it is the answer given.
    pub checked: bool,
}

/// A directory entry to call, with the one-line explanation of a collect call when it is one.
pub(crate) struct CallCard {
    pub contact: ContactView,
    pub collect_call: Option<String>,
}

/// A follow-up step.
pub(crate) struct StepView {
    pub text: String,
    pub link: Option<String>,
}

/// The prepared call for a full combination.
pub(crate) struct Prepared {
    /// "Report a lost or stolen card, a personal card, outside the U.S."
    pub summary: String,
    /// Whether a route answers the combination (otherwise the general route is shown).
    pub covered: bool,
    /// Whether the back-of-card advice comes before the numbers.
    pub card_back_first: bool,
    pub card_back: String,
    pub general: String,
    /// The need's, card's, place's and routes' notes, in that order.
    pub notes: Vec<String>,
    pub calls: Vec<CallCard>,
    pub have_ready: Vec<String>,
    pub listen_for: Vec<String>,
    pub menu: Vec<String>,
    pub say: Option<String>,
    pub on_the_line: Vec<String>,
    pub follow_up: Vec<StepView>,
    pub articles: Vec<ArticleLink>,
    pub sources: String,
}

/// The planner page: the form, and the prepared call when every question is answered.
#[derive(Template)]
#[template(path = "plan.html")]
pub(crate) struct PlanPage {
    pub layout: Layout,
    pub breadcrumbs: Vec<Crumb>,
    pub intro: String,
    pub questions: Vec<Question>,
    pub prepared: Option<Prepared>,
    pub notes_advice: String,
    /// The page's own address: the key its notes are kept under in the browser.
    pub notes_key: String,
}

/// The ids of the answers given.
pub(crate) fn answer_ids(planner: &Planner, answers: Answers) -> [Option<&str>; 3] {
    let [need, card, place] = answers;
    [
        need.and_then(|i| planner.needs.get(i))
            .map(|n| n.id.as_str()),
        card.and_then(|i| planner.cards.get(i))
            .map(|c| c.id.as_str()),
        place
            .and_then(|i| planner.places.get(i))
            .map(|p| p.id.as_str()),
    ]
}

/// Renders the planner with `answers` given (the site has a planner: callers check).
pub(crate) fn render(site: &Site, planner: &Planner, answers: Answers) -> askama::Result<String> {
    let path = plan_url(answer_ids(planner, answers));
    let prepared = match answers {
        [Some(need), Some(card), Some(place)] => Some(prepare(site, planner, need, card, place)),
        _ => None,
    };
    let (title, description) = match &prepared {
        Some(prepared) => (
            format!("Plan your call: {}", prepared.summary),
            format!(
                "The number to call, what to have ready and what to say: {}.",
                prepared.summary
            ),
        ),
        None => ("Plan your call".to_string(), planner.text.intro.clone()),
    };
    let breadcrumbs = vec![
        Crumb::new("/", "Home"),
        Crumb::new(path.clone(), "Plan your call"),
    ];
    let mut layout = Layout::new(site, &title, &description, &path);
    layout.current_nav = "plan";
    layout.structured_data_html = vec![seo::breadcrumb_json(site, &breadcrumbs)];
    PlanPage {
        layout,
        breadcrumbs,
        intro: planner.text.intro.clone(),
        questions: questions(planner, answers),
        prepared,
        notes_advice: planner.text.notes_advice.clone(),
        notes_key: path,
    }
    .render()
}

/// The three questions with the given answers checked.
fn questions(planner: &Planner, answers: Answers) -> Vec<Question> {
    let options = |choices: Vec<(&String, &String)>, given: Option<usize>| {
        choices
            .into_iter()
            .enumerate()
            .map(|(index, (id, label))| AnswerOption {
                id: id.clone(),
                label: label.clone(),
                checked: given == Some(index),
            })
            .collect()
    };
    vec![
        Question {
            name: "need",
            legend: "What do you need?",
            options: options(
                planner.needs.iter().map(|n| (&n.id, &n.label)).collect(),
                answers[0],
            ),
        },
        Question {
            name: "card",
            legend: "Which card or product?",
            options: options(choices(&planner.cards), answers[1]),
        },
        Question {
            name: "where",
            legend: "Where are you calling from?",
            options: options(choices(&planner.places), answers[2]),
        },
    ]
}

/// The id and label of each choice.
fn choices(list: &[Choice]) -> Vec<(&String, &String)> {
    list.iter().map(|c| (&c.id, &c.label)).collect()
}

/// The prepared call for one full combination.
fn prepare(site: &Site, planner: &Planner, need: usize, card: usize, place: usize) -> Prepared {
    let (need, card, place) = (
        &planner.needs[need],
        &planner.cards[card],
        &planner.places[place],
    );
    let plan = planner.plan(&need.id, &card.id, &place.id);
    let calls = plan
        .contacts
        .iter()
        .filter_map(|id| site.contact(id))
        .map(|contact| CallCard {
            collect_call: (contact.toll == Some(Toll::Collect))
                .then(|| planner.text.collect_call.clone()),
            contact: ContactView::new(site, contact, false).without_plan_link(),
        })
        .collect();
    let notes = [&need.note, &card.note, &place.note]
        .into_iter()
        .flatten()
        .cloned()
        .chain(plan.notes.iter().map(|note| note.to_string()))
        .collect();
    let applies = |step: &&Step| step.places.is_empty() || step.places.contains(&place.id);
    let follow_up = need
        .follow_up
        .iter()
        .chain(&planner.text.follow_up)
        .filter(applies)
        .map(|step| StepView {
            text: step.text.clone(),
            link: step.link.clone(),
        })
        .collect();
    let mut guides = planner.text.sources.clone();
    guides.extend(
        need.sources
            .iter()
            .filter(|id| !planner.text.sources.contains(id))
            .cloned(),
    );
    Prepared {
        summary: format!(
            "{}, {}, {}",
            need.label,
            lower_first(&card.label),
            lower_first(&place.label)
        ),
        covered: plan.is_covered(),
        card_back_first: need.card_back == CardBack::First,
        card_back: planner.text.card_back.clone(),
        general: planner.text.general.clone(),
        notes,
        calls,
        have_ready: planner
            .text
            .have_ready
            .iter()
            .chain(&need.have_ready)
            .cloned()
            .collect(),
        listen_for: need.listen_for.clone(),
        menu: planner.text.menu.clone(),
        say: need.say.clone(),
        on_the_line: planner.text.on_the_line.clone(),
        follow_up,
        articles: need
            .articles
            .iter()
            .filter_map(|slug| site.article(slug))
            .map(|article| ArticleLink {
                url: article.url_path(),
                title: article.title.clone(),
                summary: article.summary.clone(),
            })
            .collect(),
        sources: sources_label(site, &guides),
    }
}

/// "A personal card" → "a personal card"; labels starting with a name ("My business…") too, as
/// the summary reads as one sentence; all-capital words (`U.S.`) are left alone.
fn lower_first(label: &str) -> String {
    let first_word = label.split_whitespace().next().unwrap_or("");
    if first_word.chars().filter(|c| c.is_uppercase()).count() > 1 {
        return label.to_string();
    }
    let mut characters = label.chars();
    match characters.next() {
        Some(first) => first.to_lowercase().chain(characters).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_first_table() {
        assert_eq!(lower_first("A personal card"), "a personal card");
        assert_eq!(lower_first("In the U.S."), "in the U.S.");
        assert_eq!(lower_first("U.S. only"), "U.S. only");
        assert_eq!(
            lower_first("My business accepts Amex"),
            "my business accepts Amex"
        );
        assert_eq!(lower_first(""), "");
    }
}
