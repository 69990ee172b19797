//! The OpenAI Responses API entry point (`POST /v1/responses`), end to end: the official
//! `openai` Python SDK (`client.responses.create` / `client.responses.stream`, pinned in
//! `tests/e2e/requirements.txt`) through an in-process daemon to one mock channel of type
//! anthropic, openai or gemini; plus plain HTTP cases asserting the event bytes the
//! client got, the body the upstream got and the stored record.
//!
//! The SDK cases run `tests/e2e/openai_responses_client.py ROUTEX_URL SCENARIO` with the
//! venv made by `tests/e2e/setup.sh` (see `sdk_e2e.rs`); when it cannot be made they fail
//! with setup's output.

use crate::support::mock::{self, Behavior, MockUpstream};
use crate::support::sdk::{self, Run, Up};
use crate::support::stack::{channel, Stack};
use serde_json::{json, Value};
use std::time::Duration;

const CONFIG: &str = "server: { first_byte_timeout_s: 20, idle_timeout_s: 20 }\nlogging: { bodies: all }\n";
const CLIENT_KEY_MARKER: &str = "client-key-not-forwarded";
const SYSTEM: &str = "You are a terse assistant.";
const PROMPT: &str = "Say hello";
const TOOL_PROMPT: &str = "What is the weather in Paris?";
const TOOL_OUTPUT: &str = "sunny, 21 C";
const MODEL: &str = "gpt-4o";

fn weather_args() -> Value {
    json!({"city": "Paris", "unit": "c"})
}

async fn run_sdk(url: &str, scenario: &str, what: &str) -> Run {
    sdk::run_python(
        "openai_responses_client.py",
        url,
        scenario,
        what,
        &["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"],
    )
    .await
}

/// Usage as the Responses API reports it: `input_tokens` is the whole prompt.
fn check_usage(up: Up, u: &Value, ctx: &str) {
    let (prompt, cached) = match up {
        Up::Anthropic => {
            (mock::INPUT_TOKENS + mock::CACHE_READ_TOKENS + mock::CACHE_WRITE_TOKENS, mock::CACHE_READ_TOKENS)
        }
        Up::Openai | Up::Gemini => (mock::INPUT_TOKENS, mock::CACHE_READ_TOKENS),
    };
    assert_eq!(u["input_tokens"], prompt, "usage.input_tokens\n{ctx}");
    assert_eq!(u["output_tokens"], mock::OUTPUT_TOKENS, "usage.output_tokens\n{ctx}");
    assert_eq!(u["total_tokens"], prompt + mock::OUTPUT_TOKENS, "usage.total_tokens\n{ctx}");
    assert_eq!(u["input_tokens_details"]["cached_tokens"], cached, "cached_tokens\n{ctx}");
}

/// The upstream request: path, its own key (never the client's), system prompt and the
/// user's turn where the channel's protocol keeps them, the tool when one was offered.
fn check_upstream(up: Up, req: &mock::Recorded, stream: bool, tool: bool, ctx: &str) {
    assert_eq!(req.path, up.path(stream, MODEL), "upstream path\n{ctx}");
    for (name, value) in &req.headers {
        assert!(!value.contains(CLIENT_KEY_MARKER), "client key forwarded in {name}\n{ctx}");
    }
    let body = req.json();
    let prompt = if tool { TOOL_PROMPT } else { PROMPT };
    let text = body.to_string();
    assert!(text.contains(SYSTEM) && text.contains(prompt), "system and user text sent\n{body}\n{ctx}");
    match up {
        Up::Anthropic => {
            assert_eq!(body["system"].as_str().or(body["system"][0]["text"].as_str()), Some(SYSTEM), "{ctx}");
            assert_eq!(body["model"], MODEL, "{ctx}");
            assert!(body["max_tokens"].as_u64().is_some_and(|n| n > 0), "{ctx}");
            if tool {
                assert_eq!(body["tools"][0]["name"], "get_weather", "{ctx}");
                assert_eq!(body["tools"][0]["input_schema"]["required"], json!(["city"]), "{ctx}");
            }
        }
        Up::Openai => {
            assert_eq!(body["messages"][0], json!({"role": "system", "content": SYSTEM}), "{ctx}");
            assert_eq!(body["model"], MODEL, "{ctx}");
            if stream {
                assert_eq!(body["stream_options"]["include_usage"], true, "{ctx}");
            }
            if tool {
                assert_eq!(body["tools"][0]["type"], "function", "{ctx}");
                assert_eq!(body["tools"][0]["function"]["name"], "get_weather", "{ctx}");
            }
        }
        Up::Gemini => {
            assert_eq!(body["systemInstruction"]["parts"][0]["text"], SYSTEM, "{ctx}");
            if tool {
                assert_eq!(body["tools"][0]["functionDeclarations"][0]["name"], "get_weather", "{ctx}");
            }
        }
    }
    if !tool {
        assert!(body.get("tools").is_none(), "no tools upstream\n{ctx}");
    }
}

