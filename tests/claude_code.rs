//! `routex code` with the real Claude Code CLI (npm `@anthropic-ai/claude-code`, installed
//! by `tests/e2e/claude-setup.sh` into `.claude-code/`): no daemon running, so `code`
//! starts one in the background, runs Claude Code in print mode pointed at it, and the
//! answer from the mock upstream comes back through routex into Claude Code's output; the
//! request log has the requests. A missing `claude` is named with how to install it.

use crate::support::mock::{self, MockUpstream};
use crate::support::Home;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// The installed `claude`, or the setup's output as the failure.
fn claude() -> &'static PathBuf {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let r = BIN.get_or_init(|| {
        let why = "the Claude Code tests need npm and the registry";
        let out = crate::support::setup_script("tests/e2e/claude-setup.sh", Duration::from_secs(600), why)?;
        // The script's last line is the path of `claude` (its notes come before it).
        Ok(PathBuf::from(out.trim().lines().last().unwrap_or_default()))
    });
    r.as_ref().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn routex_code_runs_claude_code_through_routex() {
    let claude = claude().clone();
    let up = MockUpstream::start().await;
    let h = Home::new();
    h.run(&[
        "channel",
        "add",
        "--name",
        "mock",
        "--type",
        "anthropic",
        "--models",
        "*",
        "--base-url",
        &up.url(),
        "--api-key",
        "sk-ant-0123456789abcdef",
    ])
    .ok();
    let home = tempfile::tempdir().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = h.cmd(&["code", "--", "-p", "Say hello"]);
    cmd.env("CLAUDE_PATH", &claude)
        .env("HOME", home.path())
        .env("ROUTEX_CONFIG", {
            let cfg = h.path().join("routex.yaml");
            std::fs::write(&cfg, format!("server:\n  port: {free}\n")).unwrap();
            cfg
        })
        .env("DISABLE_TELEMETRY", "1")
        .env("DISABLE_ERROR_REPORTING", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("ANTHROPIC_API_KEY", "sk-ant-users-own-key-must-not-be-used")
        .env_remove("ANTHROPIC_BASE_URL")
        .env_remove("ANTHROPIC_AUTH_TOKEN");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let stop = h.run(&["stop"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains(mock::DEFAULT_TEXT), "Claude Code printed the upstream's answer: {stdout}\n{stderr}");
    assert!(stderr.contains("routex started"), "code started the daemon: {stderr}");
    assert!(stop.stderr().contains("stopped routex"), "{}", stop.stderr());
    // The upstream got Claude Code's requests with the channel's key, never the user's.
    let reqs = up.requests();
    assert!(reqs.iter().any(|r| r.path.starts_with("/v1/messages")), "{reqs:?}");
    for r in &reqs {
        assert_ne!(r.header("x-api-key"), Some("sk-ant-users-own-key-must-not-be-used"));
    }
    // And the request log has them, successful.
    let logs = h.run(&["logs", "--output", "json", "--limit", "50"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&logs).unwrap();
    assert!(!recs.is_empty() && recs.iter().any(|r| r["success"] == true && r["endpoint"] == "/v1/messages"), "{logs}");
}

#[test]
fn a_missing_claude_is_named_with_how_to_install_it() {
    let h = Home::new();
    let r =
        Run(h.cmd(&["code", "--", "-p", "hi"]).env("PATH", "/nonexistent").env_remove("CLAUDE_PATH").output().unwrap());
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("npm install -g @anthropic-ai/claude-code"), "{}", r.stderr());
    assert!(!h.path().join("daemon.json").exists(), "no daemon started for nothing");
}

use crate::support::Run;
