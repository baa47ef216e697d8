//! The command line (clap): `wirescope [URL]` opens the TUI, `send` runs
//! exchanges for scripts and slides, `demo-server` serves the embedded demo.

pub mod auth;
pub mod batches;
pub mod body;
pub mod import;
pub mod lesson;
pub mod request;
pub mod send;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wirescope",
    version,
    about = "A terminal HTTP inspector: the exact bytes on the wire, decoded, with the lifecycle waterfall",
    long_about = "A terminal HTTP inspector: the exact bytes on the wire, decoded, with the lifecycle waterfall.\n\n\
                  With no subcommand, opens the interactive TUI, starts the embedded demo server on a free \
                  loopback port and pre-fills a request to it (or to URL, when given). Given an .http file \
                  (JetBrains / VS Code REST Client format), lists its requests in a Collection pane.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// URL to pre-fill in the TUI (default: the embedded demo server's /get), or an .http file to open.
    #[arg(value_name = "URL | FILE.http")]
    pub url: Option<String>,
    /// With an .http file: the environment (http-client.env.json) whose variables {{var}} use.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Neither read nor write the saved history.
    #[arg(long)]
    pub no_history: bool,
    /// Keep credentials in the saved history and HAR files (they are redacted by default).
    #[arg(long)]
    pub no_redact: bool,
    /// The opening request's method (default GET, or POST with a body).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// The request flags `send` takes (-H, -d, -u, -L, --retry, -k, timeouts, ...) fill the Request pane.
    #[command(flatten)]
    pub request: RequestArgs,
    /// Bytes of finished exchanges the session keeps in memory; past it the oldest ones' bytes move to a temporary file and come back when selected (nothing is dropped).
    #[arg(long, value_name = "BYTES", default_value_t = crate::tui::parking::DEFAULT_BUDGET)]
    pub session_memory: usize,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send requests and print what crossed the wire (for scripts and slides).
    Send(Box<SendArgs>),
    /// Run a program with its HTTP(S) traffic captured through a loopback proxy and print each exchange (headless for now): wirescope capture -- curl https://example.com
    Capture(crate::capture::CaptureArgs),
    /// Run the capture proxy without a program (loopback only) and print the variables that point one at it: each exchange is printed as it completes
    Proxy(crate::capture::ProxyArgs),
    /// Run the embedded httpbin-style demo server.
    DemoServer(DemoArgs),
    /// Panics on purpose, to check the crash report (used by the tests).
    #[command(hide = true)]
    CrashTest,
    /// Import a HAR file (e.g. saved by a browser) into the history the TUI shows; credentials are redacted unless --keep-secrets.
    ImportHar(ImportHarArgs),
    /// Play a workshop lesson against the embedded demo server (no argument: list the built-in ones).
    Lesson(LessonArgs),
    /// Print a shell completion script: wirescope completions bash > /etc/bash_completion.d/wirescope (also zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): wirescope man | man -l -
    Man,
}

#[derive(Debug, Args)]
pub struct ImportHarArgs {
    /// The HAR 1.2 file.
    pub file: PathBuf,
    /// Keep Authorization, Cookie and token-like values as they are in the file.
    #[arg(long)]
    pub keep_secrets: bool,
}

