//! The request being built in the Request pane: method, URL, header list
//! (each can be switched off without deleting it), body and options; and
//! how it becomes a `RequestSpec`.

use std::path::PathBuf;
use std::time::Duration;

use ratatui_textarea::TextArea;

use crate::decode::coding::Coding;
use crate::explain::METHODS;
use crate::wire::{CookieJar, HttpVersion, Options, RequestSpec, Spill, Verify};

/// One header row. A disabled row stays in the list but is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRow {
    pub name: String,
    pub value: String,
    pub enabled: bool,
}

impl HeaderRow {
    pub fn new(name: &str, value: &str, enabled: bool) -> Self {
        HeaderRow {
            name: name.into(),
            value: value.into(),
            enabled,
        }
    }

    /// `Name: value`, as the row is edited.
    pub fn line(&self) -> String {
        format!("{}: {}", self.name, self.value)
    }

    /// Parses `Name: value`; a line without a colon is a name alone.
    pub fn parse(line: &str, enabled: bool) -> Self {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        HeaderRow {
            name: name.trim().into(),
            value: value.trim().into(),
            enabled,
        }
    }
}

/// A selectable line of the Request pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Url,
    Header(usize),
    /// The "+ add header" row.
    AddHeader,
    Body,
    ConnectTimeout,
    ReadTimeout,
    TotalTimeout,
    Verify,
    CaFile,
    /// A client certificate for mutual TLS (`--cert`, `--key`): "CERT" or
    /// "CERT, KEY".
    ClientCert,
    /// auto / http1.1 / http2 / h2c prior knowledge (cycles).
    Http,
    /// Follow redirects (`-L`) or not.
    Redirects,
    /// At most N requests per second to one host (`--rate`), or off.
    Rate,
    /// Hops followed at most (`--max-redirs`).
    MaxRedirects,
    /// Tries in all (1: no retries).
    Retries,
    /// The first wait between tries (`--retry-backoff`); it doubles.
    RetryBackoff,
    /// Retry POST/PATCH too.
    RetryUnsafe,
    /// The session's cookie jar takes part or not.
    Cookies,
    /// N for the parallel and kept-vs-new batches.
    Parallel,
    /// Ask for compressed responses (`Accept-Encoding`), or not.
    AcceptEncoding,
    /// Send the body compressed (`Content-Encoding`): off or a coding.
    Compress,
    /// The proxy (`-x`); empty: the environment's, as curl reads it.
    Proxy,
}

impl Field {
    /// The Options rows, in the order the pane lists them.
    pub const OPTIONS: [Field; 18] = [
        Field::AcceptEncoding,
        Field::Compress,
        Field::ConnectTimeout,
        Field::ReadTimeout,
        Field::TotalTimeout,
        Field::Verify,
        Field::CaFile,
        Field::ClientCert,
        Field::Proxy,
        Field::Rate,
        Field::Http,
        Field::Redirects,
        Field::MaxRedirects,
        Field::Retries,
        Field::RetryBackoff,
        Field::RetryUnsafe,
        Field::Cookies,
        Field::Parallel,
    ];
}

/// The request form.
#[derive(Debug, Clone)]
pub struct RequestForm {
    pub method: String,
    pub url: String,
    pub headers: Vec<HeaderRow>,
    pub body: TextArea<'static>,
    pub options: Options,
    pub field: Field,
    /// Requests per batch (`P`, `S`).
    pub parallel: usize,
    /// Send `Accept-Encoding: gzip, deflate, br, zstd`.
    pub accept_encoding: bool,
    /// Compress the body with this coding (and say so).
    pub compress: Option<Coding>,
}

impl RequestForm {
    pub fn new(url: &str, options: Options) -> Self {
        let mut body = TextArea::default();
        body.set_placeholder_text("(no body — Enter to type one)");
        RequestForm {
            method: "GET".into(),
            url: url.into(),
            headers: vec![
                HeaderRow::new("Accept", "application/json", true),
                // Shipped switched off so the toggle is discoverable.
                HeaderRow::new("X-Request-ID", "wirescope-demo-1", false),
            ],
            body,
            options,
            field: Field::Url,
            parallel: 6,
            accept_encoding: false,
            compress: None,
        }
    }

