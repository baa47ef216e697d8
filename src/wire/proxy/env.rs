//! Which proxy a URL goes through, with curl's rules: `-x` first, else
//! the scheme's variable (`http_proxy` in lowercase only — `HTTP_PROXY`
//! can be set by a CGI request header, the "httpoxy" hole curl closes —
//! `https_proxy`, then `HTTPS_PROXY`), else `all_proxy` / `ALL_PROXY`;
//! then `--noproxy`, or `no_proxy` / `NO_PROXY`, can send the URL direct.
//! The environment is captured as plain data (`ProxyEnv`) by the command
//! line, so the engine itself never reads the process's variables and
//! library callers stay deterministic.

use std::net::IpAddr;

use super::super::error::WireError;
use super::super::warning::Warning;
use super::Proxy;

/// The variables curl reads for proxies, in the order it reads them, and
/// `HTTP_PROXY`, which it does not read, kept to say so.
pub const VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// The proxy variables of an environment (empty values are unset, as
/// curl treats them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    vars: Vec<(&'static str, String)>,
}

impl ProxyEnv {
    /// This process's proxy variables.
    pub fn from_process() -> ProxyEnv {
        ProxyEnv::from_pairs(
            VARS.iter()
                .filter_map(|&k| std::env::var(k).ok().map(|v| (k, v))),
        )
    }

    /// An environment given as pairs (tests, the TUI); names other than
    /// curl's are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> ProxyEnv {
        let mut vars = Vec::new();
        for (k, v) in pairs {
            if let Some(&name) = VARS.iter().find(|n| **n == k) {
                if !v.trim().is_empty() {
                    vars.push((name, v));
                }
            }
        }
        ProxyEnv { vars }
    }

    /// The names of the variables set (their values may hold passwords).
    pub fn names(&self) -> Vec<&'static str> {
        self.vars.iter().map(|(k, _)| *k).collect()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first of `names` that is set, with its name.
    fn first(&self, names: &[&'static str]) -> Option<(&'static str, &str)> {
        names.iter().find_map(|n| self.get(n).map(|v| (*n, v)))
    }

    /// The proxy variable a URL of `scheme` would use, with its name.
    pub fn proxy_for(&self, scheme: &str) -> Option<(&'static str, &str)> {
        let own: &[&'static str] = match scheme {
            "http" => &["http_proxy"],
            "https" => &["https_proxy", "HTTPS_PROXY"],
            _ => &[],
        };
        self.first(own)
            .or_else(|| self.first(&["all_proxy", "ALL_PROXY"]))
    }

    /// `no_proxy`, else `NO_PROXY`, with its name.
    pub fn no_proxy(&self) -> Option<(&'static str, &str)> {
        self.first(&["no_proxy", "NO_PROXY"])
    }
}

/// What the user said about proxies, for the engine to resolve per URL
/// (a redirect to another host may go another way). Its `Debug` masks
/// the passwords: options get printed in diagnostics.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// `-x URL`; `Some("")` is curl's `-x ""`: no proxy at all, whatever
    /// the environment says.
    pub flag: Option<String>,
    /// Where `flag` came from ("flag", "curl -x").
    pub flag_from: String,
    /// `--noproxy LIST` (replaces `NO_PROXY`).
    pub noproxy: Option<String>,
    /// `--proxy-user USER:PASSWORD` (replaces the proxy URL's).
    pub user: Option<String>,
    pub env: ProxyEnv,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxySettings")
            .field("flag", &self.flag.as_deref().map(super::mask_url))
            .field("flag_from", &self.flag_from)
            .field("noproxy", &self.noproxy)
            .field(
                "user",
                &self
                    .user
                    .as_deref()
                    .map(|u| u.split(':').next().unwrap_or_default()),
            )
            .field("env", &self.env.names())
            .finish()
    }
}

/// How a URL is reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub proxy: Option<Proxy>,
    /// What was set but not applied, said in the exchange's warnings.
    pub notes: Vec<Warning>,
}

