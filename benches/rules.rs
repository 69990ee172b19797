//! Criterion benchmarks: exact token counting of a ~500 KB Claude Code-like
//! prompt (budget 5 ms), its estimate, and one routing decision over 20
//! rules without token rules (budget 2 µs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

use routex::engine::rules::{
    count_tokens, estimate_tokens, Condition, HeaderCondition, RequestView, Rule, RuleSet, RuleSpec, RuleType,
};
use routex::protocol::Protocol;

const WORDS: &str = "the of and to in is that for it as was with be by on not he this are or his from at which \
but have an they you were her she there been one all we their has would when if so no will can more other its \
time some could them into only new about may then these than like first any after now also most over should \
where very through must just those such before well because each year people between how many work even back \
under while state both same during without another against three own system number way however part great \
function return value error request response model channel token message server client config file path \
build test result string option struct impl match should returns parse input output stream header body json \
rust cargo module crate trait generic lifetime borrow async await future thread lock mutex channel buffer \
refactor implement update delete create remove change fix issue bug feature support handle check verify \
because although therefore meanwhile nevertheless consequently furthermore instead otherwise perhaps \
Anthropic Claude OpenAI router upstream latency throughput retry timeout fallback priority rule condition";

/// Deterministic pseudo-random English-like prose.
fn prose(bytes: usize, seed: u64) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut s = String::with_capacity(bytes + 64);
    let mut x = seed | 1;
    let mut sentence_start = true;
    while s.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let w = words[(x % words.len() as u64) as usize];
        if sentence_start {
            let mut c = w.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            s.push(first);
            s.push_str(c.as_str());
        } else {
            s.push_str(w);
        }
        sentence_start = false;
        match (x >> 20) % 23 {
            0 | 1 => {
                s.push_str(". ");
                sentence_start = true;
            }
            2 => s.push_str(", "),
            3 => {
                s.push_str(".\n\n");
                sentence_start = true;
            }
            4 => s.push_str(&format!(" {} ", (x >> 30) % 10_000)),
            _ => s.push(' '),
        }
    }
    s
}

/// Source text formatted like Claude Code's Read tool output.
fn numbered_source(bytes: usize) -> String {
    let src = concat!(
        include_str!("../src/engine/rules/evaluate.rs"),
        include_str!("../src/engine/rules/tokens.rs"),
        include_str!("../src/engine/rules/validate.rs"),
    );
    let mut s = String::with_capacity(bytes + 256);
    let mut n = 1;
    'outer: loop {
        for line in src.lines() {
            s.push_str(&format!("{n:>6}→{line}\n"));
            n += 1;
            if s.len() >= bytes {
                break 'outer;
            }
        }
    }
    s
}

fn big_prompt() -> Value {
    let mut messages = vec![json!({"role": "user", "content": [
        {"type": "text", "text": prose(100_000, 7)}]})];
    for i in 0..8 {
        messages.push(json!({"role": "assistant", "content": [
            {"type": "thinking", "thinking": prose(4_000, 100 + i), "signature": "s"},
            {"type": "tool_use", "id": format!("toolu_{i}"), "name": "Read",
             "input": {"file_path": format!("src/file{i}.rs")}}]}));
        messages.push(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": format!("toolu_{i}"),
             "content": if i % 2 == 0 { numbered_source(40_000) } else { prose(40_000, 200 + i) }}]}));
    }
    json!({
        "model": "claude-sonnet-4-20250514",
        "system": [{"type": "text", "text": prose(20_000, 3)}],
        "messages": messages,
        "tools": (0..20).map(|i| json!({"name": format!("Tool{i}"), "description": prose(600, 300 + i),
            "input_schema": {"type": "object", "properties": {"arg": {"type": "string"}}}})).collect::<Vec<_>>()
    })
}

