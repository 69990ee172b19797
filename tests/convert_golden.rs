//! Request conversion pinned to golden outputs: `tests/convert/golden.json` holds request
//! bodies (every conversion pair, valid and malformed) with the exact JSON or error message
//! the converter produced when the file was written; the ~100 KB benchmark request is
//! pinned by length and FNV-1a hash of the bytes sent upstream. Outputs are compared as
//! bytes, so key order and number formatting count too.

use routex::protocol::{convert_request, convert_request_bytes, Protocol};
use serde_json::Value;

#[path = "../benches/support/request.rs"]
mod request;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The upstream body for a conversion, or its error message; the `Value` path (used when
/// a channel has transformers) and the straight-to-bytes path must agree byte for byte.
fn convert(from: Protocol, to: Protocol, body: &Value, model: &str) -> Result<Vec<u8>, String> {
    let via_value =
        convert_request(from, to, body, model).map(|v| serde_json::to_vec(&v).unwrap()).map_err(|e| e.to_string());
    let bytes = convert_request_bytes(from, to, body, model).map_err(|e| e.to_string());
    assert!(via_value == bytes, "{from} → {to}: the two paths differ for {body}");
    bytes
}

#[test]
fn request_conversion_matches_golden_outputs() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("convert/golden.json")).unwrap();
    assert!(cases.len() > 300);
    let mut failures = Vec::new();
    for c in &cases {
        let from: Protocol = c["from"].as_str().unwrap().parse().unwrap();
        let to: Protocol = c["to"].as_str().unwrap().parse().unwrap();
        let expected = match (c["expect"].get("ok"), c["expect"].get("err")) {
            (Some(v), _) => Ok(serde_json::to_vec(v).unwrap()),
            (_, Some(e)) => Err(e.as_str().unwrap().to_string()),
            _ => panic!("case {} has no expectation", c["name"]),
        };
        let got = convert(from, to, &c["body"], c["model"].as_str().unwrap());
        if got != expected {
            let show = |r: &Result<Vec<u8>, String>| match r {
                Ok(b) => String::from_utf8_lossy(b).into_owned(),
                Err(e) => format!("error: {e}"),
            };
            failures.push(format!("{}:\n  expected {}\n  got      {}", c["name"], show(&expected), show(&got)));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn benchmark_request_converts_to_pinned_bytes() {
    let req = request::claude_code_request();
    for (to, model, len, hash) in [
        (Protocol::Openai, "gpt-4o", 96120, 0xd9557b918a87eaaa_u64),
        (Protocol::Gemini, "gemini-2.5-pro", 91995, 0x31a3ff9da7f018bd_u64),
    ] {
        let b = convert(Protocol::Anthropic, to, &req, model).unwrap();
        assert_eq!((b.len(), fnv1a(&b)), (len, hash), "anthropic → {to}");
    }
}
