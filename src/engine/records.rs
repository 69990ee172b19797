//! The request log (SPEC §7): one [`RequestRecord`] per client request, failures included.
//!
//! The proxy's hot path only calls [`Recorder::record`], which never blocks and never
//! touches the store: records go through a bounded queue to a background writer that
//! appends them to `Tree::Requests` in batches (500 records or 1 s, whichever first) and
//! prunes by retention (days and rows). The admin API and `routex logs` read with
//! [`query`], [`since`] and [`tail`], `/api/analytics` with [`analytics`].
//!
//! The store packs each batch into LZ4-compressed segments of up to 64 records, one sled
//! key each ([`crate::store::segment`]); a key's high-water mark bounds the arrival time of every
//! record in it and in the segments before it, and keys sort in write order. So scans walk
//! newest-first and stop as soon as they have passed the time window they need, [`query`]
//! merges records back into arrival order, and [`tail`] follows the write order. This
//! module must not hold anything across the proxy's request path but the queue.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, oneshot, Notify};

use super::config::LoggingConfig;
use super::Error;
use crate::protocol::Usage;
use crate::store::{Segment, SegmentKey, Store};

mod codec;

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
    pub tokens: Usage,
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
// Storage

/// Encode ([`codec`]) and append records in one batch (the store packs them into
/// segments: one write and one fdatasync). Used by the writer; tests and imports may call
/// it directly.
pub fn append(store: &Store, records: &[RequestRecord]) -> Result<(), Error> {
    let mut buf = Vec::with_capacity(records.len() * 320);
    let mut spans = Vec::with_capacity(records.len());
    for r in records {
        let start = buf.len();
        codec::encode(r, &mut buf);
        spans.push((r.time_ms, start..buf.len()));
    }
    let entries: Vec<(u64, &[u8])> = spans.iter().map(|(t, span)| (*t, &buf[span.clone()])).collect();
    store.append_records(&entries)?;
    Ok(())
}

/// Number of records in the log.
pub fn count(store: &Store) -> Result<usize, Error> {
    Ok(store.count_records()?)
}

fn decode(seg: &Segment, i: usize) -> Option<RequestRecord> {
    let bytes = seg.bytes(i);
    let r = if is_json(bytes) {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    } else {
        codec::decode(bytes).map_err(|e| e.to_string())
    };
    r.map_err(|e| unreadable(seg, i, &e)).ok()
}

/// Records written before the compact encoding are JSON objects.
fn is_json(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'{')
}

fn unreadable(seg: &Segment, i: usize, e: &dyn std::fmt::Display) {
    log::warn!("request log: skipping unreadable record {i} of segment {:?}: {e}", seg.key());
}

/// A record found by a scan: its arrival time, its place in write order (`rank`, higher is
/// written later) and where its bytes are.
struct Found {
    time: u64,
    rank: u64,
    seg: Rc<Segment>,
    index: usize,
}

impl Found {
    fn decode(&self) -> Option<RequestRecord> {
        decode(&self.seg, self.index)
    }
}

impl PartialEq for Found {
    fn eq(&self, o: &Self) -> bool {
        (self.time, self.rank) == (o.time, o.rank)
    }
}
impl Eq for Found {}
impl PartialOrd for Found {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Found {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.time, self.rank).cmp(&(o.time, o.rank))
    }
}

use crate::util::time::now_ms;

// ---------------------------------------------------------------------------------------
// Recorder and writer

