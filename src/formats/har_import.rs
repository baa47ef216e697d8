//! HAR import: each `log.entries[]` item back into a `HistoryEntry`, so a
//! HAR file (wirescope's own, or a browser's) can be browsed, searched
//! and re-sent from history. wirescope's own files carry the wire bytes
//! and marks under `_wirescope` and come back whole; other files give the
//! parsed request and response, with the marks rebuilt from `timings` and
//! a note that no wire bytes were recorded.

use base64::Engine as _;
use serde_json::Value;

use super::history_entry::{HistoryEntry, StoredTimeline};
use super::time::{parse_rfc3339, rfc3339, unix_millis};

const NO_BYTES: &str = "imported from a HAR file without wire bytes: the request and response are as the file describes them";

/// The entries of a HAR document, in file order. Fails on a document
/// that is not HAR or an entry without a method, URL or start date,
/// naming the entry.
pub fn import_har(v: &Value) -> Result<Vec<HistoryEntry>, String> {
    let entries = v
        .get("log")
        .and_then(|l| l.get("entries"))
        .and_then(Value::as_array)
        .ok_or("not a HAR file: no log.entries")?;
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| entry(e).map_err(|m| format!("log.entries[{i}]: {m}")))
        .collect()
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn f64_at(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

/// `[{name, value}]` as pairs; HTTP/2 pseudo-headers (`:path`, which
/// browsers list) are not headers a request can be sent with.
fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|h| Some((h.get("name")?.as_str()?, h.get("value")?.as_str()?)))
                .filter(|(n, _)| !n.starts_with(':'))
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn b64(v: Option<&Value>) -> Result<Vec<u8>, String> {
    match v.and_then(Value::as_str) {
        Some(s) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| format!("bad base64: {e}")),
        None => Ok(Vec::new()),
    }
}

fn entry(e: &Value) -> Result<HistoryEntry, String> {
    let req = e.get("request").ok_or("no request")?;
    let method = str_at(req, &["method"]).ok_or("no request.method")?;
    let url = str_at(req, &["url"]).ok_or("no request.url")?;
    let started = str_at(e, &["startedDateTime"]).ok_or("no startedDateTime")?;
    let at = parse_rfc3339(started)
        .ok_or_else(|| format!("startedDateTime {started:?} is not a date"))?;
    let resp = e.get("response");
    let status = resp
        .and_then(|r| r.get("status"))
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| *s != 0);
    let ours = e.get("_wirescope").filter(|x| x.is_object());
    let x = |k: &str| ours.and_then(|o| o.get(k));
    let request_body = match req.get("postData") {
        Some(pd) => match (str_at(pd, &["text"]), str_at(pd, &["encoding"])) {
            (Some(_), Some("base64")) => {
                b64(pd.get("text")).map_err(|m| format!("postData: {m}"))?
            }
            (Some(t), _) => t.as_bytes().to_vec(),
            (None, _) => Vec::new(),
        },
        None => Vec::new(),
    };
    let protocol = x("protocol")
        .and_then(|p| p.get("version"))
        .and_then(Value::as_str)
        .or_else(|| resp.and_then(|r| str_at(r, &["httpVersion"])))
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let timeline = match x("timeline").map(|t| serde_json::from_value::<StoredTimeline>(t.clone()))
    {
        Some(Ok(t)) => t,
        _ => from_timings(e, url),
    };
    let error = match x("error") {
        Some(err) if err.is_object() => Some(format!(
            "{}: {}",
            str_at(err, &["phase"]).unwrap_or("error"),
            str_at(err, &["message"]).unwrap_or_default()
        )),
        // Chrome's spelling of a request that got no response.
        _ => resp
            .and_then(|r| str_at(r, &["_error"]))
            .map(str::to_string),
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut notes = strings(x("notes"));
    if ours.is_none() {
        notes.push(NO_BYTES.into());
    }
    let total = |k: &str| x(k).and_then(Value::as_u64).unwrap_or(0);
    Ok(HistoryEntry {
        at: rfc3339(at),
        at_ms: unix_millis(at),
        method: method.to_string(),
        url: url.to_string(),
        protocol,
        status,
        reason: status.and(
            resp.and_then(|r| str_at(r, &["statusText"]))
                .map(str::to_string),
        ),
        request_headers: pairs(req.get("headers")),
        request_body,
        response_headers: pairs(resp.and_then(|r| r.get("headers"))),
        sent: b64(x("sent")).map_err(|m| format!("_wirescope.sent: {m}"))?,
        received: b64(x("received")).map_err(|m| format!("_wirescope.received: {m}"))?,
        sent_total: total("sent_total"),
        received_total: total("received_total"),
        timeline,
        remote: x("remote")
            .and_then(Value::as_str)
            .or_else(|| str_at(e, &["serverIPAddress"]))
            .map(str::to_string),
        connection_id: str_at(e, &["connection"]).and_then(|c| c.parse().ok()),
        insecure: x("insecure").and_then(Value::as_bool).unwrap_or(false),
        warnings: strings(x("warnings")),
        error,
        redacted: x("redacted").and_then(Value::as_bool).unwrap_or(false),
        notes,
    })
}

/// Marks rebuilt from HAR phases, laid end to end as wirescope measures
/// them: DNS, connect (TLS at its end), then `blocked` until the
/// connection was ready, then send, wait, receive. A connection with no
/// DNS and no connect phase was reused.
fn from_timings(e: &Value, url: &str) -> StoredTimeline {
    let t = |k: &str| f64_at(e, &["timings", k]).filter(|v| *v >= 0.0);
    let us = |ms: f64| (ms * 1000.0).round() as u64;
    let (dns, connect, ssl) = (t("dns"), t("connect"), t("ssl"));
    let reused = dns.is_none() && connect.is_none();
    let tls = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let mut at = 0.0;
    let mut mark = |d: Option<f64>| {
        at += d.unwrap_or(0.0);
        Some(us(at))
    };
    let (dns_done, connected, tls_done) = if reused {
        (None, None, None)
    } else {
        let dns_done = mark(dns);
        let tcp = connect.map(|c| c - ssl.unwrap_or(0.0).min(c));
        let connected = mark(tcp);
        let tls_done = match ssl {
            Some(s) => mark(Some(s.min(connect.unwrap_or(s)))),
            None => None,
        };
        (dns_done, connected, tls_done)
    };
    let ready = mark(t("blocked"));
    let request_sent = mark(t("send"));
    let first_byte = mark(t("wait"));
    let done = mark(t("receive"));
    StoredTimeline {
        reused,
        tls,
        dns_done,
        connected,
        tls_done,
        ready,
        request_sent,
        first_byte,
        done,
        ..StoredTimeline::default()
    }
}
