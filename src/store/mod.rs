//! The embedded store: sled 0.34 in `<data-dir>/routex.db`, and the request log's files in
//! `<data-dir>/requests/` ([`logfile`]).
//!
//! This module is the only one that names sled or reads the log's files. It owns the trees, the schema-version
//! key and migrations, JSON (de)serialisation of records, and the encryption of secrets at
//! rest ([`crypto`]). It knows nothing about what a channel *means*: the engine decides
//! that and hands this module serialisable records.
//!
//! sled allows one process at a time; opening a locked store returns [`Error::Locked`]
//! naming the process that holds it when it can be found.

pub mod crypto;
mod logfile;
pub mod postgres;
pub mod segment;

use logfile::SegmentLog;

pub use segment::{Segment, SegmentKey};

use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};

/// The schema version this binary writes. Bump it and add a step to [`migrate`] when the
/// stored shape changes.
///
/// - 1: the first shape; the request log kept one record per key.
/// - 2: the request log packs records into segments ([`segment`]).
/// - 3: the segments live in files under `<data-dir>/requests/` ([`logfile`]), not in sled.
pub const SCHEMA_VERSION: u32 = 3;

/// Trees (sled's keyspaces) used by Routex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// Channels by id.
    Channels,
    /// Routing rules by id.
    Rules,
    /// Single-value settings (strategy, …) by name.
    Settings,
    /// Tee sinks by id.
    Tees,
    /// Request records: one per key in version 1, segments in version 2; empty (the
    /// records are in [`logfile`]) from version 3 on. Only migrations read it.
    Requests,
}

impl Tree {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tree::Channels => "channels",
            Tree::Rules => "rules",
            Tree::Settings => "settings",
            Tree::Tees => "tees",
            Tree::Requests => "requests",
        }
    }
}

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process holds sled's lock.
    #[error("the store at {path} is locked by {holder}; {hint}")]
    Locked {
        /// The database directory.
        path: PathBuf,
        /// Who holds it ("process 1234 (routex serve)" or "another process").
        holder: String,
        /// What to do about it.
        hint: String,
    },
    /// sled failed.
    #[error("store error at {path}: {source}")]
    Sled {
        /// The database directory.
        path: PathBuf,
        /// The underlying error.
        source: sled::Error,
    },
    /// A record could not be (de)serialised: the store holds something this binary does not understand.
    #[error("stored record {key:?} in {tree} is unreadable: {message}")]
    Corrupt {
        /// Tree name.
        tree: &'static str,
        /// Record key.
        key: String,
        /// Why.
        message: String,
    },
    /// The store was written by a newer Routex.
    #[error("the store at {path} has schema version {found}, newer than this routex understands ({SCHEMA_VERSION}); upgrade routex")]
    TooNew {
        /// The database directory.
        path: PathBuf,
        /// Version found.
        found: u32,
    },
    /// Encryption key trouble or undecryptable secret.
    #[error("{0}")]
    Crypto(String),
    /// The Postgres store (team mode) failed; `unavailable` when it could not be reached
    /// (a caller that can wait keeps what it was writing and retries).
    #[error("{message}")]
    Postgres {
        /// What failed, without the URL's credentials.
        message: String,
        /// The service was unreachable or the connection dropped.
        unavailable: bool,
    },
    /// Filesystem trouble around the store (creating the data dir, the key file).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Result alias for the store.
pub type Result<T> = std::result::Result<T, Error>;

/// The opened store: sled and the log's files (the default), or Postgres (team mode).
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    path: PathBuf,
    cipher: crypto::Cipher,
}

#[derive(Clone)]
enum Backend {
    Sled(Sled),
    Postgres(std::sync::Arc<postgres::PgStore>),
}

