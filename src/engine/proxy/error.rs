//! What can go wrong on the request path, by name: [`ProxyError`].
//!
//! Each variant knows the HTTP status a client gets for it ([`ProxyError::status`]),
//! whether it moves the request on to the next channel ([`ProxyError::is_retryable`]), and
//! its message (its `Display`): the exact sentence the client reads and the request log
//! keeps. It becomes the client protocol's error shape in one place,
//! [`ProxyError::into_outbound`]. An upstream's own error answer is not ours to word: it
//! is relayed (converted to the client's protocol when needed) by [`UpstreamAnswer`].
//!
//! Nothing here does I/O or touches a channel's state; the failover loop (`mod.rs`), the
//! attempt steps (`attempt.rs`) and the relay (`relay.rs`) raise these errors and decide
//! what happens next.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};

use super::client::UpstreamError;
use super::{copy_passthrough, OutBody, Outbound};
use crate::protocol::{self, ConvertError, Protocol};

/// Something on the request path that did not go as asked, and what the client is told.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    // The client's request.
    /// The client key is missing or wrong, on a proxied endpoint (the message says how to
    /// send one).
    #[error("invalid or missing API key for this routex (send it as x-api-key or Authorization: Bearer)")]
    Unauthorized,
    /// The client key is missing or wrong, on an endpoint answered locally (count_tokens).
    #[error("invalid or missing API key for this routex")]
    UnauthorizedLocal,
    /// The request body is not JSON.
    #[error("the request body is not valid JSON: {0}")]
    MalformedBody(#[source] serde_json::Error),
    /// The request body names no model.
    #[error("the request has no \"model\"; name the model to use")]
    NoModel,
    /// The request body is JSON but not a request this endpoint takes (the message names
    /// the field): a Responses API body routex cannot read, or one that asks for state
    /// routex does not keep (`previous_response_id`).
    #[error("{0}")]
    InvalidRequest(ConvertError),
    /// A count_tokens request without its `messages` array.
    #[error("messages: field required (an array of messages to count)")]
    NoMessages,
    /// The request body could not be read off the connection (the daemon's body reader).
    #[error("the request body could not be read")]
    BodyUnreadable,
    /// A proxied endpoint asked with another method than POST.
    #[error("{endpoint} takes POST")]
    MethodNotAllowed {
        /// The endpoint's path.
        endpoint: &'static str,
    },
    /// The request body is over `server.body_limit_mb` (the daemon's body reader).
    #[error("the request body is larger than this routex accepts ({limit_mib} MiB; server.body_limit_mb)")]
    BodyTooLarge {
        /// The limit, MiB.
        limit_mib: u64,
    },
    /// The request cannot be expressed for a channel (its body is not JSON, or it uses
    /// something the channel's protocol has no way to say). The client's request is the
    /// trouble, not the channel: no failover, no mark against the channel.
    #[error("channel {channel}: {reason}")]
    Inexpressible {
        /// The channel's name.
        channel: String,
        /// Why (boxed: it is rare, and it would make every `ProxyError` larger).
        #[source]
        reason: Box<ConvertError>,
    },
    /// Nothing of the request body arrived for `server.body_timeout_s` (the daemon's body
    /// reader).
    #[error("the request body stalled: nothing arrived for {secs}s (the limit set by server.body_timeout_s)")]
    BodyStalled {
        /// The limit, seconds.
        secs: u64,
    },
    /// The request body was still arriving after `server.request_timeout_s`.
    #[error("the request body did not arrive within {secs}s (the limit set by server.request_timeout_s)")]
    BodyTooSlow {
        /// The limit, seconds.
        secs: u64,
    },
    /// The request bodies in memory are at `server.body_memory_mb` and none was freed in time.
    #[error(
        "this routex already holds {limit_mib} MiB of request bodies, its limit; retry shortly, or raise \
         server.body_memory_mb"
    )]
    BodyMemoryFull {
        /// The limit, MiB.
        limit_mib: u64,
    },
    /// The daemon serves `server.max_connections` connections; this one is in the reserve
    /// kept for health checks and the admin API.
    #[error("this routex is serving its limit of {limit} connections; retry shortly, or raise server.max_connections")]
    TooManyConnections {
        /// The limit.
        limit: usize,
    },

    // Routing: nothing to try, or nothing left.
    /// No enabled channel serves the model.
    #[error("no channel serves model {model:?}; available: {}", available_models(.available))]
    NoChannelServes {
        /// The model the client asked for.
        model: String,
        /// Every model the enabled channels serve (sorted, once each).
        available: Vec<String>,
    },
    /// Channels serve the model, but none can take traffic now.
    #[error("every channel serving model {model:?} is unavailable: {}", .down.join(", "))]
    AllUnavailable {
        /// The model the client asked for.
        model: String,
        /// Each such channel and why (`name (circuit open)`, …).
        down: Vec<String>,
    },
    /// Candidates were found, but by the time each came up its breaker or every key held
    /// it back: nothing was sent.
    #[error("every channel serving model {model:?} is busy or cooling down; retry shortly")]
    AllBusy {
        /// The model the client asked for.
        model: String,
    },
    /// Every attempt failed, and none left an upstream answer to pass back.
    #[error("{} failed; last: {channel}: {last}", if *tried == 1 { "the 1 channel tried".to_string() } else { format!("all {tried} channels tried") })]
    AllFailed {
        /// Attempts made.
        tried: usize,
        /// The last channel tried (its name).
        channel: String,
        /// How it failed.
        last: Box<ProxyError>,
        /// Some attempt timed out (the answer is then 504, else 502).
        timed_out: bool,
    },

    // One attempt on one channel (each fails over to the next channel).
    /// The channel's upstream URL does not parse.
    #[error("the upstream URL {url:?} is not valid (it needs http:// or https:// and a host)")]
    InvalidUpstreamUrl {
        /// The URL as built from the channel's base URL.
        url: String,
    },
    /// No response head within the first-byte timeout.
    #[error("timed out after {secs}s waiting for response headers")]
    HeadersTimeout {
        /// The timeout, seconds.
        secs: u64,
    },
    /// The connection failed: could not connect, could not send, broke while reading.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// The upstream answered a status that fails over (401, 403, 408, 429, 5xx).
    #[error("upstream answered {status}: {snippet}")]
    UpstreamStatus {
        /// The status.
        status: u16,
        /// The start of its body (200 bytes at most, lossy UTF-8).
        snippet: String,
    },
    /// The whole non-stream body did not arrive within the request's total timeout.
    #[error("timed out reading the response body")]
    BodyTimeout,
    /// A non-stream body went silent longer than `server.idle_timeout_s` between chunks.
    #[error("timed out after {secs}s without data in the response body (server.idle_timeout_s)")]
    ResponseStalled {
        /// The idle timeout, seconds.
        secs: u64,
    },
    /// A non-stream body larger than `server.response_limit_mb` (by its `content-length`,
    /// or counted while reading).
    #[error(
        "the upstream's response body is larger than this routex reads ({limit_mib} MiB; server.response_limit_mb raises it)"
    )]
    ResponseTooLarge {
        /// The limit, MiB.
        limit_mib: u64,
    },
    /// A stream line or event larger than `server.sse_event_limit_kb`. Before the client
    /// has anything it fails over; after, it ends the stream.
    #[error(
        "the upstream sent a stream line or event larger than {limit_kib} KiB (server.sse_event_limit_kb raises it)"
    )]
    SseEventTooLarge {
        /// The limit, KiB.
        limit_kib: u64,
    },
    /// A 2xx whose content type cannot be the answer asked for (HTML for JSON, JSON for a
    /// stream): a proxy's or a login page, not the provider's answer.
    #[error("upstream answered {status} with content type {content_type:?}, not {expected}")]
    WrongContentType {
        /// The status.
        status: u16,
        /// The content type it sent (lossy, 100 bytes at most).
        content_type: String,
        /// What the request asked for.
        expected: &'static str,
    },
    /// A success body that is not JSON, from a channel whose answer has to be converted.
    #[error("upstream sent a body that is not JSON")]
    UpstreamNotJson,
    /// The upstream's answer (a body, or a stream event) could not be put in the client's
    /// protocol. Before the client has anything it fails over; in a stream the client
    /// already has, it ends the stream.
    #[error(transparent)]
    Conversion(ConvertError),
    /// A stream's first content did not arrive within the first-byte timeout.
    #[error("timed out after {secs}s waiting for the first stream content")]
    FirstContentTimeout {
        /// The timeout, seconds.
        secs: u64,
    },
    /// The upstream closed a stream without sending a byte.
    #[error("the upstream closed the stream before sending anything")]
    StreamEmpty,
    /// The upstream ended a stream after its preamble, before any content.
    #[error("the upstream stream ended before any content")]
    StreamEndedBeforeContent,
    /// An error event inside the stream before any content, or a 2xx whole body that is
    /// an error envelope (`in-band <type>: <message>`).
    #[error("{0}")]
    InBand(String),

    // The upstream's own answer, passed back to the client.
    /// A 4xx that does not fail over: the client gets the upstream's answer (see
    /// [`UpstreamAnswer::pass_back`]); this is what the attempt and the record say.
    #[error("upstream answered {status}")]
    UpstreamRejected {
        /// The status passed back.
        status: u16,
    },

    // A stream the client already has: it ends with the protocol's error event.
    /// The request ran past `server.request_timeout_s`.
    #[error("the request exceeded the total timeout of {secs}s")]
    TotalTimeout {
        /// The timeout, seconds.
        secs: u64,
    },
    /// No data for `server.idle_timeout_s` inside a stream.
    #[error("the stream stalled: no data for {secs}s")]
    StreamStalled {
        /// The timeout, seconds.
        secs: u64,
    },
    /// The connection broke in the middle of a stream.
    #[error("the upstream stream broke: {0}")]
    StreamBroke(UpstreamError),
    /// The upstream ended a stream without its final event.
    #[error("the upstream stream ended before its final event")]
    StreamCut,
    /// The client went away before the stream ended (recorded with status 499).
    #[error("the client closed the stream")]
    ClientClosed,
}

