//! Retries, opt-in: which failures are worth another try (connection
//! failures; 429, 500, 502, 503, 504), exponential backoff with jitter,
//! `Retry-After` honoured up to a cap, and only idempotent methods unless
//! the user explicitly allows more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::super::error::ErrorPhase;
use super::super::exchange::Exchange;

/// How retries are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Retry {
    /// Tries in all, the first included (1 = no retries).
    pub attempts: u32,
    /// First backoff; doubles each retry, with jitter.
    pub backoff: Duration,
    /// Longest wait between tries, backoff or Retry-After.
    pub max_wait: Duration,
    /// Retry POST/PATCH too (they may have had an effect already).
    pub non_idempotent: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 1,
            backoff: Duration::from_millis(200),
            max_wait: Duration::from_secs(30),
            non_idempotent: false,
        }
    }
}

pub(super) enum Decision {
    Done,
    Stop(String),
    After { wait: Duration, reason: String },
}

/// Jitter from a small xorshift: retries need spread, not cryptography.
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn seeded() -> Jitter {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        Jitter(nanos | 1)
    }

    /// A factor in [0.5, 1.0).
    fn factor(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        0.5 + (self.0 >> 11) as f64 / (1u64 << 53) as f64 / 2.0
    }
}

impl Retry {
    /// Whether `attempt` (from 1) of `method` is retried, and after how long.
    pub(super) fn decide(
        &self,
        method: &str,
        ex: &Exchange,
        attempt: u32,
        rng: &mut Jitter,
    ) -> Decision {
        let reason = match (&ex.error, &ex.response) {
            (Some(e), _) if retriable_phase(e.phase) => {
                format!("{} failed: {}", e.phase, e.message)
            }
            (None, Some(r)) if matches!(r.status, 429 | 500 | 502 | 503 | 504) => {
                format!(
                    "{} {}",
                    r.status,
                    crate::explain::status(r.status)
                        .map(|s| s.reason)
                        .unwrap_or("")
                )
            }
            _ => return Decision::Done,
        };
        if self.attempts <= 1 {
            return Decision::Done;
        }
        let idempotent = crate::explain::method(method).is_some_and(|m| m.idempotent);
        if !idempotent && !self.non_idempotent {
            return Decision::Stop(format!(
                "not retried: {method} is not idempotent, so a retry could repeat its effect ({reason}); allow it with --retry-non-idempotent"
            ));
        }
        if attempt >= self.attempts {
            return Decision::Stop(format!("gave up after {attempt} attempts: {reason}"));
        }
        let backoff = self
            .backoff
            .mul_f64(2f64.powi(attempt as i32 - 1) * rng.factor());
        let asked = ex
            .response
            .as_ref()
            .and_then(|r| r.header("retry-after"))
            .map(|v| (v.to_string(), retry_after(v)));
        let wait = match asked {
            Some((raw, Some(d))) if d > self.max_wait => {
                return Decision::Stop(format!(
                    "Retry-After: {raw} asks for {:.0} s, more than the {:.0} s maximum wait: not retrying",
                    d.as_secs_f64(),
                    self.max_wait.as_secs_f64()
                ))
            }
            Some((raw, Some(d))) => return Decision::After { wait: d, reason: format!("{reason}; Retry-After: {raw}") },
            _ => backoff.min(self.max_wait),
        };
        Decision::After { wait, reason }
    }
}

/// Failures where the request most likely never reached the application.
fn retriable_phase(p: ErrorPhase) -> bool {
    use super::super::error::TimeoutKind;
    matches!(
        p,
        ErrorPhase::Dns
            | ErrorPhase::Connect
            | ErrorPhase::StatusLine
            | ErrorPhase::Send
            | ErrorPhase::Timeout(TimeoutKind::Connect)
    )
}

/// `Retry-After` as seconds or an HTTP-date (from now).
fn retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::explain::dates::parse_http_date(v)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(Duration::from_secs(at.saturating_sub(now).max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut j = Jitter(12345);
        for _ in 0..1000 {
            let f = j.factor();
            assert!((0.5..1.0).contains(&f));
        }
    }
}
