//! The request head as HTTP/2 and HTTP/3 send it: pseudo-headers from the
//! URL, field names lowercased, no connection-specific fields and no Host
//! (both carry it as `:authority`). One builder for both, so the same
//! request is changed the same way over either, and every change is said.

use super::error::{ErrorPhase, WireError};
use super::h1::USER_AGENT;
use super::spec::RequestSpec;
use super::warning::Warning;

/// Connection-specific fields HTTP/2 and HTTP/3 forbid (RFC 9113 §8.2.2,
/// RFC 9114 §4.2).
const FORBIDDEN: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// The `http::Request` for a spec, for HTTP/2 or HTTP/3 (`version`):
/// names lowercased (both require it), connection-specific fields and
/// Host dropped, each change said in `warnings`.
pub fn request(
    spec: &RequestSpec,
    url: &url::Url,
    version: http::Version,
    warnings: &mut Vec<Warning>,
) -> Result<http::Request<()>, WireError> {
    let proto = if version == http::Version::HTTP_3 {
        "HTTP/3"
    } else {
        "HTTP/2"
    };
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    let method = http::Method::from_bytes(spec.method.as_bytes())
        .map_err(|_| input(format!("'{}' is not a valid method name", spec.method)))?;
    let uri: http::Uri = url
        .as_str()
        .parse()
        .map_err(|e| input(format!("URL not usable for {proto}: {e}")))?;
    let mut req = http::Request::builder()
        .method(method)
        .uri(uri)
        .version(version);
    let has = |n: &str| spec.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    if spec.body.as_ref().is_some_and(|b| !b.is_empty())
        && super::h1::asks_to_continue(&spec.headers)
    {
        warnings.push(Warning::ExpectNotWaitedOnH2);
    }
    if !has("user-agent") {
        req = req.header("user-agent", USER_AGENT);
    }
    if !has("accept") {
        req = req.header("accept", "*/*");
    }
    let mut lowered = Vec::new();
    for (name, value) in &spec.headers {
        let lower = name.to_ascii_lowercase();
        if FORBIDDEN.contains(&lower.as_str())
            || (lower == "te" && !value.eq_ignore_ascii_case("trailers"))
        {
            warnings.push(Warning::H2ConnectionSpecific { name: name.clone() });
            continue;
        }
        if lower == "host" {
            warnings.push(Warning::H2Host {
                value: value.clone(),
            });
            continue;
        }
        if lower != *name {
            lowered.push(name.clone());
        }
        let n = http::HeaderName::from_bytes(lower.as_bytes())
            .map_err(|_| input(format!("header name '{name}' is not a valid token")))?;
        let v = http::HeaderValue::from_bytes(value.as_bytes())
            .map_err(|_| input(format!("header '{name}' has CR, LF or NUL in its value")))?;
        req = req.header(n, v);
    }
    if !lowered.is_empty() {
        warnings.push(Warning::H2Lowercased(lowered));
    }
    if let Some(body) = &spec.body {
        if !has("content-length") {
            req = req.header("content-length", body.len());
        }
    }
    req.body(())
        .map_err(|e| input(format!("request not valid for {proto}: {e}")))
}
