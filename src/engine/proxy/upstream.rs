//! Talking to one upstream provider: its URL, its auth headers, and what its answers mean
//! (whether a status fails over, whether it blames the key, how long to back off).
//!
//! Pure functions of a channel, headers and statuses: no I/O and no channel state. Called
//! by the attempt steps (`attempt.rs`) and the failover loop; the channel runtime caches
//! [`base_headers`] per key.

use http::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

use crate::engine::{Channel, ChannelType};
use crate::protocol::{upstream_path, Protocol};

/// The full upstream URL for a request to `channel`. A base URL that already ends in the
/// endpoint path is used as is.
pub fn endpoint_url(ch: &Channel, model: &str, stream: bool, client_query: Option<&str>) -> String {
    let base = ch.base_url.trim_end_matches('/');
    match ch.protocol {
        Protocol::Anthropic => {
            let mut url = if base.ends_with("/v1/messages") {
                base.to_string()
            } else if base.ends_with("/v1") {
                format!("{base}/messages")
            } else {
                format!("{base}/v1/messages")
            };
            // Claude Code's `?beta=true` and friends pass through to Anthropic upstreams.
            if let Some(q) = client_query.filter(|q| !q.is_empty()) {
                url.push('?');
                url.push_str(q);
            }
            url
        }
        Protocol::Openai if ch.kind == ChannelType::Azure => {
            let dep = ch.deployment.as_deref().unwrap_or(model);
            let ver = ch.api_version.as_deref().unwrap_or("2024-10-21");
            format!("{base}/openai/deployments/{dep}/chat/completions?api-version={ver}")
        }
        Protocol::Openai => {
            if base.ends_with("/chat/completions") {
                base.to_string()
            } else {
                format!("{base}{}", upstream_path(Protocol::Openai, model, stream))
            }
        }
        Protocol::Gemini => {
            let path = upstream_path(Protocol::Gemini, model, stream);
            match base.strip_suffix("/v1beta") {
                Some(root) => format!("{root}{path}"),
                None => format!("{base}{path}"),
            }
        }
    }
}

/// The upstream headers that depend only on the channel and the key: content type, user
/// agent, the key where the provider wants it, and the channel's own `headers` (which
/// override any of these). The proxy builds them once per channel and key
/// (`ChannelRuntime::base_headers`), clones them per request and adds
/// [`add_client_headers`].
pub fn base_headers(ch: &Channel, key: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::with_capacity(8);
    h.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(http::header::USER_AGENT, HeaderValue::from_static(concat!("routex/", env!("CARGO_PKG_VERSION"))));
    if let Some(key) = key.and_then(|k| HeaderValue::from_str(k).ok()) {
        let mut key = key;
        key.set_sensitive(true);
        match (ch.protocol, ch.kind) {
            (Protocol::Anthropic, _) => {
                h.insert(HeaderName::from_static("x-api-key"), key);
            }
            (Protocol::Openai, ChannelType::Azure) => {
                h.insert(HeaderName::from_static("api-key"), key);
            }
            (Protocol::Openai, _) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", key.to_str().unwrap_or(""))).expect("valid");
                v.set_sensitive(true);
                h.insert(http::header::AUTHORIZATION, v);
            }
            (Protocol::Gemini, _) => {
                h.insert(HeaderName::from_static("x-goog-api-key"), key);
            }
        }
    }
    // `${VAR}` references expanded (a channel with an unset one is never routed to).
    for (k, v) in ch.upstream_headers() {
        if let (Ok(k), Ok(mut v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
            v.set_sensitive(true);
            h.insert(k, v);
        }
    }
    h
}

/// What the client's request adds for an anthropic channel: its `anthropic-version`
/// (default 2023-06-01) and, from an Anthropic client, its `anthropic-beta` values —
/// each unless the channel's own `headers` set it already.
pub fn add_client_headers(h: &mut HeaderMap, ch: &Channel, client: &HeaderMap, client_protocol: Protocol) {
    if ch.protocol != Protocol::Anthropic {
        return;
    }
    let version = HeaderName::from_static("anthropic-version");
    if !h.contains_key(&version) {
        let v = client.get(&version).cloned().unwrap_or_else(|| HeaderValue::from_static("2023-06-01"));
        h.insert(version, v);
    }
    let beta = HeaderName::from_static("anthropic-beta");
    if client_protocol == Protocol::Anthropic && !h.contains_key(&beta) {
        for v in client.get_all(&beta) {
            h.append(beta.clone(), v.clone());
        }
    }
}

/// Upstream response headers that clients use and that pass through.
pub fn passthrough_header(name: &str) -> bool {
    name == "request-id"
        || name == "retry-after"
        || name.starts_with("anthropic-ratelimit-")
        || name.starts_with("x-ratelimit-")
        || name == "openai-processing-ms"
}

/// Whether an upstream status moves the request to the next channel (README.md, "How the
/// proxy behaves": failover): 401, 403, 408, 429 and 5xx.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 401 | 403 | 408 | 429) || status >= 500
}

/// Whether a status means this key (not the channel) is the trouble.
pub fn is_key_problem(status: u16) -> bool {
    matches!(status, 401 | 403 | 429)
}

const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// How long the upstream asks us to wait: `retry-after` (seconds or HTTP date),
/// `anthropic-ratelimit-unified-reset` (epoch seconds or RFC 3339), `x-ratelimit-reset*`
/// (seconds, epoch seconds, or durations like `6m0s`, `250ms`). Capped at an hour.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let candidates = [
        get("retry-after"),
        get("anthropic-ratelimit-unified-reset"),
        get("x-ratelimit-reset"),
        get("x-ratelimit-reset-requests"),
        get("x-ratelimit-reset-tokens"),
    ];
    candidates.into_iter().flatten().find_map(parse_wait).map(|d| d.min(MAX_BACKOFF))
}

