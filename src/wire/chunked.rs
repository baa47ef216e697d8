//! The chunked transfer coding, decoded incrementally: fed whatever bytes
//! arrive, it hands out body data and says where the message ended. Strict
//! where sloppiness could corrupt the body (sizes, the CRLF after data);
//! bare LF line ends are tolerated as most clients do.

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
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder {
            state: State::Size,
            line: Vec::new(),
            trailer_bytes: 0,
            chunks: 0,
        }
    }
}

impl ChunkedDecoder {
    /// Consumes `input`, passing body data to `out`. Returns `Ok(Some(n))`
    /// when the message ended after `n` bytes of this input, `Ok(None)` when
    /// all of it was used and more is needed.
    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut dyn FnMut(&[u8]),
    ) -> Result<Option<usize>, String> {
        let mut pos = 0;
        while pos < input.len() {
            match self.state {
                State::Done => return Ok(Some(pos)),
                State::Size | State::Trailers => {
                    let Some(line) = self.take_line(input, &mut pos)? else {
                        continue;
                    };
                    if self.state == State::Size {
                        let size = parse_size(&line)?;
                        self.state = if size == 0 {
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
                            self.state = State::Done;
                        }
                    }
                }
                State::Data(left) => {
                    let take = (input.len() - pos).min(usize::try_from(left).unwrap_or(usize::MAX));
                    out(&input[pos..pos + take]);
                    pos += take;
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        State::DataEnd(false)
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd(cr) => {
                    let b = input[pos];
                    pos += 1;
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
            Some(pos)
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
        let mut body = Vec::new();
        let mut end = None;
        for p in parts {
            end = d.feed(p, &mut |b| body.extend_from_slice(b))?;
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
    fn needs_more_until_the_final_blank_line() {
        let (body, end) = decode(&[b"2\r\nok\r\n0\r\n"]).unwrap();
        assert_eq!((body.as_slice(), end), (&b"ok"[..], None));
    }
}
