//! Draws the workflow's prompts over the footer line. Unlike the short
//! search prompt, a pasted curl command is long: the part around the
//! cursor is what shows, and line breaks kept in it show as `⏎`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::WorkPrompt;
use crate::report::escape::is_unsafe;
use crate::tui::app::App;
use crate::tui::editor::LineEditor;
use crate::tui::panes::put;

/// One cell per char: line breaks as `⏎`, other controls as `·`.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '⏎',
            c if is_unsafe(c) => '·',
            c => c,
        })
        .collect()
}

pub fn render_prompt(
    app: &App,
    prompt: WorkPrompt,
    editor: &LineEditor,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    crate::tui::panes::fill(buf, area, &t);
    let label = prompt.label();
    // The pasted command's label says its keys already.
    let keys = match prompt {
        WorkPrompt::CurlPasted => "",
        _ => "   Enter ok · Esc cancel",
    };
    let (before, after) = editor.split();
    let before: Vec<char> = shown(before).chars().collect();
    let after = shown(after);
    let mut after = after.chars();
    let at = after.next().map_or(" ".to_string(), |c| c.to_string());
    let room = (area.width as usize)
        .saturating_sub(label.chars().count() + keys.chars().count() + 1)
        .max(8);
    // Keep the cursor in view: the end of what is before it shows.
    let skip = (before.len() + 1).saturating_sub(room);
    let mut head: String = before[skip..].iter().collect();
    if skip > 0 {
        head.replace_range(..head.chars().next().map_or(0, char::len_utf8), "…");
    }
    let tail_room = room.saturating_sub(head.chars().count() + 1);
    let tail: String = after.take(tail_room).collect();
    let line = Line::from(vec![
        Span::styled(label, t.key),
        Span::raw(head),
        Span::styled(at, t.cursor),
        Span::raw(tail),
        Span::styled(keys, t.dim),
    ]);
    put(buf, area, 0, &line);
}
