//! Streams: relayed chunk by chunk as they arrive (the upstream's bytes untouched when
//! client and channel speak the same protocol and nothing is stripped or transformed;
//! otherwise every event is written anew from its parsed form, invalid UTF-8 as U+FFFD,
//! and converted event by event when the protocols differ). A line or event over
//! `server.sse_event_limit_kb` ends the stream (or fails the attempt over before content).
//!
//! A stream is held until its first content (not just a preamble) before the client gets
//! anything, so a stream that dies, stalls or errs in its preamble still fails over. After
//! that the client owns the stream: a break, an idle timeout or an in-band error ends it
//! with the protocol's own error event and counts against the channel. A client that goes
//! away cancels the upstream at once. Back-pressure: the rest of the stream is the
//! response body itself ([`Relay`]), read from the upstream only when the server polls it,
//! that is when the client can take more.
//!
//! Called by the attempt steps (`attempt.rs`) for a 2xx stream ([`start`]); the daemon
//! then polls the [`Relay`] as the response body. It never fails over once the client has
//! bytes, and it writes the stream's record exactly once, when the stream ends or is
//! dropped.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::attempt::{AttemptFailure, AttemptResult, ChannelAttempt, ResponseHead};
use super::balancer::Candidate;
use super::record::Finished;
use super::records::Attempt;
use super::{copy_passthrough, OutBody, Outbound, Proxy, ProxyError, RequestContext};
use crate::engine::transform::{is_end_marker, Pipeline};
use crate::protocol::convert::response::{last_key_value, UsagePeek};
use crate::protocol::sse::{SseEvent, SseParser};
use crate::protocol::{self, ConvertError, Protocol, StreamConverter, Usage};

/// What the relay learns from the upstream's events.
pub(crate) struct Scan {
    protocol: Protocol,
    parser: SseParser,
    events: Vec<SseEvent>,
    /// Usage seen so far.
    pub usage: Usage,
    /// The upstream's own end marker was seen (`message_stop`, `[DONE]`, `finishReason`).
    pub terminal: bool,
    /// An in-band error event, with its message.
    pub error: Option<String>,
    /// Content (not just a preamble) has arrived: from here on the client owns the stream.
    pub substantive: bool,
    events_seen: usize,
}

impl Scan {
    pub(crate) fn new(protocol: Protocol) -> Scan {
        Scan::with_parser(protocol, SseParser::default())
    }

    /// For an Anthropic stream relayed untouched: only the events the scan learns from
    /// (usage, errors) keep their data; deltas are forwarded without being copied.
    fn anthropic_passthrough() -> Scan {
        Scan::with_parser(
            Protocol::Anthropic,
            SseParser::keeping_data_of(|e| matches!(e, "message_start" | "message_delta" | "error")),
        )
    }

    fn with_parser(protocol: Protocol, parser: SseParser) -> Scan {
        Scan {
            protocol,
            parser,
            events: Vec::new(),
            usage: Usage::default(),
            terminal: false,
            error: None,
            substantive: false,
            events_seen: 0,
        }
    }

    /// At most `bytes` of an unfinished line and event held (`server.sse_event_limit_kb`).
    fn limited(mut self, bytes: usize) -> Scan {
        self.parser = std::mem::take(&mut self.parser).with_limit(bytes);
        self
    }

    /// The upstream sent a line or event past the limit: nothing more is parsed.
    fn over_limit(&self) -> bool {
        self.parser.over_limit()
    }

    /// Parse a chunk; inspect its events; hand each to `each` (the converter, if any).
    pub(crate) fn feed(&mut self, chunk: &[u8], mut each: impl FnMut(&SseEvent)) {
        self.parser.feed(chunk, &mut self.events);
        let events = std::mem::take(&mut self.events);
        for ev in &events {
            self.inspect(ev);
            each(ev);
        }
        self.events = events;
        self.events.clear();
    }

