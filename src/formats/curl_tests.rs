//! curl import against commands as people paste them: browsers' "Copy as
//! cURL", hand-typed ones with bundled short options, and the errors.

use std::time::Duration;

use super::curl::{parse_curl, CurlError};
use crate::wire::{CookieJar, HttpVersion, RequestSpec, Verify};

fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn spec(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.method = method.into();
    s.headers = h(headers);
    s.body = body.map(<[u8]>::to_vec);
    s
}

fn parse(cmd: &str) -> RequestSpec {
    match parse_curl(cmd) {
        Ok(s) => s,
        Err(e) => panic!("{cmd}: {e}"),
    }
}

#[test]
fn chrome_copy_as_curl() {
    let cmd = r#"curl 'https://api.example.com/v1/items?page=2' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'content-type: application/json;charset=UTF-8' \
  -H 'cookie: sid=abc; theme=dark' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64)' \
  --data-raw $'{"name":"O\'Brien","note":"l1\\nl2","e":"\u00e9"}' \
  --compressed"#;
    let want = spec(
        "POST",
        "https://api.example.com/v1/items?page=2",
        &[
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
            ("accept", "application/json, text/plain, */*"),
            ("content-type", "application/json;charset=UTF-8"),
            ("cookie", "sid=abc; theme=dark"),
            ("user-agent", "Mozilla/5.0 (X11; Linux x86_64)"),
        ],
        Some(r#"{"name":"O'Brien","note":"l1\nl2","e":"é"}"#.as_bytes()),
    );
    assert_eq!(parse(cmd), want);
}

#[test]
fn firefox_double_quotes_and_put() {
    let cmd = r#"curl "https://h/x" -X PUT -H "Content-Type: text/plain" --data-binary "a \"q\" \$HOME \\ \x""#;
    let want = spec(
        "PUT",
        "https://h/x",
        &[("Content-Type", "text/plain")],
        Some(br#"a "q" $HOME \ \x"#),
    );
    assert_eq!(parse(cmd), want);
}

#[test]
fn auth_agent_referer_cookies_and_options() {
    let s = parse(
        "curl -sSL -k -u alice:s3cret -A 'agent/1' -e 'https://ref/;auto' -b 'a=1' -b b=2 \
         --http1.1 --connect-timeout 2.5 -m 30 --max-redirs 3 --retry 2 --expect100-timeout 0.5 http://h/x",
    );
    assert_eq!(
        s.headers,
        h(&[
            ("Authorization", "Basic YWxpY2U6czNjcmV0"),
            ("User-Agent", "agent/1"),
            ("Referer", "https://ref/"),
            ("Cookie", "a=1; b=2"),
        ])
    );
    let o = &s.options;
    assert_eq!(o.tls.verify, Verify::Off);
    assert!(o.redirects.follow);
    assert_eq!(o.redirects.max, 3);
    assert_eq!(o.http, HttpVersion::Http1);
    assert_eq!(o.connect_timeout, Duration::from_millis(2500));
    assert_eq!(o.total_timeout, Duration::from_secs(30));
    assert_eq!(o.retry.attempts, 3);
    assert_eq!(o.expect_wait, Duration::from_millis(500));
    assert_eq!((s.method.as_str(), s.body.is_none()), ("GET", true));
}

#[test]
fn get_moves_data_to_the_query() {
    let s = parse("curl -G https://h/search -d q=1 --data-urlencode 'name=a b&c/é' -d x=2");
    assert_eq!(s.url, "https://h/search?q=1&name=a%20b%26c%2F%C3%A9&x=2");
    assert_eq!(
        (s.method.as_str(), s.body, s.headers.len()),
        ("GET", None, 0)
    );
    let s = parse("curl -G 'https://h/s?a=1' --data-urlencode '=x y'");
    assert_eq!(s.url, "https://h/s?a=1&x%20y");
}

#[test]
fn json_and_form_data() {
    let s = parse(r#"curl --json '{"a":1}' https://h/j"#);
    let want = spec(
        "POST",
        "https://h/j",
        &[
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ],
        Some(br#"{"a":1}"#),
    );
    assert_eq!(s, want);
    let s = parse("curl https://h/f -d a=1 -d b=2");
    assert_eq!(s.body.as_deref(), Some(&b"a=1&b=2"[..]));
    assert_eq!(
        s.headers,
        h(&[("Content-Type", "application/x-www-form-urlencoded")])
    );
}

#[test]
fn multipart_form_with_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("note.txt");
    std::fs::write(&file, "file body\n").expect("write");
    let cmd = format!(
        "curl https://h/up -F 'field=value' -F 'doc=@{};type=text/x-note' --form-string 'raw=@not-a-file'",
        file.display()
    );
    let s = parse(&cmd);
    assert_eq!(s.method, "POST");
    let (name, ct) = &s.headers[0];
    assert_eq!(name, "Content-Type");
    let boundary = ct
        .strip_prefix("multipart/form-data; boundary=")
        .expect("boundary");
    let body = String::from_utf8(s.body.clone().unwrap_or_default()).expect("utf8");
    assert!(body.contains("name=\"field\"\r\n\r\nvalue\r\n"));
    assert!(body.contains(
        "name=\"doc\"; filename=\"note.txt\"\r\nContent-Type: text/x-note\r\n\r\nfile body\n\r\n"
    ));
    assert!(body.contains("name=\"raw\"\r\n\r\n@not-a-file\r\n"));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
    assert_eq!(parse(&cmd), s, "the boundary is deterministic");
}

#[test]
fn url_anywhere_and_bundled_short_options() {
    let s = parse("curl -X DELETE -H 'A: b' https://h/z -H 'C: d'");
    assert_eq!(
        s,
        spec("DELETE", "https://h/z", &[("A", "b"), ("C", "d")], None)
    );
    let s = parse("-XPATCH -HX-A:1 localhost:8080/p -d'k=v'");
    assert_eq!(s.method, "PATCH");
    assert_eq!(s.url, "http://localhost:8080/p");
    assert_eq!(
        s.headers[0],
        (
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into()
        )
    );
    assert_eq!(s.headers[1], ("X-A".into(), "1".into()));
    let s = parse("'https://h' -I --http2");
    assert_eq!(
        (s.method.as_str(), s.options.http),
        ("HEAD", HttpVersion::Http2)
    );
    let s = parse("curl --http2-prior-knowledge --cookie '' https://h -H 'X-Empty;' -H 'Accept:'");
    assert_eq!(s.options.http, HttpVersion::Http2PriorKnowledge);
    assert_eq!(s.options.cookies, CookieJar::On);
    assert_eq!(s.headers, h(&[("X-Empty", "")]));
}

#[test]
fn data_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("d.txt");
    std::fs::write(&file, "a=1\r\nb=2\n").expect("write");
    let p = file.display();
    let s = parse(&format!("curl https://h -d @{p}"));
    assert_eq!(s.body.as_deref(), Some(&b"a=1b=2"[..]));
    let s = parse(&format!("curl https://h --data-binary @{p}"));
    assert_eq!(s.body.as_deref(), Some(&b"a=1\r\nb=2\n"[..]));
    let s = parse(&format!("curl https://h --data-raw @{p}"));
    assert_eq!(s.body, Some(format!("@{p}").into_bytes()));
    let missing = dir.path().join("missing.json");
    let e = parse_curl(&format!("curl https://h -d @{}", missing.display()));
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("missing.json") && msg.contains("-d"), "{msg}");
}

