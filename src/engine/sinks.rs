//! Running the tees in the daemon: [`TeeRunner`], and which records a tee's filter
//! takes ([`takes`]). The tees themselves (what a user writes, what is stored) are
//! `engine::tee`'s; this module is apart from it because it reads the request log
//! (`records`), which `config` (which holds tee specs) must not reach through `tee`.
//!
//! The runner reads the records the request log's writer has just written (the recorder's
//! broadcast, [`Recorder::subscribe`](crate::engine::records::Recorder::subscribe)), so a
//! tee costs the request path nothing: no copy, no lock, not even a check when no tee
//! exists. One thread (`routex-tees`, its own single-threaded tokio runtime) runs a
//! dispatcher and one task per tee. The dispatcher puts each record a tee's filter takes
//! into that tee's bounded queue; a full queue drops the record and counts it. The tee's
//! task writes JSON lines to its file (rotated by size, created 0600) or POSTs JSON to its
//! webhook (timeout, retries with exponential backoff and jitter, optional batches); a
//! batch that still fails is dropped and counted. For every tee, at every moment:
//! `matched = delivered + dropped + queued`. Warnings about drops are logged at most once
//! a second per tee.
//!
//! Tee changes (API, CLI through the daemon, import) reach the runner through the engine's
//! snapshot, which it compares every [`RECONCILE_EVERY`]. On shutdown the queues are
//! drained within a deadline; what is left is counted as dropped.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::glob;
use super::tee::{Filter, Tee, TeeStats, TeeTest, TeeType};
use crate::engine::channel::{expand, EnvLookup};
use crate::engine::records::{Recorder, RequestRecord};
use crate::engine::Engine;

/// How often the runner looks for tee changes in the snapshot.
pub const RECONCILE_EVERY: Duration = Duration::from_millis(200);
/// Drop warnings per tee at most this often.
const WARN_EVERY: Duration = Duration::from_secs(1);
/// First retry delay of a webhook; doubles each retry, up to [`BACKOFF_MAX`].
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Records a file tee writes before it flushes.
const FILE_BATCH: usize = 512;

/// Counters of one tee, kept by id across restarts of its task (an edit restarts it).
#[derive(Default)]
struct Counters {
    name: Mutex<String>,
    matched: AtomicU64,
    delivered: AtomicU64,
    dropped: AtomicU64,
    last_error: Mutex<Option<(u64, String)>>,
    last_warn: Mutex<Option<Instant>>,
    /// Dropped when the last warning was written.
    warned_dropped: AtomicU64,
}

impl Counters {
    fn stats(&self) -> TeeStats {
        let matched = self.matched.load(Relaxed);
        let delivered = self.delivered.load(Relaxed);
        let dropped = self.dropped.load(Relaxed);
        let last = self.last_error.lock().unwrap_or_else(|e| e.into_inner()).clone();
        TeeStats {
            matched,
            delivered,
            dropped,
            queued: matched.saturating_sub(delivered + dropped),
            last_error_ms: last.as_ref().map(|l| l.0),
            last_error: last.map(|l| l.1),
        }
    }

    fn failed(&self, error: &str) {
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((crate::util::time::now_ms(), error.to_string()));
    }

    /// Count `n` copies lost and warn, at most once a second.
    fn drop_n(&self, n: u64, why: &str) {
        if n == 0 {
            return;
        }
        self.dropped.fetch_add(n, Relaxed);
        self.failed(why);
        let mut last = self.last_warn.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
            *last = Some(Instant::now());
            let total = self.dropped.load(Relaxed);
            let since = total - self.warned_dropped.swap(total, Relaxed);
            let name = self.name.lock().unwrap_or_else(|e| e.into_inner()).clone();
            log::warn!(
                "tee {name:?}: {since} record copies dropped ({total} since start): {why}; the requests themselves \
                 were served (see routex tee list)"
            );
        }
    }
}

/// A tee's task and its queue.
struct Running {
    tee: Tee,
    tx: mpsc::Sender<Arc<RequestRecord>>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    counters: Mutex<BTreeMap<String, Arc<Counters>>>,
}

/// The running tees (one per daemon). Cheap to clone; when the last clone is dropped
/// without [`TeeRunner::shutdown`], the runner drains and stops on its own.
#[derive(Clone)]
pub struct TeeRunner {
    shared: Arc<Shared>,
    stop: Arc<Mutex<Option<oneshot::Sender<Duration>>>>,
    done: Arc<Mutex<Option<oneshot::Receiver<()>>>>,
}

