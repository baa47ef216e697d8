//! Code export: the current request as a curl command, Python `requests`,
//! Rust `reqwest` (in `export_code.rs`) or JavaScript `fetch`, to paste into
//! a terminal or a program. Every piece of user data goes through a quoting
//! function (`shell::quote`, `quote::*`), never into a comment, so hostile
//! input cannot break out of its literal.

use std::time::Duration;

use super::quote::{python_bytes, python_str};
use super::shell;
use crate::wire::{CookieJar, HttpVersion, Options, RequestSpec, Verify};

pub use super::export_code::{to_fetch, to_reqwest};

/// A raw-mode request has no method/headers/body to translate.
pub(super) const RAW_NOTE: &str = "This request is raw bytes (wirescope --raw): they cannot be \
     expressed with this client. Save them to a file and use: wirescope send --raw FILE URL";

/// Seconds as people write them: `10`, `2.5`.
pub(super) fn secs(d: Duration) -> String {
    let s = format!("{:.3}", d.as_secs_f64());
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The body as text, when it is UTF-8 (so it can be a string literal).
pub(super) fn body_text(spec: &RequestSpec) -> Option<Option<&str>> {
    spec.body.as_deref().map(|b| std::str::from_utf8(b).ok())
}

/// A curl command (bash/zsh quoting) that sends the same request; parsing
/// it back with `parse_curl` gives the same spec.
pub fn to_curl(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("# {RAW_NOTE}\n");
    }
    let url = shell::quote(spec.url.as_bytes());
    let mut args: Vec<String> = Vec::new();
    // A URL that starts with `-` would be read as an option.
    let first = if spec.url.starts_with('-') {
        format!("curl --url {url}")
    } else {
        format!("curl {url}")
    };
    let has_body = spec.body.is_some();
    match spec.method.as_str() {
        "GET" if !has_body => {}
        "POST" if has_body => {}
        "HEAD" if !has_body => args.push("--head".into()),
        m => args.push(format!("-X {}", shell::quote(m.as_bytes()))),
    }
    for (n, v) in &spec.headers {
        // `Name:` with nothing after it tells curl to drop the header;
        // `Name;` is curl's spelling of an empty value.
        let h = if v.is_empty() {
            format!("{n};")
        } else {
            format!("{n}: {v}")
        };
        args.push(format!("-H {}", shell::quote(h.as_bytes())));
    }
    let mut notes = Vec::new();
    if let Some(body) = &spec.body {
        let has = |name: &str| {
            spec.headers
                .iter()
                .any(|(h, _)| h.eq_ignore_ascii_case(name))
        };
        if !has("content-type") {
            // Without this curl would add a form Content-Type of its own.
            args.push("-H 'Content-Type:'".into());
        }
        if body.contains(&0) {
            notes.push("# The body has NUL bytes, which no shell argument can hold:\n# save it to body.bin first.\n");
            args.push("--data-binary @body.bin".into());
        } else {
            args.push(format!("--data-raw {}", shell::quote(body)));
        }
    }
    args.extend(curl_options(&spec.options));
    let mut out: String = notes.concat();
    out.push_str(&first);
    for a in args {
        out.push_str(" \\\n  ");
        out.push_str(&a);
    }
    out.push('\n');
    out
}

fn curl_options(o: &Options) -> Vec<String> {
    let d = Options::default();
    let mut args = Vec::new();
    if o.tls.verify == Verify::Off {
        args.push("--insecure".into());
    }
    if let Some(ca) = &o.tls.ca_file {
        let path = ca.to_string_lossy();
        args.push(format!("--cacert {}", shell::quote(path.as_bytes())));
    }
    if o.redirects.follow {
        args.push("--location".into());
        // curl's own default is 50; say ours.
        args.push(format!("--max-redirs {}", o.redirects.max));
    }
    match o.http {
        HttpVersion::Auto => {}
        HttpVersion::Http1 => args.push("--http1.1".into()),
        HttpVersion::Http2 => args.push("--http2".into()),
        HttpVersion::Http2PriorKnowledge => args.push("--http2-prior-knowledge".into()),
    }
    if o.connect_timeout != d.connect_timeout {
        args.push(format!("--connect-timeout {}", secs(o.connect_timeout)));
    }
    if o.total_timeout != d.total_timeout {
        args.push(format!("--max-time {}", secs(o.total_timeout)));
    }
    if o.retry.attempts > 1 {
        args.push(format!("--retry {}", o.retry.attempts - 1));
    }
    if o.retry.backoff != d.retry.backoff {
        args.push(format!("--retry-delay {}", secs(o.retry.backoff)));
    }
    if o.cookies == CookieJar::On {
        // An empty -b switches curl's cookie engine on without a file.
        args.push("--cookie ''".into());
    }
    args
}

