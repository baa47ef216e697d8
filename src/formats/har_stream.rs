//! A session's HAR written as the session runs (`send --har FILE`): the
//! file is created before anything is sent, each flow's entries are
//! written when the flow ends (bodies and wire bytes in pieces, see
//! `report::stream`) and nothing of a flow is kept afterwards. The pages
//! (one small object per flow) wait in an unnamed temporary file, since
//! `log.pages` is one list and entries keep coming; they follow
//! `log.entries` at the end. The entries and pages are those
//! `har::har_session` builds (same functions); the document is indented
//! as `serde_json::to_string_pretty` would, except that each entry and
//! page is one line (pretty-printed, the indentation alone cost ~1.6 KB
//! per small exchange; one per line is also what line tools want).

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Serialize;

use super::har::{flow_entry, log_head, log_tail, page, page_id};
use super::redact::Redaction;
use crate::report::stream::Obj;
use crate::wire::policy::Flow;

/// A HAR file being written.
pub struct HarWriter {
    out: BufWriter<File>,
    pages: BufWriter<File>,
    flows: usize,
    entries: usize,
    redaction: Redaction,
}

/// Indentation of `log`'s fields and of its lists' elements.
const FIELD: &[u8] = b"\n    ";
const ELEMENT: &[u8] = b"\n      ";

impl HarWriter {
    /// Creates `path` (and the pages' temporary file) and writes the
    /// document's head; the error names what could not be created.
    pub fn create(path: &Path, redaction: Redaction) -> Result<HarWriter, String> {
        let file =
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let pages = tempfile::tempfile()
            .map_err(|e| format!("cannot create a temporary file for the HAR's pages: {e}"))?;
        let mut w = HarWriter {
            out: BufWriter::new(file),
            pages: BufWriter::new(pages),
            flows: 0,
            entries: 0,
            redaction,
        };
        w.head()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(w)
    }

    fn head(&mut self) -> io::Result<()> {
        self.out.write_all(b"{\n  \"log\": {")?;
        for (i, (name, value)) in log_head().iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            self.out.write_all(FIELD)?;
            field(&mut self.out, name, value)?;
        }
        self.out.write_all(b",")?;
        self.out.write_all(FIELD)?;
        self.out.write_all(b"\"entries\": [")
    }

    /// Writes `flow`'s entries (one per hop and attempt) and files its page.
    pub fn flow(&mut self, flow: &Flow) -> io::Result<()> {
        self.flow_with(flow, |_, _| {})
    }

    /// As `flow`, with `extra` adding fields to each hop's entry (by hop
    /// index): how `capture --har` adds the program's connection.
    pub fn flow_with<'a>(
        &mut self,
        flow: &'a Flow,
        mut extra: impl FnMut(usize, &mut Obj<'a>),
    ) -> io::Result<()> {
        let id = page_id(self.flows);
        element(
            &mut self.pages,
            self.flows,
            &page(flow, &id, self.redaction),
        )?;
        self.flows += 1;
        for (i, hop) in flow.hops.iter().enumerate() {
            let mut entry = flow_entry(hop, &id, self.redaction);
            extra(i, &mut entry);
            element(&mut self.out, self.entries, &entry)?;
            self.entries += 1;
        }
        Ok(())
    }

    /// Closes `entries`, copies the pages in, writes the rest of `log`.
    pub fn finish(mut self) -> io::Result<()> {
        close(&mut self.out, self.entries)?;
        self.out.write_all(b",")?;
        self.out.write_all(FIELD)?;
        self.out.write_all(b"\"pages\": [")?;
        let mut pages = self.pages.into_inner().map_err(|e| e.into_error())?;
        pages.seek(SeekFrom::Start(0))?;
        io::copy(&mut pages, &mut self.out)?;
        close(&mut self.out, self.flows)?;
        for (name, value) in log_tail(self.redaction).iter() {
            self.out.write_all(b",")?;
            self.out.write_all(FIELD)?;
            field(&mut self.out, name, value)?;
        }
        self.out.write_all(b"\n  }\n}")?;
        self.out.flush()
    }
}

/// `"name": value`, the value indented as a field of `log`.
fn field(out: &mut dyn Write, name: &str, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, name)?;
    out.write_all(b": ")?;
    pretty(out, &FIELD[1..], value)
}

/// The `n`th element (from 0) of a list of `log`, on a line of its own.
fn element(out: &mut dyn Write, n: usize, value: &impl Serialize) -> io::Result<()> {
    if n > 0 {
        out.write_all(b",")?;
    }
    out.write_all(ELEMENT)?;
    serde_json::to_writer(out, value)?;
    Ok(())
}

/// The end of a list of `log` that has `n` elements.
fn close(out: &mut dyn Write, n: usize) -> io::Result<()> {
    if n > 0 {
        out.write_all(FIELD)?;
    }
    out.write_all(b"]")
}

/// `value` pretty-printed with every line after the first indented by
/// `indent` (JSON strings never hold a raw newline, so every newline
/// written is one between lines).
fn pretty(out: &mut dyn Write, indent: &[u8], value: &impl Serialize) -> io::Result<()> {
    let mut w = Indent { out, indent };
    serde_json::to_writer_pretty(&mut w, value)?;
    Ok(())
}

struct Indent<'w> {
    out: &'w mut dyn Write,
    indent: &'w [u8],
}

impl Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.out.write_all(&rest[..=i])?;
            self.out.write_all(self.indent)?;
            rest = &rest[i + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
