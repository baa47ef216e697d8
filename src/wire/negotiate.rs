//! Which HTTP version to speak, and the reason in words: what ALPN offers
//! for each `HttpVersion` choice, and what the server's pick (or prior
//! knowledge) means.

use super::dial::Origin;
use super::error::{ErrorPhase, WireError};
use super::spec::HttpVersion;

/// The ALPN protocols to offer.
pub(super) fn offer(http: HttpVersion, h2_allowed: bool) -> &'static [&'static [u8]] {
    match (http, h2_allowed) {
        (HttpVersion::Http1, _) | (_, false) => &[b"http/1.1"],
        (HttpVersion::Auto, true) => &[b"h2", b"http/1.1"],
        _ => &[b"h2"],
    }
}

/// Whether to speak HTTP/2 on a freshly dialed connection, and why; an
/// error when HTTP/2 was required and refused.
pub(super) fn outcome(
    origin: &Origin,
    http: HttpVersion,
    offered: &[&[u8]],
    chosen: Option<&str>,
    h1_allowed: bool,
) -> Result<(bool, String), WireError> {
    let use_h2 = match origin.tls {
        true => chosen == Some("h2"),
        false => http == HttpVersion::Http2PriorKnowledge,
    };
    let offered = offered
        .iter()
        .map(|p| String::from_utf8_lossy(p))
        .collect::<Vec<_>>()
        .join(", ");
    let why = match (origin.tls, chosen) {
        (false, _) if use_h2 => {
            "prior knowledge: h2 from the first byte over plain TCP (h2c)".to_string()
        }
        (false, _) => {
            "plain http speaks HTTP/1.1 (for h2c use --http2-prior-knowledge)".to_string()
        }
        (true, Some(p)) => format!("ALPN: offered {offered}; the server chose {p}"),
        (true, None) => format!("ALPN: offered {offered}; the server chose none, so HTTP/1.1"),
    };
    if origin.tls && !h1_allowed && !use_h2 {
        return Err(WireError::new(
            ErrorPhase::Tls,
            format!("the server refused HTTP/2 ({why}); try without --http2"),
        ));
    }
    Ok((use_h2, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(tls: bool) -> Origin {
        Origin {
            tls,
            host: "h".into(),
            port: 1,
        }
    }

    #[test]
    fn offers_and_outcomes() {
        assert_eq!(offer(HttpVersion::Auto, true), &[&b"h2"[..], b"http/1.1"]);
        assert_eq!(offer(HttpVersion::Http2, false), &[&b"http/1.1"[..]]);
        let (h2, why) = outcome(
            &origin(true),
            HttpVersion::Auto,
            offer(HttpVersion::Auto, true),
            Some("h2"),
            true,
        )
        .unwrap();
        assert!(h2 && why.contains("the server chose h2"));
        let (h2, _) = outcome(
            &origin(false),
            HttpVersion::Http2PriorKnowledge,
            &[],
            None,
            false,
        )
        .unwrap();
        assert!(h2);
        let e = outcome(
            &origin(true),
            HttpVersion::Http2,
            &[b"h2"],
            Some("http/1.1"),
            false,
        )
        .unwrap_err();
        assert!(e.message.contains("refused HTTP/2"));
    }
}