    fn inspect(&mut self, ev: &SseEvent) {
        self.events_seen += 1;
        self.substantive |= match self.protocol {
            // message_start and ping are preamble; a stall after them can still fail over.
            Protocol::Anthropic => !matches!(
                ev.event.as_deref(),
                Some("message_start") | Some("ping") | Some("content_block_start") | None
            ),
            // The first chunk usually only carries the role.
            Protocol::Openai => self.events_seen >= 2,
            Protocol::Gemini => true,
        };
        match self.protocol {
            Protocol::Anthropic => match ev.event.as_deref() {
                // Usage closes both events (`message.usage`, then `usage`): parse just that
                // object when it is where Anthropic puts it, else the whole event.
                Some("message_start") => {
                    let usage = match last_key_value::<Option<UsagePeek>>(ev.data.as_bytes(), b"\"usage\"", 2) {
                        Some(u) => u,
                        None => serde_json::from_str::<AnthropicStart>(&ev.data).ok().and_then(|v| v.message.usage),
                    };
                    if let Some(u) = usage {
                        self.usage = u.usage(Protocol::Anthropic);
                    }
                }
                Some("message_delta") => {
                    let usage = match last_key_value::<Option<DeltaUsage>>(ev.data.as_bytes(), b"\"usage\"", 1) {
                        Some(u) => u,
                        None => serde_json::from_str::<AnthropicDelta>(&ev.data).ok().and_then(|d| d.usage),
                    };
                    if let Some(u) = usage {
                        if let Some(o) = u.output_tokens {
                            self.usage.output = o;
                        }
                        if let Some(i) = u.input_tokens.filter(|i| *i > 0) {
                            self.usage.input = i;
                        }
                        if let Some(c) = u.cache_read_input_tokens.filter(|i| *i > 0) {
                            self.usage.cache_read = c;
                        }
                        if let Some(c) = u.cache_creation_input_tokens.filter(|i| *i > 0) {
                            self.usage.cache_write = c;
                        }
                    }
                }
                Some("message_stop") => self.terminal = true,
                Some("error") => self.error = Some(super::error::in_band_message(&ev.data)),
                _ => {}
            },
            Protocol::Openai => {
                let d = ev.data.trim();
                if d == "[DONE]" {
                    self.terminal = true;
                } else if d.contains("\"error\"") || d.contains("\"usage\"") {
                    if let Ok(c) = serde_json::from_str::<OpenaiChunk>(d) {
                        if c.error.is_some() {
                            self.error = Some(super::error::in_band_message(d));
                        } else if let Some(u) = c.usage {
                            self.usage = u.usage(Protocol::Openai);
                        }
                    }
                }
            }
            Protocol::Gemini => {
                let d = &ev.data;
                if d.contains("\"error\"") || d.contains("usageMetadata") || d.contains("finishReason") {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(d) {
                        if v.get("error").is_some() {
                            self.error = Some(super::error::in_band_message(d));
                        }
                        if v.get("usageMetadata").is_some() {
                            self.usage = protocol::usage_from_response(Protocol::Gemini, &v);
                        }
                        if v.pointer("/candidates/0/finishReason").is_some_and(|f| !f.is_null()) {
                            self.terminal = true;
                        }
                    }
                }
            }
        }
    }
}

// Typed peeks at the few stream events the relay learns from: only the usage and error
// parts are deserialised, everything else is skipped without building a Value.

#[derive(serde::Deserialize)]
struct AnthropicStart {
    message: AnthropicStartMessage,
}

#[derive(serde::Deserialize)]
struct AnthropicStartMessage {
    #[serde(default)]
    usage: Option<UsagePeek>,
}

#[derive(serde::Deserialize)]
struct AnthropicDelta {
    #[serde(default)]
    usage: Option<DeltaUsage>,
}

#[derive(serde::Deserialize)]
struct DeltaUsage {
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

#[derive(serde::Deserialize)]
struct OpenaiChunk {
    /// Present and not null: an in-band error.
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    usage: Option<UsagePeek>,
}

/// Bytes of the client protocol's stream error event.
pub(crate) fn error_event(client: Protocol, message: &str) -> Vec<u8> {
    let mut out = Vec::new();
    protocol::stream_converter(client, client, "").finish(Some(message), &mut out);
    out
}

enum Mode {
    /// Same protocol: the upstream's bytes, untouched.
    Passthrough,
    /// OpenAI to OpenAI where routex asked for usage the client did not: drop the
    /// usage-only chunk, re-encode the rest as it came.
    StripUsage,
    /// Different protocols: a converter state machine.
    Convert(Box<dyn StreamConverter>),
}

/// Run the channel's transformers on one upstream event: None drops it; `[DONE]` and
/// other non-JSON data pass as they are.
fn transformed(ev: &SseEvent, pipeline: &Pipeline, upstream: Protocol) -> Option<SseEvent> {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&ev.data) else {
        return Some(ev.clone());
    };
    if !pipeline.stream_event(upstream, ev.event.as_deref(), &mut v) {
        return None;
    }
    Some(SseEvent { event: ev.event.clone(), data: v.to_string() })
}

