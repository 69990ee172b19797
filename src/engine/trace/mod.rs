//! Traces: a trace per proxied request, kept in a bounded in-memory store.
//!
//! SKELETON (session 9): the proxy calls [`Traces::finished`] once per recorded request,
//! with its context and the record; everything else is to be filled in.

use crate::engine::proxy::RequestContext;
use crate::engine::records::RequestRecord;

/// The trace store.
#[derive(Default)]
pub struct Traces {}

impl Traces {
    /// Keep the trace of one finished request.
    pub(crate) fn finished(&self, _ctx: &RequestContext, _r: &RequestRecord) {}
}
