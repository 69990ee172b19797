//! `GET /metrics` and its JSON views, against a daemon in front of the mock: the text
//! passes `promtool check metrics`, its counters agree with the request log, a real
//! Prometheus scrapes it, the model label is capped, no secret shows, and a reset moves
//! only the JSON views. Also the examples (`examples/prometheus/`, `examples/grafana/`)
//! pass `promtool check config` / `check rules` and name only metrics routex exposes.
//!
//! Prometheus and promtool come from Debian's `prometheus` package, installed by
//! `tests/setup/prometheus.sh` once per test process; when it cannot be installed every
//! test here that needs it fails with the script's output — never a silent skip.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const TOKEN: &str = "tok-metrics-admin-0000";
const SETUP_TIMEOUT: Duration = Duration::from_secs(900);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `tests/setup/prometheus.sh` once per process; panics with its output when it fails.
fn prometheus_installed() {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) = DONE.get_or_init(setup) {
        panic!("{e}");
    }
}

fn setup() -> Result<(), String> {
    let why = "the metrics tests need Debian's prometheus package (root and the package registry)";
    crate::support::setup_script("tests/setup/prometheus.sh", SETUP_TIMEOUT, why).map(drop)
}

/// `promtool ARGS` with `stdin`; (success, stdout + stderr).
fn promtool(args: &[&str], stdin: &[u8]) -> (bool, String) {
    prometheus_installed();
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

async fn get(s: &Stack, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = s.http.get(format!("{}{path}", s.url));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

async fn scrape(s: &Stack) -> String {
    let r = get(s, "/metrics", Some(TOKEN)).await;
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    r.text().await.unwrap()
}

/// The samples of a text exposition: (name, labels, value).
fn samples(text: &str) -> Vec<(String, BTreeMap<String, String>, f64)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (series, value) = line.rsplit_once(' ').unwrap();
        let (name, labels) = match series.split_once('{') {
            None => (series.to_string(), BTreeMap::new()),
            Some((n, rest)) => {
                let mut m = BTreeMap::new();
                let body = rest.strip_suffix('}').unwrap();
                let mut rest = body;
                while !rest.is_empty() {
                    let (k, v) = rest.split_once("=\"").unwrap();
                    let mut val = String::new();
                    let mut chars = v.char_indices();
                    let mut end = v.len();
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => match chars.next().map(|(_, c)| c) {
                                Some('n') => val.push('\n'),
                                Some(c) => val.push(c),
                                None => {}
                            },
                            '"' => {
                                end = i;
                                break;
                            }
                            c => val.push(c),
                        }
                    }
                    m.insert(k.to_string(), val);
                    rest = v[end + 1..].trim_start_matches(',');
                }
                (n.to_string(), m)
            }
        };
        out.push((name, labels, value.parse::<f64>().unwrap_or(f64::NAN)));
    }
    out
}

/// The sum of the samples named `name` whose labels include `want`.
fn sum(text: &str, name: &str, want: &[(&str, &str)]) -> f64 {
    samples(text)
        .into_iter()
        .filter(|(n, l, _)| n == name && want.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, _, v)| v)
        .sum()
}

