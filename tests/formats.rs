//! `wirescope::formats` from the outside: HAR 1.2 from hand-built
//! exchanges (fields, timing rules, sums), and the on-disk history
//! (record, reopen, search, bounds, redaction checked on the file's bytes,
//! no temp files left behind; corrupt files: `src/formats/history_tests.rs`).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::Value;
use wirescope::formats::{har, wire_view, History, HistoryLimits, Redaction};
use wirescope::wire::error::{ErrorPhase, WireError};
use wirescope::wire::exchange::{ConnectionInfo, Framing, Negotiated, Response};
use wirescope::wire::{Exchange, Mark, Timeline, Transcript};

const T0_MS: u64 = 1_709_210_096_789; // 2024-02-29T12:34:56.789Z

/// An HTTP/1.1 exchange as the engine would record it, from its bytes
/// and marks (milliseconds).
fn exchange(url: &str, sent: &[u8], received: &[u8], marks: &[(Mark, u64)], tls: bool) -> Exchange {
    let mut timeline = Timeline::new(UNIX_EPOCH + Duration::from_millis(T0_MS));
    timeline.tls = tls;
    timeline.reused = !marks.iter().any(|(m, _)| *m == Mark::DnsDone);
    for (m, at) in marks {
        timeline.mark(*m, Duration::from_millis(*at));
    }
    let response = wire_view::head_end(received).map(|head_len| {
        let (start, headers) = wire_view::parse_head(&received[..head_len]);
        let mut parts = start.splitn(3, ' ').map(str::to_string);
        let version = parts.next().unwrap_or_default();
        let status = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let reason = parts.next().unwrap_or_default();
        let body = received[head_len..].to_vec();
        Response {
            version,
            status,
            reason,
            headers,
            interim: Vec::new(),
            head_start: 0,
            head_len,
            framing: Framing::ContentLength(body.len() as u64),
            body_len: body.len() as u64,
            body,
            chunk_count: 0,
            body_file: None,
        }
    });
    let method = String::from_utf8_lossy(sent.split(|b| *b == b' ').next().unwrap_or_default());
    let remote: SocketAddr = "127.0.0.1:8443".parse().expect("addr");
    Exchange {
        method: method.into_owned(),
        url: url.into(),
        transcript: Transcript {
            sent: sent.to_vec(),
            received: received.to_vec(),
            sent_total: sent.len() as u64,
            received_total: received.len() as u64,
            chunks: Vec::new(),
            chunks_dropped: 0,
        },
        timeline: timeline.clone(),
        response,
        connection: Some(ConnectionInfo {
            id: 7,
            reused: timeline.reused,
            remote,
            local: None,
            resolved: vec![remote.ip()],
            failed_attempts: Vec::new(),
        }),
        tls: None,
        negotiated: Some(Negotiated {
            version: "HTTP/1.1",
            why: "plain http".into(),
        }),
        h2: None,
        insecure: false,
        warnings: vec!["a warning".into()],
        error: None,
    }
}

fn new_tls() -> Exchange {
    let sent = b"POST /submit?x=1&api_key=k3y HTTP/1.1\r\nHost: h.test\r\nAuthorization: Bearer SECRET-TOKEN-1\r\nCookie: sid=SECRET-COOKIE-2\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"k\":1}";
    let received = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: tok=SECRET-SET-3; Path=/; HttpOnly\r\nContent-Length: 5\r\n\r\nhello";
    let marks = [
        (Mark::DnsDone, 2),
        (Mark::Connected, 5),
        (Mark::TlsDone, 20),
        (Mark::Ready, 21),
        (Mark::RequestSent, 22),
        (Mark::FirstByte, 122),
        (Mark::Done, 130),
    ];
    exchange(
        "https://h.test/submit?x=1&api_key=SECRET-KEY-4",
        sent,
        received,
        &marks,
        true,
    )
}

fn reused_binary() -> Exchange {
    let sent = b"GET /bytes HTTP/1.1\r\nHost: h.test\r\n\r\n";
    let received = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n\xff\x00\xfe";
    let marks = [
        (Mark::Ready, 0),
        (Mark::RequestSent, 1),
        (Mark::FirstByte, 11),
        (Mark::Done, 12),
    ];
    exchange("https://h.test/bytes", sent, received, &marks, true)
}

fn failed() -> Exchange {
    let mut ex = exchange(
        "http://h.test/down",
        b"GET /down HTTP/1.1\r\n\r\n",
        b"",
        &[(Mark::DnsDone, 3)],
        false,
    );
    ex.error = Some(WireError::new(ErrorPhase::Connect, "connection refused"));
    ex
}

