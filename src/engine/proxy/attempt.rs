//! One attempt on one channel, step by step: prepare the upstream request (URL, the key's
//! headers, the body through conversion and the channel's transformers), send it and wait
//! for the response head, sort the status (fail over, pass back, or go on), then read a
//! whole body; a stream goes to the relay (which holds it until its first content). The
//! dispatch over these steps, `Proxy::attempt`, is in `mod.rs`, so this file and the relay
//! (which takes a [`ChannelAttempt`]) do not import each other.
//!
//! Called only by the failover loop (`mod.rs`), one channel at a time, after the loop has
//! reserved the attempt on the channel's runtime. It never chooses the next channel and
//! never counts a failure against a channel: a failure goes back to the loop as an
//! [`AttemptFailure`], and the loop settles the channel's breaker and keys. An answer
//! that reaches the client (a success, or a 4xx passed back) is settled and recorded here,
//! or by the relay when a stream ends.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use std::time::{Duration, Instant};

use super::balancer::Candidate;
use super::error::UpstreamAnswer;
use super::record::Finished;
use super::{
    client, copy_passthrough, names, traceparent, upstream, Inbound, OutBody, Outbound, Proxy, ProxyConfig, ProxyError,
    RequestContext,
};
use crate::engine::records::Attempt;
use crate::engine::transform::Pipeline;
use crate::protocol::{self, ConvertError, Protocol, Usage};

/// How one attempt ended: an answer for the client (already settled and recorded), or a
/// failure for the loop to settle. The failure is boxed: it is rare, and the answer stays
/// the size of an [`Outbound`].
pub(super) type AttemptResult = Result<Outbound, Box<AttemptFailure>>;

/// An attempt that failed, and what the failover loop needs to know about it.
#[derive(Debug)]
pub(super) struct AttemptFailure {
    /// What happened: its message goes to the attempt's record and the channel's last
    /// error. One that is not [retryable](ProxyError::is_retryable) ends the request at
    /// once, with this error as the answer.
    pub error: ProxyError,
    /// The upstream's status, when a response head came back.
    pub status: Option<u16>,
    /// How long the upstream asked us to wait (`retry-after` and friends).
    pub wait: Option<Duration>,
    /// The upstream's own error answer: the client gets the last one if every channel fails.
    pub answer: Option<UpstreamAnswer>,
}

impl AttemptFailure {
    /// A failure after the upstream answered `status`.
    pub(super) fn at_status(error: ProxyError, status: u16) -> Box<AttemptFailure> {
        Box::new(AttemptFailure { error, status: Some(status), wait: None, answer: None })
    }
}

/// A failure before any status came back.
impl From<ProxyError> for Box<AttemptFailure> {
    fn from(error: ProxyError) -> Box<AttemptFailure> {
        Box::new(AttemptFailure { error, status: None, wait: None, answer: None })
    }
}

/// What the steps of one attempt share: the request, the channel being tried, and what
/// this channel makes of the request.
pub(super) struct ChannelAttempt<'a> {
    /// The client's request.
    pub inbound: &'a Inbound,
    /// What is known about it.
    pub ctx: &'a RequestContext,
    /// The channel tried, with its runtime.
    pub cand: &'a Candidate,
    /// Which of the channel's keys (`usize::MAX`: the channel has none).
    pub key_idx: usize,
    /// This attempt's number in the request, from 1.
    pub number: usize,
    /// The model asked of the upstream (after the channel's `model_map`).
    pub upstream_model: String,
    /// The channel's transformers for that model, built per request (some keep
    /// per-stream state); None when there are none.
    pub pipeline: Option<Pipeline>,
    /// Time allowed to the response head, and to a stream's first content: the channel's
    /// `timeout_s`, else `first_byte_timeout_s`.
    pub timeout: Duration,
    /// When the attempt began.
    pub started: Instant,
}

