//! Request-log write harness: appends records through `records::append` in batches, as the
//! daemon's writer does, and prints the time per record, the peak RSS (VmHWM) and what the
//! store holds on disk. Linux only (reads /proc/self/status).
//!
//! ```text
//! cargo run --profile profiling --example records_load -- [RECORDS] [BATCH] [KEEP]
//! ```
//!
//! Defaults: 100 000 records in batches of 500, records shaped like the proxy's (no
//! bodies, ~700 bytes as JSON, about a third of that in the stored encoding), in a fresh
//! store under the system temp directory. With KEEP, the log is then pruned to its newest
//! KEEP records, as the writer's retention by rows does, and the prune's time and peak RSS
//! are printed.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use routex::engine::records::{self, Attempt, RequestQuery, RequestRecord};
use routex::protocol::Usage;
use routex::store::Store;
use std::time::Instant;

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU time of the whole process (every thread: sled flushes on its own), in seconds.
fn cpu_s() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn record(i: u64, time_ms: u64) -> RequestRecord {
    RequestRecord {
        id: format!("req_{i:016x}{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        time_ms,
        trace_id: format!("{:032x}", u128::from(i).wrapping_mul(0x2545_f491_4f6c_dd1d)),
        session: i.is_multiple_of(3).then(|| format!("sess_{}", i % 97)),
        client_protocol: "anthropic".into(),
        endpoint: "/v1/messages".into(),
        channel_id: Some(format!("ch_{:012x}", i % 4)),
        channel_name: Some(["claude-main", "backup", "openai", "gemini"][(i % 4) as usize].into()),
        rule: i.is_multiple_of(5).then(|| "long-context".into()),
        model: "claude-sonnet-4-5".into(),
        upstream_model: Some("claude-sonnet-4-5-20250929".into()),
        status: if i.is_multiple_of(50) { 529 } else { 200 },
        success: !i.is_multiple_of(50),
        error: i.is_multiple_of(50).then(|| "upstream overloaded (529): Overloaded".into()),
        latency_ms: 200 + i % 3000,
        ttfb_ms: Some(80 + i % 700),
        stream: i.is_multiple_of(2),
        tokens: Usage { input: 1200 + i % 500, output: 300 + i % 900, cache_read: 4096, cache_write: 0, reasoning: 0 },
        attempts: vec![Attempt {
            channel_id: format!("ch_{:012x}", i % 4),
            channel_name: "claude-main".into(),
            status: Some(200),
            error: None,
            latency_ms: 190 + i % 3000,
            ..Default::default()
        }],
        bytes_in: 5_000 + i % 20_000,
        bytes_out: 2_000 + i % 9_000,
        cost_usd: Some(0.012_345 + (i % 100) as f64 * 0.0001),
        replica: None,
        rule_reason: None,
        request_body: None,
        response_body: None,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let batch: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let keep: Option<u64> = args.next().and_then(|a| a.parse().ok());
    let dir = std::env::temp_dir().join(format!("routex-records-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let hwm_start = status_kb("VmHWM:");
    let store = Store::open(&dir).expect("open the store");
    println!("VmHWM at start     {hwm_start} KiB");
    let json_len = serde_json::to_vec(&record(1, 0)).unwrap().len();
    let hwm_before = status_kb("VmHWM:");
    let t0: u64 = 1_750_000_000_000;
    let started = Instant::now();
    let cpu0 = cpu_s();
    let mut i = 0;
    while i < n {
        let end = (i + batch).min(n);
        // Arrival times a millisecond apart, with every 97th request a long one that
        // finishes (is written) a minute after it arrived.
        let recs: Vec<RequestRecord> =
            (i..end).map(|j| record(j, if j % 97 == 0 { t0 + j - 60_000 } else { t0 + j })).collect();
        records::append(&store, &recs).expect("append");
        i = end;
    }
    let write = started.elapsed();
    let cpu = cpu_s() - cpu0;
    let hwm_write = status_kb("VmHWM:");
    let started = Instant::now();
    let newest = records::query(&store, &RequestQuery { limit: Some(1000), ..Default::default() }).unwrap();
    let q_time = started.elapsed();
    let started = Instant::now();
    let a = records::analytics(&store, t0 + n).unwrap();
    let a_time = started.elapsed();
    assert_eq!(newest.len() as u64, 1000.min(n));
    let blobs = std::fs::read_dir(dir.join("routex.db").join("blobs")).map(|d| d.count()).unwrap_or(0);
    println!("records            {n} in batches of {batch} (~{json_len} B each as JSON)");
    println!(
        "append             {:.2} µs/record ({:.0} ms total)",
        write.as_secs_f64() * 1e6 / n as f64,
        write.as_secs_f64() * 1e3
    );
    println!(
        "VmHWM              {} KiB before writing, {} KiB after; VmRSS now {} KiB",
        hwm_before,
        hwm_write,
        status_kb("VmRSS:")
    );
    println!("append CPU         {:.2} µs/record (user + system, all threads)", cpu * 1e6 / n as f64);
    println!("segments           {}", store.count_segments());
    println!("query 1000 newest  {:.1} ms", q_time.as_secs_f64() * 1e3);
    println!("analytics (24 h)   {:.1} ms over {} records", a_time.as_secs_f64() * 1e3, a.totals.requests);
    println!("on disk            {} KiB, {} blob files", store.size_on_disk() / 1024, blobs);
    if let Some(keep) = keep {
        let (rss, started) = (status_kb("VmRSS:"), Instant::now());
        let pruned = records::prune(&store, 0, keep, t0 + n).expect("prune");
        println!(
            "prune to {keep}    {pruned} records in {:.0} ms; VmRSS {rss} KiB before, VmHWM {} KiB after",
            started.elapsed().as_secs_f64() * 1e3,
            status_kb("VmHWM:")
        );
    }
    println!("VmHWM at the end   {} KiB", status_kb("VmHWM:"));
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