#[derive(Debug, Args)]
pub struct LessonArgs {
    /// A built-in lesson's name or number, or a lesson file (TOML).
    pub lesson: Option<String>,
    /// Run straight through instead of waiting for Enter before each step
    /// (plain playback).
    #[arg(long)]
    pub auto: bool,
    /// Play in the plain terminal instead of the TUI's lesson mode (the
    /// default when stdout is not a terminal).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
#[command(after_help = send::EXIT_CODES_HELP)]
pub struct SendArgs {
    /// [METHOD] URL [URL...]: an optional method (default GET, or POST with a body) then one or more URLs, sent in order over one session.
    #[arg(required_unless_present_any = ["curl", "file"], value_name = "[METHOD] URL")]
    pub targets: Vec<String>,
    /// Take the whole request from a curl command line (quoted as one argument).
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["targets", "file", "raw"])]
    pub curl: Option<String>,
    /// Take the request from a .http file (JetBrains / VS Code REST Client format); pick it with --name.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["targets", "raw"])]
    pub file: Option<std::path::PathBuf>,
    /// With --file: the request's name (### name) or its number, from 1.
    #[arg(long, value_name = "NAME", requires = "file")]
    pub name: Option<String>,
    /// With --file: the environment from http-client.env.json (and .private, .env) for {{variables}}.
    #[arg(long, value_name = "NAME", requires = "file")]
    pub env: Option<String>,
    /// Print the request as code instead of sending it: curl, httpie, python (requests), httpx, reqwest, fetch, raw. Credentials are REDACTED unless --export-keep-secrets.
    #[arg(long, value_name = "FORMAT")]
    pub export: Option<String>,
    /// With --export: keep credentials (Authorization, Cookie, token-like headers and query parameters) instead of writing REDACTED.
    #[arg(long = "export-keep-secrets", requires = "export")]
    pub export_keep_secrets: bool,
    /// Also write every exchange of the run (hops and attempts included) to FILE as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    pub har: Option<std::path::PathBuf>,
    /// With --har: keep credentials (Authorization, Cookie, tokens in URLs) instead of redacting them.
    #[arg(long = "har-keep-secrets", requires = "har")]
    pub har_keep_secrets: bool,
    /// Send this file's bytes as they are (over TLS for https) instead of a built request.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data", "data_file", "compress_body"])]
    pub raw: Option<PathBuf>,
    /// Send the request N times at once: over HTTP/2 as N streams on one connection, then over HTTP/1.1 serially on one connection and on N connections, totals side by side (the request as is: no -L, --retry or --revalidate).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100), conflicts_with_all = ["raw", "location", "retry", "revalidate"])]
    pub parallel: Option<u16>,
    /// Send the request N times one after another over one kept connection and over a new connection each time, timelines and totals side by side (the request as is: no -L, --retry or --revalidate).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000), conflicts_with_all = ["parallel", "location", "retry", "revalidate"])]
    pub repeat: Option<u16>,
    /// With --repeat: only the new-connection-each-time batch.
    #[arg(long, requires = "repeat")]
    pub fresh: bool,
    /// Send the request, then again with If-None-Match / If-Modified-Since from the first response: shows the 304 and the bytes it saved.
    #[arg(long)]
    pub revalidate: bool,
    /// Exit with code 40 when the (last) response's status is 400 or more, as curl's --fail does (the report is printed all the same).
    #[arg(short = 'f', long)]
    pub fail: bool,
    /// What to print: request,response,body,tls,timing,hex or all.
    #[arg(
        long = "print",
        value_name = "SECTIONS",
        default_value = "request,response,body,tls,timing"
    )]
    pub print: String,
    /// Show Authorization, Proxy-Authorization, Cookie and Set-Cookie values in the text report (masked by default; JSON always has the exact bytes).
    #[arg(long)]
    pub show_secrets: bool,
    /// Output format: text, or json (one JSON document per exchange, JSON Lines).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Save the response body, content codings undone (up to --max-decoded), to FILE.
    #[arg(long, value_name = "FILE")]
    pub save_body: Option<PathBuf>,
    /// Write the bytes as recorded on the wire to DIR/sent.bin and DIR/received.bin.
    #[arg(long, value_name = "DIR")]
    pub save_wire: Option<PathBuf>,
}