/// The embedded store's parts.
#[derive(Clone)]
struct Sled {
    db: sled::Db,
    path: PathBuf,
    /// The request log.
    log: std::sync::Arc<SegmentLog>,
    /// Serialises request-log appends (which pick keys) and segment edits.
    log_lock: std::sync::Arc<std::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Open (creating if needed) the store in `data_dir`, run migrations and load the
    /// encryption key.
    pub fn open(data_dir: &Path) -> Result<Store> {
        crate::paths::private_dir(data_dir).map_err(|source| Error::Io {
            context: format!("cannot create the data directory {}", data_dir.display()),
            source,
        })?;
        let path = crate::paths::db_path(data_dir);
        let db = sled::Config::new()
            .path(&path)
            // A smaller cache (1 and 4 MiB were tried) does not lower RSS: sled 0.34 evicts
            // lazily (256 LRU shards, each settled every 64 accesses), so what stays resident
            // follows the bytes written; the request log compresses its segments instead.
            // segment_size cannot change for an existing database (sled refuses to open it).
            .cache_capacity(16 * 1024 * 1024)
            .open()
            .map_err(|source| classify_open_error(&path, source))?;
        // sled creates its files with the process umask; its directory 0700 puts them out
        // of other users' reach, and what it has written so far is made 0600.
        crate::paths::tighten_tree(&path);
        let cipher = crypto::Cipher::load(data_dir)?;
        // Created 0600; a copy restored with a looser mode is tightened.
        crate::paths::tighten(&data_dir.join("master.key"), 0o600);
        let log = std::sync::Arc::new(SegmentLog::open(&data_dir.join("requests"))?);
        let sled = Sled { db, path: path.clone(), log, log_lock: Default::default() };
        sled.migrate()?;
        Ok(Store { backend: Backend::Sled(sled), path, cipher })
    }

    /// Open the shared store in Postgres (team mode, docs/team.md) at `url`, writing the
    /// request log as `replica`. The master key must come from `ROUTEX_MASTER_KEY`, so
    /// every replica seals and opens secrets alike; `data_dir` still holds this replica's
    /// own files (daemon.json, the daemon log).
    pub fn open_postgres(data_dir: &Path, url: &str, replica: &str) -> Result<Store> {
        if std::env::var_os("ROUTEX_MASTER_KEY").is_none() {
            return Err(Error::Crypto(
                "storage is Postgres but ROUTEX_MASTER_KEY is not set: every replica must seal secrets with the same \
                 key; set ROUTEX_MASTER_KEY to one passphrase for all of them"
                    .to_string(),
            ));
        }
        crate::paths::private_dir(data_dir).map_err(|source| Error::Io {
            context: format!("cannot create the data directory {}", data_dir.display()),
            source,
        })?;
        let cipher = crypto::Cipher::load(data_dir)?;
        Store::open_postgres_with(data_dir, url, replica, cipher)
    }

    /// [`Store::open_postgres`] with the cipher given (tests, embedding).
    pub fn open_postgres_with(data_dir: &Path, url: &str, replica: &str, cipher: crypto::Cipher) -> Result<Store> {
        let pg = postgres::PgStore::open(url, replica, &cipher)?;
        Ok(Store { backend: Backend::Postgres(std::sync::Arc::new(pg)), path: crate::paths::db_path(data_dir), cipher })
    }

    /// A temporary store (tests and dry runs): in memory, deleted on drop.
    pub fn temporary() -> Result<Store> {
        let path = PathBuf::from("<temporary>");
        let db =
            sled::Config::new().temporary(true).open().map_err(|source| Error::Sled { path: path.clone(), source })?;
        let sled = Sled {
            db,
            path: path.clone(),
            log: std::sync::Arc::new(SegmentLog::temporary()?),
            log_lock: Default::default(),
        };
        sled.migrate()?;
        Ok(Store { backend: Backend::Sled(sled), path, cipher: crypto::Cipher::from_passphrase("routex-temporary") })
    }

