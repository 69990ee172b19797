//! kill -9 of the real daemon process, in the middle of config writes and of a burst of
//! proxied requests. After it the store opens, every config write that was acknowledged
//! is there, and the request log reads; only records still waiting for the writer's next
//! batch can be missing (docs/reliability.md gives the bound: the records finished in the
//! last `FLUSH_EVERY`, 1 s, and not yet in a whole batch of 500).

use crate::support::mock::MockUpstream;
use crate::support::stack::anthropic_body;
use crate::support::{Daemon, Home};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// SIGKILL and reap: no clean exit, no flush.
fn kill_9(mut d: Daemon) {
    // Child::kill sends SIGKILL.
    d.child.kill().unwrap();
    d.child.wait().unwrap();
}

fn channel_names(h: &Home) -> HashSet<String> {
    let out = h.run(&["channel", "list", "--output", "json"]).ok().stdout();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

/// Writers add channels through the admin API (3 threads) and the CLI (1 thread, which
/// goes to the running daemon) until the daemon is killed; three rounds over one data
/// directory, killed at a different moment each time. Every write that got its answer
/// is in the store the next daemon (and the CLI's local engine) opens.
#[test]
fn kill_9_during_config_writes_keeps_every_acknowledged_write() {
    let h = Home::new();
    let mut acked_total: HashSet<String> = HashSet::new();
    for round in 0..3u64 {
        let d = h.serve(&[]);
        let url = d.url.clone();
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let dead = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..3 {
            let (url, acked, dead) = (url.clone(), acked.clone(), dead.clone());
            writers.push(std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(20);
                for i in 0.. {
                    if dead.load(Ordering::Relaxed) || Instant::now() > deadline {
                        break;
                    }
                    let name = format!("api-{round}-{w}-{i}");
                    let body = serde_json::json!({"name": name, "type": "anthropic", "models": ["claude-*"],
                        "api_key": "sk-ant-0123456789abcdef"});
                    match ureq::post(&format!("{url}/api/channels")).timeout(Duration::from_secs(5)).send_json(body) {
                        Ok(r) if r.status() == 201 => acked.lock().unwrap().push(name),
                        Ok(r) => panic!("{name}: status {}", r.status()),
                        Err(_) => break, // the daemon is gone
                    }
                }
            }));
        }
        {
            let (acked, dead) = (acked.clone(), dead.clone());
            let cmd_home = h.path().to_path_buf();
            writers.push(std::thread::spawn(move || {
                let h = Home { dir: tempfile::TempDir::new().unwrap() };
                for i in 0..50 {
                    if dead.load(Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("cli-{round}-{i}");
                    let out = h
                        .cmd(&["channel", "add", "--name", &name, "--type", "openai", "--models", "gpt-*"])
                        .args(["--api-key", "sk-0123456789abcdef"])
                        .env("ROUTEX_HOME", &cmd_home)
                        .output()
                        .unwrap();
                    if out.status.success() {
                        acked.lock().unwrap().push(name);
                    }
                }
            }));
        }
        // Killed once writes are flowing (at least 5 answered, bounded wait), a little
        // later each round.
        let flowing = Instant::now() + Duration::from_secs(15);
        while acked.lock().unwrap().len() < 5 && Instant::now() < flowing {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(100 + 300 * round));
        let before = acked.lock().unwrap().len();
        kill_9(d);
        dead.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        assert!(before > 5, "round {round}: only {before} writes before the kill");
        acked_total.extend(acked.iter().cloned());
        let stored = channel_names(&h);
        let missing: Vec<&String> = acked_total.iter().filter(|n| !stored.contains(*n)).collect();
        eprintln!(
            "round {round}: {} writes acknowledged ({} through the CLI), {} channels stored",
            acked.len(),
            acked.iter().filter(|n| n.starts_with("cli-")).count(),
            stored.len()
        );
        assert!(missing.is_empty(), "round {round}: acknowledged writes lost by kill -9: {missing:?}");
    }
    // The store still takes writes and a daemon still starts on it.
    h.add_keyed_channel("after-the-crashes", "claude-*");
    let d = h.serve(&[]);
    d.stop();
    assert!(channel_names(&h).contains("after-the-crashes"));
}

