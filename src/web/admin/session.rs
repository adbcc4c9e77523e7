//! The editors' session cookie: `helpcenter_admin=<expiry>.<signature>`, where the signature is
//! HMAC-SHA256 over the expiry (Unix seconds) with the key `Admin` derives from the token. It
//! carries nothing secret and nothing about the editor; it is valid until its expiry, and
//! refused when the signature does not match, the expiry has passed, or the expiry lies further
//! ahead than a session lasts. Sent `HttpOnly` (no script reads it), `SameSite=Strict` (no other
//! site's page sends it), `Path=/admin`, with `Max-Age`, and `Secure` when the request came over
//! HTTPS (as the connection, or a proxy's `X-Forwarded-Proto`/`Forwarded`, says).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie's name.
pub(crate) const COOKIE: &str = "helpcenter_admin";
/// How long a session lasts, in seconds (eight hours: a working day).
pub(crate) const MAX_AGE: i64 = 8 * 3600;
/// What the signature covers besides the expiry: a version, so a future format cannot be confused
/// with this one.
const LABEL: &[u8] = b"helpcenter admin session v1.";

/// A session cookie value for a session starting at `now`.
pub(crate) fn issue(key: &[u8; 32], now: i64) -> String {
    let expiry = now + MAX_AGE;
    format!("{expiry}.{}", hex(&signature(key, expiry)))
}

/// Whether `value` is a session this key signed that has not expired at `now`.
pub(crate) fn is_valid(key: &[u8; 32], value: &str, now: i64) -> bool {
    let Some((expiry, signed)) = value.split_once('.') else {
        return false;
    };
    let Ok(expiry) = expiry.parse::<i64>() else {
        return false;
    };
    if expiry <= now || expiry > now + MAX_AGE {
        return false;
    }
    let Some(signed) = unhex(signed) else {
        return false;
    };
    // `verify_slice` compares in constant time.
    mac(key, expiry).verify_slice(&signed).is_ok()
}

/// The session cookie's value in a `Cookie` request header, if there is one.
pub(crate) fn from_header(cookies: &str) -> Option<&str> {
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE).then_some(value.trim_matches('"'))
    })
}

/// The `Set-Cookie` value that starts a session.
pub(crate) fn set_cookie(value: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/admin; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session (an empty value that expires at once).
pub(crate) fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

fn new_mac(key: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; 32 bytes always fits.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("any key length"))
}

fn mac(key: &[u8; 32], expiry: i64) -> Hmac<Sha256> {
    let mut mac = new_mac(key);
    mac.update(LABEL);
    mac.update(expiry.to_string().as_bytes());
    mac
}

fn signature(key: &[u8; 32], expiry: i64) -> Vec<u8> {
    mac(key, expiry).finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn a_session_is_valid_until_it_expires_and_only_with_its_key() {
        let value = issue(&KEY, 1000);
        assert!(is_valid(&KEY, &value, 1000));
        assert!(is_valid(&KEY, &value, 1000 + MAX_AGE - 1));
        assert!(!is_valid(&KEY, &value, 1000 + MAX_AGE));
        assert!(!is_valid(&[8; 32], &value, 1000));
    }

    #[test]
    fn tampered_values_are_refused() {
        let value = issue(&KEY, 1000);
        let (expiry, signed) = value.split_once('.').expect("two parts");
        let later: i64 = expiry.parse::<i64>().expect("a number") + 60;
        for tampered in [
            format!("{later}.{signed}"),
            format!(
                "{expiry}.{}{}",
                &signed[..63],
                if signed.ends_with('0') { '1' } else { '0' }
            ),
            format!("{expiry}.{}", &signed[..63]),
            format!("{expiry}."),
            signed.to_string(),
            String::new(),
            format!("{expiry}.{signed}x"),
            format!("{expiry}.é{}", &signed[2..]),
        ] {
            assert!(!is_valid(&KEY, &tampered, 1000), "{tampered}");
        }
        // Signed far in the future with the right key is still refused: a session lasts MAX_AGE.
        assert!(!is_valid(&KEY, &issue(&KEY, 1000 + MAX_AGE), 1000));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        assert_eq!(from_header("a=1; helpcenter_admin=x.y; b=2"), Some("x.y"));
        assert_eq!(from_header("helpcenter_adminx=1"), None);
        assert_eq!(from_header(""), None);
    }
}
