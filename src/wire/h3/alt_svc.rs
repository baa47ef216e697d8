//! `Alt-Svc` (RFC 7838) as far as HTTP/3 discovery needs it: an answer
//! over TCP says `h3=":443"; ma=86400`, and the next request to that
//! origin may go over QUIC to that port. Only alternatives on the same
//! host are taken (another host would need its own name checked); `clear`
//! forgets. The session remembers them (`Session`, bounded).

use std::time::Duration;

/// What one `Alt-Svc` value says about HTTP/3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltH3 {
    /// h3 on this UDP port of the same host, for `max_age`.
    Port { port: u16, max_age: Duration },
    /// `clear`: forget every alternative of the origin.
    Clear,
}

/// The first `h3` alternative on the same host in `value`, or `clear`.
pub fn parse(value: &str) -> Option<AltH3> {
    if value.trim().eq_ignore_ascii_case("clear") {
        return Some(AltH3::Clear);
    }
    for alt in crate::explain::text::split_list(value) {
        let mut parts = alt.split(';');
        let Some((proto, authority)) = parts.next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        if proto.trim() != "h3" {
            continue;
        }
        let authority = crate::explain::text::unquote(authority);
        // ":443" is the same host; "other.example:443" is not taken.
        let Some(port) = authority
            .strip_prefix(':')
            .and_then(|p| p.parse::<u16>().ok())
        else {
            continue;
        };
        // 24 hours unless `ma` says otherwise (RFC 7838 §3.1).
        let max_age = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("ma"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
            .map_or(Duration::from_secs(86_400), Duration::from_secs);
        return Some(AltH3::Port { port, max_age });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h3_alternatives_on_the_same_host() {
        assert_eq!(
            parse(r#"h3=":8443"; ma=60, h3-29=":8443""#),
            Some(AltH3::Port {
                port: 8443,
                max_age: Duration::from_secs(60)
            })
        );
        assert_eq!(
            parse(r#"h2="alt.example:443", h3=":443""#),
            Some(AltH3::Port {
                port: 443,
                max_age: Duration::from_secs(86_400)
            })
        );
        assert_eq!(parse(r#"h3="other.example:443""#), None);
        assert_eq!(parse("clear"), Some(AltH3::Clear));
        assert_eq!(parse("h2=\":443\""), None);
    }
}
