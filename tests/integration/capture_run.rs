//! How a capture run ends and what it leaves: Ctrl-C and SIGTERM end the
//! program (SIGTERM, SIGKILL after the grace) and remove the CA; `--har`
//! writes a valid HAR whose entries are the program's bytes; `wirescope
//! proxy` serves a program started by someone else, and refuses to
//! listen beyond loopback.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr};

use crate::capture::{b64, capture, have, recording_upstream, stderr};

fn start(args: &[&str]) -> Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start wirescope")
}

/// Reads stderr lines until one contains `what`; all lines so far.
async fn until(err: &mut BufReader<ChildStderr>, what: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let read = async {
        let mut line = String::new();
        loop {
            line.clear();
            match err.read_line(&mut line).await {
                Ok(0) | Err(_) => panic!("stderr ended before {what:?}: {seen:?}"),
                Ok(_) => {
                    seen.push(line.trim_end().to_string());
                    if line.contains(what) {
                        return;
                    }
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("the line in time");
    seen
}

/// The CA directory named in the "proxy on …; this run's CA in DIR" line.
fn ca_dir(lines: &[String]) -> PathBuf {
    let l = lines
        .iter()
        .find(|l| l.contains("this run's CA in "))
        .expect("the CA line");
    let rest = l.split("this run's CA in ").nth(1).expect("dir");
    PathBuf::from(rest.split(" (deleted").next().expect("dir"))
}

fn signal(child: &Child, sig: i32) {
    let pid = child.id().expect("running") as i32;
    // SAFETY: kill(2) on our own live child.
    unsafe {
        libc::kill(pid, sig);
    }
}

async fn ends(child: Child) -> std::process::Output {
    tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("wirescope ended in time")
        .expect("wait")
}

/// Ctrl-C sent to wirescope alone (not the program's process group): the
/// program is ended with SIGTERM — its status (128 + 15) becomes ours —
/// and the CA directory is gone.
#[tokio::test]
async fn ctrl_c_ends_the_program_with_sigterm_and_removes_the_ca() {
    let mut run = start(&[
        "capture",
        "--",
        "sh",
        "-c",
        "echo started >&2; exec sleep 30",
    ]);
    let mut err = BufReader::new(run.stderr.take().expect("stderr"));
    let lines = until(&mut err, "started").await;
    let dir = ca_dir(&lines);
    assert!(dir.exists());
    signal(&run, libc::SIGINT);
    run.stderr = Some(err.into_inner());
    let out = ends(run).await;
    assert_eq!(out.status.code(), Some(128 + 15), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Ctrl-C: ending the program"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.exists(), "{} outlived the run", dir.display());
}

/// A program that ignores SIGTERM is killed after the grace period.
#[tokio::test]
async fn sigterm_ignored_by_the_program_is_followed_by_sigkill() {
    let mut run = start(&[
        "capture",
        "--",
        "sh",
        "-c",
        "trap '' TERM; echo started >&2; exec sleep 30",
    ]);
    let mut err = BufReader::new(run.stderr.take().expect("stderr"));
    let lines = until(&mut err, "started").await;
    let dir = ca_dir(&lines);
    signal(&run, libc::SIGTERM);
    run.stderr = Some(err.into_inner());
    let out = ends(run).await;
    assert_eq!(out.status.code(), Some(128 + 9), "{}", stderr(&out));
    assert!(stderr(&out).contains("SIGKILL"), "{}", stderr(&out));
    assert!(!dir.exists());
}

/// `--har`: a valid HAR, one entry per captured exchange, whose request
/// bytes are the program's (credentials masked, as in every HAR), with
/// the program's connection and the upstream leg beside them.
#[tokio::test]
async fn har_has_the_programs_exchanges_with_their_connection() {
    if !have("curl") {
        return;
    }
    let (srv, seen) = recording_upstream().await;
    let dir = tempfile::tempdir().expect("tmp");
    let har = dir.path().join("c.har");
    let url = srv.url("/a");
    let out = capture(&[
        "--har",
        har.to_str().expect("path"),
        "--",
        "curl",
        "-s",
        "-H",
        "Authorization: Bearer s3cret",
        &url,
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&har).expect("the HAR")).expect("JSON");
    wirescope::formats::har_validate::validate_har(&doc).expect("valid HAR 1.2");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    // One curl, two URLs: one connection, reused for the second.
    assert_eq!(entries[0]["_client"]["reused"], false);
    assert_eq!(entries[1]["_client"]["reused"], true);
    assert_eq!(
        entries[0]["_client"]["connection"],
        entries[1]["_client"]["connection"]
    );
    assert_eq!(
        seen.lock().expect("lock").len(),
        1,
        "upstream saw one connection"
    );
    let text = doc.to_string();
    assert!(!text.contains("s3cret"), "the token is masked");
    let auth = entries[0]["request"]["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|h| h["name"] == "Authorization")
        .expect("the header is there");
    assert_ne!(auth["value"], "Bearer s3cret");
    let upstream_sent = b64(&entries[0]["_upstream"], "sent_b64");
    assert!(String::from_utf8_lossy(&upstream_sent).starts_with("GET /a HTTP/1.1\r\n"));
}

/// `wirescope proxy`: prints what to export; a program started with those
/// variables is captured; Ctrl-C stops it cleanly and removes the CA.
#[tokio::test]
async fn proxy_serves_a_program_started_elsewhere() {
    if !have("curl") {
        return;
    }
    let (srv, _) = recording_upstream().await;
    let mut run = start(&["proxy", "--format", "json"]);
    let mut err = BufReader::new(run.stderr.take().expect("stderr"));
    let lines = until(&mut err, "export SSL_CERT_FILE=").await;
    let dir = ca_dir(&lines);
    let exported = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .map(|v| v.trim_matches('\'').to_string())
            .unwrap_or_else(|| panic!("{name} exported: {lines:?}"))
    };
    let proxy = exported("http_proxy");
    assert!(proxy.starts_with("http://127.0.0.1:"), "{proxy}");
    let curl = tokio::process::Command::new("curl")
        .args(["-s", &srv.url("/b")])
        .env("http_proxy", &proxy)
        .output()
        .await
        .expect("curl");
    assert_eq!(curl.stdout, b"ok\n");
    // The exchange's line is on stdout by the time curl has its answer
    // (give it a moment to be written), then stop.
    let mut out = BufReader::new(run.stdout.take().expect("stdout"));
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(20), out.read_line(&mut line))
        .await
        .expect("a line in time")
        .expect("read");
    let doc: Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(doc["url"], srv.url("/b").as_str());
    assert_eq!(doc["status"], 200);
    signal(&run, libc::SIGINT);
    run.stderr = Some(err.into_inner());
    let end = ends(run).await;
    assert_eq!(end.status.code(), Some(0), "{}", stderr(&end));
    assert!(!dir.exists());
}

#[tokio::test]
async fn proxy_refuses_to_listen_beyond_loopback() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["proxy", "--listen", "0.0.0.0:0"])
        .output()
        .await
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("loopback only"), "{}", stderr(&out));
}
