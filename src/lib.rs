//! Routex: a local-first LLM API router.
//!
//! The crate is one library with a thin binary (`src/main.rs`). Everything a user can
//! observe is decided in [`engine`]; [`cli`] and [`daemon`] are adapters around it.
//!
//! Imports flow one way:
//!
//! ```text
//! main → cli → (engine | cli::remote, the admin-API client)
//! cli::serve → daemon → engine → store
//! ```
//!
//! - [`store`] owns sled and the request-log files: trees, schema version, migrations,
//!   encryption of secrets at rest. Nobody else names sled.
//! - [`engine`] owns the product's rules: channels, routing rules, the proxy's request
//!   path, the request log, configuration, export/import, the browser-door policy. It
//!   never imports clap or warp.
//! - [`protocol`] holds the Anthropic, OpenAI and Gemini wire types and the pure
//!   conversions between them (no I/O); the engine's proxy calls it.
//! - [`daemon`] is the HTTP adapter: hyper serves the proxied endpoints, warp the admin
//!   API; it decides nothing a user could observe.
//! - [`cli`] parses arguments, picks a backend (the local engine or a running daemon) and
//!   renders results. Only `cli::output` writes to stdout.
//! - [`util`] holds the small shared helpers (clock, ids, constant-time compare).
//!
//! `ARCHITECTURE.md` at the repository's top is the map for newcomers.

// The message catalog: locales/en.yml and locales/zh-CN.yml, embedded (docs/i18n.md).
rust_i18n::i18n!("locales", fallback = "en");

pub mod cli;
pub mod daemon;
pub mod engine;
pub mod i18n;
pub mod paths;
pub mod protocol;
pub mod secret;
pub mod store;
pub mod util;