impl std::fmt::Debug for TeeRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeeRunner").finish_non_exhaustive()
    }
}

/// What a tee's task needs besides its queue.
#[derive(Clone)]
struct Context {
    data_dir: PathBuf,
    env: EnvLookup,
}

impl TeeRunner {
    /// Start the runner on its own thread. It subscribes to the recorder's records while at
    /// least one tee exists (so without tees the writer does not even share its records).
    pub fn start(engine: Arc<Engine>, data_dir: PathBuf, recorder: Recorder) -> std::io::Result<TeeRunner> {
        let (stop_tx, stop_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let shared = Arc::new(Shared { counters: Mutex::default() });
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let ctx = Context { data_dir, env: engine.env.clone() };
        // The tees there are now start here, before the first request can be recorded:
        // their tasks wait on the runtime until its thread runs it.
        let mut running = BTreeMap::new();
        let records = {
            let _in = rt.enter();
            reconcile(&shared, &engine, &ctx, &mut running);
            (!running.is_empty() && recorder.enabled()).then(|| recorder.subscribe())
        };
        let s = shared.clone();
        std::thread::Builder::new().name("routex-tees".into()).spawn(move || {
            rt.block_on(run(s, engine, ctx, recorder, running, records, stop_rx));
            let _ = done_tx.send(());
        })?;
        Ok(TeeRunner { shared, stop: Arc::new(Mutex::new(Some(stop_tx))), done: Arc::new(Mutex::new(Some(done_rx))) })
    }

    /// Each tee's counts, by id.
    pub fn stats(&self) -> BTreeMap<String, TeeStats> {
        let c = self.shared.counters.lock().unwrap_or_else(|e| e.into_inner());
        c.iter().map(|(id, c)| (id.clone(), c.stats())).collect()
    }

    /// Each tee's name and counts (for metrics and health).
    pub fn named_stats(&self) -> Vec<(String, TeeStats)> {
        let c = self.shared.counters.lock().unwrap_or_else(|e| e.into_inner());
        c.values().map(|c| (c.name.lock().unwrap_or_else(|e| e.into_inner()).clone(), c.stats())).collect()
    }

    /// Stop taking records, drain every queue for at most `deadline`, count what is left
    /// as dropped.
    pub async fn shutdown(&self, deadline: Duration) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = stop.send(deadline);
        }
        let done = self.done.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(done) = done {
            let _ = tokio::time::timeout(deadline + Duration::from_secs(2), done).await;
        }
    }
}

