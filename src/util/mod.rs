//! Small helpers every layer shares, one copy each: the clock ([`time`]) and identifiers,
//! random hex and constant-time comparison ([`ids`]), operating-system readings
//! ([`process`]), the outbound HTTPS connector ([`https`]), "did you mean"
//! ([`suggest`]). No product rule lives here.

pub mod https;
pub mod ids;
pub mod process;
pub mod suggest;
pub mod time;
