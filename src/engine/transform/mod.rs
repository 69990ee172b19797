//! Transformer pipelines: per-channel edits of the body sent upstream and of what comes back.
//!
//! A channel's `transformers` config (docs/transformers.md) is parsed once by [`parse`] into a
//! [`PipelineConfig`] (validated, serialisable back to the same JSON shape); the proxy calls
//! [`PipelineConfig::build`] per request for the upstream model and runs the [`Pipeline`] on
//! the request (in order, after protocol conversion) and on the response or each stream event
//! (in reverse order, before conversion back). Every transformer works on the *channel's*
//! protocol; none of them converts between protocols — that is `crate::protocol`'s job — and
//! none does I/O. Each built-in lives in its own file: its serde options, a `build()` that
//! makes the running part, and its tests (vector's vocabulary). This module owns the config
//! syntax, the error messages, the catalog and the dry-run functions ([`test`](fn@test),
//! [`test_stream`]); `dry_run` turns an admin request into them.

pub mod cleancache;
pub mod dry_run;
pub mod enhancetool;
pub mod format;
pub mod maxtoken;
pub mod reasoning;
pub mod sampling;
pub mod tooluse;

use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

pub use crate::protocol::Protocol;

/// One running transformer. Every hook defaults to "leave it alone", so a transformer only
/// implements the directions it cares about. Hooks must never panic on unexpected shapes:
/// bodies come from clients and upstreams.
pub trait Transformer: Send + Sync {
    /// The built-in's name, as written in the config.
    fn name(&self) -> &'static str;
    /// Edit the request body (channel protocol).
    fn request(&self, _p: Protocol, _body: &mut Value) {}
    /// Edit a non-stream response body (channel protocol).
    fn response(&self, _p: Protocol, _body: &mut Value) {}
    /// Edit one stream event's parsed JSON data (channel protocol); false drops the event.
    fn stream_event(&self, _p: Protocol, _event: Option<&str>, _data: &mut Value) -> bool {
        true
    }
    /// The upstream stream is ending (its end marker is next, or the connection closed):
    /// events to send before the end, as `(event name, JSON data)` — for a transformer that
    /// held something back waiting for more. Called once per stream.
    fn stream_end(&self, _p: Protocol) -> Vec<(Option<String>, Value)> {
        Vec::new()
    }
}

/// Why a transformer config (or a dry-run request) was rejected. Each message is a sentence
/// naming the config path and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransformError {
    /// A `use` entry names no built-in.
    #[error("{path}: unknown transformer {name:?}; built-ins: {builtins}", builtins = builtin_list())]
    Unknown {
        /// Where, e.g. `transformers.use[2]`.
        path: String,
        /// The name as written.
        name: String,
    },
    /// An option of a built-in has the wrong name, type or value.
    #[error("{path}: transformer {transformer:?} option {option:?} {message}")]
    BadOption {
        /// Where, e.g. `transformers.use[1]`.
        path: String,
        /// The built-in.
        transformer: &'static str,
        /// The option as written.
        option: String,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// The config does not have the documented shape.
    #[error("{path}: {message}")]
    Shape {
        /// Where, e.g. `transformers` or `transformers.deepseek-chat`.
        path: String,
        /// What is wrong and the expected shape.
        message: String,
    },
    /// A dry run asked for a direction other than request / response / stream.
    #[error("direction: {0:?} is not supported; use \"request\", \"response\" or \"stream\"")]
    Direction(String),
}

/// A built-in with its validated options.
#[derive(Debug, Clone, PartialEq)]
enum Spec {
    Format(Protocol),
    MaxToken(maxtoken::Config),
    Sampling(sampling::Config),
    CleanCache(cleancache::Config),
    Reasoning(reasoning::Config),
    ToolUse(tooluse::Config),
    EnhanceTool(enhancetool::Config),
}

