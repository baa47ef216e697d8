//! A body as display lines, over bytes in memory or in a file, made on
//! demand: an index keeps where every 64th line starts (offset and open
//! JSON containers), extended only as far as a view has asked, so the
//! first screen of a 10 MB body costs one screen of work, and a line
//! anywhere costs at most 63 lines of scanning. Must not import the
//! terminal crates.

use std::io;

use super::body::Source;
use super::pretty::{Flow, LineOut, LineStart, Mode, Scanner};

/// Lines between two index marks.
pub const EVERY: usize = 64;
/// Bytes read from the source at a time.
const CHUNK: usize = 256 * 1024;

/// Display lines of a source, indexed lazily.
#[derive(Debug, Clone)]
pub struct Doc {
    pub source: Source,
    pub mode: Mode,
    /// `marks[k]`: where line `k * EVERY` starts.
    marks: Vec<LineStart>,
    /// Lines whose start is known: `0..=scanned` (line `scanned` starts at
    /// `next`, if there is such a line).
    scanned: usize,
    next: LineStart,
    complete: bool,
}

impl Doc {
    pub fn new(source: Source, mode: Mode) -> Self {
        let complete = source.is_empty();
        Doc {
            source,
            mode,
            marks: vec![LineStart::default()],
            scanned: 0,
            next: LineStart::default(),
            complete,
        }
    }

    /// Every line, once the index has reached the end.
    pub fn total(&self) -> Option<usize> {
        self.complete.then_some(self.scanned)
    }

    /// Lines known to exist so far (all of them once `total` is known).
    pub fn known(&self) -> usize {
        self.scanned
    }

    /// Bytes the index has covered (for progress).
    pub fn scanned_bytes(&self) -> u64 {
        self.next.offset
    }

    /// Extends the index until line `n`'s start is known or the body ends.
    pub fn ensure(&mut self, n: usize) -> io::Result<()> {
        self.scan(|scanned| scanned >= n, u64::MAX)
    }

    /// Extends the index to the end.
    pub fn ensure_all(&mut self) -> io::Result<()> {
        self.scan(|_| false, u64::MAX)
    }

    /// Extends the index by about `bytes` bytes (bounded work per frame).
    pub fn ensure_some(&mut self, bytes: u64) -> io::Result<()> {
        self.scan(|_| false, bytes)
    }

    fn scan(&mut self, mut enough: impl FnMut(usize) -> bool, budget: u64) -> io::Result<()> {
        if self.complete || enough(self.scanned) {
            return Ok(());
        }
        let mut sc = Scanner::new(self.mode, self.next, usize::MAX);
        let (mut scanned, mut next) = (self.scanned, self.next);
        let marks = &mut self.marks;
        let mut on_line = |l: LineOut| {
            scanned += 1;
            next = l.next;
            if scanned.is_multiple_of(EVERY) {
                marks.push(next);
            }
            if enough(scanned) {
                Flow::Stop
            } else {
                Flow::Continue
            }
        };
        let len = self.source.len();
        let start = sc.offset();
        let mut stopped = false;
        while sc.offset() < len && sc.offset() - start < budget {
            let chunk = self.source.read_at(sc.offset(), CHUNK)?;
            if chunk.is_empty() {
                break;
            }
            if sc.feed(&chunk, &mut on_line) == Flow::Stop {
                stopped = true;
                break;
            }
        }
        if !stopped && sc.offset() >= len {
            sc.finish(&mut on_line);
            self.complete = true;
        }
        self.scanned = scanned;
        self.next = next;
        Ok(())
    }

    /// Where line `n` starts in the source (its byte offset), if it exists.
    pub fn offset_of(&mut self, n: usize) -> io::Result<Option<u64>> {
        Ok(self.lines(n, 1)?.first().map(|l| l.start.offset))
    }

    /// The line that shows the source byte at `offset` (the last line when
    /// past the end).
    pub fn line_at(&mut self, offset: u64) -> io::Result<usize> {
        while !self.complete && self.next.offset <= offset {
            let target = self.scanned + EVERY;
            self.ensure(target)?;
        }
        // The last mark at or before the offset, then line by line.
        let k = self.marks.partition_point(|m| m.offset <= offset).max(1) - 1;
        let mut line = k * EVERY;
        for l in self.lines(line, EVERY + 1)? {
            if l.next.offset > offset {
                return Ok(line);
            }
            line += 1;
        }
        Ok(line.min(self.scanned.saturating_sub(1)))
    }

    /// Up to `count` lines from line `first` (fewer at the end).
    pub fn lines(&mut self, first: usize, count: usize) -> io::Result<Vec<LineOut>> {
        self.ensure(first)?;
        if count == 0 || (self.complete && first >= self.scanned) {
            return Ok(Vec::new());
        }
        let mark = (first / EVERY).min(self.marks.len() - 1);
        let from = self.marks[mark];
        let skip = first - mark * EVERY;
        let mut out = Vec::with_capacity(count);
        let mut seen = 0usize;
        let mut on_line = |l: LineOut| {
            seen += 1;
            if seen > skip {
                out.push(l);
            }
            if out.len() >= count {
                Flow::Stop
            } else {
                Flow::Continue
            }
        };
        let mut sc = Scanner::new(self.mode, from, skip);
        let len = self.source.len();
        let mut stopped = false;
        while sc.offset() < len {
            let chunk = self.source.read_at(sc.offset(), CHUNK.min(64 * 1024))?;
            if chunk.is_empty() {
                break;
            }
            if sc.feed(&chunk, &mut on_line) == Flow::Stop {
                stopped = true;
                break;
            }
        }
        if !stopped {
            sc.finish(&mut on_line);
        }
        Ok(out)
    }
}