impl<'a> ChannelAttempt<'a> {
    /// Attempt number `number` of the request, on `cand` with its key `key_idx`.
    pub(super) fn new(
        cfg: &ProxyConfig,
        inbound: &'a Inbound,
        ctx: &'a RequestContext,
        cand: &'a Candidate,
        key_idx: usize,
        number: usize,
        started: Instant,
    ) -> ChannelAttempt<'a> {
        let ch = &cand.channel;
        let upstream_model = ch.model_map.get(&ctx.routed_model).cloned().unwrap_or_else(|| ctx.routed_model.clone());
        let pipeline = ch.pipeline.as_ref().map(|p| p.build(&upstream_model)).filter(|p| !p.is_empty());
        let timeout = ch.timeout_s.map(Duration::from_secs).unwrap_or(cfg.first_byte_timeout);
        ChannelAttempt { inbound, ctx, cand, key_idx, number, upstream_model, pipeline, timeout, started }
    }

    /// The body to send upstream: the client's bytes when nothing changes, else rewritten
    /// (model renamed, converted, usage asked for, transformed). `parsed` is the client's
    /// body as JSON, parsed at most once per request.
    fn upstream_body(&self, parsed: &mut Option<serde_json::Value>) -> Result<Bytes, ConvertError> {
        let (ctx, ch) = (self.ctx, &self.cand.channel);
        let (upstream_model, pipeline) = (self.upstream_model.as_str(), self.pipeline.as_ref());
        let inject_usage = ctx.strip_usage && ch.protocol == Protocol::Openai;
        if ch.protocol == ctx.protocol
            && upstream_model == ctx.model
            && !inject_usage
            && !ctx.body_modified
            && pipeline.is_none()
        {
            return Ok(self.inbound.body.clone());
        }
        if parsed.is_none() {
            *parsed =
                Some(serde_json::from_slice(&self.inbound.body).map_err(|e| ConvertError::Invalid(e.to_string()))?);
        }
        let v = parsed.as_ref().expect("parsed");
        // A Gemini client's stream is said by its endpoint; other protocols say it in the body.
        let gemini_stream = ctx.protocol == Protocol::Gemini && ctx.stream && ch.protocol != Protocol::Gemini;
        if ch.protocol != ctx.protocol && pipeline.is_none() && !gemini_stream {
            // No transformer needs the converted Value: serialise the conversion directly.
            return protocol::convert_request_bytes(ctx.protocol, ch.protocol, v, upstream_model).map(Bytes::from);
        }
        let mut out = if ch.protocol == ctx.protocol {
            let mut v = v.clone();
            if ch.protocol != Protocol::Gemini {
                v["model"] = serde_json::Value::String(upstream_model.to_string());
            }
            if inject_usage {
                // Usage for the request log; the usage chunk is kept from the client (relay).
                v["stream_options"] = serde_json::json!({"include_usage": true});
            }
            v
        } else {
            let mut out = protocol::convert_request(ctx.protocol, ch.protocol, v, upstream_model)?;
            if gemini_stream {
                out["stream"] = serde_json::Value::Bool(true);
                if ch.protocol == Protocol::Openai {
                    out["stream_options"] = serde_json::json!({"include_usage": true});
                }
            }
            out
        };
        if let Some(p) = pipeline {
            p.request(ch.protocol, &mut out);
        }
        Ok(Bytes::from(serde_json::to_vec(&out).expect("json")))
    }

    /// A whole success body as the client gets it, and the usage it reports: the
    /// upstream's bytes as they are when both speak the same protocol and no transformer
    /// runs, else parsed, transformed and converted.
    fn client_body(&self, body: &Bytes) -> Result<(Bytes, Usage), ProxyError> {
        let (client, upstream) = (self.ctx.protocol, self.cand.channel.protocol);
        if let Some(message) = super::error::error_in_success(upstream, body) {
            return Err(ProxyError::InBand(message));
        }
        let pipeline = self.pipeline.as_ref();
        // A Value only when the body changes (conversion or transformers); usage alone is
        // read straight from the bytes.
        let needs_value = upstream != client || pipeline.is_some();
        let mut value: Option<serde_json::Value> = if needs_value { serde_json::from_slice(body).ok() } else { None };
        let usage = match value.as_ref() {
            Some(v) => protocol::usage_from_response(upstream, v),
            None => protocol::usage_from_bytes(upstream, body),
        };
        if let (Some(p), Some(v)) = (pipeline, value.as_mut()) {
            p.response(upstream, v);
        }
        let out = if upstream == client && pipeline.is_none() {
            body.clone()
        } else if upstream == client {
            match value.as_ref() {
                Some(v) => Bytes::from(serde_json::to_vec(v).expect("json")),
                None => body.clone(),
            }
        } else {
            let Some(v) = value.as_ref() else { return Err(ProxyError::UpstreamNotJson) };
            let converted =
                protocol::convert_response(upstream, client, v, &self.ctx.model).map_err(ProxyError::Conversion)?;
            Bytes::from(serde_json::to_vec(&converted).expect("json"))
        };
        if self.ctx.responses {
            // The Chat Completions answer, as the Responses API's response object.
            let chat: serde_json::Value = serde_json::from_slice(&out).map_err(|_| ProxyError::UpstreamNotJson)?;
            let r = protocol::convert::responses::chat_to_response(&chat, &self.ctx.model)
                .map_err(ProxyError::Conversion)?;
            return Ok((Bytes::from(serde_json::to_vec(&r).expect("json")), usage));
        }
        Ok((out, usage))
    }
}

