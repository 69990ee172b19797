//! The real coding agents through routex: Codex CLI (npm `@openai/codex`, `codex exec`,
//! a throwaway `CODEX_HOME` whose provider speaks `wire_api = "responses"` to routex's
//! `/v1`) and Gemini CLI (npm `@google/gemini-cli`, `gemini -p`, a throwaway HOME with the
//! workspace trusted and `GOOGLE_GEMINI_BASE_URL` at routex), each to a mock channel of
//! type anthropic, openai and gemini: the answer comes back in the agent's output and the
//! request log has the request in the agent's protocol. Both are installed by
//! `tests/e2e/agents-setup.sh` into `.agents/` (pinned there); when that cannot be done
//! the tests fail with its output.

use crate::support::mock::{self, MockUpstream};
use crate::support::stack::{channel, Stack};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

/// What one agent run may take (start-up of a Node CLI included).
const RUN_TIMEOUT: Duration = Duration::from_secs(180);
const CONFIG: &str = "server: { first_byte_timeout_s: 30, idle_timeout_s: 30 }\n";
const CLIENT_KEY: &str = "sk-agent-client-key-not-forwarded";

/// The installed binary of `agent` (`codex`, `gemini`), or the setup's output as the failure.
fn installed(agent: &'static str) -> PathBuf {
    static CODEX: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    static GEMINI: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let cell = if agent == "codex" { &CODEX } else { &GEMINI };
    let r = cell.get_or_init(|| {
        let why = "the coding agent tests need npm and the registry";
        let out =
            crate::support::setup_script_with("tests/e2e/agents-setup.sh", &[agent], Duration::from_secs(600), why)?;
        Ok(PathBuf::from(out.trim().lines().last().unwrap_or_default()))
    });
    r.as_ref().unwrap_or_else(|e| panic!("{e}")).clone()
}

fn base_url(kind: &str, mock: &MockUpstream) -> String {
    if kind == "openai" {
        format!("{}/v1", mock.url())
    } else {
        mock.url()
    }
}

/// Run `cmd` to its end within [`RUN_TIMEOUT`]: (exit code, stdout, stderr).
async fn run(mut cmd: tokio::process::Command) -> (Option<i32>, String, String) {
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("the agent starts");
    let out = match tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output()).await {
        Ok(r) => r.unwrap(),
        Err(_) => panic!("the agent did not finish within {RUN_TIMEOUT:?}"),
    };
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A throwaway CODEX_HOME whose provider `routex` points at `url`/v1 over the Responses API.
fn codex_home(dir: &Path, url: &str, model: &str) {
    let config = format!(
        "model = \"{model}\"\nmodel_provider = \"routex\"\n\n[model_providers.routex]\nname = \"Routex\"\n\
         base_url = \"{url}/v1\"\nenv_key = \"ROUTEX_CLIENT_KEY\"\nwire_api = \"responses\"\n"
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
}

async fn codex_case(kind: &str) {
    let codex = installed("codex");
    let mock = MockUpstream::start().await;
    let mut stack = Stack::start(CONFIG, vec![channel("up", kind, &base_url(kind, &mock), 0)]).await;
    let home = tempfile::tempdir().unwrap();
    let codex_dir = home.path().join(".codex");
    std::fs::create_dir_all(&codex_dir).unwrap();
    codex_home(&codex_dir, &stack.url, "gpt-5-codex");
    let work = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(&codex);
    cmd.args(["exec", "--skip-git-repo-check", "Say hello"])
        .current_dir(work.path())
        .env("HOME", home.path())
        .env("CODEX_HOME", &codex_dir)
        .env("ROUTEX_CLIENT_KEY", CLIENT_KEY)
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL");
    let (code, stdout, stderr) = run(cmd).await;
    let ctx = format!(
        "codex exec -> {kind} channel\nexit: {code:?}\nstdout: {stdout}\nstderr: {stderr}\nupstream: {:?}",
        mock.requests().iter().map(|r| r.path.clone()).collect::<Vec<_>>()
    );
    assert_eq!(code, Some(0), "{ctx}");
    assert!(stdout.contains(mock::DEFAULT_TEXT), "Codex printed the upstream's answer\n{ctx}");
    let records = stack.records().await;
    let answered: Vec<_> = records.iter().filter(|r| r.endpoint == "/v1/responses" && r.success).collect();
    assert!(!answered.is_empty(), "the request log has Codex's request\n{records:?}\n{ctx}");
    assert!(
        answered.iter().all(|r| r.client_protocol == "responses" && r.channel_name.as_deref() == Some("up")),
        "{ctx}"
    );
    for r in mock.requests() {
        for (name, value) in &r.headers {
            assert!(!value.contains(CLIENT_KEY), "client key forwarded in {name}\n{ctx}");
        }
    }
}

/// A throwaway HOME for Gemini CLI: API-key auth, the workspace trusted, no telemetry.
fn gemini_home(home: &Path, work: &Path) {
    let dir = home.join(".gemini");
    std::fs::create_dir_all(&dir).unwrap();
    let settings = serde_json::json!({
        "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": true}},
        "privacy": {"usageStatisticsEnabled": false},
        "telemetry": {"enabled": false},
        "general": {"disableAutoUpdate": true, "disableUpdateNag": true},
    });
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
    let trusted = serde_json::json!({ work.to_string_lossy(): "TRUST_FOLDER" });
    std::fs::write(dir.join("trustedFolders.json"), trusted.to_string()).unwrap();
}

