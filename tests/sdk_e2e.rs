//! End to end with the real official Python SDKs: `anthropic` and `openai` (pinned in
//! `tests/e2e/requirements.txt`) talk to an in-process daemon (`Stack`) whose one channel
//! points at a `MockUpstream` of type anthropic, openai or gemini.
//!
//! Each case runs `tests/e2e/<sdk>_client.py ROUTEX_URL SCENARIO` with `.venv/bin/python`
//! and asserts what the user sees (the SDK's parsed text, stop reason, tool call, usage,
//! typed error) and what the upstream got (path, credential, body shape). The venv is made
//! by `tests/e2e/setup.sh`, run once per test process; when it cannot be made (no network,
//! no python3) every case here fails with setup's output — never a silent skip.
//!
//! Same-protocol pairs are passthrough; the cross-protocol pairs exercise
//! `src/protocol/convert`.

use crate::support::mock::{self, Behavior, MockUpstream};
use crate::support::stack::{channel, Stack};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

const CONFIG: &str = "server: { first_byte_timeout_s: 20, idle_timeout_s: 20 }\n";
/// What one SDK run may take, start-up included.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// Creating the venv and pip-installing the SDKs (first run only).
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
/// The marker both scripts put in the client's API key: it must never reach an upstream.
const CLIENT_KEY_MARKER: &str = "client-key-not-forwarded";
const SYSTEM: &str = "You are a terse assistant.";
const PROMPT: &str = "Say hello";
const TOOL_PROMPT: &str = "What is the weather in Paris?";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sdk {
    Anthropic,
    Openai,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Up {
    Anthropic,
    Openai,
    Gemini,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scenario {
    Text,
    StreamText,
    Tool,
    StreamTool,
    /// The upstream answers this status to a non-stream text request.
    Error(u16),
}

impl Sdk {
    fn script(self) -> &'static str {
        match self {
            Sdk::Anthropic => "anthropic_client.py",
            Sdk::Openai => "openai_client.py",
        }
    }
    fn model(self) -> &'static str {
        match self {
            Sdk::Anthropic => "claude-sonnet-4-5",
            Sdk::Openai => "gpt-4o",
        }
    }
}

impl Up {
    fn kind(self) -> &'static str {
        match self {
            Up::Anthropic => "anthropic",
            Up::Openai => "openai",
            Up::Gemini => "gemini",
        }
    }
    fn base_url(self, mock: &MockUpstream) -> String {
        match self {
            Up::Openai => format!("{}/v1", mock.url()),
            _ => mock.url(),
        }
    }
}

impl Scenario {
    fn arg(self) -> &'static str {
        match self {
            Scenario::Text | Scenario::Error(_) => "text",
            Scenario::StreamText => "stream_text",
            Scenario::Tool => "tool",
            Scenario::StreamTool => "stream_tool",
        }
    }
    fn stream(self) -> bool {
        matches!(self, Scenario::StreamText | Scenario::StreamTool)
    }
    fn tool(self) -> bool {
        matches!(self, Scenario::Tool | Scenario::StreamTool)
    }
}

fn weather_args() -> Value {
    json!({"city": "Paris", "unit": "c"})
}

// ---------------------------------------------------------------------------
// The venv, once per process
// ---------------------------------------------------------------------------

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `tests/e2e/setup.sh` once; the venv's python, or setup's output as the error.
pub(crate) fn python() -> &'static Path {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PY.get_or_init(setup) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn setup() -> Result<PathBuf, String> {
    let why = "the SDK end-to-end tests need it (python3 + network for pip the first time)";
    crate::support::setup_script("tests/e2e/setup.sh", SETUP_TIMEOUT, why)?;
    Ok(repo_root().join(".venv/bin/python"))
}

// ---------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------

/// What the SDK script printed, and how it exited.
struct SdkRun {
    code: Option<i32>,
    json: Value,
    stdout: String,
    stderr: String,
}

async fn run_sdk(sdk: Sdk, url: &str, scenario: Scenario) -> SdkRun {
    let py = python();
    let script = repo_root().join("tests/e2e").join(sdk.script());
    let mut cmd = tokio::process::Command::new(py);
    cmd.arg(&script)
        .arg(url)
        .arg(scenario.arg())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
    // Nothing from the developer's environment may redirect or authenticate the SDKs.
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "ROUTEX_MODEL",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = cmd.spawn().unwrap_or_else(|e| panic!("could not run {}: {e}", py.display()));
    let out = match tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output()).await {
        Ok(r) => r.unwrap(),
        Err(_) => panic!("{} {} did not finish within {RUN_TIMEOUT:?}", sdk.script(), scenario.arg()),
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = stdout.lines().last().and_then(|l| serde_json::from_str(l).ok()).unwrap_or(Value::Null);
    SdkRun { code: out.status.code(), json, stdout, stderr }
}