/// Handle used on the hot path: never blocks, never touches the store. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    queue: Option<Arc<Queue>>,
    dropped: Arc<AtomicU64>,
    events: broadcast::Sender<Arc<RequestRecord>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("enabled", &self.queue.is_some()).field("dropped", &self.dropped()).finish()
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
        let queue = Arc::new(Queue {
            state: std::sync::Mutex::new(Queued { records: Vec::new(), closed: false }),
            batch_ready: Notify::new(),
            capacity: opts.capacity,
            batch_max: opts.batch_max,
        });
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
        let handle = tokio::spawn(writer.run(queue.clone(), stop_rx));
        (Recorder { queue: Some(queue), dropped, events }, RecorderTask { stop, handle })
    }

    /// A recorder that records nothing (`logging.requests: false`).
    pub fn disabled() -> Recorder {
        Recorder { queue: None, dropped: Arc::new(AtomicU64::new(0)), events: broadcast::channel(1).0 }
    }

    /// Whether records go anywhere.
    pub fn enabled(&self) -> bool {
        self.queue.is_some()
    }

    /// Queue a record for the writer. Never waits: when the queue is full (or the writer
    /// has shut down) the record is counted in [`Recorder::dropped`] instead. Wakes the
    /// writer only when a whole batch is waiting, not per record: the writer runs on
    /// another thread, and a wake-up per request cost ~10 % of the proxy's throughput.
    pub fn record(&self, r: RequestRecord) {
        let Some(q) = &self.queue else { return };
        let mut st = q.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.closed || st.records.len() >= q.capacity {
            drop(st);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        st.records.push(r);
        let whole_batch = st.records.len().is_multiple_of(q.batch_max);
        drop(st);
        if whole_batch {
            q.batch_ready.notify_one();
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

/// Records waiting for the writer, shared by every [`Recorder`] clone and the writer.
struct Queue {
    state: std::sync::Mutex<Queued>,
    /// Notified when the queue holds a whole number of batches.
    batch_ready: Notify,
    capacity: usize,
    batch_max: usize,
}

struct Queued {
    records: Vec<RequestRecord>,
    /// The writer has taken its last records: later ones are counted as dropped.
    closed: bool,
}

impl Queue {
    /// Takes the queued records: only whole batches, or all of them. Closing makes this
    /// the last take.
    fn take(&self, whole_batches_only: bool, close: bool) -> Vec<RequestRecord> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.closed |= close;
        let n = st.records.len();
        if !whole_batches_only || n.is_multiple_of(self.batch_max) {
            return std::mem::take(&mut st.records);
        }
        st.records.drain(..n - n % self.batch_max).collect()
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
    async fn run(self, queue: Arc<Queue>, mut stop: oneshot::Receiver<()>) {
        // Pruning runs beside the writes: awaited here, it stopped every batch for as long
        // as it read and rewrote the log (~0.35 s for 1.5 million records, longer under
        // load) while records queued up. One prune at a time.
        let mut pruning = self.prune();
        let mut reported = 0;
        let start = tokio::time::Instant::now();
        let mut flush_tick = tokio::time::interval_at(start + self.opts.flush_every, self.opts.flush_every);
        flush_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut prune_tick = tokio::time::interval_at(start + self.opts.prune_every, self.opts.prune_every);
        prune_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // Timers first, so a steady stream of full batches cannot starve the flush.
                biased;
                // Err too: a dropped RecorderTask also means "drain and stop".
                _ = &mut stop => break,
                _ = flush_tick.tick() => {
                    self.write(queue.take(false, false)).await;
                    reported = self.report_dropped(reported, queue.capacity);
                }
                _ = prune_tick.tick() => {
                    if pruning.as_ref().is_none_or(|p| p.is_finished()) {
                        if let Some(done) = pruning.take() {
                            reap(done).await;
                        }
                        pruning = self.prune();
                    }
                }
                _ = queue.batch_ready.notified() => self.write(queue.take(true, false)).await,
            }
            if Arc::strong_count(&queue) == 1 {
                // Every Recorder is gone: nothing more can arrive.
                break;
            }
        }
        // Refuse new records, then write what was accepted before; let a prune finish.
        self.write(queue.take(false, true)).await;
        self.report_dropped(reported, queue.capacity);
        if let Some(p) = pruning {
            reap(p).await;
        }
    }

    /// Write records in batches of at most `batch_max` on a blocking thread.
    async fn write(&self, records: Vec<RequestRecord>) {
        if records.is_empty() {
            return;
        }
        let store = self.store.clone();
        let batch_max = self.opts.batch_max;
        let n = records.len();
        let joined = tokio::task::spawn_blocking(move || {
            let results: Vec<Result<(), Error>> = records.chunks(batch_max).map(|b| append(&store, b)).collect();
            (results, records)
        })
        .await;
        let (results, records) = match joined {
            Ok(r) => r,
            Err(e) => {
                log::error!("request log: the writer thread failed writing {n} records: {e}");
                self.dropped.fetch_add(n as u64, Ordering::Relaxed);
                return;
            }
        };
        let subscribed = self.events.receiver_count() > 0;
        let mut rest = records.into_iter();
        for result in results {
            let batch = rest.by_ref().take(batch_max);
            match result {
                Ok(()) if subscribed => batch.for_each(|r| {
                    let _ = self.events.send(Arc::new(r));
                }),
                Ok(()) => batch.for_each(drop),
                Err(e) => {
                    let lost = batch.count();
                    log::error!("request log: could not write {lost} records: {e}");
                    self.dropped.fetch_add(lost as u64, Ordering::Relaxed);
                }
            }
        }
    }

    /// Say in the log how many records were lost since the last report (`reported`: the
    /// count then); returns the count now. Checked once a flush, so a full queue under
    /// load writes one line a second, not one per request.
    fn report_dropped(&self, reported: u64, capacity: usize) -> u64 {
        let now = self.dropped.load(Ordering::Relaxed);
        if now > reported {
            log::warn!(
                "request log: {} records not recorded ({now} since start): the queue of {capacity} was full or the store \
                 refused them; the requests themselves were served. A slow disk (fdatasync) is the usual cause",
                now - reported
            );
        }
        now
    }

    /// Prune by retention on a blocking thread, which reports what it did; None when
    /// retention is off.
    fn prune(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.retention_days == 0 && self.max_rows == 0 {
            return None;
        }
        let (store, days, rows) = (self.store.clone(), self.retention_days, self.max_rows);
        Some(tokio::task::spawn_blocking(move || match prune(&store, days, rows, now_ms()) {
            Ok(0) => {}
            Ok(n) => log::info!("request log: pruned {n} records (retention {days} days, {rows} rows)"),
            Err(e) => log::error!("request log: pruning failed: {e}"),
        }))
    }
}

/// Wait for a prune's thread; a panic in it is logged, not lost with the handle.
async fn reap(prune: tokio::task::JoinHandle<()>) {
    if let Err(e) = prune.await {
        log::error!("request log: the pruning thread failed: {e}");
    }
}

/// Delete records older than `days` and beyond the newest `max_rows` (0 disables either
/// bound); returns how many were deleted. Both bounds are exact: a segment holding some
/// records to delete is rewritten without them, one holding only such records is removed.
/// "Newest" is write order: segments by key, records within a segment by arrival time, so
/// a long request written late counts as newer than requests written before it. Only the
/// writer prunes; two prunes must not run at once. Appends may run meanwhile: the segments
/// they add are newer than what this prune looked at, and are left for the next one.
pub fn prune(store: &Store, days: u64, max_rows: u64, now_ms: u64) -> Result<usize, Error> {
    const CHUNK: usize = 1_000;
    if days == 0 && max_rows == 0 {
        return Ok(0);
    }
    let cutoff = if days == 0 { 0 } else { now_ms.saturating_sub(days.saturating_mul(DAY_MS)) };
    let mut room = if max_rows == 0 { u64::MAX } else { max_rows };
    let mut edits: Vec<(SegmentKey, Option<Vec<u8>>)> = Vec::new();
    let mut removed = 0;
    for seg in store.segments_rev()? {
        let seg = seg?;
        // Newest records of the segment first, those recent enough, as many as there is room for.
        let keep: Vec<usize> = (0..seg.len())
            .rev()
            .filter(|i| seg.time(*i) >= cutoff)
            .take(usize::try_from(room).unwrap_or(usize::MAX))
            .collect();
        room -= keep.len() as u64;
        if keep.len() == seg.len() {
            continue;
        }
        removed += seg.len() - keep.len();
        let value = (!keep.is_empty()).then(|| seg.encode_retained(|i| keep.contains(&i)));
        edits.push((seg.key(), value));
        if edits.len() >= CHUNK {
            store.edit_segments(&edits)?;
            edits.clear();
        }
    }
    if !edits.is_empty() {
        store.edit_segments(&edits)?;
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

impl<'a> Peek<'a> {
    fn read(bytes: &'a [u8]) -> Result<Peek<'a>, String> {
        read_part(bytes, |v| Peek {
            channel_id: v.channel_id.map(Cow::Borrowed),
            channel_name: v.channel_name.map(Cow::Borrowed),
            model: Cow::Borrowed(v.model),
            upstream_model: v.upstream_model.map(Cow::Borrowed),
            status: v.status,
            success: v.success,
        })
    }
}

/// A part of a stored record: through serde from a JSON record of an earlier version,
/// else made by `from_view` from the compact encoding's fixed fields.
fn read_part<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    from_view: impl FnOnce(codec::View<'a>) -> T,
) -> Result<T, String> {
    if is_json(bytes) {
        return serde_json::from_slice(bytes).map_err(|e| e.to_string());
    }
    codec::view(bytes).map(from_view).map_err(|e| e.to_string())
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

/// Records matching `q`, newest first: by arrival time, and among records that arrived in
/// the same millisecond the one written later first. A bad `status`, `since` or `until` is
/// an [`Error::Invalid`] naming the parameter and the accepted forms.
pub fn query(store: &Store, q: &RequestQuery) -> Result<Vec<RequestRecord>, Error> {
    query_at(store, q, now_ms())
}

/// [`query`] with relative times (`15m`) counted back from `now_ms`.
///
/// Segments are read newest key first. A key's high-water mark bounds the arrival time of
/// every record not read yet, so matching records wait in a heap only until the scan has
/// passed their time, then come out in order; the scan stops once `offset + limit` records
/// came out or it passed `since`. A record of a long request, stored in a segment written
/// after newer arrivals, is merged into its place by arrival time.
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
    let (since, until) = (since.unwrap_or(0), until.unwrap_or(u64::MAX));
    let mut waiting: BinaryHeap<Found> = BinaryHeap::new();
    let mut skipped = 0;
    // Move what no unread record can precede (arrived at or after `bound`) to `out`;
    // true once `out` is full.
    let mut release = |waiting: &mut BinaryHeap<Found>, bound: u64, out: &mut Vec<RequestRecord>| {
        while waiting.peek().is_some_and(|f| f.time >= bound) {
            let f = waiting.pop().expect("peeked");
            if skipped < offset {
                skipped += 1;
            } else if let Some(r) = f.decode() {
                out.push(r);
                if out.len() >= limit {
                    return true;
                }
            }
        }
        false
    };
    let mut rank = u64::MAX;
    for seg in store.segments_rev()? {
        let seg = seg?;
        let high = seg.key().high;
        if release(&mut waiting, high, &mut out) || high < since {
            return Ok(out);
        }
        if seg.min_ms() > until || seg.max_ms() < since {
            continue;
        }
        let seg = Rc::new(seg);
        for i in (0..seg.len()).rev() {
            rank -= 1;
            let t = seg.time(i);
            if t > until || t < since {
                continue;
            }
            if !filters.is_empty() {
                match Peek::read(seg.bytes(i)) {
                    Ok(p) if filters.matches(&p) => {}
                    Ok(_) => continue,
                    Err(e) => {
                        unreadable(&seg, i, &e);
                        continue;
                    }
                }
            }
            waiting.push(Found { time: t, rank, seg: seg.clone(), index: i });
        }
    }
    release(&mut waiting, 0, &mut out);
    Ok(out)
}

/// Records that arrived after `after_ms` (exclusive), oldest first (by arrival time, then
/// write order), at most `limit` (the oldest ones). Reads the segments whose high-water mark
/// is past `after_ms`, the only ones that can hold such records. A follower that must not
/// miss a long request stored after newer ones should use [`tail`].
pub fn since(store: &Store, after_ms: u64, limit: usize) -> Result<Vec<RequestRecord>, Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // The `limit` oldest so far; the heap's top is the newest of them.
    let mut oldest: BinaryHeap<Found> = BinaryHeap::new();
    let mut rank = 0;
    for seg in store.segments_after(Some(SegmentKey { high: after_ms, seq: u64::MAX }))? {
        let seg = seg?;
        if oldest.len() >= limit && oldest.peek().is_some_and(|f| f.time < seg.min_ms()) {
            continue;
        }
        let seg = Rc::new(seg);
        for i in 0..seg.len() {
            rank += 1;
            let time = seg.time(i);
            if time > after_ms {
                oldest.push(Found { time, rank, seg: seg.clone(), index: i });
                if oldest.len() > limit {
                    oldest.pop();
                }
            }
        }
    }
    Ok(oldest.into_sorted_vec().iter().filter_map(Found::decode).collect())
}

/// A position in the request log's write order, for [`tail`]: `0` (before every record)
/// or `<high>.<seq>`, the key of the last segment read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(Option<SegmentKey>);

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => write!(f, "0"),
            Some(k) => write!(f, "{}.{}", k.high, k.seq),
        }
    }
}

