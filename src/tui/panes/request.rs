//! Request pane: method with its semantics, URL, the header list (each row
//! can be switched off), the body editor and the options (timeouts, TLS
//! verification, CA file, HTTP version, redirects, retries, cookie jar,
//! batch size), then lints on what is about to be sent.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{clip, frame, put};
use crate::explain::{method_semantics, Severity};
use crate::report::escape::is_unsafe;
use crate::tui::app::{App, Mode, PaneId};
use crate::tui::editor::LineEditor;
use crate::tui::form::{format_secs, http_label, Field};
use crate::tui::theme::Theme;
use crate::wire::{CookieJar, Verify};

/// Rows the body editor takes in the pane.
pub const BODY_ROWS: usize = 4;
const LABEL: usize = 17;

enum Row {
    Line(Option<Field>, Line<'static>),
    /// Row `n` of the body box.
    Body(usize),
}

/// User-typed text as display text, one cell per char (controls shown as
/// `·`), so the cursor position maps one to one.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| if is_unsafe(c) { '·' } else { c })
        .collect()
}

fn editor_spans(t: &Theme, ed: &LineEditor, width: usize) -> Vec<Span<'static>> {
    let (before, after) = ed.split();
    let before: Vec<char> = shown(before).chars().collect();
    let after = shown(after);
    let mut after = after.chars();
    let cursor = after.next().map_or(" ".to_string(), |c| c.to_string());
    let skip = (before.len() + 1).saturating_sub(width.max(1));
    vec![
        Span::raw(before[skip..].iter().collect::<String>()),
        Span::styled(cursor, t.cursor),
        Span::raw(after.collect::<String>()),
    ]
}

