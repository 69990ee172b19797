//! The daemon's life from the command line, with the real binary: `serve --detach`
//! returns once the daemon answers and says where it is, `status` tells running from not
//! (exit 0 / 1), `env` points clients at it, `stop` waits for it to exit, a stale
//! daemon.json is noticed and removed, and a daemon that cannot start says why.

use crate::support::*;
use std::time::Duration;

/// A detached daemon is stopped even when an assertion fails.
struct Detached<'a>(&'a Home);

impl Drop for Detached<'_> {
    fn drop(&mut self) {
        let _ = self.0.run(&["stop"]);
    }
}

fn daemon_json(h: &Home) -> Option<serde_json::Value> {
    std::fs::read_to_string(h.path().join("daemon.json")).ok().and_then(|t| serde_json::from_str(&t).ok())
}

#[test]
fn detach_status_env_stop() {
    let h = Home::new();
    h.add_keyed_channel("main", "claude-*");
    let started = h.run(&["serve", "--detach", "--port", "0"]).ok();
    let _guard = Detached(&h);
    let info = daemon_json(&h).expect("daemon.json written");
    let (url, pid) = (info["admin_url"].as_str().unwrap().to_string(), info["pid"].as_u64().unwrap());
    let out = started.stdout();
    assert!(out.contains(&format!("routex started: {url} (pid {pid})")), "{out}");
    assert!(out.contains("routex.log"), "names the log file: {out}");
    // It answers right away: --detach returned only once it was ready.
    assert_eq!(ureq::get(&format!("{url}/health/ready")).call().unwrap().status(), 200);

    let status = h.run(&["status", "--output", "json"]);
    assert_eq!(status.code(), 0, "{}", status.stderr());
    let s: serde_json::Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(s["running"], true);
    assert_eq!(s["pid"], pid);
    assert_eq!(s["url"], url.as_str());
    assert_eq!(s["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!((s["channels_up"].as_u64(), s["channels_total"].as_u64()), (Some(1), Some(1)), "{s}");
    let table = h.run(&["status"]).ok().stdout();
    assert!(table.contains("running") && table.contains(&url) && table.contains("1 up of 1"), "{table}");

    let env = h.run(&["env", "--shell", "bash"]).ok().stdout();
    assert!(env.contains(&format!("export ANTHROPIC_BASE_URL='{url}'")), "{env}");
    assert!(env.contains(&format!("export OPENAI_BASE_URL='{url}/v1'")), "{env}");
    let fish = h.run(&["env", "--shell", "fish"]).ok().stdout();
    assert!(fish.contains(&format!("set -gx ANTHROPIC_BASE_URL '{url}'")), "{fish}");

    // A second start finds it running and leaves it be.
    let again = h.run(&["serve", "--detach", "--port", "0"]).ok();
    assert!(again.stderr().contains(&format!("already runs for {}", h.path().display())), "{}", again.stderr());
    assert_eq!(daemon_json(&h).unwrap()["pid"], pid);

    let stopped = h.run(&["stop"]).ok();
    assert!(stopped.stderr().contains(&format!("stopped routex (pid {pid})")), "{}", stopped.stderr());
    assert!(daemon_json(&h).is_none(), "a clean stop removes daemon.json");
    assert!(ureq::get(&format!("{url}/health/live")).call().is_err(), "nothing answers any more");
    let status = h.run(&["status"]);
    assert_eq!(status.code(), 1);
    assert!(status.stdout().contains("routex is not running"), "{}", status.stdout());
    // Stopping what is not running is not an error.
    assert!(h.run(&["stop"]).ok().stderr().contains("routex is not running"));
}

#[test]
fn a_stale_daemon_json_is_noticed_and_removed() {
    let h = Home::new();
    let started = h.run(&["serve", "--detach", "--port", "0"]).ok();
    let _guard = Detached(&h);
    assert!(started.stdout().contains("routex started"));
    let pid = daemon_json(&h).unwrap()["pid"].as_u64().unwrap() as i32;
    // kill -9: no clean exit, daemon.json stays behind.
    // SAFETY: SIGKILL to the daemon this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(daemon_json(&h).is_some(), "kill -9 leaves daemon.json behind");
    let status = h.run(&["status"]);
    assert_eq!(status.code(), 1, "{}", status.stdout());
    assert!(status.stderr().contains("removed a stale"), "{}", status.stderr());
    assert!(daemon_json(&h).is_none());
    // And it starts again over the same store.
    h.run(&["serve", "--detach", "--port", "0"]).ok();
    assert_eq!(h.run(&["status"]).code(), 0);
}

#[test]
fn a_daemon_that_cannot_start_says_why() {
    let h = Home::new();
    let cfg = h.path().join("bad.yaml");
    std::fs::write(&cfg, "server:\n  port: 3000\n  nonsense_key: 1\n").unwrap();
    let r = h.run(&["serve", "--detach", "--config", cfg.to_str().unwrap()]);
    assert_eq!(r.code(), 2, "{}", r.stderr());
    let err = r.stderr();
    assert!(err.contains("routex serve stopped before it was ready"), "{err}");
    assert!(err.contains("bad.yaml") && err.contains("nonsense_key"), "the daemon's own error: {err}");
    assert!(daemon_json(&h).is_none());

    // The port is taken by another daemon.
    let d = h.serve(&[]);
    let port = d.url.rsplit(':').next().unwrap().to_string();
    let other = Home::new();
    let r = other.run(&["serve", "--detach", "--port", &port]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("already in use"), "{}", r.stderr());
    drop(d);
}

/// Generic `HOST` and `PORT` (some shells set HOST to the machine's name) never move the
/// daemon; `ROUTEX_HOST` and `ROUTEX_PORT` do.
#[test]
fn only_routex_host_and_port_move_the_daemon() {
    let h = Home::new();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let r = Run(h
        .cmd(&["serve", "--detach"])
        .env("HOST", "some-machine-name.example")
        .env("PORT", "1")
        .env("ROUTEX_PORT", &free)
        .output()
        .unwrap());
    let _guard = Detached(&h);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert!(r.stdout().contains(&format!("http://127.0.0.1:{free}")), "{}", r.stdout());
}

/// The start line is printed once: on stdout by `serve`, in the log file, and not a
/// second time on stderr (the same terminal showed it twice).
#[test]
fn the_start_line_is_printed_once() {
    let h = Home::new();
    let d = h.serve(&[]);
    let stderr = std::fs::read_to_string(h.path().join("daemon.stderr")).unwrap();
    assert!(!stderr.contains("listening on"), "{stderr}");
    let log = std::fs::read_to_string(h.path().join("logs/routex.log")).unwrap();
    assert_eq!(log.matches("listening on").count(), 1, "{log}");
    drop(d);
}
