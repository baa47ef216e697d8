//! `wirescope send`'s body options, as a user runs them: the real binary
//! against the in-process demo server and purpose-built servers. gzip,
//! deflate, br and zstd round trips, `--save-body`, `--save-wire`,
//! `--compress-body`, `--accept-encoding`, the JSON `body` field, a bomb
//! stopped at `--max-decoded`, a truncated gzip, and a body past the
//! memory cap spilled to a temporary file that is gone at exit.

use crate::common;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use wirescope::decode::coding::{encode, Coding};
use wirescope::demo::{DemoConfig, DemoServer};

async fn demo() -> DemoServer {
    DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sha256(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_coding_of_the_demo_server_round_trips() {
    let d = demo().await;
    let dir = tempfile::tempdir().unwrap();
    for (endpoint, coding, flag) in [
        ("gzip", "gzip", "gzipped"),
        ("deflate", "deflate", "deflated"),
        ("brotli", "br", "brotli"),
        ("zstd", "zstd", "zstd"),
    ] {
        let file = dir.path().join(format!("{endpoint}.json"));
        let url = format!("{}/{endpoint}", d.base_url());
        let out = common::send_cmd(&[
            &url,
            "--format",
            "json",
            "--save-body",
            file.to_str().unwrap(),
        ])
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let doc = &common::json_lines(&out)[0];
        let body = &doc["body"];
        assert_eq!(body["content_encoding"], coding, "{body}");
        assert_eq!(body["truncated"], false);
        assert_eq!(body["error"], Value::Null);
        let saved = std::fs::read(&file).unwrap();
        let v: Value = serde_json::from_slice(&saved).expect("the saved body is the decoded JSON");
        assert_eq!(v[flag], true, "{endpoint}");
        assert_eq!(body["decoded_len"], saved.len() as u64);
        assert_eq!(body["decoded_sha256"], sha256(&saved));
        assert!(
            body["wire_len"].as_u64().unwrap() < saved.len() as u64,
            "{endpoint} is compressed on the wire"
        );
        assert_eq!(body["wire_len"], doc["body_len"]);
        // The text report undoes it too and says both sizes.
        let out = common::send_cmd(&[&url, "--print", "body"]).await;
        let text = stdout(&out);
        assert!(
            text.contains(&format!("[Content-Encoding: {coding} · ")),
            "{text}"
        );
        assert!(text.contains(&format!("\"{flag}\": true")), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_encoding_and_a_compressed_request_body_are_on_the_wire() {
    let d = demo().await;
    let url = format!("{}/echo-raw", d.base_url());
    let dir = tempfile::tempdir().unwrap();
    let data = r#"{"compressed":"request body","n":[1,2,3]}"#;
    for (arg, coding) in [
        ("gzip", Coding::Gzip),
        ("deflate", Coding::Deflate),
        ("br", Coding::Br),
        ("zstd", Coding::Zstd),
    ] {
        let wire = dir.path().join(arg);
        let out = common::send_cmd(&[
            "POST",
            &url,
            "-d",
            data,
            "--compress-body",
            arg,
            "--accept-encoding",
            "gzip, br",
            "--save-wire",
            wire.to_str().unwrap(),
        ])
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let sent = std::fs::read(wire.join("sent.bin")).unwrap();
        let received = std::fs::read(wire.join("received.bin")).unwrap();
        let head_end = sent.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&sent[..head_end]);
        assert!(head.contains("Accept-Encoding: gzip, br\r\n"), "{head}");
        assert!(
            head.contains(&format!("Content-Encoding: {}\r\n", coding.name())),
            "{head}"
        );
        let body = &sent[head_end..];
        assert_eq!(body, encode(coding, data.as_bytes()).unwrap(), "{arg}");
        let mut plain = Vec::new();
        wirescope::decode::coding::decode_into(&[coding], Box::new(body), &mut plain, 1 << 20);
        assert_eq!(plain, data.as_bytes());
        // The server saw exactly those bytes.
        assert!(received.windows(body.len()).any(|w| w == body), "{arg}");
        assert!(stderr(&out).contains("sent.bin"), "{}", stderr(&out));
    }
    let out = common::send_cmd(&[&url, "--compress-body", "gzip"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("--compress-body needs a body"),
        "{}",
        stderr(&out)
    );
}

/// A server answering every request with `head` and `body`.
async fn canned(head: String, body: Vec<u8>) -> common::TestServer {
    let head = std::sync::Arc::new(head.into_bytes());
    let body = std::sync::Arc::new(body);
    common::serve(move |mut s| {
        let (head, body) = (head.clone(), body.clone());
        async move {
            common::read_head(&mut s).await;
            let _ = s.write_all(&head).await;
            let _ = s.write_all(&body).await;
            let _ = s.shutdown().await;
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bomb_stops_at_max_decoded() {
    // 40 gzip members of 1 MiB of zeros: 40 MiB decoded from ~40 KiB.
    let member = encode(Coding::Gzip, &vec![0u8; 1 << 20]).unwrap();
    let bomb = member.repeat(40);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bomb.len()
    );
    let server = canned(head, bomb).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.bin");
    let out = common::send_cmd(&[
        &server.url("/bomb"),
        "--format",
        "json",
        "--max-decoded",
        "1000000",
        "--save-body",
        file.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body = &common::json_lines(&out)[0]["body"];
    assert_eq!(body["decoded_len"], 1_000_000);
    assert_eq!(body["truncated"], true);
    assert_eq!(body["limit_reached"], true);
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 1_000_000);
    assert!(
        stderr(&out).contains("decoded size limit reached at 1000000 bytes"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_gzip_reports_the_error_and_keeps_the_raw_bytes() {
    let plain: String = (0..2000)
        .map(|i| format!("{{\"truncated\": \"sure\", \"i\": {i}}}\n"))
        .collect();
    let full = encode(Coding::Gzip, plain.as_bytes()).unwrap();
    let cut = full[..full.len() / 2].to_vec();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        cut.len()
    );
    let server = canned(head, cut.clone()).await;
    let out = common::send_cmd(&[&server.url("/cut"), "--format", "json"]).await;
    let doc = &common::json_lines(&out)[0];
    let body = &doc["body"];
    assert_eq!(body["truncated"], true);
    let err = body["error"].as_str().unwrap();
    assert!(
        err.starts_with("gzip: the compressed data ends early (truncated)"),
        "{err}"
    );
    // The raw bytes are all there, in the wire record.
    let received = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        doc["received_b64"].as_str().unwrap(),
    )
    .unwrap();
    assert!(received.ends_with(&cut));
    let out = common::send_cmd(&[&server.url("/cut"), "--print", "body"]).await;
    let text = stdout(&out);
    assert!(
        text.contains("truncated") && text.contains("\"truncated\": \"sure\""),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_past_the_memory_cap_is_saved_whole_and_its_temp_file_removed() {
    let d = demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("big.bin");
    let wire = out_dir.path().join("wire");
    let url = format!("{}/bytes/600000?seed=7", d.base_url());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .env("TMPDIR", tmp.path())
        .args(["send", &url, "--max-body", "65536", "--format", "json"])
        .args([
            "--save-body",
            file.to_str().unwrap(),
            "--save-wire",
            wire.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let saved = std::fs::read(&file).unwrap();
    assert_eq!(
        saved.len(),
        600_000,
        "the whole body, not the 64 KiB kept in memory"
    );
    let doc = &common::json_lines(&out)[0];
    assert_eq!(doc["body"]["decoded_len"], 600_000);
    assert_eq!(doc["body"]["truncated"], false);
    assert_eq!(doc["body"]["decoded_sha256"], sha256(&saved));
    // The same bytes as a second, independent fetch.
    let again = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert_eq!(saved, again.as_ref());
    // --save-wire keeps what was recorded and says what was not kept.
    let received = std::fs::metadata(wire.join("received.bin")).unwrap().len();
    assert!(
        received < 600_000,
        "the transcript keeps the head cap plus --max-body"
    );
    assert!(stderr(&out).contains("were not kept"), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_spills_a_large_body_and_removes_the_file_when_dropped() {
    let d = demo().await;
    let mut spec = wirescope::wire::RequestSpec::get(format!("{}/bytes/500000", d.base_url()));
    spec.options.limits.max_body_kept = 100_000;
    spec.options.limits.spill = wirescope::wire::Spill::TempFile;
    let session = wirescope::wire::Session::new();
    let ex = session.send(&spec, wirescope::wire::Probe::none()).await;
    let resp = ex.response.as_ref().expect("a response");
    let file = resp
        .body_file
        .as_ref()
        .expect("spilled to a temporary file");
    assert_eq!(file.file().metadata().unwrap().len(), 500_000);
    let body = wirescope::decode::body::decode_response(
        resp,
        wirescope::decode::coding::DecodeLimits::capped(1 << 30),
    );
    assert_eq!(body.shown().len(), 500_000);
    assert_eq!(
        &body.shown().read_at(0, 100_000).unwrap()[..],
        &resp.body[..]
    );
    drop(body);
    drop(ex);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_options_take_one_url() {
    let out = common::send_cmd(&[
        "http://127.0.0.1:1/a",
        "http://127.0.0.1:1/b",
        "--save-body",
        "x",
    ])
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("take one URL"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_codings_and_max_decoded_reach_every_report() {
    let plain = b"four layers deep ".repeat(20);
    let mut wire = plain.clone();
    for _ in 0..4 {
        wire = encode(Coding::Gzip, &wire).unwrap();
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip, gzip, gzip, gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        wire.len()
    );
    let server = canned(head, wire).await;
    let url = server.url("/deep");

    // By default four codings are one too many: refused, naming the flag.
    let out = common::send_cmd(&[&url, "--print", "body"]).await;
    assert!(
        stdout(&out).contains("stacks 4 codings") && stdout(&out).contains("--max-codings"),
        "{}",
        stdout(&out)
    );
    // Allowed: the text preview and the JSON body are decoded.
    let out = common::send_cmd(&[&url, "--print", "body", "--max-codings", "4"]).await;
    assert!(
        stdout(&out).contains("four layers deep"),
        "{}",
        stdout(&out)
    );
    let out = common::send_cmd(&[&url, "--format", "json", "--max-codings", "4"]).await;
    let body = &common::json_lines(&out)[0]["body"];
    assert_eq!(body["decoded_len"], plain.len());
    assert_eq!(body["error"], serde_json::Value::Null);
    // --max-decoded bounds the text preview too.
    let out = common::send_cmd(&[
        &url,
        "--print",
        "body",
        "--max-codings",
        "4",
        "--max-decoded",
        "10",
    ])
    .await;
    assert!(
        stdout(&out).contains("10+ bytes decoded") && !stdout(&out).contains("four layers deep"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_interim_is_a_flag_and_its_error_names_it() {
    let head = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n".repeat(3)
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n";
    let server = canned(head, b"ok".to_vec()).await;
    let url = server.url("/hints");
    let out = common::send_cmd(&[&url, "--max-interim", "2"]).await;
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("more than 2 interim (1xx) responses (the --max-interim limit)"),
        "{}",
        stderr(&out)
    );
    let out = common::send_cmd(&[&url, "--max-interim", "3", "--print", "response"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("200 OK"), "{}", stdout(&out));
}
