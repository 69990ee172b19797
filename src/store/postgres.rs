//! The shared store for team mode (docs/team.md): the same trees and request log as the
//! embedded store, in PostgreSQL, so several replicas serve one set of channels, rules,
//! tees and settings and write one request log.
//!
//! Through the synchronous `postgres` crate (sfackler's, on tokio-postgres): the store's
//! callers are synchronous already (the writer's and the admin API's blocking threads,
//! the CLI), like sled's. Only this file names it.
//!
//! ## Tables (schema version 1, applied at open under an advisory lock, so replicas
//! starting together do not race)
//!
//! - `routex_meta(key, value)`: the schema version, and a check value sealed with the
//!   master key (a replica with another key refuses to start instead of failing to read
//!   every secret).
//! - `routex_kv(tree, key, value jsonb)`: channels, rules, settings and tees, as JSON,
//!   secrets sealed exactly as in sled. Every write notifies `routex_config` in its
//!   transaction ([`CHANNEL`]), which is how the other replicas learn of it.
//! - `routex_log(high, seq, replica, records, data)`: the request log's segments (the same
//!   bytes as the embedded log's, see `segment`), **partitioned by `high` per UTC day**
//!   (`routex_log_dYYYYMMDD`): retention drops whole partitions ([`PgStore::drop_log_before`])
//!   instead of deleting rows.
//!
//! Appends take the log table's `SHARE ROW EXCLUSIVE` lock (it conflicts with itself, not
//! with readers) for their short transaction, and pick keys above the newest stored one:
//! keys stay in write order across replicas, as the segment module requires, so a reader
//! following the log past a cursor misses nothing any replica wrote.

use super::segment::{self, Segment, SegmentKey};
use super::{Error, Result, Tree};
use postgres::{Client, NoTls};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// The channel every configuration write notifies; replicas listen on it.
pub const CHANNEL: &str = "routex_config";
/// The schema version this binary writes in Postgres.
pub const PG_SCHEMA_VERSION: u32 = 1;
/// Connections kept idle for reuse.
const POOL_IDLE: usize = 4;
/// Segments read per query by the log's iterators.
const PAGE: i64 = 256;
const DAY_MS: u64 = 86_400_000;
/// The plain text sealed into `routex_meta` to check the master key.
const KEY_CHECK: &str = "routex master key check";

/// The PostgreSQL store.
pub struct PgStore {
    config: postgres::Config,
    /// `host:port/db`, without user or password: what messages show.
    location: String,
    /// Who writes the segments (the `replica` setting).
    replica: String,
    idle: Mutex<Vec<Client>>,
    /// Days (since the epoch) whose log partition is known to exist.
    partitions: Mutex<HashSet<u64>>,
}

impl Drop for PgStore {
    /// A `postgres::Client` closes its connection by blocking on its runtime, which panics
    /// inside tokio's: the pooled ones are closed where that is allowed.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|p| p.into_inner()));
        off_runtime(move || drop(idle));
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("location", &self.location).finish()
    }
}

/// `postgres://user:secret@host:5432/db?x=y` → `host:5432/db` (never the user or password).
pub fn location(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}:{}{}",
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            if u.path().is_empty() { "/" } else { u.path() }
        ),
        Err(_) => "the configured Postgres".to_string(),
    }
}

fn pg(context: &str) -> impl FnOnce(postgres::Error) -> Error + '_ {
    move |e| {
        // A closed connection, a refused or timed-out connect: the service is away, and a
        // caller that can wait (the log writer) keeps what it was writing.
        // So is a server shutting down or starting up (SQLSTATE 57P01-57P03), a connection
        // exception (class 08) and a full server (53300).
        let unavailable = e.is_closed()
            || match e.code() {
                Some(code) => {
                    let c = code.code();
                    c.starts_with("08") || c.starts_with("57P") || c == "53300"
                }
                None => e.as_db_error().is_none(),
            };
        let detail = match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => {
                let mut s = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(inner) = src {
                    s.push_str(&format!(": {inner}"));
                    src = inner.source();
                }
                s
            }
        };
        Error::Postgres { message: format!("{context}: {detail}"), unavailable }
    }
}

