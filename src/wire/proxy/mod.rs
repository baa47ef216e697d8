//! Proxies as curl does them: which proxy a URL goes through (`-x`, the
//! environment, `--noproxy` / `NO_PROXY`), and how the connection is made
//! through it. An HTTP(S) proxy either forwards plain-http HTTP/1.1
//! requests in absolute-form or opens a CONNECT tunnel (https, HTTP/2,
//! raw mode); a SOCKS5 proxy always tunnels. The proxy's own bytes (the
//! CONNECT and its answer, the SOCKS handshake) are recorded apart from
//! the exchange's transcript and timed as the "tunnel" phase.
//!
//! Files: `env` (the settings and the environment, resolved per URL),
//! `connect` (the HTTP CONNECT handshake), `socks5` (the SOCKS5
//! handshake), `dial` (connecting through a proxy), `prefixed` (bytes read
//! past the CONNECT answer, handed back to the tunnel's reader).

mod connect;
mod dial;
mod env;
mod prefixed;
mod socks5;

use base64::Engine as _;

use super::error::{ErrorPhase, WireError};

pub use dial::{dial_via, Via};
pub use env::{no_proxy_match, route, ProxyEnv, ProxySettings, Route};
pub use socks5::reply_words as socks5_reply_words;

/// A proxy's kind, from its URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyKind {
    /// `http://`: CONNECT or absolute-form over plain TCP.
    Http,
    /// `https://`: the same over TLS to the proxy.
    Https,
    /// `socks5://`: the origin's name is resolved here, the proxy gets
    /// an IP address.
    Socks5,
    /// `socks5h://`: the proxy resolves the origin's name.
    Socks5h,
}

impl ProxyKind {
    /// The scheme, as JSON and reports name the kind.
    pub fn name(self) -> &'static str {
        match self {
            ProxyKind::Http => "http",
            ProxyKind::Https => "https",
            ProxyKind::Socks5 => "socks5",
            ProxyKind::Socks5h => "socks5h",
        }
    }

    /// An HTTP(S) proxy (which can forward plain http in absolute-form).
    pub fn is_http(self) -> bool {
        matches!(self, ProxyKind::Http | ProxyKind::Https)
    }
}

/// A proxy to go through, parsed and with its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Proxy {
    pub kind: ProxyKind,
    /// Host without IPv6 brackets.
    pub host: String,
    pub port: u16,
    /// User and password, percent-decoded (`--proxy-user` wins over the
    /// URL's).
    pub credentials: Option<(String, String)>,
    /// Where it came from: "flag", "curl -x", "env:HTTPS_PROXY", ...
    pub from: String,
}

impl Proxy {
    /// Parses a proxy URL as curl does: no scheme means http://, the
    /// default port is 1080 (443 for https://). Schemes we cannot speak
    /// are an error, never a silent direct connection.
    pub fn parse(text: &str, from: &str) -> Result<Proxy, WireError> {
        let input = |m: String| WireError::new(ErrorPhase::Input, m);
        let text = text.trim();
        let with_scheme = match text.contains("://") {
            true => text.to_string(),
            false => format!("http://{text}"),
        };
        let url = url::Url::parse(&with_scheme).map_err(|e| {
            input(format!(
                "proxy '{}' ({from}) is not a URL: {e}",
                mask_url(text)
            ))
        })?;
        let kind = match url.scheme() {
            "http" => ProxyKind::Http,
            "https" => ProxyKind::Https,
            "socks5" => ProxyKind::Socks5,
            "socks5h" => ProxyKind::Socks5h,
            other => {
                return Err(input(format!(
                    "proxy scheme '{other}://' ({from}) is not supported: use http://, https://, socks5:// or socks5h://"
                )))
            }
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => {
                return Err(input(format!(
                    "proxy '{}' ({from}) has no host",
                    mask_url(text)
                )))
            }
        };
        let port = url.port().unwrap_or(match kind {
            ProxyKind::Https => 443,
            _ => 1080,
        });
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (u, p) => Some((decode(u), p.map(decode).unwrap_or_default())),
        };
        Ok(Proxy {
            kind,
            host,
            port,
            credentials,
            from: from.to_string(),
        })
    }

    /// The proxy's URL for reports: the password masked.
    pub fn display_url(&self) -> String {
        let host = match self.host.contains(':') {
            true => format!("[{}]", self.host),
            false => self.host.clone(),
        };
        let user = match &self.credentials {
            Some((u, _)) => format!("{}:{}@", pct(u), MASK),
            None => String::new(),
        };
        format!("{}://{user}{host}:{}", self.kind.name(), self.port)
    }

    /// `host:port` for messages and CONNECT (IPv6 bracketed).
    pub fn authority(&self) -> String {
        authority(&self.host, self.port)
    }

    /// The `Proxy-Authorization` value for an HTTP(S) proxy with
    /// credentials (Basic, as curl sends by default).
    pub fn authorization(&self) -> Option<String> {
        let (u, p) = self.credentials.as_ref()?;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        Some(format!("Basic {token}"))
    }

    /// Identity for the connection pool: two exchanges share a connection
    /// only through the same proxy with the same credentials.
    pub fn pool_id(&self) -> String {
        let creds = self
            .credentials
            .as_ref()
            .map(|(u, p)| format!("{u}\0{p}"))
            .unwrap_or_default();
        format!("{}://{}\0{creds}", self.kind.name(), self.authority())
    }
}

