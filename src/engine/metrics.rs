//! Prometheus metrics (`GET /metrics`) and their JSON views.
//!
//! SKELETON (session 9): the proxy calls [`Metrics::finished`] once per recorded request,
//! with the record it built; everything else is to be filled in.

use crate::engine::records::RequestRecord;

/// The daemon's metrics.
#[derive(Default)]
pub struct Metrics {}

impl Metrics {
    /// Count one finished request (called once per record, off nothing: on the request path).
    pub fn finished(&self, _r: &RequestRecord) {}
}