async fn run(
    shared: Arc<Shared>,
    engine: Arc<Engine>,
    ctx: Context,
    recorder: Recorder,
    mut running: BTreeMap<String, Running>,
    mut records: Option<broadcast::Receiver<Arc<RequestRecord>>>,
    mut stop: oneshot::Receiver<Duration>,
) {
    let mut tick = tokio::time::interval(RECONCILE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let deadline = loop {
        let next = async {
            match records.as_mut() {
                Some(r) => r.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            d = &mut stop => break d.unwrap_or(Duration::from_secs(5)),
            r = next => match r {
                Ok(rec) => dispatch(&shared, &running, rec),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    for t in running.values().filter(|t| t.tee.enabled) {
                        let c = counters(&shared, &t.tee);
                        c.matched.fetch_add(n, Relaxed);
                        c.drop_n(n, "the tee runner fell behind the request log");
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break Duration::from_secs(5),
            },
            _ = tick.tick() => {
                reconcile(&shared, &engine, &ctx, &mut running);
                if running.is_empty() {
                    records = None;
                } else if records.is_none() && recorder.enabled() {
                    records = Some(recorder.subscribe());
                }
            }
        }
    };
    // Whatever the writer sent before the stop is still copied.
    while let Some(Ok(rec)) = records.as_mut().map(|r| r.try_recv()) {
        dispatch(&shared, &running, rec);
    }
    let end = tokio::time::Instant::now() + deadline;
    for (_, r) in std::mem::take(&mut running) {
        drop(r.tx);
        let c = counters(&shared, &r.tee);
        let mut task = r.task;
        if tokio::time::timeout_at(end, &mut task).await.is_err() {
            task.abort();
            let s = c.stats();
            c.drop_n(s.queued, "shutdown's deadline passed before the queue was sent");
        }
    }
}

fn counters(shared: &Shared, tee: &Tee) -> Arc<Counters> {
    let mut all = shared.counters.lock().unwrap_or_else(|e| e.into_inner());
    let c = all.entry(tee.id.clone()).or_default().clone();
    *c.name.lock().unwrap_or_else(|e| e.into_inner()) = tee.name.clone();
    c
}

fn dispatch(shared: &Shared, running: &BTreeMap<String, Running>, rec: Arc<RequestRecord>) {
    for r in running.values() {
        if !r.tee.enabled || !takes(&r.tee.filter, &rec) {
            continue;
        }
        let c = counters(shared, &r.tee);
        c.matched.fetch_add(1, Relaxed);
        if r.tx.try_send(rec.clone()).is_err() {
            c.drop_n(1, &format!("its queue of {} is full (the destination is slow or down)", r.tee.queue_size));
        }
    }
}

/// Start, restart (changed) and stop tees to match the snapshot.
fn reconcile(shared: &Shared, engine: &Engine, ctx: &Context, running: &mut BTreeMap<String, Running>) {
    let snap = engine.snapshot();
    let wanted: BTreeMap<&str, &Tee> = snap.tees.iter().map(|t| (t.id.as_str(), t)).collect();
    running.retain(|id, r| {
        let keep = wanted.get(id.as_str()).is_some_and(|t| **t == r.tee);
        if !keep {
            // Its task sends what is queued, then ends (the sender is dropped here).
            log::debug!("tee {:?}: stopped or changed", r.tee.name);
        }
        keep
    });
    {
        let mut all = shared.counters.lock().unwrap_or_else(|e| e.into_inner());
        all.retain(|id, _| wanted.contains_key(id.as_str()));
    }
    for (id, tee) in wanted {
        if running.contains_key(id) {
            continue;
        }
        let c = counters(shared, tee);
        let (tx, rx) = mpsc::channel(tee.queue_size);
        let task = match tee.kind {
            TeeType::File => tokio::spawn(file_task((*tee).clone(), ctx.clone(), rx, c)),
            TeeType::Webhook => tokio::spawn(webhook_task((*tee).clone(), ctx.clone(), rx, c)),
        };
        log::info!("tee {:?}: copying request records to {} {}", tee.name, tee.kind.as_str(), tee.destination());
        running.insert(id.to_string(), Running { tee: (*tee).clone(), tx, task });
    }
}

/// Where a file tee writes: relative paths are under the data directory.
pub fn file_path(tee: &Tee, data_dir: &Path) -> PathBuf {
    let p = PathBuf::from(tee.path.as_deref().unwrap_or("tee.jsonl"));
    if p.is_absolute() {
        p
    } else {
        data_dir.join(p)
    }
}

/// An open file tee: appends lines, rotates past its size.
struct FileSink {
    path: PathBuf,
    max_bytes: u64,
    keep: u32,
    file: Option<std::io::BufWriter<std::fs::File>>,
    size: u64,
}

impl FileSink {
    fn new(path: PathBuf, max_size_mb: u64, keep: u32) -> FileSink {
        FileSink { path, max_bytes: max_size_mb.saturating_mul(1 << 20), keep, file: None, size: 0 }
    }

    fn open(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        if self.file.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut o = std::fs::OpenOptions::new();
            o.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let f = o.open(&self.path)?;
            self.size = f.metadata()?.len();
            self.file = Some(std::io::BufWriter::with_capacity(64 << 10, f));
        }
        Ok(self.file.as_mut().expect("opened"))
    }

    /// `path` → `path.1` → … → `path.keep` (the oldest is deleted); a new file follows.
    fn rotate(&mut self) -> std::io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.flush()?;
        }
        let name = |i: u32| {
            let mut s = self.path.clone().into_os_string();
            s.push(format!(".{i}"));
            PathBuf::from(s)
        };
        if self.keep == 0 {
            std::fs::remove_file(&self.path)?;
        } else {
            let _ = std::fs::remove_file(name(self.keep));
            for i in (1..self.keep).rev() {
                let _ = std::fs::rename(name(i), name(i + 1));
            }
            std::fs::rename(&self.path, name(1))?;
        }
        self.size = 0;
        Ok(())
    }

    /// Append records as JSON lines and flush.
    fn write(&mut self, records: &[Arc<RequestRecord>]) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(1024);
        for r in records {
            line.clear();
            serde_json::to_writer(&mut line, &**r).map_err(std::io::Error::other)?;
            line.push(b'\n');
            if self.size > 0 && self.size + line.len() as u64 > self.max_bytes {
                self.rotate()?;
            }
            self.open()?.write_all(&line)?;
            self.size += line.len() as u64;
        }
        if let Some(f) = self.file.as_mut() {
            f.flush()?;
        }
        Ok(())
    }
}

