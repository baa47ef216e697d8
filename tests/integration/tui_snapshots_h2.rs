//! Snapshots of the HTTP/2, flow and batch views, from fixed exchanges
//! (`tui::fixture_more`: a real h2c connection recorded from the demo
//! server, a redirect flow, a batch set): the Frames pane at 80×24 and
//! 120×40 with a frame picked, the Response pane's HPACK-ordered headers,
//! the batch waterfall, a flow in the history and waterfall; no panic in
//! tiny areas, nothing unescaped.

use crate::common;

use common::screen::{pane, whole};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use wirescope::tui::app::{App, PaneId};
use wirescope::tui::fixture_more;
use wirescope::tui::view;

/// The h2 app with the Frames pane focused and its first HEADERS frame
/// (the request's) picked.
fn frames_app() -> App {
    let mut app = fixture_more::h2_app();
    app.focus = PaneId::Frames;
    view::prepare(&mut app, Rect::new(0, 0, 120, 40));
    app.frames.selected = app
        .frames
        .model
        .items
        .iter()
        .position(|i| i.frame().is_some_and(|f| f.type_name == "HEADERS"))
        .unwrap();
    app.frames.picked = true;
    app.wire.follow_highlight = true;
    app
}

#[test]
fn frames_pane_at_both_sizes() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = frames_app();
        let shown = whole(&mut app, w, h);
        assert!(shown.contains("HEADERS"), "{shown}");
        insta::assert_snapshot!(format!("h2_frames_app_{w}x{h}"), shown);
        let mut app = frames_app();
        insta::assert_snapshot!(
            format!("h2_frames_pane_{w}x{h}"),
            pane(&mut app, PaneId::Frames, w, h)
        );
    }
}

#[test]
fn the_second_request_shows_the_hpack_drop() {
    let mut app = frames_app();
    let shown = pane(&mut app, PaneId::Frames, 120, 40);
    assert!(
        shown.contains("request header blocks on this connection (wire/HTTP1.1): s1 103/"),
        "{shown}"
    );
    assert!(shown.contains("never indexed by h2"), "{shown}");
    assert!(shown.contains("x-api-key"), "{shown}");
    // The Wire pane lights up the picked frame's bytes in the sent half.
    whole(&mut app, 120, 40);
    let (dir, range) = app.wire.model.highlight.clone().unwrap();
    assert_eq!(dir, wirescope::wire::exchange::Dir::Sent);
    assert_eq!(range.start, 0);
}

#[test]
fn response_headers_come_in_hpack_wire_order() {
    let mut app = fixture_more::h2_app();
    app.focus = PaneId::Response;
    app.response.header = Some(0);
    let shown = pane(&mut app, PaneId::Response, 120, 40);
    let status = shown.find(":status: 200").expect(&shown);
    let ctype = shown.find("content-type: application/json").expect(&shown);
    assert!(status < ctype, "{shown}");
    assert!(shown.contains("HTTP/2 · prior knowledge"), "{shown}");
    insta::assert_snapshot!("h2_response_120x40", shown);
}

#[test]
fn batch_waterfall_and_history() {
    let mut app = fixture_more::batch_app();
    app.focus = PaneId::Waterfall;
    let fall = pane(&mut app, PaneId::Waterfall, 80, 22);
    assert!(fall.contains("HTTP/2, 3 at once on 1 connection"), "{fall}");
    assert!(
        fall.contains("HTTP/1.1, 3 one after another on 1 connection"),
        "{fall}"
    );
    insta::assert_snapshot!("batch_waterfall_80x22", fall);
    insta::assert_snapshot!("batch_app_120x40", whole(&mut app, 120, 40));
}

#[test]
fn redirect_flow_in_history_and_waterfall() {
    let mut app = fixture_more::flow_app();
    app.focus = PaneId::History;
    let history = pane(&mut app, PaneId::History, 80, 8);
    assert!(history.contains("↳#2 hop 2·1 via 302 GET"), "{history}");
    insta::assert_snapshot!("flow_history_80x8", history);
    insta::assert_snapshot!("flow_app_120x40", whole(&mut app, 120, 40));
    app.zoom = true;
    app.focus = PaneId::Waterfall;
    insta::assert_snapshot!("flow_waterfall_zoomed_120x40", whole(&mut app, 120, 40));
}

#[test]
fn new_views_survive_tiny_areas() {
    for make in [
        fixture_more::h2_app as fn() -> App,
        fixture_more::flow_app,
        fixture_more::batch_app,
    ] {
        for area in [
            Rect::new(0, 0, 0, 0),
            Rect::new(0, 0, 1, 1),
            Rect::new(0, 0, 5, 2),
            Rect::new(2, 3, 0, 7),
            Rect::new(0, 0, 30, 4),
        ] {
            for id in PaneId::ALL {
                let mut app = make();
                app.frames.picked = true;
                let mut buf = Buffer::empty(area);
                view::render_pane(&mut app, id, area, &mut buf);
            }
            let mut app = make();
            app.jar = Some(Default::default());
            let mut buf = Buffer::empty(area);
            view::render(&mut app, area, &mut buf);
        }
    }
}

#[test]
fn cookie_jar_overlay_masks_values() {
    let mut app = fixture_more::h2_app();
    app.jar = Some(wirescope::tui::app::JarView {
        cookies: Some(vec![wirescope::worker::Cookie {
            name: "session".into(),
            value: "s3cr3t-value-\u{1b}[2J".into(),
            domain: "127.0.0.1".into(),
            path: "/".into(),
        }]),
        scroll: 0,
    });
    let shown = whole(&mut app, 120, 40);
    assert!(shown.contains("session              ••••"), "{shown}");
    assert!(!shown.contains("s3c"), "{shown}");
    insta::assert_snapshot!("jar_overlay_120x40", shown);
    // `U` reveals the value, escaped.
    app.reveal_secrets = true;
    let shown = whole(&mut app, 120, 40);
    assert!(shown.contains("s3cr3t-value-\\u{1…"), "{shown}");
}
