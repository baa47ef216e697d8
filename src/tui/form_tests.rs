//! The request form: timeouts, the spec it makes, methods, options.

use super::*;

#[test]
fn timeouts_parse() {
    assert_eq!(parse_timeout("10"), Ok(Duration::from_secs(10)));
    assert_eq!(parse_timeout(" 250ms"), Ok(Duration::from_millis(250)));
    assert_eq!(parse_timeout("1.5 s"), Ok(Duration::from_millis(1500)));
    assert!(parse_timeout("0").is_err());
    assert!(parse_timeout("soon").is_err());
    assert!(parse_timeout("1e9").is_err());
}

#[test]
fn spec_leaves_out_disabled_headers_and_empty_body() {
    let mut f = RequestForm::new("http://x/", Options::default());
    let spec = f.spec().unwrap();
    assert_eq!(
        spec.headers,
        vec![("Accept".into(), "application/json".into())]
    );
    assert_eq!(spec.body, None);
    f.body.insert_str("{\n}");
    assert_eq!(f.spec().unwrap().body, Some(b"{\n}".to_vec()));
    f.url.clear();
    assert!(f.spec().is_err());
}

#[test]
fn options_toggle_cycle_and_parse() {
    let mut f = RequestForm::new("http://x/", Options::default());
    let mut seen = Vec::new();
    for _ in 0..5 {
        f.toggle(Field::Http);
        seen.push(f.options.http);
    }
    assert_eq!(
        seen,
        [
            HttpVersion::Http1,
            HttpVersion::Http2,
            HttpVersion::Http2PriorKnowledge,
            HttpVersion::Http3,
            HttpVersion::Auto
        ]
    );
    assert!(!f.is_flow());
    f.toggle(Field::Redirects);
    assert!(f.is_flow() && f.spec().unwrap().options.redirects.follow);
    assert_eq!(f.spec().unwrap().options.redirects.max, 10);
    f.toggle(Field::Redirects);
    assert!(f.set_field_text(Field::Retries, "3").is_ok());
    assert!(f.is_flow());
    assert!(f.set_field_text(Field::Retries, "0").is_err());
    assert!(f.set_field_text(Field::Parallel, "17").is_err());
    assert!(f.set_field_text(Field::Parallel, " 4 ").is_ok());
    assert_eq!(f.parallel, 4);
    f.toggle(Field::Cookies);
    assert_eq!(f.spec().unwrap().options.cookies, CookieJar::On);
    f.toggle(Field::RetryUnsafe);
    assert!(f.spec().unwrap().options.retry.non_idempotent);
    assert!(RequestForm::is_toggle(Field::Http) && !RequestForm::is_toggle(Field::Retries));
    // Max redirects and the retry backoff are rows of their own.
    assert!(f.set_field_text(Field::MaxRedirects, "0").is_err());
    assert!(f.set_field_text(Field::MaxRedirects, "3").is_ok());
    assert_eq!(f.spec().unwrap().options.redirects.max, 3);
    assert_eq!(f.field_text(Field::MaxRedirects), "3");
    assert!(f.set_field_text(Field::Rate, "fast").is_err());
    assert!(f.set_field_text(Field::Rate, "4/s").is_ok());
    assert_eq!(
        f.spec().unwrap().options.rate.map(|r| r.words()),
        Some("4/s".into())
    );
    assert!(f.set_field_text(Field::Rate, "off").is_ok());
    assert_eq!(f.spec().unwrap().options.rate, None);
    assert!(f.set_field_text(Field::RetryBackoff, "soon").is_err());
    assert!(f.set_field_text(Field::RetryBackoff, "250ms").is_ok());
    assert_eq!(
        f.spec().unwrap().options.retry.backoff,
        std::time::Duration::from_millis(250)
    );
}

#[test]
fn methods_cycle_through_the_table() {
    let mut f = RequestForm::new("http://x/", Options::default());
    let mut seen = vec![f.method.clone()];
    for _ in 0..METHODS.len() {
        f.cycle_method();
        seen.push(f.method.clone());
    }
    assert_eq!(seen.first(), seen.last());
    f.method = "PURGE".into();
    f.cycle_method();
    assert_eq!(f.method, "GET");
}

#[test]
fn the_proxy_row_takes_a_url_none_or_nothing() {
    let mut f = RequestForm::new("https://x/", Options::default());
    assert!(f
        .set_field_text(Field::Proxy, "socks4://p:1")
        .unwrap_err()
        .contains("socks4://"));
    f.set_field_text(Field::Proxy, "http://u:pw@p:3128")
        .unwrap();
    assert_eq!(f.options.proxy.flag.as_deref(), Some("http://u:pw@p:3128"));
    assert_eq!(f.options.proxy.flag_from, "Options");
    f.set_field_text(Field::Proxy, "none").unwrap();
    assert_eq!(f.options.proxy.flag.as_deref(), Some(""));
    assert_eq!(f.field_text(Field::Proxy), "none");
    f.set_field_text(Field::Proxy, " ").unwrap();
    assert_eq!(f.options.proxy.flag, None, "empty: the environment's again");
}

#[test]
fn the_client_cert_row_takes_a_file_or_a_file_and_its_key() {
    let mut f = RequestForm::new("https://x/", Options::default());
    f.set_field_text(Field::ClientCert, " me.pem ").unwrap();
    assert_eq!(
        f.options.tls.client_cert.as_deref(),
        Some(std::path::Path::new("me.pem"))
    );
    assert_eq!(f.options.tls.client_key, None);
    f.set_field_text(Field::ClientCert, "me.pem, me.key")
        .unwrap();
    assert_eq!(
        f.options.tls.client_key.as_deref(),
        Some(std::path::Path::new("me.key"))
    );
    assert_eq!(f.field_text(Field::ClientCert), "me.pem, me.key");
    assert!(f.set_field_text(Field::ClientCert, ", me.key").is_err());
    f.set_field_text(Field::ClientCert, "").unwrap();
    assert_eq!(f.options.tls.client_cert, None);
    assert_eq!(f.options.tls.client_key, None);
}
