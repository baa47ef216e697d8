//! Lints: mistakes people make with HTTP clients and servers, found in a
//! request before or after it is sent and in a response's head. Each lint has
//! a stable kebab-case `code` (tests, filters and docs key on it) and a
//! message for people. Secrets are named, never echoed.
//! Pure functions, no I/O; must not import ratatui or crossterm.

use super::cookies::parse_set_cookie;
use super::text::clean;

pub use super::request_lints::request_lints;

/// How bad a lint is; ordered, so `max()` gives the worst of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; often fine.
    Info,
    /// Probably a mistake; things may not work as intended.
    Warning,
    /// Leaks a secret or opens an attack (cleartext credentials, smuggling).
    Danger,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub severity: Severity,
    /// Stable kebab-case id, e.g. `"basic-auth-over-http"`.
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn lint(severity: Severity, code: &'static str, message: impl Into<String>) -> Lint {
    Lint {
        severity,
        code,
        message: message.into(),
    }
}

/// All values of a header, case-insensitively, in order.
pub(crate) fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

pub(crate) fn has(headers: &[(String, String)], name: &str) -> bool {
    !values(headers, name).is_empty()
}

/// Framing mistakes shared by requests and responses: a Content-Length that
/// disagrees with itself or with the body, or one sent with Transfer-Encoding.
/// Peers that resolve these differently are how request smuggling works.
pub(crate) fn framing_lints(
    headers: &[(String, String)],
    body: Option<&[u8]>,
    out: &mut Vec<Lint>,
) {
    let lengths = values(headers, "Content-Length");
    let injected = headers.iter().any(|(n, v)| {
        n.chars()
            .chain(v.chars())
            .any(|c| matches!(c, '\r' | '\n' | '\0'))
    });
    if injected {
        out.push(lint(
            Severity::Danger,
            "header-injection",
            "a header name or value contains CR, LF or NUL: it would split or corrupt the \
             header block (header injection)",
        ));
    }
    let declared: Vec<&str> = lengths
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if declared.windows(2).any(|w| w[0] != w[1]) {
        out.push(lint(
            Severity::Danger,
            "content-length-conflict",
            "several different Content-Length values: peers may frame the message differently \
             (request smuggling)",
        ));
    } else if let (Some(first), Some(body)) = (declared.first(), body) {
        match first.parse::<u64>() {
            Ok(n) if n != body.len() as u64 => out.push(lint(
                Severity::Danger,
                "content-length-mismatch",
                format!(
                    "Content-Length says {n} but the body is {} bytes: the server will wait \
                     for more or read the rest as the next request",
                    body.len()
                ),
            )),
            Ok(_) => {}
            Err(_) => out.push(lint(
                Severity::Warning,
                "content-length-invalid",
                "Content-Length is not a plain number of bytes",
            )),
        }
    }
    if !lengths.is_empty() && has(headers, "Transfer-Encoding") {
        out.push(lint(
            Severity::Danger,
            "content-length-with-transfer-encoding",
            "both Content-Length and Transfer-Encoding: Transfer-Encoding wins, but peers that \
             disagree are how request smuggling works; send only one",
        ));
    }
}

/// Statuses whose responses never carry a body (RFC 9110 §6.4.1).
fn bodiless(status: u16) -> bool {
    (100..200).contains(&status) || status == 204 || status == 304
}

/// Lints on a response: its `status` and headers in order.
pub fn response_lints(status: u16, headers: &[(String, String)]) -> Vec<Lint> {
    let mut out = Vec::new();
    let missing = |name: &str| !has(headers, name);
    if status == 401 && missing("WWW-Authenticate") {
        out.push(lint(
            Severity::Warning,
            "missing-www-authenticate",
            "401 without WWW-Authenticate: the client can't tell which scheme or realm to use \
             (RFC 9110 requires a challenge)",
        ));
    }
    if status == 407 && missing("Proxy-Authenticate") {
        out.push(lint(Severity::Warning, "missing-proxy-authenticate",
            "407 without Proxy-Authenticate: the client can't tell how to authenticate to the proxy"));
    }
    if matches!(status, 301 | 302 | 303 | 307 | 308) && missing("Location") {
        out.push(lint(
            Severity::Warning,
            "redirect-without-location",
            format!("{status} redirect without Location: there is nowhere to go"),
        ));
    }
    if status == 405 && missing("Allow") {
        out.push(lint(
            Severity::Info,
            "missing-allow",
            "405 without Allow: the client can't tell which methods would work",
        ));
    }
    if matches!(status, 429 | 503) && missing("Retry-After") {
        out.push(lint(
            Severity::Info,
            "missing-retry-after",
            format!("{status} without Retry-After: clients must guess how long to back off"),
        ));
    }
    cookie_lints(headers, &mut out);
    let lengths = values(headers, "Content-Length");
    let has_body = lengths
        .iter()
        .any(|v| v.parse::<u64>().is_ok_and(|n| n > 0))
        || has(headers, "Transfer-Encoding");
    if has_body && !bodiless(status) && missing("Content-Type") {
        out.push(lint(
            Severity::Warning,
            "missing-content-type",
            "a body without Content-Type: clients have to sniff what it is",
        ));
    }
    let any_origin = values(headers, "Access-Control-Allow-Origin").contains(&"*");
    let credentials = values(headers, "Access-Control-Allow-Credentials")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("true"));
    if any_origin && credentials {
        out.push(lint(
            Severity::Warning,
            "cors-wildcard-with-credentials",
            "Access-Control-Allow-Origin: * with Allow-Credentials: true: browsers refuse \
             this combination; echo the specific origin instead",
        ));
    }
    framing_lints(headers, None, &mut out);
    out
}

