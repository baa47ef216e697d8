//! The cookie jar overlay (`c`): the cookies the worker's session holds,
//! name, domain and path in full, values masked until `U` (they are
//! often credentials; a projector shows them to a room). Everything
//! escaped.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, put};
use crate::report::escape::sanitize_text;
use crate::tui::app::App;
use crate::wire::CookieJar;

/// A value as the overlay shows it: masked like every cookie value on
/// screen (neither its characters nor its length show) until `U`.
pub fn shown_value(value: &str, reveal: bool) -> String {
    if reveal {
        sanitize_text(value)
    } else {
        crate::report::mask::DOT.to_string().repeat(4)
    }
}

/// The overlay's lines.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    let on = app.form.options.cookies == CookieJar::On;
    out.push(Line::styled(
        if on {
            "On: Set-Cookie answers are kept; matching cookies go out in a Cookie header."
        } else {
            "Off for new requests: the Request pane option 'cookie jar' turns it on."
        },
        t.dim,
    ));
    out.push(Line::default());
    let Some(jar) = app.jar.as_ref().and_then(|j| j.cookies.as_ref()) else {
        out.push(Line::styled("asking the session…", t.dim));
        return out;
    };
    if jar.is_empty() {
        out.push(Line::styled(
            "No cookies. Try /cookies/set?flavor=oat on the demo server with the jar on.",
            t.dim,
        ));
        return out;
    }
    out.push(Line::styled(
        format!("{:<20} {:<18} {:<22} {}", "name", "value", "domain", "path"),
        t.section,
    ));
    for c in jar {
        out.push(Line::from(vec![
            Span::styled(format!("{:<20} ", clip(&sanitize_text(&c.name), 20)), t.key),
            Span::raw(format!(
                "{:<18} ",
                clip(&shown_value(&c.value, app.reveal_secrets), 18)
            )),
            Span::raw(format!("{:<22} ", clip(&sanitize_text(&c.domain), 22))),
            Span::raw(sanitize_text(&c.path)),
        ]));
    }
    out
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = area.width.min(78);
    let h = area.height.saturating_sub(4).min(16);
    if w < 4 || h < 3 {
        return;
    }
    let title = match app.reveal_secrets {
        true => " Cookie jar · U masks values · Esc closes ",
        false => " Cookie jar · values masked (U reveals) · Esc closes ",
    };
    let inner = super::overlay(app, area, buf, (w, h), title.to_string());
    let all = lines(app);
    let first = app
        .jar
        .as_ref()
        .map_or(0, |j| j.scroll)
        .min(all.len().saturating_sub(inner.height as usize));
    for (y, line) in all
        .iter()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        put(buf, inner, y, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_masked_until_revealed() {
        assert_eq!(shown_value("abc", false), "••••");
        assert_eq!(shown_value("s3cr3t-token", false), "••••");
        assert_eq!(shown_value("s3cr3t-token", true), "s3cr3t-token");
        assert_eq!(shown_value("\u{1b}[2Jxyz", true), "\\u{1b}[2Jxyz");
    }
}
