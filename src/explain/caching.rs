//! Readings of caching and freshness headers: Cache-Control, ETag, Vary,
//! Age, Expires, Retry-After and Strict-Transport-Security. Pure string
//! work; no clock is read, so dates are shown, not counted down.

use super::dates;
use super::text::{clean, delta_seconds, join_capped, name_value, seconds, split_list, unquote};

/// Cache-Control: each directive and what it does, e.g.
/// `"max-age=60 → fresh for 60 s; no-store → never cached"`.
pub(crate) fn cache_control(value: &str) -> Option<String> {
    let items: Vec<String> = split_list(value).into_iter().map(directive).collect();
    (!items.is_empty()).then(|| join_capped(items, "; "))
}

fn directive(item: &str) -> String {
    let (name, arg) = name_value(item);
    let shown = clean(item, 40);
    let arg = arg.map(unquote);
    let secs = arg.as_deref().and_then(delta_seconds).map(seconds);
    let what = match (name.as_str(), secs) {
        ("max-age", Some(s)) => format!("fresh for {s}"),
        ("s-maxage", Some(s)) => format!("shared caches: fresh for {s}"),
        ("stale-while-revalidate", Some(s)) => {
            format!("may serve stale for {s} while revalidating in the background")
        }
        ("stale-if-error", Some(s)) => format!("may serve stale for {s} if the origin errors"),
        ("max-stale", Some(s)) => format!("client accepts responses stale by up to {s}"),
        ("max-stale", None) if arg.is_none() => "client accepts stale responses of any age".into(),
        ("min-fresh", Some(s)) => format!("client wants responses fresh for at least {s} more"),
        (
            "max-age"
            | "s-maxage"
            | "stale-while-revalidate"
            | "stale-if-error"
            | "max-stale"
            | "min-fresh",
            None,
        ) => "needs a number of seconds (ignored)".into(),
        ("no-store", _) => "never cached".into(),
        ("no-cache", _) => "may be stored but must be revalidated before every use".into(),
        ("private", _) => "only the browser's own cache may store it, not shared caches".into(),
        ("public", _) => "any cache may store it, even if it normally wouldn't".into(),
        ("must-revalidate", _) => "once stale, must revalidate (never serve stale)".into(),
        ("proxy-revalidate", _) => "shared caches must revalidate once stale".into(),
        ("must-understand", _) => "store only if the cache understands the status code".into(),
        ("immutable", _) => "won't change while fresh: don't revalidate on reload".into(),
        ("no-transform", _) => "intermediaries must not alter the body (e.g. recompress)".into(),
        ("only-if-cached", _) => "client wants a cached response or a 504, no network".into(),
        _ => "unknown directive (ignored by caches)".into(),
    };
    format!("{shown} → {what}")
}

/// ETag: strong or weak validator, and how to use it.
pub(crate) fn etag(value: &str) -> String {
    let v = value.trim();
    let (weak, tag) = match v.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    if tag.len() < 2 || !tag.starts_with('"') || !tag.ends_with('"') {
        return "malformed: an entity tag must be a quoted string, e.g. \"abc\" or W/\"abc\""
            .into();
    }
    match weak {
        true => "weak validator: semantically equivalent, not byte-identical; \
                 send it in If-None-Match to get 304s"
            .into(),
        false => "strong validator: byte-for-byte identity; \
                  usable in If-None-Match, If-Match and If-Range"
            .into(),
    }
}

/// Vary: which request headers caches must key on.
pub(crate) fn vary(value: &str) -> Option<String> {
    let names: Vec<&str> = split_list(value);
    if names.contains(&"*") {
        return Some("varies on things outside the request: caches can't reuse it".into());
    }
    if names.is_empty() {
        return None;
    }
    let names = names.into_iter().map(|n| clean(n, 40)).collect();
    Some(format!(
        "caches keep a separate copy per {}",
        join_capped(names, ", ")
    ))
}

/// Age: time already spent in caches.
pub(crate) fn age(value: &str) -> String {
    match delta_seconds(value.trim()) {
        Some(0) => "fresh from the origin (0 s in cache)".into(),
        Some(n) => format!("served from a cache: stored {} ago", seconds(n)),
        None => "not a number of seconds".into(),
    }
}

/// Date, Last-Modified, If-Modified-Since, If-Unmodified-Since.
pub(crate) fn date(value: &str) -> String {
    dates::reading(value)
        .unwrap_or_else(|| "not an HTTP-date (expected e.g. Sun, 06 Nov 1994 08:49:37 GMT)".into())
}

