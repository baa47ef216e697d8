//! `WireError`: what went wrong, in which phase, in words a person
//! understands. The phase decides `send`'s exit code.

use std::fmt;
use std::time::Duration;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// DNS, TCP connect or the TLS handshake took too long.
    Connect,
    /// The peer was silent longer than the read timeout.
    Read,
    /// The whole exchange passed its deadline.
    Total,
}

/// The phase of an exchange in which an error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorPhase {
    /// The request could not be built (bad URL, header, file).
    Input,
    Dns,
    Connect,
    /// The proxy refused or broke the tunnel (a non-2xx answer to
    /// CONNECT, a SOCKS5 failure reply, a garbled handshake).
    Proxy,
    /// `--rate`: the next free slot for the host was past `--rate-max-wait`.
    RateLimit,
    Tls,
    Send,
    StatusLine,
    Headers,
    Body,
    Timeout(TimeoutKind),
}

impl ErrorPhase {
    /// Stable name used in JSON and on screen.
    pub fn name(self) -> &'static str {
        match self {
            ErrorPhase::Input => "input",
            ErrorPhase::Dns => "dns",
            ErrorPhase::Connect => "connect",
            ErrorPhase::Proxy => "proxy",
            ErrorPhase::RateLimit => "rate-limit",
            ErrorPhase::Tls => "tls",
            ErrorPhase::Send => "send",
            ErrorPhase::StatusLine => "status-line",
            ErrorPhase::Headers => "headers",
            ErrorPhase::Body => "body",
            ErrorPhase::Timeout(TimeoutKind::Connect) => "connect-timeout",
            ErrorPhase::Timeout(TimeoutKind::Read) => "read-timeout",
            ErrorPhase::Timeout(TimeoutKind::Total) => "total-timeout",
        }
    }

    /// `wirescope send`'s exit code for a failure in this phase. Documented
    /// in the README; never change a value once released.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorPhase::Input => 3,
            ErrorPhase::Dns => 10,
            ErrorPhase::Connect => 11,
            ErrorPhase::Tls => 12,
            ErrorPhase::Send => 13,
            ErrorPhase::StatusLine => 14,
            ErrorPhase::Headers => 15,
            ErrorPhase::Body => 16,
            ErrorPhase::Proxy => 17,
            ErrorPhase::RateLimit => 18,
            ErrorPhase::Timeout(TimeoutKind::Connect) => 20,
            ErrorPhase::Timeout(TimeoutKind::Read) => 21,
            ErrorPhase::Timeout(TimeoutKind::Total) => 22,
        }
    }
}

impl fmt::Display for ErrorPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An exchange that did not complete. The message is one line, for people:
/// what happened. What the user can do about it is a `Remedy`, worded by
/// each front-end for its own controls (a flag for `send`, an Options row
/// or a key in the TUI) — the engine knows neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub phase: ErrorPhase,
    pub message: String,
    pub remedy: Option<Remedy>,
}

/// What the user can do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Trust the server's certificate (a CA file holding it), or look with
    /// verification off.
    TrustCertificate,
    /// The server speaks only HTTP/2 on plain TCP: prior knowledge (h2c).
    PriorKnowledge,
    /// The proxy wants credentials and none were sent.
    ProxyCredentials,
}

impl Remedy {
    /// In `send`'s words: its flags.
    pub fn cli(self) -> &'static str {
        match self {
            Remedy::TrustCertificate => {
                "trust it with --cacert FILE holding that certificate or its CA (or see what it hides with --insecure)"
            }
            Remedy::PriorKnowledge => "for plain http, try --http2-prior-knowledge",
            Remedy::ProxyCredentials => {
                "give them with --proxy-user USER:PASSWORD (or as user:password@ in the proxy URL)"
            }
        }
    }

    /// In the TUI's words: its Options rows and keys.
    pub fn tui(self) -> &'static str {
        match self {
            Remedy::TrustCertificate => {
                "trust it: put a file holding that certificate or its CA in the CA file row of Options (or press v in the Request pane to turn verification off and see what it hides)"
            }
            Remedy::PriorKnowledge => {
                "set the HTTP version row of Options to h2c prior knowledge and send again"
            }
            Remedy::ProxyCredentials => {
                "put them in the proxy row of Options as http://user:password@host:port and send again"
            }
        }
    }
}

impl std::error::Error for WireError {}

/// `send`'s sentence: the message, then the remedy in flags.
impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.phase, self.cli_message())
    }
}

impl WireError {
    pub fn new(phase: ErrorPhase, message: impl Into<String>) -> Self {
        WireError {
            phase,
            message: message.into(),
            remedy: None,
        }
    }

    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// The message with the remedy in `send`'s flags (CLI text, JSON, HAR).
    pub fn cli_message(&self) -> String {
        match self.remedy {
            Some(r) => format!("{}; {}", self.message, r.cli()),
            None => self.message.clone(),
        }
    }

    /// The message with the remedy in the TUI's rows and keys.
    pub fn tui_message(&self) -> String {
        match self.remedy {
            Some(r) => format!("{}; {}", self.message, r.tui()),
            None => self.message.clone(),
        }
    }

    pub fn timeout(kind: TimeoutKind, what: &str, after: Duration) -> Self {
        WireError::new(
            ErrorPhase::Timeout(kind),
            format!("{what} after {}", human_duration(after)),
        )
    }
}

/// "10 s", "250 ms": how timeouts are named in messages.
pub fn human_duration(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Words for an I/O error kind, without the OS error number noise.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => "connection refused (nothing is listening on that port)".into(),
        ConnectionReset => "connection reset by the peer".into(),
        ConnectionAborted => "connection aborted".into(),
        BrokenPipe => "the peer closed the connection while we were writing".into(),
        UnexpectedEof => "the peer closed the connection".into(),
        AddrNotAvailable => "address not available".into(),
        NetworkUnreachable => "network unreachable".into(),
        HostUnreachable => "host unreachable".into(),
        TimedOut => "timed out".into(),
        _ => e.to_string(),
    }
}
