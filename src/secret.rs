//! `Secret`: an API key that cannot leak by accident.
//!
//! Debug, Display and Serialize all print the mask (`sk-ant-…abcd`). The real value only
//! comes out through [`Secret::expose`], called at the point of use (building the upstream
//! request, encrypting for the store, an export with `--include-secrets`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret string (an upstream API key, a token).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value. Call only where the secret is used.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form shown to people: a recognisable prefix and the last four characters.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Mask a secret: keep a known prefix (`sk-ant-`, `sk-`, `AIza`) and the last four
/// characters. A short secret (under 12 characters) shows none of its characters: its
/// length and a 4-hex-digit fingerprint (of its SHA-256), so that two keys can be told
/// apart (`…(6 chars #3f2a)`).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return "…".to_string();
    }
    if chars.len() < 12 {
        use sha2::Digest;
        let d = sha2::Sha256::digest(value.as_bytes());
        return format!("…({} chars #{:02x}{:02x})", chars.len(), d[0], d[1]);
    }
    let prefix = ["sk-ant-", "sk-proj-", "sk-", "AIza"].iter().find(|p| value.starts_with(*p)).copied().unwrap_or("");
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{tail}")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rendering_masks() {
        let s = Secret::new("sk-ant-api03-abcdefghijklmnop-wxyz");
        assert_eq!(s.to_string(), "sk-ant-…wxyz");
        assert_eq!(format!("{s:?}"), "Secret(sk-ant-…wxyz)");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"sk-ant-…wxyz\"");
        assert_eq!(s.expose(), "sk-ant-api03-abcdefghijklmnop-wxyz");
    }

    #[test]
    fn short_secrets_show_nothing() {
        assert_eq!(mask(""), "…");
        let short = mask("abc");
        assert!(short.starts_with("…(3 chars #") && !short.contains("abc"), "{short}");
        assert_ne!(mask("abd"), short, "two short keys are told apart");
        assert_eq!(mask("abc"), short, "and the same key masks the same");
        assert_eq!(mask("AIzaSyD-1234567890"), "AIza…7890");
    }
}
