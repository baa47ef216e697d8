//! Proxies, end to end on loopback: the engine and `wirescope send`
//! through the test proxies of `proxy_support` (an HTTP proxy that
//! tunnels and forwards, a SOCKS5 proxy), each recording what it got.
//! The origin is the embedded demo server.

use std::process::Output;
use std::time::Duration;

use crate::proxy_support::{http_proxy, socks5_proxy, HttpBehaviour};
use base64::Engine as _;
use serde_json::Value;
use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::wire::proxy::{ProxyEnv, ProxyKind};
use wirescope::wire::{ErrorPhase, Exchange, Probe, RequestSpec, Session, Warning};

const PROXY_VARS: [&str; 9] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SSLKEYLOGFILE",
];

async fn demo(tls: bool) -> DemoServer {
    DemoServer::start(DemoConfig {
        tls,
        ..DemoConfig::default()
    })
    .await
    .expect("demo server")
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("base64 string"))
        .expect("valid base64")
}

fn spec(url: &str, proxy: Option<&str>) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options.proxy.flag = proxy.map(str::to_string);
    s.options.connect_timeout = Duration::from_secs(5);
    s.options.total_timeout = Duration::from_secs(20);
    s
}

async fn send(s: &RequestSpec) -> Exchange {
    Session::new().send(s, Probe::none()).await
}

fn status(ex: &Exchange) -> u16 {
    assert!(ex.error.is_none(), "{:?}", ex.error);
    ex.response.as_ref().map(|r| r.status).unwrap_or_default()
}

/// `wirescope send ARGS` with exactly `env` as its proxy variables.
async fn run(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"));
    cmd.arg("send").args(args);
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().await.expect("run wirescope")
}

