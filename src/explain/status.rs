//! Status codes: their families and every code in the IANA HTTP Status
//! Code Registry with its reason phrase and a one-line meaning for people.
//! Pure data; must not import ratatui or crossterm.

/// The class of a status code, from its first digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Informational,
    Success,
    Redirection,
    ClientError,
    ServerError,
    Unknown,
}

impl Family {
    /// The family a code belongs to; outside 100..=599 is `Unknown`.
    pub fn of(code: u16) -> Family {
        match code {
            100..=199 => Family::Informational,
            200..=299 => Family::Success,
            300..=399 => Family::Redirection,
            400..=499 => Family::ClientError,
            500..=599 => Family::ServerError,
            _ => Family::Unknown,
        }
    }

    /// Long label, e.g. "4xx client error".
    pub fn label(self) -> &'static str {
        match self {
            Family::Informational => "1xx informational",
            Family::Success => "2xx success",
            Family::Redirection => "3xx redirection",
            Family::ClientError => "4xx client error",
            Family::ServerError => "5xx server error",
            Family::Unknown => "non-standard",
        }
    }

    /// Short label, e.g. "4xx".
    pub fn short(self) -> &'static str {
        match self {
            Family::Informational => "1xx",
            Family::Success => "2xx",
            Family::Redirection => "3xx",
            Family::ClientError => "4xx",
            Family::ServerError => "5xx",
            Family::Unknown => "???",
        }
    }
}

/// A registered status code, its reason phrase and a one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInfo {
    pub code: u16,
    pub reason: &'static str,
    pub meaning: &'static str,
}

/// The IANA registry, sorted by code so lookup can binary-search.
#[rustfmt::skip]
const STATUSES: &[StatusInfo] = &[
    s(100, "Continue", "go ahead and send the body (answer to Expect: 100-continue)"),
    s(101, "Switching Protocols", "the connection now speaks the protocol named in Upgrade (e.g. WebSocket)"),
    s(102, "Processing", "WebDAV: still working on it, a final response will follow"),
    s(103, "Early Hints", "preliminary Link headers so the client can preload while the server thinks"),
    s(200, "OK", "success: the body is the result of the request"),
    s(201, "Created", "a new resource was created; Location usually says where"),
    s(202, "Accepted", "queued for processing, not done yet: the outcome is unknown"),
    s(203, "Non-Authoritative Information", "success, but a proxy modified the origin's response"),
    s(204, "No Content", "success, and there is deliberately no body"),
    s(205, "Reset Content", "success: reset the form or view that sent this"),
    s(206, "Partial Content", "here is the byte range you asked for (see Content-Range)"),
    s(207, "Multi-Status", "WebDAV: the body holds a separate status for each resource"),
    s(208, "Already Reported", "WebDAV: members already listed earlier in this response"),
    s(226, "IM Used", "delta encoding: the body is the result of instance manipulations"),
    s(300, "Multiple Choices", "several representations exist: pick one"),
    s(301, "Moved Permanently", "moved for good: update links; clients may turn POST into GET"),
    s(302, "Found", "temporarily elsewhere (see Location); clients may turn POST into GET"),
    s(303, "See Other", "go GET the result at Location (the usual answer after a POST)"),
    s(304, "Not Modified", "not modified: your cached copy is still good"),
    s(305, "Use Proxy", "deprecated: was 'access this through the proxy in Location'"),
    s(306, "(Unused)", "reserved: no longer used"),
    s(307, "Temporary Redirect", "temporarily elsewhere: repeat the same method and body at Location"),
    s(308, "Permanent Redirect", "moved for good: repeat the same method and body at Location"),
    s(400, "Bad Request", "the server could not understand the request: check syntax, body and parameters"),
    s(401, "Unauthorized", "not authenticated: send credentials (see WWW-Authenticate)"),
    s(402, "Payment Required", "reserved; some APIs use it for billing or quota problems"),
    s(403, "Forbidden", "authenticated (or not) but not allowed: credentials won't help"),
    s(404, "Not Found", "no resource at this URL (or the server won't admit it exists)"),
    s(405, "Method Not Allowed", "the resource exists but not for this method (see Allow)"),
    s(406, "Not Acceptable", "no representation matches your Accept* headers"),
    s(407, "Proxy Authentication Required", "the proxy wants credentials (see Proxy-Authenticate)"),
    s(408, "Request Timeout", "the server gave up waiting for the rest of the request"),
    s(409, "Conflict", "conflicts with the resource's current state (e.g. an edit race)"),
    s(410, "Gone", "removed for good and not coming back"),
    s(411, "Length Required", "send a Content-Length"),
    s(412, "Precondition Failed", "an If-* condition was false: someone changed it since you looked"),
    s(413, "Content Too Large", "the body is larger than the server will accept (was 'Payload Too Large')"),
    s(414, "URI Too Long", "the URL is too long: move data into the body"),
    s(415, "Unsupported Media Type", "the server can't handle this Content-Type or Content-Encoding"),
    s(416, "Range Not Satisfiable", "the requested Range lies outside the resource"),
    s(417, "Expectation Failed", "the server can't meet the Expect header"),
    s(418, "I'm a teapot", "a joke (RFC 2324); RFC 9110 reserves 418 as unused"),
    s(421, "Misdirected Request", "this connection can't serve that host: retry on a new connection"),
    s(422, "Unprocessable Content", "well-formed but semantically invalid, e.g. validation failed"),
    s(423, "Locked", "WebDAV: the resource is locked"),
    s(424, "Failed Dependency", "WebDAV: failed because an earlier action failed"),
    s(425, "Too Early", "the server won't risk processing a replayable TLS early-data request"),
    s(426, "Upgrade Required", "switch protocols first (see Upgrade)"),
    s(428, "Precondition Required", "make the request conditional (If-Match) to avoid lost updates"),
    s(429, "Too Many Requests", "too many requests: slow down; Retry-After says when to try again"),
    s(431, "Request Header Fields Too Large", "headers too big: often too many or too large cookies"),
    s(451, "Unavailable For Legal Reasons", "blocked for legal reasons"),
    s(500, "Internal Server Error", "the server failed: a bug or crash on its side, not your request's form"),
    s(501, "Not Implemented", "the server doesn't support this method at all"),
    s(502, "Bad Gateway", "a proxy or gateway got an invalid response from the server behind it"),
    s(503, "Service Unavailable", "overloaded or down for maintenance: try later (see Retry-After)"),
    s(504, "Gateway Timeout", "a proxy or gateway timed out waiting for the server behind it"),
    s(505, "HTTP Version Not Supported", "the server refuses this HTTP version"),
    s(506, "Variant Also Negotiates", "server misconfiguration in content negotiation"),
    s(507, "Insufficient Storage", "WebDAV: the server is out of space to store this"),
    s(508, "Loop Detected", "WebDAV: an infinite loop while processing"),
    s(510, "Not Extended", "obsolete: the request needs an HTTP extension"),
    s(511, "Network Authentication Required", "a captive portal wants you to log in to the network"),
];

