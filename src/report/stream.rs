//! JSON documents whose large byte fields are written in pieces: a tree
//! of small `Value`s and borrowed (or moved-in) bytes and text that
//! serializes straight to a writer. Base64 is encoded 3 KiB of input at a
//! time into a stack buffer (base64 needs no JSON escaping), text is
//! escaped from the borrowed `&str`, and long lists are produced one
//! element at a time, so writing a transcript or a body never holds a
//! second copy of it. The same tree gives a `Value` (`to_value`) for
//! callers that want one: one field list, two ways out. Must not import
//! the terminal crates.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// Input bytes base64-encoded per piece (a multiple of 3: no padding
/// inside the string).
pub const B64_PIECE: usize = 3 * 1024;

/// One value of a document.
pub enum Node<'a> {
    /// A small value, built whole.
    Value(Value),
    /// Bytes, written as a base64 string piece by piece.
    B64(Cow<'a, [u8]>),
    /// Recorded bytes in shared pieces, the same (never made one slice).
    Rope(&'a crate::wire::rope::Rope),
    /// Text, written as a JSON string escaped straight from the borrow.
    Text(&'a str),
    Object(Obj<'a>),
    /// A list made one element at a time when written (each call of the
    /// function starts the list again).
    Values(Box<dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a>),
}

impl<'a> Node<'a> {
    /// A lazily made list over `items`.
    pub fn values<T, F>(items: &'a [T], f: F) -> Node<'a>
    where
        F: Fn(&'a T) -> Value + Copy + 'a,
    {
        Node::Values(Box::new(move || Box::new(items.iter().map(f))))
    }
}

impl From<Value> for Node<'_> {
    fn from(v: Value) -> Self {
        Node::Value(v)
    }
}

impl<'a> From<Obj<'a>> for Node<'a> {
    fn from(o: Obj<'a>) -> Self {
        Node::Object(o)
    }
}

/// An object: its fields in the order they are written.
#[derive(Default)]
pub struct Obj<'a> {
    fields: Vec<(&'static str, Node<'a>)>,
}

impl<'a> Obj<'a> {
    pub fn new() -> Self {
        Obj::default()
    }

    /// Adds a field (replacing one of the same name where it stands, as
    /// `serde_json`'s `map["name"] = ...` does).
    pub fn put(&mut self, name: &'static str, value: impl Into<Node<'a>>) {
        let value = value.into();
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
    }

    /// `put`, for building in one expression.
    pub fn with(mut self, name: &'static str, value: impl Into<Node<'a>>) -> Self {
        self.put(name, value);
        self
    }

    /// The object under `name`, if that field is one.
    pub fn object_mut(&mut self, name: &str) -> Option<&mut Obj<'a>> {
        self.fields.iter_mut().find_map(|(n, v)| match v {
            Node::Object(o) if *n == name => Some(o),
            _ => None,
        })
    }

    /// The whole document as a `Value` (big fields become strings).
    pub fn to_value(&self) -> Value {
        // Serializing our own tree into a Value cannot fail: every key is
        // a string and every number came from a Value.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Base64 of the bytes, made piece by piece as it is displayed.
struct B64<'b>(&'b [u8]);

impl fmt::Display for B64<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_b64(std::iter::once(self.0), f)
    }
}

/// Base64 of shared pieces laid end to end.
struct B64Rope<'b>(&'b crate::wire::rope::Rope);

impl fmt::Display for B64Rope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_b64(self.0.pieces().iter().map(|p| &p[..]), f)
    }
}

/// Encodes `B64_PIECE` bytes at a time; pieces whose lengths are not
/// multiples of 3 are staged so no padding lands inside the string.
fn write_b64<'b>(
    pieces: impl Iterator<Item = &'b [u8]>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let mut stage = [0u8; B64_PIECE];
    let mut staged = 0;
    let mut buf = [0u8; B64_PIECE / 3 * 4];
    let mut flush = |input: &[u8], f: &mut fmt::Formatter<'_>| -> fmt::Result {
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(input, &mut buf)
            .map_err(|_| fmt::Error)?;
        // Base64's alphabet is ASCII.
        f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| fmt::Error)?)
    };
    for mut piece in pieces {
        while !piece.is_empty() {
            if staged == 0 && piece.len() >= B64_PIECE {
                flush(&piece[..B64_PIECE], f)?;
                piece = &piece[B64_PIECE..];
                continue;
            }
            let take = (B64_PIECE - staged).min(piece.len());
            stage[staged..staged + take].copy_from_slice(&piece[..take]);
            staged += take;
            piece = &piece[take..];
            if staged == B64_PIECE {
                flush(&stage, f)?;
                staged = 0;
            }
        }
    }
    if staged > 0 {
        flush(&stage[..staged], f)?;
    }
    Ok(())
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(s),
            Node::B64(b) => s.collect_str(&B64(b)),
            Node::Rope(r) => s.collect_str(&B64Rope(r)),
            Node::Text(t) => s.serialize_str(t),
            Node::Object(o) => o.serialize(s),
            Node::Values(make) => {
                let mut seq = s.serialize_seq(None)?;
                for v in make() {
                    seq.serialize_element(&v)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Obj<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_in_pieces_is_base64_of_the_whole() {
        for len in [
            0,
            1,
            2,
            3,
            B64_PIECE - 1,
            B64_PIECE,
            B64_PIECE + 1,
            3 * B64_PIECE + 2,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let doc = Obj::new().with("b", Node::B64(Cow::Borrowed(&bytes)));
            let text = serde_json::to_string(&doc).expect("serializes");
            let whole = base64::engine::general_purpose::STANDARD.encode(&bytes);
            assert_eq!(text, format!("{{\"b\":\"{whole}\"}}"), "len {len}");
            assert_eq!(doc.to_value(), json!({ "b": whole }));
            // The same bytes in shared pieces of awkward sizes.
            let all = bytes::Bytes::from(bytes.clone());
            let mut cuts = vec![0];
            for step in [1, 2, 5, B64_PIECE - 1, 4] {
                let next = (cuts[cuts.len() - 1] + step).min(len);
                cuts.push(next);
            }
            cuts.push(len);
            let rope = crate::wire::rope::Rope::from_pieces(
                cuts.windows(2).map(|w| all.slice(w[0]..w[1])),
            );
            let doc = Obj::new().with("b", Node::Rope(&rope));
            let text = serde_json::to_string(&doc).expect("serializes");
            assert_eq!(text, format!("{{\"b\":\"{whole}\"}}"), "rope, len {len}");
        }
    }

    #[test]
    fn written_as_a_value_would_be() {
        let items = [1u8, 2, 3];
        let mut doc = Obj::new()
            .with("a", json!({"x": [1, 2.5, null]}))
            .with("t", Node::Text("quote \" and \u{1b}"))
            .with("l", Node::values(&items, |i| json!(i * 2)))
            .with("o", Obj::new().with("k", json!("v")));
        doc.put("a", json!(0));
        if let Some(o) = doc.object_mut("o") {
            o.put("z", json!(true));
        }
        let v =
            json!({"a": 0, "t": "quote \" and \u{1b}", "l": [2, 4, 6], "o": {"k": "v", "z": true}});
        assert_eq!(
            serde_json::to_string(&doc).expect("serializes"),
            v.to_string()
        );
        assert_eq!(
            serde_json::to_string_pretty(&doc).expect("serializes"),
            serde_json::to_string_pretty(&v).expect("serializes")
        );
        assert_eq!(doc.to_value(), v);
    }
}
