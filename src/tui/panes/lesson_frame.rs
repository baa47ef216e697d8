//! Lesson mode's pane frames and text layout: a pane's border and title
//! (the focused one thick, with a `▶`), prose wrapped by words, wire
//! bytes wrapped by characters (`↳` starts a continued row), and pieces of
//! styled text (the facts) wrapped between pieces.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use crate::tui::lesson::LessonPane;
use crate::tui::theme::Theme;

/// What a lesson pane's border says.
pub struct Title<'a> {
    pub id: LessonPane,
    pub text: &'a str,
    /// After the title, less prominent (`· slow motion ×200`).
    pub extra: &'a str,
    /// On the bottom border.
    pub bottom: Option<Line<'static>>,
}

/// A lesson pane's border and title; returns the inside. The focused
/// pane has a thick border and a `▶`, as in the free-form TUI.
pub fn frame(t: &Theme, title: Title, focused: bool, area: Rect, buf: &mut Buffer) -> Rect {
    let Title {
        id,
        text: title,
        extra,
        bottom,
    } = title;
    if area.width < 2 || area.height < 2 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let mut spans = vec![
        Span::styled(if focused { "▶" } else { " " }, t.border_focus),
        Span::styled(format!("{} ", id.number()), t.key),
        Span::styled(title.to_string(), t.title),
    ];
    if !extra.is_empty() {
        spans.push(Span::styled(format!(" · {extra}"), t.dim));
    }
    spans.push(Span::raw(" "));
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { t.border_focus } else { t.border })
        .title(Line::from(spans));
    if let Some(b) = bottom {
        block = block.title_bottom(b);
    }
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// `text` wrapped at word boundaries to `width` columns; paragraphs
/// (`\n`) stay apart; words longer than a line are cut.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if len > 0 {
                    out.push(std::mem::take(&mut line));
                    len = 0;
                }
                let rest = word.split_off(width);
                out.push(word.into_iter().collect());
                word = rest;
            }
            if len > 0 && len + 1 + word.len() > width {
                out.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            len += word.len();
            line.extend(word);
        }
        out.push(line);
    }
    out
}

/// Styled pieces laid into rows of `width` columns, cut anywhere; rows
/// after the first start with `↳ `.
pub fn wrap_pieces(pieces: &[(String, Style)], width: usize, t: &Theme) -> Vec<Line<'static>> {
    let width = width.max(3);
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (text, style) in pieces {
        let mut chunk = String::new();
        for c in text.chars() {
            if used == width {
                let row = rows.last_mut().expect("a row");
                if !chunk.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut chunk), *style));
                }
                rows.push(vec![Span::styled("↳ ", t.key)]);
                used = 2;
            }
            chunk.push(c);
            used += 1;
        }
        if !chunk.is_empty() {
            rows.last_mut()
                .expect("a row")
                .push(Span::styled(chunk, *style));
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// Facts wrapped between pieces, never inside one when it fits a row.
pub fn wrap_words_pieces(pieces: &[(String, Style)], width: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (text, style) in pieces {
        let len = text.chars().count();
        if used > 0 && used + len > width {
            rows.push(Vec::new());
            used = 0;
            if text.trim().is_empty() {
                continue;
            }
        }
        if len > width {
            for (i, r) in wrap_words(text, width).into_iter().enumerate() {
                if i > 0 {
                    rows.push(Vec::new());
                }
                used = r.chars().count();
                rows.last_mut()
                    .expect("a row")
                    .push(Span::styled(r, *style));
            }
            continue;
        }
        used += len;
        rows.last_mut()
            .expect("a row")
            .push(Span::styled(text.clone(), *style));
    }
    rows.into_iter().map(Line::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_and_long_words_are_cut() {
        assert_eq!(wrap_words("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap_words("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap_words("a\n\nb", 9), vec!["a", "", "b"]);
    }
}