    /// The selectable fields in screen order.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Method, Field::Url];
        f.extend((0..self.headers.len()).map(Field::Header));
        f.extend([Field::AddHeader, Field::Body]);
        f.extend(Field::OPTIONS);
        f
    }

    /// Moves the selection by `delta` fields, clamped at the ends.
    pub fn move_field(&mut self, delta: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let to = (at as isize + delta).clamp(0, fields.len() as isize - 1);
        self.field = fields[to as usize];
    }

    /// Next registered method; a custom one goes back to GET.
    pub fn cycle_method(&mut self) {
        let at = METHODS.iter().position(|m| m.name == self.method);
        let next = at.map_or(0, |i| (i + 1) % METHODS.len());
        self.method = METHODS[next].name.to_string();
    }

    pub fn body_text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// The text a field is edited as.
    pub fn field_text(&self, field: Field) -> String {
        let secs = |d: Duration| format_secs(d);
        match field {
            Field::Method => self.method.clone(),
            Field::Url => self.url.clone(),
            Field::Header(i) => self.headers.get(i).map(HeaderRow::line).unwrap_or_default(),
            Field::AddHeader => String::new(),
            Field::ConnectTimeout => secs(self.options.connect_timeout),
            Field::ReadTimeout => secs(self.options.read_timeout),
            Field::TotalTimeout => secs(self.options.total_timeout),
            Field::CaFile => self
                .options
                .tls
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            Field::ClientCert => {
                let tls = &self.options.tls;
                std::iter::once(&tls.client_cert)
                    .chain(std::iter::once(&tls.client_key))
                    .flatten()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Field::Retries => self.options.retry.attempts.to_string(),
            Field::MaxRedirects => self.options.redirects.max.to_string(),
            Field::Rate => self.options.rate.map(|r| r.words()).unwrap_or_default(),
            Field::RetryBackoff => secs(self.options.retry.backoff),
            Field::Parallel => self.parallel.to_string(),
            Field::Proxy => match self.options.proxy.flag.as_deref() {
                Some("") => "none".into(),
                Some(p) => p.to_string(),
                None => String::new(),
            },
            Field::Body
            | Field::Verify
            | Field::Http
            | Field::Redirects
            | Field::RetryUnsafe
            | Field::Cookies
            | Field::AcceptEncoding
            | Field::Compress => String::new(),
        }
    }

    /// Stores an edited field's text; `Err` says why it was not taken.
    pub fn set_field_text(&mut self, field: Field, text: &str) -> Result<(), String> {
        match field {
            Field::Method => {
                let m = text.trim();
                if m.is_empty() {
                    return Err("the method cannot be empty".into());
                }
                self.method = m.to_string();
            }
            Field::Url => self.url = text.trim().to_string(),
            Field::Header(i) => {
                if let Some(row) = self.headers.get_mut(i) {
                    *row = HeaderRow::parse(text, row.enabled);
                }
            }
            Field::AddHeader => {
                if !text.trim().is_empty() {
                    self.headers.push(HeaderRow::parse(text, true));
                    self.field = Field::Header(self.headers.len() - 1);
                }
            }
            Field::ConnectTimeout => self.options.connect_timeout = parse_timeout(text)?,
            Field::ReadTimeout => self.options.read_timeout = parse_timeout(text)?,
            Field::TotalTimeout => self.options.total_timeout = parse_timeout(text)?,
            Field::CaFile => {
                let t = text.trim();
                self.options.tls.ca_file = (!t.is_empty()).then(|| PathBuf::from(t));
            }
            Field::ClientCert => {
                let (cert, key) = match text.rsplit_once(',') {
                    Some((c, k)) => (c.trim(), k.trim()),
                    None => (text.trim(), ""),
                };
                if cert.is_empty() && !key.is_empty() {
                    return Err("a key needs its certificate: CERT, KEY".into());
                }
                let path = |t: &str| (!t.is_empty()).then(|| PathBuf::from(t));
                self.options.tls.client_cert = path(cert);
                self.options.tls.client_key = path(key);
            }
            Field::Retries => {
                self.options.retry.attempts = parse_count(text, 10, "tries in all")? as u32
            }
            Field::MaxRedirects => {
                self.options.redirects.max = parse_count(text, 50, "redirects followed")? as _
            }
            Field::RetryBackoff => self.options.retry.backoff = parse_timeout(text)?,
            Field::Rate => {
                let t = text.trim();
                self.options.rate = match t {
                    "" | "off" | "none" => None,
                    t => {
                        let per_second = crate::wire::policy::rate::parse_rate(t)?;
                        let max_wait = self
                            .options
                            .rate
                            .map_or(Duration::from_secs(60), |r| r.max_wait);
                        Some(crate::wire::policy::rate::RateLimit::new(
                            per_second, max_wait,
                        ))
                    }
                };
            }
            Field::Parallel => self.parallel = parse_count(text, 16, "requests per batch")?,
            Field::Proxy => {
                let p = &mut self.options.proxy;
                p.flag = match text.trim() {
                    "" => None,
                    "none" | "\"\"" => Some(String::new()),
                    t => {
                        crate::wire::proxy::Proxy::parse(t, "Options").map_err(|e| e.message)?;
                        Some(t.to_string())
                    }
                };
                p.flag_from = "Options".into();
            }
            Field::Body
            | Field::Verify
            | Field::Http
            | Field::Redirects
            | Field::RetryUnsafe
            | Field::Cookies
            | Field::AcceptEncoding
            | Field::Compress => {}
        }
        Ok(())
    }

    /// Fields changed by Enter or Space rather than typed.
    pub fn is_toggle(field: Field) -> bool {
        matches!(
            field,
            Field::Verify
                | Field::Http
                | Field::Redirects
                | Field::RetryUnsafe
                | Field::Cookies
                | Field::AcceptEncoding
                | Field::Compress
        )
    }

    /// Flips (or cycles) a toggle field; other fields are left alone.
    pub fn toggle(&mut self, field: Field) {
        let o = &mut self.options;
        match field {
            Field::Verify => self.toggle_verify(),
            Field::Http => {
                o.http = match o.http {
                    HttpVersion::Auto => HttpVersion::Http1,
                    HttpVersion::Http1 => HttpVersion::Http2,
                    HttpVersion::Http2 => HttpVersion::Http2PriorKnowledge,
                    HttpVersion::Http2PriorKnowledge => HttpVersion::Http3,
                    HttpVersion::Http3 => HttpVersion::Auto,
                }
            }
            Field::Redirects => o.redirects.follow = !o.redirects.follow,
            Field::RetryUnsafe => o.retry.non_idempotent = !o.retry.non_idempotent,
            Field::Cookies => {
                o.cookies = match o.cookies {
                    CookieJar::Off => CookieJar::On,
                    CookieJar::On => CookieJar::Off,
                }
            }
            Field::AcceptEncoding => self.accept_encoding = !self.accept_encoding,
            Field::Compress => {
                self.compress = match self.compress {
                    None => Some(Coding::Gzip),
                    Some(Coding::Gzip) => Some(Coding::Deflate),
                    Some(Coding::Deflate) => Some(Coding::Br),
                    Some(Coding::Br) => Some(Coding::Zstd),
                    Some(Coding::Zstd) => None,
                }
            }
            _ => {}
        }
    }

    /// The spec goes out as a flow (redirects followed or retries on).
    pub fn is_flow(&self) -> bool {
        self.options.redirects.follow || self.options.retry.attempts > 1
    }

    pub fn toggle_verify(&mut self) {
        self.options.tls.verify = match self.options.tls.verify {
            Verify::On => Verify::Off,
            Verify::Off => Verify::On,
        };
    }

    /// The spec to send. Disabled headers are left out; an empty body is
    /// no body (so a GET carries no `Content-Length: 0`).
    pub fn spec(&self) -> Result<RequestSpec, String> {
        if self.url.trim().is_empty() {
            return Err("type a URL first".into());
        }
        let body = self.body_text();
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|h| h.enabled && !h.name.is_empty())
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect();
        let named =
            |h: &[(String, String)], n: &str| h.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
        if self.accept_encoding && !named(&headers, "accept-encoding") {
            headers.push(("Accept-Encoding".into(), ACCEPT_ENCODING.into()));
        }
        let mut body = (!body.is_empty()).then(|| body.into_bytes());
        if let (Some(c), Some(b)) = (self.compress, body.as_mut()) {
            *b = crate::decode::coding::encode(c, b)
                .map_err(|e| format!("cannot compress the body with {c}: {e}"))?;
            if !named(&headers, "content-encoding") {
                headers.push(("Content-Encoding".into(), c.name().into()));
            }
        }
        let mut options = self.options.clone();
        // Bodies past the memory cap go to a temporary file, so the Body
        // view can page over all of them.
        options.limits.spill = Spill::TempFile;
        Ok(RequestSpec {
            method: self.method.clone(),
            url: self.url.trim().to_string(),
            headers,
            body,
            raw: None,
            options,
        })
    }
}

