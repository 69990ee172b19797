//! The request log's glue to the store: records in, bytes out and back.
//!
//! [`append`] encodes records ([`codec`]) and hands them to the store in one batch;
//! [`count`] asks the store; [`decode`] and [`read_part`] turn a stored entry back into a
//! whole record or into the few fields a reader needs, whichever of the two stored forms it
//! is (the compact encoding, or the JSON of versions before it). This is the only file of
//! the request log that knows both forms: the writer (`recorder`) and the readers (`query`,
//! `analytics`) go through it and never call the codec or serde on stored bytes themselves.
//! It must not decide what to read (time windows, filters, order): that is the readers' job.

use serde::Deserialize;

use super::codec;
use super::model::RequestRecord;
use crate::engine::Error;
use crate::store::{Segment, Store};

/// Encode (`codec`) and append records in one batch (the store packs them into
/// segments: one write and one fdatasync). Used by the writer; tests and imports may call
/// it directly.
pub fn append(store: &Store, records: &[RequestRecord]) -> Result<(), Error> {
    let mut buf = Vec::with_capacity(records.len() * 320);
    let mut spans = Vec::with_capacity(records.len());
    for r in records {
        let start = buf.len();
        codec::encode(r, &mut buf);
        spans.push((r.time_ms, start..buf.len()));
    }
    let entries: Vec<(u64, &[u8])> = spans.iter().map(|(t, span)| (*t, &buf[span.clone()])).collect();
    store.append_records(&entries)?;
    Ok(())
}

/// Number of records in the log.
pub fn count(store: &Store) -> Result<usize, Error> {
    Ok(store.count_records()?)
}

/// The whole record at entry `i` of `seg`, in either stored form; None (after a warning)
/// when it cannot be read, so one damaged record does not hide the rest.
pub(super) fn decode(seg: &Segment, i: usize) -> Option<RequestRecord> {
    let bytes = seg.bytes(i);
    let r = if is_json(bytes) {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    } else {
        codec::decode(bytes).map_err(|e| e.to_string())
    };
    r.map_err(|e| unreadable(seg, i, &e)).ok()
}

/// Records written before the compact encoding are JSON objects.
fn is_json(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'{')
}

/// Warn that entry `i` of `seg` cannot be read; the caller skips it.
pub(super) fn unreadable(seg: &Segment, i: usize, e: &dyn std::fmt::Display) {
    log::warn!("request log: skipping unreadable record {i} of segment {:?}: {e}", seg.key());
}

/// Why a stored record could not be read, in either of its stored forms.
#[derive(Debug, thiserror::Error)]
pub(super) enum Unreadable {
    /// A JSON record of an earlier version that does not parse.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A compact record that does not decode.
    #[error("{0}")]
    Compact(#[from] codec::DecodeError),
}

/// A part of a stored record: through serde from a JSON record of an earlier version,
/// else made by `from_view` from the compact encoding's fixed fields.
pub(super) fn read_part<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    from_view: impl FnOnce(codec::View<'a>) -> T,
) -> Result<T, Unreadable> {
    if is_json(bytes) {
        return Ok(serde_json::from_slice(bytes)?);
    }
    Ok(codec::view(bytes).map(from_view)?)
}

#[cfg(test)]
mod tests {
    use super::super::test_records::{ids, q, rec, T0};
    use super::super::{analytics, query_at, since, RequestQuery};
    use super::*;

    #[test]
    fn a_version_1_log_reads_back_whole_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let now = T0 + 50_000;
        // What version 1 wrote: one key per record, in arrival order.
        let old: Vec<RequestRecord> = (0..1500).map(|i| rec(i, now - 40_000 + i * 10)).collect();
        let raw: Vec<(u64, Vec<u8>)> = old.iter().map(|r| (r.time_ms, serde_json::to_vec(r).unwrap())).collect();
        crate::store::write_v1_requests(dir.path(), &raw);
        let s = crate::store::reopen(dir.path());
        assert_eq!(count(&s).unwrap(), 1500);
        assert_eq!(since(&s, 0, 5000).unwrap(), old);
        let newest = query_at(&s, &q(|q| q.limit = Some(3)), now).unwrap();
        assert_eq!(ids(&newest), ["req_1499", "req_1498", "req_1497"]);
        assert_eq!(analytics(&s, now).unwrap().totals.requests, 1500);
        // New records go after the migrated ones.
        append(&s, &[rec(9999, now)]).unwrap();
        assert_eq!(ids(&query_at(&s, &q(|q| q.limit = Some(1)), now).unwrap()), ["req_9999"]);
    }

    #[test]
    fn json_records_from_before_the_compact_encoding_read_alongside_new_ones() {
        let s = Store::temporary().unwrap();
        // What earlier versions appended: JSON in the same segments.
        let old: Vec<RequestRecord> = (0..3)
            .map(|i| {
                let mut r = rec(i, T0 + i * 1000);
                r.model = "gpt-4o".into();
                r.upstream_model = None;
                r.channel_name = Some("backup".into());
                r.status = 502;
                r.success = false;
                r
            })
            .collect();
        let json: Vec<Vec<u8>> = old.iter().map(|r| serde_json::to_vec(r).unwrap()).collect();
        let entries: Vec<(u64, &[u8])> = old.iter().zip(&json).map(|(r, j)| (r.time_ms, j.as_slice())).collect();
        s.append_records(&entries).unwrap();
        let new: Vec<RequestRecord> = (3..6).map(|i| rec(i, T0 + i * 1000)).collect();
        append(&s, &new).unwrap();
        let now = T0 + 6000;
        let all = query_at(&s, &q(|q| q.limit = Some(10)), now).unwrap();
        assert_eq!(all.iter().rev().cloned().collect::<Vec<_>>(), [old.clone(), new.clone()].concat());
        let run = |query: RequestQuery| ids(&query_at(&s, &query, now).unwrap()).join(",");
        assert_eq!(run(q(|q| q.channel = Some("backup".into()))), "req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.model = Some("claude-*".into()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.status = Some("5xx".into()))), "req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("success".into()))), "req_5,req_4,req_3");
        let a = analytics(&s, now).unwrap();
        assert_eq!((a.totals.requests, a.totals.successes, a.totals.failures), (6, 3, 3));
        assert_eq!(a.tokens.input, 60);
        assert!((a.cost_usd - 1.5).abs() < 1e-9, "{}", a.cost_usd);
    }
}
