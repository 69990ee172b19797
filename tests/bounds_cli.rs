//! Hostile input reaching the CLI: control characters in recorded values, the export
//! file, the data directory's modes, a document over the daemon's admin body limit.

use crate::support::*;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

const HOSTILE: [&str; 2] = ["claude-\u{1b}]0;PWNED\u{7}", "claude-x\r\nINJECTED-LOG-LINE 200 OK"];

fn post_model(url: &str, model: &str) {
    let body = serde_json::json!({"model": model, "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]});
    match ureq::post(&format!("{url}/v1/messages")).send_json(body) {
        Ok(_) => {}
        Err(ureq::Error::Status(code, _)) => assert_eq!(code, 404, "unknown model"),
        Err(e) => panic!("{e}"),
    }
}

fn assert_no_controls(out: &[u8]) {
    let bad: Vec<u8> = out.iter().copied().filter(|b| (*b < 0x20 && *b != b'\n') || *b == 0x7f).collect();
    assert!(bad.is_empty(), "control bytes {bad:?} in {:?}", String::from_utf8_lossy(out));
}

#[test]
fn logs_and_follow_escape_control_characters_json_stays_exact() {
    let h = Home::new();
    let d = h.serve(&[]);
    // --follow first, so the second request arrives while it watches.
    let mut follow = h.cmd(&["logs", "--follow"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    post_model(&d.url, HOSTILE[0]);
    post_model(&d.url, HOSTILE[1]);
    // The table, read back through the daemon.
    let deadline = Instant::now() + Duration::from_secs(10);
    let table = loop {
        let out = h.run(&["logs"]).ok();
        if out.stdout().contains("INJECTED") && out.stdout().contains("PWNED") || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_no_controls(&table.0.stdout);
    let text = table.stdout();
    assert!(text.contains("claude-\\u{1b}]0;PWNED\\u{7}"), "{text}");
    assert!(text.contains("claude-x\\u{d}\\u{a}INJECTED-LOG-LINE 200 OK"), "{text}");
    assert_eq!(text.lines().count(), 3, "header + 2 rows, no forged line: {text}");
    assert!(!text.lines().any(|l| l.starts_with("INJECTED")), "{text}");
    // What --follow printed.
    std::thread::sleep(Duration::from_millis(2500));
    unsafe {
        libc::kill(follow.id() as i32, libc::SIGTERM);
    }
    let mut followed = Vec::new();
    follow.stdout.take().unwrap().read_to_end(&mut followed).unwrap();
    let _ = follow.wait();
    assert_no_controls(&followed);
    let ftext = String::from_utf8_lossy(&followed);
    assert!(ftext.contains("claude-\\u{1b}]0;PWNED\\u{7}"), "{ftext}");
    assert!(ftext.contains("claude-x\\u{d}\\u{a}INJECTED"), "{ftext}");
    // Each poll prints its own rows, and they line up under the header: STATUS starts at
    // the same column in every line.
    let lines: Vec<&str> = ftext.lines().collect();
    assert!(lines[0].starts_with("TIME") && lines.len() >= 3, "{ftext}");
    let at = lines[0].find("STATUS").unwrap();
    for l in &lines[1..] {
        assert_eq!(l.chars().skip(at).take(3).collect::<String>(), "404", "misaligned: {ftext}");
    }
    // JSON stays exact.
    let json = h.run(&["logs", "--output", "json"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let models: Vec<&str> = recs.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert!(models.contains(&HOSTILE[0]) && models.contains(&HOSTILE[1]), "{models:?}");
    assert!(recs.iter().all(|r| r["status"] == 404));
}

#[test]
fn channel_and_rule_tables_escape_control_characters() {
    let h = Home::new();
    h.add_keyed_channel("main", HOSTILE[1]);
    h.run(&["rule", "add", "--name", "r1", "--type", "model", "--model", HOSTILE[0], "--target-model", HOSTILE[1]])
        .ok();
    for args in [vec!["rule", "list"], vec!["rule", "show", "r1"]] {
        let out = h.run(&args).ok();
        assert_no_controls(&out.0.stdout);
        assert!(out.stdout().contains("claude-\\u{1b}]0;PWNED\\u{7}"), "{}", out.stdout());
        assert!(out.stdout().contains("claude-x\\u{d}\\u{a}INJECTED-LOG-LINE 200 OK"), "{}", out.stdout());
    }
    for args in [vec!["channel", "list"], vec!["channel", "show", "main"]] {
        let out = h.run(&args).ok();
        assert_no_controls(&out.0.stdout);
        assert!(out.stdout().contains("claude-x\\u{d}\\u{a}INJECTED-LOG-LINE 200 OK"), "{}", out.stdout());
    }
}

#[cfg(unix)]
#[test]
fn export_with_secrets_replaces_a_file_0600_and_refuses_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let h = Home::new();
    h.add_keyed_channel("main", "claude-*");
    let out = h.path().join("backup.yaml");
    std::fs::write(&out, "old contents\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = h.run(&["export", "--include-secrets", "-o", out.to_str().unwrap()]).ok();
    assert!(run.stderr().contains(&format!("replaced the existing file {}", out.display())), "{}", run.stderr());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "keys in clear must be owner-only");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("sk-ant-0123456789abcdef") && !text.contains("old contents"), "{text}");
    // No temp file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(h.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A new file: 0600 and no "replaced" note.
    let fresh = h.path().join("fresh.json");
    let run = h.run(&["export", "--include-secrets", "--format", "json", "-o", fresh.to_str().unwrap()]).ok();
    assert!(!run.stderr().contains("replaced"), "{}", run.stderr());
    assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o600);

    // A symlink: refused, exit 2, the target untouched.
    let target = h.path().join("elsewhere.txt");
    std::fs::write(&target, "precious\n").unwrap();
    let link = h.path().join("link.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let run = h.run(&["export", "--include-secrets", "-o", link.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!("refusing to write {}: it is a symbolic link", link.display())),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("remove the link"), "{}", run.stderr());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

/// Every directory and file under `dir` with a mode granting group or other access.
#[cfg(unix)]
fn too_open(dir: &std::path::Path, skip: &[&str]) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut bad = Vec::new();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    if mode != 0o700 {
        bad.push(format!("{} {mode:o}", dir.display()));
    }
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let t = e.file_type().unwrap();
        if t.is_dir() {
            bad.extend(too_open(&e.path(), skip));
        } else if t.is_file() {
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            if mode != 0o600 {
                bad.push(format!("{} {mode:o}", e.path().display()));
            }
        }
    }
    bad
}

#[cfg(unix)]
#[test]
fn data_dir_is_0700_and_its_files_0600_and_older_modes_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let h = Home::new();
    let conf_dir = tempfile::tempdir().unwrap();
    let conf = conf_dir.path().join("routex.yaml");
    std::fs::write(&conf, "logging: { bodies: all }\n").unwrap();
    // daemon.stderr is the test's own capture of the daemon's stderr.
    let data = h.path().to_path_buf();
    let d = h.serve(&["--config", conf.to_str().unwrap()]);
    post_model(&d.url, "claude-private-prompt");
    d.stop();
    assert!(data.join("requests").read_dir().unwrap().count() > 0, "a log segment was written");
    assert!(data.join("logs").join("routex.log").exists());
    let bad = too_open(&data, &["daemon.stderr"]);
    assert!(bad.is_empty(), "too open: {bad:?}");

    // What an older version left: 0755 directories, 0644 files. Opening tightens them.
    fn loosen(p: &std::path::Path) {
        let dir = p.is_dir();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(if dir { 0o755 } else { 0o644 })).unwrap();
        if dir {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                loosen(&e.path());
            }
        }
    }
    loosen(&data);
    h.run(&["channel", "list"]).ok();
    let bad = too_open(&data, &["logs", "daemon.stderr"]);
    assert!(bad.is_empty(), "not tightened by a CLI command: {bad:?}");
    let d = h.serve(&["--config", conf.to_str().unwrap()]);
    d.stop();
    let bad = too_open(&data, &["daemon.stderr"]);
    assert!(bad.is_empty(), "not tightened by serve: {bad:?}");
}

#[test]
fn import_over_the_admin_body_limit_says_so_and_how_out() {
    let h = Home::new();
    h.add_keyed_channel("main", "claude-*");
    let mut doc: serde_json::Value =
        serde_json::from_str(&h.run(&["export", "--format", "json"]).ok().stdout()).unwrap();
    doc["channels"][0]["name"] = "big".into();
    doc["channels"][0]["models"] = (0..3_000).map(|i| format!("model-{i:06}-{}", "p".repeat(400))).collect();
    let file = h.path().join("big.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    assert!(std::fs::metadata(&file).unwrap().len() > 1024 * 1024);
    let conf_dir = tempfile::tempdir().unwrap();
    let conf = conf_dir.path().join("routex.yaml");
    std::fs::write(&conf, "server: { body_limit_mb: 1 }\n").unwrap();
    let d = h.serve(&["--config", conf.to_str().unwrap()]);
    assert_eq!(d.get("/api")["data"]["body_limit_bytes"], 1024 * 1024);
    let run = h.run(&["import", file.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let err = run.stderr();
    assert!(err.starts_with(&format!("error: cannot import {} through the daemon", file.display())), "{err}");
    assert!(err.contains("is over the admin body limit of 1.0 MiB"), "{err}");
    assert!(err.contains("raise server.body_limit_mb"), "{err}");
    assert!(err.contains("stop the daemon"), "{err}");
    assert!(!err.contains("cannot reach") && !err.contains("Broken pipe"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Without the daemon the same document goes straight into the store.
    d.stop();
    h.run(&["import", file.to_str().unwrap()]).ok();
    let list = h.run(&["channel", "list", "--output", "json"]).ok().stdout();
    assert!(list.contains("\"big\""), "imported");
}
