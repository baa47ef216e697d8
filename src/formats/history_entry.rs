//! One stored exchange: what history keeps of an `Exchange` (the request
//! as sent, the response head, the wire bytes of both directions, the
//! timeline's marks), redacted as asked, in a serde shape whose field
//! names are the on-disk format.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::redact::{self, Redaction};
use super::time::{rfc3339, unix_millis};
use super::wire_view;
use crate::wire::exchange::Dir;
use crate::wire::{Exchange, RequestSpec, Timeline, Verify};

/// One exchange as history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, when the exchange started.
    pub at: String,
    pub at_ms: u64,
    pub method: String,
    pub url: String,
    /// "HTTP/1.1" or "HTTP/2".
    pub protocol: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    /// The request as sent, in wire order and case.
    pub request_headers: Vec<(String, String)>,
    #[serde(with = "b64")]
    pub request_body: Vec<u8>,
    /// The final response's headers, in wire order and case.
    pub response_headers: Vec<(String, String)>,
    /// The wire bytes kept for this exchange (HTTP/1 text or HTTP/2
    /// frames), heads redacted unless redaction was off.
    #[serde(with = "wire_b64")]
    pub sent: Vec<u8>,
    #[serde(with = "wire_b64")]
    pub received: Vec<u8>,
    pub sent_total: u64,
    pub received_total: u64,
    pub timeline: StoredTimeline,
    pub remote: Option<String>,
    pub connection_id: Option<u64>,
    pub insecure: bool,
    pub warnings: Vec<String>,
    /// "phase: message".
    pub error: Option<String>,
    pub redacted: bool,
    /// What history changed or left out, in words.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Timeline marks in microseconds from the exchange's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoredTimeline {
    pub reused: bool,
    pub tls: bool,
    /// An IP-literal host: no DNS phase.
    #[serde(default)]
    pub no_lookup: bool,
    /// Through a proxy that needed a tunnel (left out otherwise, so
    /// entries without one read and write as before).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tunnel: bool,
    pub dns_done: Option<u64>,
    pub connected: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel_done: Option<u64>,
    pub tls_done: Option<u64>,
    pub ready: Option<u64>,
    pub request_sent: Option<u64>,
    pub first_byte: Option<u64>,
    pub done: Option<u64>,
}

/// Wire bytes history keeps per direction of one exchange: enough for the
/// heads and the start of the bodies. A history is for looking back and
/// re-sending, not an archive of downloads, and it is held in memory.
pub const MAX_KEPT_PER_DIRECTION: usize = 1024 * 1024;

