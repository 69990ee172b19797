//! What the SDK end-to-end tests of the Responses API and the Gemini API share: the
//! upstream channel types they run against ([`Up`]) and running one scenario of a Python
//! client script under the SDK venv ([`run_python`]).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use super::mock::MockUpstream;

/// How long one client script may run.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// The channel type a scenario runs against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Up {
    Anthropic,
    Openai,
    Gemini,
}

impl Up {
    pub fn kind(self) -> &'static str {
        match self {
            Up::Anthropic => "anthropic",
            Up::Openai => "openai",
            Up::Gemini => "gemini",
        }
    }
    pub fn base_url(self, mock: &MockUpstream) -> String {
        match self {
            Up::Openai => format!("{}/v1", mock.url()),
            _ => mock.url(),
        }
    }
    /// The path routex calls upstream for `model`.
    pub fn path(self, stream: bool, model: &str) -> String {
        match self {
            Up::Anthropic => "/v1/messages".into(),
            Up::Openai => "/v1/chat/completions".into(),
            Up::Gemini if stream => format!("/v1beta/models/{model}:streamGenerateContent?alt=sse"),
            Up::Gemini => format!("/v1beta/models/{model}:generateContent"),
        }
    }
}

/// One script run: its exit code, the JSON of its last stdout line, and everything it
/// printed (for assertion messages).
pub struct Run {
    pub code: Option<i32>,
    pub json: Value,
    pub ctx: String,
}

/// Run `tests/e2e/<script> URL SCENARIO` with the venv's Python, without proxies and
/// without the variables in `unset` (an SDK's own key and base-URL variables).
pub async fn run_python(script: &str, url: &str, scenario: &str, what: &str, unset: &[&str]) -> Run {
    let py = crate::sdk_e2e::python();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e").join(script);
    let mut cmd = tokio::process::Command::new(py);
    cmd.arg(&path).arg(url).arg(scenario).env("PYTHONDONTWRITEBYTECODE", "1");
    let proxies = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];
    for var in proxies.iter().chain(unset).chain(&["ROUTEX_MODEL"]) {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = cmd.spawn().unwrap_or_else(|e| panic!("could not run {}: {e}", py.display()));
    let out = match tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output()).await {
        Ok(r) => r.unwrap(),
        Err(_) => panic!("{script} {scenario} did not finish within {RUN_TIMEOUT:?}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = stdout.lines().last().and_then(|l| serde_json::from_str(l).ok()).unwrap_or(Value::Null);
    let ctx = format!("{what}\nexit: {:?}\nstdout: {stdout}\nstderr: {stderr}", out.status.code());
    Run { code: out.status.code(), json, ctx }
}
