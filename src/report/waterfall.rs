//! The waterfall as text: one row per phase, a bar to scale on a shared
//! time axis, milliseconds beside it. Skipped phases say why instead of
//! drawing a zero-length bar.

use std::time::Duration;

use crate::explain::server_timing::{label, Metric};
use crate::wire::timeline::{Phase, SpanState, Timeline};

/// Width of the bar area in characters.
const BAR: usize = 48;

/// The waterfall; `server`: the response's `Server-Timing` metrics, each
/// drawn under the waiting phase from its start (the server says how long,
/// not when).
pub fn render(t: &Timeline, server: &[Metric]) -> String {
    let spans = t.spans(None);
    let end = spans
        .iter()
        .map(|s| s.end)
        .chain(t.done)
        .max()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    let scale = |d: Duration| ((d.as_secs_f64() / end.as_secs_f64()) * BAR as f64).round() as usize;
    let mut out = String::new();
    for s in &spans {
        let label = s.phase.label();
        match s.state {
            SpanState::Skipped => {
                let why = format!(
                    "skipped ({})",
                    crate::wire::timeline::skip_reason(s.phase, t.reused)
                );
                out.push_str(&format!("  {label:<15} {:>10}  {why}\n", "-"));
            }
            SpanState::Pending => {
                out.push_str(&format!("  {label:<15} {:>10}  not reached\n", "-"));
            }
            SpanState::Done | SpanState::Running => {
                let from = scale(s.start).min(BAR);
                let width = scale(s.end)
                    .saturating_sub(from)
                    .max(1)
                    .min(BAR + 1 - from.min(BAR));
                let bar = format!("{}{}", " ".repeat(from), "█".repeat(width));
                out.push_str(&format!(
                    "  {label:<15} {:>7.1} ms  |{bar:<w$}|\n",
                    ms(s.duration()),
                    w = BAR + 1
                ));
                if s.phase == Phase::Wait {
                    for m in server {
                        out.push_str(&server_row(m, s.start, s.duration(), &scale));
                    }
                }
            }
        }
    }
    out.push_str(&format!(
        "  {:<15} {:>7.1} ms  |{}|\n",
        "total",
        ms(t.done.unwrap_or_default()),
        axis(end)
    ));
    out
}

/// "    ↳ db    53.0 ms  |   ▒▒▒ |  server said", from the wait's start.
fn server_row(
    m: &Metric,
    start: Duration,
    wait: Duration,
    scale: &dyn Fn(Duration) -> usize,
) -> String {
    let name = format!("↳ {}", m.name.chars().take(12).collect::<String>());
    let Some(dur) = m.dur else {
        return format!("    {name:<13} {:>10}  {}\n", "-", label(m));
    };
    let d = Duration::from_secs_f64(dur / 1000.0);
    let from = scale(start).min(BAR);
    let width = scale(start + d)
        .saturating_sub(from)
        .max(1)
        .min(BAR + 1 - from);
    let bar = format!("{}{}", " ".repeat(from), "▒".repeat(width));
    let longer = if d > wait {
        " — longer than the whole wait we measured"
    } else {
        ""
    };
    format!(
        "    {name:<13} {:>7.1} ms  |{bar:<w$}| server: {}{longer}\n",
        dur,
        label(m),
        w = BAR + 1
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// "0 ms ... 12.3 ms" spread across the bar width.
fn axis(end: Duration) -> String {
    let left = "0";
    let right = format!("{:.1} ms", ms(end));
    let gap = (BAR + 1).saturating_sub(left.len() + right.len());
    format!("{left}{}{right}", "·".repeat(gap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::timeline::Mark;
    use std::time::SystemTime;

    #[test]
    fn draws_every_phase_and_names_skips() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        for (m, at) in [
            (Mark::DnsDone, 1),
            (Mark::Connected, 2),
            (Mark::Ready, 2),
            (Mark::RequestSent, 3),
            (Mark::FirstByte, 90),
            (Mark::Done, 100),
        ] {
            t.mark(m, Duration::from_millis(at));
        }
        let text = render(&t, &[]);
        assert!(text.contains("TCP connect"));
        assert!(text.contains("skipped (plain http)"));
        assert!(text.contains("waiting (TTFB)     87.0 ms"));
        assert!(text.contains("100.0 ms"));
        for line in text.lines().filter(|l| l.contains('|')) {
            assert_eq!(
                line.chars().count(),
                text.lines().next().map(|l| l.chars().count()).unwrap_or(0)
            );
        }
    }

    #[test]
    fn the_servers_own_timings_sit_under_the_wait() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        for (m, at) in [
            (Mark::DnsDone, 0),
            (Mark::Connected, 1),
            (Mark::Ready, 1),
            (Mark::RequestSent, 2),
            (Mark::FirstByte, 52),
            (Mark::Done, 60),
        ] {
            t.mark(m, Duration::from_millis(at));
        }
        let (server, _) =
            crate::explain::server_timing::parse(["db;dur=30;desc=query, cdn;dur=80, cache"]);
        let text = render(&t, &server);
        let lines: Vec<&str> = text.lines().collect();
        let wait = lines
            .iter()
            .position(|l| l.contains("waiting (TTFB)"))
            .unwrap();
        assert!(lines[wait + 1].contains("↳ db") && lines[wait + 1].contains("30.0 ms"));
        assert!(lines[wait + 1].contains("server: db 30 ms (query)"));
        assert!(!lines[wait + 1].contains("longer"));
        assert!(
            lines[wait + 2].contains("longer than the whole wait"),
            "{}",
            lines[wait + 2]
        );
        assert!(lines[wait + 3].contains("↳ cache") && lines[wait + 3].contains(" - "));
        assert!(lines[wait + 4].contains("download"));
        // The bar starts where the wait starts.
        let bar = |l: &str, c: char| l.split('|').nth(1).unwrap().find(c);
        assert_eq!(bar(lines[wait + 1], '▒'), bar(lines[wait], '█'));
    }
}
