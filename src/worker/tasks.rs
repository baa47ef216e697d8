//! The worker's longer tasks: a flow of exchanges (redirects, retries) run
//! by `wire::policy::run`, each hop reported live under the flow's id.
//! Must not import ratatui or crossterm.

use std::cell::RefCell;
use std::task::Poll;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::{Event, ExchangeId};
use crate::wire::{policy, Probe, Progress, RequestSpec, Session};

/// The hops' progress channels, by hop index. The probe maker pushes one
/// per hop while the flow's future runs; the loop below polls them all.
type Channels = RefCell<Vec<(usize, UnboundedReceiver<Progress>)>>;

/// The next progress of any hop (closed channels are skipped).
fn next_progress(channels: &Channels) -> impl std::future::Future<Output = (usize, Progress)> + '_ {
    std::future::poll_fn(move |cx| {
        let mut channels = channels.borrow_mut();
        for (index, rx) in channels.iter_mut() {
            if let Poll::Ready(Some(p)) = rx.poll_recv(cx) {
                return Poll::Ready((*index, p));
            }
        }
        Poll::Pending
    })
}

/// Runs `spec` once per id, one after another: on `session`, or each on
/// a new session (`None`: a new connection every time).
pub(super) async fn series(
    session: Option<Session>,
    ids: Vec<ExchangeId>,
    spec: Box<RequestSpec>,
    events: UnboundedSender<Event>,
) {
    for id in ids {
        let _ = events.send(Event::Started { id });
        let on = session.clone().unwrap_or_default();
        super::exchange(on, id, spec.clone(), events.clone()).await;
    }
}

