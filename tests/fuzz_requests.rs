//! Property tests of the request and response converters (`protocol::convert`).
//!
//! 1. No panic on any input: arbitrary JSON, and valid requests with one node replaced by
//!    arbitrary JSON, through every protocol pair (`convert_request`, `convert_request_bytes`,
//!    `convert_response`, `convert_error`, the usage readers). In a debug build this also
//!    checks the borrowed Anthropic view against the typed model (the converter's
//!    `debug_assert` that the view accepts whatever the typed model accepts).
//! 2. The two conversion paths agree: `convert_request_bytes` gives the bytes of
//!    `convert_request`'s `Value`, for valid and mutated requests.
//! 3. Round trips keep messages, tools and parameters. Precisely, for the pairs that
//!    convert both ways:
//!    - **Anthropic → OpenAI → Anthropic** keeps: the system prompt (blocks joined with
//!      a blank line), every message's role and order; user texts (several text blocks come
//!      back as one, joined with `\n`: OpenAI's string content); assistant text
//!      (concatenated) then its `tool_use` blocks (id, name, input); `tool_result` blocks
//!      (tool_use_id, text content; they come first in their user message, as OpenAI `tool`
//!      messages precede the user turn); tools (name, description, input_schema);
//!      tool_choice (auto/any/none/tool+name, `disable_parallel_tool_use` when there are
//!      tools); max_tokens, temperature, top_p, top_k, stop_sequences, stream,
//!      metadata.user_id. Not kept, by design: `is_error` (becomes an `Error: ` prefix of the
//!      text), thinking blocks and the thinking budget (OpenAI has only an effort level:
//!      budget → low/medium/high → 2048/8192/24576), images' `url`/`base64` distinctions are
//!      kept but not generated here.
//!    - **OpenAI → Anthropic → OpenAI** keeps: system messages at the start (joined with a
//!      blank line into one), user / assistant / tool messages in order with their text,
//!      assistant `tool_calls` (id, name, arguments as JSON), `tool_call_id`; tools (name,
//!      description, parameters); tool_choice (auto/required/none/named);
//!      `parallel_tool_calls: false` with tools; max_tokens (`max_completion_tokens` comes
//!      back as `max_tokens`), temperature in [0, 1] (Anthropic's range: higher values are
//!      clamped to 1), top_p, top_k, stop (a string comes back as a one-item list), stream,
//!      user. Not kept: `reasoning_effort` (becomes a budget, and drops temperature as
//!      Anthropic requires), `n > 1` (refused), `response_format` (dropped with a warning).
//!    - **→ Gemini** converts one way only (Gemini is an upstream, never a client of these
//!      converters): every message text, tool name and sampling parameter is present in the
//!      Gemini request.
//!    - Responses, **Anthropic → OpenAI → Anthropic**: text, tool_use blocks (id, name,
//!      input), stop reason (stop_sequence comes back as end_turn: OpenAI has only "stop")
//!      and token counts.

use super::fuzz_support::{cases, json, replace_nth};
use proptest::prelude::*;
use routex::protocol::{
    convert_error, convert_request, convert_request_bytes, convert_response, usage_from_bytes, usage_from_response,
    Protocol,
};
use serde_json::{json, Map, Value};

const PAIRS: [(Protocol, Protocol); 9] = [
    (Protocol::Anthropic, Protocol::Anthropic),
    (Protocol::Anthropic, Protocol::Openai),
    (Protocol::Anthropic, Protocol::Gemini),
    (Protocol::Openai, Protocol::Anthropic),
    (Protocol::Openai, Protocol::Openai),
    (Protocol::Openai, Protocol::Gemini),
    (Protocol::Gemini, Protocol::Anthropic),
    (Protocol::Gemini, Protocol::Openai),
    (Protocol::Gemini, Protocol::Gemini),
];

/// Non-empty text, any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-zA-Z0-9 .,!?]{1,20}", 1 => "\\PC{1,12}", 1 => "[a-z]{1,5}\n[\t a-z]{1,5}"]
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}"
}

/// A flat JSON object for tool inputs and schemas.
fn object() -> impl Strategy<Value = Value> {
    proptest::collection::vec(
        (
            ident(),
            prop_oneof![
                any::<i32>().prop_map(Value::from),
                any::<bool>().prop_map(Value::from),
                text().prop_map(Value::from),
                Just(Value::Null),
                Just(json!({"nested": [1, "two", {"three": 3.5}]})),
            ],
        ),
        0..4,
    )
    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>()))
}

