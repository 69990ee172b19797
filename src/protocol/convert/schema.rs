//! Cleaning JSON Schemas for Gemini `functionDeclarations.parameters`, which
//! accept only an OpenAPI-style subset. Local `$ref`s into `$defs`/`definitions`
//! are inlined (recursion cut off), `const` becomes a one-value `enum`, type
//! arrays with `null` become `nullable`, `oneOf` becomes `anyOf`, single-entry
//! `allOf` is merged, and every keyword outside the subset is removed.

use serde_json::{Map, Value};

/// Keywords Gemini's Schema understands; everything else is dropped.
const ALLOWED: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "items",
    "properties",
    "required",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minProperties",
    "maxProperties",
    "anyOf",
    "propertyOrdering",
];

const MAX_REF_DEPTH: usize = 8;

/// See [`crate::protocol::clean_schema_for_gemini`].
pub fn clean_schema_for_gemini(schema: &mut Value) {
    let defs = collect_defs(schema);
    clean(schema, &defs, 0);
}

fn collect_defs(schema: &Value) -> Map<String, Value> {
    let mut defs = Map::new();
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(m)) = schema.get(key) {
            for (k, v) in m {
                defs.insert(format!("#/{key}/{k}"), v.clone());
            }
        }
    }
    defs
}

fn clean(schema: &mut Value, defs: &Map<String, Value>, depth: usize) {
    let Value::Object(obj) = schema else {
        if schema.is_boolean() {
            // `true` = anything; Gemini needs an object schema
            *schema = Value::Object(Map::new());
        }
        return;
    };

    // Inline $ref.
    if let Some(Value::String(r)) = obj.get("$ref").cloned() {
        obj.remove("$ref");
        match defs.get(&r) {
            Some(Value::Object(target)) if depth < MAX_REF_DEPTH => {
                for (k, v) in target {
                    obj.entry(k.clone()).or_insert_with(|| v.clone());
                }
                clean(schema, defs, depth + 1);
                return;
            }
            _ => {
                log::debug!("gemini schema: dropping unresolvable or recursive $ref {r}");
                obj.entry("type").or_insert_with(|| Value::String("object".into()));
            }
        }
    }

    // Merge allOf of objects into this schema.
    if let Some(Value::Array(all)) = obj.remove("allOf") {
        for mut sub in all {
            clean(&mut sub, defs, depth + 1);
            if let Value::Object(sub) = sub {
                for (k, v) in sub {
                    match (k.as_str(), obj.get_mut(&k)) {
                        ("properties", Some(Value::Object(p))) => {
                            if let Value::Object(v) = v {
                                p.extend(v);
                            }
                        }
                        ("required", Some(Value::Array(r))) => {
                            if let Value::Array(v) = v {
                                r.extend(v);
                            }
                        }
                        (_, Some(_)) => {}
                        (_, None) => {
                            obj.insert(k, v);
                        }
                    }
                }
            }
        }
    }

    if let Some(c) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(one) = obj.remove("oneOf") {
        obj.entry("anyOf").or_insert(one);
    }

    // type: ["string", "null"] → type: "string", nullable: true
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let non_null: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
        if non_null.len() < types.len() {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        match non_null.as_slice() {
            [one] => {
                obj.insert("type".into(), (*one).clone());
            }
            [] => {
                obj.remove("type");
            }
            many => {
                let any = many.iter().map(|t| serde_json::json!({ "type": t })).collect();
                obj.remove("type");
                obj.insert("anyOf".into(), Value::Array(any));
            }
        }
    }

    // A type beside an anyOf of bare types — what `allOf: [{type: [number, string]},
    // {type: number, …}]` merges into — is their intersection: that type.
    if let (Some(Value::String(t)), Some(Value::Array(any))) = (obj.get("type"), obj.get("anyOf")) {
        let bare = |v: &Value| v.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("type"));
        if any.iter().all(bare) && any.iter().any(|a| a.get("type").and_then(Value::as_str) == Some(t)) {
            obj.remove("anyOf");
        }
    }

    // format: only enum and date-time survive.
    if let Some(f) = obj.get("format").and_then(Value::as_str) {
        if f != "enum" && f != "date-time" {
            obj.remove("format");
        }
    }

    // enum must be strings; drop it otherwise (also drops enum of a non-string const).
    if let Some(Value::Array(vals)) = obj.get("enum") {
        if !vals.iter().all(Value::is_string) {
            obj.remove("enum");
        } else if !obj.contains_key("type") {
            obj.insert("type".into(), Value::String("string".into()));
        }
    }

    obj.retain(|k, _| ALLOWED.contains(&k.as_str()));

    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for v in props.values_mut() {
            clean(v, defs, depth);
        }
    }
    if obj.get("properties").and_then(Value::as_object).is_some_and(Map::is_empty) {
        obj.remove("properties");
    }
    // required may only name existing properties
    let names: Option<Vec<String>> =
        obj.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect());
    if let Some(Value::Array(req)) = obj.get_mut("required") {
        req.retain(|r| r.as_str().is_some_and(|r| names.as_ref().is_some_and(|n| n.iter().any(|x| x == r))));
        if req.is_empty() {
            obj.remove("required");
        }
    }
    match obj.get_mut("items") {
        Some(Value::Array(tuple)) => {
            // tuple validation: keep the first schema
            let mut first = tuple.first().cloned().unwrap_or(Value::Object(Map::new()));
            clean(&mut first, defs, depth);
            obj.insert("items".into(), first);
        }
        Some(items) => clean(items, defs, depth),
        None => {}
    }
    if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
        for v in any.iter_mut() {
            clean(v, defs, depth);
        }
    }
}

