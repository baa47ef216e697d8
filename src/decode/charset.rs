//! Text encodings: the `charset` parameter of Content-Type (or a byte
//! order mark) picks the encoding, and text in anything but UTF-8 is
//! transcoded to UTF-8 as a stream (`encoding_rs`), so every view works on
//! UTF-8 and shows invalid sequences escaped. Must not import the
//! terminal crates.

use std::io::{self, Read, Write};

use encoding_rs::{CoderResult, Encoding, UTF_8};

use super::body::{Sink, Source};

/// A parameter of a media type (`charset` of `text/html; charset=UTF-8`),
/// unquoted and lowercased.
pub fn param(content_type: &str, name: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').trim().to_ascii_lowercase())
    })
}

/// How a body's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8 (also US-ASCII, and the default): shown as is, invalid
    /// sequences escaped.
    Utf8,
    /// Another encoding: transcoded for display.
    Other(&'static Encoding),
}

impl Charset {
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Other(e) => e.name(),
        }
    }

    /// UTF-16 text is full of NUL bytes; it is still text.
    pub fn is_utf16(self) -> bool {
        matches!(self, Charset::Other(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE)
    }
}

/// The charset of a body: a byte order mark first, then the `charset`
/// parameter. The second value names a label that was not understood.
pub fn detect(content_type: &str, head: &[u8]) -> (Charset, Option<String>) {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return (of(enc), None);
    }
    let Some(label) = param(content_type, "charset") else {
        return (Charset::Utf8, None);
    };
    if matches!(label.as_str(), "us-ascii" | "ascii" | "utf8") {
        return (Charset::Utf8, None);
    }
    match Encoding::for_label(label.as_bytes()) {
        Some(enc) => (of(enc), None),
        None => (Charset::Utf8, Some(label)),
    }
}

fn of(enc: &'static Encoding) -> Charset {
    if enc == UTF_8 {
        Charset::Utf8
    } else {
        Charset::Other(enc)
    }
}

/// Transcodes `src` from `enc` to UTF-8 as a stream (a BOM is dropped;
/// malformed input becomes U+FFFD), into memory or a temporary file past
/// `mem_cap`.
pub fn transcode(src: &Source, enc: &'static Encoding, mem_cap: usize) -> io::Result<Source> {
    let mut sink = Sink::new(mem_cap);
    let mut decoder = enc.new_decoder_with_bom_removal();
    let mut reader = src.reader()?;
    let mut input = vec![0u8; 64 * 1024];
    let mut output = vec![0u8; 3 * 64 * 1024 + 16];
    loop {
        let n = match reader.read(&mut input) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let last = n == 0;
        let mut pending = &input[..n];
        loop {
            let (result, read, written, _) = decoder.decode_to_utf8(pending, &mut output, last);
            sink.write_all(&output[..written])?;
            pending = &pending[read..];
            if result == CoderResult::InputEmpty {
                break;
            }
        }
        if last {
            break;
        }
    }
    sink.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn the_charset_parameter_is_read() {
        assert_eq!(
            param("text/html; charset=\"Shift_JIS\"", "charset").as_deref(),
            Some("shift_jis")
        );
        assert_eq!(param("text/html", "charset"), None);
        assert_eq!(
            detect("text/plain; charset=iso-8859-1", b"x").0.name(),
            "windows-1252"
        );
        assert_eq!(detect("text/plain; charset=utf-8", b"x").0, Charset::Utf8);
        assert_eq!(
            detect("text/plain; charset=us-ascii", b"x").0,
            Charset::Utf8
        );
        let (c, unknown) = detect("text/plain; charset=klingon", b"x");
        assert_eq!((c, unknown.as_deref()), (Charset::Utf8, Some("klingon")));
        assert!(
            detect("text/plain", b"\xff\xfeh\x00").0.is_utf16(),
            "BOM wins"
        );
    }

    #[test]
    fn legacy_text_becomes_utf8() {
        let latin1 = Source::Mem(Bytes::from_static(b"caf\xe9 cr\xe8me"));
        let (c, _) = detect("text/plain; charset=latin1", b"");
        let Charset::Other(enc) = c else {
            panic!("not utf-8")
        };
        let out = transcode(&latin1, enc, 1024).unwrap();
        assert_eq!(&out.read_at(0, 100).unwrap()[..], "café crème".as_bytes());
        let sjis = Source::Mem(Bytes::from_static(
            b"\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd",
        ));
        let out = transcode(&sjis, encoding_rs::SHIFT_JIS, 4).unwrap();
        assert_eq!(&out.read_at(0, 100).unwrap()[..], "こんにちは".as_bytes());
        assert!(out.is_file(), "past mem_cap the output is a file");
    }
}
