//! Cleaning JSON Schemas for Gemini `functionDeclarations.parameters`, which
//! accept only an OpenAPI-style subset. Local `$ref`s into `$defs`/`definitions`
//! are inlined (recursion cut off), `const` becomes a one-value `enum`, type
//! arrays with `null` become `nullable`, `oneOf` becomes `anyOf`, single-entry
//! `allOf` is merged, and every keyword outside the subset is removed.
//!
//! The cleaned schema is a [`Schema`] tree that borrows from the input every value it
//! keeps as it is (descriptions, enum lists, whole untouched subtrees): nothing of the
//! input is copied, and only the objects the cleaning edits are rebuilt, as vectors of
//! entries. Those entries follow the operations of a `serde_json::Map` with
//! `preserve_order` exactly — inserting a new key appends it, inserting an existing key
//! keeps its place, and removing a key moves the last entry into its place (`Map::remove`
//! is a `swap_remove`) — so the key order on the wire is what cleaning a `Value` gave.
//! Only objects and arrays of the input are ever rebuilt; the cleaning creates no JSON
//! objects of its own (`Schema::Json` holds input values and new scalars).

use super::field;
use crate::protocol::gemini::Schema;
use serde_json::{Map, Value};
use std::borrow::Cow;

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
    let cleaned = serde_json::to_value(cleaned(schema)).expect("a schema built from JSON is JSON");
    *schema = cleaned;
}

/// The cleaned form of `schema`, borrowing from it.
pub(crate) fn cleaned(schema: &Value) -> Schema<'_> {
    let defs = Defs::of(schema);
    let mut s = Schema::Json(Cow::Borrowed(schema));
    clean(&mut s, &defs, 0);
    s
}

/// The root's `$defs` and `definitions`, the targets of local `$ref`s.
struct Defs<'a> {
    defs: Option<&'a Map<String, Value>>,
    definitions: Option<&'a Map<String, Value>>,
}

impl<'a> Defs<'a> {
    fn of(root: &'a Value) -> Defs<'a> {
        Defs {
            defs: root.get("$defs").and_then(Value::as_object),
            definitions: root.get("definitions").and_then(Value::as_object),
        }
    }

    /// The target of `#/$defs/<name>` or `#/definitions/<name>`.
    fn get(&self, r: &str) -> Option<&'a Value> {
        let r = r.strip_prefix("#/")?;
        if let Some(name) = r.strip_prefix("$defs/") {
            self.defs?.get(name)
        } else {
            self.definitions?.get(r.strip_prefix("definitions/")?)
        }
    }
}

type Entries<'a> = Vec<(&'a str, Schema<'a>)>;

fn json(v: Value) -> Schema<'static> {
    Schema::Json(Cow::Owned(v))
}