/// Headers with one value per name: what a dict-based client can hold.
/// Repeats are joined (`; ` for Cookie, `, ` otherwise, RFC 9110 §5.3).
pub(super) fn merged_headers(spec: &RequestSpec) -> (Vec<(String, String)>, bool) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut merged = false;
    for (n, v) in &spec.headers {
        match out.iter_mut().find(|(h, _)| h.eq_ignore_ascii_case(n)) {
            Some((_, prev)) => {
                let sep = if n.eq_ignore_ascii_case("cookie") {
                    "; "
                } else {
                    ", "
                };
                prev.push_str(sep);
                prev.push_str(v);
                merged = true;
            }
            None => out.push((n.clone(), v.clone())),
        }
    }
    (out, merged)
}

/// Python 3 with `requests`.
pub fn to_python(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("# {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let mut out = String::from("import requests\n\n");
    let (headers, merged) = merged_headers(spec);
    if merged {
        out.push_str("# requests keeps one value per header name: repeated headers are joined.\n");
    }
    if o.http != HttpVersion::Auto && o.http != HttpVersion::Http1 {
        out.push_str("# requests speaks HTTP/1.1 only; wirescope was asked for HTTP/2.\n");
    }
    if o.retry.attempts > 1 {
        out.push_str("# wirescope retried failed attempts; requests does not by default.\n");
    }
    out.push_str("response = requests.request(\n");
    out.push_str(&format!("    {},\n", python_str(&spec.method)));
    out.push_str(&format!("    {},\n", python_str(&spec.url)));
    if !headers.is_empty() {
        out.push_str("    headers={\n");
        for (n, v) in &headers {
            out.push_str(&format!(
                "        {}: {},\n",
                python_value(n),
                python_value(v)
            ));
        }
        out.push_str("    },\n");
    }
    match body_text(spec) {
        Some(Some(text)) => out.push_str(&format!(
            "    data={}.encode(\"utf-8\"),\n",
            python_str(text)
        )),
        Some(None) => out.push_str(&format!(
            "    data={},\n",
            python_bytes(spec.body.as_deref().unwrap_or_default())
        )),
        None => {}
    }
    match (&o.tls.verify, &o.tls.ca_file) {
        (Verify::Off, _) => out.push_str("    verify=False,  # TLS verification was off\n"),
        (Verify::On, Some(ca)) => out.push_str(&format!(
            "    verify={},\n",
            python_str(&ca.to_string_lossy())
        )),
        (Verify::On, None) => {}
    }
    // requests follows redirects unless told not to; wirescope does not.
    let follow = if o.redirects.follow { "True" } else { "False" };
    out.push_str(&format!("    allow_redirects={follow},\n"));
    out.push_str(&format!(
        "    timeout=({}, {}),\n",
        secs(o.connect_timeout),
        secs(o.read_timeout)
    ));
    out.push_str(")\n");
    out.push_str("print(response.status_code, response.reason)\n");
    out.push_str("print(response.text)\n");
    out
}

/// Header names and values: `str` when ASCII, else the exact UTF-8 bytes
/// (http.client would encode a `str` as Latin-1 and fail or change it).
fn python_value(s: &str) -> String {
    if s.is_ascii() {
        python_str(s)
    } else {
        format!("{}.encode(\"utf-8\")", python_str(s))
    }
}
