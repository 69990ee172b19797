//! Scrape time: the metrics as families of samples ([`Metrics::families`]), made from the
//! request path's atomics and the proxy's live state ([`Live`]); the Prometheus text of
//! them ([`Metrics::prometheus_text`], through `prometheus-client`'s 0.0.4 encoder and its
//! `Collector` trait); and the JSON views, which subtract the baseline that
//! `POST /api/metrics/reset` takes ([`Metrics::reset_views`]). `/metrics` never subtracts:
//! Prometheus counters must not go backwards.
//!
//! Called by the daemon's metrics routes, never on the request path.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering::Relaxed;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;

use super::{read, Hist, Metrics, OK, REASONS, TOKEN_TYPES};

/// A channel's breaker, as `routex_circuit_breaker_state` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Traffic flows (0).
    Closed,
    /// No traffic (1).
    Open,
    /// One trial request allowed (2).
    HalfOpen,
}

/// One configured channel, live.
#[derive(Debug, Clone)]
pub struct ChannelLive {
    /// Its name (the `channel` label).
    pub name: String,
    /// Enabled (not disabled; a channel whose breaker is open still counts).
    pub enabled: bool,
    /// Its breaker now.
    pub breaker: BreakerState,
    /// Its keys cooling down now (after a 401, 403 or 429).
    pub keys_cooling: u64,
}

/// What the proxy and the engine know live, read at scrape time.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The configured channels.
    pub channels: Vec<ChannelLive>,
    /// Times any channel's breaker opened since start (deleted channels included).
    pub breaker_opened_total: u64,
    /// Request-log records dropped because the writer's queue was full.
    pub records_dropped: u64,
    /// Each tee's name and counts.
    pub tees: Vec<(String, crate::engine::tee::TeeStats)>,
    /// Team mode's link to Redis, when `redis:` is configured (docs/team.md).
    pub shared: Option<crate::engine::shared::SharedStatus>,
}

/// The type of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only goes up (name ends in `_total`).
    Counter,
    /// Goes up and down.
    Gauge,
    /// Buckets, sum and count.
    Histogram,
    /// A value without a type: `routex_channels_total`, a count of channels the SPEC names
    /// with a `_total` suffix that only counters may have.
    Untyped,
    /// Constant 1 with labels (`routex_build_info`).
    Info,
}

/// A sample's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number.
    Int(u64),
    /// A signed whole number (a gauge).
    Signed(i64),
    /// A real number.
    Float(f64),
    /// A histogram.
    Histogram(HistValue),
}

/// A histogram's value: cumulative buckets (`+Inf` last), sum and count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistValue {
    /// `(le, cumulative count)`; `le` is `f64::INFINITY` for the last.
    #[serde(serialize_with = "buckets_json")]
    pub buckets: Vec<(f64, u64)>,
    /// Sum of the observations, seconds.
    pub sum: f64,
    /// Observations.
    pub count: u64,
}