fn cookie_lints(headers: &[(String, String)], out: &mut Vec<Lint>) {
    for value in values(headers, "Set-Cookie") {
        let c = parse_set_cookie(value);
        // Deleting a cookie (Max-Age<=0) needs no protection.
        if c.max_age
            .as_deref()
            .and_then(|m| m.parse::<i64>().ok())
            .is_some_and(|m| m <= 0)
        {
            continue;
        }
        let name = clean(&c.name, 40);
        let same_site_none = c
            .same_site
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("none"));
        if same_site_none && !c.secure {
            out.push(lint(
                Severity::Warning,
                "samesite-none-without-secure",
                format!("cookie '{name}' has SameSite=None without Secure: browsers reject it"),
            ));
        } else if !c.secure {
            out.push(lint(
                Severity::Info,
                "cookie-without-secure",
                format!("cookie '{name}' without Secure: it is also sent over plain http"),
            ));
        }
        if !c.http_only {
            out.push(lint(
                Severity::Info,
                "cookie-without-httponly",
                format!("cookie '{name}' without HttpOnly: page scripts (and XSS) can read it"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(status: u16, hs: &[(&str, &str)]) -> Vec<&'static str> {
        let hs: Vec<(String, String)> = hs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        response_lints(status, &hs).iter().map(|l| l.code).collect()
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Danger);
    }

    #[test]
    fn clean_responses() {
        assert!(codes(
            200,
            &[("Content-Type", "text/plain"), ("Content-Length", "5")]
        )
        .is_empty());
        assert!(codes(204, &[]).is_empty());
        assert!(codes(304, &[("Content-Length", "5")]).is_empty());
        assert!(codes(401, &[("WWW-Authenticate", "Basic realm=x")]).is_empty());
        assert!(codes(302, &[("location", "/x")]).is_empty());
        assert!(codes(429, &[("Retry-After", "5")]).is_empty());
    }

    #[test]
    fn status_header_requirements() {
        assert_eq!(codes(401, &[]), ["missing-www-authenticate"]);
        assert_eq!(codes(407, &[]), ["missing-proxy-authenticate"]);
        for s in [301, 302, 303, 307, 308] {
            assert_eq!(codes(s, &[]), ["redirect-without-location"], "{s}");
        }
        assert!(codes(300, &[]).is_empty() && codes(304, &[]).is_empty());
        assert_eq!(codes(405, &[]), ["missing-allow"]);
        let l = response_lints(503, &[]);
        assert_eq!(
            (l[0].code, l[0].severity),
            ("missing-retry-after", Severity::Info)
        );
        assert_eq!(codes(429, &[]), ["missing-retry-after"]);
    }

    #[test]
    fn cookies() {
        let good = (
            "Set-Cookie",
            "sid=SECRETVALUE; Secure; HttpOnly; SameSite=Lax",
        );
        assert!(codes(200, &[good]).is_empty());
        let l = response_lints(200, &[("set-cookie".into(), "sid=SECRETVALUE".into())]);
        let got: Vec<_> = l.iter().map(|l| (l.code, l.severity)).collect();
        assert_eq!(
            got,
            [
                ("cookie-without-secure", Severity::Info),
                ("cookie-without-httponly", Severity::Info)
            ]
        );
        assert!(l
            .iter()
            .all(|l| l.message.contains("'sid'") && !l.message.contains("SECRET")));
        assert_eq!(
            codes(200, &[("Set-Cookie", "a=b; HttpOnly; SameSite=None")]),
            ["samesite-none-without-secure"]
        );
        assert!(codes(200, &[("Set-Cookie", "a=; Max-Age=0")]).is_empty());
    }

    #[test]
    fn content_type_on_bodies() {
        assert_eq!(
            codes(200, &[("Content-Length", "10")]),
            ["missing-content-type"]
        );
        assert_eq!(
            codes(200, &[("Transfer-Encoding", "chunked")]),
            ["missing-content-type"]
        );
        assert!(codes(200, &[("Content-Length", "0")]).is_empty());
        assert!(codes(204, &[("Content-Length", "10")]).is_empty());
        assert!(codes(100, &[("Content-Length", "10")]).is_empty());
    }

    #[test]
    fn cors_and_framing() {
        let cors = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ];
        assert_eq!(codes(200, &cors), ["cors-wildcard-with-credentials"]);
        assert!(codes(200, &cors[..1]).is_empty());
        let ct = ("Content-Type", "text/plain");
        assert_eq!(
            codes(200, &[ct, ("Content-Length", "1"), ("Content-Length", "2")]),
            ["content-length-conflict"]
        );
        assert_eq!(
            codes(
                200,
                &[
                    ct,
                    ("Content-Length", "1"),
                    ("Transfer-Encoding", "chunked")
                ]
            ),
            ["content-length-with-transfer-encoding"]
        );
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let huge = "x;".repeat(1 << 18);
        for s in ["", "\0", "é€😀", "\r\n", huge.as_str()] {
            for status in [0, 1, 99, 200, 401, 429, 999, u16::MAX] {
                let hs = vec![
                    (s.to_string(), s.to_string()),
                    ("Set-Cookie".to_string(), s.to_string()),
                    ("Content-Length".to_string(), s.to_string()),
                ];
                let l = response_lints(status, &hs);
                assert!(l.iter().all(|l| l.message.len() < 4_000));
            }
        }
    }
}