fn timing(e: &Value, k: &str) -> f64 {
    e["timings"][k].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn har_has_the_fields_and_timing_rules() {
    let doc = har(&[new_tls(), reused_binary(), failed()]);
    assert_eq!(doc["log"]["version"], "1.2");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    for e in entries {
        let phases = ["blocked", "dns", "connect", "send", "wait", "receive"];
        let sum: f64 = phases
            .iter()
            .map(|k| timing(e, k))
            .filter(|v| *v >= 0.0)
            .sum();
        assert!(
            (sum - e["time"].as_f64().unwrap_or(-1.0)).abs() < 1e-9,
            "{e}"
        );
        assert!(
            timing(e, "ssl") <= timing(e, "connect"),
            "ssl is inside connect"
        );
        for k in ["send", "wait", "receive"] {
            assert!(timing(e, k) >= 0.0, "HAR requires {k}");
        }
    }
    let e = &entries[0];
    assert_eq!(e["startedDateTime"], "2024-02-29T12:34:56.789Z");
    assert_eq!(e["time"], 130.0);
    let t: Vec<f64> = [
        "blocked", "dns", "connect", "ssl", "send", "wait", "receive",
    ]
    .iter()
    .map(|k| timing(e, k))
    .collect();
    assert_eq!(t, [1.0, 2.0, 18.0, 15.0, 1.0, 100.0, 8.0]);
    assert_eq!(e["serverIPAddress"], "127.0.0.1");
    assert_eq!(e["connection"], "7");
    let req = &e["request"];
    assert_eq!(req["method"], "POST");
    assert_eq!(req["httpVersion"], "HTTP/1.1");
    let names: Vec<&str> = req["headers"]
        .as_array()
        .expect("h")
        .iter()
        .filter_map(|h| h["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Host",
            "Authorization",
            "Cookie",
            "Content-Type",
            "Content-Length"
        ]
    );
    assert_eq!(req["cookies"][0]["name"], "sid");
    assert_eq!(
        req["queryString"][0],
        serde_json::json!({"name": "x", "value": "1"})
    );
    assert_eq!(req["postData"]["mimeType"], "application/json");
    assert_eq!(req["postData"]["text"], "{\"k\":1}");
    assert_eq!(req["bodySize"], 7);
    let resp = &e["response"];
    assert_eq!(
        (resp["status"].as_u64(), resp["statusText"].as_str()),
        (Some(200), Some("OK"))
    );
    assert_eq!(resp["content"]["text"], "hello");
    assert_eq!(resp["cookies"][0]["httpOnly"], true);
    assert_eq!(resp["cookies"][0]["path"], "/");
    let x = &e["_wirescope"];
    assert_eq!(x["protocol"]["version"], "HTTP/1.1");
    assert_eq!(
        (x["insecure"].as_bool(), x["warnings"][0].as_str()),
        (Some(false), Some("a warning"))
    );
    assert!(x["error"].is_null());

    let e = &entries[1];
    for k in ["dns", "connect", "ssl"] {
        assert_eq!(timing(e, k), -1.0, "a reused connection has no {k}");
    }
    let content = &e["response"]["content"];
    assert_eq!(content["encoding"], "base64");
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(
        b64.decode(content["text"].as_str().unwrap_or_default())
            .ok(),
        Some(vec![0xff, 0, 0xfe])
    );

    let e = &entries[2];
    assert_eq!(e["response"]["status"], 0);
    assert_eq!(e["_wirescope"]["error"]["phase"], "connect");
}

/// The file's text plus every base64 field decoded: a secret must be in
/// neither.
fn stored_bytes(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("history.jsonl")).expect("history file");
    let mut all = text.clone();
    for line in text.lines().skip(1) {
        let v: Value = serde_json::from_str(line).expect("entry json");
        for k in ["sent", "received", "request_body"] {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(v[k].as_str().unwrap_or_default())
                .expect("base64");
            all.push_str(&String::from_utf8_lossy(&raw));
        }
    }
    all
}

const SECRETS: [&str; 4] = [
    "SECRET-TOKEN-1",
    "SECRET-COOKIE-2",
    "SECRET-SET-3",
    "SECRET-KEY-4",
];

