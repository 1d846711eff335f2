//! The machine API as its own OpenAPI document describes it: each operation's parameters and
//! body, inputs generated from their schemas (mostly well formed, with hostile values and broken
//! shapes mixed in), and each answer checked against the statuses and schemas documented for it.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use super::values::{hostile, value, Kind};

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub schema: Value,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub method: String,
    pub template: String,
    pub params: Vec<Param>,
    /// The request body's media type and schema.
    pub body: Option<(String, Value)>,
    /// Documented responses by status ("200", "default").
    pub responses: Map<String, Value>,
}

/// Every operation of the document (`openapi.json` itself is no operation of it).
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let params = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| Param {
                            name: p["name"].as_str().unwrap_or_default().to_string(),
                            location: p["in"].as_str().unwrap_or_default().to_string(),
                            required: p["required"].as_bool().unwrap_or(false),
                            schema: p["schema"].clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(media, c)| (media.clone(), c["schema"].clone()));
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            out.push(Operation { method: method.to_uppercase(), template: path.clone(), params, body, responses });
        }
    }
    out
}

/// What the generators draw on: the document (for `$ref`), the world's ids, the codes of its enums.
#[derive(Clone)]
pub struct Sources {
    pub doc: Arc<Value>,
    pub ids: Arc<Vec<String>>,
    pub codes: Arc<Vec<String>>,
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).map(|s| resolve(doc, s)).unwrap_or(schema),
        None => schema,
    }
}

