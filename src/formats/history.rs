//! History that survives restarts: every exchange (bytes, timeline,
//! request and response heads), redacted unless asked not to be, in one
//! JSON Lines file under the platform's data directory.
//!
//! The file's first line is a format marker; each further line is one
//! `HistoryEntry`, oldest first. Every change rewrites the file through a
//! temporary file in the same directory, fsynced, then renamed over the
//! old one, so a crash leaves either the old history or the new one. A
//! file that is not ours, or that does not parse, is renamed aside and
//! reported, never fatal. Two wirescope processes writing at once each
//! keep their own view; the last to write wins.
//!
//! Opened as an index: each entry is kept in memory without its wire
//! bytes, with where its line lies in the file; the full entry is read
//! back on demand (`entry`), and a rewrite copies unchanged lines from the
//! file it replaces. Memory holds the summaries, not the file.

use std::fs;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::json;

pub use super::history_entry::{HistoryEntry, StoredTimeline};
use super::redact::Redaction;
use crate::wire::{Exchange, RequestSpec};

const FILE: &str = "history.jsonl";
const FORMAT: &str = "wirescope-history";
const VERSION: u64 = 1;
const TEMP_PREFIX: &str = ".history-";
const TEMP_SUFFIX: &str = ".tmp";

/// How much history is kept; past either bound the oldest entries go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    pub max_entries: usize,
    /// Bytes of the stored lines (the file's size, near enough).
    pub max_bytes: u64,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_entries: 500,
            max_bytes: 50 * 1024 * 1024,
        }
    }
}

/// Where an entry's serialized line is.
#[derive(Debug, Clone)]
enum Line {
    /// Bytes of the history file (without the line end).
    OnDisk(Range<u64>),
    /// Not written yet.
    Fresh(String),
}

impl Line {
    fn len(&self) -> u64 {
        match self {
            Line::OnDisk(r) => r.end - r.start,
            Line::Fresh(s) => s.len() as u64,
        }
    }
}

/// The stored exchanges and where they live.
#[derive(Debug)]
pub struct History {
    dir: PathBuf,
    limits: HistoryLimits,
    /// Oldest first, without their wire bytes (`entry` reads them back),
    /// each with where its line is.
    entries: Vec<HistoryEntry>,
    lines: Vec<Line>,
    note: Option<String>,
}

/// An entry as the index keeps it: everything but the wire bytes.
fn summary(mut e: HistoryEntry) -> HistoryEntry {
    e.sent = Vec::new();
    e.received = Vec::new();
    e
}

/// Overrides where the history lives.
pub const HISTORY_DIR_VAR: &str = "WIRESCOPE_HISTORY_DIR";

impl History {
    /// The history in the platform's data directory (e.g.
    /// `~/.local/share/wirescope` on Linux). A set-aside file is reported
    /// by `note()`.
    /// The user's history: in `$WIRESCOPE_HISTORY_DIR` when set (tests and
    /// portable setups), else in the platform's data directory.
    pub fn open_user() -> Result<History, String> {
        match std::env::var_os(HISTORY_DIR_VAR).filter(|v| !v.is_empty()) {
            Some(dir) => {
                let dir = Path::new(&dir);
                fs::create_dir_all(dir).map_err(|e| {
                    format!("cannot create the history directory {}: {e}", dir.display())
                })?;
                Ok(History::open_at(dir, HistoryLimits::default()).0)
            }
            None => History::open_default(),
        }
    }

    pub fn open_default() -> Result<History, String> {
        let dirs = directories::ProjectDirs::from("dev", "wirescope", "wirescope")
            .ok_or("no home directory to keep history in")?;
        let dir = dirs.data_dir();
        fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the history directory {}: {e}", dir.display()))?;
        let (h, _) = History::open_at(dir, HistoryLimits::default());
        Ok(h)
    }

    /// The history kept in `dir`. Never fails: a file that cannot be read
    /// or parsed is set aside (renamed) and the note says so.
    pub fn open_at(dir: &Path, limits: HistoryLimits) -> (History, Option<String>) {
        let mut h = History {
            dir: dir.to_path_buf(),
            limits,
            entries: Vec::new(),
            lines: Vec::new(),
            note: None,
        };
        h.remove_stale_temps();
        h.note = h.load();
        h.enforce_bounds();
        if h.note.is_some() && !h.entries.is_empty() {
            // Entries salvaged from a file set aside: save them now, or
            // they would live only in the set-aside copy.
            if let Err(e) = h.write() {
                h.note = h.note.take().map(|n| format!("{n}; {e}"));
            }
        }
        let note = h.note.clone();
        (h, note)
    }

    /// What happened when the file was opened (a file set aside), if
    /// anything worth telling.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The history file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Oldest first, without their wire bytes (see `entry`).
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// Entry `i` whole, its wire bytes read back from the file.
    pub fn entry(&self, i: usize) -> Result<HistoryEntry, String> {
        let line = self.line_text(i)?;
        serde_json::from_str(&line).map_err(|e| format!("history entry {i} unreadable: {e}"))
    }

