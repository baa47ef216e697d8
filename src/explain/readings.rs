//! Parsed readings of header values: one line that says what a value means
//! ("JSON, charset utf-8", "retry in 120 s", "Bearer token (…wxyz)"), or
//! `None` when there is nothing to add to the raw value. This file owns the
//! dispatch and Location; the readers live in `caching.rs`, `framing.rs`,
//! `credentials.rs` and `cookies.rs`.
//! Pure functions, no I/O; must not import ratatui or crossterm.

use super::text::clean;
use super::{caching, cookies, credentials, framing};

/// A one-line reading of a header value, or `None` when there is nothing to
/// add. `request_url` lets Location be resolved the way a client would.
/// Secrets (passwords, tokens, cookie values) are never echoed.
pub fn read_header(name: &str, value: &str, request_url: Option<&url::Url>) -> Option<String> {
    let value = value.trim();
    let reading = match name.trim().to_ascii_lowercase().as_str() {
        "cache-control" => return caching::cache_control(value),
        "vary" => return caching::vary(value),
        "etag" => caching::etag(value),
        "age" => caching::age(value),
        "date" | "last-modified" | "if-modified-since" | "if-unmodified-since" => {
            caching::date(value)
        }
        "expires" => caching::expires(value),
        "retry-after" => caching::retry_after(value),
        "strict-transport-security" => caching::hsts(value),
        "authorization" | "proxy-authorization" => credentials::authorization(value),
        "www-authenticate" | "proxy-authenticate" => credentials::challenges(value),
        "set-cookie" => cookies::set_cookie(value),
        "cookie" => cookies::cookie(value),
        "content-type" => framing::content_type(value),
        "content-length" => framing::content_length(value),
        "content-encoding" => return framing::codings(value, "body compressed with"),
        "transfer-encoding" => framing::transfer_encoding(value),
        "accept-encoding" => return framing::accept_encoding(value),
        "connection" => return framing::connection(value),
        "keep-alive" => return framing::keep_alive(value),
        "location" => location(value, request_url),
        "server-timing" => return super::server_timing::reading(value),
        _ => return None,
    };
    Some(reading)
}

fn location(value: &str, request_url: Option<&url::Url>) -> String {
    let resolved = match request_url {
        Some(base) => base.join(value),
        None => url::Url::parse(value),
    };
    let target = match resolved {
        Ok(u) => u,
        Err(_) if request_url.is_none() => {
            return "relative reference: resolved against the request URL".into()
        }
        Err(e) => return format!("not a valid URL reference ({e})"),
    };
    let mut out = format!("→ {}", clean(target.as_str(), 200));
    if let Some(base) = request_url {
        if base.scheme() == "https" && target.scheme() == "http" {
            out.push_str(" (downgrade from https to plain http)");
        } else if base.origin() != target.origin() {
            out.push_str(" (another origin: credentials should not follow)");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, value: &str) -> Option<String> {
        read_header(name, value, None)
    }

    #[test]
    fn location_is_resolved() {
        let base = url::Url::parse("https://api.example.com/v1/users?x=1").unwrap();
        let r = |v: &str| read_header("Location", v, Some(&base)).unwrap();
        assert_eq!(r("/abs/path"), "→ https://api.example.com/abs/path");
        assert_eq!(r("42"), "→ https://api.example.com/v1/42");
        assert!(r("http://api.example.com/").ends_with("(downgrade from https to plain http)"));
        assert!(r("https://other.example/")
            .ends_with("(another origin: credentials should not follow)"));
        assert!(read("Location", "/rel")
            .unwrap()
            .starts_with("relative reference"));
        assert_eq!(read("Location", "https://h/p").unwrap(), "→ https://h/p");
    }

    #[test]
    fn dispatch_covers_the_named_headers() {
        for (name, value) in [
            ("Cache-Control", "no-store"),
            ("Retry-After", "120"),
            ("ETag", "\"x\""),
            ("Set-Cookie", "a=b"),
            ("Authorization", "Bearer x"),
            ("Proxy-Authorization", "Basic eDp5"),
            ("Strict-Transport-Security", "max-age=1"),
            ("Vary", "Origin"),
            ("Date", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Expires", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("WWW-Authenticate", "Basic realm=x"),
        ] {
            assert!(read(name, value).is_some(), "{name}");
            assert!(
                read(&name.to_uppercase(), value).is_some(),
                "{name} uppercased"
            );
        }
        assert!(read("X-Unknown", "whatever").is_none());
        assert!(read("Server", "nginx").is_none());
    }

    /// Every header a reader explains.
    const READ: [&str; 20] = [
        "Cache-Control",
        "Vary",
        "ETag",
        "Age",
        "Date",
        "Expires",
        "Retry-After",
        "Strict-Transport-Security",
        "Authorization",
        "WWW-Authenticate",
        "Set-Cookie",
        "Cookie",
        "Content-Type",
        "Content-Length",
        "Content-Encoding",
        "Transfer-Encoding",
        "Accept-Encoding",
        "Connection",
        "Keep-Alive",
        "Location",
    ];

    #[test]
    fn hostile_values_never_panic_and_stay_one_line() {
        let huge = "a,".repeat(200_000);
        let huge_semi = "a;".repeat(200_000);
        let names: Vec<&str> = READ.iter().copied().chain([""]).collect();
        let values = [
            "",
            " ",
            "\0",
            "\r\n\r\n",
            "\u{1b}[2J\u{7}",
            "é€😀",
            "\"",
            "\"\\",
            "=",
            ";;;",
            ",,,",
            "W/",
            "Basic",
            "Bearer ",
            "Basic ====",
            "max-age=-1",
            "\u{202E}evil",
            huge.as_str(),
            huge_semi.as_str(),
        ];
        let base = url::Url::parse("http://h/").unwrap();
        for name in names {
            for value in values {
                for url in [None, Some(&base)] {
                    if let Some(r) = read_header(name, value, url) {
                        assert!(!r.contains('\n') && !r.contains('\r') && !r.contains('\u{1b}'));
                        assert!(r.len() < 4_000, "{name}: {} bytes", r.len());
                    }
                }
            }
        }
    }

    /// A deterministic fuzz over every reader and both lint passes: strings
    /// built from the characters parsers trip on (quotes, separators, digits,
    /// multi-byte and control characters).
    #[test]
    fn fuzzed_values_never_panic() {
        const ALPHABET: &[&str] = &[
            "\"", "\\", ",", ";", "=", " ", "/", ":", "-", "0", "9", "W/", "GMT", "Sun", "Nov",
            "max-age", "Basic", "Bearer", "eyJ", ".", "é", "😀", "\r", "\n", "\0", "*", "q=0",
            "chunked", "https://", "%", "[", "]", "@", "?", "#",
        ];
        let names = READ;
        let base = url::Url::parse("https://h/a/b").unwrap();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for _ in 0..3_000 {
            let len = next(12);
            let value: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect();
            for name in names {
                if let Some(r) = read_header(name, &value, Some(&base)) {
                    assert!(!r.contains('\n') && !r.contains('\r'), "{name}: {value:?}");
                }
            }
            let hs = vec![(names[next(names.len())].to_string(), value.clone())];
            crate::explain::request_lints("GET", &value, &hs, Some(value.as_bytes()), true);
            crate::explain::response_lints(next(700) as u16, &hs);
        }
    }
}
