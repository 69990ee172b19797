//! Which records a tee copies: channels, models, status codes, success or failure only,
//! and a sample rate. Empty fields match everything. Pure: no I/O.

use serde::{Deserialize, Serialize};

use crate::engine::glob;
use crate::engine::records::RequestRecord;

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
            StatusMatch::Code(c) => Err(format!("{c} is not an HTTP status (100 to 599)")),
            StatusMatch::Text(t) => Err(format!("{t:?} is not a status code or class; write e.g. 429 or \"5xx\"")),
        }
    }

    fn matches(&self, status: u16) -> bool {
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
                return Err(("sampleRate".into(), format!("must be between 0 and 1 (got {r})")));
            }
        }
        if self.success_only && self.failure_only {
            return Err((
                "failureOnly".into(),
                "cannot be set with successOnly: together they match nothing; keep one".into(),
            ));
        }
        for s in &self.status_codes {
            s.check().map_err(|m| ("statusCodes".to_string(), m))?;
        }
        for (field, globs) in [("channels", &self.channels), ("models", &self.models)] {
            if let Some(g) = globs.iter().find(|g| g.trim().is_empty()) {
                return Err((field.into(), format!("has an empty pattern {g:?}; remove it")));
            }
        }
        Ok(())
    }

    /// Whether the tee copies this record.
    pub fn matches(&self, r: &RequestRecord) -> bool {
        if (self.success_only && !r.success) || (self.failure_only && r.success) {
            return false;
        }
        if !self.status_codes.is_empty() && !self.status_codes.iter().any(|s| s.matches(r.status)) {
            return false;
        }
        if !self.channels.is_empty() {
            let names = [r.channel_name.as_deref(), r.channel_id.as_deref()];
            if !self.channels.iter().any(|p| names.iter().flatten().any(|n| glob::matches(p, n))) {
                return false;
            }
        }
        if !self.models.is_empty() {
            let models = [Some(r.model.as_str()), r.upstream_model.as_deref()];
            if !self.models.iter().any(|p| models.iter().flatten().any(|m| glob::matches(p, m))) {
                return false;
            }
        }
        match self.sample_rate {
            Some(rate) if rate < 1.0 => sample_point(&r.id) < rate,
            _ => true,
        }
    }
}

/// A request id's place in [0, 1): FNV-1a of the id, its bits spread by splitmix64's
/// finaliser (FNV alone leaves the high bits of near ids close), so sampling is the same
/// on every run.
fn sample_point(id: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(status: u16, channel: Option<&str>, model: &str) -> RequestRecord {
        RequestRecord {
            id: format!("req_{status}_{model}"),
            status,
            success: status < 400,
            channel_name: channel.map(str::to_string),
            channel_id: channel.map(|c| format!("ch_{c}")),
            model: model.into(),
            ..Default::default()
        }
    }

    #[test]
    fn each_field_narrows_and_empty_matches_all() {
        let f: Filter = serde_yaml::from_str("{}").unwrap();
        assert!(f.is_empty() && f.matches(&rec(200, None, "m")));
        let f: Filter = serde_yaml::from_str("{failureOnly: true}").unwrap();
        assert!(!f.matches(&rec(200, Some("a"), "m")) && f.matches(&rec(502, Some("a"), "m")));
        let f: Filter = serde_yaml::from_str("{success_only: true}").unwrap();
        assert!(f.matches(&rec(200, Some("a"), "m")) && !f.matches(&rec(429, None, "m")));
        let f: Filter = serde_yaml::from_str("{statusCodes: [429, '5xx']}").unwrap();
        assert!(f.matches(&rec(429, None, "m")) && f.matches(&rec(503, None, "m")) && !f.matches(&rec(404, None, "m")));
        let f: Filter = serde_yaml::from_str("{channels: [Main], models: ['claude-*']}").unwrap();
        assert!(f.matches(&rec(200, Some("main"), "claude-sonnet-4")));
        assert!(f.matches(&rec(200, Some("x"), "claude-sonnet-4")) == false);
        assert!(!f.matches(&rec(200, Some("main"), "gpt-4o")));
        assert!(!f.matches(&rec(401, None, "claude-x")), "no channel reached");
        let f: Filter = serde_yaml::from_str("{channels: [ch_main]}").unwrap();
        assert!(f.matches(&rec(200, Some("main"), "m")), "ids match too");
    }

    #[test]
    fn sampling_keeps_about_the_rate_and_is_stable() {
        let f: Filter = serde_yaml::from_str("{sampleRate: 0.25}").unwrap();
        let kept = (0..4000)
            .filter(|i| f.matches(&RequestRecord { id: format!("req_{i:08x}"), success: true, ..Default::default() }))
            .count();
        assert!((800..1200).contains(&kept), "{kept}");
        let zero: Filter = serde_yaml::from_str("{sampleRate: 0}").unwrap();
        assert!(!zero.matches(&rec(200, None, "m")));
        let r = rec(200, None, "m");
        assert_eq!(f.matches(&r), f.matches(&r));
    }

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