/// How a request is made: headers, body, credentials, TLS, timeouts,
/// redirects, retries, the HTTP version. Shared by `send` and the TUI (which
/// opens with its Request pane filled from them).
#[derive(Debug, Args, Default, PartialEq)]
pub struct RequestArgs {
    /// A request header, 'Name: value' (repeatable; order and case are kept).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Request body; `@FILE` (or `@-`, standard input) reads it from a file with CR and LF removed, as curl -d does.
    #[arg(
        short = 'd',
        long = "data",
        value_name = "BODY",
        conflicts_with = "data_file"
    )]
    pub data: Option<String>,
    /// Request body from a file, bytes as they are (`-`: standard input); regular files up to 64 MiB.
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// Trust the PEM certificates in FILE (in addition to the system's roots).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Client certificate for mutual TLS: a PEM chain, leaf first, which may hold the private key too (as curl's -E); offered when the server asks for one.
    #[arg(short = 'E', long = "cert", value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// The client certificate's private key (PEM, unencrypted), when not in the --cert file.
    #[arg(long = "key", value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Do not verify the server's certificate (the exchange is marked INSECURE).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Seconds allowed for DNS + each TCP connect attempt + the TLS handshake [default: 10].
    #[arg(long, value_name = "S")]
    pub connect_timeout: Option<f64>,
    /// Longest silence (seconds) allowed while reading or writing [default: 30].
    #[arg(long, value_name = "S")]
    pub read_timeout: Option<f64>,
    /// Deadline (seconds) for each whole exchange [default: 120].
    #[arg(short = 'm', long = "max-time", value_name = "S")]
    pub max_time: Option<f64>,
    /// How long a body sent with Expect: 100-continue waits for the server's 100 before it goes anyway [default: 1, as curl].
    #[arg(long = "expect100-timeout", value_name = "S")]
    pub expect100_timeout: Option<f64>,
    /// Follow redirects (each hop is its own exchange, shown in order).
    #[arg(short = 'L', long = "location")]
    pub location: bool,
    /// Most redirects followed with -L [default: 10].
    #[arg(long = "max-redirs", value_name = "N")]
    pub max_redirs: Option<u32>,
    /// Retry up to N times on connection failures and 429/500/502/503/504 (idempotent methods only) [default: 0].
    #[arg(long, value_name = "N")]
    pub retry: Option<u32>,
    /// First retry backoff in seconds (doubles each time, with jitter) [default: 0.2].
    #[arg(long = "retry-delay", value_name = "S")]
    pub retry_delay: Option<f64>,
    /// Longest wait between tries in seconds; a longer Retry-After stops retrying [default: 30].
    #[arg(long = "retry-max-wait", value_name = "S")]
    pub retry_max_wait: Option<f64>,
    /// Also retry POST and PATCH (they may take effect twice).
    #[arg(long = "retry-non-idempotent")]
    pub retry_non_idempotent: bool,
    /// At most N requests per second to one host (N/s, N/m, N/h; curl's
    /// --rate), spaced evenly; the waits come before each exchange's clock.
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,
    /// With --rate: a request whose slot is further off than this stops the
    /// run (exit 18); a longer Retry-After stops retrying [default: 60].
    #[arg(long = "rate-max-wait", value_name = "S")]
    pub rate_max_wait: Option<f64>,
    /// Speak HTTP/1.1 only (ALPN offers just http/1.1).
    #[arg(long = "http1.1", group = "httpver")]
    pub http1_1: bool,
    /// Require HTTP/2 by ALPN over https (an error if the server refuses).
    #[arg(long, group = "httpver")]
    pub http2: bool,
    /// Speak HTTP/2 from the first byte, also over plain http (h2c).
    #[arg(long, group = "httpver")]
    pub http2_prior_knowledge: bool,
    /// HTTP/3 over QUIC (UDP to the URL's port; https only): one QUIC connection per exchange, its datagrams recorded.
    #[arg(long, group = "httpver")]
    pub http3: bool,
    /// Follow Alt-Svc: after an answer offering h3 (Alt-Svc: h3=":PORT"), later requests to that origin in the run go over HTTP/3 to that port, and say why.
    #[arg(long = "alt-svc")]
    pub alt_svc: bool,
    /// Basic authentication: adds 'Authorization: Basic base64(USER:PASSWORD)' (an encoding, not encryption).
    #[arg(short = 'u', long, value_name = "USER:PASSWORD")]
    pub user: Option<String>,
    /// Adds 'Authorization: Bearer TOKEN'.
    #[arg(long, value_name = "TOKEN", conflicts_with = "user")]
    pub bearer: Option<String>,
    /// An API key sent as a header NAME: VALUE.
    #[arg(long = "api-key", value_name = "NAME=VALUE")]
    pub api_key: Option<String>,
    /// An API key sent in the query string (?NAME=VALUE) — URLs get logged; prefer --api-key.
    #[arg(long = "api-key-query", value_name = "NAME=VALUE")]
    pub api_key_query: Option<String>,
    /// Adds a fresh 'X-Request-ID: <uuid>' to each request and says whether the response echoed it.
    #[arg(long = "request-id")]
    pub request_id: bool,
    /// Keep a cookie jar for the session: Set-Cookie answers are stored and sent back (visibly) in a Cookie header.
    #[arg(long)]
    pub cookies: bool,
    /// Ask for compressed responses: adds 'Accept-Encoding: LIST' (e.g. 'gzip, br, zstd').
    #[arg(long, value_name = "LIST")]
    pub accept_encoding: Option<String>,
    /// Send the body compressed with CODING and say so in Content-Encoding (visible on the wire).
    #[arg(long, value_enum, value_name = "CODING")]
    pub compress_body: Option<body::CompressArg>,
    /// Go through this proxy: http:// (the default; port 1080 unless given), https:// (TLS to the proxy), socks5:// (names resolved here) or socks5h:// (the proxy resolves them); credentials as user:password@ in it. Without -x, http_proxy, https_proxy/HTTPS_PROXY and all_proxy/ALL_PROXY are read as curl does; -x "" means no proxy at all.
    #[arg(short = 'x', long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Hosts that go direct, comma-separated, replacing NO_PROXY/no_proxy: a name matches itself and its subdomains (a leading dot is the same), '*' matches every host, IP addresses and CIDR ranges match IP hosts; ports play no part.
    #[arg(long, value_name = "LIST")]
    pub noproxy: Option<String>,
    /// Proxy credentials (replacing the proxy URL's): Proxy-Authorization: Basic for an HTTP proxy, username/password for SOCKS5.
    #[arg(short = 'U', long, value_name = "USER:PASSWORD")]
    pub proxy_user: Option<String>,
}

