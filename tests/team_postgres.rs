//! Team mode on Postgres (docs/team.md): three replicas (real `routex serve` processes,
//! each with its own data directory) sharing one real PostgreSQL server — configuration
//! written through one replica serves on the others within a second, the request log holds
//! every replica's records exactly once and any replica reads them all, and a Postgres
//! outage under load costs the clients nothing and the log nothing.

use serde::Deserialize;
use std::time::{Duration, Instant};

use crate::support::mock::MockUpstream;
use crate::support::postgres::Postgres;
use crate::support::stack::anthropic_body;
use crate::support::{Daemon, Home};

const MASTER_KEY: &str = "team-test-passphrase";

struct Replica {
    home: Home,
    daemon: Daemon,
}

fn replica(pg: &Postgres, name: &str) -> Replica {
    let home = Home::new();
    let config = home.path().join("routex.yaml");
    std::fs::write(
        &config,
        format!(
            "storage: {}\nreplica: {name}\nlogging: {{ requests: true }}\nsession: {{ capacity: 100 }}\n",
            pg.url()
        ),
    )
    .unwrap();
    let daemon = home.serve_env(&["--config", config.to_str().unwrap()], &[("ROUTEX_MASTER_KEY", MASTER_KEY)]);
    Replica { home, daemon }
}

fn post_json(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let r = match ureq::post(url).timeout(Duration::from_secs(10)).send_json(body.clone()) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = r.status();
    (status, r.into_json().unwrap_or(serde_json::Value::Null))
}

fn add_channel(r: &Replica, name: &str, upstream: &str) {
    let body = serde_json::json!({
        "name": name, "type": "anthropic", "base_url": upstream,
        "api_key": format!("sk-ant-{name}-0123456789abcdef"), "models": ["*"]
    });
    let url = format!("{}/api/channels", r.daemon.url);
    let resp = ureq::post(&url).timeout(Duration::from_secs(10)).send_json(body);
    let log = std::fs::read_to_string(r.home.path().join("daemon.stderr")).unwrap_or_default();
    match resp {
        Ok(resp) => assert!(resp.status() == 200 || resp.status() == 201, "{}", resp.status()),
        Err(e) => panic!("{url}: {e}\n--- daemon log ---\n{log}"),
    }
}

/// The request log as `routex logs` prints it through `replica`'s admin API.
fn logs(r: &Replica, limit: usize) -> Vec<serde_json::Value> {
    let run = r.home.run(&["--server", &r.daemon.url, "logs", "--limit", &limit.to_string(), "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}: {}", run.stdout()));
    v.as_array().cloned().unwrap_or_else(|| v["data"].as_array().cloned().unwrap_or_default())
}

fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !f() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

