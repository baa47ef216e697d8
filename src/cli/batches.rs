//! Batches of the same request, side by side on one time axis:
//! `--parallel N` (N at once over HTTP/2 streams on one connection, then
//! over HTTP/1.1 one after another and at once on N connections) and
//! `--repeat N` (one kept connection against a new connection each time:
//! the cost of DNS + TCP + TLS made concrete).

use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use super::Format;
use crate::report;
use crate::wire::exchange::Dir;
use crate::wire::{Exchange, HttpVersion, Probe, RequestSpec, Session};

/// How one batch runs its N requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// All at once on one session (HTTP/2: streams on one connection).
    AtOnce,
    /// One after another on one session (one kept connection).
    OneAfterAnother,
    /// One after another, each on a new session (a new connection each).
    Fresh,
}

struct Batch {
    name: String,
    exchanges: Vec<Exchange>,
    origin: SystemTime,
    wall: Duration,
}

impl Batch {
    fn connections(&self) -> usize {
        self.exchanges
            .iter()
            .filter_map(|e| e.connection.as_ref().map(|c| c.id))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Sum of the exchanges' own totals (the work, whatever overlapped).
    /// Exchanges of the batch that did not end in a response.
    fn failed(&self) -> usize {
        self.exchanges.iter().filter(|e| !e.is_ok()).count()
    }

    fn sum(&self) -> Duration {
        self.exchanges.iter().filter_map(|e| e.timeline.done).sum()
    }
}

async fn run_batch(spec: &RequestSpec, n: usize, http: HttpVersion, mode: Mode) -> Batch {
    let mut spec = spec.clone();
    spec.options.http = http;
    let session = Session::new();
    let origin = SystemTime::now();
    let started = Instant::now();
    let mut exchanges = Vec::with_capacity(n);
    match mode {
        Mode::OneAfterAnother => {
            for _ in 0..n {
                exchanges.push(session.send(&spec, Probe::none()).await);
            }
        }
        Mode::Fresh => {
            for _ in 0..n {
                exchanges.push(Session::new().send(&spec, Probe::none()).await);
            }
        }
        Mode::AtOnce => {
            let tasks: Vec<_> = (0..n)
                .map(|_| {
                    let (session, spec) = (session.clone(), spec.clone());
                    tokio::spawn(async move { session.send(&spec, Probe::none()).await })
                })
                .collect();
            for t in tasks {
                if let Ok(ex) = t.await {
                    exchanges.push(ex);
                }
            }
        }
    }
    let wall = started.elapsed();
    session.close().await;
    let version = exchanges
        .iter()
        .find_map(|e| e.negotiated.as_ref().map(|p| p.version))
        .unwrap_or("HTTP/1.1");
    let mut b = Batch {
        name: String::new(),
        exchanges,
        origin,
        wall,
    };
    let conns = b.connections();
    let s = if conns == 1 { "" } else { "s" };
    b.name = match mode {
        Mode::AtOnce => format!("{version}, {n} at once on {conns} connection{s}"),
        Mode::OneAfterAnother => {
            format!("{version}, {n} one after another on {conns} connection{s}")
        }
        Mode::Fresh => format!("{version}, {n} each on a new connection ({conns} connection{s})"),
    };
    b
}

/// `--parallel N`: returns the exit code.
pub fn parallel(rt: &tokio::runtime::Runtime, spec: &RequestSpec, n: usize, format: Format) -> i32 {
    let tls = spec.url.starts_with("https://");
    let h2 = match spec.options.http {
        HttpVersion::Http1 => None,
        HttpVersion::Http2PriorKnowledge => Some(HttpVersion::Http2PriorKnowledge),
        _ if tls => Some(spec.options.http),
        _ => None,
    };
    let mut plan = Vec::new();
    if let Some(v) = h2 {
        plan.push((v, Mode::AtOnce));
    }
    plan.push((HttpVersion::Http1, Mode::OneAfterAnother));
    plan.push((HttpVersion::Http1, Mode::AtOnce));
    run(rt, spec, n, &plan, format)
}

/// `--repeat N`: one kept connection against a new one each time (or only
/// the latter with `--fresh`); returns the exit code.
pub fn repeat(
    rt: &tokio::runtime::Runtime,
    spec: &RequestSpec,
    n: usize,
    fresh_only: bool,
    format: Format,
) -> i32 {
    let http = spec.options.http;
    let plan: &[(HttpVersion, Mode)] = if fresh_only {
        &[(http, Mode::Fresh)]
    } else {
        &[(http, Mode::OneAfterAnother), (http, Mode::Fresh)]
    };
    run(rt, spec, n, plan, format)
}

fn run(
    rt: &tokio::runtime::Runtime,
    spec: &RequestSpec,
    n: usize,
    plan: &[(HttpVersion, Mode)],
    format: Format,
) -> i32 {
    let batches: Vec<Batch> = plan
        .iter()
        .map(|&(http, mode)| rt.block_on(run_batch(spec, n, http, mode)))
        .collect();
    let code = batches
        .iter()
        .flat_map(|b| &b.exchanges)
        .find_map(|e| e.error.as_ref().map(|e| e.phase.exit_code()))
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => json_out(&batches, &mut out),
        Format::Text => write!(out, "{}", text(&batches)),
    };
    if written.is_err() {
        return code.max(1);
    }
    code
}

