//! Request lints: credentials leaking through URLs and cleartext, TLS
//! verification off, bodies on GET/HEAD or without Content-Type, and framing
//! mistakes. The lint types and the response lints live in `lints.rs`.
//! Pure functions, no I/O; must not import ratatui or crossterm.

use super::lints::{framing_lints, has, lint, values, Lint, Severity};
use super::text::{clean, join_capped};

/// Query parameter names that usually carry a secret, compared after
/// lowercasing and dropping `-`/`_` so `api_key`, `api-key` and `apiKey` match.
const SECRET_PARAMS: &[&str] = &[
    "apikey",
    "key",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "privatetoken",
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "clientsecret",
    "auth",
    "authorization",
    "sig",
    "signature",
    "session",
    "sessionid",
    "sid",
    "jwt",
    "bearer",
    "credential",
    "credentials",
    "xamzsignature",
    "xamzcredential",
    "xamzsecuritytoken",
];

/// Suffixes that mark a secret whatever the prefix (`github_token`, `db_password`).
const SECRET_SUFFIXES: &[&str] = &["token", "secret", "password", "apikey", "signature"];

fn is_secret_param(name: &str) -> bool {
    let norm: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_PARAMS.contains(&norm.as_str()) || SECRET_SUFFIXES.iter().any(|s| norm.ends_with(s))
}

/// Cleartext to a loopback address never leaves the machine, so the
/// "over plain http" lints drop to Info there instead of crying wolf.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Lints on a request before/after it is sent. `headers` in order, `body`
/// if any, `insecure` = TLS certificate verification turned off.
pub fn request_lints(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
    insecure: bool,
) -> Vec<Lint> {
    let mut out = Vec::new();
    let parsed = url::Url::parse(url.trim()).ok();
    let body_len = body.map_or(0, <[u8]>::len);
    let upper = method.to_ascii_uppercase();

    if super::method(method).is_none() && super::method(&upper).is_some() {
        out.push(lint(
            Severity::Info,
            "method-case",
            format!(
                "methods are case-sensitive: '{}' is not {upper} and many servers will reject it",
                clean(method, 20)
            ),
        ));
    }
    if body_len > 0 && (upper == "GET" || upper == "HEAD") {
        out.push(lint(
            Severity::Warning,
            "get-with-body",
            format!(
                "{upper} with a body: the body has no defined meaning (RFC 9110 §9.3.1); \
             servers and proxies may ignore it or reject the request"
            ),
        ));
    }
    match &parsed {
        Some(u) => url_lints(u, headers, insecure, &mut out),
        None => {
            out.push(lint(
                Severity::Warning,
                "url-unparseable",
                "the URL does not parse, so URL-based checks were skipped",
            ));
            if insecure {
                out.push(tls_off());
            }
        }
    }
    if body_len > 0 && !has(headers, "Content-Type") {
        out.push(lint(
            Severity::Warning,
            "body-without-content-type",
            "a body without Content-Type: the server has to guess how to parse it",
        ));
    }
    framing_lints(headers, body, &mut out);
    out
}

fn tls_off() -> Lint {
    lint(
        Severity::Warning,
        "tls-verification-off",
        "TLS certificate verification is off: the connection is encrypted but the server is \
         not authenticated, so anyone in the path can impersonate it",
    )
}

