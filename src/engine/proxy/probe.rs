//! Channel tests (`routex test`, `POST /api/channels/:id/test`): one real request per
//! channel, the cheapest its protocol allows, and what its answer means in words.
//!
//! The request is a one-token generation ("ping", `max_tokens: 1`, or Gemini's
//! `maxOutputTokens: 1`) for the channel's test model, with its first key, through the
//! same URL and headers the proxy uses: so a ✓ means a request would go through. A ✗
//! carries the cause and the fix as sentences. No breaker, cooldown or record is touched.

use bytes::Bytes;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

use super::{client, upstream};
use crate::engine::{Channel, ChannelType};
use crate::protocol::Protocol;

/// How long one test may take, connection included.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The outcome of testing one channel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChannelTest {
    /// The channel's id.
    pub id: String,
    /// Its name.
    pub channel: String,
    /// Whether it answered the test request.
    pub ok: bool,
    /// The upstream's HTTP status, when one came back.
    pub status: Option<u16>,
    /// Time to the whole answer, ms.
    pub latency_ms: u64,
    /// The model asked for.
    pub model: String,
    /// The model the upstream says answered.
    pub answered_model: Option<String>,
    /// What went wrong, as a sentence.
    pub error: Option<String>,
    /// What to do about it.
    pub fix: Option<String>,
    /// The upstream's clock minus this machine's, seconds, from its `Date` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_skew_s: Option<i64>,
}

/// The model a test asks for: the channel's first model name without wildcards (or its
/// first `model_map` target), else a small model of the provider.
pub fn test_model(ch: &Channel) -> String {
    let concrete = |m: &&String| !m.contains(['*', '?', '[']);
    if let Some(m) = ch.models.iter().find(concrete) {
        return ch.model_map.get(m).cloned().unwrap_or_else(|| m.clone());
    }
    if let Some(m) = ch.model_map.values().next() {
        return m.clone();
    }
    match ch.protocol {
        Protocol::Anthropic => "claude-3-5-haiku-latest",
        Protocol::Openai => "gpt-4o-mini",
        Protocol::Gemini => "gemini-2.0-flash",
    }
    .to_string()
}

/// The test request's body in the channel's protocol.
fn test_body(protocol: Protocol, model: &str) -> serde_json::Value {
    let messages = serde_json::json!([{"role": "user", "content": "ping"}]);
    match protocol {
        Protocol::Anthropic => serde_json::json!({"model": model, "max_tokens": 1, "messages": messages}),
        Protocol::Openai => serde_json::json!({"model": model, "max_tokens": 1, "messages": messages}),
        Protocol::Gemini => serde_json::json!({
            "contents": [{"role": "user", "parts": [{"text": "ping"}]}],
            "generationConfig": {"maxOutputTokens": 1}
        }),
    }
}

/// Test one channel (see the module docs) within [`TEST_TIMEOUT`].
pub async fn test_channel(ch: &Channel, pool: &client::Upstream) -> ChannelTest {
    test_channel_within(ch, pool, TEST_TIMEOUT).await
}

/// [`test_channel`] with another time limit.
pub async fn test_channel_within(ch: &Channel, pool: &client::Upstream, limit: Duration) -> ChannelTest {
    let model = test_model(ch);
    let mut t = ChannelTest {
        id: ch.id.clone(),
        channel: ch.name.clone(),
        ok: false,
        status: None,
        latency_ms: 0,
        model: model.clone(),
        answered_model: None,
        error: None,
        fix: None,
        clock_skew_s: None,
    };
    let needs_key = ch.kind != ChannelType::Custom;
    if !ch.usable() {
        t.error = ch.key_problem();
        t.fix = Some(t!("engine.probe.fix_env", name = ch.name).into_owned());
        return t;
    }
    if ch.key_count() == 0 && needs_key {
        t.error = Some(t!("engine.probe.no_key").into_owned());
        t.fix = Some(format!("routex channel edit {} --api-key-env VAR", ch.name)); // i18n: not prose
        return t;
    }
    let url = upstream::endpoint_url(ch, &model, false, None);
    let Ok(uri) = url.parse::<http::Uri>() else {
        t.error = Some(t!("engine.probe.bad_url", url = format!("{url:?}")).into_owned());
        t.fix = Some(format!("routex channel edit {} --base-url https://…", ch.name)); // i18n: not prose
        return t;
    };
    let key = ch.key(0).map(|k| k.expose().to_string());
    let headers = || {
        let mut h = upstream::base_headers(ch, key.as_deref());
        if ch.protocol == Protocol::Anthropic && !h.contains_key("anthropic-version") {
            h.insert("anthropic-version", http::HeaderValue::from_static("2023-06-01"));
        }
        h
    };
    let body = Bytes::from(test_body(ch.protocol, &model).to_string());
    let started = Instant::now();
    let answer = tokio::time::timeout(limit, async {
        let resp = pool.post(uri, headers(), body, headers).await?;
        let status = resp.status().as_u16();
        let date = resp.headers().get(http::header::DATE).and_then(|d| d.to_str().ok()).map(str::to_string);
        let bytes = resp.bytes().await?;
        Ok::<_, client::UpstreamError>((status, bytes, date))
    })
    .await;
    t.latency_ms = started.elapsed().as_millis() as u64;
    match answer {
        Err(_) => {
            t.error = Some(t!("engine.probe.no_answer", secs = limit.as_secs()).into_owned());
            t.fix = Some(t!("engine.probe.fix_reachable", host = ch.base_url).into_owned());
        }
        Ok(Err(e)) => {
            let (error, fix) = transport_failure(ch, &e.to_string());
            t.error = Some(error);
            t.fix = Some(fix);
        }
        Ok(Ok((status, body, date))) => {
            t.status = Some(status);
            t.clock_skew_s = date.and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok()).map(|d| {
                // The header has whole seconds and left the upstream during the request.
                let mid = chrono::Utc::now() - chrono::Duration::milliseconds(t.latency_ms as i64 / 2);
                (d.with_timezone(&chrono::Utc) - mid).num_seconds()
            });
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if (200..300).contains(&status) {
                t.ok = true;
                t.answered_model = v
                    .get("model")
                    .or_else(|| v.get("modelVersion"))
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
                    .or_else(|| Some(model.clone()));
            } else {
                let said = v
                    .pointer("/error/message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
                let (error, fix) = status_failure(ch, status, &model, &said);
                t.error = Some(error);
                t.fix = Some(fix);
            }
        }
    }
    t
}