fn json_out(batches: &[Batch], out: &mut dyn Write) -> std::io::Result<()> {
    for b in batches {
        for ex in &b.exchanges {
            let mut doc = report::json::exchange(ex);
            doc["batch"] = json!(b.name);
            writeln!(out, "{doc}")?;
        }
    }
    let summary: Vec<_> = batches
        .iter()
        .map(|b| {
            json!({"batch": b.name, "connections": b.connections(), "wall_ms": ms(b.wall), "sum_ms": ms(b.sum()), "failed": b.failed()})
        })
        .collect();
    writeln!(out, "{}", json!({ "batches": summary }))
}

fn text(batches: &[Batch]) -> String {
    let mut s = String::new();
    for b in batches {
        s.push_str(&format!("── {} ──\n", b.name));
        let label = |ex: &Exchange| match (&ex.h2, &ex.connection) {
            (Some(h), _) => format!("stream {}", h.stream),
            (None, Some(c)) => format!("conn #{}", c.id),
            _ => "-".into(),
        };
        s.push_str(&report::lanes::render(
            &b.exchanges,
            b.origin,
            &label,
            &data_ticks,
        ));
        s.push('\n');
    }
    s.push_str(&format!("  {}\n\n", report::lanes::LEGEND));
    let width = batches
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(0);
    s.push_str(&format!(
        "  {:<width$}  {:>11}  {:>10}  {:>6}\n",
        "", "connections", "wall time", "ratio"
    ));
    let base = batches
        .first()
        .map(|b| b.wall.as_secs_f64())
        .unwrap_or(1.0)
        .max(1e-9);
    // A batch that failed finished nothing: its wall time measures how
    // fast it failed, so it gets no ratio and cannot look faster.
    let base_failed = batches.first().is_some_and(|b| b.failed() > 0);
    for b in batches {
        let ratio = match (b.failed(), base_failed) {
            (0, false) => format!("{:>5.2}×", b.wall.as_secs_f64() / base),
            (0, true) => "    —".to_string(),
            (n, _) => format!("— ({n} of {} failed)", b.exchanges.len()),
        };
        s.push_str(&format!(
            "  {:<width$}  {:>11}  {:>7.1} ms  {ratio}\n",
            b.name,
            b.connections(),
            ms(b.wall),
        ));
    }
    s
}

/// When this exchange's DATA frames arrived (HTTP/2 only).
fn data_ticks(ex: &Exchange) -> Vec<Duration> {
    let (Some(cap), Some(conn)) = (&ex.h2, report::h2view::frames(ex)) else {
        return Vec::new();
    };
    conn.items
        .iter()
        .filter_map(|i| i.frame())
        .filter(|f| f.stream == cap.stream && f.type_name == "DATA" && f.dir == Dir::Received)
        .map(|f| f.at)
        .collect()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}
