//! QPACK field sections (RFC 9204 §4.5) decoded line by line, with how
//! each field was represented: a reference to the static table, a
//! reference into the dynamic table (whose contents come over the encoder
//! stream: named, not resolved here), a literal with a static or dynamic
//! name reference, or a literal name — each string raw or Huffman-coded —
//! and the line's size against the same field as HTTP/1.1 text
//! (`name: value\r\n`). Pure and bounded, like the HPACK decoder it
//! shares its primitives with.

use loona_hpack::huffman::HuffmanDecoder;

use super::h2::primitives::integer;

/// How one field line was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repr {
    /// An entry of the static table, name and value.
    Static(usize),
    /// An entry of the dynamic table (relative or post-base index).
    Dynamic(usize),
    /// A literal value with the name of a static entry.
    StaticName(usize),
    /// A literal value with the name of a dynamic entry.
    DynamicName(usize),
    /// Name and value both literal.
    Literal,
}

/// One decoded field line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub repr: Repr,
    /// Known unless the line refers to the dynamic table.
    pub name: Option<String>,
    pub value: Option<String>,
    /// Strings in the line that were Huffman-coded.
    pub huffman: bool,
    /// Bytes of the line in the field section, and as HTTP/1.1 text.
    pub wire_len: usize,
    pub text_len: Option<usize>,
}

/// A field section: its prefix, its lines, and where decoding stopped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    pub required_insert_count: usize,
    pub lines: Vec<Line>,
    pub error: Option<String>,
}

/// Most lines decoded from one section (a peer cannot make us allocate
/// without bound).
const MAX_LINES: usize = 1000;

pub fn decode(block: &[u8]) -> Section {
    let mut s = Section::default();
    let mut pos = 0;
    let mut prefix = || -> Result<usize, String> {
        let ric = integer(block, &mut pos, 8)?;
        let _delta_base = integer(block, &mut pos, 7)?;
        Ok(ric)
    };
    match prefix() {
        Ok(ric) => s.required_insert_count = ric,
        Err(e) => {
            s.error = Some(e);
            return s;
        }
    }
    let mut huff = HuffmanDecoder::new();
    while pos < block.len() && s.lines.len() < MAX_LINES {
        let start = pos;
        match line(block, &mut pos, &mut huff) {
            Ok(mut l) => {
                l.wire_len = pos - start;
                l.text_len = match (&l.name, &l.value) {
                    (Some(n), Some(v)) => Some(n.len() + 2 + v.len() + 2),
                    _ => None,
                };
                s.lines.push(l);
            }
            Err(e) => {
                s.error = Some(format!("at byte {start}: {e}"));
                break;
            }
        }
    }
    s
}

fn static_entry(i: usize) -> Result<(&'static str, &'static str), String> {
    STATIC
        .get(i)
        .copied()
        .ok_or_else(|| format!("static index {i} is past the table's 99 entries"))
}

/// A string with its Huffman flag at bit `prefix` and its length in the
/// `prefix` bits below (RFC 9204 §4.1.2).
fn string(
    block: &[u8],
    pos: &mut usize,
    prefix: u8,
    huff: &mut HuffmanDecoder,
) -> Result<(String, bool), String> {
    let h = block.get(*pos).is_some_and(|b| b & (1 << prefix) != 0);
    let len = integer(block, pos, prefix)?;
    let left = block.len() - *pos;
    if len > left {
        return Err(format!("string declares {len} bytes, {left} remain"));
    }
    let raw = &block[*pos..*pos + len];
    *pos += len;
    let bytes = match h {
        true => huff
            .decode(raw)
            .map_err(|e| format!("bad Huffman string: {e}"))?,
        false => raw.to_vec(),
    };
    Ok((String::from_utf8_lossy(&bytes).into_owned(), h))
}