/// Expires: like a date, but an invalid one means "already expired".
pub(crate) fn expires(value: &str) -> String {
    match dates::reading(value) {
        Some(r) => format!("stale after {r} (ignored if Cache-Control has max-age)"),
        None => "not a valid date: caches treat it as already expired".into(),
    }
}

/// Retry-After: delta-seconds or an HTTP-date.
pub(crate) fn retry_after(value: &str) -> String {
    let v = value.trim();
    if let Some(n) = delta_seconds(v) {
        return format!("retry in {}", seconds(n));
    }
    match dates::parse_http_date(v) {
        Some(t) => format!("retry at {}", dates::format_utc(t)),
        None => "neither seconds nor an HTTP-date: clients can't use it".into(),
    }
}

/// Strict-Transport-Security: how long and how wide HTTPS is enforced.
pub(crate) fn hsts(value: &str) -> String {
    let (mut max_age, mut subdomains, mut preload) = (None, false, false);
    for item in value.split(';') {
        match name_value(item) {
            (n, Some(v)) if n == "max-age" => max_age = delta_seconds(&unquote(v)),
            (n, None) if n == "includesubdomains" => subdomains = true,
            (n, None) if n == "preload" => preload = true,
            _ => {}
        }
    }
    let mut out = match max_age {
        None => return "no valid max-age: browsers ignore this header".into(),
        Some(0) => "max-age=0: forget HSTS for this host".to_string(),
        Some(n) => format!("browsers use only HTTPS for this host for {}", seconds(n)),
    };
    if subdomains {
        out.push_str(", including subdomains");
    }
    if preload {
        out.push_str("; asks to be in browsers' preload list");
    }
    out.push_str(" (ignored when received over plain http)");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_directives() {
        assert_eq!(
            cache_control("max-age=60, no-store").unwrap(),
            "max-age=60 → fresh for 60 s; no-store → never cached"
        );
        let r = cache_control("public, s-maxage=3600, immutable, x-foo").unwrap();
        assert!(r.contains("s-maxage=3600 → shared caches: fresh for 3,600 s (1 h)"));
        assert!(r.contains("immutable → won't change"));
        assert!(r.contains("x-foo → unknown directive"));
        assert!(cache_control("max-age=abc")
            .unwrap()
            .contains("needs a number"));
        assert!(cache_control("max-age=\"60\"")
            .unwrap()
            .contains("fresh for 60 s"));
        assert!(cache_control("NO-CACHE")
            .unwrap()
            .contains("revalidated before every use"));
        assert!(cache_control(" , ").is_none());
    }

    #[test]
    fn etags() {
        assert!(etag("\"abc\"").starts_with("strong validator"));
        assert!(etag("W/\"abc\"").starts_with("weak validator"));
        assert!(etag("abc").starts_with("malformed"));
        assert!(etag("\"").starts_with("malformed"));
        assert!(etag("W/").starts_with("malformed"));
    }

    #[test]
    fn vary_and_age() {
        assert_eq!(
            vary("Accept-Encoding, Origin").unwrap(),
            "caches keep a separate copy per Accept-Encoding, Origin"
        );
        assert!(vary("*").unwrap().contains("can't reuse"));
        assert!(vary("").is_none());
        assert!(age("120").contains("120 s (2 min) ago"));
        assert!(age("x").contains("not a number"));
    }

    #[test]
    fn dates_and_expiry() {
        assert_eq!(
            date("Wed, 21 Oct 2015 07:28:00 GMT"),
            "2015-10-21 07:28:00 UTC (Wed)"
        );
        assert!(date("yesterday").starts_with("not an HTTP-date"));
        assert!(expires("0").contains("already expired"));
        assert!(expires("Wed, 21 Oct 2015 07:28:00 GMT").contains("2015-10-21"));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after("120"), "retry in 120 s (2 min)");
        assert_eq!(retry_after("5"), "retry in 5 s");
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            "retry at 2015-10-21 07:28:00 UTC (Wed)"
        );
        assert!(retry_after("-5").starts_with("neither"));
        assert!(retry_after("soon").starts_with("neither"));
    }

    #[test]
    fn hsts_readings() {
        let r = hsts("max-age=31536000; includeSubDomains; preload");
        assert!(r.contains("for 31,536,000 s (1 year)"), "{r}");
        assert!(r.contains("including subdomains") && r.contains("preload"));
        assert!(hsts("max-age=0").contains("forget HSTS"));
        assert!(hsts("includeSubDomains").contains("no valid max-age"));
        assert!(hsts("max-age=\"300\"").contains("300 s (5 min)"));
    }
}
