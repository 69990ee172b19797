//! An in-process daemon (engine on a temporary sled store, recorder, warp on
//! 127.0.0.1:0) in front of mock upstreams.

#![allow(dead_code)]

use routex::daemon::{self, AppState};
use routex::engine::config::Config;
use routex::engine::records::{self, Recorder, RecorderTask, RequestQuery, RequestRecord};
use routex::engine::{ChannelSpec, Engine};
use routex::store::Store;
use std::sync::Arc;
use tokio::sync::oneshot;

pub struct Stack {
    pub url: String,
    pub engine: Arc<Engine>,
    pub state: Arc<AppState>,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    recorder: Option<RecorderTask>,
}

/// A channel spec pointing at a mock.
pub fn channel(name: &str, kind: &str, base_url: &str, priority: i64) -> ChannelSpec {
    ChannelSpec {
        name: name.into(),
        kind: kind.into(),
        base_url: Some(base_url.into()),
        api_key: Some(format!("sk-{name}-key-0000000000")),
        models: vec!["*".into()],
        priority,
        weight: 1,
        ..Default::default()
    }
}

impl Stack {
    /// Start with a config (YAML) and channels.
    pub async fn start(config_yaml: &str, channels: Vec<ChannelSpec>) -> Stack {
        let config = Config::parse(config_yaml, "test.yaml").unwrap();
        let engine = Arc::new(Engine::with_store(Store::temporary().unwrap()).unwrap());
        for c in &channels {
            engine.add_channel(c).unwrap();
        }
        // The config's own channels, rules and tees, as `routex serve` applies them.
        engine.apply_config(&config).unwrap();
        let (recorder, task) = Recorder::start(engine.store().clone(), &config.logging);
        let state = AppState::new(engine.clone(), config, std::env::temp_dir(), recorder);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(daemon::serve(state.clone(), listener, async move {
            let _ = rx.await;
        }));
        Stack {
            url,
            engine,
            state,
            http: reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap(),
            stop: Some(tx),
            server: Some(server),
            recorder: Some(task),
        }
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.url)).json(body).send().await.unwrap()
    }

    /// Stop the server, let streams finish, drain the recorder; then the store holds every record.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s).await;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while Arc::strong_count(&self.state.proxy) > 1 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        if let Some(r) = self.recorder.take() {
            r.shutdown().await;
        }
    }

    /// Every stored record, oldest first (stops the stack first).
    pub async fn records(&mut self) -> Vec<RequestRecord> {
        self.stop().await;
        let mut v =
            records::query(self.engine.store(), &RequestQuery { limit: Some(1000), ..Default::default() }).unwrap();
        v.reverse();
        v
    }
}

pub fn anthropic_body(stream: bool) -> serde_json::Value {
    serde_json::json!({
        "model": "claude-sonnet-4",
        "max_tokens": 64,
        "stream": stream,
        "messages": [{"role": "user", "content": "Say hello"}]
    })
}

pub fn openai_body(stream: bool) -> serde_json::Value {
    serde_json::json!({
        "model": "gpt-4o",
        "stream": stream,
        "messages": [{"role": "user", "content": "Say hello"}]
    })
}