/// The route for a URL of `scheme` to `host` (no brackets).
pub fn route(scheme: &str, host: &str, s: &ProxySettings) -> Result<Route, WireError> {
    let mut out = Route::default();
    let candidate = match s.flag.as_deref() {
        Some(f) if f.trim().is_empty() => {
            if let Some((var, _)) = s.env.proxy_for(scheme) {
                out.notes.push(Warning::ProxyBypassed {
                    from: format!("env:{var}"),
                    why: "-x \"\" asks for no proxy".into(),
                });
            }
            None
        }
        Some(f) => Some((f.to_string(), flag_from(s))),
        None => s
            .env
            .proxy_for(scheme)
            .map(|(var, v)| (v.to_string(), format!("env:{var}"))),
    };
    // curl's httpoxy rule, said rather than applied in silence.
    if scheme == "http" && s.env.get("HTTP_PROXY").is_some() && s.env.get("http_proxy").is_none() {
        out.notes.push(Warning::ProxyEnvIgnored {
            var: "HTTP_PROXY".into(),
            why: "http URLs read only lowercase http_proxy, as curl does (a CGI request header can set HTTP_PROXY); set http_proxy to use it".into(),
        });
    }
    let Some((text, from)) = candidate else {
        if s.user.is_some() {
            out.notes.push(Warning::ProxyUserUnused);
        }
        return Ok(out);
    };
    let (list, list_from) = match &s.noproxy {
        Some(l) => (Some(l.as_str()), "--noproxy".to_string()),
        None => match s.env.no_proxy() {
            Some((var, v)) => (Some(v), var.to_string()),
            None => (None, String::new()),
        },
    };
    if let Some(entry) = list.and_then(|l| no_proxy_match(host, l)) {
        out.notes.push(Warning::ProxyBypassed {
            from,
            why: format!("{list_from} matches '{host}' (entry '{entry}')"),
        });
        if s.user.is_some() {
            out.notes.push(Warning::ProxyUserUnused);
        }
        return Ok(out);
    }
    let mut proxy = Proxy::parse(&text, &from)?;
    if let Some(u) = &s.user {
        // curl would prompt for a missing password; we never guess one.
        let (user, pass) = u.split_once(':').ok_or_else(|| {
            WireError::new(
                super::super::error::ErrorPhase::Input,
                "--proxy-user takes USER:PASSWORD (curl would prompt for the password)",
            )
        })?;
        proxy.credentials = Some((user.to_string(), pass.to_string()));
    }
    out.proxy = Some(proxy);
    Ok(out)
}

fn flag_from(s: &ProxySettings) -> String {
    match s.flag_from.is_empty() {
        true => "flag".into(),
        false => s.flag_from.clone(),
    }
}

/// The entry of a `NO_PROXY` list that sends `host` direct, as curl
/// matches them: `*` alone matches everything; entries are separated by
/// commas (and blanks); a host entry matches the host itself and its
/// subdomains (a leading dot is the same: `.example.com` and
/// `example.com` both match `a.example.com` and `example.com`), case-
/// insensitively, a trailing dot ignored; an IP host matches an IP entry
/// or a CIDR range (`10.0.0.0/8`, `::1/128`). Ports play no part: the
/// URL's port does not matter, and an entry with a port (`host:8080`)
/// matches nothing, as in curl.
pub fn no_proxy_match(host: &str, list: &str) -> Option<String> {
    let list = list.trim();
    if list == "*" {
        return Some("*".into());
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = host.strip_suffix('.').unwrap_or(host);
    let ip = host.parse::<IpAddr>().ok();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .find(|token| match ip {
            Some(ip) => ip_matches(ip, token),
            None => name_matches(host, token),
        })
        .map(str::to_string)
}

fn name_matches(host: &str, token: &str) -> bool {
    let token = token.strip_prefix('.').unwrap_or(token);
    let token = token.strip_suffix('.').unwrap_or(token);
    if token.is_empty() {
        return false;
    }
    let (h, t) = (host.to_ascii_lowercase(), token.to_ascii_lowercase());
    h == t || h.ends_with(&format!(".{t}"))
}

fn ip_matches(ip: IpAddr, token: &str) -> bool {
    let token = token.trim_start_matches('[');
    let (addr, bits) = match token.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(b) => (a, Some(b)),
            Err(_) => return false,
        },
        None => (token, None),
    };
    let Ok(net) = addr.trim_end_matches(']').parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(&a.octets(), &n.octets(), bits.unwrap_or(32)),
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix_eq(&a.octets(), &n.octets(), bits.unwrap_or(128)),
        _ => false,
    }
}

