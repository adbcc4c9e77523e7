//! The immutable in-memory `Site`: loads every file under `content/`, renders the Markdown, and
//! validates the whole model (references, links, anchors, phone numbers) before anything is served.
//!
//! Data flows one way through the files of this module: [`sources`](Sources) reads the disk,
//! `article` and `toml_file` parse, `validate` (with `checker` and `contacts`) checks the whole,
//! `site` builds the [`Site`]; `load` strings these together and `store` keeps a loaded `Site` on
//! disk for `--index-dir` (its articles in blocks, `article_chunks`, decoded on every core).
//! `planner_check` checks the call planner's data. `locator` names the
//! parts of the guides that facts are cited from (`cites` checks them); `grounding` (with
//! `guide_text` and `claims`) checks the content against the guides' own text for
//! `helpcenter check --guides`.

mod article;
mod article_chunks;
mod checker;
mod cites;
mod claims;
mod contacts;
mod error;
mod grounding;
mod guide_text;
mod intents;
mod load;
mod locator;
mod model;
mod planner;
mod planner_check;
mod site;
mod sources;
mod store;
mod toml_file;
mod validate;

pub use error::{ContentError, Problem};
pub use intents::{
    AnswerContact, Combination, GeneralRoute, Intent, IntentKind, Intents, MAX_PATTERN_WORDS,
    NumberChecker, PlanAnswers, pattern_slots,
};
pub use locator::{GuidePart, Locator};
pub use model::{
    Article, ArticleBody, Category, Contact, ContactKind, Faq, FrontMatter, Guide, PhoneNumber,
    Region, Settings, SynonymGroup, Toll,
};
pub use planner::{
    CardBack, Choice, Need, PLAN_PARAMETERS, Plan, Planner, PlannerText, Route, Step, plan_url,
};
pub use site::Site;
pub use sources::{SourceFile, Sources};
pub use store::CacheUse;