/// Runs one flow. Hops are announced as they start (`HopStarted`), their
/// progress forwarded live, their records (`HopDone`) sent as each ends,
/// then `FlowDone`. Aborting the task
/// (Cancel) drops the flow's future, so the whole flow stops at once.
pub(super) async fn flow(
    session: Session,
    id: ExchangeId,
    spec: Box<RequestSpec>,
    events: UnboundedSender<Event>,
) {
    let channels: Channels = RefCell::new(Vec::new());
    let mut probe = |index: usize| {
        let (tx, rx) = mpsc::unbounded_channel();
        channels.borrow_mut().push((index, rx));
        let _ = events.send(Event::HopStarted { flow: id, index });
        Probe::new(tx)
    };
    // Each hop's record goes out as soon as the hop ends, so its cause
    // (the redirect rule, the retry wait) shows while the flow goes on.
    let mut index = 0;
    let mut observe = |step: policy::Step<'_>| match step {
        policy::Step::Hop(hop) => {
            let _ = events.send(Event::HopDone {
                flow: id,
                index,
                hop: Box::new(hop.clone()),
            });
            index += 1;
        }
        policy::Step::Waiting { wait, reason } => {
            let _ = events.send(Event::FlowWaiting {
                flow: id,
                wait,
                reason: reason.to_string(),
            });
        }
    };
    let run = policy::run_observed(&session, &spec, &mut probe, &mut observe);
    tokio::pin!(run);
    // The flow first: after it was polled, the progress poll below sees
    // (and registers) a channel the flow just opened.
    let flow = loop {
        tokio::select! {
            biased;
            flow = &mut run => break flow,
            (index, progress) = next_progress(&channels) => {
                let _ = events.send(Event::HopProgress { flow: id, index, progress });
            }
        }
    };
    for (index, rx) in channels.borrow_mut().iter_mut() {
        while let Ok(progress) = rx.try_recv() {
            let _ = events.send(Event::HopProgress {
                flow: id,
                index: *index,
                progress,
            });
        }
    }
    let _ = events.send(Event::FlowDone {
        flow: id,
        stopped: flow.stopped,
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::sync::mpsc;
    use tokio::task::LocalSet;

    use super::super::{run, Command, Cookie, Event, SessionChoice};
    use crate::demo::{DemoConfig, DemoServer};
    use crate::wire::policy::Cause;
    use crate::wire::{CookieJar, RequestSpec, Session};

    async fn next(rx: &mut mpsc::UnboundedReceiver<Event>) -> Event {
        tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event in time")
            .expect("the worker is running")
    }

    /// Events up to (and including) the first one `stop` accepts.
    async fn until(
        rx: &mut mpsc::UnboundedReceiver<Event>,
        stop: impl Fn(&Event) -> bool,
    ) -> Vec<Event> {
        let mut seen = Vec::new();
        loop {
            let ev = next(rx).await;
            let done = stop(&ev);
            seen.push(ev);
            if done {
                return seen;
            }
        }
    }

    fn start() -> (
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<Event>,
    ) {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        tokio::task::spawn_local(run(Session::new(), cmd_rx, ev_tx));
        (cmd_tx, ev_rx)
    }

    #[tokio::test]
    async fn cancel_during_a_retry_wait_ends_the_flow() {
        LocalSet::new().run_until(retry_wait_case()).await;
    }

    async fn retry_wait_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let mut spec = RequestSpec::get(format!(
            "{}/retry-after?after=3&times=1&key=cancel-wait",
            demo.base_url()
        ));
        spec.options.retry.attempts = 3;
        cmd.send(Command::Flow(9, Box::new(spec))).unwrap();
        // The 429 ends, then the flow says it waits 3 s.
        let seen = until(&mut ev, |e| {
            matches!(e, Event::FlowWaiting { .. } | Event::FlowDone { .. })
        })
        .await;
        let Some(Event::FlowWaiting {
            flow: 9,
            wait,
            reason,
        }) = seen.last()
        else {
            panic!("the flow ended without waiting: {seen:?}");
        };
        assert_eq!(*wait, Duration::from_secs(3), "{reason}");
        assert!(reason.contains("Retry-After"), "{reason}");
        cmd.send(Command::Cancel(9)).unwrap();
        // Nothing of the flow follows the cancel but the first hop's
        // last progress already on its way: no second hop, no end.
        let after = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match ev.recv().await {
                    Some(Event::Cancelled { id: 9 }) => continue,
                    Some(Event::HopProgress { index: 0, .. }) => continue,
                    other => return other,
                }
            }
        })
        .await;
        assert!(after.is_err(), "after the cancel: {after:?}");
    }

    #[tokio::test]
    async fn a_redirect_flow_reports_each_hop_then_the_end() {
        LocalSet::new().run_until(redirect_case()).await;
    }

    async fn redirect_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let mut spec = RequestSpec::get(format!("{}/redirect/2", demo.base_url()));
        spec.options.redirects.follow = true;
        cmd.send(Command::Flow(4, Box::new(spec))).unwrap();
        let seen = until(&mut ev, |e| matches!(e, Event::FlowDone { .. })).await;
        let started: Vec<usize> = seen
            .iter()
            .filter_map(|e| match e {
                Event::HopStarted { flow: 4, index } => Some(*index),
                _ => None,
            })
            .collect();
        assert_eq!(started, [0, 1, 2]);
        let done: Vec<(usize, u16, bool)> = seen
            .iter()
            .filter_map(|e| match e {
                Event::HopDone {
                    flow: 4,
                    index,
                    hop,
                } => Some((
                    *index,
                    hop.exchange.response.as_ref().map_or(0, |r| r.status),
                    matches!(hop.cause, Cause::Redirect { .. }),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(done, [(0, 302, false), (1, 302, true), (2, 200, true)]);
        // Every hop's progress arrived under its own index, before its end.
        for index in 0..3 {
            assert!(seen.iter().any(|e| matches!(
                e,
                Event::HopProgress { flow: 4, index: i, .. } if *i == index
            )));
        }
        assert!(matches!(
            seen.last(),
            Some(Event::FlowDone {
                flow: 4,
                stopped: None
            })
        ));
        cmd.send(Command::Shutdown).unwrap();
    }

    #[tokio::test]
    async fn cancelling_a_flow_stops_it_between_retries() {
        LocalSet::new().run_until(cancel_flow_case()).await;
    }

    async fn cancel_flow_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let mut spec = RequestSpec::get(format!("{}/flaky?fail=5&key=cf", demo.base_url()));
        spec.options.retry.attempts = 5;
        spec.options.retry.backoff = Duration::from_secs(5);
        cmd.send(Command::Flow(9, Box::new(spec))).unwrap();
        // The first attempt ends (503), then the flow waits 2.5-5 s.
        until(&mut ev, |e| {
            matches!(
                e,
                Event::HopProgress {
                    progress: crate::wire::Progress::Mark(crate::wire::Mark::Done, _),
                    ..
                }
            )
        })
        .await;
        cmd.send(Command::Cancel(9)).unwrap();
        let seen = until(&mut ev, |e| matches!(e, Event::Cancelled { .. })).await;
        assert!(
            !seen.iter().any(|e| matches!(
                e,
                Event::HopStarted { index: 1, .. } | Event::FlowDone { .. }
            )),
            "{seen:?}"
        );
        assert!(matches!(seen.last(), Some(Event::Cancelled { id: 9 })));
        // Nothing of the flow comes later.
        let late = tokio::time::timeout(Duration::from_millis(300), ev.recv()).await;
        assert!(late.is_err(), "{late:?}");
        cmd.send(Command::Shutdown).unwrap();
    }

    #[tokio::test]
    async fn revalidation_uses_the_session_memory_and_batches_their_own_sessions() {
        LocalSet::new().run_until(revalidate_case()).await;
    }

    async fn revalidate_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let url = format!("{}/etag/abc", demo.base_url());
        let spec = Box::new(RequestSpec::get(url.clone()));
        // Nothing remembered yet: nothing is sent.
        cmd.send(Command::Revalidate(1, spec.clone())).unwrap();
        assert_eq!(
            next(&mut ev).await,
            Event::Revalidating {
                id: 1,
                validators: None
            }
        );
        // On a batch session the shared session learns nothing...
        cmd.send(Command::SendIn {
            id: 2,
            spec: spec.clone(),
            session: SessionChoice::Batch(77),
        })
        .unwrap();
        until(&mut ev, |e| matches!(e, Event::Done { id: 2, .. })).await;
        cmd.send(Command::Revalidate(3, spec.clone())).unwrap();
        assert!(matches!(
            next(&mut ev).await,
            Event::Revalidating {
                id: 3,
                validators: None
            }
        ));
        // ...on the shared one it does, and the 304 follows.
        cmd.send(Command::Send(4, spec.clone())).unwrap();
        until(&mut ev, |e| matches!(e, Event::Done { id: 4, .. })).await;
        cmd.send(Command::Revalidate(5, spec)).unwrap();
        let seen = until(&mut ev, |e| matches!(e, Event::Done { id: 5, .. })).await;
        match &seen[0] {
            Event::Revalidating {
                id: 5,
                validators: Some(v),
            } => assert!(v.etag.is_some()),
            other => panic!("{other:?}"),
        }
        match seen.last() {
            Some(Event::Done { exchange, .. }) => {
                assert_eq!(exchange.response.as_ref().map(|r| r.status), Some(304));
                let sent = String::from_utf8_lossy(&exchange.transcript.sent);
                assert!(sent.contains("If-None-Match:"), "{sent}");
            }
            other => panic!("{other:?}"),
        }
        cmd.send(Command::EndSession(77)).unwrap();
        cmd.send(Command::Shutdown).unwrap();
    }

    #[tokio::test]
    async fn a_series_runs_in_order_on_one_connection_or_a_new_one_each() {
        LocalSet::new().run_until(series_case()).await;
    }

    async fn series_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let spec = Box::new(RequestSpec::get(format!("{}/get", demo.base_url())));
        for (session, want_conns) in [(SessionChoice::Batch(5), 1), (SessionChoice::Fresh, 3)] {
            cmd.send(Command::SendSeries {
                ids: vec![10, 11, 12],
                spec: spec.clone(),
                session,
            })
            .unwrap();
            let seen = until(&mut ev, |e| matches!(e, Event::Done { id: 12, .. })).await;
            let order: Vec<String> = seen
                .iter()
                .filter_map(|e| match e {
                    Event::Started { id } => Some(format!("start {id}")),
                    Event::Done { id, .. } => Some(format!("done {id}")),
                    _ => None,
                })
                .collect();
            assert_eq!(
                order,
                ["start 10", "done 10", "start 11", "done 11", "start 12", "done 12"]
            );
            let mut conns: Vec<u64> = seen
                .iter()
                .filter_map(|e| match e {
                    Event::Done { exchange, .. } => exchange.connection.as_ref().map(|c| c.id),
                    _ => None,
                })
                .collect();
            conns.dedup();
            assert_eq!(conns.len(), want_conns, "{session:?}: {conns:?}");
        }
        cmd.send(Command::Shutdown).unwrap();
    }

    #[tokio::test]
    async fn the_cookie_jar_is_listed() {
        LocalSet::new().run_until(cookies_case()).await;
    }

    async fn cookies_case() {
        let demo = DemoServer::start(DemoConfig::default()).await.unwrap();
        let (cmd, mut ev) = start();
        let mut spec = RequestSpec::get(format!("{}/cookies/set?flavor=oat", demo.base_url()));
        spec.options.cookies = CookieJar::On;
        cmd.send(Command::Send(1, Box::new(spec))).unwrap();
        until(&mut ev, |e| matches!(e, Event::Done { .. })).await;
        cmd.send(Command::Cookies).unwrap();
        match next(&mut ev).await {
            Event::Cookies(jar) => assert!(
                jar.iter()
                    .any(|c: &Cookie| c.name == "flavor" && c.value == "oat"),
                "{jar:?}"
            ),
            other => panic!("{other:?}"),
        }
        cmd.send(Command::Shutdown).unwrap();
    }
}
