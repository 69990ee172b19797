//! Traces: a trace per proxied request, kept in a bounded in-memory store.
//!
//! SKELETON (session 9): the proxy calls [`Traces::finished`] once per recorded request,
//! with the record and what the record does not keep; everything else is to be filled in.
//! It must not import `engine::proxy` (the proxy holds the store: that would be a cycle).

use crate::engine::records::RequestRecord;

/// What a trace needs of a request beyond its record.
pub struct Spans<'a> {
    /// Our span for the request (`proxy.handle`), as sent upstream in `traceparent`.
    pub span_id: &'a str,
    /// The client's span, from its `traceparent`.
    pub parent_span: Option<&'a str>,
    /// When routing was done, µs after the request arrived.
    pub routed_us: u64,
}

/// The trace store.
#[derive(Default)]
pub struct Traces {}

impl Traces {
    /// Keep the trace of one finished request.
    pub fn finished(&self, _r: &RequestRecord, _spans: Spans<'_>) {}
}
