//! `--print frames` and the JSON `frames` array: a decoded HTTP/2
//! connection (`decode::h2`) as text lines and JSON values. Every string
//! that came from the peer goes through `escape::sanitize_text` before it
//! reaches a terminal. Reads records only; no network, no terminal crates.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::escape::sanitize_text;
use crate::decode::h2::{Connection, Detail, Field, Frame, HeaderBlock, Item, Representation};
use crate::wire::exchange::Dir;

/// Block sizes listed per direction in the closing compression summary.
const SUMMARY_BLOCKS: usize = 20;

fn keep(item: &Item, only: Option<&[u32]>) -> bool {
    only.is_none_or(|s| s.contains(&item.stream()))
}

fn arrow(dir: Dir) -> &'static str {
    match dir {
        Dir::Sent => "→",
        Dir::Received => "←",
    }
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// One line per item, details indented under it; `only_streams` keeps the
/// items of those streams (the preface and partials count as stream 0).
pub fn text(conn: &Connection, only_streams: Option<&[u32]>) -> String {
    let mut out = String::new();
    for item in conn.items.iter().filter(|i| keep(i, only_streams)) {
        let head = format!("{:>7.1} ms  {}  ", ms(item.at()), arrow(item.dir()));
        match item {
            Item::Preface { len, .. } => {
                let _ = writeln!(out, "{head}PREFACE  len {len}  (client connection preface)");
            }
            Item::Partial {
                offset, len, why, ..
            } => {
                let _ = writeln!(
                    out,
                    "{head}PARTIAL  offset {offset}  len {len}  — {}",
                    sanitize_text(why)
                );
            }
            Item::Frame(f) => frame_text(&mut out, &head, f),
        }
    }
    summary(&mut out, conn, only_streams);
    if conn.unexplained > 0 {
        let _ = writeln!(
            out,
            "  {} B not explained by a complete frame",
            conn.unexplained
        );
    }
    out
}

const IND: &str = "            ";

fn frame_text(out: &mut String, head: &str, f: &Frame) {
    let flags = if f.flag_names.is_empty() {
        String::new()
    } else {
        format!("  [{}]", f.flag_names.join(", "))
    };
    let _ = writeln!(
        out,
        "{head}{}  stream {}  len {}{flags}",
        f.type_name, f.stream, f.len
    );
    match &f.detail {
        Detail::Data { data_len, padding } => {
            let _ = writeln!(out, "{IND}data {data_len} B{}", padding_note(*padding));
        }
        Detail::Headers {
            block,
            padding,
            priority,
        } => {
            if let Some(p) = priority {
                let _ = writeln!(out, "{IND}{}", priority_text(p));
            }
            if *padding > 0 {
                let _ = writeln!(out, "{IND}padding {padding} B");
            }
            block_text(out, block.as_ref(), f);
        }
        Detail::Continuation { block } => block_text(out, block.as_ref(), f),
        Detail::PushPromise {
            promised,
            block,
            padding,
        } => {
            let _ = writeln!(
                out,
                "{IND}promised stream {promised}{}",
                padding_note(*padding)
            );
            block_text(out, block.as_ref(), f);
        }
        Detail::Priority(p) => {
            let _ = writeln!(out, "{IND}{}", priority_text(p));
        }
        Detail::RstStream { code, name } => {
            let _ = writeln!(out, "{IND}error {name} (0x{code:x})");
        }
        Detail::Settings { values, .. } => {
            for (id, name, value) in values {
                let _ = writeln!(out, "{IND}{name} (0x{id:x}) = {value}");
            }
        }
        Detail::Ping { data, .. } => {
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            let _ = writeln!(out, "{IND}opaque data {hex}");
        }
        Detail::GoAway {
            last_stream,
            code,
            name,
            debug,
        } => {
            let _ = writeln!(
                out,
                "{IND}last stream {last_stream}, error {name} (0x{code:x})"
            );
            if !debug.is_empty() {
                let _ = writeln!(out, "{IND}debug data: {}", sanitize_text(debug));
            }
        }
        Detail::WindowUpdate { increment } => {
            let _ = writeln!(out, "{IND}increment {increment}");
        }
        Detail::Unknown => {}
    }
    if let Some(p) = &f.problem {
        let _ = writeln!(out, "{IND}! {}", sanitize_text(p));
    }
}

