//! One monotonic clock per exchange and the marks taken on it where the
//! bytes move. Phases (durations) and the HAR / curl `-w` views are derived
//! from the marks, never stored twice.

use std::time::{Duration, SystemTime};

/// A point in an exchange's life, reported live as it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    DnsDone,
    Connected,
    /// The proxy's tunnel is open (CONNECT answered, SOCKS5 done, or TLS
    /// to an https:// proxy done).
    TunnelDone,
    TlsDone,
    /// The connection is ready for the request (new or reused).
    Ready,
    /// The last request byte was accepted by the socket.
    RequestSent,
    /// The first response byte was read.
    FirstByte,
    /// The last response byte was read (or the exchange ended).
    Done,
}

/// A span of the waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Dns,
    Connect,
    /// Through a proxy: from the TCP connection to the proxy until the
    /// tunnel is open (TLS to an https:// proxy included).
    Tunnel,
    Tls,
    /// HTTP/3: the QUIC handshake, transport and TLS 1.3 in one (there is
    /// no TCP connect, and TLS is not a phase of its own).
    Quic,
    Send,
    Wait,
    Receive,
}

impl Phase {
    pub const ALL: [Phase; 8] = [
        Phase::Dns,
        Phase::Connect,
        Phase::Tunnel,
        Phase::Tls,
        Phase::Quic,
        Phase::Send,
        Phase::Wait,
        Phase::Receive,
    ];

    /// Label used by the waterfall views.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Dns => "DNS",
            Phase::Connect => "TCP connect",
            Phase::Tunnel => "proxy tunnel",
            Phase::Tls => "TLS handshake",
            Phase::Quic => "QUIC handshake",
            Phase::Send => "request sent",
            Phase::Wait => "waiting (TTFB)",
            Phase::Receive => "download",
        }
    }
}

/// How a phase stands in a given exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanState {
    Done,
    /// In flight: its end is "now".
    Running,
    /// Does not apply (reused connection, plain http) — not zero-length.
    Skipped,
    /// Not reached (yet, or because the exchange failed before it).
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub phase: Phase,
    pub state: SpanState,
    pub start: Duration,
    pub end: Duration,
}

impl Span {
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
}

/// Marks on one exchange's clock, as offsets from its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub started_at: SystemTime,
    /// The connection was reused: DNS, connect and TLS do not apply.
    pub reused: bool,
    /// The connection is TLS (so the TLS phase applies when not reused).
    pub tls: bool,
    /// The host was an IP literal: there was no DNS lookup, so the DNS
    /// phase does not apply (its mark is taken at once, for curl's
    /// cumulative points).
    pub no_lookup: bool,
    /// The connection went through a proxy that needed setting up (a
    /// CONNECT or SOCKS5 tunnel, TLS to an https:// proxy): the tunnel
    /// phase applies. Without a proxy its row is not drawn at all.
    pub tunnel: bool,
    /// HTTP/3 over QUIC: one handshake phase (`dns_done` → `tls_done`)
    /// instead of TCP connect and TLS; `connected` is taken with it.
    pub quic: bool,
    pub dns_done: Option<Duration>,
    pub connected: Option<Duration>,
    pub tunnel_done: Option<Duration>,
    pub tls_done: Option<Duration>,
    pub ready: Option<Duration>,
    pub request_sent: Option<Duration>,
    pub first_byte: Option<Duration>,
    pub done: Option<Duration>,
}

impl Timeline {
    pub fn new(started_at: SystemTime) -> Self {
        Timeline {
            started_at,
            reused: false,
            tls: false,
            no_lookup: false,
            tunnel: false,
            quic: false,
            dns_done: None,
            connected: None,
            tunnel_done: None,
            tls_done: None,
            ready: None,
            request_sent: None,
            first_byte: None,
            done: None,
        }
    }

    /// Records a mark (the first one of each kind wins). A tunnel mark
    /// also says the tunnel phase applies, so a live view (which only
    /// gets marks) draws its row too.
    pub fn mark(&mut self, mark: Mark, at: Duration) {
        if mark == Mark::TunnelDone {
            self.tunnel = true;
        }
        let slot = match mark {
            Mark::DnsDone => &mut self.dns_done,
            Mark::Connected => &mut self.connected,
            Mark::TunnelDone => &mut self.tunnel_done,
            Mark::TlsDone => &mut self.tls_done,
            Mark::Ready => &mut self.ready,
            Mark::RequestSent => &mut self.request_sent,
            Mark::FirstByte => &mut self.first_byte,
            Mark::Done => &mut self.done,
        };
        if slot.is_none() {
            *slot = Some(at);
        }
    }

    /// Where the connection was ready for TLS with the origin (or, on
    /// plain http, for the request): after the tunnel when there is one.
    fn tunnel_end(&self) -> Option<Duration> {
        match self.tunnel {
            true => self.tunnel_done,
            false => self.connected,
        }
    }

