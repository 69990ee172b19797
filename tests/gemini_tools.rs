//! Claude Code's real tool definitions (tests/fixtures/claude_code_tools.json) must reach a
//! gemini channel as function declarations Gemini accepts — checked with the validator in
//! tests/support/gemini_schema.rs, which is itself shown to reject each forbidden construct.

use crate::support::gemini_schema::{check_declaration, check_parameters};
use crate::support::mock::MockUpstream;
use crate::support::stack::{channel, Stack};
use routex::protocol::{convert_request, Protocol};
use serde_json::{json, Value};

fn fixture() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/claude_code_tools.json"))
        .expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn claude_code_request(tools: &[Value]) -> Value {
    json!({
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 32000,
        "system": [{"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."}],
        "messages": [{"role": "user", "content": "list the files"}],
        "tools": tools,
    })
}

/// Every declaration in a Gemini request body, checked; panics with all problems at once.
fn assert_gemini_accepts(body: &Value, tools: &[Value]) -> Vec<Value> {
    let decls = body["tools"][0]["functionDeclarations"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = decls.iter().filter_map(|d| d["name"].as_str()).collect();
    let want: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, want, "one declaration per tool, in order");
    let problems: Vec<String> = decls
        .iter()
        .flat_map(|d| check_declaration(d).into_iter().map(move |e| format!("{}: {e}", d["name"])))
        .collect();
    assert!(problems.is_empty(), "Gemini would reject:\n{}", problems.join("\n"));
    decls
}

/// What the user relies on survives the cleaning: every property, every required name,
/// string enums, and the shape of nested items.
fn assert_meaning_kept(decls: &[Value], tools: &[Value]) {
    for (d, t) in decls.iter().zip(tools) {
        let (p, s) = (&d["parameters"], &t["input_schema"]);
        // A tool without parameters (`properties: {}`) gets a declaration without them.
        let keys = |v: &Value| {
            v["properties"].as_object().filter(|m| !m.is_empty()).map(|m| m.keys().cloned().collect::<Vec<_>>())
        };
        assert_eq!(keys(p), keys(s), "{}: properties", t["name"]);
        assert_eq!(p.get("required"), s.get("required"), "{}: required", t["name"]);
    }
    let by_name = |n: &str| &decls.iter().find(|d| d["name"] == n).unwrap()["parameters"];
    assert_eq!(by_name("Grep")["properties"]["output_mode"]["enum"], json!(["content", "files_with_matches", "count"]));
    assert_eq!(by_name("Grep")["properties"]["-B"]["type"], "number");
    let edits = &by_name("MultiEdit")["properties"]["edits"];
    assert_eq!(edits["minItems"], 1);
    assert_eq!(edits["items"]["required"], json!(["old_string", "new_string"]));
    assert_eq!(edits["items"]["properties"]["replace_all"]["type"], "boolean");
    let todos = &by_name("TodoWrite")["properties"]["todos"]["items"];
    assert_eq!(todos["properties"]["status"]["enum"], json!(["pending", "in_progress", "completed"]));
    assert_eq!(by_name("WebSearch")["properties"]["query"]["minLength"], 2);
    // The MCP fetch tool: allOf [number|string, number > 0 ≤ 1e6] is a number ≤ 1e6.
    let fetch = &by_name("mcp__mcp-router__imageFetch")["properties"];
    assert_eq!(fetch["maxLength"], json!({"type": "number", "maximum": 1000000}));
    assert_eq!(fetch["imageQuality"], json!({"type": "number", "minimum": 1, "maximum": 100}));
    assert_eq!(fetch["raw"], json!({"anyOf": [{"type": "boolean"}, {"type": "string"}]}));
    assert_eq!(fetch["images"]["anyOf"][1]["properties"]["size"]["properties"]["quality"]["maximum"], 100);
    assert_eq!(fetch["text"], json!({"type": "object"}), "an empty object stays a (bare) object");
    // Claude Code 2.1: a const in an anyOf, maps as propertyNames + additionalProperties.
    let status = &by_name("TaskUpdate")["properties"]["status"];
    assert_eq!(status["anyOf"][1], json!({"type": "string", "enum": ["deleted"]}));
    let answers = &by_name("AskUserQuestion")["properties"]["answers"];
    assert_eq!(
        answers,
        &json!({"description": "User answers collected by the permission component", "type": "object"})
    );
    assert_eq!(by_name("AskUserQuestion")["properties"]["questions"]["items"]["properties"]["options"]["maxItems"], 4);
    assert!(by_name("EnterPlanMode").is_null(), "no parameters: none declared");
}

#[test]
fn claude_code_tools_reach_gemini_from_anthropic() {
    let tools = fixture();
    assert_eq!(tools.len(), 30);
    let out = convert_request(Protocol::Anthropic, Protocol::Gemini, &claude_code_request(&tools), "gemini-2.5-pro")
        .expect("converts");
    let decls = assert_gemini_accepts(&out, &tools);
    assert_meaning_kept(&decls, &tools);
}

#[test]
fn claude_code_tools_reach_gemini_from_openai() {
    let tools = fixture();
    let functions: Vec<Value> = tools
        .iter()
        .map(|t| {
            json!({"type": "function", "function": {
                "name": t["name"], "description": t["description"], "parameters": t["input_schema"]}})
        })
        .collect();
    let body =
        json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "list the files"}], "tools": functions});
    let out = convert_request(Protocol::Openai, Protocol::Gemini, &body, "gemini-2.5-pro").expect("converts");
    let decls = assert_gemini_accepts(&out, &tools);
    assert_meaning_kept(&decls, &tools);
}

