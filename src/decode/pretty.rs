//! Display lines of a body, made as a stream: JSON pretty-printed (two
//! spaces a level, `"key": value`, `{}`/`[]` when empty — the layout of
//! `serde_json::to_string_pretty`, in the original key order, with
//! strings and numbers kept exactly as sent), or text split at line
//! breaks. A line can be made on its own from where it starts (offset
//! and open containers), which is what lets a view show any screen of a
//! large body without formatting what comes before it.
//!
//! The scanner keeps its nesting in two integers, never on the call
//! stack, so no input can exhaust the stack; lines are cut at
//! `MAX_LINE` bytes. It is lenient: invalid JSON still makes lines (the
//! caller checks validity separately). Must not import the terminal crates.

/// Longest line kept, in bytes; the rest of a longer line is not shown.
pub const MAX_LINE: usize = 16 * 1024;

/// Indentation stops growing past this depth.
const INDENT_CAP: u32 = 100;

/// How a body is cut into lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pretty-printed JSON.
    Json,
    /// Lines as sent (LF or CR LF).
    Text,
}

/// Where a display line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineStart {
    /// Offset of its first byte in the body.
    pub offset: u64,
    /// JSON containers open before it.
    pub level: u32,
    /// Bit `i` set: open container `i` (outermost first) is an object.
    /// Levels past 64 are not recorded.
    pub objects: u64,
}

impl LineStart {
    /// Whether open container `i` is an object.
    pub fn is_object(&self, i: u32) -> bool {
        i < 64 && self.objects & (1 << i) != 0
    }
}

/// One display line as made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOut {
    pub start: LineStart,
    /// The line's bytes (empty when not emitted); not escaped yet.
    pub bytes: Vec<u8>,
    /// Longer than `MAX_LINE`: the rest is not in `bytes`.
    pub cut: bool,
    /// Where the next line starts.
    pub next: LineStart,
}

/// Whether the scan goes on after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    None,
    Str,
    StrEscape,
    Scalar,
}

