//! Small helpers every layer shares, one copy each: the clock ([`time`]) and identifiers,
//! random hex and constant-time comparison ([`ids`]). No product rule lives here.

pub mod ids;
pub mod time;
