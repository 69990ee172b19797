//! The request log's files: [`segment`]s appended to plain files under
//! `<data-dir>/requests/`, beside sled's `routex.db` (schema version 3 on).
//!
//! Up to version 2 the segments were sled values. sled 0.34 keeps what it writes resident
//! far past its `cache_capacity` (its LRU settles lazily), so the daemon's RSS grew with the
//! bytes the log wrote: ~0.2 KiB per record, 47 MiB after 300 000 records in the
//! `records_load` harness, still growing. An append-only log has no use for a B-tree; in
//! files, what the log costs in memory is its index (32 bytes per segment of up to 64
//! records) and one batch being written. The page cache holding the files is the kernel's,
//! not the process's.
//!
//! ## Files
//!
//! `NNNNNNNN.G.rlog`: `NNNNNNNN` orders the files (key order: a file holds segments with
//! larger keys than every file numbered below it), `G` is the file's generation, raised
//! each time pruning rewrites it. A file starts with the 8-byte magic `RTXRLOG1`, then
//! frames:
//!
//! ```text
//! frame: key (16 bytes, SegmentKey) | u32 LE length | u32 LE CRC-32 of the value | value (a segment)
//! ```
//!
//! Appends go to the newest file, one `write` and one `fdatasync` per batch; a file is
//! closed for appends at [`FILE_BYTES`]. A batch whose write fails is cut off again, and
//! a frame torn by a crash (short, or failing its CRC) at the end of the newest file is
//! cut off at open, so the log always ends on a whole batch. Pruning rewrites a file into
//! its next generation (written, synced, renamed into place, the old one removed), so a
//! reader that opened the old generation reads it to the end undisturbed.
//!
//! Only the process holding sled's lock on `routex.db` opens this directory.

use super::segment::{self, Segment, SegmentKey};
use super::Error;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file takes no more appends once it is this large.
pub const FILE_BYTES: u64 = 8 << 20;
const MAGIC: &[u8; 8] = b"RTXRLOG1";
const FRAME_HEADER: usize = 16 + 4 + 4;
/// A frame announcing more than this is damage, not a segment.
const MAX_FRAME: u32 = 256 << 20;

/// Where one segment is.
#[derive(Debug, Clone, Copy)]
struct Frame {
    key: SegmentKey,
    /// Offset of the value in its file.
    at: u64,
    len: u32,
    crc: u32,
    /// Records in the segment (from its header).
    count: u32,
}

/// One file of the log.
#[derive(Debug, Clone)]
struct LogFile {
    no: u64,
    generation: u64,
    file: Arc<File>,
    len: u64,
    frames: Arc<Vec<Frame>>,
}

impl LogFile {
    fn name(no: u64, generation: u64) -> String {
        format!("{no:08}.{generation}.rlog")
    }
}

/// The request log on disk. Appends and edits are serialised by its lock; readers take a
/// snapshot of the index and read without it.
#[derive(Debug)]
pub(crate) struct SegmentLog {
    dir: PathBuf,
    files: Mutex<Vec<LogFile>>,
    /// Keeps a temporary store's directory alive (removed on drop).
    _temp: Option<tempfile::TempDir>,
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

impl SegmentLog {
    /// Open (creating if needed) the log in `dir`: index every file, cut off a torn tail.
    pub(crate) fn open(dir: &Path) -> Result<SegmentLog, Error> {
        crate::paths::private_dir(dir)
            .map_err(io(format!("cannot create the request log directory {}", dir.display())))?;
        let mut found: Vec<(u64, u64, PathBuf)> = Vec::new();
        let entries =
            std::fs::read_dir(dir).map_err(io(format!("cannot read the request log directory {}", dir.display())))?;
        for entry in entries {
            let entry = entry.map_err(io(format!("cannot read the request log directory {}", dir.display())))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                // A rewrite that did not finish: its source is still in place.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let mut parts = name.strip_suffix(".rlog").map(|s| s.splitn(2, '.'));
            let parsed = parts.as_mut().and_then(|p| Some((p.next()?.parse().ok()?, p.next()?.parse().ok()?)));
            if let Some((no, generation)) = parsed {
                // Files written by older versions were 0644: bodies are private.
                crate::paths::tighten(&path, 0o600);
                found.push((no, generation, path));
            }
        }
        found.sort();
        let mut files: Vec<LogFile> = Vec::new();
        let count = found.len();
        for (i, (no, generation, path)) in found.into_iter().enumerate() {
            if files.last().is_some_and(|f| f.no == no) {
                // An older generation left by a rewrite interrupted before it removed it.
                let old = files.pop().expect("checked");
                let _ = std::fs::remove_file(dir.join(LogFile::name(old.no, old.generation)));
            }
            files.push(index_file(&path, no, generation, i + 1 == count)?);
        }
        Ok(SegmentLog { dir: dir.to_path_buf(), files: Mutex::new(files), _temp: None })
    }

