//! Client-side rate limiting (`--rate N/s`): each host gets at most N
//! requests per second, spaced evenly (a token bucket holding one token,
//! i.e. GCRA with no burst). A request reserves the next free slot for its
//! host and waits until then; a slot further off than `--rate-max-wait`
//! is refused without being taken, so the run can stop with its own error
//! instead of queueing for ever. The wait is the exchange's, shown as its
//! own phase (`queued`) in the waterfall and HAR `blocked`.
//!
//! Our own because the whole of it is the arithmetic below: `governor`
//! does GCRA too, but brings its clock and concurrent-map dependencies for
//! what is one `HashMap` behind the session's lock here, and its waits are
//! not the engine's to time and show.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// `--rate N/s` and `--rate-max-wait S`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// The spacing between two requests to one host (1/N s).
    pub interval: Duration,
    /// The longest a request may wait for its slot.
    pub max_wait: Duration,
}

impl RateLimit {
    /// `per_second` requests per second per host (> 0).
    pub fn new(per_second: f64, max_wait: Duration) -> Self {
        RateLimit {
            interval: Duration::from_secs_f64(1.0 / per_second.max(1e-6)),
            max_wait,
        }
    }

    /// "4/s", "30/min": the rate in words.
    pub fn words(&self) -> String {
        let per_second = 1.0 / self.interval.as_secs_f64().max(1e-9);
        if per_second >= 1.0 {
            format!("{}/s", trim(per_second))
        } else {
            format!("{}/min", trim(per_second * 60.0))
        }
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses `N/s`, `N/m` or `N` (per second) as curl's `--rate` does (curl:
/// `N/s`, `N/m`, `N/h`).
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (num, per) = match t.split_once('/') {
        Some((n, unit)) => (n, unit.trim()),
        None => (t, "s"),
    };
    let secs = match per {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        other => {
            return Err(format!(
                "'{other}' is not a rate unit: use N/s, N/m or N/h (e.g. 5/s)"
            ))
        }
    };
    match num.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(n / secs),
        _ => Err(format!(
            "'{}' is not a rate: use a positive number of requests, e.g. 5/s",
            crate::report::escape::escape_str(t)
        )),
    }
}

/// The next free slot per host.
#[derive(Debug, Default)]
pub struct Buckets {
    next: HashMap<String, Instant>,
}

/// A slot too far off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong {
    pub wait: Duration,
}

impl Buckets {
    /// Reserves `host`'s next slot at or after `now`: how long to wait for
    /// it. Refused (and nothing reserved) when that is past `max_wait`.
    pub fn reserve(
        &mut self,
        host: &str,
        limit: &RateLimit,
        now: Instant,
    ) -> Result<Duration, TooLong> {
        let start = self.next.get(host).map_or(now, |&n| n.max(now));
        let wait = start - now;
        if wait > limit.max_wait {
            return Err(TooLong { wait });
        }
        self.next.insert(host.to_string(), start + limit.interval);
        // Hosts whose slots are all past hold nothing worth keeping.
        if self.next.len() > 1024 {
            self.next.retain(|_, n| *n > now);
        }
        Ok(wait)
    }
}

/// Waits for `url`'s host's next slot under `limit` (before the
/// exchange's clock starts): how long it waited, or the error that stops
/// the run when the slot is past `--rate-max-wait`.
pub async fn wait_for_slot(
    buckets: &std::sync::Mutex<Buckets>,
    url: &str,
    limit: &RateLimit,
) -> Result<Duration, crate::wire::error::WireError> {
    // Per host and port, as a server counts its clients' requests.
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| url.to_string());
    let reserved = match buckets.lock() {
        Ok(mut b) => b.reserve(&host, limit, Instant::now()),
        Err(_) => Ok(Duration::ZERO),
    };
    match reserved {
        Ok(wait) => {
            tokio::time::sleep(wait).await;
            Ok(wait)
        }
        Err(TooLong { wait }) => Err(crate::wire::error::WireError::new(
            crate::wire::error::ErrorPhase::RateLimit,
            format!(
                "the next request slot for {host} under --rate {} is {:.1} s away, past --rate-max-wait {:.1} s: the run stops here rather than queue",
                limit.words(),
                wait.as_secs_f64(),
                limit.max_wait.as_secs_f64()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_like_curls() {
        assert_eq!(parse_rate("5/s"), Ok(5.0));
        assert_eq!(parse_rate("120/m"), Ok(2.0));
        assert_eq!(parse_rate("2"), Ok(2.0));
        assert!(parse_rate("0/s").is_err());
        assert!(parse_rate("5/fortnight").unwrap_err().contains("N/s"));
        assert!(parse_rate("lots").is_err());
    }

    #[test]
    fn slots_are_spaced_per_host_and_a_far_one_is_refused_untaken() {
        let limit = RateLimit::new(4.0, Duration::from_millis(600));
        assert_eq!(limit.words(), "4/s");
        assert_eq!(RateLimit::new(0.5, Duration::ZERO).words(), "30/min");
        let mut b = Buckets::default();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        // Four at once to one host: 0, 250, 500 ms; the fourth (750 ms) is
        // past the 600 ms wait allowed.
        assert_eq!(b.reserve("a", &limit, t0), Ok(ms(0)));
        assert_eq!(b.reserve("a", &limit, t0), Ok(ms(250)));
        assert_eq!(b.reserve("a", &limit, t0), Ok(ms(500)));
        assert_eq!(b.reserve("a", &limit, t0), Err(TooLong { wait: ms(750) }));
        // Refused, so not taken: a moment later the same slot is offered.
        assert_eq!(b.reserve("a", &limit, t0 + ms(200)), Ok(ms(550)));
        // Another host has its own bucket.
        assert_eq!(b.reserve("b", &limit, t0), Ok(ms(0)));
        // Idle long enough, no wait at all.
        assert_eq!(b.reserve("a", &limit, t0 + ms(5000)), Ok(ms(0)));
    }
}
