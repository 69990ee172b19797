//! Many slow LLM streams at once, over loopback only (see bench/slow-streams.sh).
//!
//! `slow-streams mock PORT EVERY_MS CHUNKS` — a slow-stream upstream: every POST gets a
//!   stream whose preamble and first content event go out at once, then one content
//!   event every EVERY_MS, CHUNKS in all, then the end. `/v1/messages` answers in
//!   Anthropic's shape, anything else (`/chat/completions`) in OpenAI's. `"stream":false`
//!   in the body gets a small JSON answer at once (for the affinity run).
//! `slow-streams client URL PATH N RAMP_PER_S DEADLINE_S [session|none]` — opens N
//!   streaming requests, RAMP_PER_S new ones a second, each on its own connection, and
//!   reads them to the end; prints one JSON line: how many finished, errors (by kind),
//!   time to first content (p50/p99/max, ms), content events received.
//! `slow-streams sessions URL N CONCURRENCY DISTINCT` — N quick non-stream requests,
//!   each with an `x-session-id` (N distinct ones when DISTINCT is 1, else all the same):
//!   fills Routex's affinity table.
//! `slow-streams mixed URL SECONDS CONCURRENCY` — the soak load: CONCURRENCY workers
//!   loop over Anthropic and OpenAI requests, stream and not, for SECONDS; prints
//!   `second sent ok failed` every second and a JSON summary at the end.
//!
//! Raw HTTP/1.1 with `connection: close`: the client reads to EOF and looks for the
//! protocol's content markers in the bytes, so it measures what a client sees without
//! an HTTP library's buffering. Every wait is bounded by DEADLINE_S.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match args.get(1).map(String::as_str) {
        Some("mock") => rt.block_on(mock(args[2].parse().unwrap(), args[3].parse().unwrap(), args[4].parse().unwrap())),
        Some("client") => rt.block_on(client(
            args[2].clone(),
            args[3].clone(),
            args[4].parse().unwrap(),
            args[5].parse().unwrap(),
            args[6].parse().unwrap(),
        )),
        Some("sessions") => {
            rt.block_on(sessions(args[2].clone(), args[3].parse().unwrap(), args[4].parse().unwrap(), args[5] == "1"))
        }
        Some("mixed") => rt.block_on(mixed(args[2].clone(), args[3].parse().unwrap(), args[4].parse().unwrap())),
        _ => {
            eprintln!("usage: slow-streams mock PORT EVERY_MS CHUNKS | client URL PATH N RAMP_PER_S DEADLINE_S | sessions URL N CONCURRENCY DISTINCT");
            std::process::exit(2);
        }
    }
}

// ------------------------------------------------------------------ mock upstream

async fn mock(port: u16, every_ms: u64, chunks: usize) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    loop {
        let Ok((sock, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let _ = serve(sock, Duration::from_millis(every_ms), chunks).await;
        });
    }
}

/// Reads one request (headers and a content-length body), answers it, keeps the
/// connection for the next one until the peer closes.
async fn serve(mut sock: TcpStream, every: Duration, chunks: usize) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    loop {
        let (path, body, close) = loop {
            if let Some(req) = parse_request(&mut buf) {
                break req;
            }
            let mut tmp = [0u8; 8192];
            let n = sock.read(&mut tmp).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&tmp[..n]);
        };
        let anthropic = path.starts_with("/v1/messages");
        if !body.contains("\"stream\":true") && !body.contains("\"stream\": true") {
            let json = if anthropic {
                r#"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}"#
            } else {
                r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#
            };
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", json.len());
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(json.as_bytes()).await?;
            if close {
                return Ok(());
            }
            continue;
        }
        sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await?;
        let (start, delta, end) = if anthropic { anthropic_events() } else { openai_events() };
        write_chunk(&mut sock, &format!("{start}{delta}")).await?;
        for _ in 1..chunks {
            tokio::time::sleep(every).await;
            write_chunk(&mut sock, &delta).await?;
        }
        write_chunk(&mut sock, &end).await?;
        sock.write_all(b"0\r\n\r\n").await?;
        if close {
            return Ok(());
        }
    }
}

async fn write_chunk(sock: &mut TcpStream, s: &str) -> std::io::Result<()> {
    sock.write_all(format!("{:x}\r\n{s}\r\n", s.len()).as_bytes()).await
}

