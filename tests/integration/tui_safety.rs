//! Terminal safety: an exchange whose response head and body hold every
//! byte 0x00–0xFF and the escape sequences a hostile server would try
//! (CSI, OSC 52 clipboard writes, OSC 8 links) is drawn by every pane, in
//! every view, and printed by the CLI's text report; no cell and no line
//! may carry a character a terminal would act on.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

use wirescope::report::escape::is_unsafe;
use wirescope::report::text::{render, Sections};
use wirescope::tui::app::{App, PaneId, WireView};
use wirescope::tui::{fixture, fixture_more, view};
use wirescope::wire::Exchange;

const SEQUENCES: &[&[u8]] = &[
    b"\x1b[2J",
    b"\x1b[31mred\x1b[0m",
    b"\x1b]52;c;SGVsbG8=\x07",
    b"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    b"\x9b2J",
    b"\xc2\x9b2J",
    b"\xe2\x80\xae evil \xe2\x80\xac",
    b"\xe2\x81\xa6iso\xe2\x81\xa9",
];

fn hostile_bytes() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).collect();
    for s in SEQUENCES {
        v.extend_from_slice(s);
    }
    v
}

fn hostile_exchange() -> Exchange {
    let mut x = fixture::exchange();
    let all = hostile_bytes();
    let mut head = b"HTTP/1.1 200 OK \x1b[2J\x1b]52;c;SGVsbG8=\x07\r\n".to_vec();
    head.extend_from_slice(b"X-All: ");
    head.extend_from_slice(&all);
    head.extend_from_slice(b"\r\nSet-Cookie: sid=\x1b]8;;http://x\x1b\\a; Path=/\r\n");
    head.extend_from_slice(b"X-Osc: \x1b]52;c;SGVsbG8=\x07\r\n");
    head.extend_from_slice(format!("Content-Length: {}\r\n\r\n", all.len()).as_bytes());
    let mut received = head.clone();
    received.extend_from_slice(&all);

    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let resp = x.response.as_mut().unwrap();
    resp.reason = lossy(b"OK \x1b[2J\x1b]52;c;SGVsbG8=\x07");
    resp.headers = vec![
        ("X-All".into(), lossy(&all)),
        (
            "Set-Cookie".into(),
            lossy(b"sid=\x1b]8;;http://x\x1b\\a; Path=/"),
        ),
        ("X-Osc".into(), lossy(b"\x1b]52;c;SGVsbG8=\x07")),
        ("Content-Length".into(), all.len().to_string()),
    ];
    resp.head_start = 0;
    resp.head_len = head.len();
    resp.framing = wirescope::wire::exchange::Framing::ContentLength(all.len() as u64);
    resp.body = all.clone().into();
    resp.body_len = all.len() as u64;
    resp.chunk_count = 0;
    resp.body_layout = wirescope::wire::layout_of(&received, false)
        .map(|l| l.body)
        .unwrap_or_default();
    x.transcript.received_total = received.len() as u64;
    x.transcript.received = received.into();
    x.url = lossy(b"http://127.0.0.1:8080/\x1b[2J\x1b]8;;http://x\x1b\\");
    x
}

fn assert_safe(buf: &Buffer, what: &str) {
    for (i, cell) in buf.content.iter().enumerate() {
        let sym = cell.symbol();
        assert!(
            !sym.chars().any(is_unsafe),
            "{what}: cell {i} (x {}, y {}) holds {sym:?}",
            i % buf.area.width as usize,
            i / buf.area.width as usize,
        );
    }
}

fn draw(app: &mut App, id: Option<PaneId>) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| {
        let area = f.area();
        match id {
            Some(id) => view::render_pane(app, id, area, f.buffer_mut()),
            None => view::render(app, area, f.buffer_mut()),
        }
    })
    .unwrap();
    term.backend().buffer().clone()
}

fn apps() -> Vec<(&'static str, App)> {
    let mut h1 = fixture::app();
    fixture::push_done(&mut h1, hostile_exchange());
    let mut revealed = h1.clone();
    revealed.reveal_secrets = true;
    vec![
        ("HTTP/1.1", h1),
        ("HTTP/1.1, secrets shown", revealed),
        ("HTTP/2", fixture_more::h2_app()),
    ]
}

