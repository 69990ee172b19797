//! Writing the request log: [`Recorder`], the handle the proxy's hot path records with, the
//! bounded queue behind it, the background writer that appends the queued records in
//! batches, and pruning by retention ([`prune`]).
//!
//! [`Recorder::record`] never blocks and never touches the store: a record goes into the
//! queue (or, when it is full, is counted as dropped) and the writer appends batches of
//! [`BATCH_MAX`] records or whatever waited [`FLUSH_EVERY`], on a blocking thread, through
//! [`append`] (started with [`Recorder::start_feeding`], through [`Aggregates::append`],
//! which also counts each batch in the warm analytics; a prune that removes records they
//! counted marks them stale). This module must hold nothing across the proxy's request path but the queue,
//! and reads nothing but what pruning needs. The daemon and `routex serve` start it
//! ([`Recorder::start`]) from the `logging:` section of the configuration and hand clones
//! of the [`Recorder`] to the proxy; tests and the benches use [`Recorder::disabled`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, oneshot, Notify};

use super::model::RequestRecord;
use super::storage::append;
use super::warm::Aggregates;
use super::DAY_MS;
use crate::engine::config::LoggingConfig;
use crate::engine::Error;
use crate::store::{SegmentKey, Store};
use crate::util::time::now_ms;

/// Capacity of the queue between the hot path and the writer.
pub const QUEUE_CAPACITY: usize = 16_384;
/// Records written in one batch at most.
pub const BATCH_MAX: usize = 500;
/// A record waits this long at most before its batch is written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// How often the writer prunes by retention (it also prunes at start).
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Records kept to write again while the store cannot be reached (Postgres down, team
/// mode); past it the oldest are dropped and counted.
pub const HELD_MAX: usize = 50_000;
/// Capacity of the [`Recorder::subscribe`] broadcast; slow subscribers see `Lagged`.
pub const SUBSCRIBE_CAPACITY: usize = 1024;

/// Handle used on the hot path: never blocks, never touches the store. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    queue: Option<Arc<Queue>>,
    dropped: Arc<AtomicU64>,
    losses: Arc<Losses>,
    events: broadcast::Sender<Arc<RequestRecord>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("enabled", &self.queue.is_some()).field("dropped", &self.dropped()).finish()
    }
}

/// When records were last lost and why the store last refused a batch (for health).
#[derive(Debug, Default)]
struct Losses {
    /// Unix ms of the last record dropped (0: none yet).
    last_ms: AtomicU64,
    /// Unix ms and the store's error of the last batch it refused.
    last_error: std::sync::Mutex<Option<(u64, String)>>,
}

impl Losses {
    fn lost(&self, n: u64, dropped: &AtomicU64) {
        dropped.fetch_add(n, Ordering::Relaxed);
        self.last_ms.store(now_ms(), Ordering::Relaxed);
    }

    fn refused(&self, n: u64, dropped: &AtomicU64, error: String) {
        self.lost(n, dropped);
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some((now_ms(), error));
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
        Recorder::start_with(store, cfg, Options::default(), None)
    }

    /// [`Recorder::start`], and count each batch written in the warm analytics
    /// (`aggregates`, through [`Aggregates::append`]); a prune that removes records they
    /// counted marks them stale.
    pub fn start_feeding(store: Store, cfg: &LoggingConfig, aggregates: Arc<Aggregates>) -> (Recorder, RecorderTask) {
        Recorder::start_with(store, cfg, Options::default(), Some(aggregates))
    }

    fn start_with(
        store: Store,
        cfg: &LoggingConfig,
        opts: Options,
        aggregates: Option<Arc<Aggregates>>,
    ) -> (Recorder, RecorderTask) {
        let queue = Arc::new(Queue {
            state: std::sync::Mutex::new(Queued { records: Vec::new(), closed: false }),
            batch_ready: Notify::new(),
            capacity: opts.capacity,
            batch_max: opts.batch_max,
        });
        let (events, _) = broadcast::channel(SUBSCRIBE_CAPACITY);
        let dropped = Arc::new(AtomicU64::new(0));
        let losses = Arc::new(Losses::default());
        let (stop, stop_rx) = oneshot::channel();
        let writer = Writer {
            store,
            events: events.clone(),
            dropped: dropped.clone(),
            losses: losses.clone(),
            retention_days: cfg.retention_days,
            max_rows: cfg.max_rows,
            opts,
            aggregates,
            held: Default::default(),
        };
        let handle = tokio::spawn(writer.run(queue.clone(), stop_rx));
        (Recorder { queue: Some(queue), dropped, losses, events }, RecorderTask { stop, handle })
    }

