//! Endpoints that tell the client what the server received.
//!
//! Owns: the echo document shared by /get, /post, /anything, /delay,
//! /gzip… (method, url, args, headers in wire order and case, origin,
//! body, parsed JSON), /headers, /ip, /user-agent, /stats, and
//! /echo-raw, which answers with the recorded bytes and nothing else.

use base64::Engine as _;
use hyper::header::ALLOW;
use hyper::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::response::{self, Resp, OCTETS};
use super::routes::Req;

/// Query parameters as an object; a repeated key becomes an array of its
/// values in order, as httpbin does.
pub(crate) fn args(req: &Req) -> Value {
    let mut map = Map::new();
    for (k, v) in req.query_pairs() {
        match map.get_mut(&k) {
            None => {
                map.insert(k, Value::String(v));
            }
            Some(Value::Array(list)) => list.push(Value::String(v)),
            Some(first) => {
                let earlier = first.take();
                *first = Value::Array(vec![earlier, Value::String(v)]);
            }
        }
    }
    Value::Object(map)
}

/// `[[name, value], ...]` in the order and case they arrived.
pub(crate) fn header_list(req: &Req) -> Value {
    Value::Array(
        req.wire_headers
            .iter()
            .map(|(k, v)| json!([k, v]))
            .collect(),
    )
}

fn is_json_type(req: &Req) -> bool {
    let Some(ct) = req.header("content-type") else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The echo document; handlers add their own fields to it.
pub(crate) fn document(req: &Req) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("method".into(), json!(req.method.as_str()));
    doc.insert("url".into(), json!(req.url()));
    doc.insert("args".into(), args(req));
    doc.insert("headers".into(), header_list(req));
    doc.insert("origin".into(), json!(req.peer.ip().to_string()));
    match std::str::from_utf8(&req.body) {
        Ok(text) => {
            doc.insert("body".into(), json!(text));
            doc.insert("body_encoding".into(), json!("utf-8"));
        }
        Err(_) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&req.body);
            doc.insert("body".into(), json!(encoded));
            doc.insert("body_encoding".into(), json!("base64"));
        }
    }
    let parsed = if is_json_type(req) {
        serde_json::from_slice::<Value>(&req.body).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    doc.insert("json".into(), parsed);
    doc
}

pub(crate) fn echo(req: &Req) -> Resp {
    response::json(StatusCode::OK, &Value::Object(document(req)))
}

/// /get, /post, …: the echo if the method fits, 405 with Allow if not.
pub(crate) fn method_only(req: &Req, allowed: &[Method]) -> Resp {
    if allowed.contains(&req.method) {
        return echo(req);
    }
    let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    let allow = allow.join(", ");
    let mut resp = response::json(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({
            "error": "method not allowed",
            "method": req.method.as_str(),
            "allow": allow,
        }),
    );
    response::add(&mut resp, ALLOW, &allow);
    resp
}

pub(crate) fn anything(req: &Req) -> Resp {
    echo(req)
}

pub(crate) fn headers(req: &Req) -> Resp {
    response::json(StatusCode::OK, &json!({ "headers": header_list(req) }))
}

pub(crate) fn ip(req: &Req) -> Resp {
    response::json(
        StatusCode::OK,
        &json!({ "origin": req.peer.ip().to_string() }),
    )
}

pub(crate) fn user_agent(req: &Req) -> Resp {
    response::json(
        StatusCode::OK,
        &json!({ "user-agent": req.header("user-agent") }),
    )
}

pub(crate) fn stats(req: &Req) -> Resp {
    response::json(
        StatusCode::OK,
        &json!({ "connections_accepted": req.shared.connections() }),
    )
}

/// The request exactly as read from the socket: request line, headers,
/// blank line, body with its framing. 501 on HTTP/2, 500 if this
/// connection's recording is no longer trustworthy.
pub(crate) fn echo_raw(req: &Req) -> Resp {
    match &req.raw {
        Ok(bytes) => response::with_body(StatusCode::OK, OCTETS, response::full(bytes.clone())),
        Err(reason) => {
            let code = if req.version == hyper::Version::HTTP_2 {
                StatusCode::NOT_IMPLEMENTED
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            response::error(code, reason)
        }
    }
}