fn field_value(app: &App, t: &Theme, field: Field) -> Vec<Span<'static>> {
    let f = &app.form;
    match field {
        Field::Method => vec![
            Span::styled(shown(&f.method), t.title),
            Span::raw("  "),
            Span::styled(method_semantics(&f.method), t.dim),
        ],
        Field::Url if f.url.is_empty() => vec![Span::styled("(type a URL: Enter)", t.dim)],
        Field::Url => vec![Span::raw(shown(&f.url))],
        Field::Header(i) => {
            let Some(h) = f.headers.get(i) else {
                return Vec::new();
            };
            let value = if app.reveal_secrets {
                h.value.clone()
            } else {
                crate::report::mask::mask_header_value(&h.name, &h.value)
            };
            let text = format!("{}: {}", shown(&h.name), shown(&value));
            if h.enabled {
                vec![Span::raw(text)]
            } else {
                vec![Span::styled(text, t.dim), Span::styled("  (off)", t.dim)]
            }
        }
        Field::AddHeader => vec![Span::styled("+ add header", t.dim)],
        Field::Body => {
            let body = f.body_text();
            let what = if body.is_empty() {
                "(empty)".to_string()
            } else {
                format!("{} lines, {} bytes", f.body.lines().len(), body.len())
            };
            let how = if app.mode == Mode::EditBody {
                "  editing: Esc to finish"
            } else {
                "  Enter to edit"
            };
            vec![Span::raw(what), Span::styled(how, t.dim)]
        }
        Field::ConnectTimeout => vec![Span::raw(format_secs(f.options.connect_timeout))],
        Field::ReadTimeout => vec![Span::raw(format_secs(f.options.read_timeout))],
        Field::TotalTimeout => vec![Span::raw(format_secs(f.options.total_timeout))],
        Field::Verify => match f.options.tls.verify {
            Verify::On => vec![Span::styled("on", t.ok)],
            Verify::Off => vec![Span::styled(
                "OFF ⚠ insecure: certificates not checked",
                t.error,
            )],
        },
        Field::CaFile => match &f.options.tls.ca_file {
            Some(p) => vec![Span::raw(shown(&p.display().to_string()))],
            None => vec![Span::styled("(system roots only)", t.dim)],
        },
        Field::ClientCert => match &f.options.tls.client_cert {
            Some(c) => {
                let mut s = c.display().to_string();
                if let Some(k) = &f.options.tls.client_key {
                    s.push_str(&format!(" + key {}", k.display()));
                }
                vec![Span::raw(shown(&s))]
            }
            None => vec![Span::styled("(none; Enter: CERT.pem[, KEY.pem])", t.dim)],
        },
        Field::Http if f.options.alt_svc && f.options.http == crate::wire::HttpVersion::Auto => {
            vec![
                Span::raw(http_label(f.options.http)),
                Span::styled(" · h3 when an answer offers it (Alt-Svc)", t.dim),
            ]
        }
        Field::Http => vec![Span::raw(http_label(f.options.http))],
        Field::Redirects if f.options.redirects.follow => vec![
            Span::styled("followed", t.ok),
            Span::styled(
                format!(" (up to {}; L toggles)", f.options.redirects.max),
                t.dim,
            ),
        ],
        Field::Redirects => vec![Span::styled("not followed (L toggles)", t.dim)],
        Field::Retries => match f.options.retry.attempts {
            0 | 1 => vec![Span::styled("1 (no retries)", t.dim)],
            n => vec![Span::raw(format!(
                "{n} tries: connection failures, 429/5xx; backoff {}",
                format_secs(f.options.retry.backoff)
            ))],
        },
        Field::Rate => match f.options.rate {
            Some(r) => vec![
                Span::raw(r.words()),
                Span::styled(
                    format!(
                        " per host, spaced; a slot past {} stops (Enter edits, empty: off)",
                        format_secs(r.max_wait)
                    ),
                    t.dim,
                ),
            ],
            None => vec![Span::styled("off (Enter: e.g. 5/s)", t.dim)],
        },
        Field::MaxRedirects => vec![
            Span::raw(f.options.redirects.max.to_string()),
            Span::styled(" hops at most (Enter edits)", t.dim),
        ],
        Field::RetryBackoff => vec![
            Span::raw(format_secs(f.options.retry.backoff)),
            Span::styled(
                format!(
                    ", doubling, jittered; waits at most {} (Enter edits)",
                    format_secs(f.options.retry.max_wait)
                ),
                t.dim,
            ),
        ],
        Field::RetryUnsafe if f.options.retry.non_idempotent => {
            vec![Span::styled("yes: POST/PATCH may be sent twice", t.warning)]
        }
        Field::RetryUnsafe => vec![Span::styled("no (idempotent methods only)", t.dim)],
        Field::Cookies => match f.options.cookies {
            CookieJar::On => vec![
                Span::styled("on", t.ok),
                Span::styled(" (c shows the jar)", t.dim),
            ],
            CookieJar::Off => vec![Span::styled("off", t.dim)],
        },
        Field::AcceptEncoding if f.accept_encoding => vec![
            Span::raw(crate::tui::form::ACCEPT_ENCODING),
            Span::styled("  (Space: off)", t.dim),
        ],
        Field::AcceptEncoding => vec![Span::styled(
            "not sent (Space: ask for gzip, br, zstd…)",
            t.dim,
        )],
        Field::Compress => match f.compress {
            Some(c) => vec![
                Span::raw(format!("{c}")),
                Span::styled(format!("  (Content-Encoding: {c}; Space: next)"), t.dim),
            ],
            None => vec![Span::styled(
                "off (Space: gzip → deflate → br → zstd)",
                t.dim,
            )],
        },
        Field::Proxy => proxy_spans(t, f),
        Field::Parallel => vec![
            Span::raw(format!("{}", f.parallel)),
            Span::styled(
                "  P: at once, HTTP/2 vs HTTP/1.1 · S: kept vs new connection",
                t.dim,
            ),
        ],
    }
}

fn label(field: Field) -> String {
    let l = match field {
        Field::Method => "Method",
        Field::Url => "URL",
        Field::Header(_) | Field::AddHeader => "",
        Field::Body => "Body",
        Field::ConnectTimeout => "connect timeout",
        Field::ReadTimeout => "read timeout",
        Field::TotalTimeout => "total timeout",
        Field::Verify => "TLS verify",
        Field::CaFile => "CA file",
        Field::ClientCert => "client cert",
        Field::Http => "HTTP version",
        Field::Redirects => "redirects",
        Field::Retries => "retries",
        Field::MaxRedirects => "max redirects",
        Field::Rate => "rate limit",
        Field::RetryBackoff => "retry backoff",
        Field::RetryUnsafe => "retry POST/PATCH",
        Field::Cookies => "cookie jar",
        Field::Parallel => "batch size N",
        Field::AcceptEncoding => "Accept-Encoding",
        Field::Compress => "compress body",
        Field::Proxy => "proxy",
    };
    format!("{l:<LABEL$}")
}

