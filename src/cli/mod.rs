//! The command line: clap structs (kept dumb), dispatch, exit codes.
//!
//! Commands that read or change channels go through [`backend::Backend`], which is either
//! the local engine on the store or the running daemon's admin API — so a command behaves
//! the same with and without a daemon. Only [`output`] writes to stdout.
//! `anyhow` is used here and in `main`, nowhere below.

pub mod backend;
pub mod cache;
pub mod channel;
pub mod daemon_ctl;
pub mod diagnose;
pub mod docs;
pub mod logging;
pub mod logs;
pub mod output;
pub mod rule;
pub mod serve;
pub mod setup;
pub mod tee;
pub mod trace;

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};
use rust_i18n::t;
use std::path::PathBuf;
use std::process::ExitCode;

use output::Printer;

/// Routex: one base URL for every LLM API. Routes Anthropic and OpenAI clients to
/// upstream channels, balances, fails over and records what happened.
#[derive(Parser, Debug)]
#[command(name = "routex", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Talk to the daemon at this URL (default: the one daemon.json names, else the local store)
    #[arg(long, global = true, help_heading = "Global options", env = "ROUTEX_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]
    #[arg(long, global = true, help_heading = "Global options", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// How results print: table (for people), json or yaml (for scripts); `export` writes
    /// yaml or json [default: table; for export: yaml]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        ignore_case = true,
        value_name = "FORMAT",
        alias = "output"
    )]
    pub format: Option<OutputFormat>,
    /// More log output (-v debug, -vv trace)
    #[arg(short, long, global = true, help_heading = "Global options", action = ArgAction::Count)]
    pub verbose: u8,
    /// Only errors
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// Admin token for a daemon that requires one
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "ROUTEX_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when
    /// LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]
    #[arg(long, global = true, help_heading = "Global options", value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The format results print in: `--format`, else a table.
    pub fn output(&self) -> OutputFormat {
        self.format.unwrap_or(OutputFormat::Table)
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human tables
    Table,
    /// JSON, for scripts
    Json,
    /// YAML
    Yaml,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once; boxing clap structs buys nothing
pub enum Command {
    /// Run the daemon: proxy and admin API on one port (--detach: in the background)
    Serve(serve::ServeArgs),
    /// Stop the daemon of this data directory (it finishes in-flight streams first)
    Stop,
    /// Stop the daemon if it runs, then start it in the background with these settings
    Restart(serve::ServeArgs),
    /// Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)
    Status,
    /// Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval
    Env(daemon_ctl::EnvArgs),
    /// Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"
    Code(daemon_ctl::CodeArgs),
    /// Manage upstream channels
    #[command(subcommand)]
    Channel(channel::ChannelCmd),
    /// Manage routing rules and dry-run a request against them
    #[command(subcommand)]
    Rule(rule::RuleCmd),
    /// Show or switch the load-balancer strategy
    Strategy {
        #[command(subcommand)]
        action: Option<StrategyCmd>,
    },
    /// Show or set the daemon's language (admin API messages): en or zh-CN
    Lang {
        #[command(subcommand)]
        action: Option<LangCmd>,
    },
    /// Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)
    Test(TestArgs),
    /// First-run wizard on a terminal: a provider, its key, a test, the next command
    Setup,
    /// Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)
    Diagnose(diagnose::DiagnoseArgs),
    /// The request log summed up: requests, success rate, latency, tokens, cost, per channel
    Stats {
        /// The window: an age like 1h, 24h, 7d, or a time (RFC 3339, unix ms)
        #[arg(long, default_value = "24h")]
        since: String,
    },
    /// Show the request log (--follow to keep watching)
    Logs(logs::LogsArgs),
    /// Request traces kept by the running daemon: stats, list, show (a waterfall), clear
    #[command(subcommand)]
    Trace(trace::TraceCmd),
    /// Copies of finished request records to a file or a webhook: list, add, remove, test
    #[command(subcommand)]
    Tee(tee::TeeCmd),
    /// The cache warmer: stats, config, warm, invalidate (with or without a daemon)
    #[command(subcommand)]
    Cache(cache::CacheCmd),
    /// Write channels and settings to a YAML or JSON document
    Export(ExportArgs),
    /// Read channels and settings from a document (or a config file)
    Import(ImportArgs),
    /// Print a shell completion script
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// `routex strategy …`
#[derive(Subcommand, Debug)]
pub enum StrategyCmd {
    /// Print the current strategy and the choices
    Get,
    /// Switch strategy: priority, round_robin, weighted, least_used or latency
    Set {
        /// The strategy
        #[arg(value_parser = Names(strategy_names))]
        name: String,
    },
}

/// `routex lang …`
#[derive(Subcommand, Debug)]
pub enum LangCmd {
    /// Print the language in force and the choices
    Get,
    /// Store a language (kept across restarts) and switch a running daemon to it
    Set {
        /// en or zh-CN
        #[arg(value_parser = Names(|| crate::i18n::LOCALES.to_vec()))]
        name: String,
    },
}

/// `routex test`
#[derive(Args, Debug)]
pub struct TestArgs {
    /// Channels to test, by name or id [default: the enabled ones]
    pub channels: Vec<String>,
    /// Every channel, disabled ones included
    #[arg(long, conflicts_with_all = ["channels", "enabled"])]
    pub all: bool,
    /// The enabled channels (the default)
    #[arg(long, conflicts_with = "channels")]
    pub enabled: bool,
}

/// `routex export` (the document's format is the global `--format`: yaml or json)
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Put API keys in the document (a file written with -o gets mode 0600)
    #[arg(long)]
    pub include_secrets: bool,
    /// Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)
    #[arg(short = 'o', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `routex import`
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The document (YAML or JSON; `-` for stdin). A config file works too.
    pub file: PathBuf,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove channels the document does not name (default: merge by name)
    #[arg(long)]
    pub replace: bool,
}

/// A value parser that takes any string (the engine validates it, whatever its case, and
/// suggests the nearest name) but tells the completion scripts and `--help` the names:
/// channel types, rule types, strategies.
#[derive(Clone)]
pub struct Names(pub fn() -> Vec<&'static str>);

impl clap::builder::TypedValueParser for Names {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter().map(clap::builder::PossibleValue::new)))
    }
}