async fn file_task(tee: Tee, ctx: Context, mut rx: mpsc::Receiver<Arc<RequestRecord>>, c: Arc<Counters>) {
    let mut sink = FileSink::new(file_path(&tee, &ctx.data_dir), tee.max_size_mb, tee.keep);
    let mut batch = Vec::with_capacity(FILE_BATCH);
    while rx.recv_many(&mut batch, FILE_BATCH).await > 0 {
        // Small writes to a local file: done in place, on the tees' own thread.
        match sink.write(&batch) {
            Ok(()) => {
                c.delivered.fetch_add(batch.len() as u64, Relaxed);
            }
            Err(e) => {
                sink.file = None;
                let msg = format!("cannot write {}: {e}", sink.path.display());
                c.drop_n(batch.len() as u64, &msg);
            }
        }
        batch.clear();
    }
}

type Client = hyper_util::client::legacy::Client<crate::util::https::Connector, Full<Bytes>>;

/// A webhook's resolved request parts.
struct Hook {
    uri: http::Uri,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    timeout: Duration,
}

impl Hook {
    fn new(tee: &Tee, env: &EnvLookup) -> Result<Hook, String> {
        let url = tee.url.as_deref().unwrap_or_default();
        let uri: http::Uri = url.parse().map_err(|e| format!("the URL {url:?} does not parse: {e}"))?;
        let mut headers = Vec::new();
        for (k, v) in &tee.headers {
            let (value, missing) = expand(v.expose(), &|n| env(n))?;
            if let Some(m) = missing.first() {
                return Err(format!("header {k:?} refers to ${{{m}}}, which is not set in the daemon's environment"));
            }
            let name = http::HeaderName::from_bytes(k.as_bytes()).map_err(|e| format!("header {k:?}: {e}"))?;
            let value = http::HeaderValue::from_str(&value).map_err(|_| format!("header {k:?}: not a valid value"))?;
            headers.push((name, value));
        }
        Ok(Hook { uri, headers, timeout: Duration::from_secs(tee.timeout_s) })
    }

    /// One POST; Err says what happened and whether another try may succeed, with the
    /// upstream's Retry-After when it gave one.
    async fn post(&self, client: &Client, body: Bytes) -> Result<(), Failure> {
        let mut req = http::Request::post(self.uri.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, concat!("routex/", env!("CARGO_PKG_VERSION")));
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req.body(Full::new(body)).map_err(|e| Failure::fatal(format!("cannot build the request: {e}")))?;
        let send = async {
            let resp = client.request(req).await.map_err(|e| Failure::retry(chain(&e)))?;
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(60)));
            let _ = http_body_util::BodyExt::collect(resp.into_body()).await;
            if status.is_success() {
                Ok(())
            } else if status.as_u16() == 429 || status.as_u16() == 408 || status.is_server_error() {
                Err(Failure { message: format!("the webhook answered {status}"), retry: true, retry_after })
            } else {
                Err(Failure::fatal(format!("the webhook answered {status}")))
            }
        };
        match tokio::time::timeout(self.timeout, send).await {
            Ok(r) => r,
            Err(_) => Err(Failure::retry(format!("no answer within {} s (the tee's timeout)", self.timeout.as_secs()))),
        }
    }
}

/// An error with its causes (`client error (Connect): tcp connect error: Connection refused`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

struct Failure {
    message: String,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn retry(message: String) -> Failure {
        Failure { message, retry: true, retry_after: None }
    }
    fn fatal(message: String) -> Failure {
        Failure { message, retry: false, retry_after: None }
    }
}

/// The wait before retry `n` (0-based): the base doubled `n` times, capped, then a random
/// point in its upper half (jitter, so many routex processes do not retry in step).
fn backoff(n: u32) -> Duration {
    let full = BACKOFF_BASE.saturating_mul(1 << n.min(16)).min(BACKOFF_MAX);
    full / 2 + full.mul_f64(fastrand::f64() / 2.0)
}

