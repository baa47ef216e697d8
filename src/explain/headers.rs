//! Header meanings as a table: canonical name, which side sends it, and a
//! one-line meaning. Pure data; must not import ratatui or crossterm.
//! Parsed readings of a header's *value* live in `readings.rs`.

/// Which message a header normally appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSide {
    /// Sent by clients.
    Request,
    /// Sent by servers.
    Response,
    /// Meaningful in either direction (framing, content metadata, caching).
    Both,
}

/// One header: canonical name, side and a one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderInfo {
    /// Canonical spelling (the wire may use any case).
    pub name: &'static str,
    pub side: HeaderSide,
    pub meaning: &'static str,
}

use HeaderSide::{Both, Request, Response};

/// Common headers, grouped: both sides, then request, then response.
#[rustfmt::skip]
pub const HEADERS: &[HeaderInfo] = &[
    h("Cache-Control", Both, "caching rules: how long a copy is fresh, who may store it"),
    h("Connection", Both, "HTTP/1.1 hop-by-hop control: keep-alive or close the connection after this message"),
    h("Content-Encoding", Both, "compression applied to the body (gzip, br, zstd); decode to get the original"),
    h("Content-Language", Both, "natural language(s) of the body's intended audience"),
    h("Content-Length", Both, "body size in bytes; tells the reader where the message ends"),
    h("Content-Location", Both, "a URL for the specific representation in the body"),
    h("Content-Range", Both, "which byte range of the full resource this partial body is"),
    h("Content-Type", Both, "media type of the body (and charset), e.g. application/json"),
    h("Date", Both, "when the message was generated (IMF-fixdate, always GMT)"),
    h("Keep-Alive", Both, "HTTP/1.1 hints for a persistent connection: idle timeout and max requests"),
    h("Trailer", Both, "names the header fields that will follow a chunked body as trailers"),
    h("Transfer-Encoding", Both, "HTTP/1.1 framing of the body on this hop, e.g. chunked"),
    h("Upgrade", Both, "switch this connection to another protocol (WebSocket, h2c)"),
    h("Via", Both, "proxies and gateways the message passed through"),
    h("Warning", Both, "obsolete (RFC 9111): extra information about the message's status"),
    h("Link", Both, "typed links to related resources (preload, next page, canonical)"),
    h("Forwarded", Request, "client and proxy details added by proxies (standard form of X-Forwarded-*)"),
    h("Accept", Request, "media types the client can handle in the response"),
    h("Accept-Charset", Request, "obsolete: character sets the client prefers"),
    h("Accept-Encoding", Request, "content codings the client can decode (gzip, br, zstd)"),
    h("Accept-Language", Request, "natural languages the client prefers"),
    h("Authorization", Request, "credentials for the origin server (Basic, Bearer, ...)"),
    h("Cookie", Request, "cookies the client stored for this site, sent back"),
    h("Expect", Request, "behaviour the client requires, usually 100-continue before sending a body"),
    h("From", Request, "email address of the human controlling the client"),
    h("Host", Request, "the host (and port) the request is for; required in HTTP/1.1"),
    h("If-Match", Request, "only act if the current ETag matches (prevents lost updates)"),
    h("If-Modified-Since", Request, "send the body only if changed since this date, else 304"),
    h("If-None-Match", Request, "send the body only if the ETag differs, else 304"),
    h("If-Range", Request, "send the Range only if unchanged, otherwise the whole resource"),
    h("If-Unmodified-Since", Request, "only act if unchanged since this date, else 412"),
    h("Max-Forwards", Request, "how many more proxies may forward a TRACE or OPTIONS request"),
    h("Origin", Request, "the origin that initiated the request (CORS, CSRF checks)"),
    h("Proxy-Authorization", Request, "credentials for the proxy, not the origin server"),
    h("Range", Request, "ask for part of the resource, e.g. bytes=0-1023"),
    h("Referer", Request, "the page the request came from (spelling is historical)"),
    h("TE", Request, "transfer codings the client accepts; 'trailers' for gRPC and HTTP/2"),
    h("User-Agent", Request, "the client software making the request"),
    h("Access-Control-Request-Method", Request, "CORS preflight: the method the real request will use"),
    h("Access-Control-Request-Headers", Request, "CORS preflight: the headers the real request will send"),
    h("Upgrade-Insecure-Requests", Request, "the client prefers an HTTPS redirect when one exists"),
    h("X-Forwarded-For", Request, "de-facto: the client IP chain as seen by proxies (spoofable)"),
    h("X-Forwarded-Proto", Request, "de-facto: the scheme (http/https) the client used to reach the proxy"),
    h("X-Requested-With", Request, "de-facto: marks XMLHttpRequest calls; some servers key CSRF checks on it"),
    h("Accept-Ranges", Response, "whether the server supports Range requests (bytes or none)"),
    h("Age", Response, "seconds the response has sat in a cache"),
    h("Allow", Response, "methods the target resource supports (sent with 405)"),
    h("Alt-Svc", Response, "the same service is available elsewhere, e.g. over HTTP/3"),
    h("Content-Disposition", Response, "show inline or download as an attachment, with a filename"),
    h("ETag", Response, "version tag of this representation; echo it in If-None-Match / If-Match"),
    h("Expires", Response, "date after which the response is stale (Cache-Control max-age wins)"),
    h("Last-Modified", Response, "when the origin believes the resource last changed"),
    h("Location", Response, "where to go next: the redirect target, or the created resource"),
    h("Proxy-Authenticate", Response, "how to authenticate with the proxy (sent with 407)"),
    h("Retry-After", Response, "how long to wait before retrying (with 429, 503 or a redirect)"),
    h("Server", Response, "the server software"),
    h("Set-Cookie", Response, "store a cookie; attributes control scope, lifetime and security"),
    h("Strict-Transport-Security", Response, "HSTS: use only HTTPS for this host for max-age seconds"),
    h("Vary", Response, "request headers that select the response; caches key on them"),
    h("WWW-Authenticate", Response, "how to authenticate (sent with 401): scheme and realm"),
    h("Access-Control-Allow-Origin", Response, "CORS: which origin may read this response in a browser"),
    h("Access-Control-Allow-Credentials", Response, "CORS: whether the browser may expose the response when credentials were sent"),
    h("Access-Control-Allow-Methods", Response, "CORS preflight answer: methods allowed"),
    h("Access-Control-Allow-Headers", Response, "CORS preflight answer: request headers allowed"),
    h("Access-Control-Expose-Headers", Response, "CORS: response headers scripts may read"),
    h("Access-Control-Max-Age", Response, "CORS: seconds the preflight answer may be cached"),
    h("Content-Security-Policy", Response, "which sources a browser may load scripts, styles and frames from"),
    h("X-Content-Type-Options", Response, "nosniff: the browser must trust Content-Type, not guess"),
    h("X-Frame-Options", Response, "whether the page may be framed (clickjacking defence; CSP frame-ancestors supersedes)"),
    h("Referrer-Policy", Response, "how much of the URL the browser sends as Referer"),
    h("Permissions-Policy", Response, "which browser features (camera, geolocation) the page may use"),
    h("Server-Timing", Response, "server-side timing metrics, shown in browser devtools"),
    h("X-RateLimit-Limit", Response, "de-facto: requests allowed in the current window"),
    h("X-RateLimit-Remaining", Response, "de-facto: requests left in the current window"),
    h("X-RateLimit-Reset", Response, "de-facto: when the window resets (epoch seconds or seconds from now)"),
];

