//! The lessons shipped with wirescope (`assets/lessons/*.toml`), built
//! into the binary so a workshop needs nothing but the executable.

use super::model::{parse, Lesson};

/// (name, TOML text), in teaching order.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "raw-get",
        include_str!("../../assets/lessons/01-raw-get.toml"),
    ),
    (
        "content-length",
        include_str!("../../assets/lessons/02-content-length.toml"),
    ),
    (
        "methods",
        include_str!("../../assets/lessons/03-methods.toml"),
    ),
    (
        "status-families",
        include_str!("../../assets/lessons/04-status-families.toml"),
    ),
    (
        "compression",
        include_str!("../../assets/lessons/05-compression.toml"),
    ),
    ("etag", include_str!("../../assets/lessons/06-etag.toml")),
    (
        "cold-warm",
        include_str!("../../assets/lessons/07-cold-warm.toml"),
    ),
    (
        "timeouts",
        include_str!("../../assets/lessons/08-timeouts.toml"),
    ),
    (
        "retries",
        include_str!("../../assets/lessons/09-retries.toml"),
    ),
    (
        "redirects",
        include_str!("../../assets/lessons/10-redirects.toml"),
    ),
    ("http2", include_str!("../../assets/lessons/11-http2.toml")),
    ("tls", include_str!("../../assets/lessons/12-tls.toml")),
    (
        "idempotency",
        include_str!("../../assets/lessons/13-idempotency.toml"),
    ),
    ("auth", include_str!("../../assets/lessons/14-auth.toml")),
    (
        "rate-limits",
        include_str!("../../assets/lessons/15-rate-limits.toml"),
    ),
    (
        "stale-connections",
        include_str!("../../assets/lessons/16-stale-connections.toml"),
    ),
];

/// A built-in lesson by name (or its number, from 1).
pub fn find(name: &str) -> Option<(&'static str, &'static str)> {
    if let Ok(n) = name.parse::<usize>() {
        return BUILTIN.get(n.checked_sub(1)?).copied();
    }
    BUILTIN.iter().find(|(n, _)| *n == name).copied()
}

/// Every built-in lesson, parsed.
pub fn all() -> Vec<(&'static str, Result<Lesson, String>)> {
    BUILTIN
        .iter()
        .map(|(n, t)| (*n, parse(&format!("{n}.toml"), t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses() {
        for (name, lesson) in all() {
            assert!(lesson.is_ok(), "{name}: {:?}", lesson.err());
        }
        assert_eq!(find("1").map(|l| l.0), Some("raw-get"));
        assert!(find("tls").is_some());
    }
}
