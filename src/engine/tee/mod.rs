//! Tee sinks (SPEC §8, docs/tees.md): copies of finished request records sent to a file
//! (JSON lines) or a webhook, each through its own filter.
//!
//! `mod.rs` holds what a user writes and what is stored: [`TeeSpec`] (config file, admin
//! API, export), the stored [`Tee`] (header values sealed like channel keys), validation
//! with the field and the fix, and the engine's CRUD, and [`filter`] as written.
//! `engine::sinks` runs the tees in the daemon (bounded queues, the file and webhook
//! writers, drops counted) and is the only part that does I/O. The snapshot carries the
//! tees so the runner notices every change, whoever made it.

pub mod filter;

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Engine, Error, Result};
use crate::secret::Secret;
use crate::store::Tree;
use crate::util::ids::new_id;
use crate::util::time::now_rfc3339;
pub use filter::{Filter, StatusMatch};

/// Defaults and bounds.
pub const DEFAULT_TIMEOUT_S: u64 = 5;
/// Webhook retries after the first try.
pub const DEFAULT_RETRIES: u32 = 3;
/// Records waiting per tee; past it records are dropped and counted.
pub const DEFAULT_QUEUE: usize = 10_000;
/// A file tee is rotated past this size, MiB.
pub const DEFAULT_MAX_SIZE_MB: u64 = 100;
/// Rotated files kept (`requests.jsonl.1` … `.N`).
pub const DEFAULT_KEEP: u32 = 5;
const MAX_QUEUE: usize = 1_000_000;
const MAX_BATCH: usize = 1_000;

/// Where a tee sends its copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeeType {
    /// JSON lines appended to a file, rotated by size.
    File,
    /// JSON POSTed to a URL.
    Webhook,
}

impl TeeType {
    /// Its name in configs and output.
    pub fn as_str(self) -> &'static str {
        match self {
            TeeType::File => "file",
            TeeType::Webhook => "webhook",
        }
    }
}

/// A tee as a user writes it: the config file's `tees:` entries, the admin API's bodies,
/// export documents. Field names follow SPEC §8; the tuning knobs are snake_case like the
/// rest of the config file (camelCase accepted).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeeSpec {
    /// Unique name.
    pub name: String,
    /// `file` or `webhook`.
    #[serde(rename = "type")]
    pub kind: String,
    /// File tees: the file (relative paths are under the data directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// File tees: rotate past this size, MiB.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "maxSizeMb")]
    pub max_size_mb: Option<u64>,
    /// File tees: rotated files kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<u32>,
    /// Webhook tees: the URL (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Webhook tees: headers sent with every POST. Values are secrets: masked in every
    /// output, sealed in the store, `${VAR}` read from the daemon's environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Webhook tees: seconds to wait for an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Webhook tees: tries after the first, with exponential backoff and jitter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Webhook tees: records per POST (1: one JSON object; more: a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "batchSize")]
    pub batch_size: Option<usize>,
    /// Records waiting at most; past it they are dropped and counted.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "queueSize")]
    pub queue_size: Option<usize>,
    /// Which records are copied.
    #[serde(default, skip_serializing_if = "Filter::is_empty")]
    pub filter: Filter,
    /// Off: kept but copies nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A stored tee: the spec validated, with defaults filled in and an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tee {
    /// `tee_…`.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Destination type.
    #[serde(rename = "type")]
    pub kind: TeeType,
    /// File tees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// File tees, MiB.
    pub max_size_mb: u64,
    /// File tees.
    pub keep: u32,
    /// Webhook tees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Webhook headers (values secret; sealed separately in the store).
    #[serde(skip)]
    pub headers: BTreeMap<String, Secret>,
    /// Seconds.
    pub timeout_s: u64,
    /// Tries after the first.
    pub retries: u32,
    /// Records per POST.
    pub batch_size: usize,
    /// Queue bound.
    pub queue_size: usize,
    /// The filter.
    #[serde(default)]
    pub filter: Filter,
    /// On or off.
    pub enabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// What the store holds: the tee and its header values sealed.
