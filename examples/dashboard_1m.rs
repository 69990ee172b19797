//! The dashboard with a million records in the log (issue 18: "with 1 M records in the log
//! the overview renders in under a second"): fills a data directory with N records spread
//! over the last 24 hours (through `records::append`, as the daemon's writer does), starts
//! `routex serve` on it, and loads `/dashboard` in headless Chromium (chromedriver, as
//! tests/dashboard.rs) several times, timing in the page from navigation start until the
//! overview's cards hold numbers, and until the requests view's first page is shown.
//! Loopback only; the daemon and chromedriver are killed on exit.
//!
//! ```text
//! bash tests/setup/chromium.sh && cargo build --release
//! cargo run --release --example dashboard_1m -- [RECORDS] [LOADS]      # defaults 1000000, 7
//! ```

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::ClientBuilder;
use routex::engine::records::{self, RequestRecord};
use routex::protocol::Usage;
use serde_json::{json, Value};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn record(i: u64, time_ms: u64) -> RequestRecord {
    let fail = i.is_multiple_of(50);
    RequestRecord {
        id: format!("req_{i:016x}"),
        time_ms,
        trace_id: format!("{:032x}", u128::from(i).wrapping_mul(0x2545_f491_4f6c_dd1d)),
        client_protocol: "anthropic".into(),
        endpoint: "/v1/messages".into(),
        channel_id: Some(format!("ch_{:012x}", i % 4)),
        channel_name: Some(["claude-main", "backup", "openai", "gemini"][(i % 4) as usize].into()),
        model: "claude-sonnet-4-5".into(),
        status: if fail { 529 } else { 200 },
        success: !fail,
        error: fail.then(|| "upstream overloaded (529)".into()),
        latency_ms: 200 + i % 3000,
        ttfb_ms: Some(80 + i % 700),
        stream: i.is_multiple_of(2),
        tokens: Usage { input: 1200 + i % 500, output: 300 + i % 900, cache_read: 4096, cache_write: 0, reasoning: 0 },
        cost_usd: Some(0.0123),
        ..Default::default()
    }
}

/// ms from navigation start until `cond` (a JS expression) holds, polled in the page every 5 ms.
const WAIT_JS: &str =
    "const cond = new Function('return ' + arguments[0]); const done = arguments[arguments.length - 1];
(function poll() { try { if (cond()) return done(performance.now()); } catch (e) {} setTimeout(poll, 5); })();";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let loads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let bin = std::env::var("ROUTEX_BIN").unwrap_or_else(|_| "target/release/routex".into());
    let dir = tempfile::tempdir().unwrap();

    let started = Instant::now();
    {
        let store = routex::store::Store::open(dir.path()).unwrap();
        let now = routex::util::time::now_ms();
        let span = 24 * 3_600_000 - 60_000;
        let mut batch = Vec::with_capacity(500);
        for i in 0..n {
            batch.push(record(i, now - span + i * span / n));
            if batch.len() == 500 {
                records::append(&store, &batch).unwrap();
                batch.clear();
            }
        }
        records::append(&store, &batch).unwrap();
        store.flush().unwrap();
    }
    eprintln!("{n} records written in {:.1} s", started.elapsed().as_secs_f64());
    // sled's flusher keeps the lock a moment after the handle is dropped.
    std::thread::sleep(Duration::from_millis(1500));

    let port = free_port();
    let daemon = Killed(
        Command::new(&bin)
            .args(["serve", "--port", &port.to_string(), "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("routex binary (cargo build --release, or ROUTEX_BIN)"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    // Ready, and the warm analytics built (the cache warmer's first warm at start).
    loop {
        let ready = ureq::get(&format!("{url}/api/cache/stats"))
            .call()
            .ok()
            .and_then(|r| r.into_json::<Value>().ok())
            .is_some_and(|v| v["data"]["analytics"]["ready"] == true);
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "the daemon did not warm up");
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("daemon up and warm after {:.1} s", started.elapsed().as_secs_f64());

    let driver_port = free_port();
    let _driver = Killed(
        Command::new("chromedriver")
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (bash tests/setup/chromium.sh)"),
    );
    std::thread::sleep(Duration::from_secs(1));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900", "--no-first-run", "--disable-extensions"]}),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a chromium session");
    let mut overview = Vec::new();
    let mut requests = Vec::new();
    let mut shown = String::new();
    for _ in 0..loads {
        c.goto("about:blank").await.unwrap();
        c.goto(&format!("{url}/dashboard#overview")).await.unwrap();
        let cond = json!("/[0-9]/.test(document.getElementById('ov-cards').textContent)");
        overview.push(c.execute_async(WAIT_JS, vec![cond]).await.unwrap().as_f64().unwrap());
        let cards = c.execute("return document.getElementById('ov-cards').innerText", vec![]).await.unwrap();
        shown = cards.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
        c.goto("about:blank").await.unwrap();
        c.goto(&format!("{url}/dashboard#requests")).await.unwrap();
        let cond = json!("document.querySelectorAll('#rq-table tbody tr').length > 1");
        requests.push(c.execute_async(WAIT_JS, vec![cond]).await.unwrap().as_f64().unwrap());
    }
    c.close().await.unwrap();
    drop(daemon);
    let fmt = |v: &[f64]| v.iter().map(|x| format!("{x:.0}")).collect::<Vec<_>>().join(" ");
    println!("records in the log: {n}");
    println!(
        "overview rendered (ms from navigation start), median of {loads}: {:.0}  [{}]",
        median(overview.clone()),
        fmt(&overview)
    );
    println!("requests view first page, median of {loads}: {:.0}  [{}]", median(requests.clone()), fmt(&requests));
    println!("overview cards showed: {}", shown.chars().take(300).collect::<String>());
}