/// Name, description, and how to read its options.
struct Builtin {
    name: &'static str,
    about: &'static str,
    parse: fn(&str, Option<&Value>) -> Result<Spec, TransformError>,
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "anthropic",
        about: "Send this channel's requests in the Anthropic Messages format.",
        parse: |p, o| no_options("anthropic", p, o).map(|_| Spec::Format(Protocol::Anthropic)),
    },
    Builtin {
        name: "openai",
        about: "Send this channel's requests in the OpenAI Chat Completions format.",
        parse: |p, o| no_options("openai", p, o).map(|_| Spec::Format(Protocol::Openai)),
    },
    Builtin {
        name: "gemini",
        about: "Send this channel's requests in the Gemini generateContent format.",
        parse: |p, o| no_options("gemini", p, o).map(|_| Spec::Format(Protocol::Gemini)),
    },
    Builtin {
        name: "maxtoken",
        about: "Cap the output-token limit at max_tokens (default 8192); never raises it.",
        parse: |p, o| {
            options("maxtoken", p, o).and_then(|c: maxtoken::Config| c.check("maxtoken", p)).map(Spec::MaxToken)
        },
    },
    Builtin {
        name: "sampling",
        about: "Clamp temperature and top_p to the upstream's range; drop top_k where it is rejected.",
        parse: |p, o| {
            options("sampling", p, o).and_then(|c: sampling::Config| c.check("sampling", p)).map(Spec::Sampling)
        },
    },
    Builtin {
        name: "cleancache",
        about: "Strip every cache_control marker from the request.",
        parse: |p, o| options("cleancache", p, o).map(Spec::CleanCache),
    },
    Builtin {
        name: "reasoning",
        about: "Map reasoning_content of OpenAI-compatible upstreams (DeepSeek, …) to and from thinking.",
        parse: |p, o| options("reasoning", p, o).map(Spec::Reasoning),
    },
    Builtin {
        name: "tooluse",
        about: "Force tool calls (tool_choice \"required\") with an ExitTool escape, for models that ignore tools.",
        parse: |p, o| options("tooluse", p, o).map(Spec::ToolUse),
    },
    Builtin {
        name: "enhancetool",
        about: "Repair malformed tool-call argument JSON in responses and streams.",
        parse: |p, o| options("enhancetool", p, o).map(Spec::EnhanceTool),
    },
];

fn builtin_list() -> String {
    BUILTINS.iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
}

/// Names and one-line descriptions of the built-ins, for `GET /api/transformers`.
pub fn catalog() -> Vec<(&'static str, &'static str)> {
    BUILTINS.iter().map(|b| (b.name, b.about)).collect()
}

/// One `use` entry: the name, its options as written (kept for round trips), the parsed spec.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    name: &'static str,
    options: Option<Value>,
    spec: Spec,
}

impl Entry {
    fn parse(path: &str, v: &Value) -> Result<Entry, TransformError> {
        let (name, options) = match v {
            Value::String(s) => (s.as_str(), None),
            Value::Array(a) if !a.is_empty() && a.len() <= 2 && a[0].is_string() => {
                (a[0].as_str().unwrap_or_default(), a.get(1).filter(|o| !o.is_null()))
            }
            _ => {
                return Err(TransformError::Shape {
                    path: path.to_string(),
                    message: format!(
                        "expected a transformer name or [name, {{options}}] (e.g. [maxtoken, {{max_tokens: 8192}}]), got {}",
                        short(v)
                    ),
                })
            }
        };
        let b = BUILTINS
            .iter()
            .find(|b| b.name == name)
            .ok_or_else(|| TransformError::Unknown { path: path.to_string(), name: name.to_string() })?;
        let spec = (b.parse)(path, options)?;
        Ok(Entry { name: b.name, options: options.cloned(), spec })
    }

    fn build(&self) -> Box<dyn Transformer> {
        match &self.spec {
            Spec::Format(p) => Box::new(format::Format(*p)),
            Spec::MaxToken(c) => c.build(),
            Spec::Sampling(c) => c.build(),
            Spec::CleanCache(c) => c.build(),
            Spec::Reasoning(c) => c.build(),
            Spec::ToolUse(c) => c.build(),
            Spec::EnhanceTool(c) => c.build(),
        }
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.options {
            None => s.serialize_str(self.name),
            Some(o) => {
                let mut seq = s.serialize_seq(Some(2))?;
                seq.serialize_element(self.name)?;
                seq.serialize_element(o)?;
                seq.end()
            }
        }
    }
}