fn padding_note(padding: usize) -> String {
    if padding > 0 {
        format!(", padding {padding} B")
    } else {
        String::new()
    }
}

fn priority_text(p: &crate::decode::h2::Priority) -> String {
    let excl = if p.exclusive { " (exclusive)" } else { "" };
    format!(
        "depends on stream {}{excl}, weight {}",
        p.depends_on, p.weight
    )
}

/// "indexed 2" reads better in parentheses than the label's "indexed (2)".
fn short_label(r: &Representation) -> String {
    match r {
        Representation::Indexed(i) => format!("indexed {i}"),
        other => other.label(),
    }
}

fn block_text(out: &mut String, block: Option<&HeaderBlock>, f: &Frame) {
    let Some(b) = block else {
        if !f.flag_names.contains(&"END_HEADERS") {
            let _ = writeln!(out, "{IND}(header block continues in a CONTINUATION)");
        }
        return;
    };
    for field in &b.fields {
        let _ = writeln!(out, "{IND}{}", field_text(field));
    }
    let _ = writeln!(out, "{IND}{}", compression_line(b));
    let t = &b.table_after;
    let _ = writeln!(
        out,
        "{IND}dynamic table: {} entries, {} of {} B",
        t.entries.len(),
        t.size,
        t.max_size
    );
    if let Some(e) = &b.error {
        let _ = writeln!(out, "{IND}! {}", sanitize_text(e));
    }
}

fn field_text(field: &Field) -> String {
    match field.repr {
        Representation::SizeUpdate(_) => field.repr.label(),
        _ => format!(
            "{}: {}  ({})",
            sanitize_text(&field.name),
            sanitize_text(&field.value),
            short_label(&field.repr)
        ),
    }
}

fn percent(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(String::new, |p| format!(" ({p}%)"))
}

fn compression_line(b: &HeaderBlock) -> String {
    format!(
        "header block {} B on the wire vs {} B as HTTP/1.1 text{}",
        b.wire_len,
        b.h1_len,
        percent(b.wire_len, b.h1_len)
    )
}

/// Per direction, the header blocks' sizes in order, so the drop after the
/// first request (the dynamic table at work) reads on one line.
fn summary(out: &mut String, conn: &Connection, only: Option<&[u32]>) {
    for dir in [Dir::Sent, Dir::Received] {
        let blocks: Vec<(u32, &HeaderBlock)> = conn
            .items
            .iter()
            .filter(|i| keep(i, only))
            .filter_map(|i| match i {
                Item::Frame(f) if f.dir == dir => f.detail.block().map(|b| (f.stream, b)),
                _ => None,
            })
            .collect();
        if blocks.len() < 2 {
            continue;
        }
        let listed: Vec<String> = blocks
            .iter()
            .take(SUMMARY_BLOCKS)
            .map(|(s, b)| {
                format!(
                    "stream {s}: {}/{} B{}",
                    b.wire_len,
                    b.h1_len,
                    percent(b.wire_len, b.h1_len)
                )
            })
            .collect();
        let more = blocks.len().saturating_sub(SUMMARY_BLOCKS);
        let more = if more > 0 {
            format!(" … {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  header blocks {} (wire/HTTP1.1): {}{more}",
            dir.name(),
            listed.join(", ")
        );
    }
}

/// The JSON `frames` array: `[{dir, at_ms, type, flags, stream, len,
/// headers?: [[name, value, representation]], ...detail fields}]`.
pub fn json(conn: &Connection, only_streams: Option<&[u32]>) -> Value {
    Value::Array(json_items(conn, only_streams).collect())
}

/// The elements of `json`, made one at a time (a report writing them
/// out never holds the whole array).
pub fn json_items<'a>(
    conn: &'a Connection,
    only_streams: Option<&'a [u32]>,
) -> impl Iterator<Item = Value> + 'a {
    conn.items
        .iter()
        .filter(move |i| keep(i, only_streams))
        .map(item_json)
}