fn anthropic_events() -> (String, String, String) {
    let start = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_slow\",\"type\":\"message\",",
        "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,",
        "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    );
    let delta = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token \"}}\n\n";
    let end = concat!(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":100}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
    );
    (start.into(), delta.into(), end.into())
}

fn openai_events() -> (String, String, String) {
    let c = |delta: &str, finish: &str| {
        format!("data: {{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n")
    };
    let start = c("{\"role\":\"assistant\",\"content\":\"\"}", "null");
    let delta = c("{\"content\":\"token \"}", "null");
    let end = format!(
        "{}data: {{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{{\"prompt_tokens\":12,\"completion_tokens\":100,\"total_tokens\":112}}}}\n\ndata: [DONE]\n\n",
        c("{}", "\"stop\"")
    );
    (start, delta, end)
}

/// `(path, body)` of a whole request at the front of `buf` (removed from it).
fn parse_request(buf: &mut Vec<u8>) -> Option<(String, String, bool)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    if buf.len() < end + len {
        return None;
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let body = String::from_utf8_lossy(&buf[end..end + len]).to_string();
    buf.drain(..end + len);
    let close = head.to_ascii_lowercase().contains("\r\nconnection: close");
    Some((path, body, close))
}

// ------------------------------------------------------------------ client

fn request(url: &str, path: &str, stream: bool, session: Option<&str>) -> (String, Vec<u8>) {
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let body = if path.contains("chat/completions") {
        format!(
            "{{\"model\":\"gpt-bench\",\"stream\":{stream},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}"
        )
    } else {
        format!("{{\"model\":\"claude-bench\",\"max_tokens\":100,\"stream\":{stream},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}")
    };
    let session = session.map(|s| format!("x-session-id: {s}\r\n")).unwrap_or_default();
    let req = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nx-api-key: sk-bench\r\nanthropic-version: 2023-06-01\r\n{session}connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    (addr, req.into_bytes())
}

#[derive(Default)]
struct One {
    ttfc: Option<Duration>,
    events: u64,
    error: Option<&'static str>,
}

async fn one(addr: String, req: Vec<u8>, deadline: Instant) -> One {
    let mut out = One::default();
    let started = Instant::now();
    let work = async {
        let mut sock = match TcpStream::connect(&addr).await {
            Ok(s) => s,
            Err(_) => return Some("connect"),
        };
        if sock.write_all(&req).await.is_err() {
            return Some("write");
        }
        let mut buf = vec![0u8; 16 * 1024];
        let mut tail: Vec<u8> = Vec::new();
        let mut status_ok = None;
        let mut clean = false;
        loop {
            let n = match sock.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Some("read"),
            };
            tail.extend_from_slice(&buf[..n]);
            if status_ok.is_none() && tail.len() >= 12 {
                status_ok = Some(&tail[..12] == b"HTTP/1.1 200");
                if status_ok == Some(false) {
                    return Some("status");
                }
            }
            // Count content events; keep only a short tail for markers split across reads.
            let text = &tail[..];
            let hits = count(text, b"\"text_delta\"") + count(text, b"\"content\":\"token");
            if hits > 0 && out.ttfc.is_none() {
                out.ttfc = Some(started.elapsed());
            }
            out.events += hits as u64;
            if count(text, b"message_stop") > 0 || count(text, b"[DONE]") > 0 {
                clean = true;
            }
            if count(text, b"event: error") > 0 || count(text, b"\"error\":{") > 0 {
                return Some("error_event");
            }
            let keep = tail.len().min(24);
            let cut = tail.len() - keep;
            // Drop what was counted; the kept bytes hold no whole marker.
            tail.drain(..cut);
            if keep > 0 {
                let last_quote = tail.iter().rposition(|b| *b == b'"').unwrap_or(0);
                tail.drain(..last_quote);
            }
        }
        if !clean {
            return Some("no_clean_end");
        }
        None
    };
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(e) => out.error = e,
        Err(_) => out.error = Some("deadline"),
    }
    out
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    if hay.len() < needle.len() {
        return 0;
    }
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn client(url: String, path: String, n: usize, ramp_per_s: usize, deadline_s: u64) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(deadline_s);
    let mut tasks = Vec::with_capacity(n);
    let step = Duration::from_secs_f64(1.0 / ramp_per_s.max(1) as f64);
    for i in 0..n {
        let at = started + step.mul_f64(i as f64);
        let (addr, req) = request(&url, &path, true, None);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            one(addr, req, deadline).await
        }));
    }
    let mut ttfc = Vec::new();
    let mut events = 0;
    let mut errors: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        events += r.events;
        if let Some(d) = r.ttfc {
            ttfc.push(d.as_secs_f64() * 1000.0);
        }
        match r.error {
            None => ok += 1,
            Some(e) => *errors.entry(e).or_default() += 1,
        }
    }
    ttfc.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let errors: Vec<String> = errors.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
    println!(
        "{{\"n\":{n},\"ok\":{ok},\"errors\":{{{}}},\"ttfc_ms\":{{\"p50\":{:.3},\"p99\":{:.3},\"max\":{:.3}}},\"events\":{events},\"seconds\":{:.1}}}",
        errors.join(","),
        pct(&ttfc, 0.5),
        pct(&ttfc, 0.99),
        ttfc.last().copied().unwrap_or(f64::NAN),
        started.elapsed().as_secs_f64()
    );
}