/// A channel's validated pipeline config: the channel-wide `use` list and per-model
/// additions (keyed by upstream model, in the order written). Serialises back to the
/// shape it was parsed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PipelineConfig {
    /// `None` when the config had no `use` key (so it serialises without one).
    uses: Option<Vec<Entry>>,
    models: Vec<(String, Vec<Entry>)>,
}

impl Serialize for PipelineConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Uses<'a>(&'a [Entry]);
        impl Serialize for Uses<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("use", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        if let Some(uses) = &self.uses {
            m.serialize_entry("use", uses)?;
        }
        for (model, entries) in &self.models {
            m.serialize_entry(model, &Uses(entries))?;
        }
        m.end()
    }
}

/// Parse a channel's `transformers` value (see docs/transformers.md):
///
/// ```yaml
/// transformers:
///   use: [openai, [maxtoken, {max_tokens: 8192}], sampling, cleancache]
///   deepseek-chat: { use: [reasoning] }      # per-model additions (model = the upstream model)
/// ```
///
/// Each `use` entry is a name or `[name, {options}]`. `null` is an empty pipeline. An unknown
/// name, unknown or mistyped options, or a format transformer (`anthropic`, `openai`,
/// `gemini`) in a per-model list are errors naming the path.
pub fn parse(config: &Value) -> Result<PipelineConfig, TransformError> {
    let obj = match config {
        Value::Null => return Ok(PipelineConfig::default()),
        Value::Object(o) => o,
        other => {
            return Err(TransformError::Shape {
                path: "transformers".into(),
                message: format!(
                    "expected an object like {{use: [openai, sampling], deepseek-chat: {{use: [reasoning]}}}}, got {}",
                    short(other)
                ),
            })
        }
    };
    let mut out = PipelineConfig::default();
    for (key, v) in obj {
        if key == "use" {
            out.uses = Some(parse_list("transformers.use", v)?);
            continue;
        }
        let path = format!("transformers.{key}");
        let list = match v {
            Value::Object(m) if m.len() == 1 && m.contains_key("use") => &m["use"],
            _ => {
                return Err(TransformError::Shape {
                    path,
                    message: format!(
                        "per-model additions must be {{use: [...]}} (the key {key:?} is read as an upstream model name), got {}",
                        short(v)
                    ),
                })
            }
        };
        let list_path = format!("{path}.use");
        let entries = parse_list(&list_path, list)?;
        if let Some((i, e)) = entries.iter().enumerate().find(|(_, e)| matches!(e.spec, Spec::Format(_))) {
            return Err(TransformError::Shape {
                path: format!("{list_path}[{i}]"),
                message: format!(
                    "{:?} sets the channel's wire format, which cannot differ per model; move it to transformers.use",
                    e.name
                ),
            });
        }
        out.models.push((key.clone(), entries));
    }
    Ok(out)
}

fn parse_list(path: &str, v: &Value) -> Result<Vec<Entry>, TransformError> {
    let Value::Array(items) = v else {
        return Err(TransformError::Shape {
            path: path.to_string(),
            message: format!("expected a list like [openai, [maxtoken, {{max_tokens: 8192}}]], got {}", short(v)),
        });
    };
    items.iter().enumerate().map(|(i, item)| Entry::parse(&format!("{path}[{i}]"), item)).collect()
}

impl PipelineConfig {
    /// The running pipeline for one upstream model: the channel-wide list, then the model's
    /// additions (exact model name).
    pub fn build(&self, upstream_model: &str) -> Pipeline {
        let extra = self.models.iter().filter(|(m, _)| m == upstream_model).flat_map(|(_, e)| e.iter());
        Pipeline {
            ended: Default::default(),
            stages: self
                .uses
                .iter()
                .flatten()
                .chain(extra)
                .filter(|e| !matches!(e.spec, Spec::Format(_)))
                .map(Entry::build)
                .collect(),
        }
    }

