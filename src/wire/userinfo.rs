//! Credentials in a URL (`http://user:pass@host/`), applied as curl does:
//! sent as `Authorization: Basic base64(user:pass)` unless the request
//! already has an Authorization header, and taken out of the URL itself so
//! they never reach a request target, `:authority` or a log. Said in the
//! exchange's warnings either way: nothing about them is silent.

use base64::Engine as _;

use super::spec::RequestSpec;
use super::warning::Warning;

/// `spec` with the URL's credentials moved into a header, and what to say
/// about it; `None` when the URL has none.
pub fn apply(spec: &RequestSpec) -> Option<(RequestSpec, Warning)> {
    let mut url = url::Url::parse(&spec.url).ok()?;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let user = decode(url.username());
    let pass = url.password().map(decode).unwrap_or_default();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let mut out = spec.clone();
    out.url = url.to_string();
    let has_auth = spec
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    if has_auth {
        return Some((out, Warning::UrlCredentialsUnused { user }));
    }
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    out.headers
        .push(("Authorization".into(), format!("Basic {token}")));
    Some((out, Warning::UrlCredentialsSent { user }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_move_from_the_url_to_a_header() {
        let spec = RequestSpec::get("http://us%40er:p%3Ass@h.test:8080/x?q=1");
        let (out, w) = apply(&spec).unwrap();
        assert_eq!(out.url, "http://h.test:8080/x?q=1");
        let auth = &out.headers.last().unwrap().1;
        let token = base64::engine::general_purpose::STANDARD.encode("us@er:p:ss");
        assert_eq!(auth, &format!("Basic {token}"));
        assert_eq!(
            w,
            Warning::UrlCredentialsSent {
                user: "us@er".into()
            }
        );
        assert!(apply(&RequestSpec::get("http://h.test/")).is_none());
        let mut given = RequestSpec::get("http://u:p@h.test/");
        given
            .headers
            .push(("Authorization".into(), "Bearer t".into()));
        let (out, w) = apply(&given).unwrap();
        assert_eq!(out.headers.len(), 1);
        assert!(matches!(w, Warning::UrlCredentialsUnused { .. }));
    }
}