fn schema() -> impl Strategy<Value = Value> {
    proptest::collection::vec(ident(), 0..3).prop_map(|props| {
        let p: Map<String, Value> = props.into_iter().map(|k| (k, json!({"type": "string"}))).collect();
        json!({"type": "object", "properties": p})
    })
}

#[derive(Debug, Clone)]
struct Turn {
    user_texts: Vec<String>,
    results: Vec<String>,
    assistant_text: Option<String>,
    calls: Vec<(String, Value)>,
}

fn turn() -> impl Strategy<Value = Turn> {
    (
        proptest::collection::vec(text(), 0..3),
        proptest::collection::vec(text(), 0..3),
        proptest::option::of(text()),
        proptest::collection::vec((ident(), object()), 0..3),
    )
        .prop_map(|(user_texts, results, assistant_text, calls)| Turn {
            user_texts,
            results,
            assistant_text,
            calls,
        })
}

#[derive(Debug, Clone)]
struct Params {
    max_tokens: u32,
    temperature: Option<f64>,
    top_p: Option<f64>,
    top_k: Option<u32>,
    stop: Option<Vec<String>>,
    stream: bool,
    user: Option<String>,
    choice: Option<(u8, bool)>,
}

fn params() -> impl Strategy<Value = Params> {
    (
        1u32..200_000,
        proptest::option::of((0u32..=100).prop_map(|t| f64::from(t) / 100.0)),
        proptest::option::of((1u32..=100).prop_map(|t| f64::from(t) / 100.0)),
        proptest::option::of(1u32..500),
        proptest::option::of(proptest::collection::vec(text(), 1..3)),
        any::<bool>(),
        proptest::option::of(ident()),
        proptest::option::of((0u8..4, any::<bool>())),
    )
        .prop_map(|(max_tokens, temperature, top_p, top_k, stop, stream, user, choice)| Params {
            max_tokens,
            temperature,
            top_p,
            top_k,
            stop,
            stream,
            user,
            choice,
        })
}

#[derive(Debug, Clone)]
struct Conversation {
    system: Vec<String>,
    turns: Vec<Turn>,
    last_user: String,
    tools: Vec<(String, Option<String>, Value)>,
    params: Params,
}

fn conversation() -> impl Strategy<Value = Conversation> {
    (
        proptest::collection::vec(text(), 0..3),
        proptest::collection::vec(turn(), 0..4),
        text(),
        proptest::collection::vec((ident(), proptest::option::of(text()), schema()), 0..3),
        params(),
    )
        .prop_map(|(system, turns, last_user, tools, params)| Conversation {
            system,
            turns,
            last_user,
            tools,
            params,
        })
}

/// Tool-call ids are unique per conversation: `call_<turn>_<n>`.
fn call_id(t: usize, n: usize) -> String {
    format!("call_{t}_{n}")
}

