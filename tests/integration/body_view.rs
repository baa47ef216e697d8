//! The Body view, rendered with `TestBackend`: each supported type
//! highlighted (the text, and a summary of the colors: each run of one
//! foreground color as `color:text`), compared with snapshots; codings
//! undone with both sizes, failures shown in hex, binary in hex, search
//! marks, the JSON path filter, the keys, terminal safety, and the first
//! screen of a 10 MB JSON body made without formatting the rest.

use crate::common;

use common::screen::text;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use ratatui::Terminal;

use wirescope::decode::coding::{encode, Coding};
use wirescope::tui::app::{App, Mode, PaneId};
use wirescope::tui::fixture;
use wirescope::tui::fixture_body::{body_exchange, json_of_size};
use wirescope::tui::theme::ColorMode;
use wirescope::tui::{update, view, Msg};

fn app_with(headers: &[(&str, &str)], body: &[u8]) -> App {
    wirescope::decode::highlight::syntaxes();
    let mut app = fixture::app();
    app.color = ColorMode::Color;
    fixture::push_done(&mut app, body_exchange(headers, body.to_vec()));
    app.focus = PaneId::Body;
    app
}

fn pane(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| {
        let area = f.area();
        view::render_pane(app, PaneId::Body, area, f.buffer_mut());
    })
    .unwrap();
    term.backend().buffer().clone()
}

