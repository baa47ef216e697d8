//! HAR 1.2 from the outside: fields and timing rules of hand-built
//! exchanges, credentials redacted unless asked, a session's pages with
//! every hop and attempt, and a live session against the demo server
//! with redirects and retries that validates and re-imports (validator
//! and import in detail: `formats_har_check.rs`).

use crate::formats_support;

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use formats_support::{exchange, failed, new_tls, reused_binary, SECRETS, T0_MS};
use serde_json::{json, Value};
use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::formats::{har, har_session, import_har, validate_har, HistoryEntry, Redaction};
use wirescope::wire::policy::{self, Cause, Flow, Hop};
use wirescope::wire::{Mark, Probe, RequestSpec, Session};

fn timing(e: &Value, k: &str) -> f64 {
    e["timings"][k].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn har_has_the_fields_and_timing_rules() {
    let doc = har(&[new_tls(), reused_binary(), failed()], Redaction::Off);
    assert_eq!(validate_har(&doc), Ok(()));
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
        (
            Some(false),
            Some("Content-Length was repeated (with the same value)")
        )
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

/// The document as text, with every `_wirescope` wire field decoded.
fn all_text(doc: &Value) -> String {
    let mut all = doc.to_string();
    for e in doc["log"]["entries"].as_array().into_iter().flatten() {
        for k in ["sent", "received"] {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(e["_wirescope"][k].as_str().unwrap_or_default())
                .expect("base64");
            all.push_str(&String::from_utf8_lossy(&raw));
        }
    }
    all
}

#[test]
fn credentials_are_redacted_unless_asked() {
    let mut ex = new_tls();
    // A warning quoting the URL (and so its credentials).
    ex.warnings.push(wirescope::wire::Warning::H2Host {
        value: ex.url.clone(),
    });
    let doc = har(std::slice::from_ref(&ex), Redaction::On);
    assert_eq!(validate_har(&doc), Ok(()));
    let all = all_text(&doc);
    for s in SECRETS {
        assert!(!all.contains(s), "{s} is in the redacted HAR");
    }
    let e = &doc["log"]["entries"][0];
    assert_eq!(
        e["request"]["url"],
        "https://h.test/submit?x=1&api_key=REDACTED"
    );
    assert_eq!(e["request"]["headers"][1]["value"], "Bearer REDACTED");
    assert_eq!(
        e["request"]["cookies"][0],
        json!({"name": "sid", "value": "REDACTED"})
    );
    assert_eq!(e["response"]["cookies"][0]["value"], "REDACTED");
    assert_eq!(e["request"]["queryString"][1]["value"], "REDACTED");
    assert_eq!(
        e["request"]["postData"]["text"], "{\"k\":1}",
        "bodies as sent"
    );
    assert_eq!(e["_wirescope"]["redacted"], true);
    assert!(doc["log"]["comment"]
        .as_str()
        .unwrap_or_default()
        .contains("redacted"));

    let doc = har(&[ex], Redaction::Off);
    let all = all_text(&doc);
    assert!(
        SECRETS.iter().all(|s| all.contains(s)),
        "Off keeps everything"
    );
    assert!(doc["log"]["comment"]
        .as_str()
        .unwrap_or_default()
        .contains("not redacted"));
}

fn hop(hop: u32, attempt: u32, cause: Cause, exchange: wirescope::wire::Exchange) -> Hop {
    Hop {
        hop,
        attempt,
        cause,
        notes: vec![
            "dropped Authorization on the way to https://h.test/submit?x=1&api_key=SECRET-KEY-4"
                .into(),
        ],
        exchange,
    }
}

fn ok_at(url: &str, status: &str, start_ms: u64) -> wirescope::wire::Exchange {
    let marks = [
        (Mark::DnsDone, 1),
        (Mark::Connected, 2),
        (Mark::Ready, 2),
        (Mark::RequestSent, 3),
        (Mark::FirstByte, 8),
        (Mark::Done, 9),
    ];
    let received = format!("HTTP/1.1 {status}\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n");
    let mut ex = exchange(
        url,
        b"GET /x HTTP/1.1\r\nHost: h.test\r\n\r\n",
        received.as_bytes(),
        &marks,
        false,
    );
    ex.timeline.started_at = UNIX_EPOCH + Duration::from_millis(T0_MS + start_ms);
    ex
}

#[test]
fn a_session_has_a_page_per_request_and_an_entry_per_hop() {
    let redirected = Flow {
        hops: vec![
            hop(
                1,
                1,
                Cause::First,
                ok_at("http://h.test/a?token=SECRET-KEY-4", "302 Found", 0),
            ),
            hop(
                2,
                1,
                Cause::Redirect {
                    status: 302,
                    rule: "GET stays GET".into(),
                },
                ok_at("http://h.test/next", "200 OK", 10),
            ),
        ],
        stopped: None,
        started_at: UNIX_EPOCH + Duration::from_millis(T0_MS),
    };
    let retried = Flow {
        hops: vec![
            hop(
                1,
                1,
                Cause::First,
                ok_at("http://h.test/r", "503 Busy", 100),
            ),
            hop(
                1,
                2,
                Cause::Retry {
                    attempt: 2,
                    waited: Duration::from_millis(250),
                    reason: "503".into(),
                },
                ok_at("http://h.test/r", "503 Busy", 360),
            ),
        ],
        stopped: Some(policy::Stop::Retry("gave up after 2 attempts: 503".into())),
        started_at: UNIX_EPOCH + Duration::from_millis(T0_MS + 100),
    };
    let doc = har_session(&[redirected, retried], Redaction::On);
    assert_eq!(validate_har(&doc), Ok(()), "{doc:#}");
    let pages = doc["log"]["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["id"], "page_1");
    assert_eq!(pages[0]["title"], "GET http://h.test/a?token=REDACTED");
    assert_eq!(
        pages[0]["pageTimings"]["onLoad"], 19.0,
        "to the end of the last hop"
    );
    assert_eq!(pages[1]["comment"], "gave up after 2 attempts: 503");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    let refs: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["pageref"].as_str())
        .collect();
    assert_eq!(refs, ["page_1", "page_1", "page_2", "page_2"]);
    let flow = &entries[1]["_wirescope"]["flow"];
    assert_eq!(
        (flow["hop"].as_u64(), flow["cause"]["kind"].as_str()),
        (Some(2), Some("redirect"))
    );
    assert_eq!(flow["cause"]["status"], 302);
    let flow = &entries[3]["_wirescope"]["flow"];
    assert_eq!(
        (
            flow["attempt"].as_u64(),
            flow["cause"]["waited_ms"].as_f64()
        ),
        (Some(2), Some(250.0))
    );
    assert!(
        !doc.to_string().contains("SECRET"),
        "notes and titles are redacted too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_session_validates_and_reimports() {
    let srv = DemoServer::start(DemoConfig::default())
        .await
        .expect("demo");
    let base = srv.base_url();
    let session = Session::new();
    let mut flows = Vec::new();
    // Two redirects ending where nothing is echoed: bodies are kept as they
    // crossed the wire, and an echo would hold the credentials.
    let mut redirect = RequestSpec::get(format!(
        "{base}/redirect-to?url=%2Fredirect-to%3Furl%3D%252Fstatus%252F204&token=SECRET-KEY-4"
    ));
    redirect.options.redirects.follow = true;
    redirect.headers = vec![("Authorization".into(), "Bearer SECRET-TOKEN-1".into())];
    let mut flaky = RequestSpec::get(format!("{base}/flaky?fail=1&key=formats-har"));
    flaky.options.retry.attempts = 3;
    flaky.options.retry.backoff = Duration::from_millis(10);
    let mut post = RequestSpec::get(format!("{base}/post"));
    post.method = "POST".into();
    post.body = Some(vec![0xff, 0, 1, 2]);
    for spec in [redirect, flaky, post] {
        flows.push(policy::run(&session, &spec, &mut |_| Probe::none()).await);
    }
    let hops: Vec<usize> = flows.iter().map(|f| f.hops.len()).collect();
    assert_eq!(
        hops,
        [3, 2, 1],
        "two redirects, one retry, one plain request"
    );
    let doc = har_session(&flows, Redaction::On);
    assert_eq!(validate_har(&doc), Ok(()), "{doc:#}");
    let all = all_text(&doc);
    assert!(!all.contains("SECRET"), "redacted through every hop");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 6);
    assert_eq!(entries[5]["request"]["postData"]["encoding"], "base64");
    for e in entries {
        assert_eq!(e["request"]["headers"][0]["name"], "Host", "wire order");
        let t = &e["timings"];
        for k in ["send", "wait", "receive"] {
            assert!(t[k].as_f64().is_some_and(|v| v >= 0.0), "{k}: {t}");
        }
    }
    let back = import_har(&doc).expect("import");
    let want: Vec<HistoryEntry> = flows
        .iter()
        .flat_map(|f| &f.hops)
        .map(|h| HistoryEntry::from_exchange(&h.exchange, Redaction::On))
        .collect();
    assert_eq!(back, want);
}