/// The list of models in [`ProxyError::NoChannelServes`], or how to add one.
fn available_models(available: &[String]) -> String {
    if available.is_empty() {
        "none (add a channel: routex channel add)".to_string()
    } else {
        available.join(", ")
    }
}

impl ProxyError {
    /// The HTTP status a client gets for this error. The errors of one attempt and of a
    /// running stream never reach a client as a status of their own (those of an attempt
    /// fail over, and end as [`ProxyError::AllFailed`]; those of a stream end the stream):
    /// theirs names the kind of failure: the upstream's status, 504 for a timeout, 499 when
    /// the client left, else 502.
    pub fn status(&self) -> u16 {
        use ProxyError::*;
        match self {
            Unauthorized | UnauthorizedLocal => 401,
            MalformedBody(_) | NoModel | InvalidRequest(_) | NoMessages | BodyUnreadable | Inexpressible { .. } => 400,
            BodyTooLarge { .. } => 413,
            BodyStalled { .. } | BodyTooSlow { .. } => 408,
            BodyMemoryFull { .. } | TooManyConnections { .. } => 503,
            MethodNotAllowed { .. } => 405,
            NoChannelServes { .. } => 404,
            AllUnavailable { .. } | AllBusy { .. } => 503,
            AllFailed { timed_out: true, .. } => 504,
            UpstreamStatus { status, .. } | UpstreamRejected { status } => *status,
            HeadersTimeout { .. }
            | BodyTimeout
            | ResponseStalled { .. }
            | FirstContentTimeout { .. }
            | TotalTimeout { .. }
            | StreamStalled { .. } => 504,
            ClientClosed => 499,
            AllFailed { .. }
            | InvalidUpstreamUrl { .. }
            | Upstream(_)
            | UpstreamNotJson
            | ResponseTooLarge { .. }
            | SseEventTooLarge { .. }
            | WrongContentType { .. }
            | Conversion(_)
            | StreamEmpty
            | StreamEndedBeforeContent
            | InBand(_)
            | StreamBroke(_)
            | StreamCut => 502,
        }
    }

