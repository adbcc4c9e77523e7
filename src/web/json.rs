//! JSON as this site writes it: one serialiser whose output is safe inside HTML, used for the API
//! answers and for the JSON-LD embedded in `<script>` elements.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use serde::Serialize;

/// The API's content type.
pub(crate) const JSON: &str = "application/json";

/// `value` as JSON text that never contains `<`, `>`, `&` or the JavaScript line separators, even
/// inside strings that echo visitor input: they are written as `\u003c`… escapes, which every JSON
/// reader decodes back. So `</script>` or `<!--` in a title cannot end or comment out the
/// `<script>` element holding JSON-LD, and an API answer cannot become markup if it is ever sniffed
/// or embedded. Outside strings JSON never uses these characters, so the replacement is exact and
/// the result stays valid JSON.
pub(crate) fn to_html_safe_string(value: &impl Serialize) -> serde_json::Result<String> {
    let text = serde_json::to_string(value)?;
    let mut safe = String::with_capacity(text.len() + 16);
    for character in text.chars() {
        match character {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            other => safe.push(other),
        }
    }
    Ok(safe)
}

/// A JSON answer with `status` (revalidated by the browser on every use).
pub(crate) fn response(
    status: StatusCode,
    content_type: &str,
    value: &impl Serialize,
) -> serde_json::Result<HttpResponse> {
    let body = to_html_safe_string(value)?;
    Ok(HttpResponse::build(status)
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_the_text_stays_valid_json() {
        let tricky = "</script><img src=x onerror=alert(1)>&amp;\u{2028}<!-- -->";
        let text = to_html_safe_string(&serde_json::json!({ "name": tricky })).expect("JSON");
        assert!(!text.contains(['<', '>', '&', '\u{2028}']), "{text}");
        assert!(!text.contains("<!--") && !text.contains("\\!"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still valid JSON");
        assert_eq!(back["name"], tricky);
    }
}
