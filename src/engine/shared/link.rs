//! The link to Redis: two threads with blocking redis-rs connections, never the request
//! path's.
//!
//! - `routex-shared-pub` drains the queue: each event is written as a key with a time to
//!   live (what a replica that starts later reads) and published on [`EVENTS`] (what the
//!   running replicas apply within milliseconds), in one pipeline per batch. Every
//!   [`SYNC_EVERY`] it writes this replica's attempts per channel (`routex:used:<channel>`,
//!   one field per replica, an absolute count) and reads the others' back for `least_used`.
//!   Down, it drops the events (counted) and tries
//!   again after a backoff; back, it publishes this replica's open breakers and cooling keys
//!   again.
//! - `routex-shared-sub` subscribes to [`EVENTS`], then reads the keys already there (the
//!   catch-up: subscribed first, so nothing published meanwhile is missed), then applies
//!   each event of another replica as it comes. Down, it reconnects after a backoff and
//!   catches up again.
//!
//! Both stop once the proxy they apply to is gone. Every wait is bounded: connect, read
//! and write by [`IO_TIMEOUT`], the backoff by [`MAX_BACKOFF`], the catch-up by
//! [`CATCH_UP_MAX`] keys.

use redis::{Client, Connection, RedisResult};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::{Apply, Event, Shared, MAX_BACKOFF, SYNC_EVERY};

/// The pub/sub channel every replica publishes its events on.
pub const EVENTS: &str = "routex:events";
/// A channel's usage hash lives this long after its last write (see [`used_key`]).
const USED_TTL_S: u64 = 86_400;
/// Connect, read and write timeout of every Redis call.
const IO_TIMEOUT: Duration = Duration::from_secs(1);
/// Keys read at most by a catch-up.
const CATCH_UP_MAX: usize = 100_000;
/// Events written in one pipeline at most.
const BATCH: usize = 256;

/// An event as published: who sent it.
#[derive(Serialize)]
struct WireOut<'a> {
    from: &'a str,
    event: &'a Event,
}

#[derive(Deserialize)]
struct WireIn {
    from: String,
    event: Event,
}

fn cool_key(channel: &str, key: &str) -> String {
    format!("routex:cool:{channel}:{key}")
}

fn breaker_key(channel: &str) -> String {
    format!("routex:breaker:{channel}")
}

/// Attempts on a channel per replica: a hash, replica id → attempts since it started.
fn used_key(channel: &str) -> String {
    format!("routex:used:{channel}")
}

fn session_key(session: &str) -> String {
    format!("routex:session:{session}")
}

/// Start both threads.
pub(super) fn spawn(shared: Arc<Shared>, rx: Receiver<Event>, apply: Weak<dyn Apply>) {
    let client = match Client::open(shared.url.expose()) {
        Ok(c) => c,
        Err(e) => return shared.set_side(&shared.publishing, false, Some(e.to_string())),
    };
    let (s, c, a) = (shared.clone(), client.clone(), apply.clone());
    let publisher = std::thread::Builder::new().name("routex-shared-pub".into()).spawn(move || publisher(s, c, rx, a));
    let subscriber =
        std::thread::Builder::new().name("routex-shared-sub".into()).spawn(move || subscriber(shared, client, apply));
    if let Err(e) = publisher.and(subscriber) {
        log::error!("shared state: cannot start the link's threads: {e}");
    }
}

fn connect(client: &Client) -> RedisResult<Connection> {
    let con = client.get_connection_with_timeout(IO_TIMEOUT)?;
    con.set_read_timeout(Some(IO_TIMEOUT))?;
    con.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(con)
}

/// The wait before the next connection attempt: 100 ms, doubling up to [`MAX_BACKOFF`].
struct Backoff {
    wait: Duration,
    next: Instant,
}

impl Backoff {
    fn new() -> Backoff {
        Backoff { wait: Duration::from_millis(100), next: Instant::now() }
    }
    fn ready(&self) -> bool {
        Instant::now() >= self.next
    }
    fn failed(&mut self) {
        self.next = Instant::now() + self.wait;
        self.wait = (self.wait * 2).min(MAX_BACKOFF);
    }
    fn reset(&mut self) {
        *self = Backoff::new();
    }
}

