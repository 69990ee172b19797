//! Shared pieces of the property tests (`fuzz_*.rs`): the case count and an arbitrary
//! JSON generator biased towards the keys the converters look at.
//!
//! CI runs each property a bounded number of cases (the whole property suite stays under a
//! minute in a debug build); `ROUTEX_PROPTEST_CASES=N` multiplies every property's count by
//! `N / 100` for a long local run (e.g. `ROUTEX_PROPTEST_CASES=10000` runs 100× more).
//! Failures are not persisted to files: a failure found becomes a named regression test.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value};

/// A proptest config running `ci_cases` cases, scaled by `ROUTEX_PROPTEST_CASES / 100`.
pub fn cases(ci_cases: u32) -> Config {
    let scale = std::env::var("ROUTEX_PROPTEST_CASES").ok().and_then(|v| v.parse::<u64>().ok());
    let n = match scale {
        Some(s) => (u64::from(ci_cases) * s / 100).max(1),
        None => u64::from(ci_cases),
    };
    Config { cases: n.min(u64::from(u32::MAX)) as u32, failure_persistence: None, ..Config::default() }
}

/// Keys the converters and parsers branch on, so a random object often hits a real path.
const KEYS: &[&str] = &[
    "role",
    "content",
    "type",
    "text",
    "messages",
    "system",
    "tools",
    "tool_choice",
    "name",
    "id",
    "input",
    "input_schema",
    "parameters",
    "function",
    "arguments",
    "tool_calls",
    "tool_call_id",
    "tool_use_id",
    "model",
    "max_tokens",
    "stream",
    "temperature",
    "top_p",
    "top_k",
    "stop",
    "stop_sequences",
    "metadata",
    "user_id",
    "thinking",
    "budget_tokens",
    "reasoning_effort",
    "source",
    "media_type",
    "data",
    "url",
    "image_url",
    "choices",
    "delta",
    "usage",
    "index",
    "finish_reason",
    "stop_reason",
    "candidates",
    "parts",
    "functionCall",
    "args",
    "usageMetadata",
    "message",
    "content_block",
    "partial_json",
    "error",
    "is_error",
    "n",
    "file",
];

/// A short string: mostly a known key or type name, sometimes anything.
pub fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => proptest::sample::select(&["user", "assistant", "tool", "system", "developer", "tool_use",
            "tool_result", "image", "base64", "function", "auto", "any", "none", "required", "enabled",
            "text_delta", "input_json_delta", "message_start", "STOP", "end_turn"][..]).prop_map(str::to_string),
        2 => ".{0,12}",
    ]
}

/// Any JSON value, up to a few levels deep.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// `v` with its `n`-th node (pre-order, modulo the node count) replaced by `with`.
pub fn replace_nth(v: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, with: &mut Option<Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, n, with)),
            Value::Object(o) => o.values_mut().for_each(|x| walk(x, n, with)),
            _ => {}
        }
    }
    let mut n = n % count(v);
    walk(v, &mut n, &mut Some(with));
}

/// `bytes` cut at the given points (taken modulo the length, sorted).
pub fn split_at_points<'a>(bytes: &'a [u8], points: &[usize]) -> Vec<&'a [u8]> {
    if bytes.is_empty() {
        return vec![bytes];
    }
    let mut cuts: Vec<usize> = points.iter().map(|p| p % bytes.len()).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut from = 0;
    for c in cuts {
        out.push(&bytes[from..c]);
        from = c;
    }
    out.push(&bytes[from..]);
    out
}