    /// Whether the request moves on to the next channel: the failures of one attempt
    /// before the client has seen anything. The client's own mistakes, the end of routing
    /// and a stream the client already has never fail over.
    pub fn is_retryable(&self) -> bool {
        use ProxyError::*;
        matches!(
            self,
            InvalidUpstreamUrl { .. }
                | HeadersTimeout { .. }
                | Upstream(_)
                | UpstreamStatus { .. }
                | BodyTimeout
                | ResponseStalled { .. }
                | ResponseTooLarge { .. }
                | SseEventTooLarge { .. }
                | WrongContentType { .. }
                | UpstreamNotJson
                | Conversion(_)
                | FirstContentTimeout { .. }
                | StreamEmpty
                | StreamEndedBeforeContent
                | InBand(_)
        )
    }

    /// Why an attempt failed, as a bounded label for metrics and traces: `status_5xx`,
    /// `status_429`, `status_4xx`, `timeout`, `connect`, `invalid_response`, `stream_cut`,
    /// `stream_error_event`, `request` (the client's request cannot go to the channel) or
    /// `other`.
    pub fn reason(&self) -> &'static str {
        use ProxyError::*;
        match self {
            UpstreamStatus { status, .. } => status_reason(*status),
            HeadersTimeout { .. } | BodyTimeout | ResponseStalled { .. } | FirstContentTimeout { .. } => "timeout",
            // The transport's own sentence says when it was a (connect) timeout.
            Upstream(e) if e.to_string().contains("timed out") => "timeout",
            Upstream(_) | InvalidUpstreamUrl { .. } => "connect",
            ResponseTooLarge { .. }
            | SseEventTooLarge { .. }
            | WrongContentType { .. }
            | UpstreamNotJson
            | Conversion(_)
            | StreamEmpty => "invalid_response",
            StreamEndedBeforeContent => "stream_cut",
            InBand(_) => "stream_error_event",
            Inexpressible { .. } => "request",
            _ => "other",
        }
    }

    /// The answer for the client: this error in the client protocol's own error shape.
    /// The one place a [`ProxyError`] becomes a response.
    pub fn into_outbound(self, p: Protocol) -> Outbound {
        client_error(p, self.status(), &self.to_string())
    }
}

