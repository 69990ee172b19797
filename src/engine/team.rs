//! Team mode (docs/team.md): several replicas on one shared store (Postgres).
//!
//! What is here is what a replica does beside serving: it opens the store the config
//! names ([`open`]), and it follows the configuration the other replicas write
//! ([`ConfigListener`]): every write to the shared store notifies the Postgres channel
//! `routex_config` in its transaction; each replica LISTENs on its own connection and, on
//! a notification, re-reads channels, rules, tees and settings and swaps its snapshot
//! (`Engine::reload`). The request path never reads the network for configuration: it
//! keeps reading the snapshot, as on the embedded store.
//!
//! The listener reconnects with a bounded backoff (1 s doubling to 10 s) and re-reads the
//! whole configuration after each (re)connect, so nothing written while it was away is
//! missed.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::config::Storage;
use super::{Engine, Result};
use crate::store::Store;

/// Open the engine on the store `storage` names: the embedded one in `data_dir`, or the
/// shared Postgres store, writing records as `replica`.
pub fn open(data_dir: &Path, storage: &Storage, replica: &str) -> Result<Engine> {
    match storage {
        Storage::Sled => Engine::open(data_dir),
        Storage::Postgres(url) => Engine::with_store(Store::open_postgres(data_dir, url.expose(), replica)?),
    }
}

/// What the listener knows, for `/health/detailed`.
#[derive(Debug, Default)]
pub struct ListenerStatus {
    connected: AtomicBool,
    /// Snapshots re-read because another replica wrote.
    reloads: AtomicU64,
    /// The last error, while disconnected.
    last_error: std::sync::Mutex<Option<String>>,
}

impl ListenerStatus {
    /// Whether the listener holds its connection now.
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// How many times the snapshot was re-read for another replica's write.
    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }

    /// Why it is not connected (None when it is).
    pub fn error(&self) -> Option<String> {
        if self.connected() {
            return None;
        }
        self.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The thread following the other replicas' configuration writes.
pub struct ConfigListener {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
    /// Its state, for health.
    pub status: Arc<ListenerStatus>,
}

impl ConfigListener {
    /// Start listening when the engine's store is shared; None on the embedded store.
    pub fn start(engine: Arc<Engine>) -> Option<ConfigListener> {
        engine.store().postgres()?;
        let stop = Arc::new(AtomicBool::new(false));
        let status = engine.listener_status().clone();
        let (s, st) = (stop.clone(), status.clone());
        let handle = std::thread::Builder::new()
            .name("routex-config-listen".into())
            .spawn(move || listen(&engine, &s, &st))
            .expect("spawn the config listener");
        Some(ConfigListener { stop, handle: Some(handle), status })
    }

    /// Stop and wait (at most about a second: the listener looks at the flag that often).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for ConfigListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn listen(engine: &Engine, stop: &AtomicBool, status: &ListenerStatus) {
    let pg = engine.store().postgres().expect("checked at start").clone();
    let mut backoff = Duration::from_secs(1);
    let mut first = true;
    while !stop.load(Ordering::Relaxed) {
        let connected = pg.connect().and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {}", crate::store::postgres::CHANNEL))
                .map_err(|e| crate::store::Error::Postgres { message: e.to_string(), unavailable: true })?;
            Ok(c)
        });
        let mut client = match connected {
            Ok(c) => c,
            Err(e) => {
                note_error(status, &e.to_string());
                sleep_unless_stopped(stop, backoff);
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        status.connected.store(true, Ordering::Relaxed);
        backoff = Duration::from_secs(1);
        // Whatever was written before the LISTEN took effect (at start: since the engine
        // read the store; after a drop: while the connection was down).
        reload(engine, status, if first { "started listening" } else { "reconnected to Postgres" });
        first = false;
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            use postgres::fallible_iterator::FallibleIterator;
            let mut got = 0;
            let mut failed = None;
            {
                let mut notes = client.notifications();
                let first = notes.timeout_iter(Duration::from_secs(1)).next();
                match first {
                    Ok(Some(_)) => {
                        // A burst of writes: one re-read for all that already arrived.
                        got = 1;
                        let mut pending = notes.iter();
                        while let Ok(Some(_)) = pending.next() {
                            got += 1;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => failed = Some(e.to_string()),
                }
            }
            if got > 0 {
                reload(engine, status, "another replica changed the configuration");
            }
            if let Some(e) = failed.or_else(|| client.is_closed().then(|| "the connection closed".to_string())) {
                note_error(status, &e);
                break;
            }
        }
    }
}

fn reload(engine: &Engine, status: &ListenerStatus, why: &str) {
    let started = Instant::now();
    match engine.reload_exclusive() {
        Ok(()) => {
            status.reloads.fetch_add(1, Ordering::Relaxed);
            log::debug!("config: re-read the shared store ({why}) in {} ms", started.elapsed().as_millis());
        }
        Err(e) => log::warn!("config: could not re-read the shared store ({why}): {e}"),
    }
}

fn note_error(status: &ListenerStatus, e: &str) {
    if status.connected.swap(false, Ordering::Relaxed) {
        log::warn!("config: lost the Postgres connection that follows other replicas' changes: {e}; reconnecting");
    }
    *status.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
}

fn sleep_unless_stopped(stop: &AtomicBool, d: Duration) {
    let until = Instant::now() + d;
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
    }
}
