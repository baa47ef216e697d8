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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests per second per host (> 0).
    pub per_second: f64,
    /// The longest a request may wait for its slot.
    pub max_wait: Duration,
}

impl RateLimit {
    /// The spacing between two requests to one host.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second.max(1e-6))
    }
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
        self.next.insert(host.to_string(), start + limit.interval());
        // Hosts whose slots are all past hold nothing worth keeping.
        if self.next.len() > 1024 {
            self.next.retain(|_, n| *n > now);
        }
        Ok(wait)
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
        let limit = RateLimit {
            per_second: 4.0,
            max_wait: Duration::from_millis(600),
        };
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
