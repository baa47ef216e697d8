//! Where captured exchanges go as they complete: headless, a line on
//! stdout (text or JSON Lines), notes on stderr, and with `--har` an entry
//! in a HAR file written as the run goes (`HarWriter`, as `send --har`),
//! so a long capture keeps nothing of an exchange once it is written; in
//! the TUI, each exchange and note as a worker event into its session.

use std::io::Write;

use tokio::sync::mpsc::UnboundedSender;

use super::proxy::Event;
use super::record::{extras, Captured};
use super::{say, CaptureFormat, OutputArgs};
use crate::formats::har_stream::HarWriter;
use crate::formats::redact::Redaction;
use crate::wire::policy::{Cause, Flow, Hop};

pub struct Sink {
    to: To,
    /// A write failed: said once, and the run's exit code says so.
    failed: bool,
}

enum To {
    Print {
        format: CaptureFormat,
        har: Option<HarWriter>,
        redaction: Redaction,
    },
    Tui(UnboundedSender<crate::worker::Event>),
}

impl Sink {
    /// Creates the HAR file, if asked for, before anything is captured.
    pub fn open(out: &OutputArgs) -> Option<Sink> {
        let redaction = match out.har_keep_secrets {
            true => Redaction::Off,
            false => Redaction::On,
        };
        let har = match &out.har {
            None => None,
            Some(path) => match HarWriter::create(path, redaction) {
                Ok(w) => Some(w),
                Err(e) => {
                    say(&format!("--har: {e}"));
                    return None;
                }
            },
        };
        Some(Sink {
            to: To::Print {
                format: out.format.unwrap_or(CaptureFormat::Text),
                har,
                redaction,
            },
            failed: false,
        })
    }

    /// Into the TUI's session.
    pub fn tui(events: UnboundedSender<crate::worker::Event>) -> Sink {
        Sink {
            to: To::Tui(events),
            failed: false,
        }
    }

    pub fn event(&mut self, ev: Event) {
        match ev {
            Event::Note(m) => self.note(&m),
            Event::Exchange(c) => self.exchange(*c),
        }
    }

    /// Said on stderr, or in the TUI's status line.
    pub fn note(&mut self, m: &str) {
        match &self.to {
            To::Print { .. } => say(m),
            To::Tui(tx) => {
                let _ = tx.send(crate::worker::Event::Note(format!("capture: {m}")));
            }
        }
    }

    fn exchange(&mut self, c: Captured) {
        let (format, har, redaction) = match &mut self.to {
            To::Tui(tx) => {
                let client = crate::worker::CapturedClient {
                    connection: c.client.connection,
                    reused: c.client.reused,
                    tls: c.client.tls.as_ref().map(|t| {
                        format!(
                            "{} · ALPN {} · SNI {}",
                            t.version,
                            t.alpn.as_deref().unwrap_or("none"),
                            t.sni.as_deref().unwrap_or("none")
                        )
                    }),
                };
                let _ = tx.send(crate::worker::Event::Captured {
                    exchange: Box::new(c.exchange),
                    client,
                });
                return;
            }
            To::Print {
                format,
                har,
                redaction,
            } => (*format, har, *redaction),
        };
        // The line is made whole first and written at once: the program
        // writes to the same stdout, and a line cut by its output would
        // not parse.
        let mut line = Vec::new();
        let r = match format {
            CaptureFormat::Json => c.write_json(&mut line),
            CaptureFormat::Text => writeln!(line, "{}", c.text_line()),
        };
        let printed = r.and_then(|_| {
            let mut out = std::io::stdout().lock();
            out.write_all(&line).and_then(|_| out.flush())
        });
        let Some(har) = har else {
            if let Err(e) = printed {
                self.fail(&format!("writing a captured exchange: {e}"));
            }
            return;
        };
        let Captured {
            exchange,
            client,
            changes,
            upstream,
        } = c;
        let flow = Flow {
            started_at: exchange.timeline.started_at,
            hops: vec![Hop {
                hop: 1,
                attempt: 1,
                cause: Cause::First,
                notes: Vec::new(),
                exchange,
            }],
            stopped: None,
        };
        let r = har.flow_with(&flow, |_, entry| {
            for (name, node) in extras(&client, &changes, upstream.as_ref(), redaction) {
                entry.put(har_name(name), node);
            }
        });
        if let Err(e) = printed {
            self.fail(&format!("writing a captured exchange: {e}"));
        }
        if let Err(e) = r {
            self.fail(&format!("writing the HAR file: {e}"));
        }
    }

    fn fail(&mut self, m: &str) {
        if !self.failed {
            self.note(m);
        }
        self.failed = true;
    }

    /// Finishes the HAR file; false if anything could not be written.
    pub fn close(mut self) -> bool {
        let har = match &mut self.to {
            To::Print { har, .. } => har.take(),
            To::Tui(_) => None,
        };
        if let Some(har) = har {
            if let Err(e) = har.finish() {
                self.fail(&format!("finishing the HAR file: {e}"));
            }
        }
        !self.failed
    }
}

/// HAR's custom fields start with `_`.
fn har_name(name: &'static str) -> &'static str {
    match name {
        "client" => "_client",
        "proxy_changes" => "_proxy_changes",
        "upstream" => "_upstream",
        other => other,
    }
}
