//! The transformer dry run as a request: what `POST /api/transformers/test` takes and answers.
//!
//! It owns the request's shape ([`DryRun`]: `transformer`, `request`, `direction`,
//! `protocol`, `events`, `sse`), its defaults (direction `request`, protocol `openai`),
//! which fields go with which direction, the stream given as a list of `{event?, data}` or as
//! raw SSE text ([`stream_events`]), every message naming a wrong field (README.md,
//! "Transformers", quotes some of them), and the answer: the transformed body, or the
//! stream's events as JSON and as SSE text. Running the transformer itself is
//! [`super::test`] and [`super::test_stream`]'s job; this file must not know HTTP nor do I/O.
//! Called by the daemon (`daemon::admin::transformers`), which parses the body into
//! [`DryRun`], calls [`run`] and answers 200 or 400 `invalid_request` with the error's text.

use serde::Deserialize;
use serde_json::Value;

use super::{Protocol, TestEvent, TransformError};

/// The body of `POST /api/transformers/test`. Unknown fields are refused; the field order
/// here is the order serde lists them in that refusal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DryRun {
    /// A built-in's name, or `[name, {options}]`.
    pub transformer: Value,
    /// The body, for directions request / response.
    #[serde(default)]
    pub request: Option<Value>,
    /// `request` (the default), `response` or `stream`.
    #[serde(default)]
    pub direction: Option<String>,
    /// The channel protocol the body or events are in; `openai` by default.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// The stream, for direction stream: `[{event?, data}]` …
    #[serde(default)]
    pub events: Option<Value>,
    /// … or raw SSE text.
    #[serde(default)]
    pub sse: Option<String>,
}

/// Why a dry run was refused; the text is the whole message a user sees.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DryRunError {
    /// A field of the request is missing, misplaced or malformed; the message starts with
    /// its name (`events[2].data: missing`).
    #[error("{0}")]
    Request(String),
    /// The transformer or the direction was rejected.
    #[error(transparent)]
    Transformer(#[from] TransformError),
}

fn bad(message: impl Into<String>) -> DryRunError {
    DryRunError::Request(message.into())
}

/// Run a dry run: the transformed body for directions request and response;
/// `{"events": [{event?, data}], "sse": "…"}` for direction stream, where each `data` is
/// the event's JSON when it parses as JSON and its text otherwise.
pub fn run(req: DryRun) -> Result<Value, DryRunError> {
    let direction = req.direction.as_deref().unwrap_or("request");
    let protocol = req.protocol.unwrap_or(Protocol::Openai);
    if direction == "stream" {
        if req.request.is_some() {
            return Err(bad("request: not used by direction \"stream\"; send the stream as events (or sse)"));
        }
        let events = stream_events(req.events, req.sse)?;
        let out = super::test_stream(&req.transformer, events, protocol)?;
        return Ok(stream_answer(&out));
    }
    for (field, given) in [("events", req.events.is_some()), ("sse", req.sse.is_some())] {
        if given {
            return Err(bad(format!("{field}: only for direction \"stream\" (the direction is {direction:?})")));
        }
    }
    let Some(body) = req.request else {
        return Err(bad(format!("request: required for direction {direction:?}: the JSON body to transform")));
    };
    Ok(super::test(&req.transformer, body, direction, protocol)?)
}

/// The events of a stream dry run, from `events` (a list of `{event?, data}`; a `data`
/// that is not a string is taken as JSON text) or `sse` (raw SSE text), exactly one of
/// them; errors name the field.
pub fn stream_events(events: Option<Value>, sse: Option<String>) -> Result<Vec<TestEvent>, DryRunError> {
    match (events, sse) {
        (Some(_), Some(_)) => Err(bad("events, sse: give the stream one way, not both")),
        (None, None) => {
            Err(bad("events: required for direction \"stream\": a list of {event?, data} (or sse: the raw SSE text)"))
        }
        (None, Some(text)) => {
            let mut parser = crate::protocol::sse::SseParser::default();
            let mut out = Vec::new();
            parser.feed(text.as_bytes(), &mut out);
            parser.flush(&mut out);
            if out.is_empty() {
                return Err(bad("sse: no events in it; each event is `data: …` followed by a blank line"));
            }
            Ok(out
                .into_iter()
                .map(|e| TestEvent { event: e.event.map(std::borrow::Cow::into_owned), data: e.data })
                .collect())
        }
        (Some(v), None) => {
            let Value::Array(items) = v else {
                return Err(bad(format!("events: expected a list of {{event?, data}}, got {v}")));
            };
            if items.is_empty() {
                return Err(bad("events: empty; give at least one event"));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let Value::Object(mut m) = item else {
                    return Err(bad(format!("events[{i}]: expected {{event?, data}}, got {item}")));
                };
                let event = match m.remove("event") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(e)) => Some(e),
                    Some(other) => return Err(bad(format!("events[{i}].event: must be a string, got {other}"))),
                };
                let data = match m.remove("data") {
                    None | Some(Value::Null) => return Err(bad(format!("events[{i}].data: missing"))),
                    Some(Value::String(d)) => d,
                    Some(other) => other.to_string(),
                };
                if let Some(k) = m.keys().next() {
                    return Err(bad(format!("events[{i}].{k}: unknown field; an event is {{event?, data}}")));
                }
                out.push(TestEvent { event, data });
            }
            Ok(out)
        }
    }
}

