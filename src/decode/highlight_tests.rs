use super::*;
use crate::decode::pretty::{self, Mode};

/// `role:text` for every non-plain span of every line.
fn roles(lang: Lang, mode: Mode, src: &str) -> Vec<String> {
    let ss = syntaxes();
    let lines = pretty::lines(mode, src.as_bytes());
    let mut h = Highlighter::new(lang);
    let all = lines.clone();
    let spans = h.highlight(ss, 0, &lines, &mut |f, c| {
        all[f..(f + c).min(all.len())].to_vec()
    });
    let mut out = Vec::new();
    for (l, s) in lines.iter().zip(spans) {
        for (r, role) in s {
            let text = String::from_utf8_lossy(&l.bytes[r]).trim().to_string();
            if role != Role::Plain && !text.is_empty() {
                out.push(format!("{role:?}:{text}"));
            }
        }
    }
    out
}

fn has(out: &[String], want: &str) -> bool {
    out.iter().any(|s| s == want)
}

#[test]
fn json_keys_strings_numbers_constants() {
    let out = roles(
        Lang::Json,
        Mode::Json,
        r#"{"name":"wire","n":1.5,"ok":true,"x":null}"#,
    );
    for want in [
        r#"Key:"name""#,
        r#"String:"wire""#,
        "Number:1.5",
        "Constant:true",
        "Constant:null",
    ] {
        assert!(has(&out, want), "{want} in {out:?}");
    }
}

#[test]
fn a_json_line_deep_inside_is_highlighted_as_at_the_top() {
    // Line by line from the top and one line alone from its prefix agree.
    let src = r#"{"a":[{"b":{"c":"d"}}]}"#;
    let lines = pretty::lines(Mode::Json, src.as_bytes());
    let k = lines
        .iter()
        .position(|l| l.bytes.ends_with(br#""c": "d""#))
        .unwrap();
    let mut h = Highlighter::new(Lang::Json);
    let alone = h.highlight(syntaxes(), k, &lines[k..=k], &mut |_, _| Vec::new());
    let text = |r: &Range<usize>| String::from_utf8_lossy(&lines[k].bytes[r.clone()]).into_owned();
    let key = alone[0].iter().find(|(r, _)| text(r) == "\"c\"").unwrap();
    assert_eq!(key.1, Role::Key);
    assert!(json_prefix(&lines[k].start).starts_with("{\"\":[{\"\":{"));
}

#[test]
fn markup_and_code() {
    let html = roles(
        Lang::Html,
        Mode::Text,
        "<p class=\"x\">Hi &amp; bye</p>\n<!-- note -->\n",
    );
    for want in [
        "Tag:<p",
        "Tag:</p>",
        "Attr:class",
        r#"String:"x""#,
        "Comment:<!-- note -->",
    ] {
        assert!(has(&html, want), "{want} in {html:?}");
    }
    let xml = roles(
        Lang::Xml,
        Mode::Text,
        "<?xml version='1.0'?>\n<a b=\"c\">t</a>\n",
    );
    assert!(has(&xml, "Tag:<a") && has(&xml, "Attr:b"), "{xml:?}");
    let js = roles(
        Lang::JavaScript,
        Mode::Text,
        "// hi\nfunction f() { return \"s\" + 1; }\n",
    );
    for want in [
        "Comment:// hi",
        "Keyword:return",
        "Function:f",
        r#"String:"s""#,
        "Number:1",
    ] {
        assert!(has(&js, want), "{want} in {js:?}");
    }
    let css = roles(
        Lang::Css,
        Mode::Text,
        "body { color: #fff; margin: 1px; }\n",
    );
    assert!(has(&css, "Tag:body") && has(&css, "Key:color"), "{css:?}");
    let yaml = roles(Lang::Yaml, Mode::Text, "# c\nkey: value\nn: 1\n");
    assert!(
        has(&yaml, "Key:key") && has(&yaml, "Comment:# c") && has(&yaml, "Number:1"),
        "{yaml:?}"
    );
    assert!(roles(Lang::Plain, Mode::Text, "just text\n").is_empty());
}

#[test]
fn far_jumps_start_afresh_and_are_cached() {
    let src: String = (0..5000)
        .map(|i| format!("<p id=\"{i}\">x</p>\n"))
        .collect();
    let lines = pretty::lines(Mode::Text, src.as_bytes());
    let mut h = Highlighter::new(Lang::Html);
    let mut fetched = 0;
    let first = 4500;
    let spans = h.highlight(syntaxes(), first, &lines[first..first + 3], &mut |f, c| {
        fetched += c;
        lines[f..f + c].to_vec()
    });
    assert_eq!(fetched, 0, "no warm-up over 4500 lines");
    assert!(spans[0].iter().any(|(_, r)| *r == Role::Tag));
    // The next line continues from the state kept.
    let spans = h.highlight(
        syntaxes(),
        first + 3,
        &lines[first + 3..first + 4],
        &mut |_, _| panic!("no fetch"),
    );
    assert!(spans[0].iter().any(|(_, r)| *r == Role::Attr));
}

#[test]
fn invalid_utf8_and_huge_lines_stay_plain_past_the_limit() {
    let bad = LineOut {
        start: Default::default(),
        bytes: b"\xff\xfe{".to_vec(),
        cut: false,
        next: Default::default(),
    };
    let mut h = Highlighter::new(Lang::Json);
    let s = h.highlight(syntaxes(), 0, &[bad], &mut |_, _| Vec::new());
    assert_eq!(s[0], vec![(0..3, Role::Plain)]);
    let long = format!("\"{}\"", "y".repeat(10_000));
    let out = roles(Lang::Json, Mode::Json, &long);
    assert!(out.len() <= 2, "{}", out.len());
}
