//! Readings of cookie headers: Set-Cookie (name and what each attribute
//! does) and Cookie (which cookies are sent). Cookie values are session
//! secrets as often as not, so they are never echoed. `parse_set_cookie` is
//! shared with the lints. Pure functions; must not import ratatui or crossterm.

use super::dates;
use super::text::{clean, join_capped, name_value, seconds};

/// The attributes of one Set-Cookie, shared with the lints.
#[derive(Debug, Default)]
pub(crate) struct SetCookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<String>,
    pub max_age: Option<String>,
    pub expires: Option<String>,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub partitioned: bool,
}

pub(crate) fn parse_set_cookie(value: &str) -> SetCookie {
    let mut parts = value.split(';');
    let first = parts.next().unwrap_or("");
    // RFC 6265bis: a pair without '=' is a cookie with an empty name.
    let name = first.split_once('=').map(|(n, _)| n.trim()).unwrap_or("");
    let mut c = SetCookie {
        name: name.to_string(),
        ..SetCookie::default()
    };
    for attr in parts {
        let (n, v) = name_value(attr);
        let v = v.map(str::to_string);
        match n.as_str() {
            "secure" => c.secure = true,
            "httponly" => c.http_only = true,
            "partitioned" => c.partitioned = true,
            "samesite" => c.same_site = v,
            "max-age" => c.max_age = v,
            "expires" => c.expires = v,
            "path" => c.path = v,
            "domain" => c.domain = v,
            _ => {}
        }
    }
    c
}

/// Set-Cookie: the cookie's name and what its attributes do; value hidden.
pub(crate) fn set_cookie(value: &str) -> String {
    let c = parse_set_cookie(value);
    let mut out = vec![format!("cookie '{}' (value hidden)", clean(&c.name, 40))];
    out.push(match c.secure {
        true => "Secure".into(),
        false => "not Secure: also sent over plain http".into(),
    });
    out.push(match c.http_only {
        true => "HttpOnly".into(),
        false => "not HttpOnly: scripts can read it".into(),
    });
    match c
        .same_site
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("none") if !c.secure => {
            out.push("SameSite=None without Secure: browsers reject it".into())
        }
        Some("strict") => out.push("SameSite=Strict: never sent on cross-site requests".into()),
        Some("lax") => out.push("SameSite=Lax: sent on top-level navigations only".into()),
        Some("none") => out.push("SameSite=None: sent on cross-site requests too".into()),
        Some(other) => out.push(format!(
            "SameSite '{}' is not Strict/Lax/None",
            clean(other, 20)
        )),
        None => out.push("no SameSite: browsers default to Lax".into()),
    }
    // Max-Age wins over Expires when both are present (RFC 6265 §5.3).
    match (c.max_age.as_deref(), c.expires.as_deref()) {
        (Some(m), _) => match m.parse::<i64>() {
            Ok(n) if n <= 0 => out.push("Max-Age ≤ 0: deletes the cookie".into()),
            Ok(n) => out.push(format!("kept for {}", seconds(n.unsigned_abs()))),
            Err(_) => out.push(format!(
                "Max-Age '{}' is not a number (ignored)",
                clean(m, 20)
            )),
        },
        (None, Some(e)) => match dates::parse_http_date(e) {
            Some(t) => out.push(format!("expires {}", dates::format_utc(t))),
            None => out.push(format!("Expires '{}' is not a valid date", clean(e, 40))),
        },
        (None, None) => out.push("session cookie: gone when the browser closes".into()),
    }
    if let Some(p) = &c.path {
        out.push(format!("Path={}", clean(p, 40)));
    }
    match &c.domain {
        Some(d) => out.push(format!("Domain={} (and its subdomains)", clean(d, 40))),
        None => out.push("host-only".into()),
    }
    if c.partitioned {
        out.push("Partitioned (CHIPS)".into());
    }
    out.join("; ")
}

/// Cookie (request): which cookies are sent, never their values.
pub(crate) fn cookie(value: &str) -> String {
    let names: Vec<String> = value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| clean(p.split_once('=').map(|(n, _)| n.trim()).unwrap_or(""), 40))
        .collect();
    match names.len() {
        0 => "empty: no cookies".into(),
        1 => format!("1 cookie: {} (value hidden)", names[0]),
        n => format!("{n} cookies: {} (values hidden)", join_capped(names, ", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_hides_value() {
        let r = set_cookie(
            "sid=VALUE-XYZ-123; Secure; HttpOnly; SameSite=Lax; Max-Age=3600; Path=/; Domain=example.com",
        );
        assert_eq!(
            r,
            "cookie 'sid' (value hidden); Secure; HttpOnly; SameSite=Lax: sent on top-level navigations only; kept for 3,600 s (1 h); \
             Path=/; Domain=example.com (and its subdomains)"
        );
        assert!(!r.contains("VALUE-XYZ"));
        let r = set_cookie("theme=dark");
        assert!(r.contains("not Secure") && r.contains("not HttpOnly"));
        assert!(
            r.contains("no SameSite") && r.contains("session cookie") && r.contains("host-only")
        );
        assert!(set_cookie("a=b; Max-Age=0").contains("deletes the cookie"));
        assert!(set_cookie("a=b; SameSite=None").contains("browsers reject it"));
        let r = set_cookie("a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT");
        assert!(r.contains("expires 2015-10-21 07:28:00 UTC"), "{r}");
        let c = parse_set_cookie("n=v; secure; HTTPONLY");
        assert!(c.secure && c.http_only && c.name == "n");
    }

    #[test]
    fn cookie_lists_names_only() {
        let r = cookie("session=AAA111; theme=BBB222");
        assert_eq!(r, "2 cookies: session, theme (values hidden)");
        assert!(!r.contains("AAA111") && !r.contains("BBB222"));
        assert_eq!(cookie("a=1"), "1 cookie: a (value hidden)");
        assert_eq!(cookie(" ; "), "empty: no cookies");
    }
}