#[derive(Serialize, Deserialize)]
struct StoredTee {
    #[serde(flatten)]
    tee: Tee,
    #[serde(default)]
    sealed_headers: BTreeMap<String, String>,
}

impl Tee {
    /// The spec that makes this tee; header values masked unless `include_secrets`.
    pub fn to_spec(&self, include_secrets: bool) -> TeeSpec {
        let file = self.kind == TeeType::File;
        TeeSpec {
            name: self.name.clone(),
            kind: self.kind.as_str().to_string(),
            path: self.path.clone(),
            max_size_mb: file.then_some(self.max_size_mb),
            keep: file.then_some(self.keep),
            url: self.url.clone(),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), if include_secrets { v.expose().to_string() } else { v.masked() }))
                .collect(),
            timeout: (!file).then_some(self.timeout_s),
            retries: (!file).then_some(self.retries),
            batch_size: (!file).then_some(self.batch_size),
            queue_size: Some(self.queue_size),
            filter: self.filter.clone(),
            enabled: Some(self.enabled),
        }
    }

    /// What the API and `routex tee list/show` show: the masked spec and the id.
    pub fn view(&self) -> TeeView {
        TeeView {
            id: self.id.clone(),
            spec: self.to_spec(false),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            stats: None,
        }
    }

    /// A one-line description of the destination.
    pub fn destination(&self) -> String {
        match self.kind {
            TeeType::File => self.path.clone().unwrap_or_default(),
            TeeType::Webhook => self.url.clone().unwrap_or_default(),
        }
    }
}

/// A tee as shown: masked spec, id, times and (from a running daemon) its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeeView {
    /// `tee_…`.
    pub id: String,
    /// The spec, header values masked.
    #[serde(flatten)]
    pub spec: TeeSpec,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Counts since the daemon started (absent without a daemon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<TeeStats>,
}

/// A tee's counts since the daemon started.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeeStats {
    /// Records its filter took.
    pub matched: u64,
    /// Copies the destination accepted.
    pub delivered: u64,
    /// Copies lost: the queue was full, the destination failed every try, or shutdown's
    /// deadline passed.
    pub dropped: u64,
    /// Waiting in the queue or being sent.
    pub queued: u64,
    /// The last failure (unix ms and what happened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When it happened, unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_ms: Option<u64>,
}

/// `routex tee test`'s and `POST /api/tee/:id/test`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeeTest {
    /// The tee's name.
    pub name: String,
    /// Whether the destination took the test record.
    pub ok: bool,
    /// What happened, in words.
    pub message: String,
}

/// Fields a `tee edit`/`PUT` may change; absent ones stay.
pub type TeePatch = serde_json::Map<String, serde_json::Value>;

/// Where to look for a tee's name: a command, the same in every language.
const LIST_COMMAND: &str = "routex tee list"; // i18n: not prose

fn invalid(name: &str, field: &str, message: impl Into<String>) -> Error {
    let subject = if name.trim().is_empty() {
        t!("engine.kind.tee").into_owned()
    } else {
        t!("engine.tee.subject", name = format!("{:?}", name.trim())).into_owned()
    };
    Error::Invalid { subject, field: field.into(), message: message.into() }
}

