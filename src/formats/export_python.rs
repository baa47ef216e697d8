//! Python exports: `requests` (a `Session` with `(connect, read)`
//! timeouts and, when wirescope retried, an `HTTPAdapter` whose urllib3
//! `Retry` is limited to idempotent methods unless non-idempotent retries
//! were allowed) and `httpx` (a `Client` with an `httpx.Timeout`). Both
//! are set up to send wirescope's headers and none of their own defaults.

use super::export::{body_text, has_header, merged_headers, secs, wire_url, RAW_NOTE};
use super::quote::{python_bytes, python_str};
use crate::wire::{HttpVersion, Options, RequestSpec, Verify};

/// What wirescope's retry policy retries besides failed connections.
const RETRY_STATUSES: &str = "[429, 500, 502, 503, 504]";

/// Python 3 with `requests`.
pub fn to_python(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("# {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let retry = o.retry.attempts > 1;
    let mut out = String::from("import requests\n");
    if retry {
        out.push_str("from requests.adapters import HTTPAdapter\n");
    }
    out.push_str("from urllib3.util import SKIP_HEADER\n");
    if retry {
        out.push_str("from urllib3.util.retry import Retry\n");
    }
    out.push('\n');
    let (headers, merged) = merged_headers(spec);
    if merged {
        out.push_str("# requests keeps one value per header name: repeated headers are joined.\n");
    }
    out.push_str(&client_notes(spec, "requests", requests_zero_length));
    if !matches!(o.http, HttpVersion::Auto | HttpVersion::Http1) {
        out.push_str("# requests speaks HTTP/1.1 only; wirescope was asked for HTTP/2.\n");
    }
    out.push_str("session = requests.Session()\n");
    out.push_str(
        "# requests would add User-Agent, Accept-Encoding, Accept and Connection of its\n\
         # own: start from none, so the server gets the headers wirescope sent.\n",
    );
    out.push_str("session.headers.clear()\n");
    if retry {
        out.push_str(&requests_retry(o));
    }
    if o.redirects.follow {
        out.push_str(&format!("session.max_redirects = {}\n", o.redirects.max));
    }
    out.push_str("\nresponse = session.request(\n");
    out.push_str(&format!("    {},\n", python_str(&spec.method)));
    out.push_str(&format!("    {},\n", python_str(&wire_url(spec))));
    out.push_str("    headers={\n");
    if !has_header(spec, "accept") {
        out.push_str("        \"Accept\": \"*/*\",\n");
    }
    for (n, v) in &headers {
        out.push_str(&format!(
            "        {}: {},\n",
            python_value(n),
            python_value(v)
        ));
    }
    if needs_zero_length(spec, requests_zero_length) {
        out.push_str("        \"Content-Length\": \"0\",\n");
    }
    if !has_header(spec, "accept-encoding") {
        out.push_str("        # Without this http.client adds \"Accept-Encoding: identity\".\n");
        out.push_str("        \"Accept-Encoding\": SKIP_HEADER,\n");
    }
    out.push_str("    },\n");
    if let Some(data) = python_body(spec) {
        out.push_str(&format!("    data={data},\n"));
    }
    // requests follows redirects unless told not to; wirescope does not.
    let follow = if o.redirects.follow { "True" } else { "False" };
    out.push_str(&format!("    allow_redirects={follow},\n"));
    out.push_str(&format!(
        "    timeout=({}, {}),  # (connect, read) seconds\n",
        secs(o.connect_timeout),
        secs(o.read_timeout)
    ));
    match (&o.tls.verify, &o.tls.ca_file) {
        (Verify::Off, _) => out.push_str("    verify=False,  # TLS verification was off\n"),
        (Verify::On, Some(ca)) => out.push_str(&format!(
            "    verify={},\n",
            python_str(&ca.to_string_lossy())
        )),
        (Verify::On, None) => {}
    }
    if let Some(cert) = python_cert(o) {
        out.push_str(&format!(
            "    cert={cert},  # client certificate (mutual TLS)\n"
        ));
    }
    out.push_str(")\n");
    out.push_str("print(response.status_code, response.reason)\n");
    out.push_str("print(response.text)\n");
    out
}

/// The adapter that retries as wirescope did: the same statuses, the same
/// first backoff, and only idempotent methods unless told otherwise
/// (a retried POST may repeat its effect).
fn requests_retry(o: &Options) -> String {
    let r = &o.retry;
    let methods = if r.non_idempotent {
        "None,  # any method, as with --retry-non-idempotent".to_string()
    } else {
        let idempotent: Vec<String> = crate::explain::METHODS
            .iter()
            .filter(|m| m.idempotent)
            .map(|m| python_str(m.name))
            .collect();
        format!("[{}],", idempotent.join(", "))
    };
    format!(
        "# wirescope retried up to {} times on failed connections and {RETRY_STATUSES}.\n\
         retry = Retry(\n    total={},\n    backoff_factor={},\n    status_forcelist={RETRY_STATUSES},\n    \
         allowed_methods={methods}\n    raise_on_status=False,\n)\n\
         adapter = HTTPAdapter(max_retries=retry)\n\
         session.mount(\"http://\", adapter)\n\
         session.mount(\"https://\", adapter)\n",
        r.attempts - 1,
        r.attempts - 1,
        secs(r.backoff),
    )
}

/// Python 3 with `httpx` (sync client).
pub fn to_httpx(spec: &RequestSpec) -> String {
    if spec.raw.is_some() {
        return format!("# {RAW_NOTE}\n");
    }
    let o = &spec.options;
    let mut out = String::from("import httpx\n");
    if o.tls.verify == Verify::On && o.tls.ca_file.is_some() {
        out.push_str("import ssl\n");
    }
    out.push('\n');
    out.push_str(&client_notes(spec, "httpx", httpx_zero_length));
    let mut transport: Vec<String> = Vec::new();
    match (&o.tls.verify, &o.tls.ca_file) {
        (Verify::Off, _) => transport.push("verify=False,  # TLS verification was off".into()),
        (Verify::On, Some(ca)) => transport.push(format!(
            "verify=ssl.create_default_context(cafile={}),",
            python_str(&ca.to_string_lossy())
        )),
        (Verify::On, None) => {}
    }
    if !matches!(o.http, HttpVersion::Auto | HttpVersion::Http1) {
        transport.push("http2=True,  # needs: pip install 'httpx[http2]'".into());
    }
    if let Some(cert) = python_cert(o) {
        transport.push(format!(
            "cert={cert},  # client certificate (httpx 0.28 deprecates this for an ssl context's load_cert_chain)"
        ));
    }
    out.push_str("client = httpx.Client(\n");
    out.push_str(&format!(
        "    timeout=httpx.Timeout(connect={c}, read={r}, write={r}, pool={c}),\n",
        c = secs(o.connect_timeout),
        r = secs(o.read_timeout)
    ));
    let follow = if o.redirects.follow { "True" } else { "False" };
    out.push_str(&format!("    follow_redirects={follow},\n"));
    if o.redirects.follow {
        out.push_str(&format!("    max_redirects={},\n", o.redirects.max));
    }
    if o.retry.attempts > 1 {
        // A client given a transport ignores its own verify/http2.
        out.push_str(&format!(
            "    # httpx retries failed connections only; wirescope also retried {RETRY_STATUSES}.\n    \
             transport=httpx.HTTPTransport(\n        retries={},\n",
            o.retry.attempts - 1
        ));
        for t in &transport {
            out.push_str(&format!("        {t}\n"));
        }
        out.push_str("    ),\n");
    } else {
        for t in &transport {
            out.push_str(&format!("    {t}\n"));
        }
    }
    out.push_str(")\n");
    out.push_str("# httpx would add Accept-Encoding and Connection; wirescope sent neither.\n");
    out.push_str("del client.headers[\"Accept-Encoding\"]\n");
    out.push_str("del client.headers[\"Connection\"]\n\n");
    out.push_str("response = client.request(\n");
    out.push_str(&format!("    {},\n", python_str(&spec.method)));
    out.push_str(&format!("    {},\n", python_str(&wire_url(spec))));
    let zero = needs_zero_length(spec, httpx_zero_length);
    if !spec.headers.is_empty() || zero {
        // Pairs, not a dict: repeated names and their order survive.
        out.push_str("    headers=[\n");
        for (n, v) in &spec.headers {
            out.push_str(&format!(
                "        ({}, {}),\n",
                python_value(n),
                python_value(v)
            ));
        }
        if zero {
            out.push_str("        (\"Content-Length\", \"0\"),\n");
        }
        out.push_str("    ],\n");
    }
    if let Some(content) = python_body(spec) {
        out.push_str(&format!("    content={content},\n"));
    }
    out.push_str(")\n");
    out.push_str("print(response.status_code, response.reason_phrase)\n");
    out.push_str("print(response.text)\n");
    out
}

/// Whether requests sends `Content-Length: 0` for an empty or absent body
/// of this (upper-cased) method.
fn requests_zero_length(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD")
}

/// The same for httpx.
fn httpx_zero_length(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH")
}

/// An empty body the client would send without a length: wirescope sent
/// `Content-Length: 0`, so the export names it.
fn needs_zero_length(spec: &RequestSpec, client_adds: fn(&str) -> bool) -> bool {
    spec.body.as_ref().is_some_and(Vec::is_empty)
        && !has_header(spec, "content-length")
        && !has_header(spec, "transfer-encoding")
        && !client_adds(&spec.method.to_ascii_uppercase())
}

/// Comments on what `client` cannot do as wirescope did; `client_adds`
/// says for which methods it sends `Content-Length: 0` without a body.
fn client_notes(spec: &RequestSpec, client: &str, client_adds: fn(&str) -> bool) -> String {
    let o = &spec.options;
    let d = Options::default();
    let mut out = String::new();
    if spec.method != spec.method.to_ascii_uppercase() {
        out.push_str(&format!("# {client} sends the method in upper case.\n"));
    }
    if spec.body.is_none() && client_adds(&spec.method.to_ascii_uppercase()) {
        out.push_str(&format!(
            "# {client} adds \"Content-Length: 0\" to a {} without a body.\n",
            python_comment(&spec.method)
        ));
    }
    if o.total_timeout != d.total_timeout {
        out.push_str(&format!(
            "# {client} has no deadline for the whole exchange (wirescope's was {} s).\n",
            secs(o.total_timeout)
        ));
    }
    out
}

/// `requests`/`httpx`'s `cert=`: the file, or (cert, key).
fn python_cert(o: &Options) -> Option<String> {
    let cert = python_str(&o.tls.client_cert.as_ref()?.to_string_lossy());
    Some(match &o.tls.client_key {
        Some(k) => format!("({cert}, {})", python_str(&k.to_string_lossy())),
        None => cert,
    })
}

/// Text safe inside a `#` comment: one line, printable ASCII.
fn python_comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

/// The body as a `bytes` expression.
fn python_body(spec: &RequestSpec) -> Option<String> {
    match body_text(spec)? {
        Some(text) => Some(format!("{}.encode(\"utf-8\")", python_str(text))),
        None => Some(python_bytes(spec.body.as_deref().unwrap_or_default())),
    }
}

/// Header names and values: `str` when ASCII, else the exact UTF-8 bytes
/// (http.client would encode a `str` as Latin-1 and fail or change it;
/// httpx refuses a non-ASCII `str`).
fn python_value(s: &str) -> String {
    if s.is_ascii() {
        python_str(s)
    } else {
        format!("{}.encode(\"utf-8\")", python_str(s))
    }
}
