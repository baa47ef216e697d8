//! What ends a run early: Ctrl-C (SIGINT) or SIGTERM. Without this the
//! default action would kill wirescope before it removes the run's CA.

use tokio::signal::unix::{signal, Signal, SignalKind};

pub struct Stop {
    int: Option<Signal>,
    term: Option<Signal>,
}

impl Stop {
    /// Takes over SIGINT and SIGTERM for the rest of the run. If one
    /// cannot be taken over, it keeps its default action (it still ends
    /// the run, only without the cleanup), and that is said.
    pub fn new() -> Stop {
        let take = |kind, name| match signal(kind) {
            Ok(s) => Some(s),
            Err(e) => {
                super::say(&format!(
                    "cannot handle {name} ({e}): it would end wirescope without removing the CA"
                ));
                None
            }
        };
        Stop {
            int: take(SignalKind::interrupt(), "Ctrl-C"),
            term: take(SignalKind::terminate(), "SIGTERM"),
        }
    }

    /// Waits for either; says which.
    pub async fn next(&mut self) -> &'static str {
        async fn on(s: &mut Option<Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = on(&mut self.int) => "Ctrl-C",
            _ = on(&mut self.term) => "SIGTERM",
        }
    }
}
