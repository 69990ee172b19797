//! Packed segments of the request log (schema version 2 on; in files from version 3, see
//! `logfile`).
//!
//! The request-log writer hands the store a batch of serialised records at a time. The
//! store sorts the batch by arrival time and cuts it into segments of at most
//! [`SEGMENT_RECORDS`] records and [`SEGMENT_BYTES`] bytes of entries, each stored under a key.
//!
//! ## Key: 16 bytes, `high` (u64 big-endian) ‖ `seq` (u64 big-endian)
//!
//! `high` is a high-water mark: the largest arrival time in this segment *or in the segment
//! written before it*. Hence:
//!
//! - every record of a segment arrived at or before its key's `high`, and keys sort by
//!   `high`, so a newest-first scan knows that nothing it has not read yet arrived after the
//!   next key's `high` (queries stop early, and can merge records into arrival order);
//! - keys sort in write order: a long request that finishes late is stored in a segment
//!   that sorts after everything written before it, so a follower reading segments past a
//!   cursor never misses it.
//!
//! A record stamped by a clock that ran ahead raises `high` for every later segment until
//! the clock catches up (the log is append-only: keys never go down). Scans stay correct;
//! they only end less early. `seq` tells apart segments with the same `high`.
//!
//! ## Value: a header, then the entries (little-endian)
//!
//! ```text
//! format 1 (plain): u8 1 | u32 count | u64 min time | u64 max time | entries
//! format 2 (LZ4):   u8 2 | u32 count | u64 min time | u64 max time | u32 length of entries | LZ4 block of entries
//! entries:          count × (u64 time | u32 len | len bytes of record)
//! ```
//!
//! Entries are in arrival-time order (equal times in write order). A binary length-prefixed
//! layout rather than lines: the arrival time of every entry is read without decoding the
//! record (time windows and pruning skip records without touching them), and pruning rewrites a
//! segment by copying the entries it keeps byte for byte. The header stays uncompressed.
//!
//! The entries are LZ4-compressed (format 2) unless that does not make them smaller. Records
//! repeat most of their values (channel, model, endpoint), so a segment shrinks about 3
//! times (47 proxy-shaped records in `engine::records`' compact encoding: 9.0 KiB → 2.8 KiB;
//! as the JSON of earlier versions, 29 KiB → 3.6 KiB) for a few µs of CPU: LZ4 (`lz4_flex`,
//! safe Rust) compresses at several hundred MB/s, far more than the log writes.

use super::Error;

/// Records in one segment at most.
pub const SEGMENT_RECORDS: usize = 64;
/// Bytes of entries (before compression) in one segment at most, unless one entry alone
/// is larger.
pub const SEGMENT_BYTES: usize = 32 * 1024;

/// Format byte: entries stored as they are.
const PLAIN: u8 = 1;
/// Format byte: entries LZ4-compressed (block format), preceded by their length (u32).
const LZ4: u8 = 2;
/// Entries larger than this are stored plain (and an LZ4 segment announcing more is corrupt).
const MAX_RAW_LEN: usize = 64 << 20;
const HEADER_LEN: usize = 1 + 4 + 8 + 8;
const ENTRY_HEADER_LEN: usize = 8 + 4;

/// The key of a segment: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegmentKey {
    /// High-water mark: no record of this segment arrived after it (unix ms).
    pub high: u64,
    /// Tells apart segments with the same `high`, in write order.
    pub seq: u64,
}

impl SegmentKey {
    /// The 16 stored bytes.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&self.high.to_be_bytes());
        k[8..].copy_from_slice(&self.seq.to_be_bytes());
        k
    }

    /// Parse stored bytes (None for a key that is not a segment's).
    pub fn from_bytes(k: &[u8]) -> Option<SegmentKey> {
        (k.len() == 16).then(|| SegmentKey {
            high: u64::from_be_bytes(k[..8].try_into().expect("8 bytes")),
            seq: u64::from_be_bytes(k[8..].try_into().expect("8 bytes")),
        })
    }
}