    /// A log in a fresh temporary directory, removed when the log is dropped.
    pub(crate) fn temporary() -> Result<SegmentLog, Error> {
        let temp = tempfile::Builder::new()
            .prefix("routex-log-")
            .tempdir()
            .map_err(io("cannot create a temporary request log directory".into()))?;
        let mut log = SegmentLog::open(temp.path())?;
        log._temp = Some(temp);
        Ok(log)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LogFile>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The newest key.
    pub(crate) fn last_key(&self) -> Option<SegmentKey> {
        self.lock().iter().rev().find_map(|f| f.frames.last()).map(|f| f.key)
    }

    /// Records in the log (from the segments' headers, without reading them).
    pub(crate) fn count_records(&self) -> usize {
        self.lock().iter().flat_map(|f| f.frames.iter()).map(|f| f.count as usize).sum()
    }

    /// Segments in the log.
    pub(crate) fn count_segments(&self) -> usize {
        self.lock().iter().map(|f| f.frames.len()).sum()
    }

    /// Bytes the log takes on disk.
    pub(crate) fn size_on_disk(&self) -> u64 {
        self.lock().iter().map(|f| f.len).sum()
    }

    /// Append segments (keys above every stored key, ascending), written and synced
    /// together. On failure nothing of the batch stays.
    pub(crate) fn append(&self, segments: &[(SegmentKey, Vec<u8>)]) -> Result<(), Error> {
        if segments.is_empty() {
            return Ok(());
        }
        let mut files = self.lock();
        if files.last().is_none_or(|f| f.len >= FILE_BYTES) {
            let no = files.last().map_or(1, |f| f.no + 1);
            let f = self.create(no, 0, MAGIC)?;
            files.push(f);
        }
        let last = files.last_mut().expect("just ensured");
        let mut buf = Vec::with_capacity(segments.iter().map(|(_, v)| FRAME_HEADER + v.len()).sum());
        let mut frames = Vec::with_capacity(segments.len());
        for (key, value) in segments {
            frames.push(write_frame(&mut buf, last.len, *key, value));
        }
        let path = self.dir.join(LogFile::name(last.no, last.generation));
        let written = last.file.write_all_at(&buf, last.len).and_then(|_| last.file.sync_data());
        if let Err(e) = written {
            // Leave no partial batch behind (best effort: the open also cuts torn frames).
            let _ = last.file.set_len(last.len);
            return Err(Error::Io {
                context: format!("cannot append to the request log {}", path.display()),
                source: e,
            });
        }
        last.len += buf.len() as u64;
        Arc::make_mut(&mut last.frames).extend(frames);
        Ok(())
    }

    /// Create file `no` of `generation` holding `content`, synced, in the directory.
    fn create(&self, no: u64, generation: u64, content: &[u8]) -> Result<LogFile, Error> {
        let name = LogFile::name(no, generation);
        let path = self.dir.join(&name);
        let tmp = self.dir.join(format!("{name}.tmp"));
        let ctx = || format!("cannot write the request log file {}", path.display());
        let mut f = crate::paths::private_file()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(io(ctx()))?;
        f.write_all(content).and_then(|_| f.sync_all()).map_err(io(ctx()))?;
        std::fs::rename(&tmp, &path).map_err(io(ctx()))?;
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(LogFile { no, generation, file: Arc::new(f), len: content.len() as u64, frames: Arc::new(Vec::new()) })
    }

    /// Replace (Some value) or remove (None) stored segments. Each file touched is rewritten
    /// into its next generation atomically; a file left empty is removed.
    pub(crate) fn edit(&self, edits: &[(SegmentKey, Option<Vec<u8>>)]) -> Result<(), Error> {
        let mut files = self.lock();
        let mut i = 0;
        while i < files.len() {
            let f = &files[i];
            let mine: Vec<&(SegmentKey, Option<Vec<u8>>)> =
                edits.iter().filter(|(k, _)| f.frames.binary_search_by_key(k, |fr| fr.key).is_ok()).collect();
            if mine.is_empty() {
                i += 1;
                continue;
            }
            let mut content = MAGIC.to_vec();
            let mut frames = Vec::with_capacity(f.frames.len());
            for fr in f.frames.iter() {
                let value = match mine.iter().find(|(k, _)| *k == fr.key) {
                    Some((_, None)) => continue,
                    Some((_, Some(v))) => v.clone(),
                    None => read_value(&f.file, fr)
                        .map_err(io(format!("cannot read the request log file {}", self.path_of(f).display())))?,
                };
                frames.push(write_frame(&mut content, 0, fr.key, &value));
            }
            let old = self.path_of(f);
            let is_last = i + 1 == files.len();
            if frames.is_empty() && !is_last {
                std::fs::remove_file(&old)
                    .map_err(io(format!("cannot remove the request log file {}", old.display())))?;
                files.remove(i);
                continue;
            }
            let mut new = self.create(f.no, f.generation + 1, &content)?;
            new.frames = Arc::new(frames);
            std::fs::remove_file(&old).map_err(io(format!("cannot remove the request log file {}", old.display())))?;
            files[i] = new;
            i += 1;
        }
        Ok(())
    }

    fn path_of(&self, f: &LogFile) -> PathBuf {
        self.dir.join(LogFile::name(f.no, f.generation))
    }

    /// The index as it is now; reading through it needs no lock.
    fn snapshot(&self) -> Vec<(Arc<File>, Arc<Vec<Frame>>, PathBuf)> {
        self.lock().iter().map(|f| (f.file.clone(), f.frames.clone(), self.path_of(f))).collect()
    }

    /// Segments, newest (highest key) first. Unreadable segments are skipped with a warning.
    pub(crate) fn segments_rev(&self) -> impl Iterator<Item = Result<Segment, Error>> {
        self.snapshot().into_iter().rev().flat_map(|(file, frames, path)| {
            let n = frames.len();
            (0..n).rev().filter_map(move |i| load(&file, &frames[i], &path))
        })
    }

    /// Segments with a key above `after` (all for None), oldest first.
    pub(crate) fn segments_after(&self, after: Option<SegmentKey>) -> impl Iterator<Item = Result<Segment, Error>> {
        self.snapshot().into_iter().flat_map(move |(file, frames, path)| {
            let start = after.map_or(0, |a| frames.partition_point(|f| f.key <= a));
            (start..frames.len()).filter_map(move |i| load(&file, &frames[i], &path))
        })
    }
}

/// Append one frame to `buf`, which will be written at file offset `base`; its index entry.
fn write_frame(buf: &mut Vec<u8>, base: u64, key: SegmentKey, value: &[u8]) -> Frame {
    let len = u32::try_from(value.len()).ok().filter(|l| *l <= MAX_FRAME).expect("a segment is small");
    let crc = crc32fast::hash(value);
    buf.extend_from_slice(&key.to_bytes());
    buf.extend_from_slice(&len.to_le_bytes());
    buf.extend_from_slice(&crc.to_le_bytes());
    let at = base + buf.len() as u64;
    buf.extend_from_slice(value);
    Frame { key, at, len, crc, count: segment::count_of(value) }
}

fn read_value(file: &File, fr: &Frame) -> std::io::Result<Vec<u8>> {
    let mut v = vec![0u8; fr.len as usize];
    file.read_exact_at(&mut v, fr.at)?;
    Ok(v)
}

/// Read and parse one segment: None (with a warning) when it is damaged.
fn load(file: &File, fr: &Frame, path: &Path) -> Option<Result<Segment, Error>> {
    let v = match read_value(file, fr) {
        Ok(v) => v,
        Err(source) => {
            return Some(Err(Error::Io {
                context: format!("cannot read the request log file {}", path.display()),
                source,
            }))
        }
    };
    let parsed = if crc32fast::hash(&v) != fr.crc {
        Err("its checksum does not match".to_string())
    } else {
        Segment::parse(&fr.key.to_bytes(), v.into()).map_err(|m| m.0)
    };
    match parsed {
        Ok(s) => Some(Ok(s)),
        Err(message) => {
            log::warn!("{} (in {})", segment::corrupt(&fr.key.to_bytes(), message), path.display());
            None
        }
    }
}

/// Index one file: read every frame header. In the newest file a damaged tail (a frame cut
/// short or failing its checksum, as a crash mid-append leaves it) is cut off; elsewhere
/// the index stops at the damage, which is reported.
fn index_file(path: &Path, no: u64, generation: u64, newest: bool) -> Result<LogFile, Error> {
    let ctx = || format!("cannot read the request log file {}", path.display());
    let file = OpenOptions::new().read(true).write(true).open(path).map_err(io(ctx()))?;
    let size = file.metadata().map_err(io(ctx()))?.len();
    let mut r = BufReader::with_capacity(64 * 1024, &file);
    let mut magic = [0u8; 8];
    let good_magic = size >= 8 && r.read_exact(&mut magic).is_ok() && &magic == MAGIC;
    let mut frames = Vec::new();
    let mut at = 8u64;
    let mut damage: Option<String> = None;
    if !good_magic {
        damage = Some("it does not start like a request log file".into());
        at = 0;
    }
    while damage.is_none() && at < size {
        let mut h = [0u8; FRAME_HEADER];
        if size - at < FRAME_HEADER as u64 || r.read_exact(&mut h).is_err() {
            damage = Some(format!("a frame header is cut off at byte {at}"));
            break;
        }
        let key = SegmentKey::from_bytes(&h[..16]).expect("16 bytes");
        let len = u32::from_le_bytes(h[16..20].try_into().expect("4 bytes"));
        let crc = u32::from_le_bytes(h[20..24].try_into().expect("4 bytes"));
        let value_at = at + FRAME_HEADER as u64;
        if len > MAX_FRAME || value_at + u64::from(len) > size {
            damage = Some(format!("a frame is cut off at byte {at}"));
            break;
        }
        // The newest file is read whole, to check every checksum; elsewhere only the
        // segment's header (its record count) is read and the rest skipped.
        let want = if newest { len as usize } else { (len as usize).min(segment::COUNT_PREFIX) };
        let mut value = vec![0u8; want];
        if r.read_exact(&mut value).is_err() || (!newest && r.seek_relative(i64::from(len) - want as i64).is_err()) {
            damage = Some(format!("a frame is cut off at byte {at}"));
            break;
        }
        if newest && crc32fast::hash(&value) != crc {
            damage = Some(format!("the frame at byte {at} fails its checksum"));
            break;
        }
        frames.push(Frame { key, at: value_at, len, crc, count: segment::count_of(&value) });
        at = value_at + u64::from(len);
    }
    drop(r);
    if let Some(why) = damage {
        if newest {
            log::warn!(
                "request log {}: {why}; cutting the file there (a write interrupted by a crash)",
                path.display()
            );
            if at < 8 {
                file.set_len(0).and_then(|_| file.write_all_at(MAGIC, 0)).map_err(io(ctx()))?;
                at = 8;
            } else {
                file.set_len(at).map_err(io(ctx()))?;
            }
            file.sync_all().map_err(io(ctx()))?;
        } else {
            log::warn!("request log {}: {why}; the segments after it are not read", path.display());
        }
    }
    Ok(LogFile { no, generation, file: Arc::new(file), len: at.max(8).min(size.max(8)), frames: Arc::new(frames) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(high: u64, seq: u64, n: usize) -> (SegmentKey, Vec<u8>) {
        let body = format!("{{\"high\":{high},\"seq\":{seq}}}");
        let entries: Vec<(u64, &[u8])> = (0..n).map(|i| (high - (n - 1 - i) as u64, body.as_bytes())).collect();
        (SegmentKey { high, seq }, segment::encode(&entries))
    }

    fn keys(log: &SegmentLog) -> Vec<(u64, u64)> {
        log.segments_after(None).map(|s| s.unwrap().key()).map(|k| (k.high, k.seq)).collect()
    }

    #[test]
    fn appends_survive_reopening_and_read_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let log = SegmentLog::open(dir.path()).unwrap();
        log.append(&[seg(10, 0, 3), seg(10, 1, 2)]).unwrap();
        log.append(&[seg(20, 0, 5)]).unwrap();
        assert_eq!(log.count_records(), 10);
        assert_eq!(log.last_key(), Some(SegmentKey { high: 20, seq: 0 }));
        drop(log);
        let log = SegmentLog::open(dir.path()).unwrap();
        assert_eq!(keys(&log), [(10, 0), (10, 1), (20, 0)]);
        let rev: Vec<u64> = log.segments_rev().map(|s| s.unwrap().key().high).collect();
        assert_eq!(rev, [20, 10, 10]);
        let after: Vec<(u64, u64)> = log
            .segments_after(Some(SegmentKey { high: 10, seq: 0 }))
            .map(|s| s.unwrap().key())
            .map(|k| (k.high, k.seq))
            .collect();
        assert_eq!(after, [(10, 1), (20, 0)]);
        assert_eq!(log.count_records(), 10);
    }

    #[test]
    fn a_torn_tail_is_cut_off_at_open_and_appends_continue() {
        let dir = tempfile::tempdir().unwrap();
        let log = SegmentLog::open(dir.path()).unwrap();
        log.append(&[seg(10, 0, 3)]).unwrap();
        log.append(&[seg(20, 0, 3)]).unwrap();
        drop(log);
        let path = dir.path().join(LogFile::name(1, 0));
        let full = std::fs::metadata(&path).unwrap().len();
        // A crash in the middle of the second batch's write.
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(full - 5).unwrap();
        let log = SegmentLog::open(dir.path()).unwrap();
        assert_eq!(keys(&log), [(10, 0)]);
        log.append(&[seg(30, 0, 1)]).unwrap();
        drop(log);
        let log = SegmentLog::open(dir.path()).unwrap();
        assert_eq!(keys(&log), [(10, 0), (30, 0)]);

        // A flipped byte in the last frame: its checksum fails and it is cut.
        drop(log);
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
        let log = SegmentLog::open(dir.path()).unwrap();
        assert_eq!(keys(&log), [(10, 0)]);
    }

    #[test]
    fn files_roll_over_and_edits_rewrite_or_remove_them() {
        let dir = tempfile::tempdir().unwrap();
        let log = SegmentLog::open(dir.path()).unwrap();
        // Incompressible segments of ~1 MiB: FILE_BYTES holds 8 of them.
        let big = |high: u64| {
            let noise = segment::noise(high.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, 1 << 20);
            (SegmentKey { high, seq: 0 }, segment::encode(&[(high, &noise[..])]))
        };
        for h in 1..=20 {
            log.append(&[big(h)]).unwrap();
        }
        let files = || {
            let mut v: Vec<String> =
                std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
            v.sort();
            v
        };
        assert_eq!(files().len(), 3, "{:?}", files());
        // Remove the whole first file and part of the second; rewrite one segment.
        let mut edits: Vec<(SegmentKey, Option<Vec<u8>>)> =
            (1..=9).map(|h| (SegmentKey { high: h, seq: 0 }, None)).collect();
        edits.push((SegmentKey { high: 10, seq: 0 }, Some(seg(10, 0, 2).1)));
        log.edit(&edits).unwrap();
        assert_eq!(files(), ["00000002.1.rlog", "00000003.0.rlog"]);
        assert_eq!(log.count_records(), 2 + 10);
        drop(log);
        let log = SegmentLog::open(dir.path()).unwrap();
        assert_eq!(keys(&log), (10..=20).map(|h| (h, 0)).collect::<Vec<_>>());
        assert_eq!(log.segments_after(None).next().unwrap().unwrap().len(), 2);
    }

    #[test]
    fn a_reader_keeps_its_snapshot_while_a_file_is_rewritten() {
        let log = SegmentLog::temporary().unwrap();
        log.append(&[seg(10, 0, 3), seg(20, 0, 3), seg(30, 0, 3)]).unwrap();
        let mut reader = log.segments_after(None);
        assert_eq!(reader.next().unwrap().unwrap().key().high, 10);
        log.edit(&[(SegmentKey { high: 10, seq: 0 }, None), (SegmentKey { high: 20, seq: 0 }, Some(seg(20, 0, 1).1))])
            .unwrap();
        // The old generation is unlinked but still open: the reader finishes what it saw.
        assert_eq!(reader.next().unwrap().unwrap().len(), 3);
        assert_eq!(reader.next().unwrap().unwrap().key().high, 30);
        assert_eq!(keys(&log), [(20, 0), (30, 0)]);
        assert_eq!(log.count_records(), 4);
    }
}
