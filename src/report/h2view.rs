//! An HTTP/2 exchange seen through its frames: the connection's recorded
//! bytes decoded (HPACK needs them from the first byte), then cut down to
//! the frames this exchange lived through — its stream's, and the
//! connection-level ones in its window.

use std::fmt::Write;

use super::escape::sanitize_text;
use crate::decode::h2::{self, Connection, Item};
use crate::wire::exchange::Dir;
use crate::wire::Exchange;

/// The exchange's frames, or `None` for an HTTP/1.1 exchange.
pub fn frames(ex: &Exchange) -> Option<Connection> {
    let cap = ex.h2.as_ref()?;
    let t = &cap.connection;
    let mut conn = h2::decode_connection(&t.sent, &t.received, &t.chunks);
    let (sent_from, received_from) = cap.window;
    conn.items.retain(|item| {
        let from = match item.dir() {
            Dir::Sent => sent_from,
            Dir::Received => received_from,
        };
        item.offset() >= from && (item.stream() == 0 || item.stream() == cap.stream)
    });
    Some(conn)
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
