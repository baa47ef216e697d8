//! Redirects, opt-in and hop by hop: which method and body the next
//! request carries (301/302/303 turn POST into GET as browsers do; 307/308
//! keep both), credentials dropped when the origin changes, only http(s)
//! followed, loops and the hop limit stopped with the hops listed.

use super::super::exchange::Exchange;
use super::super::spec::RequestSpec;

/// How redirects are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Redirects {
    pub follow: bool,
    /// Redirects followed at most.
    pub max: u32,
}

impl Default for Redirects {
    fn default() -> Self {
        Redirects {
            follow: false,
            max: 10,
        }
    }
}

pub(super) enum Next {
    Done,
    Stop(String),
    Follow {
        spec: Box<RequestSpec>,
        status: u16,
        rule: String,
        notes: Vec<String>,
    },
}

/// Headers that carry credentials for one origin only.
const CREDENTIALS: &[&str] = &["authorization", "cookie", "proxy-authorization"];

impl Redirects {
    /// What follows `ex`, the answer to `spec`. `visited`: (method, url) of
    /// every request of the flow so far, this one included.
    pub(super) fn next(
        &self,
        spec: &RequestSpec,
        ex: &Exchange,
        visited: &[(String, String)],
    ) -> Next {
        let Some(resp) = ex.response.as_ref().filter(|_| ex.error.is_none()) else {
            return Next::Done;
        };
        if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) || !self.follow {
            return Next::Done;
        }
        let trail = || {
            visited
                .iter()
                .map(|(_, u)| u.as_str())
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let locations = locations(resp);
        if let [first, rest @ ..] = locations.as_slice() {
            if rest.iter().any(|l| l != first) {
                return Next::Stop(format!(
                    "{} with {} different Location headers ({}): which one the server meant is unknowable, so none is followed",
                    resp.status,
                    locations.len(),
                    locations
                        .iter()
                        .map(|l| crate::report::escape::escape_str(l))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
            }
        }
        let Some(location) = locations
            .into_iter()
            .next()
            .or_else(|| resp.header("location").map(str::to_string))
        else {
            return Next::Stop(format!(
                "{} without a Location header: nothing to follow",
                resp.status
            ));
        };
        let Ok(base) = url::Url::parse(&spec.url) else {
            return Next::Done;
        };
        let target = match base.join(location.trim()) {
            Ok(t) => t,
            Err(e) => {
                return Next::Stop(format!(
                    "Location '{}' is not a valid URL ({e})",
                    crate::report::escape::escape_str(&location)
                ))
            }
        };
        if !matches!(target.scheme(), "http" | "https") {
            return Next::Stop(format!(
                "will not follow a redirect to a {}: URL ({target})",
                target.scheme()
            ));
        }
        let hops = visited.len() as u32 - 1;
        if hops >= self.max {
            return Next::Stop(format!(
                "stopped after {} redirects (the limit): {}",
                self.max,
                trail()
            ));
        }
        let (method, keep_body, rule) = rule(resp.status, &spec.method);
        if visited
            .iter()
            .any(|(m, u)| *m == method && *u == target.as_str())
        {
            return Next::Stop(format!("redirect loop: {} → {target}", trail()));
        }
        let mut next = spec.clone();
        next.url = target.to_string();
        next.method = method;
        let mut notes = Vec::new();
        if !keep_body && spec.body.is_some() {
            next.body = None;
            next.headers.retain(|(n, _)| {
                !n.eq_ignore_ascii_case("content-type") && !n.eq_ignore_ascii_case("content-length")
            });
            notes.push("the request body was dropped".into());
        }
        if origin(&base) != origin(&target) {
            let dropped: Vec<String> = next
                .headers
                .iter()
                .filter(|(n, _)| {
                    CREDENTIALS.iter().any(|c| n.eq_ignore_ascii_case(c))
                        || n.eq_ignore_ascii_case("host")
                })
                .map(|(n, _)| n.clone())
                .collect();
            if !dropped.is_empty() {
                next.headers
                    .retain(|(n, _)| !dropped.iter().any(|d| d.eq_ignore_ascii_case(n)));
                notes.push(format!(
                    "{} dropped: the redirect leaves {} for {}",
                    dropped.join(", "),
                    origin(&base),
                    origin(&target)
                ));
            }
        }
        if base.scheme() == "https" && target.scheme() == "http" {
            notes.push(format!(
                "this redirect leaves https for plain http: the request to {target} and its answer travel unencrypted"
            ));
        }
        Next::Follow {
            spec: Box::new(next),
            status: resp.status,
            rule,
            notes,
        }
    }
}

/// scheme://host:port, the unit credentials belong to.
fn origin(u: &url::Url) -> String {
    format!(
        "{}://{}:{}",
        u.scheme(),
        u.host_str().unwrap_or_default(),
        u.port_or_known_default().unwrap_or(0)
    )
}

/// The next method, whether the body goes along, and the rule in words.
fn rule(status: u16, method: &str) -> (String, bool, String) {
    match status {
        303 if method != "HEAD" => (
            "GET".into(),
            false,
            format!("303 See Other: {method} becomes GET without a body"),
        ),
        301 | 302 if method == "POST" => (
            "GET".into(),
            false,
            format!("{status} after POST: becomes GET without the body (as browsers and curl -L do; use 307/308 to keep them)"),
        ),
        307 | 308 => (
            method.to_string(),
            true,
            format!("{status}: method {method} and body kept"),
        ),
        _ => (method.to_string(), true, format!("{status}: method {method} kept")),
    }
}

/// Every `Location` value as the server sent it (the exact bytes the
/// engine kept): bytes that are not ASCII are percent-encoded, as browsers
/// do, rather than followed as the escaped text the header list shows.
fn locations(resp: &crate::wire::Response) -> Vec<String> {
    resp.raw_headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(b"location"))
        .map(|(_, value)| {
            let mut out = String::with_capacity(value.len());
            for &b in value.trim_ascii() {
                if b.is_ascii_graphic() || b == b' ' {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_rfc_9110_and_browsers() {
        assert_eq!(rule(302, "POST").0, "GET");
        assert!(!rule(301, "POST").1);
        assert_eq!(rule(303, "PUT").0, "GET");
        assert_eq!(rule(303, "HEAD").0, "HEAD");
        assert_eq!(
            rule(307, "POST"),
            ("POST".into(), true, "307: method POST and body kept".into())
        );
        assert_eq!(rule(302, "DELETE").0, "DELETE");
    }
}