fn item_json(item: &Item) -> Value {
    let mut o = Map::new();
    o.insert("dir".into(), json!(item.dir().name()));
    o.insert("at_ms".into(), json!(ms(item.at())));
    o.insert("offset".into(), json!(item.offset()));
    match item {
        Item::Preface { len, .. } => {
            o.extend([
                ("type".into(), json!("PREFACE")),
                ("flags".into(), json!([])),
            ]);
            o.extend([("stream".into(), json!(0)), ("len".into(), json!(len))]);
        }
        Item::Partial { len, why, .. } => {
            o.extend([
                ("type".into(), json!("PARTIAL")),
                ("flags".into(), json!([])),
            ]);
            o.extend([("stream".into(), json!(0)), ("len".into(), json!(len))]);
            o.insert("why".into(), json!(why));
        }
        Item::Frame(f) => {
            o.insert("type".into(), json!(f.type_name));
            o.insert("type_code".into(), json!(f.type_code));
            o.insert("flags".into(), json!(f.flag_names));
            o.insert("stream".into(), json!(f.stream));
            o.insert("len".into(), json!(f.len));
            detail_json(&f.detail, &mut o);
            if let Some(p) = &f.problem {
                o.insert("problem".into(), json!(p));
            }
        }
    }
    Value::Object(o)
}

fn detail_json(d: &Detail, o: &mut Map<String, Value>) {
    let mut put = |k: &str, v: Value| {
        o.insert(k.into(), v);
    };
    match d {
        Detail::Data { data_len, padding } => {
            put("data_len", json!(data_len));
            put("padding", json!(padding));
        }
        Detail::Headers {
            padding, priority, ..
        } => {
            put("padding", json!(padding));
            if let Some(p) = priority {
                put("priority", priority_json(p));
            }
        }
        Detail::PushPromise {
            promised, padding, ..
        } => {
            put("promised", json!(promised));
            put("padding", json!(padding));
        }
        Detail::Priority(p) => put("priority", priority_json(p)),
        Detail::RstStream { code, name } | Detail::GoAway { code, name, .. } => {
            put("error_code", json!(code));
            put("error", json!(name));
        }
        Detail::Settings { ack, values } => {
            put("ack", json!(ack));
            let v: Vec<Value> = values
                .iter()
                .map(|(id, n, v)| json!({"id": id, "name": n, "value": v}))
                .collect();
            put("settings", json!(v));
        }
        Detail::Ping { ack, data } => {
            put("ack", json!(ack));
            put(
                "data",
                json!(data.iter().map(|b| format!("{b:02x}")).collect::<String>()),
            );
        }
        Detail::WindowUpdate { increment } => put("increment", json!(increment)),
        Detail::Continuation { .. } | Detail::Unknown => {}
    }
    if let Detail::GoAway {
        last_stream, debug, ..
    } = d
    {
        put("last_stream", json!(last_stream));
        put("debug", json!(debug));
    }
    if let Some(b) = d.block() {
        let headers: Vec<Value> = b
            .fields
            .iter()
            .map(|f| json!([f.name, f.value, f.repr.label()]))
            .collect();
        put("headers", json!(headers));
        put(
            "header_block",
            json!({
                "wire_len": b.wire_len,
                "h1_len": b.h1_len,
                "error": b.error,
                "table": {
                    "size": b.table_after.size,
                    "max_size": b.table_after.max_size,
                    "entries": b.table_after.entries.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                },
            }),
        );
    }
}

fn priority_json(p: &crate::decode::h2::Priority) -> Value {
    json!({"exclusive": p.exclusive, "depends_on": p.depends_on, "weight": p.weight})
}
