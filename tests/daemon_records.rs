//! The real daemon process: every request is recorded, failed attempts included, and a
//! SIGTERM right after the last answer loses no record.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::anthropic_body;
use crate::support::Home;

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_loses_no_record_and_logs_shows_failed_attempts() {
    let bad = MockUpstream::start().await;
    let good = MockUpstream::start().await;
    bad.push(Behavior::status(503));
    let h = Home::new();
    h.run(&[
        "channel",
        "add",
        "--name",
        "bad",
        "--type",
        "anthropic",
        "--models",
        "*",
        "--priority",
        "10",
        "--base-url",
        &bad.url(),
    ])
    .ok();
    h.run(&["channel", "add", "--name", "good", "--type", "anthropic", "--models", "*", "--base-url", &good.url()])
        .ok();
    let d = h.serve(&[]);
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for i in 0..25 {
        let r = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(i % 2 == 0)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        ids.push(r.headers()["x-request-id"].to_str().unwrap().to_string());
        r.bytes().await.unwrap();
    }
    // Stop at once: the writer's 1 s batch has not flushed yet.
    let log = d.stop();
    assert!(log.contains("stopped cleanly"), "{log}");
    let out = h.run(&["logs", "--limit", "100", "--output", "json"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(recs.len(), 25, "records lost on shutdown");
    let mut got: Vec<String> = recs.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    got.sort();
    ids.sort();
    assert_eq!(got, ids);
    let first = recs.iter().find(|r| r["attempts"].as_array().unwrap().len() == 2).expect("the failed-over request");
    assert_eq!(first["attempts"][0]["channel_name"], "bad");
    assert_eq!(first["attempts"][0]["status"], 503);
    assert_eq!(first["channel_name"], "good");
    assert!(recs.iter().filter(|r| r["stream"] == true).all(|r| r["tokens"]["output"].as_u64().unwrap() > 0));
    let table = h.run(&["logs", "--channel", "bad", "--limit", "5"]).ok().stdout();
    assert_eq!(table.lines().count(), 6, "header + 5 rows: {table}");
}
