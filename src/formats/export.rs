//! Code export: the current request as a curl command, an HTTPie command,
//! Python (`requests`, `httpx`: `export_python.rs`), Rust `reqwest` or
//! JavaScript `fetch` (`export_code.rs`), or the raw HTTP/1.1 bytes
//! (`export_raw.rs`), to paste into a terminal or a program. Every piece
//! of user data goes through a quoting function (`shell::quote`,
//! `quote::*`), never into a comment, so hostile input cannot break out
//! of its literal.
//!
//! Each export sends what wirescope sends: the same method, target,
//! headers (order and case) and body. Where a client adds headers of its
//! own, the export removes them; where it cannot, a comment says so.

use std::time::Duration;

use super::shell;
use crate::wire::{CookieJar, HttpVersion, Options, RequestSpec, Verify};

pub use super::export_code::{to_fetch, to_reqwest};
pub use super::export_httpie::to_httpie;
pub use super::export_python::{to_httpx, to_python};
pub use super::export_raw::to_raw;

/// The export targets, as the CLI and the TUI name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Curl,
    Httpie,
    /// Python `requests`.
    Python,
    /// Python `httpx`.
    Httpx,
    /// Rust `reqwest`.
    Reqwest,
    /// JavaScript `fetch`.
    Fetch,
    /// The HTTP/1.1 bytes wirescope writes to the socket.
    Raw,
}

/// Canonical name, then aliases.
const NAMES: [(ExportFormat, &[&str]); 7] = [
    (ExportFormat::Curl, &["curl"]),
    (ExportFormat::Httpie, &["httpie"]),
    (ExportFormat::Python, &["python", "requests"]),
    (ExportFormat::Httpx, &["httpx"]),
    (ExportFormat::Reqwest, &["reqwest", "rust"]),
    (ExportFormat::Fetch, &["fetch", "js"]),
    (ExportFormat::Raw, &["raw"]),
];

impl ExportFormat {
    /// Every format, in the order menus list them.
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Curl,
        ExportFormat::Httpie,
        ExportFormat::Python,
        ExportFormat::Httpx,
        ExportFormat::Reqwest,
        ExportFormat::Fetch,
        ExportFormat::Raw,
    ];

    /// A format by name or alias (`python`/`requests`, `reqwest`/`rust`,
    /// `fetch`/`js`), case-insensitive.
    pub fn from_name(name: &str) -> Result<ExportFormat, String> {
        let wanted = name.trim().to_ascii_lowercase();
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&wanted.as_str()))
            .map(|(f, _)| *f)
            .ok_or_else(|| {
                format!(
                    "unknown export format '{name}' (one of: {})",
                    ExportFormat::names().join(", ")
                )
            })
    }

    /// The canonical names, in menu order.
    pub fn names() -> Vec<&'static str> {
        NAMES.iter().map(|(_, names)| names[0]).collect()
    }

    /// This format's canonical name.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, names)| names[0])
    }
}

/// The request in `format`: source text for the code formats, the exact
/// bytes for `Raw` (a raw-mode request's own bytes).
pub fn export(spec: &RequestSpec, format: ExportFormat) -> Vec<u8> {
    let code = match format {
        ExportFormat::Curl => return to_curl(spec).into_bytes(),
        ExportFormat::Raw => return to_raw(spec),
        ExportFormat::Httpie => to_httpie(spec),
        ExportFormat::Python => to_python(spec),
        ExportFormat::Httpx => to_httpx(spec),
        ExportFormat::Reqwest => to_reqwest(spec),
        ExportFormat::Fetch => to_fetch(spec),
    };
    let comment = match format {
        ExportFormat::Reqwest | ExportFormat::Fetch => "//",
        _ => "#",
    };
    format!("{}{code}", proxy_note(spec, comment)).into_bytes()
}

