//! The chunked transfer coding, decoded incrementally: fed whatever bytes
//! arrive, it hands out body data and says where the message ended. Strict
//! where sloppiness could corrupt the body (sizes, the CRLF after data);
//! bare LF line ends are tolerated as most clients do. It also records
//! where each chunk lay (`ChunkSpan`): the Wire pane draws that record.

use super::exchange::{BodyLayout, ChunkSpan, MAX_CHUNK_SPANS};

/// Longest chunk-size line or trailer line accepted.
const MAX_LINE: usize = 4096;
/// Trailer section cap.
const MAX_TRAILERS: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Size,
    Data(u64),
    /// After chunk data: expecting CR LF (`true` once the CR was seen).
    DataEnd(bool),
    Trailers,
    Done,
}

#[derive(Debug)]
pub struct ChunkedDecoder {
    state: State,
    line: Vec<u8>,
    trailer_bytes: usize,
    /// Chunks seen, the final zero-size one excluded.
    pub chunks: u64,
    /// Transcript offset of the next input byte.
    at: usize,
    /// Where the line being accumulated started.
    line_start: Option<usize>,
    trailers_start: usize,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder::at(0)
    }
}

impl ChunkedDecoder {
    /// A decoder whose first input byte sits at `offset` of the transcript,
    /// so the spans it records are transcript ranges.
    pub fn at(offset: usize) -> Self {
        ChunkedDecoder {
            state: State::Size,
            line: Vec::new(),
            trailer_bytes: 0,
            chunks: 0,
            at: offset,
            line_start: None,
            trailers_start: offset,
        }
    }

    /// An empty layout starting where this decoder starts, for `feed`.
    pub fn layout(&self) -> BodyLayout {
        BodyLayout {
            range: self.at..self.at,
            ..BodyLayout::default()
        }
    }

    /// Consumes `input`, passing body data to `out` and recording where
    /// each chunk lay in `layout` as it goes (so a reader cancelled between
    /// feeds still holds the record). Returns `Ok(Some(n))` when the
    /// message ended after `n` bytes of this input, `Ok(None)` when all of
    /// it was used and more is needed.
    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut dyn FnMut(&[u8]),
        layout: &mut BodyLayout,
    ) -> Result<Option<usize>, String> {
        let base = self.at;
        let mut pos = 0;
        let result = self.run(input, &mut pos, out, layout);
        self.at = base + pos;
        layout.range.end = layout.range.end.max(self.at);
        result
    }

    fn run(
        &mut self,
        input: &[u8],
        pos: &mut usize,
        out: &mut dyn FnMut(&[u8]),
        layout: &mut BodyLayout,
    ) -> Result<Option<usize>, String> {
        let base = self.at;
        while *pos < input.len() {
            match self.state {
                State::Done => return Ok(Some(*pos)),
                State::Size | State::Trailers => {
                    let start = *self.line_start.get_or_insert(base + *pos);
                    let Some(line) = self.take_line(input, pos)? else {
                        continue;
                    };
                    self.line_start = None;
                    if self.state == State::Size {
                        let size = parse_size(&line)?;
                        let data = base + *pos;
                        span(
                            layout,
                            ChunkSpan {
                                size_line: start..start + line.len(),
                                data: data..data,
                            },
                        );
                        self.state = if size == 0 {
                            self.trailers_start = data;
                            State::Trailers
                        } else {
                            self.chunks += 1;
                            State::Data(size)
                        };
                    } else {
                        self.trailer_bytes += line.len() + 2;
                        if self.trailer_bytes > MAX_TRAILERS {
                            return Err("trailer section larger than 64 KiB".into());
                        }
                        if line.is_empty() {
                            layout.trailers = Some(self.trailers_start..base + *pos);
                            self.state = State::Done;
                        }
                    }
                }
                State::Data(left) => {
                    let take =
                        (input.len() - *pos).min(usize::try_from(left).unwrap_or(usize::MAX));
                    out(&input[*pos..*pos + take]);
                    *pos += take;
                    if layout.chunks_dropped == 0 {
                        if let Some(s) = layout.chunks.last_mut() {
                            s.data.end = base + *pos;
                        }
                    }
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        State::DataEnd(false)
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd(cr) => {
                    let b = input[*pos];
                    *pos += 1;
                    self.state =
                        match (cr, b) {
                            (false, b'\r') => State::DataEnd(true),
                            (_, b'\n') => State::Size,
                            _ => return Err(
                                "chunk data is not followed by CR LF (the chunk size was wrong)"
                                    .into(),
                            ),
                        };
                }
            }
        }
        Ok(if self.state == State::Done {
            Some(*pos)
        } else {
            None
        })
    }

    /// Accumulates one line; `Some(line)` without its line end once complete.
    fn take_line(&mut self, input: &[u8], pos: &mut usize) -> Result<Option<Vec<u8>>, String> {
        let rest = &input[*pos..];
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.line.extend_from_slice(&rest[..i]);
                *pos += i + 1;
                if self.line.len() > MAX_LINE {
                    return Err("chunk-size line longer than 4 KiB".into());
                }
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Ok(Some(line))
            }
            None => {
                self.line.extend_from_slice(rest);
                *pos = input.len();
                if self.line.len() > MAX_LINE {
                    return Err("chunk-size line longer than 4 KiB".into());
                }
                Ok(None)
            }
        }
    }
}

