//! The program's request head: read from its connection, parsed
//! (httparse), and rewritten for upstream with only the changes a proxy
//! must make (RFC 9112 §3.2.2, RFC 9110 §7.6.1): an absolute-form target
//! becomes origin-form, `Proxy-Connection` and `Proxy-Authorization`
//! (meant for us) are dropped. Every other byte goes upstream as written;
//! each change is listed so it can be shown beside the exchange.

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Longest request head accepted (the engine's default response limit).
pub const MAX_HEAD: usize = 64 * 1024;

/// A request head as the program wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// The head's exact bytes, request line through the blank line.
    pub raw: Vec<u8>,
    /// Field names and values as text (values lossy UTF-8).
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum HeadError {
    /// The bytes are not an HTTP/1.x request (answered 400).
    Malformed(String),
    /// The connection failed or closed mid-head.
    Io(String),
}

/// Reads one request head; `Ok(None)` when the program closed the
/// connection between requests (the normal end of keep-alive). Bytes read
/// past the head stay in `buf` (the body, or a pipelined request).
pub async fn read_head<S: AsyncRead + Unpin>(
    io: &mut S,
    buf: &mut Vec<u8>,
) -> Result<Option<Head>, HeadError> {
    let mut scratch = vec![0u8; 16 * 1024];
    loop {
        if let Some(h) = parse(buf)? {
            return Ok(Some(h));
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::Malformed(format!(
                "the request head is longer than {MAX_HEAD} bytes"
            )));
        }
        let n = io
            .read(&mut scratch)
            .await
            .map_err(|e| HeadError::Io(format!("reading the request head: {e}")))?;
        if n == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            return Err(HeadError::Io(format!(
                "the program closed the connection in the middle of a request head ({} bytes in)",
                buf.len()
            )));
        }
        buf.extend_from_slice(&scratch[..n]);
    }
}

/// A whole head at the start of `buf`, taken out of it.
fn parse(buf: &mut Vec<u8>) -> Result<Option<Head>, HeadError> {
    let mut fields = [httparse::EMPTY_HEADER; 128];
    let mut req = httparse::Request::new(&mut fields);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => {
            return Err(HeadError::Malformed(format!(
                "the request head does not parse: {e}"
            )))
        }
    };
    let head = Head {
        method: req.method.unwrap_or_default().to_string(),
        target: req.path.unwrap_or_default().to_string(),
        raw: Vec::new(),
        headers: req
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
    };
    let raw = buf.drain(..len).collect();
    Ok(Some(Head { raw, ..head }))
}

/// How the request's body is delimited (RFC 9112 §6.3, requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLen {
    Length(u64),
    /// Not relayed yet: answered 501 and said so.
    Chunked,
}

pub fn body_len(head: &Head) -> Result<BodyLen, String> {
    if let Some(te) = head.header("transfer-encoding") {
        if !te.trim().is_empty() {
            return Ok(BodyLen::Chunked);
        }
    }
    match head.header("content-length") {
        None => Ok(BodyLen::Length(0)),
        Some(v) => v
            .trim()
            .parse()
            .map(BodyLen::Length)
            .map_err(|_| format!("the request's Content-Length '{v}' is not a number")),
    }
}

/// One change the proxy made to the program's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Target {
        from: String,
        to: String,
    },
    /// A proxy-only field removed; the value is kept only when it is not
    /// a credential.
    Removed {
        name: String,
        value: Option<String>,
    },
}

impl Change {
    pub fn json(&self) -> Value {
        match self {
            Change::Target { from, to } => json!({
                "change": "request-target",
                "why": "absolute-form to origin-form (RFC 9112 §3.2.1): servers are sent the path",
                "from": from,
                "to": to,
            }),
            Change::Removed { name, value } => json!({
                "change": "removed-header",
                "why": "a proxy-only field, meant for the proxy (RFC 9110 §7.6.1, §11.7.2)",
                "name": name,
                "value": value,
            }),
        }
    }
}

/// The absolute-form target split: scheme, authority, origin-form rest.
pub fn split_absolute(target: &str) -> Option<(&str, &str, String)> {
    let (scheme, rest) = target.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    Some((scheme, authority, path))
}

/// The head as it goes upstream, and what was changed.
pub fn rewrite(head: &Head) -> (Vec<u8>, Vec<Change>) {
    let mut out = Vec::with_capacity(head.raw.len());
    let mut changes = Vec::new();
    let mut lines = head.raw.split_inclusive(|&b| b == b'\n');
    if let Some(line) = lines.next() {
        match split_absolute(&head.target) {
            Some((_, _, origin_form)) => {
                // Only the target's bytes are replaced: the method, the
                // spaces, the version and the line end stay as written.
                let at = line.iter().position(|&b| b == b' ').map_or(0, |p| p + 1);
                let end = at + head.target.len();
                out.extend_from_slice(&line[..at]);
                out.extend_from_slice(origin_form.as_bytes());
                out.extend_from_slice(line.get(end..).unwrap_or_default());
                changes.push(Change::Target {
                    from: head.target.clone(),
                    to: origin_form,
                });
            }
            None => out.extend_from_slice(line),
        }
    }
    let mut dropping = false;
    for line in lines {
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        if folded {
            // An obs-fold continuation belongs to the field above it.
            if !dropping {
                out.extend_from_slice(line);
            }
            continue;
        }
        let name = line
            .split(|&b| b == b':')
            .next()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let credential = name.eq_ignore_ascii_case("proxy-authorization");
        dropping = credential || name.eq_ignore_ascii_case("proxy-connection");
        if dropping {
            let value = String::from_utf8_lossy(&line[name.len() + 1..])
                .trim()
                .to_string();
            changes.push(Change::Removed {
                name: name.into_owned(),
                value: (!credential).then_some(value),
            });
        } else {
            out.extend_from_slice(line);
        }
    }
    (out, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &[u8]) -> Head {
        let mut buf = raw.to_vec();
        parse(&mut buf).unwrap().unwrap()
    }

    #[test]
    fn capture_rewrite_makes_origin_form_and_drops_proxy_fields_only() {
        let h = head(b"GET http://127.0.0.1:80/a?b=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Connection: Keep-Alive\r\nX-A:  keep  this \r\nProxy-Authorization: Basic eA==\r\n\r\n");
        let (out, changes) = rewrite(&h);
        assert_eq!(
            out,
            b"GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A:  keep  this \r\n\r\n"
        );
        assert_eq!(changes.len(), 3);
        assert_eq!(
            changes[2],
            Change::Removed {
                name: "Proxy-Authorization".into(),
                value: None
            }
        );
    }

    #[test]
    fn capture_rewrite_leaves_origin_form_untouched() {
        let raw = b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n";
        let (out, changes) = rewrite(&head(raw));
        assert_eq!(out, raw);
        assert!(changes.is_empty());
    }

    #[test]
    fn capture_split_absolute_forms() {
        assert_eq!(
            split_absolute("http://h:1?q"),
            Some(("http", "h:1", "/?q".to_string()))
        );
        assert_eq!(
            split_absolute("http://[::1]:8080"),
            Some(("http", "[::1]:8080", "/".to_string()))
        );
        assert_eq!(split_absolute("/x"), None);
    }

    #[test]
    fn capture_body_length() {
        let h = head(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(body_len(&h), Ok(BodyLen::Length(5)));
        let h = head(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert_eq!(body_len(&h), Ok(BodyLen::Chunked));
    }
}
