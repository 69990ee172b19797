//! Reading the request log: the filters of `GET /api/requests` and `routex logs`
//! ([`RequestQuery`], parsed into status and time filters), [`query`] (newest first),
//! [`since`] (oldest first after a time) and [`tail`] (write order after a [`Cursor`], for
//! `routex logs --follow`).
//!
//! Every reader walks the store's segments and stops as soon as it has passed the time
//! window it needs (see the module documentation of [`super`]); records are decoded only
//! once they are sure to be returned, and filters look at a few fields read in place
//! (`FilterFields`). Read-only: nothing here writes or prunes. The admin API and the CLI
//! call it; a bad parameter is an [`Error::Invalid`] naming it and the accepted forms.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BinaryHeap;
use std::rc::Rc;

use super::model::RequestRecord;
use super::storage::{decode, read_part, unreadable, Unreadable};
use super::{DAY_MS, HOUR_MS, MINUTE_MS};
use crate::engine::glob::matches as glob_match;
use crate::engine::Error;
use crate::store::{Segment, SegmentKey, Store};
use crate::util::time::now_ms;

/// Default number of records a [`query`] returns.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest `limit` a [`query`] honours.
pub const MAX_LIMIT: usize = 1000;

/// Filters of `GET /api/requests` and `routex logs`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequestQuery {
    /// Records returned at most: default 50, at most 1000.
    pub limit: Option<usize>,
    /// Matching records skipped first (newest first).
    pub offset: Option<usize>,
    /// Channel name (case-insensitive) or id.
    pub channel: Option<String>,
    /// Requested or upstream model; `*` matches anything, case-insensitive.
    pub model: Option<String>,
    /// `200` (a code), `4xx` / `5xx` (a class), `success` or `error`.
    pub status: Option<String>,
    /// Oldest arrival time (inclusive): RFC 3339, unix ms, or an age like `15m`, `2h`, `7d`.
    pub since: Option<String>,
    /// Newest arrival time (inclusive), in the same forms as `since`.
    pub until: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum StatusFilter {
    Code(u16),
    Class(u16),
    Success,
    Error,
}

impl StatusFilter {
    fn parse(s: &str) -> Result<StatusFilter, Error> {
        let t = s.trim().to_ascii_lowercase();
        let parsed = match t.as_str() {
            "success" | "ok" => Some(StatusFilter::Success),
            "error" | "failure" | "failed" => Some(StatusFilter::Error),
            _ if t.len() == 3 && t.ends_with("xx") => {
                t[..1].parse::<u16>().ok().filter(|c| (1..=5).contains(c)).map(StatusFilter::Class)
            }
            _ => t.parse::<u16>().ok().filter(|c| (100..=599).contains(c)).map(StatusFilter::Code),
        };
        parsed.ok_or_else(|| invalid("status", t!("engine.query.status", got = format!("{s:?}")).into_owned()))
    }

    fn matches(self, status: u16, success: bool) -> bool {
        match self {
            StatusFilter::Code(c) => status == c,
            StatusFilter::Class(c) => status / 100 == c,
            StatusFilter::Success => success,
            StatusFilter::Error => !success,
        }
    }
}

fn invalid(field: &str, message: String) -> Error {
    Error::Invalid { subject: t!("engine.query.subject").into_owned(), field: field.into(), message }
}

/// Parse a point in time: RFC 3339, unix ms, or an age (`30s`, `15m`, `2h`, `7d`, `1w`)
/// counted back from `now_ms`.
pub fn parse_time(field: &str, s: &str, now_ms: u64) -> Result<u64, Error> {
    let t = s.trim();
    let bad = || invalid(field, t!("engine.query.time", got = format!("{s:?}")).into_owned());
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().map_err(|_| bad());
    }
    if let Some(unit) = t.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let digits = &t[..t.len() - 1];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: u64 = digits.parse().map_err(|_| bad())?;
            let ms = match unit.to_ascii_lowercase() {
                's' => 1_000,
                'm' => MINUTE_MS,
                'h' => HOUR_MS,
                'd' => DAY_MS,
                'w' => 7 * DAY_MS,
                _ => return Err(bad()),
            };
            return Ok(now_ms.saturating_sub(n.saturating_mul(ms)));
        }
    }
    let dt = chrono::DateTime::parse_from_rfc3339(t).map_err(|_| bad())?;
    u64::try_from(dt.timestamp_millis()).map_err(|_| bad())
}