// A short constructor keeps the 63-row table one row per line.
const fn s(code: u16, reason: &'static str, meaning: &'static str) -> StatusInfo {
    StatusInfo {
        code,
        reason,
        meaning,
    }
}

/// Looks up a registered status code; `None` for unregistered ones (a
/// server may send any three-digit code, and `Family::of` still classifies it).
pub fn status(code: u16) -> Option<&'static StatusInfo> {
    STATUSES
        .binary_search_by_key(&code, |s| s.code)
        .ok()
        .map(|i| &STATUSES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(Family::of(100), Family::Informational);
        assert_eq!(Family::of(199), Family::Informational);
        assert_eq!(Family::of(200), Family::Success);
        assert_eq!(Family::of(308), Family::Redirection);
        assert_eq!(Family::of(404), Family::ClientError);
        assert_eq!(Family::of(599), Family::ServerError);
        for code in [0, 1, 99, 600, 999, u16::MAX] {
            assert_eq!(Family::of(code), Family::Unknown, "{code}");
        }
        assert_eq!(Family::of(404).label(), "4xx client error");
        assert_eq!(Family::of(503).short(), "5xx");
        assert_eq!(Family::Unknown.label(), "non-standard");
        assert_eq!(Family::Unknown.short(), "???");
    }

    #[test]
    fn every_registered_code_is_present() {
        let mut expected: Vec<u16> = Vec::new();
        expected.extend(100..=103);
        expected.extend(200..=208);
        expected.push(226);
        expected.extend(300..=308);
        expected.extend(400..=418);
        expected.extend(421..=426);
        expected.extend([428, 429, 431, 451]);
        expected.extend(500..=508);
        expected.extend([510, 511]);
        let have: Vec<u16> = STATUSES.iter().map(|s| s.code).collect();
        assert_eq!(have, expected, "table must be exactly the registry, sorted");
        for code in expected {
            let info = status(code).unwrap();
            assert_eq!(info.code, code);
            assert!(!info.reason.is_empty() && !info.meaning.is_empty());
            assert_ne!(Family::of(code), Family::Unknown);
        }
    }

    #[test]
    fn reason_phrases() {
        let spot = [
            (100, "Continue"),
            (101, "Switching Protocols"),
            (200, "OK"),
            (204, "No Content"),
            (206, "Partial Content"),
            (301, "Moved Permanently"),
            (304, "Not Modified"),
            (307, "Temporary Redirect"),
            (401, "Unauthorized"),
            (403, "Forbidden"),
            (413, "Content Too Large"),
            (422, "Unprocessable Content"),
            (429, "Too Many Requests"),
            (431, "Request Header Fields Too Large"),
            (451, "Unavailable For Legal Reasons"),
            (502, "Bad Gateway"),
            (505, "HTTP Version Not Supported"),
            (511, "Network Authentication Required"),
        ];
        for (code, reason) in spot {
            assert_eq!(status(code).unwrap().reason, reason, "{code}");
        }
    }

    #[test]
    fn meanings_for_people() {
        assert!(status(401).unwrap().meaning.contains("WWW-Authenticate"));
        assert!(status(403)
            .unwrap()
            .meaning
            .contains("credentials won't help"));
        assert!(status(429).unwrap().meaning.contains("Retry-After"));
        assert!(status(304).unwrap().meaning.contains("cached copy"));
        for s in STATUSES {
            assert!(
                !s.meaning.contains('\n'),
                "{} meaning must be one line",
                s.code
            );
        }
    }

    #[test]
    fn unregistered_codes() {
        for code in [
            0,
            99,
            209,
            299,
            419,
            420,
            427,
            430,
            509,
            512,
            599,
            600,
            u16::MAX,
        ] {
            assert!(status(code).is_none(), "{code}");
        }
    }
}
