//! Request helpers that only add what a user could have typed: Basic and
//! Bearer `Authorization`, an API key in a header or the query, and a
//! fresh `X-Request-ID`. Everything they add is visible in the wire bytes.

use base64::Engine as _;

use super::RequestArgs;

/// Headers to add, and query pairs to append to each URL.
pub struct Helpers {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    /// Add a fresh `X-Request-ID` per request.
    pub request_id: bool,
}

pub fn from_args(args: &RequestArgs) -> Result<Helpers, String> {
    let mut headers = Vec::new();
    if let Some(user) = &args.user {
        if !user.contains(':') {
            return Err("--user takes USER:PASSWORD".into());
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(user.as_bytes());
        headers.push(("Authorization".to_string(), format!("Basic {encoded}")));
    }
    if let Some(token) = &args.bearer {
        headers.push(("Authorization".to_string(), format!("Bearer {token}")));
    }
    let pair = |flag: &str, s: &str| {
        s.split_once('=')
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("{flag} takes NAME=VALUE"))
    };
    if let Some(k) = &args.api_key {
        headers.push(pair("--api-key", k)?);
    }
    let query = match &args.api_key_query {
        Some(k) => vec![pair("--api-key-query", k)?],
        None => Vec::new(),
    };
    Ok(Helpers {
        headers,
        query,
        request_id: args.request_id,
    })
}

/// `url` with the pairs appended to its query (percent-encoded).
pub fn with_query(url: &str, pairs: &[(String, String)]) -> String {
    match (pairs.is_empty(), url::Url::parse(url)) {
        (false, Ok(mut u)) => {
            u.query_pairs_mut().extend_pairs(pairs);
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        // No system randomness: time-based bytes still make ids distinct.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b = nanos.to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_and_distinct() {
        let (a, b) = (uuid_v4(), uuid_v4());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn query_pairs_are_encoded() {
        let u = with_query("http://x/p?a=1", &[("api key".into(), "v&w".into())]);
        assert_eq!(u, "http://x/p?a=1&api+key=v%26w");
    }
}
