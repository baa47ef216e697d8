//! A response body as the application sees it: where its bytes are (memory
//! or a temporary file, paged either way), its content codings undone as a
//! stream under a cap (output spilling to another temporary file when
//! big), and the facts reports need (sizes, sha256, what failed). The raw
//! bytes stay available whatever happens, so a failed decoding still shows
//! what arrived. Must not import the terminal crates.

use std::io::Write;

use bytes::Bytes;

use super::coding::{self, Coding, DecodeLimits, Outcome};
pub use super::source::{FileSource, Sink, Source};
use crate::wire::Response;

/// Decoded output held in memory up to this; beyond, it goes to a file.
pub const MEM_CAP: usize = 16 * 1024 * 1024;

/// The response body as received (transfer framing removed, codings
/// kept): the whole of it when it was kept or spilled to disk.
pub fn raw(resp: &Response) -> (Source, u64) {
    match &resp.body_file {
        Some(f) if f.len >= resp.body_len => (Source::File(FileSource::engine(f)), 0),
        _ => (
            Source::Mem(Bytes::copy_from_slice(&resp.body)),
            resp.body_len.saturating_sub(resp.body.len() as u64),
        ),
    }
}

/// What is known about a body and its decoding.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// Body bytes after de-chunking, before content decoding (all of them,
    /// kept or not).
    pub wire_len: u64,
    /// The body as received, as far as it was kept.
    pub raw: Source,
    /// Body bytes that were counted but not kept.
    pub raw_missing: u64,
    /// The `Content-Encoding` value, as sent.
    pub content_encoding: Option<String>,
    pub codings: Vec<Coding>,
    /// The codings undone (as far as they went); `None` when there were
    /// none to undo, or they were refused.
    pub decoded: Option<Source>,
    pub outcome: Outcome,
    /// Why the codings were not undone (unknown, too many).
    pub refused: Option<String>,
    /// How far `decode` and `decode_to` go.
    pub limits: DecodeLimits,
}

impl Body {
    /// The body decoded without a failure (a cap cut is not a failure).
    pub fn decoded_ok(&self) -> bool {
        self.refused.is_none() && self.outcome.error.is_none()
    }

    /// What to show as the body: the decoded bytes (those decoded before
    /// a failure, if any were), or the raw ones when nothing could be
    /// decoded or decoding was refused.
    pub fn shown(&self) -> &Source {
        match &self.decoded {
            Some(d) if self.decoded_ok() || !d.is_empty() => d,
            _ => &self.raw,
        }
    }

    /// Decoding failed before it decoded anything: only the raw bytes
    /// (still compressed) can be shown.
    pub fn nothing_decoded(&self) -> bool {
        self.outcome.error.is_some() && self.decoded.as_ref().is_none_or(Source::is_empty)
    }

    /// The bytes for the hex view: the raw ones when decoding failed (what
    /// arrived is what needs looking at), else what is shown.
    pub fn hex(&self) -> &Source {
        if self.decoded_ok() {
            self.shown()
        } else {
            &self.raw
        }
    }

    pub fn decoded_len(&self) -> u64 {
        self.shown().len()
    }

    /// Whether `shown` is less than the whole body as the application
    /// would see it.
    pub fn truncated(&self) -> bool {
        self.raw_missing > 0 || self.outcome.limit_reached || !self.decoded_ok()
    }

    /// Problems in words, most important first.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(r) = &self.refused {
            notes.push(r.clone());
        }
        if let Some(p) = self.outcome.problem() {
            if self.nothing_decoded() {
                notes.push(format!("{p}: the raw bytes are shown, in hex"));
            } else if self.outcome.error.is_some() {
                notes.push(format!(
                    "{p}: what decoded is shown (the hex view shows the raw bytes)"
                ));
            } else {
                notes.push(p);
            }
        }
        if self.raw_missing > 0 {
            notes.push(format!(
                "only the first {} of {} body bytes were kept ({} not kept)",
                self.wire_len - self.raw_missing,
                self.wire_len,
                self.raw_missing
            ));
        }
        notes
    }
}

/// Starts describing `resp`'s body: raw bytes and codings, not decoded
/// yet (`limits` says how far decoding will go).
pub fn describe(resp: &Response, limits: DecodeLimits) -> Body {
    let (raw, raw_missing) = raw(resp);
    describe_raw(resp, raw, raw_missing, limits)
}