// A short constructor keeps the table one row per line.
const fn h(name: &'static str, side: HeaderSide, meaning: &'static str) -> HeaderInfo {
    HeaderInfo {
        name,
        side,
        meaning,
    }
}

/// Case-insensitive lookup: field names are case-insensitive (RFC 9110
/// §5.1) and HTTP/2 lowercases them on the wire. Surrounding whitespace is
/// ignored because users paste names with it.
pub fn header(name: &str) -> Option<&'static HeaderInfo> {
    let name = name.trim();
    HEADERS.iter().find(|h| h.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive() {
        for spelling in [
            "content-type",
            "Content-Type",
            "CONTENT-TYPE",
            "cOnTeNt-TyPe",
        ] {
            assert_eq!(header(spelling).unwrap().name, "Content-Type");
        }
        assert_eq!(header("www-authenticate").unwrap().name, "WWW-Authenticate");
        assert_eq!(header("etag").unwrap().name, "ETag");
        assert_eq!(header(" te ").unwrap().name, "TE");
    }

    #[test]
    fn sides() {
        assert_eq!(header("Authorization").unwrap().side, HeaderSide::Request);
        assert_eq!(header("Set-Cookie").unwrap().side, HeaderSide::Response);
        assert_eq!(header("Content-Length").unwrap().side, HeaderSide::Both);
    }

    #[test]
    fn table_is_well_formed() {
        assert!(HEADERS.len() >= 60, "about 60 common headers");
        for (i, a) in HEADERS.iter().enumerate() {
            assert!(
                !a.meaning.is_empty() && !a.meaning.contains('\n'),
                "{}",
                a.name
            );
            assert!(a
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            for b in &HEADERS[i + 1..] {
                assert!(!a.name.eq_ignore_ascii_case(b.name), "duplicate {}", a.name);
            }
        }
    }

    #[test]
    fn unknown_and_hostile_names() {
        let huge = "x".repeat(1 << 16);
        for s in ["", "X-Custom", "\0\r\n", "Cöntent-Type", huge.as_str()] {
            assert!(header(s).is_none());
        }
    }
}