/// Rows inside the border as `color:text` runs (default color left out).
fn colors(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    let mut out = String::new();
    for row in buf
        .content
        .chunks(w)
        .skip(1)
        .take(buf.area.height as usize - 2)
    {
        let mut runs: Vec<(Color, String)> = Vec::new();
        for c in &row[1..w - 1] {
            match runs.last_mut() {
                Some((fg, s)) if *fg == c.fg => s.push_str(c.symbol()),
                _ => runs.push((c.fg, c.symbol().to_string())),
            }
        }
        let line: Vec<String> = runs
            .into_iter()
            .filter(|(fg, s)| !s.trim().is_empty() && !matches!(fg, Color::Reset | Color::Gray))
            .map(|(fg, s)| format!("{fg:?}:{}", s.trim()))
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

const SAMPLES: &[(&str, &str, &str)] = &[
    ("json", "application/json", r#"{"name":"wire","n":1.5,"ok":true,"none":null,"list":[1,"two",{"three":3}],"empty":{}}"#),
    ("html", "text/html; charset=utf-8", "<!DOCTYPE html>\n<html lang=\"en\">\n  <!-- a comment -->\n  <body class=\"x\"><p>Hi &amp; bye</p></body>\n</html>\n"),
    ("xml", "application/xml", "<?xml version='1.0'?>\n<!-- slides -->\n<slideshow title=\"Sample\">\n  <slide type=\"all\"><title>Wake up</title></slide>\n</slideshow>\n"),
    ("js", "application/javascript", "// greet\nfunction greet(name) {\n  const n = 42;\n  return \"hi \" + name + n + true;\n}\n"),
    ("css", "text/css", "/* theme */\nbody.dark > #main {\n  color: #fff;\n  margin: 1px 2em;\n}\n"),
    ("yaml", "application/yaml", "# config\nname: wirescope\nport: 8080\nenabled: true\nlist:\n  - \"a\"\n  - b\n"),
    ("plain", "text/plain", "just text\nwith two lines\n"),
];

#[test]
fn each_type_is_highlighted() {
    for (name, ctype, body) in SAMPLES {
        let mut app = app_with(&[("Content-Type", ctype)], body.as_bytes());
        let buf = pane(&mut app, 90, 16);
        insta::assert_snapshot!(
            format!("body_{name}"),
            format!("{}\n{}", text(&buf), colors(&buf))
        );
    }
}

#[test]
fn light_theme_colors_differ_from_dark() {
    let (_, ctype, body) = SAMPLES[0];
    let mut app = app_with(&[("Content-Type", ctype)], body.as_bytes());
    let dark = colors(&pane(&mut app, 90, 16));
    key(&mut app, KeyCode::Char('t'));
    let light = colors(&pane(&mut app, 90, 16));
    assert_ne!(dark, light);
    app.color = ColorMode::NoColor;
    let none = pane(&mut app, 90, 16);
    assert!(
        none.content.iter().all(|c| c.fg == Color::Reset),
        "NO_COLOR: no colors"
    );
}

#[test]
fn gzip_is_undone_with_both_sizes() {
    let plain = br#"{"gzipped":true,"items":[1,2,3]}"#.repeat(20);
    let gz = encode(Coding::Gzip, &plain).unwrap();
    let mut app = app_with(
        &[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
        &gz,
    );
    let t = text(&pane(&mut app, 100, 12));
    assert!(
        t.contains(&format!(
            "gzip: {} B on the wire → {} B decoded",
            gz.len(),
            plain.len()
        )),
        "{t}"
    );
    assert!(
        t.contains(
            "({:.1}×)"
                .replace(
                    "{:.1}",
                    &format!("{:.1}", plain.len() as f64 / gz.len() as f64)
                )
                .as_str()
        ),
        "{t}"
    );
    assert!(t.contains("{\"gzipped\":true"), "{t}");
}

#[test]
fn truncated_gzip_says_so_and_shows_the_raw_bytes_in_hex() {
    let plain: String = (0..5000).map(|i| format!("line {i}\n")).collect();
    let gz = encode(Coding::Gzip, plain.as_bytes()).unwrap();
    let cut = &gz[..gz.len() / 2];
    let mut app = app_with(&[("Content-Encoding", "gzip")], cut);
    let t = text(&pane(&mut app, 100, 12));
    assert!(
        t.contains("gzip: the compressed data ends early (truncated)"),
        "{t}"
    );
    assert!(t.contains("line 0"), "what decoded is shown: {t}");
    key(&mut app, KeyCode::Char('x'));
    let t = text(&pane(&mut app, 100, 12));
    assert!(
        t.contains("00000000  1f 8b"),
        "the raw gzip bytes in hex: {t}"
    );
    assert!(
        t.contains(&format!("row 1/{}", cut.len().div_ceil(16))),
        "{t}"
    );
    // Nothing decodable at all: hex from the start.
    let mut app = app_with(&[("Content-Encoding", "gzip")], &gz[..6]);
    let t = text(&pane(&mut app, 100, 12));
    assert!(
        t.contains("00000000  1f 8b") && t.contains("the raw bytes"),
        "{t}"
    );
}

#[test]
fn deep_coding_stacks_are_refused() {
    let mut app = app_with(&[("Content-Encoding", "gzip, gzip, gzip, gzip")], b"abc");
    let t = text(&pane(&mut app, 120, 10));
    assert!(t.contains("stacks 4 codings"), "{t}");
}

#[test]
fn binary_is_hex_and_text_toggles_to_hex() {
    let mut app = app_with(
        &[("Content-Type", "application/octet-stream")],
        &[0, 1, 2, 0x1b, 0xff, b'A'],
    );
    insta::assert_snapshot!("body_binary", text(&pane(&mut app, 90, 8)));
    let mut app = app_with(&[("Content-Type", "text/plain")], b"hello");
    key(&mut app, KeyCode::Char('x'));
    let t = text(&pane(&mut app, 90, 8));
    assert!(t.contains("68 65 6c 6c 6f"), "{t}");
}

#[test]
fn nothing_from_a_body_reaches_the_terminal_raw() {
    let evil = b"line \x1b[2J\x1b]0;pwned\x07 \xff\xfe \xe2\x80\xae rtl \x9b end\r\nnext\tcol";
    for ctype in ["text/plain", "application/json", "text/html"] {
        let mut app = app_with(&[("Content-Type", ctype)], evil);
        let buf = pane(&mut app, 120, 10);
        for c in buf.content.iter() {
            assert!(
                !c.symbol().chars().any(wirescope::report::escape::is_unsafe),
                "{ctype}: {:?}",
                c.symbol()
            );
        }
        let t = text(&buf);
        assert!(t.contains("\\u{1b}[2J") && t.contains("\\xff"), "{t}");
    }
}

#[test]
fn search_marks_matches_and_n_moves() {
    let body: String = (0..300)
        .map(|i| format!("line {i}{}\n", if i % 100 == 50 { " needle" } else { "" }))
        .collect();
    let mut app = app_with(&[("Content-Type", "text/plain")], body.as_bytes());
    pane(&mut app, 90, 12);
    key(&mut app, KeyCode::Char('/'));
    assert!(matches!(app.mode, Mode::Prompt { .. }));
    typed(&mut app, "needle");
    key(&mut app, KeyCode::Enter);
    let buf = pane(&mut app, 90, 12);
    assert!(text(&buf).contains("line 50 needle"), "{}", text(&buf));
    let marked: String = buf
        .content
        .iter()
        .filter(|c| c.bg != Color::Reset)
        .map(|c| c.symbol())
        .collect();
    assert!(marked.contains("needle"), "{marked}");
    key(&mut app, KeyCode::Char('n'));
    assert!(text(&pane(&mut app, 90, 12)).contains("line 150 needle"));
    key(&mut app, KeyCode::Char('N'));
    assert!(text(&pane(&mut app, 90, 12)).contains("line 50 needle"));
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(app.notice.as_deref(), Some("search wrapped around"));
}

#[test]
fn json_path_filter_narrows_the_view() {
    let body = br#"{"data":[{"name":"ann","id":1},{"name":"bob","id":2}],"items":[{"id":7}]}"#;
    let mut app = app_with(&[("Content-Type", "application/json")], body);
    pane(&mut app, 90, 12);
    key(&mut app, KeyCode::Char('f'));
    // The prompt starts with "."; type the rest.
    typed(&mut app, "data[].name");
    key(&mut app, KeyCode::Enter);
    let t = text(&pane(&mut app, 90, 12));
    assert!(t.contains("filter .data[].name → 2 results"), "{t}");
    assert!(
        t.contains("\"ann\"") && t.contains("\"bob\"") && !t.contains("\"id\""),
        "{t}"
    );
    key(&mut app, KeyCode::Char('f'));
    for _ in 0..20 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, ".items[0].id");
    key(&mut app, KeyCode::Enter);
    let t = text(&pane(&mut app, 90, 12));
    assert!(
        t.contains("→ 1 result") && t.lines().any(|l| l.trim_matches(['┃', '│']).trim() == "7"),
        "{t}"
    );
    key(&mut app, KeyCode::Char('f'));
    typed(&mut app, "[");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.notice.as_deref().unwrap_or("").starts_with("filter: "),
        "{:?}",
        app.notice
    );
}

#[test]
fn save_writes_the_decoded_body_and_never_overwrites() {
    let plain = b"{\"saved\":true}";
    let gz = encode(Coding::Br, plain).unwrap();
    let mut app = app_with(
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "br"),
        ],
        &gz,
    );
    pane(&mut app, 90, 12);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    key(&mut app, KeyCode::Char('s'));
    if let Mode::Prompt { editor, .. } = &mut app.mode {
        *editor = wirescope::tui::editor::LineEditor::new(path.display().to_string());
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(std::fs::read(&path).unwrap(), plain);
    assert!(app
        .notice
        .as_deref()
        .unwrap()
        .starts_with("saved 14 decoded bytes"));
    key(&mut app, KeyCode::Char('s'));
    if let Mode::Prompt { editor, .. } = &mut app.mode {
        *editor = wirescope::tui::editor::LineEditor::new(path.display().to_string());
    }
    key(&mut app, KeyCode::Enter);
    assert!(
        app.notice.as_deref().unwrap().contains("exists"),
        "{:?}",
        app.notice
    );
}

#[test]
fn the_body_pane_takes_the_wire_place_when_wide() {
    let mut app = app_with(&[("Content-Type", "application/json")], br#"{"a":1}"#);
    app.focus = PaneId::Request;
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    assert!(app.layout(area).pane(PaneId::Wire).is_some());
    key(&mut app, KeyCode::Char('b'));
    assert_eq!(app.focus, PaneId::Body);
    let mut buf = Buffer::empty(area);
    view::render(&mut app, area, &mut buf);
    let s = app.layout(area);
    assert!(s.pane(PaneId::Body).is_some() && s.pane(PaneId::Wire).is_none());
    assert!(
        s.pane(PaneId::Response).is_some(),
        "the headers stay in view"
    );
    key(&mut app, KeyCode::Char('1'));
    view::render(&mut app, area, &mut buf);
    assert!(
        app.layout(area).pane(PaneId::Body).is_some(),
        "stays until Wire is picked"
    );
    key(&mut app, KeyCode::Char('2'));
    view::render(&mut app, area, &mut buf);
    assert!(app.layout(area).pane(PaneId::Wire).is_some());
}

#[test]
fn the_first_screen_of_10mb_json_formats_only_that_screen() {
    let body = json_of_size(10 * 1024 * 1024);
    let mut app = app_with(&[("Content-Type", "application/json")], &body);
    let t0 = std::time::Instant::now();
    let t = text(&pane(&mut app, 100, 30));
    let took = t0.elapsed();
    assert!(
        t.contains("\"items\": [") && t.contains("\"name\": \"item 0\""),
        "{t}"
    );
    let doc = app.body.model.as_ref().unwrap().doc.as_ref().unwrap();
    assert!(
        doc.scanned_bytes() <= 8 * 1024 * 1024,
        "{} bytes indexed",
        doc.scanned_bytes()
    );
    // Debug builds are slow; the budget (50 ms) is for release builds.
    assert!(took.as_secs() < 5, "{took:?}");
    // The end is reachable.
    key(&mut app, KeyCode::Char('G'));
    let t = text(&pane(&mut app, 100, 30));
    let last: Vec<&str> = t.lines().rev().skip(1).take(3).collect();
    assert_eq!(last[0].trim_matches(['┃', ' ']), "}", "{t}");
    assert_eq!(last[1].trim_matches(['┃', ' ']), "]", "{t}");
}

#[test]
fn text_hex_toggle_keeps_the_place() {
    let body: String = (0..1000).map(|i| format!("line number {i}\n")).collect();
    let mut app = app_with(&[("Content-Type", "text/plain")], body.as_bytes());
    pane(&mut app, 90, 12);
    app.body.scroll = 500;
    pane(&mut app, 90, 12);
    let offset = body.find("line number 500\n").unwrap();
    key(&mut app, KeyCode::Char('x'));
    let t = text(&pane(&mut app, 90, 12));
    assert_eq!(app.body.scroll, offset / 16, "{t}");
    key(&mut app, KeyCode::Char('x'));
    // Back to the line holding the top hex row's first byte.
    assert!(
        (499..=500).contains(&app.body.scroll),
        "{}",
        app.body.scroll
    );
}

#[test]
fn a_large_body_saves_on_a_thread_and_says_when_done() {
    let body = vec![b'x'; 9 * 1024 * 1024];
    let mut app = app_with(&[("Content-Type", "text/plain")], &body);
    pane(&mut app, 90, 12);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    key(&mut app, KeyCode::Char('s'));
    if let Mode::Prompt { editor, .. } = &mut app.mode {
        *editor = wirescope::tui::editor::LineEditor::new(path.display().to_string());
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.notice.as_deref(), Some("saving…"));
    for _ in 0..500 {
        pane(&mut app, 90, 12);
        if app.notice.as_deref() != Some("saving…") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        app.notice
            .as_deref()
            .unwrap_or("")
            .starts_with("saved 9437184 decoded bytes"),
        "{:?}",
        app.notice
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), body.len() as u64);
}
