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
/// or embedded. Outside strings JSON never uses these characters, so escaping inside strings is
/// enough and the result stays valid JSON.
pub(crate) fn to_html_safe_string(value: &impl Serialize) -> serde_json::Result<String> {
    let bytes = to_html_safe_vec(value, 256)?;
    // serde_json writes UTF-8 and the escapes are ASCII.
    String::from_utf8(bytes).map_err(|error| serde::ser::Error::custom(error.to_string()))
}

/// [`to_html_safe_string`] as bytes, written straight into one buffer of `capacity` bytes to start
/// with (no second pass over the text).
fn to_html_safe_vec(value: &impl Serialize, capacity: usize) -> serde_json::Result<Vec<u8>> {
    let mut serializer =
        serde_json::Serializer::with_formatter(Vec::with_capacity(capacity), HtmlSafe);
    value.serialize(&mut serializer)?;
    Ok(serializer.into_inner())
}

/// serde_json's compact output, with the markup characters and line separators inside strings
/// escaped (see [`to_html_safe_string`]).
struct HtmlSafe;

impl serde_json::ser::Formatter for HtmlSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (index, &byte) in bytes.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
                0xE2 if bytes.get(index + 1) == Some(&0x80) => match bytes.get(index + 2) {
                    Some(0xA8) => b"\\u2028",
                    Some(0xA9) => b"\\u2029",
                    _ => continue,
                },
                _ => continue,
            };
            writer.write_all(&bytes[start..index])?;
            writer.write_all(escape)?;
            start = index + if byte == 0xE2 { 3 } else { 1 };
        }
        writer.write_all(&bytes[start.min(bytes.len())..])
    }
}

/// A JSON answer with `status` (revalidated by the browser on every use).
pub(crate) fn response(
    status: StatusCode,
    content_type: &str,
    value: &impl Serialize,
) -> serde_json::Result<HttpResponse> {
    response_sized(status, content_type, value, 1024)
}

/// [`response`] for an answer of about `capacity` bytes, written into one buffer that size.
pub(crate) fn response_sized(
    status: StatusCode,
    content_type: &str,
    value: &impl Serialize,
    capacity: usize,
) -> serde_json::Result<HttpResponse> {
    let body = to_html_safe_vec(value, capacity)?;
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

    /// Every escape in every position (start, middle, end, next to each other, beside other
    /// multi-byte characters and serde_json's own escapes), in keys and values.
    #[test]
    fn escapes_anywhere_in_a_string_decode_back() {
        for text in [
            "<",
            "a<b>c&d",
            "<<>>&&",
            "\u{2028}\u{2029}",
            "x\u{2028}",
            "\u{2029}y",
            "é\u{2028}€<\"\\\n\u{1}–—",
            "\u{2027}\u{202a}\u{20ac}",
            "plain text",
            "",
        ] {
            let value = serde_json::json!({ text: [text, { "k": text }] });
            let safe = to_html_safe_string(&value).expect("JSON");
            assert!(
                !safe.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
                "{safe}"
            );
            let back: serde_json::Value = serde_json::from_str(&safe).expect("valid JSON");
            assert_eq!(back, value, "{safe}");
            // Only the five characters change: the rest is serde_json's own output.
            let plain = serde_json::to_string(&value).expect("JSON");
            let expected = plain
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            assert_eq!(safe, expected);
        }
    }
}
