//! The same CLI commands with and without a daemon: same output, same store.

use crate::support::*;

const KEY: &str = "sk-ant-api03-TOPSECRET-0123456789-wxyz";

fn add_two(h: &Home) {
    h.cmd(&[
        "channel",
        "add",
        "--name",
        "claude-main",
        "--type",
        "anthropic",
        "--models",
        "claude-*",
        "--api-key-from-env",
        "TEST_KEY",
        "--priority",
        "10",
    ])
    .env("TEST_KEY", KEY)
    .output()
    .map(Run)
    .unwrap()
    .ok();
    h.run(&[
        "channel",
        "add",
        "--name",
        "backup",
        "--type",
        "openai",
        "--models",
        "gpt-4o,gpt-4o-mini",
        "--api-key",
        "sk-proj-OTHERSECRET-99999999",
    ])
    .ok();
}

#[test]
fn list_show_export_match_with_and_without_daemon() {
    let h = Home::new();
    add_two(&h);
    let commands: Vec<Vec<&str>> = vec![
        vec!["channel", "list"],
        vec!["channel", "list", "--output", "json"],
        vec!["channel", "show", "claude-main", "--output", "yaml"],
        vec!["strategy"],
    ];
    let local: Vec<String> = commands.iter().map(|c| h.run(c).ok().stdout()).collect();
    assert!(local[0].contains("claude-main") && local[0].contains("backup"), "{}", local[0]);
    let list: serde_json::Value = serde_json::from_str(&local[1]).unwrap();
    assert_eq!(list[0]["name"], "claude-main", "priority 10 sorts first");
    assert_eq!(list[0]["api_keys"][0], "sk-ant-…wxyz");

    let d = h.serve(&[]);
    let remote: Vec<String> = commands.iter().map(|c| h.run(c).ok().stdout()).collect();
    assert_eq!(local, remote, "outputs differ between the local store and the daemon");

    // A write through the CLI lands in the daemon and is visible on its API.
    h.run(&["channel", "add", "--name", "third", "--type", "gemini", "--models", "gemini-*"]).ok();
    h.run(&["channel", "disable", "backup"]).ok();
    h.run(&["strategy", "set", "round_robin"]).ok();
    let api = d.get("/api/channels");
    assert_eq!(api["success"], true);
    let names: Vec<&str> = api["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["claude-main", "backup", "third"]);
    assert_eq!(api["data"][1]["status"], "disabled");
    assert_eq!(d.get("/api/load-balancer/strategy")["data"]["strategy"], "round_robin");
    let through_daemon = h.run(&["channel", "list", "--output", "json"]).ok().stdout();

    let log = d.stop();
    assert!(!h.path().join("daemon.json").exists(), "daemon.json left behind");
    assert!(log.contains("stopped cleanly"), "{log}");
    // After the daemon stops, the local store shows exactly what the daemon wrote.
    assert_eq!(h.run(&["channel", "list", "--output", "json"]).ok().stdout(), through_daemon);
    let table = h.run(&["strategy"]).ok().stdout();
    assert!(table.lines().any(|l| l.trim_start().starts_with('*') && l.contains("round_robin")), "{table}");
}

#[test]
fn secrets_appear_nowhere_unless_asked_for() {
    let h = Home::new();
    add_two(&h);
    let d = h.serve(&["-v"]);
    let mut seen = Vec::new();
    for args in [
        vec!["channel", "list"],
        vec!["channel", "list", "--output", "json"],
        vec!["channel", "show", "claude-main"],
        vec!["export"],
        vec!["export", "--format", "json"],
        vec!["-v", "channel", "list"],
    ] {
        let r = h.run(&args).ok();
        seen.extend_from_slice(&r.0.stdout);
        seen.extend_from_slice(&r.0.stderr);
    }
    for path in ["/api/channels", "/api/channels/claude-main", "/api/channels/export", "/api"] {
        seen.extend_from_slice(d.get(path).to_string().as_bytes());
    }
    // Over HTTP, keys in clear need a token even on loopback …
    let refused = d.get("/api/channels/claude-main?show_secrets=true").to_string();
    assert!(refused.contains("secrets_need_token") && !refused.contains("TOPSECRET"), "{refused}");
    // … which the CLI of the same user has: the daemon's local token in daemon.json (0600).
    let through_daemon = h.run(&["channel", "show", "claude-main", "--show-secrets"]).ok().stdout();
    assert!(through_daemon.contains(KEY), "{through_daemon}");
    let exported = h.run(&["export", "--include-secrets", "--format", "json"]).ok().stdout();
    assert!(exported.contains(KEY), "{exported}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(h.path().join("daemon.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "daemon.json holds the local token");
    }
    let log = d.stop();
    seen.extend_from_slice(log.as_bytes());
    seen.extend(all_bytes(h.path()));
    assert!(!contains(&seen, "TOPSECRET"), "the anthropic key leaked");
    assert!(!contains(&seen, "OTHERSECRET"), "the openai key leaked");

    // Explicitly asked for: there.
    let shown = h.run(&["channel", "show", "claude-main", "--show-secrets"]).ok().stdout();
    assert!(shown.contains(KEY), "{shown}");
    let exported = h.run(&["export", "--include-secrets"]).ok().stdout();
    assert!(exported.contains(KEY));
}

#[test]
fn export_import_round_trip_and_dry_run() {
    let a = Home::new();
    add_two(&a);
    let file = a.path().join("export.yaml");
    a.run(&["export", "--include-secrets", "-o", file.to_str().unwrap()]).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let b = Home::new();
    b.run(&["channel", "add", "--name", "stale", "--type", "openai", "--models", "x"]).ok();
    let dry = b.run(&["import", file.to_str().unwrap(), "--replace", "--dry-run"]).ok().stdout();
    assert!(
        dry.contains("dry run") && dry.contains("+ create    claude-main") && dry.contains("- remove    stale"),
        "{dry}"
    );
    assert!(b.run(&["channel", "list"]).ok().stdout().contains("stale"), "dry run wrote something");
    b.run(&["import", file.to_str().unwrap(), "--replace"]).ok();
    let listed = b.run(&["channel", "list", "--show-secrets", "--output", "json"]).ok().stdout();
    assert!(listed.contains(KEY) && !listed.contains("stale"), "{listed}");
    // Importing again changes nothing.
    let again = b.run(&["import", file.to_str().unwrap()]).ok().stdout();
    assert!(again.contains("= unchanged claude-main") && !again.contains("update"), "{again}");
}
