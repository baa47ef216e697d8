//! What the decoder promises over any bytes whatever, in one place for
//! the property test (`tests/proptests.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/h2_frames.rs`): the items tile each direction
//! exactly, in order; the unexplained count is the partial items' bytes;
//! literal value spans (what the Wire pane masks) lie inside their own
//! direction; and the frames listing carries no terminal control.

use super::{Connection, Item};
use crate::report::escape::is_unsafe;
use crate::wire::exchange::Dir;

/// `Err` says which promise `c`, decoded from `sent` and `received`,
/// broke.
pub fn check(c: &Connection, sent: &[u8], received: &[u8]) -> Result<(), String> {
    for (dir, bytes) in [(Dir::Sent, sent), (Dir::Received, received)] {
        let mut next = 0;
        for it in c.items.iter().filter(|i| i.dir() == dir) {
            if it.offset() != next {
                return Err(format!(
                    "{dir:?} item at {} where {next} was due",
                    it.offset()
                ));
            }
            next += it.wire_len();
        }
        if next != bytes.len() {
            return Err(format!(
                "{dir:?} items cover {next} of {} bytes",
                bytes.len()
            ));
        }
    }
    let partial: usize = c
        .items
        .iter()
        .map(|i| match i {
            Item::Partial { len, .. } => *len,
            _ => 0,
        })
        .sum();
    if partial != c.unexplained {
        return Err(format!(
            "{partial} partial bytes, {} unexplained",
            c.unexplained
        ));
    }
    for f in c.items.iter().filter_map(|i| i.frame()) {
        let len = match f.dir {
            Dir::Sent => sent.len(),
            Dir::Received => received.len(),
        };
        if let Some(b) = f.detail.block() {
            for span in b.fields.iter().filter_map(|x| x.value_span.clone()) {
                if b.stream_ranges(span.clone()).iter().any(|r| r.end > len) {
                    return Err(format!("value span {span:?} lies past the {len} bytes"));
                }
            }
        }
    }
    let text = crate::report::frames::text(c, None);
    if let Some(ch) = text.chars().find(|&ch| ch != '\n' && is_unsafe(ch)) {
        return Err(format!("the listing holds {ch:?}"));
    }
    Ok(())
}