/// The conversation as an Anthropic request. Each turn: a user message (tool results for
/// the previous turn's calls first, then texts), an assistant message (text, then calls).
fn anthropic_request(c: &Conversation) -> Value {
    let mut messages = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let user = |pending: &mut Vec<String>, results: &[String], texts: &[String]| {
        let mut blocks = Vec::new();
        for (i, id) in pending.drain(..).enumerate() {
            let content = results.get(i).cloned().unwrap_or_else(|| "done".into());
            blocks.push(json!({"type": "tool_result", "tool_use_id": id, "content": content}));
        }
        for t in texts {
            blocks.push(json!({"type": "text", "text": t}));
        }
        blocks
    };
    for (ti, t) in c.turns.iter().enumerate() {
        let blocks = user(&mut pending, &t.results, &t.user_texts);
        if blocks.is_empty() {
            messages.push(json!({"role": "user", "content": "go on"}));
        } else {
            messages.push(json!({"role": "user", "content": blocks}));
        }
        let mut blocks = Vec::new();
        if let Some(x) = &t.assistant_text {
            blocks.push(json!({"type": "text", "text": x}));
        }
        for (n, (name, input)) in t.calls.iter().enumerate() {
            let id = call_id(ti, n);
            blocks.push(json!({"type": "tool_use", "id": id, "name": name, "input": input}));
            pending.push(id);
        }
        if blocks.is_empty() {
            blocks.push(json!({"type": "text", "text": "ok"}));
        }
        messages.push(json!({"role": "assistant", "content": blocks}));
    }
    let last = user(&mut pending, &[], std::slice::from_ref(&c.last_user));
    messages.push(json!({"role": "user", "content": last}));

    let p = &c.params;
    let mut body = json!({"model": "claude-x", "max_tokens": p.max_tokens, "messages": messages});
    let o = body.as_object_mut().unwrap();
    match c.system.len() {
        0 => {}
        1 => {
            o.insert("system".into(), json!(c.system[0]));
        }
        _ => {
            let blocks: Vec<Value> = c.system.iter().map(|s| json!({"type": "text", "text": s})).collect();
            o.insert("system".into(), Value::Array(blocks));
        }
    }
    if !c.tools.is_empty() {
        let tools: Vec<Value> = c
            .tools
            .iter()
            .map(|(n, d, s)| {
                let mut t = json!({"name": n, "input_schema": s});
                if let Some(d) = d {
                    t["description"] = json!(d);
                }
                t
            })
            .collect();
        o.insert("tools".into(), Value::Array(tools));
    }
    if let Some((kind, parallel)) = p.choice {
        let mut tc = match kind {
            0 => json!({"type": "auto"}),
            1 => json!({"type": "any"}),
            2 => json!({"type": "none"}),
            _ => json!({"type": "tool", "name": c.tools.first().map(|t| t.0.as_str()).unwrap_or("lookup")}),
        };
        if parallel && kind != 2 && !c.tools.is_empty() {
            tc["disable_parallel_tool_use"] = json!(true);
        }
        o.insert("tool_choice".into(), tc);
    }
    if let Some(t) = p.temperature {
        o.insert("temperature".into(), json!(t));
    }
    if let Some(t) = p.top_p {
        o.insert("top_p".into(), json!(t));
    }
    if let Some(k) = p.top_k {
        o.insert("top_k".into(), json!(k));
    }
    if let Some(s) = &p.stop {
        o.insert("stop_sequences".into(), json!(s));
    }
    if p.stream {
        o.insert("stream".into(), json!(true));
    }
    if let Some(u) = &p.user {
        o.insert("metadata".into(), json!({"user_id": u}));
    }
    body
}

/// The conversation as an OpenAI request: system messages first, then per turn a user
/// message (after the `tool` messages answering the previous turn's calls), an assistant
/// message (text and/or tool_calls).
fn openai_request(c: &Conversation) -> Value {
    let mut messages: Vec<Value> = c.system.iter().map(|s| json!({"role": "system", "content": s})).collect();
    let mut pending: Vec<String> = Vec::new();
    let tool_msgs = |pending: &mut Vec<String>, results: &[String], messages: &mut Vec<Value>| {
        for (i, id) in pending.drain(..).enumerate() {
            let content = results.get(i).cloned().unwrap_or_else(|| "done".into());
            messages.push(json!({"role": "tool", "tool_call_id": id, "content": content}));
        }
    };
    for (ti, t) in c.turns.iter().enumerate() {
        tool_msgs(&mut pending, &t.results, &mut messages);
        // One user message per turn: OpenAI→Anthropic merges consecutive user messages.
        let joined = t.user_texts.join("\n");
        messages.push(json!({"role": "user", "content": if joined.is_empty() { "go on".into() } else { joined }}));
        let mut m = json!({"role": "assistant"});
        m["content"] = match &t.assistant_text {
            Some(x) => json!(x),
            None if t.calls.is_empty() => json!("ok"),
            None => Value::Null,
        };
        if !t.calls.is_empty() {
            let calls: Vec<Value> = t
                .calls
                .iter()
                .enumerate()
                .map(|(n, (name, input))| {
                    let id = call_id(ti, n);
                    pending.push(id.clone());
                    json!({"id": id, "type": "function",
                        "function": {"name": name, "arguments": serde_json::to_string(input).unwrap()}})
                })
                .collect();
            m["tool_calls"] = Value::Array(calls);
        }
        messages.push(m);
    }
    tool_msgs(&mut pending, &[], &mut messages);
    messages.push(json!({"role": "user", "content": c.last_user}));

    let p = &c.params;
    let mut body = json!({"model": "gpt-x", "max_tokens": p.max_tokens, "messages": messages});
    let o = body.as_object_mut().unwrap();
    if !c.tools.is_empty() {
        let tools: Vec<Value> = c
            .tools
            .iter()
            .map(|(n, d, s)| {
                let mut f = json!({"name": n, "parameters": s});
                if let Some(d) = d {
                    f["description"] = json!(d);
                }
                json!({"type": "function", "function": f})
            })
            .collect();
        o.insert("tools".into(), Value::Array(tools));
    }
    if let Some((kind, parallel)) = p.choice {
        let tc = match kind {
            0 => json!("auto"),
            1 => json!("required"),
            2 => json!("none"),
            _ => json!({"type": "function",
                "function": {"name": c.tools.first().map(|t| t.0.as_str()).unwrap_or("lookup")}}),
        };
        o.insert("tool_choice".into(), tc);
        if parallel && kind != 2 && !c.tools.is_empty() {
            o.insert("parallel_tool_calls".into(), json!(false));
        }
    }
    if let Some(t) = p.temperature {
        o.insert("temperature".into(), json!(t));
    }
    if let Some(t) = p.top_p {
        o.insert("top_p".into(), json!(t));
    }
    if let Some(k) = p.top_k {
        o.insert("top_k".into(), json!(k));
    }
    match &p.stop {
        Some(s) if s.len() == 1 => {
            o.insert("stop".into(), json!(s[0]));
        }
        Some(s) => {
            o.insert("stop".into(), json!(s));
        }
        None => {}
    }
    if p.stream {
        o.insert("stream".into(), json!(true));
    }
    if let Some(u) = &p.user {
        o.insert("user".into(), json!(u));
    }
    body
}