fn rows(app: &App, width: usize) -> Vec<Row> {
    let t = app.theme();
    let f = &app.form;
    let focused = app.focus == PaneId::Request;
    let mut out = Vec::new();
    let field_row = |field: Field| {
        let selected = f.field == field;
        let marker = if selected { "▶" } else { " " };
        let mut spans = vec![Span::styled(marker, t.border_focus)];
        let lbl = match field {
            Field::Header(i) => {
                let on = f.headers.get(i).is_some_and(|h| h.enabled);
                if on { "  [x] " } else { "  [ ] " }.to_string()
            }
            Field::AddHeader => "      ".to_string(),
            _ => label(field),
        };
        spans.push(Span::styled(
            lbl,
            if selected && focused {
                t.selected
            } else {
                t.dim
            },
        ));
        match &app.mode {
            Mode::EditLine { field: ef, editor } if *ef == field => {
                let used = 1 + spans[1].width();
                spans.extend(editor_spans(&t, editor, width.saturating_sub(used)));
            }
            _ => spans.extend(field_value(app, &t, field)),
        }
        Row::Line(Some(field), Line::from(spans))
    };
    out.push(field_row(Field::Method));
    out.push(field_row(Field::Url));
    out.push(Row::Line(
        None,
        Line::styled(
            " Headers  (a add · e edit · d delete · Space on/off)",
            t.section,
        ),
    ));
    for i in 0..f.headers.len() {
        out.push(field_row(Field::Header(i)));
    }
    out.push(field_row(Field::AddHeader));
    out.push(field_row(Field::Body));
    out.extend((0..BODY_ROWS).map(Row::Body));
    out.push(Row::Line(None, Line::styled(" Options", t.section)));
    for field in Field::OPTIONS {
        out.push(field_row(field));
    }
    // The request's lints and those of its automatic behaviour (a retry
    // of a non-idempotent method), as `send` prints them.
    let lints = match f.spec() {
        Ok(spec) => crate::report::lints::for_flow(
            &spec,
            &crate::wire::policy::Flow {
                hops: Vec::new(),
                stopped: None,
                started_at: std::time::SystemTime::UNIX_EPOCH,
            },
        ),
        Err(_) => Vec::new(),
    };
    if !lints.is_empty() {
        out.push(Row::Line(None, Line::styled(" Lints", t.section)));
    }
    for lint in lints {
        let (tag, style) = match lint.severity {
            Severity::Info => ("  info  ", t.dim),
            Severity::Warning => ("  ⚠ warn ", t.warning),
            Severity::Danger => ("  ✖ DANGER ", t.error),
        };
        out.push(Row::Line(
            None,
            Line::from(vec![
                Span::styled(tag, style),
                Span::raw(shown(&lint.message)),
            ]),
        ));
    }
    out
}

/// The row of the selected field, so the pane can scroll to it.
pub fn selected_row(app: &App) -> usize {
    rows(app, 80)
        .iter()
        .position(|r| matches!(r, Row::Line(Some(f), _) if *f == app.form.field))
        .unwrap_or(0)
}

