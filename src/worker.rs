//! The worker: a tokio task that runs exchanges for the UI. Commands come
//! in, events go out, each tagged with the exchange id the UI chose, so the
//! UI can drop the late events of an exchange it cancelled.
//!
//! Each `Send` runs as its own task holding a clone of the `Session` (the
//! clones share the connection pool), so a hanging server blocks nothing
//! else; `Cancel` aborts that task at once. Events carry data: there is no
//! state shared with the UI. Must not import ratatui or crossterm.
//!
//! The tasks are local (`spawn_local`) on the worker's own thread and
//! current-thread runtime: the engine's exchange future is not `Send`, and
//! a thread of its own also keeps a 100 MB download off the UI thread and
//! off the demo server's runtime.
//!
//! Beyond one exchange: a `Flow` (redirects and retries, each hop its own
//! exchange, `tasks.rs`), sends on a session of their own (the batches
//! that compare HTTP/2 with HTTP/1.1, or a kept connection with new ones),
//! a revalidation from the session's memory, and the cookie jar's content.
//! Lesson mode adds a step run on the lesson's `Stage` (its demo servers),
//! answered with the step's whole `Outcome`.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::{AbortHandle, LocalSet};

use crate::lesson::{Outcome, Stage, Step};
use crate::wire::policy::conditional::{self, Validators};
use crate::wire::policy::{Hop, Stop};
use crate::wire::{Exchange, Probe, Progress, RequestSpec, Session};

mod tasks;

/// Chosen by the UI, unique per send.
pub type ExchangeId = u64;

/// What the UI asks of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Send(ExchangeId, Box<RequestSpec>),
    /// Like `Send`, on the session chosen (answered like `Send`).
    SendIn {
        id: ExchangeId,
        spec: Box<RequestSpec>,
        session: SessionChoice,
    },
    /// The same spec once per id, one after another with nothing in
    /// between (`Started` announces each; `Fresh`: a new session each).
    /// `Cancel` of any of them stops the series.
    SendSeries {
        ids: Vec<ExchangeId>,
        spec: Box<RequestSpec>,
        session: SessionChoice,
    },
    /// Forgets a batch session; its idle connections close.
    EndSession(u64),
    /// Sends on the shared session following redirects and retrying as
    /// the spec's options say; every exchange of it is a hop
    /// (`HopStarted`, `HopProgress`, `HopDone`, then `FlowDone`), the id
    /// naming the flow. `Cancel(id)` aborts the whole flow.
    Flow(ExchangeId, Box<RequestSpec>),
    /// Sends the spec made conditional with what the shared session
    /// remembers of its URL (`Revalidating` first; no exchange follows
    /// when nothing is remembered).
    Revalidate(ExchangeId, Box<RequestSpec>),
    /// Asks for the shared session's cookie jar (`Event::Cookies`).
    Cookies,
    /// Runs a lesson step on the lesson's stage, as the headless runner
    /// does (`Event::StepDone`); `Cancel(id)` aborts it.
    RunStep(ExchangeId, Box<Step>),
    /// Aborts the exchange at once; answered by `Event::Cancelled`.
    Cancel(ExchangeId),
    /// Aborts everything and ends the worker.
    Shutdown,
}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Live progress of an exchange in flight (marks, bytes, connection).
    Progress { id: ExchangeId, progress: Progress },
    /// The exchange ended, successfully or not (`exchange.error`).
    Done {
        id: ExchangeId,
        exchange: Box<Exchange>,
    },
    /// The exchange was aborted by `Command::Cancel`.
    Cancelled { id: ExchangeId },
    /// The next exchange of a `SendSeries` starts now.
    Started { id: ExchangeId },
    /// Exchange `index` (from 0) of flow `flow` is starting.
    HopStarted { flow: ExchangeId, index: usize },
    /// Live progress of hop `index` of a flow.
    HopProgress {
        flow: ExchangeId,
        index: usize,
        progress: Progress,
    },
    /// Hop `index` of a flow, with why it happened and its record.
    HopDone {
        flow: ExchangeId,
        index: usize,
        hop: Box<Hop>,
    },
    /// The flow waits `wait` before its next attempt (a retry backoff or
    /// the server's Retry-After), for `reason`.
    FlowWaiting {
        flow: ExchangeId,
        wait: std::time::Duration,
        reason: String,
    },
    /// The flow ended (after its last `HopDone`); `stopped` says why
    /// before a final answer, if so.
    FlowDone {
        flow: ExchangeId,
        stopped: Option<Stop>,
    },
    /// What a revalidation sends as validators; `None`: the session
    /// remembers nothing for that URL and nothing is sent.
    Revalidating {
        id: ExchangeId,
        validators: Option<Validators>,
    },
    /// The shared session's cookies.
    Cookies(Vec<Cookie>),
    /// A lesson step ran (or could not: no stage, a bad step).
    StepDone {
        id: ExchangeId,
        outcome: Result<Outcome, String>,
    },
    /// An exchange another program made, captured (`wirescope capture`),
    /// with the program's connection it came on. Not the worker's: the
    /// capture proxy sends it through `Worker::injector`.
    Captured {
        exchange: Box<Exchange>,
        client: CapturedClient,
    },
    /// Something to tell the user that is no exchange's ("the program
    /// exited with code 0").
    Note(String),
}

