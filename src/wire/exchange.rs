//! The record of one exchange: what was asked, what crossed the socket
//! (the transcript), when (the timeline), what it meant (the response),
//! over which connection and TLS session, and how it ended.

use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::time::Duration;

use bytes::Bytes;

use super::error::WireError;
use super::timeline::Timeline;

/// Direction of bytes on the wire, seen from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    Sent,
    Received,
}

impl Dir {
    pub fn name(self) -> &'static str {
        match self {
            Dir::Sent => "sent",
            Dir::Received => "received",
        }
    }
}

/// One read or write as the tap saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkMark {
    pub dir: Dir,
    pub at: Duration,
    pub len: usize,
}

/// Exactly the bytes that crossed the socket (above TLS), kept up to a cap
/// per direction; past the cap they are counted, not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    pub sent: Vec<u8>,
    /// Shared pieces, so the kept body can be part of it instead of a
    /// second copy: an identity-coded HTTP/1.1 body is a slice of its one
    /// piece, an HTTP/2 body is the piece holding its DATA payloads.
    pub received: super::rope::Rope,
    pub sent_total: u64,
    pub received_total: u64,
    pub chunks: Vec<ChunkMark>,
    /// Reads/writes not listed in `chunks` because the list hit its cap.
    pub chunks_dropped: u64,
}

impl Transcript {
    pub fn sent_dropped(&self) -> u64 {
        self.sent_total - self.sent.len() as u64
    }
    pub fn received_dropped(&self) -> u64 {
        self.received_total - self.received.len() as u64
    }
    pub fn truncated(&self) -> bool {
        self.sent_dropped() > 0 || self.received_dropped() > 0
    }
}

/// How the response body was delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// HEAD, 1xx, 204 and 304 carry no body whatever the headers say.
    NoBody,
    ContentLength(u64),
    Chunked,
    /// No length given: the body runs until the server closes.
    CloseDelimited,
    /// HTTP/2 DATA frames on a stream, ended by END_STREAM.
    Http2,
    /// HTTP/3 DATA frames on a QUIC stream, ended with the stream.
    Http3,
}

/// Where the final response's body lay in `Transcript::received`, as the
/// reader framed it (RFC 9112 §6.3). The Wire pane draws its regions from
/// this record, so the bytes are never framed twice, differently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyLayout {
    /// The message body on the wire: chunk lines and trailers included.
    /// Ends where the reader stopped, also when it failed.
    pub range: Range<usize>,
    /// Chunked: each chunk as framed, the last (zero-size) one included,
    /// up to `MAX_CHUNK_SPANS`.
    pub chunks: Vec<ChunkSpan>,
    /// Chunks not listed in `chunks` because the list hit its cap.
    pub chunks_dropped: u64,
    /// Chunked: the trailer section after the last chunk, through its
    /// blank line, once it is complete.
    pub trailers: Option<Range<usize>>,
}

/// Chunk spans a layout lists; past this they are counted (a peer sending
/// one-byte chunks must not make the record grow without bound).
pub const MAX_CHUNK_SPANS: usize = 65_536;

/// One chunk of a chunked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkSpan {
    /// The chunk-size line (`1a;ext=1`) without its line end.
    pub size_line: Range<usize>,
    /// The chunk's data as received so far (empty for the last chunk).
    pub data: Range<usize>,
}

/// One header field's bytes in the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRange {
    pub name: Range<usize>,
    pub value: Range<usize>,
}

/// An interim (1xx) response received before the final one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interim {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

/// The final response as parsed from the received bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// "HTTP/1.1" or "HTTP/1.0".
    pub version: String,
    pub status: u16,
    pub reason: String,
    /// In wire order and original case. Bytes that are not UTF-8 are shown
    /// as `\xNN`; the transcript keeps the originals.
    pub headers: Vec<(String, String)>,
    /// The exact bytes of each field of `headers`, same order: HTTP/1.1
    /// as received (obs-fold included), HTTP/2 as HPACK decoded them.
    pub raw_headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// Where each field of `raw_headers` lies in `Transcript::received`
    /// (HTTP/1.1; empty for HTTP/2, whose fields are HPACK-coded): the
    /// name, and the value as httparse delimits it (obs-fold included).
    pub field_ranges: Vec<FieldRange>,
    pub interim: Vec<Interim>,
    /// Offset of the final status line in `Transcript::received`.
    pub head_start: usize,
    /// Length of the final head (status line through the blank line).
    pub head_len: usize,
    pub framing: Framing,
    /// Where the body's framing lay on the wire (HTTP/1.x; empty for
    /// HTTP/2, whose framing is its frames).
    pub body_layout: BodyLayout,
    /// The body with transfer framing removed (content codings untouched),
    /// kept up to the body cap. For a Content-Length or close-delimited
    /// HTTP/1.1 body this is a slice of `Transcript::received` (the same
    /// memory), set when the exchange ends (`body::settle`).
    pub body: Bytes,
    /// The de-framed body as it arrives, when it cannot be a slice of the
    /// transcript (chunked, HTTP/2, or spilling to a file); moved into
    /// `body` when the exchange ends. Empty afterwards.
    pub arriving: Vec<u8>,
    /// Body length after de-chunking, including bytes not kept.
    pub body_len: u64,
    /// Chunks seen in a chunked body (DATA frames for HTTP/2).
    pub chunk_count: u64,
    /// The whole body on disk, when it outgrew memory and the spec asked
    /// for spilling (`Limits::spill`).
    pub body_file: Option<super::body::BodyFile>,
}