    /// A recorder that records nothing (`logging.requests: false`).
    pub fn disabled() -> Recorder {
        Recorder {
            queue: None,
            dropped: Arc::new(AtomicU64::new(0)),
            losses: Arc::default(),
            events: broadcast::channel(1).0,
        }
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
            self.losses.lost(1, &self.dropped);
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

    /// Records waiting in the queue now (0 when the log is off).
    pub fn queued(&self) -> usize {
        self.queue.as_ref().map_or(0, |q| q.state.lock().unwrap_or_else(|e| e.into_inner()).records.len())
    }

    /// How many records the queue holds at most (0 when the log is off).
    pub fn capacity(&self) -> usize {
        self.queue.as_ref().map_or(0, |q| q.capacity)
    }

    /// Unix ms of the last record lost, if any was.
    pub fn last_dropped_ms(&self) -> Option<u64> {
        Some(self.losses.last_ms.load(Ordering::Relaxed)).filter(|&ms| ms > 0)
    }

    /// Unix ms and the store's error of the last batch the store refused, if any.
    pub fn last_error(&self) -> Option<(u64, String)> {
        self.losses.last_error.lock().unwrap_or_else(|e| e.into_inner()).clone()
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
    losses: Arc<Losses>,
    retention_days: u64,
    max_rows: u64,
    opts: Options,
    aggregates: Option<Arc<Aggregates>>,
    /// Batches the store could not take because it was unreachable, written first next time.
    held: std::sync::Mutex<Vec<Vec<RequestRecord>>>,
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
        let left: usize = self.held.lock().unwrap_or_else(|p| p.into_inner()).drain(..).map(|b| b.len()).sum();
        if left > 0 {
            log::error!("request log: {left} records not written: the store was still unreachable at shutdown");
            self.losses.refused(left as u64, &self.dropped, "the store was unreachable at shutdown".into());
        }
        self.report_dropped(reported, queue.capacity);
        if let Some(p) = pruning {
            reap(p).await;
        }
    }

    /// Write records in batches of at most `batch_max` on a blocking thread. Batches the
    /// store could not take because it was unreachable are held as they were (at most
    /// [`HELD_MAX`] records) and written first next time, unchanged, so a store that
    /// recognises a batch it already committed (Postgres: the commit's answer was lost)
    /// does not write it twice; other failures lose the batch (counted).
    async fn write(&self, records: Vec<RequestRecord>) {
        let mut batches = std::mem::take(&mut *self.held.lock().unwrap_or_else(|p| p.into_inner()));
        let replica = self.store.replica().map(str::to_string);
        let mut rest = records.into_iter();
        loop {
            let mut b: Vec<RequestRecord> = rest.by_ref().take(self.opts.batch_max).collect();
            if b.is_empty() {
                break;
            }
            if let Some(replica) = &replica {
                b.iter_mut().for_each(|r| r.replica = Some(replica.clone()));
            }
            batches.push(b);
        }
        if batches.is_empty() {
            // On a shared store the other replicas' records are counted all the same.
            if let (Some(a), Some(_)) = (&self.aggregates, &replica) {
                let (a, store) = (a.clone(), self.store.clone());
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || a.follow(&store)).await {
                    log::debug!("analytics: could not follow the shared request log: {e}");
                }
            }
            return;
        }
        let store = self.store.clone();
        let n: usize = batches.iter().map(Vec::len).sum();
        let aggregates = self.aggregates.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let write = |b: &[RequestRecord]| match &aggregates {
                Some(a) => a.append(&store, b),
                None => append(&store, b),
            };
            // After a batch failed because the store is away, the rest is held unwritten.
            let mut away = false;
            let results: Vec<Result<(), Error>> = batches
                .iter()
                .map(|b| {
                    if away {
                        return Err(Error::Store(crate::store::Error::Postgres {
                            message: "not tried: the store was unreachable".into(),
                            unavailable: true,
                        }));
                    }
                    let r = write(b);
                    away = r.as_ref().is_err_and(is_unavailable);
                    r
                })
                .collect();
            (results, batches)
        })
        .await;
        let (results, batches) = match joined {
            Ok(r) => r,
            Err(e) => {
                log::error!("request log: the writer thread failed writing {n} records: {e}");
                self.losses.refused(n as u64, &self.dropped, format!("the writer thread failed: {e}"));
                return;
            }
        };
        let subscribed = self.events.receiver_count() > 0;
        let mut keep: Vec<Vec<RequestRecord>> = Vec::new();
        let mut away_error = None;
        for (result, batch) in results.into_iter().zip(batches) {
            match result {
                Ok(()) if subscribed => batch.into_iter().for_each(|r| {
                    let _ = self.events.send(Arc::new(r));
                }),
                Ok(()) => {}
                Err(e) if is_unavailable(&e) => {
                    keep.push(batch);
                    away_error.get_or_insert(e);
                }
                Err(e) => {
                    log::error!("request log: could not write {} records: {e}", batch.len());
                    self.losses.refused(batch.len() as u64, &self.dropped, e.to_string());
                }
            }
        }
        if let Some(e) = away_error {
            let mut held: usize = keep.iter().map(Vec::len).sum();
            while held > HELD_MAX {
                let oldest = keep.remove(0);
                held -= oldest.len();
                self.losses.refused(oldest.len() as u64, &self.dropped, e.to_string());
            }
            log::warn!("request log: the store is unreachable ({e}); {held} records held to write again");
            *self.held.lock().unwrap_or_else(|p| p.into_inner()) = keep;
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
        let aggregates = self.aggregates.clone();
        Some(tokio::task::spawn_blocking(move || match prune_newest(&store, days, rows, now_ms()) {
            Ok((0, _)) => {}
            Ok((n, newest)) => {
                log::info!("request log: pruned {n} records (retention {days} days, {rows} rows)");
                if let Some(a) = aggregates.filter(|a| newest >= a.horizon_start()) {
                    a.mark_stale();
                }
            }
            Err(e) => log::error!("request log: pruning failed: {e}"),
        }))
    }
}