/// JSON nested deeper than this is shown as text (and refused by the
/// path filter): no input can make a view recurse, and none goes deeper.
pub const MAX_DEPTH: usize = 128;

/// The deepest nesting of a JSON text, counted without recursion; stops
/// counting past `limit`.
fn depth(reader: &mut dyn io::Read, limit: usize) -> io::Result<usize> {
    let (mut level, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(max),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            if in_str {
                match b {
                    _ if esc => esc = false,
                    b'\\' => esc = true,
                    b'"' => in_str = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => {
                    level += 1;
                    max = max.max(level);
                    if max > limit {
                        return Ok(max);
                    }
                }
                b'}' | b']' => level = level.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// Checks that a JSON body is one valid document (`serde_json`) nested at
/// most `MAX_DEPTH` levels; `Err` says why not, in words.
pub fn validate_json(source: &Source) -> Result<(), String> {
    use serde::de::IgnoredAny;
    let mut reader = source.reader().map_err(|e| e.to_string())?;
    if depth(&mut reader, MAX_DEPTH).map_err(|e| e.to_string())? > MAX_DEPTH {
        return Err(format!("JSON nested deeper than {MAX_DEPTH} levels"));
    }
    let result = match source {
        Source::Mem(b) => serde_json::from_slice::<IgnoredAny>(b).map(|_| ()),
        Source::File(_) => {
            let reader = source.reader().map_err(|e| e.to_string())?;
            let mut de = serde_json::Deserializer::from_reader(io::BufReader::with_capacity(
                1 << 20,
                reader,
            ));
            serde::Deserialize::deserialize(&mut de)
                .map(|_: IgnoredAny| ())
                .and_then(|()| de.end())
        }
    };
    result.map_err(|e| format!("not valid JSON: {e}"))
}

/// A line's bytes as safe display text: characters a terminal could act
/// on become `\u{..}`, bytes that are not UTF-8 become `\xNN`, tabs four
/// spaces. Escaping works character by character, so escaping the pieces
/// of a line gives the pieces of the escaped line.
pub fn display(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&crate::report::escape::sanitize_text(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn doc(mode: Mode, s: &str) -> Doc {
        Doc::new(Source::Mem(Bytes::from(s.to_string())), mode)
    }

    fn big_json(n: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":{i},"name":"item {i}","tags":["a","b"]}}"#))
            .collect();
        format!(r#"{{"items":[{}]}}"#, items.join(","))
    }

    #[test]
    fn any_window_matches_the_whole() {
        let s = big_json(500);
        let all = super::super::pretty::lines(Mode::Json, s.as_bytes());
        let mut d = doc(Mode::Json, &s);
        assert_eq!(d.total(), None, "nothing scanned yet");
        for first in [0, 1, 63, 64, 65, 1000, all.len() - 3] {
            let got = d.lines(first, 10).unwrap();
            let want: Vec<_> = all[first..(first + 10).min(all.len())].to_vec();
            assert_eq!(got, want, "from {first}");
        }
        assert!(d.lines(all.len(), 5).unwrap().is_empty());
        d.ensure_all().unwrap();
        assert_eq!(d.total(), Some(all.len()));
        assert!(d.lines(all.len() + 10, 5).unwrap().is_empty());
    }

    #[test]
    fn offsets_and_lines_map_both_ways() {
        let s = big_json(300);
        let mut d = doc(Mode::Json, &s);
        for n in [0, 1, 63, 64, 500, 1234] {
            let off = d.offset_of(n).unwrap().unwrap();
            assert_eq!(d.line_at(off).unwrap(), n, "line {n} at {off}");
        }
        let last = d.line_at(u64::MAX).unwrap();
        assert_eq!(Some(last + 1), d.total());
    }

    #[test]
    fn the_index_grows_only_as_asked() {
        let s = big_json(20_000);
        let mut d = doc(Mode::Json, &s);
        d.lines(0, 40).unwrap();
        assert!(
            d.scanned_bytes() < 4096,
            "the first screen reads the start only"
        );
        d.ensure_some(64 * 1024).unwrap();
        assert!(d.total().is_none() && d.known() > 100);
        d.ensure_all().unwrap();
        assert_eq!(
            d.total(),
            Some(super::super::pretty::lines(Mode::Json, s.as_bytes()).len())
        );
    }

    #[test]
    fn text_docs_and_files() {
        let mut d = doc(Mode::Text, "a\nb\r\nc");
        let l = d.lines(1, 5).unwrap();
        assert_eq!(
            l.iter().map(|l| l.bytes.clone()).collect::<Vec<_>>(),
            [b"b".to_vec(), b"c".to_vec()]
        );
        let mut empty = doc(Mode::Text, "");
        assert_eq!(empty.total(), Some(0));
        assert!(empty.lines(0, 5).unwrap().is_empty());
    }

    #[test]
    fn validation_names_the_problem() {
        let ok = Source::Mem(Bytes::from_static(b"{\"a\":[1,2]}"));
        assert_eq!(validate_json(&ok), Ok(()));
        let bad = Source::Mem(Bytes::from_static(b"{\"a\":}"));
        assert!(validate_json(&bad)
            .unwrap_err()
            .starts_with("not valid JSON"));
        let deep = Source::Mem(Bytes::from(format!(
            "{}{}",
            "[".repeat(5000),
            "]".repeat(5000)
        )));
        assert!(validate_json(&deep)
            .unwrap_err()
            .contains("deeper than 128"));
        let lines = Source::Mem(Bytes::from_static(b"{}\n{}\n"));
        assert!(
            validate_json(&lines).is_err(),
            "JSON Lines are not one document"
        );
    }
}
