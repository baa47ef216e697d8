//! Response pane: the status line with its family as a text badge and a
//! one-line meaning, the protocol and why, the exchange's place in a flow
//! or batch, interim responses, errors with their phase, headers in wire
//! order and original case with what each means (HTTP/2: as HPACK decoded
//! them from the frames, with how each was sent), the connection and TLS,
//! and a body preview.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::response_info as info;
use super::{clip, frame, put};
use crate::decode::h1::RegionKind;
use crate::explain::{self, Family, Severity};
use crate::report::escape::sanitize_text;
use crate::tui::app::{fmt_bytes, fmt_ms, App, PaneId};
use crate::tui::entry::EntryState;
use crate::tui::theme::Theme;
use crate::wire::Warning;

/// The pane's lines above the body preview, and where the headers start.
struct Head {
    lines: Vec<Line<'static>>,
    first_header: usize,
}

fn head(app: &App, t: &Theme, width: usize) -> Head {
    let mut lines = Vec::new();
    let mut first_header = 0;
    let Some(e) = app.entry() else {
        lines.push(Line::styled(
            "No response yet: send a request (Enter on the URL, or F5).",
            t.dim,
        ));
        return Head {
            lines,
            first_header,
        };
    };
    let x = e.exchange.as_deref();
    if let Some(err) = x.and_then(|x| x.error.as_ref()) {
        lines.push(Line::styled(
            format!(" ✖ ERROR in phase {} ", err.phase),
            t.banner,
        ));
        for l in wrap(&sanitize_text(&err.tui_message()), width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {l}"), t.error));
        }
    }
    if x.is_some_and(|x| x.insecure) {
        lines.push(Line::styled(
            " ⚠ INSECURE: TLS certificate verification was OFF for this exchange ",
            t.banner,
        ));
    }
    match e.state {
        EntryState::InFlight if e.response().is_none() => {
            // The record comes at the end; until then the first status
            // line seen on the wire says how it is going.
            match live_status(e.received()) {
                Some(status) => lines.push(Line::from(vec![
                    Span::styled("receiving: ", t.dim),
                    Span::styled(status, t.title),
                    Span::styled(format!(" ({} so far)", fmt_bytes(e.totals().1)), t.dim),
                ])),
                None => lines.push(Line::styled(
                    format!("… waiting for the response ({})", fmt_ms(e.elapsed)),
                    t.dim,
                )),
            }
        }
        EntryState::Cancelled => lines.push(Line::styled(
            format!(
                "Cancelled after {}: what arrived is in the Wire pane.",
                fmt_ms(e.elapsed)
            ),
            t.warning,
        )),
        _ => {}
    }
    let Some(resp) = e.response() else {
        lines.extend(info::context(app, e, t, width));
        if let Some(x) = x {
            lines.extend(info::connection(x, t));
        }
        return Head {
            lines,
            first_header,
        };
    };
    let family = Family::of(resp.status);
    lines.push(Line::from(vec![
        Span::styled(
            sanitize_text(format!("{} {} {}", resp.version, resp.status, resp.reason).trim_end()),
            t.title,
        ),
        Span::raw("  "),
        Span::styled(format!(" {} ", family.label()), t.badge(family)),
    ]));
    let meaning = explain::status(resp.status).map_or(family.label(), |s| s.meaning);
    lines.push(Line::styled(format!("  {meaning}"), t.dim));
    if let Some(l) = x.and_then(|x| info::protocol(x, t)) {
        lines.push(l);
    }
    lines.extend(info::context(app, e, t, width));
    for i in &resp.interim {
        lines.push(Line::styled(
            sanitize_text(&format!(
                "  interim: {} {} ({} headers)",
                i.status,
                i.reason,
                i.headers.len()
            )),
            t.dim,
        ));
    }
    for w in x.map(|x| x.warnings.as_slice()).unwrap_or_default() {
        // Verification off has its own banner.
        if *w != Warning::VerifyOff {
            lines.push(Line::styled(
                format!("  ⚠ {}", sanitize_text(&w.to_string())),
                t.warning,
            ));
        }
    }
    for lint in explain::response_lints(resp.status, &resp.headers) {
        let style = match lint.severity {
            Severity::Info => t.dim,
            Severity::Warning => t.warning,
            Severity::Danger => t.error,
        };
        lines.push(Line::styled(
            format!("  ⚠ {}", sanitize_text(&lint.message)),
            style,
        ));
    }
    let rows = header_rows(app);
    let how = if app.frames.model.ready {
        "as HPACK decoded them · ↑↓ select: its frame lights up in Wire"
    } else {
        "↑↓ select: its bytes light up in Wire"
    };
    lines.push(Line::styled(
        format!("Headers ({}) · {how}", rows.len()),
        t.section,
    ));
    first_header = lines.len();
    let url = url::Url::parse(&e.url).ok();
    let focused = app.focus == PaneId::Response;
    for (i, (name, value, repr)) in rows.iter().enumerate() {
        let selected = app.response.header == Some(i);
        let shown_value = if app.reveal_secrets {
            value.clone()
        } else {
            crate::report::mask::mask_header_value(name, value)
        };
        let marker = if selected { "▶ " } else { "  " };
        let name_style = if selected && focused {
            t.selected
        } else {
            t.region(RegionKind::HeaderName)
        };
        let mut spans = vec![
            Span::styled(marker, t.border_focus),
            Span::styled(format!("{}:", sanitize_text(name)), name_style),
            Span::raw(format!(" {}", sanitize_text(&shown_value))),
        ];
        if let Some(r) = repr {
            spans.push(Span::styled(format!("  [{r}]"), t.dim));
        }
        let used: usize = spans.iter().map(Span::width).sum();
        let reading = explain::read_header(name, value, url.as_ref())
            .or_else(|| explain::header(name).map(|h| h.meaning.to_string()));
        if let Some(r) = reading {
            let room = width.saturating_sub(used + 4);
            if room > 8 {
                spans.push(Span::styled(
                    format!("  · {}", clip(&sanitize_text(&r), room)),
                    t.dim,
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some(x) = x {
        lines.extend(info::connection(x, t));
    }
    let mut body = format!("Body · {}", fmt_bytes(resp.body_len));
    if !e.preview.kind.is_empty() {
        body.push_str(&format!(" · {}", e.preview.kind));
    }
    if resp.body_len > 0 {
        body.push_str(" · b: Body view");
    }
    lines.push(Line::styled(body, t.section));
    Head {
        lines,
        first_header,
    }
}

/// The first status line of a live received stream, escaped.
fn live_status(received: &[u8]) -> Option<String> {
    let head = &received[..received.len().min(512)];
    let end = head.windows(2).position(|w| w == b"\r\n")?;
    let line = &head[..end];
    line.starts_with(b"HTTP/")
        .then(|| crate::report::escape::escape_bytes(line))
}

/// Words of `text` in lines of at most `width` columns (long words cut).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        loop {
            let last = lines.last_mut().expect("never empty");
            let used = last.chars().count();
            let need = word.chars().count() + usize::from(used > 0);
            if used + need <= width {
                if used > 0 {
                    last.push(' ');
                }
                last.push_str(&word);
                break;
            }
            if used == 0 {
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                last.push_str(&head);
            }
            lines.push(String::new());
            if word.is_empty() {
                break;
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// The response headers as listed: for HTTP/2 the fields HPACK decoded
/// from the frames, in wire order (pseudo-headers included), with how each
/// was sent; otherwise the parsed headers. (name, value, representation)
pub fn header_rows(app: &App) -> Vec<(String, String, Option<String>)> {
    let m = &app.frames.model;
    if m.ready {
        return m
            .response_fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone(), Some(f.repr.clone())))
            .collect();
    }
    app.entry()
        .and_then(|e| e.response())
        .map(|r| {
            r.headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone(), None))
                .collect()
        })
        .unwrap_or_default()
}

/// How many header rows can be selected.
pub fn header_count(app: &App) -> usize {
    if app.entry().and_then(|e| e.response()).is_none() {
        return 0;
    }
    header_rows(app).len()
}

/// Line index of header `i` and the pane's total lines, for scrolling.
pub fn header_line(app: &App, i: usize) -> usize {
    head(app, &app.theme(), 80).first_header + i
}

pub fn line_count(app: &App) -> usize {
    head(app, &app.theme(), 80).lines.len() + app.entry().map_or(0, |e| e.preview.lines.len())
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    // Lints and warnings counted in the title, so they are seen without
    // scrolling to them.
    let extra = app
        .entry()
        .and_then(|e| e.response().map(|r| (e, r)))
        .map(|(e, r)| {
            let lints = explain::response_lints(r.status, &r.headers).len();
            let warnings = e.exchange.as_ref().map_or(0, |x| {
                x.warnings
                    .iter()
                    .filter(|w| **w != Warning::VerifyOff)
                    .count()
            });
            let mut s = format!("{} {}", r.status, Family::of(r.status).short());
            if warnings > 0 {
                s.push_str(&format!(
                    " · ⚠ {warnings} warning{}",
                    if warnings == 1 { "" } else { "s" }
                ));
            }
            if lints > 0 {
                s.push_str(&format!(
                    " · {lints} lint{}",
                    if lints == 1 { "" } else { "s" }
                ));
            }
            s
        })
        .unwrap_or_default();
    let inner = frame(app, PaneId::Response, &extra, area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let head = head(app, &t, inner.width as usize);
    let preview: &[String] = app.entry().map_or(&[], |e| &e.preview.lines);
    let total = head.lines.len() + preview.len();
    let first = app.response.scroll.min(total.saturating_sub(1));
    for y in 0..inner.height as usize {
        let i = first + y;
        if i < head.lines.len() {
            put(buf, inner, y, &head.lines[i]);
        } else if let Some(l) = preview.get(i - head.lines.len()) {
            put(buf, inner, y, &Line::raw(l.as_str()));
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_cuts_long_ones() {
        assert_eq!(
            wrap("connection refused by peer", 12),
            ["connection", "refused by", "peer"]
        );
        assert_eq!(
            wrap("abcdefghijklmnopqrst", 8),
            ["abcdefgh", "ijklmnop", "qrst"]
        );
        assert!(wrap("", 10).is_empty());
        assert_eq!(
            live_status(b"HTTP/1.1 200 OK\r\nX: y"),
            Some("HTTP/1.1 200 OK".into())
        );
        assert_eq!(live_status(b"HTTP/1.1 200"), None);
        assert_eq!(live_status(b"\x16\x03\x01\r\n"), None);
    }
}