/// A client error in the client's own protocol.
pub fn client_error(p: Protocol, status: u16, message: &str) -> Outbound {
    json_outbound(status, error_body(p, status, message))
}

/// The error body of a protocol for a status and message.
pub fn error_body(p: Protocol, status: u16, message: &str) -> Vec<u8> {
    serde_json::to_vec(&protocol::error_body(p, status, message)).expect("json")
}

/// A JSON answer.
fn json_outbound(status: u16, body: Vec<u8>) -> Outbound {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Outbound { status, headers, body: OutBody::Full(Bytes::from(body)) }
}

/// An upstream's own error answer, for the client to get as the upstream meant it.
#[derive(Debug)]
pub(crate) struct UpstreamAnswer {
    /// Its status.
    pub status: u16,
    /// Its headers (the passthrough ones reach the client).
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
    /// The protocol the upstream speaks.
    pub protocol: Protocol,
}

impl UpstreamAnswer {
    /// A 4xx that does not fail over, passed back at once: in the same protocol the body
    /// as it is with the upstream's own content type (none if it sent none).
    pub fn pass_back(self, client: Protocol) -> Outbound {
        let content_type = self.headers.get(http::header::CONTENT_TYPE).cloned();
        self.into_outbound(client, content_type)
    }

    /// The last upstream answer once every channel has failed: in the same protocol the
    /// body as it is, declared JSON.
    pub fn last_resort(self, client: Protocol) -> Outbound {
        self.into_outbound(client, Some(HeaderValue::from_static("application/json")))
    }

