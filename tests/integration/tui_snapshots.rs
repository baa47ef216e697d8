//! Each pane, and the whole app, rendered with `TestBackend` from fixed
//! exchanges (fixed bytes, fixed timeline) at 80×24 and 120×40, compared
//! with the snapshots in `tests/snapshots/`. Also: every pane survives a
//! zero-size and a 1×1 area, below 80×24 the app says the terminal is too
//! small, nothing a server sends reaches a cell unescaped, and NO_COLOR
//! means no colors.

use crate::common;

use common::screen::{pane, whole};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::Terminal;

use wirescope::tui::app::{App, PaneId, WireView};
use wirescope::tui::entry::EntryState;
use wirescope::tui::fixture;
use wirescope::tui::theme::ColorMode;
use wirescope::tui::view;
use wirescope::wire::{ErrorPhase, WireError};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn done_app() -> App {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::exchange());
    app
}

fn name(id: PaneId) -> String {
    id.title().to_lowercase()
}

#[test]
fn each_pane_at_both_sizes() {
    for (w, h) in SIZES {
        for id in PaneId::ALL {
            let mut app = done_app();
            app.focus = id;
            insta::assert_snapshot!(
                format!("pane_{}_{w}x{h}", name(id)),
                pane(&mut app, id, w, h)
            );
        }
    }
}

#[test]
fn whole_app_at_both_sizes() {
    for (w, h) in SIZES {
        let mut app = done_app();
        insta::assert_snapshot!(format!("app_done_{w}x{h}"), whole(&mut app, w, h));
        let mut app = fixture::app();
        insta::assert_snapshot!(format!("app_start_{w}x{h}"), whole(&mut app, w, h));
    }
}

#[test]
fn wire_hex_view_and_highlighted_header() {
    let mut app = done_app();
    app.wire.view = WireView::Hex;
    insta::assert_snapshot!("wire_hex_120x40", pane(&mut app, PaneId::Wire, 120, 40));
    let mut app = done_app();
    app.focus = PaneId::Response;
    app.response.header = Some(0);
    app.wire.follow_highlight = true;
    let screen = whole(&mut app, 120, 40);
    assert_eq!(
        app.wire.model.highlight.as_ref().map(|(_, r)| r.len()),
        Some("Content-Type: application/json\r\n".len())
    );
    insta::assert_snapshot!("app_header_selected_120x40", screen);
}

#[test]
fn wire_hex_scrolled_over_megabytes() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::big_exchange(5 << 20));
    app.wire.view = WireView::Hex;
    app.wire.scroll = 200_000;
    let shown = pane(&mut app, PaneId::Wire, 120, 40);
    insta::assert_snapshot!("wire_hex_5mb_middle", shown);
}

#[test]
fn in_flight_exchange_grows_its_waiting_bar() {
    let mut app = fixture::app();
    fixture::push_in_flight(&mut app, 2500);
    insta::assert_snapshot!("app_in_flight_120x40", whole(&mut app, 120, 40));
    let before = pane(&mut app, PaneId::Waterfall, 60, 11);
    app.entries[0].elapsed = std::time::Duration::from_millis(5000);
    let after = pane(&mut app, PaneId::Waterfall, 60, 11);
    assert_ne!(before, after);
    assert!(after.contains("4999 ms …"), "{after}");
    app.entries[0].state = EntryState::Cancelled;
    insta::assert_snapshot!(
        "waterfall_cancelled",
        pane(&mut app, PaneId::Waterfall, 60, 11)
    );
}

#[test]
fn reused_connection_shows_skipped_phases() {
    let mut app = fixture::app();
    let mut x = fixture::exchange();
    let mut t = wirescope::wire::Timeline::new(std::time::SystemTime::UNIX_EPOCH);
    t.reused = true;
    for (m, at) in [
        (wirescope::wire::Mark::Ready, 0),
        (wirescope::wire::Mark::RequestSent, 1),
        (wirescope::wire::Mark::FirstByte, 9),
        (wirescope::wire::Mark::Done, 10),
    ] {
        t.mark(m, std::time::Duration::from_millis(at));
    }
    x.timeline = t;
    if let Some(c) = x.connection.as_mut() {
        c.reused = true;
    }
    fixture::push_done(&mut app, x);
    let shown = pane(&mut app, PaneId::Waterfall, 60, 11);
    assert!(shown.contains("skipped: reused conn"), "{shown}");
    assert!(shown.contains("conn #1 reused"), "{shown}");
    insta::assert_snapshot!("waterfall_reused", shown);
}