/// The other clients' code does not set a proxy given with -x: said in a
/// comment above it rather than dropped without a word.
fn proxy_note(spec: &RequestSpec, comment: &str) -> String {
    let p = &spec.options.proxy;
    match p.flag.as_deref() {
        Some("") => format!(
            "{comment} Sent with no proxy (-x \"\"): make sure this client uses none either.\n"
        ),
        Some(url) => {
            let mut note = format!(
                "{comment} Sent through the proxy {url} (-x): configure it in this client, the code below does not."
            );
            if let Some(n) = &p.noproxy {
                note.push_str(&format!(" Hosts that go direct: {n}."));
            }
            note.push('\n');
            note
        }
        None => String::new(),
    }
}

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

/// Whether the request names this header (case-insensitive).
pub(super) fn has_header(spec: &RequestSpec, name: &str) -> bool {
    spec.headers
        .iter()
        .any(|(h, _)| h.eq_ignore_ascii_case(name))
}

/// The URL as the engine puts it on the wire (normalized by the `url`
/// crate: `https://h` becomes `https://h/`, a `'` in the query `%27`).
/// Clients that re-encode URLs themselves then leave it alone.
pub(super) fn wire_url(spec: &RequestSpec) -> String {
    url::Url::parse(&spec.url).map_or_else(|_| spec.url.clone(), |u| u.to_string())
}

/// curl adds `Expect: 100-continue` to a large body (over 1 KiB in older
/// versions, 1 MiB in newer ones); wirescope never does, so a body over
/// the lower bound gets `-H 'Expect:'`.
const CURL_EXPECT_THRESHOLD: usize = 1024;

/// Bodies longer than this go through a file: Linux refuses a single
/// argument over 128 KiB (`MAX_ARG_STRLEN`), and a pasted megabyte is no
/// use to anyone.
pub(super) const MAX_ARG_BODY: usize = 64 * 1024;

/// A curl command (bash/zsh quoting) that sends the same request; parsing
/// it back with `parse_curl` gives the same spec. The URL is kept as
/// written (curl sends it as is), so the round trip is exact.
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
        if !has_header(spec, "content-type") {
            // Without this curl would add a form Content-Type of its own.
            args.push("-H 'Content-Type:'".into());
        }
        if body.len() > CURL_EXPECT_THRESHOLD && !has_header(spec, "expect") {
            args.push("-H 'Expect:'".into());
        }
        if body.contains(&0) || body.len() > MAX_ARG_BODY {
            notes.push("# The body is too large for a shell argument or has NUL bytes,\n# which none can hold: save it to body.bin first.\n");
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
    if let Some(c) = &o.tls.client_cert {
        let path = c.to_string_lossy();
        args.push(format!("--cert {}", shell::quote(path.as_bytes())));
    }
    if let Some(k) = &o.tls.client_key {
        let path = k.to_string_lossy();
        args.push(format!("--key {}", shell::quote(path.as_bytes())));
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
        HttpVersion::Http3 => args.push("--http3".into()),
    }
    if o.connect_timeout != d.connect_timeout {
        args.push(format!("--connect-timeout {}", secs(o.connect_timeout)));
    }
    if o.total_timeout != d.total_timeout {
        args.push(format!("--max-time {}", secs(o.total_timeout)));
    }
    if o.expect_wait != d.expect_wait {
        args.push(format!("--expect100-timeout {}", secs(o.expect_wait)));
    }
    if o.retry.attempts > 1 {
        args.push(format!("--retry {}", o.retry.attempts - 1));
    }
    if o.retry.backoff != d.retry.backoff {
        args.push(format!("--retry-delay {}", secs(o.retry.backoff)));
    }
    // The proxy given on the command line; one from the environment is
    // read again by curl from the same environment.
    if let Some(p) = &o.proxy.flag {
        args.push(format!("--proxy {}", shell::quote(p.as_bytes())));
    }
    if let Some(n) = &o.proxy.noproxy {
        args.push(format!("--noproxy {}", shell::quote(n.as_bytes())));
    }
    if let Some(u) = &o.proxy.user {
        args.push(format!("--proxy-user {}", shell::quote(u.as_bytes())));
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
