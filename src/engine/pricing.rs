//! Model prices and cost estimates: the built-in price table ([`PRICES`]), the lookup of a
//! model's price with `logging.prices` overrides first ([`price_of`]), and the cost of a
//! [`Usage`] at a price ([`cost_at`], [`estimate_cost`]).
//!
//! A leaf: it imports nothing from the engine but the usage type it prices and the glob
//! (itself a leaf), so the configuration (whose `logging.prices` holds [`Price`]s), the
//! proxy (which prices every answered request) and the request log can all depend on it
//! without depending on each other. It must stay that way: no store, no config, no
//! records in here. A price key with `*` (or another glob character) is a glob in
//! `engine::glob`'s syntax; one without is a prefix.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::protocol::Usage;

/// A model's price in USD per million tokens.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Uncached input.
    pub input: f64,
    /// Output (reasoning included).
    pub output: f64,
    /// Input read from cache.
    pub cache_read: f64,
    /// Input written to cache.
    pub cache_write: f64,
}

const fn price(input: f64, output: f64, cache_read: f64, cache_write: f64) -> Price {
    Price { input, output, cache_read, cache_write }
}

/// Built-in list prices (USD per MTok, standard tier, late 2025). A pattern without `*`
/// is a prefix; the longest matching pattern wins, so `gpt-4o-mini` beats `gpt-4o`.
/// Providers change prices: override them with `overrides` rather than trusting these.
pub const PRICES: &[(&str, Price)] = &[
    ("claude-opus-4-5", price(5.0, 25.0, 0.5, 6.25)),
    ("claude-opus-4", price(15.0, 75.0, 1.5, 18.75)),
    ("claude-sonnet-4", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-haiku-4", price(1.0, 5.0, 0.1, 1.25)),
    ("claude-3-7-sonnet", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-5-sonnet", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-5-haiku", price(0.8, 4.0, 0.08, 1.0)),
    ("claude-3-opus", price(15.0, 75.0, 1.5, 18.75)),
    ("claude-3-haiku", price(0.25, 1.25, 0.03, 0.3)),
    ("gpt-4o", price(2.5, 10.0, 1.25, 2.5)),
    ("gpt-4o-mini", price(0.15, 0.6, 0.075, 0.15)),
    ("gpt-4.1", price(2.0, 8.0, 0.5, 2.0)),
    ("gpt-4.1-mini", price(0.4, 1.6, 0.1, 0.4)),
    ("gpt-4.1-nano", price(0.1, 0.4, 0.025, 0.1)),
    ("o3", price(2.0, 8.0, 0.5, 2.0)),
    ("o3-mini", price(1.1, 4.4, 0.55, 1.1)),
    ("o3-pro", price(20.0, 80.0, 20.0, 20.0)),
    ("o4-mini", price(1.1, 4.4, 0.275, 1.1)),
    ("gemini-2.5-pro", price(1.25, 10.0, 0.125, 1.25)),
    ("gemini-2.5-flash", price(0.3, 2.5, 0.03, 0.3)),
    ("gemini-2.5-flash-lite", price(0.1, 0.4, 0.01, 0.1)),
    ("deepseek-chat", price(0.28, 0.42, 0.028, 0.28)),
    ("deepseek-reasoner", price(0.28, 0.42, 0.028, 0.28)),
];

/// Whether `pattern` (a glob with `*`, or a prefix when it has none) matches `model`.
fn price_pattern_matches(pattern: &str, model: &str) -> bool {
    if pattern.contains('*') {
        glob_match(pattern, model)
    } else {
        model.len() >= pattern.len()
            && model.is_char_boundary(pattern.len())
            && model[..pattern.len()].eq_ignore_ascii_case(pattern)
    }
}

fn best<'a>(table: impl Iterator<Item = (&'a str, &'a Price)>, model: &str) -> Option<&'a Price> {
    table.filter(|(p, _)| price_pattern_matches(p, model)).max_by_key(|(p, _)| p.len()).map(|(_, price)| price)
}

/// The price of `model`: `overrides` first (keys are prefixes or `*` globs), then
/// [`PRICES`]. Provider prefixes (`anthropic/…`, `models/…`, Bedrock's
/// `us.anthropic.…`) are ignored.
pub fn price_of(model: &str, overrides: &BTreeMap<String, Price>) -> Option<Price> {
    let mut bare = model.rsplit('/').next().unwrap_or(model);
    if let Some(i) = bare.find("anthropic.") {
        bare = &bare[i + "anthropic.".len()..];
    }
    for name in [model, bare] {
        if let Some(p) = best(overrides.iter().map(|(k, v)| (k.as_str(), v)), name) {
            return Some(*p);
        }
    }
    best(PRICES.iter().map(|(k, v)| (*k, v)), bare).copied()
}

/// Estimated cost in USD of `t` on `model` (the upstream model name); None when no price
/// is known. `reasoning` is already part of `output` and is not charged twice.
pub fn estimate_cost(model: &str, t: &Usage, overrides: &BTreeMap<String, Price>) -> Option<f64> {
    price_of(model, overrides).map(|p| cost_at(&p, t))
}

/// The cost in USD of `t` at price `p`.
pub fn cost_at(p: &Price, t: &Usage) -> f64 {
    let micro = t.input as f64 * p.input
        + t.output as f64 * p.output
        + t.cache_read as f64 * p.cache_read
        + t.cache_write as f64 * p.cache_write;
    micro / 1_000_000.0
}

pub use super::glob::matches as glob_match;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_estimates_use_the_table_and_overrides() {
        let none = BTreeMap::new();
        let mtok = |input, output| Usage { input, output, ..Default::default() };
        let sonnet = estimate_cost("claude-sonnet-4-5-20250929", &mtok(1_000_000, 1_000_000), &none).unwrap();
        assert!((sonnet - 18.0).abs() < 1e-9, "{sonnet}");
        let cached = Usage { cache_read: 1_000_000, cache_write: 1_000_000, ..Default::default() };
        let c = estimate_cost("anthropic/claude-sonnet-4", &cached, &none).unwrap();
        assert!((c - (0.3 + 3.75)).abs() < 1e-9, "{c}");
        let mini = estimate_cost("gpt-4o-mini-2024-07-18", &mtok(1_000_000, 0), &none).unwrap();
        assert!((mini - 0.15).abs() < 1e-9, "the longer pattern wins: {mini}");
        let opus45 = estimate_cost("claude-opus-4-5-20251101", &mtok(0, 1_000_000), &none).unwrap();
        assert!((opus45 - 25.0).abs() < 1e-9, "{opus45}");
        assert!(estimate_cost("us.anthropic.claude-3-5-haiku-20241022-v1:0", &mtok(1, 1), &none).is_some());
        assert_eq!(estimate_cost("llama-3-70b", &mtok(1, 1), &none), None);

        let mut o = BTreeMap::new();
        o.insert("claude-sonnet-*".to_string(), price(1.0, 2.0, 0.0, 0.0));
        o.insert("llama".to_string(), price(0.5, 0.5, 0.0, 0.0));
        let over = estimate_cost("claude-sonnet-4-5", &mtok(1_000_000, 1_000_000), &o).unwrap();
        assert!((over - 3.0).abs() < 1e-9, "{over}");
        let llama = estimate_cost("llama-3-70b", &mtok(2_000_000, 0), &o).unwrap();
        assert!((llama - 1.0).abs() < 1e-9, "{llama}");
        let p: Price = serde_json::from_str(r#"{"input":1,"output":2,"cache_read":0.1,"cache_write":1.25}"#).unwrap();
        assert_eq!(p, price(1.0, 2.0, 0.1, 1.25));
    }

    #[test]
    fn glob_matches_whole_names() {
        assert!(glob_match("claude-*", "Claude-Sonnet-4"));
        assert!(glob_match("*sonnet*", "claude-sonnet-4"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(!glob_match("gpt-4o", "gpt-4o-mini"));
    }
}
