//! HTTPie export: an `http` command (bash/zsh quoting) that sends the
//! same request. HTTPie adds headers of its own (JSON `Accept` and
//! `Content-Type` for a body, requests' `Accept-Encoding` and
//! `Connection`); the command unsets those wirescope did not send.
//!
//! Request items are HTTPie's own little language inside each shell word:
//! `Name:value`, `Name;` for an empty value, and `\` before `:`, `;`, `=`
//! or `@` to keep it literal. Every item is escaped for HTTPie first, then
//! quoted for the shell.

use super::export::{body_text, has_header, secs, wire_url, MAX_ARG_BODY, RAW_NOTE};
use super::shell;
use crate::wire::{HttpVersion, RequestSpec, Verify};

/// Characters HTTPie reads as item separators unless escaped.
const SPECIAL: &[char] = &[':', ';', '=', '@'];

/// An `http` command line for HTTPie 3.
pub fn to_httpie(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("# {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let mut notes: Vec<String> = Vec::new();
    if !spec.method.bytes().all(|b| b.is_ascii_alphabetic()) {
        notes.push(
            "HTTPie takes only letters as a method name: this one will be read as a URL.".into(),
        );
    } else if spec.method != spec.method.to_ascii_uppercase() {
        notes.push("HTTPie sends the method in upper case.".into());
    }
    if !matches!(o.http, HttpVersion::Auto | HttpVersion::Http1) {
        notes.push("HTTPie speaks HTTP/1.1 only; wirescope was asked for HTTP/2.".into());
    }
    if o.retry.attempts > 1 {
        notes.push("HTTPie does not retry; wirescope did.".into());
    }
    let stdin_body = matches!(body_text(spec), Some(None))
        || spec
            .body
            .as_ref()
            .is_some_and(|b| b.contains(&0) || b.len() > MAX_ARG_BODY);
    if stdin_body {
        notes.push("The body is too large or not text a shell argument can hold: save it to body.bin first.".into());
    }
    let mut opts: Vec<String> = Vec::new();
    if !stdin_body {
        // Otherwise HTTPie reads a body from stdin whenever it is not a
        // terminal (scripts, CI).
        opts.push("--ignore-stdin".into());
    }
    if o.redirects.follow {
        opts.push("--follow".into());
        opts.push(format!("--max-redirects={}", o.redirects.max));
    }
    match (&o.tls.verify, &o.tls.ca_file) {
        (Verify::Off, _) => opts.push("--verify=no".into()),
        (Verify::On, Some(ca)) => opts.push(shell::quote(
            format!("--verify={}", ca.to_string_lossy()).as_bytes(),
        )),
        (Verify::On, None) => {}
    }
    if let Some(c) = &o.tls.client_cert {
        opts.push(shell::quote(
            format!("--cert={}", c.to_string_lossy()).as_bytes(),
        ));
    }
    if let Some(k) = &o.tls.client_key {
        opts.push(shell::quote(
            format!("--cert-key={}", k.to_string_lossy()).as_bytes(),
        ));
    }
    // One number: HTTPie's timeout bounds connecting and each read alike.
    opts.push(format!("--timeout={}", secs(o.read_timeout)));

    let mut items: Vec<String> = Vec::new();
    for default in ["Accept-Encoding", "Connection"] {
        if !has_header(spec, default) {
            items.push(format!("{default}:"));
        }
    }
    if !has_header(spec, "accept") {
        items.push("Accept:*/*".into());
    }
    if spec.body.is_some() && !has_header(spec, "content-type") {
        items.push("Content-Type:".into());
    }
    for (n, v) in &spec.headers {
        if n.contains('\\') || v.contains('\\') {
            let lost = n
                .chars()
                .chain(v.chars())
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == '\\' && SPECIAL.contains(&w[1]));
            if lost {
                notes.push(
                    "HTTPie cannot send a '\\' just before ':', ';', '=' or '@' in a header: it sends two."
                        .into(),
                );
            }
        }
        items.push(if v.is_empty() {
            format!("{};", escape(n))
        } else {
            format!("{}:{}", escape(n), escape(v))
        });
    }
    let empty = spec.body.as_ref().is_some_and(Vec::is_empty);
    let method = spec.method.to_ascii_uppercase();
    if empty && matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") && !framed(spec) {
        // requests sends no length for an empty body of these methods.
        items.push("Content-Length:0".into());
    }
    if spec.body.is_none() && !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        notes.push(format!(
            "HTTPie adds \"Content-Length: 0\" to a {} without a body.",
            printable(&spec.method)
        ));
    }

    let mut out = String::new();
    for n in &notes {
        out.push_str("# ");
        out.push_str(n);
        out.push('\n');
    }
    out.push_str("http");
    for o in &opts {
        out.push(' ');
        out.push_str(o);
    }
    out.push(' ');
    out.push_str(&shell::quote(spec.method.as_bytes()));
    out.push(' ');
    out.push_str(&shell::quote(wire_url(spec).as_bytes()));
    for item in &items {
        out.push_str(" \\\n  ");
        out.push_str(&shell::quote(item.as_bytes()));
    }
    match (&spec.body, stdin_body) {
        (Some(_), true) => out.push_str(" \\\n  < body.bin"),
        (Some(body), false) => {
            out.push_str(" \\\n  --raw ");
            out.push_str(&shell::quote(body));
        }
        (None, _) => {}
    }
    out.push('\n');
    out
}

/// `\` before each character HTTPie would read as a separator.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the request frames its own body.
fn framed(spec: &RequestSpec) -> bool {
    has_header(spec, "content-length") || has_header(spec, "transfer-encoding")
}

/// Text safe inside a `#` comment line.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}
