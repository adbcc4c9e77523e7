//! Shared test harness: the content folders, the real app built in-process on one of them, and
//! fetching its pages; `server` runs the real binary and `http` talks to it over a socket.

pub(crate) mod database;
pub(crate) mod http;
pub(crate) mod server;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::{test, web};
use helpcenter::content::Site;
use helpcenter::search::SearchIndex;
use helpcenter::web::AppState;

/// The committed fixture site.
pub(crate) fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site")
}

/// The shipped content.
pub(crate) fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The `shared` folder beside the repository: the two source guides and the shared search queries.
pub(crate) fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The search index of the shipped content, built once for every test that searches it.
pub(crate) static CONTENT_INDEX: LazyLock<SearchIndex> =
    LazyLock::new(|| SearchIndex::build(&CONTENT_SITE).expect("index builds"));

/// The shipped content, loaded once.
pub(crate) static CONTENT_SITE: LazyLock<Site> = LazyLock::new(|| {
    Site::load(&content_dir()).unwrap_or_else(|error| panic!("content loads: {error}"))
});

/// Copies the fixture site into a fresh temporary folder.
pub(crate) fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture_dir(), dir.path());
    dir
}

/// Copies a folder tree.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The entries of folder `dir` that `keep` accepts, sorted (fails when `dir` cannot be read).
pub(crate) fn sorted_entries(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("read {}: {error}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| keep(path))
        .collect();
    paths.sort();
    paths
}

/// Replaces the first `find` in `file` with `replace` (the test fails if `find` is absent).
pub(crate) fn edit(dir: &Path, file: &str, find: &str, replace: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(find), "{file} does not contain {find:?}");
    std::fs::write(&path, text.replacen(find, replace, 1)).expect("write");
}

/// The problem of `error` in the file whose path ends with `file` and whose message contains
/// `says`; the test (`case`) fails, listing every problem, when there is none.
pub(crate) fn problem_in<'a>(
    error: &'a helpcenter::content::ContentError,
    file: &str,
    says: &str,
    case: &str,
) -> &'a helpcenter::content::Problem {
    let helpcenter::content::ContentError::Invalid(problems) = error else {
        panic!("{case}: expected validation problems, got {error}");
    };
    problems
        .iter()
        .find(|p| p.path.ends_with(file) && p.message.contains(says))
        .unwrap_or_else(|| panic!("{case}: no problem in {file} saying {says:?} in:\n{error}"))
}

/// App state serving the content in `dir`.
pub(crate) fn state(dir: &Path) -> Arc<AppState> {
    let snapshot = helpcenter::build_snapshot(dir, 1).expect("content builds");
    Arc::new(AppState::new(snapshot))
}

/// The in-process app over `state`.
pub(crate) async fn app(
    state: Arc<AppState>,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(helpcenter::web::app(web::Data::from(state), false)).await
}

/// A fetched response.
pub(crate) struct Fetched {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Fetched {
    pub(crate) fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Text of every element matching `selector`.
    pub(crate) fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|element| {
                element
                    .text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// An attribute of every element matching `selector`.
    pub(crate) fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|element| element.value().attr(attribute).map(str::to_string))
            .collect()
    }

    pub(crate) fn count(&self, selector: &str) -> usize {
        let selector = scraper::Selector::parse(selector).expect("valid selector");
        self.html().select(&selector).count()
    }
}

/// Sends `request` and collects the response.
pub(crate) async fn send<S, B>(app: &S, request: actix_http::Request) -> Fetched
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = test::read_body(response).await;
    Fetched {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// GETs `path`.
pub(crate) async fn get<S, B>(app: &S, path: &str) -> Fetched
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(app, test::TestRequest::get().uri(path).to_request()).await
}