/// Makes lines from bytes fed in order, from a known `LineStart`.
#[derive(Debug, Clone)]
pub struct Scanner {
    mode: Mode,
    level: u32,
    objects: u64,
    line_start: LineStart,
    /// Absolute offset of the next byte fed.
    at: u64,
    tok: Tok,
    /// Just opened a container; the next significant byte tells whether
    /// it is empty (`{}` stays on the line).
    after_open: Option<u8>,
    content: bool,
    line: Vec<u8>,
    cut: bool,
    /// Lines are emitted (bytes kept) from this line number on.
    emit_from: usize,
    line_no: usize,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_delim(b: u8) -> bool {
    is_ws(b) || matches!(b, b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"')
}

impl Scanner {
    /// A scanner at `start`; lines numbered from 0 there, bytes kept for
    /// lines numbered `emit_from` and later (`usize::MAX`: count only).
    pub fn new(mode: Mode, start: LineStart, emit_from: usize) -> Self {
        Scanner {
            mode,
            level: start.level,
            objects: start.objects,
            line_start: start,
            at: start.offset,
            tok: Tok::None,
            after_open: None,
            content: false,
            line: Vec::new(),
            cut: false,
            emit_from,
            line_no: 0,
        }
    }

    /// Offset of the next byte to feed.
    pub fn offset(&self) -> u64 {
        self.at
    }

    fn emitting(&self) -> bool {
        self.line_no >= self.emit_from
    }

    fn push(&mut self, bytes: &[u8]) {
        if !self.emitting() || self.cut {
            return;
        }
        let room = MAX_LINE - self.line.len();
        if bytes.len() > room {
            self.line.extend_from_slice(&bytes[..room]);
            self.cut = true;
        } else {
            self.line.extend_from_slice(bytes);
        }
    }

    /// Starts the line's content at indentation `level` if not started.
    fn begin(&mut self, level: u32) {
        if !self.content {
            self.content = true;
            if self.emitting() {
                let n = (level.min(INDENT_CAP) * 2) as usize;
                self.line.resize(self.line.len() + n, b' ');
            }
        }
    }

    fn end_line(&mut self, next_at: u64, on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        let next = LineStart {
            offset: next_at,
            level: self.level,
            objects: self.objects,
        };
        let out = LineOut {
            start: self.line_start,
            bytes: std::mem::take(&mut self.line),
            cut: self.cut,
            next,
        };
        self.line_start = next;
        self.content = false;
        self.cut = false;
        self.line_no += 1;
        on_line(out)
    }

    fn open(&mut self, object: bool) {
        if self.level < 64 {
            if object {
                self.objects |= 1 << self.level;
            } else {
                self.objects &= !(1 << self.level);
            }
        }
        self.level += 1;
    }

    fn close(&mut self) {
        self.level = self.level.saturating_sub(1);
    }

    /// A value ended just before `next_at`; at the top level that ends
    /// the line (several top-level values are one per line).
    fn after_value(&mut self, next_at: u64, on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        if self.level == 0 {
            return self.end_line(next_at, on_line);
        }
        Flow::Continue
    }

    /// Feeds the bytes that follow those fed so far. Stops early (with the
    /// remaining bytes unfed) when `on_line` says so.
    pub fn feed(&mut self, chunk: &[u8], on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        match self.mode {
            Mode::Text => self.feed_text(chunk, on_line),
            Mode::Json => self.feed_json(chunk, on_line),
        }
    }

    /// The input ended: the last line, if it has content.
    pub fn finish(&mut self, on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        if self.content {
            if self.mode == Mode::Text && self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            return self.end_line(self.at, on_line);
        }
        Flow::Continue
    }

    fn feed_text(&mut self, chunk: &[u8], on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            match rest.iter().position(|&c| c == b'\n') {
                None => {
                    self.push(rest);
                    self.content = true;
                    self.at += rest.len() as u64;
                    return Flow::Continue;
                }
                Some(k) => {
                    self.push(&rest[..k]);
                    if !self.cut && self.line.last() == Some(&b'\r') {
                        self.line.pop();
                    }
                    i += k + 1;
                    self.at += k as u64 + 1;
                    if self.end_line(self.at, on_line) == Flow::Stop {
                        return Flow::Stop;
                    }
                }
            }
        }
        Flow::Continue
    }

    fn feed_json(&mut self, chunk: &[u8], on_line: &mut dyn FnMut(LineOut) -> Flow) -> Flow {
        let base = self.at;
        let mut i = 0;
        macro_rules! check {
            ($e:expr) => {
                if $e == Flow::Stop {
                    self.at = base + i as u64;
                    return Flow::Stop;
                }
            };
        }
        while i < chunk.len() {
            let b = chunk[i];
            let at = base + i as u64;
            match self.tok {
                Tok::Str => {
                    let rest = &chunk[i..];
                    match rest.iter().position(|&c| c == b'"' || c == b'\\') {
                        None => {
                            self.push(rest);
                            i = chunk.len();
                        }
                        Some(k) => {
                            self.push(&rest[..=k]);
                            i += k + 1;
                            if rest[k] == b'\\' {
                                self.tok = Tok::StrEscape;
                            } else {
                                self.tok = Tok::None;
                                check!(self.after_value(base + i as u64, on_line));
                            }
                        }
                    }
                    continue;
                }
                Tok::StrEscape => {
                    self.push(&[b]);
                    self.tok = Tok::Str;
                    i += 1;
                    continue;
                }
                Tok::Scalar if !is_delim(b) => {
                    self.push(&[b]);
                    i += 1;
                    continue;
                }
                Tok::Scalar => {
                    self.tok = Tok::None;
                    check!(self.after_value(at, on_line));
                }
                Tok::None => {}
            }
            if let Some(open) = self.after_open {
                if is_ws(b) {
                    i += 1;
                    continue;
                }
                self.after_open = None;
                let close = if open == b'{' { b'}' } else { b']' };
                if b == close {
                    self.push(&[b]);
                    self.close();
                    i += 1;
                    check!(self.after_value(at + 1, on_line));
                    continue;
                }
                // Not empty: its first member starts the next line.
                check!(self.end_line(at, on_line));
            }
            match b {
                b'{' | b'[' => {
                    self.begin(self.level);
                    self.push(&[b]);
                    self.open(b == b'{');
                    self.after_open = Some(b);
                }
                b'}' | b']' => {
                    if self.content {
                        check!(self.end_line(at, on_line));
                    }
                    self.begin(self.level.saturating_sub(1));
                    self.push(&[b]);
                    self.close();
                    i += 1;
                    check!(self.after_value(at + 1, on_line));
                    continue;
                }
                b',' => {
                    self.begin(self.level);
                    self.push(b",");
                    i += 1;
                    check!(self.end_line(at + 1, on_line));
                    continue;
                }
                b':' => {
                    self.begin(self.level);
                    self.push(b": ");
                }
                b'"' => {
                    self.begin(self.level);
                    self.push(b"\"");
                    self.tok = Tok::Str;
                }
                b if is_ws(b) => {}
                _ => {
                    self.begin(self.level);
                    self.push(&[b]);
                    self.tok = Tok::Scalar;
                }
            }
            i += 1;
        }
        self.at = base + chunk.len() as u64;
        Flow::Continue
    }
}

/// Every display line of `bytes` (a convenience for small inputs).
pub fn lines(mode: Mode, bytes: &[u8]) -> Vec<LineOut> {
    let mut out = Vec::new();
    let mut sink = |l: LineOut| {
        out.push(l);
        Flow::Continue
    };
    let mut s = Scanner::new(mode, LineStart::default(), 0);
    s.feed(bytes, &mut sink);
    s.finish(&mut sink);
    out
}

#[cfg(test)]
#[path = "pretty_tests.rs"]
mod tests;