#[test]
fn history_records_reopens_searches_and_redacts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut h, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(note, None);
    for ex in [new_tls(), reused_binary(), failed()] {
        h.record(&ex, Redaction::On).expect("record");
    }
    let stored = stored_bytes(dir.path());
    for s in SECRETS {
        assert!(!stored.contains(s), "{s} reached the disk");
    }
    assert!(stored.contains("Bearer REDACTED") && stored.contains("api_key=REDACTED"));
    assert!(stored.contains("{\"k\":1}"), "bodies are kept");

    let (h2, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(note, None);
    assert_eq!(h2.entries(), h.entries());
    let e = &h2.entries()[0];
    assert_eq!(e.timeline(), new_tls().timeline);
    let received = String::from_utf8_lossy(&e.received).into_owned();
    assert!(received.starts_with("HTTP/1.1 200 OK\r\n") && received.ends_with("\r\n\r\nhello"));
    assert!(received.contains("Set-Cookie: tok=REDACTED; Path=/; HttpOnly\r\n"));
    assert_eq!(e.started_at(), UNIX_EPOCH + Duration::from_millis(T0_MS));
    assert_eq!(h2.search("post SUBMIT").len(), 1);
    assert_eq!(h2.search("h.test").len(), 3);
    assert_eq!(h2.search("refused").len(), 1);
    assert!(h2.search("no-such-thing").is_empty());

    let spec = h2.to_spec(0).expect("spec");
    assert_eq!(spec.method, "POST");
    assert_eq!(spec.url, "https://h.test/submit?x=1&api_key=REDACTED");
    assert_eq!(spec.body.as_deref(), Some(&b"{\"k\":1}"[..]));
    let names: Vec<&str> = spec.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Authorization", "Cookie", "Content-Type"],
        "Host and Content-Length are the engine's"
    );
    assert!(h2.to_spec(99).is_none());

    let plain = tempfile::tempdir().expect("tempdir");
    let (mut h, _) = History::open_at(plain.path(), HistoryLimits::default());
    h.record(&new_tls(), Redaction::Off).expect("record");
    let stored = stored_bytes(plain.path());
    assert!(
        SECRETS.iter().all(|s| stored.contains(s)),
        "Redaction::Off keeps everything"
    );
}

#[test]
fn history_is_bounded_oldest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = HistoryLimits {
        max_entries: 2,
        max_bytes: u64::MAX,
    };
    let (mut h, _) = History::open_at(dir.path(), limits);
    for ex in [new_tls(), reused_binary(), failed()] {
        h.record(&ex, Redaction::On).expect("record");
    }
    let urls: Vec<&str> = h.entries().iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, ["https://h.test/bytes", "http://h.test/down"]);

    // Sizes of each stored line, from an unbounded history.
    let all = tempfile::tempdir().expect("tempdir");
    let (mut h, _) = History::open_at(all.path(), HistoryLimits::default());
    for ex in [new_tls(), reused_binary(), failed()] {
        h.record(&ex, Redaction::On).expect("record");
    }
    let text = std::fs::read_to_string(all.path().join("history.jsonl")).expect("read");
    let sizes: Vec<u64> = text.lines().skip(1).map(|l| l.len() as u64 + 1).collect();
    let cap = sizes[0] + sizes[2];
    let limits = HistoryLimits {
        max_entries: 100,
        max_bytes: cap,
    };
    let (mut h, _) = History::open_at(all.path(), limits);
    let urls: Vec<&str> = h.entries().iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls,
        ["https://h.test/bytes", "http://h.test/down"],
        "reopening with a smaller cap drops the oldest"
    );
    h.record(&new_tls(), Redaction::On).expect("record");
    let text = std::fs::read_to_string(all.path().join("history.jsonl")).expect("read");
    let stored: u64 = text.lines().skip(1).map(|l| l.len() as u64 + 1).sum();
    assert!(stored <= cap, "{stored} > {cap}");
    let urls: Vec<&str> = h.entries().iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://h.test/down",
            "https://h.test/submit?x=1&api_key=REDACTED"
        ]
    );

    // Over the cap with its body: the heads are kept, the bodies go.
    let one = tempfile::tempdir().expect("tempdir");
    let mut received = b"HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n".to_vec();
    received.extend_from_slice(&[b'x'; 4000]);
    let marks = [(Mark::Ready, 0), (Mark::Done, 1)];
    let big = exchange(
        "http://h.test/big",
        b"GET /big HTTP/1.1\r\n\r\n",
        &received,
        &marks,
        false,
    );
    let limits = HistoryLimits {
        max_entries: 100,
        max_bytes: 3000,
    };
    let (mut h, _) = History::open_at(one.path(), limits);
    h.record(&big, Redaction::On).expect("record");
    let e = &h.entries()[0];
    assert!(e.received.ends_with(b"\r\n\r\n"), "head only");
    assert!(e.notes.iter().any(|n| n.contains("bodies not kept")));

    let tiny = HistoryLimits {
        max_entries: 10,
        max_bytes: 10,
    };
    let (mut h, _) = History::open_at(dir.path(), tiny);
    assert!(
        h.record(&new_tls(), Redaction::On).is_err(),
        "too big even without bodies"
    );
}

fn only_history_file(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_leave_no_temp_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A crash mid-write leaves a temp file; opening cleans it up.
    std::fs::write(dir.path().join(".history-crash.tmp"), "partial").expect("write");
    let (mut h, _) = History::open_at(dir.path(), HistoryLimits::default());
    for ex in [new_tls(), failed()] {
        h.record(&ex, Redaction::On).expect("record");
    }
    assert_eq!(only_history_file(dir.path()), ["history.jsonl"]);
    h.clear().expect("clear");
    let (h, _) = History::open_at(dir.path(), HistoryLimits::default());
    assert!(h.entries().is_empty());
}
