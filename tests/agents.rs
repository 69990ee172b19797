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

/// `codex exec --skip-git-repo-check PROMPT` in `work`, with a throwaway HOME and
/// CODEX_HOME, the client key in ROUTEX_CLIENT_KEY and no OpenAI variables of the user's.
fn codex_exec(codex: &Path, home: &Path, codex_dir: &Path, work: &Path, prompt: &str) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(codex);
    cmd.args(["exec", "--skip-git-repo-check", prompt])
        .current_dir(work)
        .env("HOME", home)
        .env("CODEX_HOME", codex_dir)
        .env("ROUTEX_CLIENT_KEY", CLIENT_KEY)
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL");
    cmd
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
    let (code, stdout, stderr) = run(codex_exec(&codex, home.path(), &codex_dir, work.path(), "Say hello")).await;
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

/// `routex code --agent codex|gemini` with no daemon running: it starts one, runs the
/// agent pointed at it (Codex through `-c` overrides, so no config.toml is written;
/// Gemini CLI through its variables, the auth type included), and the answer comes back.
#[tokio::test(flavor = "multi_thread")]
async fn routex_code_runs_codex_and_gemini() {
    let (codex, gemini) = (installed("codex"), installed("gemini"));
    let up = MockUpstream::start().await;
    // Gemini CLI skips a settings file below a world-writable directory (/tmp, and a clone
    // of the repository under it): the data directory, where `routex code` writes it, is
    // under the user's ~/.cache (as a real data directory is under ~/.config), else target/.
    let base = std::env::var_os("HOME")
        .map(|h| Path::new(&h).join(".cache/routex-tests"))
        .filter(|p| std::fs::create_dir_all(p).is_ok())
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).to_path_buf());
    let h = crate::support::Home::new_in(&base);
    // `routex code` starts a daemon in the background: stopped even when an assertion fails.
    struct StopDaemon<'a>(&'a crate::support::Home);
    impl Drop for StopDaemon<'_> {
        fn drop(&mut self) {
            let _ = self.0.run(&["stop"]);
        }
    }
    let _stop = StopDaemon(&h);
    h.run(&["channel", "add", "--name", "mock", "--type", "anthropic", "--models", "*", "--base-url", &up.url()]).ok();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = h.path().join("routex.yaml");
    std::fs::write(&cfg, format!("server:\n  port: {free}\n")).unwrap();
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    // Trusted, but no auth type chosen: `routex code` has to say it.
    std::fs::create_dir_all(home.path().join(".gemini")).unwrap();
    let trusted = serde_json::json!({ work.path().to_string_lossy(): "TRUST_FOLDER" });
    std::fs::write(home.path().join(".gemini/trustedFolders.json"), trusted.to_string()).unwrap();
    let codex_home = home.path().join(".codex");
    std::fs::create_dir_all(&codex_home).unwrap();
    for (agent, args) in [
        ("codex", vec!["exec", "--skip-git-repo-check", "-m", "gpt-5-codex", "Say hello"]),
        ("gemini", vec!["-p", "Say hello", "-m", "gemini-2.5-flash"]),
    ] {
        let mut all = vec!["code", "--agent", agent, "--"];
        all.extend(args);
        let mut cmd = h.cmd(&all);
        cmd.current_dir(work.path())
            .env("CODEX_PATH", &codex)
            .env("GEMINI_PATH", &gemini)
            .env("HOME", home.path())
            .env("CODEX_HOME", &codex_home)
            .env("ROUTEX_CONFIG", &cfg)
            .env("GEMINI_CLI_TRUST_WORKSPACE", "true")
            .env("OPENAI_API_KEY", "sk-users-own-key-must-not-be-used")
            .env_remove("GEMINI_API_KEY")
            .env_remove("GOOGLE_GEMINI_BASE_URL")
            .stdin(Stdio::null());
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{agent}\nstdout: {stdout}\nstderr: {stderr}");
        assert!(stdout.contains(mock::DEFAULT_TEXT), "{agent} printed the answer\nstdout: {stdout}\nstderr: {stderr}");
    }
    assert!(!codex_home.join("config.toml").exists(), "the user's Codex config is not written");
    // Stopped first: the daemon's last records reach the log when it stops.
    let stop = h.run(&["stop"]);
    assert!(stop.stderr().contains("stopped routex"), "{}", stop.stderr());
    let logs = h.run(&["logs", "--output", "json", "--limit", "50"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&logs).unwrap();
    for protocol in ["responses", "gemini"] {
        assert!(recs.iter().any(|r| r["success"] == true && r["client_protocol"] == protocol), "{protocol}: {logs}");
    }
    for r in up.requests() {
        assert_ne!(r.header("authorization"), Some("Bearer sk-users-own-key-must-not-be-used"));
    }
}

