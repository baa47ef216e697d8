//! The Response pane's blocks around the status and headers: the protocol
//! and why it was chosen, where the exchange sits in a flow or batch (hop,
//! attempt, the rule applied, notes, why a flow stopped, the flow's lints),
//! a revalidation's outcome, and the connection with its TLS details
//! (version, cipher, ALPN, each certificate, the handshake's records).
//! Everything from the peer is escaped.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::explain::Severity;
use crate::report::escape::sanitize_text;
use crate::tui::app::{fmt_bytes, fmt_ms, App};
use crate::tui::entry::Entry;
use crate::tui::group::{part_name, GroupKind};
use crate::tui::theme::Theme;
use crate::wire::exchange::Dir;
use crate::wire::policy::conditional;
use crate::wire::policy::Cause;
use crate::wire::Exchange;

/// "HTTP/2 · prior knowledge: h2 from the first byte over plain TCP".
pub fn protocol(x: &Exchange, t: &Theme) -> Option<Line<'static>> {
    let n = x.negotiated.as_ref()?;
    Some(Line::from(vec![
        Span::styled(format!("  {}", n.version), t.key),
        Span::styled(format!(" · {}", sanitize_text(&n.why)), t.dim),
    ]))
}

fn severity(s: Severity, t: &Theme) -> ratatui::style::Style {
    match s {
        Severity::Info => t.dim,
        Severity::Warning => t.warning,
        Severity::Danger => t.error,
    }
}

/// `text` (escaped here) in lines of `width`, indented by two.
fn wrapped(out: &mut Vec<Line<'static>>, text: &str, width: usize, style: Style) {
    for l in super::response::wrap(&sanitize_text(text), width.saturating_sub(4)) {
        out.push(Line::styled(format!("  {l}"), style));
    }
}

/// Flow, batch and revalidation context of the exchange shown, in lines
/// of `width` columns.
pub fn context(app: &App, e: &Entry, t: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(h) = &e.meta.hop {
        let why = match &h.cause {
            Cause::First => "the request as made".to_string(),
            Cause::Redirect { rule, .. } => format!("redirect followed: {rule}"),
            Cause::Retry { waited, reason, .. } => {
                format!("retried after {}: {reason}", fmt_ms(*waited))
            }
        };
        let hop = format!("  hop {} · attempt {}", h.hop, h.attempt);
        let why = sanitize_text(&why);
        if hop.chars().count() + 3 + why.chars().count() <= width {
            out.push(Line::from(vec![
                Span::styled(hop, t.key),
                Span::styled(format!(" · {why}"), t.dim),
            ]));
        } else {
            out.push(Line::styled(hop, t.key));
            wrapped(&mut out, &why, width, t.dim);
        }
        for n in &h.notes {
            wrapped(&mut out, &format!("⚠ {n}"), width, t.warning);
        }
    }
    if let Some(g) = e.meta.group.and_then(|tag| app.group(tag.group)) {
        match &g.kind {
            GroupKind::Flow { stopped, lints, .. } => {
                let last = app.members(g.id).last().is_some_and(|l| l.id == e.id);
                if let (Some(why), true) = (stopped, last) {
                    wrapped(
                        &mut out,
                        &format!("✖ the flow stopped: {why}"),
                        width,
                        t.error,
                    );
                }
                for l in lints
                    .iter()
                    .filter(|l| l.code.starts_with("redirect") || l.code.starts_with("retry"))
                {
                    let style = severity(l.severity, t);
                    wrapped(&mut out, &format!("⚠ {}", l.message), width, style);
                }
            }
            GroupKind::Captured { connection, tls } => {
                let reused = e.meta.group.is_some_and(|t| t.index > 0);
                let how = match tls {
                    Some(t) => format!(", {}", sanitize_text(t)),
                    None => String::new(),
                };
                out.push(Line::styled(
                    format!(
                        "  captured: the program's connection #{connection} ({}{how}) · the upstream leg is wirescope's",
                        if reused { "reused" } else { "new" }
                    ),
                    t.dim,
                ));
            }
            GroupKind::Batches { n, .. } => {
                if let Some(tag) = e.meta.group {
                    out.push(Line::styled(
                        format!(
                            "  batch: {} (#{} of {n}) · Waterfall shows them all",
                            part_name(app, g, tag.part),
                            tag.index + 1
                        ),
                        t.dim,
                    ));
                }
            }
        }
    }
    if let (Some(v), Some(x)) = (&e.meta.revalidation, e.exchange.as_deref()) {
        let sent: Vec<String> = [
            ("If-None-Match", &v.etag),
            ("If-Modified-Since", &v.last_modified),
        ]
        .iter()
        .filter_map(|(n, val)| val.as_ref().map(|val| format!("{n}: {val}")))
        .collect();
        let sent = format!("revalidation sent {}", sent.join(", "));
        wrapped(&mut out, &sent, width, t.dim);
        let style = match x.response.as_ref().map(|r| r.status) {
            Some(304) => t.ok,
            _ => t.warning,
        };
        wrapped(&mut out, &conditional::outcome(v, x), width, style);
    }
    out
}