/// The tool result of the round trip, as the channel's protocol carries it.
fn check_tool_result(up: Up, req: &mock::Recorded, call_id: &str, ctx: &str) {
    let body = req.json();
    match up {
        Up::Anthropic => {
            let msgs = body["messages"].as_array().unwrap();
            assert_eq!(msgs.len(), 3, "user, assistant tool_use, user tool_result\n{body}\n{ctx}");
            assert_eq!(msgs[1]["content"][0]["type"], "tool_use", "{ctx}");
            assert_eq!(msgs[1]["content"][0]["id"], call_id, "{ctx}");
            assert_eq!(msgs[1]["content"][0]["input"], weather_args(), "{ctx}");
            let result = &msgs[2]["content"][0];
            assert_eq!(result["type"], "tool_result", "{ctx}");
            assert_eq!(result["tool_use_id"], call_id, "{ctx}");
            assert!(result.to_string().contains(TOOL_OUTPUT), "{ctx}");
        }
        Up::Openai => {
            let msgs = body["messages"].as_array().unwrap();
            let call = msgs.iter().find(|m| m["role"] == "assistant").expect("assistant turn");
            assert_eq!(call["tool_calls"][0]["id"], call_id, "{ctx}");
            let result = msgs.iter().find(|m| m["role"] == "tool").expect("tool message");
            assert_eq!(result["tool_call_id"], call_id, "{ctx}");
            assert_eq!(result["content"], TOOL_OUTPUT, "{ctx}");
        }
        Up::Gemini => {
            let parts: Vec<&Value> = body["contents"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| c["parts"].as_array().unwrap().iter())
                .collect();
            let call = parts.iter().find(|p| p.get("functionCall").is_some()).expect("functionCall part");
            assert_eq!(call["functionCall"]["name"], "get_weather", "{ctx}");
            assert_eq!(call["functionCall"]["args"], weather_args(), "{ctx}");
            let resp = parts.iter().find(|p| p.get("functionResponse").is_some()).expect("functionResponse part");
            assert_eq!(resp["functionResponse"]["name"], "get_weather", "{ctx}");
            assert!(resp.to_string().contains(TOOL_OUTPUT), "{ctx}");
        }
    }
}

