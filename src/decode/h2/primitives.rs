//! HPACK's primitive types (RFC 7541 §5): prefixed integers and string
//! literals (raw or Huffman-coded, the latter through
//! `loona_hpack::huffman`). Every length is checked against the bytes left
//! before anything is sliced or allocated, and integers are bounded.

use std::borrow::Cow;

use loona_hpack::huffman::HuffmanDecoder;

/// HPACK integers above this are errors: no size or index needs more, and
/// it keeps the arithmetic far from overflow on every platform.
const MAX_INT: u64 = u32::MAX as u64;

/// An HPACK integer with an N-bit prefix (RFC 7541 §5.1; QPACK's are the
/// same, with prefixes up to a whole byte).
pub fn integer(block: &[u8], pos: &mut usize, prefix: u8) -> Result<usize, String> {
    // 8 bits: the whole first byte (computed wide: `1u8 << 8` overflows).
    let mask = ((1u16 << prefix.min(8)) - 1) as u8;
    let first = block.get(*pos).ok_or("block ends before an integer")? & mask;
    *pos += 1;
    if first < mask {
        return Ok(first.into());
    }
    let mut value = u64::from(mask);
    let mut shift = 0u32;
    loop {
        let b = *block.get(*pos).ok_or("block ends inside an integer")?;
        *pos += 1;
        value += u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        // Five continuation bytes already carry 35 bits: more is overflow.
        if shift > 28 {
            return Err("integer runs past 5 continuation bytes (overflow)".into());
        }
    }
    if value > MAX_INT {
        return Err(format!("integer {value} is too large"));
    }
    usize::try_from(value).map_err(|_| format!("integer {value} is too large"))
}

/// A string literal (RFC 7541 §5.2), its declared length checked against
/// the bytes left before anything is sliced or allocated.
pub fn string<'b>(
    block: &'b [u8],
    pos: &mut usize,
    huffman: &mut HuffmanDecoder,
) -> Result<Cow<'b, [u8]>, String> {
    let huffman_coded = block.get(*pos).is_some_and(|b| b & 0x80 != 0);
    let len = integer(block, pos, 7)?;
    let left = block.len() - *pos;
    if len > left {
        return Err(format!(
            "string declares {len} bytes but only {left} remain in the block"
        ));
    }
    let raw = &block[*pos..*pos + len];
    *pos += len;
    if !huffman_coded {
        return Ok(Cow::Borrowed(raw));
    }
    huffman
        .decode(raw)
        .map(Cow::Owned)
        .map_err(|e| format!("bad Huffman string: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(bytes: &[u8], prefix: u8) -> Result<usize, String> {
        integer(bytes, &mut 0, prefix)
    }

    #[test]
    fn integers_per_rfc_7541_c1() {
        assert_eq!(int(&[0b01010], 5), Ok(10));
        assert_eq!(int(&[0b11111, 0b10011010, 0b00001010], 5), Ok(1337));
        assert_eq!(int(&[42], 8 - 1), Ok(42));
        assert!(int(&[0x1f, 0xff], 5).is_err(), "ends inside");
        assert!(
            int(&[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 5).is_err(),
            "too long"
        );
        assert!(
            int(&[0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f], 5).is_err(),
            "over u32"
        );
    }

    #[test]
    fn strings_are_bounded_by_the_block() {
        let mut h = HuffmanDecoder::new();
        assert_eq!(
            string(b"\x03abc", &mut 0, &mut h),
            Ok(Cow::Borrowed(&b"abc"[..]))
        );
        assert!(string(b"\x04abc", &mut 0, &mut h).is_err());
        // C.4.1's Huffman-coded "www.example.com".
        let huff = [
            0x8c, 0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff,
        ];
        let got = string(&huff, &mut 0, &mut h);
        assert_eq!(got.as_deref(), Ok(&b"www.example.com"[..]));
        assert!(
            string(&[0x81, 0x00], &mut 0, &mut h).is_err(),
            "bad padding"
        );
    }
}
