//! Content codings (gzip, deflate, br, zstd): undone as a stream with a cap
//! on the output, so a decompression bomb costs at most `cap` bytes and
//! memory stays flat whatever the ratio; and applied, for request bodies
//! sent compressed. How far is set by `DecodeLimits` (`--max-codings`,
//! `--max-decoded`).
//! The wire bytes are never replaced: decoding feeds views and reports.
//! Must not import the terminal crates.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

/// Default for the stacked codings undone at most
/// (`Content-Encoding: gzip, br, zstd`).
pub const DEFAULT_MAX_CODINGS: usize = 3;

/// Default cap on decoded output: 64 MiB.
pub const DEFAULT_MAX_DECODED: u64 = 64 * 1024 * 1024;

/// How far content codings are undone. Both bound what a hostile body
/// can cost: each layer is a decoder's buffers, each byte out is memory
/// or disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Decoded bytes produced at most (`--max-decoded`).
    pub max_decoded: u64,
    /// Stacked codings undone at most (`--max-codings`); a deeper stack
    /// is refused and the body shown as received.
    pub max_codings: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_decoded: DEFAULT_MAX_DECODED,
            max_codings: DEFAULT_MAX_CODINGS,
        }
    }
}

impl DecodeLimits {
    /// The defaults with another output cap.
    pub fn capped(max_decoded: u64) -> Self {
        DecodeLimits {
            max_decoded,
            ..DecodeLimits::default()
        }
    }
}

/// An HTTP content coding wirescope can undo and apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    Gzip,
    /// The zlib format (RFC 9110); raw deflate is accepted when decoding.
    Deflate,
    Br,
    Zstd,
}

impl Coding {
    pub const ALL: [Coding; 4] = [Coding::Gzip, Coding::Deflate, Coding::Br, Coding::Zstd];

    /// The coding a `Content-Encoding` token names (`x-gzip` is gzip).
    pub fn parse(token: &str) -> Option<Coding> {
        match token.trim().to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Br),
            "zstd" => Some(Coding::Zstd),
            _ => None,
        }
    }

    /// The token as written in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Br => "br",
            Coding::Zstd => "zstd",
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The codings of a `Content-Encoding` value in the order the sender
/// applied them (`identity` and empty tokens dropped). Unknown codings and
/// stacks deeper than `max_codings` are refused with a message that says so.
pub fn parse_list(header: &str, max_codings: usize) -> Result<Vec<Coding>, String> {
    let tokens: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("identity"))
        .collect();
    if tokens.len() > max_codings {
        // A hostile header may list thousands: name the first few.
        const NAMED: usize = 8;
        let mut named = tokens[..tokens.len().min(NAMED)].join(", ");
        if tokens.len() > NAMED {
            named.push_str(", …");
        }
        return Err(format!(
            "Content-Encoding stacks {} codings ({}); at most {max_codings} are decoded (the --max-codings limit), so the body is shown as received",
            tokens.len(),
            crate::report::escape::escape_str(&named)
        ));
    }
    tokens
        .iter()
        .map(|t| {
            Coding::parse(t).ok_or_else(|| {
                format!(
                    "unknown content coding '{}': the body is shown as received",
                    crate::report::escape::escape_str(t)
                )
            })
        })
        .collect()
}

/// An error from one decoder, tagged with its coding so the message names
/// the layer that failed even through a stack.
#[derive(Debug)]
struct LayerError {
    coding: Coding,
    inner: io::Error,
}

impl fmt::Display for LayerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.coding, self.inner.kind()) {
            (_, io::ErrorKind::UnexpectedEof) => {
                "the compressed data ends early (truncated)".to_string()
            }
            // brotli reports a cut stream as invalid data.
            (Coding::Br, _) => "invalid or truncated compressed data".to_string(),
            _ => format!("invalid compressed data ({})", self.inner),
        };
        write!(f, "{}: {what}", self.coding)
    }
}

impl std::error::Error for LayerError {}

/// Tags the errors of the reader it wraps with `coding`.
struct Layer<R> {
    coding: Coding,
    inner: R,
}

impl<R: Read> Read for Layer<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.get_ref().is_some_and(|i| i.is::<LayerError>()) {
                return e;
            }
            let kind = e.kind();
            io::Error::new(
                kind,
                LayerError {
                    coding: self.coding,
                    inner: e,
                },
            )
        })
    }
}

/// Whether two bytes are a zlib header (deflate method, valid check bits).
fn is_zlib_header(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] & 0x0f == 8 && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0
}

