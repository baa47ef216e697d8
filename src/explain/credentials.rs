//! Readings of headers that carry credentials: Authorization,
//! Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate (cookies are
//! in `cookies.rs`).
//!
//! The rule here: a secret never appears in the output. Passwords, raw base64 and whole tokens are hidden; at most a token's last four
//! characters are shown so two tokens can be told apart on screen, and only
//! when the token is long enough that four characters give nothing away.

use super::dates;
use super::text::{clean, is_token, join_capped, name_value, split_list, unquote};
use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Schemes we name even when no credential follows (a bare `Bearer`).
const KNOWN_SCHEMES: &[&str] = &[
    "Basic",
    "Bearer",
    "Digest",
    "Negotiate",
    "NTLM",
    "HOBA",
    "Mutual",
    "SCRAM-SHA-256",
    "AWS4-HMAC-SHA256",
    "Token",
    "ApiKey",
    "DPoP",
    "PrivateToken",
];

/// Shortest token whose last four characters we are willing to show.
const TAIL_MIN_LEN: usize = 16;

/// Basic credentials are often sent without padding; accept both.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Authorization / Proxy-Authorization: the scheme and who, never the secret.
pub(crate) fn authorization(value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return "empty: no credentials at all".into();
    }
    let Some((scheme, cred)) = value.split_once(char::is_whitespace) else {
        // A single word is either a bare scheme or, more often, a pasted
        // token with the scheme forgotten; only a known scheme is echoed.
        return match KNOWN_SCHEMES.iter().find(|s| s.eq_ignore_ascii_case(value)) {
            Some(s) => format!("{s} scheme with no credentials after it"),
            None => format!(
                "no scheme: a bare credential ({} chars, hidden); servers expect e.g. 'Bearer <token>'",
                value.chars().count()
            ),
        };
    };
    let cred = cred.trim();
    if !is_token(scheme) || scheme.len() > 40 {
        return format!(
            "malformed: no valid scheme name (value hidden, {} chars)",
            value.chars().count()
        );
    }
    if scheme.eq_ignore_ascii_case("basic") {
        return basic(cred);
    }
    if scheme.eq_ignore_ascii_case("bearer") {
        return bearer(cred);
    }
    if scheme.eq_ignore_ascii_case("digest") {
        let user = split_list(cred)
            .into_iter()
            .map(name_value)
            .find(|(n, _)| n == "username")
            .and_then(|(_, v)| v.map(unquote));
        return match user {
            Some(u) => format!(
                "Digest credentials (user '{}', response hidden)",
                clean(&u, 40)
            ),
            None => "Digest credentials (no username; response hidden)".into(),
        };
    }
    // An unknown first word might itself be a pasted secret, so it is only
    // echoed when it looks like a scheme name: short and made of letters.
    let looks_like_scheme =
        scheme.len() <= 20 && scheme.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
    let known = KNOWN_SCHEMES
        .iter()
        .find(|s| s.eq_ignore_ascii_case(scheme));
    let shown = match known {
        Some(k) => k.to_string(),
        None if looks_like_scheme => scheme.to_string(),
        None => "unrecognised scheme".to_string(),
    };
    let n = cred.chars().count();
    format!("{shown} credentials (hidden, {n} chars)")
}

fn basic(cred: &str) -> String {
    const NOTE: &str = "base64 is an encoding, not encryption";
    let decoded = match LENIENT_B64.decode(cred) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return format!("Basic credentials, but not valid base64 (hidden) — {NOTE}"),
    };
    match decoded.split_once(':') {
        Some((user, "")) => {
            format!(
                "Basic credentials (user '{}', empty password) — {NOTE}",
                clean(user, 40)
            )
        }
        Some((user, _password)) => {
            format!(
                "Basic credentials (user '{}', password hidden) — {NOTE}",
                clean(user, 40)
            )
        }
        None => format!("Basic credentials without the 'user:password' colon (hidden) — {NOTE}"),
    }
}