fn json_doc(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split("\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_goes_through_a_connect_tunnel_recorded_byte_for_byte() {
    let d = demo(true).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let mut s = spec(&format!("{}/get", d.base_url()), Some(&p.url("http")));
    s.options.tls.ca_file = d.ca_path().map(Into::into);
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    let port = d.addr().port();
    let seen = p.seen();
    assert_eq!(seen.connections, 1);
    let head = String::from_utf8_lossy(&seen.heads[0]).into_owned();
    assert!(
        head.starts_with(&format!(
            "CONNECT localhost:{port} HTTP/1.1\r\nHost: localhost:{port}\r\n"
        )),
        "{head}"
    );
    assert!(!head.contains("Proxy-Authorization"));
    let conn = ex.connection.as_ref().expect("connection");
    assert_eq!(conn.remote, p.addr, "the TCP peer is the proxy");
    let used = conn.proxy.as_ref().expect("proxy used");
    assert_eq!((used.kind, used.from.as_str()), (ProxyKind::Http, "flag"));
    let c = used.connect.as_ref().expect("a tunnel");
    assert_eq!(
        c.sent, seen.heads[0],
        "what we say we sent is what the proxy got"
    );
    assert_eq!(c.received, b"HTTP/1.1 200 Connection established\r\n\r\n");
    assert_eq!(c.status, Some(200));
    // TLS (and HTTP/2 by ALPN) with the origin, inside the tunnel.
    let tls = ex.tls.as_ref().expect("tls");
    assert_eq!(tls.server_name, "localhost");
    assert_eq!(ex.negotiated.as_ref().map(|n| n.version), Some("HTTP/2"));
    assert!(ex.timeline.tunnel && ex.timeline.har().tunnel >= 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_forwarded_in_absolute_form_with_proxy_credentials() {
    let d = demo(false).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let proxy = format!("http://alice:s%40cret@{}", p.addr);
    let url = format!("{}/get?x=1#frag", d.base_url());
    let ex = send(&spec(&url, Some(&proxy))).await;
    assert_eq!(status(&ex), 200);
    let absolute = format!("GET {}/get?x=1 HTTP/1.1", d.base_url());
    assert_eq!(p.request_lines(), vec![absolute.clone()]);
    let head = String::from_utf8_lossy(&p.seen().heads[0]).into_owned();
    let auth = format!("Proxy-Authorization: Basic {}\r\n", b64("alice:s@cret"));
    assert!(head.contains(&auth), "{head}");
    // The transcript is what the proxy got, absolute-form and all.
    assert_eq!(first_line(&ex.transcript.sent), absolute);
    let used = ex
        .connection
        .as_ref()
        .and_then(|c| c.proxy.as_ref())
        .expect("proxy");
    assert_eq!(used.url, format!("http://alice:****@{}", p.addr));
    assert!(used.connect.is_none(), "no tunnel for forwarded plain http");
    assert!(!ex.timeline.tunnel);
    assert_eq!(ex.timeline.har().tunnel, -1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_proxy_sends_the_url_direct_and_says_so() {
    let d = demo(false).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let mut s = spec(&format!("{}/get", d.base_url()), None);
    s.options.proxy.env = ProxyEnv::from_pairs([
        ("http_proxy", p.url("http")),
        ("NO_PROXY", "example.org, .internal,127.0.0.1".to_string()),
    ]);
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert_eq!(p.seen().connections, 0, "the proxy saw nothing");
    assert!(ex.connection.as_ref().is_some_and(|c| c.proxy.is_none()));
    let said = ex.warnings.iter().find_map(|w| match w {
        Warning::ProxyBypassed { from, why } => Some(format!("{from}: {why}")),
        _ => None,
    });
    let said = said.expect("the bypass is said");
    assert!(
        said.contains("env:http_proxy")
            && said.contains("NO_PROXY")
            && said.contains("'127.0.0.1'"),
        "{said}"
    );
    // --noproxy replaces NO_PROXY, and applies to -x too.
    let mut s = spec(&format!("{}/get", d.base_url()), Some(&p.url("http")));
    s.options.proxy.noproxy = Some("*".into());
    assert_eq!(status(&send(&s).await), 200);
    assert_eq!(p.seen().connections, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connect_is_an_error_in_the_proxy_phase() {
    let d = demo(true).await;
    for (answer, code) in [
        (&b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 14\r\n\r\nwho are you?\r\n"[..], 407),
        (b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 403),
        (b"HTTP/1.1 502 Bad Gateway\r\n\r\nupstream down", 502),
    ] {
        let p = http_proxy(HttpBehaviour {
            refuse: Some(answer),
            ..Default::default()
        })
        .await;
        let ex = send(&spec(&format!("{}/get", d.base_url()), Some(&p.url("http")))).await;
        let e = ex.error.as_ref().expect("an error");
        assert_eq!(e.phase, ErrorPhase::Proxy, "{e}");
        assert!(e.message.contains(&format!("refused the tunnel to localhost:{}: {code}", d.addr().port())), "{e}");
        let used = ex.connection.as_ref().and_then(|c| c.proxy.as_ref()).expect("proxy shown");
        let c = used.connect.as_ref().expect("the CONNECT is recorded");
        assert_eq!(c.status, Some(code));
        assert_eq!(c.received, answer, "the proxy's answer, body included");
        if code == 407 {
            assert!(e.message.contains("who are you?"), "{e}");
            assert!(e.cli_message().contains("--proxy-user"), "{e}");
        }
        if code == 502 {
            assert!(e.message.contains("upstream down"), "{e}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socks5_resolves_here_and_socks5h_lets_the_proxy_resolve() {
    let d = demo(false).await;
    let port = d.addr().port();
    let url = format!("http://localhost:{port}/get");
    let p = socks5_proxy(None).await;
    let ex = send(&spec(&url, Some(&p.url("socks5")))).await;
    assert_eq!(status(&ex), 200);
    let ex = send(&spec(&url, Some(&p.url("socks5h")))).await;
    assert_eq!(status(&ex), 200);
    let targets = p.seen().socks_targets;
    assert_eq!(targets.len(), 2);
    assert!(
        targets[0].starts_with("ip:"),
        "socks5 sends an address: {targets:?}"
    );
    assert_eq!(targets[1], format!("name:localhost:{port}"));
    // The request itself is origin-form: the tunnel carries it as is.
    assert_eq!(first_line(&ex.transcript.sent), "GET /get HTTP/1.1");
    let c = ex
        .connection
        .as_ref()
        .and_then(|c| c.proxy.as_ref())
        .and_then(|p| p.connect.clone());
    let c = c.expect("handshake recorded");
    assert_eq!(c.socks_reply, Some(0));
    assert_eq!(&c.sent[..3], &[5, 1, 0], "greeting: no authentication");
    assert_eq!(c.received.len(), 2 + 10);
    // Username/password, from --proxy-user.
    let p = socks5_proxy(Some(("bob", "pw"))).await;
    let mut s = spec(&url, Some(&p.url("socks5h")));
    s.options.proxy.user = Some("bob:pw".into());
    assert_eq!(status(&send(&s).await), 200);
    assert_eq!(
        p.seen().socks_auth,
        vec![("bob".to_string(), "pw".to_string())]
    );
    // Without them, the refusal says what to do.
    let ex = send(&spec(&url, Some(&p.url("socks5h")))).await;
    let e = ex.error.expect("refused");
    assert_eq!(e.phase, ErrorPhase::Proxy);
    assert!(e.cli_message().contains("--proxy-user"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_to_an_https_proxy_then_tls_to_the_origin_inside() {
    let d = demo(true).await;
    let pki = wirescope::demo::make_pki(&["127.0.0.1"]).expect("pki");
    let cfg = wirescope::demo::server_tls_config(&pki, &[b"http/1.1"]).expect("tls config");
    let p = http_proxy(HttpBehaviour {
        tls: Some(cfg),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let both = dir.path().join("cas.pem");
    let demo_ca = std::fs::read_to_string(d.ca_path().expect("ca")).expect("read ca");
    std::fs::write(&both, format!("{}\n{demo_ca}", pki.ca_pem)).expect("write cas");
    let mut s = spec(&format!("{}/get", d.base_url()), Some(&p.url("https")));
    s.options.tls.ca_file = Some(both.clone());
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert!(p.request_lines()[0].starts_with("CONNECT localhost:"));
    let used = ex
        .connection
        .as_ref()
        .and_then(|c| c.proxy.as_ref())
        .expect("proxy");
    assert_eq!(used.kind, ProxyKind::Https);
    // Plain http through it: forwarded over TLS, the TLS counted as the
    // tunnel phase.
    let plain = demo(false).await;
    let mut s = spec(&format!("{}/get", plain.base_url()), Some(&p.url("https")));
    s.options.tls.ca_file = Some(both);
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert_eq!(
        p.request_lines()[1],
        format!("GET {}/get HTTP/1.1", plain.base_url())
    );
    assert!(ex.timeline.tunnel && ex.timeline.har().tunnel >= 0.0);
    assert_eq!(
        ex.timeline.har().ssl,
        -1.0,
        "no TLS with the (plain http) origin"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tunnel_is_timed_as_its_own_phase() {
    let d = demo(true).await;
    let p = http_proxy(HttpBehaviour {
        connect_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let mut s = spec(&format!("{}/get", d.base_url()), Some(&p.url("http")));
    s.options.tls.ca_file = d.ca_path().map(Into::into);
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    let seen = p.seen();
    let proxy_wait = seen.connect_answered[0] - seen.connect_got[0];
    let h = ex.timeline.har();
    assert!(h.tunnel >= 250.0, "tunnel {} ms", h.tunnel);
    // Our tunnel phase spans the proxy's own wait (same clock, from
    // before it got the CONNECT until after it answered).
    assert!(
        h.tunnel + 1.0 >= proxy_wait.as_secs_f64() * 1e3,
        "{h:?} vs {proxy_wait:?}"
    );
    // The phases partition the connect time: TCP, tunnel, TLS — none
    // swallows another.
    let t = &ex.timeline;
    // (Without a lookup — the proxy is an IP address — connecting starts
    // the exchange.)
    let connect_from = match t.no_lookup {
        true => Duration::ZERO,
        false => t.dns_done.unwrap(),
    };
    let tcp = t.connected.unwrap() - connect_from;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    assert!(
        (h.connect - (ms(tcp) + h.tunnel + h.ssl)).abs() < 0.01,
        "{h:?}"
    );
    assert!(h.ssl >= 0.0 && h.ssl + h.tunnel <= h.connect + 0.01);
    let spans = t.spans(None);
    let tunnel = spans
        .iter()
        .find(|s| s.phase == wirescope::wire::timeline::Phase::Tunnel)
        .expect("tunnel row");
    let tls = spans
        .iter()
        .find(|s| s.phase == wirescope::wire::timeline::Phase::Tls)
        .expect("tls row");
    assert_eq!(tunnel.end, tls.start);
    assert_eq!(tunnel.start, t.connected.unwrap());
    // History keeps the phase (to the microsecond, so within rounding).
    let back =
        wirescope::formats::HistoryEntry::from_exchange(&ex, wirescope::formats::Redaction::On)
            .timeline();
    assert!(back.tunnel);
    assert!(
        (back.har().tunnel - h.tunnel).abs() < 0.01,
        "{:?} vs {h:?}",
        back.har()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_honours_the_environment_as_curl_does() {
    let d = demo(true).await;
    let plain = demo(false).await;
    let p = http_proxy(HttpBehaviour {
        connect_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let ca = d.ca_path().expect("ca").to_string_lossy().into_owned();
    let url = format!("{}/get", d.base_url());
    let out = run(
        &["--format", "json", "--cacert", &ca, &url],
        &[("HTTPS_PROXY", p.url("http"))],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_doc(&out);
    let proxy = &doc["connection"]["proxy"];
    assert_eq!(proxy["from"], "env:HTTPS_PROXY");
    assert_eq!(proxy["kind"], "http");
    assert_eq!(proxy["url"], p.url("http"));
    assert_eq!(proxy["connect"]["status"], 200);
    assert_eq!(unb64(&proxy["connect"]["sent_b64"]), p.seen().heads[0]);
    let tunnel = doc["timings"]["tunnel"].as_f64().expect("timings.tunnel");
    assert!(tunnel >= 250.0, "{tunnel}");
    // Uppercase HTTP_PROXY is not read for http (curl's httpoxy rule).
    let before = p.seen().connections;
    let url = format!("{}/get", plain.base_url());
    let out = run(
        &["--format", "json", &url],
        &[("HTTP_PROXY", p.url("http"))],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(p.seen().connections, before, "HTTP_PROXY was ignored");
    assert!(json_doc(&out)["connection"]["proxy"].is_null());
    let warnings = json_doc(&out)["warnings"].to_string();
    assert!(
        warnings.contains("HTTP_PROXY is set but was not used"),
        "said, not silent: {warnings}"
    );
    assert_eq!(json_doc(&out)["timings"]["tunnel"], -1.0);
    // ALL_PROXY, for any scheme.
    let s = socks5_proxy(None).await;
    let out = run(
        &["--format", "json", &url],
        &[("ALL_PROXY", s.url("socks5h"))],
    )
    .await;
    let doc = json_doc(&out);
    assert_eq!(doc["connection"]["proxy"]["from"], "env:ALL_PROXY");
    assert_eq!(doc["connection"]["proxy"]["kind"], "socks5h");
    assert_eq!(doc["connection"]["proxy"]["connect"]["socks_reply"], 0);
    assert_eq!(s.seen().connections, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_proxy_exits_17_with_its_answer_shown() {
    let d = demo(true).await;
    let p = http_proxy(HttpBehaviour {
        refuse: Some(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 11\r\n\r\nlogin first",
        ),
        ..Default::default()
    })
    .await;
    let url = format!("{}/get", d.base_url());
    let proxy = format!("http://alice:hunter2@{}", p.addr);
    let out = run(&["-x", &proxy, &url], &[]).await;
    assert_eq!(out.status.code(), Some(17));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("proxy") && text.contains("407") && text.contains("login first"),
        "{text}"
    );
    assert!(
        text.contains("the proxy refused the credentials sent"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2"),
        "the password never shows: {text}"
    );
    assert!(
        !text.contains(&b64("alice:hunter2")),
        "nor its base64: {text}"
    );
    let out = run(&["--format", "json", "-x", &proxy, &url], &[]).await;
    assert_eq!(out.status.code(), Some(17));
    let doc = json_doc(&out);
    let lints = doc["lints"].as_array().cloned().unwrap_or_default();
    assert!(
        lints
            .iter()
            .any(|l| l["code"] == "proxy-credentials-cleartext" && l["severity"] == "info"),
        "credentials to a loopback http:// proxy are an info lint: {lints:?}"
    );
    assert_eq!(doc["error"]["phase"], "proxy");
    assert_eq!(doc["connection"]["proxy"]["connect"]["status"], 407);
    assert_eq!(
        doc["connection"]["proxy"]["url"],
        format!("http://alice:****@{}", p.addr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_names_a_proxy_that_was_not_used() {
    let d = demo(false).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let url = format!("{}/get", d.base_url());
    let out = run(
        &[&url],
        &[
            ("http_proxy", p.url("http")),
            ("no_proxy", "127.0.0.1".into()),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("a proxy is set (env:http_proxy) but was not used for this URL: no_proxy matches '127.0.0.1'"),
        "{text}"
    );
    assert_eq!(p.seen().connections, 0);
    // --proxy-user with no proxy used is said too.
    let out = run(&["--proxy-user", "u:p", &url], &[]).await;
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("--proxy-user was given but no proxy was used"));
    // A scheme we cannot speak is an error, never a direct connection.
    let out = run(&["-x", "socks4://127.0.0.1:1", &url], &[]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("socks4://"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_curl_command_brings_its_proxy_and_har_counts_the_tunnel_in_connect() {
    let d = demo(true).await;
    let p = http_proxy(HttpBehaviour {
        connect_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let ca = d.ca_path().expect("ca").to_string_lossy().into_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let har = dir.path().join("out.har");
    let cmd = format!(
        "curl -x {} --cacert {ca} {}/get",
        p.url("http"),
        d.base_url()
    );
    let out = run(
        &[
            "--curl",
            &cmd,
            "--har",
            &har.to_string_lossy(),
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_doc(&out)["connection"]["proxy"]["from"], "curl -x");
    assert_eq!(p.seen().connections, 1);
    let har: Value =
        serde_json::from_str(&std::fs::read_to_string(&har).expect("har")).expect("json");
    let t = &har["log"]["entries"][0]["timings"];
    let (connect, tunnel) = (
        t["connect"].as_f64().unwrap(),
        t["_tunnel"].as_f64().unwrap(),
    );
    assert!(tunnel >= 250.0 && connect >= tunnel, "{t}");
}

/// curl itself, as a real client under the same environment: both send
/// the proxy the same request line (skipped when curl is not installed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_and_wirescope_say_the_same_to_the_proxy() {
    let have_curl = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_curl {
        eprintln!("skipped: curl is not installed");
        return;
    }
    let d = demo(false).await;
    let tls = demo(true).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let ca = tls.ca_path().expect("ca").to_string_lossy().into_owned();
    for url in [
        format!("{}/get?a=1", d.base_url()),
        format!("{}/get", tls.base_url()),
    ] {
        let env = [
            ("http_proxy", p.url("http")),
            ("https_proxy", p.url("http")),
        ];
        let mut curl = tokio::process::Command::new("curl");
        curl.args(["-s", "-o", "/dev/null", "--http1.1", "--cacert", &ca, &url]);
        for v in PROXY_VARS {
            curl.env_remove(v);
        }
        for (k, v) in &env {
            curl.env(k, v);
        }
        let c = curl.output().await.expect("run curl");
        assert!(
            c.status.success(),
            "curl failed: {}",
            String::from_utf8_lossy(&c.stderr)
        );
        let ours = run(&["--http1.1", "--cacert", &ca, &url], &env).await;
        assert_eq!(ours.status.code(), Some(0));
        let lines = p.request_lines();
        let n = lines.len();
        assert!(n >= 2, "{lines:?}");
        assert_eq!(lines[n - 2], lines[n - 1], "curl then wirescope");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_through_a_proxy_are_reused_and_never_shared_with_direct_ones() {
    let d = demo(false).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let url = format!("{}/get", d.base_url());
    let session = Session::new();
    let a = session
        .send(&spec(&url, Some(&p.url("http"))), Probe::none())
        .await;
    let b = session
        .send(&spec(&url, Some(&p.url("http"))), Probe::none())
        .await;
    assert_eq!((status(&a), status(&b)), (200, 200));
    assert_eq!(
        p.seen().connections,
        1,
        "the second request reused the proxy connection"
    );
    let bc = b.connection.as_ref().expect("connection");
    assert!(
        bc.reused && bc.proxy.is_some(),
        "a reused connection still says it is proxied"
    );
    assert_eq!(p.request_lines()[0], format!("GET {url} HTTP/1.1"));
    // A direct request to the same origin gets its own connection.
    let c = session.send(&spec(&url, None), Probe::none()).await;
    assert_eq!(status(&c), 200);
    let cc = c.connection.as_ref().expect("connection");
    assert!(!cc.reused && cc.proxy.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2c_and_raw_bytes_go_through_a_tunnel_even_on_plain_http() {
    let d = demo(false).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let url = format!("{}/get", d.base_url());
    let mut s = spec(&url, Some(&p.url("http")));
    s.options.http = wirescope::wire::HttpVersion::Http2PriorKnowledge;
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert_eq!(ex.negotiated.as_ref().map(|n| n.version), Some("HTTP/2"));
    let port = d.addr().port();
    assert_eq!(
        p.request_lines()[0],
        format!("CONNECT 127.0.0.1:{port} HTTP/1.1")
    );
    // Raw bytes cannot be rewritten into absolute-form: they are tunnelled.
    let mut s = spec(&url, Some(&p.url("http")));
    s.raw = Some(
        format!("GET /get HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    );
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert_eq!(
        p.request_lines()[1],
        format!("CONNECT 127.0.0.1:{port} HTTP/1.1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_proxy_is_a_connect_error_that_names_it() {
    let d = demo(false).await;
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("{}/get", d.base_url());
    let out = run(&["-x", &format!("127.0.0.1:{port}"), &url], &[]).await;
    assert_eq!(out.status.code(), Some(11));
    let err =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains(&format!("proxy 127.0.0.1:{port}: could not connect")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_report_shows_the_proxy_and_masks_its_credentials() {
    let d = demo(false).await;
    let tls = demo(true).await;
    let p = http_proxy(HttpBehaviour::default()).await;
    let proxy = format!("http://alice:hunter2@{}", p.addr);
    // Forwarded: Proxy-Authorization is in the request head, masked.
    let out = run(&["-x", &proxy, &format!("{}/get", d.base_url())], &[]).await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("Proxy-Authorization: Basic"), "{text}");
    assert!(
        text.contains(&format!(
            "via http proxy http://alice:****@{} (from flag)",
            p.addr
        )),
        "{text}"
    );
    assert!(
        !text.contains("hunter2") && !text.contains(&b64("alice:hunter2")),
        "{text}"
    );
    // Tunnelled: the CONNECT and the answer are shown, masked too, and
    // the waterfall has its tunnel row.
    let ca = tls.ca_path().expect("ca").to_string_lossy().into_owned();
    let out = run(
        &[
            "-x",
            &proxy,
            "--cacert",
            &ca,
            &format!("{}/get", tls.base_url()),
        ],
        &[],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("CONNECT localhost:") && text.contains("HTTP/1.1 200 Connection established"),
        "{text}"
    );
    assert!(text.contains("proxy tunnel"), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains(&b64("alice:hunter2")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_and_http2_through_a_socks5h_tunnel() {
    let d = demo(true).await;
    let p = socks5_proxy(None).await;
    let mut s = spec(&format!("{}/get", d.base_url()), Some(&p.url("socks5h")));
    s.options.tls.ca_file = d.ca_path().map(Into::into);
    let ex = send(&s).await;
    assert_eq!(status(&ex), 200);
    assert_eq!(ex.negotiated.as_ref().map(|n| n.version), Some("HTTP/2"));
    assert_eq!(
        p.seen().socks_targets,
        vec![format!("name:localhost:{}", d.addr().port())]
    );
    let h = ex.timeline.har();
    assert!(
        h.tunnel >= 0.0 && h.ssl >= 0.0 && h.connect >= h.tunnel + h.ssl - 0.01,
        "{h:?}"
    );
}