    /// The answer in the client's protocol (converted when the upstream speaks another,
    /// then declared JSON), with the upstream's passthrough headers.
    fn into_outbound(self, client: Protocol, content_type: Option<HeaderValue>) -> Outbound {
        let mut out = if self.protocol == client {
            let mut headers = HeaderMap::new();
            if let Some(ct) = content_type {
                headers.insert(http::header::CONTENT_TYPE, ct);
            }
            Outbound { status: self.status, headers, body: OutBody::Full(self.body) }
        } else {
            let v = protocol::convert_error(self.protocol, client, self.status, &self.body);
            json_outbound(self.status, serde_json::to_vec(&v).expect("json"))
        };
        copy_passthrough(&self.headers, &mut out.headers);
        out
    }
}

/// The failure label of an upstream status: `status_429`, `status_5xx` or `status_4xx`.
pub(crate) fn status_reason(status: u16) -> &'static str {
    match status {
        429 => "status_429",
        500..=599 => "status_5xx",
        _ => "status_4xx",
    }
}

/// The message of an error event or error body (`in-band <type>: <message>`), as the
/// record, the attempt and a stream's error event say it.
pub(super) fn in_band_message(data: &str) -> String {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|v| {
            let e = &v["error"];
            let kind = e.get("type").and_then(|t| t.as_str()).or_else(|| e.get("status").and_then(|t| t.as_str()));
            let msg = e.get("message").and_then(|m| m.as_str());
            match (kind, msg) {
                (Some(k), Some(m)) => Some(format!("in-band {k}: {m}")),
                (None, Some(m)) => Some(format!("in-band error: {m}")),
                _ => None,
            }
        })
        .unwrap_or_else(|| format!("in-band error: {}", &data[..data.len().min(200)]))
}

