//! Pieces of the Body view's lines: theme colors for highlighted roles,
//! styled text with search marks and sideways scrolling, hex rows, and
//! word wrapping for notes. Everything here is already escaped text.

use std::ops::Range;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::{Theme, ThemeKind};
use crate::decode::highlight::Role;
use crate::decode::text::char_width;

/// The color of a highlighted role in the app's theme.
pub fn role_style(kind: ThemeKind, t: &Theme, role: Role) -> Style {
    let light = kind == ThemeKind::Light;
    if !t.has_colors() {
        return match role {
            Role::Key | Role::Tag | Role::Keyword => Style::new().add_modifier(Modifier::BOLD),
            Role::Comment => Style::new().add_modifier(Modifier::DIM | Modifier::ITALIC),
            _ => Style::new(),
        };
    }
    let (dark, lite, m) = match role {
        Role::Plain => return Style::new(),
        Role::Key => (Color::LightBlue, Color::Indexed(25), Modifier::BOLD),
        Role::String => (Color::LightGreen, Color::Indexed(22), Modifier::empty()),
        Role::Number => (Color::LightMagenta, Color::Magenta, Modifier::empty()),
        Role::Constant => (Color::Yellow, Color::Rgb(160, 90, 0), Modifier::empty()),
        Role::Keyword => (Color::LightCyan, Color::Blue, Modifier::BOLD),
        Role::Tag => (Color::LightCyan, Color::Blue, Modifier::empty()),
        Role::Attr => (Color::Yellow, Color::Rgb(160, 90, 0), Modifier::empty()),
        Role::Function => (Color::LightBlue, Color::Indexed(25), Modifier::empty()),
        Role::Comment => (Color::DarkGray, Color::Gray, Modifier::ITALIC),
        Role::Punct => (Color::Gray, Color::DarkGray, Modifier::empty()),
    };
    Style::new()
        .fg(if light { lite } else { dark })
        .add_modifier(m)
}

/// Words of `text` in lines of at most `width` columns (long words cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let mut cur = out.pop().unwrap_or_default();
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let rest: String = cur.chars().skip(width).collect();
            out.push(cur.chars().take(width).collect());
            cur = rest;
        }
        out.push(cur);
    }
    out
}

/// A line from styled pieces, with `marks` (byte ranges of the joined
/// text) restyled on top, the first `skip` columns scrolled away.
pub fn styled(
    segs: &[(String, Style)],
    marks: &[(Range<usize>, Style)],
    skip: usize,
) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut at = 0usize;
    let mut col = 0usize;
    for (text, style) in segs {
        let mut piece = String::new();
        let mut piece_style = None;
        for (i, c) in text.char_indices() {
            let pos = at + i;
            let w = char_width(c) as usize;
            col += w;
            if col <= skip {
                continue;
            }
            let mut st = *style;
            if let Some((_, m)) = marks.iter().find(|(r, _)| r.contains(&pos)) {
                st = st.patch(*m);
            }
            if piece_style != Some(st) {
                if let Some(ps) = piece_style {
                    spans.push(Span::styled(std::mem::take(&mut piece), ps));
                }
                piece_style = Some(st);
            }
            piece.push(c);
        }
        if let Some(ps) = piece_style {
            spans.push(Span::styled(piece, ps));
        }
        at += text.len();
    }
    Line::from(spans)
}

pub fn hex_row(offset: u64, row: &[u8], wide: bool, t: &Theme) -> Line<'static> {
    let mut hex = String::with_capacity(50);
    for k in 0..16 {
        match row.get(k) {
            Some(b) => hex.push_str(&format!("{b:02x} ")),
            None => hex.push_str("   "),
        }
        if k == 7 {
            hex.push(' ');
        }
    }
    let ascii: String = row
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    let off = if wide {
        format!("{offset:010x}  ")
    } else {
        format!("{offset:08x}  ")
    };
    Line::from(vec![
        Span::styled(off, t.dim),
        Span::raw(hex),
        Span::styled("│", t.border),
        Span::raw(ascii),
        Span::styled("│", t.border),
    ])
}