/// Whether an error means the store was unreachable (the records can be written later).
fn is_unavailable(e: &Error) -> bool {
    matches!(e, Error::Store(se) if Store::is_unavailable(se))
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
    Ok(prune_newest(store, days, max_rows, now_ms)?.0)
}

/// [`prune`], and the arrival time of the newest record it removed (0 when none).
fn prune_newest(store: &Store, days: u64, max_rows: u64, now_ms: u64) -> Result<(usize, u64), Error> {
    const CHUNK: usize = 1_000;
    if days == 0 && max_rows == 0 {
        return Ok((0, 0));
    }
    let mut newest = 0;
    let cutoff = if days == 0 { 0 } else { now_ms.saturating_sub(days.saturating_mul(DAY_MS)) };
    // Whole days past retention go first where the store can drop them unread (Postgres's
    // partitions); the exact pass below then reads what is left.
    let mut removed = if cutoff > 0 { store.drop_log_before(cutoff)? } else { 0 };
    if removed > 0 {
        newest = cutoff;
    }
    let mut room = if max_rows == 0 { u64::MAX } else { max_rows };
    let mut edits: Vec<(SegmentKey, Option<Vec<u8>>)> = Vec::new();
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
        newest = (0..seg.len()).filter(|i| !keep.contains(i)).map(|i| seg.time(i)).fold(newest, u64::max);
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
    Ok((removed, newest))
}

#[cfg(test)]
mod tests {
    use super::super::test_records::{ids, rec, T0};
    use super::super::{count, since};
    use super::*;

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
        let (rec_, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts, None);
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
        let (r, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts, None);
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
        let (r, task) = Recorder::start_with(store.clone(), &cfg(0, 0), opts, None);
        // A current-thread runtime: the writer cannot run until we yield, so the queue fills.
        for i in 0..10 {
            r.record(rec(i, T0 + i));
        }
        assert_eq!(r.dropped(), 6);
        assert_eq!((r.queued(), r.capacity()), (4, 4));
        assert!(r.last_dropped_ms().is_some_and(|ms| ms + 60_000 > now_ms()));
        assert_eq!(r.last_error(), None, "the queue was full; the store refused nothing");
        task.shutdown().await;
        assert_eq!(r.queued(), 0);
        assert_eq!(count(&store).unwrap(), 4);
        r.record(rec(99, T0));
        assert_eq!(r.dropped(), 7, "a record after shutdown is counted, not lost silently");

        let off = Recorder::disabled();
        off.record(rec(1, T0));
        assert!(!off.enabled());
        assert_eq!(off.dropped(), 0);
        assert_eq!((off.queued(), off.capacity(), off.last_dropped_ms()), (0, 0, None));
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
}