#[test]
fn every_pane_and_view_is_terminal_safe() {
    for (label, base) in apps() {
        for id in PaneId::ALL {
            let views: &[(WireView, bool)] = match id {
                PaneId::Wire => &[(WireView::Text, false), (WireView::Hex, false)],
                PaneId::Body => &[(WireView::Text, false), (WireView::Text, true)],
                _ => &[(WireView::Text, false)],
            };
            for &(wire_view, body_hex) in views {
                let mut app = base.clone();
                app.focus = id;
                app.wire.view = wire_view;
                app.body.hex = body_hex;
                // Select a header so its highlight is drawn too.
                app.response.header = Some(0);
                let what = format!("{label} {id:?} {wire_view:?} body hex {body_hex}");
                assert_safe(&draw(&mut app, Some(id)), &format!("pane {what}"));
                assert_safe(&draw(&mut app, None), &format!("whole app {what}"));
                // Scrolled down, so later rows (the body, the tail of the
                // head) are drawn too.
                for scroll in [5, 12, 25] {
                    let mut app = app.clone();
                    app.wire.scroll = scroll;
                    app.response.scroll = scroll;
                    app.body.scroll = scroll;
                    assert_safe(
                        &draw(&mut app, Some(id)),
                        &format!("pane {what} scroll {scroll}"),
                    );
                }
            }
        }
    }
}

#[test]
fn the_cli_text_report_is_terminal_safe() {
    let x = hostile_exchange();
    let all = Sections::parse("all").unwrap();
    let out = render(&x, &all);
    assert!(!out.is_empty());
    for (n, line) in out.lines().enumerate() {
        assert!(
            !line.chars().any(is_unsafe),
            "line {n} of the text report: {line:?}"
        );
    }
}

#[test]
fn the_fixture_really_is_hostile() {
    let x = hostile_exchange();
    let r = &x.transcript.received;
    for b in 0..=255u8 {
        assert!(r.contains(&b), "byte {b:#04x} missing from the response");
    }
    for s in SEQUENCES {
        assert!(r.windows(s.len()).any(|w| w == *s));
    }
}

/// HTTP/2 secrets sent as plain HPACK literals (no Huffman coding) are
/// readable in the wire bytes: they are masked there too, even with the
/// request's block split over a CONTINUATION, and a search cannot find
/// them; `U` shows them.
#[test]
fn plain_hpack_secrets_are_masked_in_the_wire() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture_more::h2_plain_secrets_exchange());
    for view in [WireView::Text, WireView::Hex] {
        let mut app = app.clone();
        app.focus = PaneId::Wire;
        app.wire.view = view;
        let shown = screen(&draw(&mut app, Some(PaneId::Wire)));
        for secret in ["t0k", "c00kie", "74 30 6b", "63 30 30"] {
            assert!(!shown.contains(secret), "{view:?} shows {secret}:\n{shown}");
        }
        if view == WireView::Text {
            assert!(
                shown.contains("authorizatio") && shown.contains("set-cookie"),
                "{shown}"
            );
        }
        app.reveal_secrets = true;
        let shown = screen(&draw(&mut app, Some(PaneId::Wire)));
        let plain = if view == WireView::Text {
            "c00kie"
        } else {
            "63 30 30"
        };
        assert!(shown.contains(plain), "{view:?} revealed:\n{shown}");
    }
    app.focus = PaneId::Wire;
    let _ = draw(&mut app, None);
    wirescope::tui::search::commit(&mut app, wirescope::tui::search::Target::Wire, "c00kie");
    assert_eq!(app.search.wire.as_ref().map(|s| s.matches.len()), Some(0));
}

