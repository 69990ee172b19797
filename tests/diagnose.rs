//! `routex diagnose` names each problem of a broken setup and its fix, exits 1, and
//! finishes in seconds: a taken port (and who holds it), a store locked by a process that
//! left no daemon.json, a malformed config, a channel whose key is refused and one where
//! nothing listens. Loopback only.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::Home;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn diagnose_names_each_problem_and_its_fix() {
    let refused = MockUpstream::start().await;
    refused.set_default(Behavior::status(401));
    let good = MockUpstream::start().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let h = Home::new();
    for (name, url) in [("badkey", refused.url()), ("nobody", dead_url), ("fine", good.url())] {
        h.run(&[
            "channel",
            "add",
            "--name",
            name,
            "--type",
            "anthropic",
            "--models",
            "claude-*",
            "--base-url",
            &url,
            "--api-key",
            "sk-ant-0123456789abcdef",
        ])
        .ok();
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let cfg = h.path().join("routex.yaml");
    std::fs::write(&cfg, "server:\n  port: 3000\n  lisen: 1\n").unwrap();

    let started = Instant::now();
    let r = h.run(&["diagnose", "--config", cfg.to_str().unwrap(), "--port", &port, "--output", "json"]);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(r.code(), 1, "{}", r.stderr());
    let checks: Vec<serde_json::Value> = serde_json::from_str(&r.stdout()).unwrap();
    let find = |name: &str| {
        checks.iter().find(|c| c["check"] == name).cloned().unwrap_or_else(|| panic!("no check {name}: {checks:?}"))
    };
    let verdict = |name: &str| find(name)["verdict"].as_str().unwrap().to_string();
    assert_eq!(verdict("config file"), "fail");
    assert!(
        find("config file")["detail"].as_str().unwrap().contains("line 3")
            && find("config file")["detail"].as_str().unwrap().contains("lisen")
    );
    assert_eq!(verdict("port"), "fail");
    let me = std::process::id().to_string();
    assert!(find("port")["detail"].as_str().unwrap().contains(&format!("taken by pid {me}")), "{:?}", find("port"));
    assert!(find("port")["fix"].as_str().unwrap().contains("routex serve --port"));
    assert_eq!(verdict("badkey: request"), "fail");
    assert!(find("badkey: request")["detail"].as_str().unwrap().contains("the key was refused"));
    assert!(find("badkey: request")["fix"].as_str().unwrap().contains("routex channel edit badkey"));
    assert_eq!(verdict("nobody: connect"), "fail");
    assert_eq!(verdict("fine: request"), "ok");
    assert_eq!(verdict("fine: connect"), "ok");
    assert_eq!(verdict("store"), "ok");
    assert_eq!(verdict("daemon"), "warn", "not running is not broken");

    // A store held by a process that left no daemon.json: locked, and by whom.
    let d = h.serve(&[]);
    std::fs::remove_file(h.path().join("daemon.json")).unwrap();
    let r = h.run(&["diagnose", "--output", "json"]);
    assert_eq!(r.code(), 1);
    let checks: Vec<serde_json::Value> = serde_json::from_str(&r.stdout()).unwrap();
    let store = checks.iter().find(|c| c["check"] == "store").unwrap();
    assert_eq!(store["verdict"], "fail");
    assert!(
        store["detail"].as_str().unwrap().contains("locked by") && store["detail"].as_str().unwrap().contains("serve"),
        "{store}"
    );
    drop(d);

    // Everything fine: exit 0, and a table for people.
    let h2 = Home::new();
    h2.run(&[
        "channel",
        "add",
        "--name",
        "fine",
        "--type",
        "anthropic",
        "--models",
        "claude-*",
        "--base-url",
        &good.url(),
        "--api-key",
        "sk-ant-0123456789abcdef",
    ])
    .ok();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let r = h2.run(&["diagnose", "--port", &free]);
    assert_eq!(r.code(), 0, "{}", r.stdout());
    assert!(r.stdout().contains("nothing is broken") && r.stdout().contains("✓"), "{}", r.stdout());
    drop(taken);
}