/// A status that is not a success, in words: what happened and what to do.
fn status_failure(ch: &Channel, status: u16, model: &str, said: &str) -> (String, String) {
    let name = &ch.name;
    let said = said.trim();
    let said = if said.is_empty() { String::new() } else { format!(" ({said})") };
    match status {
        401 | 403 => (
            t!("engine.probe.refused", status = status, said = said).into_owned(),
            t!("engine.probe.fix_key", name = name, url = ch.base_url).into_owned(),
        ),
        404 => (
            t!("engine.probe.not_served", model = model, url = ch.base_url, said = said).into_owned(),
            t!("engine.probe.fix_models", name = name).into_owned(),
        ),
        429 => (t!("engine.probe.rate_limited", said = said).into_owned(), t!("engine.probe.fix_retry").into_owned()),
        400 => (
            t!("engine.probe.bad_request", said = said).into_owned(),
            t!("engine.probe.fix_match", model = model, kind = ch.kind).into_owned(),
        ),
        s if s >= 500 => (
            t!("engine.probe.upstream_failed", status = status, said = said).into_owned(),
            t!("engine.probe.fix_later").into_owned(),
        ),
        _ => (
            t!("engine.probe.unexpected", status = status, said = said).into_owned(),
            t!("engine.probe.fix_base_url", url = ch.base_url).into_owned(),
        ),
    }
}

/// What the transport's errors say, matched in them (not shown).
const CONNECTION_REFUSED: &str = "connection refused"; // i18n: not prose
const TIMED_OUT: &str = "timed out"; // i18n: not prose

/// A request that got no HTTP answer, in words: DNS, refused, TLS or timeout.
fn transport_failure(ch: &Channel, msg: &str) -> (String, String) {
    let host = ch.base_url.split("://").nth(1).unwrap_or(&ch.base_url).split('/').next().unwrap_or_default();
    let lower = msg.to_ascii_lowercase();
    let edit = format!("routex channel edit {} --base-url …", ch.name); // i18n: not prose
    if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
        (
            t!("engine.probe.dns", host = host, error = msg).into_owned(),
            t!("engine.probe.fix_dns", edit = edit).into_owned(),
        )
    } else if lower.contains(CONNECTION_REFUSED) {
        (
            t!("engine.probe.refused_conn", host = host).into_owned(),
            t!("engine.probe.fix_running", edit = edit).into_owned(),
        )
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        (format!("TLS: {msg}"), t!("engine.probe.fix_tls", host = host, edit = edit).into_owned())
    } else if lower.contains(TIMED_OUT) {
        (
            t!("engine.probe.timeout", error = msg).into_owned(),
            t!("engine.probe.fix_reachable", host = host).into_owned(),
        )
    } else {
        (msg.to_string(), t!("engine.probe.fix_reachable_or", host = host, edit = edit).into_owned())
    }
}

/// Which channels a test covers: the named ones (by id or name; an unknown one is an
/// error naming it), else every channel (`all`) or the enabled ones.
pub fn select(
    engine: &crate::engine::Engine,
    names: &[String],
    all: bool,
) -> crate::engine::Result<Vec<std::sync::Arc<Channel>>> {
    let snap = engine.snapshot();
    if !names.is_empty() {
        return names.iter().map(|n| engine.find_channel(n).map(std::sync::Arc::new)).collect();
    }
    Ok(snap.channels.iter().filter(|c| all || c.status != crate::engine::Status::Disabled).cloned().collect())
}

/// Test several channels at once, each within `limit`; results in the order given.
pub async fn test_channels(channels: &[std::sync::Arc<Channel>], limit: Duration) -> Vec<ChannelTest> {
    let pool = client::Upstream::new(Duration::from_secs(5).min(limit));
    let tests = channels.iter().map(|ch| test_channel_within(ch, &pool, limit));
    futures_util::future::join_all(tests).await
}