#[tokio::test]
async fn a_gemini_channel_receives_claude_code_tools_it_accepts() {
    let up = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("gem", "gemini", &up.url(), 0)]).await;
    let tools = fixture();
    let r = s.post("/v1/messages", &claude_code_request(&tools)).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let got = up.requests()[0].json();
    assert!(up.requests()[0].path.contains(":generateContent"), "{}", up.requests()[0].path);
    let decls = assert_gemini_accepts(&got, &tools);
    assert_meaning_kept(&decls, &tools);
}

#[test]
fn the_raw_claude_code_schemas_are_not_acceptable_as_they_are() {
    // Without the cleaning, Gemini would refuse every one of them ($schema, additionalProperties).
    for t in fixture() {
        let errs = check_parameters(&t["input_schema"]);
        assert!(errs.iter().any(|e| e.contains("\"$schema\"")), "{}: {errs:?}", t["name"]);
        assert!(errs.iter().any(|e| e.contains("\"additionalProperties\"")), "{}: {errs:?}", t["name"]);
    }
}

#[test]
fn the_validator_rejects_each_construct_gemini_rejects() {
    let ok = json!({"type": "OBJECT", "properties": {"a": {"type": "string"}}, "required": ["a"]});
    assert_eq!(check_parameters(&ok), Vec::<String>::new());
    assert_eq!(check_declaration(&json!({"name": "Read", "parameters": ok})), Vec::<String>::new());
    // One bad property at a time, each with the text its error must carry.
    let cases = [
        (json!({"type": "string", "$schema": "x"}), "\"$schema\""),
        (
            json!({"type": "object", "properties": {"b": {"type": "string"}}, "additionalProperties": false}),
            "\"additionalProperties\"",
        ),
        (json!({"type": "number", "exclusiveMinimum": 0}), "\"exclusiveMinimum\""),
        (json!({"type": "number", "exclusiveMaximum": 9}), "\"exclusiveMaximum\""),
        (json!({"const": "fast"}), "\"const\""),
        (json!({"$ref": "#/definitions/n"}), "\"$ref\""),
        (json!({"type": "object", "properties": {"b": {"type": "string"}}, "definitions": {}}), "\"definitions\""),
        (json!({"type": "object", "properties": {"b": {"type": "string"}}, "$defs": {}}), "\"$defs\""),
        (json!({"oneOf": [{"type": "string"}]}), "\"oneOf\""),
        (json!({"allOf": [{"type": "string"}]}), "\"allOf\""),
        (json!({"type": "string", "examples": ["x"]}), "\"examples\""),
        (json!({"type": ["string", "null"]}), "type: invalid"),
        (json!({"type": "null"}), "type: invalid"),
        (json!({"type": ""}), "type: invalid"),
        (json!({"type": "str"}), "type: invalid"),
        (json!({"type": "string", "format": "uri"}), "format"),
        (json!({"type": "integer", "format": "date-time"}), "format"),
        (json!({"type": "integer", "enum": ["1", "2"]}), "enum: only for type STRING"),
        (json!({"type": "string", "enum": [1, 2]}), "enum: must be"),
        (json!({"type": "object", "properties": {}}), "should be non-empty"),
        (
            json!({"type": "object", "properties": {"b": {"type": "string"}}, "required": ["c"]}),
            "required[0]: property is not defined",
        ),
        (json!({"type": "array"}), "items: missing"),
        (json!({"type": "array", "items": [{"type": "string"}]}), "items: must be one schema"),
        (json!({"anyOf": []}), "anyOf: must be"),
        (json!({"type": "array", "items": {"type": "string"}, "minItems": -1}), "minItems"),
        (json!({"type": "number", "minimum": "0"}), "minimum"),
        (json!({"type": "string", "nullable": "yes"}), "nullable"),
        (json!(true), "must be an object"),
    ];
    for (bad, needle) in cases {
        let schema = json!({"type": "object", "properties": {"p": bad}});
        let errs = check_parameters(&schema);
        assert!(errs.iter().any(|e| e.contains(needle)), "{bad} should be rejected with {needle:?}: {errs:?}");
        assert!(errs.iter().all(|e| e.starts_with("parameters.properties[p]")), "{bad}: blames the property: {errs:?}");
    }
    // Lower-case type names are what the converter sends and Gemini accepts.
    assert!(check_parameters(&json!({"type": "object", "properties": {"a": {"type": "integer"}}})).is_empty());
    // The root must be an object with properties (the converter omits parameters otherwise).
    assert!(!check_parameters(&json!({"type": "object"})).is_empty());
    assert!(!check_parameters(&json!({"type": "string"})).is_empty());
    // Function names.
    for bad in ["9lives", "has space", "emoji✓", &"x".repeat(65)] {
        let errs = check_declaration(&json!({"name": bad}));
        assert!(errs.iter().any(|e| e.starts_with("name: invalid")), "{bad}: {errs:?}");
    }
    assert!(check_declaration(&json!({"name": "mcp__mcp-router__resolve-library-id"})).is_empty());
}