/// Every request's record, through the admin API, once `n` are there (the writer flushes
/// every second).
async fn records(s: &Stack, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v: Value = get(s, "/api/requests?limit=1000", Some(TOKEN)).await.json().await.unwrap();
        let recs = v["data"].as_array().cloned().unwrap_or_default();
        if recs.len() >= n || Instant::now() > deadline {
            assert_eq!(recs.len(), n, "records in the log: {v}");
            return recs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn reason_of(status: Option<u64>) -> &'static str {
    match status {
        Some(429) => "status_429",
        Some(500..=599) => "status_5xx",
        Some(_) => "status_4xx",
        None => "other",
    }
}

async fn two_channels(config: &str) -> (MockUpstream, MockUpstream, Stack) {
    let bad = MockUpstream::start().await;
    let good = MockUpstream::start().await;
    let s = Stack::start(
        config,
        vec![channel("bad", "anthropic", &bad.url(), 10), channel("good", "anthropic", &good.url(), 0)],
    )
    .await;
    (bad, good, s)
}

/// Successes, a stream, an OpenAI client, a failover, a 4xx passed back and a request
/// every channel failed: the text passes promtool and agrees with the request log.
#[tokio::test(flavor = "multi_thread")]
async fn metrics_pass_promtool_and_agree_with_the_request_log() {
    let config = format!("server: {{ admin_token: {TOKEN} }}\n");
    let (bad, good, s) = two_channels(&config).await;
    let mut sent = 0;
    let mut send = |body: Value, path: &'static str| {
        sent += 1;
        let s = &s;
        async move {
            let r = s.post(path, &body).await;
            let status = r.status().as_u16();
            r.bytes().await.unwrap();
            status
        }
    };
    assert_eq!(send(anthropic_body(false), "/v1/messages").await, 200);
    assert_eq!(send(anthropic_body(true), "/v1/messages").await, 200);
    assert_eq!(send(openai_body(false), "/v1/chat/completions").await, 200);
    assert_eq!(send(openai_body(true), "/v1/chat/completions").await, 200);
    bad.push(Behavior::status(503)); // fails over to good
    assert_eq!(send(anthropic_body(false), "/v1/messages").await, 200);
    bad.push(Behavior::status(400)); // the client's fault: passed back, no failover
    assert_eq!(send(anthropic_body(false), "/v1/messages").await, 400);
    bad.push(Behavior::status(502));
    good.push(Behavior::status(503)); // both fail
    assert_eq!(send(anthropic_body(true), "/v1/messages").await, 503);
    // Long enough to still cool at the scrape, however slow the machine (nothing follows on bad).
    bad.push(Behavior::RateLimited { retry_after_s: 60 });
    assert_eq!(send(anthropic_body(true), "/v1/messages").await, 200);
    let recs = records(&s, sent).await;

    let text = scrape(&s).await;
    let (ok, out) = promtool(&["check", "metrics"], text.as_bytes());
    assert!(ok && out.trim().is_empty(), "promtool check metrics: {out}\n---\n{text}");

    // Totals against the log.
    let n = |name: &str| sum(&text, name, &[]);
    let successes = recs.iter().filter(|r| r["success"] == true).count() as f64;
    assert_eq!(n("routex_requests_total"), recs.len() as f64);
    assert_eq!(n("routex_requests_success_total"), successes);
    assert_eq!(n("routex_requests_failed_total"), recs.len() as f64 - successes);
    assert_eq!(n("routex_request_duration_seconds_count"), recs.len() as f64);
    assert_eq!(n("routex_requests_in_flight"), 0.0, "every request ended, streams included");
    let tokens = |field: &str| recs.iter().map(|r| r["tokens"][field].as_u64().unwrap()).sum::<u64>() as f64;
    assert!(tokens("input") > 0.0);
    assert_eq!(n("routex_tokens_input_total"), tokens("input"));
    assert_eq!(n("routex_tokens_output_total"), tokens("output"));
    assert_eq!(n("routex_tokens_cached_total"), tokens("cache_read"));
    assert_eq!(sum(&text, "routex_tokens_total", &[("type", "cache_write")]), tokens("cache_write"));
    let cost: f64 = recs.iter().filter_map(|r| r["cost_usd"].as_f64()).sum();
    assert!((n("routex_cost_usd_total") - cost).abs() < 1e-6, "{} vs {cost}", n("routex_cost_usd_total"));
    assert_eq!(
        sum(&text, "routex_request_duration_seconds_count", &[("protocol", "openai")]),
        recs.iter().filter(|r| r["client_protocol"] == "openai").count() as f64
    );
    assert_eq!(
        sum(&text, "routex_time_to_first_byte_seconds_count", &[]),
        recs.iter().filter(|r| r["ttfb_ms"].is_u64()).count() as f64
    );
    for class in ["2xx", "4xx", "5xx"] {
        let want = recs.iter().filter(|r| format!("{}xx", r["status"].as_u64().unwrap() / 100) == class).count();
        assert_eq!(sum(&text, "routex_request_duration_seconds_count", &[("status_class", class)]), want as f64);
    }
    // Per channel, attempts and failovers by reason against the stored attempts.
    let mut by_channel: BTreeMap<String, f64> = BTreeMap::new();
    let mut failovers: BTreeMap<(String, &str), f64> = BTreeMap::new();
    let mut attempts: BTreeMap<(String, &str), f64> = BTreeMap::new();
    for r in &recs {
        *by_channel.entry(r["channel_name"].as_str().unwrap_or("(none)").to_string()).or_default() += 1.0;
        let a = r["attempts"].as_array().unwrap();
        for (i, at) in a.iter().enumerate() {
            let ch = at["channel_name"].as_str().unwrap().to_string();
            let outcome = if at["error"].is_null() { "ok" } else { reason_of(at["status"].as_u64()) };
            *attempts.entry((ch.clone(), outcome)).or_default() += 1.0;
            if i + 1 < a.len() {
                *failovers.entry((ch, outcome)).or_default() += 1.0;
            }
        }
    }
    assert_eq!(failovers.values().sum::<f64>(), 3.0, "503, 502 and 429 on bad: {failovers:?}");
    for ((ch, reason), want) in &failovers {
        assert_eq!(
            sum(&text, "routex_failovers_total", &[("channel", ch), ("reason", reason)]),
            *want,
            "{ch} {reason}"
        );
    }
    assert_eq!(n("routex_failovers_total"), failovers.values().sum::<f64>());
    for ((ch, outcome), want) in &attempts {
        let got = sum(&text, "routex_upstream_attempts_total", &[("channel", ch), ("outcome", outcome)]);
        assert_eq!(got, *want, "{ch} {outcome}");
    }
    assert_eq!(n("routex_upstream_attempts_total"), attempts.values().sum::<f64>());
    for (ch, want) in &by_channel {
        assert_eq!(sum(&text, "routex_channel_requests_total", &[("channel", ch)]), *want, "{ch}");
    }
    // Live state and the process.
    assert_eq!(n("routex_channels_total"), 2.0);
    assert_eq!(n("routex_channels_enabled"), 2.0);
    assert_eq!(sum(&text, "routex_channel_keys_cooling", &[("channel", "bad")]), 1.0, "the 429's key cools down");
    assert_eq!(sum(&text, "routex_circuit_breaker_state", &[("channel", "good")]), 0.0);
    assert_eq!(n("routex_circuit_breaker_open_total"), 0.0);
    assert_eq!(n("routex_cache_warm_total"), 0.0);
    assert_eq!(sum(&text, "routex_build_info", &[("version", env!("CARGO_PKG_VERSION"))]), 1.0);
    assert!(n("process_resident_memory_bytes") > 1e6);
    assert!(n("process_open_fds") >= 3.0 && n("process_max_fds") >= n("process_open_fds"));
    assert!(n("process_start_time_seconds") > 1.6e9);
    // (d) No secret: the channels' keys and the admin token never appear.
    for secret in ["sk-bad-key-0000000000", "sk-good-key-0000000000", TOKEN, "key-0000"] {
        assert!(!text.contains(secret), "{secret} in /metrics");
    }
    // The examples name only metrics that exist.
    examples_name_only_exposed_metrics(&text);
}

