//! Request intake and dispatch for the demo server.
//!
//! Owns: reading each request body (capped, timed), attributing the
//! request's raw bytes from the connection recording (every HTTP/1
//! request, so the cursor stays in step on keep-alive connections), the
//! `Req` every handler reads, and the path → handler table.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::header::{HeaderValue, CONNECTION};
use hyper::{HeaderMap, Method, Request, StatusCode, Uri, Version};

use super::conn::{self, Ending};
use super::record::Keep;
use super::response::{self, Resp};
use super::{auth, echo, encoding, headers, items, ratelimit, status, stream, ConnInfo, Shared};

/// Largest request body we read; bigger ones get 413.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// A client that stalls mid-body must not hold the connection forever.
const BODY_TIMEOUT: Duration = Duration::from_secs(60);
const H2_NO_RAW: &str = "HTTP/2 has no per-request raw bytes: frames of all streams share one \
     connection and headers are HPACK-compressed; use HTTP/1.1 for /echo-raw";

/// One request, body read, as handlers see it.
pub(crate) struct Req {
    pub method: Method,
    pub uri: Uri,
    pub version: Version,
    pub headers: HeaderMap,
    /// Header fields in wire order and case (HTTP/1), or as hyper decoded
    /// them (HTTP/2, where names are lowercase by protocol).
    pub wire_headers: Vec<(String, String)>,
    /// The request exactly as read from the socket, or why it is unknown.
    pub raw: Result<Bytes, &'static str>,
    pub body: Bytes,
    pub peer: SocketAddr,
    pub tls: bool,
    pub shared: Arc<Shared>,
}

impl Req {
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// Query pairs, percent-decoded, in order (repeats kept).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.uri.query().unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The first value of header `name`, if it is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The authority the client asked for: Host (HTTP/1), :authority (h2).
    pub fn host(&self) -> String {
        self.uri
            .authority()
            .map(|a| a.to_string())
            .or_else(|| self.header("host").map(str::to_string))
            .unwrap_or_else(|| "localhost".to_string())
    }

    pub fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// The full URL as the client addressed it.
    pub fn url(&self) -> String {
        let pq = self.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        format!("{}://{}{}", self.scheme(), self.host(), pq)
    }
}

/// Entry point for every request on every connection.
pub(crate) async fn handle(req: Request<Incoming>, info: &ConnInfo) -> Resp {
    let (parts, incoming) = req.into_parts();
    let is_h2 = parts.version == Version::HTTP_2;
    let (nth, _in_flight) = info.conn.begin();
    if !is_h2 && conn::over_limit(&info.conn, &info.shared.policy, nth) {
        // The connection is being reset; this request gets no answer.
        return std::future::pending().await;
    }
    if is_h2 {
        // Nothing will ever consume the recording on this connection.
        info.recording.disable(H2_NO_RAW);
    }
    // A declared length over the cap is refused before reading a byte.
    if incoming.size_hint().lower() > MAX_BODY as u64 {
        return give_up(
            info,
            is_h2,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body over 64 MiB",
        );
    }
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(incoming, MAX_BODY).collect()).await;
    let body = match collected {
        Ok(Ok(c)) => c.to_bytes(),
        Ok(Err(e)) if e.is::<LengthLimitError>() => {
            return give_up(
                info,
                is_h2,
                StatusCode::PAYLOAD_TOO_LARGE,
                "body over 64 MiB",
            )
        }
        Ok(Err(_)) => return give_up(info, is_h2, StatusCode::BAD_REQUEST, "bad request body"),
        Err(_) => {
            return give_up(
                info,
                is_h2,
                StatusCode::REQUEST_TIMEOUT,
                "request body too slow",
            )
        }
    };
    let decoded_headers = || decoded(&parts.headers);
    let (raw, wire_headers) = if is_h2 {
        (Err(H2_NO_RAW), decoded_headers())
    } else {
        // Only /echo-raw needs its own copy of the bytes; a big upload to
        // any other path should not be held twice.
        let keep = if parts.uri.path() == "/echo-raw" {
            Keep::Bytes
        } else {
            Keep::HeadersOnly
        };
        match info.recording.take_request(keep) {
            Ok(r) => (Ok(r.bytes), r.headers),
            Err(reason) => (Err(reason), decoded_headers()),
        }
    };
    let req = Req {
        method: parts.method,
        uri: parts.uri,
        version: parts.version,
        headers: parts.headers,
        wire_headers,
        raw,
        body,
        peer: info.peer,
        tls: info.tls,
        shared: info.shared.clone(),
    };
    let mut resp = answer(&req, &info.conn).await;
    // HTTP/3 is on offer: said on every TCP answer (RFC 7838).
    if let Some(v) = &info.shared.alt_svc {
        resp.headers_mut().insert("alt-svc", v.clone());
    }
    resp
}

/// A request that came over HTTP/3 (`demo/h3.rs`), its body read whole:
/// the same routes, with no raw bytes (QUIC streams have none to show).
pub(crate) async fn handle_h3(
    parts: http::request::Parts,
    body: Bytes,
    peer: SocketAddr,
    shared: Arc<Shared>,
    conn: &Arc<conn::ConnState>,
) -> Resp {
    let wire_headers = decoded(&parts.headers);
    let req = Req {
        method: parts.method,
        uri: parts.uri,
        version: parts.version,
        headers: parts.headers,
        wire_headers,
        raw: Err(
            "HTTP/3 has no per-request raw bytes: its frames travel encrypted in QUIC packets",
        ),
        body,
        peer,
        tls: true,
        shared,
    };
    answer(&req, conn).await
}

