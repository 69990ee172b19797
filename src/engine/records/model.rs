//! What the request log stores: [`RequestRecord`], one per client request, with its
//! [`Attempt`]s, and [`capture`], which cuts a body down to what a record keeps.
//!
//! Plain data: the JSON field names here are the admin API's and the stored JSON of earlier
//! versions, so they must not change; the compact stored form is [`codec`](super::codec)'s
//! business. Nothing here touches the store or the queue. The proxy builds records (and
//! captures bodies into them), the recorder writes them, the readers return them.

use serde::{Deserialize, Serialize};

use crate::protocol::Usage;

/// One try of one channel within a request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Attempt {
    /// Channel id.
    pub channel_id: String,
    /// Channel name at the time.
    pub channel_name: String,
    /// Upstream HTTP status, when one came back.
    pub status: Option<u16>,
    /// What went wrong, when something did.
    pub error: Option<String>,
    /// Time spent on this attempt.
    pub latency_ms: u64,
    /// When the attempt began, µs after the request arrived (for traces; not stored).
    #[serde(skip)]
    pub start_us: u64,
    /// When its request went upstream, µs after the request arrived; the time before is
    /// preparing the body (conversion, transformers). None when it was never sent. Not stored.
    #[serde(skip)]
    pub send_us: Option<u64>,
    /// Why it failed, as a bounded metric label ([`ProxyError::reason`]); not stored.
    ///
    /// [`ProxyError::reason`]: crate::engine::proxy::ProxyError::reason
    #[serde(skip)]
    pub reason: Option<&'static str>,
}

/// One client request, as stored in the request log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RequestRecord {
    /// The X-Request-Id.
    pub id: String,
    /// Unix ms when the request arrived.
    pub time_ms: u64,
    /// Trace id.
    pub trace_id: String,
    /// Session (affinity) key, when the client sent one.
    pub session: Option<String>,
    /// `anthropic` or `openai`.
    pub client_protocol: String,
    /// The client's endpoint, e.g. `/v1/messages`.
    pub endpoint: String,
    /// The channel that answered last (None when no channel was picked).
    pub channel_id: Option<String>,
    /// Its name at the time.
    pub channel_name: Option<String>,
    /// The routing rule that matched.
    pub rule: Option<String>,
    /// The model the client asked for.
    pub model: String,
    /// The model sent upstream.
    pub upstream_model: Option<String>,
    /// HTTP status the client got.
    pub status: u16,
    /// Whether the client got a successful answer.
    pub success: bool,
    /// What went wrong.
    pub error: Option<String>,
    /// Total time.
    pub latency_ms: u64,
    /// Time to the first byte of the answer.
    pub ttfb_ms: Option<u64>,
    /// Whether the answer streamed.
    pub stream: bool,
    /// Token usage (streams included).
    pub tokens: Usage,
    /// Every channel tried, in order.
    pub attempts: Vec<Attempt>,
    /// Request body size.
    pub bytes_in: u64,
    /// Response body size.
    pub bytes_out: u64,
    /// Estimated cost ([`estimate_cost`](crate::engine::pricing::estimate_cost)).
    pub cost_usd: Option<f64>,
    /// Why the routing rule matched (its condition, in words), when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_reason: Option<String>,
    /// The replica that served it (team mode, docs/team.md; None on the embedded store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<String>,
    /// Captured request body (see [`capture`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// Captured response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// A body for the log: at most `max_kb` KiB, cut on a UTF-8 character boundary with a
/// `…[truncated N bytes]` suffix naming what was left out. Invalid UTF-8 is replaced.
pub fn capture(body: &[u8], max_kb: u64) -> String {
    let max = usize::try_from(max_kb.saturating_mul(1024)).unwrap_or(usize::MAX);
    if body.len() <= max {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut cut = max;
    // Back off over continuation bytes (at most 3 in valid UTF-8) to a character start.
    for _ in 0..3 {
        if cut > 0 && body[cut] & 0xC0 == 0x80 {
            cut -= 1;
        }
    }
    let mut s = String::from_utf8_lossy(&body[..cut]).into_owned();
    s.push_str(&format!("…[truncated {} bytes]", body.len() - cut));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_truncates_on_a_character_boundary() {
        assert_eq!(capture(b"{\"a\":1}", 1), "{\"a\":1}");
        // 1023 ASCII bytes then "é" (2 bytes) straddling the 1024-byte limit.
        let mut body = "x".repeat(1023).into_bytes();
        body.extend_from_slice("é".as_bytes());
        body.extend_from_slice(b"tail");
        let got = capture(&body, 1);
        assert_eq!(got, format!("{}…[truncated 6 bytes]", "x".repeat(1023)));
        // A 4-byte character cut in its last byte.
        let mut body = "y".repeat(1021).into_bytes();
        body.extend_from_slice("😀".as_bytes());
        body.push(b'z');
        assert_eq!(capture(&body, 1), format!("{}…[truncated 5 bytes]", "y".repeat(1021)));
        assert_eq!(capture(b"abc", 0), "…[truncated 3 bytes]");
    }
}