/// The message of a 2xx whole body that is in fact the protocol's error envelope (some
/// gateways answer an overload or a quota error with 200): `None` for a real answer. Only
/// a body with an `"error"` key is parsed, so a success costs one substring scan.
pub(super) fn error_in_success(p: crate::protocol::Protocol, body: &[u8]) -> Option<String> {
    use crate::protocol::Protocol;
    memchr::memmem::find(body, b"\"error\"")?;
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let o = v.as_object()?;
    let error_object = o.get("error").is_some_and(serde_json::Value::is_object);
    let is_error = match p {
        Protocol::Anthropic => o.get("type").and_then(serde_json::Value::as_str) == Some("error"),
        Protocol::Openai => error_object && !o.contains_key("choices"),
        Protocol::Gemini => error_object && !o.contains_key("candidates"),
    };
    is_error.then(|| in_band_message(std::str::from_utf8(body).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(out: &Outbound) -> serde_json::Value {
        match &out.body {
            OutBody::Full(b) => serde_json::from_slice(b).unwrap(),
            OutBody::Stream(_) => panic!("a stream"),
        }
    }

    #[test]
    fn error_bodies_speak_each_protocol() {
        let a: serde_json::Value = serde_json::from_slice(&error_body(Protocol::Anthropic, 404, "nope")).unwrap();
        assert_eq!(a, serde_json::json!({"type":"error","error":{"type":"not_found_error","message":"nope"}}));
        let o: serde_json::Value = serde_json::from_slice(&error_body(Protocol::Openai, 400, "bad")).unwrap();
        assert_eq!(
            o,
            serde_json::json!({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})
        );
    }

    #[test]
    fn messages_and_statuses_are_what_clients_get() {
        let cases: Vec<(ProxyError, u16, &str)> = vec![
            (
                ProxyError::NoChannelServes { model: "m".into(), available: vec![] },
                404,
                "no channel serves model \"m\"; available: none (add a channel: routex channel add)",
            ),
            (
                ProxyError::NoChannelServes { model: "m".into(), available: vec!["a".into(), "b".into()] },
                404,
                "no channel serves model \"m\"; available: a, b",
            ),
            (
                ProxyError::AllUnavailable {
                    model: "m".into(),
                    down: vec!["x (disabled)".into(), "y (circuit open)".into()],
                },
                503,
                "every channel serving model \"m\" is unavailable: x (disabled), y (circuit open)",
            ),
            (
                ProxyError::AllBusy { model: "m".into() },
                503,
                "every channel serving model \"m\" is busy or cooling down; retry shortly",
            ),
            (
                ProxyError::AllFailed {
                    tried: 2,
                    channel: "b".into(),
                    last: Box::new(ProxyError::HeadersTimeout { secs: 3 }),
                    timed_out: true,
                },
                504,
                "all 2 channels tried failed; last: b: timed out after 3s waiting for response headers",
            ),
            (
                ProxyError::AllFailed {
                    tried: 1,
                    channel: "a".into(),
                    last: Box::new(ProxyError::UpstreamStatus { status: 500, snippet: "boom".into() }),
                    timed_out: false,
                },
                502,
                "the 1 channel tried failed; last: a: upstream answered 500: boom",
            ),
            (
                ProxyError::Inexpressible {
                    channel: "c".into(),
                    reason: Box::new(ConvertError::Invalid("x: bad".into())),
                },
                400,
                "channel c: x: bad",
            ),
            (
                ProxyError::BodyTooLarge { limit_mib: 32 },
                413,
                "the request body is larger than this routex accepts (32 MiB; server.body_limit_mb)",
            ),
            (ProxyError::ClientClosed, 499, "the client closed the stream"),
        ];
        for (e, status, message) in cases {
            assert_eq!((e.status(), e.to_string().as_str()), (status, message));
            assert!(!e.is_retryable(), "{e}");
        }
        assert!(ProxyError::HeadersTimeout { secs: 1 }.is_retryable());
        assert!(ProxyError::InBand("in-band error: x".into()).is_retryable());
    }

    /// The sentences the client, the attempt records and the channel's last error read,
    /// word for word, with whether each fails over.
    #[test]
    fn every_message_word_for_word() {
        let json = serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err();
        let cases: Vec<(ProxyError, bool, &str)> = vec![
            (
                ProxyError::Unauthorized,
                false,
                "invalid or missing API key for this routex (send it as x-api-key or Authorization: Bearer)",
            ),
            (ProxyError::UnauthorizedLocal, false, "invalid or missing API key for this routex"),
            (
                ProxyError::MalformedBody(json),
                false,
                "the request body is not valid JSON: EOF while parsing an object at line 1 column 1",
            ),
            (ProxyError::NoModel, false, "the request has no \"model\"; name the model to use"),
            (ProxyError::NoMessages, false, "messages: field required (an array of messages to count)"),
            (ProxyError::BodyUnreadable, false, "the request body could not be read"),
            (ProxyError::MethodNotAllowed { endpoint: "/v1/messages" }, false, "/v1/messages takes POST"),
            (
                ProxyError::InvalidUpstreamUrl { url: "/v1".into() },
                true,
                "the upstream URL \"/v1\" is not valid (it needs http:// or https:// and a host)",
            ),
            (ProxyError::HeadersTimeout { secs: 300 }, true, "timed out after 300s waiting for response headers"),
            (ProxyError::UpstreamStatus { status: 503, snippet: "busy".into() }, true, "upstream answered 503: busy"),
            (ProxyError::BodyTimeout, true, "timed out reading the response body"),
            (ProxyError::UpstreamNotJson, true, "upstream sent a body that is not JSON"),
            (ProxyError::Conversion(ConvertError::Upstream("x".into())), true, "upstream sent malformed data: x"),
            (
                ProxyError::FirstContentTimeout { secs: 5 },
                true,
                "timed out after 5s waiting for the first stream content",
            ),
            (ProxyError::StreamEmpty, true, "the upstream closed the stream before sending anything"),
            (ProxyError::StreamEndedBeforeContent, true, "the upstream stream ended before any content"),
            (ProxyError::InBand("in-band overloaded_error: busy".into()), true, "in-band overloaded_error: busy"),
            (ProxyError::UpstreamRejected { status: 400 }, false, "upstream answered 400"),
            (ProxyError::TotalTimeout { secs: 600 }, false, "the request exceeded the total timeout of 600s"),
            (ProxyError::StreamStalled { secs: 120 }, false, "the stream stalled: no data for 120s"),
            (ProxyError::StreamCut, false, "the upstream stream ended before its final event"),
        ];
        for (e, retryable, message) in cases {
            assert_eq!((e.to_string().as_str(), e.is_retryable()), (message, retryable));
        }
    }

    #[test]
    fn into_outbound_is_the_clients_error_shape() {
        let out = ProxyError::NoModel.into_outbound(Protocol::Anthropic);
        assert_eq!(out.status, 400);
        assert_eq!(out.headers[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(
            body_of(&out),
            serde_json::json!({"type":"error","error":{"type":"invalid_request_error",
                "message":"the request has no \"model\"; name the model to use"}})
        );
    }

    #[test]
    fn an_upstream_answer_keeps_its_body_in_its_own_protocol() {
        let answer = |ct: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(ct) = ct {
                headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(ct));
            }
            headers.insert("retry-after", HeaderValue::from_static("3"));
            headers.insert("server", HeaderValue::from_static("up"));
            UpstreamAnswer { status: 429, headers, body: Bytes::from_static(b"slow down"), protocol: Protocol::Openai }
        };
        let out = answer(Some("text/plain")).pass_back(Protocol::Openai);
        assert_eq!((out.status, out.headers[http::header::CONTENT_TYPE].to_str().unwrap()), (429, "text/plain"));
        assert_eq!((out.headers["retry-after"].to_str().unwrap(), out.headers.get("server")), ("3", None));
        assert!(answer(None).pass_back(Protocol::Openai).headers.get(http::header::CONTENT_TYPE).is_none());
        let out = answer(Some("text/plain")).last_resort(Protocol::Openai);
        assert_eq!(out.headers[http::header::CONTENT_TYPE], "application/json");
        // Another protocol: converted, declared JSON.
        let out = answer(Some("text/plain")).pass_back(Protocol::Anthropic);
        assert_eq!(out.headers[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(body_of(&out)["type"], "error");
    }

    #[test]
    fn an_error_envelope_under_200_is_told_from_an_answer_that_mentions_errors() {
        let anthropic = br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let openai = br#"{"error":{"message":"quota","type":"insufficient_quota","param":null,"code":null}}"#;
        let gemini = br#"{"error":{"code":429,"message":"busy","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(error_in_success(Protocol::Anthropic, anthropic).unwrap(), "in-band overloaded_error: Overloaded");
        assert_eq!(error_in_success(Protocol::Openai, openai).unwrap(), "in-band insufficient_quota: quota");
        assert_eq!(error_in_success(Protocol::Gemini, gemini).unwrap(), "in-band RESOURCE_EXHAUSTED: busy");
        // Answers whose content or tool input has an "error" key are answers.
        let tool = br#"{"type":"message","content":[{"type":"tool_use","input":{"error":{"x":1}}}]}"#;
        let chat = br#"{"choices":[{"message":{"content":"{\"error\": 1}"}}],"error":{"x":1}}"#;
        assert_eq!(error_in_success(Protocol::Anthropic, tool), None);
        assert_eq!(error_in_success(Protocol::Openai, chat), None);
        assert_eq!(error_in_success(Protocol::Openai, b"{\"id\":\"x\",\"choices\":[]}"), None);
    }
}