fn twenty_rules() -> Vec<Rule> {
    let spec = |name: &str, t: RuleType, c: Condition| RuleSpec {
        name: name.into(),
        enabled: true,
        priority: 0,
        rule_type: t,
        condition: c,
        target_channel: Some(format!("ch-{name}")),
        target_model: None,
    };
    let kw = |k: &[&str]| Condition { keywords: Some(k.iter().map(|s| s.to_string()).collect()), ..Default::default() };
    let mut specs = vec![
        spec("bg", RuleType::Background, Condition::default()),
        spec("think", RuleType::Think, Condition::default()),
        spec("web", RuleType::WebSearch, Condition::default()),
        spec("img", RuleType::Image, Condition::default()),
        spec("sub", RuleType::Subagent, Condition::default()),
    ];
    for i in 0..5 {
        specs.push(spec(
            &format!("model{i}"),
            RuleType::Model,
            Condition { model: Some(format!("gpt-{i}*")), ..Default::default() },
        ));
    }
    for i in 0..4 {
        specs.push(spec(&format!("kw{i}"), RuleType::Keywords, kw(&["ultrathink", "architect", &format!("word{i}")])));
    }
    for i in 0..3 {
        specs.push(spec(
            &format!("re{i}"),
            RuleType::Regex,
            Condition { regex: Some(format!(r"(?i)\bdeploy{i}\b")), ..Default::default() },
        ));
    }
    specs.push(spec(
        "hdr",
        RuleType::Header,
        Condition {
            header: Some(HeaderCondition { name: "x-routex-route".into(), value: "fast*".into() }),
            ..Default::default()
        },
    ));
    specs.push(spec(
        "custom",
        RuleType::Custom,
        Condition { has_tools: Some(true), tool_names: Some(vec!["NoSuchTool".into()]), ..Default::default() },
    ));
    // The last rule matches.
    specs.push(spec("catch-all", RuleType::Model, Condition { model: Some("claude-*".into()), ..Default::default() }));
    specs.last_mut().unwrap().priority = -1;
    assert_eq!(specs.len(), 20);
    specs.into_iter().map(Rule::from_spec).collect()
}

fn claude_code_request() -> Value {
    json!({
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 32000,
        "metadata": {"user_id": "user_abc_account__session_1"},
        "system": [
            {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
            {"type": "text", "text": "You are an interactive CLI tool that helps users with software engineering tasks."}
        ],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "<system-reminder>This is a reminder.</system-reminder>"},
                {"type": "text", "text": "Please fix the failing test in src/parser.rs and run cargo test."}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "cargo test"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "test result: ok"},
                {"type": "text", "text": "Now commit the change with a good message."}]}
        ],
        "tools": [
            {"name": "Bash", "description": "Run a shell command", "input_schema": {"type": "object"}},
            {"name": "Read", "description": "Read a file", "input_schema": {"type": "object"}},
            {"name": "Edit", "description": "Edit a file", "input_schema": {"type": "object"}}
        ]
    })
}

fn bench(c: &mut Criterion) {
    let body = big_prompt();
    let size = body.to_string().len();
    let tokens = count_tokens(Protocol::Anthropic, &body);
    eprintln!(
        "big prompt: {size} bytes JSON, {tokens} tokens, estimate {}",
        estimate_tokens(Protocol::Anthropic, &body)
    );
    c.bench_function("count_tokens 500KB", |b| b.iter(|| count_tokens(Protocol::Anthropic, black_box(&body))));
    c.bench_function("estimate_tokens 500KB", |b| b.iter(|| estimate_tokens(Protocol::Anthropic, black_box(&body))));

    let set = RuleSet::compile(&twenty_rules()).unwrap();
    let req = claude_code_request();
    let headers: &[(&str, &str)] = &[
        ("user-agent", "claude-cli/1.0.83 (external, cli)"),
        ("anthropic-version", "2023-06-01"),
        ("x-routex-route", "slow"),
    ];
    let view = RequestView::new(Protocol::Anthropic, &req, &headers);
    let up = |_: &str| true;
    let d = set.evaluate(&view, &up, false);
    assert_eq!(d.rule.as_ref().unwrap().rule_name, "catch-all");
    c.bench_function("evaluate 20 rules", |b| b.iter(|| set.evaluate(black_box(&view), &up, false)));
    // What the proxy did before it recorded the winning rule's reason.
    c.bench_function("route 20 rules", |b| b.iter(|| set.route(black_box(&view), &up)));
    c.bench_function("evaluate 20 rules explain", |b| b.iter(|| set.evaluate(black_box(&view), &up, true)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
