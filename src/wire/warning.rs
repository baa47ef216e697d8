//! What the engine noticed and did not fail on. Each kind is a variant
//! with its own sentence (`Display`), so views and tests match on kinds,
//! never on text; reports print the sentence.

use std::fmt;
use std::time::Duration;

use super::exchange::MAX_CHUNK_SPANS;

/// How an idle pooled connection turned out to have ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleEnd {
    Closed,
    Reset,
    /// The server sent bytes nobody asked for.
    Unsolicited,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// `--insecure` on an https exchange.
    VerifyOff,
    /// The exchange waited for the system trust store before its clock.
    TrustStoreWait(Duration),
    /// `--rate`: the request waited for its host's slot before its clock.
    RateWait { waited: Duration, rate: String },
    /// An idle kept connection was found dead and dropped before use.
    StaleConnection {
        id: u64,
        idle: Duration,
        ended: IdleEnd,
        /// The request then went out on another kept connection (not a
        /// new one).
        then_kept: bool,
    },
    /// A header value used obs-fold (RFC 9112 §5.2).
    ObsFold { name: String },
    /// Transfer-Encoding and Content-Length together (RFC 9112 §6.3).
    TeWithContentLength,
    /// Transfer-Encoding that does not end in chunked.
    TeNotChunked { codings: String },
    /// Content-Length repeated with one value.
    ContentLengthRepeated,
    /// Bytes after the end of the response.
    StrayBytes(usize),
    /// The chunk list of the body layout hit `MAX_CHUNK_SPANS`.
    ChunksCapped,
    /// The body could not be spilled to a temporary file.
    SpillFailed { error: String, kept: usize },
    /// A connection-specific header HTTP/2 and HTTP/3 forbid was not sent.
    H2ConnectionSpecific { name: String },
    /// HTTP/2 and HTTP/3 carry Host as :authority.
    H2Host { value: String },
    /// HTTP/2 and HTTP/3 lowercase header names.
    H2Lowercased(Vec<String>),
    /// A kept connection the server closed as the request went out; the
    /// (idempotent) request went out again on a new connection.
    StaleRetried { id: u64 },
    /// The same, for a request that may have taken effect: not retried.
    StaleNotRetried { id: u64 },
    /// No 100 Continue came within the wait: the body went out anyway.
    ExpectTimedOut(Duration),
    /// `Expect: 100-continue` on HTTP/2: sent, but the body did not wait.
    ExpectNotWaitedOnH2,
    /// The server answered before the body (Expect: 100-continue): the
    /// body was not sent.
    BodyWithheld { status: u16, len: usize },
    /// The URL's credentials went out as `Authorization: Basic`.
    UrlCredentialsSent { user: String },
    /// The URL had credentials but the request its own Authorization.
    UrlCredentialsUnused { user: String },
    /// A proxy was set (`from`: "flag", "env:HTTPS_PROXY", ...) but this
    /// URL went direct, and why (`NO_PROXY`'s entry, `-x ""`).
    ProxyBypassed { from: String, why: String },
    /// `--proxy-user` was given but no proxy was used.
    ProxyUserUnused,
    /// A proxy variable that is set and, by rule, not read (`HTTP_PROXY`).
    ProxyEnvIgnored { var: String, why: String },
    /// `--cert` was given and not sent: `why` (the server did not ask,
    /// the URL is plain http).
    ClientCertUnused { why: String },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::VerifyOff => f.write_str(
                "TLS certificate verification was OFF (--insecure): anyone on the path could have read or changed this exchange",
            ),
            Warning::ProxyBypassed { from, why } => write!(
                f,
                "a proxy is set ({from}) but was not used for this URL: {why}; it went direct"
            ),
            Warning::ProxyEnvIgnored { var, why } => {
                write!(f, "{var} is set but was not used: {why}")
            }
            Warning::ClientCertUnused { why } => {
                write!(f, "a client certificate was given (--cert) but not sent: {why}")
            }
            Warning::ProxyUserUnused => f.write_str(
                "--proxy-user was given but no proxy was used for this URL: the credentials were not sent",
            ),
            Warning::RateWait { waited, rate } => write!(
                f,
                "waited {:.1} ms for its slot under --rate {rate} (client-side pacing) before this exchange's clock started",
                waited.as_secs_f64() * 1e3
            ),
            Warning::TrustStoreWait(d) => write!(
                f,
                "waited {:.1} ms for the system trust store to load (once per process) before this exchange's clock started",
                d.as_secs_f64() * 1e3
            ),
            Warning::StaleConnection {
                id,
                idle,
                ended,
                then_kept,
            } => {
                let what = match ended {
                    IdleEnd::Closed => "the server had closed this idle connection",
                    IdleEnd::Reset => "the server had reset this idle connection",
                    IdleEnd::Unsolicited => {
                        "the server had sent bytes nobody asked for on this idle connection"
                    }
                };
                let then = if *then_kept {
                    "the request went out on another kept connection"
                } else {
                    "the request went out on a new one"
                };
                write!(f, "{what} (#{id}) after {:.1} s idle; {then}", idle.as_secs_f64())
            }
            Warning::ObsFold { name } => write!(
                f,
                "header '{name}' uses obsolete line folding; joined with spaces"
            ),
            Warning::TeWithContentLength => f.write_str(
                "both Transfer-Encoding and Content-Length were sent: Transfer-Encoding wins, \
                 Content-Length is ignored and the connection will not be reused (RFC 9112 §6.3)",
            ),
            Warning::TeNotChunked { codings } => write!(
                f,
                "Transfer-Encoding '{codings}' does not end in chunked: the body runs until the server closes"
            ),
            Warning::ContentLengthRepeated => {
                f.write_str("Content-Length was repeated (with the same value)")
            }
            Warning::StrayBytes(n) => write!(
                f,
                "{n} unexpected bytes after the end of the response; the connection will not be reused"
            ),
            Warning::ChunksCapped => write!(
                f,
                "more than {MAX_CHUNK_SPANS} chunks: the record lists where the first {MAX_CHUNK_SPANS} lay and counts the rest"
            ),
            Warning::SpillFailed { error, kept } => write!(
                f,
                "the body could not be written to a temporary file ({error}); only the first {kept} bytes are kept"
            ),
            Warning::H2ConnectionSpecific { name } => write!(
                f,
                "'{name}' is connection-specific and not allowed in HTTP/2 or HTTP/3: not sent"
            ),
            Warning::H2Host { value } => write!(
                f,
                "HTTP/2 and HTTP/3 carry Host as :authority (from the URL); 'Host: {value}' not sent"
            ),
            Warning::StaleRetried { id } => write!(
                f,
                "the server closed kept connection #{id} as the request went out, before answering (a stale keep-alive: what clients report as \"connection reset\"); the request is idempotent, so it went out again on a new connection (the first attempt's bytes are not in this transcript)"
            ),
            Warning::StaleNotRetried { id } => write!(
                f,
                "the server closed kept connection #{id} as the request went out, before answering (a stale keep-alive); the method may have taken effect already, so it was not sent again"
            ),
            Warning::ExpectNotWaitedOnH2 => f.write_str(
                "Expect: 100-continue was sent over HTTP/2 or HTTP/3, but the body went out at once: waiting for the 100 is done over HTTP/1.1 only (--http1.1 to have it)",
            ),
            Warning::ExpectTimedOut(d) => write!(
                f,
                "Expect: 100-continue: no 100 Continue within {}, so the body went out anyway (as curl does; --expect100-timeout sets the wait)",
                super::error::human_duration(*d)
            ),
            Warning::BodyWithheld { status, len } => write!(
                f,
                "Expect: 100-continue: the server answered {status} before the body, so the body ({len} bytes) was never sent and the connection is not reused"
            ),
            Warning::UrlCredentialsSent { user } => write!(
                f,
                "the URL's credentials (user '{user}') were sent as Authorization: Basic — base64, not encryption — and taken out of the URL"
            ),
            Warning::UrlCredentialsUnused { user } => write!(
                f,
                "the URL's credentials (user '{user}') were not sent: the request has its own Authorization header"
            ),
            Warning::H2Lowercased(names) => write!(
                f,
                "HTTP/2 and HTTP/3 send header names in lowercase: {} went out lowercased",
                names.join(", ")
            ),
        }
    }
}

/// Reports (JSON, HAR) carry the sentence.
impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_says_a_sentence() {
        let w = Warning::StaleConnection {
            id: 3,
            idle: Duration::from_millis(1500),
            ended: IdleEnd::Reset,
            then_kept: false,
        };
        assert_eq!(
            w.to_string(),
            "the server had reset this idle connection (#3) after 1.5 s idle; the request went out on a new one"
        );
        assert!(Warning::StrayBytes(5)
            .to_string()
            .starts_with("5 unexpected bytes"));
    }
}
