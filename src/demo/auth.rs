//! Endpoints about authentication challenges.
//!
//! Owns: /basic-auth/{user}/{pass} and /bearer — 401 with the matching
//! WWW-Authenticate challenge until the right Authorization arrives — and
//! /scoped/{scope}, where a valid token without the scope gets 403.

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

/// The demo's bearer tokens and the scopes each grants.
const TOKENS: &[(&str, &[&str])] = &[
    ("read-token", &["read"]),
    ("admin-token", &["read", "admin"]),
];

/// /scoped/{scope}: 401 without a token or with one the server does not
/// know (`invalid_token`); 403 for a known token that lacks `scope`
/// (`insufficient_scope`, RFC 6750 §3.1); 200 otherwise.
pub(crate) fn scoped(req: &Req, scope: &str) -> Resp {
    let Some(token) = credentials(req, "Bearer") else {
        return challenge("Bearer realm=\"demo\"");
    };
    let Some((_, scopes)) = TOKENS.iter().find(|(t, _)| *t == token) else {
        let mut resp = response::json(
            StatusCode::UNAUTHORIZED,
            &json!({ "authenticated": false, "error": "unknown token" }),
        );
        response::add(
            &mut resp,
            WWW_AUTHENTICATE,
            "Bearer realm=\"demo\", error=\"invalid_token\"",
        );
        return resp;
    };
    if !scopes.contains(&scope) {
        let mut resp = response::json(
            StatusCode::FORBIDDEN,
            &json!({ "authenticated": true, "authorized": false, "needed_scope": scope,
                     "token_scopes": scopes }),
        );
        let challenge =
            format!("Bearer realm=\"demo\", error=\"insufficient_scope\", scope={scope:?}");
        response::add(&mut resp, WWW_AUTHENTICATE, &challenge);
        return resp;
    }
    response::json(
        StatusCode::OK,
        &json!({ "authenticated": true, "authorized": true, "scope": scope }),
    )
}