/// The fields of a stored record the filters look at, read in place (borrowed from the
/// segment, not copied) from either stored form.
#[derive(Deserialize)]
struct FilterFields<'a> {
    #[serde(borrow, default)]
    channel_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    channel_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Cow<'a, str>,
    #[serde(borrow, default)]
    upstream_model: Option<Cow<'a, str>>,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    success: bool,
}

impl<'a> FilterFields<'a> {
    fn read(bytes: &'a [u8]) -> Result<FilterFields<'a>, Unreadable> {
        read_part(bytes, |v| FilterFields {
            channel_id: v.channel_id.map(Cow::Borrowed),
            channel_name: v.channel_name.map(Cow::Borrowed),
            model: Cow::Borrowed(v.model),
            upstream_model: v.upstream_model.map(Cow::Borrowed),
            status: v.status,
            success: v.success,
        })
    }
}

/// The filters of a [`RequestQuery`] that look inside a record (time is read from the
/// segment without it), parsed once per query.
struct Filters {
    channel: Option<String>,
    model: Option<String>,
    status: Option<StatusFilter>,
}

impl Filters {
    fn is_empty(&self) -> bool {
        self.channel.is_none() && self.model.is_none() && self.status.is_none()
    }

    fn matches(&self, p: &FilterFields<'_>) -> bool {
        if let Some(c) = &self.channel {
            let by_id = p.channel_id.as_deref() == Some(c.as_str());
            let by_name = p.channel_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(c));
            if !by_id && !by_name {
                return false;
            }
        }
        if let Some(m) = &self.model {
            if !glob_match(m, &p.model) && !p.upstream_model.as_deref().is_some_and(|u| glob_match(m, u)) {
                return false;
            }
        }
        self.status.is_none_or(|s| s.matches(p.status, p.success))
    }
}

/// A record found by a scan: its arrival time, its place in write order (`rank`, higher is
/// written later) and where its bytes are.
struct Found {
    time: u64,
    rank: u64,
    seg: Rc<Segment>,
    index: usize,
}

impl Found {
    fn decode(&self) -> Option<RequestRecord> {
        decode(&self.seg, self.index)
    }
}

impl PartialEq for Found {
    fn eq(&self, o: &Self) -> bool {
        (self.time, self.rank) == (o.time, o.rank)
    }
}
impl Eq for Found {}
impl PartialOrd for Found {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Found {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.time, self.rank).cmp(&(o.time, o.rank))
    }
}

/// Records matching `q`, newest first: by arrival time, and among records that arrived in
/// the same millisecond the one written later first. A bad `status`, `since` or `until` is
/// an [`Error::Invalid`] naming the parameter and the accepted forms.
pub fn query(store: &Store, q: &RequestQuery) -> Result<Vec<RequestRecord>, Error> {
    query_at(store, q, now_ms())
}

/// [`query`] with relative times (`15m`) counted back from `now_ms`.
///
/// Segments are read newest key first. A key's high-water mark bounds the arrival time of
/// every record not read yet, so matching records wait in a heap only until the scan has
/// passed their time, then come out in order; the scan stops once `offset + limit` records
/// came out or it passed `since`. A record of a long request, stored in a segment written
/// after newer arrivals, is merged into its place by arrival time.
pub fn query_at(store: &Store, q: &RequestQuery, now_ms: u64) -> Result<Vec<RequestRecord>, Error> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let offset = q.offset.unwrap_or(0);
    let status = q.status.as_deref().filter(|s| !s.trim().is_empty()).map(StatusFilter::parse).transpose()?;
    let since =
        q.since.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_time("since", s, now_ms)).transpose()?;
    let until =
        q.until.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_time("until", s, now_ms)).transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(invalid("since", t!("engine.query.since_after_until", since = s, until = u).into_owned()));
        }
    }
    let nonempty = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let filters = Filters { channel: nonempty(&q.channel), model: nonempty(&q.model), status };
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    let (since, until) = (since.unwrap_or(0), until.unwrap_or(u64::MAX));
    let mut waiting: BinaryHeap<Found> = BinaryHeap::new();
    let mut skipped = 0;
    // Move what no unread record can precede (arrived at or after `bound`) to `out`;
    // true once `out` is full.
    let mut release = |waiting: &mut BinaryHeap<Found>, bound: u64, out: &mut Vec<RequestRecord>| {
        while waiting.peek().is_some_and(|f| f.time >= bound) {
            let f = waiting.pop().expect("peeked");
            if skipped < offset {
                skipped += 1;
            } else if let Some(r) = f.decode() {
                out.push(r);
                if out.len() >= limit {
                    return true;
                }
            }
        }
        false
    };
    let mut rank = u64::MAX;
    for seg in store.segments_rev()? {
        let seg = seg?;
        let high = seg.key().high;
        if release(&mut waiting, high, &mut out) || high < since {
            return Ok(out);
        }
        if seg.min_ms() > until || seg.max_ms() < since {
            continue;
        }
        let seg = Rc::new(seg);
        for i in (0..seg.len()).rev() {
            rank -= 1;
            let t = seg.time(i);
            if t > until || t < since {
                continue;
            }
            if !filters.is_empty() {
                match FilterFields::read(seg.bytes(i)) {
                    Ok(p) if filters.matches(&p) => {}
                    Ok(_) => continue,
                    Err(e) => {
                        unreadable(&seg, i, &e);
                        continue;
                    }
                }
            }
            waiting.push(Found { time: t, rank, seg: seg.clone(), index: i });
        }
    }
    release(&mut waiting, 0, &mut out);
    Ok(out)
}

