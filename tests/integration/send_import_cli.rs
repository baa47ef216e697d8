//! `send --curl`, `--file/--name/--env`, `--export` and `--har`: the real
//! binary against the in-process demo server.

use crate::common;

use common::{json_lines, send_cmd as run};
use wirescope::demo::{DemoConfig, DemoServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_curl_command_and_a_http_file_are_sent_as_written() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let base = d.base_url();
    let cmd = format!("curl '{base}/anything?q=1' -X PUT -H 'X-Case: Kept' --json '{{\"a\":1}}'");
    let out = run(&["--curl", &cmd, "--format", "json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    assert_eq!(doc["method"], "PUT");
    let sent = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        doc["sent_b64"].as_str().unwrap(),
    )
    .unwrap();
    let sent = String::from_utf8(sent).unwrap();
    assert!(
        sent.starts_with("PUT /anything?q=1 HTTP/1.1\r\n")
            && sent.contains("\r\nX-Case: Kept\r\n")
            && sent.ends_with("{\"a\":1}"),
        "{sent}"
    );

    let out = run(&["--curl", "curl --preproxy http://p:1 http://x/"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--preproxy"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("api.http");
    std::fs::write(&file, format!("@base = {base}\n\n### login\n# comment\nPOST {{{{base}}}}/anything\nContent-Type: application/json\n\n{{\"user\": \"{{{{user}}}}\"}}\n")).unwrap();
    std::fs::write(
        dir.path().join("http-client.env.json"),
        r#"{"dev": {"user": "alice"}}"#,
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = run(&[
        "--file", f, "--name", "login", "--env", "dev", "--format", "json",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body: serde_json::Value = json_lines(&out)[0]["status"].clone();
    assert_eq!(body, 200);
    // Without the environment the variable is unresolved: named, nothing sent.
    let before = d.connections_accepted();
    let out = run(&["--file", f, "--name", "login"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("{{user}}"));
    assert_eq!(d.connections_accepted(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_prints_code_and_har_records_every_hop() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let base = d.base_url();
    let before = d.connections_accepted();
    let out = run(&[
        "POST",
        &format!("{base}/anything"),
        "-H",
        "X-Q: it's",
        "-d",
        "a b",
        "--export",
        "curl",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(d.connections_accepted(), before, "--export sends nothing");
    let code = String::from_utf8(out.stdout).unwrap();
    let spec = wirescope::formats::parse_curl(&code).expect("the export parses back");
    assert_eq!(
        (spec.method.as_str(), spec.body.as_deref()),
        ("POST", Some(&b"a b"[..]))
    );
    assert!(spec
        .headers
        .contains(&("X-Q".to_string(), "it's".to_string())));
    let out = run(&[&base, "--export", "cobol"]).await;
    assert_eq!(out.status.code(), Some(3));

    // Credentials are redacted unless asked for, and stderr says so.
    let secret = [
        base.as_str(),
        "-u",
        "me:pw",
        "-H",
        "Cookie: sid=s3cret",
        "--export",
        "curl",
    ];
    let out = run(&secret).await;
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(
        !code.contains("s3cret") && !code.contains("bWU6cHc"),
        "{code}"
    );
    assert!(
        code.contains("Basic REDACTED") && code.contains("sid=REDACTED"),
        "{code}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--export-keep-secrets keeps them"), "{err}");
    let out = run(&[&secret[..], &["--export-keep-secrets"]].concat()).await;
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(
        code.contains("sid=s3cret") && code.contains("bWU6cHc="),
        "{code}"
    );
    assert!(out.stderr.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("s.har");
    let out = run(&[
        &format!("{base}/redirect/2"),
        "-L",
        "-H",
        "Authorization: Bearer s3cret",
        "--har",
        har.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&har).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Credentials are redacted in what we sent (bodies are kept as they
    // were: /get's echo of our headers is the server's content).
    for e in v["log"]["entries"].as_array().unwrap() {
        assert!(
            !e["request"].to_string().contains("s3cret"),
            "{}",
            e["request"]
        );
    }
    wirescope::formats::validate_har(&v).expect("valid HAR 1.2");
    assert_eq!(v["log"]["entries"].as_array().unwrap().len(), 3);
    assert_eq!(v["log"]["pages"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_har_goes_back_into_history() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("s.har");
    let out = run(&[
        &format!("{}/redirect/1", d.base_url()),
        "-L",
        "--har",
        har.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0));
    let history = dir.path().join("history");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["import-har", har.to_str().unwrap()])
        .env("WIRESCOPE_HISTORY_DIR", &history)
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 exchanges"));
    let (h, note) = wirescope::formats::History::open_at(&history, Default::default());
    assert!(note.is_none());
    assert_eq!(h.entries().len(), 2);
    assert!(h.entries().iter().any(|e| e.url.ends_with("/get")));
}