fn publisher(shared: Arc<Shared>, client: Client, rx: Receiver<Event>, apply: Weak<dyn Apply>) {
    let mut con: Option<Connection> = None;
    let mut backoff = Backoff::new();
    let mut last_sync = Instant::now() - SYNC_EVERY;
    loop {
        if apply.strong_count() == 0 {
            return;
        }
        if con.is_none() && backoff.ready() {
            con = reconnect(&shared, &client, &apply, &mut backoff);
        }
        // Down, wake up for the next attempt; up, for the next usage sync.
        let wait = if con.is_some() { SYNC_EVERY } else { backoff.next.saturating_duration_since(Instant::now()) };
        let mut batch = Vec::new();
        match rx.recv_timeout(wait.min(SYNC_EVERY)) {
            Ok(e) => {
                batch.push(e);
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(e) => batch.push(e),
                        Err(_) => break,
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let Some(c) = con.as_mut() else {
            shared.dropped.fetch_add(batch.len() as u64, Ordering::Relaxed);
            continue;
        };
        let mut result = publish(c, &shared, &batch);
        if result.is_err() {
            shared.dropped.fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        if result.is_ok() && last_sync.elapsed() >= SYNC_EVERY {
            last_sync = Instant::now();
            result = match apply.upgrade() {
                Some(a) => sync_usage(c, &shared, &*a),
                None => return,
            };
        }
        if let Err(e) = result {
            con = None;
            backoff.failed();
            shared.set_side(&shared.publishing, false, Some(e.to_string()));
        }
    }
}

/// Connect for publishing and publish this replica's open breakers and cooling keys (the
/// events of an outage were dropped); None when Redis does not answer (the backoff grows).
fn reconnect(shared: &Shared, client: &Client, apply: &Weak<dyn Apply>, backoff: &mut Backoff) -> Option<Connection> {
    let state = apply.upgrade().map(|a| a.local_state()).unwrap_or_default();
    let result = connect(client).and_then(|mut c| publish(&mut c, shared, &state).map(|()| c));
    match result {
        Ok(c) => {
            backoff.reset();
            shared.set_side(&shared.publishing, true, None);
            Some(c)
        }
        Err(e) => {
            backoff.failed();
            shared.set_side(&shared.publishing, false, Some(e.to_string()));
            None
        }
    }
}

/// Write and publish `events` in one pipeline.
fn publish(c: &mut Connection, shared: &Shared, events: &[Event]) -> RedisResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut p = redis::pipe();
    let session_ms = shared.session_ttl.as_millis().max(1) as u64;
    for e in events {
        match e {
            Event::Cool { channel, key, for_ms } => {
                p.cmd("SET").arg(cool_key(channel, key)).arg(1).arg("PX").arg((*for_ms).max(1)).ignore();
            }
            Event::Breaker { channel, open_ms: Some(ms) } => {
                p.cmd("SET").arg(breaker_key(channel)).arg(1).arg("PX").arg((*ms).max(1)).ignore();
            }
            Event::Breaker { channel, open_ms: None } => {
                p.cmd("DEL").arg(breaker_key(channel)).ignore();
            }
            Event::Session { session, channel } => {
                p.cmd("SET").arg(session_key(session)).arg(channel).arg("PX").arg(session_ms).ignore();
            }
        }
        let wire = serde_json::to_string(&WireOut { from: &shared.replica, event: e }).expect("json");
        p.cmd("PUBLISH").arg(EVENTS).arg(wire).ignore();
    }
    p.query::<()>(c)?;
    shared.published.fetch_add(events.len() as u64, Ordering::Relaxed);
    Ok(())
}

/// Write this replica's attempts per channel (its field in the channel's usage hash, an
/// absolute count: writing it again after a reconnection counts nothing twice), read the
/// others' fields back and tell the proxy their sum.
fn sync_usage(c: &mut Connection, shared: &Shared, apply: &dyn Apply) -> RedisResult<()> {
    let usage = apply.usage();
    if usage.is_empty() {
        return Ok(());
    }
    let mut p = redis::pipe();
    for (ch, n) in &usage {
        let key = used_key(ch);
        p.cmd("HSET").arg(&key).arg(&shared.replica).arg(*n).ignore();
        p.cmd("EXPIRE").arg(&key).arg(USED_TTL_S).ignore();
        p.cmd("HGETALL").arg(&key);
    }
    let all: Vec<HashMap<String, u64>> = p.query(c)?;
    for ((ch, _), fields) in usage.iter().zip(all) {
        let others = fields.iter().filter(|(r, _)| **r != shared.replica).map(|(_, n)| *n).sum();
        apply.others_usage(ch, others);
    }
    Ok(())
}

fn subscriber(shared: Arc<Shared>, client: Client, apply: Weak<dyn Apply>) {
    let mut backoff = Backoff::new();
    while apply.strong_count() > 0 {
        match listen(&shared, &client, &apply, &mut backoff) {
            Ok(()) => return,
            Err(e) => shared.set_side(&shared.subscribed, false, Some(e.to_string())),
        }
        backoff.failed();
        while !backoff.ready() && apply.strong_count() > 0 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Subscribe, catch up, then apply the others' events until the connection fails (Err) or
/// the proxy is gone (Ok).
fn listen(shared: &Shared, client: &Client, apply: &Weak<dyn Apply>, backoff: &mut Backoff) -> RedisResult<()> {
    let mut con = connect(client)?;
    let mut ps = con.as_pubsub();
    ps.subscribe(EVENTS)?;
    {
        let mut reader = connect(client)?;
        let Some(a) = apply.upgrade() else { return Ok(()) };
        let n = catch_up(&mut reader, &*a)?;
        shared.applied.fetch_add(n as u64, Ordering::Relaxed);
    }
    backoff.reset();
    shared.set_side(&shared.subscribed, true, None);
    // Reads cut short by a signal (EINTR: the connection is still there) in a row.
    let mut interrupted = 0;
    loop {
        match ps.get_message() {
            Ok(msg) => {
                interrupted = 0;
                let Ok(w) = serde_json::from_slice::<WireIn>(msg.get_payload_bytes()) else { continue };
                if w.from == shared.replica {
                    continue;
                }
                let Some(a) = apply.upgrade() else { return Ok(()) };
                apply_event(&*a, &w.event);
                shared.applied.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) if e.is_timeout() => {
                interrupted = 0;
                if apply.strong_count() == 0 {
                    return Ok(());
                }
            }
            // An I/O error that did not drop the connection (a signal interrupted the read):
            // read again, a few times at most.
            Err(e) if e.kind() == redis::ErrorKind::Io && !e.is_connection_dropped() && interrupted < 10 => {
                interrupted += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

fn apply_event(a: &dyn Apply, e: &Event) {
    match e {
        Event::Cool { channel, key, for_ms } => a.cool(channel, key, Duration::from_millis(*for_ms)),
        Event::Breaker { channel, open_ms } => a.breaker(channel, open_ms.map(Duration::from_millis)),
        Event::Session { session, channel } => a.session(session, channel),
    }
}

/// Read the cooldowns, open breakers and sessions already in Redis and apply them; returns
/// how many.
fn catch_up(c: &mut Connection, a: &dyn Apply) -> RedisResult<usize> {
    let mut applied = 0;
    for pattern in ["routex:cool:*", "routex:breaker:*", "routex:session:*"] {
        let keys: Vec<String> = {
            let iter = redis::cmd("SCAN").cursor_arg(0).arg("MATCH").arg(pattern).arg("COUNT").arg(1000).clone();
            let mut keys = Vec::new();
            for k in iter.iter::<String>(c)? {
                keys.push(k?);
                if keys.len() >= CATCH_UP_MAX {
                    break;
                }
            }
            keys
        };
        for chunk in keys.chunks(500) {
            let mut p = redis::pipe();
            for k in chunk {
                p.cmd("PTTL").arg(k).cmd("GET").arg(k);
            }
            let values: Vec<(i64, Option<String>)> = p.query(c)?;
            for (k, (ttl, value)) in chunk.iter().zip(values) {
                if ttl <= 0 {
                    continue;
                }
                let left = Duration::from_millis(ttl as u64);
                if let Some(rest) = k.strip_prefix("routex:cool:") {
                    if let Some((channel, key)) = rest.rsplit_once(':') {
                        a.cool(channel, key, left);
                        applied += 1;
                    }
                } else if let Some(channel) = k.strip_prefix("routex:breaker:") {
                    a.breaker(channel, Some(left));
                    applied += 1;
                } else if let (Some(session), Some(channel)) = (k.strip_prefix("routex:session:"), value) {
                    a.session(session, &channel);
                    applied += 1;
                }
            }
        }
    }
    Ok(applied)
}