#[test]
fn errors_show_their_phase_and_insecure_exchanges_warn() {
    let mut app = fixture::app();
    let mut x = fixture::exchange();
    x.response = None;
    x.transcript.received = Default::default();
    x.transcript.received_total = 0;
    x.error = Some(WireError::new(
        ErrorPhase::Connect,
        "connection refused (nothing is listening on that port)",
    ));
    x.insecure = true;
    fixture::push_done(&mut app, x);
    let shown = whole(&mut app, 120, 40);
    assert!(shown.contains("ERROR in phase connect"), "{shown}");
    assert!(shown.contains("INSECURE"), "{shown}");
    insta::assert_snapshot!("app_error_insecure_120x40", shown);
}

#[test]
fn help_overlay_lists_the_key_table() {
    let mut app = fixture::app();
    app.help = Some(0);
    let shown = whole(&mut app, 120, 40);
    for b in wirescope::tui::keymap::BINDINGS
        .iter()
        .filter(|b| b.context != wirescope::tui::keymap::Context::Help)
        .take(20)
    {
        assert!(shown.contains(b.hint), "help lacks {:?}", b.hint);
    }
    insta::assert_snapshot!("help_120x40", shown);
}

#[test]
fn too_small_below_80x24_and_no_panic_anywhere() {
    let mut app = done_app();
    let shown = whole(&mut app, 79, 23);
    assert!(shown.contains("Terminal too small"), "{shown}");
    insta::assert_snapshot!("too_small_79x23", shown);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 2),
        (10, 3),
        (80, 23),
        (79, 24),
        (300, 100),
    ] {
        let mut app = done_app();
        let buf = &mut Buffer::empty(Rect::new(0, 0, w, h));
        view::render(&mut app, buf.area, buf);
        app.help = Some(0);
        view::render(&mut app, buf.area, buf);
    }
}

#[test]
fn every_pane_renders_into_zero_and_one_cell_areas() {
    for id in PaneId::ALL {
        for view_kind in [WireView::Text, WireView::Hex] {
            for area in [
                Rect::new(0, 0, 0, 0),
                Rect::new(0, 0, 1, 1),
                Rect::new(3, 2, 0, 5),
                Rect::new(0, 0, 5, 1),
            ] {
                let mut app = done_app();
                app.wire.view = view_kind;
                let mut buf = Buffer::empty(area);
                view::render_pane(&mut app, id, area, &mut buf);
                let mut app = fixture::app();
                fixture::push_in_flight(&mut app, 10);
                view::render_pane(&mut app, id, area, &mut buf);
            }
        }
    }
}

#[test]
fn server_control_bytes_never_reach_a_cell() {
    let mut app = fixture::app();
    let mut x = fixture::exchange();
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let resp = x.response.as_mut().unwrap();
    resp.headers.push(("X-Evil".into(), evil.into()));
    resp.reason = format!("OK{evil}");
    resp.body = format!("line{evil}\r\nmore").into_bytes().into();
    let mut received = x.transcript.received.to_vec();
    received.extend_from_slice(evil.as_bytes());
    x.transcript.received = received.into();
    fixture::push_done(&mut app, x);
    for (w, h) in SIZES {
        for view_kind in [WireView::Text, WireView::Hex] {
            app.wire.view = view_kind;
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            term.draw(|f| {
                let area = f.area();
                view::render(&mut app, area, f.buffer_mut());
            })
            .unwrap();
            for cell in term.backend().buffer().content.iter() {
                assert!(
                    !cell
                        .symbol()
                        .chars()
                        .any(wirescope::report::escape::is_unsafe),
                    "unsafe char in cell {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn no_color_means_no_colors() {
    let mut app = done_app();
    app.color = ColorMode::NoColor;
    app.response.header = Some(1);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| {
        let area = f.area();
        view::render(&mut app, area, f.buffer_mut());
    })
    .unwrap();
    for cell in term.backend().buffer().content.iter() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
}

#[test]
fn a_streaming_response_shows_its_status_line_before_the_end() {
    let mut app = fixture::app();
    fixture::push_in_flight(&mut app, 700);
    let e = &mut app.entries[0];
    e.live.received = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".to_vec();
    e.live.received_total = e.live.received.len() as u64;
    let shown = pane(&mut app, PaneId::Response, 80, 10);
    assert!(
        shown.contains("receiving: HTTP/1.1 200 OK (43 B so far)"),
        "{shown}"
    );
}