/// The answer of a stream dry run: the events as JSON (`event` only when named) and the
/// same events as the SSE text a client would receive.
fn stream_answer(out: &[TestEvent]) -> Value {
    let mut sse = Vec::new();
    let events: Vec<Value> = out
        .iter()
        .map(|e| {
            crate::protocol::sse::write_event(&mut sse, e.event.as_deref(), &e.data);
            let data = serde_json::from_str(&e.data).unwrap_or_else(|_| Value::String(e.data.clone()));
            match &e.event {
                Some(name) => serde_json::json!({"event": name, "data": data}),
                None => serde_json::json!({"data": data}),
            }
        })
        .collect();
    serde_json::json!({"events": events, "sse": String::from_utf8_lossy(&sse)})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dry(v: Value) -> Result<Value, String> {
        run(serde_json::from_value(v).unwrap()).map_err(|e| e.to_string())
    }

    fn events_err(events: Value) -> String {
        stream_events(Some(events), None).unwrap_err().to_string()
    }

    #[test]
    fn events_are_read_from_a_list_or_from_sse_text() {
        let got = stream_events(
            Some(json!([{"data": {"a": 1}}, {"event": "x", "data": "[DONE]"}, {"event": null, "data": 5}])),
            None,
        )
        .unwrap();
        assert_eq!(
            got,
            [
                TestEvent { event: None, data: r#"{"a":1}"#.into() },
                TestEvent { event: Some("x".into()), data: "[DONE]".into() },
                TestEvent { event: None, data: "5".into() },
            ]
        );
        let got = stream_events(None, Some("event: x\ndata: a\ndata: b\n\ndata: [DONE]".into())).unwrap();
        assert_eq!(
            got,
            [
                TestEvent { event: Some("x".into()), data: "a\nb".into() },
                TestEvent { event: None, data: "[DONE]".into() }
            ]
        );
    }

    #[test]
    fn event_errors_name_the_field() {
        assert_eq!(
            stream_events(Some(json!([])), Some("data: x\n\n".into())).unwrap_err().to_string(),
            "events, sse: give the stream one way, not both"
        );
        assert_eq!(
            stream_events(None, None).unwrap_err().to_string(),
            "events: required for direction \"stream\": a list of {event?, data} (or sse: the raw SSE text)"
        );
        assert_eq!(
            stream_events(None, Some("\n\n".into())).unwrap_err().to_string(),
            "sse: no events in it; each event is `data: …` followed by a blank line"
        );
        assert_eq!(events_err(json!({"data": "x"})), r#"events: expected a list of {event?, data}, got {"data":"x"}"#);
        assert_eq!(events_err(json!([])), "events: empty; give at least one event");
        assert_eq!(events_err(json!([{"data": "x"}, 3])), "events[1]: expected {event?, data}, got 3");
        assert_eq!(events_err(json!([{"data": "x"}, {"data": "y"}, {"event": "e"}])), "events[2].data: missing");
        assert_eq!(events_err(json!([{"data": null}])), "events[0].data: missing");
        assert_eq!(events_err(json!([{"data": "x", "event": 1}])), "events[0].event: must be a string, got 1");
        assert_eq!(
            events_err(json!([{"data": "x", "id": "1"}])),
            "events[0].id: unknown field; an event is {event?, data}"
        );
    }

    #[test]
    fn fields_go_with_their_direction() {
        let done = json!([{"data": "[DONE]"}]);
        assert_eq!(
            dry(json!({"transformer": "reasoning", "direction": "stream", "request": {}, "events": done})).unwrap_err(),
            "request: not used by direction \"stream\"; send the stream as events (or sse)"
        );
        assert_eq!(
            dry(json!({"transformer": "reasoning", "direction": "response", "events": done})).unwrap_err(),
            "events: only for direction \"stream\" (the direction is \"response\")"
        );
        assert_eq!(
            dry(json!({"transformer": "reasoning", "sse": "data: x\n\n"})).unwrap_err(),
            "sse: only for direction \"stream\" (the direction is \"request\")"
        );
        assert_eq!(
            dry(json!({"transformer": "reasoning"})).unwrap_err(),
            "request: required for direction \"request\": the JSON body to transform"
        );
        // The transformer's own errors come through unchanged.
        let e = dry(json!({"transformer": "reasonin", "direction": "stream", "events": done})).unwrap_err();
        assert!(e.starts_with("transformer: unknown transformer \"reasonin\""), "{e}");
        let e = dry(json!({"transformer": "reasoning", "direction": "sideways", "request": {}})).unwrap_err();
        assert!(e.starts_with("direction: \"sideways\""), "{e}");
    }

    #[test]
    fn answers_a_body_or_a_stream() {
        let v = dry(json!({"transformer": ["maxtoken", {"max_tokens": 10}], "request": {"max_tokens": 99}})).unwrap();
        assert_eq!(v, json!({"max_tokens": 10}));
        let v = dry(json!({"transformer": "anthropic", "direction": "stream", "protocol": "anthropic",
            "events": [{"event": "message_stop", "data": "{\"type\":\"message_stop\"}"}]}))
        .unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"events":[{"event":"message_stop","data":{"type":"message_stop"}}],"sse":"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"}"#
        );
        let v =
            dry(json!({"transformer": "cleancache", "direction": "stream", "events": [{"data": "[DONE]"}]})).unwrap();
        assert_eq!(v, json!({"events": [{"data": "[DONE]"}], "sse": "data: [DONE]\n\n"}));
    }

    #[test]
    fn unknown_fields_are_refused_in_declaration_order() {
        let e = serde_json::from_value::<DryRun>(json!({"transformer": "x", "event": []})).unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown field `event`, expected one of `transformer`, `request`, `direction`, `protocol`, `events`, `sse`"
        );
    }
}
