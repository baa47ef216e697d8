//! `/rate-limited`: N requests per window per client, then 429 with
//! Retry-After — the server side of a rate limit, for the lesson where a
//! burst meets 429s and a client-side limiter meets none.
//!
//! Owns: the per-client token buckets (capped: past the cap the table is
//! cleared, so no client can grow it without bound) and the handler.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use hyper::header::{HeaderName, RETRY_AFTER};
use hyper::StatusCode;
use serde_json::json;

use super::response::{self, Resp};
use super::routes::Req;

/// Most buckets kept at once.
const MAX_CLIENTS: usize = 1000;
const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

/// One client's bucket: `tokens` left as of `at`.
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets by (client address, key, limit, window).
#[derive(Default)]
pub(crate) struct Buckets(HashMap<(IpAddr, String, u64, u64), Bucket>);

/// /rate-limited?limit=N&per=S&key=K: at most N requests per S seconds
/// (default 5 per 1) from one client address (and key), refilled evenly;
/// beyond, 429 with Retry-After: the whole seconds until the next token.
pub(crate) fn handle(req: &Req) -> Resp {
    let limit = match number(req, "limit", 5, 1_000_000) {
        Ok(n) => n,
        Err(e) => return response::error(StatusCode::BAD_REQUEST, &e),
    };
    let per = match number(req, "per", 1, 3600) {
        Ok(n) => n,
        Err(e) => return response::error(StatusCode::BAD_REQUEST, &e),
    };
    let key = req.query("key").unwrap_or_default();
    let rate = limit as f64 / per as f64;
    let now = Instant::now();
    let mut table = req.shared.buckets.lock().unwrap_or_else(|e| e.into_inner());
    let id = (req.peer.ip(), key.clone(), limit, per);
    if !table.0.contains_key(&id) && table.0.len() >= MAX_CLIENTS {
        table.0.clear();
    }
    let bucket = table.0.entry(id).or_insert(Bucket {
        tokens: limit as f64,
        at: now,
    });
    let refill = now.duration_since(bucket.at).as_secs_f64() * rate;
    bucket.tokens = (bucket.tokens + refill).min(limit as f64);
    bucket.at = now;
    let mut resp = if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        response::json(
            StatusCode::OK,
            &json!({ "allowed": true, "limit": limit, "per_seconds": per, "key": key }),
        )
    } else {
        let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / rate);
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut r = response::json(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "error": "too many requests", "limit": limit, "per_seconds": per,
                     "retry_after": secs }),
        );
        response::add(&mut r, RETRY_AFTER, &secs.to_string());
        r
    };
    response::add(&mut resp, LIMIT, &format!("{limit};w={per}"));
    response::add(&mut resp, REMAINING, &(bucket.tokens as u64).to_string());
    resp
}

fn number(req: &Req, name: &str, default: u64, max: u64) -> Result<u64, String> {
    match req.query(name) {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("{name} must be a whole number from 1 to {max}")),
        },
    }
}