/// True when a cleaned parameters schema declares nothing (Gemini wants it omitted then).
pub(crate) fn is_empty_object_schema(schema: &Value) -> bool {
    match schema {
        Value::Null => true,
        Value::Object(o) => {
            !o.contains_key("properties")
                && !o.contains_key("anyOf")
                && o.get("type").and_then(Value::as_str).unwrap_or("object") == "object"
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn walk(v: &Value, f: &mut impl FnMut(&str, &Value)) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    f(k, x);
                    walk(x, f);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, f)),
            _ => {}
        }
    }

    #[test]
    fn claude_code_like_schema_comes_out_clean() {
        let mut s = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "command": {"type": "string", "description": "The command"},
                "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 600000, "default": 120000},
                "url": {"type": "string", "format": "uri"},
                "when": {"type": "string", "format": "date-time"},
                "mode": {"const": "fast"},
                "tags": {"type": "array", "items": {"type": "string", "examples": ["a"]}, "minItems": 1},
                "opts": {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}},
                "maybe": {"type": ["string", "null"]},
                "edits": {"type": "array", "items": {"$ref": "#/$defs/edit"}}
            },
            "required": ["command", "ghost"],
            "$defs": {"edit": {"type": "object", "additionalProperties": false,
                "properties": {"old": {"type": "string"}, "new": {"type": "string"}}, "required": ["old", "new"]}}
        });
        clean_schema_for_gemini(&mut s);
        let mut bad = Vec::new();
        walk(&s, &mut |k, v| {
            if ["$schema", "additionalProperties", "exclusiveMinimum", "const", "default", "examples", "$ref", "$defs"]
                .contains(&k)
                || (k == "format" && v != "date-time" && v != "enum")
            {
                bad.push(k.to_string());
            }
        });
        assert!(bad.is_empty(), "left over: {bad:?} in {s:#}");
        let p = &s["properties"];
        assert_eq!(p["timeout"], json!({"type": "number", "maximum": 600000}));
        assert_eq!(p["url"], json!({"type": "string"}));
        assert_eq!(p["when"]["format"], "date-time");
        assert_eq!(p["mode"], json!({"enum": ["fast"], "type": "string"}));
        assert_eq!(p["opts"], json!({"type": "object"}));
        assert_eq!(p["maybe"], json!({"type": "string", "nullable": true}));
        assert_eq!(p["edits"]["items"]["required"], json!(["old", "new"]));
        assert_eq!(p["edits"]["items"]["properties"]["old"]["type"], "string");
        assert_eq!(s["required"], json!(["command"]));
    }

    #[test]
    fn all_of_a_type_list_and_a_bounded_number_is_a_number() {
        // An MCP server's schema (zod `z.union([z.number(), z.string()]).pipe(z.number().positive())`).
        let mut s = json!({"type": "object", "properties": {"maxLength": {
            "allOf": [{"type": ["number", "string"]}, {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000}],
            "default": 20000}}});
        clean_schema_for_gemini(&mut s);
        assert_eq!(s["properties"]["maxLength"], json!({"type": "number", "maximum": 1000000}));
        // A type list alone stays a choice; a type outside the choice is left as it is.
        let mut s = json!({"type": ["boolean", "string"], "default": false});
        clean_schema_for_gemini(&mut s);
        assert_eq!(s, json!({"anyOf": [{"type": "boolean"}, {"type": "string"}]}));
        let mut s = json!({"allOf": [{"type": ["number", "string"]}, {"type": "boolean"}]});
        clean_schema_for_gemini(&mut s);
        assert_eq!(s, json!({"anyOf": [{"type": "number"}, {"type": "string"}], "type": "boolean"}));
    }

    #[test]
    fn recursive_ref_terminates() {
        let mut s = json!({"type": "object", "properties": {"node": {"$ref": "#/definitions/n"}},
            "definitions": {"n": {"type": "object", "properties": {"child": {"$ref": "#/definitions/n"}}}}});
        clean_schema_for_gemini(&mut s);
        assert_eq!(s["properties"]["node"]["properties"]["child"]["type"], "object");
    }

    #[test]
    fn empty_object_detection() {
        let mut s = json!({"type": "object", "properties": {}, "additionalProperties": false});
        clean_schema_for_gemini(&mut s);
        assert!(is_empty_object_schema(&s));
        assert!(!is_empty_object_schema(&json!({"type": "object", "properties": {"a": {}}})));
    }
}