/// The program's connection a captured exchange came on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedClient {
    pub connection: u64,
    pub reused: bool,
    /// The TLS the program spoke to the proxy, in words, if any.
    pub tls: Option<String>,
}

/// Which session a `SendIn` runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionChoice {
    /// The one the UI's other exchanges share (connections reused).
    Shared,
    /// A session of its own, made on first use, kept until `EndSession`.
    Batch(u64),
    /// A new session for this exchange alone: a new connection.
    Fresh,
}

/// A cookie of the jar as the session lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
}

/// The UI's end of the worker.
pub struct Worker {
    pub commands: UnboundedSender<Command>,
    pub events: UnboundedReceiver<Event>,
    /// The events channel's other end, for sources beside the worker.
    inject: UnboundedSender<Event>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// A sender into the UI's event stream (capture's exchanges arrive
    /// this way, in order with the worker's own).
    pub fn injector(&self) -> UnboundedSender<Event> {
        self.inject.clone()
    }

    /// Sends `Shutdown` and waits for the worker thread to end; in-flight
    /// exchanges are aborted, so this returns promptly.
    pub fn shutdown(mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the worker on a thread of its own.
pub fn spawn(session: Session) -> std::io::Result<Worker> {
    spawn_with(session, None)
}

/// Starts the worker with a lesson stage to run steps on.
pub fn spawn_with(session: Session, stage: Option<Arc<Stage>>) -> std::io::Result<Worker> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let inject = ev_tx.clone();
    // Warm the trust store while the user types, off every exchange's
    // clock (a send that comes first waits for it, before its clock).
    let _ = std::thread::Builder::new()
        .name("wirescope-trust".into())
        .spawn(|| {
            crate::wire::tls::system_roots();
        });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("wirescope-worker".into())
        .spawn(move || {
            LocalSet::new().block_on(&runtime, run_with(session, stage, cmd_rx, ev_tx));
        })?;
    Ok(Worker {
        commands: cmd_tx,
        events: ev_rx,
        inject,
        thread: Some(thread),
    })
}

/// The worker loop; ends on `Shutdown` or when the UI drops its sender.
/// Must run inside a `LocalSet`.
pub async fn run(
    session: Session,
    commands: UnboundedReceiver<Command>,
    events: UnboundedSender<Event>,
) {
    run_with(session, None, commands, events).await
}

/// `run`, with a lesson stage for `RunStep`.
pub async fn run_with(
    session: Session,
    stage: Option<Arc<Stage>>,
    mut commands: UnboundedReceiver<Command>,
    events: UnboundedSender<Event>,
) {
    let mut running: HashMap<ExchangeId, AbortHandle> = HashMap::new();
    let mut batches: HashMap<u64, Session> = HashMap::new();
    while let Some(cmd) = commands.recv().await {
        running.retain(|_, task| !task.is_finished());
        match cmd {
            Command::Send(id, spec) => {
                let task =
                    tokio::task::spawn_local(exchange(session.clone(), id, spec, events.clone()));
                running.insert(id, task.abort_handle());
            }
            Command::SendIn {
                id,
                spec,
                session: choice,
            } => {
                let on = match choice {
                    SessionChoice::Shared => session.clone(),
                    SessionChoice::Batch(key) => batches.entry(key).or_default().clone(),
                    SessionChoice::Fresh => Session::new(),
                };
                let task = tokio::task::spawn_local(exchange(on, id, spec, events.clone()));
                running.insert(id, task.abort_handle());
            }
            Command::SendSeries {
                ids,
                spec,
                session: choice,
            } => {
                let on = match choice {
                    SessionChoice::Shared => Some(session.clone()),
                    SessionChoice::Batch(key) => Some(batches.entry(key).or_default().clone()),
                    SessionChoice::Fresh => None,
                };
                let task =
                    tokio::task::spawn_local(tasks::series(on, ids.clone(), spec, events.clone()));
                for id in ids {
                    running.insert(id, task.abort_handle());
                }
            }
            Command::EndSession(key) => {
                batches.remove(&key);
            }
            Command::Flow(id, spec) => {
                let task = tokio::task::spawn_local(tasks::flow(
                    session.clone(),
                    id,
                    spec,
                    events.clone(),
                ));
                running.insert(id, task.abort_handle());
            }
            Command::Revalidate(id, spec) => {
                let validators = session.validators(&spec.url);
                let _ = events.send(Event::Revalidating {
                    id,
                    validators: validators.clone(),
                });
                if let Some(v) = validators {
                    let spec = Box::new(conditional::revalidation(&spec, &v));
                    let task = tokio::task::spawn_local(exchange(
                        session.clone(),
                        id,
                        spec,
                        events.clone(),
                    ));
                    running.insert(id, task.abort_handle());
                }
            }
            Command::Cookies => {
                let jar = session
                    .cookies()
                    .into_iter()
                    .map(|(name, value, domain, path)| Cookie {
                        name,
                        value,
                        domain,
                        path,
                    })
                    .collect();
                let _ = events.send(Event::Cookies(jar));
            }
            Command::RunStep(id, step) => {
                let (stage, events) = (stage.clone(), events.clone());
                let task = tokio::task::spawn_local(async move {
                    let outcome = match stage {
                        Some(stage) => stage.run(&step).await,
                        None => Err("no lesson stage is running".into()),
                    };
                    let _ = events.send(Event::StepDone { id, outcome });
                });
                running.insert(id, task.abort_handle());
            }
            Command::Cancel(id) => {
                if let Some(task) = running.remove(&id) {
                    task.abort();
                }
                let _ = events.send(Event::Cancelled { id });
            }
            Command::Shutdown => break,
        }
    }
    for task in running.values() {
        task.abort();
    }
    // Say GOAWAY on the way out (bounded by `Session::close`'s wait).
    session.close().await;
    for b in batches.values() {
        b.close().await;
    }
}

/// One exchange: forwards its progress while it runs, then its record.
pub(crate) async fn exchange(
    session: Session,
    id: ExchangeId,
    spec: Box<RequestSpec>,
    events: UnboundedSender<Event>,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let send = session.send(&spec, Probe::new(tx));
    tokio::pin!(send);
    // The probe's sender may outlive the exchange (a pooled connection
    // keeps its recorder), so the loop ends on the exchange, not on the
    // channel closing.
    let exchange = loop {
        tokio::select! {
            biased;
            Some(progress) = rx.recv() => {
                let _ = events.send(Event::Progress { id, progress });
            }
            exchange = &mut send => break exchange,
        }
    };
    while let Ok(progress) = rx.try_recv() {
        let _ = events.send(Event::Progress { id, progress });
    }
    let _ = events.send(Event::Done {
        id,
        exchange: Box::new(exchange),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn cancel_aborts_a_hanging_exchange_at_once() {
        LocalSet::new().run_until(cancel_case()).await;
    }

    async fn cancel_case() {
        // A server that accepts and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            loop {
                if s.read(&mut buf).await.unwrap_or(0) == 0 {
                    break;
                }
            }
        });
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
        tokio::task::spawn_local(run(Session::new(), cmd_rx, ev_tx));
        let spec = RequestSpec::get(format!("http://{addr}/hang"));
        cmd_tx.send(Command::Send(7, Box::new(spec))).unwrap();
        // Wait until the request went out, then cancel.
        loop {
            match ev_rx.recv().await.unwrap() {
                Event::Progress {
                    progress: Progress::Mark(crate::wire::Mark::RequestSent, _),
                    ..
                } => break,
                Event::Done { exchange, .. } => panic!("ended early: {:?}", exchange.error),
                _ => {}
            }
        }
        cmd_tx.send(Command::Cancel(7)).unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                match ev_rx.recv().await {
                    Some(Event::Progress { .. }) => continue,
                    other => return other,
                }
            }
        })
        .await
        .expect("cancel must answer at once");
        assert_eq!(ev, Some(Event::Cancelled { id: 7 }));
        cmd_tx.send(Command::Shutdown).unwrap();
    }

    #[tokio::test]
    async fn failed_exchange_is_a_done_event_with_its_phase() {
        LocalSet::new().run_until(failed_case()).await;
    }

    async fn failed_case() {
        // A port nothing listens on: bind, read the port, close.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
        tokio::task::spawn_local(run(Session::new(), cmd_rx, ev_tx));
        let spec = RequestSpec::get(format!("http://127.0.0.1:{port}/"));
        cmd_tx.send(Command::Send(1, Box::new(spec))).unwrap();
        let done = loop {
            if let Some(Event::Done { id, exchange }) = ev_rx.recv().await {
                break (id, exchange);
            }
        };
        assert_eq!(done.0, 1);
        let err = done.1.error.expect("connection refused is an error");
        assert_eq!(err.phase, crate::wire::ErrorPhase::Connect);
    }

    #[test]
    fn spawned_worker_shuts_down() {
        let worker = spawn(Session::new()).unwrap();
        worker.shutdown();
    }
}
