//! The load-balancer strategy setting (`priority`, `round_robin`, `weighted`, `least_used`, `latency`). The balancing itself lives with the
//! proxy; this is the user-facing choice, stored in the settings tree.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the balancer picks among candidate channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Highest priority tier; round robin inside the tier.
    #[default]
    Priority,
    /// Plain round robin.
    RoundRobin,
    /// Weighted random.
    Weighted,
    /// Fewest in-flight, then fewest total.
    LeastUsed,
    /// Power of two choices over peak-EWMA latency.
    Latency,
}

/// Every strategy, in the order shown to users.
pub const STRATEGIES: [Strategy; 5] =
    [Strategy::Priority, Strategy::RoundRobin, Strategy::Weighted, Strategy::LeastUsed, Strategy::Latency];

impl Strategy {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Priority => "priority",
            Strategy::RoundRobin => "round_robin",
            Strategy::Weighted => "weighted",
            Strategy::LeastUsed => "least_used",
            Strategy::Latency => "latency",
        }
    }

    /// One line on what it does.
    pub fn describe(self) -> std::borrow::Cow<'static, str> {
        match self {
            Strategy::Priority => t!("engine.strategy.priority"),
            Strategy::RoundRobin => t!("engine.strategy.round_robin"),
            Strategy::Weighted => t!("engine.strategy.weighted"),
            Strategy::LeastUsed => t!("engine.strategy.least_used"),
            Strategy::Latency => t!("engine.strategy.latency"),
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown strategy name: the nearest one, and the choices.
#[derive(Debug, thiserror::Error)]
#[error("{}", t!("engine.strategy.unknown", given = format!("{:?}", .0), hint = nearest(.0), choices = STRATEGIES.map(Strategy::as_str).join(", ")))]
pub struct UnknownStrategy(pub String);

/// `" (did you mean round_robin?)"` for a near miss, else nothing.
fn nearest(given: &str) -> String {
    crate::util::suggest::did_you_mean(&given.replace('-', "_"), STRATEGIES.iter().map(|s| s.as_str()))
}

impl FromStr for Strategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        // `roundrobin`, `leastused`: the name without its underscore is as good.
        STRATEGIES
            .iter()
            .copied()
            .find(|x| x.as_str() == norm || x.as_str().replace('_', "") == norm)
            .ok_or_else(|| UnknownStrategy(s.to_string()))
    }
}
