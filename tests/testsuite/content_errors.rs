//! Broken content stops startup with a message naming the file (and line): each case copies the
//! fixture site, breaks one thing, and checks the error.

use std::fs;

use helpcenter::content::{ContentError, Site};

use crate::common::{self, edit, fixture_copy};

struct Case {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    /// File the error must name.
    names: &'static str,
    /// Line it must name, where there is one.
    line: Option<usize>,
    /// Words the message must contain.
    says: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "unparsable front matter",
        file: "articles/lost-card.md",
        find: "title = \"Report a lost card\"",
        replace: "title = \"Report a lost card",
        names: "articles/lost-card.md",
        line: Some(2),
        says: "",
    },
    Case {
        name: "unknown front matter field",
        file: "articles/lost-card.md",
        find: "weight = 10\n",
        replace: "weight = 10\ncolour = \"red\"\n",
        names: "articles/lost-card.md",
        line: Some(12),
        says: "unknown field",
    },
    Case {
        name: "missing front matter fence",
        file: "articles/points.md",
        find: "+++\ntitle",
        replace: "title",
        names: "articles/points.md",
        line: Some(1),
        says: "+++",
    },
    Case {
        name: "unknown category",
        file: "articles/points.md",
        find: "category = \"cards\"",
        replace: "category = \"nope\"",
        names: "articles/points.md",
        line: Some(4),
        says: "unknown category `nope`",
    },
    Case {
        name: "alias clashing with a slug",
        file: "articles/lost-card.md",
        find: "aliases = [\"missing-card\"]",
        replace: "aliases = [\"missing-card\", \"points\"]",
        names: "articles/lost-card.md",
        line: Some(10),
        says: "alias `points`",
    },
    Case {
        name: "unknown contact id in an article",
        file: "articles/points.md",
        find: "contacts = [\"rewards\"]",
        replace: "contacts = [\"reward\"]",
        names: "articles/points.md",
        line: Some(8),
        says: "unknown contact `reward`",
    },
    Case {
        name: "malformed phone number",
        file: "contacts.toml",
        find: "1-800-297-3276",
        replace: "1-800-297-327",
        names: "contacts.toml",
        line: Some(34),
        says: "malformed phone number",
    },
    Case {
        name: "vanity that spells another number",
        file: "contacts.toml",
        find: "1-800-AXP-EARN",
        replace: "1-800-AXP-EARL",
        names: "contacts.toml",
        line: Some(35),
        says: "vanity",
    },
    Case {
        name: "duplicate contact id",
        file: "contacts.toml",
        find: "id = \"rewards\"",
        replace: "id = \"abroad\"",
        names: "contacts.toml",
        line: Some(41),
        says: "duplicate contact id `abroad`",
    },
    Case {
        name: "contact with an unknown field",
        file: "contacts.toml",
        find: "cites = [\"guide-a#lines\"]\nsources",
        replace: "citez = [\"guide-a#lines\"]\nsources",
        names: "contacts.toml",
        line: Some(9),
        says: "unknown field `citez`",
    },
    Case {
        name: "unknown contact in an intent",
        file: "intents.toml",
        find: "contacts = [\"lost-stolen\"]",
        replace: "contacts = [\"lost-stollen\"]",
        names: "intents.toml",
        line: Some(13),
        says: "unknown contact `lost-stollen`",
    },
    Case {
        name: "malformed intent pattern",
        file: "intents.toml",
        find: "when = [\"lost|stolen card\"]",
        replace: "when = [\"Lost card\"]",
        names: "intents.toml",
        line: Some(14),
        says: "pattern `Lost card`",
    },
    Case {
        name: "unknown intent in a combination",
        file: "intents.toml",
        find: "intents = [\"lost\", \"abroad\"]",
        replace: "intents = [\"lost\", \"abrod\"]",
        names: "intents.toml",
        line: Some(28),
        says: "unknown intent `abrod`",
    },
    Case {
        name: "number checker page with a missing anchor",
        file: "intents.toml",
        find: "page = \"/articles/lost-card\"",
        replace: "page = \"/articles/lost-card#nowhere\"",
        names: "intents.toml",
        line: Some(5),
        says: "anchor `#nowhere`",
    },
    Case {
        name: "intent with an unknown field",
        file: "intents.toml",
        find: "kind = \"general\"",
        replace: "kind = \"general\"\ncolour = \"red\"",
        names: "intents.toml",
        line: Some(25),
        says: "unknown field `colour`",
    },
    Case {
        name: "link to a missing article",
        file: "articles/lost-card.md",
        find: "/articles/talk-to-a-person#skip-the-menu",
        replace: "/articles/nobody",
        names: "articles/lost-card.md",
        line: Some(22),
        says: "does not exist",
    },
    Case {
        name: "link to a missing anchor",
        file: "articles/lost-card.md",
        find: "#skip-the-menu",
        replace: "#nowhere",
        names: "articles/lost-card.md",
        line: Some(22),
        says: "anchor `#nowhere`",
    },
    Case {
        name: "FAQ link to a missing anchor",
        file: "faqs.toml",
        find: "#skip-the-menu",
        replace: "#gone",
        names: "faqs.toml",
        line: Some(5),
        says: "anchor `#gone`",
    },
    Case {
        name: "phone number in prose that is not in the directory",
        file: "articles/points.md",
        find: "Call 1-800-AXP-EARN.",
        replace: "Call 1-800-555-0199.",
        names: "articles/points.md",
        line: Some(12),
        says: "not in contacts.toml",
    },
    Case {
        name: "unparsable contacts.toml",
        file: "contacts.toml",
        find: "weight = 20\n",
        replace: "weight = [20\n",
        names: "contacts.toml",
        line: None,
        says: "",
    },
    Case {
        name: "unknown guide in an FAQ",
        file: "faqs.toml",
        find: "sources = [\"guide-a\"]",
        replace: "sources = [\"guide-z\"]",
        names: "faqs.toml",
        line: None,
        says: "unknown guide `guide-z`",
    },
    Case {
        name: "duplicate FAQ id",
        file: "faqs.toml",
        find: "id = \"lost-card\"",
        replace: "id = \"live-person\"",
        names: "faqs.toml",
        line: Some(12),
        says: "duplicate FAQ id",
    },
    Case {
        name: "second h1 in an article body",
        file: "articles/points.md",
        find: "## Points missing",
        replace: "# Points missing",
        names: "articles/points.md",
        line: Some(14),
        says: "only `#` heading",
    },
];