/// The metric names a text exposes, histograms' `_bucket`, `_sum` and `_count` included.
fn exposed(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, ty) = rest.split_once(' ').unwrap();
            names.insert(name.to_string());
            if ty == "histogram" {
                for s in ["_bucket", "_sum", "_count"] {
                    names.insert(format!("{name}{s}"));
                }
            }
        }
    }
    names
}

fn metric_names_in(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = expr[i..].starts_with("routex_") || expr[i..].starts_with("process_");
        if starts && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
            let end = expr[i..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(b.len(), |e| i + e);
            out.push(expr[i..end].to_string());
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn examples_name_only_exposed_metrics(text: &str) {
    let names = exposed(text);
    let root = repo_root();
    let alerts = std::fs::read_to_string(root.join("examples/prometheus/alerts.yml")).unwrap();
    let dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("examples/grafana/routex.json")).unwrap()).unwrap();
    let mut exprs: Vec<String> =
        alerts.lines().filter_map(|l| l.trim().strip_prefix("expr:")).map(str::to_string).collect();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            // A datasource variable's `query` is the datasource type, not PromQL.
            Value::Object(m) if m.get("type") == Some(&Value::from("datasource")) => {}
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("expr" | "query", Value::String(s)) => out.push(s.clone()),
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let before = exprs.len();
    walk(&dashboard, &mut exprs);
    assert!(exprs.len() - before >= 8, "the dashboard has panels: {}", exprs.len() - before);
    for e in &exprs {
        let used = metric_names_in(e);
        assert!(!used.is_empty() || e.contains("label_values"), "no routex metric in {e}");
        for m in used {
            assert!(names.contains(&m), "{m} (in {e}) is not exposed by /metrics");
        }
    }
}

