//! RFC 7541 Appendix C, block by block: fields, representations and the
//! dynamic table after each block, and agreement with `loona_hpack`.

use super::hpack::Decoder;
use super::Representation::{self, *};
use crate::report::escape::escape_bytes;

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0))
        .collect()
}

struct Step {
    block: &'static str,
    fields: &'static [(&'static str, &'static str, Representation)],
    table: &'static [(&'static str, &'static str)],
    size: usize,
}

/// Runs one RFC sequence through our decoder and loona's side by side.
fn run(max: usize, steps: &[Step]) {
    let mut ours = Decoder::with_max_size(max);
    let mut reference = loona_hpack::Decoder::new();
    reference.set_max_table_size(max);
    for (n, step) in steps.iter().enumerate() {
        let bytes = hex(step.block);
        let b = ours.decode(&bytes);
        assert_eq!(b.error, None, "step {n}");
        assert_eq!(b.wire_len, bytes.len());
        let got: Vec<_> = b
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str(), f.repr.clone()))
            .collect();
        let want: Vec<_> = step
            .fields
            .iter()
            .map(|(n, v, r)| (*n, *v, r.clone()))
            .collect();
        assert_eq!(got, want, "step {n}");
        let table: Vec<_> = b
            .table_after
            .entries
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(table, step.table, "step {n}");
        assert_eq!(
            (b.table_after.size, b.table_after.max_size),
            (step.size, max),
            "step {n}"
        );
        assert_eq!(
            b.fields.iter().map(|f| f.wire_len).sum::<usize>(),
            bytes.len()
        );
        let theirs: Vec<(String, String)> = match reference.decode(&bytes) {
            Ok(list) => list
                .iter()
                .map(|(n, v)| (escape_bytes(n), escape_bytes(v)))
                .collect(),
            Err(e) => panic!("loona failed on step {n}: {e:?}"),
        };
        let mine: Vec<(String, String)> = b.fields.into_iter().map(|f| (f.name, f.value)).collect();
        assert_eq!(mine, theirs, "step {n} against loona_hpack");
    }
}

const AUTH: &str = "www.example.com";
const DATE1: &str = "Mon, 21 Oct 2013 20:13:21 GMT";
const DATE2: &str = "Mon, 21 Oct 2013 20:13:22 GMT";
const LOC: &str = "https://www.example.com";
const COOKIE: &str = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

const REQ1: &[(&str, &str, Representation)] = &[
    (":method", "GET", Indexed(2)),
    (":scheme", "http", Indexed(6)),
    (":path", "/", Indexed(4)),
    (
        ":authority",
        AUTH,
        IncrementalIndexing {
            name_index: Some(1),
        },
    ),
];
const REQ2: &[(&str, &str, Representation)] = &[
    (":method", "GET", Indexed(2)),
    (":scheme", "http", Indexed(6)),
    (":path", "/", Indexed(4)),
    (":authority", AUTH, Indexed(62)),
    (
        "cache-control",
        "no-cache",
        IncrementalIndexing {
            name_index: Some(24),
        },
    ),
];
const REQ3: &[(&str, &str, Representation)] = &[
    (":method", "GET", Indexed(2)),
    (":scheme", "https", Indexed(7)),
    (":path", "/index.html", Indexed(5)),
    (":authority", AUTH, Indexed(63)),
    (
        "custom-key",
        "custom-value",
        IncrementalIndexing { name_index: None },
    ),
];
const REQ_TABLES: [&[(&str, &str)]; 3] = [
    &[(":authority", AUTH)],
    &[("cache-control", "no-cache"), (":authority", AUTH)],
    &[
        ("custom-key", "custom-value"),
        ("cache-control", "no-cache"),
        (":authority", AUTH),
    ],
];