/// The request to send upstream.
pub(super) struct UpstreamRequest {
    url: http::Uri,
    headers: HeaderMap,
    body: Bytes,
}

/// An upstream response whose head has arrived.
pub(super) struct ResponseHead {
    /// The response, its body still to read.
    pub resp: client::Response,
    /// Its status.
    pub status: u16,
    /// Its headers (moved out of `resp`).
    pub headers: HeaderMap,
    /// When the request was sent.
    pub sent: Instant,
}

impl Proxy {
    /// Step 1: the upstream request. The body first (a request this channel cannot express
    /// is [`ProxyError::Inexpressible`]), then the URL (parsed once per channel URL), then
    /// the headers: the key's base headers, the client's `anthropic-version` and
    /// `anthropic-beta` for an anthropic channel, and our `traceparent`.
    pub(super) fn prepare_request(
        &self,
        at: &ChannelAttempt<'_>,
        parsed: &mut Option<serde_json::Value>,
    ) -> Result<UpstreamRequest, ProxyError> {
        let (ctx, ch) = (at.ctx, &at.cand.channel);
        let body = at
            .upstream_body(parsed)
            .map_err(|reason| ProxyError::Inexpressible { channel: ch.name.clone(), reason: Box::new(reason) })?;
        let url = at.cand.rt.parsed_url(upstream::endpoint_url(
            ch,
            &at.upstream_model,
            ctx.stream,
            // Only an Anthropic client's query (Claude Code's `?beta=true`) goes upstream.
            at.inbound.query.as_deref().filter(|_| ctx.protocol == Protocol::Anthropic),
        ))?;
        Ok(UpstreamRequest { url, headers: upstream_headers(at), body })
    }

