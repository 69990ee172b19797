//! Property tests of the config file parser (`engine::config::Config::parse`) and the
//! export/import document parser (`engine::portable::parse_document`).
//!
//! - No panic on any text: YAML trees built from the real section and field names with
//!   values of every type, the same texts with random edits (characters inserted, deleted,
//!   a cut), and arbitrary Unicode.
//! - An error names where it comes from: every error message carries the origin (the file
//!   name the user gave), so a user knows which file to fix.
//! - A document that parses is written back (`serde_yaml::to_string`, as `routex export`
//!   writes YAML) into text that parses to the same document.

use super::fuzz_support::cases;
use proptest::prelude::*;
use routex::engine::config::Config;
use routex::engine::portable::parse_document;
use serde_json::{json, Map, Value};

const ORIGIN: &str = "fuzzed-config.yaml";

const SECTIONS: &[&str] = &[
    "server",
    "load_balancer",
    "session",
    "circuit_breaker",
    "logging",
    "cache",
    "metrics",
    "tracing",
    "locale",
    "channels",
    "rules",
    "tees",
    "version",
    "strategy",
    "exported_at",
    "includes_secrets",
];

const FIELDS: &[&str] = &[
    "admin_token",
    "allowed_hosts",
    "api_key",
    "api_key_env",
    "api_keys",
    "api_keys_env",
    "api_version",
    "base_url",
    "bodies",
    "body_limit_mb",
    "body_max_kb",
    "body_memory_mb",
    "body_timeout_s",
    "capacity",
    "client_keys",
    "condition",
    "connect_timeout_s",
    "cors_origins",
    "deployment",
    "enabled",
    "endpoint",
    "failure_threshold",
    "first_byte_timeout_s",
    "header_timeout_s",
    "headers",
    "health_min_disk_mb",
    "host",
    "idle_timeout_s",
    "interval_ms",
    "keywords",
    "type",
    "log_level",
    "max_attempts",
    "max_connections",
    "max_mb",
    "max_traces",
    "model",
    "model_map",
    "models",
    "name",
    "open_s",
    "otlp",
    "port",
    "prices",
    "priority",
    "protocol",
    "regex",
    "request_timeout_s",
    "response_limit_mb",
    "retention_days",
    "ruleType",
    "sse_event_limit_kb",
    "strategy",
    "targetChannel",
    "targetModel",
    "timeout_s",
    "tokenThreshold",
    "toolNames",
    "transformers",
    "ttl_s",
    "weight",
    "workers",
    "enabled",
    "key",
    "value",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u64..70_000).prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        proptest::sample::select(
            &[
                "anthropic",
                "openai",
                "gemini",
                "round_robin",
                "weighted",
                "priority",
                "127.0.0.1",
                "https://api.example.test",
                "claude-*",
                "${HOME}",
                "sk-test-000",
                "",
                "en",
                "zh",
                "debug",
                "model",
                "keyword",
                "1.0",
                "~",
                "yes",
                "no",
                "0x1F",
                ".inf",
                "-.nan"
            ][..]
        )
        .prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
    ]
}

/// A tree shaped like a config file or a document, with real names and random values.
fn tree() -> impl Strategy<Value = Value> {
    let value = scalar().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(FIELDS).prop_map(str::to_string), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    });
    proptest::collection::vec((proptest::sample::select(SECTIONS).prop_map(str::to_string), value), 0..6)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>()))
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Cut(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(
        prop_oneof![
            (
                any::<usize>(),
                prop_oneof![
                    Just(':'),
                    Just('\n'),
                    Just(' '),
                    Just('-'),
                    Just('"'),
                    Just('['),
                    Just('{'),
                    Just('\t'),
                    Just('&'),
                    Just('*'),
                    Just('!'),
                    any::<char>()
                ]
            )
                .prop_map(|(i, c)| Edit::Insert(i, c)),
            any::<usize>().prop_map(Edit::Delete),
            any::<usize>().prop_map(Edit::Cut),
        ],
        0..4,
    )
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len() + 1;
        match *e {
            Edit::Insert(i, c) => chars.insert(i % n, c),
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % chars.len());
            }
            Edit::Cut(i) => chars.truncate(i % n),
            Edit::Delete(_) => {}
        }
    }
    chars.into_iter().collect()
}

/// Parses `text` both ways; neither may panic, errors name the origin, and a document
/// that parses survives being written back.
fn check(text: &str) -> Result<(), TestCaseError> {
    match Config::parse(text, ORIGIN) {
        Ok(_) => {}
        Err(e) => prop_assert!(e.to_string().contains(ORIGIN), "config error without the file name: {e}"),
    }
    match parse_document(text, ORIGIN) {
        Ok(doc) => {
            let written = serde_yaml::to_string(&doc).unwrap();
            let again = parse_document(&written, ORIGIN);
            prop_assert!(
                matches!(&again, Ok(d) if d == &doc),
                "written back as\n{written}\nreads as {again:?}, not {doc:?}"
            );
        }
        Err(e) => prop_assert!(e.to_string().contains(ORIGIN), "document error without the file name: {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn config_and_document_trees_parse_or_fail_naming_the_file(t in tree(), json_form in any::<bool>()) {
        let text = if json_form { t.to_string() } else { serde_yaml::to_string(&t).unwrap() };
        check(&text)?;
    }

    #[test]
    fn edited_config_text_parses_or_fails_naming_the_file(t in tree(), e in edits()) {
        check(&apply(&serde_yaml::to_string(&t).unwrap(), &e))?;
    }

    #[test]
    fn any_text_parses_or_fails_naming_the_file(text in "\\PC{0,200}") {
        check(&text)?;
    }

    #[test]
    fn valid_documents_survive_a_round_trip(
        names in proptest::collection::btree_set("[a-z][a-z0-9-]{0,12}", 0..4),
        kind in proptest::sample::select(&["anthropic", "openai", "gemini"][..]),
        weight in 1u32..100, strategy in proptest::option::of(proptest::sample::select(&["round_robin", "weighted", "priority", "least_used", "latency"][..])),
    ) {
        let channels: Vec<Value> = names.iter().map(|n| json!({"name": n, "type": kind, "api_key": format!("sk-{n}-0000000000"),
            "models": ["m-*"], "weight": weight})).collect();
        let mut doc = json!({"version": 1, "includes_secrets": true, "channels": channels});
        if let Some(s) = strategy {
            doc["strategy"] = json!(s);
        }
        let text = serde_yaml::to_string(&doc).unwrap();
        let parsed = parse_document(&text, ORIGIN);
        prop_assert!(parsed.is_ok(), "{text}: {parsed:?}");
        prop_assert_eq!(parsed.as_ref().unwrap().channels.len(), names.len());
        check(&text)?;
    }
}