/// One stored segment, parsed, decompressed and checked.
#[derive(Debug, Clone)]
pub struct Segment {
    key: SegmentKey,
    /// The stored value (plain) or the decompressed entries (LZ4).
    data: sled::IVec,
    min_ms: u64,
    max_ms: u64,
    /// (time, offset of the entry's bytes in `data`, length)
    entries: Vec<(u64, u32, u32)>,
}

/// Why stored bytes are not a segment (a sentence naming what is wrong).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub String);

impl Segment {
    /// Parse a stored key and value; the error says what is wrong.
    pub(crate) fn parse(key: &[u8], value: sled::IVec) -> std::result::Result<Segment, Malformed> {
        Segment::read(key, value).map_err(Malformed)
    }

    fn read(key: &[u8], value: sled::IVec) -> std::result::Result<Segment, String> {
        let key = SegmentKey::from_bytes(key).ok_or_else(|| format!("a {}-byte key is not a segment's", key.len()))?;
        let v = value.as_ref();
        if v.len() < HEADER_LEN {
            return Err(format!("{} bytes is shorter than a segment header", v.len()));
        }
        let u32_at = |v: &[u8], i: usize| u32::from_le_bytes(v[i..i + 4].try_into().expect("4 bytes"));
        let u64_at = |v: &[u8], i: usize| u64::from_le_bytes(v[i..i + 8].try_into().expect("8 bytes"));
        let count = u32_at(v, 1) as usize;
        let (min_ms, max_ms) = (u64_at(v, 5), u64_at(v, 13));
        let (data, base) = match v[0] {
            PLAIN => (value.clone(), HEADER_LEN),
            LZ4 => {
                if v.len() < HEADER_LEN + 4 {
                    return Err("the compressed entries' length is cut off".into());
                }
                let raw_len = u32_at(v, HEADER_LEN) as usize;
                if raw_len > MAX_RAW_LEN {
                    return Err(format!("{raw_len} bytes of entries is more than a segment holds"));
                }
                let mut raw = vec![0u8; raw_len];
                match lz4_flex::block::decompress_into(&v[HEADER_LEN + 4..], &mut raw) {
                    Ok(n) if n == raw_len => {}
                    Ok(n) => return Err(format!("{n} bytes of entries decompressed, {raw_len} announced")),
                    Err(e) => return Err(format!("the entries do not decompress: {e}")),
                }
                (sled::IVec::from(raw), 0)
            }
            other => return Err(format!("unknown segment format {other}")),
        };
        let d = data.as_ref();
        let mut entries = Vec::with_capacity(count.min(d.len() / ENTRY_HEADER_LEN));
        let mut at = base;
        for i in 0..count {
            if d.len() < at + ENTRY_HEADER_LEN {
                return Err(format!("entry {i} of {count} is cut off"));
            }
            let (time, len) = (u64_at(d, at), u32_at(d, at + 8));
            let start = at + ENTRY_HEADER_LEN;
            let end = start.checked_add(len as usize).filter(|e| *e <= d.len());
            let Some(end) = end else { return Err(format!("entry {i} of {count} is cut off")) };
            entries.push((time, start as u32, len));
            at = end;
        }
        if at != d.len() {
            return Err(format!("{} bytes after the last entry", d.len() - at));
        }
        Ok(Segment { key, data, min_ms, max_ms, entries })
    }

    /// The segment's key.
    pub fn key(&self) -> SegmentKey {
        self.key
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no record (pruning removes such segments; none is ever written).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Earliest arrival time in the segment.
    pub fn min_ms(&self) -> u64 {
        self.min_ms
    }

    /// Latest arrival time in the segment.
    pub fn max_ms(&self) -> u64 {
        self.max_ms
    }

    /// Arrival time of entry `i` (entries are in arrival-time order).
    pub fn time(&self, i: usize) -> u64 {
        self.entries[i].0
    }

    /// The serialised record of entry `i`.
    pub fn bytes(&self, i: usize) -> &[u8] {
        let (_, start, len) = self.entries[i];
        &self.data[start as usize..start as usize + len as usize]
    }

    /// Entries, oldest first: (arrival time, serialised record).
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (u64, &[u8])> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| (self.time(i), self.bytes(i)))
    }

    /// The value of this segment holding only the entries whose index `keep` accepts.
    pub fn encode_retained(&self, keep: impl Fn(usize) -> bool) -> Vec<u8> {
        let kept: Vec<(u64, &[u8])> =
            (0..self.len()).filter(|i| keep(*i)).map(|i| (self.time(i), self.bytes(i))).collect();
        encode(&kept)
    }
}

