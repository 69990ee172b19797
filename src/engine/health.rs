//! The detailed health report (`GET /health/detailed`, see README.md, "Admin API").
//!
//! It owns what the report says and when the daemon counts as unhealthy: the store must
//! answer (its schema version); channels, memory, the request log's losses, disk space and
//! uptime are reported, never judged. The operating-system readings (resident memory, disk
//! space) are `util::process`'s. It must
//! not know HTTP: the daemon (`daemon::admin::health`) calls [`detailed`] on its blocking
//! pool and answers 200, or 503 when [`Detailed::is_healthy`] is false, with the report as
//! the envelope's `data`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::path::Path;
use std::time::Instant;

use super::records::Recorder;
use super::{Engine, Status};
use crate::util::process::{disk_space, rss_bytes};

/// The report. The field order is the JSON's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detailed {
    /// `healthy` when the store answers, else `unhealthy`.
    pub status: Verdict,
    /// The store.
    pub store: StoreHealth,
    /// Channel counts.
    pub channels: ChannelCounts,
    /// This process's memory.
    pub memory: Memory,
    /// The request log.
    pub request_log: RequestLog,
    /// The filesystem holding the data directory.
    pub disk: Disk,
    /// Seconds since the daemon started.
    pub uptime_s: u64,
}

impl Detailed {
    /// False when the daemon should answer 503.
    pub fn is_healthy(&self) -> bool {
        self.status == Verdict::Healthy
    }
}

/// The report's overall word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything the daemon needs answers.
    Healthy,
    /// The store does not answer.
    Unhealthy,
}

/// The store's part: `{"ok": true, "schema_version", "size_bytes"}` or
/// `{"ok": false, "error"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreHealth {
    /// The store answered.
    Ok {
        /// The schema version it holds.
        schema_version: u32,
        /// Its size on disk, request log included.
        size_bytes: u64,
    },
    /// Reading the schema version failed.
    Failed {
        /// The store's error, as a sentence.
        error: String,
    },
}

impl Serialize for StoreHealth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            StoreHealth::Ok { schema_version, size_bytes } => {
                m.serialize_entry("ok", &true)?;
                m.serialize_entry("schema_version", schema_version)?;
                m.serialize_entry("size_bytes", size_bytes)?;
            }
            StoreHealth::Failed { error } => {
                m.serialize_entry("ok", &false)?;
                m.serialize_entry("error", error)?;
            }
        }
        m.end()
    }
}

/// Channels configured, and how many of them are enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChannelCounts {
    /// All channels.
    pub total: usize,
    /// Channels with status enabled.
    pub enabled: usize,
}

/// This process's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Memory {
    /// Resident set size, bytes (0 where it cannot be read).
    pub rss_bytes: u64,
}

/// The request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestLog {
    /// Whether requests are recorded.
    pub enabled: bool,
    /// Records the log could not keep since the daemon started.
    pub dropped: u64,
}

/// The filesystem holding the data directory (zeros where it cannot be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Disk {
    /// Bytes available to this user.
    pub free_bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
}

/// The report for a daemon serving `engine`, recording through `recorder`, with its data in
/// `data_dir`, started at `started`. Reads the store and the filesystem: call it off the
/// request threads.
pub fn detailed(engine: &Engine, recorder: &Recorder, data_dir: &Path, started: Instant) -> Detailed {
    let store = match engine.store().schema_version() {
        Ok(schema_version) => StoreHealth::Ok { schema_version, size_bytes: engine.store().size_on_disk() },
        Err(e) => StoreHealth::Failed { error: e.to_string() },
    };
    let snap = engine.snapshot();
    let (free_bytes, total_bytes) = disk_space(data_dir);
    Detailed {
        status: verdict(&store),
        store,
        channels: ChannelCounts {
            total: snap.channels.len(),
            enabled: snap.channels.iter().filter(|c| c.status == Status::Enabled).count(),
        },
        memory: Memory { rss_bytes: rss_bytes() },
        request_log: RequestLog { enabled: recorder.enabled(), dropped: recorder.dropped() },
        disk: Disk { free_bytes, total_bytes },
        uptime_s: started.elapsed().as_secs(),
    }
}

/// The rule: unhealthy exactly when the store does not answer.
fn verdict(store: &StoreHealth) -> Verdict {
    match store {
        StoreHealth::Ok { .. } => Verdict::Healthy,
        StoreHealth::Failed { .. } => Verdict::Unhealthy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_fresh_engine_is_healthy_and_the_json_keeps_its_shape() {
        let engine = Engine::with_store(Store::temporary().unwrap()).unwrap();
        let dir = std::env::temp_dir();
        let r = detailed(&engine, &Recorder::disabled(), &dir, Instant::now());
        assert!(r.is_healthy());
        let StoreHealth::Ok { schema_version, .. } = r.store else { panic!("{r:?}") };
        assert_eq!(schema_version, engine.store().schema_version().unwrap());
        assert_eq!(r.channels, ChannelCounts { total: 0, enabled: 0 });
        assert_eq!(r.request_log, RequestLog { enabled: false, dropped: 0 });
        let v = serde_json::to_value(&r).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["status", "store", "channels", "memory", "request_log", "disk", "uptime_s"]);
        assert_eq!(v["status"], "healthy");
        let store: Vec<&str> = v["store"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(store, ["ok", "schema_version", "size_bytes"]);
        assert_eq!(v["store"]["ok"], true);
        assert_eq!(v["request_log"], serde_json::json!({"enabled": false, "dropped": 0}));
        let disk: Vec<&str> = v["disk"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(disk, ["free_bytes", "total_bytes"]);
        assert!(v["memory"]["rss_bytes"].is_u64() && v["uptime_s"].is_u64(), "{v}");
    }

    #[test]
    fn a_store_that_does_not_answer_is_unhealthy() {
        let store = StoreHealth::Failed { error: "the store is locked".into() };
        assert_eq!(verdict(&store), Verdict::Unhealthy);
        assert_eq!(serde_json::to_string(&store).unwrap(), r#"{"ok":false,"error":"the store is locked"}"#);
        assert_eq!(serde_json::to_string(&Verdict::Unhealthy).unwrap(), r#""unhealthy""#);
        let ok = StoreHealth::Ok { schema_version: 3, size_bytes: 10 };
        assert_eq!(verdict(&ok), Verdict::Healthy);
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"ok":true,"schema_version":3,"size_bytes":10}"#);
    }
}