/// Check a spec and build the tee it describes (with `id` and times).
pub fn validate(spec: &TeeSpec, id: String, created_at: String, updated_at: String) -> Result<Tee> {
    let name = spec.name.trim();
    let bad = |field: &str, message: String| invalid(name, field, message);
    if name.is_empty() {
        return Err(bad("name", t!("engine.tee.name_required").into_owned()));
    }
    if name.len() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(bad("name", t!("engine.tee.name_shape").into_owned()));
    }
    let kind = match spec.kind.trim().to_ascii_lowercase().as_str() {
        "file" => TeeType::File,
        "webhook" => TeeType::Webhook,
        "" => return Err(bad("type", t!("engine.tee.type_required").into_owned())),
        other => {
            return Err(bad(
                "type",
                t!(
                    "engine.tee.type_unknown",
                    given = format!("{other:?}"),
                    hint = crate::util::suggest::did_you_mean(other, ["file", "webhook"])
                )
                .into_owned(),
            ))
        }
    };
    let (path, url) = (spec.path.as_deref().map(str::trim), spec.url.as_deref().map(str::trim));
    match kind {
        TeeType::File => {
            if path.is_none_or(str::is_empty) {
                return Err(bad("path", t!("engine.tee.path_required").into_owned()));
            }
            for (field, set) in [
                ("url", url.is_some()),
                ("headers", !spec.headers.is_empty()),
                ("timeout", spec.timeout.is_some()),
                ("retries", spec.retries.is_some()),
                ("batch_size", spec.batch_size.is_some()),
            ] {
                if set {
                    return Err(bad(field, t!("engine.tee.webhook_only").into_owned()));
                }
            }
        }
        TeeType::Webhook => {
            let u =
                url.filter(|u| !u.is_empty()).ok_or_else(|| bad("url", t!("engine.tee.url_required").into_owned()))?;
            let ok = url::Url::parse(u).ok().filter(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some());
            if ok.is_none() {
                return Err(bad("url", t!("engine.tee.url_invalid", url = format!("{u:?}")).into_owned()));
            }
            if path.is_some() || spec.max_size_mb.is_some() || spec.keep.is_some() {
                let f = if path.is_some() {
                    "path"
                } else if spec.keep.is_some() {
                    "keep"
                } else {
                    "max_size_mb"
                };
                return Err(bad(f, t!("engine.tee.file_only").into_owned()));
            }
        }
    }
    let mut headers = BTreeMap::new();
    for (k, v) in &spec.headers {
        if http::HeaderName::from_bytes(k.trim().as_bytes()).is_err() {
            return Err(bad("headers", t!("engine.tee.header_name", name = format!("{k:?}")).into_owned()));
        }
        if http::HeaderValue::from_str(v).is_err() {
            return Err(bad("headers", t!("engine.tee.header_value", name = format!("{k:?}")).into_owned()));
        }
        headers.insert(k.trim().to_string(), Secret::new(v.clone()));
    }
    let timeout_s = spec.timeout.unwrap_or(DEFAULT_TIMEOUT_S);
    if !(1..=300).contains(&timeout_s) {
        return Err(bad("timeout", t!("engine.tee.timeout", got = timeout_s).into_owned()));
    }
    let retries = spec.retries.unwrap_or(DEFAULT_RETRIES);
    if retries > 10 {
        return Err(bad("retries", t!("engine.tee.retries", got = retries).into_owned()));
    }
    let batch_size = spec.batch_size.unwrap_or(1);
    if !(1..=MAX_BATCH).contains(&batch_size) {
        return Err(bad("batch_size", t!("engine.tee.batch_size", max = MAX_BATCH, got = batch_size).into_owned()));
    }
    let queue_size = spec.queue_size.unwrap_or(DEFAULT_QUEUE);
    if !(1..=MAX_QUEUE).contains(&queue_size) {
        return Err(bad("queue_size", t!("engine.tee.queue_size", max = MAX_QUEUE, got = queue_size).into_owned()));
    }
    let max_size_mb = spec.max_size_mb.unwrap_or(DEFAULT_MAX_SIZE_MB);
    if max_size_mb == 0 {
        return Err(bad("max_size_mb", t!("engine.tee.max_size").into_owned()));
    }
    let keep = spec.keep.unwrap_or(DEFAULT_KEEP);
    if keep > 100 {
        return Err(bad("keep", t!("engine.tee.keep", got = keep).into_owned()));
    }
    spec.filter.validate().map_err(|(field, m)| bad(&format!("filter.{field}"), m))?;
    Ok(Tee {
        id,
        name: name.to_string(),
        kind,
        path: path.map(str::to_string).filter(|_| kind == TeeType::File),
        max_size_mb,
        keep,
        url: url.map(str::to_string).filter(|_| kind == TeeType::Webhook),
        headers,
        timeout_s,
        retries,
        batch_size,
        queue_size,
        filter: spec.filter.clone(),
        enabled: spec.enabled.unwrap_or(true),
        created_at,
        updated_at,
    })
}