/// The examples pass promtool.
#[test]
fn example_prometheus_config_and_rules_pass_promtool() {
    let dir = repo_root().join("examples/prometheus");
    let config = dir.join("prometheus.yml");
    let rules = dir.join("alerts.yml");
    let (ok, out) = promtool(&["check", "config", config.to_str().unwrap()], b"");
    assert!(ok, "promtool check config: {out}");
    assert!(out.contains("SUCCESS") && out.contains("alerts.yml"), "{out}");
    let (ok, out) = promtool(&["check", "rules", rules.to_str().unwrap()], b"");
    assert!(ok, "promtool check rules: {out}");
    assert!(out.contains("SUCCESS: 4 rules found") || out.contains("rules found"), "{out}");
}

/// A real Prometheus scrapes the daemon (with the admin token as its bearer credentials)
/// and answers a query with routex's count.
#[tokio::test(flavor = "multi_thread")]
async fn real_prometheus_scrapes_the_daemon() {
    prometheus_installed();
    let config = format!("server: {{ admin_token: {TOKEN} }}\n");
    let (_bad, _good, s) = two_channels(&config).await;
    for _ in 0..3 {
        let r = s.post("/v1/messages", &anthropic_body(false)).await;
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let target = s.url.trim_start_matches("http://");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: routex\n    \
         metrics_path: /metrics\n    authorization:\n      credentials: {TOKEN}\n    static_configs:\n      \
         - targets: ['{target}']\n"
    );
    std::fs::write(dir.path().join("prometheus.yml"), cfg).unwrap();
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", dir.path().join("prometheus.yml").display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("prometheus starts");
    let _kill = Kill(child);
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/v1/query?query=routex_requests_total");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = String::new();
    let value = loop {
        if let Ok(r) = http.get(&url).send().await {
            last = r.text().await.unwrap_or_default();
            if let Ok(v) = serde_json::from_str::<Value>(&last) {
                if let Some(x) = v.pointer("/data/result/0/value/1").and_then(Value::as_str) {
                    break x.to_string();
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus did not report routex_requests_total within 30 s; last answer: {last}\nlog:\n{}",
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(value, "3", "{last}");
    // The target is up: the bearer token was accepted.
    let up: Value =
        http.get(format!("http://127.0.0.1:{port}/api/v1/query?query=up")).send().await.unwrap().json().await.unwrap();
    assert_eq!(up["data"]["result"][0]["value"][1], "1", "{up}");
    assert_eq!(up["data"]["result"][0]["metric"]["job"], "routex", "{up}");
}

/// Kills the child process on drop (the test's Prometheus).
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// (c) More distinct models than `metrics.max_models`: the first ones keep their names,
/// the rest are `other`.
#[tokio::test(flavor = "multi_thread")]
async fn models_past_the_cap_are_other() {
    let good = MockUpstream::start().await;
    let s = Stack::start("metrics: { max_models: 2 }\n", vec![channel("good", "anthropic", &good.url(), 0)]).await;
    for m in ["model-a", "model-b", "model-c", "model-d", "model-a"] {
        let mut body = anthropic_body(false);
        body["model"] = json!(m);
        let r = s.post("/v1/messages", &body).await;
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
    let text = scrape(&s).await;
    let models: BTreeSet<String> = samples(&text)
        .into_iter()
        .filter(|(n, _, _)| n == "routex_request_duration_seconds_count")
        .map(|(_, l, _)| l["model"].clone())
        .collect();
    assert_eq!(models, ["model-a", "model-b", "other"].map(String::from).into());
    let count = |m: &str| sum(&text, "routex_request_duration_seconds_count", &[("model", m)]);
    assert_eq!((count("model-a"), count("model-b"), count("other")), (2.0, 1.0, 2.0));
    assert!(!text.contains("model-c") && !text.contains("model-d"));
}

/// (e) The JSON views, the reset (JSON only), and the admin token on all of them.
#[tokio::test(flavor = "multi_thread")]
async fn json_views_and_reset() {
    let config = format!("server: {{ admin_token: {TOKEN} }}\n");
    let (bad, _good, s) = two_channels(&config).await;
    bad.push(Behavior::status(503));
    for _ in 0..3 {
        let r = s.post("/v1/messages", &anthropic_body(false)).await;
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
    // The admin token guards /metrics and the JSON views.
    for path in ["/metrics", "/api/metrics", "/api/metrics/all"] {
        let r = get(&s, path, None).await;
        assert_eq!(r.status(), 401, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthorized", "{path}: {v}");
        assert_eq!(get(&s, path, Some("wrong")).await.status(), 401, "{path}");
    }
    let summary: Value = get(&s, "/api/metrics", Some(TOKEN)).await.json().await.unwrap();
    assert_eq!(summary["success"], true, "{summary}");
    let d = &summary["data"];
    assert_eq!(d["requests"], json!({"total": 3, "success": 3, "failed": 0, "in_flight": 0}), "{d}");
    assert_eq!(d["failovers"], 1, "{d}");
    assert!(d["tokens"]["input"].as_u64().unwrap() > 0, "{d}");
    let chans = d["channels"].as_array().unwrap();
    let good = chans.iter().find(|c| c["channel"] == "good").unwrap();
    assert_eq!((good["requests"].as_u64(), good["breaker"].as_str()), (Some(1), Some("closed")), "{d}");
    let bad_view = chans.iter().find(|c| c["channel"] == "bad").unwrap();
    assert_eq!((bad_view["requests"].as_u64(), bad_view["failovers"].as_u64()), (Some(2), Some(1)), "{d}");

    let all: Value = get(&s, "/api/metrics/all", Some(TOKEN)).await.json().await.unwrap();
    let families = all["data"]["families"].as_array().unwrap();
    let fam = |name: &str| families.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("{name}: {all}"));
    assert_eq!(fam("routex_requests_total")["type"], "counter");
    assert_eq!(fam("routex_requests_total")["samples"][0]["value"], 3);
    let hist = &fam("routex_request_duration_seconds")["samples"][0];
    assert_eq!(hist["labels"]["protocol"], "anthropic", "{hist}");
    assert_eq!(hist["value"]["buckets"].as_array().unwrap().last().unwrap()["le"], "+Inf", "{hist}");
    // Every family of the text is in the JSON.
    let text = scrape(&s).await;
    for name in
        exposed(&text).iter().filter(|n| !n.ends_with("_bucket") && !n.ends_with("_sum") && !n.ends_with("_count"))
    {
        assert!(families.iter().any(|f| f["name"] == name.as_str()), "{name} missing from /api/metrics/all");
    }

    // Reset: the JSON views start again from 0; /metrics does not go backwards.
    let r =
        s.http.post(format!("{}/api/metrics/reset", s.url)).bearer_auth(TOKEN).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["data"]["message"].as_str().unwrap().contains("GET /metrics is unchanged"), "{v}");
    let since = v["data"]["reset_at_ms"].as_u64().unwrap();
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    r.bytes().await.unwrap();
    let d: Value = get(&s, "/api/metrics", Some(TOKEN)).await.json().await.unwrap();
    assert_eq!(d["data"]["requests"]["total"], 1, "{d}");
    assert_eq!(d["data"]["failovers"], 0, "{d}");
    assert_eq!(d["data"]["counting_since_ms"], since, "{d}");
    let all: Value = get(&s, "/api/metrics/all", Some(TOKEN)).await.json().await.unwrap();
    let total =
        all["data"]["families"].as_array().unwrap().iter().find(|f| f["name"] == "routex_requests_total").unwrap();
    assert_eq!(total["samples"][0]["value"], 1);
    let text = scrape(&s).await;
    assert_eq!(sum(&text, "routex_requests_total", &[]), 4.0, "the Prometheus counter never goes backwards");
    let r = s.http.post(format!("{}/api/metrics/reset", s.url)).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401, "reset needs the token too");
}

/// Without an admin token `/metrics` is open, like the admin API.
#[tokio::test(flavor = "multi_thread")]
async fn metrics_open_without_an_admin_token() {
    let good = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("good", "anthropic", &good.url(), 0)]).await;
    let r = get(&s, "/metrics", None).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert_eq!(sum(&text, "routex_requests_total", &[]), 0.0);
}

/// A breaker that opens shows in the counter, the gauge and the state.
#[tokio::test(flavor = "multi_thread")]
async fn an_open_breaker_shows() {
    let config =
        format!("server: {{ admin_token: {TOKEN} }}\ncircuit_breaker: {{ failure_threshold: 1, open_s: 600 }}\n");
    let (bad, _good, s) = two_channels(&config).await;
    bad.push(Behavior::status(503));
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200, "failed over to good");
    r.bytes().await.unwrap();
    let text = scrape(&s).await;
    assert_eq!(sum(&text, "routex_circuit_breaker_open_total", &[]), 1.0, "{text}");
    assert_eq!(sum(&text, "routex_circuit_breaker_open", &[("channel", "bad")]), 1.0);
    assert_eq!(sum(&text, "routex_circuit_breaker_state", &[("channel", "bad")]), 1.0);
    assert_eq!(sum(&text, "routex_circuit_breaker_open", &[("channel", "good")]), 0.0);
    let d: Value = get(&s, "/api/metrics", Some(TOKEN)).await.json().await.unwrap();
    let bad_view = d["data"]["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "bad").cloned().unwrap();
    assert_eq!(bad_view["breaker"], "open", "{d}");
}

/// A stream whose client goes away mid-way is no longer in flight once recorded; one in
/// progress is.
#[tokio::test(flavor = "multi_thread")]
async fn in_flight_counts_streams_until_their_end() {
    let good = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("good", "anthropic", &good.url(), 0)]).await;
    good.push(Behavior::SlowChunks { count: 40, every: Duration::from_millis(100) });
    let mut r = s.post("/v1/messages", &anthropic_body(true)).await;
    assert_eq!(r.status(), 200);
    let first = r.chunk().await.unwrap();
    assert!(first.is_some());
    let in_flight = |t: &str| sum(t, "routex_requests_in_flight", &[]);
    let text = get(&s, "/metrics", None).await.text().await.unwrap();
    assert_eq!(in_flight(&text), 1.0, "the stream is under way");
    drop(r); // the client goes away
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = get(&s, "/metrics", None).await.text().await.unwrap();
        if sum(&text, "routex_requests_total", &[]) == 1.0 {
            assert_eq!(in_flight(&text), 0.0, "{text}");
            assert_eq!(sum(&text, "routex_requests_failed_total", &[]), 1.0, "a client that went away: not a success");
            break;
        }
        assert!(Instant::now() < deadline, "the abandoned stream was never recorded:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A whole answer: back to 0 at once.
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    r.bytes().await.unwrap();
    let text = get(&s, "/metrics", None).await.text().await.unwrap();
    assert_eq!(in_flight(&text), 0.0);
}
