//! Taking things away: the request as code (curl, HTTPie, Python
//! requests/httpx, Rust reqwest, JavaScript fetch) or raw bytes, copied to
//! the clipboard with OSC 52 (it works over SSH: the terminal, not this
//! machine, holds the clipboard) or written to a file; and exchanges as
//! HAR 1.2. Part of `update`: the clipboard bytes wait in
//! `Workflow::outbox` for the terminal loop to write.

use std::path::Path;
use std::time::SystemTime;

use base64::Engine as _;

use super::chooser::{Chooser, ChooserKind};
use super::{atomic, open_prompt, WorkPrompt};
use crate::formats::har::{har, har_session};
use crate::formats::{export, ExportFormat, Redaction};
use crate::tui::app::App;
use crate::wire::policy::{Cause, Flow, Hop};
use crate::wire::Exchange;

/// Most bytes sent through OSC 52: terminals cap the sequence (often
/// around 100 KB to 1 MB) and drop longer ones silently.
pub const CLIPBOARD_MAX: usize = 256 * 1024;

/// The escape sequence that asks the terminal to put `data` on the
/// clipboard: `ESC ] 52 ; c ; <base64> BEL`. The only escape sequence
/// wirescope writes on purpose besides the TUI's own drawing.
pub fn osc52(data: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(b64.len() + 8);
    out.extend_from_slice(b"\x1b]52;c;");
    out.extend_from_slice(b64.as_bytes());
    out.push(0x07);
    out
}

/// Which exchanges a HAR file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarScope {
    /// The exchange every pane shows.
    Exchange,
    /// Every finished exchange of the session, a page per request made.
    Session,
}

/// Menu label, a few words, and the file name offered.
fn describe(f: ExportFormat) -> (&'static str, &'static str, &'static str) {
    match f {
        ExportFormat::Curl => ("curl", "a shell command", "request.sh"),
        ExportFormat::Httpie => ("HTTPie", "a shell command (http …)", "request-httpie.sh"),
        ExportFormat::Python => ("Python requests", "a script", "request.py"),
        ExportFormat::Httpx => ("Python httpx", "a script", "request_httpx.py"),
        ExportFormat::Reqwest => ("Rust reqwest", "a program (tokio)", "request.rs"),
        ExportFormat::Fetch => ("JavaScript fetch", "for Node or a browser", "request.js"),
        ExportFormat::Raw => ("raw bytes", "the HTTP/1.1 request as sent", "request.bin"),
    }
}

/// `y`: the format chooser.
pub fn open(app: &mut App) {
    let items = ExportFormat::ALL
        .iter()
        .map(|f| {
            let (label, what, _) = describe(*f);
            (label.to_string(), what.to_string())
        })
        .collect();
    app.workflow.chooser = Some(Chooser::new(ChooserKind::Export, items, 0));
}

/// The request in `f`, with `{{var}}` resolved, and whether credentials
/// were redacted (they are while masked on screen, unless the TUI was
/// started with `--no-redact`); the error otherwise.
fn content(app: &mut App, f: ExportFormat) -> Option<(Vec<u8>, bool)> {
    match super::spec(app) {
        Ok(spec) => {
            let keep = app.reveal_secrets || app.workflow.redaction == Redaction::Off;
            let hidden = (!keep)
                .then(|| crate::formats::redact::spec(&spec))
                .flatten();
            Some((
                export(hidden.as_ref().unwrap_or(&spec), f),
                hidden.is_some(),
            ))
        }
        Err(e) => {
            app.notice = Some(format!("nothing exported: {e}"));
            None
        }
    }
}

/// What the notice adds when credentials were redacted.
fn redacted_note(redacted: bool) -> &'static str {
    if redacted {
        ", credentials REDACTED (U reveals them, on screen and in exports),"
    } else {
        ""
    }
}

/// Enter in the chooser: the export onto the clipboard.
pub fn copy(app: &mut App, f: ExportFormat) {
    let Some((bytes, redacted)) = content(app, f) else {
        return;
    };
    let label = describe(f).0;
    if bytes.len() > CLIPBOARD_MAX {
        app.notice = Some(format!(
            "{label}: {} bytes is too much for the clipboard (terminals drop long OSC 52): y then w writes it to a file",
            bytes.len()
        ));
        return;
    }
    app.workflow.outbox.push(osc52(&bytes));
    app.notice = Some(format!(
        "copied the request as {label}{} ({} bytes) to the clipboard with OSC 52 (if nothing arrives: the terminal does not allow it; tmux needs set-clipboard on)",
        redacted_note(redacted),
        bytes.len()
    ));
}

/// A name in the current directory that is not taken yet.
fn free_name(base: &str) -> String {
    if !Path::new(base).exists() {
        return base.to_string();
    }
    let (stem, ext) = base.rsplit_once('.').unwrap_or((base, ""));
    (2..1000)
        .map(|n| format!("{stem}-{n}.{ext}"))
        .find(|n| !Path::new(n).exists())
        .unwrap_or_else(|| base.to_string())
}

/// `w` in the chooser: asks where to write.
pub fn ask_path(app: &mut App, f: ExportFormat) {
    open_prompt(app, WorkPrompt::Export(f), free_name(describe(f).2));
}

/// The path prompt's Enter.
pub fn write(app: &mut App, f: ExportFormat, path: &str) {
    let Some((bytes, redacted)) = content(app, f) else {
        return;
    };
    let path = Path::new(path.trim());
    app.notice = Some(match atomic::create(path, &bytes) {
        Ok(()) => format!(
            "wrote the request as {}{} ({} bytes) to {}",
            describe(f).0,
            redacted_note(redacted),
            bytes.len(),
            atomic::shown(path)
        ),
        Err(e) => e,
    });
}