async fn case(sdk: Sdk, up: Up, scenario: Scenario) {
    let _ = python(); // set up (or fail) before anything listens
    let mock = MockUpstream::start().await;
    // Like a real upstream, the body ends a moment after its last event.
    mock.set_stream_end_delay(Duration::from_millis(200));
    match scenario {
        Scenario::Tool | Scenario::StreamTool => mock.push(Behavior::tool_call("get_weather", weather_args())),
        Scenario::Error(status) => mock.push(Behavior::status(status)),
        Scenario::Text | Scenario::StreamText => {}
    }
    let mut stack = Stack::start(CONFIG, vec![channel("up", up.kind(), &up.base_url(&mock), 0)]).await;
    let run = run_sdk(sdk, &stack.url, scenario).await;
    let ctx = format!(
        "{sdk:?} SDK -> {up:?} channel, {scenario:?}\nexit: {:?}\nstdout: {}\nstderr: {}",
        run.code, run.stdout, run.stderr
    );
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1, "exactly one upstream request; got {:?}\n{ctx}", reqs);
    check_upstream(sdk, up, scenario, &reqs[0], &ctx);
    match scenario {
        Scenario::Error(status) => check_error(sdk, up, status, &run, &ctx),
        _ => {
            assert_eq!(run.code, Some(0), "{ctx}");
            check_answer(sdk, up, scenario, &run.json, &ctx);
            check_record(&mut stack, &mock, scenario, &ctx).await;
        }
    }
    stack.stop().await;
}

/// A request the client read to its end is recorded as the success it was, with its
/// tokens, even though the SDKs close the connection as soon as they have the answer
/// (OpenAI's after `[DONE]`); and routex read the upstream's answer to its end, so the
/// mock's connection went back to the pool instead of being cut.
async fn check_record(stack: &mut Stack, mock: &MockUpstream, scenario: Scenario, ctx: &str) {
    // The upstream's rest is drained just after the client has its answer.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mock.connections_closed_by_client(), 0, "routex cut the upstream's answer short\n{ctx}");
    let records = stack.records().await;
    assert_eq!(records.len(), 1, "{records:?}\n{ctx}");
    let r = &records[0];
    assert_eq!((r.status, r.success, r.error.as_deref()), (200, true, None), "{r:?}\n{ctx}");
    assert_eq!(r.stream, scenario.stream(), "{ctx}");
    assert_eq!(r.tokens.output, mock::OUTPUT_TOKENS, "{r:?}\n{ctx}");
    assert!(r.tokens.input > 0, "{r:?}\n{ctx}");
}

// ---------------------------------------------------------------------------
// What the user sees
// ---------------------------------------------------------------------------

