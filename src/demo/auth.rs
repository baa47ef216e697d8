//! Endpoints about authentication challenges.
//!
//! Owns: /basic-auth/{user}/{pass} and /bearer — 401 with the matching
//! WWW-Authenticate challenge until the right Authorization arrives.

use base64::Engine as _;
use hyper::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::StatusCode;
use serde_json::json;

use super::response::{self, Resp};
use super::routes::Req;

fn challenge(scheme_and_params: &str) -> Resp {
    let mut resp = response::json(StatusCode::UNAUTHORIZED, &json!({ "authenticated": false }));
    response::add(&mut resp, WWW_AUTHENTICATE, scheme_and_params);
    resp
}

/// The credentials of `Authorization: <scheme> <credentials>`, with the
/// scheme matched case-insensitively as RFC 9110 §11.1 requires.
fn credentials<'a>(req: &'a Req, scheme: &str) -> Option<&'a str> {
    let value = req.header(AUTHORIZATION.as_str())?.trim();
    let (given, rest) = value.split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|c| !c.is_empty())
}

/// /basic-auth/{user}/{pass}: 200 only for exactly these credentials.
pub(crate) fn basic(req: &Req, user: &str, pass: &str) -> Resp {
    let sent = credentials(req, "Basic")
        .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .and_then(|raw| String::from_utf8(raw).ok());
    let expected = format!("{user}:{pass}");
    if sent.as_deref() == Some(expected.as_str()) {
        return response::json(
            StatusCode::OK,
            &json!({ "authenticated": true, "user": user }),
        );
    }
    challenge("Basic realm=\"demo\"")
}

/// /bearer: 200 for any bearer token, 401 with a Bearer challenge otherwise.
pub(crate) fn bearer(req: &Req) -> Resp {
    match credentials(req, "Bearer") {
        Some(token) => response::json(
            StatusCode::OK,
            &json!({ "authenticated": true, "token": token }),
        ),
        None => challenge("Bearer"),
    }
}
