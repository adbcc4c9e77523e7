//! The integration tests, one crate with a module per area, so the server and the search index are
//! linked once for all of them (see README.md here for what each module covers and how to run one).

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod admin_replicas;
mod answers;
mod card_data;
mod content_cache;
mod content_errors;
mod content_grounding;
mod content_real;
mod feedback;
mod hostile;
mod index_dir;
mod layout;
mod planner;
mod planner_search;
mod report;
mod resilience;
mod search_encoding;
mod search_hostile;
mod search_relevance;
mod seo;
mod site_http;
mod store;
mod store_server;
mod store_storage;
