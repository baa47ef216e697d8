//! HTTP/2 frame payloads (RFC 9113 §6): reads each frame type's fields
//! into a `Detail` and names every violation visible in the frame alone
//! (sizes, padding, stream 0 rules, setting ranges). Header block
//! fragments are handed back raw; assembling and decoding them is
//! `connection.rs`'s job.

use super::frame::RawFrame;
use super::names::*;
use super::{Detail, Priority};
use crate::report::escape::escape_bytes;
use crate::wire::exchange::Dir;

/// GOAWAY debug data shown at most this long (it is free text from the peer).
const DEBUG_SHOWN: usize = 1024;

/// A frame's payload, read.
#[derive(Debug)]
pub struct Interpreted<'a> {
    pub detail: Detail,
    pub problems: Vec<String>,
    /// HEADERS/PUSH_PROMISE/CONTINUATION: the header block fragment, or
    /// `None` when padding or priority fields made it unreadable.
    pub fragment: Option<&'a [u8]>,
}

fn u31(b: &[u8]) -> u32 {
    match b.first_chunk::<4>() {
        Some(x) => u32::from_be_bytes(*x) & 0x7fff_ffff,
        None => 0,
    }
}

/// Interprets a payload; `dir` tells client frames from server frames.
pub fn interpret<'a>(f: &RawFrame<'a>, dir: Dir) -> Interpreted<'a> {
    let mut problems = Vec::new();
    let p = f.payload;
    if f.reserved {
        problems.push("reserved bit set in the stream identifier".to_string());
    }
    let on_stream = matches!(
        f.type_code,
        DATA | HEADERS | PRIORITY | RST_STREAM | PUSH_PROMISE | CONTINUATION
    );
    let on_connection = matches!(f.type_code, SETTINGS | PING | GOAWAY);
    if on_stream && f.stream == 0 {
        problems.push(format!(
            "{} on stream 0 (PROTOCOL_ERROR)",
            frame_type_name(f.type_code)
        ));
    } else if on_connection && f.stream != 0 {
        problems.push(format!(
            "{} must be on stream 0 (PROTOCOL_ERROR)",
            frame_type_name(f.type_code)
        ));
    }
    let mut fragment = None;
    let exact = |want: usize, problems: &mut Vec<String>| {
        if p.len() != want {
            problems.push(format!(
                "{} payload is {} B, must be {want} (FRAME_SIZE_ERROR)",
                frame_type_name(f.type_code),
                p.len()
            ));
        }
        p.len() >= want
    };
    let detail = match f.type_code {
        DATA => match unpad(p, f.flags, 0, &mut problems) {
            Some((body, padding)) => Detail::Data {
                data_len: body.len(),
                padding,
            },
            None => Detail::Data {
                data_len: 0,
                padding: 0,
            },
        },
        HEADERS => {
            let extra = if f.flags & PRIORITY_FLAG != 0 { 5 } else { 0 };
            let mut priority = None;
            let mut padding = 0;
            if let Some((body, pad)) = unpad(p, f.flags, extra, &mut problems) {
                padding = pad;
                if extra > 0 {
                    priority = Some(read_priority(body, f.stream, &mut problems));
                }
                fragment = body.get(extra..);
            }
            if dir == Dir::Sent && f.stream.is_multiple_of(2) && f.stream != 0 {
                problems.push(format!(
                    "client HEADERS on even stream {} (clients open odd streams)",
                    f.stream
                ));
            }
            Detail::Headers {
                block: None,
                padding,
                priority,
            }
        }
        PRIORITY if exact(5, &mut problems) => {
            Detail::Priority(read_priority(p, f.stream, &mut problems))
        }
        RST_STREAM if exact(4, &mut problems) => {
            let code = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
            Detail::RstStream {
                code,
                name: error_code_name(code),
            }
        }
        SETTINGS => read_settings(f, &mut problems),
        PUSH_PROMISE => {
            if dir == Dir::Sent {
                problems.push("a client must not send PUSH_PROMISE (PROTOCOL_ERROR)".into());
            }
            let mut promised = 0;
            let mut padding = 0;
            if let Some((body, pad)) = unpad(p, f.flags, 4, &mut problems) {
                padding = pad;
                promised = u31(body);
                fragment = body.get(4..);
            }
            Detail::PushPromise {
                promised,
                block: None,
                padding,
            }
        }
        PING if exact(8, &mut problems) => Detail::Ping {
            ack: f.flags & ACK != 0,
            data: p.first_chunk::<8>().copied().unwrap_or_default(),
        },
        GOAWAY if p.len() >= 8 => {
            let code = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
            let debug = &p[8..];
            let mut shown = escape_bytes(&debug[..debug.len().min(DEBUG_SHOWN)]);
            if debug.len() > DEBUG_SHOWN {
                shown.push_str(&format!("… ({} B in all)", debug.len()));
            }
            Detail::GoAway {
                last_stream: u31(p),
                code,
                name: error_code_name(code),
                debug: shown,
            }
        }
        GOAWAY => {
            problems.push(format!(
                "GOAWAY payload is {} B, needs at least 8 (FRAME_SIZE_ERROR)",
                p.len()
            ));
            Detail::Unknown
        }
        WINDOW_UPDATE if exact(4, &mut problems) => {
            let increment = u31(p);
            if increment == 0 {
                problems.push("WINDOW_UPDATE with increment 0 (PROTOCOL_ERROR)".into());
            }
            Detail::WindowUpdate { increment }
        }
        CONTINUATION => {
            fragment = Some(p);
            Detail::Continuation { block: None }
        }
        _ => Detail::Unknown,
    };
    Interpreted {
        detail,
        problems,
        fragment,
    }
}