    /// The wire format forced by `anthropic` / `openai` / `gemini` in the channel-wide list
    /// (the last one wins), if any.
    pub fn forced_protocol(&self) -> Option<Protocol> {
        self.uses.iter().flatten().rev().find_map(|e| match e.spec {
            Spec::Format(p) => Some(p),
            _ => None,
        })
    }

    /// True when the config has no entries at all.
    pub fn is_empty(&self) -> bool {
        self.uses.as_ref().is_none_or(Vec::is_empty) && self.models.iter().all(|(_, e)| e.is_empty())
    }
}

/// A running pipeline for one request. Format transformers are not in it (they only decide
/// the protocol); an empty pipeline costs nothing to run.
#[derive(Default)]
pub struct Pipeline {
    stages: Vec<Box<dyn Transformer>>,
    /// [`Pipeline::stream_end`] ran.
    ended: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.stages.iter().map(|t| t.name())).finish()
    }
}

impl Pipeline {
    /// True when there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// The transformers' names, in request order.
    pub fn names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|t| t.name()).collect()
    }

    /// Run on the request body in the channel's protocol (after any conversion), in order.
    pub fn request(&self, protocol: Protocol, body: &mut Value) {
        for t in &self.stages {
            t.request(protocol, body);
        }
    }

    /// Run on a non-stream response body (channel protocol, before conversion back), in
    /// reverse order.
    pub fn response(&self, protocol: Protocol, body: &mut Value) {
        for t in self.stages.iter().rev() {
            t.response(protocol, body);
        }
    }

    /// Run on one stream event's parsed JSON data (channel protocol), in reverse order.
    /// Returns false when a transformer dropped the event (later ones are then not run).
    /// Events whose data is not JSON (OpenAI's `[DONE]`) are not for the pipeline.
    pub fn stream_event(&self, protocol: Protocol, event: Option<&str>, data: &mut Value) -> bool {
        self.stages.iter().rev().all(|t| t.stream_event(protocol, event, data))
    }

    /// The stream is ending: the events the transformers still hold, in stream order (what a
    /// stage emits passes through the stages after it). Only the first call returns anything,
    /// so the relay may call it both at the end marker and when the connection closes.
    pub fn stream_end(&self, protocol: Protocol) -> Vec<(Option<String>, Value)> {
        if self.ended.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return Vec::new();
        }
        let mut events: Vec<(Option<String>, Value)> = Vec::new();
        for t in self.stages.iter().rev() {
            events.retain_mut(|(e, d)| t.stream_event(protocol, e.as_deref(), d));
            events.extend(t.stream_end(protocol));
        }
        events
    }
}

/// True for the event that ends a stream of `protocol` on the wire: OpenAI's `[DONE]`,
/// Anthropic's `message_stop` (Gemini streams just end). Held events go before it.
pub fn is_end_marker(protocol: Protocol, event: Option<&str>, data: &str) -> bool {
    match protocol {
        Protocol::Openai => data.trim() == "[DONE]",
        Protocol::Anthropic => event == Some("message_stop"),
        Protocol::Gemini => false,
    }
}

/// `POST /api/transformers/test {transformer, request, direction}`: run one transformer
/// (a name or `[name, {options}]`) on a JSON body. `direction` is `"request"` or
/// `"response"` (streams: [`test_stream`]); `protocol` is the channel protocol the body is
/// in (the API defaults it to openai). Format transformers return the body unchanged.
pub fn test(transformer: &Value, body: Value, direction: &str, protocol: Protocol) -> Result<Value, TransformError> {
    let entry = Entry::parse("transformer", transformer)?;
    let mut body = body;
    let t = entry.build();
    match direction {
        "request" => t.request(protocol, &mut body),
        "response" => t.response(protocol, &mut body),
        other => return Err(TransformError::Direction(other.to_string())),
    }
    Ok(body)
}

/// One stream event of a dry run: the SSE `event:` name, if any, and the `data:` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestEvent {
    /// The `event:` field.
    pub event: Option<String>,
    /// The `data:` field as sent (JSON text, or e.g. `[DONE]`).
    pub data: String,
}

