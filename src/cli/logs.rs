//! `routex logs`: the request log, newest last, optionally followed.

use clap::Args;
use std::time::Duration;

use super::backend;
use super::output::Printer;
use super::Cli;
use crate::engine::records::RequestQuery;

/// `routex logs`
#[derive(Args, Debug)]
pub struct LogsArgs {
    /// How many records (most recent)
    #[arg(long, short = 'l', short_alias = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Only this channel (name or id)
    #[arg(long, short_alias = 'c')]
    pub channel: Option<String>,
    /// Only models matching this glob
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Only this status: 200, 5xx, 4xx, success or error
    #[arg(long, short = 's')]
    pub status: Option<String>,
    /// Only records since: RFC 3339, unix ms, or relative like 15m, 2h, 7d
    #[arg(long)]
    pub since: Option<String>,
    /// Keep printing new records as they arrive (Ctrl-C to stop)
    #[arg(long, short = 'f')]
    pub follow: bool,
}

/// Run `routex logs`.
pub fn run(cli: &Cli, args: &LogsArgs, printer: &Printer) -> anyhow::Result<u8> {
    let b = backend::connect(cli)?;
    let q = RequestQuery {
        limit: Some(args.limit.clamp(1, 1000)),
        offset: None,
        channel: args.channel.clone(),
        model: args.model.clone(),
        status: args.status.clone(),
        since: args.since.clone(),
        until: None,
    };
    // Follow from where the log ends before the first page is read, so nothing written in
    // between is missed; what the first page already shows is not printed twice.
    let mut cursor = if args.follow { Some(b.requests_tail(None, 0)?.cursor) } else { None };
    let mut recs = b.requests(&q)?;
    recs.reverse();
    printer.records(&recs, true, args.follow);
    if !args.follow {
        return Ok(0);
    }
    let shown: std::collections::HashSet<String> = recs.into_iter().map(|r| r.id).collect();
    loop {
        std::thread::sleep(Duration::from_secs(1));
        // Records come in the order they were written: a long request shows up when it
        // ends, even after requests that arrived later.
        let tail = b.requests_tail(cursor, 500)?;
        cursor = Some(tail.cursor);
        let fresh: Vec<_> = tail
            .records
            .into_iter()
            .filter(|r| !shown.contains(&r.id))
            .filter(|r| {
                args.channel
                    .as_deref()
                    .is_none_or(|c| r.channel_name.as_deref() == Some(c) || r.channel_id.as_deref() == Some(c))
            })
            .collect();
        if !fresh.is_empty() {
            printer.records(&fresh, false, true);
        }
    }
}
