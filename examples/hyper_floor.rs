//! The floor under routex's proxy: the least a reverse proxy built on routex's own HTTP
//! stack can do. It serves HTTP/1.1 with hyper-util's server, reads the whole request body,
//! forwards it with the client headers to one upstream through routex's own upstream client
//! (`engine::proxy::client`: keep-alive connections pooled per event loop, each driven by
//! the request holding it), and streams the response back. No routing, no parsing, no
//! records, no timeouts. `bench/load.sh` measures it next to nginx and routex so the report
//! separates what routex adds from what the HTTP stack costs.
//!
//! ```text
//! cargo run --release --example hyper_floor -- PORT UPSTREAM_BASE [LOOPS]
//! ```
//!
//! Binds 127.0.0.1:PORT; UPSTREAM_BASE like `http://127.0.0.1:8080`; LOOPS event loops
//! (default: one per core), each a current-thread runtime accepting on the same socket.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use routex::engine::proxy::client::{Response, Upstream};
use std::cell::OnceCell;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    static CLIENT: OnceCell<Upstream> = const { OnceCell::new() };
}

fn client() -> Upstream {
    CLIENT.with(|c| c.get_or_init(|| Upstream::new(std::time::Duration::from_secs(5))).clone())
}

/// The upstream response body as the server's body.
struct Relayed(Response);

impl Body for Relayed {
    type Data = Bytes;
    type Error = String;
    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, String>>> {
        match self.0.poll_chunk(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(Some(b))) => Poll::Ready(Some(Ok(Frame::data(b)))),
            Poll::Ready(Ok(None)) => Poll::Ready(None),
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e.to_string()))),
        }
    }
}

async fn forward(
    base: &'static str,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Relayed>, Box<dyn std::error::Error + Send + Sync>> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri: hyper::Uri = format!("{base}{path}").parse()?;
    let mut headers = parts.headers;
    headers.remove(hyper::header::HOST);
    let again = headers.clone();
    let mut resp = client().post(uri, headers, body, || again.clone()).await.map_err(|e| e.to_string())?;
    let mut out = hyper::Response::new(());
    *out.status_mut() = resp.status();
    *out.headers_mut() = resp.take_headers();
    Ok(out.map(|()| Relayed(resp)))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(port), Some(base)) = (args.get(1).and_then(|p| p.parse::<u16>().ok()), args.get(2)) else {
        eprintln!("usage: hyper_floor PORT UPSTREAM_BASE [LOOPS]");
        std::process::exit(2);
    };
    let base: &'static str = Box::leak(base.trim_end_matches('/').to_string().into_boxed_str());
    let loops = args
        .get(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let threads: Vec<_> = (0..loops)
        .map(|_| {
            let l = listener.try_clone().expect("clone listener");
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    let l = tokio::net::TcpListener::from_std(l).expect("listener");
                    loop {
                        let Ok((io, _)) = l.accept().await else {
                            // Out of descriptors, say: pause rather than spin.
                            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                            continue;
                        };
                        let _ = io.set_nodelay(true);
                        let svc = hyper::service::service_fn(move |req| async move {
                            Ok::<_, Infallible>(match forward(base, req).await {
                                Ok(r) => r.map(|b| b.boxed()),
                                Err(e) => {
                                    let mut r = hyper::Response::new(
                                        Full::new(Bytes::from(e.to_string())).map_err(|never| match never {}).boxed(),
                                    );
                                    *r.status_mut() = hyper::StatusCode::BAD_GATEWAY;
                                    r
                                }
                            })
                        });
                        tokio::spawn(async move {
                            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                                .serve_connection(TokioIo::new(io), svc)
                                .await;
                        });
                    }
                })
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
}
