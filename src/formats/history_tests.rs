//! History files that are not what they should be: foreign, from another
//! format version, or with unreadable lines. Each is set aside (renamed,
//! never deleted) with a note, and history goes on.

use std::path::Path;

use super::history::{History, HistoryEntry, HistoryLimits, StoredTimeline};

const HEADER: &str = r#"{"format":"wirescope-history","version":1}"#;

fn entry() -> HistoryEntry {
    HistoryEntry {
        at: "2024-02-29T12:34:56.789Z".into(),
        at_ms: 1_709_210_096_789,
        method: "GET".into(),
        url: "http://h.test/".into(),
        protocol: None,
        status: Some(200),
        reason: Some("OK".into()),
        request_headers: Vec::new(),
        request_body: Vec::new(),
        response_headers: Vec::new(),
        sent: b"GET / HTTP/1.1\r\n\r\n".to_vec(),
        received: Vec::new(),
        sent_total: 18,
        received_total: 0,
        timeline: StoredTimeline::default(),
        remote: None,
        connection_id: None,
        insecure: false,
        warnings: Vec::new(),
        error: None,
        redacted: true,
        notes: Vec::new(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn corrupt_and_foreign_files_are_set_aside() {
    for (content, why) in [
        ("this is not json\n", "not a wirescope history"),
        (
            "{\"format\":\"something-else\",\"version\":1}\n",
            "not a wirescope history",
        ),
        (
            "{\"format\":\"wirescope-history\",\"version\":99}\n",
            "version 99",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("history.jsonl"), content).expect("write");
        let (mut h, note) = History::open_at(dir.path(), HistoryLimits::default());
        let note = note.unwrap_or_default();
        assert!(note.contains(why) && note.contains("set aside"), "{note}");
        assert!(h.entries().is_empty());
        let files = names(dir.path());
        let aside = files
            .iter()
            .find(|n| n.contains(".corrupt-"))
            .expect("aside file");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(aside))
                .ok()
                .as_deref(),
            Some(content)
        );
        h.clear().expect("a fresh history can be written");
    }

    // One bad line among good ones: the good ones are kept.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.jsonl");
    let good = serde_json::to_string(&entry()).expect("json");
    let text = format!("{HEADER}\n{good}\n{{\"truncated\": \n{good}\n");
    std::fs::write(&path, text).expect("write");
    let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(h.entries().len(), 2);
    let note = note.unwrap_or_default();
    assert!(
        note.contains("1 unreadable") && note.contains("set aside"),
        "{note}"
    );
    assert!(names(dir.path()).iter().any(|n| n.contains(".corrupt-")));
    // The readable entries were written back at once.
    let (h, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!((h.entries().len(), note), (2, None));
}

#[test]
fn a_big_exchange_keeps_only_its_first_mebibyte_each_way() {
    use crate::wire::timeline::Timeline;
    use crate::wire::{Exchange, Transcript};
    let big = vec![b'x'; super::history_entry::MAX_KEPT_PER_DIRECTION + 10];
    let ex = Exchange {
        method: "GET".into(),
        url: "http://h/".into(),
        transcript: Transcript {
            sent: b"GET / HTTP/1.1\r\nHost: h\r\n\r\n".to_vec(),
            received: big.clone().into(),
            sent_total: 27,
            received_total: big.len() as u64,
            ..Transcript::default()
        },
        timeline: Timeline::new(std::time::SystemTime::UNIX_EPOCH),
        response: None,
        connection: None,
        tls: None,
        negotiated: None,
        h2: None,
        h3: None,
        insecure: false,
        warnings: Vec::new(),
        error: None,
    };
    let e = HistoryEntry::from_exchange(&ex, super::redact::Redaction::Off);
    assert_eq!(
        e.received.len(),
        super::history_entry::MAX_KEPT_PER_DIRECTION
    );
    assert_eq!(e.received_total, big.len() as u64);
    assert!(
        e.notes.iter().any(|n| n.contains("received bytes kept")),
        "{:?}",
        e.notes
    );
}

/// Opened as an index: summaries in memory, whole entries read back, and
/// a rewrite copies the unchanged lines from the file it replaces.
#[test]
fn the_index_keeps_summaries_and_rewrites_keep_every_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut one = entry();
    one.received = b"HTTP/1.1 200 OK\r\n\r\nfirst".to_vec();
    let mut two = entry();
    two.received = b"HTTP/1.1 200 OK\r\n\r\nsecond".to_vec();
    {
        let (mut h, _) = History::open_at(dir.path(), HistoryLimits::default());
        h.record_entry(one.clone()).expect("record");
    }
    let (mut h, note) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(note, None);
    assert!(
        h.entries()[0].received.is_empty(),
        "summaries only in memory"
    );
    h.record_entry(two.clone()).expect("record");
    let (h, _) = History::open_at(dir.path(), HistoryLimits::default());
    assert_eq!(h.entry(0).expect("first"), one);
    assert_eq!(h.entry(1).expect("second"), two);
    assert!(h.entry(2).is_err());
}
