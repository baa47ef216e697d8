//! From a decoded body to what a view shows: the charset applied, the
//! kind chosen (Content-Type, then sniffing), and how it is cut into
//! lines (pretty JSON only when it is valid JSON, or a cut prefix of it).
//! Shared by the CLI preview and the TUI's Body view, so both say the same
//! thing about the same bytes. Must not import the terminal crates.

use super::body::{Body, Source, MEM_CAP};
use super::charset::{self, Charset};
use super::doc::{self, Doc};
use super::kind::{self, Kind, Lang};
use super::pretty::Mode;

/// A body ready to be shown.
#[derive(Debug, Clone)]
pub struct Presented {
    pub body: Body,
    pub kind: Kind,
    pub charset: Charset,
    /// The bytes the text views show: `body.shown()`, transcoded to UTF-8
    /// when the charset is another one.
    pub text: Source,
    pub mode: Mode,
    /// Whether JSON validity was checked (`mode` is final).
    pub validated: bool,
    /// Things to tell the reader (decoding problems, charset, JSON).
    pub notes: Vec<String>,
}

/// Whether to check JSON validity now (it reads the whole body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validate {
    Now,
    /// Later, with `Presented::validate` (e.g. on a background thread).
    Later,
}

impl Presented {
    /// The language the text is highlighted as.
    pub fn lang(&self) -> Option<Lang> {
        match self.kind {
            Kind::Text(Lang::Json) if self.mode == Mode::Text => Some(Lang::Plain),
            Kind::Text(l) => Some(l),
            Kind::Binary => None,
        }
    }

    /// What the body is, in a few words: "JSON", "HTML (windows-1252)",
    /// "binary".
    pub fn label(&self) -> String {
        let mut s = match self.kind {
            Kind::Binary => "binary".to_string(),
            Kind::Text(Lang::Json) if self.mode == Mode::Text => "text (JSON?)".to_string(),
            Kind::Text(l) => l.label().to_string(),
        };
        if let Charset::Other(e) = self.charset {
            s.push_str(&format!(" ({})", e.name()));
        }
        s
    }

    /// Lines of the text views.
    pub fn doc(&self) -> Doc {
        Doc::new(self.text.clone(), self.mode)
    }

    /// Checks a JSON body (pretty lines only for valid JSON); a cut body
    /// is not checked, its beginning is shown pretty.
    pub fn validate(&mut self) {
        if self.validated {
            return;
        }
        self.validated = true;
        if self.mode != Mode::Json || self.body.truncated() {
            return;
        }
        if let Err(e) = doc::validate_json(&self.text) {
            self.mode = Mode::Text;
            self.notes.push(format!("{e}: shown as text"));
        }
    }
}

/// Prepares `body` (decoded already, or not needing it) for viewing.
pub fn present(body: Body, content_type: &str, validate: Validate) -> Presented {
    let shown = body.shown().clone();
    let head = shown
        .read_at(0, 8192)
        .map(|c| c.into_owned())
        .unwrap_or_default();
    let (mut charset, unknown) = charset::detect(content_type, &head);
    let mut notes = body.notes();
    let kind = if body.nothing_decoded() {
        // Still compressed: only the hex view makes sense of it.
        Kind::Binary
    } else {
        kind::classify(content_type, &head, charset.is_utf16())
    };
    if let Some(label) = unknown {
        notes.push(format!(
            "unknown charset '{}': shown as UTF-8",
            crate::report::escape::escape_str(&label)
        ));
    }
    let mut text = shown;
    if let (Kind::Text(_), Charset::Other(enc)) = (kind, charset) {
        match charset::transcode(&text, enc, MEM_CAP) {
            Ok(t) => text = t,
            Err(e) => {
                notes.push(format!("could not convert from {}: {e}", enc.name()));
                charset = Charset::Utf8;
            }
        }
    }
    let mode = match kind {
        Kind::Text(Lang::Json) => Mode::Json,
        _ => Mode::Text,
    };
    let mut p = Presented {
        body,
        kind,
        charset,
        text,
        mode,
        validated: mode != Mode::Json,
        notes,
    };
    if validate == Validate::Now {
        p.validate();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::body::decode_response;
    use crate::decode::coding::{encode, Coding};

    use crate::decode::body::tests::response as resp;

    fn show(headers: &[(&str, &str)], body: &[u8]) -> Presented {
        let r = resp(headers, body);
        let ct = r.header("content-type").unwrap_or("").to_string();
        present(
            decode_response(&r, crate::decode::coding::DecodeLimits::capped(1 << 20)),
            &ct,
            Validate::Now,
        )
    }

    #[test]
    fn json_valid_invalid_and_compressed() {
        let p = show(&[("Content-Type", "application/json")], br#"{"a":1}"#);
        assert_eq!((p.mode, p.label().as_str()), (Mode::Json, "JSON"));
        let p = show(
            &[("Content-Type", "application/json")],
            b"{\"a\":1}\n{\"b\":2}\n",
        );
        assert_eq!(p.mode, Mode::Text);
        assert!(p.notes[0].starts_with("not valid JSON"), "{:?}", p.notes);
        let gz = encode(Coding::Gzip, br#"{"z":true}"#).unwrap();
        let p = show(&[("Content-Encoding", "gzip")], &gz);
        assert_eq!((p.kind, p.mode), (Kind::Text(Lang::Json), Mode::Json));
        let p = show(&[("Content-Encoding", "gzip")], &gz[..8]);
        assert_eq!(
            p.kind,
            Kind::Binary,
            "nothing decoded: the raw bytes in hex"
        );
        assert!(p.notes[0].contains("truncated"));
        let big = encode(Coding::Gzip, &br#"{"z":true}"#.repeat(1000)).unwrap();
        let p = show(&[("Content-Encoding", "gzip")], &big[..big.len() / 2]);
        assert_eq!(p.kind, Kind::Text(Lang::Json), "what decoded is shown");
        assert_eq!(
            p.mode,
            Mode::Json,
            "a cut body is not checked: it shows pretty"
        );
    }

    #[test]
    fn charsets_are_honoured() {
        let p = show(
            &[("Content-Type", "text/html; charset=iso-8859-1")],
            b"<p>caf\xe9</p>",
        );
        assert_eq!(p.label(), "HTML (windows-1252)");
        assert_eq!(
            &p.text.read_at(0, 100).unwrap()[..],
            "<p>café</p>".as_bytes()
        );
        let p = show(&[("Content-Type", "text/plain; charset=bogus")], b"hi");
        assert!(p.notes[0].contains("unknown charset 'bogus'"));
        let p = show(&[("Content-Type", "application/octet-stream")], b"\x00\x01");
        assert_eq!((p.kind, p.lang()), (Kind::Binary, None));
    }
}