    /// The waterfall: one span per phase (the tunnel's only through a
    /// proxy). `now` (time since start) closes the running phase of an
    /// exchange in flight.
    pub fn spans(&self, now: Option<Duration>) -> Vec<Span> {
        let mut bounds = vec![
            (Phase::Dns, Some(Duration::ZERO), self.dns_done),
            (Phase::Connect, self.dns_done, self.connected),
            (Phase::Tls, self.tunnel_end(), self.tls_done),
            (Phase::Send, self.ready, self.request_sent),
            (Phase::Wait, self.request_sent, self.first_byte),
            (Phase::Receive, self.first_byte, self.done),
        ];
        if self.tunnel {
            bounds.insert(2, (Phase::Tunnel, self.connected, self.tunnel_done));
        }
        if self.quic {
            bounds.retain(|b| !matches!(b.0, Phase::Connect | Phase::Tls));
            bounds.insert(1, (Phase::Quic, self.dns_done, self.tls_done));
        }
        bounds
            .iter()
            .map(|&(phase, start, end)| {
                let skipped = match phase {
                    Phase::Dns => self.reused || self.no_lookup,
                    Phase::Connect | Phase::Tunnel | Phase::Quic => self.reused,
                    Phase::Tls => self.reused || !self.tls,
                    _ => false,
                };
                let (state, start, end) = match (skipped, start, end, now) {
                    (true, ..) => (SpanState::Skipped, Duration::ZERO, Duration::ZERO),
                    (false, Some(s), Some(e), _) => (SpanState::Done, s, e),
                    (false, Some(s), None, Some(n)) if self.done.is_none() => {
                        (SpanState::Running, s, n.max(s))
                    }
                    // The phase the exchange ended in (a timeout, an
                    // error): it lasted until the end, and shows so.
                    (false, Some(s), None, _) if self.done.is_some() => {
                        let d = self.done.unwrap_or(s);
                        (SpanState::Done, s, d.max(s))
                    }
                    _ => (SpanState::Pending, Duration::ZERO, Duration::ZERO),
                };
                Span {
                    phase,
                    state,
                    start,
                    end,
                }
            })
            .collect()
    }

    /// HAR 1.2 timings in milliseconds (`-1` where a phase does not apply;
    /// `ssl` and `tunnel` are included in `connect`).
    pub fn har(&self) -> Timings {
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        let between = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => ms(b.saturating_sub(a)),
            _ => -1.0,
        };
        let connect_end = if self.tls {
            self.tls_done
        } else {
            self.tunnel_end()
        };
        let (blocked, dns, connect, ssl) = if self.reused {
            (between(Some(Duration::ZERO), self.ready), -1.0, -1.0, -1.0)
        } else {
            (
                between(connect_end, self.ready),
                match self.no_lookup {
                    true => -1.0,
                    false => between(Some(Duration::ZERO), self.dns_done),
                },
                // Without a lookup, connecting starts the exchange.
                between(
                    if self.no_lookup {
                        Some(Duration::ZERO)
                    } else {
                        self.dns_done
                    },
                    connect_end,
                ),
                // QUIC: TLS is the whole handshake (HAR: ssl inside connect).
                if self.quic {
                    between(self.dns_done, self.tls_done)
                } else if self.tls {
                    between(self.tunnel_end(), self.tls_done)
                } else {
                    -1.0
                },
            )
        };
        let tunnel = match self.tunnel && !self.reused {
            true => between(self.connected, self.tunnel_done),
            false => -1.0,
        };
        Timings {
            blocked,
            dns,
            connect,
            ssl,
            tunnel,
            send: between(self.ready, self.request_sent),
            wait: between(self.request_sent, self.first_byte),
            receive: between(self.first_byte, self.done),
            total: self.done.map(ms).unwrap_or(-1.0),
        }
    }

    /// curl `-w` style cumulative points, in seconds from the start (0 where
    /// curl would say 0: a phase that did not happen).
    pub fn curl_points(&self) -> [(&'static str, f64); 6] {
        let s = |d: Option<Duration>| d.map(|d| d.as_secs_f64()).unwrap_or(0.0);
        [
            ("time_namelookup", s(self.dns_done)),
            ("time_connect", s(self.connected)),
            ("time_appconnect", s(self.tls_done)),
            ("time_pretransfer", s(self.ready)),
            ("time_starttransfer", s(self.first_byte)),
            ("time_total", s(self.done)),
        ]
    }
}

/// Why a phase the waterfall shows as skipped did not happen, in a few
/// words: a skipped phase of a new connection is TLS on plain http or DNS
/// for an IP-literal host; anything else was skipped by reuse.
pub fn skip_reason(phase: Phase, reused: bool) -> &'static str {
    match phase {
        _ if reused => "reused connection",
        Phase::Tls => "plain http",
        Phase::Dns => "IP address, no lookup",
        _ => "reused connection",
    }
}

