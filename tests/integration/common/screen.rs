//! Rendering the TUI into a `TestBackend` and reading the screen back as
//! text, for snapshot and safety tests.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use wirescope::tui::app::{App, PaneId};
use wirescope::tui::view;

/// The buffer as lines of text, trailing blanks trimmed.
pub fn text(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    let mut out = String::new();
    for row in buf.content.chunks(w.max(1)) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The whole app at `w`×`h`.
pub fn whole(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| {
        let area = f.area();
        view::render(app, area, f.buffer_mut());
    })
    .expect("draw");
    text(term.backend().buffer())
}

/// One pane alone at `w`×`h`.
pub fn pane(app: &mut App, id: PaneId, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| {
        let area = f.area();
        view::render_pane(app, id, area, f.buffer_mut());
    })
    .expect("draw");
    text(term.backend().buffer())
}
