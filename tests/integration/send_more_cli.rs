//! `wirescope send` for HTTP/2, --parallel, -L/--retry and lints, as a
//! user runs it: the real binary against the in-process demo server.

use crate::common;

use std::process::Output;

use serde_json::Value;
use wirescope::demo::{DemoConfig, DemoServer};

async fn run(args: &[&str]) -> Output {
    common::send_cmd(args).await
}

fn json_lines(out: &Output) -> Vec<Value> {
    common::json_lines(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_frames_and_hpack_in_text_and_json() {
    let d = DemoServer::start(DemoConfig {
        tls: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let ca = d.ca_path().unwrap().to_str().unwrap().to_string();
    let url = format!("{}/get", d.base_url());
    let key = "X-Api-Key: 0123456789abcdef0123456789abcdef";
    let out = run(&[&url, &url, "-H", key, "--cacert", &ca, "--format", "json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = json_lines(&out);
    assert_eq!(docs[0]["protocol"]["version"], "HTTP/2");
    assert_eq!(docs[0]["http_version"], "HTTP/2");
    let frames = docs[0]["frames"].as_array().expect("frames");
    assert_eq!(frames[0]["type"], "PREFACE");
    let headers = frames
        .iter()
        .find(|f| f["type"] == "HEADERS" && f["dir"] == "sent")
        .unwrap();
    let fields = headers["headers"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f[0] == ":method" && f[1] == "GET" && f[2] == "indexed (2)"),
        "{fields:?}"
    );
    // The second request on the connection hits the dynamic table.
    let second = docs[1]["frames"].as_array().unwrap();
    let h2 = second
        .iter()
        .find(|f| f["type"] == "HEADERS" && f["dir"] == "sent")
        .unwrap();
    assert!(
        h2["len"].as_u64().unwrap() * 4 < headers["len"].as_u64().unwrap(),
        "{} vs {}",
        h2["len"],
        headers["len"]
    );
    assert!(h2["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f[0] == "x-api-key" && f[2].as_str().unwrap().starts_with("indexed")));
    assert_eq!(docs[1]["connection"]["reused"], true);

    let text = run(&[&url, "--cacert", &ca, "--print", "request,response,frames"]).await;
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(
        s.contains("> :method: GET") && s.contains("< :status: 200"),
        "{s}"
    );
    assert!(
        s.contains("SETTINGS") && s.contains("(indexed 2)") && s.contains("as HTTP/1.1 text"),
        "{s}"
    );

    let h1 = run(&[&url, "--cacert", &ca, "--http1.1", "--format", "json"]).await;
    let doc = &json_lines(&h1)[0];
    assert_eq!(doc["protocol"]["version"], "HTTP/1.1");
    assert!(doc["frames"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_compares_streams_with_connections() {
    let d = DemoServer::start(DemoConfig {
        tls: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let ca = d.ca_path().unwrap().to_str().unwrap().to_string();
    let url = format!("{}/drip?numbytes=4&duration=0.1", d.base_url());
    let out = run(&[&url, "--cacert", &ca, "--parallel", "3"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("HTTP/2, 3 at once on 1 connection"), "{s}");
    assert!(
        s.contains("HTTP/1.1, 3 one after another on 1 connection"),
        "{s}"
    );
    assert!(s.contains("HTTP/1.1, 3 at once on 3 connections"), "{s}");
    assert!(s.contains("stream 5") && s.contains('░'), "{s}");

    let out = run(&[&url, "--cacert", &ca, "--parallel", "2", "--format", "json"]).await;
    let docs = json_lines(&out);
    let summary = &docs.last().unwrap()["batches"];
    assert_eq!(summary[0]["connections"], 1);
    assert_eq!(summary[2]["connections"], 2);
    assert_eq!(docs.len(), 2 * 3 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_and_retries_list_every_hop() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let url = format!("{}/redirect-to?url=/anything&status_code=303", d.base_url());
    let out = run(&["POST", &url, "-d", "x=1", "-L", "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(0));
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(
        (docs[0]["hop"].as_u64(), docs[1]["hop"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(docs[1]["cause"]["kind"], "redirect");
    assert!(docs[1]["cause"]["rule"]
        .as_str()
        .unwrap()
        .contains("303 See Other"));
    assert_eq!(docs[1]["method"], "GET");
    let lints: Vec<&str> = docs[1]["lints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert!(lints.contains(&"redirect-post-to-get"), "{lints:?}");
    assert!(lints.contains(&"body-without-content-type"), "{lints:?}");

    let out = run(&[
        &format!("{}/redirect/3", d.base_url()),
        "-L",
        "--max-redirs",
        "1",
    ])
    .await;
    assert_eq!(out.status.code(), Some(30));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stopped after 1 redirects"));

    let out = run(&[
        &format!("{}/flaky?fail=1&key=cli", d.base_url()),
        "--retry",
        "2",
        "--retry-delay",
        "0.05",
        "--format",
        "json",
    ])
    .await;
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["attempt"], 2);
    assert_eq!(docs[1]["cause"]["kind"], "retry");
    assert_eq!(docs[1]["status"], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpers_cookies_revalidation_and_repeat() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let base = d.base_url();

    // Basic auth and a request id go out visibly; the demo server echoes the id.
    let out = run(&[
        &format!("{base}/basic-auth/alice/secret"),
        "-u",
        "alice:secret",
        "--request-id",
    ])
    .await;
    let s = String::from_utf8_lossy(&out.stdout);
    // Masked on screen by default (a byte a dot), shown when asked.
    assert!(
        s.contains("> Authorization: Basic ••••••••••••••••\\r\\n") && !s.contains("YWxp"),
        "{s}"
    );
    assert!(
        s.contains("< HTTP/1.1 200 OK") && s.contains("echoed by the server"),
        "{s}"
    );
    assert!(s.contains("basic-auth-over-http"), "{s}");
    let out = run(&[
        &format!("{base}/basic-auth/alice/secret"),
        "-u",
        "alice:secret",
        "--show-secrets",
        "--print",
        "request,hex",
    ])
    .await;
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("> Authorization: Basic YWxpY2U6c2VjcmV0\\r\\n") && !s.contains('•'),
        "{s}"
    );

    // The cookie jar: Set-Cookie on the redirect, Cookie on the next hop.
    let out = run(&[
        &format!("{base}/cookies/set?flavour=oat"),
        "-L",
        "--cookies",
        "--format",
        "json",
    ])
    .await;
    let docs = json_lines(&out);
    let sent = docs[1]["sent_b64"].as_str().unwrap();
    let sent = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sent).unwrap(),
    )
    .unwrap();
    assert!(sent.contains("\r\nCookie: flavour=oat\r\n"), "{sent}");

    // Revalidation: 200 then 304.
    let out = run(&[
        &format!("{base}/etag/abc"),
        "--revalidate",
        "--format",
        "json",
    ])
    .await;
    let docs = json_lines(&out);
    assert_eq!(
        (docs[0]["status"].as_u64(), docs[1]["status"].as_u64()),
        (Some(200), Some(304))
    );
    assert!(docs[1]["revalidation"]
        .as_str()
        .unwrap()
        .contains("body bytes not sent again"));
    let sent = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        docs[1]["sent_b64"].as_str().unwrap(),
    )
    .unwrap();
    assert!(String::from_utf8_lossy(&sent).contains("If-None-Match: \"abc\""));

    // --repeat: one kept connection against a new one each time.
    let before = d.connections_accepted();
    let out = run(&[&format!("{base}/get"), "--repeat", "3", "--format", "json"]).await;
    let docs = json_lines(&out);
    let batches = &docs.last().unwrap()["batches"];
    assert_eq!(batches[0]["connections"], 1);
    assert_eq!(batches[1]["connections"], 3);
    assert_eq!(d.connections_accepted() - before, 4);
    let out = run(&[&format!("{base}/get"), "--repeat", "2", "--fresh"]).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("each on a new connection (2 connections)")
    );
}

#[tokio::test]
async fn batches_refuse_the_policies_they_would_ignore() {
    // A batch sends the request as is: -L, --retry and --revalidate would
    // be ignored, so they are refused before anything is sent.
    for (batch, policy) in [
        (["--parallel", "2"], ["-L", ""]),
        (["--repeat", "2"], ["--retry", "1"]),
        (["--repeat", "2"], ["--revalidate", ""]),
    ] {
        let mut args = vec!["http://127.0.0.1:9/"];
        args.extend(batch);
        args.extend(policy.iter().filter(|a| !a.is_empty()));
        let out = run(&args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot be used with"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_is_never_ranked_faster() {
    // An h2c-only server: the HTTP/1.1 batches fail at once.
    let srv = common::serve(|s| async move {
        let Ok(mut conn) = h2::server::handshake(s).await else {
            return;
        };
        while let Some(Ok((_req, mut respond))) = conn.accept().await {
            let resp = http::Response::builder().status(200).body(()).unwrap();
            let _ = respond.send_response(resp, true);
        }
    })
    .await;
    let out = run(&[&srv.url("/"), "--http2-prior-knowledge", "--parallel", "2"]).await;
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("HTTP/2, 2 at once on 1 connection"), "{s}");
    assert!(s.contains("(2 of 2 failed)"), "{s}");
    assert!(!s.contains("0.00×"), "{s}");
    let out = run(&[
        &srv.url("/"),
        "--http2-prior-knowledge",
        "--parallel",
        "2",
        "--format",
        "json",
    ])
    .await;
    let docs = json_lines(&out);
    let summary = &docs.last().unwrap()["batches"];
    assert_eq!(summary[0]["failed"], 0);
    assert_eq!(summary[1]["failed"], 2);
}

/// Shell completions and the manual page come from the same command
/// definition as `--help` (clap_complete, clap_mangen): the bash script
/// parses and knows the flags, the page is roff with every subcommand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_the_manual_come_from_the_command_line_definition() {
    let bin = env!("CARGO_BIN_EXE_wirescope");
    let out = tokio::process::Command::new(bin)
        .args(["completions", "bash"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains("--max-time") && script.contains("--session-memory"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wirescope.bash");
    std::fs::write(&path, script.as_bytes()).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(check.success(), "bash -n rejects the completion script");
    let out = tokio::process::Command::new(bin)
        .arg("man")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH wirescope 1"), "{page}");
    // roff escapes hyphens: `wirescope\-demo\-server(1)`.
    for sub in ["send", "demo\\-server", "lesson", "completions"] {
        assert!(page.contains(sub), "{sub} missing from the manual");
    }
}
