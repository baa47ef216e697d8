//! The interactive terminal UI, Elm-style: `App` is the state, `update`
//! turns messages (keys, mouse, worker events, ticks) into new state and
//! worker commands, and `view` draws the state; `term` owns the terminal
//! and the event loop. Only `term` touches the terminal or the runtime, so
//! everything else is tested with plain values and a `TestBackend`. Not
//! yet true of every effect: a few still run inside `update` (the history
//! writer's thread, file writes of exports and HAR, reading an `.http`
//! file, parked bytes read back on select) — issue 15 moves them out as
//! effects a runner carries out.

mod actions;
pub mod app;
mod bindings;
pub mod body_frame;
mod body_keys;
mod body_preview;
pub mod body_text;
pub mod body_view;
mod captured;
pub mod editor;
pub mod entry;
pub mod fixture;
pub mod fixture_body;
pub mod fixture_more;
mod flow_steps;
pub mod form;
pub mod group;
mod group_steps;
pub mod h2_model;
pub mod keymap;
pub mod layout;
pub mod lesson;
mod motion;
pub mod panes;
pub mod parking;
pub mod prompt;
pub mod search;
pub mod term;
pub mod theme;
pub mod update;
pub mod view;
pub mod wire_model;
pub mod workflow;

pub use app::App;
pub use update::{update, Msg};

use crate::wire::Options;

/// What `wirescope [URL]` passes to the UI.
#[derive(Debug, Clone, Default)]
pub struct TuiArgs {
    /// Pre-fill this URL instead of the demo server's `/get`.
    pub url: Option<String>,
    /// Initial request options (timeouts, TLS, limits) from the command
    /// line.
    pub options: Options,
    /// How far bodies are decoded (`--max-decoded`, `--max-codings`).
    pub decode: crate::decode::coding::DecodeLimits,
    /// An `.http` file, `--env`, history and redaction (`workflow`).
    pub workflow: workflow::WorkflowArgs,
    /// `--session-memory`: bytes of finished exchanges kept in memory.
    pub session_memory: usize,
    /// The opening request from the command line's request flags (an
    /// empty URL: the one the app pre-fills), loaded into the Request pane.
    pub request: Option<crate::wire::RequestSpec>,
}

/// Runs the UI until the user quits. Builds its own tokio runtime, starts
/// the embedded demo server in the background (always, so its URL is on
/// offer even when a URL was given) and restores the terminal on every
/// exit path, panics included.
pub fn run(args: TuiArgs) -> anyhow::Result<()> {
    term::run(args, None).map(|_| ())
}

/// A source of exchanges beside the worker (`wirescope capture`'s proxy
/// and program), run on the UI's runtime.
pub trait Feed {
    /// Starts, sending its exchanges as worker events; a notice for the
    /// status line, or why it could not start (the UI does not open).
    fn start(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        events: tokio::sync::mpsc::UnboundedSender<crate::worker::Event>,
    ) -> Result<String, String>;
    /// The UI has ended: stop and clean up; the process's exit code.
    fn stop(self: Box<Self>, runtime: &tokio::runtime::Runtime) -> i32;
}

/// `run`, fed by `feed` as well; the exit code is the feed's.
pub fn run_fed(args: TuiArgs, feed: Box<dyn Feed>) -> anyhow::Result<i32> {
    term::run(args, Some(feed))
}
