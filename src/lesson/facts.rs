//! The claims a step's `expect` makes, each with whether this run bore it
//! out: the presenter's "✓ status 200 / ✗ reused: expected true, got
//! false". Built on `Outcome::check`, so it says exactly what the tests and
//! the plain playback say.

use super::model::Expect;
use super::run::Outcome;

/// One claim of `expect` and how this run answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// "status 200", "reused true".
    pub claim: String,
    pub held: bool,
    /// When it did not hold: "expected 200, got 404".
    pub detail: Option<String>,
}

/// Every claim of `expect`, in a fixed order, checked against `outcome`.
pub fn facts(outcome: &Outcome, expect: &Expect) -> Vec<Fact> {
    let claims: Vec<(&str, String)> = [
        ("status", expect.status.map(|s| s.to_string())),
        (
            "statuses",
            expect.statuses.as_ref().map(|v| {
                let v: Vec<String> = v.iter().map(u16::to_string).collect();
                v.join(", ")
            }),
        ),
        ("headers", expect.each_header.as_ref().map(|v| v.join(", "))),
        ("warning", expect.warning.as_ref().map(|w| format!("{w:?}"))),
        ("method", expect.method.clone()),
        ("exchanges", expect.exchanges.map(|n| n.to_string())),
        ("connections", expect.connections.map(|n| n.to_string())),
        ("reused", expect.reused.map(|r| r.to_string())),
        ("protocol", expect.protocol.clone()),
        ("error phase", expect.error_phase.clone()),
        (
            "server saw body",
            expect.server_saw_body.as_ref().map(|b| format!("{b:?}")),
        ),
    ]
    .into_iter()
    .filter_map(|(what, want)| want.map(|w| (what, w)))
    .collect();
    let failed = outcome.check(expect);
    claims
        .into_iter()
        .map(|(what, want)| {
            let prefix = format!("{what}: ");
            let detail = failed
                .iter()
                .find_map(|f| f.strip_prefix(&prefix).map(str::to_string));
            Fact {
                claim: format!("{what} {want}"),
                held: detail.is_none(),
                detail,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_claim_is_listed_and_failures_say_what_came() {
        let outcome = Outcome::default();
        let expect = Expect {
            status: Some(200),
            exchanges: Some(0),
            ..Expect::default()
        };
        let f = facts(&outcome, &expect);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].claim, "status 200");
        assert!(!f[0].held);
        assert_eq!(f[0].detail.as_deref(), Some("expected 200, got none"));
        assert_eq!(f[1].claim, "exchanges 0");
        assert!(f[1].held && f[1].detail.is_none());
    }
}