/// What masked credentials look like in a proxy URL.
const MASK: &str = "****";

fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `host:port`, IPv6 bracketed.
pub fn authority(host: &str, port: u16) -> String {
    match host.contains(':') {
        true => format!("[{host}]:{port}"),
        false => format!("{host}:{port}"),
    }
}

/// A proxy URL as typed, its password masked (for error messages about
/// a URL that did not parse far enough to be a `Proxy`).
pub fn mask_url(text: &str) -> String {
    let (scheme, rest) = text.split_once("://").unwrap_or(("", text));
    let prefix = match scheme.is_empty() {
        true => String::new(),
        false => format!("{scheme}://"),
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{prefix}{user}:{MASK}@{host}")
        }
        None => text.to_string(),
    }
}

/// How an exchange's connection went through a proxy: what JSON calls
/// `connection.proxy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUsed {
    /// The proxy URL, credentials masked.
    pub url: String,
    pub kind: ProxyKind,
    /// "flag", "env:HTTPS_PROXY", ...
    pub from: String,
    /// `None`: plain http forwarded in absolute-form (no tunnel).
    pub connect: Option<TunnelRecord>,
}

/// The proxy's own bytes, as they crossed to and from it (above TLS for
/// an https:// proxy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TunnelRecord {
    pub sent: Vec<u8>,
    pub received: Vec<u8>,
    /// The status of the proxy's answer to CONNECT (HTTP proxies).
    pub status: Option<u16>,
    /// The SOCKS5 reply code (0 = succeeded) for SOCKS proxies.
    pub socks_reply: Option<u8>,
}

/// How a plain-http request goes to an HTTP proxy that forwards it: in
/// absolute-form, with this `Proxy-Authorization` when credentials were
/// given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub authorization: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_parse_as_curl_reads_them() {
        let p = Proxy::parse("proxy.test", "flag").unwrap();
        assert_eq!(
            (p.kind, p.host.as_str(), p.port),
            (ProxyKind::Http, "proxy.test", 1080)
        );
        let p = Proxy::parse("https://u%40x:p%3Aw@[::1]", "flag").unwrap();
        assert_eq!((p.kind, p.port), (ProxyKind::Https, 443));
        assert_eq!(p.credentials, Some(("u@x".into(), "p:w".into())));
        assert_eq!(p.display_url(), "https://u%40x:****@[::1]:443");
        assert_eq!(
            Proxy::parse("socks5h://h:9", "f").unwrap().kind,
            ProxyKind::Socks5h
        );
        let e = Proxy::parse("socks4://h:9", "env:ALL_PROXY").unwrap_err();
        assert_eq!(e.phase, ErrorPhase::Input);
        assert!(e.message.contains("socks4://") && e.message.contains("env:ALL_PROXY"));
    }

    #[test]
    fn masked_urls_hide_the_password() {
        assert_eq!(mask_url("http://u:secret@h:1"), "http://u:****@h:1");
        assert_eq!(mask_url("u:secret@h"), "u:****@h");
        assert_eq!(mask_url("http://h:1"), "http://h:1");
    }
}