impl std::str::FromStr for Cursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Cursor, Error> {
        let bad = || invalid("cursor", format!("must be 0 or a cursor returned by the last call (got {s:?})"));
        if s.trim() == "0" {
            return Ok(Cursor(None));
        }
        let (high, seq) = s.trim().split_once('.').ok_or_else(bad)?;
        Ok(Cursor(Some(SegmentKey { high: high.parse().map_err(|_| bad())?, seq: seq.parse().map_err(|_| bad())? })))
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cursor, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What [`tail`] returns: records in write order and where to continue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tail {
    /// Records written after the cursor, in write order.
    pub records: Vec<RequestRecord>,
    /// Pass it to the next call.
    pub cursor: Cursor,
}

/// Records written after `cursor`, in write order (segment by segment; within a segment by
/// arrival time): whole segments until at least `limit` records (all of the first segment
/// even when it holds more). Without a cursor, no records and the cursor of the current
/// end of the log. Unlike [`since`], a long request written after newer arrivals comes
/// back once it is written, so `routex logs --follow` never misses it. Pruning may rewrite
/// the segment a cursor names; a follower then misses nothing newer.
pub fn tail(store: &Store, cursor: Option<Cursor>, limit: usize) -> Result<Tail, Error> {
    let Some(cursor) = cursor else {
        return Ok(Tail { records: Vec::new(), cursor: Cursor(store.last_segment_key()?) });
    };
    let mut records = Vec::new();
    let mut at = cursor.0;
    for seg in store.segments_after(cursor.0)? {
        if records.len() >= limit.max(1) {
            break;
        }
        let seg = seg?;
        at = Some(seg.key());
        records.extend((0..seg.len()).filter_map(|i| decode(&seg, i)));
    }
    Ok(Tail { records, cursor: Cursor(at) })
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
    /// Usage summed.
    pub tokens: Usage,
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
    /// Usage summed.
    pub tokens: Usage,
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
    tokens: Usage,
    #[serde(default)]
    cost_usd: Option<f64>,
}

impl<'a> Stat<'a> {
    fn read(bytes: &'a [u8]) -> Result<Stat<'a>, String> {
        read_part(bytes, |v| Stat {
            channel_id: v.channel_id.map(Cow::Borrowed),
            channel_name: v.channel_name.map(Cow::Borrowed),
            success: v.success,
            latency_ms: v.latency_ms,
            ttfb_ms: v.ttfb_ms,
            tokens: v.tokens,
            cost_usd: v.cost_usd,
        })
    }
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

/// Aggregate the 24 hours up to `now_ms`. Scans segments newest key first and stops at
/// the first whose high-water mark is before the window.
pub fn analytics(store: &Store, now_ms: u64) -> Result<Analytics, Error> {
    let from = now_ms.saturating_sub(DAY_MS);
    let mut totals = Totals::default();
    let mut latencies = Vec::new();
    let mut ttfbs = Vec::new();
    let mut tokens = Usage::default();
    let mut cost = 0.0;
    // Per channel id: usage, latency sum, arrival time of the record its name comes from.
    let mut channels: HashMap<String, (ChannelUsage, u64, u64)> = HashMap::new();
    let mut minutes = Timeline::new(now_ms, MINUTE_MS, 60);
    let mut hours = Timeline::new(now_ms, HOUR_MS, 24);
    for seg in store.segments_rev()? {
        let seg = seg?;
        if seg.key().high <= from {
            break;
        }
        if seg.max_ms() <= from || seg.min_ms() > now_ms {
            continue;
        }
        for (i, (t, bytes)) in seg.entries().enumerate().rev() {
            if t > now_ms || t <= from {
                continue;
            }
            let s = match Stat::read(bytes) {
                Ok(s) => s,
                Err(e) => {
                    unreadable(&seg, i, &e);
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
            let id = s.channel_id.as_deref().unwrap_or("");
            let name = || s.channel_name.as_deref().unwrap_or(if id.is_empty() { "(none)" } else { id }).to_string();
            if !channels.contains_key(id) {
                let usage = ChannelUsage { channel_id: id.to_string(), channel_name: name(), ..Default::default() };
                channels.insert(id.to_string(), (usage, 0, t));
            }
            let (c, sum, named_at) = channels.get_mut(id).expect("inserted");
            // The name of the channel's latest request is its current one.
            if t > *named_at {
                c.channel_name = name();
                *named_at = t;
            }
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
    }
    if totals.requests > 0 {
        totals.success_rate = totals.successes as f64 / totals.requests as f64;
    }
    let mut per_channel: Vec<ChannelUsage> = channels
        .into_values()
        .map(|(mut c, sum, _)| {
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
pub fn estimate_cost(model: &str, t: &Usage, overrides: &BTreeMap<String, Price>) -> Option<f64> {
    price_of(model, overrides).map(|p| cost_at(&p, t))
}

/// The cost in USD of `t` at price `p`.
pub fn cost_at(p: &Price, t: &Usage) -> f64 {
    let micro = t.input as f64 * p.input
        + t.output as f64 * p.output
        + t.cache_read as f64 * p.cache_read
        + t.cache_write as f64 * p.cache_write;
    micro / 1_000_000.0
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
            tokens: Usage { input: 10, output: 5, ..Default::default() },
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
            let c = count(store).unwrap();
            if c >= n {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        count(store).unwrap()
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
        assert_eq!(count(&store).unwrap(), 1000, "the partial batch waits for the timer");
        task.shutdown().await;
        assert_eq!(count(&store).unwrap(), 1234);
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
        assert_eq!(count(&store).unwrap(), 4);
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
        assert_eq!(count(&s).unwrap(), 2);
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
            r.tokens = Usage { input: 1, output: 2, cache_read: 3, cache_write: 4, reasoning: 1 };
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
        let mtok = |input, output| Usage { input, output, ..Default::default() };
        let sonnet = estimate_cost("claude-sonnet-4-5-20250929", &mtok(1_000_000, 1_000_000), &none).unwrap();
        assert!((sonnet - 18.0).abs() < 1e-9, "{sonnet}");
        let cached = Usage { cache_read: 1_000_000, cache_write: 1_000_000, ..Default::default() };
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
    fn a_long_request_written_late_is_merged_by_arrival_and_followed_by_write_order() {
        let s = Store::temporary().unwrap();
        let first: Vec<RequestRecord> = (0..6).map(|i| rec(i, T0 + i * 1000)).collect();
        append(&s, &first).unwrap();
        let cursor = tail(&s, None, 10).unwrap();
        assert!(cursor.records.is_empty());
        // A request that arrived at T0 + 2.5 s finishes after one that arrived at T0 + 7 s.
        append(&s, &[rec(7, T0 + 7000), rec(25, T0 + 2500)]).unwrap();
        let all = |q: RequestQuery| ids(&query_at(&s, &q, T0 + 10_000).unwrap()).join(",");
        assert_eq!(all(q(|q| q.limit = Some(100))), "req_7,req_5,req_4,req_3,req_25,req_2,req_1,req_0");
        assert_eq!(
            all(q(|q| {
                q.limit = Some(3);
                q.offset = Some(3);
            })),
            "req_3,req_25,req_2"
        );
        assert_eq!(all(q(|q| q.until = Some((T0 + 2600).to_string()))), "req_25,req_2,req_1,req_0");
        assert_eq!(ids(&since(&s, T0 + 2000, 3).unwrap()), ["req_25", "req_3", "req_4"]);
        // The follower gets both new records, the late one included, then nothing more.
        let t = tail(&s, Some(cursor.cursor), 500).unwrap();
        assert_eq!(ids(&t.records), ["req_25", "req_7"], "write order; arrival order within a segment");
        let again = tail(&s, Some(t.cursor), 500).unwrap();
        assert!(again.records.is_empty());
        assert_eq!(again.cursor, t.cursor);
        // Cursors round-trip as text; 0 is the start.
        assert_eq!(t.cursor.to_string().parse::<Cursor>().unwrap(), t.cursor);
        let from_start = tail(&s, Some("0".parse().unwrap()), 1).unwrap();
        assert_eq!(ids(&from_start.records), ["req_0", "req_1", "req_2", "req_3", "req_4", "req_5"], "a whole segment");
        assert!("12".parse::<Cursor>().is_err() && "a.b".parse::<Cursor>().is_err());
    }

    /// Many batches with stragglers and equal times against a brute-force model: queries,
    /// `since`, `tail`, `count` and pruning give exactly what sorting every record gives.
    #[test]
    fn segment_readers_agree_with_a_sorted_model() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let s = Store::temporary().unwrap();
        // (time, write rank, record); write rank follows the store: batch order, then time.
        let mut model: Vec<(u64, usize, RequestRecord)> = Vec::new();
        let mut clock = T0;
        let mut n = 0;
        for _ in 0..40 {
            let mut batch = Vec::new();
            for _ in 0..rng.gen_range(1..300) {
                clock += rng.gen_range(0..3);
                // One in 20 is a long request that arrived up to 2000 ms earlier.
                let time = if rng.gen_ratio(1, 20) { clock.saturating_sub(rng.gen_range(0..2000)) } else { clock };
                let mut r = rec(n, time);
                n += 1;
                r.status = [200, 200, 429, 502][rng.gen_range(0..4)];
                r.success = r.status == 200;
                if rng.gen_bool(0.3) {
                    r.channel_name = Some("backup".into());
                }
                if rng.gen_ratio(1, 50) {
                    r.response_body = Some("y".repeat(rng.gen_range(1000..20_000)));
                    // a segment of its own
                }
                batch.push(r);
            }
            append(&s, &batch).unwrap();
            batch.sort_by_key(|r| r.time_ms);
            for r in batch {
                model.push((r.time_ms, model.len(), r));
            }
        }
        assert_eq!(count(&s).unwrap(), model.len());
        let newest_first = |keep: &dyn Fn(&RequestRecord) -> bool| {
            let mut v: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| keep(&m.2)).collect();
            v.sort_by_key(|m| std::cmp::Reverse((m.0, m.1)));
            v.into_iter().map(|m| m.2.id.clone()).collect::<Vec<_>>()
        };
        let got =
            |query: RequestQuery| query_at(&s, &query, clock).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        for (offset, limit) in [(0, 1000), (0, 7), (13, 50), (900, 1000), (5000, 10)] {
            let want: Vec<String> = newest_first(&|_| true).into_iter().skip(offset).take(limit).collect();
            let query = q(|q| {
                q.offset = Some(offset);
                q.limit = Some(limit);
            });
            assert_eq!(got(query), want, "offset {offset} limit {limit}");
        }
        let (lo, hi) = (T0 + (clock - T0) / 3, T0 + (clock - T0) / 2);
        let want: Vec<String> = newest_first(&|r: &RequestRecord| {
            r.time_ms >= lo && r.time_ms <= hi && r.channel_name.as_deref() == Some("backup") && !r.success
        })
        .into_iter()
        .skip(3)
        .take(40)
        .collect();
        let query = q(|q| {
            q.since = Some(lo.to_string());
            q.until = Some(hi.to_string());
            q.channel = Some("backup".into());
            q.status = Some("error".into());
            q.offset = Some(3);
            q.limit = Some(40);
        });
        assert_eq!(got(query), want);
        // since: oldest first, the `limit` oldest after the point.
        let mut oldest: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| m.0 > lo).collect();
        oldest.sort_by_key(|m| (m.0, m.1));
        let want: Vec<&str> = oldest.iter().take(300).map(|m| m.2.id.as_str()).collect();
        assert_eq!(ids(&since(&s, lo, 300).unwrap()), want);
        // tail from the start, 100 at a time: every record once, in write order.
        let (mut followed, mut cursor) = (Vec::new(), Cursor(None));
        loop {
            let t = tail(&s, Some(cursor), 100).unwrap();
            if t.records.is_empty() {
                break;
            }
            followed.extend(t.records.into_iter().map(|r| r.id));
            cursor = t.cursor;
        }
        assert_eq!(followed, model.iter().map(|m| m.2.id.clone()).collect::<Vec<_>>());
        // Pruning: recent enough, then the newest in write order.
        let cutoff = T0 + (clock - T0) / 4;
        let now = cutoff + 2 * DAY_MS;
        let rows = model.iter().filter(|m| m.0 >= cutoff).count() as u64 - 777;
        let removed = prune(&s, 2, rows, now).unwrap();
        let mut kept: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| m.0 >= cutoff).collect();
        kept.drain(..kept.len() - rows as usize);
        assert_eq!((removed, count(&s).unwrap()), (model.len() - rows as usize, rows as usize));
        let mut left = Vec::new();
        let mut t = tail(&s, Some(Cursor(None)), usize::MAX).unwrap();
        left.append(&mut t.records);
        assert_eq!(ids(&left), kept.iter().map(|m| m.2.id.as_str()).collect::<Vec<_>>());
    }

    #[test]
    fn a_version_1_log_reads_back_whole_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let now = T0 + 50_000;
        // What version 1 wrote: one key per record, in arrival order.
        let old: Vec<RequestRecord> = (0..1500).map(|i| rec(i, now - 40_000 + i * 10)).collect();
        let raw: Vec<(u64, Vec<u8>)> = old.iter().map(|r| (r.time_ms, serde_json::to_vec(r).unwrap())).collect();
        crate::store::write_v1_requests(dir.path(), &raw);
        let s = crate::store::reopen(dir.path());
        assert_eq!(count(&s).unwrap(), 1500);
        assert_eq!(since(&s, 0, 5000).unwrap(), old);
        let newest = query_at(&s, &q(|q| q.limit = Some(3)), now).unwrap();
        assert_eq!(ids(&newest), ["req_1499", "req_1498", "req_1497"]);
        assert_eq!(analytics(&s, now).unwrap().totals.requests, 1500);
        // New records go after the migrated ones.
        append(&s, &[rec(9999, now)]).unwrap();
        assert_eq!(ids(&query_at(&s, &q(|q| q.limit = Some(1)), now).unwrap()), ["req_9999"]);
    }

    #[test]
    fn json_records_from_before_the_compact_encoding_read_alongside_new_ones() {
        let s = Store::temporary().unwrap();
        // What earlier versions appended: JSON in the same segments.
        let old: Vec<RequestRecord> = (0..3)
            .map(|i| {
                let mut r = rec(i, T0 + i * 1000);
                r.model = "gpt-4o".into();
                r.upstream_model = None;
                r.channel_name = Some("backup".into());
                r.status = 502;
                r.success = false;
                r
            })
            .collect();
        let json: Vec<Vec<u8>> = old.iter().map(|r| serde_json::to_vec(r).unwrap()).collect();
        let entries: Vec<(u64, &[u8])> = old.iter().zip(&json).map(|(r, j)| (r.time_ms, j.as_slice())).collect();
        s.append_records(&entries).unwrap();
        let new: Vec<RequestRecord> = (3..6).map(|i| rec(i, T0 + i * 1000)).collect();
        append(&s, &new).unwrap();
        let now = T0 + 6000;
        let all = query_at(&s, &q(|q| q.limit = Some(10)), now).unwrap();
        assert_eq!(all.iter().rev().cloned().collect::<Vec<_>>(), [old.clone(), new.clone()].concat());
        let run = |query: RequestQuery| ids(&query_at(&s, &query, now).unwrap()).join(",");
        assert_eq!(run(q(|q| q.channel = Some("backup".into()))), "req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.model = Some("claude-*".into()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.status = Some("5xx".into()))), "req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("success".into()))), "req_5,req_4,req_3");
        let a = analytics(&s, now).unwrap();
        assert_eq!((a.totals.requests, a.totals.successes, a.totals.failures), (6, 3, 3));
        assert_eq!(a.tokens.input, 60);
        assert!((a.cost_usd - 1.5).abs() < 1e-9, "{}", a.cost_usd);
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
