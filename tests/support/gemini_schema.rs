//! A validator for Gemini `FunctionDeclaration`s, for tests: what the Gemini API
//! (`generativelanguage` v1beta, `generateContent`) accepts in `functionDeclarations[i]`.
//!
//! The rules and where each comes from:
//!
//! * Schema fields (an OpenAPI 3.0 subset): exactly the fields of
//!   `google.ai.generativelanguage.v1beta.Schema` — `type format title description nullable
//!   enum maxItems minItems properties required minProperties maxProperties minLength
//!   maxLength pattern example anyOf propertyOrdering default items minimum maximum`. Any other
//!   key is answered with `Invalid JSON payload received. Unknown name "…": Cannot find field`
//!   (users hit it with `$schema`, `additionalProperties`, `const`, …), so `$ref`, `$defs`,
//!   `definitions`, `oneOf`, `allOf`, `not`, `exclusiveMinimum`, `examples`, … are rejected.
//! * `type`: one value of the `Type` enum, `STRING NUMBER INTEGER BOOLEAN ARRAY OBJECT`
//!   (the API reads the enum case-insensitively in practice; lower case is accepted here). A
//!   JSON-Schema type list (`["string","null"]`) or an empty string is `Invalid value at
//!   '…type'`. (`NULL` exists in the newest enum; a converter should say `nullable`, so it
//!   is rejected here.)
//! * `format`: with the Gemini Developer API it must be `enum` or `date-time`, "otherwise
//!   requests will fail" (Firebase AI Logic `SchemaShared.format`); `date-time` only on strings.
//! * `enum`: "possible values of the element of Type.STRING with enum format" — strings, on a
//!   STRING schema.
//! * `properties`: a map of schemas; an OBJECT whose `properties` is present but empty is
//!   `…properties: should be non-empty for OBJECT type`, and at the top level (the function's
//!   `parameters`) the object must have properties at all (the converter omits `parameters`
//!   instead). A nested bare `{"type": "OBJECT"}` is accepted.
//! * `required`: each name must be a key of `properties` (`…required[0]: property is not
//!   defined`).
//! * `items`: one schema (no tuple form); an ARRAY needs it (users report "missing field" for
//!   an ARRAY without `items`).
//! * `anyOf`: a non-empty list of schemas.
//! * The count fields (`minItems`, …) are int64s (a non-negative integer, or its decimal
//!   string as protobuf JSON allows); `minimum` / `maximum` numbers; `nullable` a boolean;
//!   `title`, `description`, `pattern` strings; `propertyOrdering` names existing properties.
//! * The function `name`: starts with a letter or an underscore, then letters, digits, `_`,
//!   `.`, `:` or `-`, at most 64 characters (`Invalid function name. Must start with …`).

use serde_json::Value;

/// The fields of the v1beta `Schema` message.
pub const SCHEMA_FIELDS: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "maxItems",
    "minItems",
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "example",
    "anyOf",
    "propertyOrdering",
    "default",
    "items",
    "minimum",
    "maximum",
];

/// The `Type` values a function schema may use.
pub const TYPES: &[&str] = &["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"];

/// Every problem with one `functionDeclarations[i]` entry, each as `path: what`. Empty when
/// Gemini would accept it.
pub fn check_declaration(decl: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    let Some(obj) = decl.as_object() else {
        return vec!["declaration: not an object".into()];
    };
    for k in obj.keys() {
        if !["name", "description", "parameters", "response", "behavior", "parametersJsonSchema"].contains(&k.as_str())
        {
            errs.push(format!("{k}: unknown FunctionDeclaration field"));
        }
    }
    match obj.get("name").and_then(Value::as_str) {
        Some(n) if valid_function_name(n) => {}
        Some(n) => errs.push(format!("name: invalid function name {n:?}")),
        None => errs.push("name: missing".into()),
    }
    if let Some(d) = obj.get("description") {
        if !d.is_string() {
            errs.push("description: not a string".into());
        }
    }
    if let Some(p) = obj.get("parameters") {
        errs.extend(check_parameters(p));
    }
    errs
}

/// Every problem with a function's `parameters` schema (the root must be an OBJECT with
/// properties), each as `path: what`.
pub fn check_parameters(schema: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(schema, "parameters", &mut errs);
    if let Some(obj) = schema.as_object() {
        if type_of(obj).as_deref() != Some("OBJECT") {
            errs.push("parameters.type: must be OBJECT".into());
        }
        if obj.get("properties").and_then(Value::as_object).is_none_or(|p| p.is_empty()) {
            errs.push("parameters.properties: should be non-empty for OBJECT type".into());
        }
    }
    errs
}