/// The first `bits` bits of `a` and `b` are equal (`bits` past the
/// length: the whole address).
fn prefix_eq(a: &[u8], b: &[u8], bits: u32) -> bool {
    let bits = (bits as usize).min(a.len() * 8);
    let (whole, rest) = (bits / 8, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[whole] & mask == b[whole] & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ProxyEnv {
        ProxyEnv::from_pairs(pairs.iter().map(|(k, v)| (*k, v.to_string())))
    }

    #[test]
    fn uppercase_http_proxy_is_not_read() {
        let e = env(&[("HTTP_PROXY", "http://p:1")]);
        assert_eq!(e.proxy_for("http"), None);
        let s = ProxySettings {
            env: e.clone(),
            ..Default::default()
        };
        let r = route("http", "h", &s).unwrap();
        assert!(r.proxy.is_none());
        assert!(
            matches!(&r.notes[..], [Warning::ProxyEnvIgnored { var, .. }] if var == "HTTP_PROXY")
        );
        assert!(route("https", "h", &s).unwrap().notes.is_empty());
        let e = env(&[("http_proxy", "http://p:1"), ("HTTPS_PROXY", "http://q:2")]);
        assert_eq!(e.proxy_for("http"), Some(("http_proxy", "http://p:1")));
        assert_eq!(e.proxy_for("https"), Some(("HTTPS_PROXY", "http://q:2")));
        let e = env(&[("https_proxy", "a"), ("HTTPS_PROXY", "b")]);
        assert_eq!(e.proxy_for("https"), Some(("https_proxy", "a")));
        let e = env(&[("ALL_PROXY", "socks5://s:1")]);
        assert_eq!(e.proxy_for("http"), Some(("ALL_PROXY", "socks5://s:1")));
        let e = env(&[("all_proxy", "x"), ("ALL_PROXY", "y"), ("http_proxy", "")]);
        assert_eq!(e.proxy_for("http"), Some(("all_proxy", "x")));
    }

    #[test]
    fn no_proxy_matches_as_curl_does() {
        let m = |h: &str, l: &str| no_proxy_match(h, l);
        assert_eq!(m("anything", " * ").as_deref(), Some("*"));
        assert_eq!(
            m("a.example.com", "x.org, example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            m("example.com", ".example.com").as_deref(),
            Some(".example.com")
        );
        assert_eq!(
            m("A.Example.COM.", "example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(m("badexample.com", "example.com"), None);
        assert_eq!(m("example.com", "a.example.com"), None);
        assert_eq!(m("localhost", "localhost:8080"), None);
        assert_eq!(
            m("127.0.0.1", "localhost 127.0.0.1").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(m("10.1.2.3", "10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(m("11.1.2.3", "10.0.0.0/8"), None);
        assert_eq!(m("::1", "[::1]").as_deref(), Some("[::1]"));
        assert_eq!(m("[fe80::1]", "fe80::/10").as_deref(), Some("fe80::/10"));
        assert_eq!(m("127.0.0.1", "127.0.0"), None);
        assert_eq!(m("h", ""), None);
    }

    #[test]
    fn routes_say_what_they_did_not_apply() {
        let s = ProxySettings {
            env: env(&[
                ("HTTPS_PROXY", "http://p:3128"),
                ("NO_PROXY", "internal.test"),
            ]),
            ..Default::default()
        };
        let r = route("https", "api.internal.test", &s).unwrap();
        assert_eq!(r.proxy, None);
        assert!(
            matches!(&r.notes[..], [Warning::ProxyBypassed { from, .. }] if from == "env:HTTPS_PROXY")
        );
        let r = route("https", "example.org", &s).unwrap();
        assert_eq!(
            r.proxy.as_ref().map(|p| p.from.as_str()),
            Some("env:HTTPS_PROXY")
        );
        // -x wins over the environment; NO_PROXY still applies to it.
        let s = ProxySettings {
            flag: Some("socks5h://s:1080".into()),
            user: Some("u:pw".into()),
            ..s
        };
        let r = route("http", "example.org", &s).unwrap();
        let p = r.proxy.unwrap();
        assert_eq!(
            (p.from.as_str(), p.credentials),
            ("flag", Some(("u".into(), "pw".into())))
        );
        assert!(route("http", "internal.test", &s).unwrap().proxy.is_none());
        let bad = ProxySettings {
            user: Some("bob".into()),
            ..s.clone()
        };
        assert!(route("http", "example.org", &bad).is_err());
        let shown = format!(
            "{:?}",
            ProxySettings {
                flag: Some("http://u:pw@p:1".into()),
                ..s.clone()
            }
        );
        assert!(!shown.contains("pw"), "{shown}");
        let off = ProxySettings {
            flag: Some(String::new()),
            ..s
        };
        let r = route("https", "example.org", &off).unwrap();
        assert!(r.proxy.is_none() && !r.notes.is_empty());
    }

    proptest::proptest! {
        /// Any host against any list: an answer, never a panic; `*`
        /// always matches; a host always matches itself.
        #[test]
        fn no_proxy_never_panics(host in "[a-z0-9.:\\[\\]/*-]{0,24}", list in "[a-z0-9.:, \\[\\]/*-]{0,48}") {
            let _ = no_proxy_match(&host, &list);
            proptest::prop_assert!(no_proxy_match(&host, "*").is_some());
            let plain = host.trim_matches(|c| c == '[' || c == ']' || c == '.');
            if !plain.is_empty() && !plain.contains(['/', ',', ' ', '[', ']']) && !plain.starts_with('.') {
                proptest::prop_assert!(no_proxy_match(plain, plain).is_some(), "{} vs itself", plain);
            }
        }
    }
}
