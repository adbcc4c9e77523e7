//! Fuzzes the Markdown renderer. Invariants beyond "no panic": heading ids are unique and non-empty,
//! the sanitised HTML holds no script, event handler or `javascript:` link, and every link and phone
//! is located on a line that exists.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else {
        return;
    };
    let rendered = helpcenter::markdown::render(markdown);
    let mut ids = HashSet::new();
    for heading in &rendered.headings {
        assert!(!heading.id.is_empty(), "empty heading id");
        assert!(
            ids.insert(heading.id.as_str()),
            "duplicate heading id {:?}",
            heading.id
        );
    }
    let html = rendered.html.to_ascii_lowercase();
    assert!(
        !html.contains("<script"),
        "script survived sanitising: {}",
        rendered.html
    );
    assert!(
        !html.contains(" onerror="),
        "event handler survived: {}",
        rendered.html
    );
    assert!(
        !html.contains("href=\"javascript:"),
        "javascript: link: {}",
        rendered.html
    );
    let lines = markdown.split('\n').count();
    for link in &rendered.links {
        assert!(
            (1..=lines).contains(&link.line),
            "link on line {} of {lines}",
            link.line
        );
    }
    for phone in &rendered.phones {
        assert!(
            (1..=lines).contains(&phone.line),
            "phone on line {} of {lines}",
            phone.line
        );
    }
    let _ = rendered.plain_text();
});
