//! `anthropic`, `openai`, `gemini`: force the wire format a channel is spoken to in.
//!
//! They change no body: the proxy reads [`super::PipelineConfig::forced_protocol`] and
//! converts to that protocol instead of the channel type's own. They take no options and
//! are left out of the running pipeline; the type exists so a dry run can name them.

use super::{Protocol, Transformer};

/// The running part of a format transformer: a no-op carrying the protocol.
#[derive(Debug, Clone, Copy)]
pub struct Format(pub Protocol);

impl Transformer for Format {
    fn name(&self) -> &'static str {
        self.0.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, test};
    use super::*;
    use serde_json::json;

    #[test]
    fn forces_the_protocol_without_touching_bodies() {
        for p in [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini] {
            let cfg = parse(&json!({"use": [p.as_str()]})).unwrap();
            assert_eq!(cfg.forced_protocol(), Some(p));
            assert!(cfg.build("m").is_empty());
            let body = json!({"model": "m", "max_tokens": 99999, "messages": [{"role": "user", "content": "hi"}]});
            assert_eq!(test(&json!(p.as_str()), body.clone(), "request", Protocol::Openai).unwrap(), body);
            assert_eq!(Format(p).name(), p.as_str());
        }
    }
}
