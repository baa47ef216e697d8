//! Endpoints about status codes and what clients do with them.
//!
//! Owns: /status/{code}, the redirect family, conditional requests
//! (/etag/{etag}, /cache, /cache/{n}) and the retry targets
//! (/retry-after, /flaky) whose answers change per key over time.

use hyper::header::{
    HeaderName, HeaderValue, CACHE_CONTROL, ETAG, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE,
};
use hyper::StatusCode;
use serde_json::{json, Value};

use super::echo;
use super::response::{self, Resp};
use super::routes::Req;

/// Longest redirect chain we serve; clients' own limits are usually 10–30.
const MAX_REDIRECTS: u32 = 100;
/// A fixed date so /cache answers are reproducible run to run.
const CACHE_LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";
const CACHE_ETAG: &str = "\"wirescope-cache-v1\"";

fn bad_request(message: &str) -> Resp {
    response::error(StatusCode::BAD_REQUEST, message)
}

fn explain(code: u16) -> &'static str {
    match code {
        200 => "Success: the request did what it asked.",
        201 => "Created: a new resource exists; Location says where.",
        202 => "Accepted: the work was queued, not done yet.",
        400 => "Bad Request: the server could not understand the request.",
        401 => "Unauthorized: credentials are missing or wrong; see WWW-Authenticate.",
        403 => "Forbidden: the server knows who you are and still says no.",
        404 => "Not Found: nothing lives at this path.",
        405 => "Method Not Allowed: this path does not take that method.",
        409 => "Conflict: the request clashes with the resource's current state.",
        410 => "Gone: this resource was removed on purpose and will not return.",
        418 => "I'm a teapot: this server refuses to brew coffee (RFC 2324).",
        422 => "Unprocessable Content: well-formed but semantically wrong.",
        429 => "Too Many Requests: slow down; Retry-After says when to try again.",
        500 => "Internal Server Error: something broke on the server side.",
        502 => "Bad Gateway: an upstream server sent an invalid answer.",
        503 => "Service Unavailable: try again later; Retry-After says when.",
        504 => "Gateway Timeout: an upstream server did not answer in time.",
        _ => match code / 100 {
            3 => "A redirection: Location says where to go next.",
            4 => "A client error: the request needs changing before retrying.",
            5 => "A server error: the request may succeed if retried later.",
            _ => "A successful response.",
        },
    }
}

/// /status/{code}: answers with that status, with the headers that status
/// is meant to come with.
pub(crate) fn status(code: &str) -> Resp {
    let Ok(code) = code.parse::<u16>() else {
        return bad_request("status code must be a number between 200 and 599");
    };
    if (100..200).contains(&code) {
        return bad_request("1xx responses are interim and cannot be the final answer");
    }
    let Some(status) = (200..600)
        .contains(&code)
        .then(|| StatusCode::from_u16(code).ok())
        .flatten()
    else {
        return bad_request("status code must be between 200 and 599");
    };
    let mut resp = if code == 204 || code == 304 {
        response::no_body(status)
    } else {
        let reason = status.canonical_reason().unwrap_or("");
        response::text(status, format!("{code} {reason}\n{}\n", explain(code)))
    };
    match code {
        201 => response::add(&mut resp, LOCATION, "/anything/created"),
        301 | 302 | 303 | 307 | 308 => response::add(&mut resp, LOCATION, "/get"),
        401 => response::add(&mut resp, WWW_AUTHENTICATE, "Basic realm=\"demo\""),
        429 | 503 => response::add(&mut resp, RETRY_AFTER, "1"),
        _ => {}
    }
    resp
}

/// How /redirect-style endpoints write Location.
#[derive(Clone, Copy)]
pub(crate) enum RedirectStyle {
    /// /redirect/{n}: relative Location to /redirect/{n-1}.
    Relative,
    /// /relative-redirect/{n}: relative Location to /relative-redirect/{n-1}.
    RelativeChain,
    /// /absolute-redirect/{n}: full URL built from the request's Host.
    Absolute,
}

pub(crate) fn redirect(req: &Req, n: &str, style: RedirectStyle) -> Resp {
    let n = match n.parse::<u32>() {
        Ok(n) if (1..=MAX_REDIRECTS).contains(&n) => n,
        _ => return bad_request("redirect count must be between 1 and 100"),
    };
    let next = match (style, n) {
        (_, 1) => "/get".to_string(),
        (RedirectStyle::Relative, _) => format!("/redirect/{}", n - 1),
        (RedirectStyle::RelativeChain, _) => format!("/relative-redirect/{}", n - 1),
        (RedirectStyle::Absolute, _) => format!("/absolute-redirect/{}", n - 1),
    };
    let location = match style {
        RedirectStyle::Absolute => format!("{}://{}{}", req.scheme(), req.host(), next),
        _ => next,
    };
    redirect_response(StatusCode::FOUND, &location)
}

fn redirect_response(status: StatusCode, location: &str) -> Resp {
    let Ok(value) = HeaderValue::from_str(location) else {
        return bad_request("redirect target is not a valid header value");
    };
    let mut resp = response::text(status, format!("Redirecting to {location}\n"));
    resp.headers_mut().insert(LOCATION, value);
    resp
}

/// /redirect-to?url=U&status_code=C (3xx, default 302).
pub(crate) fn redirect_to(req: &Req) -> Resp {
    let Some(url) = req.query("url") else {
        return bad_request("missing url parameter");
    };
    let code = match req.query("status_code") {
        None => 302,
        Some(c) => match c.parse::<u16>() {
            Ok(c) if (300..400).contains(&c) => c,
            _ => return bad_request("status_code must be between 300 and 399"),
        },
    };
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
    redirect_response(status, &url)
}