impl Response {
    /// A response head as HTTP/2 and HTTP/3 deliver it (decoded fields, no
    /// status line or reason phrase), its body still to come.
    pub fn from_fields(
        version: &str,
        status: u16,
        headers: &http::HeaderMap,
        framing: Framing,
    ) -> Response {
        Response {
            version: version.into(),
            status,
            reason: String::new(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), super::h1::field_text(v.as_bytes())))
                .collect(),
            raw_headers: headers
                .iter()
                .map(|(n, v)| (n.as_str().as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect(),
            field_ranges: Vec::new(),
            interim: Vec::new(),
            head_start: 0,
            head_len: 0,
            framing,
            body_layout: Default::default(),
            body: Default::default(),
            arriving: Vec::new(),
            body_len: 0,
            chunk_count: 0,
            body_file: None,
        }
    }

    pub fn body_truncated(&self) -> bool {
        self.body_len > self.body.len() as u64
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The connection an exchange used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Unique within a session; equal ids mean the same TCP connection.
    pub id: u64,
    pub reused: bool,
    pub remote: SocketAddr,
    pub local: Option<SocketAddr>,
    /// Every address DNS returned, in the order tried.
    pub resolved: Vec<IpAddr>,
    /// Addresses tried before `remote`, each with why it failed.
    pub failed_attempts: Vec<(SocketAddr, String)>,
    /// The proxy the connection went through (`remote` is then the
    /// proxy's address).
    pub proxy: Option<super::proxy::ProxyUsed>,
    /// The kernel's account of the TCP connection when the exchange ended
    /// (`TCP_INFO`; to the proxy, through one). HTTP/1.1 only for now.
    pub tcp: Option<super::tcp_info::TcpFacts>,
}

/// One X.509 certificate of the server's chain, as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub san: Vec<String>,
}

/// A TLS record seen below TLS during the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRecord {
    pub dir: Dir,
    pub at: Duration,
    /// "handshake", "change_cipher_spec", "alert", "application_data".
    pub content_type: &'static str,
    pub len: usize,
}

/// What the TLS handshake settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
    pub alpn: Option<String>,
    pub server_name: String,
    pub chain: Vec<CertInfo>,
    pub handshake_records: Vec<TlsRecord>,
    /// Certificate verification was switched off for this connection.
    pub insecure: bool,
    /// Client authentication (mutual TLS): whether the server asked for a
    /// certificate and what we sent; `None` when neither happened.
    pub client_auth: Option<super::client_cert::ClientAuth>,
}

/// Which protocol an exchange spoke and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// "HTTP/1.1" or "HTTP/2".
    pub version: &'static str,
    /// In words: "ALPN: the server chose h2", "plain http", ...
    pub why: String,
}

/// A header block's size on the wire and as HTTP/1.1 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSize {
    pub dir: Dir,
    pub stream: u32,
    pub wire_len: usize,
    pub h1_len: usize,
}

/// Where one of an exchange's own frames sits: in its connection's bytes
/// and in the exchange's transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub dir: Dir,
    pub conn_offset: usize,
    pub offset: usize,
    pub len: usize,
}

/// An HTTP/2 exchange's share of its connection, decoded once as the
/// bytes arrived (HPACK state spans the connection, so the engine decodes
/// it live and files each frame under its stream; see `h2_record`).
#[derive(Debug, Clone, PartialEq)]
pub struct H2Capture {
    /// The exchange's stream.
    pub stream: u32,
    /// Its stream's frames and the connection-level pieces it claimed,
    /// decoded, on the exchange's clock; offsets are the connection's.
    pub frames: std::sync::Arc<crate::decode::h2::Connection>,
    /// The connection-level bytes it claimed (preface, stream 0's
    /// frames), apart from the exchange's own transcript.
    pub connection: Transcript,
    /// Where each of its stream's frames sits in its transcript.
    pub placed: Vec<Placed>,
    /// The connection's latest header block sizes, all streams.
    pub recent_blocks: Vec<BlockSize>,
    /// Frames not kept because a cap was reached.
    pub dropped: u64,
}

impl Eq for H2Capture {}

impl H2Capture {
    /// Where `range` of the connection's `dir` bytes lies in the
    /// exchange's transcript, if it is inside one of its own frames.
    pub fn to_exchange(
        &self,
        dir: Dir,
        range: std::ops::Range<usize>,
    ) -> Option<std::ops::Range<usize>> {
        let p = self.placed.iter().find(|p| {
            p.dir == dir && p.conn_offset <= range.start && range.start < p.conn_offset + p.len
        })?;
        if range.end > p.conn_offset + p.len {
            return None;
        }
        let shift = |x: usize| x - p.conn_offset + p.offset;
        Some(shift(range.start)..shift(range.end))
    }
}

/// Everything known about one request/response exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub transcript: Transcript,
    pub timeline: Timeline,
    pub response: Option<Response>,
    pub connection: Option<ConnectionInfo>,
    pub tls: Option<TlsInfo>,
    pub negotiated: Option<Negotiated>,
    /// Present for HTTP/2 exchanges.
    pub h2: Option<H2Capture>,
    /// Present for HTTP/3 exchanges: the request's fields and the QUIC
    /// datagrams (the transcript holds their encrypted bytes).
    pub h3: Option<super::h3::H3Record>,
    /// TLS verification was off: shown as a loud warning wherever shown.
    pub insecure: bool,
    /// Things a careful client noticed but tolerated.
    pub warnings: Vec<super::warning::Warning>,
    pub error: Option<WireError>,
}

impl Exchange {
    pub fn is_ok(&self) -> bool {
        self.error.is_none() && self.response.is_some()
    }
}