#[test]
fn three_replicas_share_channels_and_one_request_log() {
    let pg = Postgres::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let upstream = rt.block_on(MockUpstream::start());
    let team: Vec<Replica> = ["a", "b", "c"].iter().map(|n| replica(&pg, n)).collect();
    let (a, b, c) = (&team[0], &team[1], &team[2]);

    // A channel added through A serves requests on C within a second.
    add_channel(a, "main", &upstream.url());
    let took = wait_until(Duration::from_secs(1), "the channel added on A serves on C", || {
        post_json(&format!("{}/v1/messages", c.daemon.url), &anthropic_body(false)).0 == 200
    });
    eprintln!("channel added on A served on C after {} ms", took.as_millis());
    let listed = b.daemon.get("/api/channels");
    assert!(listed.to_string().contains("\"main\""), "{listed}");
    assert!(!listed.to_string().contains("0123456789abcdef"), "keys stay masked: {listed}");
    // The key is sealed in Postgres, never in clear.
    let stored: String = pg
        .client()
        .query_one("SELECT string_agg(value::text, ' ') FROM routex_kv WHERE tree = 'channels'", &[])
        .unwrap()
        .get(0);
    assert!(stored.contains("\"main\"") && !stored.contains("sk-ant-main"), "{stored}");

    // 999 more requests spread over the three (1000 in all): each appears exactly once in
    // `routex logs` from any replica, stamped with the replica that served it.
    let sent: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = team
            .iter()
            .map(|r| {
                let url = format!("{}/v1/messages", r.daemon.url);
                s.spawn(move || {
                    let n = 333;
                    for _ in 0..n {
                        let (status, v) = post_json(&url, &anthropic_body(false));
                        assert_eq!(status, 200, "{v}");
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(sent.iter().sum::<usize>() + 1, 1000);
    // Records are written within the writer's flush (a second); then every replica reads all.
    wait_until(Duration::from_secs(10), "1000 records in the shared log", || {
        let n: i64 =
            pg.client().query_one("SELECT COALESCE(sum(records), 0)::bigint FROM routex_log", &[]).unwrap().get(0);
        n >= 1000
    });
    for r in &team {
        let got = logs(r, 1000);
        let mut ids: Vec<&str> = got.iter().map(|v| v["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 1000, "every record through {}", r.daemon.url);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 1000, "no record twice");
        let by = |name: &str| got.iter().filter(|v| v["replica"] == name).count();
        assert_eq!((by("a"), by("b"), by("c")), (333, 333, 334), "stamped with the replica that served it");
    }
    // The upstream got exactly the 1000 requests.
    assert_eq!(upstream.hits(), 1000);
    // Analytics from any replica count every replica's traffic (the warm aggregates
    // follow the shared log).
    let stats = c.daemon.get("/api/analytics?since=1h");
    assert_eq!(stats["data"]["totals"]["requests"], 1000, "{stats}");

    // A change (disable) through B reaches A within a second: A stops using the channel.
    let (status, v) = post_json(&format!("{}/api/channels/main/disable", b.daemon.url), &serde_json::json!({}));
    assert_eq!(status, 200, "{v}");
    wait_until(Duration::from_secs(1), "the channel disabled on B is disabled on A", || {
        post_json(&format!("{}/v1/messages", a.daemon.url), &anthropic_body(false)).0 != 200
    });
    let health = a.daemon.get("/health/detailed")["data"].clone();
    assert_eq!(health["team"]["replica"], "a", "{health}");
    assert_eq!(health["team"]["following"], true, "{health}");
    assert!(health["store"]["shared"].as_str().unwrap().starts_with("postgres 127.0.0.1:"), "{health}");
    assert!(!health.to_string().contains("routex@"), "no credentials in health: {health}");
    // Each replica stops cleanly (its pooled Postgres connections closed off the runtime).
    for r in team {
        let log = r.daemon.stop();
        assert!(log.contains("routex stopped cleanly") && !log.contains("panicked"), "{log}");
    }
}

#[test]
fn postgres_down_for_ten_seconds_under_load_costs_no_request_and_no_record() {
    let mut pg = Postgres::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let upstream = rt.block_on(MockUpstream::start());
    let team: Vec<Replica> = ["a", "b", "c"].iter().map(|n| replica(&pg, n)).collect();
    add_channel(&team[0], "main", &upstream.url());
    for r in &team {
        wait_until(Duration::from_secs(2), "the channel reaches every replica", || {
            post_json(&format!("{}/v1/messages", r.daemon.url), &anthropic_body(false)).0 == 200
        });
    }
    let count = |pg: &Postgres| -> i64 {
        pg.client().query_one("SELECT COALESCE(sum(records), 0)::bigint FROM routex_log", &[]).unwrap().get(0)
    };
    // The requests so far (failures included, while the channel was on its way) are in
    // the log once the writers flush (every second).
    wait_until(Duration::from_secs(5), "the first records", || count(&pg) >= 3);
    std::thread::sleep(Duration::from_millis(1500));
    let before = count(&pg);

    // Load on all three while Postgres is stopped for 10 s.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (sent, degraded) = std::thread::scope(|s| {
        let load: Vec<_> = team
            .iter()
            .map(|r| {
                let url = format!("{}/v1/messages", r.daemon.url);
                let stop = &stop;
                s.spawn(move || {
                    let mut n = 0u64;
                    let started = Instant::now();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed)
                        && started.elapsed() < Duration::from_secs(40)
                    {
                        let (status, v) = post_json(&url, &anthropic_body(n.is_multiple_of(2)));
                        assert_eq!(status, 200, "a client error while Postgres was down: {v}");
                        n += 1;
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    n
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        pg.stop();
        let down = Instant::now();
        // Health says degraded (200, not 503: a load balancer keeps the replica) and why.
        let mut degraded = serde_json::Value::Null;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(8) {
            degraded = team[1].daemon.get("/health/detailed");
            if degraded["data"]["status"] == "degraded" {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(degraded["data"]["status"], "degraded", "{degraded}");
        std::thread::sleep(Duration::from_secs(10).saturating_sub(down.elapsed()));
        pg.run();
        std::thread::sleep(Duration::from_millis(500));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let sent: u64 = load.into_iter().map(|h| h.join().unwrap()).sum();
        (sent, degraded)
    });
    let reasons = degraded["data"]["reasons"].to_string();
    assert!(reasons.contains("shared store (postgres 127.0.0.1:"), "{degraded}");
    // Every record arrives once Postgres is back (held by each writer meanwhile).
    let total = before + sent as i64;
    let took = wait_until(Duration::from_secs(20), "every held record written", || count(&pg) >= total);
    eprintln!(
        "{sent} requests during the outage; all {total} records stored {} ms after Postgres returned",
        took.as_millis()
    );
    assert_eq!(count(&pg), total, "each record exactly once");
    for r in &team {
        let h = r.daemon.get("/health/detailed");
        assert_eq!(h["data"]["request_log"]["dropped"], 0, "{h}");
    }
    wait_until(Duration::from_secs(15), "healthy again", || {
        team[1].daemon.get("/health/detailed")["data"]["team"]["following"] == true
    });
}

/// The deployment examples of docs/team.md are configs routex accepts: `routex.yaml`, and
/// the one inside the Kubernetes manifest's Secret (their `${ROUTEX_DATABASE_URL}` given).
#[test]
fn the_team_deployment_examples_are_valid_configs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/team");
    let url = "postgres://routex:secret@postgres:5432/routex";
    let file = std::fs::read_to_string(root.join("routex.yaml")).unwrap();
    let manifest = std::fs::read_to_string(root.join("kubernetes.yaml")).unwrap();
    let embedded = serde_yaml::Deserializer::from_str(&manifest)
        .map(|d| serde_yaml::Value::deserialize(d).unwrap())
        .find_map(|doc| doc["stringData"]["routex.yaml"].as_str().map(str::to_string))
        .expect("the manifest's Secret holds routex.yaml");
    for (name, text) in [("routex.yaml", file), ("kubernetes.yaml", embedded)] {
        let cfg = routex::engine::config::Config::parse(&text.replace("${ROUTEX_DATABASE_URL}", url), name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(matches!(cfg.storage, routex::engine::config::Storage::Postgres(_)), "{name}");
        assert!(!format!("{:?}", cfg.storage).contains("secret@"), "{name}: the password is masked");
    }
}

/// Retention on Postgres drops whole day partitions and trims the boundary day record by
/// record, as exactly as on the embedded store; appends spanning days create their
/// partitions.
#[test]
fn retention_drops_old_day_partitions_and_keeps_the_rest() {
    use routex::engine::records::{self, RequestRecord};
    let pg = Postgres::start();
    let home = Home::new();
    let cipher = routex::store::crypto::Cipher::from_passphrase(MASTER_KEY);
    let store = routex::store::Store::open_postgres_with(home.path(), &pg.url(), "a", cipher).unwrap();
    const DAY: u64 = 86_400_000;
    let now = routex::util::time::now_ms();
    let rec =
        |i: u64, t: u64| RequestRecord { id: format!("req_{i:04}"), time_ms: t, status: 200, ..Default::default() };
    // Five days back to now, 10 records a day, written oldest first as a writer would.
    for day in (0..5u64).rev() {
        let batch: Vec<RequestRecord> = (0..10).map(|i| rec(day * 10 + i, now - day * DAY - (i + 1) * 1000)).collect();
        records::append(&store, &batch).unwrap();
    }
    let partitions = |pg: &Postgres| -> Vec<String> {
        let rows = pg
            .client()
            .query(
                "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
                 JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'routex_log' ORDER BY 1",
                &[],
            )
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    let before = partitions(&pg);
    assert!(before.len() >= 5, "one partition a day: {before:?}");
    assert_eq!(records::count(&store).unwrap(), 50);
    // Keep 2 days: the partitions wholly older go, the boundary day is trimmed exactly.
    let removed = records::prune(&store, 2, 0, now).unwrap();
    let after = partitions(&pg);
    assert!(after.len() < before.len(), "whole days were dropped: {before:?} -> {after:?}");
    let left = records::count(&store).unwrap();
    assert_eq!(removed + left, 50);
    let kept = records::query(&store, &Default::default()).unwrap();
    assert!(kept.iter().all(|r| r.time_ms >= now - 2 * DAY), "nothing older than the retention is left");
    assert_eq!(kept.len(), 20, "two days of ten records (today's and yesterday's) are kept");
    assert!(kept.iter().all(|r| r.replica.is_none()), "records::append writes what it is given");
}