impl HistoryEntry {
    /// What history stores for `ex`.
    pub fn from_exchange(ex: &Exchange, redaction: Redaction) -> HistoryEntry {
        let on = redaction == Redaction::On;
        let view = wire_view::request(ex);
        let hv = |list: &[(String, String)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| {
                    let v = if on {
                        redact::header_value(n, v)
                    } else {
                        v.clone()
                    };
                    (n.clone(), v)
                })
                .collect()
        };
        // Messages may quote the URL, secrets and all.
        let text = |s: &str| {
            if on {
                redact::urls_in_text(s)
            } else {
                s.to_string()
            }
        };
        let resp = ex.response.as_ref();
        let t = &ex.transcript;
        let mut notes = Vec::new();
        let (sent, received) = match (on, ex.h2.is_some()) {
            (false, _) => (t.sent.clone(), t.received.to_vec()),
            (true, false) => (
                redact::h1_bytes(&t.sent, Dir::Sent),
                redact::h1_bytes(&t.received, Dir::Received),
            ),
            (true, true) => {
                // HPACK may carry a secret Huffman-coded or by table index:
                // no byte-level edit can be trusted, so the frames stay out.
                notes.push("HTTP/2 frames not kept: their header blocks cannot be redacted".into());
                (Vec::new(), Vec::new())
            }
        };
        let (mut sent, mut received) = (sent, received);
        for (bytes, dir) in [(&mut sent, "sent"), (&mut received, "received")] {
            if bytes.len() > MAX_KEPT_PER_DIRECTION {
                notes.push(format!(
                    "only the first {} of {} {dir} bytes kept",
                    MAX_KEPT_PER_DIRECTION,
                    bytes.len()
                ));
                bytes.truncate(MAX_KEPT_PER_DIRECTION);
            }
        }
        let us = |d: Option<Duration>| d.map(|d| d.as_micros() as u64);
        let tl = &ex.timeline;
        HistoryEntry {
            at: rfc3339(tl.started_at),
            at_ms: unix_millis(tl.started_at),
            method: ex.method.clone(),
            url: if on {
                redact::url(&ex.url)
            } else {
                ex.url.clone()
            },
            protocol: ex.negotiated.as_ref().map(|n| n.version.to_string()),
            status: resp.map(|r| r.status),
            reason: resp.map(|r| r.reason.clone()),
            request_headers: hv(&view.headers),
            request_body: view.body,
            response_headers: resp.map(|r| hv(&r.headers)).unwrap_or_default(),
            sent,
            received,
            sent_total: t.sent_total,
            received_total: t.received_total,
            timeline: StoredTimeline {
                reused: tl.reused,
                tls: tl.tls,
                no_lookup: tl.no_lookup,
                tunnel: tl.tunnel,
                dns_done: us(tl.dns_done),
                connected: us(tl.connected),
                tunnel_done: us(tl.tunnel_done),
                tls_done: us(tl.tls_done),
                ready: us(tl.ready),
                request_sent: us(tl.request_sent),
                first_byte: us(tl.first_byte),
                done: us(tl.done),
            },
            remote: ex.connection.as_ref().map(|c| c.remote.to_string()),
            connection_id: ex.connection.as_ref().map(|c| c.id),
            insecure: ex.insecure,
            warnings: ex.warnings.iter().map(|w| text(&w.to_string())).collect(),
            error: ex.error.as_ref().map(|e| text(&e.to_string())),
            redacted: on,
            notes,
        }
    }

    /// The timeline as the engine's type, for the waterfall views.
    pub fn timeline(&self) -> Timeline {
        let s = &self.timeline;
        let d = |v: Option<u64>| v.map(Duration::from_micros);
        let mut t = Timeline::new(UNIX_EPOCH + Duration::from_millis(self.at_ms));
        t.reused = s.reused;
        t.tls = s.tls;
        t.no_lookup = s.no_lookup;
        t.tunnel = s.tunnel;
        t.dns_done = d(s.dns_done);
        t.connected = d(s.connected);
        t.tunnel_done = d(s.tunnel_done);
        t.tls_done = d(s.tls_done);
        t.ready = d(s.ready);
        t.request_sent = d(s.request_sent);
        t.first_byte = d(s.first_byte);
        t.done = d(s.done);
        t
    }

    /// When the exchange started.
    pub fn started_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.at_ms)
    }

    /// The request again, ready to re-send. Headers the engine adds by
    /// itself (`Content-Length`, a `Host` matching the URL) are left for
    /// it to add, so an edited body gets a fresh length. Redacted values
    /// stay `REDACTED`: history never had the secret.
    pub fn to_spec(&self) -> RequestSpec {
        let mut spec = RequestSpec::get(self.url.clone());
        spec.method = self.method.clone();
        let authority = url::Url::parse(&self.url).ok().map(|u| match u.port() {
            Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_string(),
        });
        let had_length = self.request_headers.iter().any(|(n, v)| {
            (n.eq_ignore_ascii_case("content-length") && !v.trim().is_empty())
                || n.eq_ignore_ascii_case("transfer-encoding")
        });
        spec.headers = self
            .request_headers
            .iter()
            .filter(|(n, v)| {
                let engine_adds = n.eq_ignore_ascii_case("content-length")
                    || (n.eq_ignore_ascii_case("host") && Some(v) == authority.as_ref());
                !engine_adds
            })
            .cloned()
            .collect();
        if had_length || !self.request_body.is_empty() {
            spec.body = Some(self.request_body.clone());
        }
        if self.insecure {
            spec.options.tls.verify = Verify::Off;
        }
        spec
    }

    /// Case-insensitive: every word of `q` occurs in the method, URL,
    /// status, reason, protocol, a header line or the error.
    pub fn matches(&self, q: &str) -> bool {
        let mut hay = format!(
            "{} {} {} {} {} {}\n",
            self.method,
            self.url,
            self.status.map(|s| s.to_string()).unwrap_or_default(),
            self.reason.as_deref().unwrap_or_default(),
            self.protocol.as_deref().unwrap_or_default(),
            self.error.as_deref().unwrap_or_default(),
        );
        for (n, v) in self.request_headers.iter().chain(&self.response_headers) {
            hay.push_str(n);
            hay.push_str(": ");
            hay.push_str(v);
            hay.push('\n');
        }
        let hay = hay.to_lowercase();
        q.split_whitespace()
            .all(|w| hay.contains(&w.to_lowercase()))
    }

    /// Redacts an entry made without redaction (one imported from a HAR
    /// file) as `from_exchange` would have: URL, credential headers, the
    /// HTTP/1 heads in the wire bytes, messages quoting the URL. HTTP/2
    /// frames are dropped, since their header blocks cannot be edited.
    pub fn redact(&mut self) {
        if self.redacted {
            return;
        }
        self.url = redact::url(&self.url);
        for w in &mut self.warnings {
            *w = redact::urls_in_text(w);
        }
        if let Some(e) = &mut self.error {
            *e = redact::urls_in_text(e);
        }
        for list in [&mut self.request_headers, &mut self.response_headers] {
            for (n, v) in list.iter_mut() {
                *v = redact::header_value(n, v);
            }
        }
        let h2 = self
            .protocol
            .as_deref()
            .is_some_and(|p| !p.starts_with("HTTP/1") && p.contains('2'));
        if h2 && !(self.sent.is_empty() && self.received.is_empty()) {
            self.sent.clear();
            self.received.clear();
            self.notes
                .push("HTTP/2 frames not kept: their header blocks cannot be redacted".into());
        } else {
            self.sent = redact::h1_bytes(&self.sent, Dir::Sent);
            self.received = redact::h1_bytes(&self.received, Dir::Received);
        }
        self.redacted = true;
    }

    /// Drops the stored bytes past each head, for an entry too large to
    /// keep whole.
    pub(super) fn keep_heads_only(&mut self) {
        for bytes in [&mut self.sent, &mut self.received] {
            if let Some(end) = wire_view::head_end(bytes) {
                bytes.truncate(end);
            }
        }
        self.request_body.clear();
        self.notes
            .push("bodies not kept: the exchange is larger than the history size cap".into());
    }
}

thread_local! {
    static INDEX_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the wire bytes (`sent`, `received`) skipped while
/// entries are read: the history's index needs the summaries, and
/// decoding 50 MB of base64 it would drop at once is most of the cost of
/// opening it. serde has no per-call field options, hence the flag.
pub(super) fn index_only<T>(f: impl FnOnce() -> T) -> T {
    INDEX_ONLY.with(|c| c.set(true));
    let out = f();
    INDEX_ONLY.with(|c| c.set(false));
    out
}

/// The wire bytes: base64, skipped under `index_only`.
mod wire_b64 {
    use serde::de::IgnoredAny;
    use serde::{Deserialize, Deserializer};

    pub use super::b64::serialize;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        if super::INDEX_ONLY.with(std::cell::Cell::get) {
            IgnoredAny::deserialize(d)?;
            return Ok(Vec::new());
        }
        super::b64::deserialize(d)
    }
}

/// Bytes as base64 strings inside the JSON lines.
mod b64 {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(serde::de::Error::custom)
    }
}