#[test]
fn each_broken_fixture_names_its_file_and_line() {
    for case in CASES {
        let dir = fixture_copy();
        edit(dir.path(), case.file, case.find, case.replace);
        let error = Site::load(dir.path()).expect_err(case.name);
        let problem = common::problem_in(&error, case.names, case.says, case.name);
        if let Some(line) = case.line {
            assert_eq!(problem.line, Some(line), "{}: {problem}", case.name);
        }
        assert!(error.to_string().contains(case.names), "{}", case.name);
    }
}

#[test]
fn the_fixture_itself_is_valid() {
    Site::load(&common::fixture_dir()).expect("fixture loads");
}

#[test]
fn a_missing_file_is_named() {
    let dir = fixture_copy();
    fs::remove_file(dir.path().join("synonyms.toml")).expect("remove");
    let error = Site::load(dir.path()).expect_err("missing file");
    assert!(matches!(error, ContentError::Read { .. }));
    assert!(error.to_string().contains("synonyms.toml"), "{error}");
}

#[test]
fn check_command_exits_non_zero_and_names_the_file() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "articles/points.md",
        "category = \"cards\"",
        "category = \"nope\"",
    );
    let output = common::server::command()
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run helpcenter check");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("points.md:4"), "{stderr}");

    let output = common::server::command()
        .arg("check")
        .arg(common::fixture_dir())
        .output()
        .expect("run helpcenter check");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn serve_refuses_to_start_on_broken_content_and_names_the_file() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "contacts.toml",
        "1-800-297-3276",
        "1-800-297-327",
    );
    let output = common::server::command()
        .args(["serve", "--addr", "127.0.0.1:0", "--content"])
        .arg(dir.path())
        .output()
        .expect("run helpcenter serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("contacts.toml:34"), "{stderr}");
}
