//! The picked frame's details in the Frames pane: its place in the
//! connection's bytes, its payload read (header fields with how HPACK sent
//! each and what the block cost against HTTP/1.1 text, the dynamic table
//! after it, SETTINGS, GOAWAY...), and any protocol problem. Everything
//! from the peer is escaped.

use ratatui::text::{Line, Span};

use super::clip;
use super::frames::{never_indexed_by_h2, percent};
use crate::decode::h2::{Detail, Frame, HeaderBlock, Item, Representation};
use crate::report::escape::sanitize_text;
use crate::report::mask::mask_header_value;
use crate::tui::h2_model::H2Model;
use crate::tui::theme::Theme;
use crate::wire::exchange::Dir;

const IND: &str = "      ";

/// A field's value as shown: masked for the secret headers unless the
/// user revealed them (`U`).
fn shown_value(name: &str, value: &str, reveal: bool) -> String {
    if reveal {
        value.to_string()
    } else {
        mask_header_value(name, value)
    }
}

fn block_lines(out: &mut Vec<Line<'static>>, b: &HeaderBlock, t: &Theme, reveal: bool) {
    for field in &b.fields {
        if let Representation::SizeUpdate(_) = field.repr {
            out.push(Line::styled(format!("{IND}{}", field.repr.label()), t.dim));
            continue;
        }
        let mut spans = vec![
            Span::raw(IND),
            Span::styled(format!("{}:", sanitize_text(&field.name)), t.key),
            Span::raw(format!(
                " {}",
                sanitize_text(&shown_value(&field.name, &field.value, reveal))
            )),
            Span::styled(
                format!("  ({}, {} B)", field.repr.label(), field.wire_len),
                t.dim,
            ),
        ];
        let literal = !matches!(
            field.repr,
            Representation::Indexed(_) | Representation::IncrementalIndexing { .. }
        );
        if literal && never_indexed_by_h2(&field.name) {
            spans.push(Span::styled(
                "  never indexed by h2: full size each time",
                t.warning,
            ));
        }
        out.push(Line::from(spans));
    }
    out.push(Line::styled(
        format!(
            "{IND}header block {} B on the wire vs {} B as HTTP/1.1 text{}",
            b.wire_len,
            b.h1_len,
            percent(b.wire_len, b.h1_len)
        ),
        t.section,
    ));
    let table = &b.table_after;
    out.push(Line::styled(
        format!(
            "{IND}dynamic table after it: {} entries, {} of {} B",
            table.entries.len(),
            table.size,
            table.max_size
        ),
        t.dim,
    ));
    for (i, (n, v)) in table.entries.iter().take(4).enumerate() {
        out.push(Line::styled(
            format!(
                "{IND}  [{}] {}: {}",
                62 + i,
                sanitize_text(n),
                clip(&sanitize_text(&shown_value(n, v, reveal)), 48)
            ),
            t.dim,
        ));
    }
    if table.entries.len() > 4 {
        out.push(Line::styled(
            format!("{IND}  … {} more", table.entries.len() - 4),
            t.dim,
        ));
    }
    if let Some(e) = &b.error {
        out.push(Line::styled(
            format!("{IND}! {}", sanitize_text(e)),
            t.error,
        ));
    }
}

