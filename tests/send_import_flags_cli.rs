//! Flags given together with `send --curl` / `--file` are applied on top of
//! the imported request, not dropped: the real binary against the demo server.

mod common;

use common::{ok_json_lines, send_cmd as run, sent_text as sent};
use wirescope::demo::{DemoConfig, DemoServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_auth_and_body_flags_apply_to_curl_and_file_imports() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let base = d.base_url();
    let cmd = format!("curl '{base}/anything' -H 'X-From: curl'");
    let out = run(&[
        "--curl",
        &cmd,
        "-H",
        "X-Extra: 1",
        "--bearer",
        "tok",
        "-d",
        "body!",
        "--format",
        "json",
    ])
    .await;
    let s = sent(&ok_json_lines(&out)[0]);
    assert!(s.contains("\r\nX-From: curl\r\n"), "{s}");
    assert!(s.contains("\r\nX-Extra: 1\r\n"), "{s}");
    assert!(s.contains("\r\nAuthorization: Bearer tok\r\n"), "{s}");
    assert!(s.ends_with("\r\n\r\nbody!"), "{s}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("api.http");
    std::fs::write(&file, format!("### one\nGET {base}/anything\n")).unwrap();
    let out = run(&[
        "--file",
        file.to_str().unwrap(),
        "--name",
        "one",
        "-u",
        "a:b",
        "-H",
        "X-Extra: 2",
        "--format",
        "json",
    ])
    .await;
    let s = sent(&ok_json_lines(&out)[0]);
    assert!(s.contains("\r\nX-Extra: 2\r\n"), "{s}");
    assert!(s.contains("\r\nAuthorization: Basic YTpi\r\n"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_flags_set_the_imported_requests_options() {
    let out = run(&[
        "--curl",
        "curl http://127.0.0.1:1/x",
        "-k",
        "-L",
        "--http1.1",
        "--cacert",
        "/tmp/ca.pem",
        "--export",
        "curl",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--insecure",
        "--cacert /tmp/ca.pem",
        "--location",
        "--http1.1",
    ] {
        assert!(code.contains(flag), "{flag} missing from {code}");
    }
}
