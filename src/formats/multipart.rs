//! `multipart/form-data` bodies (RFC 7578) for curl's `-F`. The boundary
//! is derived from the content, so the same form always gives the same
//! bytes — tests and diffs stay stable — and it is checked not to occur in
//! any part.

/// One form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub data: Vec<u8>,
    /// Present for file uploads (`-F name=@path`).
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

/// The `Content-Type` header value and the body for `parts`.
pub fn build(parts: &[Part]) -> (String, Vec<u8>) {
    let mut salt = 0u64;
    let boundary = loop {
        let b = format!("------------------------{:016x}", fingerprint(parts, salt));
        let clash = parts.iter().any(|p| contains(&p.data, b.as_bytes()));
        if !clash {
            break b;
        }
        salt += 1;
    };
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disp = format!(
            "Content-Disposition: form-data; name=\"{}\"",
            escape(&p.name)
        );
        if let Some(f) = &p.filename {
            disp.push_str(&format!("; filename=\"{}\"", escape(f)));
        }
        body.extend_from_slice(disp.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = &p.content_type {
            body.extend_from_slice(format!("Content-Type: {}\r\n", strip_crlf(ct)).as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&p.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A guess at a file's media type from its extension, as curl makes one.
pub fn guess_type(filename: &str) -> &'static str {
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "json" => "application/json",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "js" => "application/javascript",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// HTML's form encoding: quotes and line breaks in names are
/// percent-encoded so they cannot end the header parameter early.
fn escape(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn strip_crlf(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// FNV-1a over every part: stable across builds and platforms, unlike
/// `DefaultHasher`.
fn fingerprint(parts: &[Part], salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
    };
    for p in parts {
        eat(p.name.as_bytes());
        eat(&p.data);
        eat(p.filename.as_deref().unwrap_or("").as_bytes());
        eat(p.content_type.as_deref().unwrap_or("").as_bytes());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_stable_body() {
        let parts = [
            Part {
                name: "a\"b".into(),
                data: b"1".to_vec(),
                filename: None,
                content_type: None,
            },
            Part {
                name: "f".into(),
                data: b"xyz".to_vec(),
                filename: Some("x.json".into()),
                content_type: Some(guess_type("x.json").into()),
            },
        ];
        let (ct, body) = build(&parts);
        let (ct2, body2) = build(&parts);
        assert_eq!((&ct, &body), (&ct2, &body2));
        let boundary = ct.trim_start_matches("multipart/form-data; boundary=");
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"a%22b\"\r\n\r\n1\r\n"));
        assert!(
            text.contains("filename=\"x.json\"\r\nContent-Type: application/json\r\n\r\nxyz\r\n")
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
