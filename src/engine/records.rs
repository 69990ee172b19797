//! The request log (SPEC §7): one [`RequestRecord`] per client request, failures included.
//!
//! The proxy's hot path only calls [`Recorder::record`], which never blocks and never
//! touches the store: records go through a bounded queue to a background writer that
//! appends them to `Tree::Requests` in batches (500 records or 1 s, whichever first) and
//! prunes by retention (days and rows). The admin API and `routex logs` read with
//! [`query`] and [`since`], `/api/analytics` with [`analytics`]. Keys are the arrival time
//! in unix ms (big-endian) followed by a per-process sequence number, so every scan can
//! walk newest-first and stop as soon as it has passed the time window it needs. This
//! module must not hold anything across the proxy's request path but the queue.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::config::LoggingConfig;
use super::Error;
use crate::store::{Store, Tree};

/// Capacity of the queue between the hot path and the writer.
pub const QUEUE_CAPACITY: usize = 16_384;
/// Records written in one batch at most.
pub const BATCH_MAX: usize = 500;
/// A record waits this long at most before its batch is written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// How often the writer prunes by retention (it also prunes at start).
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Capacity of the [`Recorder::subscribe`] broadcast; slow subscribers see `Lagged`.
pub const SUBSCRIBE_CAPACITY: usize = 1024;
/// Default number of records a [`query`] returns.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest `limit` a [`query`] honours.
pub const MAX_LIMIT: usize = 1000;

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// Token usage of a request. `input` counts uncached prompt tokens only; `output` includes
/// `reasoning` (see `protocol::Usage`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Tokens {
    /// Uncached prompt tokens.
    pub input: u64,
    /// Generated tokens, reasoning included.
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// Reasoning tokens, a part of `output`.
    pub reasoning: u64,
}

impl Tokens {
    fn add(&mut self, o: &Tokens) {
        self.input += o.input;
        self.output += o.output;
        self.cache_read += o.cache_read;
        self.cache_write += o.cache_write;
        self.reasoning += o.reasoning;
    }
}

/// One try of one channel within a request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attempt {
    /// Channel id.
    pub channel_id: String,
    /// Channel name at the time.
    pub channel_name: String,
    /// Upstream HTTP status, when one came back.
    pub status: Option<u16>,
    /// What went wrong, when something did.
    pub error: Option<String>,
    /// Time spent on this attempt.
    pub latency_ms: u64,
}

/// One client request, as stored in the request log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RequestRecord {
    /// The X-Request-Id.
    pub id: String,
    /// Unix ms when the request arrived.
    pub time_ms: u64,
    /// Trace id.
    pub trace_id: String,
    /// Session (affinity) key, when the client sent one.
    pub session: Option<String>,
    /// `anthropic` or `openai`.
    pub client_protocol: String,
    /// The client's endpoint, e.g. `/v1/messages`.
    pub endpoint: String,
    /// The channel that answered last (None when no channel was picked).
    pub channel_id: Option<String>,
    /// Its name at the time.
    pub channel_name: Option<String>,
    /// The routing rule that matched.
    pub rule: Option<String>,
    /// The model the client asked for.
    pub model: String,
    /// The model sent upstream.
    pub upstream_model: Option<String>,
    /// HTTP status the client got.
    pub status: u16,
    /// Whether the client got a successful answer.
    pub success: bool,
    /// What went wrong.
    pub error: Option<String>,
    /// Total time.
    pub latency_ms: u64,
    /// Time to the first byte of the answer.
    pub ttfb_ms: Option<u64>,
    /// Whether the answer streamed.
    pub stream: bool,
    /// Token usage (streams included).
    pub tokens: Tokens,
    /// Every channel tried, in order.
    pub attempts: Vec<Attempt>,
    /// Request body size.
    pub bytes_in: u64,
    /// Response body size.
    pub bytes_out: u64,
    /// Estimated cost ([`estimate_cost`]).
    pub cost_usd: Option<f64>,
    /// Captured request body (see [`capture`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// Captured response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Keys

/// Sequence making keys written in the same millisecond distinct; per process, so two
/// recorders (tests) never collide either.
static SEQ: AtomicU32 = AtomicU32::new(0);

/// The store key of a record arriving at `time_ms`: time (big-endian u64) ‖ sequence (u32).
pub fn record_key(time_ms: u64) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&time_ms.to_be_bytes());
    k[8..].copy_from_slice(&SEQ.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    k
}

/// The time part of a key (None for a key this module did not write).
fn key_time(k: &[u8]) -> Option<u64> {
    (k.len() == 12).then(|| u64::from_be_bytes(k[..8].try_into().expect("8 bytes")))
}

/// Serialise and append records in one batch (one sled batch, one flush). Used by the
/// writer; tests and imports may call it directly.
pub fn append(store: &Store, records: &[RequestRecord]) -> Result<(), Error> {
    let raw: Vec<(Vec<u8>, Vec<u8>)> = records
        .iter()
        .map(|r| {
            // serde_json writes non-finite floats as null, so a record always serialises.
            let json = serde_json::to_vec(r).unwrap_or_default();
            (record_key(r.time_ms).to_vec(), json)
        })
        .collect();
    store.append_raw(Tree::Requests, &raw)?;
    Ok(())
}

fn decode(key: &[u8], bytes: &[u8]) -> Option<RequestRecord> {
    match serde_json::from_slice(bytes) {
        Ok(r) => Some(r),
        Err(e) => {
            log::warn!("request log: skipping unreadable record {key:02x?}: {e}");
            None
        }
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Recorder and writer

/// Handle used on the hot path: never blocks, never touches the store. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    tx: Option<mpsc::Sender<RequestRecord>>,
    dropped: Arc<AtomicU64>,
    events: broadcast::Sender<Arc<RequestRecord>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("enabled", &self.tx.is_some()).field("dropped", &self.dropped()).finish()
    }
}

/// The running writer; [`RecorderTask::shutdown`] drains it. Dropping it without calling
/// `shutdown` also makes the writer drain and stop, but nobody waits for it.
#[derive(Debug)]
pub struct RecorderTask {
    stop: oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<()>,
}

/// Writer tuning (tests shrink these).
#[derive(Debug, Clone, Copy)]
struct Options {
    capacity: usize,
    batch_max: usize,
    flush_every: Duration,
    prune_every: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { capacity: QUEUE_CAPACITY, batch_max: BATCH_MAX, flush_every: FLUSH_EVERY, prune_every: PRUNE_EVERY }
    }
}

impl Recorder {
    /// Start the background writer on the current tokio runtime. Batches are written at
    /// [`BATCH_MAX`] records or every [`FLUSH_EVERY`], whichever comes first, each as one
    /// store batch and flush on a blocking thread. The log is pruned by
    /// `retention_days` / `max_rows` (0 = unlimited) at start and every [`PRUNE_EVERY`].
    pub fn start(store: Store, cfg: &LoggingConfig) -> (Recorder, RecorderTask) {
        Recorder::start_with(store, cfg, Options::default())
    }

