//! Credential redaction before anything is written to disk: credential
//! headers (Authorization, Proxy-Authorization, Cookie, Set-Cookie and
//! token-like names), token-like query parameters, and passwords in URLs
//! become `REDACTED` — in parsed headers, in URLs, and in the raw bytes
//! of HTTP/1 heads. Names, schemes and cookie attributes are kept: they
//! are not secret, and they are what a person reading history needs.
//! Bodies are left as they are.

use super::wire_view::head_end;
use crate::wire::exchange::Dir;

/// Whether credentials are replaced before an exchange is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Redaction {
    #[default]
    On,
    /// Store exactly what crossed the wire, secrets included.
    Off,
}

pub const REDACTED: &str = "REDACTED";

/// Headers whose value is a credential.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "set-cookie2"
    ) || [
        "token", "secret", "password", "api-key", "apikey", "api_key",
    ]
    .iter()
    .any(|w| n.contains(w))
        || n.ends_with("-key")
}

/// Query parameters that carry credentials (`api_key`, `token`, `sig`,
/// AWS's `X-Amz-Signature`, …).
pub fn is_secret_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    matches!(
        n.as_str(),
        "key" | "auth" | "sig" | "pwd" | "passwd" | "session" | "sessionid" | "code_verifier"
    ) || [
        "token",
        "secret",
        "password",
        "signature",
        "api_key",
        "apikey",
        "credential",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// The value to store for a header, keeping what is not secret: the auth
/// scheme, cookie names and attributes.
pub fn header_value(name: &str, value: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    if !is_secret_header(&n) {
        return match n.as_str() {
            "location" | "content-location" | "referer" | "origin" => url(value),
            _ => value.to_string(),
        };
    }
    match n.as_str() {
        "authorization" | "proxy-authorization" => match value.trim().split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {REDACTED}"),
            None => REDACTED.into(),
        },
        "cookie" => value
            .split(';')
            .map(|c| match c.split_once('=') {
                Some((k, _)) => format!("{k}={REDACTED}"),
                None => c.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        "set-cookie" | "set-cookie2" => match value.split_once(';') {
            Some((nv, attrs)) => format!("{};{attrs}", cookie_pair(nv)),
            None => cookie_pair(value),
        },
        _ => REDACTED.into(),
    }
}

/// A request to export with its credentials replaced (headers, URL,
/// raw bytes; the body as it is), or `None` when it holds none.
pub fn spec(s: &crate::wire::RequestSpec) -> Option<crate::wire::RequestSpec> {
    let mut out = s.clone();
    for (n, v) in &mut out.headers {
        *v = header_value(n, v);
    }
    out.url = url(&s.url);
    // The proxy's password, in its URL or in --proxy-user.
    let proxy = &mut out.options.proxy;
    if let Some(f) = &mut proxy.flag {
        *f = match f.contains("://") {
            true => url(f),
            false => url(&format!("http://{f}"))
                .strip_prefix("http://")
                .map(str::to_string)
                .unwrap_or_default(),
        };
    }
    if let Some(u) = &mut proxy.user {
        if let Some((name, _)) = u.split_once(':') {
            *u = format!("{name}:{REDACTED}");
        }
    }
    if let Some(raw) = &mut out.raw {
        *raw = h1_bytes(raw, Dir::Sent);
    }
    (out != *s).then_some(out)
}

fn cookie_pair(nv: &str) -> String {
    match nv.split_once('=') {
        Some((k, _)) => format!("{k}={REDACTED}"),
        None => REDACTED.into(),
    }
}

/// A URL (absolute, or an origin-form target like `/p?q`) with secret
/// query values and any userinfo password replaced; everything else is
/// kept byte for byte.
pub fn url(u: &str) -> String {
    let (before_frag, frag) = match u.find('#') {
        Some(i) => u.split_at(i),
        None => (u, ""),
    };
    let (base, query) = match before_frag.find('?') {
        Some(i) => (&before_frag[..i], Some(&before_frag[i + 1..])),
        None => (before_frag, None),
    };
    let mut out = userinfo(base);
    if let Some(q) = query {
        out.push('?');
        let parts: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if is_secret_param(&percent_decode(k)) => format!("{k}={REDACTED}"),
                _ => p.to_string(),
            })
            .collect();
        out.push_str(&parts.join("&"));
    }
    out.push_str(frag);
    out
}

/// Free text (a warning, an error message, a redirect note) with every
/// URL in it redacted: messages quote the URLs they are about, the
/// request's own or the next hop's.
pub fn urls_in_text(text: &str) -> String {
    // Characters that end a URL quoted in prose; `[` and `]` do not
    // (IPv6 hosts), `,` does not (queries).
    let ends = |c: char| c.is_whitespace() || "'\"<>(){}`".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !ends(c)) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let len = rest.find(ends).unwrap_or(rest.len());
        let word = &rest[..len];
        if word.contains("://") {
            out.push_str(&url(word));
        } else {
            out.push_str(word);
        }
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// `scheme://user:password@host` → `scheme://user:REDACTED@host`.
fn userinfo(base: &str) -> String {
    let Some(start) = base.find("://").map(|i| i + 3) else {
        return base.to_string();
    };
    let end = base[start..].find('/').map_or(base.len(), |i| start + i);
    let authority = &base[start..end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => {
                format!("{}{user}:{REDACTED}{}", &base[..start], &base[start + at..])
            }
            None => base.to_string(),
        },
        None => base.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Redacts the HTTP/1 heads in one direction's bytes: the request head
/// (`Dir::Sent`), or each interim (1xx) head and the final head of a
/// response (`Dir::Received`). What follows the last head (the body) is
/// kept as is.
pub fn h1_bytes(bytes: &[u8], dir: Dir) -> Vec<u8> {
    let request = dir == Dir::Sent;
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        // A head cut off by the capture cap is still a head: redact it all.
        let end = head_end(rest).unwrap_or(rest.len());
        let head = &rest[..end];
        out.extend_from_slice(&head_bytes(head, request));
        pos += end;
        let interim = !request && head.starts_with(b"HTTP/") && {
            let code = head.get(9..12).unwrap_or_default();
            code.first() == Some(&b'1') && code != b"101"
        };
        if !interim {
            break;
        }
    }
    out.extend_from_slice(&bytes[pos..]);
    out
}

