//! `routex trace stats|list|show ID|clear [--older-than DURATION]`: the running daemon's
//! trace store (docs/tracing.md).
//!
//! Traces live in the daemon's memory, so these commands need a running daemon (found as
//! every command finds it, or named with `--server`); without one they say so in one
//! sentence and exit 2. Rendering (the waterfall of `show`) is `output`'s.

use clap::Subcommand;
use rust_i18n::t;

use super::backend;
use super::output::Printer;
use super::Cli;

/// `routex trace`
#[derive(Subcommand, Debug)]
pub enum TraceCmd {
    /// How many traces are kept, their memory, evictions and OTLP export counts
    Stats,
    /// The newest traces
    List {
        /// How many traces (newest first)
        #[arg(long, short = 'l', short_alias = 'n', default_value_t = 20)]
        limit: usize,
    },
    /// One trace's spans as a waterfall
    Show {
        /// The trace id (the `x-trace-id` response header, or from `routex trace list`)
        id: String,
    },
    /// Remove traces (all of them, or those older than a duration)
    Clear {
        /// Only traces older than this: 500ms, 30s, 15m, 2h, 7d
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
    },
}

/// `500ms`, `30s`, `15m`, `2h`, `7d` (or a bare number of ms) in ms.
pub fn parse_duration(s: &str) -> anyhow::Result<u64> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: Option<u64> = digits.parse().ok();
    let mult = match unit {
        "" | "ms" => Some(1),
        "s" => Some(1_000),
        "m" => Some(60_000),
        "h" => Some(3_600_000),
        "d" => Some(86_400_000),
        _ => None,
    };
    match (n, mult) {
        (Some(n), Some(m)) => Ok(n.saturating_mul(m)),
        _ => anyhow::bail!("{}", t!("cli.trace.older_than", value = format!("{s:?}"))),
    }
}

/// Run `routex trace …`.
pub fn run(cli: &Cli, cmd: &TraceCmd, printer: &Printer) -> anyhow::Result<u8> {
    // Checked before connecting: a bad argument is the first thing to say.
    let older_than = match cmd {
        TraceCmd::Clear { older_than: Some(d) } => Some(parse_duration(d)?),
        _ => None,
    };
    if let TraceCmd::List { limit } = cmd {
        if *limit == 0 || *limit > 10_000 {
            anyhow::bail!("{}", t!("cli.trace.limit", got = limit));
        }
    }
    let b = backend::connect(cli)?;
    match cmd {
        TraceCmd::Stats => printer.trace_stats(&b.trace_stats()?),
        TraceCmd::List { limit } => printer.traces(&b.traces(*limit)?),
        TraceCmd::Show { id } => printer.trace(&b.trace(id)?),
        TraceCmd::Clear { .. } => {
            let removed = b.clear_traces(older_than)?;
            printer.traces_cleared(removed, older_than);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_parse_and_bad_ones_say_how() {
        assert_eq!(parse_duration("500ms").unwrap(), 500);
        assert_eq!(parse_duration("30s").unwrap(), 30_000);
        assert_eq!(parse_duration("15m").unwrap(), 900_000);
        assert_eq!(parse_duration("2h").unwrap(), 7_200_000);
        assert_eq!(parse_duration("7d").unwrap(), 604_800_000);
        assert_eq!(parse_duration("250").unwrap(), 250);
        let e = parse_duration("soon").unwrap_err().to_string();
        assert!(e.contains("--older-than") && e.contains("15m"), "{e}");
        assert!(parse_duration("5y").is_err() && parse_duration("").is_err());
    }
}