    fn start_with(store: Store, cfg: &LoggingConfig, opts: Options) -> (Recorder, RecorderTask) {
        let (tx, rx) = mpsc::channel(opts.capacity);
        let (events, _) = broadcast::channel(SUBSCRIBE_CAPACITY);
        let dropped = Arc::new(AtomicU64::new(0));
        let (stop, stop_rx) = oneshot::channel();
        let writer = Writer {
            store,
            events: events.clone(),
            dropped: dropped.clone(),
            retention_days: cfg.retention_days,
            max_rows: cfg.max_rows,
            opts,
        };
        let handle = tokio::spawn(writer.run(rx, stop_rx));
        (Recorder { tx: Some(tx), dropped, events }, RecorderTask { stop, handle })
    }

    /// A recorder that records nothing (`logging.requests: false`).
    pub fn disabled() -> Recorder {
        Recorder { tx: None, dropped: Arc::new(AtomicU64::new(0)), events: broadcast::channel(1).0 }
    }

    /// Whether records go anywhere.
    pub fn enabled(&self) -> bool {
        self.tx.is_some()
    }

    /// Queue a record for the writer. Never waits: when the queue is full (or the writer
    /// has shut down) the record is counted in [`Recorder::dropped`] instead.
    pub fn record(&self, r: RequestRecord) {
        if let Some(tx) = &self.tx {
            if tx.try_send(r).is_err() {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Records lost so far: queue full, writer stopped, or the store refused a batch.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records as they are written (after the store accepted them).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<RequestRecord>> {
        self.events.subscribe()
    }
}

impl RecorderTask {
    /// Close the queue, write everything still queued, flush and wait for the writer.
    /// No record accepted by [`Recorder::record`] before this call is lost.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.handle.await {
            log::error!("request log writer failed: {e}");
        }
    }
}

struct Writer {
    store: Store,
    events: broadcast::Sender<Arc<RequestRecord>>,
    dropped: Arc<AtomicU64>,
    retention_days: u64,
    max_rows: u64,
    opts: Options,
}

impl Writer {
    async fn run(self, mut rx: mpsc::Receiver<RequestRecord>, mut stop: oneshot::Receiver<()>) {
        self.prune().await;
        let start = tokio::time::Instant::now();
        let mut flush_tick = tokio::time::interval_at(start + self.opts.flush_every, self.opts.flush_every);
        flush_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut prune_tick = tokio::time::interval_at(start + self.opts.prune_every, self.opts.prune_every);
        prune_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut buf: Vec<RequestRecord> = Vec::with_capacity(self.opts.batch_max);
        loop {
            let room = self.opts.batch_max - buf.len();
            tokio::select! {
                // Timers before the queue, so a steady trickle cannot starve the 1 s flush.
                biased;
                // Err too: a dropped RecorderTask also means "drain and stop".
                _ = &mut stop => break,
                _ = flush_tick.tick() => {
                    if !buf.is_empty() {
                        buf = self.write(buf).await;
                    }
                }
                _ = prune_tick.tick() => self.prune().await,
                n = rx.recv_many(&mut buf, room) => {
                    if n == 0 {
                        // Every Recorder is gone: nothing more can arrive.
                        break;
                    }
                    if buf.len() >= self.opts.batch_max {
                        buf = self.write(buf).await;
                    }
                }
            }
        }
        // Refuse new records, then write what was accepted before.
        rx.close();
        loop {
            let room = self.opts.batch_max - buf.len();
            if rx.recv_many(&mut buf, room).await == 0 {
                break;
            }
            if buf.len() >= self.opts.batch_max {
                buf = self.write(buf).await;
            }
        }
        if !buf.is_empty() {
            self.write(buf).await;
        }
    }

    /// Write one batch on a blocking thread; returns the emptied buffer for reuse.
    async fn write(&self, batch: Vec<RequestRecord>) -> Vec<RequestRecord> {
        let store = self.store.clone();
        let n = batch.len();
        let joined = tokio::task::spawn_blocking(move || {
            let res = append(&store, &batch);
            (res, batch)
        })
        .await;
        match joined {
            Ok((Ok(()), mut batch)) => {
                if self.events.receiver_count() > 0 {
                    for r in batch.drain(..) {
                        let _ = self.events.send(Arc::new(r));
                    }
                }
                batch.clear();
                batch
            }
            Ok((Err(e), mut batch)) => {
                log::error!("request log: could not write {n} records: {e}");
                self.dropped.fetch_add(n as u64, Ordering::Relaxed);
                batch.clear();
                batch
            }
            Err(e) => {
                log::error!("request log: the writer thread failed writing {n} records: {e}");
                self.dropped.fetch_add(n as u64, Ordering::Relaxed);
                Vec::with_capacity(self.opts.batch_max)
            }
        }
    }

    async fn prune(&self) {
        if self.retention_days == 0 && self.max_rows == 0 {
            return;
        }
        let (store, days, rows) = (self.store.clone(), self.retention_days, self.max_rows);
        match tokio::task::spawn_blocking(move || prune(&store, days, rows, now_ms())).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => log::info!("request log: pruned {n} records (retention {days} days, {rows} rows)"),
            Ok(Err(e)) => log::error!("request log: pruning failed: {e}"),
            Err(e) => log::error!("request log: the pruning thread failed: {e}"),
        }
    }
}

/// Delete records older than `days` and beyond the newest `max_rows` (0 disables either
/// bound); returns how many were deleted.
pub fn prune(store: &Store, days: u64, max_rows: u64, now_ms: u64) -> Result<usize, Error> {
    const CHUNK: usize = 10_000;
    let cutoff = if days == 0 { 0 } else { now_ms.saturating_sub(days.saturating_mul(DAY_MS)) };
    let mut kept: u64 = 0;
    let mut doomed = Vec::new();
    let mut removed = 0;
    for item in store.scan_rev(Tree::Requests)? {
        let (k, _) = item?;
        let old = key_time(&k).is_some_and(|t| t < cutoff);
        if old || (max_rows > 0 && kept >= max_rows) {
            doomed.push(k);
            if doomed.len() >= CHUNK {
                store.remove_raw(Tree::Requests, &doomed)?;
                removed += doomed.len();
                doomed.clear();
            }
        } else {
            kept += 1;
        }
    }
    if !doomed.is_empty() {
        store.remove_raw(Tree::Requests, &doomed)?;
        removed += doomed.len();
    }
    Ok(removed)
}

// ---------------------------------------------------------------------------------------
// Queries

