//! HTTP/3's frames read from each QUIC stream's recorded bytes (RFC 9114
//! §6–7): the stream's kind (a request stream; on a unidirectional one
//! its type byte: control, push, QPACK encoder or decoder, reserved), then
//! on request and control streams each frame — DATA, HEADERS, SETTINGS
//! (its entries named), GOAWAY, … reserved "grease" types named as such,
//! anything else unknown — with its offset and length. A frame cut off by
//! the recording cap is marked, never guessed.

use std::collections::BTreeMap;

use super::tap::Side;
use crate::wire::exchange::Dir;

/// One frame as found in a stream's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    pub type_code: u64,
    pub name: String,
    /// Offset of the frame in its stream's bytes, and its payload length.
    pub at: usize,
    pub len: u64,
    /// SETTINGS entries, a GOAWAY's id, a field section's size.
    pub detail: String,
    /// The payload runs past what was recorded.
    pub cut: bool,
    /// A HEADERS frame's field section, when all of it was seen (views
    /// decode it: `decode::qpack`).
    pub block: Option<Vec<u8>>,
}

/// One QUIC stream of the exchange's connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    pub id: u64,
    pub kind: String,
    pub sent: Vec<FrameInfo>,
    pub received: Vec<FrameInfo>,
    pub sent_total: u64,
    pub received_total: u64,
}

/// A QUIC variable-length integer at `b[at..]` (RFC 9000 §16): its value
/// and length.
pub fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let len = 1usize << (first >> 6);
    let bytes = b.get(at..at + len)?;
    let mut v = u64::from(first & 0x3f);
    for x in &bytes[1..] {
        v = (v << 8) | u64::from(*x);
    }
    Some((v, len))
}

/// Reserved ("grease") codes: 0x1f × N + 0x21 (RFC 9114 §6.2.3, §7.2.8).
fn reserved(code: u64) -> bool {
    code >= 0x21 && (code - 0x21).is_multiple_of(0x1f)
}

pub fn frame_name(code: u64) -> String {
    match code {
        0x00 => "DATA".into(),
        0x01 => "HEADERS".into(),
        0x03 => "CANCEL_PUSH".into(),
        0x04 => "SETTINGS".into(),
        0x05 => "PUSH_PROMISE".into(),
        0x07 => "GOAWAY".into(),
        0x0d => "MAX_PUSH_ID".into(),
        c if reserved(c) => format!("reserved 0x{c:x} (grease, ignored by design)"),
        c => format!("unknown 0x{c:x}"),
    }
}

fn setting_name(id: u64) -> String {
    match id {
        0x01 => "QPACK_MAX_TABLE_CAPACITY".into(),
        0x06 => "MAX_FIELD_SECTION_SIZE".into(),
        0x07 => "QPACK_BLOCKED_STREAMS".into(),
        0x08 => "ENABLE_CONNECT_PROTOCOL".into(),
        0x33 => "H3_DATAGRAM".into(),
        c if reserved(c) => format!("reserved 0x{c:x}"),
        c => format!("0x{c:x}"),
    }
}

fn uni_kind(code: u64) -> String {
    match code {
        0x00 => "control".into(),
        0x01 => "push".into(),
        0x02 => "QPACK encoder".into(),
        0x03 => "QPACK decoder".into(),
        c if reserved(c) => format!("reserved 0x{c:x} (grease)"),
        c => format!("unknown type 0x{c:x}"),
    }
}

/// Frames from `at` to the end of `b` (which holds `total` bytes in all;
/// `hidden` ranges of it were not seen).
fn frames(
    b: &[u8],
    mut at: usize,
    total: u64,
    hidden: &[std::ops::Range<usize>],
) -> Vec<FrameInfo> {
    let mut out = Vec::new();
    while at < b.len() {
        let Some((code, n1)) = varint(b, at) else {
            break;
        };
        let Some((len, n2)) = varint(b, at + n1) else {
            break;
        };
        let start = at + n1 + n2;
        let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
        let cut = end > b.len();
        let payload = &b[start.min(b.len())..end.min(b.len())];
        let unseen = hidden.iter().any(|h| h.start < end && start < h.end);
        let detail = match code {
            _ if unseen && code != 0x01 && code != 0x00 => {
                "payload not seen by the tap (handed to QUIC in one piece)".to_string()
            }
            0x04 if !cut => settings(payload),
            0x01 => format!("a QPACK field section of {len} B"),
            0x07 => varint(payload, 0).map_or(String::new(), |(id, _)| format!("last id {id}")),
            _ => String::new(),
        };
        out.push(FrameInfo {
            type_code: code,
            name: frame_name(code),
            at,
            len,
            detail,
            cut: cut && (b.len() as u64) < total,
            block: (code == 0x01 && !cut && !unseen).then(|| payload.to_vec()),
        });
        if cut {
            break;
        }
        at = end;
    }
    out
}

