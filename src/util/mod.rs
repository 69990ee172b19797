//! Small helpers every layer shares, one copy each: the clock ([`time`]) and identifiers,
//! random hex and constant-time comparison ([`ids`]), operating-system readings
//! ([`process`]). No product rule lives here.

pub mod ids;
pub mod process;
pub mod time;