/// Send one (transformed) upstream event on towards the client, per mode.
fn deliver(mode: &mut Mode, ev: &SseEvent, out: &mut Vec<u8>, convert_err: &mut Option<ConvertError>) {
    match mode {
        Mode::Passthrough => protocol::sse::write_event(out, ev.event.as_deref(), &ev.data),
        Mode::StripUsage => strip_usage(ev, out),
        Mode::Convert(conv) => {
            if convert_err.is_none() {
                if let Err(e) = conv.push(ev, out) {
                    *convert_err = Some(e);
                }
            }
        }
    }
}

/// The events the channel's transformers still hold at the end of the stream, delivered
/// (once per stream: later calls deliver nothing).
fn release_held(mode: &mut Mode, pipeline: &Pipeline, upstream: Protocol, out: &mut Vec<u8>) -> Option<ConvertError> {
    let mut convert_err = None;
    for (event, data) in pipeline.stream_end(upstream) {
        deliver(mode, &SseEvent { event: event.map(Into::into), data: data.to_string() }, out, &mut convert_err);
    }
    convert_err
}

/// Turn one upstream chunk into client bytes (and learn from it). Output goes to `out`
/// except in plain passthrough, where the chunk itself is forwarded.
fn process(
    scan: &mut Scan,
    mode: &mut Mode,
    pipeline: Option<&Pipeline>,
    chunk: &Bytes,
    out: &mut Vec<u8>,
) -> Option<ConvertError> {
    let upstream = scan.protocol;
    let mut convert_err = None;
    let Some(pipe) = pipeline else {
        match mode {
            Mode::Passthrough => scan.feed(chunk, |_| {}),
            Mode::StripUsage => scan.feed(chunk, |ev| strip_usage(ev, out)),
            Mode::Convert(conv) => scan.feed(chunk, |ev| {
                if convert_err.is_none() {
                    if let Err(e) = conv.push(ev, out) {
                        convert_err = Some(e);
                    }
                }
            }),
        }
        return convert_err;
    };
    scan.feed(chunk, |ev| {
        if is_end_marker(upstream, ev.event.as_deref(), &ev.data) {
            if let Some(e) = release_held(mode, pipe, upstream, out) {
                convert_err.get_or_insert(e);
            }
        }
        if let Some(ev) = transformed(ev, pipe, upstream) {
            deliver(mode, &ev, out, &mut convert_err);
        }
    });
    convert_err
}

/// OpenAI to OpenAI where routex asked for usage the client did not: drop the usage-only
/// chunk and the `"usage":null` fields OpenAI adds to every chunk.
fn strip_usage(ev: &SseEvent, out: &mut Vec<u8>) {
    let usage_only = ev.data.contains("\"usage\"") && ev.data.contains("\"choices\":[]");
    if !usage_only {
        let data = ev.data.replace(",\"usage\":null", "");
        protocol::sse::write_event(out, ev.event.as_deref(), &data);
    }
}

