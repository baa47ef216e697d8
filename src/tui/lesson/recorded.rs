//! What a step's run recorded, made ready to reveal once: the request and
//! response as escaped lines (CR LF kept visible, HTTP/2 heads decoded),
//! every exchange as a lane on one time axis, the lifecycle's length and
//! default slow-motion factor, and the step's facts checked. Everything
//! shown comes from the recorded `Exchange`s, never from the lesson text.

use std::time::{Duration, SystemTime};

use crate::lesson::facts::{facts, Fact};
use crate::lesson::{pace, Outcome, Step};
use crate::report::escape::{escape_bytes, sanitize_text};
use crate::wire::exchange::Dir;
use crate::wire::timeline::{Span, SpanState};
use crate::wire::Exchange;

/// Body bytes of a request shown before the rest is summed up.
const MAX_BODY: usize = 2048;
/// Body lines of a response shown.
const BODY_LINES: usize = 12;

/// What a line of the wire is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Request line or status line.
    Start,
    Header,
    /// The empty line that ends a head.
    Blank,
    Body,
    /// Not bytes: a note about them ("HTTP/2 frames, shown decoded").
    Note,
}

/// One line of the wire as shown: escaped text and its escaped line end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireLine {
    pub kind: LineKind,
    pub text: String,
    /// `\r\n`, `\n` or nothing, as written on screen.
    pub end: String,
}

impl WireLine {
    fn note(text: impl Into<String>) -> Self {
        WireLine {
            kind: LineKind::Note,
            text: text.into(),
            end: String::new(),
        }
    }
}

/// One exchange on the step's time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Where it starts on the step's axis.
    pub offset: Duration,
    /// Its phases, on its own clock.
    pub spans: Vec<Span>,
    /// Where it ends on its own clock.
    pub length: Duration,
    /// "conn #1", "stream 3".
    pub label: String,
    /// "200", "✖read-timeout".
    pub status: String,
    pub reused: bool,
}

/// The status of the exchange shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    /// "HTTP/1.1 200 OK" (escaped).
    pub line: String,
}

/// A step's run, ready to reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub outcome: Outcome,
    /// Index of the exchange whose bytes are shown (the last one: after
    /// redirects, retries and revalidation, the one the facts are about).
    pub shown: usize,
    pub request: Vec<WireLine>,
    pub response: Vec<WireLine>,
    pub status: Option<Status>,
    /// What went wrong, when no response came ("read-timeout: ...").
    pub error: Option<String>,
    /// "HTTP/1.1 · new connection" of the exchange shown.
    pub summary: String,
    pub lanes: Vec<Lane>,
    /// From the first exchange's start to the last one's end.
    pub total: Duration,
    /// The slow-motion ladder step that plays `total` in a few seconds.
    pub auto_level: usize,
    pub facts: Vec<Fact>,
}

impl Recorded {
    pub fn new(outcome: Outcome, step: &Step) -> Self {
        let facts = facts(&outcome, &step.expect);
        let shown = outcome.exchanges.len().saturating_sub(1);
        let ex = outcome.exchanges.get(shown);
        let lanes = lanes(&outcome.exchanges);
        let total = lanes
            .iter()
            .map(|l| l.offset + l.length)
            .max()
            .unwrap_or_default()
            .max(Duration::from_micros(1));
        let mut response = ex.map(response_lines).unwrap_or_default();
        response.extend(
            outcome
                .notes
                .iter()
                .map(|n| WireLine::note(format!("note: {}", sanitize_text(n)))),
        );
        Recorded {
            shown,
            request: ex.map(request_lines).unwrap_or_default(),
            status: ex.and_then(|x| x.response.as_ref()).map(|r| Status {
                code: r.status,
                line: sanitize_text(format!("{} {} {}", r.version, r.status, r.reason).trim_end()),
            }),
            error: ex
                .and_then(|x| x.error.as_ref())
                .map(|e| format!("{}: {}", e.phase.name(), sanitize_text(&e.tui_message()))),
            summary: ex.map(summary).unwrap_or_default(),
            auto_level: pace::auto_level(total),
            total,
            lanes,
            response,
            facts,
            outcome,
        }
    }

    /// The exchange shown.
    pub fn exchange(&self) -> Option<&Exchange> {
        self.outcome.exchanges.get(self.shown)
    }
}

fn summary(ex: &Exchange) -> String {
    let proto = ex
        .negotiated
        .as_ref()
        .map_or("HTTP/1.1", |n| n.version)
        .to_string();
    let conn = match &ex.connection {
        Some(c) if c.reused => format!("conn #{} reused", c.id),
        Some(c) => format!("conn #{} new", c.id),
        None => "no connection".into(),
    };
    let tls = if ex.tls.is_some() { " · TLS" } else { "" };
    format!("{proto}{tls} · {conn}")
}

/// Bytes as lines, each with its line end apart.
fn split_lines(bytes: &[u8], kind_of: &mut dyn FnMut(&[u8]) -> LineKind) -> Vec<WireLine> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|line| {
            let kind = kind_of(line);
            let (body, end) = if let Some(b) = line.strip_suffix(b"\r\n") {
                (b, "\\r\\n")
            } else if let Some(b) = line.strip_suffix(b"\n") {
                (b, "\\n")
            } else {
                (line, "")
            };
            WireLine {
                kind,
                text: escape_bytes(body),
                end: end.into(),
            }
        })
        .collect()
}