/// Filters of `GET /api/requests` and `routex logs`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequestQuery {
    /// Records returned at most: default 50, at most 1000.
    pub limit: Option<usize>,
    /// Matching records skipped first (newest first).
    pub offset: Option<usize>,
    /// Channel name (case-insensitive) or id.
    pub channel: Option<String>,
    /// Requested or upstream model; `*` matches anything, case-insensitive.
    pub model: Option<String>,
    /// `200` (a code), `4xx` / `5xx` (a class), `success` or `error`.
    pub status: Option<String>,
    /// Oldest arrival time (inclusive): RFC 3339, unix ms, or an age like `15m`, `2h`, `7d`.
    pub since: Option<String>,
    /// Newest arrival time (inclusive), in the same forms as `since`.
    pub until: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum StatusFilter {
    Code(u16),
    Class(u16),
    Success,
    Error,
}

impl StatusFilter {
    fn parse(s: &str) -> Result<StatusFilter, Error> {
        let t = s.trim().to_ascii_lowercase();
        let parsed = match t.as_str() {
            "success" | "ok" => Some(StatusFilter::Success),
            "error" | "failure" | "failed" => Some(StatusFilter::Error),
            _ if t.len() == 3 && t.ends_with("xx") => {
                t[..1].parse::<u16>().ok().filter(|c| (1..=5).contains(c)).map(StatusFilter::Class)
            }
            _ => t.parse::<u16>().ok().filter(|c| (100..=599).contains(c)).map(StatusFilter::Code),
        };
        parsed.ok_or_else(|| {
            invalid(
                "status",
                format!("must be a status code like 200, a class like 4xx or 5xx, success or error (got {s:?})"),
            )
        })
    }

    fn matches(self, status: u16, success: bool) -> bool {
        match self {
            StatusFilter::Code(c) => status == c,
            StatusFilter::Class(c) => status / 100 == c,
            StatusFilter::Success => success,
            StatusFilter::Error => !success,
        }
    }
}

fn invalid(field: &str, message: String) -> Error {
    Error::Invalid { subject: "request log query".into(), field: field.into(), message }
}

/// Parse a point in time: RFC 3339, unix ms, or an age (`30s`, `15m`, `2h`, `7d`, `1w`)
/// counted back from `now_ms`.
pub fn parse_time(field: &str, s: &str, now_ms: u64) -> Result<u64, Error> {
    let t = s.trim();
    let bad = || {
        invalid(
            field,
            format!(
                "must be an RFC 3339 time (2025-01-31T12:00:00Z), unix milliseconds (1738324800000) \
                 or an age like 15m, 2h or 7d (got {s:?})"
            ),
        )
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().map_err(|_| bad());
    }
    if let Some(unit) = t.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let digits = &t[..t.len() - 1];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: u64 = digits.parse().map_err(|_| bad())?;
            let ms = match unit.to_ascii_lowercase() {
                's' => 1_000,
                'm' => MINUTE_MS,
                'h' => HOUR_MS,
                'd' => DAY_MS,
                'w' => 7 * DAY_MS,
                _ => return Err(bad()),
            };
            return Ok(now_ms.saturating_sub(n.saturating_mul(ms)));
        }
    }
    let dt = chrono::DateTime::parse_from_rfc3339(t).map_err(|_| bad())?;
    u64::try_from(dt.timestamp_millis()).map_err(|_| bad())
}

/// Case-insensitive glob where `*` matches any run of characters; the whole text must match.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The fields the filters look at, parsed without copying the record.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(borrow, default)]
    channel_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    channel_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Cow<'a, str>,
    #[serde(borrow, default)]
    upstream_model: Option<Cow<'a, str>>,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    success: bool,
}

struct Filters {
    channel: Option<String>,
    model: Option<String>,
    status: Option<StatusFilter>,
}

impl Filters {
    fn is_empty(&self) -> bool {
        self.channel.is_none() && self.model.is_none() && self.status.is_none()
    }

    fn matches(&self, p: &Peek<'_>) -> bool {
        if let Some(c) = &self.channel {
            let by_id = p.channel_id.as_deref() == Some(c.as_str());
            let by_name = p.channel_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(c));
            if !by_id && !by_name {
                return false;
            }
        }
        if let Some(m) = &self.model {
            if !glob_match(m, &p.model) && !p.upstream_model.as_deref().is_some_and(|u| glob_match(m, u)) {
                return false;
            }
        }
        self.status.is_none_or(|s| s.matches(p.status, p.success))
    }
}

/// Records matching `q`, newest first. A bad `status`, `since` or `until` is an
/// [`Error::Invalid`] naming the parameter and the accepted forms.
pub fn query(store: &Store, q: &RequestQuery) -> Result<Vec<RequestRecord>, Error> {
    query_at(store, q, now_ms())
}

/// [`query`] with relative times (`15m`) counted back from `now_ms`.
pub fn query_at(store: &Store, q: &RequestQuery, now_ms: u64) -> Result<Vec<RequestRecord>, Error> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let offset = q.offset.unwrap_or(0);
    let status = q.status.as_deref().filter(|s| !s.trim().is_empty()).map(StatusFilter::parse).transpose()?;
    let since =
        q.since.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_time("since", s, now_ms)).transpose()?;
    let until =
        q.until.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_time("until", s, now_ms)).transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(invalid("since", format!("({s} ms) is after `until` ({u} ms); swap them")));
        }
    }
    let nonempty = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let filters = Filters { channel: nonempty(&q.channel), model: nonempty(&q.model), status };
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    let mut skipped = 0;
    for item in store.scan_rev(Tree::Requests)? {
        let (k, v) = item?;
        let Some(t) = key_time(&k) else { continue };
        // Keys are time-ordered: skip what is too new by key alone, stop once too old.
        if until.is_some_and(|u| t > u) {
            continue;
        }
        if since.is_some_and(|s| t < s) {
            break;
        }
        if !filters.is_empty() {
            match serde_json::from_slice::<Peek<'_>>(&v) {
                Ok(p) if filters.matches(&p) => {}
                Ok(_) => continue,
                Err(e) => {
                    log::warn!("request log: skipping unreadable record {:02x?}: {e}", k.as_ref());
                    continue;
                }
            }
        }
        if skipped < offset {
            skipped += 1;
            continue;
        }
        if let Some(r) = decode(&k, &v) {
            out.push(r);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Records that arrived after `after_ms` (exclusive), oldest first, at most `limit` (the
/// oldest ones). For `--follow` polling; note that a long request is written when it
/// ends but keyed by when it arrived, so a live view should prefer [`Recorder::subscribe`].
pub fn since(store: &Store, after_ms: u64, limit: usize) -> Result<Vec<RequestRecord>, Error> {
    let mut newest_first: VecDeque<(Vec<u8>, Vec<u8>)> = VecDeque::new();
    if limit == 0 {
        return Ok(Vec::new());
    }
    for item in store.scan_rev(Tree::Requests)? {
        let (k, v) = item?;
        let Some(t) = key_time(&k) else { continue };
        if t <= after_ms {
            break;
        }
        newest_first.push_back((k.to_vec(), v.to_vec()));
        if newest_first.len() > limit {
            newest_first.pop_front();
        }
    }
    Ok(newest_first.iter().rev().filter_map(|(k, v)| decode(k, v)).collect())
}

// ---------------------------------------------------------------------------------------
// Analytics

/// `GET /api/analytics`: the last 24 hours of the request log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analytics {
    /// Start of the window (unix ms, exclusive).
    pub since_ms: u64,
    /// End of the window (unix ms, inclusive).
    pub until_ms: u64,
    /// Counts.
    pub totals: Totals,
    /// Total latency.
    pub latency_ms: Percentiles,
    /// Time to first byte (requests that have one).
    pub ttfb_ms: Percentiles,
    /// Tokens summed.
    pub tokens: Tokens,
    /// Estimated cost summed (records without an estimate count 0).
    pub cost_usd: f64,
    /// Per channel, most requests first; requests that reached no channel have an empty id.
    pub per_channel: Vec<ChannelUsage>,
    /// 60 one-minute buckets, oldest first, the last one holding `until_ms`.
    pub timeline_minute: Vec<TimeBucket>,
    /// 24 one-hour buckets, oldest first, the last one holding `until_ms`.
    pub timeline_hour: Vec<TimeBucket>,
}

/// Request counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Totals {
    /// Requests.
    pub requests: u64,
    /// Successful ones.
    pub successes: u64,
    /// Failed ones.
    pub failures: u64,
    /// `successes / requests`, 0.0 to 1.0 (0 when there were no requests).
    pub success_rate: f64,
}

