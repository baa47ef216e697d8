//! `wirescope::formats` history from the outside: record, reopen,
//! search, bounds, redaction checked on the file's bytes, atomic writes
//! (no temp files left behind, a failed write changes nothing), truncated
//! files, and HAR files imported into history (corrupt files:
//! `src/formats/history_tests.rs`; HAR itself: `tests/formats_har.rs`).

use crate::formats_support;

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use formats_support::{exchange, failed, new_tls, reused_binary, SECRETS, T0_MS};
use serde_json::Value;
use wirescope::formats::{har, History, HistoryEntry, HistoryLimits, Redaction};
use wirescope::wire::Mark;

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
    // The index keeps summaries; the whole entry is read back.
    assert!(h2.entries()[0].received.is_empty());
    let e = &h2.entry(0).expect("the entry reads back");
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
    let e = &h.entry(0).expect("the entry reads back");
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

#[test]
fn a_failed_write_leaves_the_file_and_no_temp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut h, _) = History::open_at(dir.path(), HistoryLimits::default());
    h.record(&new_tls(), Redaction::On).expect("record");
    let before = std::fs::read(dir.path().join("history.jsonl")).expect("read");
    // A directory where the file was: the final rename cannot replace it,
    // as a full disk or a read-only mount would stop it too.
    let path = dir.path().join("history.jsonl");
    std::fs::remove_file(&path).expect("rm");
    std::fs::create_dir(&path).expect("mkdir");
    std::fs::write(path.join("keep"), "x").expect("write");
    let err = h.record(&failed(), Redaction::On).err().unwrap_or_default();
    assert!(err.contains("history not saved"), "{err}");
    assert_eq!(h.entries().len(), 2, "the entry stays in memory");
    assert_eq!(
        only_history_file(dir.path()),
        ["history.jsonl"],
        "no temp file left"
    );
    std::fs::remove_dir_all(&path).expect("rmdir");
    std::fs::write(&path, &before).expect("restore");
    let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!((h.entries().len(), note), (1, None));
}

#[test]
fn a_truncated_file_keeps_every_whole_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut h, _) = History::open_at(dir.path(), HistoryLimits::default());
    for ex in [new_tls(), reused_binary(), failed()] {
        h.record(&ex, Redaction::On).expect("record");
    }
    let path = dir.path().join("history.jsonl");
    let full = std::fs::read(&path).expect("read");
    let last_line = full[..full.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .expect("lines")
        + 1;
    // Cut in the middle of the last entry, as a crash of a writer that
    // is not atomic (or a full disk, or a copy) would leave it.
    for cut in [last_line + 1, last_line + 40, full.len() - 2] {
        std::fs::write(&path, &full[..cut]).expect("truncate");
        let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
        let urls: Vec<&str> = h.entries().iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://h.test/submit?x=1&api_key=REDACTED",
                "https://h.test/bytes"
            ],
            "cut at {cut}"
        );
        let note = note.unwrap_or_default();
        assert!(
            note.contains("1 unreadable") && note.contains("set aside"),
            "{note}"
        );
        // The whole entries were written back at once: the next open is clean.
        let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
        assert_eq!((h.entries().len(), note), (2, None));
    }
    // Cut inside the format line, or empty: not a history file any more.
    for cut in [0, 10] {
        std::fs::write(&path, &full[..cut]).expect("truncate");
        let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
        assert!(h.entries().is_empty());
        let note = note.unwrap_or_default();
        assert!(note.contains("set aside"), "{note}");
    }
    let aside = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(
        aside, 5,
        "every damaged file is kept aside, none overwritten"
    );
}

#[test]
fn a_har_file_goes_back_into_history() {
    let exchanges = [new_tls(), reused_binary(), failed()];
    let doc = har(&exchanges, Redaction::Off);
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut h, _) = History::open_at(dir.path(), HistoryLimits::default());
    // Something newer is already there: imports go in time order.
    let mut later = new_tls();
    later.url = "https://h.test/later".into();
    later.timeline.started_at += Duration::from_secs(60);
    h.record(&later, Redaction::On).expect("record");
    assert_eq!(h.import_har(&doc, Redaction::On), Ok(3));
    let stored = stored_bytes(dir.path());
    for s in SECRETS {
        assert!(
            !stored.contains(s),
            "{s} reached the disk from a HAR import"
        );
    }
    let urls: Vec<&str> = h.entries().iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls.last(), Some(&"https://h.test/later"));
    assert_eq!(h.entries().len(), 4);
    // What was imported is what recording would have kept.
    let want: Vec<HistoryEntry> = exchanges
        .iter()
        .map(|e| HistoryEntry::from_exchange(e, Redaction::On))
        .collect();
    let (h2, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(note, None);
    let whole: Vec<HistoryEntry> = (0..3).map(|i| h2.entry(i).expect("reads back")).collect();
    assert_eq!(&whole[..], &want[..]);
    assert_eq!(h2.entries()[0].at_ms, T0_MS);
    assert_eq!(h2.search("refused").len(), 1);
    let spec = h2.to_spec(0).expect("spec");
    assert_eq!(spec.method, "POST");
    assert_eq!(spec.body.as_deref(), Some(&b"{\"k\":1}"[..]));

    let bad = serde_json::json!({"log": {"entries": [{"request": {"url": "http://h/"}}]}});
    let err = h.import_har(&bad, Redaction::On).err().unwrap_or_default();
    assert!(
        err.contains("entries[0]") && err.contains("method"),
        "{err}"
    );
    assert_eq!(h.entries().len(), 4, "a bad file adds nothing");
}
