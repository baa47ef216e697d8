//! HPACK's two tables (RFC 7541 §2.3): the static table of Appendix A and
//! the dynamic table with its size accounting, eviction and size changes.
//! One address space: indices 1..=61 are static, 62.. dynamic (newest
//! first). Owns no parsing; `hpack.rs` drives it.

use std::collections::VecDeque;

use super::TableState;
use crate::report::escape::escape_bytes;

/// RFC 7541 Appendix A, index 1 first.
pub const STATIC: [(&str, &str); 61] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
];

/// Per-entry overhead in the size accounting (RFC 7541 §4.1).
pub const ENTRY_OVERHEAD: usize = 32;

/// The initial SETTINGS_HEADER_TABLE_SIZE, and so the table's first max.
pub const DEFAULT_MAX: usize = 4096;

/// A snapshot lists at most this many bytes of entries: tables are 4 KiB in
/// practice, but a hostile peer may negotiate a huge one, and a snapshot
/// is kept per header block.
const SNAPSHOT_CAP: usize = 64 * 1024;

/// The dynamic table, entries kept as raw bytes (display escaping happens
/// only in snapshots, so lookups return exactly what was inserted).
#[derive(Debug, Clone)]
pub struct DynamicTable {
    entries: VecDeque<(Vec<u8>, Vec<u8>)>,
    size: usize,
    max_size: usize,
}

impl Default for DynamicTable {
    fn default() -> Self {
        DynamicTable {
            entries: VecDeque::new(),
            size: 0,
            max_size: DEFAULT_MAX,
        }
    }
}

impl DynamicTable {
    pub fn max_size(&self) -> usize {
        self.max_size
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at `index` in the combined address space, if any.
    pub fn get(&self, index: usize) -> Option<(&[u8], &[u8])> {
        match index {
            0 => None,
            1..=61 => STATIC
                .get(index - 1)
                .map(|(n, v)| (n.as_bytes(), v.as_bytes())),
            _ => self
                .entries
                .get(index - 62)
                .map(|(n, v)| (n.as_slice(), v.as_slice())),
        }
    }

    /// Adds an entry, evicting the oldest until it fits; an entry larger
    /// than the whole table empties it and is not added (RFC 7541 §4.4).
    pub fn insert(&mut self, name: Vec<u8>, value: Vec<u8>) {
        let need = name.len() + value.len() + ENTRY_OVERHEAD;
        self.evict_to(self.max_size.saturating_sub(need));
        if need <= self.max_size {
            self.size += need;
            self.entries.push_front((name, value));
        } else {
            self.entries.clear();
            self.size = 0;
        }
    }

    /// A dynamic table size update: the new max, evicting as needed.
    pub fn set_max(&mut self, max: usize) {
        self.max_size = max;
        self.evict_to(max);
    }

    fn evict_to(&mut self, limit: usize) {
        while self.size > limit {
            match self.entries.pop_back() {
                Some((n, v)) => self.size -= n.len() + v.len() + ENTRY_OVERHEAD,
                None => break,
            }
        }
    }

    /// The table as people read it: escaped entries, newest first.
    pub fn state(&self) -> TableState {
        let mut listed = 0;
        let entries = self
            .entries
            .iter()
            .take_while(|(n, v)| {
                listed += n.len() + v.len() + ENTRY_OVERHEAD;
                listed <= SNAPSHOT_CAP
            })
            .map(|(n, v)| (escape_bytes(n), escape_bytes(v)))
            .collect();
        TableState {
            entries,
            size: self.size,
            max_size: self.max_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_table_ends_where_rfc_says() {
        let t = DynamicTable::default();
        assert_eq!(t.get(1), Some((&b":authority"[..], &b""[..])));
        assert_eq!(t.get(61), Some((&b"www-authenticate"[..], &b""[..])));
        assert_eq!(t.get(62), None);
        assert_eq!(t.get(0), None);
    }

    #[test]
    fn evicts_oldest_and_drops_oversized() {
        let mut t = DynamicTable::default();
        t.set_max(100);
        t.insert(b"a".to_vec(), vec![b'x'; 30]); // 63
        t.insert(b"b".to_vec(), vec![b'y'; 10]); // 43: evicts "a"
        assert_eq!(t.len(), 1);
        assert_eq!(t.get(62).map(|e| e.0), Some(&b"b"[..]));
        t.insert(b"c".to_vec(), vec![b'z'; 100]);
        assert_eq!((t.len(), t.state().size), (0, 0));
        t.insert(b"d".to_vec(), Vec::new());
        t.set_max(0);
        assert_eq!(
            t.state(),
            TableState {
                entries: vec![],
                size: 0,
                max_size: 0
            }
        );
    }
}