impl PgStore {
    /// Connect, apply the migrations and check the master key with `cipher`.
    pub fn open(url: &str, replica: &str, cipher: &super::crypto::Cipher) -> Result<PgStore> {
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| Error::Postgres {
            message: format!(
                "storage is not a valid postgres:// URL ({e}); write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            ),
            unavailable: false,
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(3));
        }
        config.application_name(&format!("routex {replica}"));
        let store = PgStore {
            config,
            location: location(url),
            replica: replica.to_string(),
            idle: Mutex::new(Vec::new()),
            partitions: Mutex::new(HashSet::new()),
        };
        store.migrate(cipher)?;
        Ok(store)
    }

    /// Where the store is (`host:port/db`), for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The replica name this store writes the log as.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// A connection to listen on (the config listener keeps its own).
    pub fn connect(&self) -> Result<Client> {
        self.config.connect(NoTls).map_err(pg("cannot connect to Postgres"))
    }

    /// Run `f` while holding the store-wide advisory lock (one replica at a time: applying
    /// the config file at start, so replicas starting together do not create a channel
    /// twice). The lock is a session lock on a connection of its own.
    pub fn exclusive<T>(&self, f: impl FnOnce() -> T) -> Result<T> {
        let mut c = off_runtime(|| -> Result<Client> {
            let mut c = self.connect()?;
            c.execute("SELECT pg_advisory_lock(7305868117)", &[]).map_err(pg("taking the store lock"))?;
            Ok(c)
        })?;
        let out = f();
        // Closing the session releases it too, should the unlock fail.
        off_runtime(|| {
            let _ = c.execute("SELECT pg_advisory_unlock(7305868117)", &[]);
            drop(c);
        });
        Ok(out)
    }

    /// Run `f` on a pooled connection; a connection that failed is not returned to the pool.
    fn with<T: Send>(&self, f: impl FnOnce(&mut Client) -> Result<T> + Send) -> Result<T> {
        off_runtime(|| self.with_here(f))
    }