impl<'a> Schema<'a> {
    fn as_json(&self) -> Option<&Value> {
        match self {
            Schema::Json(v) => Some(v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        self.as_json().and_then(Value::as_str)
    }

    fn is_object(&self) -> bool {
        matches!(self, Schema::Object(_)) || self.as_json().is_some_and(Value::is_object)
    }

    fn is_array(&self) -> bool {
        matches!(self, Schema::Array(_)) || self.as_json().is_some_and(Value::is_array)
    }

    /// The number of entries of an object.
    fn object_len(&self) -> Option<usize> {
        match self {
            Schema::Object(o) => Some(o.len()),
            _ => self.as_json().and_then(Value::as_object).map(Map::len),
        }
    }

    /// The value of `key`, when this is an object that has it, if it is a string.
    fn get_str(&self, key: &str) -> Option<&str> {
        match self {
            Schema::Object(o) => get(o, key).and_then(Schema::as_str),
            _ => self.as_json()?.get(key)?.as_str(),
        }
    }

    fn has_key(&self, key: &str) -> bool {
        match self {
            Schema::Object(o) => get(o, key).is_some(),
            _ => self.as_json().and_then(Value::as_object).is_some_and(|m| m.contains_key(key)),
        }
    }

    /// Whether `f` holds for every element, when this is an array.
    fn all_elements(&self, mut f: impl FnMut(&Schema<'_>) -> bool) -> Option<bool> {
        match self {
            Schema::Array(a) => Some(a.iter().all(f)),
            _ => Some(self.as_json()?.as_array()?.iter().all(|v| f(&Schema::Json(Cow::Borrowed(v))))),
        }
    }

    /// The elements of an array (input elements are borrowed, not copied).
    fn into_elements(self) -> Option<Vec<Schema<'a>>> {
        match self {
            Schema::Array(a) => Some(a),
            Schema::Json(Cow::Borrowed(Value::Array(a))) => {
                Some(a.iter().map(|v| Schema::Json(Cow::Borrowed(v))).collect())
            }
            Schema::Json(Cow::Owned(Value::Array(a))) => Some(a.into_iter().map(json).collect()),
            _ => None,
        }
    }

    /// The entries of an object (input values are borrowed, not copied).
    fn into_entries(self) -> Option<Entries<'a>> {
        match self {
            Schema::Object(o) => Some(o),
            Schema::Json(Cow::Borrowed(Value::Object(m))) => Some(borrow_entries(m)),
            _ => None,
        }
    }

    /// An object's entries, to edit: an input object is rebuilt as entries first.
    fn entries_mut(&mut self) -> Option<&mut Entries<'a>> {
        if let Schema::Json(Cow::Borrowed(v)) = self {
            let v: &'a Value = v;
            if let Value::Object(m) = v {
                *self = Schema::Object(borrow_entries(m));
            }
        }
        match self {
            Schema::Object(o) => Some(o),
            _ => None,
        }
    }

    /// An array's elements, to edit: an input array is rebuilt as elements first.
    fn elements_mut(&mut self) -> Option<&mut Vec<Schema<'a>>> {
        if self.as_json().is_some_and(Value::is_array) {
            let taken = std::mem::replace(self, Schema::Array(Vec::new()));
            *self = Schema::Array(taken.into_elements().expect("an array"));
        }
        match self {
            Schema::Array(a) => Some(a),
            _ => None,
        }
    }
}

fn borrow_entries(m: &Map<String, Value>) -> Entries<'_> {
    m.iter().map(|(k, v)| (k.as_str(), Schema::Json(Cow::Borrowed(v)))).collect()
}

// `serde_json::Map` (with `preserve_order`) operations on entries.

fn position(o: &Entries, key: &str) -> Option<usize> {
    o.iter().position(|(k, _)| *k == key)
}

fn get<'s, 'a>(o: &'s Entries<'a>, key: &str) -> Option<&'s Schema<'a>> {
    position(o, key).map(|i| &o[i].1)
}

fn get_mut<'s, 'a>(o: &'s mut Entries<'a>, key: &str) -> Option<&'s mut Schema<'a>> {
    position(o, key).map(|i| &mut o[i].1)
}

/// `Map::remove`: the last entry takes the removed one's place.
fn remove<'a>(o: &mut Entries<'a>, key: &str) -> Option<Schema<'a>> {
    position(o, key).map(|i| o.swap_remove(i).1)
}

/// `Map::insert`: an existing key keeps its place.
fn insert<'a>(o: &mut Entries<'a>, key: &'a str, value: Schema<'a>) {
    match position(o, key) {
        Some(i) => o[i].1 = value,
        None => o.push((key, value)),
    }
}

/// `Map::entry(key).or_insert(value)`.
fn insert_absent<'a>(o: &mut Entries<'a>, key: &'a str, value: Schema<'a>) {
    if position(o, key).is_none() {
        o.push((key, value));
    }
}