/// What the Accept-Encoding option asks for.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// "10", "10s", "1.5 s", "250ms" → a duration (bare numbers are seconds).
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let t = text.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t.as_str(), 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v * scale <= 86_400.0 => Ok(Duration::from_secs_f64(v * scale)),
        _ => Err(format!(
            "'{}' is not a timeout: use seconds like 10 or 1.5s, or 250ms",
            crate::report::escape::escape_str(text)
        )),
    }
}

/// A whole number from 1 to `max`.
fn parse_count(text: &str, max: usize, what: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{}' is not a number of {what}: use 1 to {max}",
            crate::report::escape::escape_str(text)
        )),
    }
}

/// How the HTTP version choice reads, as the `send` flag it matches.
pub fn http_label(v: HttpVersion) -> &'static str {
    match v {
        HttpVersion::Auto => "auto (https: ALPN)",
        HttpVersion::Http1 => "http1.1",
        HttpVersion::Http2 => "http2 (https, h2 required)",
        HttpVersion::Http2PriorKnowledge => "h2c prior knowledge",
        HttpVersion::Http3 => "http3 (QUIC over UDP, https only)",
    }
}

/// "10 s", "1.5 s", "250 ms".
pub fn format_secs(d: Duration) -> String {
    crate::wire::error::human_duration(d)
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