/// Average and nearest-rank percentiles, in ms (all 0 without data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Percentiles {
    /// Mean.
    pub avg: f64,
    /// Median.
    pub p50: u64,
    /// 95th percentile.
    pub p95: u64,
    /// 99th percentile.
    pub p99: u64,
}

impl Percentiles {
    fn of(mut v: Vec<u64>) -> Percentiles {
        if v.is_empty() {
            return Percentiles::default();
        }
        v.sort_unstable();
        let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Percentiles {
            avg: v.iter().sum::<u64>() as f64 / v.len() as f64,
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
        }
    }
}

/// One channel's share of the window.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ChannelUsage {
    /// Channel id (empty for requests that reached no channel).
    pub channel_id: String,
    /// Its most recent name.
    pub channel_name: String,
    /// Requests.
    pub requests: u64,
    /// Successful ones.
    pub successes: u64,
    /// Failed ones.
    pub failures: u64,
    /// Mean latency.
    pub avg_latency_ms: f64,
    /// Tokens summed.
    pub tokens: Tokens,
}

/// One timeline bucket.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct TimeBucket {
    /// Bucket start, unix ms.
    pub start_ms: u64,
    /// Requests that arrived in it.
    pub requests: u64,
    /// Failed ones.
    pub failures: u64,
    /// Mean latency (0 when empty).
    pub avg_latency_ms: f64,
}

/// The fields analytics needs.
#[derive(Deserialize)]
struct Stat<'a> {
    #[serde(borrow, default)]
    channel_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    channel_name: Option<Cow<'a, str>>,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    ttfb_ms: Option<u64>,
    #[serde(default)]
    tokens: Tokens,
    #[serde(default)]
    cost_usd: Option<f64>,
}

struct Timeline {
    start: u64,
    width: u64,
    buckets: Vec<(TimeBucket, u64)>,
}

impl Timeline {
    fn new(now_ms: u64, width: u64, n: u64) -> Timeline {
        let start = (now_ms / width * width).saturating_sub((n - 1) * width);
        let buckets = (0..n).map(|i| (TimeBucket { start_ms: start + i * width, ..Default::default() }, 0)).collect();
        Timeline { start, width, buckets }
    }

    fn add(&mut self, t: u64, success: bool, latency: u64) {
        if t < self.start {
            return;
        }
        if let Some((b, sum)) = self.buckets.get_mut(((t - self.start) / self.width) as usize) {
            b.requests += 1;
            b.failures += u64::from(!success);
            *sum += latency;
        }
    }

    fn finish(self) -> Vec<TimeBucket> {
        self.buckets
            .into_iter()
            .map(|(mut b, sum)| {
                if b.requests > 0 {
                    b.avg_latency_ms = sum as f64 / b.requests as f64;
                }
                b
            })
            .collect()
    }
}

/// Aggregate the 24 hours up to `now_ms`. Scans newest-first and stops at the first
/// older key.
pub fn analytics(store: &Store, now_ms: u64) -> Result<Analytics, Error> {
    let from = now_ms.saturating_sub(DAY_MS);
    let mut totals = Totals::default();
    let mut latencies = Vec::new();
    let mut ttfbs = Vec::new();
    let mut tokens = Tokens::default();
    let mut cost = 0.0;
    let mut channels: HashMap<String, (ChannelUsage, u64)> = HashMap::new();
    let mut minutes = Timeline::new(now_ms, MINUTE_MS, 60);
    let mut hours = Timeline::new(now_ms, HOUR_MS, 24);
    for item in store.scan_rev(Tree::Requests)? {
        let (k, v) = item?;
        let Some(t) = key_time(&k) else { continue };
        if t > now_ms {
            continue;
        }
        if t <= from {
            break;
        }
        let s: Stat<'_> = match serde_json::from_slice(&v) {
            Ok(s) => s,
            Err(e) => {
                log::warn!("request log: skipping unreadable record {:02x?}: {e}", k.as_ref());
                continue;
            }
        };
        totals.requests += 1;
        if s.success {
            totals.successes += 1;
        } else {
            totals.failures += 1;
        }
        latencies.push(s.latency_ms);
        ttfbs.extend(s.ttfb_ms);
        tokens.add(&s.tokens);
        cost += s.cost_usd.filter(|c| c.is_finite()).unwrap_or(0.0);
        let id = s.channel_id.as_deref().unwrap_or("").to_string();
        let (c, sum) = channels.entry(id).or_insert_with_key(|id| {
            // Newest first: the first name seen is the current one.
            let name = s.channel_name.as_deref().unwrap_or(if id.is_empty() { "(none)" } else { id });
            (ChannelUsage { channel_id: id.clone(), channel_name: name.to_string(), ..Default::default() }, 0)
        });
        c.requests += 1;
        if s.success {
            c.successes += 1;
        } else {
            c.failures += 1;
        }
        *sum += s.latency_ms;
        c.tokens.add(&s.tokens);
        minutes.add(t, s.success, s.latency_ms);
        hours.add(t, s.success, s.latency_ms);
    }
    if totals.requests > 0 {
        totals.success_rate = totals.successes as f64 / totals.requests as f64;
    }
    let mut per_channel: Vec<ChannelUsage> = channels
        .into_values()
        .map(|(mut c, sum)| {
            c.avg_latency_ms = sum as f64 / c.requests as f64;
            c
        })
        .collect();
    per_channel.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.channel_name.cmp(&b.channel_name)));
    Ok(Analytics {
        since_ms: from,
        until_ms: now_ms,
        totals,
        latency_ms: Percentiles::of(latencies),
        ttfb_ms: Percentiles::of(ttfbs),
        tokens,
        cost_usd: cost,
        per_channel,
        timeline_minute: minutes.finish(),
        timeline_hour: hours.finish(),
    })
}

