//! What the user asked for: method, URL, ordered headers, body, options.
//! A spec is plain data; the engine turns it into bytes in `h1`.

use std::path::PathBuf;
use std::time::Duration;

/// One request as the user built it. Header order and case are kept
/// exactly: the wire says what the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Raw mode: these bytes are written as they are instead of a request
    /// built from method, headers and body.
    pub raw: Option<Vec<u8>>,
    pub options: Options,
}

impl RequestSpec {
    /// A GET of `url` with default options.
    pub fn get(url: impl Into<String>) -> Self {
        RequestSpec {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            raw: None,
            options: Options::default(),
        }
    }
}

/// Whether the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Verify {
    #[default]
    On,
    /// `--insecure`: the exchange is marked insecure wherever it is shown.
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TlsOptions {
    pub verify: Verify,
    /// Extra PEM roots trusted in addition to the system's.
    pub ca_file: Option<PathBuf>,
    /// A client certificate chain (PEM) offered when the server asks
    /// (`--cert`), and its key when not in the same file (`--key`).
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

/// Whether a body that outgrows memory also goes to a temporary file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Spill {
    /// Past the cap, body bytes are counted and dropped.
    #[default]
    Off,
    /// Past the cap, the whole body is in a temporary file too
    /// (`Response::body_file`), removed when the exchange is dropped.
    TempFile,
}

/// How much of a response is kept. Past these, bytes are counted, not kept,
/// so memory stays flat whatever a server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_head_bytes: usize,
    pub max_header_lines: usize,
    /// Body bytes (and wire bytes per direction beyond the head) kept.
    pub max_body_kept: usize,
    /// Interim (1xx) responses accepted before the final one.
    pub max_interim: usize,
    pub spill: Spill,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: 256 * 1024,
            max_header_lines: 500,
            max_body_kept: 16 * 1024 * 1024,
            max_interim: 20,
            spill: Spill::Off,
        }
    }
}

/// Which HTTP version to speak, and how to agree on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpVersion {
    /// https: offer h2 and http/1.1 by ALPN, use what the server picks;
    /// http: HTTP/1.1.
    #[default]
    Auto,
    /// `--http1.1`: offer only http/1.1.
    Http1,
    /// `--http2`: https with ALPN h2 required (an error if refused).
    Http2,
    /// `--http2-prior-knowledge`: h2 from the first byte, also on plain
    /// http (h2c).
    Http2PriorKnowledge,
    /// `--http3`: QUIC over UDP, ALPN h3 (https only).
    Http3,
}

/// Whether the session's cookie jar takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CookieJar {
    #[default]
    Off,
    /// Set-Cookie answers are stored; matching cookies go out in a
    /// `Cookie` header (visible in the wire bytes like any other).
    On,
}

/// Timeouts are always finite: no server behaviour keeps an exchange past
/// `total_timeout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Per address attempt; also bounds DNS and the TLS handshake.
    pub connect_timeout: Duration,
    /// Longest silence allowed while reading or writing.
    pub read_timeout: Duration,
    /// Deadline for the whole exchange.
    pub total_timeout: Duration,
    pub tls: TlsOptions,
    pub limits: Limits,
    pub http: HttpVersion,
    pub redirects: super::policy::Redirects,
    pub retry: super::policy::Retry,
    pub cookies: CookieJar,
    /// `-x`, `--noproxy`, `--proxy-user` and the proxy variables of the
    /// environment, resolved per URL (`proxy::route`).
    pub proxy: super::proxy::ProxySettings,
    /// `--rate N/s` and `--rate-max-wait`: requests to one host spaced.
    pub rate: Option<super::policy::rate::RateLimit>,
    /// How long a body sent with `Expect: 100-continue` waits for the
    /// server's word (`--expect100-timeout`, curl's 1 s by default).
    pub expect_wait: Duration,
    /// `--alt-svc`: with the protocol on auto, a request to an origin that
    /// answered `Alt-Svc: h3=":PORT"` before goes over HTTP/3 to that port.
    pub alt_svc: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(120),
            tls: TlsOptions::default(),
            limits: Limits::default(),
            http: HttpVersion::default(),
            redirects: Default::default(),
            retry: Default::default(),
            cookies: CookieJar::Off,
            proxy: Default::default(),
            rate: None,
            expect_wait: super::h1::EXPECT_WAIT,
            alt_svc: false,
        }
    }
}
