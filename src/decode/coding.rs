//! Content codings (gzip, deflate, br, zstd) undone for previews, with a
//! cap on the output so a decompression bomb costs at most `cap` bytes.
//! The wire bytes are never replaced: this only feeds body previews.

use std::io::Read;

/// A body after undoing its `Content-Encoding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// Output stopped at the cap; there is more.
    pub capped: bool,
}

/// Undoes `encoding` (a `Content-Encoding` value; several codings are
/// undone last first). `Ok(None)` when there is nothing to undo
/// (`identity` or absent); `Err` names a coding that failed or is unknown.
pub fn decode(encoding: &str, body: &[u8], cap: usize) -> Result<Option<Decoded>, String> {
    let codings: Vec<String> = encoding
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    if codings.is_empty() {
        return Ok(None);
    }
    let mut current = Decoded {
        bytes: body.to_vec(),
        capped: false,
    };
    for coding in codings.iter().rev() {
        let input = current.bytes.as_slice();
        let reader: Box<dyn Read + '_> = match coding.as_str() {
            "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(input)),
            // "deflate" is zlib-wrapped per RFC 9110, but some servers send
            // raw deflate; try zlib first.
            "deflate" if input.first().is_some_and(|b| b & 0x0f == 8) => {
                Box::new(flate2::read::ZlibDecoder::new(input))
            }
            "deflate" => Box::new(flate2::read::DeflateDecoder::new(input)),
            "br" => Box::new(brotli::Decompressor::new(input, 4096)),
            "zstd" => Box::new(zstd::stream::read::Decoder::new(input).map_err(|e| e.to_string())?),
            other => return Err(format!("unknown content coding '{other}'")),
        };
        let mut out = Vec::new();
        let read = reader.take(cap as u64 + 1).read_to_end(&mut out);
        // A truncated body (cap reached upstream) still previews what
        // decoded before the cut.
        if let Err(e) = read {
            if out.is_empty() {
                return Err(format!("{coding}: {e}"));
            }
        }
        let capped = out.len() > cap;
        out.truncate(cap);
        current = Decoded {
            bytes: out,
            capped: current.capped || capped,
        };
    }
    Ok(Some(current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_round_trip_and_cap() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&[b'a'; 10_000]).unwrap();
        let gz = enc.finish().unwrap();
        let d = decode("gzip", &gz, 100_000).unwrap().unwrap();
        assert_eq!(d.bytes.len(), 10_000);
        assert!(!d.capped);
        let d = decode("gzip", &gz, 100).unwrap().unwrap();
        assert_eq!(d.bytes.len(), 100);
        assert!(d.capped);
    }

    #[test]
    fn identity_unknown_and_garbage() {
        assert_eq!(decode("identity", b"x", 10), Ok(None));
        assert_eq!(decode("", b"x", 10), Ok(None));
        assert!(decode("compress", b"x", 10).is_err());
        assert!(decode("gzip", b"not gzip", 10).is_err());
        assert!(decode("br", b"\xff\xff\xff", 10).is_err());
    }

    #[test]
    fn zstd_and_deflate() {
        let z = zstd::encode_all(&b"hello zstd"[..], 1).unwrap();
        assert_eq!(
            decode("zstd", &z, 100).unwrap().unwrap().bytes,
            b"hello zstd"
        );
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello zlib").unwrap();
        let zl = enc.finish().unwrap();
        assert_eq!(
            decode("deflate", &zl, 100).unwrap().unwrap().bytes,
            b"hello zlib"
        );
    }
}
