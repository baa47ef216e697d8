//! Where a response body goes: memory up to the keep cap, and — when the
//! spec asks for it — the whole body into a temporary file as well, so a
//! view can page over bodies of any size while memory stays flat.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use super::exchange::{Framing, Response};
use super::spec::{Limits, Spill};
use super::warning::Warning;

/// A body kept on disk; the file is removed when the last clone goes.
#[derive(Debug, Clone)]
pub struct BodyFile {
    path: Arc<tempfile::TempPath>,
    pub len: u64,
}

impl PartialEq for BodyFile {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path() && self.len == other.len
    }
}

impl Eq for BodyFile {}

impl BodyFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    pub fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut f = File::open(self.path())?;
        f.seek(SeekFrom::Start(offset))?;
        let mut buf = Vec::with_capacity(len.min(16 * 1024 * 1024));
        f.take(len as u64).read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// Collects a body as it arrives.
pub(crate) struct BodySink {
    keep: usize,
    spill: Spill,
    /// Copy what arrives into `Response::arriving`. Not for an
    /// identity-coded HTTP/1.1 body kept in memory only: that one is a
    /// slice of the transcript (`settle`).
    copy: bool,
    file: Option<(BufWriter<File>, tempfile::TempPath)>,
    failed: Option<String>,
}

impl BodySink {
    pub(crate) fn new(limits: &Limits, framing: Framing) -> Self {
        let identity = matches!(framing, Framing::ContentLength(_) | Framing::CloseDelimited);
        BodySink {
            keep: limits.max_body_kept,
            spill: limits.spill,
            copy: !identity || limits.spill != Spill::Off,
            file: None,
            failed: None,
        }
    }

    /// Takes body bytes (de-chunked). For bodies framed without chunks the
    /// layout's end moves with them, so the record is current at any await.
    pub(crate) fn take(&mut self, resp: &mut Response, data: &[u8]) {
        resp.body_len += data.len() as u64;
        if matches!(
            resp.framing,
            Framing::ContentLength(_) | Framing::CloseDelimited
        ) {
            resp.body_layout.range.end += data.len();
        }
        let room = self.keep.saturating_sub(resp.arriving.len());
        if self.copy {
            resp.arriving
                .extend_from_slice(&data[..data.len().min(room)]);
        }
        if self.spill == Spill::Off || self.failed.is_some() {
            return;
        }
        if self.file.is_none() && resp.body_len > self.keep as u64 {
            // Outgrew memory: from now on the whole body goes to disk,
            // starting with what memory already holds.
            match tempfile::Builder::new()
                .prefix("wirescope-body-")
                .tempfile()
            {
                Ok(f) => {
                    let (file, path) = f.into_parts();
                    let mut w = BufWriter::with_capacity(1 << 20, file);
                    let before = &resp.arriving[..resp.arriving.len() - data.len().min(room)];
                    if let Err(e) = w.write_all(before) {
                        self.failed = Some(e.to_string());
                        return;
                    }
                    self.file = Some((w, path));
                }
                Err(e) => {
                    self.failed = Some(e.to_string());
                    return;
                }
            }
        }
        if let Some((w, _)) = &mut self.file {
            if let Err(e) = w.write_all(data) {
                self.failed = Some(e.to_string());
                self.file = None;
            }
        }
    }

    /// Flushes the file into `resp.body_file`; a disk problem becomes a
    /// warning, never a failed exchange.
    pub(crate) fn finish(mut self, resp: &mut Response, warnings: &mut Vec<Warning>) {
        if let Some((mut w, path)) = self.file.take() {
            match w.flush() {
                Ok(()) => {
                    resp.body_file = Some(BodyFile {
                        path: Arc::new(path),
                        len: resp.body_len,
                    })
                }
                Err(e) => self.failed = Some(e.to_string()),
            }
        }
        if let Some(e) = self.failed {
            warnings.push(Warning::SpillFailed {
                error: e,
                kept: resp.arriving.len(),
            });
        }
    }

    /// Room for a body whose length is announced, sized once.
    pub(crate) fn expect(&self, resp: &mut Response, len: usize) {
        if self.copy {
            resp.arriving.reserve_exact(len.min(self.keep));
        }
    }
}

/// Settles the kept body when the exchange ends, however it ended (a
/// failure, the total deadline dropping the read): an identity-coded
/// HTTP/1.1 body becomes the slice of the transcript it arrived in, up to
/// `keep` bytes (one copy in memory, not two); any other body is what
/// arrived, de-framed.
pub fn settle(resp: &mut Response, received: &Bytes, keep: usize) {
    let identity = matches!(
        resp.framing,
        Framing::ContentLength(_) | Framing::CloseDelimited
    );
    if identity && resp.arriving.is_empty() {
        let r = &resp.body_layout.range;
        let end = r.end.min(r.start.saturating_add(keep)).min(received.len());
        resp.body = received.slice(r.start.min(end)..end);
    } else {
        resp.body = Bytes::from(std::mem::take(&mut resp.arriving));
    }
}