    /// Step 2: send the request on this thread's pool and wait for the response head,
    /// within the attempt's timeout.
    pub(super) async fn send(
        &self,
        at: &ChannelAttempt<'_>,
        request: UpstreamRequest,
    ) -> Result<ResponseHead, ProxyError> {
        let sent = Instant::now();
        let upstream = self.upstream();
        let req = upstream.post(request.url, request.headers, request.body, || upstream_headers(at));
        let mut resp = match tokio::time::timeout(at.timeout, req).await {
            Err(_) => return Err(ProxyError::HeadersTimeout { secs: at.timeout.as_secs() }),
            Ok(Err(e)) => return Err(ProxyError::Upstream(e)),
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        let headers = resp.take_headers();
        Ok(ResponseHead { resp, status, headers, sent })
    }

    /// Step 3, for a status outside 2xx: read its body, then fail over on 401, 403, 408,
    /// 429 and 5xx (keeping the answer in case every channel fails), or pass any other
    /// 4xx back to the client at once: the client's mistake, not the channel's.
    pub(super) async fn not_success(
        &self,
        at: &ChannelAttempt<'_>,
        head: ResponseHead,
        attempts: &mut Vec<Attempt>,
    ) -> AttemptResult {
        let (ctx, cand, ch) = (at.ctx, at.cand, &at.cand.channel);
        let ResponseHead { resp, status, headers, sent } = head;
        let wait = upstream::retry_after(&headers);
        let body = read_body(resp, &headers, &self.cfg, Instant::now() + at.timeout).await.unwrap_or_default();
        if upstream::is_retryable(status) {
            let snippet = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            return Err(Box::new(AttemptFailure {
                error: ProxyError::UpstreamStatus { status, snippet },
                status: Some(status),
                wait,
                answer: Some(UpstreamAnswer { status, headers, body, protocol: ch.protocol }),
            }));
        }
        cand.rt.end();
        cand.rt.on_abandon();
        let mut out =
            UpstreamAnswer { status, headers, body: body.clone(), protocol: ch.protocol }.pass_back(ctx.protocol);
        let error = ProxyError::UpstreamRejected { status }.to_string();
        attempts.push(Attempt {
            channel_id: ch.id.clone(),
            channel_name: ch.name.clone(),
            status: Some(status),
            error: Some(error.clone()),
            latency_ms: sent.elapsed().as_millis() as u64,
            start_us: micros(at.started - ctx.received),
            send_us: Some(micros(sent - ctx.received)),
            reason: Some(super::error::status_reason(status)),
        });
        self.finish_headers(&mut out, ctx, cand, at.number, sent.elapsed(), sent.elapsed());
        self.record(
            ctx,
            Finished {
                channel: Some(ch),
                upstream_model: &at.upstream_model,
                status,
                success: false,
                error: Some(error),
                latency: sent.elapsed(),
                ttfb: None,
                usage: Usage::default(),
                attempts: std::mem::take(attempts),
                bytes_out: 0,
                response_body: Some(&body),
            },
        );
        Ok(out)
    }

    /// Step 4, for a 2xx that is not a stream: read the whole (small, JSON) body within the
    /// request's total timeout, the idle timeout between chunks and the response limit
    /// ([`read_body`]), make the client's body of it ([`ChannelAttempt::client_body`]),
    /// then settle the channel as healthy, stick the session to it, answer and record.
    pub(super) async fn whole_body(
        &self,
        at: &ChannelAttempt<'_>,
        head: ResponseHead,
        attempts: &mut Vec<Attempt>,
    ) -> AttemptResult {
        let (ctx, cand, ch) = (at.ctx, at.cand, &at.cand.channel);
        let ResponseHead { resp, status, headers: resp_headers, sent } = head;
        let total_at = ctx.received + self.cfg.request_timeout;
        let body = read_body(resp, &resp_headers, &self.cfg, total_at)
            .await
            .map_err(|e| AttemptFailure::at_status(e, status))?;
        let upstream_elapsed = sent.elapsed();
        let (out_body, usage) = at.client_body(&body).map_err(|e| AttemptFailure::at_status(e, status))?;
        cand.rt.end();
        cand.rt.observe_latency(upstream_elapsed.as_micros() as u64);
        let t = cand.rt.on_success();
        self.reflect(&ch.id, t);
        cand.rt.add_tokens(&usage);
        if let Some(s) = &ctx.session {
            self.stick(s, ch);
        }
        let mut headers = HeaderMap::with_capacity(24);
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        copy_passthrough(&resp_headers, &mut headers);
        let bytes_out = out_body.len() as u64;
        let mut out = Outbound { status, headers, body: OutBody::Full(out_body) };
        attempts.push(Attempt {
            channel_id: ch.id.clone(),
            channel_name: ch.name.clone(),
            status: Some(status),
            error: None,
            latency_ms: upstream_elapsed.as_millis() as u64,
            start_us: micros(at.started - ctx.received),
            send_us: Some(micros(sent - ctx.received)),
            reason: None,
        });
        self.finish_headers(&mut out, ctx, cand, at.number, upstream_elapsed, upstream_elapsed);
        let captured = (self.cfg.bodies == crate::engine::config::BodyCapture::All).then_some(&body);
        self.record(
            ctx,
            Finished {
                channel: Some(ch),
                upstream_model: &at.upstream_model,
                status,
                success: true,
                error: None,
                latency: upstream_elapsed,
                ttfb: None,
                usage,
                attempts: std::mem::take(attempts),
                bytes_out,
                response_body: captured.map(|b| &b[..]),
            },
        );
        Ok(out)
    }
}

/// A whole upstream body, bounded: at most `server.response_limit_mb` (a `content-length`
/// over it fails before reading; a body without one is counted as it comes), no gap longer
/// than `server.idle_timeout_s` between chunks, and done by `total_at`. A body in one
/// chunk (the usual case) is that chunk, not copied; `declared` only refuses early.
pub(super) async fn read_body(
    mut resp: client::Response,
    headers: &HeaderMap,
    cfg: &ProxyConfig,
    total_at: Instant,
) -> Result<Bytes, ProxyError> {
    let limit = cfg.response_limit_mb.saturating_mul(1024 * 1024);
    let too_large = || ProxyError::ResponseTooLarge { limit_mib: cfg.response_limit_mb };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // The chunks as they came, joined once at the end: growing one buffer by doubling
    // left up to three times the limit allocated (measured: 209 MB peak for a 64 MiB cap).
    // The first chunk apart: a body in one chunk allocates nothing here.
    let mut first: Option<Bytes> = None;
    let mut parts: Vec<Bytes> = Vec::new();
    let mut read: u64 = 0;
    loop {
        // A chunk that is already there is taken without arming a timer (on a fast
        // upstream, nearly every one: a timer per chunk cost ~1k instructions a request).
        let mut next = std::pin::pin!(resp.chunk());
        let ready =
            std::future::poll_fn(|cx| std::task::Poll::Ready(std::future::Future::poll(next.as_mut(), cx))).await;
        let got = match ready {
            std::task::Poll::Ready(got) => got,
            std::task::Poll::Pending => {
                let left = total_at.saturating_duration_since(Instant::now());
                let wait = left.min(cfg.idle_timeout);
                match tokio::time::timeout(wait, next).await {
                    Err(_) if wait < cfg.idle_timeout => return Err(ProxyError::BodyTimeout),
                    Err(_) => return Err(ProxyError::ResponseStalled { secs: cfg.idle_timeout.as_secs() }),
                    Ok(got) => got,
                }
            }
        };
        let chunk = match got {
            Err(e) => return Err(ProxyError::Upstream(e)),
            Ok(None) => break,
            Ok(Some(c)) => c,
        };
        read += chunk.len() as u64;
        if read > limit {
            return Err(too_large());
        }
        if first.is_none() {
            first = Some(chunk);
        } else {
            parts.push(chunk);
        }
    }
    let Some(first) = first else { return Ok(Bytes::new()) };
    if parts.is_empty() {
        return Ok(first);
    }
    let mut all = bytes::BytesMut::with_capacity(read as usize);
    all.extend_from_slice(&first);
    for p in &parts {
        all.extend_from_slice(p);
    }
    Ok(all.freeze())
}

/// A 2xx whose content type cannot be the answer asked for: a stream that is not
/// `text/event-stream`, a whole body that is not JSON (`application/json` or any
/// `+json`). Lenient where providers are: parameters and case are ignored, and a missing
/// content type passes (the body then speaks for itself).
pub(super) fn wrong_content_type(headers: &HeaderMap, status: u16, stream: bool) -> Option<ProxyError> {
    let ct = headers.get(http::header::CONTENT_TYPE)?;
    let bytes = ct.as_bytes();
    let essence = bytes.split(|b| *b == b';').next().unwrap_or_default().trim_ascii();
    let ok = if stream {
        essence.eq_ignore_ascii_case(b"text/event-stream")
    } else {
        essence.eq_ignore_ascii_case(b"application/json")
            || (essence.len() > 5 && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json"))
    };
    if ok {
        return None;
    }
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(100)]).into_owned();
    let expected = if stream { "text/event-stream" } else { "JSON" };
    Some(ProxyError::WrongContentType { status, content_type: shown, expected })
}