/// The limits, shared by `send` and the TUI.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest response head accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024)]
    pub max_head_bytes: usize,
    /// Most response header lines accepted.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_headers: usize,
    /// Most interim (1xx) responses accepted before the final one.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_interim: usize,
    /// Body bytes kept in memory; the rest are read, counted and dropped.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body: usize,
    /// Most bytes a body is decoded to: a decompression bomb stops there.
    #[arg(long, value_name = "BYTES", default_value_t = crate::decode::coding::DEFAULT_MAX_DECODED)]
    pub max_decoded: u64,
    /// Most stacked content codings undone (Content-Encoding: gzip, br, ...); a deeper stack is shown as received.
    #[arg(long, value_name = "N", default_value_t = crate::decode::coding::DEFAULT_MAX_CODINGS)]
    pub max_codings: usize,
}

impl LimitArgs {
    /// What the engine keeps and accepts (spilling as `spill` says).
    pub fn wire(&self, spill: crate::wire::Spill) -> crate::wire::Limits {
        crate::wire::Limits {
            max_head_bytes: self.max_head_bytes,
            max_header_lines: self.max_headers.max(1),
            max_body_kept: self.max_body,
            max_interim: self.max_interim,
            spill,
        }
    }

    /// How far response bodies are decoded, for every view and report.
    pub fn decode(&self) -> crate::decode::coding::DecodeLimits {
        crate::decode::coding::DecodeLimits {
            max_decoded: self.max_decoded,
            max_codings: self.max_codings,
        }
    }
}

impl SendArgs {
    /// How far response bodies are decoded, for every report.
    pub fn decode_limits(&self) -> crate::decode::coding::DecodeLimits {
        self.limits.decode()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Serve HTTPS with a certificate made at startup; its CA is written to a file.
    #[arg(long)]
    pub tls: bool,
    /// Where to write the CA certificate (PEM) with --tls.
    #[arg(long, value_name = "FILE")]
    pub ca_out: Option<PathBuf>,
    /// With --tls: serve HTTP/3 too, over QUIC on the same port number (UDP).
    #[arg(long, requires = "tls")]
    pub http3: bool,
    /// Close a kept-alive connection idle this many seconds, without a word (FIN, no Connection: close).
    #[arg(long, value_name = "S", value_parser = parse_seconds)]
    pub keep_alive_timeout: Option<std::time::Duration>,
    /// Close an HTTP/1.1 connection after it has answered N requests, without a word; a request that reuses it anyway is reset.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_requests_per_connection: Option<u64>,
}

/// Seconds as a number (fractions allowed), for the demo server's knobs.
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0)
        .and_then(|v| std::time::Duration::try_from_secs_f64(v).ok())
        .ok_or_else(|| format!("'{s}' is not a number of seconds above 0 (e.g. 5 or 0.5)"))
}
