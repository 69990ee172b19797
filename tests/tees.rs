//! Tee sinks (docs/tees.md): copies of the request log's records to a file and to
//! webhooks, their filters, and what a slow or dead destination costs (nothing for the
//! client; every lost copy counted). The CLI both ways, secrets masked.

use std::time::Duration;

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, Stack};
use crate::support::{all_bytes, contains, Home};
use routex::engine::records::RequestRecord;

fn tee_stats(stack: &Stack, name: &str) -> routex::engine::tee::TeeStats {
    let runner = stack.state.tees.as_ref().expect("the request log is on, so tees run");
    runner.named_stats().into_iter().find(|(n, _)| n == name).map(|(_, s)| s).expect("the tee has counts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_and_a_failures_only_webhook_get_exactly_their_records() {
    let upstream = MockUpstream::start().await;
    let hook = MockUpstream::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copies/requests.jsonl");
    let config = format!(
        "tees:\n  - name: audit\n    type: file\n    path: {}\n  - name: failures\n    type: webhook\n    url: {}/hook/messages\n    \
         headers: {{ Authorization: 'Bearer hook-secret-0123456789' }}\n    timeout: 5\n    retries: 1\n    filter: {{ failureOnly: true }}\n",
        file.display(),
        hook.url()
    );
    let mut stack = Stack::start(&config, vec![channel("main", "anthropic", &upstream.url(), 1)]).await;
    // The webhook's first answer is a 503: that copy goes again (retries: 1) and arrives.
    hook.push(Behavior::status(503));
    for i in 0..8 {
        if i % 3 == 0 {
            upstream.push(Behavior::status(400));
        }
        let r = stack.post("/v1/messages", &anthropic_body(i % 2 == 0)).await;
        let _ = r.bytes().await.unwrap();
    }
    let metrics = stack.http.get(format!("{}/metrics", stack.url)).send().await.unwrap().text().await.unwrap();
    let listed = stack.http.get(format!("{}/api/tee", stack.url)).send().await.unwrap().text().await.unwrap();
    assert!(listed.contains("\"failures\"") && !listed.contains("hook-secret"), "{listed}");
    let records = stack.records().await;
    stack.state.tees.as_ref().unwrap().shutdown(Duration::from_secs(5)).await;
    assert_eq!(records.len(), 8);
    let failed: Vec<&RequestRecord> = records.iter().filter(|r| !r.success).collect();
    assert_eq!(failed.len(), 3, "requests 0, 3 and 6 got the upstream's 400");

    // The file: every record, one JSON line each, exactly as stored, created 0600.
    let text = std::fs::read_to_string(&file).unwrap();
    let copied: Vec<RequestRecord> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut by_id = copied.clone();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let mut want = records.clone();
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(by_id, want, "the file holds the stored records");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The webhook: only the failures, one POST each (the first twice), with its header.
    let posts = hook.requests();
    assert_eq!(posts.len(), 4, "{posts:?}");
    assert_eq!(posts[0].body, posts[1].body, "the 503'd copy was sent again");
    let mut got: Vec<String> = posts[1..].iter().map(|p| p.json()["id"].as_str().unwrap().to_string()).collect();
    got.sort();
    let mut want: Vec<String> = failed.iter().map(|r| r.id.clone()).collect();
    want.sort();
    assert_eq!(got, want);
    for p in &posts {
        assert_eq!(p.method, "POST");
        assert_eq!(p.path, "/hook/messages");
        assert_eq!(p.header("authorization"), Some("Bearer hook-secret-0123456789"));
        assert_eq!(p.header("content-type"), Some("application/json"));
        assert_eq!(p.json()["status"], 400);
    }
    let (audit, failures) = (tee_stats(&stack, "audit"), tee_stats(&stack, "failures"));
    assert_eq!((audit.matched, audit.delivered, audit.dropped), (8, 8, 0));
    assert_eq!((failures.matched, failures.delivered, failures.dropped), (3, 3, 0));
    // The header's value is in no answer of the admin API and not in /metrics.
    assert!(!metrics.contains("hook-secret"));
    assert!(metrics.contains("routex_tee_delivered_total{tee=\"audit\"}"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_and_a_dead_webhook_cost_the_client_nothing_and_every_lost_copy_is_counted() {
    let upstream = MockUpstream::start().await;
    let slow = MockUpstream::start().await;
    slow.set_default(Behavior::StallBeforeHeaders(Duration::from_secs(5)));
    // A port nobody listens on: connections are refused.
    let dead_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = format!(
        "tees:\n  - name: slow\n    type: webhook\n    url: {}/hook/messages\n    timeout: 1\n    retries: 0\n    queue_size: 4\n  \
         - name: dead\n    type: webhook\n    url: http://127.0.0.1:{dead_port}/hook\n    retries: 0\n",
        slow.url()
    );
    let mut stack = Stack::start(&config, vec![channel("main", "anthropic", &upstream.url(), 1)]).await;
    let n = 40;
    for _ in 0..n {
        let r = stack.post("/v1/messages", &anthropic_body(false)).await;
        assert_eq!(r.status(), 200, "the client's answer does not depend on the tees");
    }
    let records = stack.records().await;
    assert_eq!(records.len(), n);
    // While the daemon runs, the losses are visible in /health/detailed and /metrics.
    let runner = stack.state.tees.clone().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while tee_stats(&stack, "dead").dropped < n as u64 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let health = routex::engine::health::Health::new();
    let mut report =
        health.detailed(&stack.engine, &stack.state.proxy, &std::env::temp_dir(), std::time::Instant::now(), None);
    report.add_tees(runner.named_stats());
    assert_eq!(report.status, routex::engine::health::Verdict::Degraded, "{:?}", report.reasons);
    assert!(report.reasons.iter().any(|r| r.contains("tee \"dead\" lost record copies")), "{:?}", report.reasons);
    runner.shutdown(Duration::from_secs(1)).await;
    for name in ["slow", "dead"] {
        let s = tee_stats(&stack, name);
        assert_eq!(s.matched, n as u64, "{name}: every written record went to its filter");
        assert_eq!(s.delivered + s.dropped, s.matched, "{name}: delivered + dropped = records written ({s:?})");
        assert_eq!(s.queued, 0, "{name}");
        assert!(s.last_error.is_some(), "{name}");
    }
    assert_eq!(tee_stats(&stack, "dead").delivered, 0);
    assert!(tee_stats(&stack, "dead").last_error.unwrap().contains("Connection refused"));
    assert!(tee_stats(&stack, "slow").dropped >= (n - 6) as u64, "a queue of 4 behind a 1 s timeout loses most");
}

#[test]
fn the_tee_commands_work_with_and_without_a_daemon_and_never_show_a_header_value() {
    let h = Home::new();
    let secret = "Bearer tee-secret-abcdef0123456789";
    // Without a daemon: the local store.
    h.run(&[
        "tee",
        "add",
        "ops",
        "--type",
        "webhook",
        "--url",
        "http://127.0.0.1:9/hook",
        "--header",
        &format!("Authorization: {secret}"),
        "--failure-only",
        "--status",
        "5xx",
    ])
    .ok();
    let bad = h.run(&["tee", "add", "x", "--type", "webhok", "--url", "http://127.0.0.1:9/"]);
    assert_eq!(bad.code(), 2);
    assert_eq!(
        bad.stderr().trim(),
        "error: tee \"x\": field `type` \"webhok\" is not a tee type; use file or webhook (did you mean webhook?)"
    );
    let bad = h.run(&["tee", "add", "y", "--type", "file"]);
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("field `path` is required for a file tee"), "{}", bad.stderr());
    let bad = h.run(&["tee", "add", "z", "--type", "webhook", "--url", "http://127.0.0.1:9/", "--header", "nocolon"]);
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("is not `Name: value`"), "{}", bad.stderr());
    let list = h.run(&["tee", "list"]).ok().stdout();
    assert!(list.contains("ops") && list.contains("status=5xx failures only"), "{list}");
    assert!(!list.contains("DELIVERED"), "no counts without a daemon: {list}");
    let shown = h.run(&["tee", "show", "ops", "--output", "json"]).ok().stdout();
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["filter"]["failureOnly"], true);
    assert!(!shown.contains("tee-secret"), "{shown}");
    // A file tee's test writes one record now, locally.
    h.run(&["tee", "add", "audit", "--type", "file", "--path", "audit.jsonl"]).ok();
    let t = h.run(&["tee", "test", "audit"]).ok().stdout();
    assert!(t.starts_with("✓ tee audit: appended a test record"), "{t}");
    let line = std::fs::read_to_string(h.path().join("audit.jsonl")).unwrap();
    assert!(line.contains("routex-tee-test"));
    // A dead webhook's test fails with the reason, exit 1.
    let t = h.run(&["tee", "test", "ops"]);
    assert_eq!(t.code(), 1);
    assert!(t.stdout().contains("✗ tee ops: POST http://127.0.0.1:9/hook failed"), "{}", t.stdout());

    // Through a daemon: the same commands, now with counts.
    let d = h.serve(&[]);
    h.run(&["tee", "edit", "ops", "--retries", "0"]).ok();
    let list = h.run(&["tee", "list"]).ok().stdout();
    assert!(list.contains("DELIVERED") && list.contains("DROPPED"), "{list}");
    let t = h.run(&["tee", "test", "audit"]).ok().stdout();
    assert!(t.contains("✓ tee audit"), "{t}");
    h.run(&["tee", "disable", "audit"]).ok();
    let api = d.get("/api/tee");
    assert_eq!(api["success"], true);
    let audit = api["data"].as_array().unwrap().iter().find(|t| t["name"] == "audit").unwrap().clone();
    assert_eq!(audit["enabled"], false);
    assert_eq!(audit["stats"]["dropped"], 0);
    let exported = h.run(&["export"]).ok().stdout();
    assert!(exported.contains("name: ops") && !exported.contains("tee-secret"), "{exported}");
    let removed = h.run(&["tee", "remove", "audit"]).ok().stdout();
    assert!(removed.starts_with("removed tee audit"), "{removed}");
    let log = d.stop();
    assert!(!log.contains("tee-secret"));
    // Nothing on disk holds the header value in clear: it is sealed in the store.
    assert!(!contains(&all_bytes(h.path()), "tee-secret-abcdef"));
    let list = h.run(&["tee", "list", "--output", "json"]).ok().stdout();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(v[0]["retries"], 0, "the edit made through the daemon is in the store");
}

#[test]
fn a_config_file_tee_is_typed_and_a_mistake_names_the_line() {
    let h = Home::new();
    let cfg = h.path().join("routex.yaml");
    std::fs::write(
        &cfg,
        "server:\n  port: 0\ntees:\n  - name: audit\n    type: file\n    path: a.jsonl\n    colour: red\n",
    )
    .unwrap();
    let r = h.run(&["import", cfg.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("line 7") && r.stderr().contains("unknown field `colour`"), "{}", r.stderr());
    std::fs::write(&cfg, "tees:\n  - name: audit\n    type: file\n    path: a.jsonl\n    filter: { sampleRate: 3 }\n")
        .unwrap();
    let r = h.run(&["import", cfg.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("line 2") && r.stderr().contains("filter.sampleRate"), "{}", r.stderr());
    std::fs::write(&cfg, "tees:\n  - name: audit\n    type: file\n    path: a.jsonl\n").unwrap();
    let r = h.run(&["import", cfg.to_str().unwrap()]).ok().stdout();
    assert!(r.contains("+ create    tee audit"), "{r}");
    let r = h.run(&["import", cfg.to_str().unwrap()]).ok().stdout();
    assert!(r.contains("= unchanged tee audit"), "{r}");
}