/// HAR 1.2 `timings`, milliseconds; `-1` means "does not apply".
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Timings {
    pub blocked: f64,
    pub dns: f64,
    pub connect: f64,
    pub ssl: f64,
    /// Not HAR: the proxy tunnel (inside `connect`), `-1` without one.
    pub tunnel: f64,
    pub send: f64,
    pub wait: f64,
    pub receive: f64,
    pub total: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn har_phases_add_up_for_a_new_tls_connection() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        t.tls = true;
        for (m, at) in [
            (Mark::DnsDone, 2),
            (Mark::Connected, 5),
            (Mark::TlsDone, 20),
            (Mark::Ready, 20),
            (Mark::RequestSent, 21),
            (Mark::FirstByte, 121),
            (Mark::Done, 130),
        ] {
            t.mark(m, ms(at));
        }
        let h = t.har();
        assert_eq!((h.dns, h.connect, h.ssl), (2.0, 18.0, 15.0));
        assert_eq!((h.send, h.wait, h.receive), (1.0, 100.0, 9.0));
        let sum = h.blocked + h.dns + h.connect + h.send + h.wait + h.receive;
        assert_eq!(sum, h.total);
    }

    #[test]
    fn reused_connection_skips_dial_phases() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        t.reused = true;
        t.tls = true;
        t.mark(Mark::Ready, ms(0));
        t.mark(Mark::RequestSent, ms(1));
        let h = t.har();
        assert_eq!((h.dns, h.connect, h.ssl), (-1.0, -1.0, -1.0));
        let spans = t.spans(Some(ms(50)));
        assert_eq!(spans[0].state, SpanState::Skipped);
        assert_eq!(spans[2].state, SpanState::Skipped);
        assert_eq!(spans[4].state, SpanState::Running);
        assert_eq!(spans[4].end, ms(50));
        assert_eq!(spans[5].state, SpanState::Pending);
    }

    #[test]
    fn the_phase_an_exchange_failed_in_lasts_until_the_end() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        for (m, at) in [
            (Mark::DnsDone, 1),
            (Mark::Connected, 2),
            (Mark::Ready, 2),
            (Mark::RequestSent, 3),
            (Mark::Done, 1500),
        ] {
            t.mark(m, ms(at));
        }
        let spans = t.spans(None);
        assert_eq!((spans[4].state, spans[4].end), (SpanState::Done, ms(1500)));
        assert_eq!(spans[5].state, SpanState::Pending);
    }

    #[test]
    fn an_ip_literal_has_no_dns_phase() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        t.no_lookup = true;
        for (m, at) in [(Mark::DnsDone, 0), (Mark::Connected, 3), (Mark::Ready, 3)] {
            t.mark(m, ms(at));
        }
        let h = t.har();
        assert_eq!((h.dns, h.connect), (-1.0, 3.0));
        assert_eq!(t.spans(None)[0].state, SpanState::Skipped);
        assert_eq!(skip_reason(Phase::Dns, false), "IP address, no lookup");
        assert_eq!(skip_reason(Phase::Dns, true), "reused connection");
        assert_eq!(skip_reason(Phase::Tls, false), "plain http");
    }

    #[test]
    fn a_tunnel_is_its_own_phase_inside_connect() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        t.tls = true;
        t.tunnel = true;
        for (m, at) in [
            (Mark::DnsDone, 1),
            (Mark::Connected, 3),
            (Mark::TunnelDone, 303),
            (Mark::TlsDone, 310),
            (Mark::Ready, 310),
            (Mark::RequestSent, 311),
            (Mark::FirstByte, 320),
            (Mark::Done, 321),
        ] {
            t.mark(m, ms(at));
        }
        let h = t.har();
        assert_eq!((h.connect, h.tunnel, h.ssl), (309.0, 300.0, 7.0));
        let spans = t.spans(None);
        assert_eq!(spans[2].phase, Phase::Tunnel);
        assert_eq!((spans[2].start, spans[2].end), (ms(3), ms(303)));
        assert_eq!((spans[3].start, spans[3].end), (ms(303), ms(310)));
        let mut plain = Timeline::new(SystemTime::UNIX_EPOCH);
        plain.mark(Mark::Connected, ms(1));
        assert_eq!(plain.har().tunnel, -1.0);
        assert!(plain.spans(None).iter().all(|s| s.phase != Phase::Tunnel));
    }

    #[test]
    fn first_mark_wins() {
        let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
        t.mark(Mark::Done, ms(3));
        t.mark(Mark::Done, ms(9));
        assert_eq!(t.done, Some(ms(3)));
    }
}