fn layer<'a>(coding: Coding, input: Box<dyn Read + 'a>) -> io::Result<Box<dyn Read + 'a>> {
    let reader: Box<dyn Read + 'a> = match coding {
        Coding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Coding::Deflate => {
            // "deflate" is zlib-wrapped per RFC 9110, but some servers send
            // raw deflate: the first two bytes tell.
            let mut buffered = BufReader::new(input);
            let zlib = is_zlib_header(buffered.fill_buf()?);
            if zlib {
                Box::new(flate2::bufread::ZlibDecoder::new(buffered))
            } else {
                Box::new(flate2::bufread::DeflateDecoder::new(buffered))
            }
        }
        Coding::Br => Box::new(brotli::Decompressor::new(input, 64 * 1024)),
        Coding::Zstd => Box::new(zstd::stream::read::Decoder::new(input)?),
    };
    Ok(Box::new(Layer {
        coding,
        inner: reader,
    }))
}

/// A reader of `input` with `codings` undone, last applied first.
pub fn decoder<'a>(
    codings: &[Coding],
    input: Box<dyn Read + 'a>,
) -> io::Result<Box<dyn Read + 'a>> {
    let mut reader = input;
    for &c in codings.iter().rev() {
        reader = layer(c, reader)?;
    }
    Ok(reader)
}

/// How a streamed decoding ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Decoded bytes written (at most the cap).
    pub written: u64,
    /// The cap stopped the output; more would have followed.
    pub limit_reached: bool,
    /// What failed, in words (the bytes written before it are kept).
    pub error: Option<String>,
}

impl Outcome {
    /// The one-line account of a decoding that did not run to its end.
    pub fn problem(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(format!("{e}; {} bytes decoded before that", self.written));
        }
        self.limit_reached
            .then(|| format!("decoded size limit reached at {} bytes", self.written))
    }
}

/// Streams `input` with `codings` undone into `out`, stopping at `cap`
/// bytes of output. Memory use is a few buffers whatever the ratio.
pub fn decode_into(
    codings: &[Coding],
    input: Box<dyn Read + '_>,
    out: &mut dyn Write,
    cap: u64,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut reader = match decoder(codings, input) {
        Ok(r) => r,
        Err(e) => {
            outcome.error = Some(describe(&e, codings));
            return outcome;
        }
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                outcome.error = Some(describe(&e, codings));
                break;
            }
        };
        let room = cap - outcome.written;
        let take = (n as u64).min(room) as usize;
        if let Err(e) = out.write_all(&buf[..take]) {
            outcome.error = Some(format!("cannot store the decoded bytes: {e}"));
            break;
        }
        outcome.written += take as u64;
        if take < n {
            outcome.limit_reached = true;
            break;
        }
    }
    outcome
}

fn describe(e: &io::Error, codings: &[Coding]) -> String {
    match e.get_ref().and_then(|i| i.downcast_ref::<LayerError>()) {
        Some(layer) => layer.to_string(),
        None => {
            let names: Vec<&str> = codings.iter().map(|c| c.name()).collect();
            format!("{}: {e}", names.join(", "))
        }
    }
}

/// A body after undoing its `Content-Encoding` in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// Output stopped at the cap; there is more.
    pub capped: bool,
}

/// Undoes `encoding` over an in-memory body within `limits`.
/// `Ok(None)` when there is nothing to undo; `Err` says what failed when
/// nothing at all could be decoded.
pub fn decode(
    encoding: &str,
    body: &[u8],
    limits: DecodeLimits,
) -> Result<Option<Decoded>, String> {
    let codings = parse_list(encoding, limits.max_codings)?;
    if codings.is_empty() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    let outcome = decode_into(&codings, Box::new(body), &mut bytes, limits.max_decoded);
    match outcome.error {
        Some(e) if bytes.is_empty() => Err(e),
        _ => Ok(Some(Decoded {
            bytes,
            capped: outcome.limit_reached,
        })),
    }
}

/// Applies `coding` to `data` (a request body sent compressed).
pub fn encode(coding: Coding, data: &[u8]) -> io::Result<Vec<u8>> {
    match coding {
        Coding::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data)?;
            enc.finish()
        }
        Coding::Deflate => {
            let mut enc =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data)?;
            enc.finish()
        }
        Coding::Br => {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(data)?;
                enc.flush()?;
            }
            Ok(out)
        }
        Coding::Zstd => zstd::encode_all(data, 3),
    }
}

#[cfg(test)]
#[path = "coding_tests.rs"]
mod tests;
