//! Where captured exchanges go as they complete: a line on stdout (text
//! or JSON Lines), notes on stderr, and with `--har` an entry in a HAR
//! file written as the run goes (`HarWriter`, as `send --har`), so a long
//! capture keeps nothing of an exchange once it is written.

use std::io::Write;

use super::proxy::Event;
use super::record::{extras, Captured};
use super::{say, CaptureFormat, OutputArgs};
use crate::formats::har_stream::HarWriter;
use crate::formats::redact::Redaction;
use crate::wire::policy::{Cause, Flow, Hop};

pub struct Sink {
    format: CaptureFormat,
    har: Option<HarWriter>,
    redaction: Redaction,
    /// A write failed: said once, and the run's exit code says so.
    failed: bool,
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
            format: out.format,
            har,
            redaction,
            failed: false,
        })
    }

    pub fn event(&mut self, ev: Event) {
        match ev {
            Event::Note(m) => say(&m),
            Event::Exchange(c) => self.exchange(*c),
        }
    }

    fn exchange(&mut self, c: Captured) {
        let mut out = std::io::stdout().lock();
        let r = match self.format {
            CaptureFormat::Json => c.write_json(&mut out),
            CaptureFormat::Text => writeln!(out, "{}", c.text_line()),
        };
        if let Err(e) = r.and_then(|_| out.flush()) {
            self.fail(&format!("writing a captured exchange: {e}"));
        }
        let Some(har) = &mut self.har else { return };
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
        let redaction = self.redaction;
        let r = har.flow_with(&flow, |_, entry| {
            for (name, node) in extras(&client, &changes, upstream.as_ref(), redaction) {
                entry.put(har_name(name), node);
            }
        });
        if let Err(e) = r {
            self.fail(&format!("writing the HAR file: {e}"));
        }
    }

    fn fail(&mut self, m: &str) {
        if !self.failed {
            say(m);
        }
        self.failed = true;
    }

    /// Finishes the HAR file; false if anything could not be written.
    pub fn close(mut self) -> bool {
        if let Some(har) = self.har.take() {
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
