//! Team mode's shared runtime state (docs/team.md) with the real engines: Debian's
//! `redis-server` (installed by `tests/setup/redis.sh`, started here on a free loopback port
//! in a temporary directory and stopped by pid) and three real `routex serve` processes on
//! three ports, each with its own data directory, all started with one config file naming
//! the channels (on the in-process mock upstream) and `redis:`.
//!
//! What a user sees is asserted: which API key each upstream request carried (the mock
//! records it), which channel answered (`x-channel-name`), what the client got, and
//! `/health/detailed`.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::anthropic_body;
use crate::support::{Daemon, Home};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SETUP_TIMEOUT: Duration = Duration::from_secs(900);
const K1: &str = "sk-ant-team-key-one-0000000000000001";
const K2: &str = "sk-ant-team-key-two-0000000000000002";

/// Run `tests/setup/redis.sh` once per process; panics with its output when it fails.
fn redis_installed() {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    let why = "the team mode tests need Debian's redis-server package (root and the package registry)";
    if let Err(e) =
        DONE.get_or_init(|| crate::support::setup_script("tests/setup/redis.sh", SETUP_TIMEOUT, why).map(drop))
    {
        panic!("{e}");
    }
}

/// A `redis-server` of the test's own, on a loopback port, without persistence; killed by
/// pid when dropped.
struct Redis {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
    password: Option<String>,
}

impl Redis {
    fn start(password: Option<&str>) -> Redis {
        redis_installed();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut r = Redis { child: None, port, dir: tempfile::tempdir().unwrap(), password: password.map(Into::into) };
        r.spawn();
        r
    }