/// Start relaying a successful (2xx) stream: hold it until its first content
/// ([`hold_until_content`]), then answer with that content and the rest of the stream as
/// the [`Relay`] body. A stream that fails before its first content is a failed attempt
/// (the loop fails over); from here on the client owns it.
pub(super) async fn start(
    proxy: &Arc<Proxy>,
    at: ChannelAttempt<'_>,
    head: ResponseHead,
    attempts: &mut Vec<Attempt>,
) -> AttemptResult {
    let ChannelAttempt { ctx, cand, number, upstream_model, pipeline, timeout, started, .. } = at;
    let ResponseHead { mut resp, headers: resp_headers, sent, .. } = head;
    let ch = &cand.channel;
    let client_p = ctx.protocol;
    let mut mode = if ctx.json_array {
        Mode::Convert(protocol::json_array_stream(protocol::stream_converter(ch.protocol, client_p, &ctx.model)))
    } else if ctx.responses {
        Mode::Convert(protocol::responses_stream_converter(ch.protocol, &ctx.model))
    } else if ch.protocol == client_p && ctx.strip_usage {
        Mode::StripUsage
    } else if ch.protocol == client_p {
        Mode::Passthrough
    } else {
        Mode::Convert(protocol::stream_converter(ch.protocol, client_p, &ctx.model))
    };
    let scan = if matches!(mode, Mode::Passthrough) && pipeline.is_none() && ch.protocol == Protocol::Anthropic {
        Scan::anthropic_passthrough()
    } else {
        Scan::new(ch.protocol)
    };
    let limit_kib = proxy.cfg.sse_event_limit_kb;
    let mut scan = scan.limited(usize::try_from(limit_kib.saturating_mul(1024)).unwrap_or(usize::MAX));
    let Held { mut pending, upstream_wait, ended } =
        hold_until_content(&mut resp, &mut scan, &mut mode, pipeline.as_ref(), sent, timeout, limit_kib).await?;
    let ttfb = ctx.received.elapsed();
    cand.rt.observe_latency(upstream_wait.as_micros() as u64);
    if let Some(s) = &ctx.session {
        proxy.stick(s, ch);
    }
    let mut headers = HeaderMap::with_capacity(24);
    let content_type = if ctx.json_array { "application/json" } else { "text/event-stream" };
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    copy_passthrough(&resp_headers, &mut headers);
    let first: Bytes = if pending.len() == 1 { pending.pop().expect("one") } else { pending.concat().into() };
    let ended = ended || scan.terminal;
    let now = Instant::now();
    let relay = Relay {
        first: (!first.is_empty()).then_some(first),
        resp: Some(resp),
        scan,
        mode,
        pipeline,
        // Also when the terminal event came with the first content: the client's stream ends there.
        ended,
        failure: None,
        scratch: Vec::new(),
        bytes_out: 0,
        last_data: now,
        timer: None,
        end: Some(Ending {
            proxy: proxy.clone(),
            ctx: ctx.clone(),
            cand: cand.clone(),
            upstream_model,
            attempts: std::mem::take(attempts),
            started,
            sent,
            ttfb,
        }),
    };
    let mut out = Outbound { status: 200, headers, body: OutBody::Stream(Box::new(relay)) };
    proxy.finish_headers(&mut out, ctx, cand, number, ttfb, upstream_wait);
    Ok(out)
}

/// What holding a stream until its first content left.
struct Held {
    /// The client bytes of the chunks read so far.
    pending: Vec<Bytes>,
    /// How long the upstream took to send its first chunk.
    upstream_wait: Duration,
    /// The upstream already ended the stream (after its final event).
    ended: bool,
}

/// Read the stream until it has substance, before the client sees anything: a stream that
/// dies, stalls or sends an error in its preamble (Anthropic's `message_start` and `ping`,
/// OpenAI's role-only chunk) still fails over. The first content must come within the
/// attempt's `timeout` of `sent`.
async fn hold_until_content(
    resp: &mut super::client::Response,
    scan: &mut Scan,
    mode: &mut Mode,
    pipeline: Option<&Pipeline>,
    sent: Instant,
    timeout: Duration,
    limit_kib: u64,
) -> Result<Held, Box<AttemptFailure>> {
    let mut pending: Vec<Bytes> = Vec::new();
    let mut upstream_wait = Duration::ZERO;
    let mut ended = false;
    while !scan.substantive && !ended {
        let left = timeout.saturating_sub(sent.elapsed());
        let chunk = match tokio::time::timeout(left, resp.chunk()).await {
            Err(_) => {
                let error = ProxyError::FirstContentTimeout { secs: timeout.as_secs() };
                return Err(AttemptFailure::at_status(error, resp.status().as_u16()));
            }
            Ok(Err(e)) => return Err(ProxyError::Upstream(e).into()),
            Ok(Ok(None)) if pending.is_empty() => return Err(ProxyError::StreamEmpty.into()),
            Ok(Ok(None)) => {
                ended = true;
                continue;
            }
            Ok(Ok(Some(c))) => c,
        };
        if pending.is_empty() {
            upstream_wait = sent.elapsed();
        }
        let mut converted = Vec::new();
        let conv_err = process(scan, mode, pipeline, &chunk, &mut converted);
        if scan.over_limit() {
            let error = ProxyError::SseEventTooLarge { limit_kib };
            return Err(AttemptFailure::at_status(error, resp.status().as_u16()));
        }
        // Nothing reached the client yet: an in-band error here is a failed attempt.
        if let Some(e) = scan.error.clone() {
            return Err(ProxyError::InBand(e).into());
        }
        if let Some(e) = conv_err {
            return Err(ProxyError::Conversion(e).into());
        }
        pending.push(match mode {
            Mode::Passthrough if pipeline.is_none() => chunk,
            _ => Bytes::from(converted),
        });
        if scan.terminal {
            break;
        }
    }
    if ended && !scan.terminal {
        return Err(ProxyError::StreamEndedBeforeContent.into());
    }
    Ok(Held { pending, upstream_wait, ended })
}

