//! Hex+ASCII dump: offset, 16 bytes a row, printable ASCII beside (the
//! `hexdump -C` layout people already read). Only printable ASCII is ever
//! shown as itself.

use std::fmt::Write;
use std::ops::Range;

/// One row of the dump for the 16 (or fewer) bytes at `offset`.
pub fn row(offset: usize, bytes: &[u8]) -> String {
    masked_row(offset, bytes, &[])
}

/// `row`, the bytes inside `secrets` (stream offsets) drawn as `••`/`•`.
fn masked_row(offset: usize, bytes: &[u8], secrets: &[Range<usize>]) -> String {
    let hidden = |i: usize| secrets.iter().any(|r| r.contains(&(offset + i)));
    let mut out = String::with_capacity(80);
    let _ = write!(out, "{offset:08x}  ");
    for i in 0..16 {
        match bytes.get(i) {
            Some(_) if hidden(i) => out.push_str("•• "),
            Some(b) => {
                let _ = write!(out, "{b:02x} ");
            }
            None => out.push_str("   "),
        }
        if i == 7 {
            out.push(' ');
        }
    }
    out.push_str(" |");
    out.extend(
        bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| if hidden(i) { '•' } else { printable(b) }),
    );
    out.push('|');
    out
}

/// The character shown for a byte in the ASCII column.
pub fn printable(b: u8) -> char {
    if b.is_ascii_graphic() || b == b' ' {
        b as char
    } else {
        '.'
    }
}

/// The whole dump, one row per line.
pub fn dump(bytes: &[u8]) -> String {
    dump_masked(bytes, &[])
}

/// The whole dump, the bytes inside `secrets` (sorted ranges) masked.
pub fn dump_masked(bytes: &[u8], secrets: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(bytes.len() / 16 * 80 + 80);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let at = i * 16;
        // Only the ranges that touch this row (secrets are few).
        let from = secrets.partition_point(|r| r.end <= at);
        let near: Vec<Range<usize>> = secrets[from..]
            .iter()
            .take_while(|r| r.start < at + 16)
            .cloned()
            .collect();
        out.push_str(&masked_row(at, chunk, &near));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_look_like_hexdump_c() {
        assert_eq!(
            row(0, b"GET / HTTP/1.1\r\n"),
            "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|"
        );
        assert_eq!(
            row(32, b"\x1b["),
            "00000020  1b 5b                                             |.[|"
        );
        assert_eq!(dump(&[0u8; 17]).lines().count(), 2);
    }
}
