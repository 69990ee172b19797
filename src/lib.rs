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
//! - [`store`] owns sled: trees, schema version, migrations, encryption of secrets at rest.
//!   Nobody else names sled.
//! - [`engine`] owns the product's rules: channels and their validation, the balancer
//!   strategy, configuration files, export/import documents. It never imports clap or warp.
//! - [`protocol`] holds the Anthropic, OpenAI and Gemini wire types and the pure
//!   conversions between them (no I/O); the engine's proxy calls it.
//! - [`daemon`] serves the admin API and (later) the proxy on warp; it decides nothing.
//! - [`cli`] parses arguments, picks a backend (the local engine or a running daemon) and
//!   renders results. Only `cli::output` writes to stdout.

pub mod cli;
pub mod daemon;
pub mod engine;
pub mod paths;
pub mod protocol;
pub mod secret;
pub mod store;
pub mod util;
