//! Slow motion for lessons: the real timings of a recorded step, scaled by
//! a factor from a fixed 1-2-5 ladder so a 2 ms loopback exchange plays in
//! seconds, and always labelled as scaled. Pure arithmetic; the TUI's
//! reveal and its tests use it.

use std::time::Duration;

/// Slow-motion factors, fastest first: `×1` is real time.
pub const LADDER: [u32; 16] = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/// How long a step's lifecycle should take on screen at its default speed.
pub const TARGET: Duration = Duration::from_secs(4);

/// The ladder step that plays `total` (real time) in at most `TARGET`:
/// the slowest such factor, never faster than real time.
pub fn auto_level(total: Duration) -> usize {
    let real = total.as_secs_f64();
    if real <= 0.0 {
        return 0;
    }
    LADDER
        .iter()
        .rposition(|&f| real * f as f64 <= TARGET.as_secs_f64())
        .unwrap_or(0)
}

/// The ladder step `offset` steps slower (positive) or faster (negative)
/// than `level`, kept on the ladder.
pub fn shifted(level: usize, offset: i32) -> usize {
    (level as i64 + offset as i64).clamp(0, LADDER.len() as i64 - 1) as usize
}

/// The factor of a ladder step.
pub fn factor(level: usize) -> u32 {
    LADDER[level.min(LADDER.len() - 1)]
}

/// Real time `real` as it lasts on screen at `level`.
pub fn on_screen(real: Duration, level: usize) -> Duration {
    real.saturating_mul(factor(level))
}

/// Screen time `shown` as real time of the exchange at `level`.
pub fn real_time(shown: Duration, level: usize) -> Duration {
    shown / factor(level)
}

/// What the presenter reads: "slow motion ×2000 — real timings scaled".
pub fn label(level: usize) -> String {
    match factor(level) {
        1 => "real time ×1 — real timings".to_string(),
        f => format!("slow motion ×{f} — real timings scaled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_plays_in_seconds_and_slow_steps_in_real_time() {
        let level = auto_level(Duration::from_micros(2_300));
        assert_eq!(factor(level), 1_000);
        assert!(on_screen(Duration::from_micros(2_300), level) <= TARGET);
        assert_eq!(factor(auto_level(Duration::from_millis(13))), 200);
        assert_eq!(factor(auto_level(Duration::from_secs(3))), 1);
        assert_eq!(factor(auto_level(Duration::ZERO)), 1);
        assert_eq!(factor(shifted(level, 1)), 2_000);
        assert_eq!(factor(shifted(level, -20)), 1);
        assert_eq!(factor(shifted(level, 20)), 100_000);
        assert_eq!(label(level), "slow motion ×1000 — real timings scaled");
        assert_eq!(label(0), "real time ×1 — real timings");
        assert_eq!(
            real_time(Duration::from_secs(2), level),
            Duration::from_millis(2)
        );
    }
}
