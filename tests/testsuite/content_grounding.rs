//! `helpcenter check --guides`: the content checked against the guides' own text. The shipped
//! content passes against `../shared/seeds`, the fixture against `tests/fixtures/guides`; each case
//! below breaks one locator, fact or claim of a copy of the fixture and checks the `file:line`.

use std::path::PathBuf;

use helpcenter::content::Site;

use crate::common::{self, content_dir, edit, fixture_copy, fixture_dir, shared_dir};

/// The fixture's two guides.
fn fixture_guides() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides")
}

struct Case {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    /// Line of `file` the problem must name.
    line: usize,
    /// Words the message must contain.
    says: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "a number cited from a part that does not give it",
        file: "contacts.toml",
        find: "sources = [\"guide-a\"], cites = [\"guide-a#lines\"] },",
        replace: "sources = [\"guide-a\"], cites = [\"guide-a#abroad\"] },",
        line: 20,
        says: "`1-800-528-2122` is not in guide-a#abroad (guide A, calling from abroad)",
    },
    Case {
        name: "hours the cited part does not state",
        file: "contacts.toml",
        find: "hours = \"24/7\", hours_cite = \"guide-a#lines\"",
        replace: "hours = \"9 to 5\", hours_cite = \"guide-a#lines\"",
        line: 6,
        says: "hours `9 to 5` are not stated in guide-a#lines",
    },
    Case {
        name: "hours without the part that states them",
        file: "contacts.toml",
        find: "hours = \"24/7\", hours_cite = \"guide-b#hotlines\" }",
        replace: "hours = \"24/7\" }",
        line: 34,
        says: "`hours` and `hours_cite` (the part of a guide that states the hours) go together",
    },
    Case {
        name: "a number without locators",
        file: "contacts.toml",
        find: "sources = [\"guide-a\"], cites = [\"guide-a#abroad\"] }",
        replace: "sources = [\"guide-a\"] }",
        line: 45,
        says: "number `1-623-492-5450` has no `cites`",
    },
    Case {
        name: "an address line the cited part does not give",
        file: "contacts.toml",
        find: "address = [\"Fixture Co\"",
        replace: "address = [\"Fixture Company\"",
        line: 53,
        says: "`Fixture Company` is in none of its cited parts",
    },
    Case {
        name: "an email cited from the wrong part",
        file: "contacts.toml",
        find: "cites = [\"guide-b#mail\"]\nweight = 20",
        replace: "cites = [\"guide-b#hotlines\"]\nweight = 20",
        line: 64,
        says: "`help@example.com` is in none of its cited parts",
    },
    Case {
        name: "a number in an article that no cited part gives",
        file: "articles/points.md",
        find: "cites = [\"guide-a#lines\"]",
        replace: "cites = [\"guide-a#menu\"]",
        line: 12,
        says: "`1-800-AXP-EARN` is in none of the parts cited here",
    },
    Case {
        name: "a duration and a frequency word no cited part backs",
        file: "articles/lost-card.md",
        find: "If your card is gone, act fast.",
        replace: "If your card is gone, a new card usually takes 3 days.",
        line: 14,
        says: "no cited part backs `usually`, `3`, `days`",
    },
    Case {
        name: "a claim in an FAQ answer that its part does not make",
        file: "faqs.toml",
        find: "Say **representative** at the menu or press 0.",
        replace: "Say **representative** at the menu or press 9.",
        line: 5,
        says: "no cited part backs `9`",
    },
    Case {
        name: "an article without locators",
        file: "articles/talk-to-a-person.md",
        find: "cites = [\"guide-a#menu\", \"guide-a#abroad\"]\n",
        replace: "",
        line: 6,
        says: "the article has no `cites`",
    },
    Case {
        name: "an FAQ without locators",
        file: "faqs.toml",
        find: "cites = [\"guide-a#menu\"]\n",
        replace: "",
        line: 2,
        says: "FAQ `live-person` has no `cites`",
    },
    Case {
        name: "a part whose first line is not in the guide",
        file: "guides.toml",
        find: "starts = \"Abroad\"",
        replace: "starts = \"Overseas\"",
        line: 8,
        says: "part `abroad`: no line of a.txt",
    },
    Case {
        name: "a title the guide does not have",
        file: "guides.toml",
        find: "title = \"Guide A: calling\"",
        replace: "title = \"Guide A: How to Call\"",
        line: 3,
        says: "the title `Guide A: How to Call` is not in a.txt",
    },
];

#[test]
fn each_broken_locator_fact_or_claim_names_its_file_and_line() {
    for case in CASES {
        let dir = fixture_copy();
        edit(dir.path(), case.file, case.find, case.replace);
        let error = Site::check_against_guides(dir.path(), &fixture_guides()).expect_err(case.name);
        let problem = common::problem_in(&error, case.file, case.says, case.name);
        assert_eq!(problem.line, Some(case.line), "{}: {problem}", case.name);
    }
}

#[test]
fn a_locator_naming_no_part_is_refused_at_startup_with_its_line() {
    for (find, replace, says) in [
        (
            "cites = [\"guide-a#lines\"]\ncontacts",
            "cites = [\"guide-a#nowhere\"]\ncontacts",
            "guide `guide-a` has no part `nowhere`",
        ),
        (
            "cites = [\"guide-a#lines\"]\ncontacts",
            "cites = [\"guide-b#hotlines\"]\ncontacts",
            "which `sources` does not list",
        ),
        (
            "cites = [\"guide-a#lines\"]\ncontacts",
            "cites = [\"guide-a-lines\"]\ncontacts",
            "is not a source locator",
        ),
    ] {
        let dir = fixture_copy();
        edit(dir.path(), "articles/points.md", find, replace);
        let error = Site::load(dir.path()).expect_err(says);
        let text = error.to_string();
        assert!(text.contains(says), "{text}");
        assert!(text.contains("points.md:7"), "{text}");
    }
}

#[test]
fn the_fixture_passes_against_its_guides() {
    Site::check_against_guides(&fixture_dir(), &fixture_guides())
        .unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn the_shipped_content_passes_against_the_two_guides() {
    // Every number, address, email and web address is in the part it cites, every number,
    // article and FAQ has locators, and every number, duration and frequency word in an article,
    // FAQ or directory note is backed by a part it cites.
    Site::check_against_guides(&content_dir(), &shared_dir().join("seeds"))
        .unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn check_with_guides_exits_non_zero_and_names_the_file_and_line() {
    let dir = fixture_copy();
    edit(
        dir.path(),
        "articles/lost-card.md",
        "If your card is gone, act fast.",
        "If your card is gone, it is always replaced.",
    );
    let output = common::server::command()
        .args(["check", "--guides"])
        .arg(fixture_guides())
        .arg(dir.path())
        .output()
        .expect("run helpcenter check --guides");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lost-card.md:14"), "{stderr}");
    assert!(stderr.contains("no cited part backs `always`"), "{stderr}");

    let output = common::server::command()
        .args(["check", "--guides"])
        .arg(shared_dir().join("seeds"))
        .arg(content_dir())
        .output()
        .expect("run helpcenter check --guides");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("every cited fact found in"), "{stdout}");
}