/// 4 clients send proxied requests (stream and not) as fast as they can; the daemon is
/// killed 5 s in. The store opens again, the request log reads, and
/// every request answered more than 3 s before the kill has its record (a record waits at
/// most 1 s for the writer's tick, then for its write and fdatasync: 3 s leaves room for a
/// slow disk on a loaded machine); the ones answered later may be lost, and the test
/// reports how many were.
/// The restarted daemon records new requests after the old ones.
#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_a_burst_loses_at_most_the_last_unflushed_batch() {
    let up = MockUpstream::start().await;
    let h = Home::new();
    h.run(&["channel", "add", "--name", "up", "--type", "anthropic", "--models", "*", "--base-url", &up.url()]).ok();
    let d = h.serve(&[]);
    let url = d.url.clone();
    let acked = Arc::new(Mutex::new(Vec::<(String, Instant)>::new()));
    let mut clients = Vec::new();
    for c in 0..4 {
        let (url, acked) = (url.clone(), acked.clone());
        clients.push(std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            for i in 0.. {
                if Instant::now() > deadline {
                    break;
                }
                let body = anthropic_body((c + i) % 2 == 0);
                let r = match ureq::post(&format!("{url}/v1/messages")).timeout(Duration::from_secs(5)).send_json(body)
                {
                    Ok(r) => r,
                    Err(_) => break,
                };
                let id = r.header("x-request-id").unwrap().to_string();
                if r.into_string().is_err() {
                    break; // cut by the kill: not acknowledged
                }
                acked.lock().unwrap().push((id, Instant::now()));
            }
        }));
    }
    // Killed 5 s in (once more than 50 were answered; bounded): long enough that the
    // requests answered in the first seconds must all have their records.
    let started = Instant::now();
    loop {
        let n = acked.lock().unwrap().len();
        let waited = started.elapsed();
        if (waited >= Duration::from_secs(5) && n > 50) || waited >= Duration::from_secs(15) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed_at = Instant::now();
    kill_9(d);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    // The daemon starts on the same store; every stored record, read through the tail API.
    let d = h.serve(&[]);
    let ids = all_record_ids(&d.url);
    let stored: HashSet<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(stored.len(), ids.len(), "a record stored twice");
    let lost: Vec<&(String, Instant)> = acked.iter().filter(|(id, _)| !stored.contains(id.as_str())).collect();
    let late = |at: &Instant| killed_at.saturating_duration_since(*at) < Duration::from_millis(3000);
    let lost_early: Vec<&&(String, Instant)> = lost.iter().filter(|(_, at)| !late(at)).collect();
    let in_last_window = acked.iter().filter(|(_, at)| late(at)).count();
    eprintln!(
        "kill -9 after {} answered requests ({:.0}/s): {} records stored, {} lost, {} answered in the last 3 s",
        acked.len(),
        acked.len() as f64 / killed_at.duration_since(started).as_secs_f64(),
        stored.len(),
        lost.len(),
        in_last_window
    );
    assert!(acked.len() > 50, "only {} requests answered before the kill", acked.len());
    assert!(lost_early.is_empty(), "{} records of requests answered > 3 s before the kill are lost", lost_early.len());
    assert!(lost.len() <= in_last_window);

    // It appends after what survived.
    let r = ureq::post(&format!("{}/v1/messages", d.url)).send_json(anthropic_body(false)).unwrap();
    let id = r.header("x-request-id").unwrap().to_string();
    r.into_string().unwrap();
    d.stop();
    let out = h.run(&["logs", "--limit", "3", "--output", "json"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    // `logs --output json` lists oldest first: the new record is the newest.
    assert_eq!(recs.last().unwrap()["id"], id.as_str());
}

/// Every stored record's id, oldest written first, through `/api/requests/tail` from
/// cursor 0 (`routex logs` reads at most 1000).
fn all_record_ids(url: &str) -> Vec<String> {
    let (mut ids, mut cursor) = (Vec::new(), "0".to_string());
    for _ in 0..1000 {
        let v: serde_json::Value = ureq::get(&format!("{url}/api/requests/tail?cursor={cursor}&limit=1000"))
            .call()
            .unwrap()
            .into_json()
            .unwrap();
        let recs = v["data"]["records"].as_array().unwrap();
        if recs.is_empty() {
            return ids;
        }
        ids.extend(recs.iter().map(|r| r["id"].as_str().unwrap().to_string()));
        cursor = v["data"]["cursor"].as_str().unwrap().to_string();
    }
    panic!("the request log did not end after 1000 pages");
}
