//! The README's tour and the docs' examples run as written (issue 19): every fenced block
//! marked `sh runnable` in README.md and docs/*.md is run by bash, in order, one page per
//! shell, with the built `routex` on PATH, a throwaway HOME (so the default data directory
//! `~/.config/routex` is a scratch one) and the provider URLs the blocks name pointed at
//! the in-process mock. A block that fails (`set -e`), a command the binary no longer
//! takes, a channel a rule targets that the page never creates: the test fails, so the
//! pages cannot drift from the binary.
//!
//! A block marked `sh runnable daemon` needs a running daemon: the page's script starts one
//! first (`routex serve --detach`), on a free port that replaces the `127.0.0.1:3000` the
//! pages name.

use crate::support::mock::MockUpstream;
use crate::support::BIN;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The info string of a block this test runs.
const MARK: &str = "```sh runnable";

/// The first line of a block marked `sh runnable daemon`.
const DAEMON: &str = "# (the test starts the daemon)";

/// Provider URLs the pages may name, and nothing else: each is pointed at the mock, so the
/// test stays on loopback (a page naming another https URL in a runnable block fails).
const PROVIDERS: &[&str] =
    &["https://api.anthropic.com", "https://api.deepseek.com", "https://generativelanguage.googleapis.com"];

/// A page's runnable blocks, in order; a block that needs a daemon starts with the line
/// [`DAEMON`].
fn runnable_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match &mut current {
            None if line.trim_end() == MARK => current = Some(String::new()),
            None if line.trim_end() == format!("{MARK} daemon") => current = Some(format!("{DAEMON}\n")),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.push(current.take().unwrap()),
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
        }
    }
    assert!(current.is_none(), "a runnable block is not closed");
    blocks
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every page with runnable blocks: README.md first, then docs/*.md by name.
fn pages() -> Vec<(String, String)> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut pages = vec![("README.md".to_string(), std::fs::read_to_string(repo().join("README.md")).unwrap())];
    for p in docs {
        let name = format!("docs/{}", p.file_name().unwrap().to_string_lossy());
        pages.push((name, std::fs::read_to_string(&p).unwrap()));
    }
    pages
}

/// `routex stop` in the page's HOME when the test ends, passed or not: a detached daemon
/// the script started must not outlive it.
struct StopOnDrop {
    env: Vec<(String, String)>,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let mut c = Command::new(BIN);
        c.arg("stop")
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Ok(mut child) = c.spawn() {
            let deadline = Instant::now() + Duration::from_secs(30);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
        }
    }
}

/// What one page's script did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run `script` with bash (`-euo pipefail`) in `dir`, `routex` on PATH, HOME in `dir`, the
/// daemon on `port` (`ROUTEX_PORT`: the pages say 3000, which another process may hold).
/// At most two minutes.
fn run_page(dir: &Path, script: &str, port: u16) -> (Ran, StopOnDrop) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("routex")).unwrap();
    let home = dir.join("home");
    let work = dir.join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let env: Vec<(String, String)> = vec![
        ("PATH".into(), format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display())),
        ("HOME".into(), home.display().to_string()),
        ("ROUTEX_PORT".into(), port.to_string()),
        ("LANG".into(), "C.UTF-8".into()),
        ("NO_COLOR".into(), "1".into()),
    ];
    let stop = StopOnDrop { env: env.clone() };
    let out = dir.join("stdout");
    let err = dir.join("stderr");
    let mut child = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(&work)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let ran = Ran {
        code,
        stdout: std::fs::read_to_string(out).unwrap_or_default(),
        stderr: std::fs::read_to_string(err).unwrap_or_default(),
    };
    (ran, stop)
}

/// A port free now, for the daemon the page starts.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The script of a page's blocks with the provider URLs pointed at the mock and the
/// daemon's address at `port`; a daemon started first when a block needs one.
fn script_for(blocks: &[String], mock: &str, port: u16) -> String {
    let mut script = blocks.join("\n");
    if script.contains(DAEMON) {
        script = format!("routex serve --detach >/dev/null\n{script}");
    }
    for p in PROVIDERS {
        script = script.replace(p, mock);
    }
    for local in ["127.0.0.1:3000", "localhost:3000"] {
        script = script.replace(local, &format!("127.0.0.1:{port}"));
    }
    assert!(!script.contains("https://"), "a runnable block names a URL the test cannot mock:\n{script}");
    script
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_tour_runs_as_written() {
    let (_, readme) = pages().remove(0);
    let blocks = runnable_blocks(&readme);
    // The tour's blocks: keys and channels, the daemon, a client, the CLI through the
    // daemon, the rules. Fewer means a block lost its mark and is no longer checked.
    assert!(blocks.len() >= 5, "README.md has {} runnable blocks", blocks.len());
    assert!(!readme.contains("cargo run") && !readme.contains("SPEC §"), "README.md names `cargo run` or SPEC");
    assert!(readme.contains("cargo install --path ."), "README.md lost its install step");

    let mock = MockUpstream::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let script = script_for(&blocks, &mock.url(), port);
    let (ran, stop) = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || run_page(&dir, &script, port)
    })
    .await
    .unwrap();
    let all = format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", ran.code, ran.stdout, ran.stderr);
    assert_eq!(ran.code, Some(0), "the README tour failed:\n{all}");
    drop(stop);

    // What the user sees: the tour's channels tested and used with the keys it exported
    // (read by reference from the environment), both client formats answered, the rule
    // test sending the haiku request to deepseek.
    let seen = mock.requests();
    let keyed = |header: &str, value: &str| seen.iter().filter(|r| r.header(header) == Some(value)).count();
    assert!(keyed("x-api-key", "sk-ant-your-key") >= 3, "claude-main: test + two client requests\n{all}");
    assert!(keyed("authorization", "Bearer sk-your-deepseek-key") >= 1, "deepseek tested\n{all}");
    // `routex test` asks each channel for a model it serves (a real DeepSeek refuses gpt-*).
    for r in seen.iter().filter(|r| r.header("authorization") == Some("Bearer sk-your-deepseek-key")) {
        let model = r.json()["model"].as_str().unwrap_or_default().to_string();
        assert!(model.starts_with("deepseek-"), "deepseek was asked for {model:?}\n{all}");
    }
    assert!(ran.stdout.contains("\"type\":\"message\"") || ran.stdout.contains("\"type\": \"message\""), "{all}");
    assert!(ran.stdout.contains("chat.completion"), "{all}");
    assert!(ran.stdout.contains("→ channel deepseek, model deepseek-chat, via rule \"background\""), "{all}");
    assert!(ran.stdout.contains("from $ANTHROPIC_API_KEY"), "{all}");
    // `routex logs` and `routex stats` right after the two requests show them (the log is
    // written off the request path, once a second: a read waits for what was queued).
    assert!(!ran.stderr.contains("no requests recorded yet"), "{all}");
    let requests = ran.stdout.lines().find(|l| l.trim_start().starts_with("requests ")).unwrap_or_default();
    assert_eq!(requests.split_whitespace().nth(1), Some("2"), "{all}");
    assert!(!ran.stdout.contains("sk-ant-your-key") && !ran.stderr.contains("sk-ant-your-key"), "a key printed\n{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_runnable_block_in_the_docs_runs_as_written() {
    let pages: Vec<(String, Vec<String>)> = pages()
        .into_iter()
        .skip(1)
        .map(|(name, text)| (name, runnable_blocks(&text)))
        .filter(|(_, b)| !b.is_empty())
        .collect();
    for page in ["docs/rules.md", "docs/transformers.md"] {
        assert!(pages.iter().any(|(name, _)| name == page), "{page} lost its runnable blocks");
    }
    for (name, text) in self::pages().into_iter().skip(1) {
        assert!(!text.contains("cargo run") && !text.contains("SPEC §"), "{name} names `cargo run` or SPEC");
    }
    let mock = MockUpstream::start().await;
    for (name, blocks) in pages {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = script_for(&blocks, &mock.url(), port);
        let (ran, stop) = tokio::task::spawn_blocking({
            let dir = dir.path().to_path_buf();
            move || run_page(&dir, &script, port)
        })
        .await
        .unwrap();
        drop(stop);
        assert_eq!(
            ran.code,
            Some(0),
            "{name}: its runnable blocks failed (exit {:?})\n--- stdout\n{}\n--- stderr\n{}",
            ran.code,
            ran.stdout,
            ran.stderr
        );
        if name == "docs/transformers.md" {
            assert!(ran.stdout.contains(r#""max_tokens":10"#) && ran.stdout.contains("why"), "{}", ran.stdout);
        }
        if name == "docs/rules.md" {
            assert!(
                ran.stdout.contains("→ channel claude-main, model claude-opus-4, via rule \"think\""),
                "{}",
                ran.stdout
            );
        }
    }
}
