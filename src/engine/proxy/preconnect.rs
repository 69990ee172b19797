//! Upstream connections opened ahead (the cache warmer's `connections`, docs/cache.md):
//! at start and after a channel edit, every event loop opens one keep-alive connection to
//! each upstream host of the enabled channels (DNS, TCP, TLS, the HTTP/1.1 handshake) and
//! puts it in its idle pool, so the first request after a restart does not pay for them.
//!
//! The pools are per event loop (`client.rs`, `Proxy::upstream`), and a connection must be
//! opened on the loop that will use it; so the warmer only signals
//! ([`Proxy::preconnect`], [`Proxy::close_idle_connections`]) and each loop runs
//! [`preconnect_loop`] (started by `daemon::serve_loop`), which does the work on its own
//! pool. The loop holds the proxy weakly: it ends with the proxy. It also sweeps that pool
//! every [`client::SWEEP_EVERY`] (expired and closed idle connections; see `client.rs`),
//! then runs the binary's after-sweep hook there (mimalloc returning freed pages).

use http::Uri;
use std::sync::atomic::Ordering;
use std::sync::Weak;

use super::{client, Proxy};
use crate::engine::Status;

/// What the event loops are asked to do with their idle connections: how many times each
/// was asked so far. A loop that sees both counts move (the watch keeps only the latest
/// value) closes first, then opens: invalidate-and-warm asks in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Ask {
    /// Close the idle connections.
    closes: u64,
    /// Open one connection to each upstream host.
    opens: u64,
}

impl Proxy {
    /// The upstream hosts of the enabled channels, once each (scheme and authority).
    fn upstream_hosts(&self) -> Vec<Uri> {
        let snap = self.engine.snapshot();
        let mut v: Vec<Uri> = Vec::new();
        for c in snap.channels.iter().filter(|c| c.status != Status::Disabled && c.usable()) {
            let Ok(uri) = c.base_url.trim_end_matches('/').parse::<Uri>() else { continue };
            if uri.authority().is_none() {
                continue;
            }
            let same = |u: &Uri| u.scheme() == uri.scheme() && u.authority() == uri.authority();
            if !v.iter().any(same) {
                v.push(uri);
            }
        }
        v
    }

    /// Ask every event loop to open a connection to each upstream host it has none idle
    /// for; returns the number of hosts. Does not wait for them.
    pub fn preconnect(&self) -> usize {
        let n = self.upstream_hosts().len();
        self.preconnects.send_modify(|a| a.opens += 1);
        n
    }

    /// Ask every event loop to close its idle upstream connections.
    pub fn close_idle_connections(&self) {
        self.preconnects.send_modify(|a| a.closes += 1);
    }

    /// Connections opened ahead so far, on every loop.
    pub fn preconnected(&self) -> u64 {
        self.preconnected.load(Ordering::Relaxed)
    }

    /// Open this loop's connections (one per host without an idle one).
    async fn preconnect_here(&self) {
        let up = self.upstream();
        for uri in self.upstream_hosts() {
            match up.preconnect(&uri).await {
                Ok(true) => {
                    self.preconnected.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {}
                Err(e) => log::debug!("cache: could not open a connection to {uri} ahead: {e}"),
            }
        }
    }
}

/// One event loop's part: do what the warmer asks, on this loop's pool, and sweep that
/// pool every [`client::SWEEP_EVERY`], until the proxy is gone. Run by each event loop of
/// the daemon.
pub async fn preconnect_loop(proxy: Weak<Proxy>) {
    let Some(mut rx) = proxy.upgrade().map(|p| p.preconnects.subscribe()) else { return };
    // What was asked before this loop started counts too.
    rx.mark_changed();
    let mut done = Ask::default();
    let mut sweep = tokio::time::interval(client::SWEEP_EVERY);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    sweep.reset();
    loop {
        tokio::select! {
            changed = rx.changed() => if changed.is_err() { return },
            _ = sweep.tick() => {
                let Some(p) = proxy.upgrade() else { return };
                let closed = p.upstream().sweep_idle();
                if closed > 0 {
                    log::debug!("closed {closed} idle upstream connections");
                }
                client::after_sweep();
                continue;
            }
        }
        let ask = *rx.borrow_and_update();
        let Some(p) = proxy.upgrade() else { return };
        if ask.closes != done.closes {
            p.upstream().close_idle();
        }
        if ask.opens != done.opens {
            p.preconnect_here().await;
        }
        done = ask;
    }
}
