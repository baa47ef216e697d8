//! What a body is, to show it well: a text language (picks the pretty
//! printer and the syntax highlighting) or binary (hex view). Content-Type
//! decides first, then sniffing the first bytes. Must not import the
//! terminal crates.

/// A text format the Body view knows how to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Json,
    Html,
    Xml,
    JavaScript,
    Css,
    Yaml,
    Plain,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::Json,
        Lang::Html,
        Lang::Xml,
        Lang::JavaScript,
        Lang::Css,
        Lang::Yaml,
        Lang::Plain,
    ];

    /// The syntect syntax that highlights it.
    pub fn syntax_name(self) -> &'static str {
        match self {
            Lang::Json => "JSON",
            Lang::Html => "HTML",
            Lang::Xml => "XML",
            Lang::JavaScript => "JavaScript",
            Lang::Css => "CSS",
            Lang::Yaml => "YAML",
            Lang::Plain => "Plain Text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Lang::Json => "JSON",
            Lang::Html => "HTML",
            Lang::Xml => "XML",
            Lang::JavaScript => "JavaScript",
            Lang::Css => "CSS",
            Lang::Yaml => "YAML",
            Lang::Plain => "text",
        }
    }
}

/// How to show a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text(Lang),
    Binary,
}

/// The media type without parameters, lowercased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The kind a Content-Type names, if it names one.
pub fn by_content_type(content_type: &str) -> Option<Kind> {
    let m = essence(content_type);
    if m.is_empty() {
        return None;
    }
    let (top, sub) = m.split_once('/').unwrap_or((m.as_str(), ""));
    let lang = match sub {
        "json" | "problem+json" => Lang::Json,
        s if s.ends_with("+json") => Lang::Json,
        "html" | "xhtml+xml" => Lang::Html,
        "xml" | "xml-dtd" => Lang::Xml,
        s if s.ends_with("+xml") => Lang::Xml,
        "javascript" | "ecmascript" | "x-javascript" | "x-ecmascript" => Lang::JavaScript,
        "css" => Lang::Css,
        "yaml" | "x-yaml" => Lang::Yaml,
        _ => match top {
            "text" => Lang::Plain,
            "image" | "audio" | "video" | "font" => return Some(Kind::Binary),
            "application"
                if matches!(
                    sub,
                    "octet-stream"
                        | "zip"
                        | "gzip"
                        | "x-gzip"
                        | "zstd"
                        | "pdf"
                        | "wasm"
                        | "protobuf"
                        | "x-protobuf"
                        | "grpc"
                        | "x-tar"
                        | "msgpack"
                        | "cbor"
                ) =>
            {
                return Some(Kind::Binary)
            }
            _ => return None,
        },
    };
    Some(Kind::Text(lang))
}

/// Whether the first bytes look like binary data: a NUL byte, or many
/// control bytes and invalid UTF-8 sequences.
pub fn looks_binary(head: &[u8]) -> bool {
    if head.contains(&0) {
        return true;
    }
    let mut odd = 0usize;
    for chunk in head.utf8_chunks() {
        odd += chunk.invalid().len();
        odd += chunk
            .valid()
            .bytes()
            .filter(|b| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
            .count();
    }
    // A sequence cut at the end of the sample is not a sign.
    let cut = match std::str::from_utf8(head) {
        Err(e) if e.error_len().is_none() => head.len() - e.valid_up_to(),
        _ => 0,
    };
    odd.saturating_sub(cut) * 10 > head.len()
}

/// The language the first bytes suggest.
pub fn sniff(head: &[u8]) -> Lang {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let lower = t.get(..t.len().min(64)).unwrap_or(t).to_ascii_lowercase();
    if t.starts_with('{') || t.starts_with('[') {
        Lang::Json
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        Lang::Html
    } else if lower.starts_with("<?xml") || lower.starts_with("<svg") || t.starts_with('<') {
        Lang::Xml
    } else if t.starts_with("---\n") || t.starts_with("%YAML") {
        Lang::Yaml
    } else {
        Lang::Plain
    }
}

/// Content-Type first, then sniffing. Text that is UTF-16 (per its
/// charset) is never taken for binary.
pub fn classify(content_type: &str, head: &[u8], utf16: bool) -> Kind {
    match by_content_type(content_type) {
        Some(Kind::Binary) => Kind::Binary,
        Some(Kind::Text(lang)) if utf16 || !looks_binary(head) => Kind::Text(lang),
        Some(Kind::Text(_)) => Kind::Binary,
        None if !utf16 && looks_binary(head) => Kind::Binary,
        None => Kind::Text(sniff(head)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_then_sniffing() {
        let k = |ct: &str, b: &[u8]| classify(ct, b, false);
        assert_eq!(
            k("application/json; charset=utf-8", b"{}"),
            Kind::Text(Lang::Json)
        );
        assert_eq!(k("application/vnd.api+json", b"{}"), Kind::Text(Lang::Json));
        assert_eq!(k("text/html", b"<p>"), Kind::Text(Lang::Html));
        assert_eq!(k("image/svg+xml", b"<svg/>"), Kind::Text(Lang::Xml));
        assert_eq!(k("text/javascript", b"x"), Kind::Text(Lang::JavaScript));
        assert_eq!(k("text/css", b"a{}"), Kind::Text(Lang::Css));
        assert_eq!(k("application/yaml", b"a: 1"), Kind::Text(Lang::Yaml));
        assert_eq!(k("text/plain", b"hi"), Kind::Text(Lang::Plain));
        assert_eq!(k("image/png", b"\x89PNG"), Kind::Binary);
        assert_eq!(k("", b" [1,2]"), Kind::Text(Lang::Json));
        assert_eq!(k("", b"<!DOCTYPE html><html>"), Kind::Text(Lang::Html));
        assert_eq!(k("", b"<?xml version='1.0'?><a/>"), Kind::Text(Lang::Xml));
        assert_eq!(k("", b"---\na: 1\n"), Kind::Text(Lang::Yaml));
        assert_eq!(k("", b"hello"), Kind::Text(Lang::Plain));
        assert_eq!(k("application/x-unknown", b"\x00\x01\x02"), Kind::Binary);
        assert_eq!(
            k("text/plain", b"a\x00b"),
            Kind::Binary,
            "bytes outvote the label"
        );
        assert_eq!(
            classify("text/plain", b"h\x00i\x00", true),
            Kind::Text(Lang::Plain)
        );
    }

    #[test]
    fn binary_sniffing_tolerates_escapes_and_cut_sequences() {
        assert!(!looks_binary(b"\x1b[31mred\x1b[0m plain text\n"));
        assert!(!looks_binary(
            "é".repeat(100).as_bytes().split_last().unwrap().1
        ));
        assert!(looks_binary(&[0xff; 64]));
        assert!(!looks_binary(b""));
    }
}