async fn gemini_case(kind: &str) {
    let gemini = installed("gemini");
    let mock = MockUpstream::start().await;
    let mut stack = Stack::start(CONFIG, vec![channel("up", kind, &base_url(kind, &mock), 0)]).await;
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    gemini_home(home.path(), work.path());
    let mut cmd = tokio::process::Command::new(&gemini);
    cmd.args(["-p", "Say hello", "-m", "gemini-2.5-flash"])
        .current_dir(work.path())
        .env("HOME", home.path())
        .env("GEMINI_API_KEY", CLIENT_KEY)
        .env("GOOGLE_GEMINI_BASE_URL", &stack.url)
        .env("GEMINI_CLI_TRUST_WORKSPACE", "true")
        .env("NO_COLOR", "1")
        .env_remove("GOOGLE_API_KEY")
        .env_remove("GOOGLE_GENAI_USE_VERTEXAI")
        .env_remove("GOOGLE_CLOUD_PROJECT");
    let (code, stdout, stderr) = run(cmd).await;
    let ctx = format!(
        "gemini -p -> {kind} channel\nexit: {code:?}\nstdout: {stdout}\nstderr: {stderr}\nupstream: {:?}",
        mock.requests().iter().map(|r| r.path.clone()).collect::<Vec<_>>()
    );
    assert_eq!(code, Some(0), "{ctx}");
    assert!(stdout.contains(mock::DEFAULT_TEXT), "Gemini CLI printed the upstream's answer\n{ctx}");
    let records = stack.records().await;
    let answered: Vec<_> = records.iter().filter(|r| r.client_protocol == "gemini" && r.success).collect();
    assert!(!answered.is_empty(), "the request log has Gemini CLI's request\n{records:?}\n{ctx}");
    assert!(answered.iter().any(|r| r.endpoint.starts_with("/v1beta/models/{model}:")), "{ctx}");
    for r in mock.requests() {
        for (name, value) in &r.headers {
            assert!(!value.contains(CLIENT_KEY), "client key forwarded in {name}\n{ctx}");
        }
        assert!(!r.path.contains(CLIENT_KEY), "client key forwarded in the URL\n{ctx}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_cli_through_routex_to_openai() {
    codex_case("openai").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_cli_through_routex_to_anthropic() {
    codex_case("anthropic").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_cli_through_routex_to_gemini() {
    codex_case("gemini").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gemini_cli_through_routex_to_gemini() {
    gemini_case("gemini").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gemini_cli_through_routex_to_anthropic() {
    gemini_case("anthropic").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gemini_cli_through_routex_to_openai() {
    gemini_case("openai").await;
}