async fn sdk_case(up: Up, scenario: &str) {
    let _ = crate::sdk_e2e::python();
    let mock = MockUpstream::start().await;
    mock.set_stream_end_delay(Duration::from_millis(100));
    let tool = scenario.contains("tool") || scenario == "round_trip";
    let stream = scenario.starts_with("stream");
    match scenario {
        "error" => mock.push(Behavior::status(400)),
        _ if tool => mock.push(Behavior::tool_call("get_weather", weather_args())),
        _ => {}
    }
    let mut stack = Stack::start(CONFIG, vec![channel("up", up.kind(), &up.base_url(&mock), 0)]).await;
    let sdk_scenario = if scenario == "error" { "text" } else { scenario };
    let run = run_sdk(&stack.url, sdk_scenario, &format!("openai SDK responses -> {up:?} channel, {scenario}")).await;
    let (v, ctx) = (&run.json, run.ctx.as_str());
    let reqs = mock.requests();
    if scenario == "error" {
        assert_eq!(run.code, Some(1), "the SDK raised\n{ctx}");
        assert_eq!(v["error"]["type"], "BadRequestError", "{ctx}");
        assert_eq!(v["error"]["status_code"], 400, "{ctx}");
        assert_eq!(v["error"]["body"]["message"], "Invalid request", "the upstream's message\n{ctx}");
        assert_eq!(reqs.len(), 1, "{ctx}");
        stack.stop().await;
        return;
    }
    assert_eq!(run.code, Some(0), "{ctx}");
    assert_eq!(v["object"], "response", "{ctx}");
    assert_eq!(v["model"], MODEL, "the model the client asked for\n{ctx}");
    assert_eq!(v["status"], "completed", "{ctx}");
    assert!(v["id"].as_str().is_some_and(|id| id.starts_with("resp_")), "{ctx}");
    check_upstream(up, &reqs[0], stream, tool, ctx);
    match scenario {
        "text" | "stream_text" => {
            assert_eq!(v["text"], mock::DEFAULT_TEXT, "{ctx}");
            assert_eq!(v["item_types"], json!(["message"]), "{ctx}");
            assert_eq!(v["tool_calls"], json!([]), "{ctx}");
        }
        "tool" | "stream_tool" => {
            assert_eq!(v["text"], "", "{ctx}");
            let calls = v["tool_calls"].as_array().unwrap();
            assert_eq!(calls.len(), 1, "{ctx}");
            assert_eq!(calls[0]["name"], "get_weather", "{ctx}");
            assert_eq!(calls[0]["arguments"], weather_args(), "{ctx}");
            assert!(calls[0]["call_id"].as_str().is_some_and(|c| !c.is_empty()), "{ctx}");
        }
        "round_trip" => {
            let first = &v["first"];
            let calls = first["tool_calls"].as_array().unwrap();
            assert_eq!(calls.len(), 1, "{ctx}");
            assert_eq!(calls[0]["arguments"], weather_args(), "{ctx}");
            assert_eq!(v["text"], mock::DEFAULT_TEXT, "the answer after the tool result\n{ctx}");
            assert_eq!(reqs.len(), 2, "{ctx}");
            check_tool_result(up, &reqs[1], calls[0]["call_id"].as_str().unwrap(), ctx);
        }
        _ => unreachable!(),
    }
    if stream {
        let events: Vec<&str> = v["events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(events.first(), Some(&"response.created"), "{ctx}");
        assert_eq!(events.last(), Some(&"response.completed"), "{ctx}");
        let want: &[&str] = if tool {
            &[
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
                "response.output_item.done",
            ]
        } else {
            &[
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
            ]
        };
        for w in want {
            assert!(events.contains(w), "{w} in the stream\n{ctx}");
        }
        if !tool {
            assert_eq!(v["streamed_text"], mock::DEFAULT_TEXT, "{ctx}");
            let deltas = events.iter().filter(|e| **e == "response.output_text.delta").count();
            assert!(deltas >= 2, "streamed in several deltas\n{ctx}");
        }
    }
    check_usage(up, &v["usage"], ctx);
    // The request log tells the Responses API apart and keeps what the client sent.
    let records = stack.records().await;
    assert_eq!(records.len(), reqs.len(), "{records:?}\n{ctx}");
    let r = &records[0];
    assert_eq!((r.status, r.success), (200, true), "{r:?}\n{ctx}");
    assert_eq!(r.client_protocol, "responses", "{ctx}");
    assert_eq!(r.endpoint, "/v1/responses", "{ctx}");
    assert_eq!(r.stream, stream, "{ctx}");
    assert_eq!(r.tokens.output, mock::OUTPUT_TOKENS, "{ctx}");
    let body: Value = serde_json::from_str(r.request_body.as_deref().unwrap()).unwrap();
    assert!(body.get("input").is_some() && body.get("messages").is_none(), "the client's own body\n{ctx}");
}

macro_rules! sdk_cases {
    ($($name:ident => $up:ident, $scenario:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            sdk_case(Up::$up, $scenario).await;
        }
    )*};
}

sdk_cases! {
    responses_sdk_on_openai_text => Openai, "text";
    responses_sdk_on_openai_stream_text => Openai, "stream_text";
    responses_sdk_on_openai_tool => Openai, "tool";
    responses_sdk_on_openai_stream_tool => Openai, "stream_tool";
    responses_sdk_on_openai_round_trip => Openai, "round_trip";
    responses_sdk_on_openai_error => Openai, "error";
    responses_sdk_on_anthropic_text => Anthropic, "text";
    responses_sdk_on_anthropic_stream_text => Anthropic, "stream_text";
    responses_sdk_on_anthropic_tool => Anthropic, "tool";
    responses_sdk_on_anthropic_stream_tool => Anthropic, "stream_tool";
    responses_sdk_on_anthropic_round_trip => Anthropic, "round_trip";
    responses_sdk_on_anthropic_error => Anthropic, "error";
    responses_sdk_on_gemini_text => Gemini, "text";
    responses_sdk_on_gemini_stream_text => Gemini, "stream_text";
    responses_sdk_on_gemini_tool => Gemini, "tool";
    responses_sdk_on_gemini_stream_tool => Gemini, "stream_tool";
    responses_sdk_on_gemini_round_trip => Gemini, "round_trip";
    responses_sdk_on_gemini_error => Gemini, "error";
}

/// `previous_response_id` asks for state routex does not keep: the SDK's typed 400 names
/// the field and `store: false`, and nothing reaches the upstream.
#[tokio::test]
async fn responses_previous_response_id_is_a_clear_400() {
    let _ = crate::sdk_e2e::python();
    let mock = MockUpstream::start().await;
    let mut stack = Stack::start(CONFIG, vec![channel("up", "openai", &Up::Openai.base_url(&mock), 0)]).await;
    let run = run_sdk(&stack.url, "previous", "previous_response_id").await;
    let (v, ctx) = (&run.json, run.ctx.as_str());
    assert_eq!(run.code, Some(1), "{ctx}");
    assert_eq!(v["error"]["type"], "BadRequestError", "{ctx}");
    let msg = v["error"]["body"]["message"].as_str().unwrap_or("");
    assert!(msg.starts_with("previous_response_id: routex keeps no responses"), "{ctx}");
    assert!(msg.contains("store: false"), "{ctx}");
    assert_eq!(v["error"]["body"]["type"], "invalid_request_error", "{ctx}");
    assert_eq!(mock.hits(), 0, "{ctx}");
    let records = stack.records().await;
    assert_eq!(records.len(), 1, "the refusal is recorded\n{ctx}");
    assert_eq!((records[0].status, records[0].client_protocol.as_str()), (400, "responses"), "{ctx}");
}