/// Whether cleaning `v` would leave it as it is: then it is kept borrowed, not rebuilt.
/// Most of a real schema is (descriptions, plain typed properties).
fn is_clean(v: &Value) -> bool {
    let Value::Object(o) = v else { return !v.is_boolean() };
    let (mut ty, mut any, mut required, mut properties, mut string_enum) = (None, None, None, None, false);
    for (k, x) in o {
        let clean = match k.as_str() {
            "type" => {
                ty = Some(x);
                !x.is_array()
            }
            "format" => x.as_str().is_none_or(|f| f == "enum" || f == "date-time"),
            "enum" => x.as_array().is_none_or(|e| {
                string_enum = true;
                e.iter().all(Value::is_string)
            }),
            "properties" => x.as_object().is_none_or(|p| {
                properties = Some(p);
                !p.is_empty() && p.values().all(is_clean)
            }),
            "items" => !x.is_array() && is_clean(x),
            "anyOf" => {
                any = Some(x);
                x.as_array().is_none_or(|a| a.iter().all(is_clean))
            }
            "required" => {
                required = Some(x);
                true
            }
            k => ALLOWED.contains(&k),
        };
        if !clean {
            return false;
        }
    }
    // Cleaning would add the type of a string enum, drop an anyOf its type settles, and
    // drop required names that are not properties.
    if string_enum && ty.is_none() {
        return false;
    }
    if let (Some(Value::String(t)), Some(Value::Array(any))) = (ty, any) {
        let bare = |v: &Value| v.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("type"));
        if any.iter().all(bare) && any.iter().any(|a| a.get("type").and_then(Value::as_str) == Some(t)) {
            return false;
        }
    }
    match required {
        Some(Value::Array(names)) => {
            !names.is_empty()
                && names.iter().all(|n| n.as_str().is_some_and(|n| properties.is_some_and(|p| field(p, n).is_some())))
        }
        _ => true,
    }
}

