//! The Gemini API entry point (`/v1beta/models/{model}:generateContent`,
//! `:streamGenerateContent`, `:countTokens`, `GET /v1beta/models`), end to end: Google's
//! `google-genai` Python SDK (pinned in `tests/e2e/requirements.txt`) through an
//! in-process daemon to one mock channel of type anthropic, openai or gemini; plus plain
//! HTTP cases for the JSON-array stream, the `?key=` client key and Google's error shape.
//!
//! The SDK cases run `tests/e2e/genai_client.py ROUTEX_URL SCENARIO` with the venv made by
//! `tests/e2e/setup.sh` (see `sdk_e2e.rs`).

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
const MODEL: &str = "gemini-2.5-flash";

fn weather_args() -> Value {
    json!({"city": "Paris", "unit": "c"})
}

async fn run_sdk(url: &str, scenario: &str, what: &str) -> Run {
    sdk::run_python(
        "genai_client.py",
        url,
        scenario,
        what,
        &[
            "GOOGLE_API_KEY",
            "GEMINI_API_KEY",
            "GOOGLE_GENAI_USE_VERTEXAI",
            "GOOGLE_CLOUD_PROJECT",
            "GOOGLE_GEMINI_BASE_URL",
        ],
    )
    .await
}

fn check_upstream(up: Up, req: &mock::Recorded, stream: bool, tool: bool, ctx: &str) {
    assert_eq!(req.path, up.path(stream, MODEL), "upstream path\n{ctx}");
    for (name, value) in &req.headers {
        assert!(!value.contains(CLIENT_KEY_MARKER), "client key forwarded in {name}\n{ctx}");
    }
    assert!(!req.path.contains(CLIENT_KEY_MARKER), "client key forwarded in the URL\n{ctx}");
    let body = req.json();
    let prompt = if tool { TOOL_PROMPT } else { PROMPT };
    assert!(body.to_string().contains(prompt), "the user's turn\n{body}\n{ctx}");
    match up {
        Up::Anthropic => {
            assert!(body["system"].to_string().contains(SYSTEM), "{ctx}");
            assert_eq!(body["model"], MODEL, "{ctx}");
            assert_eq!(body.get("stream").and_then(Value::as_bool).unwrap_or(false), stream, "{ctx}");
            if tool {
                assert_eq!(body["tools"][0]["name"], "get_weather", "{ctx}");
                assert_eq!(body["tools"][0]["input_schema"]["properties"]["city"]["type"], "string", "{ctx}");
            }
        }
        Up::Openai => {
            assert_eq!(body["messages"][0], json!({"role": "system", "content": SYSTEM}), "{ctx}");
            assert_eq!(body["model"], MODEL, "{ctx}");
            assert_eq!(body.get("stream").and_then(Value::as_bool).unwrap_or(false), stream, "{ctx}");
            if stream {
                assert_eq!(body["stream_options"]["include_usage"], true, "{ctx}");
            }
            if tool {
                assert_eq!(body["tools"][0]["function"]["name"], "get_weather", "{ctx}");
            }
        }
        Up::Gemini => {
            assert_eq!(body["systemInstruction"]["parts"][0]["text"], SYSTEM, "passed through\n{ctx}");
            if tool {
                assert_eq!(body["tools"][0]["functionDeclarations"][0]["name"], "get_weather", "{ctx}");
            }
        }
    }
}