/// An HTTP/1 head then body: start line, headers, blank line, body.
/// `heads`: the bytes are heads only (interim responses, then the final
/// one), so a line after a blank line starts the next head.
fn h1_lines(bytes: &[u8], heads: bool) -> Vec<WireLine> {
    #[derive(PartialEq)]
    enum At {
        Start,
        Head,
        Body,
    }
    let mut at = At::Start;
    split_lines(bytes, &mut |line| {
        let blank = line == b"\r\n" || line == b"\n";
        let (kind, next) = match at {
            At::Body if !heads => (LineKind::Body, At::Body),
            At::Start | At::Body => (LineKind::Start, At::Head),
            At::Head if blank => (LineKind::Blank, At::Body),
            At::Head => (LineKind::Header, At::Head),
        };
        at = next;
        kind
    })
}

fn h2_head(ex: &Exchange, dir: Dir) -> Option<Vec<WireLine>> {
    let cap = ex.h2.as_ref()?;
    let conn = crate::report::h2view::frames(ex)?;
    let mut out = vec![WireLine::note(
        "HTTP/2 head (HPACK-compressed frames), decoded:",
    )];
    for l in crate::report::h2view::head_lines(&conn, cap.stream, dir) {
        let kind = if l.starts_with('[') {
            LineKind::Note
        } else {
            LineKind::Header
        };
        out.push(WireLine {
            kind,
            text: l,
            end: String::new(),
        });
    }
    Some(out)
}

/// The request as it went out.
fn request_lines(ex: &Exchange) -> Vec<WireLine> {
    if let Some(lines) = h2_head(ex, Dir::Sent) {
        return lines;
    }
    let t = &ex.transcript;
    if t.sent.is_empty() {
        let why = match &ex.error {
            Some(e) => format!(
                "nothing was sent: it failed in the {} phase, before the request could go out",
                e.phase.name()
            ),
            None => "nothing was sent".into(),
        };
        return vec![WireLine::note(why)];
    }
    let kept = &t.sent[..t.sent.len().min(MAX_BODY + 8 * 1024)];
    let head = kept
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(kept.len(), |i| i + 4);
    let shown = kept.len().min(head + MAX_BODY);
    let mut lines = h1_lines(&kept[..shown], false);
    let more = t.sent_total.saturating_sub(shown as u64);
    if more > 0 {
        lines.push(WireLine::note(format!("… {more} more body bytes")));
    }
    lines
}

/// The response: its head as received (interim responses included), then
/// the start of its body as the app sees it; or what came and the error.
fn response_lines(ex: &Exchange) -> Vec<WireLine> {
    let t = &ex.transcript;
    let mut lines = match (&ex.response, h2_head(ex, Dir::Received)) {
        (Some(_), Some(h2)) => h2,
        (Some(r), None) => {
            let end = (r.head_start + r.head_len).min(t.received.len());
            h1_lines(&t.received[..end], true)
        }
        (None, _) if !t.received.is_empty() => {
            h1_lines(&t.received[..t.received.len().min(MAX_BODY)], false)
        }
        (None, _) => Vec::new(),
    };
    if let Some(r) = &ex.response {
        if let Some(text) = plain_text(r) {
            // Text the preview would call binary (an echo of a request is
            // `application/octet-stream`): shown as bytes, CR LF visible.
            let mut body = h1_lines(text, false);
            body.iter_mut().for_each(|l| l.kind = LineKind::Body);
            lines.extend(body.into_iter().take(BODY_LINES));
            return finish(lines, ex);
        }
        lines.extend(
            crate::report::body::preview(r, BODY_LINES, Default::default())
                .into_iter()
                .map(|l| WireLine {
                    kind: if l.starts_with('[') {
                        LineKind::Note
                    } else {
                        LineKind::Body
                    },
                    text: l,
                    end: String::new(),
                }),
        );
    }
    finish(lines, ex)
}

fn finish(mut lines: Vec<WireLine>, ex: &Exchange) -> Vec<WireLine> {
    if let Some(e) = &ex.error {
        lines.push(WireLine::note(format!(
            "no response: {} — {}",
            e.phase.name(),
            sanitize_text(&e.tui_message())
        )));
    }
    lines
}

/// An uncompressed body that is plain text though not labelled so.
fn plain_text(r: &crate::wire::Response) -> Option<&[u8]> {
    let ctype = r.header("content-type").unwrap_or_default();
    let labelled = ctype.starts_with("text/") || ctype.contains("json") || ctype.contains("xml");
    if labelled || r.header("content-encoding").is_some() || r.body.is_empty() {
        return None;
    }
    let text = std::str::from_utf8(&r.body).ok()?;
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\r' | '\n' | '\t'))
        .then_some(&r.body[..])
}

fn lanes(exchanges: &[Exchange]) -> Vec<Lane> {
    let origin = exchanges
        .iter()
        .map(|x| x.timeline.started_at)
        .min()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    exchanges
        .iter()
        .map(|x| {
            let spans = x.timeline.spans(None);
            let length = spans
                .iter()
                .filter(|s| s.state == SpanState::Done)
                .map(|s| s.end)
                .chain(x.timeline.done)
                .max()
                .unwrap_or_default();
            let label = match (&x.h2, &x.connection) {
                (Some(h), _) => format!("stream {}", h.stream),
                (None, Some(c)) => format!("conn #{}", c.id),
                _ => "no conn".into(),
            };
            let status = match (&x.error, &x.response) {
                (Some(e), _) => format!("✖{}", e.phase.name()),
                (None, Some(r)) => r.status.to_string(),
                _ => "-".into(),
            };
            Lane {
                offset: x
                    .timeline
                    .started_at
                    .duration_since(origin)
                    .unwrap_or_default(),
                spans,
                length,
                label,
                status,
                reused: x.connection.as_ref().is_some_and(|c| c.reused),
            }
        })
        .collect()
}
