//! Conditional requests: what a session remembers about each URL's
//! representation (ETag, Last-Modified, body size) and the revalidation
//! request built from it, so a 304 and the bytes it saved can be shown.

use super::super::exchange::Exchange;
use super::super::spec::RequestSpec;

/// The validators of the last full (200) response for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Body bytes of that response, to say what a 304 saved.
    pub body_len: u64,
}

impl Validators {
    /// From a 200 response that carries a validator.
    pub fn of(ex: &Exchange) -> Option<Validators> {
        let r = ex
            .response
            .as_ref()
            .filter(|r| r.status == 200 && ex.error.is_none())?;
        let etag = r.header("etag").map(str::to_string);
        let last_modified = r.header("last-modified").map(str::to_string);
        if etag.is_none() && last_modified.is_none() {
            return None;
        }
        Some(Validators {
            etag,
            last_modified,
            body_len: r.body_len,
        })
    }
}

/// `spec` made conditional: If-None-Match from the ETag, If-Modified-Since
/// from Last-Modified (replacing any the user set).
pub fn revalidation(spec: &RequestSpec, v: &Validators) -> RequestSpec {
    let mut next = spec.clone();
    next.headers.retain(|(n, _)| {
        !n.eq_ignore_ascii_case("if-none-match") && !n.eq_ignore_ascii_case("if-modified-since")
    });
    if let Some(e) = &v.etag {
        next.headers.push(("If-None-Match".into(), e.clone()));
    }
    if let Some(d) = &v.last_modified {
        next.headers.push(("If-Modified-Since".into(), d.clone()));
    }
    next
}

/// One line on how a revalidation went.
pub fn outcome(v: &Validators, ex: &Exchange) -> String {
    match ex.response.as_ref() {
        Some(r) if r.status == 304 => format!(
            "304 Not Modified: the cached copy is still good; {} body bytes not sent again",
            v.body_len
        ),
        Some(r) if r.status == 200 => format!(
            "200: the representation changed (or the server ignores validators); {} body bytes sent again",
            r.body_len
        ),
        Some(r) => format!("{}: neither confirmed nor replaced", r.status),
        None => "no answer".into(),
    }
}