fn valid_function_name(n: &str) -> bool {
    let mut chars = n.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && n.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
}

/// The schema's `type`, upper-cased, when it is a string.
fn type_of(obj: &serde_json::Map<String, Value>) -> Option<String> {
    obj.get("type").and_then(Value::as_str).map(str::to_ascii_uppercase)
}

fn is_count(v: &Value) -> bool {
    v.as_u64().is_some() || v.as_str().is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

fn check(schema: &Value, path: &str, errs: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        errs.push(format!("{path}: a schema must be an object, got {schema}"));
        return;
    };
    for k in obj.keys() {
        if !SCHEMA_FIELDS.contains(&k.as_str()) {
            errs.push(format!("{path}: Unknown name {k:?}: Cannot find field"));
        }
    }
    let ty = match obj.get("type") {
        None => None,
        Some(Value::String(t)) if TYPES.contains(&t.to_ascii_uppercase().as_str()) => Some(t.to_ascii_uppercase()),
        Some(other) => {
            errs.push(format!("{path}.type: invalid value {other}"));
            None
        }
    };
    let ty = ty.as_deref();
    if let Some(f) = obj.get("format") {
        match (f.as_str(), ty) {
            (Some("enum"), _) => {}
            (Some("date-time"), Some("STRING") | None) => {}
            _ => errs.push(format!("{path}.format: {f} is not accepted (only \"enum\", or \"date-time\" on a STRING)")),
        }
    }
    if let Some(e) = obj.get("enum") {
        match e.as_array() {
            Some(vals) if !vals.is_empty() && vals.iter().all(Value::is_string) => {}
            _ => errs.push(format!("{path}.enum: must be a non-empty list of strings, got {e}")),
        }
        if ty != Some("STRING") {
            errs.push(format!("{path}.enum: only for type STRING, the type is {ty:?}"));
        }
    }
    let props = obj.get("properties");
    if let Some(p) = props {
        match p.as_object() {
            Some(m) if m.is_empty() => errs.push(format!("{path}.properties: should be non-empty for OBJECT type")),
            Some(m) => {
                for (name, sub) in m {
                    check(sub, &format!("{path}.properties[{name}]"), errs);
                }
            }
            None => errs.push(format!("{path}.properties: must be a map of schemas")),
        }
        if ty.is_some_and(|t| t != "OBJECT") {
            errs.push(format!("{path}.properties: only for type OBJECT, the type is {ty:?}"));
        }
    }
    let names: Vec<&str> =
        props.and_then(Value::as_object).map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    for key in ["required", "propertyOrdering"] {
        let Some(r) = obj.get(key) else { continue };
        let Some(list) = r.as_array() else {
            errs.push(format!("{path}.{key}: must be a list of property names"));
            continue;
        };
        for (i, n) in list.iter().enumerate() {
            match n.as_str() {
                Some(n) if names.contains(&n) => {}
                _ => errs.push(format!("{path}.{key}[{i}]: property is not defined ({n})")),
            }
        }
    }
    match obj.get("items") {
        Some(items @ Value::Object(_)) => check(items, &format!("{path}.items"), errs),
        Some(other) => errs.push(format!("{path}.items: must be one schema, got {other}")),
        None if ty == Some("ARRAY") => errs.push(format!("{path}.items: missing field (required for ARRAY)")),
        None => {}
    }
    if let Some(a) = obj.get("anyOf") {
        match a.as_array() {
            Some(list) if !list.is_empty() => {
                for (i, sub) in list.iter().enumerate() {
                    check(sub, &format!("{path}.anyOf[{i}]"), errs);
                }
            }
            _ => errs.push(format!("{path}.anyOf: must be a non-empty list of schemas")),
        }
    }
    for key in ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"] {
        if let Some(v) = obj.get(key).filter(|v| !is_count(v)) {
            errs.push(format!("{path}.{key}: must be a non-negative integer, got {v}"));
        }
    }
    for key in ["minimum", "maximum"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_number()) {
            errs.push(format!("{path}.{key}: must be a number, got {v}"));
        }
    }
    if let Some(v) = obj.get("nullable").filter(|v| !v.is_boolean()) {
        errs.push(format!("{path}.nullable: must be a boolean, got {v}"));
    }
    for key in ["title", "description", "pattern"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_string()) {
            errs.push(format!("{path}.{key}: must be a string, got {v}"));
        }
    }
}