/// The strategy names, for [`Names`].
fn strategy_names() -> Vec<&'static str> {
    crate::engine::strategy::STRATEGIES.iter().map(|s| s.as_str()).collect()
}

/// A failure with its exit code: 1 for a negative answer, 2 for an error.
#[derive(Debug)]
pub struct Exit(pub u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}
impl std::error::Error for Exit {}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The language, before anything is printed (docs/i18n.md); `serve` refines it with
    // its stored setting and config file.
    match crate::i18n::choose(cli.lang.as_deref(), &crate::i18n::process_env, None, None) {
        Ok((locale, _)) => crate::i18n::set(locale),
        Err(e) => {
            output::error(&e.to_string());
            return ExitCode::from(2);
        }
    }
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
                return ExitCode::from(*code);
            }
            output::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Run a parsed command; returns the exit code.
pub fn run(cli: &Cli) -> anyhow::Result<u8> {
    if !matches!(&cli.command, Command::Serve(a) if !a.detach) {
        logging::init_cli(cli.verbose, cli.quiet);
    }
    let printer = Printer::new(cli.output());
    match &cli.command {
        Command::Serve(args) if args.detach => daemon_ctl::detach(cli, args, &printer),
        Command::Serve(args) => serve::run(cli, args),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "routex", &mut buf);
            printer.raw(&buf);
            Ok(0)
        }
        Command::Stop => daemon_ctl::stop(cli, &printer),
        Command::Restart(args) => daemon_ctl::restart(cli, args, &printer),
        Command::Status => daemon_ctl::status(cli, &printer),
        Command::Env(args) => daemon_ctl::env(cli, args, &printer),
        Command::Code(args) => daemon_ctl::code(cli, args, &printer),
        Command::Channel(cmd) => channel::run(cli, cmd, &printer),
        Command::Rule(cmd) => rule::run(cli, cmd, &printer),
        Command::Logs(args) => logs::run(cli, args, &printer),
        Command::Stats { since } => {
            let b = backend::connect(cli)?;
            printer.stats(&b.analytics(Some(since))?, since);
            Ok(0)
        }
        Command::Diagnose(args) => diagnose::run(cli, args, &printer),
        Command::Setup => setup::run(cli, &printer),
        Command::Test(args) => {
            let b = backend::connect(cli)?;
            let spinner = printer.spinner(&t!("cli.test.testing"));
            let results = b.test_channels(&args.channels, args.all, None);
            drop(spinner);
            let results = results?;
            if results.is_empty() {
                printer.note(&t!("cli.test.none"));
                return Ok(1);
            }
            printer.channel_tests(&results);
            Ok(if results.iter().all(|t| t.ok) { 0 } else { 1 })
        }
        Command::Trace(cmd) => trace::run(cli, cmd, &printer),
        Command::Tee(cmd) => tee::run(cli, cmd, &printer),
        Command::Cache(cmd) => cache::run(cli, cmd, &printer),
        Command::Strategy { action } => {
            let b = backend::connect(cli)?;
            let current = match action {
                None | Some(StrategyCmd::Get) => b.strategy()?,
                Some(StrategyCmd::Set { name }) => b.set_strategy(name)?,
            };
            printer.strategy(current, matches!(action, Some(StrategyCmd::Set { .. })));
            Ok(0)
        }
        Command::Lang { action } => {
            let b = backend::connect(cli)?;
            let current = match action {
                None | Some(LangCmd::Get) => b.locale()?,
                Some(LangCmd::Set { name }) => b.set_locale(name)?,
            };
            printer.locale(&current, matches!(action, Some(LangCmd::Set { .. })));
            Ok(0)
        }
        Command::Export(args) => {
            let json = match cli.format {
                None | Some(OutputFormat::Yaml) => false,
                Some(OutputFormat::Json) => true,
                Some(OutputFormat::Table) => {
                    anyhow::bail!("{}", t!("cli.export.table"))
                }
            };
            let b = backend::connect(cli)?;
            let doc = b.export(args.include_secrets)?;
            let text = if json { serde_json::to_string_pretty(&doc)? + "\n" } else { serde_yaml::to_string(&doc)? };
            match &args.file {
                None => printer.raw(text.as_bytes()),
                Some(path) => {
                    if write_file(path, text.as_bytes(), args.include_secrets)? {
                        printer.note(&t!("cli.export.replaced", file = path.display()));
                    }
                    printer.note(&t!(
                        "cli.export.done",
                        channels = output::count(doc.channels.len(), "channel"),
                        rules = output::count(doc.rules.len(), "rule"),
                        file = path.display()
                    ));
                }
            }
            Ok(0)
        }
        Command::Import(args) => {
            let (text, origin) = if args.file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
                (s, "<stdin>".to_string())
            } else {
                let text = std::fs::read_to_string(&args.file).map_err(|e| {
                    anyhow::anyhow!("{}", t!("cli.import.unreadable", file = args.file.display(), error = e))
                })?;
                (text, args.file.display().to_string())
            };
            let doc = crate::engine::portable::parse_document(&text, &origin)?;
            let b = backend::connect(cli)?;
            let report = b.import(&doc, args.replace, args.dry_run).map_err(|e| {
                if e.code == "body_too_large" {
                    anyhow::anyhow!(
                        "{}",
                        t!("cli.import.too_large", origin = origin, error = e, file = args.file.display())
                    )
                } else {
                    e.into()
                }
            })?;
            printer.import_report(&report, &origin);
            Ok(0)
        }
    }
}