/// `H`: this exchange or the whole session.
pub fn open_har(app: &mut App) {
    let done = app.entries.iter().filter(|e| e.exchange.is_some()).count();
    if done == 0 {
        app.notice = Some("no finished exchange to save as HAR yet".into());
        return;
    }
    let this = match app.entry() {
        Some(e) if e.exchange.is_some() => format!("#{} {}", e.id, e.method),
        Some(e) => format!("#{} has not finished", e.id),
        None => "none selected".into(),
    };
    let items = vec![
        ("this exchange".to_string(), this),
        (
            "the whole session".to_string(),
            format!("{done} exchange{}", if done == 1 { "" } else { "s" }),
        ),
    ];
    app.workflow.chooser = Some(Chooser::new(ChooserKind::Har, items, 0));
}

/// Enter in the HAR chooser: asks where to write.
pub fn har_pick(app: &mut App, scope: HarScope) {
    let name = match scope {
        HarScope::Exchange => match app.entry().filter(|e| e.exchange.is_some()) {
            Some(e) => format!("wirescope-{}.har", e.id),
            None => {
                app.notice = Some("the selected exchange has not finished".into());
                return;
            }
        },
        HarScope::Session => "wirescope-session.har".into(),
    };
    open_prompt(app, WorkPrompt::Har(scope), free_name(&name));
}

/// The session as flows: a page per request the user made, each hop and
/// attempt of a flow an entry of its page.
pub fn session_flows(app: &App) -> Vec<Flow> {
    let mut flows: Vec<Flow> = Vec::new();
    let mut seen = Vec::new();
    let whole = |e: &crate::tui::entry::Entry| crate::tui::parking::whole(&app.parking, e);
    for e in &app.entries {
        let Some(x) = whole(e) else {
            continue;
        };
        let hop = |x: Exchange, info: Option<&crate::tui::group::HopInfo>| Hop {
            hop: info.map_or(1, |h| h.hop),
            attempt: info.map_or(1, |h| h.attempt),
            cause: info.map_or(Cause::First, |h| h.cause.clone()),
            notes: info.map_or_else(Vec::new, |h| h.notes.clone()),
            exchange: x,
        };
        let flow_group = e
            .meta
            .group
            .filter(|t| app.group(t.group).is_some_and(|g| g.is_flow()))
            .map(|t| t.group);
        match flow_group {
            Some(g) if seen.contains(&g) => {}
            Some(g) => {
                seen.push(g);
                let hops: Vec<Hop> = app
                    .members(g)
                    .filter_map(|m| Some(hop(whole(m)?, m.meta.hop.as_ref())))
                    .collect();
                flows.push(Flow {
                    started_at: started(&hops),
                    hops,
                    stopped: None,
                });
            }
            None => {
                let hops = vec![hop(x, None)];
                flows.push(Flow {
                    started_at: started(&hops),
                    hops,
                    stopped: None,
                });
            }
        }
    }
    flows
}

fn started(hops: &[Hop]) -> SystemTime {
    hops.first()
        .map_or(SystemTime::UNIX_EPOCH, |h| h.exchange.timeline.started_at)
}

/// The HAR prompt's Enter.
pub fn write_har(app: &mut App, scope: HarScope, path: &str) {
    let redaction = app.workflow.redaction;
    let (doc, count) = match scope {
        HarScope::Exchange => match app.entry().and_then(|e| e.exchange.as_deref()) {
            Some(x) => (har(std::slice::from_ref(x), redaction), 1),
            None => {
                app.notice = Some("the selected exchange has not finished".into());
                return;
            }
        },
        HarScope::Session => {
            let flows = session_flows(app);
            let n = flows.iter().map(|f| f.hops.len()).sum();
            (har_session(&flows, redaction), n)
        }
    };
    let bytes = match serde_json::to_vec_pretty(&doc) {
        Ok(b) => b,
        Err(e) => {
            app.notice = Some(format!("HAR not written: {e}"));
            return;
        }
    };
    let path = Path::new(path.trim());
    app.notice = Some(match atomic::create(path, &bytes) {
        Ok(()) => format!(
            "saved {count} exchange{} as HAR to {} ({})",
            if count == 1 { "" } else { "s" },
            atomic::shown(path),
            match redaction {
                Redaction::On => "credentials redacted",
                Redaction::Off => "NOT redacted: it may hold credentials",
            }
        ),
        Err(e) => e,
    });
}

#[cfg(test)]
mod redaction_tests {
    use super::*;
    use crate::tui::form::HeaderRow;

    #[test]
    fn exports_redact_credentials_while_they_are_masked() {
        let mut app = crate::tui::fixture::app();
        app.form
            .headers
            .push(HeaderRow::new("Authorization", "Bearer t0ken", true));
        let (code, redacted) = content(&mut app, ExportFormat::Curl).expect("exported");
        let code = String::from_utf8_lossy(&code);
        assert!(redacted && code.contains("Bearer REDACTED"), "{code}");
        assert!(!code.contains("t0ken"), "{code}");
        copy(&mut app, ExportFormat::Curl);
        assert!(app.notice.as_deref().unwrap_or("").contains("REDACTED"));
        // Revealed on screen: the export is what the screen shows.
        app.reveal_secrets = true;
        let (code, redacted) = content(&mut app, ExportFormat::Curl).expect("exported");
        assert!(!redacted && String::from_utf8_lossy(&code).contains("Bearer t0ken"));
        // Started with --no-redact: kept as well.
        app.reveal_secrets = false;
        app.workflow.redaction = Redaction::Off;
        let (_, redacted) = content(&mut app, ExportFormat::Curl).expect("exported");
        assert!(!redacted);
    }
}
