//! The immutable in-memory `Site`: loads every file under `content/`, renders the Markdown, and
//! validates the whole model (references, links, anchors, phone numbers) before anything is served.
//!
//! Data flows one way through the files of this module: [`sources`](Sources) reads the disk,
//! `article` and `toml_file` parse, `validate` (with `checker` and `contacts`) checks the whole,
//! `site` builds the [`Site`]; `load` strings these together and `store` keeps a loaded `Site` on
//! disk for `--index-dir`.

mod article;
mod checker;
mod contacts;
mod error;
mod intents;
mod load;
mod model;
mod site;
mod sources;
mod store;
mod toml_file;
mod validate;

pub use error::{ContentError, Problem};
pub use intents::{
    AnswerContact, Combination, GeneralRoute, Intent, IntentKind, Intents, MAX_PATTERN_WORDS,
    NumberChecker, pattern_slots,
};
pub use model::{
    Article, ArticleBody, Category, Contact, ContactKind, Faq, FrontMatter, Guide, PhoneNumber,
    Region, Settings, SynonymGroup, Toll,
};
pub use site::Site;
pub use sources::{SourceFile, Sources};
pub use store::CacheUse;