/// Header fields as hyper or h3 decoded them (HTTP/2 and HTTP/3 have no
/// wire order and case of their own to show).
fn decoded(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_string(), value)
        })
        .collect()
}

async fn answer(req: &Req, conn: &Arc<conn::ConnState>) -> Resp {
    let mut resp = match req.path() {
        "/keep-alive/close" => conn::keep_alive(req, conn, Ending::Close),
        "/keep-alive/reset" => conn::keep_alive(req, conn, Ending::Reset),
        _ => dispatch(req).await,
    };
    // Like common tracing middleware: a request id comes back as it went,
    // so clients can see the correlation work.
    if let Some(id) = req.headers.get("x-request-id") {
        resp.headers_mut().insert("x-request-id", id.clone());
    }
    resp
}

/// The body was not read to its end, so this connection's recording no
/// longer lines up with its requests; answer and close it.
fn give_up(info: &ConnInfo, is_h2: bool, code: StatusCode, why: &'static str) -> Resp {
    info.recording
        .disable("an earlier request body on this connection was not read");
    let mut resp = response::error(code, why);
    if !is_h2 {
        resp.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

async fn dispatch(req: &Req) -> Resp {
    let decoded: Vec<String> = req
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    if req.method == Method::CONNECT {
        // A 2xx to CONNECT would turn the connection into a tunnel.
        return response::error(StatusCode::METHOD_NOT_ALLOWED, "this server is not a proxy");
    }
    match segs.as_slice() {
        [""] => index(),
        ["get"] => echo::method_only(req, &[Method::GET, Method::HEAD]),
        ["post"] => echo::method_only(req, &[Method::POST]),
        ["put"] => echo::method_only(req, &[Method::PUT]),
        ["patch"] => echo::method_only(req, &[Method::PATCH]),
        ["delete"] => echo::method_only(req, &[Method::DELETE]),
        ["anything", ..] => echo::anything(req),
        ["headers"] => echo::headers(req),
        ["ip"] => echo::ip(req),
        ["user-agent"] => echo::user_agent(req),
        ["echo-raw"] => echo::echo_raw(req),
        ["stats"] => echo::stats(req),
        ["status", code] => status::status(code),
        ["redirect", n] => status::redirect(req, n, status::RedirectStyle::Relative),
        ["relative-redirect", n] => status::redirect(req, n, status::RedirectStyle::RelativeChain),
        ["absolute-redirect", n] => status::redirect(req, n, status::RedirectStyle::Absolute),
        ["redirect-to"] => status::redirect_to(req),
        ["etag", tag] => status::etag(req, tag),
        ["cache"] => status::cache(req),
        ["cache", n] => status::cache_for(req, n),
        ["retry-after"] => status::retry_after(req),
        ["flaky"] => status::flaky(req),
        ["delay", secs] => stream::delay(req, secs).await,
        ["drip"] => stream::drip(req).await,
        ["stream", n] => stream::lines(req, n),
        ["bytes", n] => stream::bytes(req, n),
        ["range", n] => stream::range(req, n),
        ["gzip"] | ["deflate"] | ["brotli"] | ["zstd"] => encoding::compressed(req, segs[0]),
        ["encoding", "utf8"] => encoding::utf8_page(),
        ["html"] => encoding::html(),
        ["json"] => encoding::json_doc(),
        ["xml"] => encoding::xml(),
        ["response-headers"] => headers::response_headers(req),
        ["cookies"] => headers::cookies(req),
        ["cookies", "set"] => headers::cookies_set(req),
        ["cookies", "delete"] => headers::cookies_delete(req),
        ["basic-auth", user, pass] => auth::basic(req, user, pass),
        ["bearer"] => auth::bearer(req),
        ["scoped", scope] => auth::scoped(req, scope),
        ["items"] => items::handle(req, None),
        ["items", id] => items::handle(req, Some(id)),
        ["rate-limited"] => ratelimit::handle(req),
        _ => response::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "not found", "path": req.path() }),
        ),
    }
}

/// Decodes `%XX` escapes in a path segment; bad escapes stay as typed.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const INDEX: &str = "\
wirescope demo server — an httpbin-style target that works offline

Echo       /get /post /put /patch /delete  /anything[/...] (any method)
           /headers /ip /user-agent /echo-raw (exact request bytes, HTTP/1.1)
Status     /status/{code}  /retry-after?after=S&times=N&key=K  /flaky?fail=N&key=K
Redirects  /redirect/{n} /relative-redirect/{n} /absolute-redirect/{n}
           /redirect-to?url=U&status_code=C
Caching    /etag/{etag} /cache /cache/{seconds}
Timing     /delay/{seconds} /drip?numbytes=N&duration=S&delay=S&code=C
Bodies     /stream/{n} (chunked) /bytes/{n}?seed=S /range/{n}
           /gzip /deflate /brotli /zstd /encoding/utf8 /html /json /xml
Headers    /response-headers?Name=value  /cookies /cookies/set?n=v /cookies/delete?n
Auth       /basic-auth/{user}/{pass} /bearer
           /scoped/{scope} (Bearer read-token: read; admin-token: read, admin)
State      /items /items/{id} (GET POST PUT PATCH DELETE; Idempotency-Key on POST)
Limits     /rate-limited?limit=N&per=S&key=K (429 + Retry-After beyond N per S s)
Keep-alive /keep-alive/close?idle=S /keep-alive/reset?idle=S (end the idle connection)
Server     /stats
";

fn index() -> Resp {
    response::text(StatusCode::OK, INDEX)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41"), "A");
    }
}
