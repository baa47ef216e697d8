//! `wirescope capture -- CMD` in a terminal: the TUI opens and the
//! program's exchanges arrive in its session as they complete (a `Feed`
//! on the UI's runtime). The program's output goes to a file, since the
//! TUI owns the terminal; quitting the TUI ends the program (SIGTERM,
//! then SIGKILL) and removes the CA; the program's exit code is ours.

use std::path::PathBuf;

use tokio::process::Child;
use tokio::sync::{mpsc::UnboundedSender, oneshot};

use super::sink::Sink;
use super::{child, proxy, say, start, CaptureArgs, Running};
use crate::tui::{Feed, TuiArgs};
use crate::worker::Event;

pub fn main(args: CaptureArgs) -> i32 {
    let log = args.child_output.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("wirescope-capture-{}.log", std::process::id()))
    });
    let tui = TuiArgs {
        session_memory: crate::tui::parking::DEFAULT_BUDGET,
        ..TuiArgs::default()
    };
    let feed = CaptureFeed {
        args,
        log,
        live: None,
    };
    match crate::tui::run_fed(tui, Box::new(feed)) {
        Ok(code) => code,
        Err(e) => {
            say(&format!("{e:#}"));
            1
        }
    }
}

struct CaptureFeed {
    args: CaptureArgs,
    log: PathBuf,
    live: Option<Live>,
}

struct Live {
    end: oneshot::Sender<()>,
    pump: tokio::task::JoinHandle<i32>,
}

impl Feed for CaptureFeed {
    fn start(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        events: UnboundedSender<Event>,
    ) -> Result<String, String> {
        let out = std::fs::File::create(&self.log)
            .map_err(|e| format!("the program's output file {}: {e}", self.log.display()))?;
        let (end, end_rx) = oneshot::channel();
        let args = &self.args;
        let pump = runtime.block_on(async {
            let listener = proxy::bind().await?;
            let run = start(&args.out, listener, Sink::tui(events.clone()))
                .await
                .ok_or("the capture proxy did not start")?;
            let env = child::environment(run.addr, run.ca.bundle());
            let kid = match child::spawn_to(&args.command, &env, Some(out)) {
                Ok(k) => k,
                Err(e) => {
                    run.finish().await;
                    return Err(e);
                }
            };
            Ok::<_, String>(tokio::spawn(pump(run, kid, end_rx, events.clone())))
        })?;
        self.live = Some(Live { end, pump });
        let notice = format!(
            "capturing `{}`: its exchanges arrive in History, grouped by its connections; its output goes to {}; q ends it",
            self.args.command.join(" "),
            self.log.display()
        );
        // After the proxy's own notes, which arrive as events too.
        let _ = events.send(Event::Note(notice.clone()));
        Ok(notice)
    }

    fn stop(self: Box<Self>, runtime: &tokio::runtime::Runtime) -> i32 {
        let Some(live) = self.live else { return 1 };
        let _ = live.end.send(());
        let code = runtime.block_on(live.pump).unwrap_or(1);
        say(&format!(
            "the program's output is in {}",
            self.log.display()
        ));
        code
    }
}

/// Passes the proxy's exchanges and notes to the TUI until the TUI ends,
/// saying when the program exits; then ends the program if it still runs,
/// and the proxy. The program's exit code.
async fn pump(
    mut run: Running,
    mut kid: Child,
    mut end: oneshot::Receiver<()>,
    events: UnboundedSender<Event>,
) -> i32 {
    let mut status = None;
    loop {
        tokio::select! {
            st = kid.wait(), if status.is_none() => {
                let words = match &st {
                    Ok(s) => format!("the program exited (code {}); its exchanges stay — q quits", child::exit_code(*s)),
                    Err(e) => format!("waiting for the program: {e}"),
                };
                let _ = events.send(Event::Note(format!("capture: {words}")));
                status = Some(st);
            }
            Some(ev) = run.rx.recv() => run.sink.event(ev),
            _ = &mut end => break,
        }
    }
    let status = match status {
        Some(s) => s,
        None => child::end(&mut kid, &mut run.rx, &mut run.sink).await,
    };
    run.finish().await;
    match status {
        Ok(st) => child::exit_code(st),
        Err(_) => 1,
    }
}