/// What the record of a relayed stream needs once it ends.
struct Ending {
    proxy: Arc<Proxy>,
    ctx: RequestContext,
    cand: Candidate,
    upstream_model: String,
    attempts: Vec<Attempt>,
    started: Instant,
    sent: Instant,
    ttfb: Duration,
}

/// The rest of a stream after its first content, as the client's response body. The
/// server polls it when it can write: one upstream chunk in, that chunk's client bytes out,
/// in the connection's own task (no relay task, no channel hop), so a slow client simply
/// stops the upstream from being read. Dropped before its end (the client went away), it
/// drops the upstream response at once, which cancels the upstream request, and records
/// the stream as abandoned. Either way the record is written exactly once.
pub struct Relay {
    /// The content read before the response was committed, not yet handed out.
    first: Option<Bytes>,
    resp: Option<super::client::Response>,
    scan: Scan,
    mode: Mode,
    pipeline: Option<Pipeline>,
    /// The upstream has nothing more to give (its end, a break, a timeout).
    ended: bool,
    /// Why the stream ends early, if it does.
    failure: Option<ProxyError>,
    scratch: Vec<u8>,
    bytes_out: u64,
    /// When the upstream last sent data: the idle timeout counts from here.
    last_data: Instant,
    /// Wakes the relay by the idle or total deadline. Made the first time the upstream has
    /// nothing to read and re-armed only after it fired (the idle deadline only moves
    /// later, so an earlier wake-up just re-checks), never per chunk.
    timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    /// Taken by the one call that closes the stream and writes the record.
    end: Option<Ending>,
}

impl Relay {
    /// Whether a deadline has passed: the failure to report, or None after re-arming the
    /// timer for the earlier of the two deadlines.
    fn deadline(&mut self, cx: &mut std::task::Context<'_>) -> Option<ProxyError> {
        let Some(end) = &self.end else { return None };
        let cfg = &end.proxy.cfg;
        let total_at = end.ctx.received + cfg.request_timeout;
        let idle_at = self.last_data + cfg.idle_timeout;
        let now = Instant::now();
        if now >= total_at {
            return Some(ProxyError::TotalTimeout { secs: cfg.request_timeout.as_secs() });
        }
        if now >= idle_at {
            return Some(ProxyError::StreamStalled { secs: cfg.idle_timeout.as_secs() });
        }
        let at = tokio::time::Instant::from_std(total_at.min(idle_at));
        let timer = match &mut self.timer {
            Some(t) => {
                if t.is_elapsed() {
                    t.as_mut().reset(at);
                }
                t
            }
            None => self.timer.insert(Box::pin(tokio::time::sleep_until(at))),
        };
        // Registers the waker; a timer that fires wakes this body and the check above runs.
        let _ = std::future::Future::poll(timer.as_mut(), cx);
        None
    }

