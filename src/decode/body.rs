//! A response body as the application sees it: where its bytes are (memory
//! or a temporary file, paged either way), its content codings undone as a
//! stream under a cap (output spilling to another temporary file when
//! big), and the facts reports need (sizes, sha256, what failed). The raw
//! bytes stay available whatever happens, so a failed decoding still shows
//! what arrived. Must not import the terminal crates.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use super::coding::{self, Coding, Outcome};
use crate::wire::body::BodyFile;
use crate::wire::Response;

/// Decoded output held in memory up to this; beyond, it goes to a file.
pub const MEM_CAP: usize = 16 * 1024 * 1024;

/// Bytes to show, in memory or in a file; cheap to clone.
#[derive(Clone, Debug)]
pub enum Source {
    Mem(Bytes),
    File(FileSource),
}

/// A file that holds a body; removed when the last clone goes.
#[derive(Clone, Debug)]
pub struct FileSource {
    keep: FileKeep,
    len: u64,
}

#[derive(Clone, Debug)]
enum FileKeep {
    /// The engine's spill file (the body as received).
    Engine(BodyFile),
    /// A file of ours (decoded or transcoded output).
    Temp(Arc<tempfile::TempPath>),
}

impl FileSource {
    pub fn path(&self) -> &Path {
        match &self.keep {
            FileKeep::Engine(f) => f.path(),
            FileKeep::Temp(p) => p,
        }
    }
}

impl Default for Source {
    fn default() -> Self {
        Source::Mem(Bytes::new())
    }
}

impl Source {
    pub fn len(&self) -> u64 {
        match self {
            Source::Mem(b) => b.len() as u64,
            Source::File(f) => f.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file behind this source, when it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Mem(_) => None,
            Source::File(f) => Some(f.path()),
        }
    }

    /// Up to `len` bytes from `offset` (fewer at the end).
    pub fn read_at(&self, offset: u64, len: usize) -> io::Result<Cow<'_, [u8]>> {
        match self {
            Source::Mem(b) => {
                let start = (offset.min(b.len() as u64)) as usize;
                let end = start.saturating_add(len).min(b.len());
                Ok(Cow::Borrowed(&b[start..end]))
            }
            Source::File(f) => {
                let mut file = File::open(f.path())?;
                file.seek(SeekFrom::Start(offset))?;
                let want = (len as u64).min(f.len.saturating_sub(offset)) as usize;
                let mut buf = Vec::with_capacity(want);
                file.take(want as u64).read_to_end(&mut buf)?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// A reader over every byte.
    pub fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Mem(b) => Ok(Box::new(io::Cursor::new(b.clone()))),
            Source::File(f) => Ok(Box::new(File::open(f.path())?.take(f.len))),
        }
    }

    /// Writes every byte to `path`; returns how many.
    pub fn save(&self, path: &Path) -> io::Result<u64> {
        let mut out = BufWriter::new(File::create(path)?);
        let n = io::copy(&mut self.reader()?, &mut out)?;
        out.flush()?;
        Ok(n)
    }