#[test]
fn errors_name_the_option() {
    let cases = [
        ("curl --preproxy http://p:1 https://h", "--preproxy"),
        (
            "curl --proxy-insecure -x https://p:1 https://h",
            "--proxy-insecure",
        ),
        ("curl --frobnicate https://h", "--frobnicate"),
        ("curl -sZ https://h", "-Z"),
        ("curl https://h -H", "-H"),
        ("curl https://h --connect-timeout soon", "--connect-timeout"),
        ("curl -u alice https://h", "-u"),
        ("curl -b cookies.txt https://h", "-b"),
        ("curl https://h -H 'no header here'", "-H"),
        ("curl --http3 https://h", "--http3"),
    ];
    for (cmd, flag) in cases {
        let msg = parse_curl(cmd)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains(flag), "{cmd} → {msg:?}");
    }
    assert_eq!(parse_curl("curl -s"), Err(CurlError::NoUrl));
    assert!(matches!(
        parse_curl("curl a b"),
        Err(CurlError::ManyUrls(..))
    ));
    assert!(matches!(
        parse_curl("curl 'open"),
        Err(CurlError::Syntax(_))
    ));
}

#[test]
fn proxy_flags_map_onto_the_proxy_settings() {
    let s =
        parse("curl -x http://u:p@proxy:3128 --noproxy 'localhost,.internal' -U bob:pw https://h");
    let p = &s.options.proxy;
    assert_eq!(p.flag.as_deref(), Some("http://u:p@proxy:3128"));
    assert_eq!(p.flag_from, "curl -x");
    assert_eq!(p.noproxy.as_deref(), Some("localhost,.internal"));
    assert_eq!(p.user.as_deref(), Some("bob:pw"));
    let s = parse("curl --socks5-hostname s:1080 https://h");
    assert_eq!(s.options.proxy.flag.as_deref(), Some("socks5h://s:1080"));
    let s = parse("curl --proxy p:8080 http://h");
    assert_eq!(s.options.proxy.flag.as_deref(), Some("p:8080"));
}