    /// The serialized line of entry `i`.
    fn line_text(&self, i: usize) -> Result<String, String> {
        match self.lines.get(i) {
            Some(Line::Fresh(s)) => Ok(s.clone()),
            Some(Line::OnDisk(r)) => {
                let mut f = fs::File::open(self.path())
                    .map_err(|e| format!("cannot read the history file: {e}"))?;
                let mut buf = String::new();
                f.seek(SeekFrom::Start(r.start))
                    .and_then(|_| f.take(r.end - r.start).read_to_string(&mut buf))
                    .map_err(|e| format!("cannot read the history file: {e}"))?;
                Ok(buf)
            }
            None => Err(format!("no history entry {i}")),
        }
    }

    /// Entries matching every word of `q` (case-insensitive), oldest first.
    pub fn search(&self, q: &str) -> Vec<&HistoryEntry> {
        self.entries.iter().filter(|e| e.matches(q)).collect()
    }

    /// Entry `i` (as in `entries()`) as a request to send again.
    pub fn to_spec(&self, i: usize) -> Option<RequestSpec> {
        self.entries.get(i).map(HistoryEntry::to_spec)
    }

    /// Adds an exchange and writes the history. On a write error the entry
    /// stays in memory and the error says why the file was not updated.
    pub fn record(&mut self, ex: &Exchange, redact: Redaction) -> Result<(), String> {
        self.record_entry(HistoryEntry::from_exchange(ex, redact))
    }

    /// Adds an entry made elsewhere (`HistoryEntry::from_exchange`, so a
    /// writer thread need not hold the whole exchange) and writes.
    pub fn record_entry(&mut self, entry: HistoryEntry) -> Result<(), String> {
        self.admit(entry)?;
        self.enforce_bounds();
        self.write()
    }

    /// Adds the entries of a HAR document (see `import_har`), redacted
    /// unless `Redaction::Off`, placed in time order among the entries
    /// already kept, and writes the history. Returns how many were added;
    /// an entry too large to keep even without bodies is left out.
    pub fn import_har(
        &mut self,
        har: &serde_json::Value,
        redaction: Redaction,
    ) -> Result<usize, String> {
        let mut added = 0;
        for mut entry in super::har_import::import_har(har)? {
            if redaction == Redaction::On {
                entry.redact();
            }
            if self.admit(entry).is_ok() {
                added += 1;
            }
        }
        // Oldest first, as recorded entries are; the sort is stable, so
        // equal times keep their order.
        let mut both: Vec<(HistoryEntry, Line)> =
            self.entries.drain(..).zip(self.lines.drain(..)).collect();
        both.sort_by_key(|(e, _)| e.at_ms);
        (self.entries, self.lines) = both.into_iter().unzip();
        self.enforce_bounds();
        self.write()?;
        Ok(added)
    }

    /// Appends one entry (bodies dropped when it is over the size cap).
    fn admit(&mut self, mut entry: HistoryEntry) -> Result<(), String> {
        let mut line = encode(&entry)?;
        if line.len() as u64 + 1 > self.limits.max_bytes {
            entry.keep_heads_only();
            line = encode(&entry)?;
            if line.len() as u64 + 1 > self.limits.max_bytes {
                return Err(format!(
                    "not kept in history: {} bytes even without bodies, over the {}-byte cap",
                    line.len(),
                    self.limits.max_bytes
                ));
            }
        }
        self.entries.push(summary(entry));
        self.lines.push(Line::Fresh(line));
        Ok(())
    }

    /// Forgets everything, on disk too.
    pub fn clear(&mut self) -> Result<(), String> {
        self.entries.clear();
        self.lines.clear();
        self.write()
    }

    fn enforce_bounds(&mut self) {
        let mut total: u64 = self.lines.iter().map(|l| l.len() + 1).sum();
        let mut drop = 0;
        while drop < self.lines.len()
            && (self.lines.len() - drop > self.limits.max_entries || total > self.limits.max_bytes)
        {
            total -= self.lines[drop].len() + 1;
            drop += 1;
        }
        self.entries.drain(..drop);
        self.lines.drain(..drop);
    }

