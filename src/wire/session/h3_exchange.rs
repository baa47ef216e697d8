//! The session's HTTP/3 path: `--http3`, or an origin's `Alt-Svc` h3
//! alternative remembered from an earlier answer over TCP (bounded, with
//! its `ma`), each exchange on a QUIC connection of its own for now.

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::super::error::WireError;
use super::super::exchange::Exchange;
use super::super::probe::Probe;
use super::super::spec::RequestSpec;
use super::super::warning::Warning;
use super::{Session, NEXT_CONN_ID};

impl Session {
    /// The https origin of `url`, as `Alt-Svc` is remembered by.
    fn origin_key(url: &str) -> Option<String> {
        let u = url::Url::parse(url).ok()?;
        (u.scheme() == "https").then(|| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(443)
            )
        })
    }

    /// An HTTP/3 alternative remembered for `url`'s origin, still fresh.
    pub(super) fn alt_route(&self, url: &str) -> Option<super::super::h3::Route> {
        let key = Self::origin_key(url)?;
        let m = self.inner.alt.lock().ok()?;
        let (port, until) = *m.get(&key)?;
        (Instant::now() < until).then(|| super::super::h3::Route {
            port,
            why: format!(
                "Alt-Svc: an earlier answer from {key} offered h3 on UDP port {port} (--alt-svc)"
            ),
        })
    }

    /// Remembers (or clears) what an answer over TCP said in `Alt-Svc`.
    pub(super) fn learn_alt(&self, ex: &Exchange) {
        let Some(key) = Self::origin_key(&ex.url) else {
            return;
        };
        let Some(value) = ex.response.as_ref().and_then(|r| r.header("alt-svc")) else {
            return;
        };
        let Ok(mut m) = self.inner.alt.lock() else {
            return;
        };
        match super::super::h3::alt_svc::parse(value) {
            Some(super::super::h3::alt_svc::AltH3::Port { port, max_age }) if m.len() < 1000 => {
                m.insert(key, (port, Instant::now() + max_age));
            }
            Some(super::super::h3::alt_svc::AltH3::Clear) => {
                m.remove(&key);
            }
            _ => {}
        }
    }

    /// `--http3` (or an `Alt-Svc` alternative): its own path (a QUIC
    /// connection per exchange, for now), with the same warnings before
    /// the clock as the others.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn send_h3(
        &self,
        spec: &RequestSpec,
        probe: Probe,
        start: Instant,
        userinfo: Option<Warning>,
        waited: std::time::Duration,
        paced: Result<
            Option<(std::time::Duration, super::super::policy::rate::RateLimit)>,
            WireError,
        >,
        route: Option<super::super::h3::Route>,
    ) -> Exchange {
        let mut before = Vec::new();
        before.extend(userinfo);
        if waited > std::time::Duration::ZERO {
            before.push(Warning::TrustStoreWait(waited));
        }
        match paced {
            Ok(Some((w, limit))) if !w.is_zero() => before.push(Warning::RateWait {
                waited: w,
                rate: limit.words(),
            }),
            Ok(_) => {}
            Err(e) => {
                let mut ex = super::super::h3::exchange_refused(spec, e);
                ex.warnings = before;
                return ex;
            }
        }
        let id = NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed);
        self.inner.opened.fetch_add(1, Ordering::Relaxed);
        let mut ex =
            super::super::h3::exchange(spec, &self.inner.trust, id, start, &probe, route).await;
        before.append(&mut ex.warnings);
        ex.warnings = before;
        ex
    }
}