/// Records that arrived after `after_ms` (exclusive), oldest first (by arrival time, then
/// write order), at most `limit` (the oldest ones). Reads the segments whose high-water mark
/// is past `after_ms`, the only ones that can hold such records. A follower that must not
/// miss a long request stored after newer ones should use [`tail`].
pub fn since(store: &Store, after_ms: u64, limit: usize) -> Result<Vec<RequestRecord>, Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // The `limit` oldest so far; the heap's top is the newest of them.
    let mut oldest: BinaryHeap<Found> = BinaryHeap::new();
    let mut rank = 0;
    for seg in store.segments_after(Some(SegmentKey { high: after_ms, seq: u64::MAX }))? {
        let seg = seg?;
        if oldest.len() >= limit && oldest.peek().is_some_and(|f| f.time < seg.min_ms()) {
            continue;
        }
        let seg = Rc::new(seg);
        for i in 0..seg.len() {
            rank += 1;
            let time = seg.time(i);
            if time > after_ms {
                oldest.push(Found { time, rank, seg: seg.clone(), index: i });
                if oldest.len() > limit {
                    oldest.pop();
                }
            }
        }
    }
    Ok(oldest.into_sorted_vec().iter().filter_map(Found::decode).collect())
}

/// A position in the request log's write order, for [`tail`]: `0` (before every record)
/// or `<high>.<seq>`, the key of the last segment read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(Option<SegmentKey>);

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => write!(f, "0"),
            Some(k) => write!(f, "{}.{}", k.high, k.seq),
        }
    }
}

impl std::str::FromStr for Cursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Cursor, Error> {
        let bad = || invalid("cursor", t!("engine.query.cursor", got = format!("{s:?}")).into_owned());
        if s.trim() == "0" {
            return Ok(Cursor(None));
        }
        let (high, seq) = s.trim().split_once('.').ok_or_else(bad)?;
        Ok(Cursor(Some(SegmentKey { high: high.parse().map_err(|_| bad())?, seq: seq.parse().map_err(|_| bad())? })))
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cursor, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What [`tail`] returns: records in write order and where to continue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tail {
    /// Records written after the cursor, in write order.
    pub records: Vec<RequestRecord>,
    /// Pass it to the next call.
    pub cursor: Cursor,
}

/// Records written after `cursor`, in write order (segment by segment; within a segment by
/// arrival time): whole segments until at least `limit` records (all of the first segment
/// even when it holds more). Without a cursor, no records and the cursor of the current
/// end of the log. Unlike [`since`], a long request written after newer arrivals comes
/// back once it is written, so `routex logs --follow` never misses it. Pruning may rewrite
/// the segment a cursor names; a follower then misses nothing newer.
pub fn tail(store: &Store, cursor: Option<Cursor>, limit: usize) -> Result<Tail, Error> {
    let Some(cursor) = cursor else {
        return Ok(Tail { records: Vec::new(), cursor: Cursor(store.last_segment_key()?) });
    };
    let mut records = Vec::new();
    let mut at = cursor.0;
    for seg in store.segments_after(cursor.0)? {
        if records.len() >= limit.max(1) {
            break;
        }
        let seg = seg?;
        at = Some(seg.key());
        records.extend((0..seg.len()).filter_map(|i| decode(&seg, i)));
    }
    Ok(Tail { records, cursor: Cursor(at) })
}

#[cfg(test)]
mod tests {
    use super::super::test_records::{ids, q, rec, T0};
    use super::super::{append, count, prune};
    use super::*;

