//! Fingerprints shared by everything kept on disk or sent as a validator: the running program's
//! build id and the one hex encoding of a digest.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// Lower-case hex of `bytes` (two digits a byte).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of the running executable, read once: any rebuild of the program (a change to how
/// content is rendered, analysed or indexed) gives new keys, so nothing kept on disk outlives an
/// upgrade. When the executable cannot be read, a value unique to this process is used instead:
/// nothing is reused, which is always safe.
pub fn build_id() -> &'static [u8; 32] {
    static BUILD_ID: LazyLock<[u8; 32]> = LazyLock::new(|| {
        let mut hasher = Sha256::new();
        match std::env::current_exe().and_then(std::fs::read) {
            Ok(bytes) => hasher.update(&bytes),
            Err(error) => {
                tracing::warn!(%error, "cannot read the executable; nothing kept on disk will be reused");
                hasher.update(std::process::id().to_le_bytes());
                hasher.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
            }
        }
        hasher.finalize().into()
    });
    &BUILD_ID
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