impl Engine {
    pub(super) fn load_tees(&self) -> Result<Vec<Tee>> {
        let stored: Vec<StoredTee> = self.store.list(Tree::Tees)?;
        let cipher = self.store.cipher();
        let mut tees = stored
            .into_iter()
            .map(|s| {
                let mut t = s.tee;
                for (k, v) in &s.sealed_headers {
                    // What the store's error names when it cannot decrypt (store errors stay English).
                    let what = format!("header {k:?} of tee {:?}", t.name); // i18n: not prose
                    let value = cipher.open(v, &what)?;
                    t.headers.insert(k.clone(), Secret::new(value));
                }
                Ok(t)
            })
            .collect::<Result<Vec<Tee>>>()?;
        tees.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tees)
    }

    fn seal_tee(&self, t: &Tee) -> StoredTee {
        let cipher = self.store.cipher();
        StoredTee {
            tee: t.clone(),
            sealed_headers: t.headers.iter().map(|(k, v)| (k.clone(), cipher.seal(v.expose()))).collect(),
        }
    }

    /// Every tee, by name.
    pub fn list_tees(&self) -> Vec<Tee> {
        self.snapshot().tees.as_ref().clone()
    }

    /// A tee by id, exact name or case-insensitive name.
    pub fn find_tee(&self, key: &str) -> Result<Tee> {
        let snap = self.snapshot();
        let t = &snap.tees;
        t.iter()
            .find(|t| t.id == key)
            .or_else(|| t.iter().find(|t| t.name == key))
            .or_else(|| t.iter().find(|t| t.name.eq_ignore_ascii_case(key)))
            .cloned()
            .ok_or_else(|| Error::NotFound { kind: "tee", name: key.to_string(), hint: LIST_COMMAND })
    }

    fn check_tee_unique(&self, name: &str, except_id: Option<&str>) -> Result<()> {
        let snap = self.snapshot();
        match snap.tees.iter().find(|t| t.name.eq_ignore_ascii_case(name) && Some(t.id.as_str()) != except_id) {
            Some(o) => Err(Error::Duplicate { kind: "tee", name: name.to_string(), id: o.id.clone() }),
            None => Ok(()),
        }
    }

    /// Add a tee.
    pub fn add_tee(&self, spec: &TeeSpec) -> Result<Tee> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_rfc3339();
        let tee = validate(spec, new_id("tee"), now.clone(), now)?;
        self.check_tee_unique(&tee.name, None)?;
        self.store.put(Tree::Tees, &tee.id, &self.seal_tee(&tee))?;
        self.reload()?;
        Ok(tee)
    }

    /// Change a tee: the patch's fields replace the spec's (a header value that is a mask
    /// keeps the stored value).
    pub fn edit_tee(&self, key: &str, patch: &TeePatch) -> Result<Tee> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.find_tee(key)?;
        let mut value = serde_json::to_value(old.to_spec(true)).expect("a spec serialises");
        let obj = value.as_object_mut().expect("a spec is an object");
        for (k, v) in patch {
            if v.is_null() {
                obj.remove(k);
            } else {
                obj.insert(k.clone(), v.clone());
            }
        }
        let mut spec: TeeSpec = serde_json::from_value(value)
            .map_err(|e| invalid(&old.name, "body", t!("engine.tee.body", error = e).into_owned()))?;
        keep_masked_headers(&mut spec, &old);
        let tee = validate(&spec, old.id.clone(), old.created_at.clone(), now_rfc3339())?;
        self.check_tee_unique(&tee.name, Some(&tee.id))?;
        self.store.put(Tree::Tees, &tee.id, &self.seal_tee(&tee))?;
        self.reload()?;
        Ok(tee)
    }

    /// Remove a tee.
    pub fn remove_tee(&self, key: &str) -> Result<Tee> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let tee = self.find_tee(key)?;
        self.store.remove(Tree::Tees, &tee.id)?;
        self.reload()?;
        Ok(tee)
    }

    /// Write tees planned by an import (puts replace by id, removes by id).
    pub(super) fn write_tees(&self, puts: &[Tee], removes: &[String]) -> Result<()> {
        let sealed: Vec<(String, StoredTee)> = puts.iter().map(|t| (t.id.clone(), self.seal_tee(t))).collect();
        self.store.apply(Tree::Tees, &sealed, removes)?;
        Ok(())
    }
}