fn requests(blocks: [&'static str; 3]) -> [Step; 3] {
    [
        Step {
            block: blocks[0],
            fields: REQ1,
            table: REQ_TABLES[0],
            size: 57,
        },
        Step {
            block: blocks[1],
            fields: REQ2,
            table: REQ_TABLES[1],
            size: 110,
        },
        Step {
            block: blocks[2],
            fields: REQ3,
            table: REQ_TABLES[2],
            size: 164,
        },
    ]
}

#[test]
fn c3_requests_without_huffman() {
    run(
        4096,
        &requests([
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
        ]),
    );
}

#[test]
fn c4_requests_with_huffman() {
    run(
        4096,
        &requests([
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        ]),
    );
}

const RESP1: &[(&str, &str, Representation)] = &[
    (
        ":status",
        "302",
        IncrementalIndexing {
            name_index: Some(8),
        },
    ),
    (
        "cache-control",
        "private",
        IncrementalIndexing {
            name_index: Some(24),
        },
    ),
    (
        "date",
        DATE1,
        IncrementalIndexing {
            name_index: Some(33),
        },
    ),
    (
        "location",
        LOC,
        IncrementalIndexing {
            name_index: Some(46),
        },
    ),
];
const RESP2: &[(&str, &str, Representation)] = &[
    (
        ":status",
        "307",
        IncrementalIndexing {
            name_index: Some(8),
        },
    ),
    ("cache-control", "private", Indexed(65)),
    ("date", DATE1, Indexed(64)),
    ("location", LOC, Indexed(63)),
];
const RESP3: &[(&str, &str, Representation)] = &[
    (":status", "200", Indexed(8)),
    ("cache-control", "private", Indexed(65)),
    (
        "date",
        DATE2,
        IncrementalIndexing {
            name_index: Some(33),
        },
    ),
    ("location", LOC, Indexed(64)),
    (
        "content-encoding",
        "gzip",
        IncrementalIndexing {
            name_index: Some(26),
        },
    ),
    (
        "set-cookie",
        COOKIE,
        IncrementalIndexing {
            name_index: Some(55),
        },
    ),
];

fn responses(blocks: [&'static str; 3]) -> [Step; 3] {
    [
        Step {
            block: blocks[0],
            fields: RESP1,
            table: &[
                ("location", LOC),
                ("date", DATE1),
                ("cache-control", "private"),
                (":status", "302"),
            ],
            size: 222,
        },
        // ":status: 302" is evicted to make room for ":status: 307".
        Step {
            block: blocks[1],
            fields: RESP2,
            table: &[
                (":status", "307"),
                ("location", LOC),
                ("date", DATE1),
                ("cache-control", "private"),
            ],
            size: 222,
        },
        Step {
            block: blocks[2],
            fields: RESP3,
            table: &[
                ("set-cookie", COOKIE),
                ("content-encoding", "gzip"),
                ("date", DATE2),
            ],
            size: 215,
        },
    ]
}

#[test]
fn c5_responses_without_huffman_evicting() {
    run(
        256,
        &responses([
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 \
             3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 \
             7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 \
             6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
        ]),
    );
}

#[test]
fn c6_responses_with_huffman_evicting() {
    run(
        256,
        &responses([
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad \
             1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 \
             e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        ]),
    );
}

#[test]
fn labels_read_as_documented() {
    assert_eq!(Indexed(62).label(), "indexed (62)");
    assert_eq!(
        IncrementalIndexing {
            name_index: Some(1)
        }
        .label(),
        "literal, incremental indexing"
    );
    assert_eq!(
        WithoutIndexing { name_index: None }.label(),
        "literal, without indexing"
    );
    assert_eq!(
        NeverIndexed { name_index: None }.label(),
        "literal, never indexed"
    );
    assert_eq!(SizeUpdate(0).label(), "dynamic table size update → 0");
}

#[test]
fn never_indexed_and_without_indexing_leave_the_table_alone() {
    // C.2.2 (without indexing, name index 4) and C.2.3 (never indexed).
    let mut d = Decoder::new();
    let b = d.decode(&hex("040c 2f73 616d 706c 652f 7061 7468"));
    assert_eq!(
        b.fields[0].repr,
        WithoutIndexing {
            name_index: Some(4)
        }
    );
    assert_eq!(
        (b.fields[0].name.as_str(), b.fields[0].value.as_str()),
        (":path", "/sample/path")
    );
    let b = d.decode(&hex("1008 7061 7373 776f 7264 0673 6563 7265 74"));
    assert_eq!(b.fields[0].repr, NeverIndexed { name_index: None });
    assert_eq!(
        (b.fields[0].name.as_str(), b.fields[0].value.as_str()),
        ("password", "secret")
    );
    assert_eq!(b.table_after.size, 0);
}