fn frame_lines(out: &mut Vec<Line<'static>>, f: &Frame, t: &Theme, reveal: bool) {
    let line = |s: String| Line::styled(format!("{IND}{s}"), t.base);
    match &f.detail {
        Detail::Data { data_len, padding } => {
            out.push(line(format!("data {data_len} B, padding {padding} B")))
        }
        Detail::Headers {
            block, priority, ..
        } => {
            if let Some(p) = priority {
                out.push(line(format!(
                    "depends on stream {}, weight {}",
                    p.depends_on, p.weight
                )));
            }
            match block {
                Some(b) => block_lines(out, b, t, reveal),
                None => out.push(line("(header block continues in a CONTINUATION)".into())),
            }
        }
        Detail::Continuation { block } | Detail::PushPromise { block, .. } => {
            if let Detail::PushPromise { promised, .. } = &f.detail {
                out.push(line(format!("promised stream {promised}")));
            }
            if let Some(b) = block {
                block_lines(out, b, t, reveal);
            }
        }
        Detail::Priority(p) => out.push(line(format!(
            "depends on stream {}, weight {}",
            p.depends_on, p.weight
        ))),
        Detail::RstStream { code, name } => out.push(line(format!("error {name} (0x{code:x})"))),
        Detail::Settings { ack, values } => {
            if *ack {
                out.push(line("acknowledges the peer's settings".into()));
            }
            for (id, name, value) in values {
                out.push(line(format!("{name} (0x{id:x}) = {value}")));
            }
        }
        Detail::Ping { ack, data } => {
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            let what = if *ack { "ack of" } else { "opaque data" };
            out.push(line(format!("{what} {hex}")));
        }
        Detail::GoAway {
            last_stream,
            code,
            name,
            debug,
        } => {
            out.push(line(format!(
                "last stream {last_stream}, error {name} (0x{code:x})"
            )));
            if !debug.is_empty() {
                out.push(line(format!("debug data: {}", sanitize_text(debug))));
            }
        }
        Detail::WindowUpdate { increment } => out.push(line(format!("increment {increment}"))),
        Detail::Unknown => {}
    }
    if let Some(p) = &f.problem {
        out.push(Line::styled(
            format!("{IND}! {}", sanitize_text(p)),
            t.error,
        ));
    }
}

/// The picked item's lines below its own; secret header values masked
/// unless `reveal`.
pub(super) fn details(m: &H2Model, i: usize, t: &Theme, reveal: bool) -> Vec<Line<'static>> {
    let Some(item) = m.items.get(i) else {
        return Vec::new();
    };
    let stream = match item.dir() {
        Dir::Sent => "request",
        Dir::Received => "response",
    };
    let at = item.offset();
    let mut out = vec![Line::styled(
        match m.range(i) {
            Some((_, r)) => format!(
                "{IND}{} B at {at} of the connection's {stream} bytes; {}..{} in Wire",
                item.wire_len(),
                r.start,
                r.end
            ),
            None => format!(
                "{IND}{} B at {at} of the connection's {stream} bytes (before this exchange)",
                item.wire_len()
            ),
        },
        t.dim,
    )];
    if let Item::Frame(f) = item {
        frame_lines(&mut out, f, t, reveal);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::h2::frame::tests::frame;
    use crate::decode::h2::{decode_connection, PREFACE};
    use crate::tui::fixture_more::plain_literal;

    fn text(lines: &[Line<'static>]) -> String {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn secret_fields_and_table_entries_are_masked_until_revealed() {
        let mut sent = PREFACE.to_vec();
        sent.extend(frame(0x4, 0, 0, &[]));
        let mut block = vec![0x82, 0x86, 0x84]; // GET, http, /
        block.extend(plain_literal(b"authorization", b"Bearer t0ken"));
        sent.extend(frame(0x1, 0x4 | 0x1, 1, &block));
        let mut received = frame(0x4, 0, 0, &[]);
        let mut block = vec![0x88]; // :status 200
        block.extend(plain_literal(b"set-cookie", b"sid=c00kie; Path=/"));
        received.extend(frame(0x1, 0x4 | 0x1, 1, &block));
        let conn = decode_connection(&sent, &received, &[]);
        let mut m = H2Model::default();
        m.items = conn.items;
        let headers_at = |dir: Dir| {
            m.items
                .iter()
                .position(|i| i.dir() == dir && i.stream() == 1)
                .expect("a HEADERS frame")
        };
        let t = crate::tui::fixture::app().theme();
        for dir in [Dir::Sent, Dir::Received] {
            let masked = text(&details(&m, headers_at(dir), &t, false));
            let shown = text(&details(&m, headers_at(dir), &t, true));
            for secret in ["t0ken", "c00kie"] {
                assert!(!masked.contains(secret), "{masked}");
            }
            let (secret, kept) = match dir {
                Dir::Sent => ("t0ken", "authorization: Bearer ••••••••"),
                Dir::Received => ("c00kie", "set-cookie: sid=••••; Path=/"),
            };
            assert!(masked.contains(kept), "{masked}");
            // The dynamic table entry is masked as well.
            assert!(
                masked.contains("[62]") && !masked.contains(secret),
                "{masked}"
            );
            assert!(shown.contains(secret), "{shown}");
        }
    }
}
