//! Bytes a view shows, wherever they are: in memory or in a temporary
//! file (the engine's spill file, or decoded / transcoded output of ours),
//! read a page at a time; and a sink that keeps output in memory up to a
//! cap, then in a temporary file removed when the last reader goes.
//! Must not import the terminal crates.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use crate::wire::body::{read_at, BodyFile, FileReader};

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
    /// A file of ours (decoded or transcoded output), with no name: gone
    /// with its last reader or the process.
    Temp(Arc<File>),
}

impl FileSource {
    /// The engine's spill file of a body.
    pub fn engine(f: &BodyFile) -> Self {
        FileSource {
            len: f.len,
            keep: FileKeep::Engine(f.clone()),
        }
    }

    fn file(&self) -> &Arc<File> {
        match &self.keep {
            FileKeep::Engine(f) => f.file(),
            FileKeep::Temp(f) => f,
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

    /// The bytes are in a (nameless) temporary file.
    pub fn is_file(&self) -> bool {
        matches!(self, Source::File(_))
    }

    /// Up to `len` bytes from `offset` (fewer at the end).
    pub fn read_at(&self, offset: u64, len: usize) -> io::Result<Cow<'_, [u8]>> {
        match self {
            Source::Mem(b) => {
                let start = (offset.min(b.len() as u64)) as usize;
                let end = start.saturating_add(len).min(b.len());
                Ok(Cow::Borrowed(&b[start..end]))
            }
            Source::File(f) => Ok(Cow::Owned(read_at(f.file(), offset, len, f.len)?)),
        }
    }

    /// A reader over every byte.
    pub fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Mem(b) => Ok(Box::new(io::Cursor::new(b.clone()))),
            Source::File(f) => Ok(Box::new(FileReader::new(f.file().clone(), f.len))),
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
    file: Option<BufWriter<File>>,
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
            Some(w) => {
                let file = w
                    .into_inner()
                    .map_err(|e| io::Error::other(e.error().to_string()))?;
                Ok(Source::File(FileSource {
                    keep: FileKeep::Temp(Arc::new(file)),
                    len: self.len,
                }))
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.file.is_none() && self.mem.len() + data.len() > self.mem_cap {
            let mut w = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
            w.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(w);
        }
        match &mut self.file {
            Some(w) => w.write_all(data)?,
            None => self.mem.extend_from_slice(data),
        }
        self.len += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}