fn parse_wait(v: &str) -> Option<Duration> {
    if let Ok(n) = v.parse::<f64>() {
        if n < 0.0 {
            return None;
        }
        // Large numbers are epoch seconds; small ones are a delay.
        if n > 1e9 {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs_f64();
            return Some(Duration::from_secs_f64((n - now).max(0.0)));
        }
        return Some(Duration::from_secs_f64(n));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v).or_else(|_| chrono::DateTime::parse_from_rfc2822(v)) {
        let ms = (t.timestamp_millis() - chrono::Utc::now().timestamp_millis()).max(0);
        return Some(Duration::from_millis(ms as u64));
    }
    // Go-style durations: 1h2m3s, 6m0s, 250ms, 1.5s
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = v.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            'h' => 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += n * unit;
        any = true;
    }
    (any && num.is_empty()).then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::channel::{validate, ChannelSpec};

    fn ch(kind: &str, base: Option<&str>) -> Channel {
        let spec = ChannelSpec {
            name: "c".into(),
            kind: kind.into(),
            protocol: (kind == "custom").then(|| "openai".into()),
            base_url: base.map(Into::into),
            models: vec!["*".into()],
            deployment: Some("gpt4o-prod".into()),
            api_version: Some("2024-10-21".into()),
            ..Default::default()
        };
        validate(&spec, "id".into(), String::new(), String::new()).unwrap()
    }

    #[test]
    fn urls_per_type() {
        assert_eq!(
            endpoint_url(&ch("anthropic", None), "m", false, Some("beta=true")),
            "https://api.anthropic.com/v1/messages?beta=true"
        );
        assert_eq!(
            endpoint_url(&ch("anthropic", Some("http://127.0.0.1:9/v1")), "m", false, None),
            "http://127.0.0.1:9/v1/messages"
        );
        assert_eq!(
            endpoint_url(&ch("openai", None), "m", true, Some("x=1")),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            endpoint_url(&ch("custom", Some("http://h/v1/chat/completions")), "m", false, None),
            "http://h/v1/chat/completions"
        );
        assert_eq!(
            endpoint_url(&ch("azure", Some("https://r.openai.azure.com")), "gpt-4o", false, None),
            "https://r.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
        );
        assert_eq!(
            endpoint_url(&ch("gemini", None), "gemini-2.5-flash", true, None),
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        );
    }

    /// The headers of an upstream request, as the proxy builds them.
    fn auth_headers(ch: &Channel, key: Option<&str>, client: &HeaderMap, client_protocol: Protocol) -> HeaderMap {
        let mut h = base_headers(ch, key);
        add_client_headers(&mut h, ch, client, client_protocol);
        h
    }

    #[test]
    fn auth_goes_where_each_provider_wants_it() {
        let client = HeaderMap::new();
        let a = auth_headers(&ch("anthropic", None), Some("k1"), &client, Protocol::Anthropic);
        assert_eq!(a["x-api-key"], "k1");
        assert_eq!(a["anthropic-version"], "2023-06-01");
        let o = auth_headers(&ch("openai", None), Some("k2"), &client, Protocol::Anthropic);
        assert_eq!(o["authorization"], "Bearer k2");
        let z = auth_headers(&ch("azure", Some("https://r.openai.azure.com")), Some("k3"), &client, Protocol::Openai);
        assert_eq!(z["api-key"], "k3");
        let g = auth_headers(&ch("gemini", None), Some("k4"), &client, Protocol::Openai);
        assert_eq!(g["x-goog-api-key"], "k4");
    }

    #[test]
    fn client_headers_pass_unless_the_channel_sets_them() {
        let mut client = HeaderMap::new();
        client.insert("anthropic-version", HeaderValue::from_static("2024-01-01"));
        client.append("anthropic-beta", HeaderValue::from_static("a"));
        client.append("anthropic-beta", HeaderValue::from_static("b"));
        fn betas(h: &HeaderMap) -> Vec<&str> {
            h.get_all("anthropic-beta").iter().map(|v| v.to_str().unwrap()).collect()
        }
        let a = auth_headers(&ch("anthropic", None), None, &client, Protocol::Anthropic);
        assert_eq!((a["anthropic-version"].to_str().unwrap(), betas(&a)), ("2024-01-01", vec!["a", "b"]));
        // An OpenAI client's request carries no Anthropic betas upstream.
        let o = auth_headers(&ch("anthropic", None), None, &client, Protocol::Openai);
        assert!(betas(&o).is_empty());
        // The channel's own headers win over the client's, and over the key.
        let mut own = ch("anthropic", None);
        own.headers = [("Anthropic-Version", "2099-01-01"), ("anthropic-beta", "mine"), ("x-api-key", "fixed")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let c = auth_headers(&own, Some("k1"), &client, Protocol::Anthropic);
        assert_eq!(c["anthropic-version"], "2099-01-01");
        assert_eq!((betas(&c), &c["x-api-key"]), (vec!["mine"], &HeaderValue::from_static("fixed")));
        // An openai channel gets neither.
        let n = auth_headers(&ch("openai", None), None, &client, Protocol::Anthropic);
        assert!(!n.contains_key("anthropic-version") && !n.contains_key("anthropic-beta"));
    }

    #[test]
    fn waits_in_every_form() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset-requests", HeaderValue::from_static("6m0s"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(360)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", HeaderValue::from_static("250ms"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = HeaderMap::new();
        let soon = chrono::Utc::now().timestamp() + 30;
        h.insert("anthropic-ratelimit-unified-reset", HeaderValue::from_str(&soon.to_string()).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28), "{d:?}");
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("999999"));
        assert_eq!(retry_after(&h), Some(MAX_BACKOFF));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