fn check_tool_result(up: Up, req: &mock::Recorded, ctx: &str) {
    let body = req.json();
    match up {
        Up::Anthropic => {
            let msgs = body["messages"].as_array().unwrap();
            assert_eq!(msgs.len(), 3, "{body}\n{ctx}");
            assert_eq!(msgs[1]["content"][0]["type"], "tool_use", "{ctx}");
            assert_eq!(msgs[1]["content"][0]["input"], weather_args(), "{ctx}");
            let result = &msgs[2]["content"][0];
            assert_eq!(result["type"], "tool_result", "{ctx}");
            assert_eq!(result["tool_use_id"], msgs[1]["content"][0]["id"], "{ctx}");
            assert!(result.to_string().contains(TOOL_OUTPUT), "{ctx}");
        }
        Up::Openai => {
            let msgs = body["messages"].as_array().unwrap();
            let call = msgs.iter().find(|m| m["role"] == "assistant").expect("assistant turn");
            let result = msgs.iter().find(|m| m["role"] == "tool").expect("tool message");
            assert_eq!(result["tool_call_id"], call["tool_calls"][0]["id"], "{ctx}");
            assert_eq!(result["content"], TOOL_OUTPUT, "{ctx}");
        }
        Up::Gemini => {
            let contents = body["contents"].as_array().unwrap();
            assert_eq!(contents.len(), 3, "{ctx}");
            assert_eq!(contents[1]["parts"][0]["functionCall"]["args"], weather_args(), "{ctx}");
            assert_eq!(contents[2]["parts"][0]["functionResponse"]["response"]["output"], TOOL_OUTPUT, "{ctx}");
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
    let run = run_sdk(&stack.url, sdk_scenario, &format!("google-genai -> {up:?} channel, {scenario}")).await;
    let (v, ctx) = (&run.json, run.ctx.as_str());
    let reqs = mock.requests();
    if scenario == "error" {
        assert_eq!(run.code, Some(1), "the SDK raised\n{ctx}");
        assert_eq!(v["error"]["type"], "ClientError", "{ctx}");
        assert_eq!(v["error"]["code"], 400, "{ctx}");
        assert_eq!(v["error"]["status"], "INVALID_ARGUMENT", "{ctx}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("Invalid request")), "{ctx}");
        assert_eq!(reqs.len(), 1, "{ctx}");
        stack.stop().await;
        return;
    }
    assert_eq!(run.code, Some(0), "{ctx}");
    check_upstream(up, &reqs[0], stream, tool, ctx);
    match scenario {
        "text" | "stream_text" => {
            assert_eq!(v["text"], mock::DEFAULT_TEXT, "{ctx}");
            assert_eq!(v["finish_reason"], "STOP", "{ctx}");
            assert_eq!(v["tool_calls"], json!([]), "{ctx}");
        }
        "tool" | "stream_tool" => {
            let calls = v["tool_calls"].as_array().unwrap();
            assert_eq!(calls.len(), 1, "{ctx}");
            assert_eq!(calls[0]["name"], "get_weather", "{ctx}");
            assert_eq!(calls[0]["arguments"], weather_args(), "{ctx}");
            assert_eq!(v["text"], "", "{ctx}");
        }
        "round_trip" => {
            assert_eq!(v["first"]["tool_calls"][0]["arguments"], weather_args(), "{ctx}");
            assert_eq!(v["text"], mock::DEFAULT_TEXT, "the answer after the function response\n{ctx}");
            assert_eq!(reqs.len(), 2, "{ctx}");
            check_tool_result(up, &reqs[1], ctx);
        }
        _ => unreachable!(),
    }
    if stream && !tool {
        assert!(v["chunks"].as_u64().unwrap() >= 2, "streamed in several chunks\n{ctx}");
    }
    // Usage in Gemini's terms: the prompt count includes cached tokens.
    let prompt = match up {
        Up::Anthropic => mock::INPUT_TOKENS + mock::CACHE_READ_TOKENS + mock::CACHE_WRITE_TOKENS,
        Up::Openai | Up::Gemini => mock::INPUT_TOKENS,
    };
    assert_eq!(v["usage"]["prompt"], prompt, "promptTokenCount\n{ctx}");
    assert_eq!(v["usage"]["total"], prompt + mock::OUTPUT_TOKENS, "totalTokenCount\n{ctx}");
    let records = stack.records().await;
    assert_eq!(records.len(), reqs.len(), "{records:?}\n{ctx}");
    let r = &records[0];
    assert_eq!((r.status, r.success), (200, true), "{r:?}\n{ctx}");
    assert_eq!(r.client_protocol, "gemini", "{ctx}");
    let endpoint = if stream { "streamGenerateContent" } else { "generateContent" };
    assert_eq!(r.endpoint, format!("/v1beta/models/{{model}}:{endpoint}"), "{ctx}");
    assert_eq!(r.model, MODEL, "{ctx}");
    assert_eq!(r.stream, stream, "{ctx}");
    assert_eq!(r.tokens.output, mock::OUTPUT_TOKENS, "{ctx}");
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
    genai_sdk_on_gemini_text => Gemini, "text";
    genai_sdk_on_gemini_stream_text => Gemini, "stream_text";
    genai_sdk_on_gemini_tool => Gemini, "tool";
    genai_sdk_on_gemini_stream_tool => Gemini, "stream_tool";
    genai_sdk_on_gemini_round_trip => Gemini, "round_trip";
    genai_sdk_on_gemini_error => Gemini, "error";
    genai_sdk_on_anthropic_text => Anthropic, "text";
    genai_sdk_on_anthropic_stream_text => Anthropic, "stream_text";
    genai_sdk_on_anthropic_tool => Anthropic, "tool";
    genai_sdk_on_anthropic_stream_tool => Anthropic, "stream_tool";
    genai_sdk_on_anthropic_round_trip => Anthropic, "round_trip";
    genai_sdk_on_anthropic_error => Anthropic, "error";
    genai_sdk_on_openai_text => Openai, "text";
    genai_sdk_on_openai_stream_text => Openai, "stream_text";
    genai_sdk_on_openai_tool => Openai, "tool";
    genai_sdk_on_openai_stream_tool => Openai, "stream_tool";
    genai_sdk_on_openai_round_trip => Openai, "round_trip";
    genai_sdk_on_openai_error => Openai, "error";
}

/// `countTokens` and `models.list()` are answered locally, in the SDK's terms.
#[tokio::test]
async fn genai_sdk_count_tokens_and_list_models() {
    let _ = crate::sdk_e2e::python();
    let mock = MockUpstream::start().await;
    let mut spec = channel("up", "anthropic", &mock.url(), 0);
    spec.models = vec!["gemini-2.5-flash".into(), "claude-*".into()];
    let mut stack = Stack::start(CONFIG, vec![spec]).await;
    let run = run_sdk(&stack.url, "count", "count_tokens").await;
    assert_eq!(run.code, Some(0), "{}", run.ctx);
    let n = run.json["total_tokens"].as_u64().unwrap_or(0);
    assert!((1..10).contains(&n), "a count for \"Say hello\"\n{}", run.ctx);
    let run = run_sdk(&stack.url, "list", "list").await;
    assert_eq!(run.code, Some(0), "{}", run.ctx);
    assert_eq!(run.json["models"], json!(["models/gemini-2.5-flash"]), "concrete models only\n{}", run.ctx);
    assert_eq!(mock.hits(), 0);
    stack.stop().await;
}

/// Without `alt=sse` the stream is one JSON array, streamed; a `?key=` is the client key,
/// checked and never sent upstream; a wrong key is Google's 401 shape.
#[tokio::test]
async fn gemini_json_array_stream_and_query_key() {
    let mock = MockUpstream::start().await;
    let config = "server:\n  client_keys: [sk-gemini-client-key-not-forwarded]\n";
    let stack = Stack::start(config, vec![channel("up", "anthropic", &mock.url(), 0)]).await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]});
    let url =
        format!("{}/v1beta/models/{MODEL}:streamGenerateContent?key=sk-gemini-client-key-not-forwarded", stack.url);
    let resp = stack.http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let text = resp.text().await.unwrap();
    let chunks: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(chunks.len() >= 2, "{text}");
    let joined: String = chunks
        .iter()
        .flat_map(|c| c["candidates"][0]["content"]["parts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(joined, mock::DEFAULT_TEXT);
    assert_eq!(chunks.last().unwrap()["candidates"][0]["finishReason"], "STOP");
    let up = &mock.requests()[0];
    assert_eq!(up.path, "/v1/messages", "no client query upstream");
    for (name, value) in &up.headers {
        assert!(!value.contains(CLIENT_KEY_MARKER), "client key forwarded in {name}");
    }
    // A wrong key: Google's error shape, and nothing upstream.
    let bad = format!("{}/v1beta/models/{MODEL}:generateContent?key=wrong", stack.url);
    let resp = stack.http.post(&bad).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let e: Value = resp.json().await.unwrap();
    assert_eq!(e["error"]["code"], 401);
    assert_eq!(e["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(mock.hits(), 1);
    // The key in its header works too.
    let url = format!("{}/v1beta/models/{MODEL}:generateContent", stack.url);
    let resp = stack
        .http
        .post(&url)
        .header("x-goog-api-key", "sk-gemini-client-key-not-forwarded")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["candidates"][0]["content"]["parts"][0]["text"], mock::DEFAULT_TEXT);
}

/// Failover applies unchanged to Gemini clients: a 429 from the first channel, the answer
/// from the second (converted from OpenAI), both attempts in the record.
#[tokio::test]
async fn gemini_stream_fails_over_before_the_first_byte() {
    let bad = MockUpstream::start().await;
    bad.set_default(Behavior::status(429));
    let good = MockUpstream::start().await;
    let mut stack = Stack::start(
        CONFIG,
        vec![channel("bad", "gemini", &bad.url(), 10), channel("good", "openai", &Up::Openai.base_url(&good), 0)],
    )
    .await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]});
    let url = format!("{}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse", stack.url);
    let resp = stack.http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-channel-name"], "good");
    let text = resp.text().await.unwrap();
    let chunks: Vec<Value> =
        text.split("\n\n").filter_map(|b| b.strip_prefix("data: ")).map(|d| serde_json::from_str(d).unwrap()).collect();
    let joined: String = chunks
        .iter()
        .flat_map(|c| c["candidates"][0]["content"]["parts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(joined, mock::DEFAULT_TEXT, "{text}");
    assert_eq!(chunks.last().unwrap()["usageMetadata"]["promptTokenCount"], mock::INPUT_TOKENS, "{text}");
    assert_eq!((bad.hits(), good.hits()), (1, 1));
    let records = stack.records().await;
    let names: Vec<_> = records[0].attempts.iter().map(|a| a.channel_name.as_str()).collect();
    assert_eq!(names, ["bad", "good"]);
    assert_eq!(records[0].client_protocol, "gemini");
}