/// What an Anthropic request says, in the form a round trip must keep (see the module doc).
fn anthropic_meaning(b: &Value) -> Value {
    let texts = |c: &Value| -> Vec<String> {
        match c {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(|x| x["text"].as_str().map(str::to_string)).collect(),
            _ => vec![],
        }
    };
    let system: Vec<String> = b.get("system").map(texts).unwrap_or_default();
    let mut messages = Vec::new();
    for m in b["messages"].as_array().unwrap() {
        let role = m["role"].as_str().unwrap();
        let blocks: Vec<Value> = match &m["content"] {
            Value::String(s) => vec![json!({"type": "text", "text": s})],
            Value::Array(a) => a.clone(),
            other => panic!("content {other}"),
        };
        let mut items = Vec::new();
        let mut text: Option<String> = None;
        let join = if role == "user" { "\n" } else { "" };
        for bl in blocks {
            match bl["type"].as_str().unwrap() {
                "text" => {
                    let t = bl["text"].as_str().unwrap();
                    text = Some(match text.take() {
                        Some(prev) => format!("{prev}{join}{t}"),
                        None => t.to_string(),
                    });
                }
                "tool_use" => items.push(json!(["tool_use", bl["id"], bl["name"], bl["input"]])),
                "tool_result" => {
                    items.push(json!(["tool_result", bl["tool_use_id"], texts(&bl["content"]).join("\n")]))
                }
                t => panic!("unexpected block {t}"),
            }
        }
        if let Some(t) = text {
            // Texts go after tool results in a user turn, before tool calls in an assistant turn.
            if role == "user" {
                items.push(json!(["text", t]));
            } else {
                items.insert(0, json!(["text", t]));
            }
        }
        messages.push(json!([role, items]));
    }
    let tools: Vec<Value> = b["tools"]
        .as_array()
        .map(|ts| ts.iter().map(|t| json!([t["name"], t["description"], t["input_schema"]])).collect())
        .unwrap_or_default();
    json!({
        "system": system.join("\n\n"),
        "messages": messages,
        "tools": tools,
        "tool_choice": b["tool_choice"],
        "max_tokens": b["max_tokens"],
        "temperature": b["temperature"],
        "top_p": b["top_p"],
        "top_k": b["top_k"],
        "stop": b["stop_sequences"],
        "stream": b["stream"].as_bool().unwrap_or(false),
        "user": b["metadata"]["user_id"],
    })
}

