//! TEMPORARY stub of the request log (replaced by the real module).
#![allow(missing_docs, dead_code)]
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};

use super::config::LoggingConfig;
use crate::store::{Store, Tree};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub reasoning: u64,
}
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attempt {
    pub channel_id: String,
    pub channel_name: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub latency_ms: u64,
}
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RequestRecord {
    pub id: String,
    pub time_ms: u64,
    pub trace_id: String,
    pub session: Option<String>,
    pub client_protocol: String,
    pub endpoint: String,
    pub channel_id: Option<String>,
    pub channel_name: Option<String>,
    pub rule: Option<String>,
    pub model: String,
    pub upstream_model: Option<String>,
    pub status: u16,
    pub success: bool,
    pub error: Option<String>,
    pub latency_ms: u64,
    pub ttfb_ms: Option<u64>,
    pub stream: bool,
    pub tokens: Tokens,
    pub attempts: Vec<Attempt>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub cost_usd: Option<f64>,
    pub request_body: Option<String>,
    pub response_body: Option<String>,
}
#[derive(Clone)]
pub struct Recorder {
    tx: Option<mpsc::Sender<RequestRecord>>,
    bc: broadcast::Sender<Arc<RequestRecord>>,
}
pub struct RecorderTask {
    h: tokio::task::JoinHandle<()>,
    stop: tokio::sync::oneshot::Sender<()>,
}
impl Recorder {
    pub fn start(store: Store, _cfg: &LoggingConfig) -> (Recorder, RecorderTask) {
        let (tx, mut rx) = mpsc::channel::<RequestRecord>(16384);
        let (bc, _) = broadcast::channel(1024);
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let h = tokio::spawn(async move {
            let mut seq = 0u32;
            loop {
                let r = tokio::select! { r = rx.recv() => r, _ = &mut stop_rx => { rx.close(); rx.recv().await } };
                let Some(r) = r else { break };
                seq += 1;
                let mut k = r.time_ms.to_be_bytes().to_vec();
                k.extend_from_slice(&seq.to_be_bytes());
                store.append_raw(Tree::Requests, &[(k, serde_json::to_vec(&r).unwrap())]).unwrap();
            }
        });
        (Recorder { tx: Some(tx), bc }, RecorderTask { h, stop })
    }
    pub fn disabled() -> Recorder {
        Recorder { tx: None, bc: broadcast::channel(1).0 }
    }
    pub fn record(&self, r: RequestRecord) {
        if let Some(t) = &self.tx {
            let _ = t.try_send(r);
        }
    }
    pub fn dropped(&self) -> u64 {
        0
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<RequestRecord>> {
        self.bc.subscribe()
    }
}
impl RecorderTask {
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.h.await;
    }
}
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequestQuery {
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub channel: Option<String>,
    pub model: Option<String>,
    pub status: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}
pub fn query(store: &Store, q: &RequestQuery) -> Result<Vec<RequestRecord>, super::Error> {
    let mut out = Vec::new();
    for item in store.scan_rev(Tree::Requests)? {
        let (_, v) = item?;
        out.push(serde_json::from_slice(&v).unwrap());
        if out.len() >= q.limit.unwrap_or(50) {
            break;
        }
    }
    Ok(out)
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    pub cache_read: f64,
    pub cache_write: f64,
}
pub fn estimate_cost(_model: &str, _t: &Tokens, _o: &BTreeMap<String, Price>) -> Option<f64> {
    None
}
pub fn capture(body: &[u8], _max_kb: u64) -> String {
    String::from_utf8_lossy(body).into_owned()
}