fn check_answer(sdk: Sdk, up: Up, scenario: Scenario, v: &Value, ctx: &str) {
    let (stop_field, end, tool_stop) = match sdk {
        Sdk::Anthropic => ("stop_reason", "end_turn", "tool_use"),
        Sdk::Openai => ("finish_reason", "stop", "tool_calls"),
    };
    if scenario.tool() {
        assert_eq!(v[stop_field], tool_stop, "{ctx}");
        let calls = v["tool_calls"].as_array().unwrap_or_else(|| panic!("no tool_calls\n{ctx}"));
        assert_eq!(calls.len(), 1, "{ctx}");
        assert_eq!(calls[0]["name"], "get_weather", "{ctx}");
        assert_eq!(calls[0]["arguments"], weather_args(), "{ctx}");
        assert!(calls[0]["id"].as_str().is_some_and(|id| !id.is_empty()), "tool call id\n{ctx}");
        assert_eq!(v["text"], "", "no text besides the tool call\n{ctx}");
    } else {
        assert_eq!(v["text"], mock::DEFAULT_TEXT, "{ctx}");
        assert_eq!(v[stop_field], end, "{ctx}");
        assert_eq!(v["tool_calls"], json!([]), "{ctx}");
    }
    if sdk == Sdk::Anthropic && scenario.stream() {
        let events: Vec<&str> = v["events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(events.first(), Some(&"message_start"), "{ctx}");
        assert_eq!(events.last(), Some(&"message_stop"), "{ctx}");
        let delta = if scenario.tool() { "input_json" } else { "text" };
        assert!(events.contains(&delta), "stream carries {delta} events\n{ctx}");
    }
    if sdk == Sdk::Openai && scenario == Scenario::StreamText {
        assert_eq!(v["objects"], json!(["chat.completion.chunk"]), "{ctx}");
        assert_eq!(v["distinct_ids"], 1, "one id across the chunks\n{ctx}");
        assert!(v["chunks"].as_u64().unwrap() >= 3, "streamed in several chunks\n{ctx}");
    }
    if sdk == Sdk::Openai && scenario == Scenario::StreamTool {
        let events: Vec<&str> = v["events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(events.contains(&"tool_calls.function.arguments.done"), "{ctx}");
    }
    if sdk == Sdk::Openai && !scenario.stream() {
        assert_eq!(v["object"], "chat.completion", "{ctx}");
    }
    assert_eq!(v["model"], sdk.model(), "the model the client asked for\n{ctx}");
    check_usage(sdk, up, &v["usage"], ctx);
}

/// Usage as the client's protocol defines it. Neutral form: Anthropic's input_tokens
/// excludes cache reads and writes; OpenAI's prompt_tokens and Gemini's promptTokenCount
/// include the cached tokens.
fn check_usage(sdk: Sdk, up: Up, u: &Value, ctx: &str) {
    let (input, cache_read, cache_write) = match up {
        Up::Anthropic => (mock::INPUT_TOKENS, mock::CACHE_READ_TOKENS, mock::CACHE_WRITE_TOKENS),
        Up::Openai | Up::Gemini => (mock::INPUT_TOKENS - mock::CACHE_READ_TOKENS, mock::CACHE_READ_TOKENS, 0),
    };
    let output = mock::OUTPUT_TOKENS;
    match sdk {
        Sdk::Anthropic => {
            assert_eq!(u["input_tokens"], input, "usage.input_tokens\n{ctx}");
            assert_eq!(u["output_tokens"], output, "usage.output_tokens\n{ctx}");
            assert_eq!(u["cache_read_input_tokens"], cache_read, "usage.cache_read_input_tokens\n{ctx}");
            // 0 and absent mean the same to a user.
            let cw = u.get("cache_creation_input_tokens").and_then(Value::as_u64).unwrap_or(0);
            assert_eq!(cw, cache_write, "usage.cache_creation_input_tokens\n{ctx}");
        }
        Sdk::Openai => {
            let prompt = input + cache_read + cache_write;
            assert_eq!(u["prompt_tokens"], prompt, "usage.prompt_tokens\n{ctx}");
            assert_eq!(u["completion_tokens"], output, "usage.completion_tokens\n{ctx}");
            assert_eq!(u["total_tokens"], prompt + output, "usage.total_tokens\n{ctx}");
            assert_eq!(u["prompt_tokens_details"]["cached_tokens"], cache_read, "cached_tokens\n{ctx}");
        }
    }
}

fn check_error(sdk: Sdk, up: Up, status: u16, run: &SdkRun, ctx: &str) {
    assert_eq!(run.code, Some(1), "the SDK raised\n{ctx}");
    let e = &run.json["error"];
    let (kind, text) = match status {
        400 => ("BadRequestError", "Invalid request"),
        404 => ("NotFoundError", "Not found"),
        _ => unreachable!("no expectation for {status}"),
    };
    assert_eq!(e["type"], kind, "{ctx}");
    assert_eq!(e["status_code"], status, "{ctx}");
    assert!(e["message"].as_str().is_some_and(|m| m.contains(text)), "message names the upstream's error\n{ctx}");
    // The body is in the client's own error format.
    match sdk {
        Sdk::Anthropic => {
            assert_eq!(e["body"]["type"], "error", "{ctx}");
            assert_eq!(e["body"]["error"]["message"], text, "{ctx}");
            let t = if status == 400 { "invalid_request_error" } else { "not_found_error" };
            assert_eq!(e["body"]["error"]["type"], t, "{ctx}");
        }
        // The openai SDK hands over the inner `error` object as `body`. Passthrough keeps
        // the upstream's own type (the mock says invalid_request_error, as OpenAI does for
        // an unknown model); a converted error takes its type from the status.
        Sdk::Openai => {
            assert_eq!(e["body"]["message"], text, "{ctx}");
            let t = if up == Up::Openai || status == 400 { "invalid_request_error" } else { "not_found_error" };
            assert_eq!(e["body"]["type"], t, "{ctx}");
        }
    }
}

// ---------------------------------------------------------------------------
// What the upstream got
// ---------------------------------------------------------------------------

fn check_upstream(sdk: Sdk, up: Up, scenario: Scenario, req: &mock::Recorded, ctx: &str) {
    let body = req.json();
    let model = sdk.model();
    assert_eq!(req.method, "POST", "{ctx}");
    let (path, key_header, key) = match up {
        Up::Anthropic => ("/v1/messages".to_string(), "x-api-key", "sk-up-key-0000000000".to_string()),
        Up::Openai => ("/v1/chat/completions".into(), "authorization", "Bearer sk-up-key-0000000000".into()),
        Up::Gemini if scenario.stream() => (
            format!("/v1beta/models/{model}:streamGenerateContent?alt=sse"),
            "x-goog-api-key",
            "sk-up-key-0000000000".into(),
        ),
        Up::Gemini => {
            (format!("/v1beta/models/{model}:generateContent"), "x-goog-api-key", "sk-up-key-0000000000".into())
        }
    };
    assert_eq!(req.path, path, "upstream path\n{ctx}");
    assert_eq!(req.header(key_header), Some(key.as_str()), "upstream credential\n{ctx}");
    for (name, value) in &req.headers {
        assert!(!value.contains(CLIENT_KEY_MARKER), "client key forwarded in {name}\n{ctx}");
    }
    if up == Up::Anthropic {
        assert!(req.header("anthropic-version").is_some(), "anthropic-version sent\n{ctx}");
    }
    // Model and stream flag.
    match up {
        Up::Anthropic | Up::Openai => {
            assert_eq!(body["model"], model, "upstream model\n{ctx}");
            let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
            assert_eq!(stream, scenario.stream(), "upstream stream flag\n{ctx}");
        }
        Up::Gemini => assert!(body.get("model").is_none() && body.get("stream").is_none(), "{ctx}"),
    }
    if up == Up::Anthropic {
        assert!(body["max_tokens"].as_u64().is_some_and(|n| n > 0), "max_tokens\n{ctx}");
    }
    if up == Up::Openai && scenario.stream() {
        assert_eq!(body["stream_options"]["include_usage"], true, "usage asked for in the stream\n{ctx}");
    }
    // Prompt: system and user text where each protocol keeps them.
    let prompt = if scenario.tool() { TOOL_PROMPT } else { PROMPT };
    let (system, user) = prompt_of(up, &body);
    assert_eq!(system, SYSTEM, "upstream system prompt\n{ctx}");
    assert_eq!(user, vec![prompt.to_string()], "upstream user turns\n{ctx}");
    // Tools.
    let tools = tools_of(up, &body);
    if scenario.tool() {
        assert_eq!(tools.len(), 1, "one tool upstream\n{ctx}");
        let (name, schema) = &tools[0];
        assert_eq!(name, "get_weather", "{ctx}");
        let city_type = schema.pointer("/properties/city/type").and_then(Value::as_str).unwrap_or("");
        assert!(city_type.eq_ignore_ascii_case("string"), "tool schema kept\n{ctx}");
        assert_eq!(schema["required"], json!(["city"]), "tool schema kept\n{ctx}");
    } else {
        assert!(tools.is_empty(), "no tools upstream\n{ctx}");
    }
}

fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
        _ => String::new(),
    }
}

