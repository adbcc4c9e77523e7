//! The immutable in-memory `Site`: loads every file under `content/`, renders the Markdown, and
//! validates the whole model (references, links, anchors, phone numbers) before anything is served.
//!
//! Data flows one way through the files of this module: [`sources`](Sources) reads the disk,
//! `article` and `toml_file` parse, `validate` (with `checker` and `contacts`) checks the whole,
//! `planner_check` checks the call planner's data, `site` builds the [`Site`]; `load` strings these together and `store` keeps a loaded `Site` on
//! disk for `--index-dir`.

mod article;
mod checker;
mod contacts;
mod error;
mod load;
mod model;
mod planner;
mod planner_check;
mod site;
mod sources;
mod store;
mod toml_file;
mod validate;

pub use error::{ContentError, Problem};
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