/// Every `enum` value the document names, for the form fields of enum types.
pub fn codes(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(values)) = m.get("enum") {
                    out.extend(values.iter().filter_map(|v| v.as_str().map(str::to_string)));
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Any JSON at all: what a broken client sends where a value of some shape belongs.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        hostile().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn string_of(schema: &Value, name: &str, src: &Sources) -> BoxedStrategy<String> {
    let kind = match schema["format"].as_str() {
        Some("uuid") => Kind::Id,
        Some("date") => Kind::Date,
        Some("date-time") => {
            return prop_oneof![
                (2020i32..2030, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60)
                    .prop_map(|(y, mo, d, h, mi)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z")),
                hostile(),
            ]
            .boxed();
        }
        _ => Kind::of("String", name),
    };
    value(kind, &src.ids, &src.codes)
}

/// A JSON value for `schema`: well formed most of the time, anything at all now and then.
pub fn json_for(schema: &Value, name: &str, src: &Sources, depth: u32) -> BoxedStrategy<Value> {
    let shaped = shaped(schema, name, src, depth);
    if depth == 0 {
        // The whole body is broken less often than any one of its fields.
        return prop_oneof![19 => shaped, 1 => any_json()].boxed();
    }
    prop_oneof![9 => shaped, 1 => any_json()].boxed()
}

fn shaped(schema: &Value, name: &str, src: &Sources, depth: u32) -> BoxedStrategy<Value> {
    let doc = src.doc.clone();
    let schema = resolve(&doc, schema).clone();
    if depth > 5 {
        return Just(Value::Null).boxed();
    }
    if let Some(values) = schema["enum"].as_array().filter(|v| !v.is_empty()) {
        return prop_oneof![9 => select(values.clone()), 1 => hostile().prop_map(Value::String)].boxed();
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[combinator].as_array().filter(|a| !a.is_empty()) {
            let alts: Vec<_> = alts.iter().map(|a| shaped(a, name, src, depth + 1)).collect();
            return proptest::strategy::Union::new(alts).boxed();
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        // utoipa writes `allOf` for a reference with a description: its first member is the shape.
        if let Some(first) = all.first() {
            return shaped(first, name, src, depth);
        }
    }
    let types: Vec<String> = match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        _ if schema["properties"].is_object() => vec!["object".into()],
        _ => vec![],
    };
    let Some(ty) = types.iter().find(|t| *t != "null").cloned() else {
        return any_json();
    };
    let nullable = types.iter().any(|t| t == "null");
    let strategy = match ty.as_str() {
        "object" => {
            let required: Vec<String> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let props: Vec<(String, BoxedStrategy<Value>, bool)> = schema["properties"]
                .as_object()
                .map(|p| {
                    p.iter().map(|(k, s)| (k.clone(), json_for(s, k, src, depth + 1), required.contains(k))).collect()
                })
                .unwrap_or_default();
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
                .into_iter()
                .map(|(k, s, req)| {
                    let keep = if req { 0.95 } else { 0.6 };
                    proptest::option::weighted(keep, s).prop_map(move |v| v.map(|v| (k.clone(), v))).boxed()
                })
                .collect();
            let extra = proptest::option::weighted(0.05, ("[a-z_]{1,10}", any_json()));
            (fields, extra)
                .prop_map(|(fields, extra)| {
                    let mut m: Map<String, Value> = fields.into_iter().flatten().collect();
                    if let Some((k, v)) = extra {
                        m.entry(k).or_insert(v);
                    }
                    Value::Object(m)
                })
                .boxed()
        }
        "array" => {
            let items = json_for(&schema["items"], name, src, depth + 1);
            proptest::collection::vec(items, 0..4).prop_map(Value::Array).boxed()
        }
        "string" => string_of(&schema, name, src).prop_map(Value::String).boxed(),
        "integer" => prop_oneof![
            4 => (-2i64..500).prop_map(|n| json!(n)),
            1 => any::<i64>().prop_map(|n| json!(n)),
            1 => any::<u64>().prop_map(|n| json!(n)),
            1 => any::<f64>().prop_map(|n| json!(n)),
        ]
        .boxed(),
        "number" => prop_oneof![
            3 => (-10.0f64..200.0).prop_map(|n| json!(n)),
            1 => any::<f64>().prop_map(|n| json!(n)),
            1 => any::<i64>().prop_map(|n| json!(n)),
        ]
        .boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        _ => any_json(),
    };
    if nullable {
        prop_oneof![5 => strategy, 1 => Just(Value::Null)].boxed()
    } else {
        strategy
    }
}

/// A parameter's value as text (`None`: left out).
pub fn param_value(p: &Param, src: &Sources) -> BoxedStrategy<Option<String>> {
    let doc = src.doc.clone();
    let schema = resolve(&doc, &p.schema).clone();
    let text = json_for(&schema, &p.name, src, 1).prop_map(|v| match v {
        Value::String(s) => s,
        other => other.to_string(),
    });
    let keep = if p.required { 0.97 } else { 0.5 };
    proptest::option::weighted(keep, text).boxed()
}

/// One documented answer's body schema for a media type, compiled once.
pub struct Checker {
    doc: Arc<Value>,
    compiled: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Checker {
    pub fn new(doc: Arc<Value>) -> Checker {
        Checker { doc, compiled: Mutex::new(HashMap::new()) }
    }

    /// Whether an answer is one the document promises: a documented status, a documented media
    /// type, a body that validates against its schema. `Err` says what broke.
    pub fn check(&self, op: &Operation, status: u16, content_type: &str, body: &[u8]) -> Result<(), String> {
        let key = status.to_string();
        let Some(response) = op.responses.get(&key).or_else(|| op.responses.get("default")) else {
            return Err(format!("status {status} is not documented (documented: {:?})", op.responses.keys()));
        };
        let response = resolve(&self.doc, response);
        let Some(content) = response["content"].as_object().filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let Some(documented) = content.get(&media) else {
            return Err(format!("content type {media:?} is not documented for {status} ({:?})", content.keys()));
        };
        if !(media.ends_with("json")) || documented["schema"].is_null() {
            return Ok(());
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e}): {}", lossy(body)))?;
        let cache_key = format!("{} {} {status} {media}", op.method, op.template);
        let validator = {
            let mut compiled = self.compiled.lock().expect("validators");
            match compiled.get(&cache_key) {
                Some(v) => v.clone(),
                None => {
                    let schema = json!({
                        "$schema": "https://json-schema.org/draft/2020-12/schema",
                        "components": self.doc["components"].clone(),
                        "allOf": [documented["schema"].clone()],
                    });
                    let v = Arc::new(
                        jsonschema::options()
                            .should_validate_formats(true)
                            .build(&schema)
                            .map_err(|e| format!("the document's schema does not compile: {e}"))?,
                    );
                    compiled.insert(cache_key, v.clone());
                    v
                }
            }
        };
        let errors: Vec<String> =
            validator.iter_errors(&value).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("the body breaks its schema: {}; body: {}", errors.join("; "), lossy(body)))
        }
    }
}

pub fn lossy(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.chars().take(600).collect()
}
