//! HAR 1.2 checked and read back: the validator against documents
//! broken one rule at a time, and import into history entries — ours
//! (exactly the entries recording makes) and a browser's (timings turned
//! back into marks, no wire bytes).

use crate::formats_support;

use std::time::Duration;

use formats_support::{failed, new_tls, reused_binary, T0_MS};
use serde_json::{json, Value};
use wirescope::formats::{har, import_har, validate_har, HistoryEntry, Redaction};

/// A change that breaks a HAR document.
type Edit = Box<dyn Fn(&mut Value)>;

/// Applies `edit` to a copy of a valid document and returns the errors.
fn broken(edit: impl Fn(&mut Value)) -> Vec<String> {
    let mut doc = har(&[new_tls(), reused_binary(), failed()], Redaction::On);
    doc["log"]["pages"] = json!([{"startedDateTime": "2024-02-29T12:34:56.789Z", "id": "p",
        "title": "t", "pageTimings": {}}]);
    doc["log"]["entries"][0]["pageref"] = json!("p");
    assert_eq!(validate_har(&doc), Ok(()));
    edit(&mut doc);
    validate_har(&doc).err().unwrap_or_default()
}

#[test]
fn the_validator_finds_what_breaks_har() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|d| {
                d["log"]["entries"][0]["request"]
                    .as_object_mut()
                    .map(|o| o.remove("method"))
                    .map_or((), drop)
            }),
            "log.entries[0].request.method: is required",
        ),
        (
            Box::new(|d| d["log"]["entries"][1]["timings"]["send"] = json!(-1)),
            "log.entries[1].timings.send: must be a number >= 0",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["timings"]["ssl"] = json!(500)),
            "log.entries[0].timings.ssl: is part of connect",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["timings"]["dns"] = json!(-0.5)),
            "log.entries[0].timings.dns: -0.5 is neither -1",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["time"] = json!(1)),
            "log.entries[0].timings: the phases add up to 130",
        ),
        (
            Box::new(|d| d["log"]["entries"][2]["startedDateTime"] = json!("yesterday")),
            "log.entries[2].startedDateTime: \"yesterday\" is not",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["pageref"] = json!("nope")),
            "log.entries[0].pageref: no page has id \"nope\"",
        ),
        (
            Box::new(|d| {
                let p = d["log"]["pages"][0].clone();
                d["log"]["pages"]
                    .as_array_mut()
                    .map(|a| a.push(p))
                    .map_or((), drop)
            }),
            "log.pages[1].id: \"p\" is not unique",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["response"]["headersSize"] = json!(1.5)),
            "log.entries[0].response.headersSize: must be an integer",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["request"]["headers"][0]["value"] = json!(7)),
            "log.entries[0].request.headers[0].value: must be a string",
        ),
        (
            Box::new(|d| {
                d["log"]["entries"][0]["response"]["cookies"][0]["httpOnly"] = json!("yes")
            }),
            "httpOnly: must be true or false",
        ),
        (
            Box::new(|d| d["log"]["entries"][0]["cache"] = json!([])),
            "log.entries[0].cache: must be an object",
        ),
        (
            Box::new(|d| d["log"]["creator"] = json!({"name": "x"})),
            "log.creator.version: is required",
        ),
        (
            Box::new(|d| d["log"]["version"] = json!("2.0")),
            "log.version: \"2.0\" is not 1.1 or 1.2",
        ),
        (
            Box::new(|d| d["log"]["entries"] = json!({})),
            "log.entries: must be an array",
        ),
        (
            Box::new(|d| *d = json!([])),
            "(document): must be an object",
        ),
    ];
    for (edit, want) in cases {
        let errors = broken(edit);
        assert!(
            errors.iter().any(|e| e.contains(want)),
            "{want:?} not in {errors:#?}"
        );
    }
    // Every problem is reported, not just the first.
    let errors = broken(|d| {
        d["log"]["entries"][0]["timings"]["wait"] = json!("slow");
        d["log"]["entries"][2]["response"]["status"] = json!(null);
    });
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn our_har_comes_back_as_the_history_entries_it_was_made_from() {
    let exchanges = [new_tls(), reused_binary(), failed()];
    for redaction in [Redaction::On, Redaction::Off] {
        let text = har(&exchanges, redaction).to_string();
        let doc: Value = serde_json::from_str(&text).expect("json");
        let got = import_har(&doc).expect("import");
        let want: Vec<HistoryEntry> = exchanges
            .iter()
            .map(|e| HistoryEntry::from_exchange(e, redaction))
            .collect();
        assert_eq!(got, want, "{redaction:?}");
    }
}

#[test]
fn a_browser_har_imports_with_timings_and_without_bytes() {
    let doc = json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [], "entries": [{
        "startedDateTime": "2024-02-29T13:34:56.789+01:00",
        "time": 60.5,
        "request": {"method": "POST", "url": "https://api.example/v1?x=1", "httpVersion": "h2",
            "headers": [{"name": ":method", "value": "POST"}, {"name": "content-type", "value": "application/json"},
                        {"name": "authorization", "value": "Bearer abc"}],
            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 7,
            "postData": {"mimeType": "application/json", "text": "{\"a\":1}"}},
        "response": {"status": 201, "statusText": "", "httpVersion": "h2",
            "headers": [{"name": "content-type", "value": "application/json"}], "cookies": [],
            "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
            "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 300},
        "cache": {}, "serverIPAddress": "[2001:db8::1]", "connection": "4242",
        "timings": {"blocked": 0.5, "dns": 10, "ssl": 20, "connect": 30, "send": 1, "wait": 15, "receive": 4}
    }]}});
    assert_eq!(validate_har(&doc), Ok(()));
    let got = import_har(&doc).expect("import");
    let e = &got[0];
    assert_eq!(
        (e.at_ms, e.method.as_str(), e.status),
        (T0_MS, "POST", Some(201))
    );
    assert_eq!(e.request_headers.len(), 2, "pseudo-headers are left out");
    assert_eq!(e.request_body, b"{\"a\":1}");
    assert_eq!(e.connection_id, Some(4242));
    assert!(e.sent.is_empty() && e.notes.iter().any(|n| n.contains("without wire bytes")));
    let t = e.timeline();
    let ms = |d: Option<Duration>| d.map(|d| d.as_secs_f64() * 1e3);
    assert!(!t.reused && t.tls);
    assert_eq!(ms(t.dns_done), Some(10.0));
    assert_eq!(ms(t.connected), Some(20.0), "ssl is the end of connect");
    assert_eq!(ms(t.tls_done), Some(40.0));
    assert_eq!(ms(t.done), Some(60.5));
    let h = t.har();
    assert_eq!(
        (h.dns, h.connect, h.ssl, h.wait),
        (10.0, 30.0, 20.0, 15.0),
        "the same phases again"
    );
    let spec = e.to_spec();
    assert_eq!(
        spec.headers[1],
        ("authorization".into(), "Bearer abc".into())
    );

    assert!(import_har(&json!({"log": {}})).is_err());
    let err = import_har(
        &json!({"log": {"entries": [{"request": {"method": "GET", "url": "u"}, "startedDateTime": "now"}]}}),
    );
    assert!(err
        .err()
        .unwrap_or_default()
        .contains("entries[0]: startedDateTime"));
}
