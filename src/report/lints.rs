//! The lints `send` prints for one request: the request as built, each
//! response, and the automatic behaviour around them (retries configured
//! for a non-idempotent method, a redirect that turned a POST into a GET).

use crate::explain::{self, Lint, Severity};
use crate::wire::policy::{Cause, Flow};
use crate::wire::{RequestSpec, Verify};

pub fn for_flow(spec: &RequestSpec, flow: &Flow) -> Vec<Lint> {
    let mut out = explain::request_lints(
        &spec.method,
        &spec.url,
        &spec.headers,
        spec.body.as_deref(),
        spec.options.tls.verify == Verify::Off,
    );
    let retry = spec.options.retry;
    let idempotent = explain::method(&spec.method).is_some_and(|m| m.idempotent);
    if retry.attempts > 1 && !idempotent && retry.non_idempotent {
        out.push(Lint {
            severity: Severity::Warning,
            code: "retry-non-idempotent",
            message: format!(
                "{} is configured for automatic retry: if the first try reached the server, its effect may happen twice",
                spec.method
            ),
        });
    }
    for hop in &flow.hops {
        if let (Cause::Redirect { status, .. }, true) = (&hop.cause, hop.exchange.method == "GET") {
            if spec.method == "POST" && matches!(status, 301..=303) {
                out.push(Lint {
                    severity: Severity::Warning,
                    code: "redirect-post-to-get",
                    message: format!(
                        "a {status} turned the POST into a GET and dropped its body; servers that mean to keep them answer 307/308"
                    ),
                });
            }
        }
        if let Some(l) = proxy_cleartext(&hop.exchange) {
            if !out.iter().any(|o| o.code == l.code) {
                out.push(l);
            }
        }
        if let Some(r) = &hop.exchange.response {
            for l in explain::response_lints(r.status, &r.headers) {
                if !out.iter().any(|o| o.code == l.code) {
                    out.push(l);
                }
            }
        }
    }
    out
}

/// Credentials sent to an http:// proxy cross the network in base64
/// (only Info when the proxy is on this machine).
fn proxy_cleartext(ex: &crate::wire::Exchange) -> Option<Lint> {
    let p = ex.connection.as_ref()?.proxy.as_ref()?;
    if p.kind != crate::wire::proxy::ProxyKind::Http || !p.url.contains(":****@") {
        return None;
    }
    let loopback = url::Url::parse(&p.url)
        .ok()
        .is_some_and(|u| match u.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        });
    Some(Lint {
        severity: match loopback {
            true => Severity::Info,
            false => Severity::Warning,
        },
        code: "proxy-credentials-cleartext",
        message: format!(
            "the proxy credentials went to {} as Proxy-Authorization: Basic over plain TCP: base64, not encryption (an https:// proxy keeps them encrypted)",
            p.url
        ),
    })
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Danger => "danger",
    }
}