/// The headers of an attempt's upstream request: the channel's (its key among them), the
/// client's that pass, and our `traceparent`.
fn upstream_headers(at: &ChannelAttempt<'_>) -> HeaderMap {
    let (ctx, ch) = (at.ctx, &at.cand.channel);
    let mut headers = at.cand.rt.base_headers(ch, at.key_idx);
    upstream::add_client_headers(&mut headers, ch, &at.inbound.headers, ctx.protocol);
    if let Some(v) = traceparent(&ctx.trace_id, &ctx.span_id) {
        headers.insert(names::TRACEPARENT, v);
    }
    headers
}

/// A duration in whole microseconds (for the attempt offsets traces read).
pub(super) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_that_cannot_be_the_answer_are_refused_leniently() {
        let check = |ct: Option<&str>, stream: bool| {
            let mut h = HeaderMap::new();
            if let Some(ct) = ct {
                h.insert(http::header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            }
            wrong_content_type(&h, 200, stream).map(|e| e.to_string())
        };
        for ok in
            [None, Some("application/json"), Some("Application/JSON; charset=utf-8"), Some("application/problem+json")]
        {
            assert_eq!(check(ok, false), None, "{ok:?}");
        }
        for ok in
            [None, Some("text/event-stream"), Some("text/event-stream; charset=utf-8"), Some(" TEXT/EVENT-STREAM ")]
        {
            assert_eq!(check(ok, true), None, "{ok:?}");
        }
        let e = check(Some("text/html; charset=utf-8"), false).unwrap();
        assert_eq!(e, "upstream answered 200 with content type \"text/html; charset=utf-8\", not JSON");
        assert!(check(Some("application/json"), true).unwrap().ends_with("not text/event-stream"));
        assert!(check(Some("text/plain"), false).is_some());
    }
}
