//! Bad input: one clear line, exit 2, nothing stored changes. Help and completions work
//! whatever state the store is in.

use crate::support::*;

fn snapshot(h: &Home) -> String {
    h.run(&["export", "--include-secrets", "--format", "json"])
        .ok()
        .stdout()
        .lines()
        .filter(|l| !l.contains("exported_at"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bad_channel_input_is_one_line_exit_2_and_changes_nothing() {
    let h = Home::new();
    h.add_keyed_channel("main", "claude-*");
    let before = snapshot(&h);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["channel", "add", "--name", "x", "--type", "foo", "--models", "m"], "field `type` unknown type \"foo\";"),
        (
            vec!["channel", "add", "--name", "x", "--type", "openia", "--models", "m"],
            "unknown type \"openia\" (did you mean openai?); use one of",
        ),
        (
            vec!["rule", "add", "--name", "r", "--type", "backgroun", "--target-channel", "main"],
            "unknown rule type \"backgroun\" (did you mean background?)",
        ),
        (vec!["channel", "add", "--name", "x", "--type", "openai", "--models", ""], "field `models`"),
        (
            vec!["channel", "add", "--name", "x", "--type", "openai", "--models", "m", "--base-url", "not-a-url"],
            "field `base_url`",
        ),
        (
            vec!["channel", "add", "--name", "x", "--type", "openai", "--models", "m", "--weight", "-1"],
            "field `weight` must be 0 or more (got -1)",
        ),
        (
            vec!["channel", "add", "--name", "main", "--type", "openai", "--models", "m"],
            "name \"main\" is already used",
        ),
        (
            vec![
                "channel",
                "add",
                "--name",
                "x",
                "--type",
                "custom",
                "--models",
                "m",
                "--base-url",
                "http://127.0.0.1:9",
            ],
            "field `protocol` is required",
        ),
        (vec!["channel", "add", "--type", "openai"], "missing --name, --models"),
        (vec!["channel", "edit", "main", "--weight", "-5"], "field `weight`"),
        (vec!["channel", "edit", "nope", "--weight", "5"], "channel \"nope\" not found (see: routex channel list)"),
        (vec!["channel", "remove", "nope"], "not found"),
        (vec!["strategy", "set", "fastest"], "unknown strategy \"fastest\""),
    ];
    for (args, expected) in cases {
        let r = h.run(&args);
        assert_eq!(r.code(), 2, "{args:?}: {}", r.stderr());
        let err = r.stderr();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: not one line: {err}");
        assert!(err.starts_with("error: ") && err.contains(expected), "{args:?}: {err}");
        assert!(r.stdout().is_empty(), "{args:?} printed to stdout");
    }
    assert_eq!(before, snapshot(&h), "a rejected command changed the store");
}

#[test]
fn malformed_and_misspelled_yaml_is_located() {
    let h = Home::new();
    h.run(&["channel", "add", "--name", "main", "--type", "anthropic", "--models", "claude-*"]).ok();
    let before = snapshot(&h);
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "typo.yaml",
            "version: 1\nchannels:\n  - name: a\n    type: openai\n    modles: [gpt-4o]\n",
            "line 5",
            "modles",
        ),
        ("broken.yaml", "version: 1\nchannels: [ {name: a\n", "line", "broken.yaml"),
        (
            "weight.yaml",
            "version: 1\nchannels:\n  - {name: a, type: openai, models: [m], weight: -2}\n",
            "channels[0]",
            "weight",
        ),
        ("config.yaml", "server:\n  port: 3000\n  hots: 0.0.0.0\n", "line 3", "hots"),
    ];
    for (name, text, where_, what) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let r = h.run(&["import", p.to_str().unwrap()]);
        assert_eq!(r.code(), 2, "{name}: {}", r.stderr());
        let err = r.stderr();
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(err.contains(where_) && err.contains(what), "{name}: {err}");
        // serve --config rejects the same file the same way, before touching the store.
        if name == "config.yaml" {
            let r = h.run(&["serve", "--port", "0", "--config", p.to_str().unwrap()]);
            assert_eq!(r.code(), 2);
            assert!(r.stderr().contains("line 3") && r.stderr().contains("hots"), "{}", r.stderr());
        }
    }
    assert_eq!(before, snapshot(&h));
}

#[test]
fn help_version_completions_work_with_a_locked_store() {
    let h = Home::new();
    h.run(&["channel", "list"]).ok();
    // Hold sled's lock from another process that is not a daemon.
    let holder = std::process::Command::new(BIN)
        .args(["serve", "--port", "0"])
        .env("ROUTEX_HOME", h.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut holder = Daemon { child: holder, url: String::new(), home: h.path().to_path_buf() };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !h.path().join("daemon.json").exists() {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Pretend it stopped answering: remove its discovery file and freeze it.
    std::fs::remove_file(h.path().join("daemon.json")).unwrap();
    unsafe { libc::kill(holder.child.id() as i32, libc::SIGSTOP) };
    assert!(h.run(&["--help"]).ok().stdout().contains("Usage: routex"));
    assert!(h.run(&["--version"]).ok().stdout().starts_with("routex "));
    assert!(h.run(&["completions", "bash"]).ok().stdout().contains("_routex()"));
    assert!(h.run(&["channel", "add", "--help"]).ok().stdout().contains("--api-key-env"));
    let r = h.run(&["channel", "list"]);
    assert_eq!(r.code(), 2);
    let err = r.stderr();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("locked by process") && err.contains(&holder.child.id().to_string()), "{err}");
    unsafe { libc::kill(holder.child.id() as i32, libc::SIGCONT) };
    holder.child.kill().ok();
    holder.child.wait().ok();
    holder.url.clear();

    // An unreadable store: help still works, commands say what is wrong.
    let broken = Home::new();
    std::fs::create_dir_all(broken.path().join("routex.db")).unwrap();
    std::fs::write(broken.path().join("routex.db").join("conf"), b"garbage").unwrap();
    assert!(broken.run(&["--help"]).ok().stdout().contains("Usage"));
    assert!(broken.run(&["completions", "zsh"]).ok().stdout().contains("#compdef routex"));
}

#[test]
fn non_loopback_without_auth_refuses_to_start() {
    let h = Home::new();
    let r = h.run(&["serve", "--host", "0.0.0.0", "--port", "0"]);
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr().contains("refusing to listen on 0.0.0.0") && r.stderr().contains("--allow-unauthenticated"),
        "{}",
        r.stderr()
    );
    assert!(!h.path().join("daemon.json").exists());
}

#[test]
fn server_flag_that_does_not_answer_is_one_clear_line() {
    let h = Home::new();
    // Port 9 on loopback: nothing listens there in the test environment.
    let r = h.run(&["--server", "http://127.0.0.1:9", "channel", "list"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("cannot reach the routex daemon at http://127.0.0.1:9"), "{}", r.stderr());
}

/// Names are taken whatever their case where nothing is ambiguous: `--type OpenAI`,
/// `--type longcontext`.
#[test]
fn types_are_case_insensitive() {
    let h = Home::new();
    h.run(&[
        "channel",
        "add",
        "--name",
        "up",
        "--type",
        "OpenAI",
        "--models",
        "gpt-*",
        "--api-key",
        "sk-0123456789abcdef",
    ])
    .ok();
    h.run(&[
        "rule",
        "add",
        "--name",
        "long",
        "--type",
        "longcontext",
        "--token-threshold",
        "5",
        "--target-channel",
        "up",
    ])
    .ok();
    let rules = h.run(&["rule", "list", "--output", "json"]).ok().stdout();
    assert!(rules.contains("\"type\": \"longContext\""), "{rules}");
}