fn screen(buf: &Buffer) -> String {
    buf.content
        .chunks(buf.area.width as usize)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Header bytes reach the panes as they were received: backslashes kept
/// (not read as escapes), a tab drawn as a tab, non-UTF-8 escaped as
/// `\xNN`, a NUL never raw.
#[test]
fn header_bytes_reach_the_panes_as_received() {
    let odd: &[u8] = b"HTTP/1.1 200 OK\r\nX-Path: C:\\new\\table\r\nX-Fold: one\r\n two\r\nX-Latin: caf\xe9\r\nContent-Length: 2\r\n\r\nok";
    let (resp, err) = wirescope::wire::fuzz_read_record(odd, false);
    assert!(err.is_none(), "{err:?}");
    let mut x = fixture::exchange();
    x.response = resp;
    x.transcript.received = odd.to_vec().into();
    x.transcript.received_total = odd.len() as u64;
    let mut app = fixture::app();
    fixture::push_done(&mut app, x);
    app.focus = PaneId::Response;
    let shown = screen(&draw(&mut app, Some(PaneId::Response)));
    assert!(shown.contains("C:\\new\\table"), "{shown}");
    assert!(shown.contains("caf\\xe9"), "{shown}");
    assert!(
        !shown.contains("ew\table") && !shown.contains("C: ew"),
        "{shown}"
    );
    app.focus = PaneId::Wire;
    app.wire.view = WireView::Text;
    let wire = screen(&draw(&mut app, Some(PaneId::Wire)));
    assert!(wire.contains("C:\\new\\table"), "{wire}");
    assert_safe(&draw(&mut app, Some(PaneId::Wire)), "odd head wire");
}

/// Sentinel cells left inside `area` after `draw` drew over a buffer full
/// of them: what a prompt or overlay would leave of what it covers.
fn left_under(area: ratatui::layout::Rect, draw: impl FnOnce(&mut Buffer)) -> Vec<(u16, u16)> {
    let screen = ratatui::layout::Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(screen);
    for cell in buf.content.iter_mut() {
        cell.set_symbol("Ж");
    }
    draw(&mut buf);
    let mut left = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if buf[(x, y)].symbol() == "Ж" {
                left.push((x, y));
            }
        }
    }
    left
}

/// The box an overlay drew: the bounding box of the cells it changed.
fn drawn_box(draw: impl Fn(&mut Buffer)) -> ratatui::layout::Rect {
    let screen = ratatui::layout::Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(screen);
    for cell in buf.content.iter_mut() {
        cell.set_symbol("Ж");
    }
    draw(&mut buf);
    let changed: Vec<(u16, u16)> = (0..40)
        .flat_map(|y| (0..120).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].symbol() != "Ж")
        .collect();
    let (x0, x1) = (
        changed.iter().map(|c| c.0).min().unwrap(),
        changed.iter().map(|c| c.0).max().unwrap(),
    );
    let (y0, y1) = (
        changed.iter().map(|c| c.1).min().unwrap(),
        changed.iter().map(|c| c.1).max().unwrap(),
    );
    ratatui::layout::Rect::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1)
}

/// Every prompt clears the line it takes (the footer's hints under it
/// once showed through: `/    Enter ok · Esc cancel: send)`), and every
/// overlay the box it takes, whatever pane is under them.
#[test]
fn every_prompt_and_overlay_draws_over_what_it_covers() {
    use wirescope::tui::prompt::Prompt;
    use wirescope::tui::search::Target;
    use wirescope::tui::workflow::WorkPrompt;
    let prompts = [
        Prompt::Search(Target::Wire),
        Prompt::Filter,
        Prompt::SaveBody,
        Prompt::SaveWire(wirescope::wire::exchange::Dir::Sent),
        Prompt::Work(WorkPrompt::Curl),
        Prompt::Work(WorkPrompt::HistoryFilter),
    ];
    let line = ratatui::layout::Rect::new(0, 39, 120, 1);
    for (label, base) in apps() {
        for p in prompts {
            let mut app = base.clone();
            app.mode = wirescope::tui::app::Mode::Prompt {
                prompt: p,
                editor: Default::default(),
            };
            let left = left_under(line, |buf| wirescope::tui::prompt::render(&app, line, buf));
            assert!(left.is_empty(), "{label} {p:?} left {} cells", left.len());
        }
        let mut app = base.clone();
        app.help = Some(0);
        let screen = ratatui::layout::Rect::new(0, 0, 120, 40);
        let help = |buf: &mut Buffer| wirescope::tui::panes::help::render(&app, screen, buf);
        let boxed = drawn_box(help);
        let left = left_under(boxed, help);
        assert!(
            left.is_empty(),
            "{label} help left {} cells in {boxed:?}",
            left.len()
        );
    }
}

/// What the engine warned about is counted in the Response pane's title:
/// seen without scrolling down to it.
#[test]
fn warnings_are_counted_in_the_response_title() {
    let mut x = fixture::exchange();
    x.warnings.push(wirescope::wire::Warning::StrayBytes(5));
    let mut app = fixture::app();
    fixture::push_done(&mut app, x);
    app.focus = PaneId::Response;
    let shown = screen(&draw(&mut app, Some(PaneId::Response)));
    let title = shown.lines().next().unwrap_or_default();
    assert!(title.contains("⚠ 1 warning"), "{title}");
}