fn clean<'a>(schema: &mut Schema<'a>, defs: &Defs<'a>, depth: usize) {
    if let Schema::Json(Cow::Borrowed(v)) = schema {
        if is_clean(v) {
            return;
        }
    }
    if schema.as_json().is_some_and(Value::is_boolean) {
        // `true` = anything; Gemini needs an object schema
        *schema = Schema::Object(Vec::new());
        return;
    }
    let Some(obj) = schema.entries_mut() else { return };

    // Inline $ref.
    if let Some(r) = get(obj, "$ref").and_then(Schema::as_str) {
        let target = defs.get(r).and_then(Value::as_object).filter(|_| depth < MAX_REF_DEPTH);
        if target.is_none() {
            log::debug!("gemini schema: dropping unresolvable or recursive $ref {r}");
        }
        remove(obj, "$ref");
        match target {
            Some(target) => {
                for (k, v) in target {
                    insert_absent(obj, k, Schema::Json(Cow::Borrowed(v)));
                }
                clean(schema, defs, depth + 1);
                return;
            }
            None => insert_absent(obj, "type", json(Value::String("object".into()))),
        }
    }

    // Merge allOf of objects into this schema.
    if let Some(all) = remove(obj, "allOf").and_then(Schema::into_elements) {
        for mut sub in all {
            clean(&mut sub, defs, depth + 1);
            let Some(sub) = sub.into_entries() else { continue };
            for (k, v) in sub {
                let Some(i) = position(obj, k) else {
                    obj.push((k, v));
                    continue;
                };
                let here = &mut obj[i].1;
                match k {
                    "properties" if here.is_object() => {
                        if let (Some(p), Some(v)) = (here.entries_mut(), v.into_entries()) {
                            for (k, v) in v {
                                insert(p, k, v);
                            }
                        }
                    }
                    "required" if here.is_array() => {
                        if let (Some(r), Some(v)) = (here.elements_mut(), v.into_elements()) {
                            r.extend(v);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    if let Some(c) = remove(obj, "const") {
        insert(obj, "enum", Schema::Array(vec![c]));
    }
    if let Some(one) = remove(obj, "oneOf") {
        insert_absent(obj, "anyOf", one);
    }

    // type: ["string", "null"] → type: "string", nullable: true
    if let Some(types) = get(obj, "type").filter(|t| t.is_array()).cloned().and_then(Schema::into_elements) {
        let n = types.len();
        let mut non_null: Vec<Schema> = types.into_iter().filter(|t| t.as_str() != Some("null")).collect();
        if non_null.len() < n {
            insert(obj, "nullable", json(Value::Bool(true)));
        }
        match non_null.len() {
            1 => insert(obj, "type", non_null.pop().expect("one type")),
            0 => {
                remove(obj, "type");
            }
            _ => {
                let any = non_null.into_iter().map(|t| Schema::Object(vec![("type", t)])).collect();
                remove(obj, "type");
                insert(obj, "anyOf", Schema::Array(any));
            }
        }
    }

    // A type beside an anyOf of bare types — what `allOf: [{type: [number, string]},
    // {type: number, …}]` merges into — is their intersection: that type.
    if let (Some(t), Some(any)) = (get(obj, "type").and_then(Schema::as_str), get(obj, "anyOf")) {
        let bare = |v: &Schema| v.object_len() == Some(1) && v.has_key("type");
        if any.all_elements(bare) == Some(true) && any.all_elements(|a| a.get_str("type") != Some(t)) == Some(false) {
            remove(obj, "anyOf");
        }
    }

    // format: only enum and date-time survive.
    if get(obj, "format").and_then(Schema::as_str).is_some_and(|f| f != "enum" && f != "date-time") {
        remove(obj, "format");
    }

    // enum must be strings; drop it otherwise (also drops enum of a non-string const).
    match get(obj, "enum").and_then(|e| e.all_elements(|v| v.as_str().is_some())) {
        Some(false) => {
            remove(obj, "enum");
        }
        Some(true) => insert_absent(obj, "type", json(Value::String("string".into()))),
        None => {}
    }

    obj.retain(|(k, _)| ALLOWED.contains(k));

    if let Some(props) = get_mut(obj, "properties").and_then(Schema::entries_mut) {
        for (_, v) in props.iter_mut() {
            clean(v, defs, depth);
        }
    }
    if get(obj, "properties").is_some_and(|p| p.object_len() == Some(0)) {
        remove(obj, "properties");
    }
    // required may only name existing properties
    if let Some(i) = position(obj, "required") {
        let props = get(obj, "properties");
        let named = |r: &Schema| r.as_str().is_some_and(|r| props.is_some_and(|p| p.has_key(r)));
        let all_named = obj[i].1.all_elements(named);
        if all_named == Some(false) || obj[i].1.all_elements(|_| false) == Some(true) {
            // Some name is not a property, or there are none: rebuild the list.
            let keep: Vec<bool> = obj[i].1.clone().into_elements().expect("an array").iter().map(named).collect();
            let req = obj[i].1.elements_mut().expect("an array");
            let mut keep = keep.into_iter();
            req.retain(|_| keep.next().expect("one flag per name"));
            if req.is_empty() {
                remove(obj, "required");
            }
        }
    }
    if let Some(items) = get_mut(obj, "items") {
        if items.is_array() {
            // tuple validation: keep the first schema
            let tuple = std::mem::replace(items, Schema::Array(Vec::new())).into_elements().expect("an array");
            let mut first = tuple.into_iter().next().unwrap_or(Schema::Object(Vec::new()));
            clean(&mut first, defs, depth);
            *items = first;
        } else {
            clean(items, defs, depth);
        }
    }
    if let Some(any) = get_mut(obj, "anyOf").and_then(Schema::elements_mut) {
        for v in any.iter_mut() {
            clean(v, defs, depth);
        }
    }
}

/// True when a cleaned parameters schema declares nothing (Gemini wants it omitted then).
pub(crate) fn is_empty_object_schema(schema: &Schema) -> bool {
    if schema.as_json().is_some_and(Value::is_null) {
        return true;
    }
    schema.is_object()
        && !schema.has_key("properties")
        && !schema.has_key("anyOf")
        && schema.get_str("type").unwrap_or("object") == "object"
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
        assert!(is_empty_object_schema(&cleaned(&s)));
        clean_schema_for_gemini(&mut s);
        assert!(is_empty_object_schema(&Schema::Json(Cow::Owned(s))));
        assert!(!is_empty_object_schema(&cleaned(&json!({"type": "object", "properties": {"a": {}}}))));
    }
}
