//! What the Body view's keys (and `/`, `n`, `N`, `s` elsewhere) do. Part
//! of `update`: state changes only.

use super::app::{App, PaneId};
use super::keymap::Action;
use crate::decode::search::Direction;

/// Columns one sideways step moves.
const SIDEWAYS: usize = 8;

pub fn perform(app: &mut App, action: Action) {
    match action {
        Action::Search => super::prompt::search(app),
        Action::SearchNext => super::search::next(app, Direction::Forward),
        Action::SearchPrev => super::search::next(app, Direction::Backward),
        Action::Save => super::prompt::save(app),
        Action::Filter => super::prompt::filter(app),
        Action::ToggleBodyHex => toggle_hex(app),
        Action::Left => app.body.hscroll = app.body.hscroll.saturating_sub(SIDEWAYS),
        Action::Right => app.body.hscroll = app.body.hscroll.saturating_add(SIDEWAYS).min(1 << 16),
        Action::ShowBody => {
            app.focus = PaneId::Body;
            app.body.pinned = true;
        }
        _ => {}
    }
}

/// Text ↔ hex, keeping the same bytes at the top when the hex view shows
/// the bytes the text is made of (no charset conversion, no failure).
fn toggle_hex(app: &mut App) {
    let b = &mut app.body;
    b.hex = !b.hex;
    b.hscroll = 0;
    let Some(m) = &mut b.model else {
        b.scroll = 0;
        return;
    };
    let same = m.filtered.is_none()
        && m.presented.as_ref().is_some_and(|p| {
            p.body.decoded_ok() && p.charset == crate::decode::charset::Charset::Utf8
        });
    let Some(doc) = m.doc.as_mut().filter(|_| same) else {
        b.scroll = 0;
        return;
    };
    b.scroll = if b.hex {
        doc.offset_of(b.scroll)
            .ok()
            .flatten()
            .map_or(0, |o| (o / 16) as usize)
    } else {
        doc.line_at(b.scroll as u64 * 16).unwrap_or(0)
    };
}

/// Scrolls the Body view by `n` rows (clamped when the frame is made).
pub fn scroll(app: &mut App, delta: isize, n: usize) {
    let b = &mut app.body;
    b.scroll = if delta < 0 {
        b.scroll.saturating_sub(n)
    } else {
        b.scroll.saturating_add(n)
    };
}