fn bearer(token: &str) -> String {
    let len = token.chars().count();
    if len == 0 {
        return "Bearer scheme with no token after it".into();
    }
    let tail = if len >= TAIL_MIN_LEN {
        let tail: String = token.chars().skip(len - 4).collect();
        format!("…{}", clean(&tail, 4))
    } else {
        "hidden".into()
    };
    match jwt_summary(token) {
        Some(jwt) => format!("Bearer JWT ({jwt}, {tail}, {len} chars)"),
        None => format!("Bearer token ({tail}, {len} chars)"),
    }
}

/// A JWT's header and `exp`/`iat` claims are base64url JSON anyone holding the
/// token can read, so naming them reveals nothing; it often explains a 401.
fn jwt_summary(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    let decode = |s: &str| -> Option<serde_json::Value> {
        let bytes = general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let header = decode(header)?;
    let mut facts = vec![format!(
        "alg {}",
        clean(
            header.get("alg").and_then(|a| a.as_str()).unwrap_or("?"),
            16
        )
    )];
    if let Some(claims) = decode(payload) {
        for (claim, label) in [("exp", "expires"), ("iat", "issued")] {
            if let Some(t) = claims.get(claim).and_then(|v| v.as_i64()) {
                facts.push(format!("{label} {}", dates::format_utc(t)));
            }
        }
    }
    Some(facts.join(", "))
}

/// One auth challenge from WWW-Authenticate / Proxy-Authenticate.
struct Challenge {
    scheme: String,
    params: Vec<String>,
}

/// WWW-Authenticate / Proxy-Authenticate. Commas separate both challenges and
/// their parameters, so an element that starts with `scheme SP` opens a new one.
pub(crate) fn challenges(value: &str) -> String {
    let mut list: Vec<Challenge> = Vec::new();
    for item in split_list(value) {
        let (head, rest) = match item.split_once(char::is_whitespace) {
            Some((h, r)) if !h.contains('=') && !r.trim_start().starts_with('=') => {
                (Some(h), r.trim())
            }
            None if !item.contains('=') => (Some(item), ""),
            _ => (None, item),
        };
        if let Some(scheme) = head {
            list.push(Challenge {
                scheme: clean(scheme, 30),
                params: Vec::new(),
            });
        }
        if rest.is_empty() {
            continue;
        }
        let param = describe_param(rest);
        match list.last_mut() {
            Some(c) => c.params.push(param),
            None => list.push(Challenge {
                scheme: "(no scheme)".into(),
                params: vec![param],
            }),
        }
    }
    if list.is_empty() {
        return "empty: no challenge, so the client can't tell how to authenticate".into();
    }
    let parts = list
        .into_iter()
        .map(|c| match c.params.is_empty() {
            true => c.scheme,
            false => format!("{} ({})", c.scheme, c.params.join(", ")),
        })
        .collect();
    format!("authenticate with: {}", join_capped(parts, "; "))
}

fn describe_param(param: &str) -> String {
    let (name, v) = name_value(param);
    let v = v.map(unquote).unwrap_or_default();
    let why = match (name.as_str(), v.as_str()) {
        ("error", "invalid_token") => " (token expired, revoked or malformed: get a new one)",
        ("error", "insufficient_scope") => " (the token lacks a scope this needs)",
        ("error", "invalid_request") => " (the request's credentials are malformed)",
        _ => "",
    };
    if name.is_empty() || v.is_empty() {
        return clean(param, 40);
    }
    format!("{}={}{why}", clean(&name, 30), clean(&v, 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn basic_shows_user_hides_password() {
        let encoded = b64("alice:s3cr3t-pw");
        let r = authorization(&format!("Basic {encoded}"));
        assert_eq!(
            r,
            "Basic credentials (user 'alice', password hidden) — base64 is an encoding, not encryption"
        );
        assert!(!r.contains("s3cr3t") && !r.contains(&encoded));
        // Unpadded base64 still decodes; an empty password is called out.
        let r = authorization(&format!("basic {}", b64("bob:").trim_end_matches('=')));
        assert!(r.contains("user 'bob', empty password"), "{r}");
        let r = authorization("Basic !!notbase64!!");
        assert!(r.contains("not valid base64") && !r.contains("notbase64"));
        let r = authorization(&format!("Basic {}", b64("justatoken")));
        assert!(r.contains("without the 'user:password' colon") && !r.contains("justatoken"));
    }

    #[test]
    fn bearer_shows_only_a_tail() {
        let token = "abcdefghijklmnopqrstuvwxyz0123456789WXYZ";
        let r = authorization(&format!("Bearer {token}"));
        assert_eq!(r, "Bearer token (…WXYZ, 40 chars)");
        assert!(!r.contains(&token[..36]));
        // Short tokens: four characters would be a big part of the secret.
        let r = authorization("Bearer short123");
        assert_eq!(r, "Bearer token (hidden, 8 chars)");
        assert!(!r.contains("short") && !r.contains("t123"));
        assert_eq!(
            authorization("Bearer"),
            "Bearer scheme with no credentials after it"
        );
    }

    #[test]
    fn bearer_jwt_names_public_claims_only() {
        let enc = |s: &str| general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = format!(
            "{}.{}.{}",
            enc(r#"{"alg":"HS256","typ":"JWT"}"#),
            enc(r#"{"sub":"user-42","exp":1700000000}"#),
            "c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
        );
        let r = authorization(&format!("Bearer {jwt}"));
        assert!(
            r.starts_with("Bearer JWT (alg HS256, expires 2023-11-14"),
            "{r}"
        );
        assert!(!r.contains(&jwt) && !r.contains("user-42") && !r.contains("c2lnbmF0"));
    }

    #[test]
    fn other_schemes_and_bare_tokens_are_hidden() {
        let r = authorization(r#"Digest username="carol", realm="x", response="deadbeefcafe""#);
        assert_eq!(r, "Digest credentials (user 'carol', response hidden)");
        let r = authorization("Token supersecretvalue");
        assert_eq!(r, "Token credentials (hidden, 16 chars)");
        let r = authorization("supersecretvalue");
        assert!(r.starts_with("no scheme") && !r.contains("supersecret"));
        assert_eq!(authorization(""), "empty: no credentials at all");
        let r = authorization("ghp_0123456789abcdefXYZ more");
        assert_eq!(r, "unrecognised scheme credentials (hidden, 4 chars)");
        assert_eq!(
            authorization("aws4-hmac-sha256 Credential=AKIA/x, Signature=ff")
                .split(' ')
                .next(),
            Some("AWS4-HMAC-SHA256")
        );
        let r = authorization("\u{1b}[31m secret");
        assert!(r.starts_with("malformed") && !r.contains("secret"));
    }

    #[test]
    fn www_authenticate_challenges() {
        assert_eq!(
            challenges(r#"Basic realm="api", charset="UTF-8""#),
            "authenticate with: Basic (realm=api, charset=UTF-8)"
        );
        let r = challenges(r#"Bearer realm="x", error="invalid_token", Basic realm="y, z""#);
        assert!(
            r.contains("Bearer (realm=x, error=invalid_token (token expired"),
            "{r}"
        );
        assert!(r.contains("; Basic (realm=y, z)"), "{r}");
        assert_eq!(challenges("Negotiate"), "authenticate with: Negotiate");
        assert!(challenges("").starts_with("empty"));
        assert!(challenges("realm=x").contains("(no scheme) (realm=x)"));
        assert_eq!(
            challenges(r#"Basic realm = "a b", charset = "UTF-8""#),
            "authenticate with: Basic (realm=a b, charset=UTF-8)"
        );
    }
}