/// Lists a chunk, or counts it once the list is at its cap.
fn span(layout: &mut BodyLayout, span: ChunkSpan) {
    if layout.chunks.len() < MAX_CHUNK_SPANS {
        layout.chunks.push(span);
    } else {
        layout.chunks_dropped += 1;
    }
}

/// A chunk-size: hex digits, optionally followed by `;extensions`.
fn parse_size(line: &[u8]) -> Result<u64, String> {
    let size = line.split(|&b| b == b';').next().unwrap_or_default();
    let size = size.trim_ascii_end();
    let shown = || crate::report::escape::escape_bytes(line);
    if size.is_empty() || !size.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!("bad chunk size «{}»", shown()));
    }
    let digits = size.iter().skip_while(|&&b| b == b'0').count();
    if digits > 15 {
        return Err(format!("chunk size «{}» is too large", shown()));
    }
    let text = std::str::from_utf8(size).map_err(|_| format!("bad chunk size «{}»", shown()))?;
    u64::from_str_radix(text, 16).map_err(|_| format!("bad chunk size «{}»", shown()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(parts: &[&[u8]]) -> Result<(Vec<u8>, Option<usize>), String> {
        let mut d = ChunkedDecoder::default();
        let mut layout = d.layout();
        let mut body = Vec::new();
        let mut end = None;
        for p in parts {
            end = d.feed(p, &mut |b| body.extend_from_slice(b), &mut layout)?;
        }
        Ok((body, end))
    }

    #[test]
    fn decodes_across_arbitrary_splits() {
        let wire = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        for split in 0..wire.len() {
            let (a, b) = wire.split_at(split);
            let (body, end) = decode(&[a, b]).unwrap();
            assert_eq!(body, b"hello world", "split at {split}");
            assert!(end.is_some());
        }
        let (_, end) = decode(&[wire]).unwrap();
        assert_eq!(&wire[end.unwrap()..], b"NEXT");
    }

    #[test]
    fn rejects_bad_sizes_and_missing_crlf() {
        assert!(decode(&[b"zz\r\n"]).unwrap_err().contains("bad chunk size"));
        assert!(decode(&[b"-1\r\n"]).is_err());
        assert!(decode(&[b"+5\r\nhello\r\n"]).is_err());
        assert!(decode(&[b"ffffffffffffffffff\r\n"])
            .unwrap_err()
            .contains("too large"));
        assert!(decode(&[b"3\r\nhello\r\n"]).unwrap_err().contains("CR LF"));
        assert!(decode(&[&[b'1'; 5000][..]]).unwrap_err().contains("4 KiB"));
    }

    #[test]
    fn records_where_each_chunk_lay_across_splits() {
        let wire = b"5;ext=1\r\nhello\r\n6\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        for split in 0..wire.len() {
            let mut d = ChunkedDecoder::at(100);
            let mut l = d.layout();
            let (a, b) = wire.split_at(split);
            let mut sink = |_: &[u8]| {};
            if d.feed(a, &mut sink, &mut l).unwrap().is_none() {
                d.feed(b, &mut sink, &mut l).unwrap();
            }
            let at = |r: &std::ops::Range<usize>| &wire[r.start - 100..r.end - 100];
            let lines: Vec<_> = l.chunks.iter().map(|c| at(&c.size_line)).collect();
            let data: Vec<_> = l.chunks.iter().map(|c| at(&c.data)).collect();
            assert_eq!(lines, [&b"5;ext=1"[..], b"6", b"0"], "split at {split}");
            assert_eq!(data, [&b"hello"[..], b" world", b""], "split at {split}");
            assert_eq!(at(&l.trailers.clone().unwrap()), b"X-T: 1\r\n\r\n");
            assert_eq!(l.range, 100..100 + wire.len() - 4);
        }
    }

    #[test]
    fn a_failed_body_keeps_the_chunks_before_the_fault() {
        let mut d = ChunkedDecoder::at(0);
        let mut l = d.layout();
        assert!(d.feed(b"2\r\nok\r\nzz\r\n", &mut |_| {}, &mut l).is_err());
        assert_eq!(l.chunks.len(), 1);
        assert_eq!(l.chunks[0].data, 3..5);
        assert_eq!(l.trailers, None);
    }

    #[test]
    fn spans_are_capped_and_counted() {
        let one = b"1\r\nx\r\n";
        let mut wire = one.repeat(MAX_CHUNK_SPANS + 10);
        wire.extend_from_slice(b"0\r\n\r\n");
        let mut d = ChunkedDecoder::default();
        let mut l = d.layout();
        assert!(d.feed(&wire, &mut |_| {}, &mut l).unwrap().is_some());
        assert_eq!(l.chunks.len(), MAX_CHUNK_SPANS);
        assert_eq!(l.chunks_dropped, 11);
        assert_eq!(l.chunks[MAX_CHUNK_SPANS - 1].data.len(), 1);
    }

    #[test]
    fn needs_more_until_the_final_blank_line() {
        let (body, end) = decode(&[b"2\r\nok\r\n0\r\n"]).unwrap();
        assert_eq!((body.as_slice(), end), (&b"ok"[..], None));
    }
}