    /// The data directory the store is in (what relative paths in the config, like a
    /// file tee's, are under).
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(&self.path)
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the store is, for messages: the database directory, or `postgres host:port/db`.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Sled(_) => self.path.display().to_string(),
            Backend::Postgres(pg) => format!("postgres {}", pg.location()),
        }
    }

    /// The Postgres store, in team mode (the config listener connects through it).
    pub fn postgres(&self) -> Option<&std::sync::Arc<postgres::PgStore>> {
        match &self.backend {
            Backend::Postgres(pg) => Some(pg),
            Backend::Sled(_) => None,
        }
    }

    /// The replica name records are stamped with, in team mode (None on the embedded store).
    pub fn replica(&self) -> Option<&str> {
        self.postgres().map(|pg| pg.replica())
    }

    /// Whether `e` means the store could not be reached (Postgres down): what was being
    /// written can be kept and written again.
    pub fn is_unavailable(e: &Error) -> bool {
        matches!(e, Error::Postgres { unavailable: true, .. })
    }

    /// Run `f` as the only writer across replicas (Postgres's advisory lock); on the
    /// embedded store, which one process holds, just run it.
    pub fn exclusive<T>(&self, f: impl FnOnce() -> T) -> Result<T> {
        match &self.backend {
            Backend::Sled(_) => Ok(f()),
            Backend::Postgres(pg) => pg.exclusive(f),
        }
    }

    /// The cipher used for secrets at rest.
    pub fn cipher(&self) -> &crypto::Cipher {
        &self.cipher
    }

    /// The stored schema version (0 for a new store).
    pub fn schema_version(&self) -> Result<u32> {
        match &self.backend {
            Backend::Sled(s) => s.schema_version(),
            Backend::Postgres(pg) => pg.schema_version(),
        }
    }

    /// Read one JSON record.
    pub fn get<T: DeserializeOwned>(&self, tree: Tree, key: &str) -> Result<Option<T>> {
        match &self.backend {
            Backend::Sled(s) => {
                let t = s.tree(tree)?;
                match t.get(key.as_bytes()).map_err(|e| s.err(e))? {
                    None => Ok(None),
                    Some(bytes) => decode(tree, key.as_bytes(), &bytes).map(Some),
                }
            }
            Backend::Postgres(pg) => match pg.get(tree, key)? {
                None => Ok(None),
                Some(json) => decode(tree, key.as_bytes(), json.as_bytes()).map(Some),
            },
        }
    }

    /// Read every record of a tree, in key order.
    pub fn list<T: DeserializeOwned>(&self, tree: Tree) -> Result<Vec<T>> {
        match &self.backend {
            Backend::Sled(s) => {
                let t = s.tree(tree)?;
                let mut out = Vec::new();
                for item in t.iter() {
                    let (k, v) = item.map_err(|e| s.err(e))?;
                    out.push(decode(tree, &k, &v)?);
                }
                Ok(out)
            }
            Backend::Postgres(pg) => {
                pg.list(tree)?.into_iter().map(|(k, json)| decode(tree, k.as_bytes(), json.as_bytes())).collect()
            }
        }
    }

    /// Write one JSON record and flush.
    pub fn put<T: Serialize>(&self, tree: Tree, key: &str, value: &T) -> Result<()> {
        self.apply(tree, &[(key.to_string(), value)], &[])
    }

    /// Remove one record and flush; returns whether it existed.
    pub fn remove(&self, tree: Tree, key: &str) -> Result<bool> {
        match &self.backend {
            Backend::Sled(s) => {
                let t = s.tree(tree)?;
                let old = t.remove(key.as_bytes()).map_err(|e| s.err(e))?;
                s.flush()?;
                Ok(old.is_some())
            }
            Backend::Postgres(pg) => Ok(pg.apply(tree, &[], &[key.to_string()])? > 0),
        }
    }

    /// Apply puts and removes to one tree atomically (all or nothing), then flush.
    pub fn apply<T: Serialize>(&self, tree: Tree, puts: &[(String, T)], removes: &[String]) -> Result<()> {
        match &self.backend {
            Backend::Sled(s) => {
                let t = s.tree(tree)?;
                let mut batch = sled::Batch::default();
                for (k, v) in puts {
                    batch.insert(k.as_bytes(), serde_json::to_vec(v).expect("records serialise"));
                }
                for k in removes {
                    batch.remove(k.as_bytes());
                }
                t.apply_batch(batch).map_err(|e| s.err(e))?;
                s.flush()
            }
            Backend::Postgres(pg) => {
                let puts: Vec<(String, Vec<u8>)> =
                    puts.iter().map(|(k, v)| (k.clone(), serde_json::to_vec(v).expect("records serialise"))).collect();
                pg.apply(tree, &puts, removes).map(|_| ())
            }
        }
    }

    /// Append serialised request records, `(arrival time, bytes)`, to the request log in one
    /// synced write: the batch is sorted by arrival time (stably) and packed into
    /// [`segment`]s. Appends are serialised with each other and with
    /// [`Store::edit_segments`] (in Postgres, across replicas).
    pub fn append_records(&self, entries: &[(u64, &[u8])]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|e| e.0);
        match &self.backend {
            Backend::Sled(s) => s.append_records(&sorted),
            Backend::Postgres(pg) => pg.append_records(&sorted),
        }
    }

    /// Request-log segments, newest (highest key) first. Unreadable segments are skipped
    /// with a warning; read errors are passed on.
    pub fn segments_rev(&self) -> Result<Box<dyn Iterator<Item = Result<Segment>> + '_>> {
        Ok(match &self.backend {
            Backend::Sled(s) => Box::new(s.log.segments_rev()),
            Backend::Postgres(pg) => Box::new(pg.segments(None, true)),
        })
    }

    /// Request-log segments with a key above `after` (all of them for None), oldest first.
    pub fn segments_after(&self, after: Option<SegmentKey>) -> Result<Box<dyn Iterator<Item = Result<Segment>> + '_>> {
        Ok(match &self.backend {
            Backend::Sled(s) => Box::new(s.log.segments_after(after)),
            Backend::Postgres(pg) => Box::new(pg.segments(after, false)),
        })
    }

    /// The key of the newest request-log segment.
    pub fn last_segment_key(&self) -> Result<Option<SegmentKey>> {
        match &self.backend {
            Backend::Sled(s) => Ok(s.log.last_key()),
            Backend::Postgres(pg) => pg.last_segment_key(),
        }
    }

    /// Replace (Some value, from [`Segment::encode_retained`]) or remove (None) request-log
    /// segments. Used by pruning, which only drops records; each file touched is rewritten
    /// atomically.
    pub fn edit_segments(&self, edits: &[(SegmentKey, Option<Vec<u8>>)]) -> Result<()> {
        match &self.backend {
            Backend::Sled(s) => {
                let _guard = s.log_lock.lock().unwrap_or_else(|p| p.into_inner());
                s.log.edit(edits)
            }
            Backend::Postgres(pg) => pg.edit_segments(edits),
        }
    }

    /// Remove whole stretches of the log older than `cutoff_ms` where the store can do so
    /// without reading them (Postgres drops its day partitions); returns the records
    /// removed. Pruning calls it before its exact pass.
    pub fn drop_log_before(&self, cutoff_ms: u64) -> Result<usize> {
        match &self.backend {
            Backend::Sled(_) => Ok(0),
            Backend::Postgres(pg) => pg.drop_log_before(cutoff_ms),
        }
    }

    /// Number of request records (not segments).
    pub fn count_records(&self) -> Result<usize> {
        match &self.backend {
            Backend::Sled(s) => Ok(s.log.count_records()),
            Backend::Postgres(pg) => Ok(pg.count_log()?.0),
        }
    }

    /// Number of request-log segments.
    pub fn count_segments(&self) -> usize {
        match &self.backend {
            Backend::Sled(s) => s.log.count_segments(),
            Backend::Postgres(pg) => pg.count_log().map(|c| c.1).unwrap_or(0),
        }
    }

    /// Number of keys in a tree (for `Tree::Requests`, segments: see [`Store::count_records`]).
    pub fn count(&self, tree: Tree) -> Result<usize> {
        match &self.backend {
            Backend::Sled(s) => Ok(s.tree(tree)?.len()),
            Backend::Postgres(pg) => pg.count(tree),
        }
    }

    /// Flush to disk (Postgres commits every write: nothing to do).
    pub fn flush(&self) -> Result<()> {
        match &self.backend {
            Backend::Sled(s) => s.flush(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// Whether the store can be written: puts the time (unix ms) under the key
    /// `health_probe` (outside every tree, read by nothing) and flushes it to disk. Fails
    /// when sled or the filesystem refuses (read-only, full, I/O error), or Postgres is
    /// unreachable. It costs a write and an fsync: callers cache the answer (see
    /// `engine::health`).
    pub fn probe_write(&self) -> Result<()> {
        match &self.backend {
            Backend::Sled(s) => {
                s.db.insert(b"health_probe", &crate::util::time::now_ms().to_be_bytes()).map_err(|e| s.err(e))?;
                s.flush()
            }
            Backend::Postgres(pg) => pg.probe_write(),
        }
    }

    /// Size of the database and the request log on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        match &self.backend {
            Backend::Sled(s) => s.db.size_on_disk().unwrap_or(0) + s.log.size_on_disk(),
            Backend::Postgres(pg) => pg.size_on_disk(),
        }
    }
}

