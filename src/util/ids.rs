//! Identifiers: stored ids (`ch_…`, `rule_…`), random hex for request, trace and span ids,
//! and the constant-time comparison used for every token and key check.

use subtle::ConstantTimeEq;

/// A stored id: `prefix` + `_` + 12 hex digits of a random UUID (`ch_1a2b3c4d5e6f`).
pub fn new_id(prefix: &str) -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}_{}", &u[..12])
}

/// Whether `s` is `prefix` + `_` + 12 lowercase hex digits, as [`new_id`] makes.
pub fn is_id(prefix: &str, s: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// `bytes` (at most 32) random bytes as lowercase hex: request, trace and span ids. Ids
/// need to be unique, not secret: fastrand's per-thread wyrand generator (seeded from the
/// OS), written into a stack buffer (three ids per request were ~1.2k instructions with
/// ChaCha and a `String::push` per digit).
pub fn random_hex(bytes: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 64];
    let bytes = bytes.min(32);
    for chunk in hex[..bytes * 2].chunks_mut(16) {
        let v = fastrand::u64(..).to_le_bytes();
        for (j, out) in chunk.chunks_mut(2).enumerate() {
            out[0] = HEX[(v[j] >> 4) as usize];
            out[1] = HEX[(v[j] & 15) as usize];
        }
    }
    std::str::from_utf8(&hex[..bytes * 2]).expect("hex digits are ASCII").to_string()
}

/// Constant-time comparison, so a token or key cannot be guessed byte by byte.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shape() {
        let id = new_id("ch");
        assert!(is_id("ch", &id), "{id}");
        assert!(!is_id("rule", &id) && !is_id("ch", "ch_XYZ") && !is_id("ch", "ch_0123456789ab0"));
        let a = random_hex(16);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(a, random_hex(16));
        assert_eq!(random_hex(99).len(), 64);
    }

    #[test]
    fn constant_eq_is_equality() {
        assert!(constant_eq(b"token", b"token"));
        assert!(!constant_eq(b"token", b"tokem") && !constant_eq(b"token", b"token2") && !constant_eq(b"", b"x"));
    }
}