/// The connection and TLS block (below the headers).
pub fn connection(x: &Exchange, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let Some(c) = &x.connection else {
        return out;
    };
    out.push(Line::styled("Connection", t.section));
    let reuse = if c.reused { "reused" } else { "new" };
    let local = c.local.map(|l| format!(" from {l}")).unwrap_or_default();
    out.push(Line::raw(format!(
        "  #{} {reuse} · {}{local}",
        c.id, c.remote
    )));
    if let Some(tcp) = &c.tcp {
        out.push(Line::styled(format!("  kernel: {}", tcp.summary()), t.dim));
    }
    if c.resolved.len() > 1 {
        let all: Vec<String> = c.resolved.iter().map(|a| a.to_string()).collect();
        out.push(Line::styled(
            format!("  resolved: {}", all.join(", ")),
            t.dim,
        ));
    }
    for (addr, why) in &c.failed_attempts {
        out.push(Line::styled(
            format!("  tried {addr} first: {}", sanitize_text(why)),
            t.warning,
        ));
    }
    // Through a proxy: which one, from where, and what was said to it
    // (the CONNECT and its answer, credentials masked).
    if let Some(p) = &c.proxy {
        let text = crate::report::proxy::text(p, false);
        for (i, l) in text.lines().enumerate() {
            let style = if i == 0 { t.key } else { t.dim };
            out.push(Line::styled(format!("  {l}"), style));
        }
    }
    let Some(tls) = &x.tls else {
        if !c.reused {
            out.push(Line::styled("  plain TCP: no TLS", t.dim));
        }
        return out;
    };
    out.push(Line::from(vec![
        Span::styled(format!("  {}", sanitize_text(&tls.version)), t.key),
        Span::raw(format!(" · {}", sanitize_text(&tls.cipher))),
        Span::styled(
            format!(
                " · ALPN {} · SNI {}",
                tls.alpn.as_deref().map_or("none".into(), sanitize_text),
                sanitize_text(&tls.server_name)
            ),
            t.dim,
        ),
    ]));
    if tls.insecure {
        out.push(Line::styled(
            " ⚠ INSECURE: the certificate chain was NOT verified ",
            t.banner,
        ));
    }
    if let Some(a) = &tls.client_auth {
        out.push(Line::from(vec![
            Span::styled("  client cert ", t.key),
            Span::raw(sanitize_text(&a.summary())),
        ]));
    }
    for (i, cert) in tls.chain.iter().enumerate() {
        out.push(Line::from(vec![
            Span::styled(format!("  cert {} ", i + 1), t.key),
            Span::raw(sanitize_text(&cert.subject)),
        ]));
        out.push(Line::styled(
            format!("    issuer {}", sanitize_text(&cert.issuer)),
            t.dim,
        ));
        out.push(Line::styled(
            format!(
                "    valid {} → {}",
                sanitize_text(&cert.not_before),
                sanitize_text(&cert.not_after)
            ),
            t.dim,
        ));
        if !cert.san.is_empty() {
            out.push(Line::styled(
                format!("    names {}", sanitize_text(&cert.san.join(", "))),
                t.dim,
            ));
        }
    }
    let recs = &tls.handshake_records;
    if !recs.is_empty() {
        let sent = recs.iter().filter(|r| r.dir == Dir::Sent).count();
        let bytes: usize = recs.iter().map(|r| r.len).sum();
        out.push(Line::styled(
            format!(
                "  handshake: {} records ({sent} sent, {} received), {}",
                recs.len(),
                recs.len() - sent,
                fmt_bytes(bytes as u64)
            ),
            t.dim,
        ));
        let list: Vec<String> = recs
            .iter()
            .take(12)
            .map(|r| {
                let arrow = if r.dir == Dir::Sent { "→" } else { "←" };
                format!("{arrow} {} {} B @{}", r.content_type, r.len, fmt_ms(r.at))
            })
            .collect();
        for three in list.chunks(3) {
            out.push(Line::styled(format!("    {}", three.join(" · ")), t.dim));
        }
    }
    out
}