    /// Reads the file; returns a note when it had to be set aside.
    fn load(&mut self) -> Option<String> {
        let path = self.path();
        let file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                return Some(format!(
                    "history not loaded: cannot read {}: {e}",
                    path.display()
                ))
            }
        };
        let mut reader = BufReader::new(file);
        let mut header = String::new();
        let mut at = reader.read_line(&mut header).unwrap_or(0) as u64;
        let header = header.trim_end();
        let marker: Option<serde_json::Value> = serde_json::from_str(header).ok();
        let format = marker
            .as_ref()
            .and_then(|m| m.get("format"))
            .and_then(|f| f.as_str());
        let version = marker
            .as_ref()
            .and_then(|m| m.get("version"))
            .and_then(|v| v.as_u64());
        let why = match (format, version) {
            (Some(FORMAT), Some(VERSION)) => None,
            (Some(FORMAT), Some(v)) => {
                Some(format!("written by another wirescope (format version {v})"))
            }
            _ => Some("not a wirescope history file".to_string()),
        };
        if let Some(why) = why {
            return Some(self.set_aside(&path, &why));
        }
        let mut bad = 0;
        let mut raw = Vec::new();
        loop {
            raw.clear();
            let n = match reader.read_until(b'\n', &mut raw) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => {
                    bad += 1;
                    break;
                }
            };
            let start = at;
            at += n as u64;
            let content = raw.strip_suffix(b"\n").unwrap_or(&raw);
            // A line that is not UTF-8 (or not an entry) is skipped alone.
            let Ok(line) = std::str::from_utf8(content) else {
                bad += 1;
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            match super::history_entry::index_only(|| serde_json::from_str::<HistoryEntry>(line)) {
                Ok(e) => {
                    self.entries.push(summary(e));
                    self.lines
                        .push(Line::OnDisk(start..start + content.len() as u64));
                }
                Err(_) => bad += 1,
            }
        }
        if bad == 0 {
            return None;
        }
        let why = format!(
            "{bad} unreadable entries (the {} others were kept)",
            self.entries.len()
        );
        // The file is about to be set aside: what was kept of it moves
        // into memory, to be written to the new file.
        let kept: Vec<Option<String>> = (0..self.lines.len())
            .map(|i| self.line_text(i).ok())
            .collect();
        let (entries, lines): (Vec<_>, Vec<_>) = self
            .entries
            .drain(..)
            .zip(kept)
            .filter_map(|(e, l)| Some((e, Line::Fresh(l?))))
            .unzip();
        (self.entries, self.lines) = (entries, lines);
        Some(self.set_aside(&path, &why))
    }

    /// Renames a bad file out of the way (never deletes what might be the
    /// user's data) and says where it went.
    fn set_aside(&self, path: &Path, why: &str) -> String {
        let stamp = super::time::unix_millis(std::time::SystemTime::now());
        let mut n = 0;
        let aside = loop {
            let name = match n {
                0 => format!("{FILE}.corrupt-{stamp}"),
                _ => format!("{FILE}.corrupt-{stamp}-{n}"),
            };
            let p = self.dir.join(name);
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        match fs::rename(path, &aside) {
            Ok(()) => format!(
                "history file {}: {why}; set aside as {}",
                path.display(),
                aside.display()
            ),
            Err(e) => format!(
                "history file {}: {why}; could not set it aside: {e}",
                path.display()
            ),
        }
    }

    /// Temp files left by a crash mid-write are garbage: the rename never
    /// happened, so the real file is intact.
    fn remove_stale_temps(&self) {
        let Ok(read) = fs::read_dir(&self.dir) else {
            return;
        };
        for e in read.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Atomic replace: temp file in the same directory (same filesystem,
    /// so the rename is atomic), fsync, rename, fsync the directory.
    fn write(&mut self) -> Result<(), String> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            format!("history not saved: {what} in {}: {e}", self.dir.display())
        };
        fs::create_dir_all(&self.dir).map_err(|e| fail("cannot create the directory", &e))?;
        // tempfile creates the file readable by the owner only: history
        // holds request bodies even when headers are redacted.
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&self.dir)
            .map_err(|e| fail("cannot create a temporary file", &e))?;
        // Unchanged lines are copied from the file being replaced.
        let mut old = if self.lines.iter().any(|l| matches!(l, Line::OnDisk(_))) {
            Some(fs::File::open(self.path()).map_err(|e| fail("cannot read the old file", &e))?)
        } else {
            None
        };
        let mut placed = Vec::with_capacity(self.lines.len());
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            let header = json!({"format": FORMAT, "version": VERSION}).to_string();
            writeln!(w, "{header}").map_err(|e| fail("write failed", &e))?;
            let mut at = header.len() as u64 + 1;
            for l in &self.lines {
                match (l, old.as_mut()) {
                    (Line::Fresh(s), _) => w.write_all(s.as_bytes()),
                    (Line::OnDisk(r), Some(f)) => f
                        .seek(SeekFrom::Start(r.start))
                        .and_then(|_| std::io::copy(&mut f.take(r.end - r.start), &mut w))
                        .map(|_| ()),
                    (Line::OnDisk(_), None) => Err(std::io::Error::other("no old file")),
                }
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| fail("write failed", &e))?;
                placed.push(at..at + l.len());
                at += l.len() + 1;
            }
            w.flush().map_err(|e| fail("write failed", &e))?;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| fail("fsync failed", &e))?;
        tmp.persist(self.path())
            .map_err(|e| fail("rename failed", &e.error))?;
        // The lines are now where this write put them.
        self.lines = placed.into_iter().map(Line::OnDisk).collect();
        #[cfg(unix)]
        if let Ok(d) = fs::File::open(&self.dir) {
            // Makes the rename itself durable; best effort.
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn encode(entry: &HistoryEntry) -> Result<String, String> {
    serde_json::to_string(entry).map_err(|e| format!("history entry not encodable: {e}"))
}
