use super::*;

fn text(mode: Mode, bytes: &[u8]) -> String {
    lines(mode, bytes)
        .iter()
        .map(|l| String::from_utf8_lossy(&l.bytes).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Feeds `bytes` in pieces of `step` bytes.
fn chunked(mode: Mode, bytes: &[u8], step: usize) -> Vec<LineOut> {
    let mut out = Vec::new();
    let mut sink = |l: LineOut| {
        out.push(l);
        Flow::Continue
    };
    let mut s = Scanner::new(mode, LineStart::default(), 0);
    for piece in bytes.chunks(step.max(1)) {
        s.feed(piece, &mut sink);
    }
    s.finish(&mut sink);
    out
}

const SAMPLES: &[&str] = &[
    r#"{"b":1,"a":[true,false,null],"e":{},"f":[],"s":"x\"y\\","n":{"deep":{"er":[1,[2,[3]]]}}}"#,
    r#"[]"#,
    r#"{}"#,
    r#"[{"id":1,"name":"one"},{"id":2,"name":"two","tags":["a","b"]}]"#,
    r#"  { "spaced" :  [ 1 , 2 ] , "x" : { } }  "#,
    r#""just a string""#,
    r#"42"#,
];

#[test]
fn layout_matches_serde_json_pretty_in_key_order() {
    for s in SAMPLES {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        let want = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(text(Mode::Json, s.as_bytes()), want, "{s}");
    }
}

#[test]
fn numbers_and_strings_are_kept_as_sent() {
    let out = text(
        Mode::Json,
        br#"{"big":12345678901234567890123,"f":1.0e10,"u":"\u00e9"}"#,
    );
    assert!(out.contains(r#""big": 12345678901234567890123,"#), "{out}");
    assert!(out.contains(r#""f": 1.0e10,"#));
    assert!(out.contains(r#""u": "\u00e9""#));
}

#[test]
fn any_split_of_the_input_makes_the_same_lines() {
    for s in SAMPLES {
        let whole = lines(Mode::Json, s.as_bytes());
        for step in 1..8 {
            assert_eq!(
                chunked(Mode::Json, s.as_bytes(), step),
                whole,
                "{s} / {step}"
            );
        }
    }
    let t = b"one\r\ntwo\n\nthree";
    for step in 1..6 {
        assert_eq!(chunked(Mode::Text, t, step), lines(Mode::Text, t));
    }
}

#[test]
fn every_line_can_be_made_again_from_where_it_starts() {
    for s in SAMPLES {
        let all = lines(Mode::Json, s.as_bytes());
        for (k, l) in all.iter().enumerate() {
            let start = l.start;
            let mut s2 = Scanner::new(Mode::Json, start, 0);
            let mut again = Vec::new();
            let mut sink = |l: LineOut| {
                again.push(l);
                Flow::Continue
            };
            s2.feed(&s.as_bytes()[start.offset as usize..], &mut sink);
            s2.finish(&mut sink);
            assert_eq!(again, all[k..], "{s} from line {k}");
        }
    }
}

#[test]
fn open_containers_are_recorded() {
    let all = lines(Mode::Json, br#"{"a":[{"b":1}]}"#);
    // The line `"b": 1` is inside object, array, object.
    let b = all.iter().find(|l| l.bytes.ends_with(b"\"b\": 1")).unwrap();
    assert_eq!(b.start.level, 3);
    assert!(b.start.is_object(0) && !b.start.is_object(1) && b.start.is_object(2));
}

#[test]
fn stopping_leaves_the_rest_unfed() {
    let s = br#"[1,2,3,4]"#;
    let mut seen = 0;
    let mut sc = Scanner::new(Mode::Json, LineStart::default(), 0);
    let flow = sc.feed(s, &mut |_l| {
        seen += 1;
        if seen == 2 {
            Flow::Stop
        } else {
            Flow::Continue
        }
    });
    assert_eq!(flow, Flow::Stop);
    assert_eq!(seen, 2);
    assert_eq!(sc.offset(), 3, "after `1,`");
}

#[test]
fn deep_nesting_cannot_exhaust_the_stack() {
    let depth = 200_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let out = lines(Mode::Json, deep.as_bytes());
    assert_eq!(
        out.len(),
        2 * depth - 1,
        "the innermost [] stays on one line"
    );
    assert!(out
        .iter()
        .all(|l| l.bytes.len() <= 2 * INDENT_CAP as usize + 2));
}

#[test]
fn long_lines_are_cut_and_text_lines_split() {
    let long = format!("[\"{}\"]", "x".repeat(3 * MAX_LINE));
    let out = lines(Mode::Json, long.as_bytes());
    assert_eq!(out.len(), 3);
    assert!(out[1].cut && out[1].bytes.len() == MAX_LINE);
    assert_eq!(String::from_utf8_lossy(&out[2].bytes), "]");
    assert_eq!(text(Mode::Text, b"a\r\nb\n\nc"), "a\nb\n\nc");
    assert_eq!(lines(Mode::Text, b"a\n").len(), 1);
    assert_eq!(lines(Mode::Text, b"").len(), 0);
    assert_eq!(lines(Mode::Text, b"\n").len(), 1);
    let top = text(Mode::Json, b"{\"a\":1}\n{\"b\":2}\n");
    assert_eq!(top, "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}");
}