fn body_of(batch: &[Arc<RequestRecord>], batched: bool) -> Bytes {
    let v = if batched {
        serde_json::to_vec(&batch.iter().map(|r| &**r).collect::<Vec<_>>())
    } else {
        serde_json::to_vec(&*batch[0])
    };
    Bytes::from(v.expect("a record serialises"))
}

fn client(tee: &Tee) -> Client {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(crate::util::https::connector(Duration::from_secs(tee.timeout_s)))
}

async fn webhook_task(tee: Tee, ctx: Context, mut rx: mpsc::Receiver<Arc<RequestRecord>>, c: Arc<Counters>) {
    let hook = Hook::new(&tee, &ctx.env);
    let client = client(&tee);
    let mut batch = Vec::with_capacity(tee.batch_size);
    while rx.recv_many(&mut batch, tee.batch_size).await > 0 {
        let n = batch.len() as u64;
        let hook = match &hook {
            Ok(h) => h,
            Err(e) => {
                c.drop_n(n, e);
                batch.clear();
                continue;
            }
        };
        let body = body_of(&batch, tee.batch_size > 1);
        let mut tries = 0;
        loop {
            match hook.post(&client, body.clone()).await {
                Ok(()) => {
                    c.delivered.fetch_add(n, Relaxed);
                    break;
                }
                Err(f) if f.retry && tries < tee.retries => {
                    tokio::time::sleep(f.retry_after.unwrap_or_else(|| backoff(tries))).await;
                    tries += 1;
                }
                Err(f) => {
                    let msg = format!("POST {} failed after {} tries: {}", hook.uri, tries + 1, f.message);
                    c.drop_n(n, &msg);
                    break;
                }
            }
        }
        batch.clear();
    }
}

/// Send a test record to a tee and report it as [`TeeTest`].
pub fn test_tee(tee: &Tee, data_dir: &Path, env: &EnvLookup) -> TeeTest {
    let r = send_test(tee, data_dir, env);
    TeeTest { name: tee.name.clone(), ok: r.is_ok(), message: r.unwrap_or_else(|e| e) }
}

/// Whether a tee with this filter copies this record.
pub fn takes(f: &Filter, r: &RequestRecord) -> bool {
    if (f.success_only && !r.success) || (f.failure_only && r.success) {
        return false;
    }
    if !f.status_codes.is_empty() && !f.status_codes.iter().any(|s| s.matches(r.status)) {
        return false;
    }
    if !f.channels.is_empty() {
        let names = [r.channel_name.as_deref(), r.channel_id.as_deref()];
        if !f.channels.iter().any(|p| names.iter().flatten().any(|n| glob::matches(p, n))) {
            return false;
        }
    }
    if !f.models.is_empty() {
        let models = [Some(r.model.as_str()), r.upstream_model.as_deref()];
        if !f.models.iter().any(|p| models.iter().flatten().any(|m| glob::matches(p, m))) {
            return false;
        }
    }
    match f.sample_rate {
        Some(rate) if rate < 1.0 => sample_point(&r.id) < rate,
        _ => true,
    }
}

