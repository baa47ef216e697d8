//! An HTTP/2 exchange seen through its frames: the connection's recorded
//! bytes decoded (HPACK needs them from the first byte), then cut down to
//! the frames this exchange lived through — its stream's, and the
//! connection-level ones in its window.

use std::fmt::Write;

use super::escape::sanitize_text;
use crate::decode::h2::{Connection, Item};
use crate::wire::exchange::Dir;
use crate::wire::Exchange;

/// The exchange's frames (its stream's and the connection-level ones it
/// claimed, decoded once as they arrived), or `None` for HTTP/1.1.
pub fn frames(ex: &Exchange) -> Option<Connection> {
    ex.h2.as_ref().map(|cap| (*cap.frames).clone())
}

/// The request (`Dir::Sent`) or response head as decoded header fields,
/// one `name: value` line each, as HPACK delivered them.
pub fn head_lines(conn: &Connection, stream: u32, dir: Dir) -> Vec<String> {
    let mut out = Vec::new();
    for item in &conn.items {
        let (Item::Frame(f), true) = (item, item.dir() == dir && item.stream() == stream) else {
            continue;
        };
        if let Some(block) = f.detail.block() {
            for field in block.fields.iter().filter(|f| !f.name.is_empty()) {
                out.push(format!(
                    "{}: {}",
                    sanitize_text(&field.name),
                    sanitize_text(&field.value)
                ));
            }
            let mut note = String::new();
            let _ = write!(
                note,
                "[header block: {} B on the wire, {} B as HTTP/1.1 text]",
                block.wire_len, block.h1_len
            );
            out.push(note);
        }
    }
    out
}