/// `routex env --agent`: what each agent needs, in the shell's syntax or as JSON.
#[test]
fn routex_env_prints_what_each_agent_needs() {
    let h = crate::support::Home::new();
    let run = |agent: &str, extra: &[&str]| {
        let mut args = vec!["--server", "http://127.0.0.1:4555", "env", "--agent", agent, "--shell", "bash"];
        args.extend(extra);
        let r = crate::support::Run(h.cmd(&args).env("ROUTEX_CLIENT_KEY", "ck-1").output().unwrap());
        assert_eq!(r.code(), 0, "{}", r.stderr());
        r.stdout()
    };
    let codex = run("codex", &[]);
    assert!(codex.contains("# Add to ~/.codex/config.toml:"), "{codex}");
    assert!(codex.contains("#   [model_providers.routex]"), "{codex}");
    assert!(codex.contains("#   base_url = \"http://127.0.0.1:4555/v1\""), "{codex}");
    assert!(codex.contains("#   wire_api = \"responses\""), "{codex}");
    assert!(codex.contains("#   env_key = \"ROUTEX_CLIENT_KEY\""), "{codex}");
    assert!(codex.ends_with("export ROUTEX_CLIENT_KEY='ck-1'\n"), "{codex}");
    let gemini = run("gemini", &[]);
    assert_eq!(
        gemini,
        "# Add to ~/.gemini/settings.json:\n#   {\"security\": {\"auth\": {\"selectedType\": \"gemini-api-key\"}}}\n\
         export GOOGLE_GEMINI_BASE_URL='http://127.0.0.1:4555'\nexport GEMINI_API_KEY='ck-1'\n"
    );
    let claude = run("claude", &[]);
    assert_eq!(claude, "export ANTHROPIC_BASE_URL='http://127.0.0.1:4555'\nexport ANTHROPIC_AUTH_TOKEN='ck-1'\n");
    let json: serde_json::Value = serde_json::from_str(&run("codex", &["--output", "json"])).unwrap();
    assert_eq!(json["env"], serde_json::json!({"ROUTEX_CLIENT_KEY": "ck-1"}));
    assert_eq!(json["config"]["file"], "~/.codex/config.toml");
    assert!(json["config"]["text"].as_str().unwrap().contains("wire_api = \"responses\""));
}