/// Strips padding (RFC 9113 §6.1): returns what lies between the Pad
/// Length byte and the padding, and the padding's length. `extra` bytes
/// of fixed fields must also fit before the padding.
fn unpad<'a>(
    p: &'a [u8],
    flags: u8,
    extra: usize,
    problems: &mut Vec<String>,
) -> Option<(&'a [u8], usize)> {
    let body = if flags & PADDED == 0 {
        p
    } else {
        let Some((&pad, rest)) = p.split_first() else {
            problems.push("PADDED flag set but no Pad Length byte (FRAME_SIZE_ERROR)".into());
            return None;
        };
        let pad = usize::from(pad);
        if pad + extra > rest.len() {
            problems.push(format!(
                "padding of {pad} B is longer than the {} B left for it (PROTOCOL_ERROR)",
                rest.len().saturating_sub(extra)
            ));
            return None;
        }
        return Some((&rest[..rest.len() - pad], pad));
    };
    if body.len() < extra {
        problems.push(format!(
            "payload of {} B is too short for its {extra} B of fixed fields",
            body.len()
        ));
        return None;
    }
    Some((body, 0))
}

fn read_priority(b: &[u8], stream: u32, problems: &mut Vec<String>) -> Priority {
    let dep = b.first_chunk::<4>().map_or(0, |x| u32::from_be_bytes(*x));
    let depends_on = dep & 0x7fff_ffff;
    if depends_on == stream && stream != 0 {
        problems.push(format!(
            "stream {stream} depends on itself (PROTOCOL_ERROR)"
        ));
    }
    Priority {
        exclusive: dep & 0x8000_0000 != 0,
        depends_on,
        // The wire carries weight − 1 so that 1..=256 fits a byte.
        weight: b.get(4).map_or(16, |w| u16::from(*w) + 1),
    }
}

/// Entries of one SETTINGS frame kept in the record: RFC 9113 defines six,
/// extensions a few more; a peer sending thousands per frame (a flood) must
/// not make the record grow with them.
pub const MAX_SETTINGS_LISTED: usize = 32;

fn read_settings(f: &RawFrame, problems: &mut Vec<String>) -> Detail {
    let ack = f.flags & ACK != 0;
    let p = f.payload;
    if ack && !p.is_empty() {
        problems.push(format!(
            "SETTINGS ACK with a {} B payload (FRAME_SIZE_ERROR)",
            p.len()
        ));
    } else if !p.len().is_multiple_of(6) {
        problems.push(format!(
            "SETTINGS payload of {} B is not a multiple of 6 (FRAME_SIZE_ERROR)",
            p.len()
        ));
    }
    let entries = p.len() / 6;
    if entries > MAX_SETTINGS_LISTED {
        problems.push(format!(
            "{entries} entries in one SETTINGS frame: the first {MAX_SETTINGS_LISTED} are listed, the rest counted (a flood)"
        ));
    }
    let mut values = Vec::with_capacity(entries.min(MAX_SETTINGS_LISTED));
    for e in p.chunks_exact(6).take(MAX_SETTINGS_LISTED) {
        let id = u16::from_be_bytes([e[0], e[1]]);
        let value = u32::from_be_bytes([e[2], e[3], e[4], e[5]]);
        let bad = match id {
            SETTINGS_ENABLE_PUSH => value > 1,
            SETTINGS_INITIAL_WINDOW_SIZE => value > 0x7fff_ffff,
            SETTINGS_MAX_FRAME_SIZE => !(16_384..=16_777_215).contains(&value),
            _ => false,
        };
        if bad {
            problems.push(format!("{} = {value} is out of range", setting_name(id)));
        }
        values.push((id, setting_name(id), value));
    }
    Detail::Settings { ack, values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::h2::frame::tests::frame;
    use crate::decode::h2::frame::{Piece, Splitter};

    #[test]
    fn padding_and_sizes_are_checked() {
        let bytes = frame(DATA, PADDED, 1, &[9, b'a', b'b']);
        let Some(Piece::Frame(f)) = Splitter::new(&bytes, Dir::Received).next() else {
            panic!("no frame")
        };
        let i = interpret(&f, Dir::Received);
        assert!(i.problems[0].contains("padding of 9 B"), "{:?}", i.problems);
        let bytes = frame(DATA, PADDED, 1, &[1, b'a', 0]);
        let Some(Piece::Frame(f)) = Splitter::new(&bytes, Dir::Received).next() else {
            panic!("no frame")
        };
        let i = interpret(&f, Dir::Received);
        assert_eq!(
            i.detail,
            Detail::Data {
                data_len: 1,
                padding: 1
            }
        );
        assert!(i.problems.is_empty());
        let bytes = frame(WINDOW_UPDATE, 0, 0, &[0, 0, 0]);
        let Some(Piece::Frame(f)) = Splitter::new(&bytes, Dir::Received).next() else {
            panic!("no frame")
        };
        let i = interpret(&f, Dir::Received);
        assert_eq!(i.detail, Detail::Unknown);
        assert!(i.problems[0].contains("must be 4"));
    }
}
