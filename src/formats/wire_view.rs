//! The request as it crossed the wire, read back from an exchange's
//! recorded bytes: the HTTP/1.1 head parsed from `Transcript::sent`, or
//! the HTTP/2 HEADERS and DATA frames of the exchange's stream decoded
//! from the connection capture. HAR and history both need it, and an
//! `Exchange` keeps only the bytes, not the spec.

use crate::decode::h2::{Detail, Item};
use crate::wire::exchange::Dir;
use crate::wire::Exchange;

/// What the client sent, as headers and body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestView {
    /// "HTTP/1.1", "HTTP/2", or "" when nothing readable was sent.
    pub version: String,
    /// In wire order and case; pseudo-headers (`:path`) left out.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Bytes of the head (request line through the blank line), HTTP/1.
    pub head_size: Option<usize>,
}

/// Reads the request back from what the exchange recorded.
pub fn request(ex: &Exchange) -> RequestView {
    match &ex.h2 {
        Some(_) => h2_request(ex),
        None => h1_request(&ex.transcript.sent),
    }
}

/// Where an HTTP/1 head ends (after its blank line), tolerating bare LF.
pub fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The start line and `Name: value` pairs of an HTTP/1 head.
pub fn parse_head(head: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    (start, headers)
}

fn h1_request(sent: &[u8]) -> RequestView {
    let Some(end) = head_end(sent) else {
        return RequestView::default();
    };
    let (start, headers) = parse_head(&sent[..end]);
    let version = start.rsplit(' ').next().unwrap_or_default();
    RequestView {
        version: if version.starts_with("HTTP/") {
            version.to_string()
        } else {
            String::new()
        },
        headers,
        body: sent[end..].to_vec(),
        head_size: Some(end),
    }
}

fn h2_request(ex: &Exchange) -> RequestView {
    let Some(cap) = &ex.h2 else {
        return RequestView::default();
    };
    let conn = &cap.frames;
    let mut view = RequestView {
        version: "HTTP/2".into(),
        ..RequestView::default()
    };
    for item in &conn.items {
        let Item::Frame(f) = item else { continue };
        if f.dir != Dir::Sent || f.stream != cap.stream {
            continue;
        }
        if let Some(block) = f.detail.block() {
            view.headers.extend(
                block
                    .fields
                    .iter()
                    .filter(|fl| !fl.name.is_empty() && !fl.name.starts_with(':'))
                    .map(|fl| (fl.name.clone(), fl.value.clone())),
            );
        }
        if let Detail::Data { data_len, .. } = f.detail {
            // PADDED (0x8): one pad-length byte comes before the data.
            let start = f.offset + 9 + usize::from(f.flags & 0x8 != 0);
            let at = cap.to_exchange(Dir::Sent, start..start + data_len);
            if let Some(data) = at.and_then(|r| ex.transcript.sent.get(r)) {
                view.body.extend_from_slice(data);
            }
        }
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_h1_head() {
        let v = h1_request(b"POST /x?a=1 HTTP/1.1\r\nHost: h\r\nX-A:  b \r\n\r\nbody");
        assert_eq!(v.version, "HTTP/1.1");
        assert_eq!(
            v.headers,
            [("Host".into(), "h".into()), ("X-A".into(), "b".into())]
        );
        assert_eq!(v.body, b"body");
        assert_eq!(v.head_size, Some(43));
        assert_eq!(h1_request(b"GET / HTT"), RequestView::default());
    }
}
