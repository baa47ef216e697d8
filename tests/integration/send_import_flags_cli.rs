//! Flags given together with `send --curl` / `--file` are applied on top of
//! the imported request, not dropped: the real binary against the demo server.

use crate::common;

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

/// Timeouts and retry knobs given with an import apply too (they were
/// dropped without a word): `--retry 2` over a curl import retries the
/// server's two 503s; `--max-time` ends a hanging import in its time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_and_retry_flags_apply_to_imports() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let flaky = format!("{}/flaky?fail=2&key=import-retry", d.base_url());
    let out = run(&[
        "--curl",
        &format!("curl {flaky}"),
        "--retry",
        "2",
        "--retry-delay",
        "0.05",
        "--format",
        "json",
    ])
    .await;
    let docs = ok_json_lines(&out);
    let statuses: Vec<_> = docs.iter().map(|d| d["status"].as_u64()).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)], "{docs:?}");

    let hole = common::blackhole().await;
    let out = run(&[
        "--curl",
        &format!("curl http://{}/", hole.addr),
        "--max-time",
        "1",
        "--read-timeout",
        "20",
    ])
    .await;
    // The whole-exchange deadline fired (not the 10 s connect timeout).
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the exchange did not finish"), "{err}");
}

/// `--fail` turns a 4xx/5xx into exit code 40 (the report still printed);
/// without it a response is a success whatever its status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_makes_an_error_status_an_exit_code() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let url = format!("{}/status/404", d.base_url());
    let out = run(&[&url, "--print", "response"]).await;
    assert_eq!(out.status.code(), Some(0));
    let out = run(&[&url, "--fail", "--print", "response"]).await;
    assert_eq!(out.status.code(), Some(40));
    assert!(String::from_utf8_lossy(&out.stdout).contains("404"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("status 404 (--fail)"));
    let ok = format!("{}/get", d.base_url());
    assert_eq!(run(&[&ok, "-f"]).await.status.code(), Some(0));
}

/// `-d @FILE` reads the body from a file as curl does (CR LF removed),
/// `--data-file` keeps its bytes, `-` is standard input; what the server
/// received is the record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_from_files_and_standard_input() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let url = format!("{}/echo-raw", d.base_url());
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("b.txt");
    std::fs::write(&f, "a=1\r\nb=2\n").unwrap();
    let at = format!("@{}", f.display());
    let body = |out: &std::process::Output| {
        let doc = &ok_json_lines(out)[0];
        sent(doc)
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    let out = run(&[&url, "-d", &at, "--format", "json"]).await;
    assert_eq!(body(&out), "a=1b=2");
    let out = run(&[&url, "--data-file", f.to_str().unwrap(), "--format", "json"]).await;
    assert_eq!(body(&out), "a=1\r\nb=2\n");
    let out = run(&[&url, "--data-file", "/dev/zero"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    // Standard input.
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["send", &url, "--data-file", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"from stdin").await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(body(&out), "from stdin");
}

/// Credentials in the URL go out as `Authorization: Basic`, as curl sends
/// them (they were dropped: a 401), and leave the URL: the demo server's
/// /basic-auth answers 200, the request line and the report have no
/// password, and the warning says what was done (HTTP/1.1 and h2c).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_in_the_url_are_sent_as_basic_auth() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let host = d.base_url().trim_start_matches("http://").to_string();
    let url = format!("http://user:passwd@{host}/basic-auth/user/passwd");
    for extra in [&[][..], &["--http2-prior-knowledge"][..]] {
        let mut args = vec![url.as_str(), "--format", "json"];
        args.extend(extra);
        let out = run(&args).await;
        let doc = &ok_json_lines(&out)[0];
        assert_eq!(doc["status"], 200, "{extra:?}");
        assert!(
            !doc["url"].as_str().unwrap().contains("user:passwd@"),
            "{doc}"
        );
        let warned = doc["warnings"].as_array().unwrap();
        assert!(
            warned
                .iter()
                .any(|w| w.as_str().unwrap().contains("sent as Authorization: Basic")),
            "{warned:?}"
        );
    }
    let out = run(&[&url, "--format", "json"]).await;
    let wire = sent(&ok_json_lines(&out)[0]);
    assert!(
        wire.starts_with("GET /basic-auth/user/passwd HTTP/1.1\r\n"),
        "{wire}"
    );
    assert!(
        wire.contains("Authorization: Basic dXNlcjpwYXNzd2Q=\r\n"),
        "{wire}"
    );
}

/// curl's flags that change nothing about the request are named, not
/// dropped silently; its `-f` is taken as `--fail` (exit 40 on a 404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_output_flags_are_named_and_its_fail_is_taken() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let cmd = format!("curl -f -s -o /dev/null {}/status/404", d.base_url());
    let out = run(&["--curl", &cmd, "--print", "timing"]).await;
    assert_eq!(out.status.code(), Some(40));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no effect on the request: -s -o"), "{err}");
    let cmd = format!("curl {}/status/404", d.base_url());
    let out = run(&["--curl", &cmd, "--print", "timing"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no effect"));
}
