//! Where a response body goes: memory up to the keep cap, and — when the
//! spec asks for it — the whole body into a temporary file as well, so a
//! view can page over bodies of any size while memory stays flat.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::sync::Arc;

use bytes::Bytes;

use super::exchange::{Framing, Response};
use super::spec::{Limits, Spill};
use super::warning::Warning;

/// A body kept on disk, in a temporary file with no name: the kernel
/// removes it when the last clone goes, or when the process ends however
/// it ends (a killed TUI once left gigabytes of named spill files behind).
#[derive(Debug, Clone)]
pub struct BodyFile {
    file: Arc<File>,
    pub len: u64,
}

impl PartialEq for BodyFile {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.file, &other.file) && self.len == other.len
    }
}

impl Eq for BodyFile {}

impl BodyFile {
    pub fn file(&self) -> &Arc<File> {
        &self.file
    }

    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    pub fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        read_at(&self.file, offset, len, self.len)
    }
}

/// Up to `len` bytes of `file` from `offset`, within its first `size`
/// bytes (positional reads: clones never share a cursor).
pub fn read_at(file: &File, offset: u64, len: usize, size: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let want = (len as u64).min(size.saturating_sub(offset)) as usize;
    let mut buf = vec![0u8; want];
    let mut got = 0;
    while got < want {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// Reads a file from its start to `size`, by position.
pub struct FileReader {
    file: Arc<File>,
    at: u64,
    size: u64,
}

impl FileReader {
    pub fn new(file: Arc<File>, size: u64) -> Self {
        FileReader { file, at: 0, size }
    }
}

impl Read for FileReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let room = (self.size.saturating_sub(self.at)).min(out.len() as u64) as usize;
        if room == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut out[..room], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// Collects a body as it arrives.
pub(crate) struct BodySink {
    keep: usize,
    spill: Spill,
    /// Copy what arrives into `Response::arriving`. Not for a body the
    /// record holds already: an identity-coded HTTP/1.1 body is a slice of
    /// the transcript (`settle`), an HTTP/2 body the stream's DATA
    /// payloads (`h2_stream`).
    copy: bool,
    /// Spilling a body the record holds starts at its first byte (there
    /// is no copy to start the file from later), unless its announced
    /// length fits in memory (`expect`).
    spill_from_start: bool,
    file: Option<BufWriter<File>>,
    failed: Option<String>,
}

impl BodySink {
    pub(crate) fn new(limits: &Limits, framing: Framing) -> Self {
        let in_record = matches!(
            framing,
            Framing::ContentLength(_) | Framing::CloseDelimited | Framing::Http2
        );
        BodySink {
            keep: limits.max_body_kept,
            spill: limits.spill,
            copy: !in_record,
            spill_from_start: in_record,
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
        let outgrew = resp.body_len > self.keep as u64;
        if self.file.is_none() && outgrew && !self.copy && !self.spill_from_start {
            // Announced to fit, it did not: its start is only in the
            // transcript, so a file could not hold it whole.
            self.failed = Some("the body outgrew its announced Content-Length".into());
            return;
        }
        if self.file.is_none() && (self.spill_from_start || outgrew) {
            // Outgrew memory (or may, with no copy to start from later):
            // from now on the whole body goes to disk, starting with what
            // memory already holds.
            match tempfile::tempfile() {
                Ok(file) => {
                    let mut w = BufWriter::with_capacity(256 << 10, file);
                    let copied = if self.copy { data.len().min(room) } else { 0 };
                    let before = &resp.arriving[..resp.arriving.len() - copied];
                    if let Err(e) = w.write_all(before) {
                        self.failed = Some(e.to_string());
                        return;
                    }
                    self.file = Some(w);
                }
                Err(e) => {
                    self.failed = Some(e.to_string());
                    return;
                }
            }
        }
        if let Some(w) = &mut self.file {
            if let Err(e) = w.write_all(data) {
                self.failed = Some(e.to_string());
                self.file = None;
            }
        }
    }

    /// Flushes the file into `resp.body_file`; a disk problem becomes a
    /// warning, never a failed exchange.
    pub(crate) fn finish(mut self, resp: &mut Response, warnings: &mut Vec<Warning>) {
        // Spilled from the start but small after all: memory has it whole.
        if resp.body_len <= self.keep as u64 {
            self.file = None;
        }
        if let Some(w) = self.file.take() {
            match w.into_inner() {
                Ok(file) => {
                    resp.body_file = Some(BodyFile {
                        file: Arc::new(file),
                        len: resp.body_len,
                    })
                }
                Err(e) => self.failed = Some(e.error().to_string()),
            }
        }
        if let Some(e) = self.failed {
            warnings.push(Warning::SpillFailed {
                error: e,
                kept: resp.arriving.len(),
            });
        }
    }

    /// Room for a body whose length is announced, sized once; one that
    /// fits in memory is never spilled.
    pub(crate) fn expect(&mut self, resp: &mut Response, len: usize) {
        if self.copy {
            resp.arriving.reserve_exact(len.min(self.keep));
        }
        if len <= self.keep {
            self.spill_from_start = false;
        }
    }
}

/// Settles the kept body when the exchange ends, however it ended (a
/// failure, the total deadline dropping the read): an identity-coded
/// HTTP/1.1 body becomes the slice of the transcript it arrived in, up to
/// `keep` bytes (one copy in memory, not two); any other body is what
/// arrived, de-framed.
pub fn settle(resp: &mut Response, received: &super::rope::Rope, keep: usize) {
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