/// Rows the pane has in all (for scrolling).
pub fn row_count(app: &App) -> usize {
    rows(app, 80).len()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let extra = match app.mode {
        Mode::EditLine { .. } | Mode::EditBody => "editing",
        Mode::Navigate | Mode::Prompt { .. } => "",
    };
    let inner = frame(app, PaneId::Request, extra, area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let width = inner.width as usize;
    let all = rows(app, width);
    let first = app.request_scroll.min(all.len().saturating_sub(1));
    let body_lines = app.form.body.lines();
    for (y, row) in all
        .iter()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        match row {
            Row::Line(_, line) => put(buf, inner, y, line),
            Row::Body(n) if app.mode == Mode::EditBody => {
                // The editor draws itself over the whole box once its top
                // row is reached (clipped to the pane).
                if *n == 0 {
                    let h = (BODY_ROWS as u16).min(inner.height - y as u16);
                    let r = Rect::new(
                        inner.x + 4,
                        inner.y + y as u16,
                        inner.width.saturating_sub(4),
                        h,
                    );
                    put(buf, inner, y, &Line::styled("   │", t.border_focus));
                    if !r.is_empty() {
                        (&app.form.body).render(r, buf);
                    }
                } else {
                    put(buf, inner, y, &Line::styled("   │", t.border_focus));
                }
            }
            Row::Body(n) => {
                let text = body_lines.get(*n).map(|l| shown(l)).unwrap_or_default();
                let text = if *n == 0 && app.form.body.is_empty() {
                    Span::styled("(no body)", t.dim)
                } else if *n == BODY_ROWS - 1 && body_lines.len() > BODY_ROWS {
                    Span::styled(format!("… {} more lines", body_lines.len() - n), t.dim)
                } else {
                    Span::raw(clip(&text, width.saturating_sub(5)))
                };
                put(
                    buf,
                    inner,
                    y,
                    &Line::from(vec![Span::styled("   │ ", t.border), text]),
                );
            }
        }
    }
}

/// The proxy row: the one set here (or by `-x`), else the environment's
/// for the URL's scheme with the variable named, else "direct".
fn proxy_spans(t: &Theme, f: &crate::tui::form::RequestForm) -> Vec<Span<'static>> {
    use crate::wire::proxy::mask_url;
    let p = &f.options.proxy;
    match p.flag.as_deref() {
        Some("") => {
            return vec![Span::styled(
                "none: direct, whatever the environment says",
                t.dim,
            )]
        }
        Some(url) => {
            let from = match p.flag_from.as_str() {
                "" => "flag",
                other => other,
            };
            return vec![
                Span::raw(mask_url(url)),
                Span::styled(format!("  (from {from})"), t.dim),
            ];
        }
        None => {}
    }
    let scheme = f.url.split_once("://").map_or("http", |(s, _)| s);
    match p.env.proxy_for(&scheme.to_ascii_lowercase()) {
        Some((var, url)) => {
            let mut note = format!("  (from env:{var}");
            if let Some((nv, list)) = p.env.no_proxy() {
                note.push_str(&format!("; {nv}={list}"));
            }
            note.push_str("; Enter to change)");
            vec![Span::raw(mask_url(url)), Span::styled(note, t.dim)]
        }
        None => vec![Span::styled(
            "none: direct (Enter to set one; https_proxy, all_proxy… are read too)",
            t.dim,
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::form::RequestForm;
    use crate::tui::theme::{ColorMode, ThemeKind};
    use crate::wire::proxy::ProxyEnv;

    fn text(spans: &[Span<'static>]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_proxy_row_says_where_the_proxy_came_from() {
        let t = Theme::new(ThemeKind::Dark, ColorMode::NoColor);
        let mut f = RequestForm::new("https://api.test/", crate::wire::Options::default());
        assert!(text(&proxy_spans(&t, &f)).starts_with("none: direct"));
        f.options.proxy.env = ProxyEnv::from_pairs([
            ("HTTPS_PROXY", "http://u:pw@corp:3128".to_string()),
            ("no_proxy", ".internal".to_string()),
        ]);
        let row = text(&proxy_spans(&t, &f));
        assert!(row.starts_with("http://u:****@corp:3128"), "{row}");
        assert!(
            row.contains("from env:HTTPS_PROXY; no_proxy=.internal"),
            "{row}"
        );
        f.url = "http://api.test/".into();
        assert!(
            text(&proxy_spans(&t, &f)).starts_with("none: direct"),
            "uppercase HTTP_PROXY is never read; HTTPS_PROXY is not for http"
        );
        f.options.proxy.flag = Some("socks5h://s:1080".into());
        f.options.proxy.flag_from = "flag".into();
        assert_eq!(text(&proxy_spans(&t, &f)), "socks5h://s:1080  (from flag)");
    }
}
