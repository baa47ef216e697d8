//! The request's bytes, written exactly as specified: header order and
//! case kept, `Host` first when absent, `Content-Length` for a body.
//! Names and values that would break the message are refused (raw mode is
//! the way to send malformed bytes on purpose).

use super::super::error::{ErrorPhase, WireError};
use super::super::proxy::Forward;
use super::super::spec::RequestSpec;
use crate::report::escape::escape_bytes;

/// The `User-Agent` sent when the user gives none (as curl does).
pub const USER_AGENT: &str = concat!("wirescope/", env!("CARGO_PKG_VERSION"));

pub(super) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The request's bytes: start line, `Host` first when absent, then
/// `User-Agent` and `Accept` when absent, the user's headers in their order
/// and case, `Content-Length` for a body, the blank line, the body.
pub fn build_request(spec: &RequestSpec, url: &url::Url) -> Result<Vec<u8>, WireError> {
    build_request_via(spec, url, None)
}

/// The same, for an HTTP proxy that forwards it (`forward`): the
/// request-target in absolute-form (RFC 9112 §3.2.2, without credentials
/// or fragment) and `Proxy-Authorization` after `Host` when there are
/// credentials and the request has none of its own.
pub fn build_request_via(
    spec: &RequestSpec,
    url: &url::Url,
    forward: Option<&Forward>,
) -> Result<Vec<u8>, WireError> {
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    if spec.method.is_empty() || !spec.method.bytes().all(is_tchar) {
        return Err(input(format!(
            "'{}' is not a valid method name (letters, digits and !#$%&'*+-.^_`|~ only)",
            escape_bytes(spec.method.as_bytes())
        )));
    }
    for (name, value) in &spec.headers {
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(input(format!(
                "header name '{}' is not a valid token (use --raw to send malformed bytes)",
                escape_bytes(name.as_bytes())
            )));
        }
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(input(format!(
                "header '{name}' has CR, LF or NUL in its value (use --raw to send malformed bytes)"
            )));
        }
    }
    let has = |n: &str| spec.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    if forward.is_some() {
        let mut abs = url.clone();
        abs.set_fragment(None);
        let _ = abs.set_username("");
        let _ = abs.set_password(None);
        target = abs.to_string();
    }
    let mut out = Vec::with_capacity(256 + spec.body.as_ref().map_or(0, Vec::len));
    out.extend_from_slice(format!("{} {} HTTP/1.1\r\n", spec.method, target).as_bytes());
    let mut line = |n: &str, v: &str| {
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    if !has("host") {
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        line("Host", &host);
    }
    if let Some(auth) = forward.and_then(|f| f.authorization.as_deref()) {
        if !has("proxy-authorization") {
            line("Proxy-Authorization", auth);
        }
    }
    if !has("user-agent") {
        line("User-Agent", USER_AGENT);
    }
    if !has("accept") {
        line("Accept", "*/*");
    }
    for (n, v) in &spec.headers {
        line(n, v);
    }
    if let Some(body) = &spec.body {
        if !has("content-length") && !has("transfer-encoding") {
            line("Content-Length", &body.len().to_string());
        }
    }
    out.extend_from_slice(b"\r\n");
    if let Some(body) = &spec.body {
        out.extend_from_slice(body);
    }
    Ok(out)
}

/// The method of a raw request (its first token), to know whether the
/// response can have a body.
pub fn raw_method(raw: &[u8]) -> String {
    let end = raw
        .iter()
        .position(|&b| b == b' ' || b == b'\r' || b == b'\n');
    String::from_utf8_lossy(&raw[..end.unwrap_or(raw.len()).min(64)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forwarded_request_names_the_whole_url() {
        let spec = RequestSpec::get("http://h.test:8080/a?b=1#frag");
        let url = url::Url::parse(&spec.url).unwrap();
        let f = Forward {
            authorization: Some("Basic dTpw".into()),
        };
        let out = String::from_utf8(build_request_via(&spec, &url, Some(&f)).unwrap()).unwrap();
        assert!(
            out.starts_with("GET http://h.test:8080/a?b=1 HTTP/1.1\r\nHost: h.test:8080\r\nProxy-Authorization: Basic dTpw\r\n"),
            "{out}"
        );
        let plain = String::from_utf8(build_request(&spec, &url).unwrap()).unwrap();
        assert!(plain.starts_with("GET /a?b=1 HTTP/1.1\r\n"));
    }
}