/// A turn with a tool call: the anthropic channel asks Codex to run its `get_goal` tool,
/// Codex runs it and sends the result back over the Responses API (a `function_call` and
/// its `function_call_output`), routex converts both to Anthropic's tool_use and
/// tool_result, and the final answer reaches Codex's output.
#[tokio::test(flavor = "multi_thread")]
async fn codex_cli_runs_a_tool_through_routex_to_anthropic() {
    let codex = installed("codex");
    let mock = MockUpstream::start().await;
    mock.push(mock::Behavior::tool_call("get_goal", serde_json::json!({})));
    let mut stack = Stack::start(CONFIG, vec![channel("up", "anthropic", &mock.url(), 0)]).await;
    let home = tempfile::tempdir().unwrap();
    let codex_dir = home.path().join(".codex");
    std::fs::create_dir_all(&codex_dir).unwrap();
    codex_home(&codex_dir, &stack.url, "gpt-5-codex");
    let work = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) =
        run(codex_exec(&codex, home.path(), &codex_dir, work.path(), "What is the goal?")).await;
    let reqs = mock.requests();
    let ctx = format!("exit: {code:?}\nstdout: {stdout}\nstderr: {stderr}\nupstream bodies: {}", reqs.len());
    assert_eq!(code, Some(0), "{ctx}");
    assert!(stdout.contains(mock::DEFAULT_TEXT), "the answer after the tool\n{ctx}");
    assert!(reqs.len() >= 2, "a second request carries the tool's result\n{ctx}");
    let body = reqs[1].json();
    let msgs = body["messages"].as_array().unwrap();
    let (call_turn, result_turn) = (&msgs[msgs.len() - 2], &msgs[msgs.len() - 1]);
    let call = call_turn["content"].as_array().unwrap().iter().find(|b| b["type"] == "tool_use").expect("tool_use");
    assert_eq!(call["name"], "get_goal", "{body}");
    let result = &result_turn["content"][0];
    assert_eq!(result["type"], "tool_result", "{body}");
    assert_eq!(result["tool_use_id"], call["id"], "{body}");
    let records = stack.records().await;
    assert!(records.iter().filter(|r| r.client_protocol == "responses" && r.success).count() >= 2, "{records:?}");
}

/// A turn with a tool call from Gemini CLI's side: the openai channel asks for its
/// `list_directory` tool, Gemini CLI runs it and sends a `functionResponse`, which reaches
/// the channel as a `tool` message answering the call; the final answer is printed.
#[tokio::test(flavor = "multi_thread")]
async fn gemini_cli_runs_a_tool_through_routex_to_openai() {
    let gemini = installed("gemini");
    let mock = MockUpstream::start().await;
    mock.push(mock::Behavior::tool_call("list_directory", serde_json::json!({"dir_path": "."})));
    let mut stack = Stack::start(CONFIG, vec![channel("up", "openai", &base_url("openai", &mock), 0)]).await;
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("notes.txt"), "x").unwrap();
    gemini_home(home.path(), work.path());
    let mut cmd = tokio::process::Command::new(&gemini);
    cmd.args(["-p", "List the files here", "-m", "gemini-2.5-flash"])
        .current_dir(work.path())
        .env("HOME", home.path())
        .env("GEMINI_API_KEY", CLIENT_KEY)
        .env("GOOGLE_GEMINI_BASE_URL", &stack.url)
        .env("GEMINI_CLI_TRUST_WORKSPACE", "true")
        .env("NO_COLOR", "1")
        .env_remove("GOOGLE_API_KEY")
        .env_remove("GOOGLE_GENAI_USE_VERTEXAI");
    let (code, stdout, stderr) = run(cmd).await;
    let reqs = mock.requests();
    let ctx = format!("exit: {code:?}\nstdout: {stdout}\nstderr: {stderr}\nupstream requests: {}", reqs.len());
    assert_eq!(code, Some(0), "{ctx}");
    assert!(stdout.contains(mock::DEFAULT_TEXT), "the answer after the tool\n{ctx}");
    let second = reqs
        .iter()
        .map(|r| r.json())
        .find(|b| b["messages"].as_array().is_some_and(|m| m.iter().any(|m| m["role"] == "tool")))
        .unwrap_or_else(|| panic!("a request carries the tool's result\n{ctx}"));
    let msgs = second["messages"].as_array().unwrap();
    let call = msgs.iter().find(|m| m["tool_calls"].is_array()).expect("the assistant's call");
    assert_eq!(call["tool_calls"][0]["function"]["name"], "list_directory", "{second}");
    let result = msgs.iter().find(|m| m["role"] == "tool").unwrap();
    assert_eq!(result["tool_call_id"], call["tool_calls"][0]["id"], "{second}");
    let records = stack.records().await;
    assert!(records.iter().filter(|r| r.client_protocol == "gemini" && r.success).count() >= 2, "{records:?}");
}