async fn sessions(url: String, n: usize, concurrency: usize, distinct: bool) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(300);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (url, next) = (url.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut failed = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n || Instant::now() > deadline {
                    return failed;
                }
                let session = if distinct { format!("bench-session-{i:06}") } else { "bench-session".into() };
                let (addr, req) = request(&url, "/v1/messages", false, Some(&session));
                let r = async {
                    let mut s = TcpStream::connect(&addr).await.ok()?;
                    s.write_all(&req).await.ok()?;
                    let mut all = Vec::new();
                    s.read_to_end(&mut all).await.ok()?;
                    all.starts_with(b"HTTP/1.1 200").then_some(())
                };
                if tokio::time::timeout(Duration::from_secs(10), r).await.ok().flatten().is_none() {
                    failed += 1;
                }
            }
        }));
    }
    let mut failed = 0;
    for w in workers {
        failed += w.await.unwrap();
    }
    println!("{{\"n\":{n},\"failed\":{failed},\"seconds\":{:.1}}}", started.elapsed().as_secs_f64());
}

async fn mixed(url: String, seconds: u64, concurrency: usize) {
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    use std::sync::Arc;
    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let (url, counts) = (url.clone(), counts.clone());
        workers.push(tokio::spawn(async move {
            let mut i = w;
            while Instant::now() < end {
                let path = if i % 2 == 0 { "/v1/messages" } else { "/v1/chat/completions" };
                let stream = (i / 2) % 2 == 0;
                i += 1;
                let (addr, req) = request(&url, path, stream, None);
                counts[0].fetch_add(1, Relaxed);
                let ok = if stream {
                    one(addr, req, Instant::now() + Duration::from_secs(30)).await.error.is_none()
                } else {
                    let r = async {
                        let mut s = TcpStream::connect(&addr).await.ok()?;
                        s.write_all(&req).await.ok()?;
                        let mut all = Vec::new();
                        s.read_to_end(&mut all).await.ok()?;
                        all.starts_with(b"HTTP/1.1 200").then_some(())
                    };
                    tokio::time::timeout(Duration::from_secs(30), r).await.ok().flatten().is_some()
                };
                counts[if ok { 1 } else { 2 }].fetch_add(1, Relaxed);
            }
        }));
    }
    let mut tick = tokio::time::interval_at((started + Duration::from_secs(1)).into(), Duration::from_secs(1));
    let mut second = 0;
    while Instant::now() < end {
        tick.tick().await;
        second += 1;
        println!("{second}\t{}\t{}\t{}", counts[0].load(Relaxed), counts[1].load(Relaxed), counts[2].load(Relaxed));
    }
    for w in workers {
        let _ = w.await;
    }
    println!(
        "{{\"sent\":{},\"ok\":{},\"failed\":{},\"seconds\":{:.1}}}",
        counts[0].load(Relaxed),
        counts[1].load(Relaxed),
        counts[2].load(Relaxed),
        started.elapsed().as_secs_f64()
    );
}
