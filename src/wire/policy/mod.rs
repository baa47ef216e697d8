//! Automatic behaviour made visible: redirects and retries. Every hop and
//! every attempt is its own exchange on the wire, with its own bytes and
//! timeline; `Flow` groups them under the one request the user made and
//! says which rule produced each.

pub mod conditional;
pub mod rate;
mod redirect;
mod retry;

use std::time::{Duration, SystemTime};

use super::exchange::Exchange;
use super::probe::Probe;
use super::session::Session;
use super::spec::RequestSpec;

pub use redirect::Redirects;
pub use retry::Retry;

/// Why an exchange of a flow happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The request as the user made it.
    First,
    /// Following a redirect; `rule` says what happened to method and body.
    Redirect { status: u16, rule: String },
    /// Trying again after `waited`, because `reason`.
    Retry {
        attempt: u32,
        waited: Duration,
        reason: String,
    },
}

/// One exchange of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// 1 for the first request, +1 per redirect followed.
    pub hop: u32,
    /// 1 for the first try of this hop, +1 per retry.
    pub attempt: u32,
    pub cause: Cause,
    /// What the engine changed on the user's behalf (dropped credentials…).
    pub notes: Vec<String>,
    pub exchange: Exchange,
}

/// Why a flow ended before a final answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Redirect limit, loop, no Location, a scheme we do not follow.
    Redirect(String),
    /// Retries exhausted, not allowed, or a Retry-After too long.
    Retry(String),
}

impl Stop {
    pub fn message(&self) -> &str {
        match self {
            Stop::Redirect(m) | Stop::Retry(m) => m,
        }
    }
}

/// All the exchanges one request turned into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub hops: Vec<Hop>,
    /// Why the flow ended before a final answer, if it did.
    pub stopped: Option<Stop>,
    pub started_at: SystemTime,
}

impl Flow {
    pub fn last(&self) -> Option<&Exchange> {
        self.hops.last().map(|h| &h.exchange)
    }
}

/// Sends `spec`, following redirects and retrying as its options say.
/// `probe` gives a probe for each new exchange (hop index from 0).
pub async fn run(
    session: &Session,
    spec: &RequestSpec,
    probe: &mut dyn FnMut(usize) -> Probe,
) -> Flow {
    run_observed(session, spec, probe, &mut |_| {}).await
}

/// What a flow tells its observer as it goes.
#[derive(Debug)]
pub enum Step<'a> {
    /// A hop ended (its cause, notes and record).
    Hop(&'a Hop),
    /// The flow waits this long before its next attempt, and why
    /// ("Retry-After", "backoff"): a UI shows the wait and can cancel it.
    Waiting {
        wait: std::time::Duration,
        reason: &'a str,
    },
}

/// `run`, telling `observe` about each hop as soon as it ends and about
/// each wait before it starts, so a UI can show the rule applied while the
/// flow is still waiting for its next retry or hop.
pub async fn run_observed(
    session: &Session,
    spec: &RequestSpec,
    probe: &mut dyn FnMut(usize) -> Probe,
    observe: &mut dyn FnMut(Step<'_>),
) -> Flow {
    let started_at = SystemTime::now();
    let mut hops: Vec<Hop> = Vec::new();
    let mut current = spec.clone();
    let mut cause = Cause::First;
    let mut notes = Vec::new();
    let mut visited = Vec::new();
    let redirects = spec.options.redirects;
    let retry = spec.options.retry;
    let mut rng = retry::Jitter::seeded();
    let mut hop = 1;
    let stopped = loop {
        let mut attempt = 1;
        let ex = loop {
            let ex = session.send(&current, probe(hops.len())).await;
            let decision = retry.decide(&current.method, &ex, attempt, &mut rng);
            hops.push(Hop {
                hop,
                attempt,
                cause: std::mem::replace(&mut cause, Cause::First),
                notes: std::mem::take(&mut notes),
                exchange: ex,
            });
            if let Some(h) = hops.last() {
                observe(Step::Hop(h));
            }
            match decision {
                retry::Decision::Done => break None,
                retry::Decision::Stop(why) => break Some(Stop::Retry(why)),
                retry::Decision::After { wait, reason } => {
                    observe(Step::Waiting {
                        wait,
                        reason: &reason,
                    });
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    cause = Cause::Retry {
                        attempt,
                        waited: wait,
                        reason,
                    };
                }
            }
        };
        if let Some(why) = ex {
            break Some(why);
        }
        let Some(last) = hops.last().map(|h| &h.exchange) else {
            break None;
        };
        visited.push((current.method.clone(), current.url.clone()));
        match redirects.next(&current, last, &visited) {
            redirect::Next::Done => break None,
            redirect::Next::Stop(why) => break Some(Stop::Redirect(why)),
            redirect::Next::Follow {
                spec,
                status,
                rule,
                notes: n,
            } => {
                current = *spec;
                cause = Cause::Redirect { status, rule };
                notes = n;
                hop += 1;
            }
        }
    };
    Flow {
        hops,
        stopped,
        started_at,
    }
}
