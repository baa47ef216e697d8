//! Endpoints where the client chooses response headers.
//!
//! Owns: /response-headers (query pairs become header fields) and the
//! cookie endpoints (/cookies, /cookies/set, /cookies/delete). Anything
//! that would put CR/LF or other invalid bytes into a header is a 400,
//! never a split response.

use hyper::header::{
    HeaderName, HeaderValue, CONNECTION, CONTENT_LENGTH, COOKIE, LOCATION, SET_COOKIE,
    TRANSFER_ENCODING,
};
use hyper::StatusCode;
use serde_json::{Map, Value};

use super::response::{self, Resp};
use super::routes::Req;

fn bad_request(message: &str) -> Resp {
    response::error(StatusCode::BAD_REQUEST, message)
}

/// /response-headers?k=v&k2=v2: each pair becomes a header (repeated keys,
/// repeated fields); the body lists them too.
pub(crate) fn response_headers(req: &Req) -> Resp {
    let mut fields = Vec::new();
    let mut echoed = Map::new();
    for (k, v) in req.query_pairs() {
        let Ok(name) = HeaderName::from_bytes(k.as_bytes()) else {
            return bad_request("header name is not a valid token");
        };
        // Framing is the server's job: a wrong length would corrupt the
        // connection, not just this response.
        if matches!(name, CONTENT_LENGTH | TRANSFER_ENCODING | CONNECTION) {
            return bad_request(
                "Content-Length, Transfer-Encoding and Connection are set by the server",
            );
        }
        // from_str accepts tabs and obs-text but never CR, LF or NUL.
        let Ok(value) = HeaderValue::from_str(&v) else {
            return bad_request("header value contains CR, LF or other invalid bytes");
        };
        fields.push((name, value));
        match echoed.get_mut(&k) {
            None => {
                echoed.insert(k, Value::String(v));
            }
            Some(Value::Array(list)) => list.push(Value::String(v)),
            Some(first) => {
                let earlier = first.take();
                *first = Value::Array(vec![earlier, Value::String(v)]);
            }
        }
    }
    let mut resp = response::json(StatusCode::OK, &Value::Object(echoed));
    for (name, value) in fields {
        // A client-given Content-Type replaces ours instead of adding a second.
        if name == hyper::header::CONTENT_TYPE {
            resp.headers_mut().remove(&name);
        }
        resp.headers_mut().append(name, value);
    }
    resp
}

/// Cookies sent in Cookie fields, in order.
fn request_cookies(req: &Req) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for value in req.headers.get_all(COOKIE) {
        let text = String::from_utf8_lossy(value.as_bytes());
        for pair in text.split(';') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            out.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    out
}

/// /cookies: `{"cookies": {name: value}}`.
pub(crate) fn cookies(req: &Req) -> Resp {
    let map: Map<String, Value> = request_cookies(req)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    response::json(StatusCode::OK, &serde_json::json!({ "cookies": map }))
}

/// RFC 6265 cookie-name is a token; cookie-value excludes controls,
/// whitespace, DQUOTE, comma, semicolon and backslash.
fn valid_cookie(name: &str, value: &str) -> bool {
    let value_ok = value
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && !matches!(b, b'"' | b',' | b';' | b'\\'));
    HeaderName::from_bytes(name.as_bytes()).is_ok() && value_ok
}

fn set_and_redirect(cookies: Vec<String>) -> Resp {
    let mut resp = response::text(StatusCode::FOUND, "Redirecting to /cookies\n");
    resp.headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/cookies"));
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    resp
}

/// /cookies/set?name=value: Set-Cookie for each pair, then 302 to /cookies.
pub(crate) fn cookies_set(req: &Req) -> Resp {
    let mut out = Vec::new();
    for (name, value) in req.query_pairs() {
        if !valid_cookie(&name, &value) {
            return bad_request("cookie name or value has characters cookies cannot carry");
        }
        out.push(format!("{name}={value}; Path=/"));
    }
    set_and_redirect(out)
}

/// /cookies/delete?name: expire each named cookie, then 302 to /cookies.
pub(crate) fn cookies_delete(req: &Req) -> Resp {
    let mut out = Vec::new();
    for (name, _) in req.query_pairs() {
        if !valid_cookie(&name, "") {
            return bad_request("cookie name is not a valid token");
        }
        out.push(format!(
            "{name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
        ));
    }
    set_and_redirect(out)
}