/// Entity tags in an If-Match / If-None-Match field: `*`, or (weak, opaque).
enum Tags {
    Any,
    List(Vec<(bool, String)>),
}

/// Parses every field line of `name`; quoted tags may contain commas, so
/// this walks quotes rather than splitting on commas.
fn parse_tags(req: &Req, name: HeaderName) -> Option<Tags> {
    let mut tags = Vec::new();
    let mut present = false;
    for value in req.headers.get_all(name) {
        present = true;
        let text = String::from_utf8_lossy(value.as_bytes());
        let mut rest = text.trim();
        while !rest.is_empty() {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.starts_with('*') {
                return Some(Tags::Any);
            }
            let (weak, body) = match rest.strip_prefix("W/") {
                Some(b) => (true, b),
                None => (false, rest),
            };
            let Some(body) = body.strip_prefix('"') else {
                // Not a tag; skip to the next list element.
                rest = rest.split_once(',').map(|(_, r)| r).unwrap_or("");
                continue;
            };
            let Some((opaque, after)) = body.split_once('"') else {
                break;
            };
            tags.push((weak, opaque.to_string()));
            rest = after;
        }
    }
    present.then_some(Tags::List(tags))
}

/// /etag/{etag}: conditional GET by entity tag (RFC 9110 §13.1.1–2).
pub(crate) fn etag(req: &Req, tag: &str) -> Resp {
    let quoted = format!("\"{tag}\"");
    let Ok(etag_value) = HeaderValue::from_str(&quoted) else {
        return bad_request("etag must be visible ASCII");
    };
    if tag.contains('"') {
        return bad_request("etag must not contain quotes");
    }
    // If-None-Match uses weak comparison: W/"x" matches "x".
    let none_match = match parse_tags(req, IF_NONE_MATCH) {
        Some(Tags::Any) => true,
        Some(Tags::List(list)) => list.iter().any(|(_, t)| t == tag),
        None => false,
    };
    if none_match {
        let mut resp = response::no_body(StatusCode::NOT_MODIFIED);
        resp.headers_mut().insert(ETAG, etag_value);
        return resp;
    }
    // If-Match uses strong comparison: a weak tag never matches.
    let match_fails = match parse_tags(req, IF_MATCH) {
        Some(Tags::Any) | None => false,
        Some(Tags::List(list)) => !list.iter().any(|(weak, t)| !weak && t == tag),
    };
    let mut resp = if match_fails {
        response::error(StatusCode::PRECONDITION_FAILED, "If-Match did not match")
    } else {
        echo::echo(req)
    };
    resp.headers_mut().insert(ETAG, etag_value);
    resp
}

/// /cache: 304 whenever the request is conditional, else the echo with
/// validators to be conditional with next time.
pub(crate) fn cache(req: &Req) -> Resp {
    let conditional =
        req.headers.contains_key(IF_MODIFIED_SINCE) || req.headers.contains_key(IF_NONE_MATCH);
    let mut resp = if conditional {
        response::no_body(StatusCode::NOT_MODIFIED)
    } else {
        echo::echo(req)
    };
    response::add(&mut resp, LAST_MODIFIED, CACHE_LAST_MODIFIED);
    response::add(&mut resp, ETAG, CACHE_ETAG);
    resp
}

/// /cache/{n}: the echo, cacheable for n seconds.
pub(crate) fn cache_for(req: &Req, n: &str) -> Resp {
    let Ok(secs) = n.parse::<u64>() else {
        return bad_request("max-age must be a whole number of seconds");
    };
    let mut resp = echo::echo(req);
    response::add(&mut resp, CACHE_CONTROL, &format!("public, max-age={secs}"));
    resp
}

fn count_param(req: &Req, name: &str, default: u64) -> Result<u64, String> {
    match req.query(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("{name} must be a whole number")),
    }
}

/// /retry-after?after=S&times=N&key=K: 429 with Retry-After for the first
/// N requests of key K, then 200.
pub(crate) fn retry_after(req: &Req) -> Resp {
    let times = match count_param(req, "times", 1) {
        Ok(t) => t,
        Err(msg) => return bad_request(&msg),
    };
    let after = req.query("after").unwrap_or_else(|| "1".to_string());
    let Ok(after_value) = HeaderValue::from_str(&after) else {
        return bad_request("after must be a valid Retry-After value");
    };
    let key = req.query("key").unwrap_or_else(|| "default".to_string());
    let attempt = req.shared.bump(&format!("retry-after\0{key}"));
    if attempt <= times {
        let mut resp = response::json(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "error": "too many requests", "key": key, "attempt": attempt,
                     "retry_after": after }),
        );
        resp.headers_mut().insert(RETRY_AFTER, after_value);
        return resp;
    }
    with_attempt(req, &key, attempt)
}

/// /flaky?fail=N&key=K: 503 for the first N requests of key K, then 200.
pub(crate) fn flaky(req: &Req) -> Resp {
    let fail = match count_param(req, "fail", 1) {
        Ok(f) => f,
        Err(msg) => return bad_request(&msg),
    };
    let key = req.query("key").unwrap_or_else(|| "default".to_string());
    let attempt = req.shared.bump(&format!("flaky\0{key}"));
    if attempt <= fail {
        return response::json(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({ "error": "service unavailable (on purpose)", "key": key,
                     "attempt": attempt }),
        );
    }
    with_attempt(req, &key, attempt)
}

fn with_attempt(req: &Req, key: &str, attempt: u64) -> Resp {
    let mut doc = echo::document(req);
    doc.insert("key".into(), json!(key));
    doc.insert("attempt".into(), json!(attempt));
    response::json(StatusCode::OK, &Value::Object(doc))
}
