//! What a header list would cost as HTTP/1.1 text: the request or status
//! line built from the pseudo-headers, `Name: value\r\n` per field, and the
//! blank line. The yardstick for "header compression, measured".

/// Accumulates the HTTP/1.1 size of a header list, field by field, from
/// the raw (unescaped) bytes.
#[derive(Debug, Default)]
pub struct H1Len {
    method: Option<usize>,
    path: Option<usize>,
    authority: Option<usize>,
    status_line: Option<usize>,
    has_host: bool,
    lines: usize,
}

impl H1Len {
    pub fn add(&mut self, name: &[u8], value: &[u8]) {
        match name {
            b":method" => self.method = Some(value.len()),
            b":path" => self.path = Some(value.len()),
            b":authority" => self.authority = Some(value.len()),
            // HTTP/1.1 carries a reason phrase HTTP/2 dropped; count the
            // canonical one, as an HTTP/1.1 server would send it.
            b":status" => {
                let reason = std::str::from_utf8(value)
                    .ok()
                    .and_then(|s| s.parse::<u16>().ok())
                    .and_then(|c| http::StatusCode::from_u16(c).ok())
                    .and_then(|c| c.canonical_reason())
                    .map_or(0, str::len);
                // "HTTP/1.1 " + code + " " + reason + CRLF
                self.status_line = Some(9 + value.len() + 1 + reason + 2);
            }
            // :scheme and :protocol have no HTTP/1.1 spelling.
            n if n.starts_with(b":") => {}
            n => {
                self.has_host |= n.eq_ignore_ascii_case(b"host");
                self.lines += n.len() + 2 + value.len() + 2;
            }
        }
    }

    /// The whole head's length in bytes, final CRLF included.
    pub fn total(&self) -> usize {
        let start = match (self.method, self.status_line) {
            // method SP target SP "HTTP/1.1" CRLF; CONNECT's target is the
            // authority, and a request without either still needs one byte.
            (Some(m), _) => m + 1 + self.path.or(self.authority).unwrap_or(1) + 1 + 8 + 2,
            (None, Some(s)) => s,
            (None, None) => 0,
        };
        // :authority travels as the Host header in HTTP/1.1.
        let host = match (self.method, self.authority, self.has_host) {
            (Some(_), Some(a), false) => 6 + a + 2,
            _ => 0,
        };
        start + host + self.lines + 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(fields: &[(&str, &str)]) -> usize {
        let mut m = H1Len::default();
        for (n, v) in fields {
            m.add(n.as_bytes(), v.as_bytes());
        }
        m.total()
    }

    #[test]
    fn request_and_response_heads() {
        let req = [
            (":method", "GET"),
            (":scheme", "https"),
            (":path", "/a"),
            (":authority", "example.com"),
            ("accept", "*/*"),
        ];
        let text = "GET /a HTTP/1.1\r\nHost: example.com\r\naccept: */*\r\n\r\n";
        assert_eq!(len(&req), text.len());
        let resp = [(":status", "200"), ("content-length", "2")];
        assert_eq!(
            len(&resp),
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n".len()
        );
        assert_eq!(len(&[("grpc-status", "0")]), "grpc-status: 0\r\n\r\n".len());
    }
}