    fn with_here<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut client = match pooled {
            Some(c) if !c.is_closed() => c,
            _ => self.connect()?,
        };
        let out = f(&mut client);
        if !client.is_closed() && !matches!(out, Err(Error::Postgres { unavailable: true, .. })) {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < POOL_IDLE {
                idle.push(client);
            }
        }
        out
    }

    fn migrate(&self, cipher: &super::crypto::Cipher) -> Result<()> {
        self.with(|c| {
            let mut tx = c.transaction().map_err(pg("migration"))?;
            // One replica migrates at a time; the others wait here, then find it done.
            tx.execute("SELECT pg_advisory_xact_lock(7305868116)", &[]).map_err(pg("migration lock"))?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS routex_meta (key text PRIMARY KEY, value text NOT NULL);
                 CREATE TABLE IF NOT EXISTS routex_kv (
                     tree text NOT NULL, key text NOT NULL, value jsonb NOT NULL,
                     updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tree, key));
                 CREATE TABLE IF NOT EXISTS routex_log (
                     high bigint NOT NULL, seq bigint NOT NULL, replica text NOT NULL,
                     records integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (high, seq))
                     PARTITION BY RANGE (high);
                 CREATE TABLE IF NOT EXISTS routex_log_batches (
                     id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
                 CREATE INDEX IF NOT EXISTS routex_log_batches_at ON routex_log_batches (at);",
            )
            .map_err(pg("migration"))?;
            let found: Option<String> = tx
                .query_opt("SELECT value FROM routex_meta WHERE key = 'schema_version'", &[])
                .map_err(pg("migration"))?
                .map(|r| r.get(0));
            let found: u32 = found.and_then(|v| v.parse().ok()).unwrap_or(0);
            if found > PG_SCHEMA_VERSION {
                return Err(Error::Postgres {
                    message: format!(
                        "the Postgres store at {} has schema version {found}, newer than this routex understands \
                         ({PG_SCHEMA_VERSION}); upgrade routex",
                        self.location
                    ),
                    unavailable: false,
                });
            }
            tx.execute(
                "INSERT INTO routex_meta (key, value) VALUES ('schema_version', $1)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&PG_SCHEMA_VERSION.to_string()],
            )
            .map_err(pg("migration"))?;
            let check: Option<String> = tx
                .query_opt("SELECT value FROM routex_meta WHERE key = 'key_check'", &[])
                .map_err(pg("migration"))?
                .map(|r| r.get(0));
            match check {
                None => {
                    tx.execute(
                        "INSERT INTO routex_meta (key, value) VALUES ('key_check', $1)",
                        &[&cipher.seal(KEY_CHECK)],
                    )
                    .map_err(pg("migration"))?;
                }
                Some(sealed) => {
                    if cipher.open(&sealed, "the master key check").ok().as_deref() != Some(KEY_CHECK) {
                        return Err(Error::Crypto(format!(
                            "the Postgres store at {} was written with another master key: set ROUTEX_MASTER_KEY to \
                             the passphrase the other replicas use",
                            self.location
                        )));
                    }
                }
            }
            tx.commit().map_err(pg("migration"))
        })
    }

    /// The stored schema version.
    pub fn schema_version(&self) -> Result<u32> {
        self.with(|c| {
            let v: Option<String> = c
                .query_opt("SELECT value FROM routex_meta WHERE key = 'schema_version'", &[])
                .map_err(pg("reading the schema version"))?
                .map(|r| r.get(0));
            Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
        })
    }

    /// One value of a tree, as JSON text.
    pub fn get(&self, tree: Tree, key: &str) -> Result<Option<String>> {
        self.with(|c| {
            let row = c
                .query_opt("SELECT value::text FROM routex_kv WHERE tree = $1 AND key = $2", &[&tree.name(), &key])
                .map_err(pg("reading the store"))?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    /// Every value of a tree, in key order: `(key, JSON text)`.
    pub fn list(&self, tree: Tree) -> Result<Vec<(String, String)>> {
        self.with(|c| {
            let rows = c
                .query("SELECT key, value::text FROM routex_kv WHERE tree = $1 ORDER BY key", &[&tree.name()])
                .map_err(pg("reading the store"))?;
            Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    /// Puts and removes in one transaction, which also notifies the other replicas.
    /// Returns how many of `removes` existed.
    pub fn apply(&self, tree: Tree, puts: &[(String, Vec<u8>)], removes: &[String]) -> Result<u64> {
        self.with(|c| {
            let mut tx = c.transaction().map_err(pg("writing the store"))?;
            for (k, v) in puts {
                let json = std::str::from_utf8(v).expect("serde_json writes UTF-8");
                tx.execute(
                    "INSERT INTO routex_kv (tree, key, value) VALUES ($1, $2, $3::text::jsonb)
                     ON CONFLICT (tree, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
                    &[&tree.name(), k, &json],
                )
                .map_err(pg("writing the store"))?;
            }
            let mut removed = 0;
            for k in removes {
                removed += tx
                    .execute("DELETE FROM routex_kv WHERE tree = $1 AND key = $2", &[&tree.name(), k])
                    .map_err(pg("writing the store"))?;
            }
            let payload = format!("{} {}", self.replica, tree.name());
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload]).map_err(pg("writing the store"))?;
            tx.commit().map_err(pg("writing the store"))?;
            Ok(removed)
        })
    }

    /// Number of values in a tree.
    pub fn count(&self, tree: Tree) -> Result<usize> {
        self.with(|c| {
            let n: i64 = c
                .query_one("SELECT count(*) FROM routex_kv WHERE tree = $1", &[&tree.name()])
                .map_err(pg("counting"))?
                .get(0);
            Ok(n as usize)
        })
    }

    /// Append records `(arrival time, bytes)`, sorted by time, packed into segments, in one
    /// transaction. See the module documentation for how keys are picked.
    ///
    /// Exactly once: the batch's digest is recorded in `routex_log_batches` in the same
    /// transaction, and a batch whose digest is there already was committed by an earlier
    /// try whose answer was lost (Postgres went away after the commit); it is not written
    /// again. Digests are kept an hour.
    pub fn append_records(&self, sorted: &[(u64, &[u8])]) -> Result<()> {
        // The digest covers the count, every entry's time and length, and the first and
        // last entries' bytes: a retried batch is byte for byte the same, and two batches
        // never share a first record (each record has its own request id). Hashing every
        // byte cost ~4k instructions per record.
        let batch = {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update((sorted.len() as u64).to_le_bytes());
            for (t, b) in sorted {
                h.update(t.to_le_bytes());
                h.update((b.len() as u64).to_le_bytes());
            }
            if let (Some(first), Some(last)) = (sorted.first(), sorted.last()) {
                h.update(first.1);
                h.update(last.1);
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        self.with(|c| {
            let mut tx = c.transaction().map_err(pg("writing the request log"))?;
            tx.batch_execute("LOCK TABLE routex_log IN SHARE ROW EXCLUSIVE MODE")
                .map_err(pg("writing the request log"))?;
            let done = tx
                .execute("INSERT INTO routex_log_batches (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", &[&batch])
                .map_err(pg("writing the request log"))?;
            if done == 0 {
                log::debug!("request log: batch {} was written by an earlier try", &batch[..12]);
                return tx.commit().map_err(pg("writing the request log"));
            }
            tx.execute("DELETE FROM routex_log_batches WHERE at < now() - interval '1 hour'", &[])
                .map_err(pg("writing the request log"))?;
            let last = tx
                .query_opt("SELECT high, seq FROM routex_log ORDER BY high DESC, seq DESC LIMIT 1", &[])
                .map_err(pg("writing the request log"))?
                .map(|r| SegmentKey { high: r.get::<_, i64>(0) as u64, seq: r.get::<_, i64>(1) as u64 });
            let rows = segment::pack(sorted, last);
            let days: HashSet<u64> = rows.iter().map(|(k, _, _)| k.high / DAY_MS).collect();
            for day in days {
                self.ensure_partition(&mut tx, day)?;
            }
            let insert = tx
                .prepare("INSERT INTO routex_log (high, seq, replica, records, data) VALUES ($1, $2, $3, $4, $5)")
                .map_err(pg("writing the request log"))?;
            for (key, n, data) in &rows {
                tx.execute(&insert, &[&(key.high as i64), &(key.seq as i64), &self.replica, &(*n as i32), data])
                    .map_err(pg("writing the request log"))?;
            }
            tx.commit().map_err(pg("writing the request log"))
        })
    }

    fn ensure_partition(&self, tx: &mut postgres::Transaction<'_>, day: u64) -> Result<()> {
        if self.partitions.lock().unwrap_or_else(|p| p.into_inner()).contains(&day) {
            return Ok(());
        }
        let name = partition_name(day);
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF routex_log FOR VALUES FROM ({}) TO ({})",
            day * DAY_MS,
            (day + 1) * DAY_MS
        ))
        .map_err(pg("creating a request-log partition"))?;
        self.partitions.lock().unwrap_or_else(|p| p.into_inner()).insert(day);
        Ok(())
    }

    /// Drop the log's partitions that end at or before `cutoff_ms` (every record in them
    /// arrived before it); returns the records they held.
    pub fn drop_log_before(&self, cutoff_ms: u64) -> Result<usize> {
        let old: Vec<u64> = self.with(|c| {
            let rows = c
                .query(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'routex_log'",
                    &[],
                )
                .map_err(pg("listing the request-log partitions"))?;
            Ok(rows
                .iter()
                .filter_map(|r| parse_partition(r.get(0)))
                .filter(|d| (d + 1) * DAY_MS <= cutoff_ms)
                .collect())
        })?;
        let mut dropped = 0;
        for day in old {
            let name = partition_name(day);
            dropped += self.with(|c| {
                let mut tx = c.transaction().map_err(pg("dropping a request-log partition"))?;
                tx.batch_execute("LOCK TABLE routex_log IN SHARE ROW EXCLUSIVE MODE")
                    .map_err(pg("dropping a request-log partition"))?;
                let n: i64 = tx
                    .query_one(&format!("SELECT COALESCE(sum(records), 0)::bigint FROM {name}"), &[])
                    .map_err(pg("dropping a request-log partition"))?
                    .get(0);
                tx.batch_execute(&format!("DROP TABLE IF EXISTS {name}"))
                    .map_err(pg("dropping a request-log partition"))?;
                tx.commit().map_err(pg("dropping a request-log partition"))?;
                Ok(n as usize)
            })?;
            self.partitions.lock().unwrap_or_else(|p| p.into_inner()).remove(&day);
            log::info!("request log: dropped partition {name} (retention)");
        }
        Ok(dropped)
    }

    /// One page of segments: after `from` (exclusive) ascending, or before it descending.
    fn page(&self, from: Option<SegmentKey>, newest_first: bool) -> Result<Vec<Segment>> {
        let (h, s) = from.map_or((None, None), |k| (Some(k.high as i64), Some(k.seq as i64)));
        let sql = match (newest_first, from.is_some()) {
            (true, false) => "SELECT high, seq, data FROM routex_log ORDER BY high DESC, seq DESC LIMIT $1",
            (true, true) => {
                "SELECT high, seq, data FROM routex_log WHERE (high, seq) < ($2, $3) ORDER BY high DESC, seq DESC LIMIT $1"
            }
            (false, false) => "SELECT high, seq, data FROM routex_log ORDER BY high, seq LIMIT $1",
            (false, true) => {
                "SELECT high, seq, data FROM routex_log WHERE (high, seq) > ($2, $3) ORDER BY high, seq LIMIT $1"
            }
        };
        self.with(|c| {
            let rows =
                if from.is_some() { c.query(sql, &[&PAGE, &h.unwrap(), &s.unwrap()]) } else { c.query(sql, &[&PAGE]) }
                    .map_err(pg("reading the request log"))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let key = SegmentKey { high: r.get::<_, i64>(0) as u64, seq: r.get::<_, i64>(1) as u64 };
                let data: Vec<u8> = r.get(2);
                match Segment::parse(&key.to_bytes(), data.into()) {
                    Ok(seg) => out.push(seg),
                    Err(e) => log::warn!("{}", segment::corrupt(&key.to_bytes(), e.0)),
                }
            }
            Ok(out)
        })
    }

    /// Segments newest first (`newest_first`) or after `after`, oldest first, read a page at a time.
    pub fn segments(&self, after: Option<SegmentKey>, newest_first: bool) -> Pages<'_> {
        Pages { store: self, cursor: after, newest_first, page: Vec::new().into_iter(), done: false }
    }

    /// The newest segment's key.
    pub fn last_segment_key(&self) -> Result<Option<SegmentKey>> {
        self.with(|c| {
            Ok(c.query_opt("SELECT high, seq FROM routex_log ORDER BY high DESC, seq DESC LIMIT 1", &[])
                .map_err(pg("reading the request log"))?
                .map(|r| SegmentKey { high: r.get::<_, i64>(0) as u64, seq: r.get::<_, i64>(1) as u64 }))
        })
    }

    /// Replace or remove segments (pruning) in one transaction.
    pub fn edit_segments(&self, edits: &[(SegmentKey, Option<Vec<u8>>)]) -> Result<()> {
        self.with(|c| {
            let mut tx = c.transaction().map_err(pg("pruning the request log"))?;
            for (key, value) in edits {
                let (h, s) = (key.high as i64, key.seq as i64);
                match value {
                    Some(v) => {
                        let n = Segment::parse(&key.to_bytes(), v.clone().into()).map(|s| s.len()).unwrap_or(0) as i32;
                        tx.execute(
                            "UPDATE routex_log SET data = $3, records = $4 WHERE high = $1 AND seq = $2",
                            &[&h, &s, v, &n],
                        )
                    }
                    None => tx.execute("DELETE FROM routex_log WHERE high = $1 AND seq = $2", &[&h, &s]),
                }
                .map_err(pg("pruning the request log"))?;
            }
            tx.commit().map_err(pg("pruning the request log"))
        })
    }

    /// Number of request records, and of segments.
    pub fn count_log(&self) -> Result<(usize, usize)> {
        self.with(|c| {
            let r = c
                .query_one("SELECT COALESCE(sum(records), 0)::bigint, count(*) FROM routex_log", &[])
                .map_err(pg("counting the request log"))?;
            Ok((r.get::<_, i64>(0) as usize, r.get::<_, i64>(1) as usize))
        })
    }

    /// Whether the store takes a write: the time under `health_probe` in `routex_meta`.
    pub fn probe_write(&self) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO routex_meta (key, value) VALUES ('health_probe', $1)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&crate::util::time::now_ms().to_string()],
            )
            .map_err(pg("probing a write"))?;
            Ok(())
        })
    }

    /// The database's size in bytes (0 when it cannot be read).
    pub fn size_on_disk(&self) -> u64 {
        self.with(|c| {
            Ok(c.query_one("SELECT pg_database_size(current_database())", &[])
                .map_err(pg("reading the size"))?
                .get::<_, i64>(0) as u64)
        })
        .unwrap_or(0)
    }
}