/// The stream form of [`test`](fn@test) (`direction: "stream"`): run one transformer over a stream's
/// events, in order, as the proxy does for a channel with that transformer — JSON events go
/// through its stream hook (and may be dropped or edited), other data (`[DONE]`) passes as
/// it is, and what the transformer holds back is released before the end marker or after
/// the last event. `protocol` is the channel protocol of the events.
pub fn test_stream(
    transformer: &Value,
    events: Vec<TestEvent>,
    protocol: Protocol,
) -> Result<Vec<TestEvent>, TransformError> {
    let entry = Entry::parse("transformer", transformer)?;
    let pipe = Pipeline { stages: vec![entry.build()], ended: Default::default() };
    let mut out = Vec::new();
    let end = |out: &mut Vec<TestEvent>| {
        for (event, data) in pipe.stream_end(protocol) {
            out.push(TestEvent { event, data: data.to_string() });
        }
    };
    for ev in events {
        if is_end_marker(protocol, ev.event.as_deref(), &ev.data) {
            end(&mut out);
        }
        match serde_json::from_str::<Value>(&ev.data) {
            Ok(mut v) => {
                if pipe.stream_event(protocol, ev.event.as_deref(), &mut v) {
                    out.push(TestEvent { event: ev.event, data: v.to_string() });
                }
            }
            Err(_) => out.push(ev),
        }
    }
    end(&mut out);
    Ok(out)
}

/// Built-ins without options accept none (an empty object is fine).
fn no_options(name: &'static str, path: &str, o: Option<&Value>) -> Result<(), TransformError> {
    match o {
        None => Ok(()),
        Some(Value::Object(m)) if m.is_empty() => Ok(()),
        Some(Value::Object(m)) => Err(TransformError::BadOption {
            path: path.to_string(),
            transformer: name,
            option: m.keys().next().cloned().unwrap_or_default(),
            message: "is not known; this transformer takes no options".into(),
        }),
        Some(other) => Err(TransformError::Shape {
            path: path.to_string(),
            message: format!("options of {name:?} must be an object, got {}", short(other)),
        }),
    }
}

/// Deserialise a built-in's options (`deny_unknown_fields` structs with defaults), naming
/// the offending option on failure: an unknown key is found by serde, a bad value by
/// retrying one key at a time.
fn options<T: DeserializeOwned + Default>(
    name: &'static str,
    path: &str,
    o: Option<&Value>,
) -> Result<T, TransformError> {
    let map = match o {
        None => return Ok(T::default()),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(TransformError::Shape {
                path: path.to_string(),
                message: format!("options of {name:?} must be an object, got {}", short(other)),
            })
        }
    };
    match serde_json::from_value::<T>(Value::Object(map.clone())) {
        Ok(c) => Ok(c),
        Err(whole) => {
            for (k, v) in map {
                let mut one = Map::new();
                one.insert(k.clone(), v.clone());
                if let Err(e) = serde_json::from_value::<T>(Value::Object(one)) {
                    let msg = e.to_string();
                    let message = if msg.starts_with("unknown field") {
                        format!("is not known; {}", msg.split_once(", ").map_or(msg.as_str(), |(_, rest)| rest))
                    } else {
                        format!("has a wrong value: {msg}")
                    };
                    return Err(TransformError::BadOption {
                        path: path.to_string(),
                        transformer: name,
                        option: k.clone(),
                        message,
                    });
                }
            }
            Err(TransformError::Shape { path: path.to_string(), message: format!("options of {name:?}: {whole}") })
        }
    }
}

/// A short rendering of a JSON value for messages.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 {
        let mut end = 57;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s
    }
}

