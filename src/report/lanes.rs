//! Several exchanges on one time axis, one row each: how parallel
//! requests overlapped (HTTP/2 streams on one connection against HTTP/1.1
//! connections). Each phase has its own glyph so no meaning rests on color.

use std::fmt::Write;
use std::time::{Duration, SystemTime};

use crate::wire::timeline::{Phase, SpanState};
use crate::wire::Exchange;

const WIDTH: usize = 60;

/// The glyph a phase is drawn with on a time axis (CLI and TUI alike).
pub fn glyph(p: Phase) -> char {
    match p {
        Phase::Dns => 'd',
        Phase::Connect => 'c',
        Phase::Tunnel => 'p',
        Phase::Tls => 't',
        Phase::Quic => 'q',
        Phase::Send => 's',
        Phase::Wait => '·',
        Phase::Receive => '█',
    }
}

pub const LEGEND: &str = "d DNS  c TCP connect  t TLS  s request sent  · waiting  █ download (░ between an HTTP/2 stream's DATA frames)";

/// One row per exchange, placed by its start relative to `origin`.
/// `label` names each row (e.g. "stream 3" or "conn #2"); `ticks` gives
/// the times (on the exchange's clock) of its DATA frames, if it has them,
/// so interleaved streams show where their bytes really arrived.
pub fn render(
    exchanges: &[Exchange],
    origin: SystemTime,
    label: &dyn Fn(&Exchange) -> String,
    ticks: &dyn Fn(&Exchange) -> Vec<Duration>,
) -> String {
    let offset = |ex: &Exchange| {
        ex.timeline
            .started_at
            .duration_since(origin)
            .unwrap_or_default()
    };
    let end = exchanges
        .iter()
        .map(|ex| offset(ex) + ex.timeline.done.unwrap_or_default())
        .max()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    let col = |d: Duration| ((d.as_secs_f64() / end.as_secs_f64()) * WIDTH as f64) as usize;
    let mut out = String::new();
    for ex in exchanges {
        let base = offset(ex);
        let mut row = vec![' '; WIDTH + 1];
        for span in ex.timeline.spans(None) {
            if span.state != SpanState::Done {
                continue;
            }
            let (a, b) = (col(base + span.start), col(base + span.end));
            for cell in row
                .iter_mut()
                .take(b.max(a + 1).min(WIDTH + 1))
                .skip(a.min(WIDTH))
            {
                *cell = glyph(span.phase);
            }
        }
        let data = ticks(ex);
        if !data.is_empty() {
            for cell in row.iter_mut().filter(|c| **c == '█') {
                *cell = '░';
            }
            for t in data {
                if let Some(cell) = row.get_mut(col(base + t).min(WIDTH)) {
                    *cell = '█';
                }
            }
        }
        let status = match (&ex.response, &ex.error) {
            (_, Some(e)) => format!("error [{}]", e.phase),
            (Some(r), None) => r.status.to_string(),
            (None, None) => "-".into(),
        };
        let _ = writeln!(
            out,
            "  {:<10} |{}| {:>8.1} ms  {status}",
            label(ex),
            row.iter().collect::<String>(),
            ex.timeline.done.unwrap_or_default().as_secs_f64() * 1000.0
        );
    }
    let _ = writeln!(
        out,
        "  {:<10} |0{:·>w$}|",
        "",
        format!("{:.1} ms", end.as_secs_f64() * 1000.0),
        w = WIDTH
    );
    out
}
