//! The request log (docs/proxy.md, "Request log"): one [`RequestRecord`] per client request, failures included.
//!
//! The proxy's hot path only calls [`Recorder::record`], which never blocks and never
//! touches the store: records go through a bounded queue to a background writer that
//! appends them to the store in batches (500 records or 1 s, whichever first) and prunes by
//! retention (days and rows). The admin API and `routex logs` read with [`query()`],
//! [`since`] and [`tail`], `/api/analytics` with [`Aggregates::window`] (warm) or
//! [`analytics()`] (a scan). This module must not hold
//! anything across the proxy's request path but the queue.
//!
//! ## How the log is stored
//!
//! Not in sled (since schema version 3): the store appends the log to checksummed files
//! under `<data-dir>/requests/`, beside sled's `routex.db` (`store/logfile.rs`). It sorts
//! each batch by arrival time and cuts it into segments of at most 64 records and 32 KiB
//! of entries ([`crate::store::segment`]), LZ4-compresses each segment's entries unless
//! that does not make them smaller, and appends the segments to the newest file as frames
//! (segment key, length, CRC-32 of the segment), one `write` and one `fdatasync` per
//! batch. Each entry is one record in the compact encoding of `codec` (JSON for records
//! written by earlier versions). Pruning rewrites a file into its next generation.
//!
//! A segment key's high-water mark bounds the arrival time of every record in it and in
//! the segments before it, and keys sort in write order. So scans walk newest-first and
//! stop as soon as they have passed the time window they need, [`query()`] merges records
//! back into arrival order, and [`tail`] follows the write order.
//!
//! ## Files
//!
//! - `model`: what a record is ([`RequestRecord`], [`Attempt`]) and [`capture`], which
//!   cuts a body down to what a record keeps.
//! - `recorder`: [`Recorder`], its queue, the writer and [`prune`].
//! - `query`: [`RequestQuery`] and its filters, [`query()`], [`since`], [`tail`].
//! - `analytics`: [`analytics()`], the cold scan, and the accumulator it shares with `warm`.
//! - `warm`: [`Aggregates`], the analytics kept warm in time buckets as records are
//!   written (the writer appends through [`Aggregates::append`]); `recorder` and `warm`
//!   depend on `analytics` and `storage`, never the other way.
//! - `storage`: [`append`], [`count`] and the decoding of stored entries. A file of its
//!   own rather than this one because the writer and every reader need it and it is the
//!   only place that knows both stored forms (compact and JSON): kept apart, `recorder`,
//!   `query` and `analytics` depend on `storage` and `model`, never on each other (only
//!   their tests do, to read back what another part wrote), and this file stays a map of
//!   the module.
//! - `codec`: the compact encoding.
//!
//! Prices live in [`crate::engine::pricing`], a leaf the configuration can depend on
//! without depending on the log. The log's `model` and `channel` filters match with `engine::glob`
//! ([`glob_match`]), the same glob as channels and rules.
//!
//! Every public item keeps its path `crate::engine::records::…`: the submodules are private
//! and re-exported below.

mod analytics;
mod codec;
mod model;
mod query;
mod recorder;
mod storage;
mod warm;

pub use analytics::{
    analytics, analytics_since, analytics_window, window_from, window_start, Analytics, ChannelUsage, Percentiles,
    TimeBucket, Totals,
};
pub use model::{capture, Attempt, RequestRecord};
pub use query::{parse_time, query, query_at, since, tail, Cursor, RequestQuery, Tail, DEFAULT_LIMIT, MAX_LIMIT};
pub use recorder::{
    prune, Recorder, RecorderTask, BATCH_MAX, FLUSH_EVERY, HELD_MAX, PRUNE_EVERY, QUEUE_CAPACITY, SUBSCRIBE_CAPACITY,
};
pub use storage::{append, count};
pub use warm::{Aggregates, AggregatesStatus, HOUR_HORIZON, MINUTE_HORIZON};

/// The log's `model` filter glob, at the path it always had.
pub use crate::engine::glob::matches as glob_match;

// Units of the retention, the relative times of queries and the analytics window.
const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// Records and queries the tests of every file of this module build on.
#[cfg(test)]
mod test_records {
    use super::{Attempt, RequestQuery, RequestRecord};
    use crate::protocol::Usage;

    pub const T0: u64 = 1_750_000_000_000; // 2025-06-15T15:06:40Z

    pub fn rec(i: u64, time_ms: u64) -> RequestRecord {
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
                ..Default::default()
            }],
            cost_usd: Some(0.25),
            request_body: i.is_multiple_of(2).then(|| format!("{{\"n\":{i}}}")),
            ..Default::default()
        }
    }

    pub fn ids(v: &[RequestRecord]) -> Vec<&str> {
        v.iter().map(|r| r.id.as_str()).collect()
    }

    pub fn q(f: impl FnOnce(&mut RequestQuery)) -> RequestQuery {
        let mut q = RequestQuery::default();
        f(&mut q);
        q
    }
}
