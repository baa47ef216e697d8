//! Body pane: the response body as the application sees it — content
//! codings undone, charset applied, JSON pretty-printed in key order,
//! highlighted — or its bytes in hex; with the sizes on the wire and
//! decoded, what failed, the path filter and search. Draws the lines
//! `body_frame::prepare` made: every character from the body was escaped
//! there, so nothing from a server reaches the terminal as a control.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{frame, put};
use crate::tui::app::{App, PaneId};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let f = &app.body.frame;
    let inner = frame(app, PaneId::Body, &f.title, area, buf);
    if inner.is_empty() {
        return;
    }
    let mut y = 0;
    for line in &f.head {
        put(buf, inner, y, line);
        y += 1;
    }
    for line in &f.rows {
        if y >= inner.height as usize {
            break;
        }
        put(buf, inner, y, line);
        y += 1;
    }
}
