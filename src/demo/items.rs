//! `/items`: a resource with real state, so "safe" and "idempotent" can be
//! shown rather than asserted — a second POST makes a second item, a
//! second PUT leaves the same state, a second DELETE finds nothing.
//!
//! Owns: the item store (capped), the Idempotency-Key replay table
//! (capped, oldest forgotten first) and the handlers. Every answer carries
//! `X-Item-Count`, the number of items after the request.

use std::collections::{BTreeMap, HashMap, VecDeque};

use hyper::header::{HeaderName, LOCATION};
use hyper::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::response::{self, Resp};
use super::routes::Req;

/// Most items kept; a POST beyond gets 507.
const MAX_ITEMS: usize = 1000;
/// Most Idempotency-Keys remembered; the oldest is forgotten first.
const MAX_KEYS: usize = 1000;
/// Largest item body accepted.
const MAX_ITEM_BYTES: usize = 16 * 1024;

const ITEM_COUNT: HeaderName = HeaderName::from_static("x-item-count");
const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The state behind `/items`, one per server.
#[derive(Default)]
pub(crate) struct Items {
    items: BTreeMap<u64, Map<String, Value>>,
    next_id: u64,
    /// Key → (request body, status, response document) of the first POST.
    replays: HashMap<String, (Vec<u8>, StatusCode, Value)>,
    key_order: VecDeque<String>,
}

/// `/items` and `/items/{id}`.
pub(crate) fn handle(req: &Req, id: Option<&str>) -> Resp {
    let mut store = req.shared.items.lock().unwrap_or_else(|e| e.into_inner());
    let (status, doc, location, replayed) = match answer(&mut store, req, id) {
        Ok(a) => a,
        Err((status, msg)) => (status, json!({ "error": msg }), None, false),
    };
    let mut resp = if status == StatusCode::NO_CONTENT {
        response::no_body(status)
    } else {
        response::json(status, &doc)
    };
    response::add(&mut resp, ITEM_COUNT, &store.items.len().to_string());
    // RFC 9110 §15.5.6: a 405 says which methods the resource takes.
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = if id.is_some() {
            ITEM_METHODS
        } else {
            COLLECTION_METHODS
        };
        response::add(&mut resp, hyper::header::ALLOW, allowed);
    }
    if let Some(l) = location {
        response::add(&mut resp, LOCATION, &l);
    }
    if replayed {
        response::add(&mut resp, REPLAYED, "true");
    }
    resp
}

type Answer = (StatusCode, Value, Option<String>, bool);
type Refusal = (StatusCode, String);

/// What `/items` and `/items/{id}` take (the 405's `Allow`).
const COLLECTION_METHODS: &str = "GET, HEAD, POST";
const ITEM_METHODS: &str = "GET, HEAD, PUT, PATCH, DELETE";

fn answer(store: &mut Items, req: &Req, id: Option<&str>) -> Result<Answer, Refusal> {
    let Some(id) = id else {
        return match req.method {
            Method::GET | Method::HEAD => Ok((StatusCode::OK, list(store), None, false)),
            Method::POST => create(store, req),
            _ => Err(not_allowed(COLLECTION_METHODS)),
        };
    };
    let id: u64 = id.parse().map_err(|_| {
        (
            StatusCode::NOT_FOUND,
            format!("no item {id:?}: ids are whole numbers"),
        )
    })?;
    match req.method {
        Method::GET | Method::HEAD => match store.items.get(&id) {
            Some(item) => Ok((StatusCode::OK, with_id(id, item), None, false)),
            None => Err(missing(id)),
        },
        Method::PUT => {
            let fields = body_object(req)?;
            let created = store.items.insert(id, fields.clone()).is_none();
            if created && store.items.len() > MAX_ITEMS {
                store.items.remove(&id);
                return Err(full());
            }
            store.next_id = store.next_id.max(id);
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, with_id(id, &fields), None, false))
        }
        Method::PATCH => {
            let changes = body_object(req)?;
            let item = store.items.get_mut(&id).ok_or_else(|| missing(id))?;
            // JSON Merge Patch (RFC 7396), one level: null removes a field.
            for (k, v) in changes {
                if v.is_null() {
                    item.remove(&k);
                } else {
                    item.insert(k, v);
                }
            }
            Ok((StatusCode::OK, with_id(id, item), None, false))
        }
        Method::DELETE => match store.items.remove(&id) {
            Some(_) => Ok((StatusCode::NO_CONTENT, Value::Null, None, false)),
            None => Err(missing(id)),
        },
        _ => Err(not_allowed(ITEM_METHODS)),
    }
}

fn create(store: &mut Items, req: &Req) -> Result<Answer, Refusal> {
    let key = req.header("idempotency-key").map(str::to_string);
    if let Some((body, status, doc)) = key.as_ref().and_then(|k| store.replays.get(k)) {
        if body[..] != req.body[..] {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                "this Idempotency-Key was used with a different body".into(),
            ));
        }
        let location = doc["id"].as_u64().map(|id| format!("/items/{id}"));
        return Ok((*status, doc.clone(), location, true));
    }
    let fields = body_object(req)?;
    if store.items.len() >= MAX_ITEMS {
        return Err(full());
    }
    store.next_id += 1;
    let id = store.next_id;
    let doc = with_id(id, &fields);
    store.items.insert(id, fields);
    if let Some(k) = key {
        if store.key_order.len() >= MAX_KEYS {
            if let Some(old) = store.key_order.pop_front() {
                store.replays.remove(&old);
            }
        }
        store.key_order.push_back(k.clone());
        store
            .replays
            .insert(k, (req.body.to_vec(), StatusCode::CREATED, doc.clone()));
    }
    Ok((
        StatusCode::CREATED,
        doc,
        Some(format!("/items/{id}")),
        false,
    ))
}

fn list(store: &Items) -> Value {
    let items: Vec<Value> = store.items.iter().map(|(id, f)| with_id(*id, f)).collect();
    json!({ "count": items.len(), "items": items })
}

fn with_id(id: u64, fields: &Map<String, Value>) -> Value {
    let mut doc = Map::new();
    doc.insert("id".into(), json!(id));
    for (k, v) in fields {
        if k != "id" {
            doc.insert(k.clone(), v.clone());
        }
    }
    Value::Object(doc)
}

fn body_object(req: &Req) -> Result<Map<String, Value>, Refusal> {
    if req.body.len() > MAX_ITEM_BYTES {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "an item is at most 16 KiB of JSON".into(),
        ));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err((
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object, e.g. {\"name\":\"wire\"}".into(),
        )),
        Err(e) => Err((
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )),
    }
}

fn missing(id: u64) -> Refusal {
    (StatusCode::NOT_FOUND, format!("no item {id}"))
}

fn full() -> Refusal {
    (
        StatusCode::INSUFFICIENT_STORAGE,
        format!("the demo keeps at most {MAX_ITEMS} items; DELETE some first"),
    )
}

fn not_allowed(allowed: &str) -> Refusal {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        format!("allowed here: {allowed}"),
    )
}