/// Bytes at the start of a segment value that hold its record count.
pub(crate) const COUNT_PREFIX: usize = 5;

/// The record count a segment value's header announces (0 when it is too short to say).
pub(crate) fn count_of(value: &[u8]) -> u32 {
    value.get(1..COUNT_PREFIX).map_or(0, |b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}

/// Encode entries (already in arrival-time order) as a segment value, LZ4-compressed
/// unless that does not make it smaller.
pub(crate) fn encode(entries: &[(u64, &[u8])]) -> Vec<u8> {
    let raw_len: usize = entries.iter().map(|(_, b)| ENTRY_HEADER_LEN + b.len()).sum();
    let mut v = Vec::with_capacity(HEADER_LEN + raw_len);
    let min = entries.iter().map(|e| e.0).min().unwrap_or(0);
    let max = entries.iter().map(|e| e.0).max().unwrap_or(0);
    v.push(PLAIN);
    v.extend_from_slice(&u32::try_from(entries.len()).expect("a segment holds few entries").to_le_bytes());
    v.extend_from_slice(&min.to_le_bytes());
    v.extend_from_slice(&max.to_le_bytes());
    for (t, b) in entries {
        v.extend_from_slice(&t.to_le_bytes());
        v.extend_from_slice(&u32::try_from(b.len()).expect("a record under 4 GiB").to_le_bytes());
        v.extend_from_slice(b);
    }
    if raw_len > MAX_RAW_LEN {
        return v;
    }
    let mut packed = vec![0u8; HEADER_LEN + 4 + lz4_flex::block::get_maximum_output_size(raw_len)];
    let Ok(n) = lz4_flex::block::compress_into(&v[HEADER_LEN..], &mut packed[HEADER_LEN + 4..]) else { return v };
    if HEADER_LEN + 4 + n >= v.len() {
        return v;
    }
    packed[..HEADER_LEN].copy_from_slice(&v[..HEADER_LEN]);
    packed[0] = LZ4;
    packed[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&(raw_len as u32).to_le_bytes());
    packed.truncate(HEADER_LEN + 4 + n);
    packed
}

/// Cut entries (in arrival-time order) into runs of at most [`SEGMENT_RECORDS`] records and
/// [`SEGMENT_BYTES`] bytes; an entry larger than that alone makes a run of one.
pub(crate) fn cut<'a, 'b>(entries: &'a [(u64, &'b [u8])]) -> Vec<&'a [(u64, &'b [u8])]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, (_, b)) in entries.iter().enumerate() {
        let size = ENTRY_HEADER_LEN + b.len();
        if i > start && (i - start >= SEGMENT_RECORDS || bytes + size > SEGMENT_BYTES) {
            out.push(&entries[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < entries.len() {
        out.push(&entries[start..]);
    }
    out
}

/// Pack `sorted` (in arrival-time order) into segments written after the segment `last`:
/// `(key, records, value)` each. Keys never go down: each `high` is the run's latest time
/// raised to the previous key's; `seq` tells apart equal highs.
pub(crate) fn pack(sorted: &[(u64, &[u8])], last: Option<SegmentKey>) -> Vec<(SegmentKey, usize, Vec<u8>)> {
    let mut high = last.map_or(0, |k| k.high);
    let mut prev = last;
    let mut out = Vec::new();
    for run in cut(sorted) {
        high = high.max(run.iter().map(|e| e.0).max().unwrap_or(0));
        let key = match prev {
            Some(p) if p.high == high => SegmentKey { high, seq: p.seq + 1 },
            _ => SegmentKey { high, seq: 0 },
        };
        out.push((key, run.len(), encode(run)));
        prev = Some(key);
    }
    out
}

/// `n` incompressible bytes (xorshift from a non-zero `seed`), for tests.
#[cfg(test)]
pub(crate) fn noise(mut x: u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A store error for an unreadable segment.
pub(crate) fn corrupt(key: &[u8], message: String) -> Error {
    Error::Corrupt { tree: "requests", key: format!("{key:02x?}"), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip_and_reject_damage() {
        let entries: Vec<(u64, &[u8])> = vec![(5, b"{\"a\":1}"), (5, b""), (9, b"{}")];
        let key = SegmentKey { high: 12, seq: 3 };
        let value = encode(&entries);
        let s = Segment::parse(&key.to_bytes(), value.clone().into()).unwrap();
        assert_eq!((s.key(), s.len(), s.min_ms(), s.max_ms()), (key, 3, 5, 9));
        assert_eq!(s.entries().collect::<Vec<_>>(), entries);
        let kept = s.encode_retained(|i| i != 1);
        let s2 = Segment::parse(&key.to_bytes(), kept.into()).unwrap();
        assert_eq!(s2.entries().collect::<Vec<_>>(), vec![entries[0], entries[2]]);

        for bad in [&value[..value.len() - 1], &value[..3], &[value.as_slice(), b"x"].concat()[..]] {
            assert!(Segment::parse(&key.to_bytes(), bad.into()).is_err());
        }
        assert!(Segment::parse(&[0u8; 12], value.into()).is_err(), "a legacy key is not a segment");

        // Incompressible entries are stored as they are.
        let noise = noise(0x2545_f491_4f6c_dd1d, 4000);
        let value = encode(&[(1, &noise[..])]);
        assert_eq!(value[0], PLAIN);
        let s = Segment::parse(&key.to_bytes(), value.into()).unwrap();
        assert_eq!(s.bytes(0), &noise[..]);
    }

    #[test]
    fn compressible_entries_are_stored_compressed_and_read_back() {
        let json: Vec<Vec<u8>> = (0..64)
            .map(|i| format!("{{\"id\":\"req_{i}\",\"model\":\"claude-sonnet-4-5\",\"status\":200}}").into_bytes())
            .collect();
        let entries: Vec<(u64, &[u8])> = json.iter().enumerate().map(|(i, j)| (i as u64, j.as_slice())).collect();
        let value = encode(&entries);
        assert_eq!(value[0], LZ4);
        let raw: usize = json.iter().map(|j| j.len() + ENTRY_HEADER_LEN).sum();
        assert!(value.len() * 3 < raw, "{} of {raw} bytes", value.len());
        let key = SegmentKey { high: 63, seq: 0 };
        let s = Segment::parse(&key.to_bytes(), value.clone().into()).unwrap();
        assert_eq!(s.entries().collect::<Vec<_>>(), entries);
        for bad in [&value[..value.len() - 1], &value[..HEADER_LEN + 2]] {
            assert!(Segment::parse(&key.to_bytes(), bad.into()).is_err());
        }
        let mut huge = value.clone();
        huge[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Segment::parse(&key.to_bytes(), huge.into()).is_err(), "no 4 GiB allocation for a damaged length");
    }

    #[test]
    fn keys_sort_by_high_then_seq() {
        let k = |high, seq| SegmentKey { high, seq }.to_bytes();
        assert!(k(1, u64::MAX) < k(2, 0));
        assert!(k(2, 0) < k(2, 1));
        assert_eq!(SegmentKey::from_bytes(&k(7, 9)), Some(SegmentKey { high: 7, seq: 9 }));
        assert_eq!(SegmentKey::from_bytes(&[0; 12]), None);
    }

    #[test]
    fn cut_respects_both_limits() {
        let small = [0u8; 10];
        let v: Vec<(u64, &[u8])> = (0..200).map(|i| (i, &small[..])).collect();
        let runs = cut(&v);
        assert_eq!(
            runs.iter().map(|r| r.len()).collect::<Vec<_>>(),
            [SEGMENT_RECORDS, SEGMENT_RECORDS, SEGMENT_RECORDS, 8]
        );
        let big = vec![0u8; SEGMENT_BYTES];
        let half = vec![0u8; SEGMENT_BYTES / 2];
        let v: Vec<(u64, &[u8])> = vec![(0, &half), (1, &big), (2, &half), (3, &half)];
        assert_eq!(cut(&v).iter().map(|r| r.len()).collect::<Vec<_>>(), [1, 1, 1, 1]);
        assert!(cut(&[]).is_empty());
    }
}
