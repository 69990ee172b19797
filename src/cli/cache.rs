//! `routex cache stats|config|warm [ITEM…]|invalidate [TYPE]`: the cache warmer
//! (docs/cache.md), with or without a daemon.
//!
//! With a daemon these are its `/api/cache/…` calls. Without one, the command runs the
//! warmer in the CLI process: `stats` and `config` read the stored settings (the config
//! file's `cache:` section applies only to `routex serve -c`), `warm` builds what a process
//! without a daemon can hold (the analytics aggregates, the tokenizer tables) and reports
//! what it built and how long it took, and `invalidate` has nothing to forget. The output
//! says which (`source`). Names are checked before anything runs: a bad one is one line
//! and exit 2.

use clap::Subcommand;

use super::backend;
use super::output::Printer;
use super::Cli;
use crate::engine::cache::Item;
use crate::engine::config::WarmItems;

/// `routex cache`
#[derive(Subcommand, Debug)]
pub enum CacheCmd {
    /// Warms, when the last one ran and took, what is warm now, refreshes and invalidations
    Stats,
    /// The warmer's settings (change them with PUT /api/cache/config)
    Config,
    /// Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)
    Warm {
        /// Items to warm (default: the configured warmItems)
        items: Vec<String>,
    },
    /// Forget a cache so it is built again (default: all)
    Invalidate {
        /// channels, models, routingRules, analytics, connections, tokenizer or all
        #[arg(value_name = "TYPE")]
        kind: Option<String>,
    },
}

/// Run `routex cache …`.
pub fn run(cli: &Cli, cmd: &CacheCmd, printer: &Printer) -> anyhow::Result<u8> {
    // Checked before connecting: a bad name is the first thing to say.
    let items = match cmd {
        CacheCmd::Warm { items } if !items.is_empty() => {
            let mut w = WarmItems::none();
            for name in items {
                if Item::parse(name)?.is_none() {
                    w = WarmItems::default();
                } else {
                    w.set(name);
                }
            }
            Some(w)
        }
        _ => None,
    };
    let kind = match cmd {
        CacheCmd::Invalidate { kind: Some(k) } => Item::parse(k)?.map(Item::as_str),
        _ => None,
    };
    let b = backend::connect(cli)?;
    match cmd {
        CacheCmd::Stats => printer.cache_stats(&b.cache_stats()?),
        CacheCmd::Config => printer.cache_config(&b.cache_config()?),
        CacheCmd::Warm { .. } => {
            let spinner = printer.spinner("warming");
            let stats = b.cache_warm(items);
            drop(spinner);
            printer.cache_stats(&stats?);
        }
        CacheCmd::Invalidate { .. } => printer.note(&b.cache_invalidate(kind)?),
    }
    Ok(0)
}
