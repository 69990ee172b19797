//! The embedded store: sled 0.34 in `<data-dir>/routex.db`.
//!
//! This module is the only one that names sled. It owns the trees, the schema-version
//! key and migrations, JSON (de)serialisation of records, and the encryption of secrets at
//! rest ([`crypto`]). It knows nothing about what a channel *means*: the engine decides
//! that and hands this module serialisable records.
//!
//! sled allows one process at a time; opening a locked store returns [`Error::Locked`]
//! naming the process that holds it when it can be found.

pub mod crypto;

use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};

/// The schema version this binary writes. Bump it and add a step to [`migrate`] when the
/// stored shape changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Trees (sled's keyspaces) used by Routex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// Channels by id.
    Channels,
    /// Routing rules by id.
    Rules,
    /// Single-value settings (strategy, …) by name.
    Settings,
    /// Request records by time-ordered key.
    Requests,
}

impl Tree {
    fn name(self) -> &'static str {
        match self {
            Tree::Channels => "channels",
            Tree::Rules => "rules",
            Tree::Settings => "settings",
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

/// The opened store.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    cipher: crypto::Cipher,
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
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Io {
            context: format!("cannot create the data directory {}", data_dir.display()),
            source,
        })?;
        let path = crate::paths::db_path(data_dir);
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(16 * 1024 * 1024)
            .open()
            .map_err(|source| classify_open_error(&path, source))?;
        let cipher = crypto::Cipher::load(data_dir)?;
        let store = Store { db, path, cipher };
        store.migrate()?;
        Ok(store)
    }

    /// A temporary store (tests and dry runs): in memory, deleted on drop.
    pub fn temporary() -> Result<Store> {
        let path = PathBuf::from("<temporary>");
        let db =
            sled::Config::new().temporary(true).open().map_err(|source| Error::Sled { path: path.clone(), source })?;
        let store = Store { db, path, cipher: crypto::Cipher::from_passphrase("routex-temporary") };
        store.migrate()?;
        Ok(store)
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cipher used for secrets at rest.
    pub fn cipher(&self) -> &crypto::Cipher {
        &self.cipher
    }

    fn tree(&self, tree: Tree) -> Result<sled::Tree> {
        self.db.open_tree(tree.name()).map_err(|e| self.sled(e))
    }

    fn sled(&self, source: sled::Error) -> Error {
        Error::Sled { path: self.path.clone(), source }
    }

    /// The stored schema version (0 for a new store).
    pub fn schema_version(&self) -> Result<u32> {
        let v = self.db.get(b"schema_version").map_err(|e| self.sled(e))?;
        Ok(v.and_then(|b| <[u8; 4]>::try_from(b.as_ref()).ok()).map(u32::from_be_bytes).unwrap_or(0))
    }

    fn migrate(&self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(Error::TooNew { path: self.path.clone(), found });
        }
        // Migrations go here, one `if found < N { … }` step per version, each idempotent.
        // Version 1 is the first shape: nothing to migrate from.
        if found != SCHEMA_VERSION {
            self.db.insert(b"schema_version", &SCHEMA_VERSION.to_be_bytes()).map_err(|e| self.sled(e))?;
            self.flush()?;
        }
        Ok(())
    }

    /// Read one JSON record.
    pub fn get<T: DeserializeOwned>(&self, tree: Tree, key: &str) -> Result<Option<T>> {
        let t = self.tree(tree)?;
        match t.get(key.as_bytes()).map_err(|e| self.sled(e))? {
            None => Ok(None),
            Some(bytes) => decode(tree, key.as_bytes(), &bytes).map(Some),
        }
    }

    /// Read every record of a tree, in key order.
    pub fn list<T: DeserializeOwned>(&self, tree: Tree) -> Result<Vec<T>> {
        let t = self.tree(tree)?;
        let mut out = Vec::new();
        for item in t.iter() {
            let (k, v) = item.map_err(|e| self.sled(e))?;
            out.push(decode(tree, &k, &v)?);
        }
        Ok(out)
    }

    /// Write one JSON record and flush.
    pub fn put<T: Serialize>(&self, tree: Tree, key: &str, value: &T) -> Result<()> {
        let t = self.tree(tree)?;
        let bytes = serde_json::to_vec(value).expect("records serialise");
        t.insert(key.as_bytes(), bytes).map_err(|e| self.sled(e))?;
        self.flush()
    }

    /// Remove one record and flush; returns whether it existed.
    pub fn remove(&self, tree: Tree, key: &str) -> Result<bool> {
        let t = self.tree(tree)?;
        let old = t.remove(key.as_bytes()).map_err(|e| self.sled(e))?;
        self.flush()?;
        Ok(old.is_some())
    }

    /// Apply puts and removes to one tree atomically (all or nothing), then flush.
    pub fn apply<T: Serialize>(&self, tree: Tree, puts: &[(String, T)], removes: &[String]) -> Result<()> {
        let t = self.tree(tree)?;
        let mut batch = sled::Batch::default();
        for (k, v) in puts {
            batch.insert(k.as_bytes(), serde_json::to_vec(v).expect("records serialise"));
        }
        for k in removes {
            batch.remove(k.as_bytes());
        }
        t.apply_batch(batch).map_err(|e| self.sled(e))?;
        self.flush()
    }

    /// Append raw records (already serialised) without flushing each: the request-log
    /// writer batches and flushes once per batch.
    pub fn append_raw(&self, tree: Tree, records: &[(Vec<u8>, Vec<u8>)]) -> Result<()> {
        let t = self.tree(tree)?;
        let mut batch = sled::Batch::default();
        for (k, v) in records {
            batch.insert(k.as_slice(), v.as_slice());
        }
        t.apply_batch(batch).map_err(|e| self.sled(e))?;
        self.flush()
    }

    /// Iterate raw records of a tree, newest (highest key) first.
    pub fn scan_rev(&self, tree: Tree) -> Result<impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_> {
        let t = self.tree(tree)?;
        let path = self.path.clone();
        Ok(t.iter().rev().map(move |r| r.map_err(|source| Error::Sled { path: path.clone(), source })))
    }

    /// Remove raw keys from a tree.
    pub fn remove_raw(&self, tree: Tree, keys: &[sled::IVec]) -> Result<()> {
        let t = self.tree(tree)?;
        let mut batch = sled::Batch::default();
        for k in keys {
            batch.remove(k.clone());
        }
        t.apply_batch(batch).map_err(|e| self.sled(e))?;
        self.flush()
    }

    /// Number of records in a tree.
    pub fn count(&self, tree: Tree) -> Result<usize> {
        Ok(self.tree(tree)?.len())
    }

    /// Flush to disk.
    pub fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled(e))
    }

    /// Size of the database on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
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

#[cfg(test)]
mod tests {
    use super::*;

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