/// Run `f` where the `postgres` crate may block: it drives each connection with a runtime
/// of its own, which tokio refuses to start inside another runtime's thread. The store's
/// callers include async code (the cache warmer, the admin API's handlers) that reads the
/// embedded store directly; from there `f` runs on a scoped thread (tens of µs, for calls
/// that wait on the network anyway). Elsewhere (the CLI, blocking threads, the config
/// listener) it runs in place.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

fn partition_name(day: u64) -> String {
    let date = chrono::DateTime::from_timestamp((day * 86_400) as i64, 0).unwrap_or_default();
    format!("routex_log_d{}", date.format("%Y%m%d"))
}

fn parse_partition(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("routex_log_d")?;
    let date = chrono::NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    let secs = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    u64::try_from(secs).ok().map(|s| s / 86_400)
}

/// The log's segments read a page at a time (see [`PgStore::segments`]).
pub struct Pages<'a> {
    store: &'a PgStore,
    cursor: Option<SegmentKey>,
    newest_first: bool,
    page: std::vec::IntoIter<Segment>,
    done: bool,
}

impl Iterator for Pages<'_> {
    type Item = Result<Segment>;

    fn next(&mut self) -> Option<Result<Segment>> {
        loop {
            if let Some(seg) = self.page.next() {
                self.cursor = Some(seg.key());
                return Some(Ok(seg));
            }
            if self.done {
                return None;
            }
            match self.store.page(self.cursor, self.newest_first) {
                Ok(page) => {
                    self.done = (page.len() as i64) < PAGE;
                    if page.is_empty() {
                        return None;
                    }
                    self.page = page.into_iter();
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_never_show_the_user_or_password() {
        assert_eq!(location("postgres://routex:hunter2@db.internal:6543/routex"), "db.internal:6543/routex");
        assert_eq!(location("postgres://u:p@127.0.0.1/x?sslmode=disable"), "127.0.0.1:5432/x");
        assert!(!location("not a url hunter2").contains("hunter2"));
    }

    #[test]
    fn partition_names_are_utc_days_and_read_back() {
        let day = 1_796_601_600_000 / DAY_MS; // 2026-12-07 00:00 UTC
        assert_eq!(partition_name(day), "routex_log_d20261207");
        assert_eq!(parse_partition("routex_log_d20261207"), Some(day));
        assert_eq!(parse_partition("routex_log"), None);
    }
}