/// Write an exported document to `path`: a new temp file in the same directory (mode
/// 0600 when it holds keys, else 0644 less the umask), fsynced, then renamed over `path`.
/// A symbolic link is refused (the keys would land wherever it points); an existing
/// file is replaced, and the return value says so.
fn write_file(path: &std::path::Path, bytes: &[u8], private: bool) -> anyhow::Result<bool> {
    use std::io::Write;
    let shown = path.display();
    let existing = match std::fs::symlink_metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => anyhow::bail!("{}", t!("cli.export.cannot_write", file = shown, error = e)),
    };
    if let Some(m) = &existing {
        if m.file_type().is_symlink() {
            anyhow::bail!("{}", t!("cli.export.symlink", file = shown));
        }
        if !m.is_file() {
            anyhow::bail!("{}", t!("cli.export.not_a_file", file = shown));
        }
    }
    let name = path.file_name().ok_or_else(|| anyhow::anyhow!("{}", t!("cli.export.no_file_name", file = shown)))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp =
        dir.join(format!(".{}.{}-{}.tmp", name.to_string_lossy(), std::process::id(), crate::util::ids::random_hex(6)));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if private { 0o600 } else { 0o644 });
    }
    let _ = private;
    let written = (|| -> std::io::Result<()> {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself is durable once the directory is synced (best effort).
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!("{}", t!("cli.export.cannot_write", file = shown, error = e));
    }
    Ok(existing.is_some())
}
