//! `send`'s reports written as they are made (issue 13, item 4): the
//! streamed `--format json` lines are byte for byte what the whole-`Value`
//! code made (kept below as the oracle), the streamed `--har` file is the
//! session HAR `har_session` builds and validates, and a HAR file that
//! cannot be created stops `send` before any request.

use crate::common;

use base64::Engine as _;
use serde_json::{json, Value};
use wirescope::decode::coding::DecodeLimits;
use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::formats::{har_session, validate_har, HarWriter, Redaction};
use wirescope::report;
use wirescope::wire::policy::{self, Cause, Flow, Stop};
use wirescope::wire::{Exchange, HttpVersion, Probe, RequestSpec, Session};

async fn demo() -> DemoServer {
    DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server")
}

fn url(d: &DemoServer, path: &str) -> String {
    format!("{}{path}", d.base_url())
}

/// The `--format json` document as the code before streaming built it:
/// one `Value`, every base64 string whole.
fn old_exchange_with(ex: &Exchange, limits: DecodeLimits) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let t = &ex.transcript;
    let resp = ex.response.as_ref();
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    json!({
        "url": ex.url,
        "method": ex.method,
        "http_version": resp.map(|r| r.version.clone()),
        "status": resp.map(|r| r.status),
        "reason": resp.map(|r| r.reason.clone()),
        "headers": resp.map(|r| r.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>()),
        "headers_b64": resp.map(|r| r.raw_headers.iter().map(|(n, v)| json!([b64(n), b64(v)])).collect::<Vec<_>>()),
        "interim": resp.map(|r| r.interim.iter().map(|i| json!({
            "status": i.status,
            "reason": i.reason,
            "headers": i.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "server_timing": resp.map(|r| wirescope::explain::server_timing::of_headers(&r.headers).0.iter().map(|m| json!({"name": m.name, "dur_ms": m.dur, "desc": m.desc})).collect::<Vec<_>>()).unwrap_or_default(),
        "body_len": resp.map(|r| r.body_len),
        "framing": resp.map(|r| format!("{:?}", r.framing)),
        "body_layout": resp
            .filter(|r| r.framing != wirescope::wire::exchange::Framing::Http2)
            .map(|r| {
                let l = &r.body_layout;
                json!({
                    "range": [l.range.start, l.range.end],
                    "chunks": l.chunks.iter().map(|c| json!([c.size_line.start, c.size_line.end, c.data.start, c.data.end])).collect::<Vec<_>>(),
                    "chunks_dropped": l.chunks_dropped,
                    "trailers": l.trailers.as_ref().map(|t| [t.start, t.end]),
                })
            }),
        "body": resp.map(|r| report::json::body(r, limits)),
        "sent_b64": b64(&t.sent),
        "received_b64": b64(&t.received),
        "sent_total": t.sent_total,
        "received_total": t.received_total,
        "sent_dropped": t.sent_dropped(),
        "received_dropped": t.received_dropped(),
        "truncated": t.truncated(),
        "chunks": t.chunks.iter().map(|c| json!({
            "dir": c.dir.name(),
            "at_ms": ms(c.at),
            "len": c.len,
        })).collect::<Vec<_>>(),
        "chunks_dropped": t.chunks_dropped,
        "timings": ex.timeline.har(),
        "curl_timings": ex.timeline.curl_points().iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "connection": ex.connection.as_ref().map(|c| {
            let mut v = json!({
                "id": c.id,
                "reused": c.reused,
                "remote": c.remote.to_string(),
                "local": c.local.map(|l| l.to_string()),
                "resolved": c.resolved.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "proxy": c.proxy.as_ref().map(report::proxy::json),
                "tcp": c.tcp,
                "failed_attempts": c.failed_attempts.iter().map(|(a, m)| json!([a.to_string(), m])).collect::<Vec<_>>(),
            });
            if let (Some(cap), Some(map)) = (&ex.h2, v.as_object_mut()) {
                let ct = &cap.connection;
                map.insert("sent_b64".into(), json!(b64(&ct.sent)));
                map.insert("received_b64".into(), json!(b64(&ct.received)));
                map.insert("sent_total".into(), json!(ct.sent_total));
                map.insert("received_total".into(), json!(ct.received_total));
                map.insert("frames_dropped".into(), json!(cap.dropped));
            }
            v
        }),
        "tls": ex.tls.as_ref().map(|t| json!({
            "version": t.version,
            "cipher": t.cipher,
            "alpn": t.alpn,
            "server_name": t.server_name,
            "chain": t.chain.iter().map(|c| json!({
                "subject": c.subject,
                "issuer": c.issuer,
                "not_before": c.not_before,
                "not_after": c.not_after,
                "san": c.san,
            })).collect::<Vec<_>>(),
            "handshake_records": t.handshake_records.iter().map(|r| json!({
                "dir": r.dir.name(),
                "at_ms": ms(r.at),
                "type": r.content_type,
                "len": r.len,
            })).collect::<Vec<_>>(),
        })),
        "protocol": ex.negotiated.as_ref().map(|n| json!({"version": n.version, "why": n.why})),
        "frames": report::h2view::frames(ex).map(|c| report::frames::json(&c, None)),
        "h3": ex.h3.as_ref().map(report::json::h3_json),
        "insecure": ex.insecure,
        "warnings": ex.warnings,
        "error": ex.error.as_ref().map(|e| json!({"phase": e.phase.name(), "message": e.message})),
    })
}

/// The lines `send --format json` wrote for a flow before streaming.
fn old_json_flow(flow: &Flow, spec: &RequestSpec, limits: DecodeLimits) -> String {
    let lints = report::lints::for_flow(spec, flow);
    let last = flow.hops.len().saturating_sub(1);
    let mut out = String::new();
    for (i, hop) in flow.hops.iter().enumerate() {
        let mut doc = old_exchange_with(&hop.exchange, limits);
        doc["hop"] = json!(hop.hop);
        doc["attempt"] = json!(hop.attempt);
        doc["cause"] = match &hop.cause {
            Cause::First => json!({"kind": "first"}),
            Cause::Redirect { status, rule } => {
                json!({"kind": "redirect", "status": status, "rule": rule})
            }
            Cause::Retry {
                attempt,
                waited,
                reason,
            } => json!({
                "kind": "retry", "attempt": attempt, "waited_ms": waited.as_secs_f64() * 1000.0, "reason": reason
            }),
        };
        doc["notes"] = json!(hop.notes);
        if i == last {
            doc["stopped"] = json!(flow.stopped.as_ref().map(Stop::message));
            doc["revalidation"] = json!(None::<&str>);
            doc["lints"] = lints
                .iter()
                .map(|l| json!({"severity": report::lints::severity_name(l.severity), "code": l.code, "message": l.message}))
                .collect();
        }
        out.push_str(&format!("{doc}\n"));
    }
    out
}

fn streamed(flow: &Flow, spec: &RequestSpec, limits: DecodeLimits) -> String {
    let lints = report::lints::for_flow(spec, flow);
    let mut out = Vec::new();
    report::json::write_flow(flow, &lints, None, limits, &mut out).expect("written");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// HTTP/1.1 with a body of many base64 pieces, h2c with one too, an
/// HTTP/1.1 redirect chain and a gzip body: each flow's streamed lines
/// against the oracle's.
async fn flows(d: &DemoServer) -> Vec<(RequestSpec, Flow)> {
    let big = 5 * report::stream::B64_PIECE as u64 + 1;
    let mut specs = vec![
        RequestSpec::get(url(d, &format!("/bytes/{big}"))),
        RequestSpec::get(url(d, &format!("/bytes/{big}?seed=7"))),
        RequestSpec::get(url(d, "/redirect/2")),
        RequestSpec::get(url(d, "/gzip")),
    ];
    specs[1].options.http = HttpVersion::Http2PriorKnowledge;
    specs[2].options.redirects.follow = true;
    let session = Session::new();
    let mut out = Vec::new();
    for spec in specs {
        let flow = policy::run(&session, &spec, &mut |_| Probe::none()).await;
        out.push((spec, flow));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_json_is_what_the_whole_value_made() {
    let d = demo().await;
    let limits = DecodeLimits::default();
    let flows = flows(&d).await;
    let (h1, h2, redirect) = (&flows[0].1, &flows[1].1, &flows[2].1);
    assert!(h1
        .last()
        .is_some_and(|e| e.h2.is_none() && e.error.is_none()));
    assert!(h2
        .last()
        .is_some_and(|e| e.h2.is_some() && e.error.is_none()));
    assert_eq!(redirect.hops.len(), 3);
    for (spec, flow) in &flows {
        let new = streamed(flow, spec, limits);
        let old = old_json_flow(flow, spec, limits);
        assert_eq!(new.lines().count(), flow.hops.len());
        assert!(
            new == old,
            "{}: streamed lines differ:\n{new}\n{old}",
            spec.url
        );
    }
    // The Value form for other callers is the same document.
    let ex = h2.last().expect("an exchange");
    assert_eq!(
        report::json::exchange_with(ex, limits),
        old_exchange_with(ex, limits)
    );
    // And the big body came through whole, in pieces.
    let doc: Value = serde_json::from_str(&streamed(h1, &flows[0].0, limits)).expect("JSON");
    let received = base64::engine::general_purpose::STANDARD
        .decode(doc["received_b64"].as_str().expect("received_b64"))
        .expect("base64");
    let body = &h1
        .last()
        .and_then(|e| e.response.as_ref())
        .expect("resp")
        .body;
    assert_eq!(body.len() as u64, 5 * report::stream::B64_PIECE as u64 + 1);
    assert!(received.ends_with(body));
}

/// Parsed back, so that numbers on both sides go through one parser.
fn reparsed(v: &Value) -> Value {
    serde_json::from_str(&v.to_string()).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_har_is_the_session_har() {
    let d = demo().await;
    let flows: Vec<Flow> = flows(&d).await.into_iter().map(|(_, f)| f).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    for redaction in [Redaction::On, Redaction::Off] {
        let path = dir.path().join("s.har");
        let mut w = HarWriter::create(&path, redaction).expect("created");
        for f in &flows {
            w.flow(f).expect("flow written");
        }
        w.finish().expect("finished");
        let text = std::fs::read_to_string(&path).expect("read back");
        let file: Value = serde_json::from_str(&text).expect("the HAR is JSON");
        assert_eq!(validate_har(&file), Ok(()));
        // Indented as to_string_pretty would have (objects' key order
        // aside: entries come before pages), each entry on one line.
        assert!(text.starts_with(
            "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\n      \"name\""
        ));
        let whole = har_session(&flows, redaction);
        assert_eq!(file, reparsed(&whole));
        let lines = text
            .lines()
            .filter(|l| l.starts_with("      {") && l.contains("\"pageref\""))
            .count();
        let entries = file["log"]["entries"].as_array().expect("entries");
        assert_eq!(lines, entries.len(), "{text}");
        let hops: usize = flows.iter().map(|f| f.hops.len()).sum();
        assert_eq!(entries.len(), hops);
        assert_eq!(
            file["log"]["pages"].as_array().map(Vec::len),
            Some(flows.len())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_har_has_one_entry_per_exchange() {
    let d = demo().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let har = dir.path().join("run.har");
    let (a, b, c) = (
        url(&d, "/bytes/20000"),
        url(&d, "/redirect/2"),
        url(&d, "/get"),
    );
    let out = common::send_cmd(&[
        "-L",
        "--format",
        "json",
        "--har",
        har.to_str().expect("utf-8 path"),
        &a,
        &b,
        &c,
    ])
    .await;
    let lines = common::ok_json_lines(&out);
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&har).expect("HAR written")).expect("JSON");
    assert_eq!(validate_har(&file), Ok(()));
    let entries = file["log"]["entries"].as_array().expect("entries");
    assert_eq!(lines.len(), 5);
    assert_eq!(entries.len(), lines.len());
    let pagerefs: Vec<_> = entries.iter().map(|e| e["pageref"].as_str()).collect();
    assert_eq!(
        pagerefs,
        ["page_1", "page_2", "page_2", "page_2", "page_3"].map(Some)
    );
    // The binary body, base64 in the HAR, is the body the JSON recorded.
    let content = &entries[0]["response"]["content"];
    assert_eq!(content["encoding"], "base64");
    let b64 = base64::engine::general_purpose::STANDARD;
    let har_body = b64
        .decode(content["text"].as_str().expect("text"))
        .expect("base64");
    let received = b64
        .decode(lines[0]["received_b64"].as_str().expect("received_b64"))
        .expect("base64");
    assert_eq!(har_body.len(), 20000);
    assert!(received.ends_with(&har_body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_har_file_that_cannot_be_created_stops_send_before_any_request() {
    let server = common::canned(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let har = dir.path().join("no-such-dir").join("run.har");
    let url = server.url("/");
    let out = common::send_cmd(&["--har", har.to_str().expect("utf-8 path"), &url]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("--har: cannot create") && stderr.contains("run.har"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(server.accepted(), 0, "a request was sent");
}
