//! The hostile suite: an inspector is pointed at exactly the servers that
//! misbehave, and must survive every one of them with a clear answer, no
//! hang, no crash, flat memory and an intact terminal.
//!
//! Each family of misbehaviour is a module under `tests/hostile/`; each
//! case is one test, judged the same way by `server::Case::run`.

#[macro_use]
pub mod server;
pub mod bodies;
pub mod framing;
pub mod h2;
pub mod network;
pub mod redirects;
pub mod slow;
pub mod tls;

/// The catalogue: at least 50 named misbehaviours, no name twice.
#[test]
fn catalogue_has_at_least_fifty_cases() {
    let all: Vec<&str> = [
        network::NAMES,
        framing::NAMES,
        slow::NAMES,
        bodies::NAMES,
        redirects::NAMES,
        tls::NAMES,
        h2::NAMES,
    ]
    .concat();
    let mut unique = all.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "a case name is used twice");
    assert!(all.len() >= 50, "only {} cases", all.len());
}