/// The raw event stream from an anthropic channel: event names and `type`s agree, the
/// sequence numbers count up, and `/metrics` counts the request under `protocol="responses"`.
#[tokio::test]
async fn responses_stream_bytes_and_metrics_label() {
    let mock = MockUpstream::start().await;
    mock.push(Behavior::tool_call("get_weather", weather_args()));
    let stack = Stack::start(CONFIG, vec![channel("up", "anthropic", &mock.url(), 0)]).await;
    let body = json!({
        "model": "claude-sonnet-4-5", "instructions": SYSTEM, "input": TOOL_PROMPT, "stream": true, "store": false,
        "max_output_tokens": 100,
        "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "tool_choice": "required",
    });
    let resp = stack.post("/v1/responses", &body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let text = resp.text().await.unwrap();
    let mut names = Vec::new();
    for (i, block) in text.split("\n\n").filter(|b| !b.trim().is_empty()).enumerate() {
        let event = block.lines().find_map(|l| l.strip_prefix("event: ")).expect("named event");
        let data: Value = serde_json::from_str(block.lines().find_map(|l| l.strip_prefix("data: ")).unwrap()).unwrap();
        assert_eq!(data["type"], event, "{block}");
        assert_eq!(data["sequence_number"], i, "{block}");
        names.push(event.to_string());
    }
    assert_eq!(names.first().map(String::as_str), Some("response.created"), "{text}");
    assert_eq!(names.last().map(String::as_str), Some("response.completed"), "{text}");
    assert!(names.iter().any(|n| n == "response.function_call_arguments.delta"), "{text}");
    // What the anthropic channel got: the converted request.
    let up = mock.requests()[0].json();
    assert_eq!(up["max_tokens"], 100);
    assert_eq!(up["tool_choice"], json!({"type": "any"}));
    assert_eq!(up["messages"][0]["role"], "user");
    assert!(up["messages"][0]["content"].to_string().contains(TOOL_PROMPT), "{up}");
    assert!(up["system"].to_string().contains(SYSTEM));
    // The stream's record (and so its metrics) is made as the stream ends: wait for it.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut metrics = String::new();
    while std::time::Instant::now() < deadline {
        metrics = stack.http.get(format!("{}/metrics", stack.url)).send().await.unwrap().text().await.unwrap();
        if metrics.contains("protocol=\"responses\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("routex_request_duration_seconds_count{") && l.contains("protocol=\"responses\"")),
        "{metrics}"
    );
}

/// Failover applies unchanged: the first channel's 500 moves the stream to the second
/// before the client has anything, and the record names both attempts.
#[tokio::test]
async fn responses_stream_fails_over_before_the_first_byte() {
    let bad = MockUpstream::start().await;
    bad.set_default(Behavior::status(500));
    let good = MockUpstream::start().await;
    let mut stack = Stack::start(
        CONFIG,
        vec![channel("bad", "openai", &Up::Openai.base_url(&bad), 10), channel("good", "gemini", &good.url(), 0)],
    )
    .await;
    let body = json!({"model": MODEL, "input": PROMPT, "stream": true});
    let resp = stack.post("/v1/responses", &body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-channel-name"], "good");
    let trace_id = resp.headers()["x-trace-id"].to_str().unwrap().to_string();
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("event: response.created\n"), "{text}");
    assert!(text.contains("event: response.completed\n"), "{text}");
    assert_eq!((bad.hits(), good.hits()), (1, 1));
    // The trace names the client protocol too (kept as the stream's record is made).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let trace = loop {
        let r = stack.http.get(format!("{}/api/tracing/traces/{trace_id}", stack.url)).send().await.unwrap();
        if r.status() == 200 || std::time::Instant::now() > deadline {
            break r.json::<Value>().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let root = trace["data"]["spans"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "proxy.handle"))
        .unwrap_or_else(|| panic!("{trace}"));
    assert_eq!(root["attributes"]["routex.client.protocol"], "responses", "{root}");
    let records = stack.records().await;
    assert_eq!(records.len(), 1);
    let names: Vec<_> = records[0].attempts.iter().map(|a| a.channel_name.as_str()).collect();
    assert_eq!(names, ["bad", "good"]);
    assert_eq!(records[0].client_protocol, "responses");
}