    /// `redis://[:password@]127.0.0.1:PORT`
    fn url(&self) -> String {
        match &self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("redis.log")).unwrap();
        let mut cmd = Command::new("redis-server");
        cmd.args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path());
        if let Some(p) = &self.password {
            cmd.args(["--requirepass", p]);
        }
        let child = cmd.stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log).spawn().unwrap();
        self.child = Some(child);
        let client = redis::Client::open(self.url()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pong = client
                .get_connection_with_timeout(Duration::from_millis(200))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if pong.is_ok() {
                return;
            }
            let log = std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default();
            assert!(Instant::now() < deadline, "redis-server did not answer on port {}: {log}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kill it (SIGKILL, by pid) and reap it.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start it again on the same port, empty.
    fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One config file for every replica.
fn config(dir: &Path, redis: Option<&str>, extra: &str, channels: &[(&str, &str, &[&str], i64)]) -> PathBuf {
    let mut y = String::new();
    if let Some(r) = redis {
        y.push_str(&format!("redis: \"{r}\"\n"));
    }
    y.push_str(extra);
    y.push_str("channels:\n");
    for (name, url, keys, priority) in channels {
        y.push_str(&format!(
            "  - name: {name}\n    type: anthropic\n    base_url: {url}\n    models: [\"claude-*\"]\n    priority: {priority}\n    api_keys: [{}]\n",
            keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
        ));
    }
    let p = dir.join("routex.yaml");
    std::fs::write(&p, y).unwrap();
    p
}

/// `n` replicas, each with its own data directory, all on `conf`.
fn replicas(n: usize, conf: &Path) -> Vec<(Home, Daemon)> {
    (0..n)
        .map(|_| {
            let h = Home::new();
            let d = h.serve(&["--config", conf.to_str().unwrap()]);
            (h, d)
        })
        .collect()
}

/// POST one Anthropic request; (status, the channel that answered).
async fn ask(http: &reqwest::Client, d: &Daemon, session: Option<&str>) -> (u16, String) {
    let mut req = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(false));
    if let Some(s) = session {
        req = req.header("x-session-id", s);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let ch = r.headers().get("x-channel-name").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    r.bytes().await.unwrap();
    (status, ch)
}

/// The API keys the mock received, from request `from` on.
fn keys_seen(m: &MockUpstream, from: usize) -> Vec<String> {
    m.requests()[from..].iter().map(|r| r.header("x-api-key").unwrap_or("").to_string()).collect()
}

/// Wait (at most `limit`) until `/health/detailed` of `d` satisfies `ok`; its last report.
fn health_until(d: &Daemon, limit: Duration, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + limit;
    loop {
        let v = d.get("/health/detailed");
        if ok(&v["data"]) || Instant::now() > deadline {
            return v["data"].clone();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn shared_up(v: &serde_json::Value) -> bool {
    v["shared"]["up"] == true
}

/// A 429 with `retry-after` seen by A keeps B and C off that key until it expires; then the
/// key is used again.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_cooled_on_one_replica_is_left_alone_by_the_others_until_it_expires() {
    let redis = Redis::start(None);
    let m = MockUpstream::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let conf = config(tmp.path(), Some(&redis.url()), "", &[("pool", &m.url(), &[K1, K2], 0)]);
    let r = replicas(3, &conf);
    let (a, b, c) = (&r[0].1, &r[1].1, &r[2].1);
    for (_, d) in &r {
        assert!(shared_up(&health_until(d, Duration::from_secs(10), shared_up)), "every replica reaches redis");
    }
    let http = reqwest::Client::new();
    m.push(Behavior::RateLimited { retry_after_s: 3 });
    let (status, _) = ask(&http, a, None).await;
    let cooled_at = Instant::now();
    assert_eq!(status, 429, "one channel only: the client gets the upstream's 429");
    let k = keys_seen(&m, 0)[0].clone();
    assert!(k == K1 || k == K2);
    // The event reaches B and C within milliseconds; a session's next request takes longer.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let from = m.hits();
    for i in 0..8 {
        let d = if i % 2 == 0 { b } else { c };
        assert_eq!(ask(&http, d, None).await.0, 200);
    }
    assert!(cooled_at.elapsed() < Duration::from_secs(3), "the checks ran inside the cooldown");
    let seen = keys_seen(&m, from);
    assert_eq!(seen.len(), 8);
    assert!(seen.iter().all(|s| *s != k), "B and C used the key A cooled: {seen:?}");
    // Expired: the key is back in B's and C's rotation (round robin over two keys).
    tokio::time::sleep(Duration::from_secs(3).saturating_sub(cooled_at.elapsed()) + Duration::from_millis(300)).await;
    let from = m.hits();
    for i in 0..4 {
        let d = if i % 2 == 0 { b } else { c };
        assert_eq!(ask(&http, d, None).await.0, 200);
    }
    let seen = keys_seen(&m, from);
    assert!(seen.contains(&k), "the key is used again once its cooldown is over: {seen:?}");
}

/// A session's requests sent to A, B and C in turn all reach one channel, although each
/// replica's round robin alone would spread them.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_sticks_to_one_channel_whichever_replica_it_lands_on() {
    let redis = Redis::start(None);
    let m = MockUpstream::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let extra = "load_balancer: { strategy: round_robin }\n";
    let chans: &[(&str, &str, &[&str], i64)] =
        &[("one", &m.url(), &[K1], 0), ("two", &m.url(), &[K1], 0), ("three", &m.url(), &[K1], 0)];
    let conf = config(tmp.path(), Some(&redis.url()), extra, chans);
    let r = replicas(3, &conf);
    for (_, d) in &r {
        assert!(shared_up(&health_until(d, Duration::from_secs(10), shared_up)));
    }
    let http = reqwest::Client::new();
    // Put each replica's round robin at a different place: B next picks another channel
    // than A, C another still.
    let mut firsts = Vec::new();
    for (i, (_, d)) in r.iter().enumerate() {
        for _ in 0..i {
            ask(&http, d, None).await;
        }
    }
    for _round in 0..3 {
        for (_, d) in &r {
            let (status, ch) = ask(&http, d, Some("team-session-1")).await;
            assert_eq!(status, 200);
            firsts.push(ch);
            // A session's next request comes later than the event takes to reach the others.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert!(firsts.iter().all(|c| *c == firsts[0]), "one session, one channel across replicas: {firsts:?}");
    // A session never seen anywhere is spread by the round robin as before.
    let (_, x) = ask(&http, &r[1].1, Some("team-session-2")).await;
    let (_, y) = ask(&http, &r[1].1, Some("team-session-3")).await;
    assert_ne!(x, y, "new sessions still spread");
}

/// A breaker opened on A (failures over the threshold) keeps B and C off that channel.
#[tokio::test(flavor = "multi_thread")]
async fn a_breaker_opened_on_one_replica_keeps_the_others_off_the_channel() {
    let redis = Redis::start(None);
    let flaky = MockUpstream::start().await;
    let steady = MockUpstream::start().await;
    flaky.set_default(Behavior::status(500));
    let tmp = tempfile::tempdir().unwrap();
    let extra = "circuit_breaker: { failure_threshold: 2, open_s: 60 }\n";
    let chans: &[(&str, &str, &[&str], i64)] =
        &[("flaky", &flaky.url(), &[K1], 10), ("steady", &steady.url(), &[K2], 1)];
    let conf = config(tmp.path(), Some(&redis.url()), extra, chans);
    let r = replicas(3, &conf);
    for (_, d) in &r {
        assert!(shared_up(&health_until(d, Duration::from_secs(10), shared_up)));
    }
    let http = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(ask(&http, &r[0].1, None).await, (200, "steady".to_string()), "failed over on A");
    }
    assert_eq!(flaky.hits(), 2);
    for (_, d) in &r[1..] {
        let v = health_until(d, Duration::from_secs(5), |v| v["channels"]["breaker_open"] == 1);
        assert_eq!(v["channels"]["breaker_open"], 1, "{v}");
        assert_eq!(v["channels"]["down"][0]["name"], "flaky", "{v}");
    }
    for _ in 0..3 {
        for (_, d) in &r[1..] {
            assert_eq!(ask(&http, d, None).await, (200, "steady".to_string()));
        }
    }
    assert_eq!(flaky.hits(), 2, "B and C never tried the channel whose breaker A opened");
}

/// Redis killed under requests: no client error, `/health/detailed` degraded naming redis
/// (its password masked, there and in every output); Redis back: healthy again, and a
/// cooldown seen by A reaches B again.
#[tokio::test(flavor = "multi_thread")]
async fn redis_down_degrades_never_stops_and_sharing_resumes_when_it_returns() {
    let password = "team-redis-pass-9f3a";
    let mut redis = Redis::start(Some(password));
    let m = MockUpstream::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let conf = config(tmp.path(), Some(&redis.url()), "", &[("pool", &m.url(), &[K1, K2], 0)]);
    let r = replicas(2, &conf);
    let (a, b) = (&r[0].1, &r[1].1);
    for (_, d) in &r {
        assert!(shared_up(&health_until(d, Duration::from_secs(10), shared_up)));
    }
    // Requests to A all along, from another task.
    let url = a.url.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut statuses = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline {
                let r = http.post(format!("{url}/v1/messages")).json(&anthropic_body(false)).send().await.unwrap();
                statuses.push(r.status().as_u16());
                r.bytes().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    redis.kill();
    let down = |v: &serde_json::Value| v["status"] == "degraded" && v["shared"]["up"] == false;
    let va = health_until(a, Duration::from_secs(10), down);
    assert!(down(&va), "A degraded once redis is gone: {va}");
    let why = va["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect::<Vec<_>>().join(" | ");
    assert!(why.contains("shared state: redis at redis://:***@127.0.0.1:"), "{why}");
    let vb = health_until(b, Duration::from_secs(10), down);
    assert!(down(&vb), "B too: {vb}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    redis.restart();
    for (_, d) in &r {
        let v = health_until(d, Duration::from_secs(15), |v| v["status"] == "healthy" && shared_up(v));
        assert_eq!((&v["status"], &v["shared"]["up"]), (&"healthy".into(), &true.into()), "back: {v}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = load.await.unwrap();
    assert!(statuses.len() >= 10, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200), "a client saw an error while redis was away: {statuses:?}");

    // Sharing resumed: a 429 on A keeps B off the key.
    let http = reqwest::Client::new();
    let from = m.hits();
    m.push(Behavior::RateLimited { retry_after_s: 30 });
    assert_eq!(ask(&http, a, None).await.0, 429);
    let k = keys_seen(&m, from)[0].clone();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let from = m.hits();
    for _ in 0..4 {
        assert_eq!(ask(&http, b, None).await.0, 200);
    }
    let seen = keys_seen(&m, from);
    assert!(seen.iter().all(|s| *s != k), "B used the key A cooled after redis came back: {seen:?}");

    // The password is nowhere a person or a scraper reads.
    let metrics = ureq::get(&format!("{}/metrics", a.url)).call().unwrap().into_string().unwrap();
    assert!(metrics.contains("routex_shared_state_up 1\n"), "{metrics}");
    let (ha, _) = &r[0];
    let status = ha.run(&["status", "--output", "json"]);
    assert_eq!(status.code(), 0, "{}", status.stderr());
    let mut outputs = vec![va.to_string(), vb.to_string(), metrics, status.stdout(), status.stderr()];
    // Each replica's data directory: its store, request log and daemon log.
    for (h, _) in &r {
        outputs.push(String::from_utf8_lossy(&crate::support::all_bytes(h.path())).into_owned());
    }
    for out in outputs {
        assert!(!out.contains(password), "the redis password leaked: {out}");
    }
}

/// A replica that starts after the others reads what they share (the catch-up): a key A
/// cooled is left alone by the newcomer from its first request.
#[tokio::test(flavor = "multi_thread")]
async fn a_replica_that_starts_later_catches_up_from_redis() {
    let redis = Redis::start(None);
    let m = MockUpstream::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let conf = config(tmp.path(), Some(&redis.url()), "", &[("pool", &m.url(), &[K1, K2], 0)]);
    let mut r = replicas(1, &conf);
    let http = reqwest::Client::new();
    assert!(shared_up(&health_until(&r[0].1, Duration::from_secs(10), shared_up)));
    m.push(Behavior::RateLimited { retry_after_s: 30 });
    assert_eq!(ask(&http, &r[0].1, None).await.0, 429);
    let k = keys_seen(&m, 0)[0].clone();
    r.extend(replicas(1, &conf));
    let from = m.hits();
    for _ in 0..4 {
        assert_eq!(ask(&http, &r[1].1, None).await.0, 200);
    }
    let seen = keys_seen(&m, from);
    assert!(seen.iter().all(|s| *s != k), "the newcomer used the key cooled before it started: {seen:?}");
    let v = r[1].1.get("/health/detailed");
    assert_eq!(v["data"]["channels"]["keys_cooling"], 1, "{v}");
}

/// `least_used` on B counts what A sent: after A sent four requests on `one` (a session
/// pins them there), B's next requests go to `two`, although B itself has sent nothing.
#[tokio::test(flavor = "multi_thread")]
async fn least_used_counts_the_attempts_of_every_replica() {
    let redis = Redis::start(None);
    let m = MockUpstream::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let extra = "load_balancer: { strategy: least_used }\n";
    let chans: &[(&str, &str, &[&str], i64)] = &[("one", &m.url(), &[K1], 0), ("two", &m.url(), &[K1], 0)];
    let conf = config(tmp.path(), Some(&redis.url()), extra, chans);
    let r = replicas(2, &conf);
    for (_, d) in &r {
        assert!(shared_up(&health_until(d, Duration::from_secs(10), shared_up)));
    }
    let http = reqwest::Client::new();
    for _ in 0..4 {
        assert_eq!(ask(&http, &r[0].1, Some("pinned")).await, (200, "one".to_string()));
    }
    // The counts are exchanged every second: A writes, then B reads.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(ask(&http, &r[1].1, None).await.1);
    }
    assert_eq!(got, ["two", "two", "two"], "B balances over every replica's attempts");
}