impl Sled {
    fn tree(&self, tree: Tree) -> Result<sled::Tree> {
        self.db.open_tree(tree.name()).map_err(|e| self.err(e))
    }

    fn err(&self, source: sled::Error) -> Error {
        Error::Sled { path: self.path.clone(), source }
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| self.err(e))
    }

    fn schema_version(&self) -> Result<u32> {
        let v = self.db.get(b"schema_version").map_err(|e| self.err(e))?;
        Ok(v.and_then(|b| <[u8; 4]>::try_from(b.as_ref()).ok()).map(u32::from_be_bytes).unwrap_or(0))
    }

    fn migrate(&self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(Error::TooNew { path: self.path.clone(), found });
        }
        // Migrations go here, one `if found < N { … }` step per version, each idempotent.
        if found < 2 {
            let moved = self.repack_v1_requests()?;
            if moved > 0 {
                log::info!("store: packed {moved} request records into segments (schema version 2)");
            }
        }
        if found < 3 {
            let moved = self.move_segments_to_files()?;
            if moved > 0 {
                log::info!(
                    "store: moved {moved} request-log segments from sled to {} (schema version 3)",
                    self.log.dir().display()
                );
            }
        }
        if found != SCHEMA_VERSION {
            self.db.insert(b"schema_version", &SCHEMA_VERSION.to_be_bytes()).map_err(|e| self.err(e))?;
            self.flush()?;
        }
        Ok(())
    }

    /// [`Store::append_records`] on the log's files; `sorted` is in arrival-time order.
    fn append_records(&self, sorted: &[(u64, &[u8])]) -> Result<()> {
        let _guard = self.log_lock.lock().unwrap_or_else(|p| p.into_inner());
        // Keys never go down (see `segment`): the first high is at least the last key's.
        let segments: Vec<(SegmentKey, Vec<u8>)> =
            segment::pack(sorted, self.log.last_key()).into_iter().map(|(k, _, v)| (k, v)).collect();
        self.log.append(&segments)
    }

    /// Schema version 2 kept the segments in the sled tree `requests`: append them to the
    /// files (those with a key above the files' last, so an interrupted move resumes where
    /// it stopped), then empty the tree. Returns the segments moved.
    fn move_segments_to_files(&self) -> Result<usize> {
        const CHUNK: usize = 256;
        let t = self.tree(Tree::Requests)?;
        let _guard = self.log_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut moved = 0;
        loop {
            let after = self.log.last_key();
            let iter = match after {
                None => t.iter(),
                Some(k) => t.range((std::ops::Bound::Excluded(k.to_bytes()), std::ops::Bound::Unbounded)),
            };
            let mut chunk = Vec::new();
            for item in iter {
                let (k, v) = item.map_err(|e| self.err(e))?;
                match SegmentKey::from_bytes(&k) {
                    Some(key) => chunk.push((key, v.to_vec())),
                    None => log::warn!("{}", segment::corrupt(&k, "not a segment's key; left out".into())),
                }
                if chunk.len() >= CHUNK {
                    break;
                }
            }
            if chunk.is_empty() {
                break;
            }
            moved += chunk.len();
            self.log.append(&chunk)?;
        }
        t.clear().map_err(|e| self.err(e))?;
        self.flush()?;
        Ok(moved)
    }

    /// Version 1 → 2 migration: add the segments holding `sorted` (in arrival-time order) to `batch`. Each key's high
    /// is the segment's latest time, raised to the previous segment's high (to `floor` for
    /// the first one); `seq` follows the largest stored key with the same high. The caller
    /// holds `log_lock`.
    fn pack(&self, t: &sled::Tree, batch: &mut sled::Batch, sorted: &[(u64, &[u8])], floor: u64) -> Result<()> {
        let mut prev: Option<SegmentKey> = None;
        let mut high = floor;
        for run in segment::cut(sorted) {
            high = high.max(run.iter().map(|e| e.0).max().unwrap_or(0));
            let key = match prev {
                Some(p) if p.high == high => SegmentKey { high, seq: p.seq + 1 },
                _ => SegmentKey { high, seq: self.next_seq(t, high)? },
            };
            batch.insert(&key.to_bytes()[..], segment::encode(run));
            prev = Some(key);
        }
        Ok(())
    }

    /// The `seq` for a new segment with this high: one past the largest stored one.
    fn next_seq(&self, t: &sled::Tree, high: u64) -> Result<u64> {
        let from = high.to_be_bytes();
        let to = SegmentKey { high, seq: u64::MAX }.to_bytes();
        for item in t.range(&from[..]..&to[..]).rev() {
            let (k, _) = item.map_err(|e| self.err(e))?;
            if let Some(k) = SegmentKey::from_bytes(&k) {
                return Ok(k.seq + 1);
            }
        }
        Ok(0)
    }

    /// Version 1 kept one request record per key: arrival time (u64 BE) ‖ a u32 sequence,
    /// JSON value. Pack them into segments, a chunk at a time; each chunk's new segments
    /// and the removal of its old keys are one atomic batch, so an interrupted migration
    /// loses nothing and resumes at the next open. Returns the records moved.
    fn repack_v1_requests(&self) -> Result<usize> {
        const CHUNK: usize = 4096;
        let t = self.tree(Tree::Requests)?;
        let _guard = self.log_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut moved = 0;
        let mut resume: Option<sled::IVec> = None;
        loop {
            let iter = match resume.take() {
                None => t.iter(),
                Some(k) => t.range((std::ops::Bound::Excluded(k), std::ops::Bound::Unbounded)),
            };
            let mut chunk: Vec<(sled::IVec, u64, sled::IVec)> = Vec::new();
            for item in iter {
                let (k, v) = item.map_err(|e| self.err(e))?;
                if k.len() != 12 {
                    continue;
                }
                let time = u64::from_be_bytes(k[..8].try_into().expect("8 bytes"));
                chunk.push((k, time, v));
                if chunk.len() >= CHUNK {
                    break;
                }
            }
            let Some((last, _, _)) = chunk.last() else { break };
            resume = Some(last.clone());
            // Keys sort by time, so the chunk is already in arrival order.
            let entries: Vec<(u64, &[u8])> = chunk.iter().map(|(_, time, v)| (*time, v.as_ref())).collect();
            let mut batch = sled::Batch::default();
            self.pack(&t, &mut batch, &entries, 0)?;
            for (k, _, _) in &chunk {
                batch.remove(k.clone());
            }
            t.apply_batch(batch).map_err(|e| self.err(e))?;
            moved += chunk.len();
        }
        Ok(moved)
    }
}

