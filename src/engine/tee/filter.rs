//! A tee's filter as written: channels, models, status codes, success or failure only,
//! and a sample rate, with its validation. Which records it takes is decided where the
//! records are (`engine::sinks::takes`). Pure: no I/O.

use rust_i18n::t;
use serde::{Deserialize, Serialize};

/// A status the filter takes: a code (`429`) or a class (`"5xx"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatusMatch {
    /// One code.
    Code(u16),
    /// `"5xx"`, or a code written as a string.
    Text(String),
}

impl StatusMatch {
    fn check(&self) -> Result<(), String> {
        match self {
            StatusMatch::Code(c) if (100..=599).contains(c) => Ok(()),
            StatusMatch::Text(t) if parse_text(t).is_some() => Ok(()),
            StatusMatch::Code(c) => Err(t!("engine.tee.status_code", code = c).into_owned()),
            StatusMatch::Text(t) => Err(t!("engine.tee.status_text", given = format!("{t:?}")).into_owned()),
        }
    }

    /// Whether `status` is this code or in this class.
    pub fn matches(&self, status: u16) -> bool {
        match self {
            StatusMatch::Code(c) => *c == status,
            StatusMatch::Text(t) => match parse_text(t) {
                Some((lo, hi)) => (lo..=hi).contains(&status),
                None => false,
            },
        }
    }
}

/// `"5xx"` → 500..=599, `"429"` → 429..=429.
fn parse_text(t: &str) -> Option<(u16, u16)> {
    let t = t.trim().to_ascii_lowercase();
    if let Some(d) = t.strip_suffix("xx") {
        let d: u16 = d.parse().ok().filter(|d| (1..=5).contains(d))?;
        return Some((d * 100, d * 100 + 99));
    }
    let c: u16 = t.parse().ok().filter(|c| (100..=599).contains(c))?;
    Some((c, c))
}

/// A tee's filter (SPEC §8). Every set field must match.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Filter {
    /// Channel names or ids (globs); a record that reached no channel does not match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Models (globs), matched against the model asked for and the one sent upstream.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// Status codes or classes the client got.
    #[serde(default, skip_serializing_if = "Vec::is_empty", alias = "status_codes")]
    pub status_codes: Vec<StatusMatch>,
    /// Only successful requests.
    #[serde(default, skip_serializing_if = "is_false", alias = "success_only")]
    pub success_only: bool,
    /// Only failed requests.
    #[serde(default, skip_serializing_if = "is_false", alias = "failure_only")]
    pub failure_only: bool,
    /// The share of matching records copied, 0 to 1 (absent: all). Chosen by the request
    /// id, so a request is copied or not the same way by every tee with the same rate.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "sample_rate")]
    pub sample_rate: Option<f64>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Filter {
    /// Whether nothing is set (everything matches).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The field at fault (its config name) and why.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if let Some(r) = self.sample_rate {
            if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
                return Err(("sampleRate".into(), t!("engine.tee.sample_rate", got = r).into_owned()));
            }
        }
        if self.success_only && self.failure_only {
            return Err(("failureOnly".into(), t!("engine.tee.failure_and_success").into_owned()));
        }
        for s in &self.status_codes {
            s.check().map_err(|m| ("statusCodes".to_string(), m))?;
        }
        for (field, globs) in [("channels", &self.channels), ("models", &self.models)] {
            if let Some(g) = globs.iter().find(|g| g.trim().is_empty()) {
                return Err((field.into(), t!("engine.tee.empty_pattern", pattern = format!("{g:?}")).into_owned()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_the_field() {
        let v = |y: &str| serde_yaml::from_str::<Filter>(y).unwrap().validate().unwrap_err().0;
        assert_eq!(v("{sampleRate: 1.5}"), "sampleRate");
        assert_eq!(v("{statusCodes: ['6xx']}"), "statusCodes");
        assert_eq!(v("{statusCodes: [42]}"), "statusCodes");
        assert_eq!(v("{models: ['']}"), "models");
        assert!(serde_yaml::from_str::<Filter>("{failureonly: true}").is_err());
    }
}