    /// Six records, one second apart, newest last.
    fn sample(store: &Store) -> Vec<RequestRecord> {
        let mut v = Vec::new();
        for (i, (ch, name, model, status)) in [
            ("ch_aaa", "claude-main", "claude-sonnet-4-5", 200),
            ("ch_bbb", "backup", "gpt-4o", 200),
            ("ch_aaa", "claude-main", "claude-haiku-4-5", 529),
            ("ch_bbb", "backup", "gpt-4o-mini", 429),
            ("ch_aaa", "claude-main", "claude-opus-4-1", 200),
            ("ch_bbb", "backup", "gpt-4.1", 502),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = rec(i as u64, T0 + i as u64 * 1000);
            r.channel_id = Some(ch.into());
            r.channel_name = Some(name.into());
            r.model = model.into();
            r.upstream_model = Some(format!("{model}-2025"));
            r.status = status;
            r.success = status < 400;
            v.push(r);
        }
        append(store, &v).unwrap();
        v
    }

    #[test]
    fn query_filters_each_parameter() {
        let s = Store::temporary().unwrap();
        let all = sample(&s);
        let now = T0 + 5000;
        let run = |query: RequestQuery| ids(&query_at(&s, &query, now).unwrap()).join(",");
        assert_eq!(run(q(|_| {})), "req_5,req_4,req_3,req_2,req_1,req_0", "newest first");
        assert_eq!(query_at(&s, &q(|_| {}), now).unwrap()[5], all[0], "full records come back");
        // channel by name (any case) and by id
        assert_eq!(run(q(|q| q.channel = Some("BACKUP".into()))), "req_5,req_3,req_1");
        assert_eq!(run(q(|q| q.channel = Some("ch_aaa".into()))), "req_4,req_2,req_0");
        assert_eq!(run(q(|q| q.channel = Some("nope".into()))), "");
        // model glob, against the requested or the upstream model
        assert_eq!(run(q(|q| q.model = Some("claude-*".into()))), "req_4,req_2,req_0");
        assert_eq!(run(q(|q| q.model = Some("gpt-4o*".into()))), "req_3,req_1");
        assert_eq!(run(q(|q| q.model = Some("gpt-4o".into()))), "req_1", "no star: exact");
        assert_eq!(run(q(|q| q.model = Some("*-mini-2025".into()))), "req_3", "upstream model");
        // status: code, classes, success, error
        assert_eq!(run(q(|q| q.status = Some("200".into()))), "req_4,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("5xx".into()))), "req_5,req_2");
        assert_eq!(run(q(|q| q.status = Some("4XX".into()))), "req_3");
        assert_eq!(run(q(|q| q.status = Some("success".into()))), "req_4,req_1,req_0");
        assert_eq!(run(q(|q| q.status = Some("error".into()))), "req_5,req_3,req_2");
        // since / until: unix ms, RFC 3339, relative (counted from `now`)
        assert_eq!(run(q(|q| q.since = Some((T0 + 3000).to_string()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.until = Some((T0 + 1000).to_string()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("2025-06-15T15:06:44Z".into()))), "req_5,req_4");
        assert_eq!(run(q(|q| q.until = Some("2025-06-15T17:06:41+02:00".into()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("2s".into()))), "req_5,req_4,req_3");
        assert_eq!(run(q(|q| q.until = Some("4s".into()))), "req_1,req_0");
        assert_eq!(run(q(|q| q.since = Some("1m".into()))), "req_5,req_4,req_3,req_2,req_1,req_0");
        assert_eq!(run(q(|q| q.until = Some("1h".into()))), "");
        assert_eq!(run(q(|q| q.until = Some("2d".into()))), "");
        assert_eq!(
            run(q(|q| {
                q.since = Some((T0 + 1000).to_string());
                q.until = Some((T0 + 4000).to_string());
                q.channel = Some("backup".into());
            })),
            "req_3,req_1"
        );
        // limit and offset, applied after the filters
        assert_eq!(run(q(|q| q.limit = Some(2))), "req_5,req_4");
        assert_eq!(
            run(q(|q| {
                q.limit = Some(2);
                q.offset = Some(3);
            })),
            "req_2,req_1"
        );
        assert_eq!(
            run(q(|q| {
                q.offset = Some(1);
                q.status = Some("error".into());
            })),
            "req_3,req_2"
        );
    }

    #[test]
    fn query_limit_defaults_to_50_and_caps_at_1000() {
        let s = Store::temporary().unwrap();
        let v: Vec<RequestRecord> = (0..1100).map(|i| rec(i, T0 + i)).collect();
        append(&s, &v).unwrap();
        assert_eq!(query(&s, &RequestQuery::default()).unwrap().len(), 50);
        assert_eq!(query(&s, &q(|q| q.limit = Some(5000))).unwrap().len(), 1000);
    }

    #[test]
    fn bad_query_parameters_name_the_parameter_and_the_forms() {
        let s = Store::temporary().unwrap();
        for (bad, field, hint) in [
            (q(|q| q.status = Some("abc".into())), "`status`", "5xx"),
            (q(|q| q.status = Some("700".into())), "`status`", "success or error"),
            (q(|q| q.status = Some("6xx".into())), "`status`", "4xx"),
            (q(|q| q.since = Some("yesterday".into())), "`since`", "RFC 3339"),
            (q(|q| q.until = Some("12x".into())), "`until`", "15m"),
            (q(|q| q.since = Some("2025-13-01T00:00:00Z".into())), "`since`", "unix milliseconds"),
            (
                q(|q| {
                    q.since = Some("2000".into());
                    q.until = Some("1000".into());
                }),
                "`since`",
                "after `until`",
            ),
        ] {
            let err = query(&s, &bad).unwrap_err();
            assert!(matches!(err, Error::Invalid { .. }), "{err}");
            let msg = err.to_string();
            assert!(msg.contains(field) && msg.contains(hint), "{msg}");
        }
    }

    #[test]
    fn since_returns_newer_records_oldest_first() {
        let s = Store::temporary().unwrap();
        sample(&s);
        assert_eq!(ids(&since(&s, T0 + 2000, 100).unwrap()), ["req_3", "req_4", "req_5"]);
        assert_eq!(ids(&since(&s, T0 + 2000, 2).unwrap()), ["req_3", "req_4"], "the oldest ones");
        assert!(since(&s, T0 + 5000, 10).unwrap().is_empty());
    }

    #[test]
    fn a_long_request_written_late_is_merged_by_arrival_and_followed_by_write_order() {
        let s = Store::temporary().unwrap();
        let first: Vec<RequestRecord> = (0..6).map(|i| rec(i, T0 + i * 1000)).collect();
        append(&s, &first).unwrap();
        let cursor = tail(&s, None, 10).unwrap();
        assert!(cursor.records.is_empty());
        // A request that arrived at T0 + 2.5 s finishes after one that arrived at T0 + 7 s.
        append(&s, &[rec(7, T0 + 7000), rec(25, T0 + 2500)]).unwrap();
        let all = |q: RequestQuery| ids(&query_at(&s, &q, T0 + 10_000).unwrap()).join(",");
        assert_eq!(all(q(|q| q.limit = Some(100))), "req_7,req_5,req_4,req_3,req_25,req_2,req_1,req_0");
        assert_eq!(
            all(q(|q| {
                q.limit = Some(3);
                q.offset = Some(3);
            })),
            "req_3,req_25,req_2"
        );
        assert_eq!(all(q(|q| q.until = Some((T0 + 2600).to_string()))), "req_25,req_2,req_1,req_0");
        assert_eq!(ids(&since(&s, T0 + 2000, 3).unwrap()), ["req_25", "req_3", "req_4"]);
        // The follower gets both new records, the late one included, then nothing more.
        let t = tail(&s, Some(cursor.cursor), 500).unwrap();
        assert_eq!(ids(&t.records), ["req_25", "req_7"], "write order; arrival order within a segment");
        let again = tail(&s, Some(t.cursor), 500).unwrap();
        assert!(again.records.is_empty());
        assert_eq!(again.cursor, t.cursor);
        // Cursors round-trip as text; 0 is the start.
        assert_eq!(t.cursor.to_string().parse::<Cursor>().unwrap(), t.cursor);
        let from_start = tail(&s, Some("0".parse().unwrap()), 1).unwrap();
        assert_eq!(ids(&from_start.records), ["req_0", "req_1", "req_2", "req_3", "req_4", "req_5"], "a whole segment");
        assert!("12".parse::<Cursor>().is_err() && "a.b".parse::<Cursor>().is_err());
    }

    /// Many batches with stragglers and equal times against a brute-force model: queries,
    /// `since`, `tail`, `count` and pruning give exactly what sorting every record gives.
    #[test]
    fn segment_readers_agree_with_a_sorted_model() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let s = Store::temporary().unwrap();
        // (time, write rank, record); write rank follows the store: batch order, then time.
        let mut model: Vec<(u64, usize, RequestRecord)> = Vec::new();
        let mut clock = T0;
        let mut n = 0;
        for _ in 0..40 {
            let mut batch = Vec::new();
            for _ in 0..rng.gen_range(1..300) {
                clock += rng.gen_range(0..3);
                // One in 20 is a long request that arrived up to 2000 ms earlier.
                let time = if rng.gen_ratio(1, 20) { clock.saturating_sub(rng.gen_range(0..2000)) } else { clock };
                let mut r = rec(n, time);
                n += 1;
                r.status = [200, 200, 429, 502][rng.gen_range(0..4)];
                r.success = r.status == 200;
                if rng.gen_bool(0.3) {
                    r.channel_name = Some("backup".into());
                }
                if rng.gen_ratio(1, 50) {
                    r.response_body = Some("y".repeat(rng.gen_range(1000..20_000)));
                    // a segment of its own
                }
                batch.push(r);
            }
            append(&s, &batch).unwrap();
            batch.sort_by_key(|r| r.time_ms);
            for r in batch {
                model.push((r.time_ms, model.len(), r));
            }
        }
        assert_eq!(count(&s).unwrap(), model.len());
        let newest_first = |keep: &dyn Fn(&RequestRecord) -> bool| {
            let mut v: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| keep(&m.2)).collect();
            v.sort_by_key(|m| std::cmp::Reverse((m.0, m.1)));
            v.into_iter().map(|m| m.2.id.clone()).collect::<Vec<_>>()
        };
        let got =
            |query: RequestQuery| query_at(&s, &query, clock).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        for (offset, limit) in [(0, 1000), (0, 7), (13, 50), (900, 1000), (5000, 10)] {
            let want: Vec<String> = newest_first(&|_| true).into_iter().skip(offset).take(limit).collect();
            let query = q(|q| {
                q.offset = Some(offset);
                q.limit = Some(limit);
            });
            assert_eq!(got(query), want, "offset {offset} limit {limit}");
        }
        let (lo, hi) = (T0 + (clock - T0) / 3, T0 + (clock - T0) / 2);
        let want: Vec<String> = newest_first(&|r: &RequestRecord| {
            r.time_ms >= lo && r.time_ms <= hi && r.channel_name.as_deref() == Some("backup") && !r.success
        })
        .into_iter()
        .skip(3)
        .take(40)
        .collect();
        let query = q(|q| {
            q.since = Some(lo.to_string());
            q.until = Some(hi.to_string());
            q.channel = Some("backup".into());
            q.status = Some("error".into());
            q.offset = Some(3);
            q.limit = Some(40);
        });
        assert_eq!(got(query), want);
        // since: oldest first, the `limit` oldest after the point.
        let mut oldest: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| m.0 > lo).collect();
        oldest.sort_by_key(|m| (m.0, m.1));
        let want: Vec<&str> = oldest.iter().take(300).map(|m| m.2.id.as_str()).collect();
        assert_eq!(ids(&since(&s, lo, 300).unwrap()), want);
        // tail from the start, 100 at a time: every record once, in write order.
        let (mut followed, mut cursor) = (Vec::new(), Cursor(None));
        loop {
            let t = tail(&s, Some(cursor), 100).unwrap();
            if t.records.is_empty() {
                break;
            }
            followed.extend(t.records.into_iter().map(|r| r.id));
            cursor = t.cursor;
        }
        assert_eq!(followed, model.iter().map(|m| m.2.id.clone()).collect::<Vec<_>>());
        // Pruning: recent enough, then the newest in write order.
        let cutoff = T0 + (clock - T0) / 4;
        let now = cutoff + 2 * DAY_MS;
        let rows = model.iter().filter(|m| m.0 >= cutoff).count() as u64 - 777;
        let removed = prune(&s, 2, rows, now).unwrap();
        let mut kept: Vec<&(u64, usize, RequestRecord)> = model.iter().filter(|m| m.0 >= cutoff).collect();
        kept.drain(..kept.len() - rows as usize);
        assert_eq!((removed, count(&s).unwrap()), (model.len() - rows as usize, rows as usize));
        let mut left = Vec::new();
        let mut t = tail(&s, Some(Cursor(None)), usize::MAX).unwrap();
        left.append(&mut t.records);
        assert_eq!(ids(&left), kept.iter().map(|m| m.2.id.as_str()).collect::<Vec<_>>());
    }
}