fn head_bytes(head: &[u8], request: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 32);
    let mut secret_fold = false;
    for (i, line) in head.split_inclusive(|&b| b == b'\n').enumerate() {
        let body_len = line.len() - eol_len(line);
        let (content, eol) = line.split_at(body_len);
        let text = String::from_utf8_lossy(content);
        if i == 0 {
            if request {
                // METHOD SP target SP version: only the target can hold secrets.
                let mut parts = text.splitn(3, ' ');
                let (m, t, rest) = (parts.next(), parts.next(), parts.next());
                match (m, t) {
                    (Some(m), Some(t)) => {
                        let mut l = format!("{m} {}", url(t));
                        if let Some(r) = rest {
                            l.push(' ');
                            l.push_str(r);
                        }
                        out.extend_from_slice(l.as_bytes());
                    }
                    _ => out.extend_from_slice(content),
                }
            } else {
                out.extend_from_slice(content);
            }
        } else if content.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            // obs-fold: a continuation of the previous header's value.
            if secret_fold {
                out.extend_from_slice(format!(" {REDACTED}").as_bytes());
            } else {
                out.extend_from_slice(content);
            }
        } else if let Some(colon) = content.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&content[..colon]);
            let raw_value = &content[colon + 1..];
            let lead = raw_value
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            let value = String::from_utf8_lossy(&raw_value[lead..]);
            let new = header_value(&name, &value);
            secret_fold = is_secret_header(&name);
            if new == value {
                out.extend_from_slice(content);
            } else {
                out.extend_from_slice(&content[..colon + 1 + lead]);
                out.extend_from_slice(new.as_bytes());
            }
        } else {
            out.extend_from_slice(content);
        }
        out.extend_from_slice(eol);
    }
    out
}

fn eol_len(line: &[u8]) -> usize {
    if line.ends_with(b"\r\n") {
        2
    } else if line.ends_with(b"\n") {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_all_but_secrets() {
        assert_eq!(
            url("https://u:pw@h/p?a=1&api_key=s3&X-Amz-Signature=ab&key=k#f"),
            "https://u:REDACTED@h/p?a=1&api_key=REDACTED&X-Amz-Signature=REDACTED&key=REDACTED#f"
        );
        assert_eq!(
            url("/p?monkey=1&access%5Ftoken=t"),
            "/p?monkey=1&access%5Ftoken=REDACTED"
        );
    }

    #[test]
    fn urls_in_messages() {
        assert_eq!(
            urls_in_text("redirect to 'https://h/p?token=t&a=1' (from http://u:pw@[::1]:8/x)\nok"),
            "redirect to 'https://h/p?token=REDACTED&a=1' (from http://u:REDACTED@[::1]:8/x)\nok"
        );
        assert_eq!(urls_in_text(" no urls, key=v "), " no urls, key=v ");
    }

    #[test]
    fn header_values_keep_scheme_and_names() {
        assert_eq!(
            header_value("Authorization", "Bearer abc"),
            "Bearer REDACTED"
        );
        assert_eq!(header_value("cookie", "a=1; b=2"), "a=REDACTED; b=REDACTED");
        assert_eq!(
            header_value("Set-Cookie", "sid=xyz; Path=/; HttpOnly"),
            "sid=REDACTED; Path=/; HttpOnly"
        );
        assert_eq!(header_value("X-Api-Key", "k"), "REDACTED");
        assert_eq!(header_value("Accept", "*/*"), "*/*");
    }

    #[test]
    fn raw_heads_are_redacted_bodies_kept() {
        let sent =
            b"GET /x?token=t1 HTTP/1.1\r\nAuthorization: Basic dTpw\r\nX-A: 1\r\n\r\ntoken=body";
        let r = String::from_utf8_lossy(&h1_bytes(sent, Dir::Sent)).into_owned();
        assert_eq!(
            r,
            "GET /x?token=REDACTED HTTP/1.1\r\nAuthorization: Basic REDACTED\r\nX-A: 1\r\n\r\ntoken=body"
        );
        let recv = b"HTTP/1.1 100 Continue\r\nSet-Cookie: a=1\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: b=2\r\n\r\nSet-Cookie: c=3";
        let r = String::from_utf8_lossy(&h1_bytes(recv, Dir::Received)).into_owned();
        assert!(r.contains("a=REDACTED") && r.contains("b=REDACTED") && r.ends_with("c=3"));
    }
}
