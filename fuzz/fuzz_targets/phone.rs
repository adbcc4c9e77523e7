//! Fuzzes phone number parsing and finding. Invariants: every found span is exactly the text it
//! claims and parses to the phone reported; a parsed phone round-trips through its display form and
//! every full written form, has a well-formed E.164 form, and its short (local) written forms are
//! the end of its digits.
#![no_main]

use helpcenter::phone::{Phone, find_phones};
use libfuzzer_sys::fuzz_target;

fn check_phone(phone: &Phone) {
    let e164 = phone.e164();
    assert!(
        e164.starts_with("+1") && e164.len() == 12,
        "bad E.164 {e164}"
    );
    assert!(
        e164[1..].bytes().all(|b| b.is_ascii_digit()),
        "bad E.164 {e164}"
    );
    assert_eq!(
        Phone::parse(&phone.display()).as_ref(),
        Some(phone),
        "display round trip"
    );
    let all_digits = format!("1{}", phone.national_digits());
    for written in phone.written_forms() {
        let digits: String = written.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 10 {
            assert_eq!(
                Phone::parse(&written).as_ref(),
                Some(phone),
                "written form {written}"
            );
        } else {
            // The seven-digit local forms visitors type are for search, not for parsing.
            assert!(
                all_digits.ends_with(&digits),
                "local form {written} of {all_digits}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(phone) = Phone::parse(text) {
        check_phone(&phone);
    }
    for found in find_phones(text) {
        assert_eq!(
            &text[found.range.clone()],
            found.written,
            "span and written text differ"
        );
        assert_eq!(
            Phone::parse(&found.written).as_ref(),
            Some(&found.phone),
            "found but unparsable"
        );
        check_phone(&found.phone);
    }
});
