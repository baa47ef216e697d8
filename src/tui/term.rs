//! The terminal and the event loop: raw mode, alternate screen, mouse and
//! paste capture, all undone on quit, on error and on panic (a hook that
//! restores, then chains to the previous one). Each turn: drain the
//! worker's events without blocking, redraw only if something changed,
//! then wait a short while for input, so typing stays live whatever the
//! network does.

use std::io::{self, stdout};
use std::sync::{Once, OnceLock};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;

use super::app::App;
use super::theme::ColorMode;
use super::update::{update, Msg};
use super::{view, TuiArgs};
use crate::demo::{DemoConfig, DemoServer};
use crate::wire::Session;
use crate::worker::{self, Command, Worker};

/// Frame interval while an exchange is in flight (bars grow smoothly).
const LIVE_FRAME: Duration = Duration::from_millis(33);
/// Input wait when idle: short enough that worker events show promptly.
const IDLE_POLL: Duration = Duration::from_millis(33);
const LIVE_POLL: Duration = Duration::from_millis(16);
/// Longest stretch spent on worker events between two frames.
const DRAIN_BUDGET: Duration = Duration::from_millis(10);
/// Worker events handled between two looks for a key waiting: a key
/// pressed during a flood of progress events is taken within a few ms.
const EVENTS_PER_KEY_CHECK: usize = 64;

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped: covers `?` returns and unwinding.
struct Guard;

impl Guard {
    fn enter() -> io::Result<Guard> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard = Guard;
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            ratatui::crossterm::cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// The thread that owns the terminal.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    let _ = UI_THREAD.set(std::thread::current().id());
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the panic message lands on a sane screen.
            // Only a panic of the UI thread ends the UI; one in a runtime
            // task is caught there and the UI keeps running.
            if UI_THREAD.get() == Some(&std::thread::current().id()) {
                restore();
            }
            previous(info);
        }));
    });
}

pub fn run(args: TuiArgs, mut feed: Option<Box<dyn super::Feed>>) -> anyhow::Result<i32> {
    // Syntax definitions load on their own thread, off the first frame.
    crate::decode::highlight::preload();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let demo = runtime.block_on(DemoServer::start(DemoConfig::default()));
    let demo_url = demo.as_ref().ok().map(DemoServer::base_url);
    let mut app = App::new(args.url.as_deref(), demo_url.as_deref(), args.options);
    app.decode = args.decode;
    app.parking.budget = args.session_memory;
    if let Some(mut spec) = args.request {
        if spec.url.is_empty() {
            spec.url = app.form.url.clone();
        }
        let note =
            super::workflow::load::spec(&mut app, &spec, super::workflow::load::Options::Replace);
        app.notice = Some(note.unwrap_or_else(|| {
            format!(
                "{} {} from the command line's flags — F5 sends it",
                spec.method, spec.url
            )
        }));
    }
    app.color = ColorMode::from_env();
    if let Err(e) = &demo {
        app.notice = Some(format!("the demo server did not start: {e}"));
    }
    if let Some(status) = crate::wire::tls::key_log_status() {
        app.notice = Some(status.unwrap_or_else(|e| e));
    }
    // An unreadable .http file or an unknown --env ends here, before the
    // terminal is taken.
    super::workflow::setup(&mut app, &args.workflow).map_err(anyhow::Error::msg)?;
    let mut worker = worker::spawn(Session::new()).context("starting the worker")?;
    if let Some(f) = feed.as_mut() {
        match f.start(&runtime, worker.injector()) {
            Ok(note) => app.notice = Some(note),
            Err(e) => {
                worker.shutdown();
                return Err(anyhow::Error::msg(e));
            }
        }
    }
    let result = drive(&mut app, &mut worker);
    let code = feed.map_or(0, |f| f.stop(&runtime));
    // What was recorded reaches the history file before the process ends.
    super::workflow::flush(&mut app);
    worker.shutdown();
    drop(demo);
    runtime.shutdown_timeout(Duration::from_millis(200));
    result.map(|()| code)
}

/// Takes the terminal, runs the event loop until the user quits, gives
/// the terminal back (lesson mode sets up its app and worker, then this).
pub(super) fn drive(app: &mut App, worker: &mut Worker) -> anyhow::Result<()> {
    let guard = Guard::enter().context("setting up the terminal")?;
    let r = event_loop(app, worker);
    drop(guard);
    r
}

pub(super) fn dispatch(worker: &Worker, cmds: Vec<Command>) {
    for cmd in cmds {
        // A worker that is gone shows as exchanges that never finish; the
        // UI stays usable and Esc still cancels them.
        let _ = worker.commands.send(cmd);
    }
}

fn event_loop(app: &mut App, worker: &mut Worker) -> anyhow::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.clear()?;
    let mut dirty = true;
    let mut last_frame = Instant::now();
    loop {
        // A flood of progress events (a fast download) must not hold the
        // frames back: drain for a while, draw, come back without waiting.
        let drain_until = Instant::now() + DRAIN_BUDGET;
        let mut backlog = false;
        let mut handled = 0usize;
        while let Ok(ev) = worker.events.try_recv() {
            let cmds = update(app, Msg::Worker(ev));
            dispatch(worker, cmds);
            dirty = true;
            handled += 1;
            let key_waiting = handled.is_multiple_of(EVENTS_PER_KEY_CHECK)
                && event::poll(Duration::ZERO).unwrap_or(false);
            if key_waiting || Instant::now() >= drain_until {
                backlog = true;
                break;
            }
        }
        // Clocks move on every frame while in flight (progress events keep
        // frames coming faster than LIVE_FRAME during a fast download).
        if app.busy() && (dirty || last_frame.elapsed() >= LIVE_FRAME) {
            update(app, Msg::Tick(Instant::now()));
            dirty = true;
        } else if super::lesson::animating(app) {
            // A lesson's reveal redraws only when what it shows changed.
            let before = super::lesson::frame_key(app);
            update(app, Msg::Tick(Instant::now()));
            dirty |= super::lesson::frame_key(app) != before;
        }
        // Body work in the background (decoding, indexing) shows when done.
        if app.body.busy() && last_frame.elapsed() >= LIVE_FRAME {
            dirty = true;
        }
        // The Wire text index grows a slice per frame until caught up.
        if app.wire.model.indexing().is_some() {
            dirty = true;
        }
        // Clipboard requests (OSC 52) go to the terminal as they are.
        for bytes in app.workflow.outbox.drain(..) {
            use std::io::Write as _;
            let mut out = stdout();
            let _ = out.write_all(&bytes).and_then(|()| out.flush());
        }
        if dirty {
            terminal.draw(|f| {
                let area = f.area();
                view::render(app, area, f.buffer_mut());
            })?;
            last_frame = Instant::now();
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        let wait = if backlog {
            Duration::ZERO
        } else if app.busy() || app.wire.model.indexing().is_some() {
            LIVE_POLL
        } else {
            IDLE_POLL
        };
        if event::poll(wait)? {
            loop {
                let msg = match event::read()? {
                    TermEvent::Key(k) => Some(Msg::Key(k)),
                    TermEvent::Mouse(m) => Some(Msg::Mouse(m)),
                    TermEvent::Paste(s) => Some(Msg::Paste(s)),
                    TermEvent::Resize(w, h) => Some(Msg::Resize(w, h)),
                    _ => None,
                };
                if let Some(msg) = msg {
                    let cmds = update(app, msg);
                    dispatch(worker, cmds);
                    dirty = true;
                }
                if app.quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
    }
}