fn line(block: &[u8], pos: &mut usize, huff: &mut HuffmanDecoder) -> Result<Line, String> {
    let b = block[*pos];
    let blank = |repr| Line {
        repr,
        name: None,
        value: None,
        huffman: false,
        wire_len: 0,
        text_len: None,
    };
    if b & 0x80 != 0 {
        // 1Txxxxxx: indexed field line.
        let is_static = b & 0x40 != 0;
        let i = integer(block, pos, 6)?;
        return Ok(match is_static {
            true => {
                let (n, v) = static_entry(i)?;
                Line {
                    name: Some(n.into()),
                    value: Some(v.into()),
                    ..blank(Repr::Static(i))
                }
            }
            false => blank(Repr::Dynamic(i)),
        });
    }
    if b & 0x40 != 0 {
        // 01NTxxxx: literal with a name reference.
        let is_static = b & 0x10 != 0;
        let i = integer(block, pos, 4)?;
        let (value, h) = string(block, pos, 7, huff)?;
        return Ok(match is_static {
            true => Line {
                name: Some(static_entry(i)?.0.into()),
                value: Some(value),
                huffman: h,
                ..blank(Repr::StaticName(i))
            },
            false => Line {
                value: Some(value),
                huffman: h,
                ..blank(Repr::DynamicName(i))
            },
        });
    }
    if b & 0x20 != 0 {
        // 001NHxxx: literal with a literal name.
        let (name, hn) = string(block, pos, 3, huff)?;
        let (value, hv) = string(block, pos, 7, huff)?;
        return Ok(Line {
            name: Some(name),
            value: Some(value),
            huffman: hn || hv,
            ..blank(Repr::Literal)
        });
    }
    if b & 0x10 != 0 {
        // 0001xxxx: indexed with a post-base index.
        let i = integer(block, pos, 4)?;
        return Ok(blank(Repr::Dynamic(i)));
    }
    // 0000Nxxx: literal with a post-base name reference.
    let i = integer(block, pos, 3)?;
    let (value, h) = string(block, pos, 7, huff)?;
    Ok(Line {
        value: Some(value),
        huffman: h,
        ..blank(Repr::DynamicName(i))
    })
}

impl Repr {
    /// In words, for views.
    pub fn words(&self) -> String {
        match self {
            Repr::Static(i) => format!("static #{i}"),
            Repr::Dynamic(i) => format!("dynamic #{i}"),
            Repr::StaticName(i) => format!("literal, name static #{i}"),
            Repr::DynamicName(i) => format!("literal, name dynamic #{i}"),
            Repr::Literal => "literal name and value".into(),
        }
    }
}