    /// Reads the upstream until there are client bytes to hand out or it has ended.
    fn poll_upstream(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Bytes>> {
        use std::task::Poll;
        while !self.ended {
            let Some(resp) = self.resp.as_mut() else {
                self.ended = true;
                break;
            };
            let chunk = match resp.poll_chunk(cx) {
                Poll::Pending => match self.deadline(cx) {
                    None => return Poll::Pending,
                    Some(f) => {
                        self.failure = Some(f);
                        self.ended = true;
                        break;
                    }
                },
                Poll::Ready(Err(e)) => {
                    self.failure = Some(ProxyError::StreamBroke(e));
                    self.ended = true;
                    break;
                }
                Poll::Ready(Ok(None)) => {
                    if !self.scan.terminal && self.scan.error.is_none() {
                        self.failure = Some(ProxyError::StreamCut);
                    }
                    self.ended = true;
                    break;
                }
                Poll::Ready(Ok(Some(c))) => c,
            };
            self.last_data = Instant::now();
            self.scratch.clear();
            let conv_err = process(&mut self.scan, &mut self.mode, self.pipeline.as_ref(), &chunk, &mut self.scratch);
            if self.scan.over_limit() {
                // The rest of the overlong line is not forwarded.
                let limit_kib = self.end.as_ref().map_or(0, |e| e.proxy.cfg.sse_event_limit_kb);
                self.failure = Some(ProxyError::SseEventTooLarge { limit_kib });
                self.ended = true;
                break;
            }
            let payload = match self.mode {
                Mode::Passthrough if self.pipeline.is_none() => chunk,
                _ => Bytes::copy_from_slice(&self.scratch),
            };
            if let Some(e) = conv_err {
                self.failure = Some(ProxyError::Conversion(e));
                self.ended = true;
            } else if self.scan.terminal || (self.scan.error.is_some() && matches!(self.mode, Mode::Convert(_))) {
                // After the terminal event the client's stream ends at once (the client
                // has its whole answer); the upstream's rest is drained when it closes.
                self.ended = true;
            }
            if !payload.is_empty() {
                return Poll::Ready(Some(payload));
            }
        }
        Poll::Ready(None)
    }

    /// Closes the stream once: cancels the upstream, settles the channel's state and writes
    /// the record. Returns the client bytes that close the stream properly (the held
    /// transformer events and the protocol's error event), none when the client is gone.
    fn close(&mut self, client_gone: bool) -> Vec<u8> {
        let Some(end) = self.end.take() else { return Vec::new() };
        let complete = self.scan.terminal && self.failure.is_none() && self.scan.error.is_none();
        match self.resp.take() {
            // The answer is whole: what the upstream still sends after its terminal event
            // is read off so that its connection goes back to the pool.
            Some(resp) if complete => drain(resp),
            // Cancels the upstream request if it is still running.
            other => drop(other),
        }
        // The terminal event was handed to the client's connection: the client has its
        // whole answer, whatever it does next (SDKs close the connection after `[DONE]`).
        let client_gone = client_gone && !(complete && self.first.is_none());
        let ch = &end.cand.channel;
        let rt = &end.cand.rt;
        let proxy = &end.proxy;
        let client_p = end.ctx.protocol;
        let in_band = self.scan.error.clone();
        let mut failure = self.failure.take().map(|f| f.to_string());
        let mut tail = Vec::new();
        if !client_gone {
            if let Some(pipe) = self.pipeline.as_ref() {
                let err = release_held(&mut self.mode, pipe, ch.protocol, &mut tail);
                if failure.is_none() {
                    failure = err.map(|e| ProxyError::Conversion(e).to_string());
                }
            }
            match (&mut self.mode, &failure, &in_band) {
                // A passthrough in-band error already reached the client verbatim.
                (Mode::Passthrough | Mode::StripUsage, None, _) => {}
                (Mode::Passthrough | Mode::StripUsage, Some(f), _) => {
                    if self.scan.over_limit() && self.pipeline.is_none() && matches!(self.mode, Mode::Passthrough) {
                        // The client has part of the overlong line (the upstream's bytes
                        // go out as they come): end it, and its event, so that the error
                        // event stands on its own.
                        tail.extend_from_slice(b"\n\n");
                    }
                    tail.extend(error_event(client_p, f))
                }
                (Mode::Convert(conv), f, e) => conv.finish(f.as_deref().or(e.as_deref()), &mut tail),
            }
            self.bytes_out += tail.len() as u64;
        }
        rt.end();
        let failure_cut = failure.is_some();
        let error = failure.or(in_band);
        let success = error.is_none() && !client_gone;
        if client_gone && error.is_none() {
            rt.on_abandon();
        } else if let Some(e) = &error {
            let t = rt.on_failure(proxy.cfg.failure_threshold, proxy.cfg.open_for, e.clone());
            proxy.reflect(&ch.id, t);
        } else {
            let t = rt.on_success();
            proxy.reflect(&ch.id, t);
        }
        let usage = self.scan.usage;
        rt.add_tokens(&usage);
        let mut attempts = end.attempts;
        attempts.push(Attempt {
            channel_id: ch.id.clone(),
            channel_name: ch.name.clone(),
            status: Some(200),
            error: error.clone(),
            latency_ms: end.sent.elapsed().as_millis() as u64,
            start_us: super::attempt::micros(end.started - end.ctx.received),
            send_us: Some(super::attempt::micros(end.sent - end.ctx.received)),
            reason: error.is_some().then_some(if failure_cut { "stream_cut" } else { "stream_error_event" }),
        });
        let (status, error) = if client_gone && error.is_none() {
            (ProxyError::ClientClosed.status(), Some(ProxyError::ClientClosed.to_string()))
        } else {
            (200, error)
        };
        proxy.record(
            &end.ctx,
            Finished {
                channel: Some(ch),
                upstream_model: &end.upstream_model,
                status,
                success,
                error,
                latency: end.ctx.received.elapsed(),
                ttfb: Some(end.ttfb),
                usage,
                attempts,
                bytes_out: self.bytes_out,
                response_body: None,
            },
        );
        tail
    }
}

/// What an upstream may still send after its terminal event, read off so that its
/// connection can be reused: at most this many bytes…
const DRAIN_BYTES: usize = 256 * 1024;
/// …within this time; past either the connection is closed instead.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Read the rest of a finished stream's response in the background (bounded by
/// [`DRAIN_BYTES`] and [`DRAIN_TIME`]); read to its end, its connection goes back to the
/// pool (see [`super::client::Response`]).
fn drain(mut resp: super::client::Response) {
    use futures_util::FutureExt as _;
    // Usually the end of the body came with the terminal event: no task needed.
    let mut left = DRAIN_BYTES;
    loop {
        match resp.chunk().now_or_never() {
            Some(Ok(Some(chunk))) if chunk.len() < left => left -= chunk.len(),
            Some(Ok(None)) => return, // read to its end: the connection is back in the pool
            Some(_) => return,        // broken or too much: the connection is dropped
            None => break,
        }
    }
    let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
    handle.spawn(async move {
        let _ = tokio::time::timeout(DRAIN_TIME, async {
            while let Ok(Some(chunk)) = resp.chunk().await {
                left = left.saturating_sub(chunk.len());
                if left == 0 {
                    break;
                }
            }
        })
        .await;
    });
}

impl futures_util::Stream for Relay {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            this.bytes_out += first.len() as u64;
            return Poll::Ready(Some(Ok(first)));
        }
        if this.end.is_none() {
            return Poll::Ready(None);
        }
        match this.poll_upstream(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(payload)) => {
                this.bytes_out += payload.len() as u64;
                Poll::Ready(Some(Ok(payload)))
            }
            Poll::Ready(None) => {
                let tail = this.close(false);
                Poll::Ready((!tail.is_empty()).then(|| Ok(Bytes::from(tail))))
            }
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // Still open: the server dropped the body before its end, so the client is gone.
        self.close(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(stream: &str) -> Scan {
        let mut s = Scan::anthropic_passthrough();
        s.feed(stream.as_bytes(), |_| {});
        s
    }

    #[test]
    fn anthropic_stream_usage_where_anthropic_puts_it_and_anywhere_else() {
        let canonical = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"content\":[],\
            \"usage\":{\"input_tokens\":12,\"output_tokens\":1,\"cache_read_input_tokens\":3,\"cache_creation_input_tokens\":2}}}\n\n\
            event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\\\"usage\\\":{}\"}}\n\n\
            event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n\
            event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        let s = scan(canonical);
        assert_eq!((s.usage.input, s.usage.output, s.usage.cache_read, s.usage.cache_write), (12, 7, 3, 2));
        assert!(s.terminal);
        // Usage first, other keys after it, and a decoy in the content: the whole events are parsed.
        let reordered = "event: message_start\ndata: {\"message\":{\"usage\":{\"input_tokens\":40,\"output_tokens\":1},\
            \"content\":[{\"type\":\"tool_use\",\"input\":{\"usage\":{\"input_tokens\":999}}}]},\"type\":\"message_start\"}\n\n\
            event: message_delta\ndata: {\"usage\":{\"output_tokens\":9},\"type\":\"message_delta\"}\n\n";
        let s = scan(reordered);
        assert_eq!((s.usage.input, s.usage.output), (40, 9));
    }
}