fn decode<T: DeserializeOwned>(tree: Tree, key: &[u8], bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
        tree: tree.name(),
        key: String::from_utf8_lossy(key).into_owned(),
        message: e.to_string(),
    })
}

fn classify_open_error(path: &Path, source: sled::Error) -> Error {
    let text = source.to_string();
    let locked = text.contains("could not acquire lock")
        || matches!(&source, sled::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    if !locked {
        return Error::Sled { path: path.to_path_buf(), source };
    }
    let holder = crate::paths::process_holding(&path.join("db"));
    let (holder, hint) = match holder {
        Some((pid, cmd)) => (
            format!("process {pid} ({cmd})"),
            format!(
                "if that is a routex daemon that stopped answering, stop it (kill {pid}) and retry; \
                 if it is running fine, point the CLI at it with --server URL"
            ),
        ),
        None => (
            "another process".to_string(),
            "stop the other routex process using this data directory, or use --server URL to talk to a running daemon"
                .to_string(),
        ),
    };
    Error::Locked { path: path.to_path_buf(), holder, hint }
}

/// Write a schema-version-1 store in `data_dir` holding these request records (arrival
/// time, JSON) the way version 1 did: one key each, time (u64 BE) ‖ sequence (u32 BE).
#[cfg(test)]
pub(crate) fn write_v1_requests(data_dir: &Path, records: &[(u64, Vec<u8>)]) {
    std::fs::create_dir_all(data_dir).unwrap();
    let db = sled::Config::new().path(crate::paths::db_path(data_dir)).open().unwrap();
    db.insert(b"schema_version", &1u32.to_be_bytes()).unwrap();
    let t = db.open_tree(Tree::Requests.name()).unwrap();
    for (seq, (time, json)) in records.iter().enumerate() {
        let mut k = time.to_be_bytes().to_vec();
        k.extend_from_slice(&(seq as u32).to_be_bytes());
        t.insert(k, json.as_slice()).unwrap();
    }
    db.flush().unwrap();
}

/// [`Store::open`], waiting out the lock of a handle just dropped: sled's flusher thread
/// keeps the database (and its lock) alive until it next wakes up.
#[cfg(test)]
pub(crate) fn reopen(data_dir: &Path) -> Store {
    for _ in 0..100 {
        match Store::open(data_dir) {
            Err(Error::Locked { .. }) => std::thread::sleep(std::time::Duration::from_millis(50)),
            other => return other.unwrap(),
        }
    }
    Store::open(data_dir).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_entries(s: &Store) -> Vec<(u64, Vec<u8>)> {
        let mut v = Vec::new();
        for seg in s.segments_after(None).unwrap() {
            v.extend(seg.unwrap().entries().map(|(t, b)| (t, b.to_vec())));
        }
        v
    }

    #[test]
    fn a_version_1_request_log_is_packed_at_open_and_keeps_every_record() {
        let dir = tempfile::tempdir().unwrap();
        // 10 000 records (several migration chunks), some sharing a millisecond, plus a
        // value that is not JSON: the store moves bytes, it does not judge them.
        let mut old: Vec<(u64, Vec<u8>)> =
            (0..10_000u64).map(|i| (1_000_000 + i / 3, format!("{{\"n\":{i}}}").into_bytes())).collect();
        old.push((2_000_000, b"not json".to_vec()));
        write_v1_requests(dir.path(), &old);
        let s = reopen(dir.path());
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(s.count_records().unwrap(), old.len());
        assert_eq!(all_entries(&s), old, "every record, in order, byte for byte");
        let segments = s.count_segments();
        assert!(segments < old.len() / 20, "{segments} segments for {} records", old.len());
        assert_eq!(s.count(Tree::Requests).unwrap(), 0, "nothing left in sled");
        // Opening again finds nothing left to migrate.
        drop(s);
        let s = reopen(dir.path());
        assert_eq!(all_entries(&s), old);
    }

    #[test]
    fn a_version_2_request_log_moves_from_sled_to_files_and_keeps_every_record() {
        let dir = tempfile::tempdir().unwrap();
        let old: Vec<(u64, Vec<u8>)> =
            (0..3000u64).map(|i| (5_000 + i / 2, format!("{{\"n\":{i}}}").into_bytes())).collect();
        {
            // A version 2 store: segments as sled values.
            std::fs::create_dir_all(dir.path()).unwrap();
            let db = sled::Config::new().path(crate::paths::db_path(dir.path())).open().unwrap();
            db.insert(b"schema_version", &2u32.to_be_bytes()).unwrap();
            let t = db.open_tree(Tree::Requests.name()).unwrap();
            let entries: Vec<(u64, &[u8])> = old.iter().map(|(t, b)| (*t, b.as_slice())).collect();
            for (seq, run) in segment::cut(&entries).into_iter().enumerate() {
                let key = SegmentKey { high: run.last().unwrap().0, seq: seq as u64 };
                t.insert(key.to_bytes(), segment::encode(run)).unwrap();
            }
            db.flush().unwrap();
        }
        let s = reopen(dir.path());
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(all_entries(&s), old, "every record, in order, byte for byte");
        assert_eq!(s.count(Tree::Requests).unwrap(), 0);
        assert!(dir.path().join("requests").read_dir().unwrap().count() > 0);
        // New records go after the moved ones.
        s.append_records(&[(9_999, b"new".as_slice())]).unwrap();
        drop(s);
        let s = reopen(dir.path());
        let all = all_entries(&s);
        assert_eq!((all.len(), &all[..old.len()]), (old.len() + 1, &old[..]));
        assert_eq!(all[old.len()], (9_999, b"new".to_vec()));
    }

    #[test]
    fn appends_pack_records_sorted_by_time_with_write_ordered_keys() {
        let s = Store::temporary().unwrap();
        let body = [b'x'; 100];
        let batch1: Vec<(u64, &[u8])> = (0..200u64).rev().map(|i| (1000 + i, &body[..])).collect();
        s.append_records(&batch1).unwrap();
        assert_eq!(s.count_records().unwrap(), 200);
        let segs: Vec<Segment> = s.segments_after(None).unwrap().map(|r| r.unwrap()).collect();
        assert!(segs.len() > 1 && segs.len() < 20, "{} segments", segs.len());
        let times: Vec<u64> = segs.iter().flat_map(|s| s.entries().map(|e| e.0).collect::<Vec<_>>()).collect();
        assert_eq!(times, (1000..1200).collect::<Vec<_>>(), "sorted by arrival time");
        assert!(segs.iter().all(|s| s.key().high == s.max_ms() && s.min_ms() <= s.max_ms()));
        // A late record (an old arrival time) written afterwards sorts after everything
        // written before it: its key carries the high-water mark.
        s.append_records(&[(5, b"late".as_slice())]).unwrap();
        let last = s.segments_rev().unwrap().next().unwrap().unwrap();
        assert_eq!((last.key(), last.min_ms()), (SegmentKey { high: 1199, seq: 1 }, 5));
        assert_eq!(s.last_segment_key().unwrap(), Some(last.key()));
        // Edits rewrite and remove.
        let first = &segs[0];
        s.edit_segments(&[(first.key(), Some(first.encode_retained(|i| i == 0))), (segs[1].key(), None)]).unwrap();
        assert_eq!(s.count_records().unwrap(), 201 - first.len() + 1 - segs[1].len());
    }

    #[test]
    fn records_round_trip_and_batches_are_atomic() {
        let s = Store::temporary().unwrap();
        s.put(Tree::Settings, "a", &serde_json::json!({"x": 1})).unwrap();
        let got: serde_json::Value = s.get(Tree::Settings, "a").unwrap().unwrap();
        assert_eq!(got["x"], 1);
        s.apply(Tree::Settings, &[("b".to_string(), 2)], &["a".to_string()]).unwrap();
        let all: Vec<serde_json::Value> = s.list(Tree::Settings).unwrap();
        assert_eq!(all, vec![serde_json::json!(2)]);
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn second_open_reports_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Store::open(dir.path()).unwrap();
        // sled takes an exclusive flock per open file description, so even a second open
        // in the same process is refused.
        let msg = Store::open(dir.path()).unwrap_err().to_string();
        assert!(msg.contains("locked"), "{msg}");
    }
}