/// The QPACK static table (RFC 9204 Appendix A): index = position.
pub const STATIC: [(&str, &str); 99] = [
    (":authority", ""),
    (":path", "/"),
    ("age", "0"),
    ("content-disposition", ""),
    ("content-length", "0"),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("referer", ""),
    ("set-cookie", ""),
    (":method", "CONNECT"),
    (":method", "DELETE"),
    (":method", "GET"),
    (":method", "HEAD"),
    (":method", "OPTIONS"),
    (":method", "POST"),
    (":method", "PUT"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "103"),
    (":status", "200"),
    (":status", "304"),
    (":status", "404"),
    (":status", "503"),
    ("accept", "*/*"),
    ("accept", "application/dns-message"),
    ("accept-encoding", "gzip, deflate, br"),
    ("accept-ranges", "bytes"),
    ("access-control-allow-headers", "cache-control"),
    ("access-control-allow-headers", "content-type"),
    ("access-control-allow-origin", "*"),
    ("cache-control", "max-age=0"),
    ("cache-control", "max-age=2592000"),
    ("cache-control", "max-age=604800"),
    ("cache-control", "no-cache"),
    ("cache-control", "no-store"),
    ("cache-control", "public, max-age=31536000"),
    ("content-encoding", "br"),
    ("content-encoding", "gzip"),
    ("content-type", "application/dns-message"),
    ("content-type", "application/javascript"),
    ("content-type", "application/json"),
    ("content-type", "application/x-www-form-urlencoded"),
    ("content-type", "image/gif"),
    ("content-type", "image/jpeg"),
    ("content-type", "image/png"),
    ("content-type", "text/css"),
    ("content-type", "text/html; charset=utf-8"),
    ("content-type", "text/plain"),
    ("content-type", "text/plain;charset=utf-8"),
    ("range", "bytes=0-"),
    ("strict-transport-security", "max-age=31536000"),
    (
        "strict-transport-security",
        "max-age=31536000; includesubdomains",
    ),
    (
        "strict-transport-security",
        "max-age=31536000; includesubdomains; preload",
    ),
    ("vary", "accept-encoding"),
    ("vary", "origin"),
    ("x-content-type-options", "nosniff"),
    ("x-xss-protection", "1; mode=block"),
    (":status", "100"),
    (":status", "204"),
    (":status", "206"),
    (":status", "302"),
    (":status", "400"),
    (":status", "403"),
    (":status", "421"),
    (":status", "425"),
    (":status", "500"),
    ("accept-language", ""),
    ("access-control-allow-credentials", "FALSE"),
    ("access-control-allow-credentials", "TRUE"),
    ("access-control-allow-headers", "*"),
    ("access-control-allow-methods", "get"),
    ("access-control-allow-methods", "get, post, options"),
    ("access-control-allow-methods", "options"),
    ("access-control-expose-headers", "content-length"),
    ("access-control-request-headers", "content-type"),
    ("access-control-request-method", "get"),
    ("access-control-request-method", "post"),
    ("alt-svc", "clear"),
    ("authorization", ""),
    (
        "content-security-policy",
        "script-src 'none'; object-src 'none'; base-uri 'none'",
    ),
    ("early-data", "1"),
    ("expect-ct", ""),
    ("forwarded", ""),
    ("if-range", ""),
    ("origin", ""),
    ("purpose", "prefetch"),
    ("server", ""),
    ("timing-allow-origin", "*"),
    ("upgrade-insecure-requests", "1"),
    ("user-agent", ""),
    ("x-forwarded-for", ""),
    ("x-frame-options", "deny"),
    ("x-frame-options", "sameorigin"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9204_b1_a_literal_with_a_static_name() {
        // Appendix B.1: ":path: /index.html", a literal with static name 1,
        // and nothing dynamic.
        let block = [
            0x00, 0x00, 0x51, 0x0b, 0x2f, 0x69, 0x6e, 0x64, 0x65, 0x78, 0x2e, 0x68, 0x74, 0x6d,
            0x6c,
        ];
        let s = decode(&block);
        assert_eq!(s.error, None);
        assert_eq!(s.lines.len(), 1);
        let l = &s.lines[0];
        assert_eq!(l.repr, Repr::StaticName(1));
        assert_eq!(l.name.as_deref(), Some(":path"));
        assert_eq!(l.value.as_deref(), Some("/index.html"));
        assert_eq!(l.wire_len, 13);
    }

    #[test]
    fn static_references_literals_and_hostile_input() {
        // :method GET (static 17), :status 200 (static 25), then a literal
        // name "x-a" with value "b".
        let block = [0x00, 0x00, 0xd1, 0xd9, 0x23, b'x', b'-', b'a', 0x01, b'b'];
        let s = decode(&block);
        assert_eq!(s.error, None);
        assert_eq!(s.lines[0].repr, Repr::Static(17));
        assert_eq!(s.lines[1].value.as_deref(), Some("200"));
        assert_eq!(s.lines[2].repr, Repr::Literal);
        assert_eq!(s.lines[2].text_len, Some("x-a: b\r\n".len()));
        // A static index past the table, a string longer than the block.
        assert!(decode(&[0x00, 0x00, 0xff, 0x7f]).error.is_some());
        assert!(decode(&[0x00, 0x00, 0x51, 0x7f]).error.is_some());
        // An 8-bit prefix of all ones needs a continuation byte.
        assert!(decode(&[0xff]).error.is_some());
        assert_eq!(decode(&[0xff, 0x01, 0x00]).required_insert_count, 256);
    }
}