fn settings(p: &[u8]) -> String {
    let mut at = 0;
    let mut parts = Vec::new();
    while at < p.len() {
        let Some((id, n1)) = varint(p, at) else { break };
        let Some((v, n2)) = varint(p, at + n1) else {
            break;
        };
        parts.push(format!("{} = {v}", setting_name(id)));
        at += n1 + n2;
    }
    parts.join(", ")
}

/// The frames of one direction of a stream: a unidirectional stream
/// starts with its type (only the opening side's bytes are frames).
fn side(id: u64, side: &Side, opener: bool) -> (Option<String>, Vec<FrameInfo>) {
    let bidi = id & 0x02 == 0;
    if bidi {
        return (None, frames(&side.bytes, 0, side.total, &side.hidden));
    }
    if !opener || side.bytes.is_empty() {
        return (None, Vec::new());
    }
    let Some((code, n)) = varint(&side.bytes, 0) else {
        return (None, Vec::new());
    };
    let kind = uni_kind(code);
    // Only control (and push) streams carry frames; QPACK streams carry
    // encoder/decoder instructions.
    let list = match code {
        0x00 | 0x01 => frames(&side.bytes, n, side.total, &side.hidden),
        _ => Vec::new(),
    };
    (Some(kind), list)
}

/// Every stream, with its kind and frames, in stream-id order.
pub fn records(by_id: &BTreeMap<u64, (Side, Side)>) -> Vec<StreamRecord> {
    by_id
        .iter()
        .map(|(&id, (sent, received))| {
            let ours = id & 0x01 == 0; // client-initiated
            let (k1, s) = side(id, sent, ours);
            let (k2, r) = side(id, received, !ours);
            let who = if ours { "ours" } else { "the server's" };
            let kind = match (id & 0x02 == 0, k1.or(k2)) {
                (true, _) => "request".to_string(),
                (false, Some(k)) => format!("{k} ({who})"),
                (false, None) => format!("unidirectional ({who})"),
            };
            StreamRecord {
                id,
                kind,
                sent: s,
                received: r,
                sent_total: sent.total,
                received_total: received.total,
            }
        })
        .collect()
}

/// A stream side holding `bytes`, all seen (tests and fuzzing).
pub fn side_of(bytes: &[u8]) -> Side {
    Side {
        bytes: bytes.to_vec(),
        total: bytes.len() as u64,
        hidden: Vec::new(),
    }
}

/// The direction a stream record's frames were found in, for views.
pub fn dirs(r: &StreamRecord) -> [(Dir, &[FrameInfo]); 2] {
    [(Dir::Sent, &r.sent), (Dir::Received, &r.received)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_each_length() {
        assert_eq!(varint(&[0x25], 0), Some((37, 1)));
        assert_eq!(varint(&[0x7b, 0xbd], 0), Some((15293, 2)));
        assert_eq!(varint(&[0x9d, 0x7f, 0x3e, 0x7d], 0), Some((494_878_333, 4)));
        assert_eq!(varint(&[0x40], 0), None, "cut short");
    }

    #[test]
    fn a_control_stream_and_a_request_stream() {
        let mut by_id = BTreeMap::new();
        // Control stream 2 (client uni): type 0, SETTINGS {0x06: 16384,
        // grease 0x21: 0}.
        let control = vec![0x00, 0x04, 0x07, 0x06, 0x80, 0x00, 0x40, 0x00, 0x21, 0x00];
        by_id.insert(
            2,
            (
                Side {
                    total: control.len() as u64,
                    bytes: control,
                    hidden: Vec::new(),
                },
                Side::default(),
            ),
        );
        // Request stream 0: HEADERS of 3 bytes, DATA of 2; the answer's
        // HEADERS then a DATA cut by the cap (10 announced, 1 kept).
        let req = vec![0x01, 0x03, 0, 0, 0xd1, 0x00, 0x02, b'h', b'i'];
        let resp = vec![0x01, 0x01, 0xd9, 0x00, 0x0a, b'x'];
        by_id.insert(
            0,
            (
                Side {
                    total: req.len() as u64,
                    bytes: req,
                    hidden: Vec::new(),
                },
                Side {
                    bytes: resp,
                    total: 15,
                    hidden: Vec::new(),
                },
            ),
        );
        let recs = records(&by_id);
        assert_eq!(recs[0].kind, "request");
        let names: Vec<&str> = recs[0].sent.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["HEADERS", "DATA"]);
        assert_eq!(recs[0].sent[1].len, 2);
        assert!(recs[0].received[1].cut);
        assert_eq!(recs[1].kind, "control (ours)");
        assert_eq!(recs[1].sent[0].name, "SETTINGS");
        assert!(recs[1].sent[0]
            .detail
            .contains("MAX_FIELD_SECTION_SIZE = 16384"));
        assert!(recs[1].sent[0].detail.contains("reserved 0x21"));
    }
}
