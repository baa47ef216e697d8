//! The session's cookie jar (`cookie_store`): Set-Cookie answers stored,
//! matching cookies sent back in a `Cookie` header that the request shows
//! on the wire like any header the user typed.

use std::sync::Mutex;

use super::exchange::Exchange;
use super::spec::{CookieJar, RequestSpec};

/// Cookies the jar holds at most; later ones are not stored.
pub const MAX_COOKIES: usize = 3000;
/// A Set-Cookie longer than this (name, value and attributes) is not
/// stored.
pub const MAX_COOKIE_BYTES: usize = 4096;

#[derive(Default)]
pub(super) struct Jar(Mutex<cookie_store::CookieStore>);

impl Jar {
    /// The cookies in the session's jar: (name, value, domain, path).
    pub(super) fn list(&self) -> Vec<(String, String, String, String)> {
        let Ok(jar) = self.0.lock() else {
            return Vec::new();
        };
        jar.iter_unexpired()
            .map(|c| {
                let domain = match &c.domain {
                    cookie_store::CookieDomain::HostOnly(d)
                    | cookie_store::CookieDomain::Suffix(d) => d.clone(),
                    _ => String::new(),
                };
                (
                    c.name().to_string(),
                    c.value().to_string(),
                    domain,
                    String::from(&c.path),
                )
            })
            .collect()
    }

    /// `spec` with the jar's matching cookies added as a `Cookie` header
    /// (unless the user wrote one), so they go out visibly on the wire.
    pub(super) fn apply(&self, spec: &RequestSpec) -> Option<RequestSpec> {
        if spec.options.cookies == CookieJar::Off || spec.raw.is_some() {
            return None;
        }
        if spec
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            return None;
        }
        let url = url::Url::parse(&spec.url).ok()?;
        let jar = self.0.lock().ok()?;
        let value = jar
            .get_request_values(&url)
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if value.is_empty() {
            return None;
        }
        let mut with = spec.clone();
        with.headers.push(("Cookie".into(), value));
        Some(with)
    }

    pub(super) fn store(&self, spec: &RequestSpec, ex: &Exchange) {
        let (Some(r), Ok(url), CookieJar::On) =
            (&ex.response, url::Url::parse(&ex.url), spec.options.cookies)
        else {
            return;
        };
        if let Ok(mut jar) = self.0.lock() {
            let mut held = jar.iter_any().count();
            for (_, v) in r
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            {
                // RFC 6265 §6.1's minimums are our maximums: a server
                // cannot grow the jar without bound over a long session.
                if v.len() > MAX_COOKIE_BYTES || held >= MAX_COOKIES {
                    continue;
                }
                if jar.parse(v, &url).is_ok() {
                    held = jar.iter_any().count();
                }
            }
        }
    }
}