    /// The sha256 of every byte, in lowercase hex.
    pub fn sha256(&self) -> io::Result<String> {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut reader = self.reader()?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => ctx.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(ctx
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// Collects output in memory up to a cap, then in a temporary file.
pub struct Sink {
    mem: Vec<u8>,
    mem_cap: usize,
    file: Option<(BufWriter<File>, tempfile::TempPath)>,
    len: u64,
}

impl Sink {
    pub fn new(mem_cap: usize) -> Self {
        Sink {
            mem: Vec::new(),
            mem_cap,
            file: None,
            len: 0,
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> io::Result<Source> {
        match self.file {
            None => Ok(Source::Mem(Bytes::from(self.mem))),
            Some((mut w, path)) => {
                w.flush()?;
                Ok(Source::File(FileSource {
                    keep: FileKeep::Temp(Arc::new(path)),
                    len: self.len,
                }))
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.file.is_none() && self.mem.len() + data.len() > self.mem_cap {
            let (file, path) = tempfile::Builder::new()
                .prefix("wirescope-decoded-")
                .tempfile()?
                .into_parts();
            let mut w = BufWriter::with_capacity(1 << 20, file);
            w.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some((w, path));
        }
        match &mut self.file {
            Some((w, _)) => w.write_all(data)?,
            None => self.mem.extend_from_slice(data),
        }
        self.len += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some((w, _)) => w.flush(),
            None => Ok(()),
        }
    }
}

/// The response body as received (transfer framing removed, codings
/// kept): the whole of it when it was kept or spilled to disk.
pub fn raw(resp: &Response) -> (Source, u64) {
    match &resp.body_file {
        Some(f) if f.len >= resp.body_len => (
            Source::File(FileSource {
                len: f.len,
                keep: FileKeep::Engine(f.clone()),
            }),
            0,
        ),
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
                self.raw.len(),
                self.wire_len,
                self.raw_missing
            ));
        }
        notes
    }
}

/// Starts describing `resp`'s body: raw bytes and codings, not decoded yet.
pub fn describe(resp: &Response) -> Body {
    let (raw, raw_missing) = raw(resp);
    describe_raw(resp, raw, raw_missing)
}

/// Like `describe`, with only the first `limit` raw bytes (a preview's
/// worth, without copying a large body); the flag says it was cut.
pub fn describe_head(resp: &Response, limit: usize) -> (Body, bool) {
    let cut = resp.body_len > limit as u64;
    let head = if resp.body.len() >= limit.min(resp.body_len as usize) {
        Bytes::copy_from_slice(&resp.body[..resp.body.len().min(limit)])
    } else {
        match &resp.body_file {
            Some(f) => Source::File(FileSource {
                len: f.len,
                keep: FileKeep::Engine(f.clone()),
            })
            .read_at(0, limit)
            .map(|c| Bytes::copy_from_slice(&c))
            .unwrap_or_default(),
            None => Bytes::copy_from_slice(&resp.body),
        }
    };
    let missing = if cut {
        0
    } else {
        resp.body_len.saturating_sub(head.len() as u64)
    };
    (describe_raw(resp, Source::Mem(head), missing), cut)
}

fn describe_raw(resp: &Response, raw: Source, raw_missing: u64) -> Body {
    let content_encoding = resp
        .header("content-encoding")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    let (codings, refused) = match content_encoding.as_deref().map(coding::parse_list) {
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
    }
}

impl Body {
    /// Whether `decode` has work to do.
    pub fn needs_decoding(&self) -> bool {
        !self.codings.is_empty() && self.decoded.is_none() && !self.raw.is_empty()
    }

    /// Undoes the codings into memory (or a temporary file past
    /// `mem_cap`), at most `cap` bytes.
    pub fn decode(&mut self, cap: u64, mem_cap: usize) {
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
    /// nothing to undo or decoding is refused), at most `cap` bytes.
    pub fn decode_to(&self, out: &mut dyn Write, cap: u64) -> Outcome {
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
        coding::decode_into(codings, reader, out, cap)
    }
}

/// Describes and decodes `resp`'s body in one go.
pub fn decode_response(resp: &Response, cap: u64) -> Body {
    let mut body = describe(resp);
    body.decode(cap, MEM_CAP);
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::exchange::Framing;

    pub(crate) fn response(headers: &[(&str, &str)], body: &[u8]) -> Response {
        Response {
            version: "HTTP/1.1".into(),
            status: 200,
            reason: "OK".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            interim: vec![],
            head_start: 0,
            head_len: 0,
            framing: Framing::ContentLength(body.len() as u64),
            body: body.to_vec(),
            body_len: body.len() as u64,
            chunk_count: 0,
            body_file: None,
        }
    }

    #[test]
    fn decoded_body_and_sizes() {
        let plain = br#"{"hello":"world","n":[1,2,3]}"#.repeat(100);
        let gz = coding::encode(Coding::Gzip, &plain).unwrap();
        let resp = response(&[("Content-Encoding", "gzip")], &gz);
        let body = decode_response(&resp, coding::DEFAULT_MAX_DECODED);
        assert_eq!(body.wire_len, gz.len() as u64);
        assert_eq!(body.decoded_len(), plain.len() as u64);
        assert!(body.decoded_ok() && !body.truncated());
        assert_eq!(&body.shown().read_at(0, 9).unwrap()[..], b"{\"hello\":");
        assert_eq!(body.raw.len(), gz.len() as u64);
        assert!(body.notes().is_empty());
    }

    #[test]
    fn truncated_gzip_keeps_the_raw_bytes() {
        let plain: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let gz = coding::encode(Coding::Gzip, &plain).unwrap();
        let resp = response(&[("Content-Encoding", "gzip")], &gz[..gz.len() / 2]);
        let body = decode_response(&resp, coding::DEFAULT_MAX_DECODED);
        assert!(!body.decoded_ok() && body.truncated());
        let partial = body.shown().read_at(0, 1 << 20).unwrap();
        assert!(
            !partial.is_empty() && plain.starts_with(&partial),
            "what decoded is shown"
        );
        assert_eq!(
            body.hex().len(),
            (gz.len() / 2) as u64,
            "the raw bytes, for hex"
        );
        assert_eq!(body.raw.len(), (gz.len() / 2) as u64);
        let notes = body.notes().join("; ");
        assert!(
            notes.contains("gzip: the compressed data ends early (truncated)"),
            "{notes}"
        );
        assert!(
            notes.contains("the hex view shows the raw bytes"),
            "{notes}"
        );
        let nothing = decode_response(
            &response(&[("Content-Encoding", "gzip")], &gz[..5]),
            coding::DEFAULT_MAX_DECODED,
        );
        assert!(nothing.nothing_decoded());
        assert_eq!(nothing.shown().len(), 5);
        assert!(nothing.notes()[0].ends_with("the raw bytes are shown, in hex"));
    }

    #[test]
    fn large_output_spills_to_a_file_that_goes_away() {
        let plain = vec![b'z'; 3 * 1024 * 1024];
        let gz = coding::encode(Coding::Gzip, &plain).unwrap();
        let resp = response(&[("Content-Encoding", "gzip")], &gz);
        let mut body = describe(&resp);
        body.decode(coding::DEFAULT_MAX_DECODED, 1024 * 1024);
        let shown = body.shown().clone();
        let path = shown.path().expect("spilled to a file").to_path_buf();
        assert!(path.exists());
        assert_eq!(shown.len(), plain.len() as u64);
        assert_eq!(&shown.read_at(3 * 1024 * 1024 - 2, 10).unwrap()[..], b"zz");
        drop(body);
        drop(shown);
        assert!(!path.exists(), "the decoded temp file is removed");
    }

    #[test]
    fn refused_codings_and_sha() {
        let resp = response(&[("Content-Encoding", "gzip, gzip, gzip, gzip")], b"abc");
        let body = decode_response(&resp, 100);
        assert!(body.refused.as_deref().unwrap().contains("at most 3"));
        assert_eq!(body.shown().len(), 3);
        assert_eq!(
            body.shown().sha256().unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut out = Vec::new();
        assert_eq!(body.decode_to(&mut out, 2).written, 2);
    }
}