/// (system prompt, text of each user turn) in the upstream's protocol.
fn prompt_of(up: Up, body: &Value) -> (String, Vec<String>) {
    let empty = vec![];
    match up {
        Up::Anthropic => {
            let msgs = body["messages"].as_array().unwrap_or(&empty);
            let user = msgs.iter().filter(|m| m["role"] == "user").map(|m| text_of(&m["content"])).collect();
            (text_of(&body["system"]), user)
        }
        Up::Openai => {
            let msgs = body["messages"].as_array().unwrap_or(&empty);
            let system = msgs
                .iter()
                .filter(|m| m["role"] == "system" || m["role"] == "developer")
                .map(|m| text_of(&m["content"]));
            let user = msgs.iter().filter(|m| m["role"] == "user").map(|m| text_of(&m["content"])).collect();
            (system.collect(), user)
        }
        Up::Gemini => {
            let msgs = body["contents"].as_array().unwrap_or(&empty);
            let user = msgs.iter().filter(|m| m["role"] == "user").map(|m| text_of(&m["parts"])).collect();
            (text_of(&body["systemInstruction"]["parts"]), user)
        }
    }
}

/// (name, JSON schema) of each tool in the upstream's protocol.
fn tools_of(up: Up, body: &Value) -> Vec<(String, Value)> {
    let empty = vec![];
    let tools = body["tools"].as_array().unwrap_or(&empty);
    match up {
        Up::Anthropic => {
            tools.iter().map(|t| (t["name"].as_str().unwrap_or("").into(), t["input_schema"].clone())).collect()
        }
        Up::Openai => tools
            .iter()
            .map(|t| (t["function"]["name"].as_str().unwrap_or("").into(), t["function"]["parameters"].clone()))
            .collect(),
        Up::Gemini => tools
            .iter()
            .flat_map(|t| t["functionDeclarations"].as_array().cloned().unwrap_or_default())
            .map(|f| {
                let schema = f.get("parametersJsonSchema").unwrap_or(&f["parameters"]).clone();
                (f["name"].as_str().unwrap_or("").into(), schema)
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// The matrix: client SDK × channel type × scenario
// ---------------------------------------------------------------------------

macro_rules! cases {
    ($($(#[$attr:meta])* $name:ident => $sdk:ident, $up:ident, $scenario:expr;)*) => {$(
        $(#[$attr])*
        #[tokio::test]
        async fn $name() {
            case(Sdk::$sdk, Up::$up, $scenario).await;
        }
    )*};
}

use Scenario::{Error, StreamText, StreamTool, Text, Tool};

cases! {
    // anthropic SDK → anthropic channel (passthrough)
    anthropic_sdk_on_anthropic_text => Anthropic, Anthropic, Text;
    anthropic_sdk_on_anthropic_stream_text => Anthropic, Anthropic, StreamText;
    anthropic_sdk_on_anthropic_tool => Anthropic, Anthropic, Tool;
    anthropic_sdk_on_anthropic_stream_tool => Anthropic, Anthropic, StreamTool;
    anthropic_sdk_on_anthropic_error_400 => Anthropic, Anthropic, Error(400);
    anthropic_sdk_on_anthropic_error_404 => Anthropic, Anthropic, Error(404);
    // anthropic SDK → openai channel
    anthropic_sdk_on_openai_text => Anthropic, Openai, Text;
    anthropic_sdk_on_openai_stream_text => Anthropic, Openai, StreamText;
    anthropic_sdk_on_openai_tool => Anthropic, Openai, Tool;
    anthropic_sdk_on_openai_stream_tool => Anthropic, Openai, StreamTool;
    anthropic_sdk_on_openai_error_400 => Anthropic, Openai, Error(400);
    anthropic_sdk_on_openai_error_404 => Anthropic, Openai, Error(404);
    // anthropic SDK → gemini channel
    anthropic_sdk_on_gemini_text => Anthropic, Gemini, Text;
    anthropic_sdk_on_gemini_stream_text => Anthropic, Gemini, StreamText;
    anthropic_sdk_on_gemini_tool => Anthropic, Gemini, Tool;
    anthropic_sdk_on_gemini_stream_tool => Anthropic, Gemini, StreamTool;
    anthropic_sdk_on_gemini_error_400 => Anthropic, Gemini, Error(400);
    anthropic_sdk_on_gemini_error_404 => Anthropic, Gemini, Error(404);
    // openai SDK → openai channel (passthrough)
    openai_sdk_on_openai_text => Openai, Openai, Text;
    openai_sdk_on_openai_stream_text => Openai, Openai, StreamText;
    openai_sdk_on_openai_tool => Openai, Openai, Tool;
    openai_sdk_on_openai_stream_tool => Openai, Openai, StreamTool;
    openai_sdk_on_openai_error_400 => Openai, Openai, Error(400);
    openai_sdk_on_openai_error_404 => Openai, Openai, Error(404);
    // openai SDK → anthropic channel
    openai_sdk_on_anthropic_text => Openai, Anthropic, Text;
    openai_sdk_on_anthropic_stream_text => Openai, Anthropic, StreamText;
    openai_sdk_on_anthropic_tool => Openai, Anthropic, Tool;
    openai_sdk_on_anthropic_stream_tool => Openai, Anthropic, StreamTool;
    openai_sdk_on_anthropic_error_400 => Openai, Anthropic, Error(400);
    openai_sdk_on_anthropic_error_404 => Openai, Anthropic, Error(404);
    // openai SDK → gemini channel
    openai_sdk_on_gemini_text => Openai, Gemini, Text;
    openai_sdk_on_gemini_stream_text => Openai, Gemini, StreamText;
    openai_sdk_on_gemini_tool => Openai, Gemini, Tool;
    openai_sdk_on_gemini_stream_tool => Openai, Gemini, StreamTool;
    openai_sdk_on_gemini_error_400 => Openai, Gemini, Error(400);
    openai_sdk_on_gemini_error_404 => Openai, Gemini, Error(404);
}
