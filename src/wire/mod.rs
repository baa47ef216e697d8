//! The engine: dials, taps and speaks HTTP/1.1 and HTTP/2 (over TLS or
//! not), recording exactly what crossed the socket and when. It must never import ratatui or crossterm;
//! everything it learns is returned as plain data (`Exchange`) or reported
//! live through a `Probe`.

pub mod body;
mod chunked;
pub mod client_cert;
mod dial;
pub mod error;
pub mod exchange;
mod fields;
mod fuzzing;
mod h1;
mod h2;
mod h2_end;
pub mod h2_record;
mod h2_stream;
mod h2_why;
pub mod h3;
mod jar;
mod negotiate;
pub mod policy;
mod pool;
pub mod probe;
pub mod proxy;
mod rawtap;
pub mod rope;
mod sendq;
pub mod session;
pub mod spec;
pub mod tap;
pub mod tcp_info;
pub mod timeline;
pub mod tls;
mod userinfo;
pub mod warning;

// `capture` dials upstream and reads responses with the engine's own code.
pub(crate) use dial::{dial, Origin};
pub(crate) use h1::{read_response, ReadCtx, Reuse};
pub(crate) use sendq::SendQueue;

pub use error::{ErrorPhase, TimeoutKind, WireError};
pub use exchange::{
    BodyLayout, ChunkSpan, ConnectionInfo, Exchange, H2Capture, Interim, Negotiated, Response,
    Transcript,
};
pub use fuzzing::{fuzz_chunked, fuzz_read_record, fuzz_read_response};
pub use h1::{layout_of, ResponseLayout};
pub use probe::{Probe, Progress};
pub use session::Session;
pub use spec::{CookieJar, HttpVersion, Limits, Options, RequestSpec, Spill, TlsOptions, Verify};
pub use timeline::{Mark, Timeline, Timings};
pub use warning::Warning;

/// The exact HTTP/1.1 bytes the engine would write for `spec` (the raw
/// bytes in raw mode), for exports that must match the wire.
pub fn build_request(spec: &RequestSpec) -> Result<Vec<u8>, WireError> {
    if let Some(raw) = &spec.raw {
        return Ok(raw.clone());
    }
    let url = url::Url::parse(&spec.url).map_err(|e| {
        WireError::new(
            ErrorPhase::Input,
            format!("invalid URL '{}': {e}", spec.url),
        )
    })?;
    h1::build_request(spec, &url)
}

/// The `User-Agent` the engine sends when the request names none.
pub fn h1_user_agent() -> &'static str {
    h1::USER_AGENT
}