fn buckets_json<S: serde::Serializer>(b: &[(f64, u64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(b.len()))?;
    for (le, n) in b {
        let le = if le.is_infinite() { "+Inf".to_string() } else { le.to_string() };
        seq.serialize_element(&serde_json::json!({"le": le, "count": n}))?;
    }
    seq.end()
}

/// One sample: its labels and value.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// Label names and values, in a fixed order.
    #[serde(serialize_with = "labels_json")]
    pub labels: Vec<(&'static str, String)>,
    /// The value.
    pub value: Value,
}

fn labels_json<S: serde::Serializer>(l: &[(&'static str, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(l.len()))?;
    for (k, v) in l {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// A metric family: its exposed name, help, type and samples.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    /// The name as exposed (`routex_requests_total`).
    pub name: &'static str,
    /// What it measures.
    pub help: &'static str,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Its samples.
    pub samples: Vec<Sample>,
}

impl Family {
    fn new(name: &'static str, kind: Kind, help: &'static str) -> Family {
        Family { name, help, kind, samples: Vec::new() }
    }

    fn one(name: &'static str, kind: Kind, help: &'static str, value: Value) -> Family {
        Family { name, help, kind, samples: vec![Sample { labels: Vec::new(), value }] }
    }

    fn push(&mut self, labels: Vec<(&'static str, String)>, value: Value) {
        self.samples.push(Sample { labels, value });
    }

    /// The first sample's value as a number (0 when there is none).
    fn number(&self) -> f64 {
        self.samples.first().map(|s| s.value.as_f64()).unwrap_or(0.0)
    }
}

impl Value {
    fn as_f64(&self) -> f64 {
        match self {
            Value::Int(v) => *v as f64,
            Value::Signed(v) => *v as f64,
            Value::Float(v) => *v,
            Value::Histogram(h) => h.count as f64,
        }
    }
}

fn hist_value(h: &Hist) -> HistValue {
    let mut cumulative = 0;
    let mut buckets = Vec::with_capacity(h.bounds_ms.len() + 1);
    for (i, b) in h.bounds_ms.iter().chain(std::iter::once(&u64::MAX)).enumerate() {
        cumulative += h.counts[i].load(Relaxed);
        let le = if *b == u64::MAX { f64::INFINITY } else { *b as f64 / 1000.0 };
        buckets.push((le, cumulative));
    }
    HistValue { buckets, sum: h.sum_us.load(Relaxed) as f64 / 1e6, count: cumulative }
}

/// Per channel and model (or per channel): sums over request series.
#[derive(Default, Clone, Copy)]
struct Sums {
    requests: u64,
    success: u64,
    tokens: [u64; 5],
    cost_nano_usd: u64,
}

impl Sums {
    fn add(&mut self, s: &super::Series) {
        let n = s.duration.count();
        self.requests += n;
        self.success += s.success.load(Relaxed);
        for (t, c) in self.tokens.iter_mut().zip(&s.tokens) {
            *t += c.load(Relaxed);
        }
        self.cost_nano_usd += s.cost_nano_usd.load(Relaxed);
    }
}

fn labels<const N: usize>(pairs: [(&'static str, &str); N]) -> Vec<(&'static str, String)> {
    pairs.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

impl Metrics {
    /// Every metric family, read now.
    pub fn families(&self, live: &Live) -> Vec<Family> {
        use Kind::*;
        let st = read(&self.state);
        let channel = |id: u16| &*st.channels[id as usize].name;
        let model = |id: u16| &*st.models[id as usize];

        let mut total = Sums::default();
        let mut by_channel: BTreeMap<&str, Sums> = BTreeMap::new();
        let mut by_channel_model: BTreeMap<(&str, &str), Sums> = BTreeMap::new();
        let mut duration = Family::new(
            "routex_request_duration_seconds",
            Histogram,
            "Time from a request's arrival to the end of its answer, by client protocol, channel, model and status class.",
        );
        let mut ttfb = Family::new(
            "routex_time_to_first_byte_seconds",
            Histogram,
            "Time from a stream request's arrival to its first content sent to the client, by client protocol, channel, model and status class.",
        );
        for s in &st.series {
            total.add(s);
            by_channel.entry(channel(s.channel)).or_default().add(s);
            by_channel_model.entry((channel(s.channel), model(s.model))).or_default().add(s);
            let l = labels([
                ("protocol", s.protocol),
                ("channel", channel(s.channel)),
                ("model", model(s.model)),
                ("status_class", s.class),
            ]);
            if s.ttfb.count() > 0 {
                ttfb.push(l.clone(), Value::Histogram(hist_value(&s.ttfb)));
            }
            duration.push(l, Value::Histogram(hist_value(&s.duration)));
        }

        let mut f = vec![
            Family::one("routex_requests_total", Counter, "Client requests finished.", Value::Int(total.requests)),
            Family::one(
                "routex_requests_success_total",
                Counter,
                "Client requests that got a complete answer.",
                Value::Int(total.success),
            ),
            Family::one(
                "routex_requests_failed_total",
                Counter,
                "Client requests that got an error or an incomplete answer.",
                Value::Int(total.requests - total.success),
            ),
            Family::one(
                "routex_requests_in_flight",
                Gauge,
                "Client requests under way (streams until their end).",
                Value::Signed(self.in_flight.load(Relaxed).max(0)),
            ),
            duration,
            ttfb,
        ];

        f.push(Family::one(
            "routex_tokens_input_total",
            Counter,
            "Uncached input tokens the upstreams reported.",
            Value::Int(total.tokens[0]),
        ));
        f.push(Family::one(
            "routex_tokens_output_total",
            Counter,
            "Output tokens the upstreams reported (reasoning included).",
            Value::Int(total.tokens[1]),
        ));
        f.push(Family::one(
            "routex_tokens_cached_total",
            Counter,
            "Input tokens read from the upstreams' prompt caches.",
            Value::Int(total.tokens[2]),
        ));
        let mut tokens =
            Family::new("routex_tokens_total", Counter, "Tokens the upstreams reported, by type, channel and model.");
        let mut cost = Family::new(
            "routex_cost_usd_total",
            Counter,
            "Estimated cost in US dollars (price table and logging.prices), by channel and model.",
        );
        for ((ch, m), s) in &by_channel_model {
            for (t, n) in TOKEN_TYPES.iter().zip(s.tokens) {
                if n > 0 {
                    tokens.push(labels([("type", t), ("channel", ch), ("model", m)]), Value::Int(n));
                }
            }
            if s.cost_nano_usd > 0 {
                cost.push(labels([("channel", ch), ("model", m)]), Value::Float(s.cost_nano_usd as f64 / 1e9));
            }
        }
        f.push(tokens);
        f.push(cost);

        let mut ch_requests = Family::new(
            "routex_channel_requests_total",
            Counter,
            "Client requests by the channel that answered them (or was tried last).",
        );
        let mut ch_failed = Family::new(
            "routex_channel_requests_failed_total",
            Counter,
            "Failed client requests by the channel that was tried last.",
        );
        for (ch, s) in &by_channel {
            ch_requests.push(labels([("channel", ch)]), Value::Int(s.requests));
            ch_failed.push(labels([("channel", ch)]), Value::Int(s.requests - s.success));
        }
        f.push(ch_requests);
        f.push(ch_failed);

        let mut attempts = Family::new(
            "routex_upstream_attempts_total",
            Counter,
            "Upstream attempts by channel and outcome (ok, or why it failed).",
        );
        let mut failovers = Family::new(
            "routex_failovers_total",
            Counter,
            "Failovers to the next channel, by the channel failed over from and why it failed.",
        );
        let mut slots: Vec<&super::ChannelSlot> = st.channels.iter().collect();
        slots.sort_by(|a, b| a.name.cmp(&b.name));
        for slot in slots {
            for (i, outcome) in REASONS.iter().chain(std::iter::once(&OK)).enumerate() {
                let n = slot.attempts[i].load(Relaxed);
                if n > 0 {
                    attempts.push(labels([("channel", &slot.name), ("outcome", outcome)]), Value::Int(n));
                }
            }
            for (i, reason) in REASONS.iter().enumerate() {
                let n = slot.failovers[i].load(Relaxed);
                if n > 0 {
                    failovers.push(labels([("channel", &slot.name), ("reason", reason)]), Value::Int(n));
                }
            }
        }
        f.push(attempts);
        f.push(failovers);
        drop(st);

        f.push(Family::one(
            "routex_channels_total",
            Untyped,
            "Channels configured (a count now, not a counter).",
            Value::Int(live.channels.len() as u64),
        ));
        f.push(Family::one(
            "routex_channels_enabled",
            Gauge,
            "Channels not disabled.",
            Value::Int(live.channels.iter().filter(|c| c.enabled).count() as u64),
        ));
        f.push(Family::one(
            "routex_circuit_breaker_open_total",
            Counter,
            "Times a channel's circuit breaker opened.",
            Value::Int(live.breaker_opened_total),
        ));
        let mut open =
            Family::new("routex_circuit_breaker_open", Gauge, "1 while the channel's circuit breaker is open.");
        let mut state = Family::new(
            "routex_circuit_breaker_state",
            Gauge,
            "The channel's circuit breaker: 0 closed, 1 open, 2 half-open.",
        );
        let mut cooling = Family::new(
            "routex_channel_keys_cooling",
            Gauge,
            "The channel's API keys cooling down after a 401, 403 or 429.",
        );
        let mut chans: Vec<&ChannelLive> = live.channels.iter().collect();
        chans.sort_by(|a, b| a.name.cmp(&b.name));
        for c in chans {
            let (is_open, code) = match c.breaker {
                BreakerState::Closed => (0, 0),
                BreakerState::Open => (1, 1),
                BreakerState::HalfOpen => (0, 2),
            };
            open.push(labels([("channel", &c.name)]), Value::Int(is_open));
            state.push(labels([("channel", &c.name)]), Value::Int(code));
            cooling.push(labels([("channel", &c.name)]), Value::Int(c.keys_cooling));
        }
        f.push(open);
        f.push(state);
        f.push(cooling);

        let cache = &self.cache;
        f.push(Family::one(
            "routex_cache_warm_total",
            Counter,
            "Cache warms run (0 until the cache warmer lands).",
            Value::Int(cache.warms.load(Relaxed)),
        ));
        f.push(Family::one(
            "routex_cache_warm_failed_total",
            Counter,
            "Cache warms that failed.",
            Value::Int(cache.failed.load(Relaxed)),
        ));
        f.push(Family::one(
            "routex_cache_warm_duration_seconds",
            Histogram,
            "How long cache warms took.",
            Value::Histogram(hist_value(&cache.duration)),
        ));
        let mut inv = Family::new("routex_cache_invalidation_total", Counter, "Cache invalidations by type.");
        for (t, n) in cache.invalidations.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            inv.push(labels([("type", t)]), Value::Int(*n));
        }
        f.push(inv);

        f.push(Family::one(
            "routex_request_log_dropped_total",
            Counter,
            "Request-log records dropped because the writer's queue was full.",
            Value::Int(live.records_dropped),
        ));
        let mut delivered =
            Family::new("routex_tee_delivered_total", Counter, "Record copies a tee's destination took.");
        let mut dropped = Family::new(
            "routex_tee_dropped_total",
            Counter,
            "Record copies a tee lost: queue full, destination failing every try, or shutdown's deadline.",
        );
        let mut queued = Family::new("routex_tee_queued", Gauge, "Record copies waiting in a tee's queue.");
        for (name, t) in &live.tees {
            delivered.push(labels([("tee", name)]), Value::Int(t.delivered));
            dropped.push(labels([("tee", name)]), Value::Int(t.dropped));
            queued.push(labels([("tee", name)]), Value::Int(t.queued));
        }
        f.push(delivered);
        f.push(dropped);
        f.push(queued);
        if let Some(s) = &live.shared {
            f.push(Family::one(
                "routex_shared_state_up",
                Gauge,
                "1 while the link to Redis (team mode's shared state) publishes and receives, else 0.",
                Value::Int(u64::from(s.up)),
            ));
            f.push(Family::one(
                "routex_shared_events_published_total",
                Counter,
                "Shared-state events (key cooldowns, breakers, sessions) this replica sent to the others.",
                Value::Int(s.published),
            ));
            f.push(Family::one(
                "routex_shared_events_applied_total",
                Counter,
                "Shared-state events of the other replicas applied here (catch-ups included).",
                Value::Int(s.applied),
            ));
            f.push(Family::one(
                "routex_shared_events_dropped_total",
                Counter,
                "Shared-state events of this replica the others never got: its queue was full or Redis was down.",
                Value::Int(s.dropped),
            ));
        }
        let mut build = Family::new("routex_build_info", Info, "The running routex's version.");
        build.push(labels([("version", env!("CARGO_PKG_VERSION"))]), Value::Int(1));
        f.push(build);
        f.push(Family::one(
            "routex_uptime_seconds",
            Gauge,
            "Seconds since the daemon started.",
            Value::Float(self.started.elapsed().as_secs_f64()),
        ));
        f.push(Family::one(
            "process_start_time_seconds",
            Gauge,
            "Start time of the process since the Unix epoch, seconds.",
            Value::Float(self.start_unix_s),
        ));
        f.push(Family::one(
            "process_resident_memory_bytes",
            Gauge,
            "Resident memory size, bytes.",
            Value::Int(crate::util::process::rss_bytes()),
        ));
        f.push(Family::one(
            "process_open_fds",
            Gauge,
            "Open file descriptors.",
            Value::Int(crate::util::process::open_fds()),
        ));
        f.push(Family::one(
            "process_max_fds",
            Gauge,
            "The most file descriptors the process may open.",
            Value::Int(crate::util::process::max_fds()),
        ));
        f
    }

    /// `GET /metrics`: the Prometheus text format, version 0.0.4.
    pub fn prometheus_text(&self, live: &Live) -> String {
        let mut registry = prometheus_client::registry::Registry::default();
        registry.register_collector(Box::new(Families(self.families(live))));
        let mut out = String::with_capacity(16 * 1024);
        prometheus_client::encoding::prometheus_text::encode(&mut out, &registry).expect("writing to a String");
        out
    }

    /// `GET /api/metrics/all`: every family, counters and histograms less the baseline.
    pub fn all_json(&self, live: &Live) -> serde_json::Value {
        let (families, since_ms) = self.since_baseline(live);
        serde_json::json!({ "counting_since_ms": since_ms, "families": families })
    }

    /// `GET /api/metrics`: totals, tokens, cost, in flight and per channel, since the
    /// baseline.
    pub fn summary_json(&self, live: &Live) -> serde_json::Value {
        let (families, since_ms) = self.since_baseline(live);
        let by_name: HashMap<&str, &Family> = families.iter().map(|f| (f.name, f)).collect();
        let n = |name: &str| by_name.get(name).map(|f| f.number()).unwrap_or(0.0);
        let sum = |name: &str| {
            by_name.get(name).map(|f| f.samples.iter().map(|s| s.value.as_f64()).sum::<f64>()).unwrap_or(0.0)
        };
        let per = |name: &str, ch: &str| {
            by_name
                .get(name)
                .map(|f| {
                    f.samples
                        .iter()
                        .filter(|s| s.labels.iter().any(|(k, v)| *k == "channel" && v == ch))
                        .map(|s| s.value.as_f64())
                        .sum::<f64>()
                })
                .unwrap_or(0.0)
        };
        let tokens_of = |ch: Option<&str>| {
            let mut t = serde_json::Map::new();
            for ty in TOKEN_TYPES {
                let v: f64 = by_name
                    .get("routex_tokens_total")
                    .map(|f| {
                        f.samples
                            .iter()
                            .filter(|s| {
                                s.labels.iter().any(|(k, v)| *k == "type" && v == ty)
                                    && ch.is_none_or(|c| s.labels.iter().any(|(k, v)| *k == "channel" && v == c))
                            })
                            .map(|s| s.value.as_f64())
                            .sum()
                    })
                    .unwrap_or(0.0);
                t.insert(ty.to_string(), serde_json::json!(v as u64));
            }
            serde_json::Value::Object(t)
        };
        let mut names: Vec<String> = live.channels.iter().map(|c| c.name.clone()).collect();
        if let Some(f) = by_name.get("routex_channel_requests_total") {
            for s in &f.samples {
                if let Some((_, v)) = s.labels.iter().find(|(k, _)| *k == "channel") {
                    if !names.contains(v) {
                        names.push(v.clone());
                    }
                }
            }
        }
        names.sort();
        let channels: Vec<serde_json::Value> = names
            .iter()
            .map(|ch| {
                let live = live.channels.iter().find(|c| &c.name == ch);
                let requests = per("routex_channel_requests_total", ch) as u64;
                let failed = per("routex_channel_requests_failed_total", ch) as u64;
                serde_json::json!({
                    "channel": ch,
                    "configured": live.is_some(),
                    "enabled": live.map(|c| c.enabled),
                    "breaker": live.map(|c| c.breaker),
                    "keys_cooling": live.map(|c| c.keys_cooling),
                    "requests": requests,
                    "success": requests - failed.min(requests),
                    "failed": failed,
                    "failovers": per("routex_failovers_total", ch) as u64,
                    "tokens": tokens_of(Some(ch)),
                    "cost_usd": per("routex_cost_usd_total", ch),
                })
            })
            .collect();
        serde_json::json!({
            "counting_since_ms": since_ms,
            "requests": {
                "total": n("routex_requests_total") as u64,
                "success": n("routex_requests_success_total") as u64,
                "failed": n("routex_requests_failed_total") as u64,
                "in_flight": n("routex_requests_in_flight") as i64,
            },
            "tokens": tokens_of(None),
            "cost_usd": sum("routex_cost_usd_total"),
            "failovers": sum("routex_failovers_total") as u64,
            "records_dropped": n("routex_request_log_dropped_total") as u64,
            "uptime_s": self.started.elapsed().as_secs(),
            "channels": channels,
        })
    }

    /// `POST /api/metrics/reset`: the JSON views count from now on. `/metrics` is
    /// untouched. Returns the new baseline's time, Unix ms.
    pub fn reset_views(&self, live: &Live) -> u64 {
        let now = crate::util::time::now_ms();
        let mut values = HashMap::new();
        for f in self.families(live) {
            if matches!(f.kind, Kind::Counter | Kind::Histogram) {
                for s in f.samples {
                    values.insert(series_key(f.name, &s.labels), s.value);
                }
            }
        }
        *self.baseline.lock().unwrap_or_else(|e| e.into_inner()) = Some(Baseline { at_ms: now, values });
        now
    }

    /// The families less the baseline, and when counting began (the reset, else the start).
    fn since_baseline(&self, live: &Live) -> (Vec<Family>, u64) {
        let mut families = self.families(live);
        let base = self.baseline.lock().unwrap_or_else(|e| e.into_inner());
        let Some(base) = base.as_ref() else {
            return (families, (self.start_unix_s * 1000.0) as u64);
        };
        for f in families.iter_mut().filter(|f| matches!(f.kind, Kind::Counter | Kind::Histogram)) {
            for s in &mut f.samples {
                if let Some(b) = base.values.get(&series_key(f.name, &s.labels)) {
                    s.value = subtract(&s.value, b);
                }
            }
        }
        (families, base.at_ms)
    }
}

/// What the JSON views subtract: every counter and histogram at the last reset.
pub(crate) struct Baseline {
    at_ms: u64,
    values: HashMap<String, Value>,
}

fn series_key(name: &str, labels: &[(&'static str, String)]) -> String {
    let mut k = name.to_string();
    for (n, v) in labels {
        k.push('\u{0}');
        k.push_str(n);
        k.push('=');
        k.push_str(v);
    }
    k
}

fn subtract(v: &Value, b: &Value) -> Value {
    match (v, b) {
        (Value::Int(v), Value::Int(b)) => Value::Int(v.saturating_sub(*b)),
        (Value::Float(v), Value::Float(b)) => Value::Float((v - b).max(0.0)),
        (Value::Histogram(v), Value::Histogram(b)) if v.buckets.len() == b.buckets.len() => {
            Value::Histogram(HistValue {
                buckets: v
                    .buckets
                    .iter()
                    .zip(&b.buckets)
                    .map(|((le, n), (_, m))| (*le, n.saturating_sub(*m)))
                    .collect(),
                sum: (v.sum - b.sum).max(0.0),
                count: v.count.saturating_sub(b.count),
            })
        }
        _ => v.clone(),
    }
}

/// The families as a `prometheus-client` collector: encoded at scrape time.
#[derive(Debug)]
struct Families(Vec<Family>);

impl Collector for Families {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for f in &self.0 {
            // The encoder adds `_total` to counters and `_info` to infos.
            let (name, ty) = match f.kind {
                Kind::Counter => (f.name.strip_suffix("_total").unwrap_or(f.name), MetricType::Counter),
                Kind::Info => (f.name.strip_suffix("_info").unwrap_or(f.name), MetricType::Info),
                Kind::Gauge => (f.name, MetricType::Gauge),
                Kind::Histogram => (f.name, MetricType::Histogram),
                Kind::Untyped => (f.name, MetricType::Unknown),
            };
            let mut family = encoder.encode_descriptor(name, f.help, None, ty)?;
            for s in &f.samples {
                let labels: Vec<(&str, &str)> = s.labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
                if f.kind == Kind::Info {
                    family.encode_info(&labels)?;
                    continue;
                }
                let mut m = family.encode_family(&labels)?;
                match (f.kind, &s.value) {
                    (Kind::Counter, Value::Int(v)) => m.encode_counter::<NoLabelSet, _, u64>(v, None)?,
                    (Kind::Counter, Value::Float(v)) => m.encode_counter::<NoLabelSet, _, f64>(v, None)?,
                    (_, Value::Histogram(h)) => {
                        // The encoder wants per-bucket counts and adds +Inf itself.
                        let mut prev = 0;
                        let buckets: Vec<(f64, u64)> = h
                            .buckets
                            .iter()
                            .filter(|(le, _)| le.is_finite())
                            .map(|(le, c)| {
                                let n = c - prev;
                                prev = *c;
                                (*le, n)
                            })
                            .collect();
                        m.encode_histogram::<NoLabelSet>(h.sum, h.count, &buckets, None)?
                    }
                    (_, Value::Int(v)) => m.encode_gauge(v)?,
                    (_, Value::Signed(v)) => m.encode_gauge(v)?,
                    (_, Value::Float(v)) => m.encode_gauge(v)?,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::records::RequestRecord;

    #[test]
    fn text_has_every_family_with_help_and_escaped_labels() {
        let m = Metrics::default();
        m.finished(&RequestRecord {
            client_protocol: "openai".into(),
            channel_name: Some("main".into()),
            model: "evil\"model\\\nname".into(),
            status: 200,
            success: true,
            latency_ms: 300,
            ttfb_ms: Some(40),
            cost_usd: Some(0.25),
            tokens: crate::protocol::Usage { input: 10, output: 5, ..Default::default() },
            ..Default::default()
        });
        let live = Live {
            channels: vec![ChannelLive {
                name: "main".into(),
                enabled: true,
                breaker: BreakerState::HalfOpen,
                keys_cooling: 1,
            }],
            breaker_opened_total: 3,
            records_dropped: 0,
            tees: vec![(
                "audit".into(),
                crate::engine::tee::TeeStats { delivered: 3, dropped: 2, ..Default::default() },
            )],
            shared: Some(crate::engine::shared::SharedStatus {
                redis: "redis://127.0.0.1:6379".into(),
                up: false,
                error: Some("refused".into()),
                down_s: 3,
                published: 4,
                applied: 5,
                dropped: 6,
            }),
        };
        let text = m.prometheus_text(&live);
        for f in m.families(&live) {
            assert!(text.contains(&format!("# HELP {} ", f.name)), "{} missing:\n{text}", f.name);
        }
        assert!(text.contains("# TYPE routex_requests_total counter\nroutex_requests_total 1\n"), "{text}");
        assert!(text.contains("# TYPE routex_channels_total untyped\nroutex_channels_total 1\n"), "{text}");
        assert!(text.contains("routex_build_info{version=\""), "{text}");
        assert!(text.contains(r#"model="evil\"model\\\nname""#), "{text}");
        assert!(text.contains("routex_circuit_breaker_state{channel=\"main\"} 2\n"), "{text}");
        assert!(text.contains("routex_cost_usd_total{channel=\"main\",model="), "{text}");
        assert!(text.contains(
            "routex_time_to_first_byte_seconds_bucket{protocol=\"openai\",channel=\"main\",model=\"evil\\\"model\\\\\\nname\",status_class=\"2xx\",le=\"0.05\"} 1\n"
        ), "{text}");
        assert!(text.contains("routex_tee_dropped_total{tee=\"audit\"} 2\n"), "{text}");
        assert!(text.contains("# TYPE routex_shared_state_up gauge\nroutex_shared_state_up 0\n"), "{text}");
        assert!(text.contains("routex_shared_events_dropped_total 6\n"), "{text}");
        assert!(text.contains("routex_tee_delivered_total{tee=\"audit\"} 3\n"), "{text}");
        assert!(!text.contains("# EOF"), "0.0.4, not OpenMetrics");
    }

    #[test]
    fn reset_moves_the_json_baseline_not_the_text() {
        let m = Metrics::default();
        let r = RequestRecord {
            client_protocol: "anthropic".into(),
            model: "m".into(),
            status: 200,
            success: true,
            ..Default::default()
        };
        m.finished(&r);
        m.finished(&r);
        let live = Live::default();
        m.reset_views(&live);
        m.finished(&r);
        assert_eq!(m.summary_json(&live)["requests"]["total"], 1);
        assert!(m.prometheus_text(&live).contains("routex_requests_total 3\n"));
    }
}