fn url_lints(u: &url::Url, headers: &[(String, String)], insecure: bool, out: &mut Vec<Lint>) {
    let cleartext = u.scheme() == "http" || u.scheme() == "ws";
    let exposed = if is_loopback(u) {
        Severity::Info
    } else {
        Severity::Danger
    };

    if !u.username().is_empty() || u.password().is_some() {
        out.push(lint(
            Severity::Warning,
            "userinfo-in-url",
            "credentials in the URL (user:password@): they end up in logs, shell history and \
             Referer headers; send an Authorization header instead",
        ));
    }
    let names: Vec<String> = u
        .query_pairs()
        .filter(|(k, v)| !v.is_empty() && is_secret_param(k))
        .map(|(k, _)| clean(&k, 30))
        .collect();
    if !names.is_empty() {
        out.push(lint(
            Severity::Warning,
            "credentials-in-query",
            format!(
                "credentials in the query string ({}): URLs are logged by servers and proxies and \
             leak through Referer and history; send them in a header",
                join_capped(names, ", ")
            ),
        ));
    }
    if cleartext {
        let auth = values(headers, "Authorization");
        let basic = auth.iter().any(|v| {
            v.split_whitespace()
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case("basic"))
        });
        if basic {
            out.push(lint(
                exposed,
                "basic-auth-over-http",
                "Basic credentials over plain http: base64 is an encoding, not encryption, so \
                 anyone on the path reads the password; use https",
            ));
        } else if !auth.is_empty() {
            out.push(lint(
                exposed,
                "auth-over-http",
                "Authorization over plain http: anyone on the path can read and replay the \
                 credential; use https",
            ));
        }
    }
    if insecure && !cleartext {
        out.push(tls_off());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn codes(
        method: &str,
        url: &str,
        hs: &[(&str, &str)],
        body: Option<&[u8]>,
        insecure: bool,
    ) -> Vec<&'static str> {
        request_lints(method, url, &h(hs), body, insecure)
            .iter()
            .map(|l| l.code)
            .collect()
    }

    #[test]
    fn clean_request_has_no_lints() {
        let hs = [
            ("Authorization", "Bearer abc"),
            ("Content-Type", "application/json"),
        ];
        assert!(codes(
            "POST",
            "https://api.example.com/x?page=2",
            &hs,
            Some(b"{}"),
            false
        )
        .is_empty());
        assert!(codes("GET", "https://example.com/", &[], None, false).is_empty());
        assert!(codes("GET", "https://example.com/", &[], Some(b""), false).is_empty());
    }

    #[test]
    fn get_or_head_with_body() {
        let ct = [("Content-Type", "text/plain")];
        assert_eq!(
            codes("GET", "https://h/", &ct, Some(b"x"), false),
            ["get-with-body"]
        );
        assert_eq!(
            codes("HEAD", "https://h/", &ct, Some(b"x"), false),
            ["get-with-body"]
        );
        assert!(codes("POST", "https://h/", &ct, Some(b"x"), false).is_empty());
    }

    #[test]
    fn credentials_in_query() {
        for q in [
            "api_key=1",
            "apiKey=1",
            "access_token=1",
            "password=1",
            "sig=1",
            "github_token=1",
            "X-Amz-Signature=1",
        ] {
            let url = format!("https://h/p?a=b&{q}");
            assert_eq!(
                codes("GET", &url, &[], None, false),
                ["credentials-in-query"],
                "{q}"
            );
        }
        let l = request_lints("GET", "https://h/?token=SUPERSECRET", &[], None, false);
        assert!(l[0].message.contains("(token)") && !l[0].message.contains("SUPERSECRET"));
        assert!(codes("GET", "https://h/?page=1&monkey=2&token=", &[], None, false).is_empty());
    }

    #[test]
    fn basic_and_other_auth_over_http() {
        let basic = [("authorization", "Basic YWxpY2U6cHc=")];
        let l = request_lints("GET", "http://api.example.com/", &h(&basic), None, false);
        assert_eq!(l.len(), 1);
        assert_eq!(
            (l[0].code, l[0].severity),
            ("basic-auth-over-http", Severity::Danger)
        );
        assert!(l[0]
            .message
            .contains("base64 is an encoding, not encryption"));
        assert!(!l[0].message.contains("YWxpY2U6cHc"));
        let bearer = [("Authorization", "Bearer t")];
        assert_eq!(
            codes("GET", "http://api.example.com/", &bearer, None, false),
            ["auth-over-http"]
        );
        assert!(codes("GET", "https://api.example.com/", &basic, None, false).is_empty());
        // Loopback never leaves the machine: still said, but only as Info.
        for host in [
            "http://localhost:8080/",
            "http://127.0.0.1/",
            "http://[::1]/",
        ] {
            let l = request_lints("GET", host, &h(&basic), None, false);
            assert_eq!(
                (l[0].code, l[0].severity),
                ("basic-auth-over-http", Severity::Info)
            );
        }
    }

    #[test]
    fn tls_verification_off() {
        assert_eq!(
            codes("GET", "https://h/", &[], None, true),
            ["tls-verification-off"]
        );
        assert!(codes("GET", "http://h/", &[], None, true).is_empty());
        assert_eq!(
            codes("GET", "not a url", &[], None, true),
            ["url-unparseable", "tls-verification-off"]
        );
    }

    #[test]
    fn body_without_content_type() {
        assert_eq!(
            codes("POST", "https://h/", &[], Some(b"a=1"), false),
            ["body-without-content-type"]
        );
        assert!(codes(
            "POST",
            "https://h/",
            &[("content-type", "x/y")],
            Some(b"a=1"),
            false
        )
        .is_empty());
        assert!(codes("POST", "https://h/", &[], None, false).is_empty());
    }

    #[test]
    fn userinfo_in_url() {
        let l = request_lints("GET", "https://bob:hunter2@h/", &[], None, false);
        assert_eq!(l[0].code, "userinfo-in-url");
        assert!(!l[0].message.contains("hunter2"));
        assert_eq!(
            codes("GET", "https://bob@h/", &[], None, false),
            ["userinfo-in-url"]
        );
    }

    #[test]
    fn framing_and_injection() {
        let post = |hs: &[(&str, &str)]| {
            let mut all = vec![("Content-Type", "text/plain")];
            all.extend_from_slice(hs);
            codes("POST", "https://h/", &all, Some(b"abc"), false)
        };
        assert_eq!(
            post(&[("Content-Length", "5")]),
            ["content-length-mismatch"]
        );
        assert!(post(&[("Content-Length", "3")]).is_empty());
        let two = [("Content-Length", "3"), ("content-length", "4")];
        assert_eq!(post(&two), ["content-length-conflict"]);
        assert_eq!(post(&[("Content-Length", "x")]), ["content-length-invalid"]);
        let both = [("Content-Length", "3"), ("Transfer-Encoding", "chunked")];
        assert_eq!(post(&both), ["content-length-with-transfer-encoding"]);
        let injected = [("X-A", "1\r\nEvil: 2")];
        assert_eq!(
            codes("GET", "https://h/", &injected, None, false),
            ["header-injection"]
        );
    }

    #[test]
    fn method_case() {
        assert_eq!(
            codes("get", "https://h/", &[], None, false),
            ["method-case"]
        );
        assert!(codes("PURGE", "https://h/", &[], None, false).is_empty());
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let huge = "a".repeat(1 << 20);
        let huge_url = format!("https://h/?{}", "token=x&".repeat(50_000));
        let odd = [
            "",
            "\0",
            "é€😀",
            "\r\n",
            huge.as_str(),
            huge_url.as_str(),
            "http://",
            "http://[::1",
        ];
        for s in odd {
            let hs = vec![(s.to_string(), s.to_string())];
            let l = request_lints(s, s, &hs, Some(s.as_bytes()), true);
            assert!(l.iter().all(|l| l.message.len() < 4_000));
        }
    }
}