// ---------------------------------------------------------------------------------------
// Cost

/// A model's price in USD per million tokens.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Uncached input.
    pub input: f64,
    /// Output (reasoning included).
    pub output: f64,
    /// Input read from cache.
    pub cache_read: f64,
    /// Input written to cache.
    pub cache_write: f64,
}

const fn price(input: f64, output: f64, cache_read: f64, cache_write: f64) -> Price {
    Price { input, output, cache_read, cache_write }
}

/// Built-in list prices (USD per MTok, standard tier, late 2025). A pattern without `*`
/// is a prefix; the longest matching pattern wins, so `gpt-4o-mini` beats `gpt-4o`.
/// Providers change prices: override them with `overrides` rather than trusting these.
pub const PRICES: &[(&str, Price)] = &[
    ("claude-opus-4-5", price(5.0, 25.0, 0.5, 6.25)),
    ("claude-opus-4", price(15.0, 75.0, 1.5, 18.75)),
    ("claude-sonnet-4", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-haiku-4", price(1.0, 5.0, 0.1, 1.25)),
    ("claude-3-7-sonnet", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-5-sonnet", price(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-5-haiku", price(0.8, 4.0, 0.08, 1.0)),
    ("claude-3-opus", price(15.0, 75.0, 1.5, 18.75)),
    ("claude-3-haiku", price(0.25, 1.25, 0.03, 0.3)),
    ("gpt-4o", price(2.5, 10.0, 1.25, 2.5)),
    ("gpt-4o-mini", price(0.15, 0.6, 0.075, 0.15)),
    ("gpt-4.1", price(2.0, 8.0, 0.5, 2.0)),
    ("gpt-4.1-mini", price(0.4, 1.6, 0.1, 0.4)),
    ("gpt-4.1-nano", price(0.1, 0.4, 0.025, 0.1)),
    ("o3", price(2.0, 8.0, 0.5, 2.0)),
    ("o3-mini", price(1.1, 4.4, 0.55, 1.1)),
    ("o3-pro", price(20.0, 80.0, 20.0, 20.0)),
    ("o4-mini", price(1.1, 4.4, 0.275, 1.1)),
    ("gemini-2.5-pro", price(1.25, 10.0, 0.125, 1.25)),
    ("gemini-2.5-flash", price(0.3, 2.5, 0.03, 0.3)),
    ("gemini-2.5-flash-lite", price(0.1, 0.4, 0.01, 0.1)),
    ("deepseek-chat", price(0.28, 0.42, 0.028, 0.28)),
    ("deepseek-reasoner", price(0.28, 0.42, 0.028, 0.28)),
];

/// Whether `pattern` (a glob with `*`, or a prefix when it has none) matches `model`.
fn price_pattern_matches(pattern: &str, model: &str) -> bool {
    if pattern.contains('*') {
        glob_match(pattern, model)
    } else {
        model.len() >= pattern.len()
            && model.is_char_boundary(pattern.len())
            && model[..pattern.len()].eq_ignore_ascii_case(pattern)
    }
}

fn best<'a>(table: impl Iterator<Item = (&'a str, &'a Price)>, model: &str) -> Option<&'a Price> {
    table.filter(|(p, _)| price_pattern_matches(p, model)).max_by_key(|(p, _)| p.len()).map(|(_, price)| price)
}

/// The price of `model`: `overrides` first (keys are prefixes or `*` globs), then
/// [`PRICES`]. Provider prefixes (`anthropic/…`, `models/…`, Bedrock's
/// `us.anthropic.…`) are ignored.
pub fn price_of(model: &str, overrides: &BTreeMap<String, Price>) -> Option<Price> {
    let mut bare = model.rsplit('/').next().unwrap_or(model);
    if let Some(i) = bare.find("anthropic.") {
        bare = &bare[i + "anthropic.".len()..];
    }
    for name in [model, bare] {
        if let Some(p) = best(overrides.iter().map(|(k, v)| (k.as_str(), v)), name) {
            return Some(*p);
        }
    }
    best(PRICES.iter().map(|(k, v)| (*k, v)), bare).copied()
}

/// Estimated cost in USD of `t` on `model` (the upstream model name); None when no price
/// is known. `reasoning` is already part of `output` and is not charged twice.
pub fn estimate_cost(model: &str, t: &Tokens, overrides: &BTreeMap<String, Price>) -> Option<f64> {
    let p = price_of(model, overrides)?;
    let micro = t.input as f64 * p.input
        + t.output as f64 * p.output
        + t.cache_read as f64 * p.cache_read
        + t.cache_write as f64 * p.cache_write;
    Some(micro / 1_000_000.0)
}

// ---------------------------------------------------------------------------------------
// Body capture

/// A body for the log: at most `max_kb` KiB, cut on a UTF-8 character boundary with a
/// `…[truncated N bytes]` suffix naming what was left out. Invalid UTF-8 is replaced.
pub fn capture(body: &[u8], max_kb: u64) -> String {
    let max = usize::try_from(max_kb.saturating_mul(1024)).unwrap_or(usize::MAX);
    if body.len() <= max {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut cut = max;
    // Back off over continuation bytes (at most 3 in valid UTF-8) to a character start.
    for _ in 0..3 {
        if cut > 0 && body[cut] & 0xC0 == 0x80 {
            cut -= 1;
        }
    }
    let mut s = String::from_utf8_lossy(&body[..cut]).into_owned();
    s.push_str(&format!("…[truncated {} bytes]", body.len() - cut));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_750_000_000_000; // 2025-06-15T15:06:40Z

    fn rec(i: u64, time_ms: u64) -> RequestRecord {
        RequestRecord {
            id: format!("req_{i}"),
            time_ms,
            trace_id: format!("trace_{i}"),
            client_protocol: "anthropic".into(),
            endpoint: "/v1/messages".into(),
            channel_id: Some("ch_aaa".into()),
            channel_name: Some("claude-main".into()),
            model: "claude-sonnet-4-5".into(),
            upstream_model: Some("claude-sonnet-4-5-20250929".into()),
            status: 200,
            success: true,
            latency_ms: 100 + i,
            tokens: Tokens { input: 10, output: 5, ..Default::default() },
            attempts: vec![Attempt {
                channel_id: "ch_aaa".into(),
                channel_name: "claude-main".into(),
                status: Some(200),
                error: None,
                latency_ms: 90,
            }],
            cost_usd: Some(0.25),
            request_body: i.is_multiple_of(2).then(|| format!("{{\"n\":{i}}}")),
            ..Default::default()
        }
    }

    fn cfg(days: u64, rows: u64) -> LoggingConfig {
        LoggingConfig { retention_days: days, max_rows: rows, ..Default::default() }
    }

    async fn wait_for_count(store: &Store, n: usize) -> usize {
        for _ in 0..500 {
            let c = store.count(Tree::Requests).unwrap();
            if c >= n {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        store.count(Tree::Requests).unwrap()
    }

    #[tokio::test]
    async fn writer_batches_by_size_and_loses_nothing_on_shutdown() {
        let store = Store::temporary().unwrap();
        // A long flush interval: only the size trigger and shutdown may write.
        let opts = Options { flush_every: Duration::from_secs(3600), ..Options::default() };
        let (rec_, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts);
        let sent: Vec<RequestRecord> = (0..1234).map(|i| rec(i, T0 + i)).collect();
        for r in &sent {
            rec_.record(r.clone());
        }
        assert_eq!(wait_for_count(&store, 1000).await, 1000, "two full batches of 500 are written at once");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(store.count(Tree::Requests).unwrap(), 1000, "the partial batch waits for the timer");
        task.shutdown().await;
        assert_eq!(store.count(Tree::Requests).unwrap(), 1234);
        assert_eq!(rec_.dropped(), 0);
        let back = since(&store, 0, 5000).unwrap();
        assert_eq!(back, sent, "records round-trip, oldest first");
    }

    #[tokio::test]
    async fn the_timer_flushes_a_partial_batch_and_subscribers_see_it() {
        let store = Store::temporary().unwrap();
        let opts = Options { flush_every: Duration::from_millis(50), ..Options::default() };
        let (r, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts);
        let mut sub = r.subscribe();
        for i in 0..3 {
            r.record(rec(i, T0 + i));
        }
        assert_eq!(wait_for_count(&store, 3).await, 3);
        for i in 0..3 {
            let got = tokio::time::timeout(Duration::from_secs(5), sub.recv()).await.unwrap().unwrap();
            assert_eq!(got.id, format!("req_{i}"));
        }
        task.shutdown().await;
    }

    #[tokio::test]
    async fn a_full_queue_counts_drops_instead_of_blocking() {
        let store = Store::temporary().unwrap();
        let opts = Options { capacity: 4, ..Options::default() };
        let (r, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts);
        // A current-thread runtime: the writer cannot run until we yield, so the queue fills.
        for i in 0..10 {
            r.record(rec(i, T0 + i));
        }
        assert_eq!(r.dropped(), 6);
        task.shutdown().await;
        assert_eq!(store.count(Tree::Requests).unwrap(), 4);
        r.record(rec(99, T0));
        assert_eq!(r.dropped(), 7, "a record after shutdown is counted, not lost silently");

        let off = Recorder::disabled();
        off.record(rec(1, T0));
        assert!(!off.enabled());
        assert_eq!(off.dropped(), 0);
        assert_eq!(QUEUE_CAPACITY, 16_384);
    }

    #[tokio::test]
    async fn start_prunes_by_retention() {
        let store = Store::temporary().unwrap();
        let now = now_ms();
        append(&store, &[rec(1, now - 10 * DAY_MS), rec(2, now - 60_000)]).unwrap();
        let (_r, task) = Recorder::start(store.clone(), &cfg(7, 0));
        task.shutdown().await;
        let left = since(&store, 0, 10).unwrap();
        assert_eq!(left.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["req_2"]);
    }

    #[test]
    fn keys_sort_by_time_and_never_collide() {
        let a = record_key(T0);
        let b = record_key(T0);
        let c = record_key(T0 + 1);
        assert_ne!(a, b);
        assert!(a < c && b < c);
        assert_eq!(key_time(&a), Some(T0));
        assert!(record_key(T0 - 1) < a, "time dominates the sequence");
    }

    /// Six records, one second apart, newest last.
    fn sample(store: &Store) -> Vec<RequestRecord> {
        let mut v = Vec::new();
        for (i, (ch, name, model, status)) in [
            ("ch_aaa", "claude-main", "claude-sonnet-4-5", 200),
            ("ch_bbb", "backup", "gpt-4o", 200),
            ("ch_aaa", "claude-main", "claude-haiku-4-5", 529),
            ("ch_bbb", "backup", "gpt-4o-mini", 429),
            ("ch_aaa", "claude-main", "claude-opus-4-1", 200),
            ("ch_bbb", "backup", "gpt-4.1", 502),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = rec(i as u64, T0 + i as u64 * 1000);
            r.channel_id = Some(ch.into());
            r.channel_name = Some(name.into());
            r.model = model.into();
            r.upstream_model = Some(format!("{model}-2025"));
            r.status = status;
            r.success = status < 400;
            v.push(r);
        }
        append(store, &v).unwrap();
        v
    }

    fn ids(v: &[RequestRecord]) -> Vec<&str> {
        v.iter().map(|r| r.id.as_str()).collect()
    }

    fn q(f: impl FnOnce(&mut RequestQuery)) -> RequestQuery {
        let mut q = RequestQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn query_filters_each_parameter() {
        let s = Store::temporary().unwrap();
        let all = sample(&s);
        let now = T0 + 5000;
        let run = |query: RequestQuery| ids(&query_at(&s, &query, now).unwrap()).join(",");
        assert_eq!(run(q(|_| {})), "req_5,req_4,req_3,req_2,req_1,req_0", "newest first");
        assert_eq!(query_at(&s, &q(|_| {}), now).unwrap()[5], all[0], "full records come back");
        // channel by name (any case) and by id
        assert_eq!(run(q(|q| q.channel = Some("BACKUP".into()))), "req_5,req_3,req_1");
        assert_eq!(run(q(|q| q.channel = Some("ch_aaa".into()))), "req_4,req_2,req_0");
        assert_eq!(run(q(|q| q.channel = Some("nope".into()))), "");
        // model glob, against the requested or the upstream model
        assert_eq!(run(q(|q| q.model = Some("claude-*".into()))), "req_4,req_2,req_0");
        assert_eq!(run(q(|q| q.model = Some("gpt-4o*".into()))), "req_3,req_1");
        assert_eq!(run(q(|q| q.model = Some("gpt-4o".into()))), "req_1", "no star: exact");
        assert_eq!(run(q(|q| q.model = Some("*-mini-2025".into()))), "req_3", "upstream model");
        // status: code, classes, success, error
        assert_eq!(run(q(|q| q.status = Some("200".into()))), "req_4,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("5xx".into()))), "req_5,req_2");
        assert_eq!(run(q(|q| q.status = Some("4XX".into()))), "req_3");
        assert_eq!(run(q(|q| q.status = Some("success".into()))), "req_4,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("error".into()))), "req_5,req_3,req_2");
        // since / until: unix ms, RFC 3339, relative (counted from `now`)
        assert_eq!(run(q(|q| q.since = Some((T0 + 3000).to_string()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.until = Some((T0 + 1000).to_string()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("2025-06-15T15:06:44Z".into()))), "req_5,req_4");
        assert_eq!(run(q(|q| q.until = Some("2025-06-15T17:06:41+02:00".into()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("2s".into()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.until = Some("4s".into()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("1m".into()))), "req_5,req_4,req_3,req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.until = Some("1h".into()))), "");
        assert_eq!(run(q(|q| q.until = Some("2d".into()))), "");
        assert_eq!(
            run(q(|q| {
                q.since = Some((T0 + 1000).to_string());
                q.until = Some((T0 + 4000).to_string());
                q.channel = Some("backup".into());
            })),
            "req_3,req_1"
        );
        // limit and offset, applied after the filters
        assert_eq!(run(q(|q| q.limit = Some(2))), "req_5,req_4");
        assert_eq!(
            run(q(|q| {
                q.limit = Some(2);
                q.offset = Some(3);
            })),
            "req_2,req_1"
        );
        assert_eq!(
            run(q(|q| {
                q.offset = Some(1);
                q.status = Some("error".into());
            })),
            "req_3,req_2"
        );
    }

    #[test]
    fn query_limit_defaults_to_50_and_caps_at_1000() {
        let s = Store::temporary().unwrap();
        let v: Vec<RequestRecord> = (0..1100).map(|i| rec(i, T0 + i)).collect();
        append(&s, &v).unwrap();
        assert_eq!(query(&s, &RequestQuery::default()).unwrap().len(), 50);
        assert_eq!(query(&s, &q(|q| q.limit = Some(5000))).unwrap().len(), 1000);
    }

    #[test]
    fn bad_query_parameters_name_the_parameter_and_the_forms() {
        let s = Store::temporary().unwrap();
        for (bad, field, hint) in [
            (q(|q| q.status = Some("abc".into())), "`status`", "5xx"),
            (q(|q| q.status = Some("700".into())), "`status`", "success or error"),
            (q(|q| q.status = Some("6xx".into())), "`status`", "4xx"),
            (q(|q| q.since = Some("yesterday".into())), "`since`", "RFC 3339"),
            (q(|q| q.until = Some("12x".into())), "`until`", "15m"),
            (q(|q| q.since = Some("2025-13-01T00:00:00Z".into())), "`since`", "unix milliseconds"),
            (
                q(|q| {
                    q.since = Some("2000".into());
                    q.until = Some("1000".into());
                }),
                "`since`",
                "after `until`",
            ),
        ] {
            let err = query(&s, &bad).unwrap_err();
            assert!(matches!(err, Error::Invalid { .. }), "{err}");
            let msg = err.to_string();
            assert!(msg.contains(field) && msg.contains(hint), "{msg}");
        }
    }

    #[test]
    fn since_returns_newer_records_oldest_first() {
        let s = Store::temporary().unwrap();
        sample(&s);
        assert_eq!(ids(&since(&s, T0 + 2000, 100).unwrap()), ["req_3", "req_4", "req_5"]);
        assert_eq!(ids(&since(&s, T0 + 2000, 2).unwrap()), ["req_3", "req_4"], "the oldest ones");
        assert!(since(&s, T0 + 5000, 10).unwrap().is_empty());
    }

    #[test]
    fn prune_by_rows_and_by_days() {
        let s = Store::temporary().unwrap();
        let now = T0 + 30 * DAY_MS;
        let v: Vec<RequestRecord> = (0..10).map(|i| rec(i, now - (9 - i) * DAY_MS)).collect(); // 9 … 0 days old
        append(&s, &v).unwrap();
        assert_eq!(prune(&s, 0, 0, now).unwrap(), 0, "no bounds, nothing pruned");
        assert_eq!(prune(&s, 0, 8, now).unwrap(), 2);
        assert_eq!(ids(&since(&s, 0, 100).unwrap())[0], "req_2", "the oldest go first");
        assert_eq!(prune(&s, 5, 0, now).unwrap(), 2, "7 and 6 days old; 5 days is kept");
        assert_eq!(ids(&since(&s, 0, 100).unwrap()), ["req_4", "req_5", "req_6", "req_7", "req_8", "req_9"]);
        assert_eq!(prune(&s, 3, 2, now).unwrap(), 4);
        assert_eq!(s.count(Tree::Requests).unwrap(), 2);
    }

    #[test]
    fn analytics_percentiles_channels_and_timelines() {
        let s = Store::temporary().unwrap();
        let now = T0 / HOUR_MS * HOUR_MS + 36 * MINUTE_MS + 30_000; // 36.5 minutes into an hour
        let mut v = Vec::new();
        // 100 requests over the last 100 s with latencies 1..=100; every 4th on "backup" fails.
        for i in 1..=100u64 {
            let mut r = rec(i, now - i * 1000);
            r.latency_ms = i;
            r.ttfb_ms = Some(i / 2);
            r.tokens = Tokens { input: 1, output: 2, cache_read: 3, cache_write: 4, reasoning: 1 };
            r.cost_usd = Some(0.5);
            if i.is_multiple_of(4) {
                r.channel_id = Some("ch_bbb".into());
                r.channel_name = Some("backup".into());
                r.success = false;
                r.status = 502;
            }
            v.push(r);
        }
        // Two hours ago (hour timeline only), and 25 h ago (outside the window).
        let mut two_h = rec(200, now - 2 * HOUR_MS);
        two_h.latency_ms = 1000;
        v.push(two_h);
        v.push(rec(201, now - 25 * HOUR_MS));
        // No channel reached.
        let mut none = rec(202, now - 3 * HOUR_MS);
        none.channel_id = None;
        none.channel_name = None;
        none.success = false;
        v.push(none);
        append(&s, &v).unwrap();

        let a = analytics(&s, now).unwrap();
        assert_eq!(a.totals.requests, 102);
        assert_eq!(a.totals.failures, 26);
        assert_eq!(a.totals.successes, 76);
        assert!((a.totals.success_rate - 76.0 / 102.0).abs() < 1e-9);
        let mut lat: Vec<u64> = (1..=100).collect();
        lat.extend([1000, 100 + 202]);
        assert_eq!((a.latency_ms.p50, a.latency_ms.p95, a.latency_ms.p99), (51, 97, 302));
        assert!((a.latency_ms.avg - lat.iter().sum::<u64>() as f64 / 102.0).abs() < 1e-9);
        assert_eq!(a.ttfb_ms.p50, 25);
        assert_eq!(a.tokens.output, 2 * 100 + 5 * 2);
        assert!((a.cost_usd - (50.0 + 0.5)).abs() < 1e-9);

        assert_eq!(a.per_channel.len(), 3);
        let main = &a.per_channel[0];
        assert_eq!((main.channel_id.as_str(), main.channel_name.as_str()), ("ch_aaa", "claude-main"));
        assert_eq!((main.requests, main.successes, main.failures), (76, 76, 0));
        let backup = &a.per_channel[1];
        assert_eq!((backup.channel_name.as_str(), backup.requests, backup.failures), ("backup", 25, 25));
        assert!((backup.avg_latency_ms - 52.0).abs() < 1e-9, "mean of 4, 8, …, 100");
        assert_eq!(backup.tokens.cache_write, 100);
        assert_eq!((a.per_channel[2].channel_id.as_str(), a.per_channel[2].channel_name.as_str()), ("", "(none)"));

        // Minute timeline: 60 aligned buckets, the last holding `now`.
        assert_eq!(a.timeline_minute.len(), 60);
        let last = a.timeline_minute.last().unwrap();
        assert_eq!(last.start_ms, now / MINUTE_MS * MINUTE_MS);
        assert!(a.timeline_minute.windows(2).all(|w| w[1].start_ms - w[0].start_ms == MINUTE_MS));
        // now-1 s … now-30 s fall in the current minute, -31…-90 in the one before, -91…-100 before that.
        assert_eq!(last.requests, 30);
        assert_eq!(a.timeline_minute[58].requests, 60);
        assert_eq!(a.timeline_minute[57].requests, 10);
        assert_eq!(a.timeline_minute[57].failures, 3, "92, 96, 100");
        assert!((a.timeline_minute[57].avg_latency_ms - 95.5).abs() < 1e-9);
        assert!(a.timeline_minute[..57]
            .iter()
            .all(|b| *b == TimeBucket { start_ms: b.start_ms, ..Default::default() }));
        assert_eq!(a.timeline_minute.iter().map(|b| b.requests).sum::<u64>(), 100);
        // Hour timeline: 24 buckets; the 2 h and 3 h old requests land two and three back.
        assert_eq!(a.timeline_hour.len(), 24);
        assert_eq!(a.timeline_hour[23].start_ms, now / HOUR_MS * HOUR_MS);
        assert_eq!(a.timeline_hour[23].requests, 100);
        assert_eq!((a.timeline_hour[21].requests, a.timeline_hour[21].avg_latency_ms), (1, 1000.0));
        assert_eq!((a.timeline_hour[20].requests, a.timeline_hour[20].failures), (1, 1));
        assert_eq!(a.timeline_hour.iter().filter(|b| b.requests == 0).count(), 21);

        let empty = analytics(&Store::temporary().unwrap(), now).unwrap();
        assert_eq!(empty.totals, Totals::default());
        assert_eq!((empty.timeline_minute.len(), empty.timeline_hour.len()), (60, 24));
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let p = Percentiles::of((1..=100).rev().collect());
        assert_eq!((p.p50, p.p95, p.p99), (50, 95, 99));
        assert!((p.avg - 50.5).abs() < 1e-9);
        assert_eq!(Percentiles::of(vec![7]).p99, 7);
    }

    #[test]
    fn cost_estimates_use_the_table_and_overrides() {
        let none = BTreeMap::new();
        let mtok = |input, output| Tokens { input, output, ..Default::default() };
        let sonnet = estimate_cost("claude-sonnet-4-5-20250929", &mtok(1_000_000, 1_000_000), &none).unwrap();
        assert!((sonnet - 18.0).abs() < 1e-9, "{sonnet}");
        let cached = Tokens { cache_read: 1_000_000, cache_write: 1_000_000, ..Default::default() };
        let c = estimate_cost("anthropic/claude-sonnet-4", &cached, &none).unwrap();
        assert!((c - (0.3 + 3.75)).abs() < 1e-9, "{c}");
        let mini = estimate_cost("gpt-4o-mini-2024-07-18", &mtok(1_000_000, 0), &none).unwrap();
        assert!((mini - 0.15).abs() < 1e-9, "the longer pattern wins: {mini}");
        let opus45 = estimate_cost("claude-opus-4-5-20251101", &mtok(0, 1_000_000), &none).unwrap();
        assert!((opus45 - 25.0).abs() < 1e-9, "{opus45}");
        assert!(estimate_cost("us.anthropic.claude-3-5-haiku-20241022-v1:0", &mtok(1, 1), &none).is_some());
        assert_eq!(estimate_cost("llama-3-70b", &mtok(1, 1), &none), None);

        let mut o = BTreeMap::new();
        o.insert("claude-sonnet-*".to_string(), price(1.0, 2.0, 0.0, 0.0));
        o.insert("llama".to_string(), price(0.5, 0.5, 0.0, 0.0));
        let over = estimate_cost("claude-sonnet-4-5", &mtok(1_000_000, 1_000_000), &o).unwrap();
        assert!((over - 3.0).abs() < 1e-9, "{over}");
        let llama = estimate_cost("llama-3-70b", &mtok(2_000_000, 0), &o).unwrap();
        assert!((llama - 1.0).abs() < 1e-9, "{llama}");
        let p: Price = serde_json::from_str(r#"{"input":1,"output":2,"cache_read":0.1,"cache_write":1.25}"#).unwrap();
        assert_eq!(p, price(1.0, 2.0, 0.1, 1.25));
    }

    #[test]
    fn glob_matches_whole_names() {
        assert!(glob_match("claude-*", "Claude-Sonnet-4"));
        assert!(glob_match("*sonnet*", "claude-sonnet-4"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(!glob_match("gpt-4o", "gpt-4o-mini"));
    }

    #[test]
    fn capture_truncates_on_a_character_boundary() {
        assert_eq!(capture(b"{\"a\":1}", 1), "{\"a\":1}");
        // 1023 ASCII bytes then "é" (2 bytes) straddling the 1024-byte limit.
        let mut body = "x".repeat(1023).into_bytes();
        body.extend_from_slice("é".as_bytes());
        body.extend_from_slice(b"tail");
        let got = capture(&body, 1);
        assert_eq!(got, format!("{}…[truncated 6 bytes]", "x".repeat(1023)));
        // A 4-byte character cut in its last byte.
        let mut body = "y".repeat(1021).into_bytes();
        body.extend_from_slice("😀".as_bytes());
        body.push(b'z');
        assert_eq!(capture(&body, 1), format!("{}…[truncated 5 bytes]", "y".repeat(1021)));
        assert_eq!(capture(b"abc", 0), "…[truncated 3 bytes]");
    }
}