/// What an OpenAI request says, in the form a round trip must keep (see the module doc).
fn openai_meaning(b: &Value) -> Value {
    let mut system = Vec::new();
    let mut messages = Vec::new();
    for m in b["messages"].as_array().unwrap() {
        let role = m["role"].as_str().unwrap();
        let content = match &m["content"] {
            Value::String(s) => Value::String(s.clone()),
            Value::Array(parts) => {
                Value::String(parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"))
            }
            _ => Value::Null,
        };
        if role == "system" {
            system.push(content.as_str().unwrap_or("").to_string());
            continue;
        }
        let calls: Vec<Value> = m["tool_calls"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        let args: Value = serde_json::from_str(c["function"]["arguments"].as_str().unwrap()).unwrap();
                        json!([c["id"], c["function"]["name"], args])
                    })
                    .collect()
            })
            .unwrap_or_default();
        let content = if content == json!("") && !calls.is_empty() { Value::Null } else { content };
        messages.push(json!([role, content, calls, m["tool_call_id"]]));
    }
    let tools: Vec<Value> = b["tools"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| json!([t["function"]["name"], t["function"]["description"], t["function"]["parameters"]]))
                .collect()
        })
        .unwrap_or_default();
    let stop = match &b["stop"] {
        Value::String(s) => json!([s]),
        other => other.clone(),
    };
    json!({
        "system": system.join("\n\n"),
        "messages": messages,
        "tools": tools,
        "tool_choice": b["tool_choice"],
        "parallel_tool_calls": b["parallel_tool_calls"],
        "max_tokens": b.get("max_completion_tokens").unwrap_or(&b["max_tokens"]),
        "temperature": b["temperature"],
        "top_p": b["top_p"],
        "top_k": b["top_k"],
        "stop": stop,
        "stream": b["stream"].as_bool().unwrap_or(false),
        "user": b["user"],
    })
}

/// Converting both ways must agree with the bytes path; returns the converted value.
fn both_paths(from: Protocol, to: Protocol, body: &Value) -> Result<Value, String> {
    let v = convert_request(from, to, body, "m").map_err(|e| e.to_string());
    let b = convert_request_bytes(from, to, body, "m").map_err(|e| e.to_string());
    match (&v, &b) {
        (Ok(v), Ok(b)) => assert_eq!(serde_json::to_vec(v).unwrap(), *b, "{from} → {to}: the two paths differ"),
        (Err(x), Err(y)) => assert_eq!(x, y),
        _ => panic!("{from} → {to}: one path failed, the other did not: {v:?} / {b:?}"),
    }
    v
}