/// Like `describe`, with only the first `limit` raw bytes (a preview's
/// worth, without copying a large body); the flag says it was cut.
pub fn describe_head(resp: &Response, limit: usize, limits: DecodeLimits) -> (Body, bool) {
    let cut = resp.body_len > limit as u64;
    let head = if resp.body.len() >= limit.min(resp.body_len as usize) {
        Bytes::copy_from_slice(&resp.body[..resp.body.len().min(limit)])
    } else {
        match &resp.body_file {
            Some(f) => Source::File(FileSource::engine(f))
                .read_at(0, limit)
                .map(|c| Bytes::copy_from_slice(&c))
                .unwrap_or_default(),
            None => Bytes::copy_from_slice(&resp.body),
        }
    };
    let missing = match &resp.body_file {
        Some(f) if f.len >= resp.body_len => 0,
        _ => resp.body_len.saturating_sub(resp.body.len() as u64),
    };
    (describe_raw(resp, Source::Mem(head), missing, limits), cut)
}

fn describe_raw(resp: &Response, raw: Source, raw_missing: u64, limits: DecodeLimits) -> Body {
    let content_encoding = resp
        .header("content-encoding")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    let parsed = content_encoding
        .as_deref()
        .map(|e| coding::parse_list(e, limits.max_codings));
    let (codings, refused) = match parsed {
        None => (Vec::new(), None),
        Some(Ok(c)) => (c, None),
        Some(Err(e)) => (Vec::new(), Some(e)),
    };
    Body {
        wire_len: resp.body_len,
        raw,
        raw_missing,
        content_encoding,
        codings,
        decoded: None,
        outcome: Outcome::default(),
        refused,
        limits,
    }
}

impl Body {
    /// Whether `decode` has work to do.
    pub fn needs_decoding(&self) -> bool {
        !self.codings.is_empty() && self.decoded.is_none() && !self.raw.is_empty()
    }

    /// Undoes the codings into memory (or a temporary file past
    /// `mem_cap`), at most `limits.max_decoded` bytes.
    pub fn decode(&mut self, mem_cap: usize) {
        let cap = self.limits.max_decoded;
        if !self.needs_decoding() {
            return;
        }
        let mut sink = Sink::new(mem_cap);
        self.outcome = match self.raw.reader() {
            Ok(r) => coding::decode_into(&self.codings, r, &mut sink, cap),
            Err(e) => Outcome {
                error: Some(format!("cannot read the body: {e}")),
                ..Outcome::default()
            },
        };
        match sink.finish() {
            Ok(s) => self.decoded = Some(s),
            Err(e) => {
                self.outcome.error = Some(format!("cannot store the decoded body: {e}"));
                self.decoded = Some(Source::default());
            }
        }
    }

    /// Streams the decoded body into `out` (the raw one when there is
    /// nothing to undo or decoding is refused), at most
    /// `limits.max_decoded` bytes.
    pub fn decode_to(&self, out: &mut dyn Write) -> Outcome {
        let reader = match self.raw.reader() {
            Ok(r) => r,
            Err(e) => {
                return Outcome {
                    error: Some(format!("cannot read the body: {e}")),
                    ..Outcome::default()
                }
            }
        };
        let codings = if self.refused.is_some() {
            &[][..]
        } else {
            &self.codings[..]
        };
        coding::decode_into(codings, reader, out, self.limits.max_decoded)
    }
}

/// Undoes `resp`'s codings into `out` (at most `limits.max_decoded`
/// bytes), reading the body where the response keeps it — its memory or
/// its file — without copying it first, as a report that only hashes
/// the decoded bytes needs. The description's `raw` is left empty.
pub fn decode_response_to(
    resp: &Response,
    limits: DecodeLimits,
    out: &mut dyn Write,
) -> (Body, Outcome) {
    let (body, _) = describe_head(resp, 0, limits);
    let reader: Box<dyn std::io::Read + '_> = match &resp.body_file {
        Some(f) if f.len >= resp.body_len => match Source::File(FileSource::engine(f)).reader() {
            Ok(r) => r,
            Err(e) => {
                let outcome = Outcome {
                    error: Some(format!("cannot read the body: {e}")),
                    ..Outcome::default()
                };
                return (body, outcome);
            }
        },
        _ => Box::new(&resp.body[..]),
    };
    let codings = if body.refused.is_some() {
        &[][..]
    } else {
        &body.codings[..]
    };
    let outcome = coding::decode_into(codings, reader, out, limits.max_decoded);
    (body, outcome)
}

/// Describes and decodes `resp`'s body in one go.
pub fn decode_response(resp: &Response, limits: DecodeLimits) -> Body {
    let mut body = describe(resp, limits);
    body.decode(MEM_CAP);
    body
}

#[cfg(test)]
#[path = "body_tests.rs"]
pub(crate) mod tests;