/// A request id's place in [0, 1): FNV-1a of the id, its bits spread by splitmix64's
/// finaliser (FNV alone leaves the high bits of near ids close), so sampling is the same
/// on every run.
fn sample_point(id: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The record `routex tee test` sends: marked as a test, never stored.
pub fn test_record() -> RequestRecord {
    RequestRecord {
        id: format!("req_tee_test_{}", crate::util::ids::random_hex(6)),
        time_ms: crate::util::time::now_ms(),
        trace_id: crate::util::ids::random_hex(16),
        client_protocol: "anthropic".into(),
        endpoint: "/v1/messages".into(),
        model: "routex-tee-test".into(),
        status: 200,
        success: true,
        error: Some("a test copy sent by `routex tee test`; no request was made".into()),
        ..Default::default()
    }
}

/// Send one test record to a tee's destination now (one try) and say what happened.
pub fn send_test(tee: &Tee, data_dir: &Path, env: &EnvLookup) -> Result<String, String> {
    let rec = vec![Arc::new(test_record())];
    match tee.kind {
        TeeType::File => {
            let path = file_path(tee, data_dir);
            FileSink::new(path.clone(), tee.max_size_mb, tee.keep)
                .write(&rec)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(format!("appended a test record ({}) to {}", rec[0].id, path.display()))
        }
        TeeType::Webhook => {
            let hook = Hook::new(tee, env)?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start a runtime: {e}"))?;
            let started = Instant::now();
            rt.block_on(async { hook.post(&client(tee), body_of(&rec, tee.batch_size > 1)).await })
                .map_err(|f| format!("POST {} failed: {}", hook.uri, f.message))?;
            Ok(format!(
                "POST {} accepted a test record ({}) in {} ms",
                hook.uri,
                rec[0].id,
                started.elapsed().as_millis()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(status: u16, channel: Option<&str>, model: &str) -> RequestRecord {
        RequestRecord {
            id: format!("req_{status}_{model}"),
            status,
            success: status < 400,
            channel_name: channel.map(str::to_string),
            channel_id: channel.map(|c| format!("ch_{c}")),
            model: model.into(),
            ..Default::default()
        }
    }

    #[test]
    fn each_field_narrows_and_empty_matches_all() {
        let f: Filter = serde_yaml::from_str("{}").unwrap();
        assert!(f.is_empty() && takes(&f, &rec(200, None, "m")));
        let f: Filter = serde_yaml::from_str("{failureOnly: true}").unwrap();
        assert!(!takes(&f, &rec(200, Some("a"), "m")) && takes(&f, &rec(502, Some("a"), "m")));
        let f: Filter = serde_yaml::from_str("{success_only: true}").unwrap();
        assert!(takes(&f, &rec(200, Some("a"), "m")) && !takes(&f, &rec(429, None, "m")));
        let f: Filter = serde_yaml::from_str("{statusCodes: [429, '5xx']}").unwrap();
        assert!(takes(&f, &rec(429, None, "m")) && takes(&f, &rec(503, None, "m")) && !takes(&f, &rec(404, None, "m")));
        let f: Filter = serde_yaml::from_str("{channels: [Main], models: ['claude-*']}").unwrap();
        assert!(takes(&f, &rec(200, Some("main"), "claude-sonnet-4")));
        assert!(!takes(&f, &rec(200, Some("x"), "claude-sonnet-4")));
        assert!(!takes(&f, &rec(200, Some("main"), "gpt-4o")));
        assert!(!takes(&f, &rec(401, None, "claude-x")), "no channel reached");
        let f: Filter = serde_yaml::from_str("{channels: [ch_main]}").unwrap();
        assert!(takes(&f, &rec(200, Some("main"), "m")), "ids match too");
    }

    #[test]
    fn sampling_keeps_about_the_rate_and_is_stable() {
        let f: Filter = serde_yaml::from_str("{sampleRate: 0.25}").unwrap();
        let kept = (0..4000)
            .filter(|i| takes(&f, &RequestRecord { id: format!("req_{i:08x}"), success: true, ..Default::default() }))
            .count();
        assert!((800..1200).contains(&kept), "{kept}");
        let zero: Filter = serde_yaml::from_str("{sampleRate: 0}").unwrap();
        assert!(!takes(&zero, &rec(200, None, "m")));
        let r = rec(200, None, "m");
        assert_eq!(takes(&f, &r), takes(&f, &r));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        for n in 0..20 {
            let d = backoff(n);
            let full = BACKOFF_BASE.saturating_mul(1 << n.min(16)).min(BACKOFF_MAX);
            assert!(d >= full / 2 && d <= full, "{n}: {d:?}");
        }
        assert!(backoff(30) <= BACKOFF_MAX);
    }

    #[test]
    fn a_file_tee_rotates_and_keeps_n_files_created_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t/requests.jsonl");
        let mut s = FileSink::new(path.clone(), 1, 2);
        s.max_bytes = 600;
        let recs: Vec<Arc<RequestRecord>> = (0..9).map(|_| Arc::new(test_record())).collect();
        for r in &recs {
            s.write(std::slice::from_ref(r)).unwrap();
        }
        let lines = |p: &Path| std::fs::read_to_string(p).map(|s| s.lines().count()).unwrap_or(0);
        let one = lines(&path);
        assert!(one >= 1);
        let rotated = lines(&PathBuf::from(format!("{}.1", path.display())));
        let older = lines(&PathBuf::from(format!("{}.2", path.display())));
        assert!(rotated >= 1 && older >= 1, "{one} {rotated} {older}");
        assert!(!PathBuf::from(format!("{}.3", path.display())).exists(), "only 2 kept");
        let last: RequestRecord =
            serde_json::from_str(std::fs::read_to_string(&path).unwrap().lines().last().unwrap()).unwrap();
        assert_eq!(last.id, recs[8].id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