/// Helpers shared by the built-ins' tests.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// Build one transformer from a `use` entry.
    pub fn one(entry: Value) -> Box<dyn Transformer> {
        Entry::parse("t", &entry).expect("valid entry").build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    #[test]
    fn parses_the_spec_example_and_round_trips() {
        let cfg = json!({
            "use": ["openai", ["maxtoken", {"max_tokens": 8192}], "sampling", "cleancache"],
            "deepseek-chat": {"use": ["reasoning"]}
        });
        let p = parse(&cfg).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap(), cfg);
        assert_eq!(p.forced_protocol(), Some(Protocol::Openai));
        assert_eq!(p.build("gpt-4o").names(), ["maxtoken", "sampling", "cleancache"]);
        assert_eq!(p.build("deepseek-chat").names(), ["maxtoken", "sampling", "cleancache", "reasoning"]);
        assert!(parse(&Value::Null).unwrap().build("x").is_empty());
        for shape in [json!({}), json!({"use": []}), json!({"m": {"use": ["cleancache"]}})] {
            assert_eq!(serde_json::to_value(parse(&shape).unwrap()).unwrap(), shape);
        }
    }

    #[test]
    fn last_format_wins_and_none_is_none() {
        let p = parse(&json!({"use": ["anthropic", "cleancache", "gemini"]})).unwrap();
        assert_eq!(p.forced_protocol(), Some(Protocol::Gemini));
        assert_eq!(parse(&json!({"use": ["cleancache"]})).unwrap().forced_protocol(), None);
    }

    #[test]
    fn per_model_additions_apply_only_to_that_model() {
        let p = parse(&json!({"use": ["cleancache"], "deepseek-chat": {"use": [["maxtoken", {"max_tokens": 100}]]}}))
            .unwrap();
        let mut a = json!({"model": "deepseek-chat", "max_tokens": 4000, "messages": []});
        p.build("deepseek-chat").request(Protocol::Openai, &mut a);
        assert_eq!(a["max_tokens"], 100);
        let mut b = json!({"model": "deepseek-reasoner", "max_tokens": 4000, "messages": []});
        p.build("deepseek-reasoner").request(Protocol::Openai, &mut b);
        assert_eq!(b["max_tokens"], 4000);
    }

    /// Records the order hooks ran in.
    struct Probe(&'static str, Arc<Mutex<Vec<String>>>);
    impl Transformer for Probe {
        fn name(&self) -> &'static str {
            self.0
        }
        fn request(&self, _p: Protocol, body: &mut Value) {
            self.1.lock().unwrap().push(format!("req:{}", self.0));
            body["trail"].as_array_mut().unwrap().push(json!(self.0));
        }
        fn response(&self, _p: Protocol, _body: &mut Value) {
            self.1.lock().unwrap().push(format!("resp:{}", self.0));
        }
        fn stream_event(&self, _p: Protocol, _e: Option<&str>, data: &mut Value) -> bool {
            self.1.lock().unwrap().push(format!("ev:{}", self.0));
            data.get("drop_at").and_then(Value::as_str) != Some(self.0)
        }
    }

    #[test]
    fn request_runs_in_order_response_and_stream_in_reverse() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let p = Pipeline {
            stages: vec![Box::new(Probe("a", log.clone())), Box::new(Probe("b", log.clone()))],
            ended: Default::default(),
        };
        let mut body = json!({"trail": []});
        p.request(Protocol::Openai, &mut body);
        assert_eq!(body["trail"], json!(["a", "b"]));
        p.response(Protocol::Openai, &mut body);
        assert!(p.stream_event(Protocol::Openai, None, &mut json!({})));
        // b runs first on the way back and drops the event: a never sees it.
        assert!(!p.stream_event(Protocol::Openai, None, &mut json!({"drop_at": "b"})));
        assert_eq!(
            *log.lock().unwrap(),
            ["req:a", "req:b", "resp:b", "resp:a", "ev:b", "ev:a", "ev:b"].map(String::from)
        );
    }

    #[test]
    fn built_pipeline_runs_every_stage() {
        let p = parse(&json!({"use": ["tooluse", "cleancache"]})).unwrap().build("m");
        let mut body = json!({
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "Read", "parameters": {}}, "cache_control": {"type": "ephemeral"}}]
        });
        p.request(Protocol::Openai, &mut body);
        assert_eq!(body["tools"][0]["function"]["name"], "ExitTool");
        assert!(!body.to_string().contains("cache_control"));
    }

    #[test]
    fn unknown_name_lists_the_builtins() {
        let e = parse(&json!({"use": ["openai", "sampling", "maxtokens"]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "transformers.use[2]: unknown transformer \"maxtokens\"; built-ins: anthropic, openai, gemini, maxtoken, sampling, cleancache, reasoning, tooluse, enhancetool"
        );
        let e = parse(&json!({"deepseek-chat": {"use": ["reasonin"]}})).unwrap_err();
        assert!(
            e.to_string().starts_with("transformers.deepseek-chat.use[0]: unknown transformer \"reasonin\""),
            "{e}"
        );
    }

    #[test]
    fn bad_options_name_the_transformer_and_option() {
        let e = parse(&json!({"use": [["maxtoken", {"max_tokens": "lots"}]]})).unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("transformers.use[0]: transformer \"maxtoken\" option \"max_tokens\" has a wrong value"),
            "{s}"
        );
        let e = parse(&json!({"use": ["cleancache", ["maxtoken", {"max_token": 10}]]})).unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("transformers.use[1]: transformer \"maxtoken\" option \"max_token\" is not known"),
            "{s}"
        );
        assert!(s.contains("max_tokens"), "lists the accepted option: {s}");
        let e = parse(&json!({"use": [["openai", {"x": 1}]]})).unwrap_err();
        assert!(matches!(e, TransformError::BadOption { transformer: "openai", .. }), "{e}");
        let e = parse(&json!({"use": [["sampling", {"temperature": [2, 1]}]]})).unwrap_err();
        assert!(e.to_string().contains("option \"temperature\""), "{e}");
    }

    #[test]
    fn bad_shapes_are_explained() {
        for (cfg, path) in [
            (json!(["openai"]), "transformers:"),
            (json!({"use": "openai"}), "transformers.use:"),
            (json!({"use": [42]}), "transformers.use[0]:"),
            (json!({"use": [["maxtoken", 8192]]}), "transformers.use[0]:"),
            (json!({"deepseek-chat": ["reasoning"]}), "transformers.deepseek-chat:"),
            (json!({"deepseek-chat": {"use": ["openai"]}}), "transformers.deepseek-chat.use[0]:"),
        ] {
            let e = parse(&cfg).unwrap_err().to_string();
            assert!(e.starts_with(path), "{cfg}: {e}");
        }
    }

    #[test]
    fn catalog_covers_every_builtin_and_each_parses() {
        let c = catalog();
        assert_eq!(c.len(), 9);
        for (name, about) in c {
            assert!(!about.is_empty());
            let p = parse(&json!({"use": [name]})).unwrap();
            assert_eq!(p.build("m").is_empty(), ["anthropic", "openai", "gemini"].contains(&name), "{name}");
        }
    }

    #[test]
    fn dry_run_runs_one_transformer() {
        let out =
            test(&json!(["maxtoken", {"max_tokens": 10}]), json!({"max_tokens": 99}), "request", Protocol::Openai)
                .unwrap();
        assert_eq!(out["max_tokens"], 10);
        let out = test(&json!("maxtoken"), json!({"max_tokens": 99}), "response", Protocol::Openai).unwrap();
        assert_eq!(out["max_tokens"], 99, "maxtoken does not touch responses");
        assert!(matches!(
            test(&json!("maxtoken"), json!({}), "sideways", Protocol::Openai),
            Err(TransformError::Direction(_))
        ));
        assert!(matches!(
            test(&json!("nope"), json!({}), "request", Protocol::Openai),
            Err(TransformError::Unknown { .. })
        ));
    }

    /// Holds everything back and releases one event at the end.
    struct Hold;
    impl Transformer for Hold {
        fn name(&self) -> &'static str {
            "hold"
        }
        fn stream_event(&self, _p: Protocol, _e: Option<&str>, _data: &mut Value) -> bool {
            false
        }
        fn stream_end(&self, _p: Protocol) -> Vec<(Option<String>, Value)> {
            vec![(Some("held".into()), json!({"trail": []}))]
        }
    }

    /// Appends its name to `trail` of every event it sees.
    struct Mark(&'static str);
    impl Transformer for Mark {
        fn name(&self) -> &'static str {
            self.0
        }
        fn stream_event(&self, _p: Protocol, _e: Option<&str>, data: &mut Value) -> bool {
            if let Some(t) = data["trail"].as_array_mut() {
                t.push(json!(self.0));
            }
            true
        }
    }

    #[test]
    fn stream_end_releases_once_and_through_the_later_stages() {
        // Stream order is reverse: c, hold, a. What hold releases still passes a, not c.
        let p = Pipeline {
            stages: vec![Box::new(Mark("a")), Box::new(Hold), Box::new(Mark("c"))],
            ended: Default::default(),
        };
        assert!(!p.stream_event(Protocol::Openai, None, &mut json!({"trail": []})));
        assert_eq!(p.stream_end(Protocol::Openai), vec![(Some("held".to_string()), json!({"trail": ["a"]}))]);
        assert!(p.stream_end(Protocol::Openai).is_empty(), "only once");
        assert!(Pipeline::default().stream_end(Protocol::Openai).is_empty());
    }

    #[test]
    fn end_markers_per_protocol() {
        assert!(is_end_marker(Protocol::Openai, None, "[DONE]"));
        assert!(is_end_marker(Protocol::Openai, None, " [DONE] "));
        assert!(!is_end_marker(Protocol::Openai, None, "{}"));
        assert!(is_end_marker(Protocol::Anthropic, Some("message_stop"), "{}"));
        assert!(!is_end_marker(Protocol::Anthropic, Some("message_delta"), "{}"));
        assert!(!is_end_marker(Protocol::Gemini, None, "[DONE]"));
    }

    fn ev(data: &str) -> TestEvent {
        TestEvent { event: None, data: data.to_string() }
    }

    #[test]
    fn dry_run_of_a_stream() {
        let delta = |c: &str| json!({"choices": [{"index": 0, "delta": {"content": c}}]}).to_string();
        let out = test_stream(
            &json!("reasoning"),
            vec![ev(&delta("<thi")), ev(&delta("nk>why</think>so")), ev("[DONE]")],
            Protocol::Openai,
        )
        .unwrap();
        let data: Vec<Value> = out.iter().map(|e| serde_json::from_str(&e.data).unwrap_or(json!(e.data))).collect();
        assert_eq!(data[0]["choices"][0]["delta"], json!({"content": ""}));
        assert_eq!(data[1]["choices"][0]["delta"], json!({"content": "so", "reasoning_content": "why"}));
        assert_eq!(data[2], json!("[DONE]"));
        assert_eq!(out.len(), 3);
        // Held bytes come out before [DONE]; with no [DONE], after the last event.
        for tail in [vec![ev("[DONE]")], vec![]] {
            let mut events = vec![ev(&delta("<"))];
            events.extend(tail.clone());
            let out = test_stream(&json!("reasoning"), events, Protocol::Openai).unwrap();
            assert_eq!(out.len(), 2 + tail.len());
            let flushed: Value = serde_json::from_str(&out[1].data).unwrap();
            assert_eq!(flushed["choices"][0]["delta"], json!({"content": "<"}), "{out:?}");
        }
        // enhancetool drops the fragment events; an Anthropic stream passes through untouched.
        let out = test_stream(
            &json!("enhancetool"),
            vec![ev(
                r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{'a': 1,"}}]}}]}"#,
            )],
            Protocol::Openai,
        )
        .unwrap();
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].data.contains(r#"{\"a\":1}"#), "repaired at the end: {out:?}");
        let a = TestEvent { event: Some("ping".into()), data: r#"{"type":"ping"}"#.into() };
        assert_eq!(test_stream(&json!("reasoning"), vec![a.clone()], Protocol::Anthropic).unwrap(), vec![a]);
        assert!(matches!(test_stream(&json!("nope"), vec![], Protocol::Openai), Err(TransformError::Unknown { .. })));
    }
}