/// A header value given as a mask (`…`, as exports without secrets write them) means
/// "keep the one stored".
pub(super) fn keep_masked_headers(spec: &mut TeeSpec, old: &Tee) {
    for (k, v) in spec.headers.iter_mut() {
        if v.contains('…') {
            if let Some(real) = old.headers.get(k) {
                *v = real.expose().to_string();
            }
        }
    }
}

/// The tees of a snapshot.
pub type Tees = Arc<Vec<Tee>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn spec(yaml: &str) -> TeeSpec {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn validation_names_the_field_and_the_fix() {
        let err = |y: &str| validate(&spec(y), "t".into(), "".into(), "".into()).unwrap_err().to_string();
        assert_eq!(
            err("{name: a, type: webhok, url: 'http://x'}"),
            "tee \"a\": field `type` \"webhok\" is not a tee type; use file or webhook (did you mean webhook?)"
        );
        assert!(err("{name: a, type: file}").contains("field `path` is required for a file tee"));
        assert!(err("{name: a, type: webhook, url: 'ftp://x'}").contains("is not an http(s) URL"));
        assert!(
            err("{name: a, type: file, path: x, retries: 2}").contains("field `retries` applies to webhook tees only")
        );
        assert!(err("{name: a, type: webhook, url: 'http://x', timeout: 0}").contains("1 to 300 seconds"));
        assert!(err("{name: a, type: file, path: x, filter: {sampleRate: 2}}").contains("field `filter.sampleRate`"));
        assert!(err("{name: a, type: file, path: x, filter: {successOnly: true, failureOnly: true}}")
            .contains("filter.failureOnly"));
        let unknown = serde_yaml::from_str::<TeeSpec>("{name: a, type: file, path: x, colour: red}").unwrap_err();
        assert!(unknown.to_string().contains("unknown field `colour`"), "{unknown}");
        let t =
            validate(&spec("{name: ' audit ', type: FILE, path: a.jsonl}"), "t".into(), "".into(), "".into()).unwrap();
        assert_eq!(
            (t.name.as_str(), t.kind, t.max_size_mb, t.keep, t.queue_size),
            ("audit", TeeType::File, 100, 5, 10_000)
        );
    }

    #[test]
    fn headers_are_sealed_masked_and_kept_on_a_masked_edit() {
        let e = Engine::with_store(Store::temporary().unwrap()).unwrap();
        let s = spec("{name: ops, type: webhook, url: 'http://127.0.0.1:9/h', headers: {Authorization: 'Bearer sk-very-secret-token'}}");
        let t = e.add_tee(&s).unwrap();
        let shown = serde_json::to_string(&t.view()).unwrap();
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("Authorization"));
        // The store holds no clear value.
        let raw: Vec<serde_json::Value> = e.store().list(Tree::Tees).unwrap();
        assert!(!raw[0].to_string().contains("very-secret"));
        // An edit that sends the masked value back keeps the real one.
        let mut patch = TeePatch::new();
        patch.insert("headers".into(), serde_json::to_value(&t.to_spec(false).headers).unwrap());
        patch.insert("retries".into(), 1.into());
        let t2 = e.edit_tee("ops", &patch).unwrap();
        assert_eq!(t2.headers["Authorization"].expose(), "Bearer sk-very-secret-token");
        assert_eq!(t2.retries, 1);
        assert_eq!(e.find_tee("OPS").unwrap().id, t.id);
        assert!(matches!(e.add_tee(&s), Err(Error::Duplicate { .. })));
        e.remove_tee(&t.id).unwrap();
        assert!(e.list_tees().is_empty());
    }
}