/// Every string in `v` (keys excluded).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(cases(200))]

    #[test]
    fn any_json_request_converts_or_errors_without_panic(body in json()) {
        for (from, to) in PAIRS {
            let _ = both_paths(from, to, &body);
        }
    }

    #[test]
    fn mutated_anthropic_requests_convert_or_error_without_panic(
        c in conversation(), at in any::<usize>(), with in json()
    ) {
        let mut body = anthropic_request(&c);
        replace_nth(&mut body, at, with);
        for to in [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini] {
            let _ = both_paths(Protocol::Anthropic, to, &body);
        }
    }

    #[test]
    fn mutated_openai_requests_convert_or_error_without_panic(
        c in conversation(), at in any::<usize>(), with in json()
    ) {
        let mut body = openai_request(&c);
        replace_nth(&mut body, at, with);
        for to in [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini] {
            let _ = both_paths(Protocol::Openai, to, &body);
        }
    }

    #[test]
    fn anthropic_request_survives_a_round_trip_through_openai(c in conversation()) {
        let body = anthropic_request(&c);
        let there = both_paths(Protocol::Anthropic, Protocol::Openai, &body).unwrap();
        let back = both_paths(Protocol::Openai, Protocol::Anthropic, &there).unwrap();
        prop_assert_eq!(anthropic_meaning(&back), anthropic_meaning(&body), "via {}", there);
    }

    #[test]
    fn openai_request_survives_a_round_trip_through_anthropic(c in conversation()) {
        let body = openai_request(&c);
        let there = both_paths(Protocol::Openai, Protocol::Anthropic, &body).unwrap();
        let back = both_paths(Protocol::Anthropic, Protocol::Openai, &there).unwrap();
        prop_assert_eq!(openai_meaning(&back), openai_meaning(&body), "via {}", there);
    }

    #[test]
    fn requests_converted_to_gemini_keep_every_text_tool_and_parameter(c in conversation()) {
        for (from, body) in [(Protocol::Anthropic, anthropic_request(&c)), (Protocol::Openai, openai_request(&c))] {
            let g = both_paths(from, Protocol::Gemini, &body).unwrap();
            let mut got = Vec::new();
            strings(&g, &mut got);
            let all = got.join("\u{0}");
            // A turn's tool results exist only for the previous turn's calls.
            let results = c.turns.iter().enumerate().flat_map(|(i, t)| {
                let calls = if i == 0 { 0 } else { c.turns[i - 1].calls.len() };
                t.results.iter().take(calls)
            });
            let wanted = c.turns.iter().flat_map(|t| t.user_texts.iter().chain(&t.assistant_text))
                .chain(results).chain(&c.system).chain(std::iter::once(&c.last_user));
            for t in wanted {
                prop_assert!(all.contains(t.as_str()), "{from} → gemini lost the text {t:?}: {g}");
            }
            let declared: Vec<&str> = g["tools"].as_array().map(|ts| ts.iter()
                .flat_map(|t| t["functionDeclarations"].as_array().into_iter().flatten())
                .filter_map(|f| f["name"].as_str()).collect()).unwrap_or_default();
            let names: Vec<&str> = c.tools.iter().map(|t| t.0.as_str()).collect();
            prop_assert_eq!(declared, names);
            let gc = &g["generationConfig"];
            prop_assert_eq!(&gc["maxOutputTokens"], &json!(c.params.max_tokens));
            prop_assert_eq!(gc.get("temperature").and_then(Value::as_f64), c.params.temperature);
            prop_assert_eq!(gc.get("topP").and_then(Value::as_f64), c.params.top_p);
            prop_assert_eq!(gc.get("topK").and_then(Value::as_u64), c.params.top_k.map(u64::from));
            prop_assert_eq!(gc.get("stopSequences").cloned(), c.params.stop.as_ref().map(|s| json!(s)));
        }
    }

    #[test]
    fn any_response_or_error_body_converts_without_panic(body in json(), status in 100u16..600) {
        let bytes = serde_json::to_vec(&body).unwrap();
        for (up, client) in PAIRS {
            let _ = convert_response(up, client, &body, "m");
            let _ = convert_error(up, client, status, &bytes);
            let _ = convert_error(up, client, status, &bytes[..bytes.len() / 2]);
            let _ = usage_from_bytes(up, &bytes);
            let _ = usage_from_response(up, &body);
        }
    }

    #[test]
    fn anthropic_response_survives_a_round_trip_through_openai(
        blocks in proptest::collection::vec(prop_oneof![
            text().prop_map(|t| json!({"type": "text", "text": t})),
            (ident(), object()).prop_map(|(n, i)| json!({"type": "tool_use", "id": format!("toolu_{n}"), "name": n, "input": i})),
        ], 1..4),
        stop in proptest::sample::select(&["end_turn", "max_tokens", "tool_use"][..]),
        input in 0u64..1_000_000, output in 0u64..100_000,
    ) {
        let body = json!({"id": "msg_abc", "type": "message", "role": "assistant", "model": "claude-x",
            "content": blocks, "stop_reason": stop, "stop_sequence": null,
            "usage": {"input_tokens": input, "output_tokens": output}});
        let there = convert_response(Protocol::Anthropic, Protocol::Openai, &body, "m").unwrap();
        let back = convert_response(Protocol::Openai, Protocol::Anthropic, &there, "claude-x").unwrap();
        // Texts: OpenAI has one content string, so all text blocks come back as one.
        let text_of = |v: &Value| v["content"].as_array().unwrap().iter()
            .filter_map(|b| b["text"].as_str()).collect::<String>();
        let tools_of = |v: &Value| v["content"].as_array().unwrap().iter()
            .filter(|b| b["type"] == "tool_use").map(|b| json!([b["id"], b["name"], b["input"]])).collect::<Vec<_>>();
        prop_assert_eq!(text_of(&back), text_of(&body), "via {}", there);
        prop_assert_eq!(tools_of(&back), tools_of(&body));
        prop_assert_eq!(&back["stop_reason"], &body["stop_reason"]);
        prop_assert_eq!(&back["usage"]["input_tokens"], &json!(input));
        prop_assert_eq!(&back["usage"]["output_tokens"], &json!(output));
    }
}
